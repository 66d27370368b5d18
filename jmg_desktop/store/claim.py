"""Making a new file appear under its name all at once, never over someone else's file.

Whatever creates a workspace (New Workspace, ``demo``, ``load``) builds it completely under a
hidden temporary name beside the target, checks it, and only then *claims* the name with a hard
link, which the operating system refuses when the name exists. Two programs racing for one name
therefore never both succeed and never delete each other's file, and a program killed at any
moment leaves either no file or the complete one. ``exists()`` followed by ``replace()`` would
have a gap between the two in which another program's file is overwritten.

The temporary files are named ``.NAME.PID.RANDOM.partial``; one left behind by a program that was
killed is removed the next time anything is created under that name (its process no longer
exists).
"""

from __future__ import annotations

import contextlib
import os
import re
import uuid
from pathlib import Path
from typing import Final

from jmg_desktop.store.errors import WorkspaceError

__all__ = ["claim_new", "clear_abandoned_partials", "new_file_mode", "partial_beside"]

_PARTIAL_SUFFIX: Final = ".partial"
#: SQLite's companions of a database file, removed with an abandoned partial file.
_COMPANIONS: Final = ("-journal", "-wal", "-shm")


def new_file_mode() -> int:
    """The permissions a new document gets under the current umask (0644 under umask 022)."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def partial_beside(target: Path) -> Path:
    """A fresh hidden temporary name beside ``target``, marked with this process's id."""
    return target.with_name(f".{target.name}.{os.getpid()}.{uuid.uuid4().hex[:12]}{_PARTIAL_SUFFIX}")


def _pid_alive(pid: int) -> bool:
    """Whether a process with this id exists on this machine (POSIX; assume alive elsewhere)."""
    if os.name != "posix":  # pragma: no cover - Windows keeps files of live processes locked
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def clear_abandoned_partials(target: Path) -> None:
    """Remove temporary files for ``target`` left by programs that were killed while building it."""
    pattern = re.compile(rf"^\.{re.escape(target.name)}\.(\d+)\.[0-9a-f]{{12}}{re.escape(_PARTIAL_SUFFIX)}$")
    with contextlib.suppress(OSError):
        for entry in os.scandir(target.parent):
            match = pattern.match(entry.name)
            if match is None or _pid_alive(int(match.group(1))):
                continue
            for companion in ("", *_COMPANIONS):
                with contextlib.suppress(OSError):
                    os.unlink(os.path.join(target.parent, entry.name + companion))


def claim_new(temp: Path, target: Path) -> None:
    """Give the finished file ``temp`` the name ``target``, only if nothing has that name.

    Raises :class:`WorkspaceError` ("already exists") when the name is taken, by a file or by
    anything else; ``temp`` is then left for the caller to remove. The file's data is flushed to
    disk first, and its permissions follow the umask like any new document.
    """
    with contextlib.suppress(OSError):
        os.chmod(temp, new_file_mode())
    with open(temp, "rb+") as written:
        os.fsync(written.fileno())
    try:
        os.link(temp, target)
    except FileExistsError:
        raise WorkspaceError(f"“{target.name}” already exists; choose another name.") from None
    except OSError as error:
        if not _links_unsupported(error):
            raise WorkspaceError(f"“{target.name}” cannot be created: {error.strerror or error}.") from None
        _claim_without_links(temp, target)
        return
    with contextlib.suppress(OSError):
        temp.unlink()
    _sync_folder(target.parent)


def _links_unsupported(error: OSError) -> bool:
    """True for the errors of a file system without hard links (FAT, some network shares)."""
    import errno

    return error.errno in {errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV, errno.ENOSYS}


def _claim_without_links(temp: Path, target: Path) -> None:
    """Where hard links are impossible: reserve the name exclusively, then move the file onto it.

    The reservation is an empty file for an instant; a racing program sees the name taken and
    stops, so it is never deleted by anyone but its owner.
    """
    try:
        handle = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, new_file_mode())
    except FileExistsError:
        raise WorkspaceError(f"“{target.name}” already exists; choose another name.") from None
    except OSError as error:
        raise WorkspaceError(f"“{target.name}” cannot be created: {error.strerror or error}.") from None
    os.close(handle)
    try:
        os.replace(temp, target)
    except OSError as error:
        with contextlib.suppress(OSError):
            target.unlink()
        raise WorkspaceError(f"“{target.name}” cannot be created: {error.strerror or error}.") from None
    _sync_folder(target.parent)


def _sync_folder(folder: Path) -> None:
    """Make a new name durable (POSIX: fsync the directory)."""
    if os.name != "posix":  # pragma: no cover
        return
    with contextlib.suppress(OSError):
        handle = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(handle)
        finally:
            os.close(handle)
