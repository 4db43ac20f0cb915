"""The ledger: rollkeeper's single source of truth, an SQLite database in the state folder.

WAL with `synchronous=FULL`; every state change is one transaction that also appends to the
event log, so a kill -9 at any instant loses no recorded fact. The schema is created and upgraded
by numbered migrations (`PRAGMA user_version`).
"""

from __future__ import annotations

import fcntl
import json
import os
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from rollkeeper.core.errors import EnvironmentProblem
from rollkeeper.core.lifecycle import (
    CopyState,
    RollState,
    UploadStage,
    derive_roll_state,
)
from rollkeeper.ledger.rows import (
    ArchiveCheck,
    ArchiveDue,
    CopyObservation,
    CopyRow,
    DriveClearance,
    FileIdentity,
    FileUpload,
    MultipartCheckpoint,
    RecordedEvent,
    RollRecord,
    RollUpload,
    StoredObjectRecord,
    VerifiedFile,
    VolumeRow,
    archive_check,
    archive_due,
    copy_row,
    drive_clearance,
    file_upload,
    part_record,
    recorded_event,
    roll_record,
    roll_upload,
    stored_object,
    upload_fields,
    verified_file,
    volume_row,
)

LEDGER_FILE = "ledger.sqlite3"
LOCK_FILE = "rollkeeper.lock"

MIGRATIONS: tuple[str, ...] = (
    # 1: volumes, rolls, on-set copies, verified files, events
    """
    CREATE TABLE volumes (
        id              INTEGER PRIMARY KEY,
        label           TEXT NOT NULL,
        role            TEXT NOT NULL,
        fs_uuid         TEXT NOT NULL DEFAULT '',   -- '' where the OS gives no filesystem UUID
        subpath         TEXT NOT NULL DEFAULT '',   -- configured folder inside its filesystem
        mount_path      TEXT,
        mounted         INTEGER NOT NULL DEFAULT 0,
        first_seen      TEXT NOT NULL,
        last_seen       TEXT,
        last_full_scan  TEXT,
        scan_problems   TEXT NOT NULL DEFAULT '[]',
        UNIQUE (fs_uuid, subpath, label)
    );
    CREATE TABLE rolls (
        id              TEXT PRIMARY KEY,           -- shoot_day/media_type/roll
        shoot_day       TEXT NOT NULL,
        media_type      TEXT NOT NULL,
        roll            TEXT NOT NULL,
        camera_format   TEXT,
        state           TEXT NOT NULL,
        mhl_fingerprint TEXT,
        first_seen      TEXT NOT NULL,
        updated_at      TEXT NOT NULL
    );
    CREATE TABLE roll_copies (
        roll_id         TEXT NOT NULL REFERENCES rolls(id),
        volume_id       INTEGER NOT NULL REFERENCES volumes(id),
        folder          TEXT NOT NULL,
        mhl_fingerprint TEXT,
        state           TEXT NOT NULL,
        problems        TEXT NOT NULL DEFAULT '[]',
        ready_at        TEXT,
        verified_at     TEXT,
        updated_at      TEXT NOT NULL,
        PRIMARY KEY (roll_id, volume_id)
    );
    CREATE TABLE files (
        roll_id         TEXT NOT NULL,
        volume_id       INTEGER NOT NULL,
        path            TEXT NOT NULL,
        size            INTEGER,
        expected        TEXT NOT NULL,              -- JSON {kind: value} from the MHL
        status          TEXT NOT NULL,
        verified        TEXT NOT NULL DEFAULT '{}', -- JSON {kind: value} as read
        mtime_ns        INTEGER,
        inode           INTEGER,
        verified_at     TEXT,
        PRIMARY KEY (roll_id, volume_id, path),
        FOREIGN KEY (roll_id, volume_id) REFERENCES roll_copies(roll_id, volume_id)
    );
    CREATE TABLE events (
        id              INTEGER PRIMARY KEY AUTOINCREMENT,
        at              TEXT NOT NULL,
        kind            TEXT NOT NULL,
        severity        TEXT NOT NULL,              -- info | warning | alarm
        roll_id         TEXT,
        volume_id       INTEGER,
        message         TEXT NOT NULL,
        data            TEXT NOT NULL DEFAULT '{}'
    );
    CREATE INDEX events_roll ON events(roll_id);
    CREATE INDEX copies_volume ON roll_copies(volume_id);
    """,
    # 2: uploads to primary storage: per roll, per file, per multipart part
    """
    CREATE INDEX copies_state ON roll_copies(state);
    CREATE TABLE roll_uploads (
        roll_id         TEXT PRIMARY KEY REFERENCES rolls(id),
        state           TEXT NOT NULL,              -- uploading | uploaded | upload_failed | ...
        volume_id       INTEGER,                    -- the copy read for the upload
        target          TEXT NOT NULL,
        key_prefix      TEXT NOT NULL,
        manifest_key    TEXT,
        bytes_total     INTEGER NOT NULL DEFAULT 0,
        bytes_done      INTEGER NOT NULL DEFAULT 0,
        started_at      TEXT,
        progress_at     TEXT,
        finished_at     TEXT,
        attempts        INTEGER NOT NULL DEFAULT 0,
        next_attempt_at TEXT,
        last_error      TEXT
    );
    CREATE TABLE uploads (
        roll_id         TEXT NOT NULL,
        path            TEXT NOT NULL,
        key             TEXT NOT NULL,
        size            INTEGER NOT NULL,
        state           TEXT NOT NULL,
        upload_id       TEXT,
        part_size       INTEGER,
        checksum_algorithm TEXT,
        local_checksum  TEXT,
        stored_checksum TEXT,
        xxh64           TEXT,
        etag            TEXT,
        version_id      TEXT,
        proof           TEXT,
        detail          TEXT,
        source_size     INTEGER,
        source_mtime_ns INTEGER,
        source_inode    INTEGER,
        updated_at      TEXT NOT NULL,
        PRIMARY KEY (roll_id, path)
    );
    CREATE TABLE upload_parts (
        roll_id         TEXT NOT NULL,
        path            TEXT NOT NULL,
        upload_id       TEXT NOT NULL,
        number          INTEGER NOT NULL,
        size            INTEGER NOT NULL,
        etag            TEXT NOT NULL,
        checksum        TEXT,
        PRIMARY KEY (roll_id, path, upload_id, number)
    );
    """,
    # 3: archive checks, erase clearances (an audit trail), and the outbox notifiers consume
    """
    CREATE TABLE archive_checks (
        roll_id         TEXT PRIMARY KEY REFERENCES rolls(id),
        state           TEXT NOT NULL,              -- pending | archived | failed
        provider        TEXT NOT NULL,
        checked_at      TEXT NOT NULL,
        next_check_at   TEXT NOT NULL,
        archived_at     TEXT,
        overdue_alarm_at TEXT,
        reasons         TEXT NOT NULL DEFAULT '[]',
        objects         TEXT NOT NULL DEFAULT '{}'  -- key -> state
    );
    CREATE TABLE clearances (
        id              INTEGER PRIMARY KEY AUTOINCREMENT,
        at              TEXT NOT NULL,
        subject         TEXT NOT NULL,              -- 'roll' | 'drive'
        roll_id         TEXT,
        volume_id       INTEGER,
        clear           INTEGER NOT NULL,
        level           TEXT NOT NULL,
        verdict         TEXT NOT NULL,              -- JSON: reasons, blockers, warnings
        evidence        TEXT NOT NULL               -- JSON: the facts the verdict was drawn from
    );
    CREATE INDEX clearances_volume ON clearances(volume_id, id);
    CREATE TABLE outbox (
        id              INTEGER PRIMARY KEY AUTOINCREMENT,
        event_id        INTEGER NOT NULL UNIQUE REFERENCES events(id),
        created_at      TEXT NOT NULL,
        delivered_at    TEXT
    );
    ALTER TABLE volumes ADD COLUMN unaccounted TEXT NOT NULL DEFAULT '[]';
    """,
)

