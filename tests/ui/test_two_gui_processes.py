"""Two people, each running JMG Desktop in their own process, edit the same pool on one server.

Each process is the real main window (offscreen) driven by ``shared_gui_driver.py``, which types
into the lines table as a user does and reports over standard output. Helen's change appears in
Raj's window and Raj's in Helen's; an edit Raj makes to a line Helen changed since his window last
heard is refused with her name; and Vera, a viewer, cannot write through psql either.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from jmg_desktop.core.money import Money
from jmg_desktop.store import pg_server as servers
from jmg_desktop.store.audit import verify_chain
from jmg_desktop.store.pg_workspace import SharedWorkspace
from jmg_desktop.store.roles import set_up_roles

pytestmark = pytest.mark.slow

_DRIVER = Path(__file__).with_name("shared_gui_driver.py")
#: Long enough for two windows to start on a busy CI machine; the answers come far sooner.
_ANSWER_S = 90


class Person:
    """One application process and the lines it answers with."""

    def __init__(self, address: str) -> None:
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
        self.process = subprocess.Popen(
            [sys.executable, str(_DRIVER), address],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )

    def send(self, **command: Any) -> None:
        """One command to the window."""
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps(command) + "\n")
        self.process.stdin.flush()

    def answer(self) -> dict[str, Any]:
        """The window's next answer (waiting for it, within reason)."""
        assert self.process.stdout is not None
        import selectors

        with selectors.DefaultSelector() as selector:
            selector.register(self.process.stdout, selectors.EVENT_READ)
            if not selector.select(_ANSWER_S):
                raise AssertionError("the application process did not answer")
        line = self.process.stdout.readline()
        if not line:
            raise AssertionError(f"the application process ended: {self.process.stderr.read()}")  # type: ignore[union-attr]
        return json.loads(line)

    def finish(self) -> str:
        """Close the window and end the process; its standard error."""
        if self.process.poll() is None:
            self.send(cmd="quit")
        try:
            _, err = self.process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            _, err = self.process.communicate()
        return err


@pytest.fixture
def addresses(pg_server, pg_demo_template, pg_database, capsys: pytest.CaptureFixture[str]) -> dict[str, str]:
    """Helen and Raj (editors) and Vera (a viewer) on one shared demo, their names recorded with
    their grants by the roles command."""
    from jmg_desktop.cli import main

    address = pg_database(pg_demo_template)
    with SharedWorkspace.open(address) as admin, admin.engine.begin() as connection:
        set_up_roles(connection)
        for login in ("helen2", "raj2", "vera2"):
            if not connection.execute(
                text("SELECT 1 FROM pg_roles WHERE rolname = :u"), {"u": login}
            ).first():
                connection.execute(text(f"CREATE ROLE {login} LOGIN"))
    for login, role, name in (
        ("helen2", "editor", "Helen Marsh"),
        ("raj2", "editor", "Raj Patel"),
        ("vera2", "viewer", "Vera Lane"),
    ):
        assert main(["roles", address, "grant", login, role, "--name", name]) == 0
    capsys.readouterr()
    database = make_url(address).database
    socket = f"host={pg_server.folder}&port={pg_server.port}"
    people = {login: f"postgresql://{login}@/{database}?{socket}" for login in ("helen2", "raj2", "vera2")}
    return {"admin": address, **people}


def test_two_application_processes_edit_one_pool(addresses, pg_server) -> None:
    helen, raj = Person(addresses["helen2"]), Person(addresses["raj2"])
    try:
        ready = {name: person.answer() for name, person in (("helen", helen), ("raj", raj))}
        assert ready["helen"]["event"] == ready["raj"]["event"] == "ready"
        assert (ready["helen"]["actor"], ready["raj"]["actor"]) == ("Helen Marsh", "Raj Patel")
        # Both are connected once both are ready (the first may have said so before the second came).
        raj.send(cmd="status")
        assert raj.answer()["status"] == "Shared: Editor · 2 people connected"

        # Helen's change appears in Raj's window, and Raj's in Helen's.
        raj.send(cmd="watch", row=0, pence=Money.parse("£1,234,567").pence)
        helen.send(cmd="type", row=0, text="1,234,567")
        typed = helen.answer()
        assert typed["pence"] == Money.parse("£1,234,567").pence, typed
        seen = raj.answer()
        assert seen["event"] == "seen", seen
        helen_to_raj = seen["at"] - typed["started"]
        helen.send(cmd="watch", row=2, pence=4200)
        raj.send(cmd="type", row=2, text="42")
        typed = raj.answer()
        assert typed["pence"] == 4200, typed
        seen = helen.answer()
        assert seen["event"] == "seen", seen
        raj_to_helen = seen["at"] - typed["started"]
        print(
            f"\na change typed in one process was shown in the other {helen_to_raj:.3f} s (Helen to Raj) "
            f"and {raj_to_helen:.3f} s (Raj to Helen) after the first key was pressed"
        )

        # A conflict: Raj's window has not heard of Helen's newest change when he edits that line.
        raj.send(cmd="deaf")
        assert raj.answer()["event"] == "deaf"
        helen.send(cmd="type", row=1, text="7")
        assert helen.answer()["pence"] == 700
        raj.send(cmd="type", row=1, text="9")
        refused = raj.answer()
        assert re.fullmatch(
            r"Edit Amount was not made: This line was changed by Helen Marsh at \d\d:\d\d; "
            r"the table now shows their change\.",
            refused["message"],
        ), refused
        assert refused["pence"] == 700  # and his table shows her change, not his
    finally:
        errors = {"helen": helen.finish(), "raj": raj.finish()}
    for name, err in errors.items():
        assert "Traceback" not in err, f"{name}: {err}"

    # Each edit made is in the trail under its person's name (Raj's refused one is not), whole.
    with SharedWorkspace.open(addresses["admin"], read_only=True) as admin, admin.reading() as session:
        assert verify_chain(session) is None
        actors = list(
            session.execute(
                text("SELECT actor FROM audit_event WHERE action = 'edit_lines' ORDER BY sequence")
            ).scalars()
        )
    assert actors[-3:] == ["Helen Marsh", "Raj Patel", "Helen Marsh"]

    # Vera is a viewer: her write through psql fails.
    psql = str(servers.binaries() / "psql")
    database = make_url(addresses["admin"]).database
    refused = subprocess.run(
        [
            *(psql, "-X", "-h", str(pg_server.folder), "-p", str(pg_server.port)),
            *("-U", "vera2", "-d", database, "-v", "ON_ERROR_STOP=1"),
            *("-c", "UPDATE pool_line SET amount_pence = 0"),
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=30,
    )
    assert refused.returncode != 0 and "permission denied for table pool_line" in refused.stderr
