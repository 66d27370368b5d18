"""XML parsed with defusedxml: small parts as trees, large parts (sheets, shared strings) as a
stream through defusedxml's expat reader with the handlers set directly on the C parser.

Both refuse a document type declaration outright (no entity can be declared, so an entity bomb
cannot expand) and any external reference. A workbook's parts never need either.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from typing import IO, Any, Final
from xml.etree.ElementTree import Element, ParseError
from xml.sax import SAXException

import defusedxml.ElementTree as SafeTree
from defusedxml.common import DefusedXmlException
from defusedxml.expatreader import DefusedExpatParser

from jmg_desktop.interchange.errors import InterchangeError
from jmg_desktop.interchange.preflight import MAX_TOTAL_BYTES

__all__ = ["Budget", "check_bytes", "checking_reader", "local", "parse_part", "stream_part"]

_CHUNK: Final = 1 << 16


class Budget:
    """Bytes inflated so far from one workbook; every read counts against :data:`MAX_TOTAL_BYTES`
    so a file whose zip directory lies about its sizes is still stopped."""

    def __init__(self, file_name: str) -> None:
        """A fresh budget for the file named ``file_name`` (used in the refusal)."""
        self.file_name = file_name
        self.used = 0

    def spend(self, count: int) -> None:
        """Count ``count`` more inflated bytes; refuse once past the cap."""
        self.used += count
        if self.used > MAX_TOTAL_BYTES:
            raise InterchangeError(
                f"“{self.file_name}” inflates to more than {MAX_TOTAL_BYTES // 1024 // 1024} MB; "
                "reading it was stopped."
            )


def local(tag: str) -> str:
    """An element's name without its namespace: ``{…main}sheet`` → ``sheet``."""
    return tag.rpartition("}")[2]


def _refusal(file_name: str, part: str, error: Exception) -> InterchangeError:
    """The sentence for a part that cannot be parsed safely."""
    if isinstance(error, DefusedXmlException):
        return InterchangeError(
            f"“{file_name}” was refused: its part {part} declares XML entities (the shape of an "
            "entity bomb), which a real workbook never does."
        )
    return InterchangeError(f"“{file_name}” is damaged: its part {part} is not well-formed XML.")


def parse_part(archive: zipfile.ZipFile, part: str, budget: Budget) -> Element | None:
    """A small part (workbook, relationships, styles) as a tree; None when the part is absent."""
    try:
        with archive.open(part) as stream:
            data = stream.read(MAX_TOTAL_BYTES + 1)
    except KeyError:
        return None
    except (zipfile.BadZipFile, OSError, EOFError):
        raise InterchangeError(f"“{budget.file_name}” is damaged: its part {part} cannot be read.") from None
    budget.spend(len(data))
    try:
        return SafeTree.fromstring(data, forbid_dtd=True)
    except (DefusedXmlException, ParseError) as error:
        raise _refusal(budget.file_name, part, error) from None


class _FastReader(DefusedExpatParser):
    """defusedxml's expat reader, with the caller's element handlers set on the C parser itself
    (the SAX layer costs twice the parse on a 100,000-row sheet)."""

    def __init__(
        self, handlers: tuple[Callable[..., Any] | None, Callable[..., Any] | None, Callable[..., Any] | None]
    ) -> None:
        """A reader calling ``(start(name, attrs), end(name), text(data))``; None calls nothing."""
        super().__init__(forbid_dtd=True, forbid_entities=True, forbid_external=True)
        self._handlers = handlers

    def reset(self) -> None:
        """Set up the parser as defusedxml does, then point it straight at the handlers."""
        super().reset()
        parser = self._parser
        parser.StartElementHandler, parser.EndElementHandler, parser.CharacterDataHandler = self._handlers
        parser.buffer_text = True
        parser.buffer_size = _CHUNK


def checking_reader() -> DefusedExpatParser:
    """A reader that only checks what it is fed (``feed``, then ``close``), raising what
    :func:`stream_part` turns into a refusal."""
    return _FastReader((None, None, None))


def check_bytes(data: bytes, part: str, budget: Budget) -> None:
    """Refuse, as :func:`stream_part` would, a part already read whole that is not well-formed or
    declares entities; the caller then reads it by other means."""
    reader = _FastReader((None, None, None))
    try:
        for start in range(0, len(data), _CHUNK):
            reader.feed(data[start : start + _CHUNK])
        reader.close()
    except (DefusedXmlException, SAXException) as error:
        raise _refusal(budget.file_name, part, error) from None


def stream_part(
    archive: zipfile.ZipFile,
    part: str,
    budget: Budget,
    start: Callable[[str, dict[str, str]], None],
    end: Callable[[str], None] | None,
    text: Callable[[str], None],
    rewrite: Callable[[bytes, bool], bytes] | None = None,
) -> bool:
    """Parse a large part as a stream, calling the handlers; False when the part is absent.

    Element names reach the handlers as written (with any prefix); handlers strip it. ``rewrite``
    (``chunk, final -> bytes``) changes the inflated bytes before they are parsed (see
    :mod:`~jmg_desktop.interchange.value_tags`); the cap counts them as inflated.
    """
    reader = _FastReader((start, end, text))
    try:
        stream: IO[bytes] = archive.open(part)
    except KeyError:
        return False
    try:
        with stream:
            while True:
                chunk = stream.read(_CHUNK)
                if not chunk:
                    break
                budget.spend(len(chunk))
                reader.feed(rewrite(chunk, False) if rewrite is not None else chunk)
            if rewrite is not None:
                reader.feed(rewrite(b"", True))
            reader.close()
    except InterchangeError:
        raise
    except (DefusedXmlException, SAXException) as error:
        raise _refusal(budget.file_name, part, error) from None
    except (zipfile.BadZipFile, OSError, EOFError):
        raise InterchangeError(f"“{budget.file_name}” is damaged: its part {part} cannot be read.") from None
    return True