#: Events a person must hear about (alarms always are): notifiers deliver them from the outbox.
ANNOUNCED_KINDS = frozenset(
    {"upload_done", "archive_done", "clearance_granted", "clearance_revoked"}
)


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


#: Up to this many copies are looked up one by one; more, by reading the volume's whole list.
_FEW = 32


class StateLock:
    """One running daemon per state folder: an exclusive lock held for the process's lifetime."""

    def __init__(self, state_dir: Path) -> None:
        self.path = state_dir / LOCK_FILE
        self._fd: int | None = None

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as err:
            holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "unknown"
            os.close(fd)
            raise EnvironmentProblem(
                f"another rollkeeper (pid {holder}) is already running with the state folder "
                f"{self.path.parent}; stop it first, or give this one its own [state] dir"
            ) from err
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


class Ledger:
    """Typed access to the ledger; each public method that writes is one transaction."""

    def __init__(self, path: Path, *, readonly: bool = False) -> None:
        self.path = path
        if readonly:
            uri = f"file:{path}?mode=ro"
            self.db = sqlite3.connect(
                uri, uri=True, isolation_level=None, timeout=30, check_same_thread=False
            )
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(
                path, isolation_level=None, timeout=30, check_same_thread=False
            )
        try:
            self._refuse_newer_schema()
            if readonly:
                self._refuse_older_schema()
            if not readonly:
                self.db.execute("PRAGMA journal_mode=WAL")
                self.db.execute("PRAGMA synchronous=FULL")
                self.db.execute("PRAGMA foreign_keys=ON")
                self._migrate()
        except BaseException:
            self.db.close()
            raise
        self.db.row_factory = sqlite3.Row

    @classmethod
    def in_state_dir(cls, state_dir: Path, *, readonly: bool = False) -> Ledger:
        return cls(state_dir / LEDGER_FILE, readonly=readonly)

    def close(self) -> None:
        self.db.close()

    def _refuse_newer_schema(self) -> None:
        version = int(self.db.execute("PRAGMA user_version").fetchone()[0])
        if version > len(MIGRATIONS):
            raise EnvironmentProblem(
                f"{self.path} was written by a newer rollkeeper (schema {version}); upgrade"
            )

    def _refuse_older_schema(self) -> None:
        version = int(self.db.execute("PRAGMA user_version").fetchone()[0])
        if version < len(MIGRATIONS):
            raise EnvironmentProblem(
                f"{self.path} was written by an older rollkeeper (schema {version}); start "
                "`rollkeeper run` once to upgrade it"
            )

    def _migrate(self) -> None:
        """Bring the schema up to date in one transaction: a reader (`status`) or a crash never
        sees a half-upgraded ledger."""
        version = int(self.db.execute("PRAGMA user_version").fetchone()[0])
        if version >= len(MIGRATIONS):
            return
        with self.transaction():
            for script in MIGRATIONS[version:]:
                for statement in script.split(";"):
                    if statement.strip():
                        self.db.execute(statement)
            self.db.execute(f"PRAGMA user_version = {len(MIGRATIONS)}")

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE … COMMIT, rolled back on any exception."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    # --- events ---------------------------------------------------------------------------------

    def _event(
        self,
        kind: str,
        message: str,
        *,
        severity: str = "info",
        roll_id: str | None = None,
        volume_id: int | None = None,
        data: dict[str, Any] | None = None,
    ) -> None:
        stamp = now_iso()
        cursor = self.db.execute(
            "INSERT INTO events (at, kind, severity, roll_id, volume_id, message, data) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (stamp, kind, severity, roll_id, volume_id, message, json.dumps(data or {})),
        )
        if severity == "alarm" or kind in ANNOUNCED_KINDS:
            # Same transaction as the event and the state change: delivered exactly once.
            self.db.execute(
                "INSERT INTO outbox (event_id, created_at) VALUES (?, ?)", (cursor.lastrowid, stamp)
            )

    def record_event(self, kind: str, message: str, **fields: Any) -> None:
        """Append one event on its own (for facts that change no state)."""
        with self.transaction():
            self._event(kind, message, **fields)

    def events(self, *, roll_id: str | None = None, since_id: int = 0) -> list[RecordedEvent]:
        query = "SELECT * FROM events WHERE id > ?"
        params: list[Any] = [since_id]
        if roll_id is not None:
            query += " AND roll_id = ?"
            params.append(roll_id)
        return [recorded_event(r) for r in self.db.execute(query + " ORDER BY id", params)]

    # --- volumes --------------------------------------------------------------------------------

    def find_volume(self, *, label: str, fs_uuid: str, subpath: str) -> VolumeRow | None:
        """A known volume: by filesystem UUID and folder when the OS gives a UUID, else by label.

        With a UUID the label may differ (macOS remounts a drive as `NAME 1`); without one, the
        label and folder must both match.
        """
        if fs_uuid:
            row = self.db.execute(
                "SELECT * FROM volumes WHERE fs_uuid = ? AND subpath = ? ORDER BY id LIMIT 1",
                (fs_uuid, subpath),
            ).fetchone()
        else:
            row = self.db.execute(
                "SELECT * FROM volumes WHERE fs_uuid = '' AND subpath = ? AND label = ?",
                (subpath, label),
            ).fetchone()
        return volume_row(row) if row else None

    def volume_mounted(
        self, *, label: str, role: str, fs_uuid: str, subpath: str, mount_path: str
    ) -> VolumeRow:
        """Record that a volume is mounted at `mount_path`, creating it on first sight."""
        with self.transaction():
            known = self.find_volume(label=label, fs_uuid=fs_uuid, subpath=subpath)
            if known is None:
                namesake = self.db.execute(
                    "SELECT id, fs_uuid FROM volumes WHERE label = ? AND fs_uuid != ?",
                    (label, fs_uuid),
                ).fetchone()
                cursor = self.db.execute(
                    "INSERT INTO volumes (label, role, fs_uuid, subpath, mount_path, mounted, "
                    "first_seen, last_seen) VALUES (?, ?, ?, ?, ?, 1, ?, ?)",
                    (label, role, fs_uuid, subpath, mount_path, now_iso(), now_iso()),
                )
                volume_id = int(cursor.lastrowid or 0)
                if namesake is not None:
                    self._event(
                        "volume_namesake",
                        f"{label} at {mount_path} is a different drive from the {label} seen "
                        "before (its filesystem UUID differs); they are tracked separately",
                        severity="warning",
                        volume_id=volume_id,
                    )
                self._event(
                    "volume_mounted",
                    f"{label} ({role}) mounted at {mount_path}",
                    volume_id=volume_id,
                )
            else:
                volume_id = known.id
                self.db.execute(
                    "UPDATE volumes SET mount_path = ?, mounted = 1, last_seen = ?, role = ? "
                    "WHERE id = ?",
                    (mount_path, now_iso(), role, volume_id),
                )
                if not known.mounted or known.mount_path != mount_path:
                    self._event(
                        "volume_mounted",
                        f"{known.label} ({role}) mounted at {mount_path}",
                        volume_id=volume_id,
                    )
            row = self.db.execute("SELECT * FROM volumes WHERE id = ?", (volume_id,)).fetchone()
        return volume_row(row)

    def volume_unmounted(self, volume_id: int) -> None:
        with self.transaction():
            self.db.execute(
                "UPDATE volumes SET mounted = 0, last_full_scan = NULL WHERE id = ?", (volume_id,)
            )
            label = self.db.execute("SELECT label FROM volumes WHERE id = ?", (volume_id,))
            self._event(
                "volume_unmounted",
                f"{label.fetchone()[0]} is no longer mounted",
                volume_id=volume_id,
            )

    def _announce_new_problems(self, volume_id: int, problems: list[str]) -> None:
        """A warning event for each layout problem the volume's last scan did not have."""
        old = self.db.execute(
            "SELECT scan_problems FROM volumes WHERE id = ?", (volume_id,)
        ).fetchone()
        previous = set(json.loads(old[0])) if old else set()
        for problem in problems:
            if problem not in previous:
                self._event("layout_problem", problem, severity="warning", volume_id=volume_id)

    def volume_scanned(
        self, volume_id: int, problems: list[str], unaccounted: list[str] | None = None
    ) -> None:
        """A full scan of the volume finished; `problems` and `unaccounted` (what lies outside
        every roll) replace the previous scan's."""
        with self.transaction():
            self._announce_new_problems(volume_id, problems)
            self.db.execute(
                "UPDATE volumes SET last_full_scan = ?, scan_problems = ?, unaccounted = ? "
                "WHERE id = ?",
                (
                    now_iso(),
                    json.dumps(problems),
                    json.dumps((unaccounted or [])[:1000]),
                    volume_id,
                ),
            )

    def volume_layout_changed(
        self, volume_id: int, problems: list[str], unaccounted: list[str]
    ) -> None:
        """A partial rescan (after change events) changed what the volume's last scan found:
        `problems` and `unaccounted` replace it, new problems are announced, and the time of the
        last full scan stays as it was."""
        with self.transaction():
            self._announce_new_problems(volume_id, problems)
            self.db.execute(
                "UPDATE volumes SET scan_problems = ?, unaccounted = ? WHERE id = ?",
                (json.dumps(problems), json.dumps(unaccounted[:1000]), volume_id),
            )

    def volume(self, volume_id: int) -> VolumeRow | None:
        row = self.db.execute("SELECT * FROM volumes WHERE id = ?", (volume_id,)).fetchone()
        return volume_row(row) if row else None

    def volumes(self) -> list[VolumeRow]:
        return [volume_row(r) for r in self.db.execute("SELECT * FROM volumes ORDER BY label")]

    def mark_all_unmounted(self) -> None:
        """At start-up nothing is known to be mounted until it is seen again."""
        with self.transaction():
            self.db.execute("UPDATE volumes SET mounted = 0, last_full_scan = NULL")

    def resume_interrupted(self) -> list[str]:
        """At start-up: copies left READY or VERIFYING by a stop or crash go back to SETTLING.

        Their verification never finished, so nothing was proven; they are verified again once
        they settle. Returns the roll ids concerned.
        """
        with self.transaction():
            rows = self.db.execute(
                "SELECT roll_id, volume_id FROM roll_copies WHERE state IN (?, ?)",
                (CopyState.READY.value, CopyState.VERIFYING.value),
            ).fetchall()
            for roll_id, volume_id in rows:
                self._set_copy_state(roll_id, volume_id, CopyState.SETTLING, [])
                self._event(
                    "verify_interrupted",
                    f"verification of roll {roll_id} did not finish before the last stop; "
                    "it starts again",
                    severity="warning",
                    roll_id=roll_id,
                    volume_id=volume_id,
                )
                self._refresh_roll(roll_id)
        return [row[0] for row in rows]

    # --- rolls and copies ----------------------------------------------------------------------

    def copy(self, roll_id: str, volume_id: int) -> CopyRow | None:
        row = self.db.execute(
            "SELECT * FROM roll_copies WHERE roll_id = ? AND volume_id = ?", (roll_id, volume_id)
        ).fetchone()
        return copy_row(row) if row else None

    def copies(self, *, roll_id: str | None = None, volume_id: int | None = None) -> list[CopyRow]:
        query = "SELECT * FROM roll_copies WHERE 1=1"
        params: list[Any] = []
        if roll_id is not None:
            query += " AND roll_id = ?"
            params.append(roll_id)
        if volume_id is not None:
            query += " AND volume_id = ?"
            params.append(volume_id)
        return [copy_row(r) for r in self.db.execute(query + " ORDER BY roll_id", params)]

    def copies_waiting(self) -> list[CopyRow]:
        """Copies that may become ready (settling, or incomplete and perhaps completed since),
        oldest change first."""
        rows = self.db.execute(
            "SELECT * FROM roll_copies WHERE state IN (?, ?) ORDER BY updated_at",
            (CopyState.SETTLING.value, CopyState.INCOMPLETE.value),
        )
        return [copy_row(r) for r in rows]

    def _refresh_roll(self, roll_id: str) -> RollState:
        """Re-derive a roll's state from its copies; an event when it changes."""
        copies = self.copies(roll_id=roll_id)
        fingerprints = {c.mhl_fingerprint for c in copies if c.state is not CopyState.GONE}
        fingerprints.discard(None)
        conflict = len(fingerprints) > 1
        upload = self.db.execute(
            "SELECT state FROM roll_uploads WHERE roll_id = ?", (roll_id,)
        ).fetchone()
        archive = self.db.execute(
            "SELECT state FROM archive_checks WHERE roll_id = ?", (roll_id,)
        ).fetchone()
        state = derive_roll_state(
            (c.state for c in copies),
            conflict=conflict,
            upload=UploadStage(upload[0]) if upload else None,
            archived=archive is not None and archive[0] == "archived",
        )
        old = self.db.execute("SELECT state FROM rolls WHERE id = ?", (roll_id,)).fetchone()
        if old is not None and old[0] != state.value:
            self.db.execute(
                "UPDATE rolls SET state = ?, updated_at = ? WHERE id = ?",
                (state.value, now_iso(), roll_id),
            )
            severity = "alarm" if state is RollState.CONFLICT and conflict else "info"
            message = f"roll {roll_id} is now {state.value}"
            if state is RollState.CONFLICT and conflict:
                message = (
                    f"CONFLICT: roll {roll_id} exists on several volumes with different MHL "
                    "content; it will not be processed until the copies agree"
                )
            self._event(
                "roll_state",
                message,
                severity=severity,
                roll_id=roll_id,
                data={"from": old[0], "to": state.value},
            )
        return state

    def observe_copy(
        self,
        *,
        roll_id: str,
        shoot_day: str,
        media_type: str,
        roll: str,
        camera_format: str | None,
        volume_id: int,
        folder: str,
        mhl_fingerprint: str | None,
    ) -> CopyRow:
        """Record one roll folder seen on a volume (see `observe_copies`)."""
        observation = CopyObservation(
            roll_id, shoot_day, media_type, roll, camera_format, volume_id, folder, mhl_fingerprint
        )
        return self.observe_copies([observation])[0]

    def observe_copies(self, observations: list[CopyObservation]) -> list[CopyRow]:
        """Record what one scan saw: each roll folder with its MHL content, on its volume.

        A new roll or copy is created in SETTLING. A copy whose MHL content changed since it was
        last seen (or verified) goes back to SETTLING, loudly: its proof no longer applies.
        Copies seen again unchanged cost no write; all the changes of one scan are one
        transaction, so discovering ten thousand rolls is one commit, not ten thousand.
        """
        known = {(c.roll_id, c.volume_id): c for c in self._copies_of(observations)}
        changed = [
            o
            for o in observations
            if (c := known.get((o.roll_id, o.volume_id))) is None
            or c.mhl_fingerprint != o.mhl_fingerprint
            or c.folder != o.folder
            or c.state is CopyState.GONE
        ]
        if changed:
            with self.transaction():
                for observation in changed:
                    self._observe(
                        observation, known.get((observation.roll_id, observation.volume_id))
                    )
                for roll_id in {o.roll_id for o in changed}:
                    self._refresh_roll(roll_id)
            known.update({(c.roll_id, c.volume_id): c for c in self._copies_of(changed)})
        return [known[(o.roll_id, o.volume_id)] for o in observations]

    def _copies_of(self, observations: list[CopyObservation]) -> list[CopyRow]:
        if len(observations) <= _FEW:  # a rescan after an event: one lookup per roll
            found = (self.copy(o.roll_id, o.volume_id) for o in observations)
            return [copy for copy in found if copy is not None]
        volumes = {o.volume_id for o in observations}
        rolls = {o.roll_id for o in observations}
        return [
            copy
            for volume_id in volumes
            for copy in self.copies(volume_id=volume_id)
            if copy.roll_id in rolls
        ]

    def _observe(self, seen: CopyObservation, existing: CopyRow | None) -> None:
        stamp = now_iso()
        roll_id, volume_id, folder = seen.roll_id, seen.volume_id, seen.folder
        self.db.execute(
            "INSERT OR IGNORE INTO rolls (id, shoot_day, media_type, roll, camera_format, "
            "state, mhl_fingerprint, first_seen, updated_at) VALUES (?,?,?,?,?,?,?,?,?)",
            (
                roll_id,
                seen.shoot_day,
                seen.media_type,
                seen.roll,
                seen.camera_format,
                RollState.DISCOVERED.value,
                seen.mhl_fingerprint,
                stamp,
                stamp,
            ),
        )
        if existing is None:
            self.db.execute(
                "INSERT INTO roll_copies (roll_id, volume_id, folder, mhl_fingerprint, state, "
                "updated_at) VALUES (?, ?, ?, ?, ?, ?)",
                (roll_id, volume_id, folder, seen.mhl_fingerprint, CopyState.SETTLING.value, stamp),
            )
            self._event(
                "copy_discovered",
                f"roll {roll_id} found in {folder}",
                roll_id=roll_id,
                volume_id=volume_id,
            )
        elif existing.mhl_fingerprint != seen.mhl_fingerprint or existing.folder != folder:
            was_proven = existing.state is CopyState.VERIFIED
            self.db.execute(
                "UPDATE roll_copies SET folder = ?, mhl_fingerprint = ?, state = ?, "
                "problems = '[]', verified_at = NULL, updated_at = ? "
                "WHERE roll_id = ? AND volume_id = ?",
                (folder, seen.mhl_fingerprint, CopyState.SETTLING.value, stamp, roll_id, volume_id),
            )
            self.db.execute(
                "DELETE FROM files WHERE roll_id = ? AND volume_id = ?", (roll_id, volume_id)
            )
            self._event(
                "copy_mhl_changed",
                f"the MHL of roll {roll_id} in {folder} changed"
                + (" after it was verified; it will be verified again" if was_proven else ""),
                severity="alarm" if was_proven else "warning",
                roll_id=roll_id,
                volume_id=volume_id,
            )
        else:  # the copy was gone and is back
            self._set_copy_state(roll_id, volume_id, CopyState.SETTLING, [])
            self._event(
                "copy_back",
                f"roll {roll_id} is back in {folder}; it will be verified again",
                severity="warning",
                roll_id=roll_id,
                volume_id=volume_id,
            )

    def _set_copy_state(
        self, roll_id: str, volume_id: int, state: CopyState, problems: list[str]
    ) -> None:
        column = {
            CopyState.READY: "ready_at",
            CopyState.VERIFYING: "ready_at",
            CopyState.VERIFIED: "verified_at",
        }.get(state)
        stamp = now_iso()
        extra = f", {column} = '{stamp}'" if column else ""
        self.db.execute(
            f"UPDATE roll_copies SET state = ?, problems = ?, updated_at = ?{extra} "  # noqa: S608
            "WHERE roll_id = ? AND volume_id = ?",
            (state.value, json.dumps(problems), stamp, roll_id, volume_id),
        )

    def set_copy_state(
        self,
        roll_id: str,
        volume_id: int,
        state: CopyState,
        message: str,
        *,
        problems: Iterable[str] = (),
        severity: str = "info",
        kind: str = "copy_state",
    ) -> RollState:
        """Move one copy to `state` with an event saying why; returns the roll's new state."""
        with self.transaction():
            self._set_copy_state(roll_id, volume_id, state, list(problems))
            self._event(
                kind,
                message,
                severity=severity,
                roll_id=roll_id,
                volume_id=volume_id,
                data={"state": state.value},
            )
            return self._refresh_roll(roll_id)

    def _still_verifying(self, roll_id: str, volume_id: int) -> bool:
        """Only a copy still VERIFYING takes a verdict: if its MHL changed (or it vanished)
        while it was read, the result describes something that no longer exists."""
        current = self.copy(roll_id, volume_id)
        if current is None or current.state is CopyState.VERIFYING:
            return True  # an unknown copy fails on the foreign key, loudly
        self._event(
            "verify_discarded",
            f"a verification of roll {roll_id} finished after the copy changed "
            f"(now {current.state.value}); its result was not kept",
            severity="warning",
            roll_id=roll_id,
            volume_id=volume_id,
        )
        return False

    def _store_evidence(self, roll_id: str, volume_id: int, files: list[VerifiedFile]) -> None:
        """Replace a copy's per-file verification evidence."""
        stamp = now_iso()
        self.db.execute(
            "DELETE FROM files WHERE roll_id = ? AND volume_id = ?", (roll_id, volume_id)
        )
        self.db.executemany(
            "INSERT INTO files (roll_id, volume_id, path, size, expected, status, verified, "
            "mtime_ns, inode, verified_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
            [
                (roll_id, volume_id, f.path, f.size, json.dumps(f.expected), f.status,
                 json.dumps(f.verified), f.mtime_ns, f.inode, stamp)
                for f in files
            ],
        )  # fmt: skip

    def record_verification(
        self,
        roll_id: str,
        volume_id: int,
        state: CopyState,
        files: list[VerifiedFile],
        message: str,
        *,
        problems: list[str],
    ) -> RollState:
        """Store a verification's per-file evidence and the copy's verdict in one transaction.

        Only a copy still VERIFYING takes the verdict: if its MHL changed (or it vanished) while
        it was being read, the result describes something that no longer exists and is dropped.
        """
        with self.transaction():
            if not self._still_verifying(roll_id, volume_id):
                return self._refresh_roll(roll_id)
            self._store_evidence(roll_id, volume_id, files)
            self._set_copy_state(roll_id, volume_id, state, problems)
            severity = "info" if state is CopyState.VERIFIED else "alarm"
            self._event(
                "copy_verified" if state is CopyState.VERIFIED else "copy_failed",
                message,
                severity=severity,
                roll_id=roll_id,
                volume_id=volume_id,
                data={"state": state.value, "problems": problems},
            )
            return self._refresh_roll(roll_id)

    def verified_files(self, roll_id: str, volume_id: int) -> list[VerifiedFile]:
        rows = self.db.execute(
            "SELECT * FROM files WHERE roll_id = ? AND volume_id = ? ORDER BY path",
            (roll_id, volume_id),
        )
        return [verified_file(r) for r in rows]

    def file_identities(self, roll_id: str, volume_id: int) -> list[FileIdentity]:
        """What a rescan compares with the disk: each verified file's path, size, mtime, inode
        and status, without the hashes (which it never needs, and which cost a decode each)."""
        rows = self.db.execute(
            "SELECT path, size, mtime_ns, inode, status FROM files "
            "WHERE roll_id = ? AND volume_id = ? ORDER BY path",
            (roll_id, volume_id),
        )
        return [FileIdentity(*row) for row in rows]

    def roll(self, roll_id: str) -> RollRecord | None:
        row = self.db.execute("SELECT * FROM rolls WHERE id = ?", (roll_id,)).fetchone()
        return roll_record(row) if row else None

    def rolls(self) -> list[RollRecord]:
        rows = self.db.execute("SELECT * FROM rolls ORDER BY shoot_day, media_type, roll")
        return [roll_record(r) for r in rows]

    # --- uploads to primary storage --------------------------------------------------------

    def upload_started(
        self, roll_id: str, volume_id: int, *, target: str, key_prefix: str, bytes_total: int
    ) -> None:
        with self.transaction():
            self.db.execute(
                "INSERT INTO roll_uploads (roll_id, state, volume_id, target, key_prefix, "
                "bytes_total, bytes_done, started_at, progress_at, attempts) "
                "VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?, 1) "
                "ON CONFLICT (roll_id) DO UPDATE SET state = excluded.state, "
                "volume_id = excluded.volume_id, target = excluded.target, "
                "key_prefix = excluded.key_prefix, bytes_total = excluded.bytes_total, "
                "bytes_done = 0, started_at = excluded.started_at, "
                "progress_at = excluded.progress_at, attempts = roll_uploads.attempts + 1, "
                "finished_at = NULL, next_attempt_at = NULL",
                (roll_id, UploadStage.UPLOADING.value, volume_id, target, key_prefix,
                 bytes_total, now_iso(), now_iso()),
            )  # fmt: skip
            self._event(
                "upload_started",
                f"uploading roll {roll_id} ({bytes_total} bytes) to {target}",
                roll_id=roll_id,
                volume_id=volume_id,
            )
            self._refresh_roll(roll_id)

    def record_transfer(
        self,
        roll_id: str,
        volume_id: int,
        *,
        copy_state: CopyState,
        evidence: list[VerifiedFile],
        uploads: list[FileUpload],
        stage: UploadStage,
        manifest_key: str | None,
        message: str,
        problems: list[str],
        retry_at: str | None = None,
    ) -> RollState:
        """A finished pass: verification evidence, every file's upload and proof, the verdict."""
        with self.transaction():
            if not self._still_verifying(roll_id, volume_id):
                return self._refresh_roll(roll_id)
            self._store_evidence(roll_id, volume_id, evidence)
            stamp = now_iso()
            self.db.executemany(
                "INSERT OR REPLACE INTO uploads (roll_id, path, key, size, state, "
                "checksum_algorithm, local_checksum, stored_checksum, xxh64, etag, version_id, "
                "proof, detail, source_size, source_mtime_ns, source_inode, updated_at) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                [(roll_id, *upload_fields(u), stamp) for u in uploads],
            )
            self._set_copy_state(roll_id, volume_id, copy_state, problems)
            self.db.execute(
                "UPDATE roll_uploads SET state = ?, manifest_key = ?, finished_at = ?, "
                "last_error = ?, next_attempt_at = ?, "
                "bytes_done = CASE WHEN ? THEN bytes_total ELSE bytes_done END "
                "WHERE roll_id = ?",
                (stage.value, manifest_key, stamp, None if stage is UploadStage.UPLOADED
                 else "; ".join(problems[:5]), retry_at, stage is UploadStage.UPLOADED, roll_id),
            )  # fmt: skip
            good = stage is UploadStage.UPLOADED
            self._event(
                "upload_done" if good else "upload_failed",
                message,
                severity="info" if good else "alarm",
                roll_id=roll_id,
                volume_id=volume_id,
                data={"stage": stage.value, "manifest": manifest_key, "problems": problems[:20]},
            )
            return self._refresh_roll(roll_id)

    def upload_progress(self, roll_id: str, bytes_done: int) -> None:
        with self.transaction():
            self.db.execute(
                "UPDATE roll_uploads SET bytes_done = ?, progress_at = ? WHERE roll_id = ?",
                (bytes_done, now_iso(), roll_id),
            )

    def roll_upload(self, roll_id: str) -> RollUpload | None:
        row = self.db.execute("SELECT * FROM roll_uploads WHERE roll_id = ?", (roll_id,)).fetchone()
        return roll_upload(row) if row else None

    def file_uploads(self, roll_id: str) -> dict[str, FileUpload]:
        rows = self.db.execute("SELECT * FROM uploads WHERE roll_id = ?", (roll_id,))
        return {r["path"]: file_upload(r) for r in rows}

    def uploads_due(self, now: str) -> list[str]:
        """Rolls whose failed upload waited long enough to be tried again."""
        rows = self.db.execute(
            "SELECT roll_id FROM roll_uploads WHERE state = ? AND next_attempt_at <= ?",
            (UploadStage.UPLOAD_FAILED.value, now),
        )
        return [r[0] for r in rows]

    # --- checkpoints of unfinished multipart uploads (called from upload threads) -------------

    def checkpoint_started(
        self, roll_id: str, path: str, key: str, size: int, upload_id: str, part_size: int
    ) -> None:
        with self.transaction():
            self.db.execute(
                "DELETE FROM upload_parts WHERE roll_id = ? AND path = ?", (roll_id, path)
            )
            self.db.execute(
                "INSERT OR REPLACE INTO uploads (roll_id, path, key, size, state, upload_id, "
                "part_size, updated_at) VALUES (?, ?, ?, ?, 'uploading', ?, ?, ?)",
                (roll_id, path, key, size, upload_id, part_size, now_iso()),
            )

    def checkpoint_part(
        self, roll_id: str, path: str, upload_id: str, number: int, size: int, etag: str,
        checksum: str | None,
    ) -> None:  # fmt: skip
        with self.transaction():
            self.db.execute(
                "INSERT OR REPLACE INTO upload_parts (roll_id, path, upload_id, number, size, "
                "etag, checksum) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (roll_id, path, upload_id, number, size, etag, checksum),
            )

    def checkpoint_of(self, roll_id: str, path: str) -> MultipartCheckpoint | None:
        row = self.db.execute(
            "SELECT upload_id, part_size FROM uploads WHERE roll_id = ? AND path = ? "
            "AND state = 'uploading' AND upload_id IS NOT NULL",
            (roll_id, path),
        ).fetchone()
        if row is None:
            return None
        parts = self.db.execute(
            "SELECT * FROM upload_parts WHERE roll_id = ? AND path = ? AND upload_id = ? "
            "ORDER BY number",
            (roll_id, path, row["upload_id"]),
        )
        return MultipartCheckpoint(
            str(row["upload_id"]), int(row["part_size"]), tuple(part_record(p) for p in parts)
        )

    def checkpoint_forget(self, roll_id: str, path: str) -> None:
        with self.transaction():
            self.db.execute(
                "DELETE FROM upload_parts WHERE roll_id = ? AND path = ?", (roll_id, path)
            )

    def open_upload_ids(self) -> set[str]:
        """Multipart uploads the ledger still means to resume (everything else is abandoned)."""
        rows = self.db.execute(
            "SELECT upload_id FROM uploads WHERE state = 'uploading' AND upload_id IS NOT NULL"
        )
        return {r[0] for r in rows}

    # --- the archival copy ----------------------------------------------------------------------

    def archive_due(self, now: str) -> list[ArchiveDue]:
        """Uploaded rolls whose archive status is due to be asked (never asked, or due again)."""
        return [
            archive_due(r)
            for r in self.db.execute(
                "SELECT r.id, r.shoot_day, r.media_type, r.roll, u.finished_at "
                "FROM rolls r JOIN roll_uploads u ON u.roll_id = r.id "
                "LEFT JOIN archive_checks a ON a.roll_id = r.id "
                "WHERE u.state = ? AND (a.roll_id IS NULL OR "
                "(a.state != 'archived' AND a.next_check_at <= ?)) ORDER BY u.finished_at",
                (UploadStage.UPLOADED.value, now),
            )
        ]

    def stored_objects(self, roll_id: str) -> list[StoredObjectRecord]:
        """The roll's objects the upload stored and proved (what the archive must hold)."""
        rows = self.db.execute(
            "SELECT * FROM uploads WHERE roll_id = ? AND state = 'stored' ORDER BY path",
            (roll_id,),
        )
        return [stored_object(r) for r in rows]

    def archive_check(self, roll_id: str) -> ArchiveCheck | None:
        row = self.db.execute(
            "SELECT * FROM archive_checks WHERE roll_id = ?", (roll_id,)
        ).fetchone()
        return archive_check(row) if row else None

    def record_archive_check(
        self,
        roll_id: str,
        *,
        provider: str,
        state: str,
        reasons: list[str],
        objects: dict[str, str],
        next_check_at: str,
        overdue: bool,
    ) -> RollState:
        """One poll's answer for a roll; announces archived, alarms on failure and overdue."""
        with self.transaction():
            stamp = now_iso()
            before = self.archive_check(roll_id)
            previous = before.state if before is not None else None
            archived_at = stamp if state == "archived" else None
            last_overdue = before.overdue_alarm_at if before is not None else None
            alarm_overdue = (
                overdue
                and state != "archived"
                and (
                    last_overdue is None
                    or datetime.fromisoformat(stamp) - datetime.fromisoformat(last_overdue)
                    >= timedelta(days=1)
                )
            )
            self.db.execute(
                "INSERT INTO archive_checks (roll_id, state, provider, checked_at, next_check_at, "
                "archived_at, overdue_alarm_at, reasons, objects) VALUES (?,?,?,?,?,?,?,?,?) "
                "ON CONFLICT (roll_id) DO UPDATE SET state = excluded.state, "
                "provider = excluded.provider, checked_at = excluded.checked_at, "
                "next_check_at = excluded.next_check_at, "
                "archived_at = COALESCE(archive_checks.archived_at, excluded.archived_at), "
                "overdue_alarm_at = excluded.overdue_alarm_at, reasons = excluded.reasons, "
                "objects = excluded.objects",
                (
                    roll_id, state, provider, stamp, next_check_at, archived_at,
                    stamp if alarm_overdue else last_overdue, json.dumps(reasons),
                    json.dumps(objects),
                ),
            )  # fmt: skip
            summary = "; ".join(reasons[:5])
            if state == "archived" and previous != "archived":
                self._event(
                    "archive_done",
                    f"ARCHIVED: roll {roll_id}: the archival copy of every object is verified "
                    f"({provider})",
                    roll_id=roll_id,
                )
            elif state == "failed" and previous != "failed":
                self._event(
                    "archive_failed",
                    f"ARCHIVE FAILED: roll {roll_id} ({provider}): {summary}",
                    severity="alarm",
                    roll_id=roll_id,
                )
            if alarm_overdue:
                self._event(
                    "archive_overdue",
                    f"ARCHIVE OVERDUE: roll {roll_id} still has no verified archival copy "
                    f"({provider}: {summary or state})",
                    severity="alarm",
                    roll_id=roll_id,
                )
            return self._refresh_roll(roll_id)

    # --- erase clearance (an audit trail of every verdict) -------------------------------------

    def last_drive_clearance(self, volume_id: int) -> DriveClearance | None:
        row = self.db.execute(
            "SELECT * FROM clearances WHERE subject = 'drive' AND volume_id = ? "
            "ORDER BY id DESC LIMIT 1",
            (volume_id,),
        ).fetchone()
        return drive_clearance(row) if row else None

    def record_clearance(
        self,
        *,
        volume_id: int,
        clear: bool,
        level: str,
        verdict: dict[str, Any],
        evidence: dict[str, Any],
        announce: str | None,
        message: str,
    ) -> None:
        """Record a drive verdict with its evidence; `announce` (clearance_granted or
        clearance_revoked) also tells people, exactly once, through the outbox."""
        with self.transaction():
            self.db.execute(
                "INSERT INTO clearances (at, subject, volume_id, clear, level, verdict, evidence) "
                "VALUES (?, 'drive', ?, ?, ?, ?, ?)",
                (now_iso(), volume_id, int(clear), level, json.dumps(verdict),
                 json.dumps(evidence)),
            )  # fmt: skip
            if announce is not None:
                self._event(
                    announce,
                    message,
                    severity="info" if clear else "warning",
                    volume_id=volume_id,
                    data={"level": level, "clear": clear},
                )

    def objects_missing(self, roll_id: str, paths: list[str], drive: str) -> None:
        """A re-check found stored objects gone or changed: the upload's proof no longer holds."""
        with self.transaction():
            self.db.executemany(
                "UPDATE uploads SET state = 'missing', updated_at = ? WHERE roll_id = ? "
                "AND path = ?",
                [(now_iso(), roll_id, path) for path in paths],
            )
            self.db.execute(
                "UPDATE roll_uploads SET state = ?, next_attempt_at = ?, last_error = ? "
                "WHERE roll_id = ?",
                (UploadStage.UPLOAD_FAILED.value, now_iso(),
                 f"stored objects missing: {', '.join(paths[:5])}", roll_id),
            )  # fmt: skip
            self._event(
                "object_missing",
                f"STORED OBJECT MISSING: roll {roll_id}: {', '.join(paths[:5])} "
                f"{'is' if len(paths) == 1 else 'are'} gone from storage or changed there "
                f"(found while re-checking {drive}); the roll is uploaded again",
                severity="alarm",
                roll_id=roll_id,
            )
            self._refresh_roll(roll_id)
