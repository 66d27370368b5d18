"""A workspace written before papers existed gains the paper table on opening and can hold papers."""

from __future__ import annotations

import shutil
from pathlib import Path

from jmg_desktop.papers import service
from jmg_desktop.store.workspace import Workspace

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "schema0001.jmg"


def test_schema_0001_workspace_is_upgraded_and_takes_a_paper(tmp_path: Path) -> None:
    path = tmp_path / "old.jmg"
    shutil.copy(FIXTURE, path)
    with Workspace.open(path) as workspace:
        assert service.list_papers(workspace) == []
        paper_id = service.create_starter_paper(workspace, 1, 2009)
        view = service.paper_view(workspace, paper_id)
    assert view.title.endswith("Pooled Budget 2009/10")
    assert [section.heading for section in view.sections][2] == "Budget changes"
