"""The ledger's schema: numbered migration scripts, applied in order.

A ledger file's `PRAGMA user_version` counts the scripts it has had; `connection` applies the rest
in one transaction. A script, once released, never changes: a new column is a new script.
A script is run statement by statement (a trigger's body holds semicolons of its own).
"""

from __future__ import annotations

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
    # 4: stored objects re-checked by listing: when, what was seen first (a folder's files
    # have no ETag at upload), and why storage could not be checked
    """
    ALTER TABLE roll_uploads ADD COLUMN objects_checked_at TEXT;
    ALTER TABLE roll_uploads ADD COLUMN objects_check_error TEXT;
    ALTER TABLE uploads ADD COLUMN listed_etag TEXT;
    ALTER TABLE uploads ADD COLUMN checked_at TEXT;
    """,
    # 5: a roll's content (the one stored, or first verified) and drives recorded as erased
    """
    ALTER TABLE rolls ADD COLUMN content_fingerprint TEXT;  -- NULL until a content is claimed
    ALTER TABLE rolls ADD COLUMN content_volume_id INTEGER; -- the copy it was claimed from
    ALTER TABLE volumes ADD COLUMN erased_at TEXT;          -- when it was last recorded erased
    ALTER TABLE roll_copies ADD COLUMN differs_alarmed TEXT; -- content the conflict alarm named
    UPDATE rolls SET
        content_volume_id = (SELECT u.volume_id FROM roll_uploads u WHERE u.roll_id = rolls.id),
        content_fingerprint = (
            SELECT c.mhl_fingerprint FROM roll_uploads u JOIN roll_copies c
            ON c.roll_id = u.roll_id AND c.volume_id = u.volume_id WHERE u.roll_id = rolls.id
        );
    """,
    # 6: the storage target: its identity marker's id (first use), whether it is usable now
    """
    CREATE TABLE target_state (
        target          TEXT PRIMARY KEY,           -- the target's description
        identity        TEXT,                       -- the id its marker holds (first use)
        marker_key      TEXT,
        adopted_at      TEXT,
        usable          INTEGER NOT NULL DEFAULT 1,
        problem         TEXT,                       -- why it is not usable, while it is not
        since           TEXT NOT NULL,              -- when it became (un)usable
        checked_at      TEXT NOT NULL
    );
    """,
    # 7: the roll report's MHL columns: each copy's MHL format and its MHL files' own xxh64
    """
    ALTER TABLE roll_copies ADD COLUMN mhl_format TEXT;    -- legacy | asc | asc+legacy
    ALTER TABLE roll_copies ADD COLUMN mhl_digests TEXT;   -- JSON [[path, xxh64], ...]
    """,
    # 8: deliveries: one row per (announced event, channel) routed when the event is recorded,
    # what became of it, and the id it went out under (a resend after a crash reuses it); the
    # `outbox` table of 3 stays the record that an event was announced at all
    """
    CREATE TABLE deliveries (
        id              INTEGER PRIMARY KEY AUTOINCREMENT,
        event_id        INTEGER NOT NULL REFERENCES events(id),
        channel         TEXT NOT NULL,
        good_news       INTEGER NOT NULL DEFAULT 0, -- 1: may wait for the channel's batch
        state           TEXT NOT NULL,              -- pending | sent | failed
        attempts        INTEGER NOT NULL DEFAULT 0,
        next_attempt_at TEXT NOT NULL,
        last_error      TEXT,
        created_at      TEXT NOT NULL,
        sent_at         TEXT,
        notice_id       TEXT,                       -- set when first claimed, kept for resends
        UNIQUE (event_id, channel)
    );
    CREATE INDEX deliveries_due ON deliveries(state, next_attempt_at);
    """,
    # 9: each roll's clearance as its recorded evidence stands, kept for `status` (which would
    # otherwise read every file's rows to judge it); a row is deleted by these triggers the
    # moment anything its verdict is drawn from changes, so a kept verdict is never stale
    """
    CREATE TABLE roll_verdicts (
        roll_id         TEXT PRIMARY KEY,
        judge           TEXT NOT NULL,              -- the release and archive provider judging
        clearance       TEXT NOT NULL,              -- JSON: cards_clear, raid_clear, reasons...
        judged_at       TEXT NOT NULL
    );
    CREATE TRIGGER verdict_roll_new AFTER INSERT ON rolls BEGIN
        DELETE FROM roll_verdicts WHERE roll_id = NEW.id;
    END;
    CREATE TRIGGER verdict_roll_changed AFTER UPDATE ON rolls BEGIN
        DELETE FROM roll_verdicts WHERE roll_id IN (OLD.id, NEW.id);
    END;
    CREATE TRIGGER verdict_roll_gone AFTER DELETE ON rolls BEGIN
        DELETE FROM roll_verdicts WHERE roll_id = OLD.id;
    END;
    CREATE TRIGGER verdict_copy_new AFTER INSERT ON roll_copies BEGIN
        DELETE FROM roll_verdicts WHERE roll_id = NEW.roll_id;
    END;
    CREATE TRIGGER verdict_copy_changed AFTER UPDATE ON roll_copies
    WHEN OLD.state IS NOT NEW.state OR OLD.problems IS NOT NEW.problems
        OR OLD.mhl_fingerprint IS NOT NEW.mhl_fingerprint OR OLD.roll_id IS NOT NEW.roll_id
        OR OLD.volume_id IS NOT NEW.volume_id OR OLD.folder IS NOT NEW.folder
    BEGIN
        DELETE FROM roll_verdicts WHERE roll_id IN (OLD.roll_id, NEW.roll_id);
    END;
    CREATE TRIGGER verdict_copy_gone AFTER DELETE ON roll_copies BEGIN
        DELETE FROM roll_verdicts WHERE roll_id = OLD.roll_id;
    END;
    CREATE TRIGGER verdict_file_new AFTER INSERT ON files BEGIN
        DELETE FROM roll_verdicts WHERE roll_id = NEW.roll_id;
    END;
    CREATE TRIGGER verdict_file_changed AFTER UPDATE ON files BEGIN
        DELETE FROM roll_verdicts WHERE roll_id IN (OLD.roll_id, NEW.roll_id);
    END;
    CREATE TRIGGER verdict_file_gone AFTER DELETE ON files BEGIN
        DELETE FROM roll_verdicts WHERE roll_id = OLD.roll_id;
    END;
    CREATE TRIGGER verdict_roll_upload_new AFTER INSERT ON roll_uploads BEGIN
        DELETE FROM roll_verdicts WHERE roll_id = NEW.roll_id;
    END;
    CREATE TRIGGER verdict_roll_upload_changed AFTER UPDATE ON roll_uploads
    WHEN OLD.state IS NOT NEW.state OR OLD.volume_id IS NOT NEW.volume_id
        OR OLD.manifest_key IS NOT NEW.manifest_key OR OLD.roll_id IS NOT NEW.roll_id
        OR OLD.objects_check_error IS NOT NEW.objects_check_error
    BEGIN
        DELETE FROM roll_verdicts WHERE roll_id IN (OLD.roll_id, NEW.roll_id);
    END;
    CREATE TRIGGER verdict_roll_upload_gone AFTER DELETE ON roll_uploads BEGIN
        DELETE FROM roll_verdicts WHERE roll_id = OLD.roll_id;
    END;
    CREATE TRIGGER verdict_upload_new AFTER INSERT ON uploads BEGIN
        DELETE FROM roll_verdicts WHERE roll_id = NEW.roll_id;
    END;
    CREATE TRIGGER verdict_upload_changed AFTER UPDATE ON uploads
    WHEN OLD.state IS NOT NEW.state OR OLD.proof IS NOT NEW.proof OR OLD.key IS NOT NEW.key
        OR OLD.path IS NOT NEW.path OR OLD.roll_id IS NOT NEW.roll_id
    BEGIN
        DELETE FROM roll_verdicts WHERE roll_id IN (OLD.roll_id, NEW.roll_id);
    END;
    CREATE TRIGGER verdict_upload_gone AFTER DELETE ON uploads BEGIN
        DELETE FROM roll_verdicts WHERE roll_id = OLD.roll_id;
    END;
    CREATE TRIGGER verdict_archive_new AFTER INSERT ON archive_checks BEGIN
        DELETE FROM roll_verdicts WHERE roll_id = NEW.roll_id;
    END;
    CREATE TRIGGER verdict_archive_changed AFTER UPDATE ON archive_checks
    WHEN OLD.state IS NOT NEW.state OR OLD.objects IS NOT NEW.objects
        OR OLD.roll_id IS NOT NEW.roll_id
    BEGIN
        DELETE FROM roll_verdicts WHERE roll_id IN (OLD.roll_id, NEW.roll_id);
    END;
    CREATE TRIGGER verdict_archive_gone AFTER DELETE ON archive_checks BEGIN
        DELETE FROM roll_verdicts WHERE roll_id = OLD.roll_id;
    END;
    """,
    # 10: the digest of each roll's last listing found exactly as recorded: the same listing
    # again is known as recorded without comparing object by object; any change to what is
    # recorded of the roll's objects (or to its upload) forgets it
    """
    ALTER TABLE roll_uploads ADD COLUMN listing_digest TEXT;
    CREATE TRIGGER listing_upload_new AFTER INSERT ON uploads BEGIN
        UPDATE roll_uploads SET listing_digest = NULL WHERE roll_id = NEW.roll_id;
    END;
    CREATE TRIGGER listing_upload_changed AFTER UPDATE ON uploads
    WHEN OLD.state IS NOT NEW.state OR OLD.key IS NOT NEW.key OR OLD.size IS NOT NEW.size
        OR OLD.etag IS NOT NEW.etag OR OLD.listed_etag IS NOT NEW.listed_etag
        OR OLD.path IS NOT NEW.path OR OLD.roll_id IS NOT NEW.roll_id
    BEGIN
        UPDATE roll_uploads SET listing_digest = NULL WHERE roll_id IN (OLD.roll_id, NEW.roll_id);
    END;
    CREATE TRIGGER listing_upload_gone AFTER DELETE ON uploads BEGIN
        UPDATE roll_uploads SET listing_digest = NULL WHERE roll_id = OLD.roll_id;
    END;
    CREATE TRIGGER listing_roll_upload_changed AFTER UPDATE ON roll_uploads
    WHEN NEW.listing_digest IS NOT NULL AND (OLD.state IS NOT NEW.state
        OR OLD.key_prefix IS NOT NEW.key_prefix OR OLD.finished_at IS NOT NEW.finished_at)
    BEGIN
        UPDATE roll_uploads SET listing_digest = NULL WHERE roll_id = NEW.roll_id;
    END;
    """,
)
