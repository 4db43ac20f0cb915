"""One open ledger file: its durable settings, its schema brought up to date, its transactions.

WAL with `synchronous=FULL`, so a committed transaction survives a kill -9 or a power cut. A
reader (`status`) opens the file read-only and never upgrades it; a writer first checks the whole
file (`integrity.check_file`), then applies the missing migrations in one transaction; a file from
a newer rollkeeper is refused by both. Every statement runs on a guarded connection
(`unusable`): whatever SQLite raises about the file reaches a person as one sentence, exit 3.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Self

from rollkeeper.core.errors import EnvironmentProblem
from rollkeeper.ledger import integrity, schema
from rollkeeper.ledger.routing import Route
from rollkeeper.ledger.unusable import GuardedConnection, connect

LEDGER_FILE = "ledger.sqlite3"


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def _connect(path: Path, *, readonly: bool) -> GuardedConnection:
    if readonly:
        return connect(path, f"file:{path}?mode=ro", uri=True)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise EnvironmentProblem(
            f"the state folder {path.parent} cannot be created ({err.strerror or err}); "
            "create it, or set [state] dir to another folder"
        ) from err
    if path.exists():
        integrity.check_file(path)  # before a writer may touch it
    return connect(path, str(path), uri=False)


def statements(script: str) -> Iterator[str]:
    """A migration script's statements, one by one: it is split at each semicolon that ends
    a complete statement (not those inside a trigger's body). `executescript` would do it, but
    commits first, and an upgrade is one transaction."""
    statement = ""
    for piece in script.split(";"):
        statement += piece + ";"
        if sqlite3.complete_statement(statement):
            if statement.strip(" \n;"):
                yield statement
            statement = ""


class LedgerConnection:
    """The connection every part of the `Ledger` shares; `transaction()` makes a write atomic.
    `routes` are the configured channels each recorded event is routed to (`ledger.routing`):
    every command that records events opens the ledger with the routes of its configuration."""

    def __init__(self, path: Path, *, readonly: bool = False, routes: Sequence[Route] = ()) -> None:
        self.path = path
        self.routes = tuple(routes)
        self._depth = 0  # transactions open, the outermost one real (see `transaction`)
        self._found = integrity.file_state(path)  # before any read (`check_whole`)
        self.db = _connect(path, readonly=readonly)
        try:
            self._refuse_newer_schema()
            if readonly:
                self._refuse_older_schema()
            else:
                self.db.execute("PRAGMA journal_mode=WAL")
                self.db.execute("PRAGMA synchronous=FULL")
                self.db.execute("PRAGMA foreign_keys=ON")
                self._migrate()
        except BaseException:
            self.db.close()
            raise
        self.db.row_factory = sqlite3.Row

    @classmethod
    def in_state_dir(
        cls, state_dir: Path, *, readonly: bool = False, routes: Sequence[Route] = ()
    ) -> Self:
        return cls(state_dir / LEDGER_FILE, readonly=readonly, routes=routes)

    def close(self) -> None:
        self.db.close()

    def check_integrity(self, *, thorough: bool) -> None:
        """Refuse this ledger (`LedgerUnusable`) if SQLite finds it damaged (`integrity`)."""
        integrity.check(self.db, self.path, thorough=thorough)

    def check_whole(self, *, trust_for: float) -> None:
        """The thorough check, unless one passed on the file as this connection found it
        (unchanged since) within `trust_for` seconds (`integrity.check_unless_checked`)."""
        integrity.check_unless_checked(self.db, self.path, self._found, trust_for=trust_for)

    def rows_written(self) -> int:
        """How many rows this connection has written since it opened (triggers' included): a
        count that did not move means this connection recorded nothing meanwhile."""
        return self.db.total_changes

    def _schema_version(self) -> int:
        return int(self.db.execute("PRAGMA user_version").fetchone()[0])

    def _refuse_newer_schema(self) -> None:
        version = self._schema_version()
        if version > len(schema.MIGRATIONS):
            raise EnvironmentProblem(
                f"{self.path} was written by a newer rollkeeper (schema {version}); upgrade"
            )

    def _refuse_older_schema(self) -> None:
        version = self._schema_version()
        if version < len(schema.MIGRATIONS):
            raise EnvironmentProblem(
                f"{self.path} was written by an older rollkeeper (schema {version}); start "
                "`rollkeeper run` once to upgrade it"
            )

    def _migrate(self) -> None:
        """Bring the schema up to date in one transaction: a reader (`status`) or a crash never
        sees a half-upgraded ledger."""
        version = self._schema_version()
        migrations = schema.MIGRATIONS
        if version >= len(migrations):
            return
        with self.transaction():
            for script in migrations[version:]:
                for statement in statements(script):
                    self.db.execute(statement)
            self.db.execute(f"PRAGMA user_version = {len(migrations)}")

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE … COMMIT, rolled back on any exception. Inside `batch()` it joins the
        batch's transaction: committed (or rolled back) with it. A remembered integrity check of
        the file as the transaction found it is carried to the file as it leaves it."""
        if self._depth:
            self._depth += 1
            try:
                yield self.db
            finally:
                self._depth -= 1
            return
        self.db.execute("BEGIN IMMEDIATE")
        self._depth = 1
        found = integrity.file_state(self.path)  # the write lock held: no one else writes now
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        else:
            self.db.execute("COMMIT")
        finally:
            self._depth = 0
            integrity.carry_forward(self.path, found)

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Many small writes made durable together: one transaction, one sync of the log
        (a checkpoint per uploaded part would otherwise cost a sync each)."""
        with self.transaction():
            yield
