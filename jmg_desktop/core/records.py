"""Immutable records, declared as :class:`typing.NamedTuple` classes are, made by ``collections``.

``class Total(Record): pool: str; amount: Money = ZERO`` gives the same class as ``NamedTuple``
would: a tuple with named fields, defaults, ``_replace``, ``_asdict``, its own methods and
docstring, equality and hashing by value. It is cheaper to declare: ``typing.NamedTuple`` turns
every annotation into a ``ForwardRef`` (compiling its text) when the class is made, about 0.7 M
instructions a class, and ``export-paper`` declares over forty of them on its way to the PDF.
Here the annotations stay the strings ``from __future__ import annotations`` leaves; type checkers
see ``Record`` as ``NamedTuple`` itself.

Unlike ``typing.NamedTuple`` on Python 3.11, a method may call ``super()`` (its ``__class__`` cell
is filled in). A record derives from ``Record`` alone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__all__ = ["Record"]

if TYPE_CHECKING:
    from typing import NamedTuple as Record
else:
    import collections

    #: Names a record's class body may not define: the tuple's own machinery.
    _PROHIBITED = frozenset(
        {"__new__", "__init__", "__slots__", "__getnewargs__", "_fields", "_field_defaults"}
        | {"_make", "_replace", "_asdict", "_source"}
    )
    #: Names of the class body that the made class already has its own of.
    _SPECIAL = frozenset({"__module__", "__name__", "__annotations__", "__classcell__"})

    class _RecordMaker(type):
        """Makes each subclass of :class:`Record` with :func:`collections.namedtuple`."""

        def __new__(cls, name: str, bases: tuple[type, ...], namespace: dict[str, Any]) -> type:
            """The named tuple for the class body ``namespace``; ``Record`` itself is plain."""
            if not bases:
                return super().__new__(cls, name, bases, namespace)
            if bases != (Record,):
                raise TypeError(f"the record {name} can derive from Record alone")
            annotations: dict[str, Any] = namespace.get("__annotations__", {})
            fields = list(annotations)
            defaults = [namespace[field] for field in fields if field in namespace]
            first_default = len(fields) - len(defaults)
            if any(field in namespace for field in fields[:first_default]):
                raise TypeError(f"the record {name} has a field without a default after one with one")
            record: type = collections.namedtuple(
                name, fields, defaults=defaults, module=namespace["__module__"]
            )
            record.__annotations__ = dict(annotations)
            for key, value in namespace.items():
                if key in _PROHIBITED:
                    raise AttributeError(f"the record {name} cannot define {key}")
                if key not in _SPECIAL and key not in annotations:
                    setattr(record, key, value)
            cell = namespace.get("__classcell__")
            if cell is not None:  # a method uses super() or __class__
                cell.cell_contents = record
            return record

    class Record(metaclass=_RecordMaker):
        """Derive from this, with annotated fields, for an immutable named tuple."""
