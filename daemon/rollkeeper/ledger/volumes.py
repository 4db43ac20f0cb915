"""The ledger's volumes: drives and folders rollkeeper reads from, as it last saw them mounted and
scanned."""

from __future__ import annotations

import json

from rollkeeper.core import happened
from rollkeeper.ledger.connection import now_iso
from rollkeeper.ledger.events import EventLog
from rollkeeper.ledger.rows import VolumeRow, volume_row


class VolumeRecords(EventLog):
    """Volumes: finding one again, recording its mounts and its scans."""

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
                volume_id = self._first_mount(
                    label=label, role=role, fs_uuid=fs_uuid, subpath=subpath, mount_path=mount_path
                )
            else:
                volume_id = self._mounted_again(known, role=role, mount_path=mount_path)
            row = self.db.execute("SELECT * FROM volumes WHERE id = ?", (volume_id,)).fetchone()
        return volume_row(row)

    def _first_mount(
        self, *, label: str, role: str, fs_uuid: str, subpath: str, mount_path: str
    ) -> int:
        """A volume never seen before; a warning when another drive had its label."""
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
            self._record(
                happened.volume_namesake(volume_id, label=label, role=role, mount_path=mount_path)
            )
        self._record(
            happened.volume_mounted(volume_id, label=label, role=role, mount_path=mount_path)
        )
        return volume_id

    def _mounted_again(self, known: VolumeRow, *, role: str, mount_path: str) -> int:
        """A known volume seen mounted; an event only when it was not, or was elsewhere."""
        self.db.execute(
            "UPDATE volumes SET mount_path = ?, mounted = 1, last_seen = ?, role = ? WHERE id = ?",
            (mount_path, now_iso(), role, known.id),
        )
        if not known.mounted or known.mount_path != mount_path:
            self._record(
                happened.volume_mounted(
                    known.id, label=known.label, role=role, mount_path=mount_path
                )
            )
        return known.id

    def volume_unmounted(self, volume_id: int) -> None:
        with self.transaction():
            self.db.execute(
                "UPDATE volumes SET mounted = 0, last_full_scan = NULL WHERE id = ?", (volume_id,)
            )
            label = self.db.execute("SELECT label FROM volumes WHERE id = ?", (volume_id,))
            self._record(happened.volume_unmounted(volume_id, label=label.fetchone()[0]))

    def _announce_new_problems(self, volume_id: int, problems: list[str]) -> None:
        """A warning event for each layout problem the volume's last scan did not have."""
        old = self.db.execute(
            "SELECT scan_problems FROM volumes WHERE id = ?", (volume_id,)
        ).fetchone()
        previous = set(json.loads(old[0])) if old else set()
        for problem in problems:
            if problem not in previous:
                self._record(happened.layout_problem(volume_id, problem))

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
