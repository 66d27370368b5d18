"""Stored forms: the editable document and the frozen snapshot read back exactly."""

from __future__ import annotations

import pytest

from jmg_desktop.papers.document import PaperDocument, SectionText, document_from_json, document_to_json
from jmg_desktop.papers.errors import PaperError
from jmg_desktop.papers.model import Notice, NumberedList, PaperView, Person, Run, Section
from jmg_desktop.papers.render import render_pdf
from jmg_desktop.papers.snapshot import view_from_json, view_to_json


def test_snapshot_round_trip_is_equal_and_renders_the_same_bytes(view: PaperView) -> None:
    richer = view.__class__(
        **{
            **{field: getattr(view, field) for field in view._fields},
            "sections": (
                *view.sections,
                Section("More", (NumberedList(((Run("x", italic=True),),)), Notice("n"))),
            ),
        }
    )
    again = view_from_json(view_to_json(richer))
    assert again == richer
    assert render_pdf(again) == render_pdf(richer)


def test_document_round_trip_and_damaged_content() -> None:
    document = PaperDocument(
        title="T – ŵ",
        annex_labels=("ANNEX 1",),
        sections=(SectionText("Intro", "Body **b**"),),
        recommendations=("approve",),
        authors=(Person("A", "B"),),
        contact_officer=Person("C", phone="01865"),
        exempt=True,
        exempt_paragraph="3",
    )
    assert document_from_json(document_to_json(document)) == document
    for damaged in ["{", "[]", '{"sections": [{"body": "no heading"}]}', '{"annex_labels": "ANNEX 1"}']:
        with pytest.raises(PaperError, match=r"not readable|damaged"):
            document_from_json(damaged)
    with pytest.raises(PaperError, match="newer version"):
        document_from_json('{"content_version": 99}')
    with pytest.raises(PaperError, match="damaged"):
        view_from_json('{"snapshot_version": 1}')
