"""The whole schema of a SQLite workspace file, compared with the one this version makes.

The expected schema is not a hand-kept list: it is read from a workspace freshly built by this
version's migrations (:func:`expected_schema`), so a table, column, rule or index another feature
adds is covered the moment its migration exists. What is compared, table by table: the columns
with their declared types, NOT NULL, defaults and primary key; the CHECK rules; the foreign keys;
unique constraints and indexes (including expression and partial indexes); and every trigger and
view. The reference is built once per schema and kept in the user's data folder (building it needs
Alembic, which costs half a second).

SQLite only: another backend compares its own catalogue.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import sqlite3
import tempfile
from functools import cache
from pathlib import Path
from typing import Any

from jmg_desktop.store import migrate

__all__ = ["expected_schema", "schema_differences", "schema_of"]

Schema = dict[str, Any]

#: SQLite's own bookkeeping tables: never part of the comparison.
_INTERNAL = re.compile(r"^sqlite_(sequence|stat\d)$")
_CHECK = re.compile(r"\bCHECK\s*\(", re.IGNORECASE)
_SPACE = re.compile(r"\s+")


def _normal(sql: str) -> str:
    """SQL text with runs of white space made one space and quotes around names dropped."""
    text = _SPACE.sub(" ", sql.replace('"', "").replace("`", "")).strip()
    return re.sub(r"\s*([(),])\s*", r"\1", text)


def _checks(sql: str) -> list[str]:
    """The CHECK rules of a CREATE TABLE statement, each as its normalised text."""
    rules = []
    for match in _CHECK.finditer(sql):
        depth, start = 0, match.end() - 1
        for index in range(start, len(sql)):
            if sql[index] == "(":
                depth += 1
            elif sql[index] == ")":
                depth -= 1
                if depth == 0:
                    rules.append(_normal(sql[start : index + 1]))
                    break
    return sorted(rules)


def schema_of(connection: sqlite3.Connection) -> Schema:
    """Everything that defines the file's schema, in a form that compares by ``==``."""
    objects = connection.execute(
        "SELECT type, name, tbl_name, COALESCE(sql, '') FROM sqlite_master"
    ).fetchall()
    tables: dict[str, Any] = {}
    others: dict[str, str] = {}
    for kind, name, _table, sql in objects:
        if kind == "table" and not _INTERNAL.match(name):
            tables[name] = _table_schema(connection, name, sql)
        elif kind in ("trigger", "view"):
            others[f"{kind} {name}"] = _normal(sql)
    return {"tables": tables, "others": others}


def _table_schema(connection: sqlite3.Connection, name: str, sql: str) -> dict[str, Any]:
    """One table's columns, rules, foreign keys and indexes."""
    quoted = name.replace('"', '""')
    columns = {
        row[1]: [str(row[2]).upper(), bool(row[3]), row[4], int(row[5]), int(row[6])]
        for row in connection.execute(f'PRAGMA table_xinfo("{quoted}")')
    }
    foreign = sorted(
        [row[2], row[3], row[4], row[5], row[6]]
        for row in connection.execute(f'PRAGMA foreign_key_list("{quoted}")')
    )
    indexes: dict[str, Any] = {}
    for _seq, index, unique, origin, partial in connection.execute(f'PRAGMA index_list("{quoted}")'):
        keys = [
            [row[2], bool(row[3]), row[4]]
            for row in connection.execute(f'PRAGMA index_xinfo("{index.replace(chr(34), chr(34) * 2)}")')
            if row[5]
        ]
        if origin == "c":
            text = connection.execute("SELECT sql FROM sqlite_master WHERE name = ?", (index,)).fetchone()
            indexes[f"index {index}"] = [bool(unique), bool(partial), keys, _normal(text[0] or "")]
        else:  # made by a UNIQUE or PRIMARY KEY constraint: SQLite numbers them in creation order
            indexes[f"{'unique' if origin == 'u' else 'key'} ({', '.join(str(k[0]) for k in keys)})"] = [keys]
    without_rowid = bool(re.search(r"\)\s*WITHOUT\s+ROWID\s*$", sql, re.IGNORECASE))
    return {
        "columns": columns,
        "checks": _checks(sql),
        "foreign_keys": foreign,
        "indexes": indexes,
        "without_rowid": without_rowid,
    }


