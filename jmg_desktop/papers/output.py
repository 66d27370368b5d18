"""Writing a rendered PDF where the user asked, through the store's safe write (a temporary file in
the destination folder, flushed, then renamed): a failure leaves any earlier file intact.
"""

from __future__ import annotations

from pathlib import Path

from jmg_desktop.papers.errors import ExportError
from jmg_desktop.store.safe_write import SafeWriteError, write_bytes_atomically

__all__ = ["write_file_atomically"]


def write_file_atomically(data: bytes, destination: Path | str) -> Path:
    """Write ``data`` to ``destination`` safely and return the path.

    Raises :class:`ExportError` with a plain message when the folder is missing or unwritable or the
    destination is a folder; the message says that an earlier file of that name is unchanged.
    """
    destination = Path(destination)
    try:
        write_bytes_atomically(destination, data)
    except SafeWriteError as error:
        message = str(error).rstrip(".")
        if destination.is_file():
            message += ". The earlier file of that name is unchanged."
        else:
            message += "."
        raise ExportError(message) from None
    return destination
