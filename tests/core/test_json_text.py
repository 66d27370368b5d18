"""Indented JSON from the C encoder: byte for byte what ``json.dumps(indent=…)`` writes."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from jmg_desktop.core.json_text import dumps_indented

_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False)
    | st.text(alphabet=st.characters(codec="utf-8"), max_size=8)
)
_DOCUMENTS = st.recursive(
    _SCALARS,
    lambda children: (
        st.lists(children, max_size=5)
        | st.dictionaries(st.text(max_size=5), children, max_size=5)
        | st.dictionaries(st.integers(-3, 3) | st.booleans() | st.none(), children, max_size=3)
    ),
    max_leaves=40,
)
#: Lists of flat objects (a table's rows), which are encoded all at once.
_ROWS = st.lists(st.dictionaries(st.text(max_size=4), _SCALARS, max_size=4), max_size=6)


@settings(max_examples=150, deadline=None)
@given(_DOCUMENTS, st.integers(min_value=0, max_value=3))
def test_the_same_text_as_json_dumps(document: object, indent: int) -> None:
    assert dumps_indented(document, indent) == json.dumps(document, indent=indent, ensure_ascii=False)


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(st.text(max_size=3), _ROWS | _DOCUMENTS, max_size=3), st.integers(0, 2))
def test_rows_laid_out_as_json_dumps_does(document: object, indent: int) -> None:
    assert dumps_indented(document, indent) == json.dumps(document, indent=indent, ensure_ascii=False)


def test_many_rows_in_batches() -> None:
    rows = [{"year": "2009/10", "service": f"Service {n} }},\n {{", "amount": n * 1.5} for n in range(5_001)]
    document = {"rows": rows, "nested": [rows[:3], {"rows": rows[:2]}]}
    assert dumps_indented(document, 1) == json.dumps(document, indent=1, ensure_ascii=False)
    assert dumps_indented(rows, 2) == json.dumps(rows, indent=2, ensure_ascii=False)


def test_awkward_strings_and_empty_containers() -> None:
    document = {
        "line\nbreak": ["a\nb", "tab\there", '"quoted"', "\\", "£3.342m", "\u2028", "😀"],
        "empty": [[], {}, [{}], {"x": []}],
        "numbers": [0, -1, 1.5, 1e300, -0.0, True, False, None],
        "mixed": [1, [2, [3, {"four": 4}]], "five"],
    }
    assert dumps_indented(document) == json.dumps(document, indent=1, ensure_ascii=False)
