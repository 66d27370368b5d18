"""How each row of a dump is checked against its table, and how a refusal is worded.

:class:`Columns` holds one table's checks: exactly the table's columns, every value of the
column's type and within its bounds (money within ±£1 trillion, whole numbers within SQLite's 64
bits, text valid Unicode, binary data valid base64). Every message names the table, the row's
position in the dump, its id and the column; :func:`refusal` words what the database itself
refused (a rule, a duplicate) in the same way, never as SQL.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable
from operator import itemgetter
from typing import Any, Final

from sqlalchemy import CheckConstraint, Table

from jmg_desktop.core.money import MAX_POUNDS
from jmg_desktop.store.errors import DumpError

__all__ = ["Columns", "Where", "printable", "refusal"]

_INT64_MAX: Final = 2**63 - 1
_MONEY_MAX_PENCE: Final = MAX_POUNDS * 100
_SURROGATE = re.compile("[\ud800-\udfff]")

#: The start of a message (the file and line), computed only when a message is needed.
Where = Callable[[], str]


class Columns:
    """How one table's rows are checked and inserted."""

    def __init__(self, table: Table) -> None:
        self.table = table
        self.names = tuple(column.name for column in table.columns)
        self.name_set = frozenset(self.names)
        self.has_id = "id" in self.name_set
        self.checks = tuple(
            _checker(column.name, column.type.python_type, column.nullable) for column in table.columns
        )
        quoted = ", ".join(f'"{name}"' for name in self.names)
        marks = ", ".join("?" for _ in self.names)
        self.insert = f'INSERT INTO "{table.name}" ({quoted}) VALUES ({marks})'
        self._many: dict[int, str] = {}
        self.fast = _fast_path(table)
        self.fast_batch = _BatchCheck(table) if self.fast is not None else None

    def insert_rows(self, count: int) -> str:
        """An ``INSERT`` of ``count`` rows in one statement, their values bound in row order."""
        statement = self._many.get(count)
        if statement is None:
            one = "(" + ", ".join("?" for _ in self.names) + ")"
            statement = self.insert.rsplit(" VALUES ", 1)[0] + " VALUES " + ", ".join([one] * count)
            self._many[count] = statement
        return statement

    def row_values(self, row: Any, number: int, where: Where) -> tuple[Any, ...]:
        """The row's values in column order, or :class:`DumpError` naming what is wrong.

        The common case goes through the table's fast path; only a row it does not accept is
        looked at column by column, to say exactly what is wrong with it.
        """
        if self.fast is not None:
            values = self.fast(row)
            if values is not None:
                return values
        return self.checked(row, number, where)

    def checked(self, row: Any, number: int, where: Where) -> tuple[Any, ...]:
        """:meth:`row_values` the thorough way, every check in full."""
        if type(row) is not dict:
            raise DumpError(
                f"{where()}Table {self.table.name}, row {number}: expected an object of column values."
            )
        if row.keys() != self.name_set:
            self._key_problem(row, number, where)
        try:
            return tuple(check(row[name]) for name, check in zip(self.names, self.checks, strict=True))
        except _BadValue as bad:
            raise DumpError(
                f"{where()}Table {self.table.name}, row {number}{self.ident(row)}, column {bad.column}: {bad}."
            ) from None

    def ident(self, row: dict[str, Any]) -> str:
        """`` (id 7)`` when the row has a usable id, for messages."""
        value = row.get("id")
        return f" (id {value})" if self.has_id and type(value) is int and abs(value) < 10**15 else ""

    def _key_problem(self, row: dict[str, Any], number: int, where: Where) -> None:
        """Refuse a row with a missing or unknown column."""
        missing = [name for name in self.names if name not in row]
        if missing:
            raise DumpError(
                f"{where()}Table {self.table.name}, row {number}{self.ident(row)}: the column {missing[0]} is "
                "missing (every row must give every column)."
            )
        unknown = sorted(str(key) for key in row if key not in self.name_set)
        raise DumpError(
            f"{where()}Table {self.table.name}, row {number}{self.ident(row)}: unknown column {printable(unknown[0])}."
        )