def schema_differences(actual: Schema, expected: Schema) -> list[str]:
    """Each way ``actual`` differs from ``expected``, as a phrase ("the column x.y is REAL, not
    INTEGER"); empty when they are the same. Names only, never SQL text."""
    found: list[str] = []
    want, have = expected["tables"], actual["tables"]
    for name in sorted(set(want) - set(have)):
        found.append(f"the table {name} is missing")
    for name in sorted(set(have) - set(want)):
        found.append(f"the table {name} is not one this version knows")
    for name in sorted(set(want) & set(have)):
        found += _table_differences(name, have[name], want[name])
    for what in sorted(set(actual["others"]) - set(expected["others"])):
        kind, _, title = what.partition(" ")
        found.append(f"a {kind} “{title}” that JMG Desktop did not create")
    for what in sorted(set(expected["others"]) - set(actual["others"])):
        found.append(f"the {what} is missing")
    for what in sorted(set(expected["others"]) & set(actual["others"])):
        if expected["others"][what] != actual["others"][what]:
            found.append(f"the {what} is not as JMG Desktop made it")
    return found


def _table_differences(name: str, have: dict[str, Any], want: dict[str, Any]) -> list[str]:
    """How one table differs from what this version makes."""
    found: list[str] = []
    for column in [c for c in want["columns"] if c not in have["columns"]]:
        found.append(f"the column {name}.{column} is missing")
    for column in [c for c in have["columns"] if c not in want["columns"]]:
        found.append(f"the column {name}.{column} is not one this version knows")
    for column in [c for c in want["columns"] if c in have["columns"]]:
        (h_type, h_null, h_default, h_key, _), (w_type, w_null, w_default, w_key, _) = (
            have["columns"][column],
            want["columns"][column],
        )
        if h_type != w_type:
            found.append(f"the column {name}.{column} is declared {h_type or 'without a type'}, not {w_type}")
        if h_null != w_null:
            found.append(f"the column {name}.{column} {'refuses' if h_null else 'allows'} empty values")
        if h_default != w_default:
            found.append(f"the column {name}.{column} has a different default")
        if h_key != w_key:
            found.append(f"the column {name}.{column} is {'' if h_key else 'not '}part of the primary key")
    if have["checks"] != want["checks"]:
        extra = len(set(have["checks"]) - set(want["checks"]))
        missing = len(set(want["checks"]) - set(have["checks"]))
        if extra:
            found.append(f"the table {name} has {extra} CHECK rule(s) JMG Desktop did not create")
        if missing:
            found.append(f"the table {name} lacks {missing} of JMG Desktop's CHECK rules")
    if have["foreign_keys"] != want["foreign_keys"]:
        found.append(f"the references of the table {name} are not as JMG Desktop made them")
    for index in sorted(set(have["indexes"]) - set(want["indexes"])):
        found.append(f"an {index} on {name} that JMG Desktop did not create")
    for index in sorted(set(want["indexes"]) - set(have["indexes"])):
        found.append(f"the {index} on {name} is missing")
    for index in sorted(set(want["indexes"]) & set(have["indexes"])):
        if have["indexes"][index] != want["indexes"][index]:
            found.append(f"the {index} on {name} is not as JMG Desktop made it")
    if have["without_rowid"] != want["without_rowid"]:
        found.append(f"the table {name} is stored differently (WITHOUT ROWID)")
    return found


def _migrations_digest() -> str:
    """A fingerprint of this version's migrations: the reference schema changes only with them."""
    digest = hashlib.sha256()
    for script in sorted((migrate.MIGRATIONS_DIR / "versions").glob("*.py")):
        digest.update(script.name.encode() + b"\0" + script.read_bytes())
    return digest.hexdigest()[:16]


@cache
def expected_schema() -> Schema:
    """The schema of a workspace freshly built by this version (built once, then kept on disk)."""
    from jmg_desktop.store.backups import data_dir

    key = _migrations_digest()
    cached = data_dir() / "schema" / f"schema-{migrate.schema_version()}-{key}.json"
    with contextlib.suppress(OSError, ValueError):
        return json.loads(cached.read_text(encoding="utf-8"))
    schema = _build_reference()
    with contextlib.suppress(OSError):  # without a cache the next run builds it again: no harm
        cached.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(dir=cached.parent, suffix=".part")
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            json.dump(schema, stream)
        os.replace(temp, cached)
    return schema


def _build_reference() -> Schema:
    """Build an empty workspace with the migrations in a scratch folder and read its schema."""
    from jmg_desktop.store.workspace import build_empty

    with tempfile.TemporaryDirectory(prefix="jmg-schema-") as scratch:
        path = Path(scratch) / "reference.jmg"
        path.touch()
        build_empty(path, title="reference", shown="the reference workspace")
        connection = sqlite3.connect(path)
        try:
            return json.loads(json.dumps(schema_of(connection)))  # the same shape as when read back
        finally:
            connection.close()
