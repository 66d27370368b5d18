"""A table's CHECK rules proved once for each different kind of line in a large insert, instead of
run by SQLite on every row.

SQLite 3.40 evaluates each ``x IN ('a', 'b', 'c')`` rule of pool_line by filling a small lookup
table, and for a multi-row INSERT it clears and fills it again for every row: for an import of
100,000 lines, pool_line's three such rules were half of the insert's time (0.44–0.63 s against
0.27–0.30 s of CPU with them left out, on the driver alone).

Why the rows are checked all the same: a CHECK expression can read only its own row's columns
(SQLite allows no subquery and no non-deterministic function in one), so its verdict on a row
depends on the values of the columns it names and on nothing else. The columns are found in the
table's own ``CREATE TABLE`` text, as read from the file: every word of every ``CHECK (…)`` that
is a column's name (a superset of those the rules read; a word in a text literal at worst adds a
column). The lines are grouped by their values in those columns, each group's values of one type
throughout; one line of each group is inserted with the rules enforced, and only then are the
others, whose values in every column a rule can read are equal (and of the same type), inserted
with ``PRAGMA ignore_check_constraints`` on. A line a rule refuses is refused in its group's first
insert, with SQLite's own sentence, and nothing is kept (the caller's transaction rolls back).
NOT NULL, foreign keys and uniqueness are enforced on every row as ever. When there is no CHECK,
the text cannot be read whole, or the lines fall into more than a few groups, every row is
inserted with the rules enforced.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from operator import itemgetter
from typing import Any, Final

from sqlalchemy.engine import Connection

__all__ = ["check_columns", "checks_left_out", "first_of_each_kind"]

_CHECK: Final = re.compile(r"\bCHECK\s*\(", re.IGNORECASE)
_WORD: Final = re.compile(r"\w+")
_QUOTES: Final = {"'": "'", '"': '"', "`": "`", "[": "]"}
#: More different kinds of line than this are simply inserted with every rule run.
MOST_KINDS: Final = 16


def check_columns(table_sql: str, columns: Sequence[str]) -> frozenset[str] | None:
    """The ``columns`` any CHECK of a ``CREATE TABLE`` statement may read (by name, ignoring
    case), an empty set when it has none, or None when a rule's text does not end."""
    words: set[str] = set()
    for match in _CHECK.finditer(table_sql):
        end = _closing(table_sql, match.end())
        if end is None:
            return None
        words.update(word.casefold() for word in _WORD.findall(table_sql[match.end() : end]))
    return frozenset(name for name in columns if name.casefold() in words)


def _closing(text: str, start: int) -> int | None:
    """Where the parenthesis opened just before ``start`` closes (quotes skipped), or None."""
    depth, index, quote = 1, start, ""
    while index < len(text):
        char = text[index]
        if quote:
            if char == quote:
                quote = ""  # a doubled quote inside a literal closes and reopens it: the same
        elif char in _QUOTES:
            quote = _QUOTES[char]
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return index
        index += 1
    return None


def first_of_each_kind(
    lines: Sequence[Any], positions: Sequence[int], getter: Callable[[Any], Any]
) -> list[int] | None:
    """The index of one line of each different kind (its values at ``positions``, read together
    by ``getter``), or None when a position holds values of more than one type or there are more
    than :data:`MOST_KINDS` kinds."""
    for position in positions:
        if len(set(map(type, map(itemgetter(position), lines)))) > 1:
            return None  # 1, 1.0 and True are equal in Python, but not to a rule
    if not positions:
        return [0] if lines else []
    kinds = dict(zip(map(getter, lines), range(len(lines)), strict=True))  # in C: a line of each
    if len(kinds) > MOST_KINDS:
        return None
    return sorted(kinds.values())


@contextmanager
def checks_left_out(connection: Connection) -> Iterator[None]:
    """SQLite's CHECK rules not run by statements in the block (the setting is put back after,
    which makes SQLite prepare its statements again)."""
    before = connection.exec_driver_sql("PRAGMA ignore_check_constraints").scalar()
    connection.exec_driver_sql("PRAGMA ignore_check_constraints = 1")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA ignore_check_constraints = {1 if before else 0}")
