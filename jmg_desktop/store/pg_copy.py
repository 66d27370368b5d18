"""``push`` a workspace file into an empty PostgreSQL database, and ``pull`` one back into a file.

Both copy every table the models know (the same tables as ``dump``), row by row with their ids, in
one transaction on the destination; read back what was written and compare it with the source
before committing; and append one audit event saying where the workspace came from, so the
hash-chained trail continues across the move. A failed copy leaves the database empty and no file
behind (the new file is written under a temporary name and renamed only once verified).
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from contextlib import suppress
from pathlib import Path
from typing import Any, Final

from sqlalchemy import Connection, Table, bindparam, func, insert, select, text, update
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session

from jmg_desktop.store.audit import record_event, verify_chain
from jmg_desktop.store.errors import WorkspaceError
from jmg_desktop.store.models import Base
from jmg_desktop.store.pg_connect import (
    ConnectionFailed,
    connection_sentence,
    display_address,
    make_pg_engine,
)
from jmg_desktop.store.pg_workspace import _actor, _require_empty, create_schema
from jmg_desktop.store.workspace import FILE_SUFFIX, Workspace

__all__ = ["CopyError", "pull", "push", "table_digests"]

_CHUNK: Final = 2000


class CopyError(WorkspaceError):
    """A push or pull that could not be completed; nothing was left half-copied."""


def _tables() -> list[Table]:
    return list(Base.metadata.sorted_tables)


def _canonical(value: Any) -> Any:
    """A value as both databases give it back, for comparison (bytes and dates as text)."""
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).hex()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def table_digests(connection: Connection) -> dict[str, tuple[int, str]]:
    """Each table's row count and a SHA-256 of its rows in primary-key order."""
    digests = {}
    for table in _tables():
        order = list(table.primary_key.columns) or list(table.columns)
        digest = hashlib.sha256()
        count = 0
        for row in connection.execute(select(table).order_by(*order)).mappings():
            digest.update(json.dumps({k: _canonical(v) for k, v in row.items()}, sort_keys=True).encode())
            count += 1
        digests[table.name] = (count, digest.hexdigest())
    return digests


def _self_references(table: Table) -> list[str]:
    """Columns of ``table`` that refer to ``table`` itself (e.g. an agreement superseding another)."""
    return [fk.parent.name for fk in table.foreign_keys if fk.column.table is table]


def _copy_rows(source: Connection, destination: Connection) -> None:
    """Every row of every table, ids kept, parents before children.

    A row may refer forward to a later row of its own table, so such columns are first written
    empty and filled in once the whole table is there.
    """
    for table in reversed(_tables()):
        destination.execute(table.delete())
    for table in _tables():
        deferred = _self_references(table)
        order = list(table.primary_key.columns) or list(table.columns)
        result = source.execute(select(table).order_by(*order)).mappings()
        later: list[dict[str, Any]] = []
        while batch := result.fetchmany(_CHUNK):
            rows = [dict(row) for row in batch]
            if deferred:
                pk = [column.name for column in table.primary_key.columns]
                for row in rows:
                    values = {name: row[name] for name in deferred if row[name] is not None}
                    if values:
                        later.append({**{f"k_{name}": row[name] for name in pk}, **values})
                    for name in deferred:
                        row[name] = None
            destination.execute(insert(table), rows)
        for name in deferred:
            pending = [row for row in later if name in row]
            if pending:
                statement = (
                    update(table)
                    .where(*[column == bindparam(f"k_{column.name}") for column in table.primary_key.columns])
                    .values({name: bindparam(name)})
                )
                destination.execute(
                    statement,
                    [{k: v for k, v in row.items() if k.startswith("k_") or k == name} for row in pending],
                )


def _reset_sequences(connection: Connection) -> None:
    """After rows were written with their ids, let PostgreSQL's id sequences carry on above them."""
    for table in _tables():
        columns = list(table.primary_key.columns)
        if len(columns) != 1 or not columns[0].autoincrement or columns[0].type.python_type is not int:
            continue
        name = columns[0].name
        sequence = connection.execute(
            text("SELECT pg_get_serial_sequence(:table, :column)"), {"table": table.name, "column": name}
        ).scalar()
        if sequence is None:
            continue
        highest = connection.execute(select(func.max(columns[0]))).scalar()
        connection.execute(
            text("SELECT setval(:sequence, :value, :called)"),
            {"sequence": sequence, "value": highest or 1, "called": highest is not None},
        )


