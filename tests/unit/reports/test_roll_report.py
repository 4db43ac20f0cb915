"""Specification: the roll report read from a real ledger (`reports.roll_report.load_report`).

The ledger is the one a real daemon pass leaves (`tests.unit.reports.cart`): rolls offloaded to
a RAID and a shuttle drive, verified, uploaded to a folder target, and every drive judged. The
report says of each roll and drive exactly what `rollkeeper status` says, plus counts and bytes.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import xxhash
from rollkeeper.core.errors import BadInputError
from rollkeeper.reports.roll_report import load_report
from rollkeeper.reports.status import load_status
from rollkeeper.reports.summary import load_summary

from tests.builders import asc_roll, clip
from tests.unit.reports.cart import A001, FILES, Cart

A003 = "20261122_Day02/Camera_Media/A003R1AB"
S001 = "20261122_Day02/Sound_Media/S001"
SOUND = {"S001_T01.wav": clip(7, 3000)}


@pytest.fixture
def show(tmp_path: Path) -> Cart:
    """Two shoot days: A001 on day 1; A003 and sound roll S001 on day 2 (A002 never offloaded)."""
    cart = Cart(tmp_path)
    cart.offload()
    cart.offload(A003)
    cart.offload(S001, SOUND)
    cart.run()
    return cart


def test_each_roll_is_one_row_with_its_files_bytes_and_states(show: Cart) -> None:
    report = load_report(show.state)
    assert [r.roll_id for r in report.rows] == [A001, A003, S001]
    first = report.rows[0]
    assert (first.files, first.bytes) == (len(FILES), sum(len(c) for c in FILES.values()))
    assert (first.shoot_day, first.camera, first.roll) == ("20261121_Day01", "A", "A001R1AB")
    assert (first.verification, first.upload, first.clearance) == ("verified", "uploaded", "cards")
    assert first.copies == ("RAID_A", "SHUTTLE_01")
    assert first.problems == ()
    assert report.rows[2].camera == "sound"


def test_timestamps_are_iso_utc_to_the_second(show: Cart) -> None:
    row = load_report(show.state).rows[0]
    for at in (row.verification_at, row.upload_at):
        assert at is not None
        assert at.endswith("Z") and len(at) == len("2026-11-21T10:00:00Z")


def mhl_of(cart: Cart, folder: str = A001) -> Path:
    return next((cart.raid / folder).glob("*.mhl"))


def test_the_mhl_format_and_the_mhl_files_own_digest_are_shown(show: Cart) -> None:
    row = load_report(show.state).rows[0]
    mhl = mhl_of(show)
    assert row.mhl_format == "legacy"
    assert row.mhl_hash == (f"{mhl.name}={xxhash.xxh64(mhl.read_bytes()).hexdigest()}",)


def test_an_asc_mhl_history_is_shown_as_asc_with_each_generation(tmp_path: Path) -> None:
    cart = Cart(tmp_path)
    for drive in (cart.raid, cart.shuttle):
        asc_roll(drive / A001, FILES)
    cart.run()
    row = load_report(cart.state).rows[0]
    assert row.mhl_format == "asc"
    assert [entry.split("=")[0] for entry in row.mhl_hash] == [
        p.relative_to(cart.raid / A001).as_posix()
        for p in sorted((cart.raid / A001 / "ascmhl").glob("*.mhl"))
    ]


def test_an_mhl_rewritten_with_the_same_promises_is_shown_anew_and_keeps_the_proof(
    show: Cart,
) -> None:
    for drive in (show.raid, show.shuttle):
        mhl = mhl_of(show).relative_to(show.raid)
        (drive / mhl).write_text((drive / mhl).read_text() + "\n<!-- re-saved -->\n")
    show.run()
    row = load_report(show.state).rows[0]
    rewritten = mhl_of(show).read_bytes()
    assert row.mhl_hash == (f"{mhl_of(show).name}={xxhash.xxh64(rewritten).hexdigest()}",)
    assert (row.verification, row.upload, row.clearance) == ("verified", "uploaded", "cards")


def test_the_totals_add_up_the_rows(show: Cart) -> None:
    report = load_report(show.state)
    totals = report.totals
    assert totals.rolls == 3
    assert totals.files == sum(r.files or 0 for r in report.rows) == 5
    assert totals.bytes == sum(r.bytes or 0 for r in report.rows)
    assert dict(totals.by_state) == {"uploaded": 3}


def test_the_erase_panel_claims_exactly_what_status_claims(show: Cart) -> None:
    report = load_report(show.state)
    status = {v["label"]: v["clearance"] for v in load_status(show.state)["volumes"]}
    for drive in report.drives:
        assert drive.clear == status[drive.label]["clear_to_erase"]
        assert drive.stale == status[drive.label]["stale"]
    assert report.totals.drives_clear == ("SHUTTLE_01",)


def test_a_clearance_on_stale_evidence_is_not_counted_as_may_be_erased(show: Cart) -> None:
    report = load_report(show.state, max_evidence_age=0)
    shuttle = next(d for d in report.drives if d.label == "SHUTTLE_01")
    assert shuttle.clear and shuttle.stale
    assert report.totals.drives_clear == ()


def test_one_day_filters_the_rows_but_completeness_looks_across_the_show(show: Cart) -> None:
    report = load_report(show.state, day="20261122")
    assert [r.roll_id for r in report.rows] == [A003, S001]
    camera_a = next(s for s in report.completeness.sequences if s.key == "A")
    assert camera_a.missing == ("A002",)
    assert camera_a.numbers == (1, 3)


def test_a_day_without_rolls_is_an_empty_report_not_an_error(show: Cart) -> None:
    report = load_report(show.state, day="20261225")
    assert report.rows == ()
    assert report.totals.rolls == 0


FULLWIDTH_DATE = "".join(chr(0xFF10 + int(d)) for d in "20261121")  # isdigit(), not ASCII


@pytest.mark.parametrize("day", ["2026112", "202611211", "20261321", "2026-11-21", FULLWIDTH_DATE])
def test_a_day_not_written_yyyymmdd_is_refused_with_the_expected_form(show: Cart, day: str) -> None:
    with pytest.raises(BadInputError, match=r"give it as YYYYMMDD, e\.g\. 20261121"):
        load_report(show.state, day=day)


def test_a_state_folder_without_a_ledger_is_named_and_none_is_created(tmp_path: Path) -> None:
    with pytest.raises(BadInputError, match="no ledger yet; nothing has been recorded"):
        load_report(tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_a_days_summary_is_said_of_that_day_with_its_csv(show: Cart) -> None:
    summary = load_summary(show.state, day="20261122")
    assert summary.headline.startswith("Shoot day 20261122: 2 rolls, ")
    assert summary.csv_name == "rollkeeper-report-20261122.csv"
    assert summary.csv.decode("utf-8-sig").count("\r\n") == 3  # header and two rolls
    completeness = next(s for s in summary.sections if s.title.startswith("Day completeness"))
    assert "A002 not seen on any drive" in completeness.lines
