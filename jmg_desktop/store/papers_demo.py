"""The demo workspace's cabinet paper (registered in ``store.demo.DEMO_EXTENSIONS``): a draft of the
annex recommending the 2009/10 widening of the Older People's pool.

Its content is data, authored in ``resources/demo/paper.json`` in the shape the papers package reads
(``papers.document``); the store only files it, as it would any saved paper.
"""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from jmg_desktop.core.financial_year import FinancialYear
from jmg_desktop.resources import resource_path
from jmg_desktop.store.models import Partner, Pool
from jmg_desktop.store.papers_repo import insert_paper

__all__ = ["DEMO_PAPER_SOURCE", "add_demo_paper"]

DEMO_PAPER_SOURCE = resource_path("demo", "paper.json")


def add_demo_paper(session: Session, source: Path = DEMO_PAPER_SOURCE) -> None:
    """File a demo paper authored in ``source`` (the cabinet annex by default) as version 1, a
    draft, with a fixed creation date so its PDF is repeatable."""
    data = json.loads(source.read_text(encoding="utf-8"))
    pool_id = session.execute(select(Pool.id).where(Pool.name == data["pool"])).scalar_one()
    partner_id = session.execute(select(Partner.id).where(Partner.name == data["partner"])).scalar_one()
    content = data["content"]
    insert_paper(
        session,
        title=content["title"],
        pool_id=pool_id,
        financial_year=FinancialYear.parse(data["year"]).start_year,
        partner_id=partner_id,
        content=json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":")),
        created_at=data["created_at"],
    )
