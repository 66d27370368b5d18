"""Many records with the same fields as the audit trail's canonical JSON, a column at a time.

A 100,000-line import records every line in one audit event. Encoding each line's dict with
:func:`json.dumps` spent most of its time in the encoder's per-call set-up and re-encoding the same
keys; here the keys are written once into a ``%`` template, each column's values are encoded with
C functions mapped over the column (``encode_basestring`` for text, ``int.__repr__`` for integers;
a column holding one value throughout a batch is written into the template once) and the rows are
filled in with ``template % row``, in batches so memory stays bounded. The text is
exactly what ``json.dumps(record_dict, sort_keys=True, ensure_ascii=False, separators=(",", ":"))``
gives for each record (tests compare the two).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from json.encoder import encode_basestring  # the C encoder's function when _json is present
from operator import attrgetter
from typing import Any, Final

__all__ = ["SameFields"]

_BATCH: Final = 4096
_NONE_TYPE: Final = type(None)
_PLAIN_KINDS: Final = frozenset({str, int, _NONE_TYPE})


def _any_value(value: Any) -> str:
    """One value of a column holding a mixture of types, encoded on its own."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _int_or_null(value: int | None) -> str:
    """An optional integer."""
    return "null" if value is None else int.__repr__(value)


def _str_or_null(value: str | None) -> str:
    """Optional text."""
    return "null" if value is None else encode_basestring(value)


def _column_encoder(values: Sequence[Any]) -> Callable[[Any], str] | str:
    """The fastest exact encoder for every value of one column, or the column's one encoded value
    when every record has the same (an import's pool, year and empty scheme fields)."""
    kinds = set(map(type, values))
    if len(kinds) == 1 and kinds <= _PLAIN_KINDS and len(set(values)) == 1:
        # One type only, so no 1 == True == 1.0 can pass for the same value.
        return _any_value(values[0])
    if kinds <= {str}:
        return encode_basestring
    if kinds <= {int}:  # exactly int: a bool is written true/false
        return int.__repr__
    if kinds <= {int, _NONE_TYPE}:
        return _int_or_null
    if kinds <= {str, _NONE_TYPE}:
        return _str_or_null
    return _any_value


class SameFields:
    """Records that all have the attributes ``fields``, to be written as a JSON list of objects
    (given to :func:`jmg_desktop.store.audit.encode_lists` in place of an iterable of dicts)."""

    __slots__ = ("_fields", "_getters", "_keys", "_records")

    def __init__(self, fields: Sequence[str], records: Sequence[Any]) -> None:
        """``records`` are read with ``getattr(record, field)``; nothing is copied."""
        keys = sorted(fields)
        self._records = records
        self._fields = keys
        self._getters = [attrgetter(key) for key in keys]
        # Keys are sorted, as the canonical form sorts them; a "%" in a key must not be a slot.
        self._keys = [encode_basestring(key).replace("%", "%%") for key in keys]

    def chunks(self) -> Iterator[str]:
        """The objects' text, comma-separated, one batch of records per chunk (each after the first
        starting with its comma), without the list's brackets."""
        keys = self._keys
        for start in range(0, len(self._records), _BATCH):
            batch = self._records[start : start + _BATCH]
            parts = []
            columns = []
            for key, values in zip(keys, self._columns(batch), strict=True):
                encoder = _column_encoder(values)
                if isinstance(encoder, str):  # the same in every record: written into the template
                    parts.append(key + ":" + encoder.replace("%", "%%"))
                else:
                    parts.append(key + ":%s")
                    columns.append(map(encoder, values))
            template = "{" + ",".join(parts) + "}"
            if columns:
                text = ",".join(map(template.__mod__, zip(*columns, strict=True)))
            else:
                text = ",".join([template % ()] * len(batch))
            yield "," + text if start else text

    def _columns(self, batch: Sequence[Any]) -> Iterator[Sequence[Any]]:
        """Each field's values over ``batch``, in key order. Named tuples of one class (a batch of
        pool lines) are turned into columns by one ``zip`` in C rather than a getter per field."""
        kinds = set(map(type, batch))
        kind = next(iter(kinds)) if len(kinds) == 1 else None
        positions = getattr(kind, "_fields", None)
        if (
            kind is None
            or not issubclass(kind, tuple)
            or positions is None
            or not set(self._fields) <= set(positions)
        ):
            return (list(map(getter, batch)) for getter in self._getters)
        columns = list(zip(*batch, strict=True))
        return (columns[positions.index(name)] for name in self._fields)
