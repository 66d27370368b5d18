"""Loading a dump in the layout ``dump`` writes, thousands of rows per call into the JSON decoder.

``dump`` lays every dump out the same way (:func:`~jmg_desktop.store.dump.iter_dump_text`): the
header, then each table in foreign-key order, its rows at a fixed indentation joined by ``",\\n"``.
JSON text can never hold a raw newline inside a value, so in that layout ``"\\n   },\\n"`` can only
be the end of one row and the start of the next, and ``"\\n  ]"`` only the end of a table's rows.
The file is read in chunks of a few MiB, each cut after its last whole row, and the rows before
the cut are decoded by one call of the standard library's decoder and checked by the same
:class:`~jmg_desktop.store.load_rows.Columns` as the streaming reader's rows. Decoding a row at a
time, the streaming reader spends more time finding and handing over rows than SQLite spends
storing them.

Every byte outside the rows must be exactly what ``dump`` writes (any whitespace may follow the
end), and every cut must decode as a non-empty list of rows: so the pieces join into exactly the
JSON the streaming reader would read, and the same rows are loaded. Anything else, and any row the
checks or the database refuse, answers "read it the careful way": :func:`load_canonical` returns
False and the caller loads the file again with :mod:`jmg_desktop.store.json_stream`, which names
the line of the file in its refusal. A hand-edited or reformatted dump still loads, only slower.
"""

from __future__ import annotations

import contextlib
import json
import queue
import threading
from collections.abc import Generator, Iterator
from typing import Any, BinaryIO, Final, TypeVar

from jmg_desktop.store.dump import DUMP_END, ROW_END, ROWS_END, header_text, table_opening
from jmg_desktop.store.errors import DumpError
from jmg_desktop.store.json_stream import MAX_VALUE_CHARS
from jmg_desktop.store.load_build import Build
from jmg_desktop.store.load_rows import Columns
from jmg_desktop.store.models import Base

__all__ = ["load_canonical"]

#: How much of the file is read at once: a few thousand lines, and their decoded rows, in memory.
CHUNK_BYTES: Final = 4 << 20
_BOM: Final = b"\xef\xbb\xbf"
_ROW_END: Final = ROW_END.encode()
_ROWS_END: Final = ROWS_END.encode()
#: Between two rows: the end of one and the comma and newline before the next.
_BETWEEN_ROWS: Final = _ROW_END + b",\n"
_WHITESPACE: Final = b" \t\n\r"
_DECODER: Final = json.JSONDecoder()


class _NotCanonical(Exception):
    """The file must be read the careful way (not in dump's layout, or something to be named)."""


class _Chunks:
    """The file's bytes, read a chunk at a time, with a read position."""

    def __init__(self, stream: BinaryIO) -> None:
        self.stream = stream
        self.buffer = b""
        self.pos = 0

    def more(self) -> bool:
        """Drop what has been read and append the next chunk; False at the end of the file."""
        chunk = self.stream.read(CHUNK_BYTES)
        if len(self.buffer) - self.pos > MAX_VALUE_CHARS:
            raise _NotCanonical  # no row boundary in 64 MiB: for the streaming reader to name
        self.buffer = self.buffer[self.pos :] + chunk
        self.pos = 0
        return bool(chunk)

    def take(self, text: bytes) -> bool:
        """Consume ``text`` if the file goes on with exactly it."""
        while len(self.buffer) - self.pos < len(text):
            if not self.more():
                break
        if self.buffer.startswith(text, self.pos):
            self.pos += len(text)
            return True
        return False

    def only_whitespace_left(self) -> bool:
        """Whether nothing but JSON whitespace follows the read position."""
        while True:
            if self.buffer[self.pos :].strip(_WHITESPACE):
                return False
            self.pos = len(self.buffer)
            if not self.more():
                return True


