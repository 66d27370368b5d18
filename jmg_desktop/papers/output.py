"""Writing a rendered PDF where the user asked, safely: a temporary file in the destination folder,
flushed to disk, then renamed over the target. A failure at any point leaves the earlier file intact.
"""

from __future__ import annotations

import os
import tempfile
from contextlib import suppress
from pathlib import Path

from jmg_desktop.papers.errors import ExportError

__all__ = ["write_file_atomically"]


def write_file_atomically(data: bytes, destination: Path | str) -> Path:
    """Write ``data`` to ``destination`` through a temp file and ``os.replace``; return the path.

    Raises :class:`ExportError` with one plain sentence when the folder is missing or unwritable, or
    the destination is a folder.
    """
    destination = Path(destination)
    name = destination.name or str(destination)
    folder = destination.parent
    if destination.is_dir():
        raise ExportError(f"“{name}” is a folder; choose a file name for the PDF.")
    if not folder.is_dir():
        raise ExportError(f"The PDF cannot be written: the folder “{folder}” does not exist.")
    try:
        handle, temp_name = tempfile.mkstemp(prefix=f".{destination.stem}-", suffix=".part", dir=folder)
    except OSError as error:
        raise ExportError(
            f"The PDF cannot be written to “{folder}”: {_reason(error)}. Nothing was changed."
        ) from None
    temp = Path(temp_name)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        # mkstemp makes the file private (0600); a PDF for publication gets ordinary permissions.
        with suppress(OSError):
            os.chmod(temp, 0o644)
        os.replace(temp, destination)
    except OSError as error:
        with suppress(OSError):
            temp.unlink()
        raise ExportError(
            f"“{name}” could not be written: {_reason(error)}. Any earlier file of that name is unchanged."
        ) from None
    return destination


def _reason(error: OSError) -> str:
    """The operating system's reason, in lower case to sit inside a sentence."""
    reason = error.strerror or str(error)
    return reason[:1].lower() + reason[1:]
