"""Rewriting a sheet's ``<v>`` tags away before it is parsed, so a cell costs one parser callback
less.

Reading a sheet calls Python for every start tag: ``<row>``, ``<c>`` and ``<v>``. Most cells are
``<c r="B7" t="s"><v>12</v></c>``; rewritten as ``<c r="B7" t="s" jmg-v="">12</c>`` the value's
text follows the cell's own tag, which says so, and the ``<v>`` callback (a third of them) is gone.
A value after a formula (``</f><v>``, ``/><v>``) becomes ``<jmg-v/>``, read as a ``<v>``.

Why it is exact: ``<`` only starts markup, never text or an attribute value, so the two patterns
are tags (inside a CDATA section they would be text: a sheet with one is not rewritten). Each
rewrite drops a ``<v>`` and each drops a ``</v>``; a ``<v>`` dropped without its own ``</v>`` (or
the other way round) leaves a tag that closes the wrong element, which the parser refuses, and
the sheet is then read again as written. A rewritten part is therefore either well-formed with
every ``<v>`` removed together with its ``</v>``, directly inside its cell, or read as written.
"""

from __future__ import annotations

from typing import Final

__all__ = ["VALUE_ELEMENT", "VALUE_MARK", "ValueTags"]

#: The attribute a rewritten cell carries: its value's text follows its start tag.
VALUE_MARK: Final = "jmg-v"
#: An empty element standing for a ``<v>`` after a formula (whose value's text follows it).
VALUE_ELEMENT: Final = "jmg-v"
_OPEN: Final = b'"><v>'
_OPEN_AS: Final = b'" ' + VALUE_MARK.encode() + b'="">'
# After a formula the <v> becomes an empty element (still one callback, but its </v> can go with
# the others', keeping each removal paired).
_AFTER_FORMULA: Final = (
    (b"</f><v>", b"</f><" + VALUE_ELEMENT.encode() + b"/>"),
    (b"/><v>", b"/><" + VALUE_ELEMENT.encode() + b"/>"),
)
_CLOSE: Final = b"</v></c>"
_CLOSE_AS: Final = b"</c>"
_CELL_END: Final = b"</c>"
# A sheet with no cell end in this many bytes is fed as written from there on.
_CARRY_LIMIT: Final = 1 << 20


class ValueTags:
    """The rewrite of one sheet's stream, chunk by chunk (cut after a ``</c>``, so that neither
    pattern is split between chunks)."""

    def __init__(self) -> None:
        """A rewrite that has changed nothing yet."""
        self._carry = b""
        self._active = True
        #: Whether any tag was rewritten (only then is a refusal worth reading the sheet again).
        self.changed = False

    def __call__(self, chunk: bytes, final: bool) -> bytes:
        """The bytes to parse now: ``chunk`` after what was held back, rewritten up to the last
        cell end (or to the end, when ``final``); the rest is held back for the next chunk."""
        data = self._carry + chunk if self._carry else chunk
        self._carry = b""
        if not self._active:
            return data
        if final:
            cut = len(data)
        else:
            end = data.rfind(_CELL_END)
            if end < 0:
                if len(data) > _CARRY_LIMIT:
                    self._active = False
                    return data
                self._carry = data
                return b""
            cut = end + len(_CELL_END)
        head = data[:cut]
        if b"<![CDATA[" in head:
            self._active = False  # its text could hold either pattern: read as written from here
            return data
        self._carry = data[cut:]
        rewritten = head.replace(_OPEN, _OPEN_AS).replace(_CLOSE, _CLOSE_AS)
        if b"<v>" in rewritten:  # a value after a formula
            for pattern, replacement in _AFTER_FORMULA:
                rewritten = rewritten.replace(pattern, replacement)
        self.changed = self.changed or rewritten != head  # a length differs at once
        return rewritten
