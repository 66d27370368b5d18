"""A shared workspace held in a PostgreSQL database: the same interface as a workspace file.

:class:`SharedWorkspace` is a :class:`~jmg_desktop.store.workspace.Workspace` whose sessions run on
a PostgreSQL server, so every repository and view works on it unchanged. What differs:

* no lock file and no backup copies: several people work at once, each edit its own transaction,
  and backups are the server's business (``pg_dump``, or our ``dump``);
* a write transaction's audit events are appended at its end under a transaction-level advisory
  lock, taken only for the append and the commit (:mod:`~jmg_desktop.store.pg_append`), so the
  hash-chained trail is appended by one writer at a time and never forks;
* the audit actor is the person as the workspace names them (the name recorded with their role
  grant, e.g. ``Helen Marsh``; else the server's comment on their login, else the login);
* a lost connection turns the workspace read-only with a plain reason, and :meth:`try_writable`
  (called by the heartbeat) makes it writable again once the server answers.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from typing import Any, Final

from sqlalchemy import Connection, Engine, func, inspect, select, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError, OperationalError, ProgrammingError
from sqlalchemy.orm import Session, sessionmaker

from jmg_desktop import __version__
from jmg_desktop.store import migrate
from jmg_desktop.store.errors import ReadOnlyError, WorkspaceError, WriteFailedError
from jmg_desktop.store.lines_repo import StaleEditError
from jmg_desktop.store.models import AuditEvent
from jmg_desktop.store.pg_append import AUDIT_LOCK_KEY, append_and_commit
from jmg_desktop.store.pg_connect import (
    ConnectionFailed,
    connection_sentence,
    display_address,
    make_pg_engine,
    parse_address,
)
from jmg_desktop.store.pg_people import display_name
from jmg_desktop.store.pg_versions import RowKey, changed_by
from jmg_desktop.store.reads.rows import Rows
from jmg_desktop.store.reads.sa_rows import session_rows
from jmg_desktop.store.roles import ROLES, Role, role_of
from jmg_desktop.store.workspace import Workspace, expected_version

__all__ = ["AUDIT_LOCK_KEY", "SharedWorkspace", "connection_lost"]

_LOST: Final = "the connection to the server was lost"


def connection_lost(error: BaseException) -> bool:
    """True when a driver error means the connection itself broke (server down or restarted)."""
    if isinstance(error, DBAPIError) and error.connection_invalidated:
        return True
    if isinstance(error, OperationalError):
        return True
    lowered = str(getattr(error, "orig", error)).lower()
    return "terminating connection" in lowered or "server closed the connection" in lowered


class SharedWorkspace(Workspace):
    """A workspace in a PostgreSQL database. Use :meth:`open` or :meth:`create`."""

    backend = "postgresql"

    def __init__(
        self, address: str, url: URL, engine: Engine, *, read_only: bool, read_only_reason: str = ""
    ) -> None:
        # Not Workspace.__init__: it is about a file (its identity, its lock); the attributes the
        # shared methods use are set here.
        self.path = None  # type: ignore[assignment]
        self.address = display_address(address)
        self.url = url
        self.engine = engine
        self.read_only = read_only
        self.read_only_reason = read_only_reason
        self.lock_holder = None
        self.lock_state = None
        self.opening_backup = None
        self.backup_problem = ""
        self._backup_thread: threading.Thread | None = None
        self.state_listeners = []
        self._lock = None
        self._identity = None
        self._sessions = sessionmaker(bind=engine, expire_on_commit=False)
        self._closed = False
        self._address_with_secret = address
        #: Who the server says we are, for the audit trail and the "changed by" sentences.
        self.actor = _actor(engine)
        #: The database role name we logged in as.
        self.user = url.username or ""
        #: The newest audit event the views have shown (see :mod:`jmg_desktop.store.pg_versions`).
        self.seen = 0
        self._own: set[int] = set()
        self._own_last: dict[RowKey, int] = {}
        with suppress(DBAPIError):
            self.seen = self.newest_event()
        #: Names this open workspace in its change notifications (its own window ignores them).
        self.client_id = uuid.uuid4().hex
        #: Called (no arguments) when an edit was refused as stale, so views re-read at once.
        self.stale_listeners: list[Callable[[], None]] = []
        #: What the server lets this person do (:mod:`jmg_desktop.store.roles`).
        self.role: Role = ROLES["viewer"]
        with suppress(DBAPIError), engine.connect() as connection:
            self.role = role_of(connection)
            connection.rollback()
        if not self.role.can_edit and not self.read_only:
            self.read_only = True
            self.read_only_reason = f"your role on this shared workspace is {self.role.title} (reading only)"

    # -- naming --------------------------------------------------------------------------------

    @property
    def display_name(self) -> str:
        """The database's name, for window titles and messages."""
        return self.url.database or str(self.url.query.get("dbname", "")) or "shared workspace"

    @property
    def location(self) -> str:
        """The address without any password, for the status bar and the recent list."""
        return self.address

    @property
    def title(self) -> str:
        """The workspace's title, shown in the window and on exports."""
        return self.setting("title", self.display_name)

    # -- lifecycle -----------------------------------------------------------------------------

    @classmethod
    def open(cls, address: str, *, read_only: bool = False, backup: bool = True) -> SharedWorkspace:  # type: ignore[override]
        """Open the shared workspace at ``address``; refuse with one sentence when it cannot be used.

        A database made by a newer version is refused; an older one is upgraded in one transaction
        (PostgreSQL's DDL is transactional, so a failed upgrade leaves it exactly as it was).
        """
        del backup  # the server's backups are its own (pg_dump); nothing is copied on opening
        url = parse_address(address)
        engine = make_pg_engine(url)
        try:
            with engine.connect() as connection:
                version = _schema_version(connection, url)
                connection.rollback()
            if version < expected_version():
                if read_only:
                    raise WorkspaceError(
                        f"The shared workspace “{_name(url)}” must be upgraded by someone who can change it."
                    )
                with engine.begin() as connection:
                    _lock_for_writing(connection)
                    if _schema_version(connection, url) < expected_version():
                        migrate.upgrade(connection)
        except OperationalError as error:
            engine.dispose()
            raise ConnectionFailed(connection_sentence(error, url)) from None
        except BaseException:
            engine.dispose()
            raise
        return cls(address, url, engine, read_only=read_only)

    @classmethod
    def create(cls, address: str, *, title: str = "") -> SharedWorkspace:  # type: ignore[override]
        """Make a new, empty workspace in the empty database at ``address`` and open it."""
        url = parse_address(address)
        engine = make_pg_engine(url)
        try:
            with engine.begin() as connection:
                _require_empty(connection, url)
                create_schema(connection, title=title or _name(url))
        except OperationalError as error:
            raise ConnectionFailed(connection_sentence(error, url)) from None
        finally:
            engine.dispose()
        return cls.open(address)

    def close(self) -> None:
        """Release the server connections (safe to call twice)."""
        if self._closed:
            return
        self._closed = True
        self.engine.dispose()

    def private_reader(self) -> SharedWorkspace:
        """A read-only handle with connections of its own, for another thread (paper previews)."""
        url = self.url
        return SharedWorkspace(
            self._address_with_secret,
            url,
            make_pg_engine(url, pool_size=1),
            read_only=True,
            read_only_reason="preview",
        )

    # -- read-only state -----------------------------------------------------------------------

    @property
    def can_take_over(self) -> bool:
        """There is no lock to take over on a server."""
        return False

    def take_over_lock(self) -> None:
        """Never offered for a shared workspace."""
        raise WorkspaceError("A shared workspace has no lock to take over.")

    def try_writable(self) -> bool:
        """After a lost connection: writable again once the server answers."""
        if not self.read_only or self._closed:
            return not self.read_only
        if self.read_only_reason != _LOST:
            return False
        try:
            with self.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
                connection.rollback()
        except DBAPIError:
            return False
        self.read_only, self.read_only_reason = False, ""
        self._notify()
        return True

    def heartbeat(self) -> None:
        """Called regularly while open: notice a lost server, and its return."""
        if self._closed:
            return
        if self.read_only:
            self.try_writable()
            return
        try:
            with self.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
                connection.rollback()
        except DBAPIError:
            self.engine.dispose()  # the pooled connections are dead too
            self._set_read_only(_LOST)

    # -- transactions --------------------------------------------------------------------------

    @contextmanager
    def reads(self) -> Iterator[Rows]:
        """The reads' view of the workspace, through a read session on the server."""
        with self.reading() as session:
            yield session_rows(session)

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A session for reads; a lost connection turns the workspace read-only and says so."""
        session = self._sessions()
        try:
            yield session
        except DBAPIError as error:
            if connection_lost(error):
                self._lose_connection(session, writing=False)
            raise
        finally:
            with suppress(DBAPIError):
                session.rollback()
            session.close()

    @contextmanager
    def writing(self) -> Iterator[Session]:
        """One transaction, committed when the block ends; its audit events are appended at the
        end under the audit advisory lock (:mod:`~jmg_desktop.store.pg_append`).

        Raises :class:`ReadOnlyError` when read-only (or the role may not write) and
        :class:`WriteFailedError` when the connection is lost: nothing of the change is saved,
        and the workspace turns read-only until the server answers again.
        """
        if self.read_only:
            why = f" ({self.read_only_reason})" if self.read_only_reason else ""
            raise ReadOnlyError(f"This workspace is open read-only{why}; the change was not made.")
        session = self._sessions()
        session.info["actor"] = self.actor
        # The events are chained at the end, under the audit lock taken only then (pg_append).
        session.info["audit_pending"] = pending = []
        try:
            try:
                yield session
                session.flush()
            except StaleEditError as stale:
                # Refused by the row's own values (a cell no longer holding what was shown): name
                # the person whose change it was, as for a stale version.
                who = changed_by(session, stale.entity, stale.ids, own=self._own) if stale.ids else None
                if who is None:
                    raise
                raise StaleEditError(who.sentence(), entity=stale.entity, ids=stale.ids) from None
            if pending:
                dbapi = session.connection().connection.dbapi_connection
                appended = append_and_commit(
                    dbapi,  # type: ignore[arg-type]
                    pending,
                    seen=self.seen,
                    own=self._own,
                    own_last=self._own_last,
                    actor=self.actor,
                    client=self.client_id,
                )
            # After an append the driver has committed already; this ends the session's transaction.
            session.commit()
            if pending:
                self._committed(appended.before, appended.after, appended.touched)
        except DBAPIError as error:
            with suppress(Exception):
                session.rollback()
            if connection_lost(error):
                self._lose_connection(session, writing=True)
            if isinstance(error, ProgrammingError) and getattr(error.orig, "sqlstate", "") == "42501":
                raise ReadOnlyError(
                    "Your role on this shared workspace does not allow that change; it was not made."
                ) from None
            raise
        except StaleEditError:
            with suppress(Exception):
                session.rollback()
            for listener in list(self.stale_listeners):
                listener()
            raise
        except BaseException:
            with suppress(Exception):
                session.rollback()
            raise
        finally:
            with suppress(Exception):
                session.close()

    def _committed(self, before: int, after: int, touched: dict[RowKey, int]) -> None:
        """Remember our own events and row versions; move :attr:`seen` on when nothing of anyone
        else's came between (our view then shows everything up to our own change)."""
        ours = range(before + 1, after + 1)  # under the advisory lock: every one of them is ours
        self._own.update(ours)
        self._own_last.update(touched)
        between = range(self.seen + 1, before + 1)
        if len(between) <= 1000 and all(sequence in self._own for sequence in between):
            self.seen = max(self.seen, after)

    def mark_seen(self, sequence: int | None = None) -> int:
        """The views now show everything up to ``sequence`` (default: the newest event); call it
        before re-reading after someone else's change. Returns the sequence."""
        self.seen = self.newest_event() if sequence is None else sequence
        return self.seen

    def _lose_connection(self, session: Session, *, writing: bool) -> None:
        """The server went away: read-only with the reason, and say so in one sentence."""
        with suppress(Exception):
            session.close()
        self.engine.dispose()
        self._set_read_only(_LOST)
        what = "the change was not made" if writing else "nothing could be read"
        raise WriteFailedError(
            f"The connection to the server holding “{self.display_name}” was lost; {what}. The "
            "workspace is read-only until the server answers again."
        )

    # -- copies --------------------------------------------------------------------------------

    def backup_now(self, *, reason: str = "interval") -> None:
        """The server's backups are not ours to take (pg_dump, or ``jmg-desktop pull``)."""
        del reason
        return None

    def save_copy(self, destination: Any) -> None:
        """Copy the shared workspace into a new workspace file (``jmg-desktop pull``)."""
        from jmg_desktop.store.pg_copy import pull

        pull(self._address_with_secret, destination)

    def setting(self, key: str, default: str = "") -> str:
        """A workspace setting such as ``title``."""
        with self.reading() as session:
            value = session.execute(
                text("SELECT value FROM workspace_setting WHERE key = :k"), {"k": key}
            ).scalar()
        return default if value is None else str(value)

    def newest_event(self) -> int:
        """The sequence number of the newest audit event (0 when there is none)."""
        with self.reading() as session:
            return int(session.execute(select(func.max(AuditEvent.sequence))).scalar() or 0)


