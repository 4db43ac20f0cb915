"""A real cart for the clearance views: one roll offloaded to a RAID and a shuttle drive, a
folder target, and the ledger that one pass of the daemon (`rollkeeper run --once`) leaves.

The evidence is the daemon's own, recorded by the real pass over real roll folders; a test then
changes the world (an object deleted, a file touched) and asks the view again.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from rollkeeper.config.schema import Config, parse_config
from rollkeeper.ledger.rows import RecordedEvent, VolumeRow
from rollkeeper.ledger.store import Ledger
from rollkeeper.runtime.service import Service
from rollkeeper.runtime.wiring import Parts, build_parts

from tests.builders import clip, sealed_legacy_roll

A001 = "20261121_Day01/Camera_Media/A001R1AB"
FILES = {"Clips/A001C001.mov": clip(1, 6000), "Clips/A001C002.mov": clip(2, 4000)}


class Cart:
    """RAID_A and SHUTTLE_01 under `root`, rolls uploaded into the folder `root/nas`."""

    def __init__(self, root: Path, *, clearance: str = "") -> None:
        self.raid, self.shuttle = root / "RAID_A", root / "SHUTTLE_01"
        self.store, self.state = root / "nas", root / "state"
        for folder in (self.raid, self.shuttle, self.store):
            folder.mkdir()
        self.config: Config = parse_config(
            f'[state]\ndir = "{self.state}"\n[layout]\nsettle_seconds = 0\n'
            f'[[volumes]]\npath = "{self.raid}"\nrole = "raid"\n'
            f'[[volumes]]\npath = "{self.shuttle}"\nrole = "rotation"\n'
            f'[target]\npath = "{self.store}"\n[clearance]\n{clearance}\n',
            root / "rollkeeper.toml",
        )

    def offload(self, folder: str = A001, files: dict[str, bytes] = FILES) -> None:
        """The same card, with the very same MHL, on the RAID and on the shuttle."""
        for drive in (self.raid, self.shuttle):
            sealed_legacy_roll(drive / folder, files)

    def run(self) -> None:
        """One full pass of the daemon: scan, verify, upload, judge every drive."""
        Service(self.config).run_once()

    def parts(self) -> Parts:
        return build_parts(self.config)

    @contextmanager
    def ledger(self) -> Iterator[Ledger]:
        opened = Ledger.in_state_dir(self.state)
        try:
            yield opened
        finally:
            opened.close()

    def volume(self, label: str) -> VolumeRow:
        with self.ledger() as ledger:
            return next(v for v in ledger.volumes() if v.label == label)

    def events(self, kind: str) -> list[RecordedEvent]:
        with self.ledger() as ledger:
            return [e for e in ledger.events() if e.kind == kind]

    def clearances_recorded(self, label: str) -> int:
        """How many verdicts the audit trail holds for the drive."""
        with self.ledger() as ledger:
            volume_id = self.volume(label).id
            return int(
                ledger.db.execute(
                    "SELECT count(*) FROM clearances WHERE volume_id = ?", (volume_id,)
                ).fetchone()[0]
            )

    def stored(self, path: str, folder: str = A001) -> Path:
        """Where the folder target keeps the roll's file `path`."""
        return self.store / folder / path