def load_canonical(stream: BinaryIO, build: Build) -> bool:
    """Load every row of the dump ``stream`` (at its start) into ``build``; True when all are in.

    False means the file is to be loaded the careful way (into a new build: this one may hold
    some of its rows). Problems of the file as a whole (a reference to a missing row, the audit
    chain) are left to :meth:`Build.finish`, which says the same whichever way the rows came.

    The file is read, decoded and checked on a thread of its own, a few chunks ahead of the
    inserts: SQLite lets go of Python's lock while it stores a statement's rows, so on two cores
    decoding the next chunk costs no time beside storing this one.
    """
    build.defer_checks()  # a row that breaks a rule is named by the careful way
    batches = _read_ahead(_batches(stream, build.columns), depth=2)
    try:
        table = ""
        for name, rows, first in batches:
            if name != table:
                columns, table = build.begin_table(name, lambda: ""), name
            if rows:
                build.insert(columns, rows, first)
        return build.checks_hold()
    except (_NotCanonical, DumpError):
        return False
    finally:
        batches.close()  # stops the reading thread before the file is read again or closed


Batch = tuple[str, list[tuple[Any, ...]], int]


def _batches(stream: BinaryIO, columns_of: dict[str, Columns]) -> Iterator[Batch]:
    """Each table's name with its checked rows a chunk at a time (and its position in the
    table of the first), starting with an empty batch for each table; :class:`_NotCanonical`
    for anything but dump's own layout and rows every check passes."""
    chunks = _Chunks(stream)
    chunks.take(_BOM)  # Windows editors write one; the streaming reader accepts it too
    if not chunks.take(header_text().encode()):
        raise _NotCanonical
    for number, table in enumerate(Base.metadata.sorted_tables):
        if not chunks.take(table_opening(table.name, number).encode()):
            raise _NotCanonical
        yield table.name, [], 1
        if not chunks.take(b"]"):
            yield from _table_rows(chunks, table.name, columns_of[table.name])
    if not (chunks.take(DUMP_END.rstrip().encode()) and chunks.only_whitespace_left()):
        raise _NotCanonical


def _table_rows(chunks: _Chunks, name: str, columns: Columns) -> Iterator[Batch]:
    """The rows of one table, from just after its ``[`` to just after its ``]``."""
    first = 1
    while True:
        end = chunks.buffer.find(_ROWS_END, chunks.pos)
        if end >= 0:
            yield name, _checked_rows(chunks.buffer[chunks.pos : end], columns, first), first
            chunks.pos = end + len(_ROWS_END)
            return
        cut = chunks.buffer.rfind(_BETWEEN_ROWS, chunks.pos)
        if cut >= 0:
            rows = _checked_rows(chunks.buffer[chunks.pos : cut + len(_ROW_END)], columns, first)
            chunks.pos = cut + len(_BETWEEN_ROWS)
            yield name, rows, first
            first += len(rows)
        if not chunks.more():
            raise _NotCanonical  # the file ends inside the table


def _checked_rows(piece: bytes, columns: Columns, first: int) -> list[tuple[Any, ...]]:
    """The values of the whole rows ``piece`` holds, decoded and checked, in column order."""
    try:
        rows: list[Any] = _DECODER.decode("[" + piece.decode("utf-8") + "]")
    except (ValueError, RecursionError):  # not UTF-8, not JSON, a number of 4,300 digits
        raise _NotCanonical from None
    if not rows:
        raise _NotCanonical  # nothing between two cuts: not rows joined by commas
    if columns.fast_batch is None:  # binary columns: decoded from base64 by the thorough checks
        return [columns.checked(row, first + offset, lambda: "") for offset, row in enumerate(rows)]
    values = columns.fast_batch(rows)
    if values is None:
        raise _NotCanonical
    return values


_Item = TypeVar("_Item")


def _read_ahead(items: Iterator[_Item], depth: int) -> Generator[_Item, None, None]:
    """``items``, produced on a thread of their own at most ``depth`` ahead of the consumer; an
    exception ``items`` raises is raised here. Closing the generator stops the thread."""
    handoff: queue.Queue[tuple[bool, Any]] = queue.Queue(depth)
    stop = threading.Event()

    def produce() -> None:
        try:
            for item in items:
                if stop.is_set():
                    return
                handoff.put((True, item))
            handoff.put((False, None))
        except BaseException as error:  # handed to the consumer, which raises it
            handoff.put((False, error))

    thread = threading.Thread(target=produce, name="dump reader", daemon=True)
    thread.start()
    try:
        while True:
            more, item = handoff.get()
            if not more:
                if item is not None:
                    raise item
                return
            yield item
    finally:
        stop.set()
        while thread.is_alive():  # let a producer waiting to hand over an item see the stop
            with contextlib.suppress(queue.Empty):
                handoff.get(timeout=0.05)
        thread.join()
