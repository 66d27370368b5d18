"""The decision register in the workspace: meetings, agreements, their steps and covered lines.

Every function that changes something takes the caller's session and writes its audit event(s)
with :func:`jmg_desktop.store.audit.record_event` in that same session, so the change and its
audit commit or roll back together. Make each user action its own transaction::

    with workspace.writing() as session:
        agreement_id = record_agreement(session, title=..., line_ids=[...], meeting_id=...)

Public API for other features (meeting mode, papers, check):

``record_agreement(session, *, title, line_ids=(), pool_id=None, financial_year=None,
whole_pool=False, meeting_id=None, decision="", reasons="", alternatives="", conflicts="",
assumptions="", status=Status.AGREED, on=None, body_partner_ids=None, note="", actor=None) -> int``
    Record an agreement (by default *agreed in principle*, dated the meeting's date or today),
    snapshotting the figures of the covered lines as they stand in this transaction. Meeting mode
    passes the assumptions it used (e.g. "inflation 3%") in ``assumptions``. Give either
    ``line_ids`` or ``whole_pool=True`` with ``pool_id`` and ``financial_year``.
    The partners whose sovereign bodies must approve default to every partner with lines in the
    pool(s) and year concerned, plus the host.
``create_meeting(session, *, body, held_on, reference="", note="") -> int``
``move_agreement(session, agreement_id, step, *, note="") -> int`` (raises ``MoveRefused``)
``list_agreements(session, *, status=None, pool_id=None, year=None, body=None)``
``agreement_detail(session, agreement_id)`` with history and agreed-vs-now lines.
``since_agreed_marks(session, pool_id=None, year=None) -> SinceAgreedMarks`` (``changed`` and
``added``: line id → agreement ids) for the lines editor's "changed since agreed" and "added since
agreed" marks; ``lines_changed_since_agreed`` gives ``changed`` alone.

Refusals raise :class:`AgreementError` (or :class:`~jmg_desktop.core.agreements.MoveRefused`),
both ``ValueError`` whose text is a user message; nothing is changed when they are raised.
"""

from __future__ import annotations

# The register lives in four modules (each under 400 lines); this one keeps the public API in one
# place, so callers import from here.
from jmg_desktop.store.agreements_base import (
    AgreementDetail,
    AgreementError,
    AgreementSummary,
    MeetingRecord,
    StepRecord,
    comparisons,
)
from jmg_desktop.store.agreements_meetings import (
    create_meeting,
    delete_meeting,
    list_bodies,
    list_meetings,
    restore_meeting,
    update_meeting,
)
from jmg_desktop.store.agreements_register import (
    SinceAgreedMarks,
    agreement_detail,
    agreement_findings,
    agreements_for_line,
    body_choices,
    current_figures,
    line_history,
    lines_changed_since_agreed,
    list_agreements,
    since_agreed_marks,
)
from jmg_desktop.store.agreements_writes import (
    agreement_record,
    delete_agreement,
    move_agreement,
    record_agreement,
    restore_agreement,
    restore_step,
    undo_step,
    update_agreement,
)

__all__ = [
    "AgreementDetail",
    "AgreementError",
    "AgreementSummary",
    "MeetingRecord",
    "SinceAgreedMarks",
    "StepRecord",
    "agreement_detail",
    "agreement_findings",
    "agreement_record",
    "agreements_for_line",
    "body_choices",
    "comparisons",
    "create_meeting",
    "current_figures",
    "delete_agreement",
    "delete_meeting",
    "line_history",
    "lines_changed_since_agreed",
    "list_agreements",
    "list_bodies",
    "list_meetings",
    "move_agreement",
    "record_agreement",
    "restore_agreement",
    "restore_meeting",
    "restore_step",
    "since_agreed_marks",
    "undo_step",
    "update_agreement",
    "update_meeting",
]
