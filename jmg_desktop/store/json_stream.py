"""Reading a workspace dump as a stream: one row in memory at a time, however large the file.

A dump is ``{"format": …, "format_version": …, "schema_version": …, "tables": {"name": [row,
…], …}}``. :class:`DumpReader` walks the two outer levels itself and hands each row (a small
JSON object) to the standard library's C decoder, so a million-line dump is read in bounded memory
and at the decoder's speed. Every problem becomes a :class:`~jmg_desktop.store.dump.DumpError`
naming the line of the file: broken JSON, text that is not UTF-8, nesting too deep, a number with
too many digits, a single value larger than :data:`MAX_VALUE_CHARS`. A UTF-8 byte-order mark at
the start is accepted (Windows editors write one).
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Callable, Iterator
from typing import Any, BinaryIO, Final

from jmg_desktop.store.errors import DumpError

__all__ = ["MAX_VALUE_CHARS", "DumpReader", "DumpSyntaxError"]

#: The largest single value (a row, or a header field) read at once: a paper's issued PDF as
#: base64 is well below this; anything larger is not a dump this application wrote.
MAX_VALUE_CHARS: Final = 64 * 1024 * 1024
_CHUNK_BYTES: Final = 1 << 20
_WHITESPACE = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()


class DumpSyntaxError(DumpError):
    """The file is not well-formed JSON of the dump's shape; the message names the line."""


