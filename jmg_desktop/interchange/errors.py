"""The one error the readers and the importer raise: a file or a request that cannot be used."""

from __future__ import annotations

__all__ = ["InterchangeError"]


class InterchangeError(ValueError):
    """A workbook, CSV file or mapping that cannot be used; ``str(self)`` is one plain sentence for
    the user, naming the file or the place in it. Nothing has been changed when it is raised."""
