"""Opening any file the import accepts — .xlsx or CSV — as a list of sheets to choose from."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from jmg_desktop.interchange.csv_reader import read_csv
from jmg_desktop.interchange.errors import InterchangeError
from jmg_desktop.interchange.preflight import file_kind
from jmg_desktop.interchange.table import SheetData
from jmg_desktop.interchange.xlsx_reader import open_workbook

__all__ = ["Source", "open_source"]


@dataclass(slots=True)
class Source:
    """A file opened for import: its sheet names, and each sheet read when first asked for."""

    path: Path
    sheet_names: list[str]
    _sheets: dict[str, SheetData] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def sheet(self, name: str) -> SheetData:
        """The sheet called ``name``, read once."""
        if name not in self._sheets:
            if name not in self.sheet_names:
                raise InterchangeError(
                    f"“{self.path.name}” has no sheet called “{name}”; it has: {', '.join(self.sheet_names)}."
                )
            with open_workbook(self.path) as book:
                self._sheets[name] = book.read_sheet(name)
        return self._sheets[name]


def open_source(path: Path | str) -> Source:
    """Check the file and list its sheets; refuse in one sentence if it cannot be used."""
    path = Path(path)
    if file_kind(path) == "csv":
        sheet = read_csv(path)
        return Source(path, [sheet.name], {sheet.name: sheet})
    with open_workbook(path) as book:
        return Source(path, book.sheet_names, notes=list(book.notes))
