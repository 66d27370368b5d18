"""A paper's editable content: what the officer types, stored as one JSON document per version.

Figures are never typed into the document: a section body refers to a figures block by a token
(see :mod:`jmg_desktop.papers.markup`) and the figures are computed when the paper is built.
"""

from __future__ import annotations

import json
from typing import Any, Final

from jmg_desktop.core.records import Record
from jmg_desktop.papers.errors import PaperError
from jmg_desktop.papers.model import DEFAULT_RECOMMENDATIONS_INTRO, Person

__all__ = ["CONTENT_VERSION", "PaperDocument", "SectionText", "document_from_json", "document_to_json"]

#: The shape of ``paper.content``; bumped if the JSON shape ever changes.
CONTENT_VERSION: Final = 1


class SectionText(Record):
    """A section as typed: a heading, a body in the paper markup, and its language when it is not
    the paper's (``cy`` for a Welsh passage)."""

    heading: str
    body: str = ""
    language: str = ""


class PaperDocument(Record):
    """Everything an officer writes on a paper. Immutable: edits make a new document."""

    title: str = ""
    annex_labels: tuple[str, ...] = ()
    meeting: str = ""
    item_code: str = ""
    report_by: str = ""
    divisions_affected: str = ""
    exempt: bool = False
    exempt_paragraph: str = ""
    sections: tuple[SectionText, ...] = ()
    recommendations_intro: str = DEFAULT_RECOMMENDATIONS_INTRO
    recommendations: tuple[str, ...] = ()
    authors: tuple[Person, ...] = ()
    contact_officer: Person | None = None
    background_papers: tuple[str, ...] = ()
    date_line: str = ""
    keywords: tuple[str, ...] = ()

    def problems(self) -> list[str]:
        """What must be fixed before the paper can be made final, in plain words."""
        problems = []
        if not self.title.strip():
            problems.append("The paper has no title.")
        if not self.sections:
            problems.append("The paper has no sections.")
        if any(not section.heading.strip() for section in self.sections):
            problems.append("A section has no heading.")
        if not any(item.strip() for item in self.recommendations):
            problems.append("The paper has no recommendations.")
        if not any(person.name.strip() for person in self.authors):
            problems.append("The paper has no author.")
        if self.exempt and not self.exempt_paragraph.strip():
            problems.append("An exempt paper must say which paragraph of Schedule 12A applies.")
        return problems


def document_to_json(document: PaperDocument) -> str:
    """The JSON stored in ``paper.content``: stable key order, so equal documents give equal text."""
    data = _plain(document)
    for section in data["sections"]:  # a section in the paper's own language stores as it always did
        if not section["language"]:
            del section["language"]
    data["content_version"] = CONTENT_VERSION
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _plain(value: Any) -> Any:
    """Records as dicts of their fields and tuples as lists, all the way down: the JSON shape."""
    if hasattr(value, "_asdict"):  # a record (checked first: records are tuples too)
        return {name: _plain(item) for name, item in value._asdict().items()}
    if isinstance(value, tuple):
        return [_plain(item) for item in value]
    return value


def _strings(value: Any, name: str) -> tuple[str, ...]:
    """A JSON list of strings as a tuple, or a plain error."""
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise PaperError(f"The paper's {name} are not readable.")
    return tuple(value)


def _person(value: Any) -> Person:
    """A person from JSON, missing fields empty."""
    if not isinstance(value, dict):
        raise PaperError("A person named on the paper is not readable.")
    return Person(**{key: str(value.get(key, "")) for key in ("name", "job_title", "phone", "email")})


def document_from_json(text: str) -> PaperDocument:
    """Read ``paper.content``; raise :class:`PaperError` if it is not a paper document we understand."""
    try:
        data = json.loads(text or "{}")
    except json.JSONDecodeError:
        raise PaperError("The paper's stored content is damaged and cannot be read.") from None
    if not isinstance(data, dict):
        raise PaperError("The paper's stored content is damaged and cannot be read.")
    version = data.get("content_version", CONTENT_VERSION)
    if version != CONTENT_VERSION:
        raise PaperError("The paper was saved by a newer version of JMG Desktop; please update to open it.")
    try:
        sections = tuple(
            SectionText(
                heading=str(item["heading"]),
                body=str(item.get("body", "")),
                language=str(item.get("language", "")),
            )
            for item in data.get("sections", [])
        )
        officer = data.get("contact_officer")
        return PaperDocument(
            title=str(data.get("title", "")),
            annex_labels=_strings(data.get("annex_labels", []), "annex labels"),
            meeting=str(data.get("meeting", "")),
            item_code=str(data.get("item_code", "")),
            report_by=str(data.get("report_by", "")),
            divisions_affected=str(data.get("divisions_affected", "")),
            exempt=bool(data.get("exempt", False)),
            exempt_paragraph=str(data.get("exempt_paragraph", "")),
            sections=sections,
            recommendations_intro=str(data.get("recommendations_intro", DEFAULT_RECOMMENDATIONS_INTRO)),
            recommendations=_strings(data.get("recommendations", []), "recommendations"),
            authors=tuple(_person(item) for item in data.get("authors", [])),
            contact_officer=_person(officer) if officer else None,
            background_papers=_strings(data.get("background_papers", []), "background papers"),
            date_line=str(data.get("date_line", "")),
            keywords=_strings(data.get("keywords", []), "keywords"),
        )
    except (KeyError, TypeError):
        raise PaperError("The paper's stored content is damaged and cannot be read.") from None
