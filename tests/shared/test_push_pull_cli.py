"""``push``, ``pull``, ``check``/``dump`` on an address, ``server start|stop`` and the one-sentence
connection errors, against a real local PostgreSQL server."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from sqlalchemy import text

from jmg_desktop.cli import main
from jmg_desktop.store.audit import verify_chain
from jmg_desktop.store.dump import dump_workspace
from jmg_desktop.store.pg_workspace import SharedWorkspace
from jmg_desktop.store.workspace import Workspace


def _tables(path: Path) -> dict:
    with Workspace.open(path, read_only=True) as workspace:
        return dump_workspace(workspace)["tables"]


def test_push_then_pull_gives_back_every_row_and_the_chain_carries_on(
    demo_path: Path, pg_database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    address = pg_database()
    assert main(["push", str(demo_path), address]) == 0
    assert "verified" in capsys.readouterr().out
    out = tmp_path / "back.jmg"
    assert main(["pull", address, str(out)]) == 0
    before, after = _tables(demo_path), _tables(out)
    # Every table identical, except the two audit events recording the moves (and the chain head).
    for name, rows in before.items():
        if name in {"audit_event", "workspace_setting"}:
            continue
        assert after[name] == rows, name
    moves = after["audit_event"][len(before["audit_event"]) :]
    assert [event["action"] for event in moves] == ["push", "pull"]
    assert after["audit_event"][: len(before["audit_event"])] == before["audit_event"]
    with Workspace.open(out, read_only=True) as workspace, workspace.reading() as session:
        assert verify_chain(session) is None
    assert main(["check", str(out)]) == 0


def test_a_shared_workspace_is_checked_and_dumped_by_address(
    demo_path: Path, pg_database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    address = pg_database()
    assert main(["push", str(demo_path), address]) == 0
    capsys.readouterr()
    assert main(["check", address]) == 0
    assert "no problems found" in capsys.readouterr().out
    assert main(["dump", address, "-o", str(tmp_path / "d.json")]) == 0
    dumped = json.loads((tmp_path / "d.json").read_text(encoding="utf-8"))
    assert dumped["tables"]["pool_line"] == _tables(demo_path)["pool_line"]
    # Tampering on the server is found like tampering in a file.
    with SharedWorkspace.open(address) as workspace, workspace.engine.begin() as connection:
        connection.execute(text("UPDATE audit_event SET actor = 'someone else' WHERE sequence = 2"))
    assert main(["check", address]) == 1
    assert "Audit trail broken at event 2" in capsys.readouterr().out


def test_push_refuses_a_database_that_is_not_empty_and_changes_nothing(
    demo_path: Path, pg_database, capsys: pytest.CaptureFixture[str]
) -> None:
    address = pg_database()
    assert main(["push", str(demo_path), address]) == 0
    with SharedWorkspace.open(address, read_only=True) as workspace:
        before = dump_workspace(workspace)
    assert main(["push", str(demo_path), address]) == 2
    error = capsys.readouterr().err.strip()
    assert error.endswith(
        "is not empty (it has 19 table(s)); a workspace goes only into an empty database."
    ) or ("is not empty" in error and error.count("\n") == 0)
    with SharedWorkspace.open(address, read_only=True) as workspace:
        assert dump_workspace(workspace) == before


def test_pull_never_replaces_a_file(demo_path: Path, pg_database, capsys: pytest.CaptureFixture[str]) -> None:
    address = pg_database()
    assert main(["push", str(demo_path), address]) == 0
    original = demo_path.read_bytes()
    assert main(["pull", address, str(demo_path)]) == 2
    assert "already exists" in capsys.readouterr().err
    assert demo_path.read_bytes() == original
    assert sorted(p.name for p in demo_path.parent.iterdir()) == ["demo.jmg"]


def test_connection_problems_are_one_sentence_each(
    pg_server, pg_database, capsys: pytest.CaptureFixture[str]
) -> None:
    address = pg_database()
    with SharedWorkspace.create(address):
        pass
    with SharedWorkspace.create(pg_database()) as made, made.engine.begin() as connection:
        connection.execute(text("DROP ROLE IF EXISTS helen"))
        connection.execute(text("CREATE ROLE helen LOGIN PASSWORD 'right-one'"))
    port = pg_server.port
    cases = {
        f"postgresql://helen:wr0ng-pw@127.0.0.1:{port}/jmg": "The server at 127.0.0.1:{port} refused the password for “helen”.",
        f"postgresql://helen@127.0.0.1:{port}/jmg": "wants a password for “helen”",
        f"postgresql://helen:right-one@127.0.0.1:{port}/nosuch": "There is no database “nosuch” on the server at 127.0.0.1:{port}.",
        "postgresql://helen@127.0.0.1:1/jmg": "The server at 127.0.0.1:1 is not answering: it may be down, or the address may be wrong.",
        f"postgresql://helen:right-one@127.0.0.1:{port}/jmg?sslmode=require": "does not offer an encrypted connection",
    }
    for address, expected in cases.items():
        assert main(["dump", address]) == 2
        error = capsys.readouterr().err.strip()
        assert expected.format(port=port) in error, address
        assert "\n" not in error and "Traceback" not in error and "SELECT" not in error
        assert "wr0ng-pw" not in error and "right-one" not in error  # a password is never echoed


def test_server_start_status_stop(capsys: pytest.CaptureFixture[str]) -> None:
    folder = Path(tempfile.mkdtemp(prefix="jmg-srv-", dir="/tmp")) / "server"
    folder.parent.chmod(0o755)  # under root the server runs as "nobody", who must reach the folder
    try:
        assert main(["server", "start", str(folder)]) == 0
        out = capsys.readouterr().out
        assert "for trials and tests only" in out and "listening on 127.0.0.1:" in out
        assert main(["server", "status", str(folder)]) == 0
        assert "is running on 127.0.0.1:" in capsys.readouterr().out
        conf = (folder / "data" / "postgresql.conf").read_text(encoding="utf-8")
        assert "listen_addresses" in conf  # the sample; the live setting is passed at start
        assert main(["server", "stop", str(folder)]) == 0
        assert "stopped" in capsys.readouterr().out
        assert main(["server", "stop", str(folder)]) == 0
        assert "No local server is running" in capsys.readouterr().out
    finally:
        from jmg_desktop.store import pg_server

        pg_server.stop(folder, immediate=True)
        import shutil

        shutil.rmtree(folder.parent, ignore_errors=True)


def test_a_server_that_requires_tls_is_named_in_one_sentence() -> None:
    from jmg_desktop.store.pg_connect import connection_sentence, parse_address

    url = parse_address("postgresql://helen@db.council.example:5432/pool")
    # libpq's words when pg_hba.conf has only "hostssl" lines and the address did not ask for TLS.
    refused = (
        'connection failed: connection to server at "10.1.2.3", port 5432 failed: FATAL:  no pg_hba.conf '
        'entry for host "10.9.8.7", user "helen", database "pool", no encryption'
    )
    assert connection_sentence(Exception(refused), url) == (
        "The server at db.council.example:5432 accepts only encrypted connections: add ?sslmode=require "
        "to the address."
    )


def test_an_address_is_shown_and_remembered_without_its_password() -> None:
    from jmg_desktop.store.pg_connect import display_address, parse_address

    shown = display_address("postgresql://helen:s3cret@db.example:5432/pool?sslmode=require")
    assert shown == "postgresql://helen@db.example:5432/pool?sslmode=require"
    socket = display_address("postgresql://vera:s3cret@/pool?host=/tmp/jmg server&port=5433")
    assert "s3cret" not in socket and "***" not in socket
    assert dict(parse_address(socket).query) == {"host": "/tmp/jmg server", "port": "5433"}
