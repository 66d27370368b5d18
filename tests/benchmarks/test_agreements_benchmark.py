"""Benchmarks for the decision register (not part of the default run).

Run explicitly: ``pytest tests/benchmarks/test_agreements_benchmark.py -q -s``. Prints the median
of several rounds: the register of 1,000 agreements (10 lines each) with agreed-vs-now for every
one; the "changed since agreed" marks for a 10,000-line pool; recording one agreement; one audit
event with the chain head kept beside it; and verifying a 20,000-event chain.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from sqlalchemy import insert, select

from jmg_desktop.core.agreements import Status, Step
from jmg_desktop.store.agreements_repo import (
    lines_changed_since_agreed,
    list_agreements,
    move_agreement,
    record_agreement,
)
from jmg_desktop.store.audit import audit_findings, record_event
from jmg_desktop.store.models import Partner, Pool, PoolLine
from jmg_desktop.store.workspace import Workspace


def _median_ms(run: Callable[[], object], rounds: int = 5) -> float:
    timings = []
    for _ in range(rounds):
        start = time.perf_counter()
        run()
        timings.append((time.perf_counter() - start) * 1000)
    return statistics.median(timings)


def _big_register(path: Path) -> Workspace:
    workspace = Workspace.create(path)
    with workspace.writing() as session:
        session.add_all(
            [
                Partner(name="Council", sovereign_body="Cabinet"),
                Partner(name="NHS", kind="nhs", sovereign_body="ICB Board"),
            ]
        )
        session.add(Pool(name="Big pool"))
        session.flush()
        pool_id = session.execute(select(Pool.id)).scalar_one()
        session.execute(
            insert(PoolLine),
            [
                {
                    "pool_id": pool_id,
                    "financial_year": 2024,
                    "service": f"Service {n}",
                    "partner_id": 1 + n % 2,
                    "status_id": 1,
                    "amount_pence": 100_000_00 + n,
                    "note": "",
                    "position": n,
                }
                for n in range(1, 10_001)
            ],
        )
    with workspace.writing() as session:
        for number in range(1_000):
            ids = list(range(number * 10 + 1, number * 10 + 11))
            agreement = record_agreement(
                session, title=f"Agreement {number}", line_ids=ids, on=date(2024, 1, 1)
            )
            move_agreement(session, agreement, Step(Status.RECOMMENDED, date(2024, 2, 1)))
        # A tenth of the lines change after agreement.
        for line in session.execute(select(PoolLine).where(PoolLine.id % 10 == 0)).scalars():
            line.amount_pence += 1
    return workspace


def test_register_benchmarks(tmp_path: Path) -> None:
    workspace = _big_register(tmp_path / "big.jmg")
    try:

        def register() -> None:
            with workspace.reading() as session:
                rows = list_agreements(session)
                assert len(rows) == 1_000 and sum(r.figures_changed for r in rows) == 1_000

        def marks() -> None:
            with workspace.reading() as session:
                assert len(lines_changed_since_agreed(session, 1, 2024)) == 1_000

        def record_one() -> None:
            with workspace.writing() as session:
                record_agreement(session, title="One more", line_ids=list(range(1, 11)))

        def one_event() -> None:
            with workspace.writing() as session:
                record_event(
                    session, action="edit", entity="pool_line", entity_id=1, old={"a": 1}, new={"a": 2}
                )

        register_ms = _median_ms(register)
        marks_ms = _median_ms(marks)
        record_ms = _median_ms(record_one, rounds=21)
        event_ms = _median_ms(one_event, rounds=51)
        with workspace.writing() as session:
            for _ in range(20_000):
                record_event(session, action="edit", entity="pool_line", entity_id=1, old=None, new={"a": 1})
        chain_ms = _median_ms(lambda: _verify(workspace), rounds=3)
    finally:
        workspace.close()
    print(
        f"\nregister of 1,000 agreements with agreed-vs-now: {register_ms:.0f} ms median"
        f"\nchanged-since-agreed marks, 10,000-line pool: {marks_ms:.0f} ms median"
        f"\nrecord one 10-line agreement (one transaction, audited): {record_ms:.1f} ms median"
        f"\none audit event with the chain head (one transaction): {event_ms:.2f} ms median"
        f"\nverify a ~24,000-event chain: {chain_ms:.0f} ms median"
    )


def _verify(workspace: Workspace) -> None:
    with workspace.reading() as session:
        assert audit_findings(session) == []
