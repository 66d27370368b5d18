"""The two implementations of the paper reads give the same PDF, byte for byte.

``export-paper`` on a workspace file reads through ``sqlite3`` (:class:`SqliteRows`); the window
and shared workspaces read the same SQL through SQLAlchemy (:class:`SaRows`). Every paper of the
demo, and of a generated workspace with hundreds of lines, whole-pool and line agreements,
monitoring, risk share, projection and Better Care Fund blocks, is rendered both ways.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import date
from pathlib import Path

import pytest

from jmg_desktop.papers import reading, service
from jmg_desktop.store.agreements_repo import record_agreement
from jmg_desktop.store.demo import build_demo
from jmg_desktop.store.reads.rows import SqliteRows
from jmg_desktop.store.reads.snapshot import file_snapshot
from jmg_desktop.store.workspace import Workspace

_EVERY_BLOCK = [
    "{{figures:current_value}}",
    "{{figures:proposed_lines}}",
    "{{figures:new_value}}",
    "{{figures:agreement}}",
    '{{figures:projection scenario="High inflation" years=4 linked}}',
    "{{figures:monitoring period=2 by=category}}",
    "{{figures:monitoring period=1}}",
    "{{figures:risk_share period=2}}",
]
_BCF_BLOCKS = ["{{figures:bcf_income}}", "{{figures:bcf_schemes}}", "{{figures:bcf_balances}}"]


def _both_ways(path: Path, paper_id: int) -> tuple[bytes, bytes]:
    """The paper's PDF read through sqlite3 and through the SQLAlchemy session, any difference from
    a stated total accepted first (so its footnotes are compared too)."""
    from jmg_desktop.papers import accepting

    with Workspace.open(path, backup=False) as workspace:
        accepting.accept_differences(workspace, paper_id)
    with file_snapshot(path) as rows:
        light = reading.paper_pdf(rows, paper_id)
    with Workspace.open(path, read_only=True) as workspace:
        orm = service.paper_pdf(workspace, paper_id)
    return light, orm


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo grown: 400 more lines in the Older People pool (every status), agreements on
    some of them and on the whole pool, then lines changed since; papers using every block."""
    path = tmp_path_factory.mktemp("light") / "generated.jmg"
    build_demo(path).close()
    connection = sqlite3.connect(path)
    with connection:
        statuses = [row[0] for row in connection.execute("SELECT id FROM line_status ORDER BY id")]
        connection.executemany(
            "INSERT INTO pool_line (pool_id, financial_year, service, category_id, partner_id, status_id,"
            " amount_pence, note, position, kind) VALUES (1, 2009, ?, ?, ?, ?, ?, '', ?, ?)",
            [
                (
                    f"Generated service {n:03d}",
                    1 + n % 3,
                    1 + n % 2,
                    statuses[n % len(statuses)],
                    n * 104_729 - 3_000_000,
                    200 + n,
                    "budget_change" if n % 5 == 0 else "service_budget",
                )
                for n in range(400)
            ],
        )
    connection.close()
    with Workspace.open(path) as workspace:
        with workspace.writing() as session:
            ids = [row[0] for row in session.connection().exec_driver_sql(
                "SELECT id FROM pool_line WHERE service LIKE 'Generated%' ORDER BY id LIMIT 30"
            )]  # fmt: skip
            record_agreement(session, title="Generated lines", line_ids=ids[:20], on=date(2009, 6, 1))
            record_agreement(
                session,
                title="The whole pool",
                pool_id=1,
                financial_year=2009,
                whole_pool=True,
                on=date(2009, 7, 1),
            )
        with workspace.writing() as session:
            session.connection().exec_driver_sql(
                f"UPDATE pool_line SET amount_pence = amount_pence + 4600 WHERE id IN ({ids[0]}, {ids[1]})"
            )
        document = service.load_document(workspace, 1)[1]
        service.create_paper(
            workspace,
            pool_id=1,
            financial_year=2009,
            partner_id=None,
            document=document._replace(title="Every block, whole pool"),
        )
        service.create_paper(
            workspace,
            pool_id=4,
            financial_year=2019,
            partner_id=None,
            document=document._replace(title="Better Care Fund plan"),
        )
    connection = sqlite3.connect(path)
    with connection:
        papers = connection.execute("SELECT id, content FROM paper ORDER BY id").fetchall()
        for paper_id, text in papers[-2:]:
            data = json.loads(text)
            blocks = _EVERY_BLOCK if "Every block" in data["title"] else _BCF_BLOCKS
            data["sections"].append({"heading": "Every figure", "body": "\n\n".join(blocks)})
            connection.execute("UPDATE paper SET content = ? WHERE id = ?", (json.dumps(data), paper_id))
    connection.close()
    return path


def test_every_demo_paper_is_the_same_both_ways(tmp_path: Path) -> None:
    path = tmp_path / "demo.jmg"
    build_demo(path).close()
    with file_snapshot(path) as rows:
        ids = [row[0] for row in rows.all("SELECT id FROM paper ORDER BY id")]
    assert len(ids) >= 2
    for paper_id in ids:
        light, orm = _both_ways(path, paper_id)
        assert light == orm, f"paper {paper_id}"


def test_a_generated_workspace_prints_the_same_both_ways(generated: Path) -> None:
    with file_snapshot(generated) as rows:
        ids = [row[0] for row in rows.all("SELECT id FROM paper ORDER BY id")]
        assert len(ids) == 4
        lines = rows.all("SELECT COUNT(*) FROM pool_line WHERE pool_id = 1")[0][0]
        assert lines > 400
    texts = {}
    for paper_id in ids:
        light, orm = _both_ways(generated, paper_id)
        assert light == orm, f"paper {paper_id}"
        texts[paper_id] = light
    every, bcf = texts[ids[-2]], texts[ids[-1]]
    assert len(every) > len(texts[ids[0]])  # the blocks printed, not notices in their place
    assert len(bcf) > 0


def test_the_generated_papers_resolve_every_block(generated: Path) -> None:
    """Neither path hides an unresolved block or a notice in place of figures."""
    from jmg_desktop.papers.build import unresolved_figures
    from jmg_desktop.papers.model import Notice

    connection = sqlite3.connect(f"{generated.resolve().as_uri()}?mode=ro", uri=True)
    try:
        rows = SqliteRows(connection)
        for paper_id in (3, 4):
            view = reading.paper_view(rows, paper_id)
            assert unresolved_figures(view) == []
            notices = [b.text for s in view.sections for b in s.blocks if isinstance(b, Notice)]
            # The BCF pool's copy of the annex text cites an agreement the demo never recorded.
            assert [n for n in notices if not n.startswith("No agreement in principle")] == [], notices
    finally:
        connection.close()