def _fast_path(table: Table) -> Callable[[Any], tuple[Any, ...] | None] | None:
    """A function accepting a well-formed row of ``table`` at speed (None for anything else).

    Generated from the table's columns, because a million-line load calls it a million times and
    a loop over per-column checker functions costs several times as much. It checks the keys and
    each value's type (and money's bounds); what SQLite itself refuses (a 65-bit number, a lone
    surrogate) is caught at the insert and the row then goes through the thorough checks.
    Tables with binary columns (decoded from base64) always take the thorough way.
    """
    lines = ["def fast(row):", "    if type(row) is not dict or row.keys() != KEYS:", "        return None"]
    for index, column in enumerate(table.columns):
        kind = column.type.python_type
        if kind is bytes:
            return None
        type_name = {int: "int", str: "str", bool: "bool"}[kind]
        test = f"type(v{index}) is not {type_name}"
        if kind is int and column.name.endswith("_pence"):
            test += f" or not -{_MONEY_MAX_PENCE} <= v{index} <= {_MONEY_MAX_PENCE}"
        if column.nullable:
            test = f"v{index} is not None and ({test})"
        lines += [f"    v{index} = row[{column.name!r}]", f"    if {test}:", "        return None"]
    lines.append(f"    return ({', '.join(f'v{i}' for i in range(len(table.columns)))},)")
    namespace: dict[str, Any] = {"KEYS": frozenset(column.name for column in table.columns)}
    exec(compile("\n".join(lines), f"<load fast path for {table.name}>", "exec"), namespace)
    return namespace["fast"]


class _BatchCheck:
    """:func:`_fast_path` for a whole batch of rows at once, column by column in C loops.

    Per row in Python the fast path cost as much as decoding the JSON (a million pool lines:
    21 million lookups and type tests). Here the values come out of every row by one
    ``itemgetter`` (it fails on a row that is not an object or lacks a column), the rows'
    lengths show an unknown column, and each column, transposed by ``zip``, is judged by the set
    of its values' types and, for money, its least and greatest amounts. It accepts exactly the
    rows the fast path accepts; None means some row must go the thorough way.
    """

    def __init__(self, table: Table) -> None:
        names = [column.name for column in table.columns]
        self.width = len(names)
        single = itemgetter(names[0])
        self.values = itemgetter(*names) if len(names) > 1 else (lambda row: (single(row),))
        self.allowed: list[frozenset[type]] = []
        self.money: list[int] = []
        for index, column in enumerate(table.columns):
            kinds: set[type] = {column.type.python_type}
            if column.nullable:
                kinds.add(type(None))
            self.allowed.append(frozenset(kinds))
            if column.type.python_type is int and column.name.endswith("_pence"):
                self.money.append(index)

    def __call__(self, rows: list[Any]) -> list[tuple[Any, ...]] | None:
        """The rows' values in column order when every row passes, else None."""
        try:
            values = list(map(self.values, rows))
        except (KeyError, TypeError):  # a row that is not an object, or lacks a column
            return None
        if set(map(len, rows)) != {self.width} or set(map(type, rows)) != {dict}:
            return None  # an unknown column (all the known ones are there)
        columns = list(zip(*values, strict=True))
        for column, allowed in zip(columns, self.allowed, strict=True):
            if not set(map(type, column)) <= allowed:
                return None
        for index in self.money:
            amounts = [value for value in columns[index] if value is not None]
            if amounts and (min(amounts) < -_MONEY_MAX_PENCE or max(amounts) > _MONEY_MAX_PENCE):
                return None
        return values


class _BadValue(Exception):
    """A value that does not fit its column; the message is the reason."""

    def __init__(self, column: str, reason: str) -> None:
        super().__init__(reason)
        self.column = column


