"""Immutable, ordered values that wrap one ``int``, without the cost of a frozen dataclass.

``@dataclass(frozen=True, order=True)`` compiles its methods from source text when the module is
imported; :class:`~jmg_desktop.core.money.Money` and
:class:`~jmg_desktop.core.financial_year.FinancialYear` are imported by every command, and for a
short one such as ``export-paper`` that compiling was a fifth of its start-up. These methods are
plain closures and behave as the dataclass's did: equal only to the same class, ordered by the
number, hashed as the one-field tuple, and refusing to be changed.
"""

from __future__ import annotations

from collections.abc import Callable
from operator import attrgetter
from typing import Any, TypeVar

__all__ = ["int_value"]

_Class = TypeVar("_Class", bound=type)


def int_value(field: str) -> Callable[[_Class], _Class]:
    """Give a class whose ``__slots__`` is ``(field,)`` equality, order, hash and immutability.

    The class's own ``__init__`` validates and stores the number with ``object.__setattr__``.
    """

    def decorate(cls: _Class) -> _Class:
        number = attrgetter(field)

        def compare(test: Callable[[int, int], bool]) -> Callable[[Any, Any], Any]:
            def method(self: Any, other: Any) -> Any:
                if other.__class__ is cls:
                    return test(number(self), number(other))
                return NotImplemented

            return method

        def refuse(self: Any, name: str, *value: object) -> None:
            raise AttributeError(f"{cls.__name__} is immutable: cannot change {name!r}")

        cls.__eq__ = compare(int.__eq__)  # type: ignore[assignment]
        cls.__ne__ = compare(int.__ne__)  # type: ignore[assignment]
        cls.__lt__ = compare(int.__lt__)  # type: ignore[attr-defined]
        cls.__le__ = compare(int.__le__)  # type: ignore[attr-defined]
        cls.__gt__ = compare(int.__gt__)  # type: ignore[attr-defined]
        cls.__ge__ = compare(int.__ge__)  # type: ignore[attr-defined]
        cls.__hash__ = lambda self: hash((number(self),))  # type: ignore[assignment]
        cls.__setattr__ = refuse  # type: ignore[assignment]
        cls.__delattr__ = refuse  # type: ignore[assignment]
        # Slots behind a refusing __setattr__ cannot be restored one by one: copy and pickle rebuild.
        cls.__reduce__ = lambda self: (cls, (number(self),))  # type: ignore[assignment]
        cls.__match_args__ = (field,)  # type: ignore[attr-defined]
        return cls

    return decorate
