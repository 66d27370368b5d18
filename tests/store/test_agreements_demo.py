"""The demo's decision register answers the chair's question, and survives dump → load."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from jmg_desktop.core.agreed_figures import Change
from jmg_desktop.core.agreements import Status
from jmg_desktop.core.money import Money
from jmg_desktop.store.agreements_repo import agreement_detail, agreement_record, list_agreements
from jmg_desktop.store.audit import audit_findings
from jmg_desktop.store.dump import dump_text, load_workspace
from jmg_desktop.store.workspace import Workspace


def test_the_demo_register(demo_workspace: Workspace) -> None:
    with demo_workspace.reading() as session:
        register = list_agreements(session)
        assert [(a.on, a.status, a.status_text, a.waiting_for) for a in register] == [
            (date(2008, 11, 4), Status.SUPERSEDED, "Superseded by agreement 2", ""),
            (date(2008, 12, 2), Status.RECOMMENDED, "Approved by Cabinet", "PCT Board"),
            (date(2009, 1, 13), Status.AGREED, "Agreed in principle", "Recommendation to partners"),
        ]
        assert register[1].comparison.agreed_total == Money.parse("£34.864m")
        assert audit_findings(session) == []


def test_what_we_agreed_in_january_on_what_figures_and_where_it_is(demo_workspace: Workspace) -> None:
    with demo_workspace.reading() as session:
        january = [a for a in list_agreements(session) if (a.on.year, a.on.month) == (2009, 1)]
        assert len(january) == 1
        detail = agreement_detail(session, january[0].id)
    comparison = detail.summary.comparison
    assert [(c.service, c.agreed_amount, c.now_amount, c.change) for c in comparison.lines] == [
        (
            "2009/10 base budget changes – inflation, growth and savings",
            Money.parse("£1.600m"),
            Money.parse("£1.646m"),
            Change.CHANGED,
        ),
        (
            "2009/10 base budget changes – inflation, growth and savings",
            Money.parse("£74,000"),
            Money.parse("£74,000"),
            Change.UNCHANGED,
        ),
        (
            "2009/10 base budget changes – inflation, growth and savings",
            Money.parse("£24,000"),
            Money.parse("£24,000"),
            Change.UNCHANGED,
        ),
    ]
    assert comparison.difference == Money.parse("£46,000")
    assert detail.summary.waiting_for == "Recommendation to partners"


def test_dump_then_load_keeps_agreements_history_and_snapshots(
    tmp_path: Path, demo_workspace: Workspace
) -> None:
    text = dump_text(demo_workspace)
    with demo_workspace.reading() as session:
        before = [agreement_record(session, a.id) for a in list_agreements(session)]
        before_details = [agreement_detail(session, a.id) for a in list_agreements(session)]
    with load_workspace(json.loads(text), tmp_path / "copy.jmg") as copy, copy.reading() as session:
        after = [agreement_record(session, a.id) for a in list_agreements(session)]
        after_details = [agreement_detail(session, a.id) for a in list_agreements(session)]
        assert audit_findings(session) == []
    assert after == before
    assert [d.summary for d in after_details] == [d.summary for d in before_details]
    assert [d.steps for d in after_details] == [d.steps for d in before_details]
    assert {"meeting", "agreement", "agreement_step", "agreement_line", "agreement_body"} <= set(
        json.loads(text)["tables"]
    )
