-- A ledger as rollkeeper wrote it at schema 3 (before the ledger became a package), frozen.
-- The DDL is the three migration scripts verbatim; the rows were written through today's
-- Ledger by a roll's whole life (two volumes, verification, upload with a part checkpoint,
-- archive checks, a drive clearance, announced events in the outbox). Never edit: a later
-- rollkeeper must open, read and write exactly this file.

-- migration 1
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
    

-- migration 2
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
    

-- migration 3
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
    

-- rows
INSERT INTO "archive_checks" VALUES('20261121/Camera_Media/A001R1AB','archived','glacier','2026-12-06T04:24:17.600+00:00','2026-11-29T00:00:00+00:00','2026-12-06T04:24:17.600+00:00','2026-12-06T04:24:17.599+00:00','[]','{"show/20261121/A001C001.mov": "archived", "show/20261121/A001C002.mov": "archived"}');
INSERT INTO "clearances" VALUES(1,'2026-12-06T04:24:17.600+00:00','drive',NULL,2,1,'archived','{"reasons": ["every roll archived"], "blockers": [], "warnings": []}','{"rolls": ["20261121/Camera_Media/A001R1AB"]}');
INSERT INTO "events" VALUES(1,'2026-12-06T04:24:17.593+00:00','volume_mounted','info',NULL,1,'RAID_A (raid) mounted at /Volumes/RAID_A','{}');
INSERT INTO "events" VALUES(2,'2026-12-06T04:24:17.594+00:00','volume_mounted','info',NULL,2,'SHUTTLE_03 (shuttle) mounted at /Volumes/SHUTTLE_03','{}');
INSERT INTO "events" VALUES(3,'2026-12-06T04:24:17.594+00:00','layout_problem','warning',NULL,1,'20261121/Stray: not a roll folder','{}');
INSERT INTO "events" VALUES(4,'2026-12-06T04:24:17.595+00:00','copy_discovered','info','20261121/Camera_Media/A001R1AB',1,'roll 20261121/Camera_Media/A001R1AB found in 20261121/Camera_Media/A001R1AB','{}');
INSERT INTO "events" VALUES(5,'2026-12-06T04:24:17.595+00:00','copy_discovered','info','20261121/Camera_Media/A001R1AB',2,'roll 20261121/Camera_Media/A001R1AB found in 20261121/Camera_Media/A001R1AB','{}');
INSERT INTO "events" VALUES(6,'2026-12-06T04:24:17.596+00:00','copy_discovered','info','20261121/Camera_Media/B002R3CD',1,'roll 20261121/Camera_Media/B002R3CD found in 20261121/Camera_Media/B002R3CD','{}');
INSERT INTO "events" VALUES(7,'2026-12-06T04:24:17.596+00:00','copy_state','info','20261121/Camera_Media/A001R1AB',2,'verifying','{"state": "verifying"}');
INSERT INTO "events" VALUES(8,'2026-12-06T04:24:17.596+00:00','roll_state','info','20261121/Camera_Media/A001R1AB',NULL,'roll 20261121/Camera_Media/A001R1AB is now verifying','{"from": "discovered", "to": "verifying"}');
INSERT INTO "events" VALUES(9,'2026-12-06T04:24:17.597+00:00','copy_verified','info','20261121/Camera_Media/A001R1AB',2,'SHUTTLE_03: verified, 2 files','{"state": "verified", "problems": []}');
INSERT INTO "events" VALUES(10,'2026-12-06T04:24:17.597+00:00','roll_state','info','20261121/Camera_Media/A001R1AB',NULL,'roll 20261121/Camera_Media/A001R1AB is now verified','{"from": "verifying", "to": "verified"}');
INSERT INTO "events" VALUES(11,'2026-12-06T04:24:17.597+00:00','copy_state','info','20261121/Camera_Media/A001R1AB',1,'verifying','{"state": "verifying"}');
INSERT INTO "events" VALUES(12,'2026-12-06T04:24:17.597+00:00','upload_started','info','20261121/Camera_Media/A001R1AB',1,'uploading roll 20261121/Camera_Media/A001R1AB (3000 bytes) to s3://footage','{}');
INSERT INTO "events" VALUES(13,'2026-12-06T04:24:17.597+00:00','roll_state','info','20261121/Camera_Media/A001R1AB',NULL,'roll 20261121/Camera_Media/A001R1AB is now uploading','{"from": "verified", "to": "uploading"}');
INSERT INTO "events" VALUES(14,'2026-12-06T04:24:17.599+00:00','upload_done','info','20261121/Camera_Media/A001R1AB',1,'RAID_A: uploaded roll 20261121/Camera_Media/A001R1AB','{"stage": "uploaded", "manifest": "show/20261121/A001R1AB.mhl", "problems": []}');
INSERT INTO "events" VALUES(15,'2026-12-06T04:24:17.599+00:00','roll_state','info','20261121/Camera_Media/A001R1AB',NULL,'roll 20261121/Camera_Media/A001R1AB is now uploaded','{"from": "uploading", "to": "uploaded"}');
INSERT INTO "events" VALUES(16,'2026-12-06T04:24:17.599+00:00','archive_overdue','alarm','20261121/Camera_Media/A001R1AB',NULL,'ARCHIVE OVERDUE: roll 20261121/Camera_Media/A001R1AB still has no verified archival copy (glacier: restore not yet asked)','{}');
INSERT INTO "events" VALUES(17,'2026-12-06T04:24:17.600+00:00','archive_done','info','20261121/Camera_Media/A001R1AB',NULL,'ARCHIVED: roll 20261121/Camera_Media/A001R1AB: the archival copy of every object is verified (glacier)','{}');
INSERT INTO "events" VALUES(18,'2026-12-06T04:24:17.600+00:00','roll_state','info','20261121/Camera_Media/A001R1AB',NULL,'roll 20261121/Camera_Media/A001R1AB is now archived','{"from": "uploaded", "to": "archived"}');
INSERT INTO "events" VALUES(19,'2026-12-06T04:24:17.600+00:00','clearance_granted','info',NULL,2,'SHUTTLE_03 may be erased','{"level": "archived", "clear": true}');
INSERT INTO "events" VALUES(20,'2026-12-06T04:24:17.600+00:00','volume_unmounted','info',NULL,2,'SHUTTLE_03 is no longer mounted','{}');
INSERT INTO "events" VALUES(21,'2026-12-06T04:24:17.601+00:00','note','info',NULL,NULL,'written by today''s code','{"n": 1}');
INSERT INTO "files" VALUES('20261121/Camera_Media/A001R1AB',2,'A001C001.mov',1000,'{"xxh64": "0123456789abcdef"}','ok','{"xxh64": "0123456789abcdef"}',1800000000000000000,42,'2026-12-06T04:24:17.596+00:00');
INSERT INTO "files" VALUES('20261121/Camera_Media/A001R1AB',2,'A001C002.mov',2000,'{"md5": "d41d8cd98f00b204e9800998ecf8427e"}','ok','{"md5": "d41d8cd98f00b204e9800998ecf8427e"}',1800000000000000001,43,'2026-12-06T04:24:17.596+00:00');
INSERT INTO "files" VALUES('20261121/Camera_Media/A001R1AB',1,'A001C001.mov',1000,'{"xxh64": "0123456789abcdef"}','ok','{"xxh64": "0123456789abcdef"}',1800000000000000000,42,'2026-12-06T04:24:17.598+00:00');
INSERT INTO "files" VALUES('20261121/Camera_Media/A001R1AB',1,'A001C002.mov',2000,'{"md5": "d41d8cd98f00b204e9800998ecf8427e"}','ok','{"md5": "d41d8cd98f00b204e9800998ecf8427e"}',1800000000000000001,43,'2026-12-06T04:24:17.598+00:00');
INSERT INTO "outbox" VALUES(1,14,'2026-12-06T04:24:17.599+00:00',NULL);
INSERT INTO "outbox" VALUES(2,16,'2026-12-06T04:24:17.599+00:00',NULL);
INSERT INTO "outbox" VALUES(3,17,'2026-12-06T04:24:17.600+00:00',NULL);
INSERT INTO "outbox" VALUES(4,19,'2026-12-06T04:24:17.600+00:00',NULL);
INSERT INTO "roll_copies" VALUES('20261121/Camera_Media/A001R1AB',1,'20261121/Camera_Media/A001R1AB','fp-1','verified','[]','2026-12-06T04:24:17.597+00:00','2026-12-06T04:24:17.599+00:00','2026-12-06T04:24:17.599+00:00');
INSERT INTO "roll_copies" VALUES('20261121/Camera_Media/A001R1AB',2,'20261121/Camera_Media/A001R1AB','fp-1','verified','[]','2026-12-06T04:24:17.596+00:00','2026-12-06T04:24:17.596+00:00','2026-12-06T04:24:17.596+00:00');
INSERT INTO "roll_copies" VALUES('20261121/Camera_Media/B002R3CD',1,'20261121/Camera_Media/B002R3CD','fp-2','settling','[]',NULL,NULL,'2026-12-06T04:24:17.595+00:00');
INSERT INTO "roll_uploads" VALUES('20261121/Camera_Media/A001R1AB','uploaded',1,'s3://footage','show/20261121/','show/20261121/A001R1AB.mhl',3000,3000,'2026-12-06T04:24:17.597+00:00','2026-12-06T04:24:17.598+00:00','2026-12-06T04:24:17.599+00:00',1,NULL,NULL);
INSERT INTO "rolls" VALUES('20261121/Camera_Media/A001R1AB','20261121','Camera_Media','A001R1AB','arri','archived','fp-1','2026-12-06T04:24:17.594+00:00','2026-12-06T04:24:17.600+00:00');
INSERT INTO "rolls" VALUES('20261121/Camera_Media/B002R3CD','20261121','Camera_Media','B002R3CD',NULL,'discovered','fp-2','2026-12-06T04:24:17.595+00:00','2026-12-06T04:24:17.595+00:00');
INSERT INTO "upload_parts" VALUES('20261121/Camera_Media/B002R3CD','B002C001.mov','upload-2',1,1000,'"etag-b1"',NULL);
INSERT INTO "upload_parts" VALUES('20261121/Camera_Media/B002R3CD','B002C001.mov','upload-2',2,1000,'"etag-b2"',NULL);
INSERT INTO "uploads" VALUES('20261121/Camera_Media/A001R1AB','A001C001.mov','show/20261121/A001C001.mov',1000,'stored',NULL,NULL,'CRC64NVME','c1','c1','0123456789abcdef','"e1"','v1','checksum',NULL,1000,1800000000000000000,42,'2026-12-06T04:24:17.599+00:00');
INSERT INTO "uploads" VALUES('20261121/Camera_Media/A001R1AB','A001C002.mov','show/20261121/A001C002.mov',2000,'stored',NULL,NULL,NULL,NULL,'c2','fedcba9876543210',NULL,NULL,NULL,NULL,NULL,NULL,NULL,'2026-12-06T04:24:17.599+00:00');
INSERT INTO "uploads" VALUES('20261121/Camera_Media/B002R3CD','B002C001.mov','show/20261121/B002C001.mov',3000,'uploading','upload-2',1000,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,'2026-12-06T04:24:17.601+00:00');
INSERT INTO "volumes" VALUES(1,'RAID_A','raid','UUID-RAID-A','','/Volumes/RAID_A',1,'2026-12-06T04:24:17.593+00:00','2026-12-06T04:24:17.593+00:00','2026-12-06T04:24:17.594+00:00','["20261121/Stray: not a roll folder"]','["20261121/notes.txt"]');
INSERT INTO "volumes" VALUES(2,'SHUTTLE_03','shuttle','','DIT','/Volumes/SHUTTLE_03',0,'2026-12-06T04:24:17.594+00:00','2026-12-06T04:24:17.594+00:00',NULL,'[]','[]');

PRAGMA user_version = 3;
