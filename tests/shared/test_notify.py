"""Other people's changes reach an open workspace by LISTEN/NOTIFY; the "who is connected" list."""

from __future__ import annotations

import threading
import time

from sqlalchemy import select

from jmg_desktop.core.commands import FieldUpdate, edit_fields
from jmg_desktop.store.audit import record_event
from jmg_desktop.store.lines_repo import LinesStore, fetch_lines
from jmg_desktop.store.models import PoolLine
from jmg_desktop.store.pg_notify import Change, ChangeListener, connected_people
from jmg_desktop.store.pg_workspace import SharedWorkspace


def test_a_committed_change_is_announced_within_a_second_and_a_rolled_back_one_never(
    pg_demo_template, pg_database
) -> None:
    address = pg_database(pg_demo_template)
    arrived: list[tuple[float, Change]] = []
    got = threading.Event()

    def on_change(change: Change) -> None:
        arrived.append((time.perf_counter(), change))
        got.set()

    with SharedWorkspace.open(address) as writer:
        listener = ChangeListener(writer.url, on_change).start()
        try:
            assert listener.connected.wait(10)
            with writer.reading() as session:
                line_id = session.execute(select(PoolLine.id).limit(1)).scalar_one()
            line = fetch_lines(writer, [line_id])[line_id]
            # A change that fails after writing (rolled back) says nothing.
            try:
                with writer.writing() as session:
                    record_event(session, action="edit_lines", entity="pool_line", entity_id=line_id)
                    session.flush()
                    raise RuntimeError("abandoned")
            except RuntimeError:
                pass
            started = time.perf_counter()
            LinesStore(writer).apply_changes(
                edit_fields([FieldUpdate(line_id, "note", line.note, "announced")]).changes,
                action="edit_lines",
            )
            assert got.wait(4.0)  # 1 s is the goal (benchmark); slack for a loaded CI machine
            (when, change), *rest = arrived
            assert rest == []
            assert when - started < 4.0
            assert change.sequence == writer.newest_event() and change.actor == writer.actor
        finally:
            listener.stop()


def test_who_is_connected_lists_each_person_once_with_their_name(pg_demo_template, pg_database) -> None:
    address = pg_database(pg_demo_template)
    with SharedWorkspace.open(address) as first, SharedWorkspace.open(address) as second:
        listener = ChangeListener(second.url, lambda _change: None).start()
        try:
            assert listener.connected.wait(10)
            with first.reading() as session:
                people = connected_people(session.connection())
        finally:
            listener.stop()
    assert [(person.name, person.user, person.client) for person in people] == [
        ("postgres", "postgres", "this server")
    ]
    assert people[0].connections >= 2