def _checker(name: str, python_type: type, nullable: bool) -> Callable[[Any], Any]:
    """A function checking and converting one column's dumped value."""
    money = name.endswith("_pence")

    def absent(value: Any) -> Any:
        if nullable:
            return None
        raise _BadValue(name, "it must have a value (it is null)")

    def whole(value: Any) -> Any:
        if type(value) is not int:
            if value is None:
                return absent(value)
            raise _BadValue(name, f"expected a whole number, found {_found(value)}")
        if money and not -_MONEY_MAX_PENCE <= value <= _MONEY_MAX_PENCE:
            raise _BadValue(
                name, f"{_pounds(value)} is beyond the £1 trillion (either way) that JMG Desktop accepts"
            )
        if not -_INT64_MAX - 1 <= value <= _INT64_MAX:
            raise _BadValue(name, f"{_found(value)} is larger than any whole number a workspace can hold")
        return value

    def flag(value: Any) -> Any:
        if type(value) is not bool:
            if value is None:
                return absent(value)
            raise _BadValue(name, f"expected true or false, found {_found(value)}")
        return value

    def words(value: Any) -> Any:
        if type(value) is not str:
            if value is None:
                return absent(value)
            raise _BadValue(name, f"expected text, found {_found(value)}")
        if _SURROGATE.search(value):
            raise _BadValue(
                name, "the text holds a lone surrogate (\\ud800–\\udfff), which is not valid Unicode"
            )
        return value

    def binary(value: Any) -> Any:
        if value is None:
            return absent(value)
        if not (type(value) is dict and value.keys() == {"base64"} and type(value["base64"]) is str):
            raise _BadValue(name, 'expected binary data as {"base64": "…"}')
        try:
            return base64.b64decode(value["base64"], validate=True)
        except (binascii.Error, ValueError):
            raise _BadValue(name, "the binary data is not valid base64") from None

    if python_type is bool:
        return flag
    if python_type is int:
        return whole
    if python_type is bytes:
        return binary
    if python_type is str:
        return words
    raise TypeError(f"dump/load does not know how to check a {python_type.__name__} column ({name})")


def _found(value: Any) -> str:
    """A short description of a wrong value, for messages."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        digits = len(str(abs(value))) if abs(value) < 10**100 else "more than 100"
        return str(value) if abs(value) < 10**30 else f"a number of {digits} digits"
    if isinstance(value, float):
        return f"the decimal number {value!r}"
    if isinstance(value, str):
        return f"the text {printable(value)}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def printable(text: str) -> str:
    """Text quoted for a message, shortened, with surrogates shown as escapes."""
    shown = text if len(text) <= 30 else text[:29] + "…"
    return "“" + shown.encode("utf-8", "backslashreplace").decode("utf-8") + "”"


def _pounds(pence: int) -> str:
    """An out-of-range amount in pounds, as far as it can sensibly be printed."""
    if abs(pence) >= 10**30:
        return "an amount of more than a thousand trillion trillion pounds"
    sign = "−" if pence < 0 else ""
    return f"{sign}£{abs(pence) // 100:,}.{abs(pence) % 100:02d}"


_UNIQUE = re.compile(r"UNIQUE constraint failed: (.+)")
_CHECK = re.compile(r"CHECK constraint failed: (\w+)")


def refusal(error: Exception, table: Table, row: dict[str, Any]) -> str:
    """Why the database refused a row, in our words: column names and values only, never SQL."""
    text = str(error)
    unique = _UNIQUE.search(text)
    if unique:
        columns = [part.strip().removeprefix(f"{table.name}.") for part in unique.group(1).split(",")]
        if columns == ["id"]:
            return "its id is the same as an earlier row's"
        joined = " and ".join(columns)
        return f"its {joined} {'is' if len(columns) == 1 else 'are'} the same as an earlier row's"
    check = _CHECK.search(text)
    if check:
        columns = _rule_columns(table, check.group(1))
        if columns:
            shown = " and ".join(
                f"{name} {_found(row.get(name))}".replace(" the text ", " ") for name in columns
            )
            return f"its {shown} {'is' if len(columns) == 1 else 'are'} not allowed by the workspace's rules"
        return "a value is not allowed by the workspace's rules"
    if "NOT NULL" in text:
        return "a column that must have a value is empty"
    return "the workspace refused the row"


def _rule_columns(table: Table, rule: str) -> list[str]:
    """The columns a CHECK rule of ``table`` (named as SQLite reports it) is about."""
    for constraint in table.constraints:
        if isinstance(constraint, CheckConstraint) and rule in {
            str(constraint.name),
            f"ck_{table.name}_{constraint.name}",
        }:
            words = set(re.findall(r"\w+", str(constraint.sqltext)))
            return [column.name for column in table.columns if column.name in words]
    return []