def _verify(source: Connection, destination: Connection) -> None:
    """Refuse the copy unless every table reads back exactly as the source holds it."""
    expected, written = table_digests(source), table_digests(destination)
    for name, (count, digest) in expected.items():
        got_count, got_digest = written.get(name, (0, ""))
        if (count, digest) != (got_count, got_digest):
            raise CopyError(
                f"The copy did not read back as the original (table {name}: {count} row(s) sent, "
                f"{got_count} read back); nothing was kept."
            )


def _continue_chain(destination: Connection, *, action: str, source: str, target: str, actor: str) -> None:
    """Append the move to the audit trail, after checking the trail arrived whole."""
    session = Session(bind=destination)
    try:
        problem = verify_chain(session)
        if problem is not None:
            raise CopyError(
                f"The audit trail of the source is broken at event {problem.sequence} ({problem.reason}); "
                "it was not copied. Run 'jmg-desktop check' on it."
            )
        record_event(
            session,
            action=action,
            entity="workspace",
            entity_id=None,
            new={"from": source, "to": target},
            actor=actor,
        )
        session.flush()
    finally:
        session.close()


def _set_up_roles_if_allowed(connection: Connection) -> None:
    """Create the workspace's viewer/editor/chair/admin roles when the pushing account may create
    roles (a trial server's administrator); a council's DBA can run the same later."""
    from jmg_desktop.store.roles import set_up_roles

    allowed = connection.execute(
        text("SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = current_user")
    ).scalar()
    if allowed:
        set_up_roles(connection)


def push(file: Path | str, address: str) -> int:
    """Copy the workspace file into the empty database at ``address``; return the rows copied."""
    from jmg_desktop.store.pg_connect import parse_address

    file = Path(file)
    url = parse_address(address)
    source = Workspace.open(file, read_only=True, backup=False)
    engine = make_pg_engine(url, pool_size=1)
    try:
        actor = _actor(engine)
        with source.engine.connect() as reader, engine.begin() as writer:
            _require_empty(writer, url)
            create_schema(writer, title="")
            _copy_rows(reader, writer)
            _reset_sequences(writer)
            _verify(reader, writer)
            _set_up_roles_if_allowed(writer)
            _continue_chain(
                writer, action="push", source=file.name, target=display_address(address), actor=actor
            )
            total = sum(count for count, _ in table_digests(writer).values())
            reader.rollback()
    except OperationalError as error:
        raise ConnectionFailed(connection_sentence(error, url)) from None
    except DBAPIError as error:
        message = str(error.orig).strip().splitlines()[0] if error.orig is not None else "a database error"
        raise CopyError(
            f"The workspace could not be copied to the server ({message}); nothing was kept."
        ) from None
    finally:
        engine.dispose()
        source.close()
    return total


def pull(address: str, out: Path | str) -> int:
    """Copy the shared workspace at ``address`` into a new workspace file ``out``; return rows copied."""
    from jmg_desktop.store.pg_connect import parse_address
    from jmg_desktop.store.pg_workspace import SharedWorkspace

    out = Path(out)
    if out.exists():
        raise CopyError(f"“{out.name}” already exists; choose another name.")
    if not out.parent.is_dir():
        raise CopyError(f"The folder for “{out.name}” does not exist.")
    url = parse_address(address)
    shared = SharedWorkspace.open(address, read_only=True)
    temp_dir = tempfile.mkdtemp(prefix=".jmg-pull-", dir=out.parent)
    temp = Path(temp_dir) / f"pull{FILE_SUFFIX}"
    try:
        target = Workspace.create(temp)
        try:
            with shared.engine.connect() as reader, target.engine.begin() as writer:
                # One snapshot of the server for the whole copy: edits made meanwhile are not half in.
                reader.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"))
                _copy_rows(reader, writer)
                _verify(reader, writer)
                _continue_chain(
                    writer,
                    action="pull",
                    source=display_address(address),
                    target=out.name,
                    actor=shared.actor,
                )
                total = sum(count for count, _ in table_digests(writer).values())
                reader.rollback()
        finally:
            target.close()
        try:
            os.link(temp, out)  # never over a file that appeared meanwhile
        except FileExistsError:
            raise CopyError(f"“{out.name}” already exists; choose another name.") from None
    except OperationalError as error:
        raise ConnectionFailed(connection_sentence(error, url)) from None
    finally:
        shared.close()
        for leftover in Path(temp_dir).iterdir():
            with suppress(OSError):
                leftover.unlink()
        with suppress(OSError):
            os.rmdir(temp_dir)
    return total
