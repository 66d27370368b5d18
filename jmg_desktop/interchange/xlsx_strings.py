"""A workbook's shared strings table: every distinct text its cells refer to by number.

A workbook written by Excel, openpyxl or this application holds each text as plain
``<si><t>…</t></si>``. Such a table (once defusedxml's parser has found the part well-formed and
free of entity declarations) is read with one regular expression over the whole part, a few times
faster than an element callback per tag; any other shape (rich text runs, phonetic guides,
comments, another encoding, a part larger than :data:`_WHOLE_LIMIT`) is streamed through the
parser's callbacks instead. Both give the same text, entities and line ends decoded as XML does.
"""

from __future__ import annotations

import re
import zipfile
from typing import Final

from jmg_desktop.interchange.xml_stream import Budget, check_bytes, stream_part

__all__ = ["read_shared_strings", "xml_text"]

# Read whole only up to this many inflated bytes (a table this size is ~100,000 texts).
_WHOLE_LIMIT: Final = 32 * 1024 * 1024
_ENCODING: Final = re.compile(rb"""^(?:\xef\xbb\xbf)?\s*<\?xml[^>]*?encoding\s*=\s*["']([^"']*)["']""")
_ROOT: Final = re.compile(r"\A\ufeff?\s*(?:<\?xml[^<>]*\?>\s*)?<sst(?:\s[^<>]*)?(?<!/)>")
_END: Final = re.compile(r"</sst>\s*\Z")
_ITEM: Final = re.compile(r'<si><t(?: xml:space="preserve")?>([^<]*)</t></si>')
_TAGS_PER_ITEM: Final = 4  # "<si>", "<t…>", "</t>", "</si>"
_REFERENCE: Final = re.compile(r"&(?:#([0-9]+)|#x([0-9a-fA-F]+)|(lt|gt|amp|quot|apos));")
_NAMED: Final = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'"}


def read_shared_strings(archive: zipfile.ZipFile, part: str, budget: Budget) -> list[str]:
    """The texts of the shared strings ``part``, in order (empty when the part is absent)."""
    simple = _read_simple(archive, part, budget)
    return simple if simple is not None else _read_streamed(archive, part, budget)


def _read_simple(archive: zipfile.ZipFile, part: str, budget: Budget) -> list[str] | None:
    """The texts when the part is plain items only; None to read it through the callbacks."""
    info = archive.NameToInfo.get(part)
    if info is None or info.file_size > _WHOLE_LIMIT:
        return None
    try:
        with archive.open(info) as stream:
            data = stream.read(_WHOLE_LIMIT + 1)
    except (zipfile.BadZipFile, OSError, EOFError):
        return None  # the streamed reading says why, in its words
    if len(data) > _WHOLE_LIMIT:
        return None
    declared = _ENCODING.match(data[:200])
    if declared is not None and declared.group(1).lower() not in (b"utf-8", b"utf8"):
        return None
    budget.spend(len(data))
    check_bytes(data, part, budget)  # well-formed, no entity declarations: as the stream is checked
    found = _plain_items(data)
    if found is None:
        budget.used -= len(data)  # read again through the callbacks, and counted then
    return found


def _plain_items(data: bytes) -> list[str] | None:
    """The items of a checked part, or None unless every tag belongs to a plain item (a run, a
    guide, a comment or a CDATA section does not). Text between items is ignored by both
    readings, as it is by Excel."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:  # pragma: no cover - the parser refuses bytes that are not UTF-8
        return None
    root, end = _ROOT.match(text), _END.search(text)
    if root is None or end is None:
        return None
    body = text[root.end() : end.start()]
    found = _ITEM.findall(body)
    if body.count("<") != _TAGS_PER_ITEM * len(found):
        return None
    if "&" in body or "\r" in body:
        found = [xml_text(item) if "&" in item or "\r" in item else item for item in found]
    return found


def xml_text(raw: str) -> str:
    """Character data as an XML parser reports it: line ends normalised first (a written
    ``&#13;`` stays a carriage return), then the five entities and character references."""
    if "\r" in raw:
        raw = raw.replace("\r\n", "\n").replace("\r", "\n")
    return _REFERENCE.sub(_reference, raw)


def _reference(match: re.Match[str]) -> str:
    """The character an entity or character reference stands for."""
    decimal, hexadecimal, name = match.groups()
    if name:
        return _NAMED[name]
    return chr(int(decimal) if decimal else int(hexadecimal, 16))


def _read_streamed(archive: zipfile.ZipFile, part: str, budget: Budget) -> list[str]:
    """Every item's text through the parser's callbacks: rich text runs joined, phonetic guides
    (``rPh``) left out."""
    strings: list[str] = []
    parts: list[str] = []
    depth = {"phonetic": 0}
    collecting = [False]

    def start(name: str, _attrs: dict[str, str]) -> None:
        name = name[name.find(":") + 1 :]
        if name == "t":
            collecting[0] = depth["phonetic"] == 0
        elif name == "si":
            parts.clear()
        elif name == "rPh":
            depth["phonetic"] += 1

    def end(name: str) -> None:
        name = name[name.find(":") + 1 :]
        if name == "t":
            collecting[0] = False
        elif name == "si":
            strings.append("".join(parts))
        elif name == "rPh":
            depth["phonetic"] -= 1

    def text(data: str) -> None:
        if collecting[0]:
            parts.append(data)

    stream_part(archive, part, budget, start, end, text)
    return strings
