"""Writing files for the user safely: to a temporary file beside the target, then renamed.

A failed or interrupted export never damages the file that was there before.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import BinaryIO

__all__ = ["SafeWriteError", "atomic_writer", "write_bytes_atomically", "write_text_atomically"]


class SafeWriteError(OSError):
    """The file could not be written; ``str(error)`` is a one-sentence explanation."""


def _create_beside(folder: Path, name: str) -> tuple[int, Path]:
    """A new, empty, private file ``.NAME.RANDOM.part`` in ``folder``, opened for writing; made
    here rather than by :func:`tempfile.mkstemp`, which the quick commands would import for it."""
    for _attempt in range(100):
        temp = folder / f".{name}.{os.urandom(6).hex()}.part"
        try:
            return os.open(
                temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600
            ), temp
        except FileExistsError:
            continue
    raise FileExistsError(f"no free temporary name beside {name}")


@contextmanager
def atomic_writer(path: Path | str) -> Iterator[BinaryIO]:
    """A binary stream whose content replaces ``path`` only when the ``with`` block ends normally.

    Written to a temporary file beside ``path``, flushed to disk, then renamed over it; if the block
    raises (or writing fails) the temporary file is removed and ``path`` is left as it was. For
    output too large to hold in memory; :func:`write_bytes_atomically` is the one-shot form.
    """
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise SafeWriteError(f"“{path.name}” cannot be written: the folder {folder} does not exist.")
    if path.is_dir():
        raise SafeWriteError(f"“{path}” is a folder, not a file name.")
    temp: Path | None = None
    try:
        handle, temp = _create_beside(folder, path.name)
        with os.fdopen(handle, "wb") as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        if path.exists():
            # Keep the permissions the user gave the previous file.
            with suppress(OSError):
                os.chmod(temp, path.stat().st_mode & 0o7777)
        else:
            with suppress(OSError):
                umask = os.umask(0)
                os.umask(umask)
                os.chmod(temp, 0o666 & ~umask)
        os.replace(temp, path)
        temp = None
    except PermissionError:
        raise SafeWriteError(
            f"“{path.name}” cannot be written: permission was refused in {folder}."
        ) from None
    except OSError as error:
        raise SafeWriteError(f"“{path.name}” cannot be written: {error.strerror or error}.") from None
    finally:
        if temp is not None:
            with suppress(OSError):
                temp.unlink()


def write_bytes_atomically(path: Path | str, data: bytes) -> None:
    """Write ``data`` to ``path`` so that ``path`` holds either the old content or all the new."""
    with atomic_writer(path) as stream:
        stream.write(data)


def write_text_atomically(path: Path | str, text: str) -> None:
    """Write UTF-8 text safely (see :func:`write_bytes_atomically`)."""
    write_bytes_atomically(path, text.encode("utf-8"))
