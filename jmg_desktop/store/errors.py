"""Errors the store raises, each carrying one plain sentence fit to show a user."""

from __future__ import annotations


class WorkspaceError(Exception):
    """A workspace file cannot be used; ``str(error)`` is a one-sentence explanation."""


class ReadOnlyError(WorkspaceError):
    """A write was attempted on a workspace opened read-only."""


class WriteFailedError(WorkspaceError):
    """A change could not be written (disk full, I/O error, file moved): nothing of it was saved."""


class DumpError(WorkspaceError):
    """A dump that cannot be loaded; the message says what is wrong with it and where."""
