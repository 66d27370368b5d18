"""The demo reproduces the 2009/10 annex with its gap made explicit; dump and load are lossless."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from jmg_desktop.core.money import Money
from jmg_desktop.store.dump import DumpError, dump_text, dump_workspace, load_workspace
from jmg_desktop.store.models import Partner, Pool, PoolLine
from jmg_desktop.store.totals import pool_totals, stated_comparisons
from jmg_desktop.store.workspace import Workspace


def _ids(workspace: Workspace) -> tuple[int, int]:
    with workspace.reading() as session:
        pool_id = session.execute(select(Pool.id).where(Pool.name == "Older People")).scalar_one()
        council_id = session.execute(select(Partner.id).where(Partner.short_name == "OCC")).scalar_one()
    return pool_id, council_id


def test_demo_figures_match_the_published_annex(demo_workspace: Workspace) -> None:
    pool_id, council = _ids(demo_workspace)
    with demo_workspace.reading() as session:
        totals = pool_totals(session, pool_id, 2009)
        comparisons = stated_comparisons(session, pool_id, 2009)
        five = session.execute(
            select(PoolLine.service, PoolLine.amount_pence)
            .where(
                PoolLine.pool_id == pool_id,
                PoolLine.service.like("%services –%")
                | PoolLine.service.like("Home support%")
                | (PoolLine.service == "Intermediate care"),
            )
            .order_by(PoolLine.position)
        ).all()
    assert totals.for_partner(council).current_value == Money.parse("£50.436m")
    assert totals.for_partner(council, with_linked=True).current_value == Money.parse("£58.228m")
    assert totals.for_partner(council).new_value == Money.parse("£86.946m")
    assert totals.for_partner(council, with_linked=True).new_value == Money.parse("£94.836m")
    assert [amount for _, amount in five] == [
        334_200_000,
        465_200_000,
        805_000_000,
        1_371_000_000,
        511_000_000,
    ]
    assert sum(amount for _, amount in five) == Money.parse("£34.864m").pence
    # The gap the published paper never explained is an explicit line, so everything reconciles.
    assert len(comparisons) == 4
    assert all(comparison.reconciles for comparison in comparisons)


def test_demo_never_overwrites(tmp_path: Path, demo_path: Path) -> None:
    from jmg_desktop.store.demo import build_demo
    from jmg_desktop.store.errors import WorkspaceError

    before = demo_path.read_bytes()
    with pytest.raises(WorkspaceError, match="already exists"):
        build_demo(demo_path)
    assert demo_path.read_bytes() == before


def test_dump_load_dump_is_identical(tmp_path: Path, demo_workspace: Workspace) -> None:
    first = dump_text(demo_workspace)
    data = json.loads(first)
    assert data["format_version"] == 1
    assert {"partner", "pool", "pool_line", "stated_total", "audit_event"} <= set(data["tables"])
    with load_workspace(data, tmp_path / "copy.jmg") as copy:
        assert dump_text(copy) == first


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d.update(format="something-else"), "not a JMG Desktop workspace dump"),
        (lambda d: d.update(format_version=99), "format_version 99"),
        (lambda d: d.update(schema_version=0), "schema 0"),
        (lambda d: d["tables"].update(mystery=[]), "does not know: mystery"),
        (lambda d: d["tables"]["pool_line"][0].update(amount_pence="3342000"), "expected a whole number"),
        (lambda d: d["tables"]["pool_line"][0].update(colour="red"), "unknown column “colour”"),
        (lambda d: d["tables"]["pool_line"][0].update(partner_id=999), "does not hold"),
        (
            lambda d: d["tables"]["partner"].append(dict(d["tables"]["partner"][0])),
            "row 5 \\(id 1\\): its id is the same",  # the demo has four partners
        ),
    ],
)
def test_bad_dumps_are_refused_and_leave_nothing(
    tmp_path: Path, demo_workspace: Workspace, mutate, message: str
) -> None:
    data = dump_workspace(demo_workspace)
    mutate(data)
    out = tmp_path / "out.jmg"
    with pytest.raises(DumpError, match=message):
        load_workspace(data, out)
    assert not out.exists()
