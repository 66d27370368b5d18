"""Indented JSON text, exactly as ``json.dumps(value, indent=N, ensure_ascii=False)`` lays it out,
written with the C encoder.

``json.dumps`` with an indent falls back to the pure-Python encoder, several times slower than
the C one. Here the C encoder writes each container whose items are plain values (strings,
numbers, true/false/null) in one call, with ``",\n" + indentation`` as its item separator, and
a list of such flat objects (a table's rows) in one call too, the boundaries between rows then
re-laid by plain text replacement: JSON text never holds a raw newline inside a value, so a
newline is always a separator, and with plain values ``},\n    {`` can only be between two rows.
Containers of anything else are laid out here, one level at a time.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from functools import cache
from itertools import chain
from typing import Any, Final

__all__ = ["dumps_indented", "iter_indented"]

_ONE: Final = json.JSONEncoder(ensure_ascii=False).encode
_PLAIN_TYPES: Final = frozenset({str, int, float, bool, type(None)})
_ROWS_AT_ONCE: Final = 2_000


@cache
def _separated(indentation: str) -> Callable[[Any], str]:
    """The C encoder with ``",\n" + indentation`` between items."""
    return json.JSONEncoder(ensure_ascii=False, separators=(",\n" + indentation, ": ")).encode


def dumps_indented(value: Any, indent: int = 1) -> str:
    """``json.dumps(value, indent=indent, ensure_ascii=False)``, byte for byte, but faster."""
    return "".join(iter_indented(value, indent))


def iter_indented(value: Any, indent: int = 1) -> Iterator[str]:
    """:func:`dumps_indented`'s text in pieces (a table's rows a few thousand at a time)."""
    parts: list[str] = []
    _write(value, 0, indent, parts.append)
    return iter(parts)


def _all_plain(values: Any) -> bool:
    """True when every one of ``values`` is exactly a str, int, float, bool or None (checked in C)."""
    return set(map(type, values)) <= _PLAIN_TYPES


def _flat_rows(items: list[Any]) -> bool:
    """True for non-empty objects with string keys and plain values only (a table's rows)."""
    return (
        set(map(type, items)) == {dict}
        and 0 not in set(map(len, items))
        and set(map(type, chain.from_iterable(items))) == {str}
        and _all_plain(chain.from_iterable(map(dict.values, items)))
    )


def _write(value: Any, level: int, indent: int, out: Callable[[str], object]) -> None:
    """Append ``value`` laid out at nesting ``level``."""
    if isinstance(value, dict):
        if not value:
            out("{}")
            return
        if not all(isinstance(key, str) for key in value):
            # json turns numbers, booleans and None used as keys into strings: rare, done slowly.
            out(
                json.dumps(value, indent=indent, ensure_ascii=False).replace(
                    "\n", "\n" + " " * (level * indent)
                )
            )
            return
        children = list(value.values())
    elif isinstance(value, list | tuple):
        if not value:
            out("[]")
            return
        children = list(value)
    else:
        out(_ONE(value))
        return
    outer, inner = " " * (level * indent), " " * ((level + 1) * indent)
    if _all_plain(children):
        text = _separated(inner)(value if isinstance(value, dict) else children)
        out(text[0] + "\n" + inner + text[1:-1] + "\n" + outer + text[-1])
        return
    if not isinstance(value, dict) and _flat_rows(children):
        deeper = " " * ((level + 2) * indent)
        encode, boundary = _separated(deeper), "},\n" + deeper + "{"
        between = "\n" + inner + "},\n" + inner + "{\n" + deeper
        out("[\n" + inner + "{\n" + deeper)
        # In batches, so each piece stays small (a million rows never make one huge string).
        for start in range(0, len(children), _ROWS_AT_ONCE):
            text = encode(children[start : start + _ROWS_AT_ONCE])
            out((between if start else "") + text[2:-2].replace(boundary, between))
        out("\n" + inner + "}\n" + outer + "]")
        return
    keys = [_ONE(key) + ": " for key in value] if isinstance(value, dict) else None
    out("{" if keys is not None else "[")
    for number, child in enumerate(children):
        out(",\n" + inner if number else "\n" + inner)
        if keys is not None:
            out(keys[number])
        if type(child) in _PLAIN_TYPES:
            out(_ONE(child))
        else:
            _write(child, level + 1, indent, out)
    out("\n" + outer + ("}" if keys is not None else "]"))
