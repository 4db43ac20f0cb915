"""Precise conflicts and recorded erasures, end to end: the real daemon and CLI on real folders
as drives, uploading to a folder target (a NAS stand-in).

- The same roll name with other content on a second drive blocks only that drive, with one alarm
  naming both drives and the files that differ; renaming that folder makes it a roll of its own.
- A cleared drive wiped (and re-used) is recorded erased, without an alarm; a drive never cleared
  that loses a roll is an alarm.
- `rollkeeper erased` and `rollkeeper reverify` leave requests the daemon's loop applies.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from rollkeeper.fs.presence import read_presence
from rollkeeper.ledger.store import Ledger

from tests.builders import clip
from tests.integration.daemon_harness import (
    A001,
    DAY,
    Daemon,
    log_lines,
    make_roll,
    roll_states,
    run_cli,
    sample_files,
    status,
    wait_until,
    write_config,
)

A002 = f"{DAY}/Camera_Media/A002R1AB"
B001 = f"{DAY}/Camera_Media/B001R1AB"
#: The card stored as A001R1AB, and another card under the same name: its first three clips
#: have the same names and sizes, other bytes; its fourth is the same clip.
FIRST_CARD = sample_files(1, count=4)
OTHER_CARD = {
    **{f"Clips/C001_{i:02d}.mov": clip(200 + i, 4096) for i in range(3)},
    "Clips/C001_03.mov": FIRST_CARD["Clips/C001_03.mov"],
}


class Cart:
    """A RAID, rotation drives `SHUTTLE_*` and (unless `verify_only`) a NAS folder target."""

    def __init__(self, root: Path, *, verify_only: bool = False) -> None:
        self.root = root
        self.volumes = root / "Volumes"
        self.raid = self.volumes / "RAID_A"
        self.raid.mkdir(parents=True)
        self.nas = root / "NAS"
        self.nas.mkdir()
        self.state = root / "state"
        target = f'[target]\nkind = "fs"\npath = "{self.nas}"\n'
        self.config = write_config(
            root / "rollkeeper.toml",
            self.state,
            [(str(self.raid), "raid"), (str(self.volumes / "SHUTTLE_*"), "rotation")],
            settle=0,
            extra="" if verify_only else target,
        )

    def drive(self, label: str) -> Path:
        path = self.volumes / label
        path.mkdir(exist_ok=True)
        return path

    def copy_roll(self, source: Path, label: str, folder: str = A001) -> None:
        """The very same card (same files, same MHL) copied to another drive."""
        shutil.copytree(source / folder, self.drive(label) / folder)

    def run(self) -> int:
        done = run_cli("run", "--once", "--config", str(self.config))
        assert "Traceback" not in done.stderr, done.stderr
        return done.returncode

    def cli(self, *args: str) -> Any:
        return run_cli(*args, "--config", str(self.config))

    def clearance(self, drive: str) -> tuple[int, dict[str, Any]]:
        done = self.cli("clearance", drive, "--json")
        assert done.returncode in (0, 1), done.stderr
        return done.returncode, json.loads(done.stdout)["drives"][0]

    def events(self, kind: str | None = None) -> list[dict[str, Any]]:
        ledger = Ledger.in_state_dir(self.state, readonly=True)
        try:
            return [asdict(e) for e in ledger.events() if kind is None or e.kind == kind]
        finally:
            ledger.close()

    def alarms(self) -> list[str]:
        return [str(e["message"]) for e in self.events() if e["severity"] == "alarm"]


def daemon_running(state: Path) -> bool:
    presence = read_presence(state)
    return presence is not None and presence.running(datetime.now(UTC))


def reasons(drive: dict[str, Any]) -> str:
    return " | ".join(b["reason"] for b in drive["blocking"])


def stored(nas: Path, folder: str) -> dict[str, bytes]:
    root = nas / folder
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*.mov")}


@pytest.fixture
def cart(tmp_path: Path) -> Cart:
    return Cart(tmp_path)


@pytest.fixture
def conflict(cart: Cart) -> Cart:
    """A001R1AB stored from RAID_A (and the same card on SHUTTLE_01); then another card under
    the same name arrives on SHUTTLE_02: three of its four clips differ."""
    make_roll(cart.raid, A001, FIRST_CARD)
    cart.copy_roll(cart.raid, "SHUTTLE_01")
    cart.run()
    make_roll(cart.drive("SHUTTLE_02"), A001, OTHER_CARD)
    cart.run()
    return cart


# --- precise conflicts ----------------------------------------------------------------------


def test_other_content_under_a_stored_rolls_name_blocks_only_the_drive_holding_it(
    conflict: Cart,
) -> None:
    code, shuttle_02 = conflict.clearance("SHUTTLE_02")
    assert code == 1
    assert (
        f"{A001}: keep — SHUTTLE_02 holds a different A001R1AB than the one stored "
        "(the stored one was read from RAID_A)"
    ) in reasons(shuttle_02)
    assert conflict.clearance("SHUTTLE_01")[0] == 0
    assert roll_states(conflict.config) == {A001: "uploaded"}
    assert stored(conflict.nas, A001) == FIRST_CARD  # never overwritten


def test_other_content_under_a_rolls_name_is_one_alarm_naming_both_drives_and_the_files(
    conflict: Cart,
) -> None:
    conflict.run()  # another pass, and the drives judged again: still one alarm
    conflict.clearance("SHUTTLE_02")
    (alarm,) = conflict.events("copy_differs")
    assert alarm["severity"] == "alarm"
    assert alarm["message"] == (
        "CONFLICT: SHUTTLE_02 holds a different A001R1AB than the one stored, read from "
        "RAID_A: 3 file(s) differ: Clips/C001_00.mov, Clips/C001_01.mov, Clips/C001_02.mov. "
        "The copy on SHUTTLE_02 is not uploaded and SHUTTLE_02 is kept; rename one of the two "
        "roll folders so that it becomes a roll of its own"
    )
    assert conflict.alarms() == [alarm["message"]]


def test_renaming_the_differing_folder_makes_it_a_roll_of_its_own_and_both_clear(
    conflict: Cart,
) -> None:
    shuttle_02 = conflict.volumes / "SHUTTLE_02"
    os.rename(shuttle_02 / A001, shuttle_02 / A002)

    conflict.run()

    assert roll_states(conflict.config) == {A001: "uploaded", A002: "uploaded"}
    assert conflict.clearance("SHUTTLE_02")[0] == 0
    assert conflict.clearance("SHUTTLE_01")[0] == 0
    assert stored(conflict.nas, A002) == OTHER_CARD
    (renamed,) = conflict.events("copy_gone")
    assert renamed["severity"] == "info"
    assert renamed["message"] == (
        f"roll {A001}: its folder on SHUTTLE_02 was renamed; that content is now roll {A002}"
    )
    assert len(conflict.alarms()) == 1  # the conflict's own, nothing more


def test_the_same_roll_with_the_same_content_on_three_drives_clears_all_three(cart: Cart) -> None:
    source = make_roll(cart.drive("SHUTTLE_01"), A001, sample_files(3)).parents[2]
    for label in ("SHUTTLE_02", "SHUTTLE_03"):
        cart.copy_roll(source, label)

    cart.run()

    assert [cart.clearance(f"SHUTTLE_0{n}")[0] for n in (1, 2, 3)] == [0, 0, 0]
    assert cart.alarms() == []


# --- erasing --------------------------------------------------------------------------------


def test_a_cleared_shuttle_wiped_and_reused_is_recorded_erased_without_an_alarm(
    cart: Cart,
) -> None:
    make_roll(cart.raid, A001, sample_files(4))
    cart.copy_roll(cart.raid, "SHUTTLE_01")
    cart.run()
    assert cart.clearance("SHUTTLE_01")[0] == 0
    (roll,) = status(cart.config)["rolls"]
    assert (
        f"{A001}: only 2 on-set copies; the production's rule is 3" in roll["clearance"]["warnings"]
    )
    shuttle = cart.volumes / "SHUTTLE_01"
    shutil.rmtree(shuttle / DAY)  # the DIT erases it, and offloads the next card onto it
    make_roll(shuttle, B001, sample_files(5))

    cart.run()

    (erased,) = cart.events("volume_erased")
    assert (erased["severity"], erased["message"]) == (
        "info",
        "SHUTTLE_01 came back without the rolls it was cleared for: recorded as erased; its 1 "
        f"roll copy no longer count: {A001}.",
    )
    (copy,) = cart.events("copy_erased")
    assert copy["message"] == (
        f"roll {A001}: its copy on SHUTTLE_01 was erased; 1 verified on-set copy remains"
    )
    assert cart.alarms() == []
    assert roll_states(cart.config) == {A001: "uploaded", B001: "uploaded"}
    (roll,) = [r for r in status(cart.config)["rolls"] if r["id"] == A001]
    assert (
        f"{A001}: only 1 on-set copy; the production's rule is 3" in roll["clearance"]["warnings"]
    )
    assert roll["volumes"] == ["RAID_A"]
    code, shuttle_verdict = cart.clearance("SHUTTLE_01")
    assert code == 0, reasons(shuttle_verdict)
    assert not cart.events("clearance_revoked")


def test_a_roll_folder_renamed_on_a_cleared_drive_is_no_erasure(cart: Cart) -> None:
    make_roll(cart.raid, A001, sample_files(15))
    cart.copy_roll(cart.raid, "SHUTTLE_01")
    cart.run()
    assert cart.clearance("SHUTTLE_01")[0] == 0
    shuttle = cart.volumes / "SHUTTLE_01"
    os.rename(shuttle / A001, shuttle / A002)

    cart.run()

    assert cart.events("volume_erased") == []
    (renamed,) = cart.events("copy_gone")
    assert (renamed["severity"], renamed["message"]) == (
        "info",
        f"roll {A001}: its folder on SHUTTLE_01 was renamed; that content is now roll {A002}",
    )
    assert roll_states(cart.config) == {A001: "uploaded", A002: "uploaded"}


def test_a_drive_never_cleared_that_loses_a_roll_is_an_alarm(tmp_path: Path) -> None:
    cart = Cart(tmp_path, verify_only=True)
    make_roll(cart.raid, A001, sample_files(6))
    cart.copy_roll(cart.raid, "SHUTTLE_01")
    cart.run()
    shutil.rmtree(cart.volumes / "SHUTTLE_01" / DAY)

    cart.run()

    (gone,) = cart.events("copy_gone")
    assert gone["severity"] == "alarm"
    assert "disappeared from SHUTTLE_01 after it was verified" in gone["message"]
    assert cart.events("volume_erased") == []


# --- rollkeeper erased ------------------------------------------------------------------------


def test_erased_refuses_an_unknown_label(cart: Cart) -> None:
    make_roll(cart.raid, A001, sample_files(7))
    cart.run()

    done = cart.cli("erased", "SHUTTLE_09")

    assert done.returncode == 2
    assert done.stderr == ("rollkeeper: no drive labelled 'SHUTTLE_09' is known (known: RAID_A)\n")
    assert not (cart.state / "requests").exists() or not list((cart.state / "requests").iterdir())


def test_erased_refuses_a_drive_never_cleared_and_records_nothing(tmp_path: Path) -> None:
    cart = Cart(tmp_path, verify_only=True)
    make_roll(cart.raid, A001, sample_files(8))
    cart.copy_roll(cart.raid, "SHUTTLE_01")
    cart.run()

    done = cart.cli("erased", "SHUTTLE_01")
    cart.run()

    assert done.returncode == 1
    assert done.stderr == (
        "rollkeeper: SHUTTLE_01 was never cleared for erasure, so rollkeeper does not record "
        "it as erased; if it really was erased, say so with `rollkeeper erased SHUTTLE_01 "
        "--force`\n"
    )
    assert cart.events("volume_erased") == []


def test_erased_with_force_is_recorded_by_the_next_daemon_pass(tmp_path: Path) -> None:
    cart = Cart(tmp_path, verify_only=True)
    make_roll(cart.raid, A001, sample_files(9))
    cart.copy_roll(cart.raid, "SHUTTLE_01")
    cart.run()

    done = cart.cli("erased", "SHUTTLE_01", "--force")
    assert done.returncode == 0, done.stderr
    assert done.stdout == (
        "asked for SHUTTLE_01 to be recorded as erased (forced): the daemon is not running; it "
        "applies this when it starts, or run `rollkeeper run --once`\n"
    )
    assert cart.events("volume_erased") == []  # only the daemon's loop writes the ledger
    shutil.rmtree(cart.volumes / "SHUTTLE_01" / DAY)
    cart.run()

    (erased,) = cart.events("volume_erased")
    assert erased["severity"] == "warning"
    assert "It had not been cleared for all of them." in erased["message"]
    assert cart.events("copy_gone") == []  # erased, as the DIT said: not lost
    assert list((cart.state / "requests").glob("*.json")) == []


def test_a_running_daemon_applies_erased_within_seconds(cart: Cart) -> None:
    make_roll(cart.raid, A001, sample_files(10))
    cart.copy_roll(cart.raid, "SHUTTLE_01")
    cart.run()
    assert cart.clearance("SHUTTLE_01")[0] == 0
    daemon = Daemon(cart.config).start()
    try:
        wait_until(lambda: daemon_running(cart.state), what="the daemon's presence")
        assert daemon.process is not None
        done = cart.cli("erased", "SHUTTLE_01")
        wait_until(lambda: bool(cart.events("volume_erased")), what="the erase recorded")
    finally:
        daemon.stop()
    assert done.stdout == (
        "asked for SHUTTLE_01 to be recorded as erased: recorded; the running daemon "
        f"(pid {daemon.process.pid}) applies it within seconds\n"
    )
    (erased,) = cart.events("volume_erased")
    assert erased["message"].startswith(
        "SHUTTLE_01 was erased, as the DIT recorded with `rollkeeper erased`"
    )


# --- rollkeeper reverify, and the inbox itself ---------------------------------------------


def test_reverify_verifies_a_mismatched_copy_again_once_its_file_is_put_back(
    tmp_path: Path,
) -> None:
    cart = Cart(tmp_path, verify_only=True)
    files = {"Clips/A001C001.mov": clip(11, 50_000)}
    roll = make_roll(cart.raid, A001, files)
    path = roll / "Clips/A001C001.mov"
    with path.open("r+b") as handle:  # a flipped byte, written in place
        handle.seek(100)
        handle.write(bytes([files["Clips/A001C001.mov"][100] ^ 0xFF]))
    before = path.stat()
    cart.run()
    assert roll_states(cart.config) == {A001: "mismatch"}
    with path.open("r+b") as handle:  # put back as it was: same inode, size and mtime
        handle.write(files["Clips/A001C001.mov"])
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    cart.run()
    assert roll_states(cart.config) == {A001: "mismatch"}  # nothing told it to look again

    done = cart.cli("reverify", "A001R1AB")
    cart.run()

    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"asked for roll {A001} to be verified again (1 bad copy): ")
    assert roll_states(cart.config) == {A001: "verified"}
    (asked,) = [e for e in cart.events("copy_state") if "as asked" in str(e["message"])]
    assert (
        asked["message"] == f"roll {A001} on RAID_A: verified again, as asked (rollkeeper reverify)"
    )


def test_reverify_uploads_a_roll_whose_upload_stopped_at_a_mismatch_once_put_back(
    cart: Cart,
) -> None:
    files = {"Clips/A001C001.mov": clip(14, 50_000)}
    path = make_roll(cart.raid, A001, files) / "Clips/A001C001.mov"
    with path.open("r+b") as handle:
        handle.seek(7)
        handle.write(bytes([files["Clips/A001C001.mov"][7] ^ 0x01]))
    before = path.stat()
    cart.run()
    assert roll_states(cart.config) == {A001: "mismatch"}
    with path.open("r+b") as handle:
        handle.write(files["Clips/A001C001.mov"])
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))

    assert cart.cli("reverify", A001).returncode == 0
    cart.run()

    assert roll_states(cart.config) == {A001: "uploaded"}
    assert stored(cart.nas, A001) == files


def test_reverify_refuses_a_roll_with_no_bad_copy(cart: Cart) -> None:
    make_roll(cart.raid, A001, sample_files(12))
    cart.run()

    done = cart.cli("reverify", A001)

    assert done.returncode == 1
    assert done.stderr == (
        f"rollkeeper: roll {A001} has no copy marked mismatch or incomplete (it is uploaded); "
        "there is nothing to verify again\n"
    )


def test_a_garbled_request_file_is_moved_aside_with_a_warning_and_the_pass_goes_on(
    cart: Cart,
) -> None:
    make_roll(cart.raid, A001, sample_files(13))
    inbox = cart.state / "requests"
    inbox.mkdir(parents=True)
    (inbox / "garbled.json").write_bytes(b"{not json")
    (inbox / "unknown.json").write_text(
        json.dumps({"id": "1", "kind": "format_drive", "arguments": {}, "requested_at": "x"})
    )

    assert cart.run() == 0

    assert sorted(p.name for p in (inbox / "set_aside").iterdir()) == [
        "garbled.json",
        "unknown.json",
    ]
    assert list(inbox.glob("*.json")) == []
    assert roll_states(cart.config) == {A001: "uploaded"}
    warnings = [
        line.get("message", "")
        for line in log_lines(cart.root)
        if line.get("level") == "warning" and line["event"] == "request.refused"
    ]
    assert any("garbled.json cannot be read as JSON" in w for w in warnings)
    assert any("asks for 'format_drive', which rollkeeper does not do" in w for w in warnings)
