"""Specification: `rollkeeper clearance --roll ROLL` and `--day DAY`, against SeaweedFS and real
drive folders: the verdict for a roll's cards and RAID copies, one reason, and when each piece of
evidence was checked; names that fit several rolls or days are refused with every match listed.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.builders import clip
from tests.integration.daemon_harness import A001, DAY, run_cli
from tests.integration.test_archive_and_clearance import Cart
from tests.s3server import ACCESS_KEY, SECRET_KEY, S3Server

SPLINTER = "20261121_Day01_Splinter"
OTHER_A001 = "20261122_Day02/Camera_Media/A001R1AB"
B002 = f"{DAY}/Camera_Media/B002R1AB"


pytestmark = pytest.mark.usefixtures("s3_credentials")  # tests/integration/conftest.py


@pytest.fixture(scope="module")
def cart(tmp_path_factory: pytest.TempPathFactory, s3_server: S3Server) -> Cart:
    """Two A001R1AB rolls on two days, a B002R1AB beside the first, and a splinter unit's day;
    all uploaded and proven, none archived (no archive tier)."""
    mp = pytest.MonkeyPatch()
    mp.setenv("RK_TEST_KEY_ID", ACCESS_KEY)
    mp.setenv("RK_TEST_SECRET", SECRET_KEY)
    bucket = "forms-bucket"
    s3_server.client().create_bucket(Bucket=bucket)
    built = Cart(tmp_path_factory.mktemp("forms"), s3_server, bucket, ['provider = "none"'])
    built.offload()
    for n, folder in enumerate((OTHER_A001, B002, f"{SPLINTER}/Sound_Media/S001"), start=5):
        built.offload(folder, {f"Clips/C{n}.mov": clip(n, 3000)})
    built.run()
    mp.undo()
    return built


def ask(cart: Cart, *args: str) -> tuple[int, str, str]:
    done = run_cli("clearance", *args, "--config", str(cart.config))
    assert "Traceback" not in done.stderr
    return done.returncode, done.stdout, done.stderr


def rolls(stdout: str) -> list[dict[str, Any]]:
    document: dict[str, Any] = json.loads(stdout)
    assert document["schema"] == "rollkeeper.clearance/1"
    roll_answers: list[dict[str, Any]] = document["rolls"]
    return roll_answers


def test_a_roll_by_its_id_may_have_its_cards_erased_and_keeps_its_raid_copies(cart: Cart) -> None:
    code, out, _ = ask(cart, "--roll", A001)

    assert code == 0
    first, checked = out.splitlines()[:2]
    assert first == (
        f"YOU MAY ERASE the cards of {A001} (uploaded and proven); KEEP its RAID copies: no "
        "archive tier is configured, so RAIDs holding it are never cleared"
    )
    assert checked.startswith("  checked: MHL verification 20")
    assert "archive copy never" in checked


def test_a_roll_answer_as_json_names_when_each_piece_of_evidence_was_checked(cart: Cart) -> None:
    code, out, _ = ask(cart, "--roll", A001, "--json")

    assert code == 0
    (roll,) = rolls(out)
    assert (roll["roll_id"], roll["cards_clear"], roll["raid_clear"]) == (A001, True, False)
    assert roll["reason"].startswith("YOU MAY ERASE the cards of")
    checked = roll["checked_at"]
    assert set(checked) == {"mhl_verification", "source_files", "stored_objects", "archive_copy"}
    assert checked["mhl_verification"] and checked["stored_objects"]
    assert checked["archive_copy"] is None


def test_a_bare_roll_name_held_by_one_roll_names_it(cart: Cart) -> None:
    code, out, _ = ask(cart, "--roll", "B002R1AB", "--json")
    assert code == 0
    assert [r["roll_id"] for r in rolls(out)] == [B002]


def test_a_bare_roll_name_held_by_two_rolls_is_refused_listing_both(cart: Cart) -> None:
    code, out, err = ask(cart, "--roll", "A001R1AB")

    assert code == 2
    assert out == ""
    assert err.strip().endswith(
        f"roll name 'A001R1AB' is ambiguous: {A001}, {OTHER_A001}; name one by its id "
        "(shoot-day/media/roll)"
    )


def test_an_unknown_roll_is_refused_naming_the_known_ones(cart: Cart) -> None:
    code, _, err = ask(cart, "--roll", "Z999")
    assert code == 2
    assert "no roll 'Z999' is known (known: " in err
    assert B002 in err


def test_a_day_by_its_folder_name_answers_for_each_of_its_rolls(cart: Cart) -> None:
    code, out, _ = ask(cart, "--day", DAY, "--json")
    assert code == 0
    assert [r["roll_id"] for r in rolls(out)] == [A001, B002]


def test_a_day_by_an_unambiguous_date_prefix_answers_for_that_day(cart: Cart) -> None:
    code, out, _ = ask(cart, "--day", "20261122", "--json")
    assert code == 0
    assert [r["roll_id"] for r in rolls(out)] == [OTHER_A001]


def test_a_date_prefix_of_two_day_folders_is_refused_listing_both(cart: Cart) -> None:
    code, _, err = ask(cart, "--day", "20261121")
    assert code == 2
    assert err.strip().endswith(
        f"shoot day '20261121' is ambiguous: {DAY}, {SPLINTER}; name one by its folder name"
    )


def test_a_drive_and_a_roll_at_once_is_a_usage_error(cart: Cart) -> None:
    code, _, err = ask(cart, "SHUTTLE_01", "--roll", A001)
    assert code == 2
    assert "name a DRIVE, a --roll or a --day, not several" in err