def _name(url: URL) -> str:
    """The database's name for messages."""
    return url.database or str(url.query.get("dbname", "")) or "shared workspace"


def _lock_for_writing(connection: Connection) -> None:
    """Take the audit lock for the rest of this transaction (released by commit or rollback)."""
    connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": AUDIT_LOCK_KEY})


def _actor(engine: Engine) -> str:
    """The person the server knows us as: the name their role grant recorded, else the role's
    comment, else its name (:func:`~jmg_desktop.store.pg_people.display_name`)."""
    with engine.connect() as connection:
        name = display_name(connection)
        connection.rollback()
    return name


def _schema_version(connection: Connection, url: URL) -> int:
    """The database's schema version; refuse a database that is not a workspace or is newer."""
    tables = set(inspect(connection).get_table_names())
    if "alembic_version" not in tables or "workspace_setting" not in tables:
        if not tables:
            raise WorkspaceError(
                f"The database “{_name(url)}” holds no workspace yet: copy one in with "
                "'jmg-desktop push FILE.jmg ADDRESS'."
            )
        raise WorkspaceError(f"The database “{_name(url)}” is not a JMG Desktop workspace.")
    revision = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    try:
        version = int(revision or 0)
    except ValueError:
        raise WorkspaceError(
            f"The database “{_name(url)}” has a schema version this version does not know."
        ) from None
    newest = expected_version()
    if version > newest:
        raise WorkspaceError(
            f"The shared workspace “{_name(url)}” was made by a newer version of JMG Desktop (schema "
            f"{version}; this version reads up to {newest}): please update JMG Desktop to open it."
        )
    return version


def _require_empty(connection: Connection, url: URL) -> None:
    """Refuse to put a workspace into a database that already holds tables."""
    tables = inspect(connection).get_table_names()
    if tables:
        raise WorkspaceError(
            f"The database “{_name(url)}” is not empty (it has {len(tables)} table(s)); a workspace "
            "goes only into an empty database."
        )


def create_schema(connection: Connection, *, title: str) -> None:
    """Run every migration on an empty database and write the new workspace's settings."""
    _lock_for_writing(connection)
    migrate.upgrade(connection)
    connection.execute(
        text("INSERT INTO workspace_setting (key, value) VALUES (:k, :v)"),
        [
            {"k": "title", "v": title},
            {"k": "created_at", "v": datetime.now(UTC).isoformat(timespec="seconds")},
            {"k": "created_by_version", "v": __version__},
        ],
    )