class DumpReader:
    """A pull parser over a dump file's outer structure.

    ``header_fields()`` yields ``(key, value)`` for each top-level field other than ``tables``;
    when it reaches ``tables`` it yields ``("tables", None)`` and the caller then iterates
    :meth:`tables`, whose rows must be consumed in order.
    """

    def __init__(self, stream: BinaryIO, name: str) -> None:
        self._stream = stream
        self._name = name
        self._decoder = codecs.getincrementaldecoder("utf-8")("strict")
        self._buffer = ""
        self._pos = 0
        self._lines_before = 0  # newlines in the text already dropped from the buffer
        self._bytes_read = 0
        self._eof = False
        self._first = True
        self._mark: int | None = None  # where the current row starts, kept in the buffer

    # -- positions and errors ------------------------------------------------------------------

    def line_at(self, pos: int | None = None) -> int:
        """The 1-based line of the file at buffer position ``pos`` (default: the current one)."""
        where = self._pos if pos is None else pos
        return self._lines_before + self._buffer.count("\n", 0, where) + 1

    def row_line(self) -> int:
        """The line on which the row being read (or just read) starts."""
        return self.line_at(self._mark)

    def fail(self, message: str, pos: int | None = None) -> DumpSyntaxError:
        """An error naming the file and the line."""
        return DumpSyntaxError(f"“{self._name}”, line {self.line_at(pos)}: {message}")

    # -- the buffer ----------------------------------------------------------------------------

    def _fill(self) -> bool:
        """Read more text into the buffer; False at the end of the file."""
        if self._eof:
            return False
        keep = self._pos if self._mark is None else min(self._pos, self._mark)
        if keep > len(self._buffer) // 2:
            self._lines_before += self._buffer.count("\n", 0, keep)
            self._buffer = self._buffer[keep:]
            self._pos -= keep
            if self._mark is not None:
                self._mark -= keep
        chunk = self._stream.read(_CHUNK_BYTES)
        try:
            text = self._decoder.decode(chunk, final=not chunk)
        except UnicodeDecodeError as error:
            raise self.fail(
                f"the file is not UTF-8 text (byte {self._bytes_read + error.start + 1} cannot be read)",
                len(self._buffer),
            ) from None
        self._bytes_read += len(chunk)
        if self._first:
            self._first = False
            text = text.removeprefix("\ufeff")
        if not chunk:
            self._eof = True
        self._buffer += text
        return bool(chunk)

    def _skip_space(self) -> str:
        """Skip whitespace and return the next character ("" at the end of the file)."""
        while True:
            self._pos = _WHITESPACE.match(self._buffer, self._pos).end()  # type: ignore[union-attr]
            if self._pos < len(self._buffer):
                return self._buffer[self._pos]
            if not self._fill():
                return ""

    def _expect(self, allowed: str, what: str) -> str:
        """Consume one of the punctuation characters ``allowed``; refuse anything else."""
        if self._pos < len(self._buffer) and self._buffer[self._pos] in allowed:  # the usual case
            char = self._buffer[self._pos]
            self._pos += 1
            return char
        char = self._skip_space()
        if not char or char not in allowed:
            found = "the end of the file" if not char else f"“{char}”"
            raise self.fail(f"expected {what}, found {found}")
        self._pos += 1
        return char

    def _value(self, *, skip: bool = True) -> Any:
        """Decode one JSON value at the current position, reading more of the file as needed."""
        if skip:
            self._skip_space()
        while True:
            try:
                value, end = _DECODER.raw_decode(self._buffer, self._pos)
            except json.JSONDecodeError as error:
                if self._maybe_incomplete(error) and self._need_more():
                    continue
                raise self.fail(f"this is not valid JSON ({_explain(error.msg)})", error.pos) from None
            except RecursionError:
                raise self.fail("a value is nested too deeply to be part of a dump") from None
            except ValueError:  # an integer with more digits than Python will convert (4,300)
                raise self.fail("a number has more digits than any value in a dump could have") from None
            # A number (or true/false/null) ending exactly at the end of the buffer may go on.
            if end == len(self._buffer) and self._need_more():
                continue
            self._pos = end
            return value

    def _maybe_incomplete(self, error: json.JSONDecodeError) -> bool:
        """Whether a decoding error may only mean the value goes on past the buffer's end."""
        return error.msg.startswith("Unterminated string") or error.pos >= len(self._buffer) - 8

    def _need_more(self) -> bool:
        """Read more of the file for a value that may be incomplete; False when it cannot be."""
        if len(self._buffer) - self._pos > MAX_VALUE_CHARS:
            raise self.fail(
                f"a single value is larger than {MAX_VALUE_CHARS // (1024 * 1024)} MiB, too large to be part of a dump"
            )
        return self._fill()

    # -- the structure -------------------------------------------------------------------------

    def header_fields(self) -> Iterator[tuple[str, Any]]:
        """The top-level fields in file order; ``tables`` is yielded as ``("tables", None)``."""
        if self._skip_space() != "{":
            if not self._skip_space():
                raise self.fail("the file is empty; expected a JSON dump")
            try:
                self._value()
            except DumpSyntaxError:
                raise self.fail("this is not valid JSON (a dump starts with “{”)", 0) from None
            raise self.fail(
                "this is not a JMG Desktop workspace dump (a dump is a JSON object, starting with “{”)", 0
            )
        self._pos += 1
        if self._skip_space() == "}":
            self._pos += 1
            self._end()
            return
        while True:
            key = self._key()
            if key == "tables":
                yield key, None
            else:
                yield key, self._value()
            if self._expect(",}", "“,” or “}”") == "}":
                break
        self._end()

    def _key(self) -> str:
        """An object key and its colon."""
        if self._skip_space() != '"':
            raise self.fail("expected a quoted name")
        key = self._value()
        self._expect(":", "“:”")
        return key

    def _end(self) -> None:
        """Nothing but whitespace may follow the dump."""
        if self._skip_space():
            raise self.fail("there is more after the end of the dump")

    def tables(self, on_table: Callable[[str, Iterator[Any]], None]) -> None:
        """Call ``on_table(name, rows)`` for each table in the ``tables`` object, in file order.

        ``rows`` yields the table's rows one at a time; ``on_table`` must consume them all.
        """
        if self._skip_space() != "{":
            raise self.fail('"tables" must be an object of table names and their rows')
        self._pos += 1
        if self._skip_space() == "}":
            self._pos += 1
            return
        while True:
            name = self._key()
            on_table(name, self._rows(name))
            if self._expect(",}", "“,” or “}”") == "}":
                return

    def _rows(self, name: str) -> Iterator[Any]:
        """The rows of one table's list."""
        if self._skip_space() != "[":
            raise self.fail(f"the table {name} must be a list of rows")
        self._pos += 1
        if self._skip_space() == "]":
            self._pos += 1
            return
        try:
            while True:
                self._skip_space()
                self._mark = self._pos
                yield self._value(skip=False)
                if self._expect(",]", "“,” or “]”") == "]":
                    return
        finally:
            self._mark = None


#: The standard decoder's complaints, in our words.
_COMPLAINTS: Final = (
    ("Expecting value", "a value was expected"),
    ("Expecting ',' delimiter", "a “,” was expected"),
    ("Expecting ':' delimiter", "a “:” was expected"),
    ("Expecting property name", "a quoted name was expected"),
    ("Unterminated string", "a text value is not closed with a quotation mark"),
    ("Invalid control character", "a text value holds a control character that must be escaped"),
    ("Invalid \\escape", "a text value holds a backslash escape that JSON does not have"),
    ("Invalid \\uXXXX escape", "a text value holds a broken \\u escape"),
)


def _explain(message: str) -> str:
    """The decoder's complaint as a user reads it."""
    for start, ours in _COMPLAINTS:
        if message.startswith(start):
            return ours
    return "the text cannot be read as JSON here"
