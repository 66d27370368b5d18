"""Records behave as ``typing.NamedTuple`` classes do, and a method may call ``super()``."""

from __future__ import annotations

import pickle
from typing import NamedTuple

import pytest

from jmg_desktop.core.records import Record


class Line(Record):
    """A pool line, as far as these tests need one."""

    service: str
    pence: int = 0
    partner: str = "council"

    def doubled(self) -> Line:
        """The same line at twice the amount."""
        return self._replace(pence=self.pence * 2)


class TypedLine(NamedTuple):
    service: str
    pence: int = 0
    partner: str = "council"


class Labelled(Record):
    label: str

    def __repr__(self) -> str:
        return "Labelled: " + super().__repr__()

    def __eq__(self, other: object) -> bool:  # labels compare without regard to case
        return isinstance(other, Labelled) and self.label.lower() == other.label.lower()

    __hash__ = None  # type: ignore[assignment]


def test_a_record_is_the_tuple_a_named_tuple_would_be() -> None:
    line, typed = Line("Day care", 150), TypedLine("Day care", 150)
    assert tuple(line) == tuple(typed) == ("Day care", 150, "council")
    assert line == typed  # tuples compare by value
    assert Line._fields == TypedLine._fields
    assert Line._field_defaults == TypedLine._field_defaults == {"pence": 0, "partner": "council"}
    assert line._asdict() == typed._asdict()
    assert repr(line) == "Line(service='Day care', pence=150, partner='council')"


def test_fields_are_read_by_name_and_cannot_be_set() -> None:
    line = Line("Day care", partner="nhs")
    assert (line.service, line.pence, line.partner) == ("Day care", 0, "nhs")
    with pytest.raises(AttributeError):
        line.pence = 5  # type: ignore[misc]


def test_methods_docstring_and_names_come_from_the_class_body() -> None:
    assert Line("Respite", 75).doubled() == Line("Respite", 150)
    assert Line.__doc__ == "A pool line, as far as these tests need one."
    assert Line.__module__ == __name__
    assert Line.__qualname__ == "Line"
    assert Line.__annotations__ == {"service": "str", "pence": "int", "partner": "str"}


def test_records_hash_by_value_and_pickle() -> None:
    assert hash(Line("Respite", 75)) == hash(Line("Respite", 75))
    assert len({Line("Respite", 75), Line("Respite", 75), Line("Respite", 76)}) == 2
    assert pickle.loads(pickle.dumps(Line("Respite", 75))) == Line("Respite", 75)


def test_a_method_may_call_super() -> None:
    assert repr(Labelled("a")) == "Labelled: ('a',)"  # super() is the tuple's
    assert Labelled("Annex") == Labelled("ANNEX")
    with pytest.raises(TypeError):
        hash(Labelled("a"))


def test_a_field_without_a_default_after_one_with_a_default_is_refused() -> None:
    with pytest.raises(TypeError, match="without a default"):

        class Broken(Record):
            first: int = 0
            second: int


def test_the_tuple_s_own_machinery_cannot_be_replaced() -> None:
    with pytest.raises(AttributeError, match="_replace"):

        class Broken(Record):
            first: int

            def _replace(self, **changes: object) -> Broken:
                return self


def test_a_record_derives_from_record_alone() -> None:
    with pytest.raises(TypeError, match="Record alone"):

        class Broken(Record, int):  # type: ignore[misc]
            first: int
