"""Specification: `rollkeeper erased` asks only for what can be meant — a known drive, cleared
for every roll on it (or `--force`) — and says when the daemon applies it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from rollkeeper.core.errors import BadInputError, EnvironmentProblem
from rollkeeper.fs import requests
from rollkeeper.ledger.store import Ledger
from rollkeeper.runtime.asking import Refused, ask_erased

from tests.unit.ledger.records import mount_rotation as mount
from tests.unit.ledger.records import seen
from tests.unit.ledger.test_erasures import at, cleared, verified

OTHER = "20261121/Camera_Media/B001R1AB"


@pytest.fixture
def state(tmp_path: Path) -> Iterator[Path]:
    """SHUTTLE_01, cleared for its roll; then another roll offloaded onto it, not cleared."""
    ledger = Ledger.in_state_dir(tmp_path)
    with at(0):
        shuttle = mount(ledger, "SHUTTLE_01", "U-SHUTTLE")
        verified(ledger, shuttle)
    with at(1):
        cleared(ledger, shuttle, "20261121/Camera_Media/A001R1AB")
    with at(2):
        ledger.observe_copy(seen(shuttle, "fp-9", roll_id=OTHER))
    ledger.close()
    yield tmp_path


def test_a_drive_holding_a_roll_it_was_not_cleared_for_is_refused_naming_it(state: Path) -> None:
    with pytest.raises(Refused) as refused:
        ask_erased(state, "SHUTTLE_01", force=False)
    assert str(refused.value) == (
        f"SHUTTLE_01 holds 1 roll(s) it was not cleared for ({OTHER}), so rollkeeper does not "
        "record it as erased; if it really was erased, say so with `rollkeeper erased "
        "SHUTTLE_01 --force`"
    )
    assert requests.pending(state) == []


def test_force_asks_anyway_and_says_the_daemon_is_not_running(state: Path) -> None:
    asked = ask_erased(state, "SHUTTLE_01", force=True)
    assert asked.what == "SHUTTLE_01 to be recorded as erased (forced)"
    assert asked.when == (
        "the daemon is not running; it applies this when it starts, or run `rollkeeper run --once`"
    )
    (path,) = requests.pending(state)
    assert requests.read_request(path) == asked.request
    assert asked.request.kind == "erased"


def test_an_unknown_label_is_refused_naming_the_known_ones(state: Path) -> None:
    with pytest.raises(
        BadInputError, match=r"no drive labelled 'X' is known \(known: SHUTTLE_01\)"
    ):
        ask_erased(state, "X", force=True)


def test_a_request_that_cannot_be_written_is_one_sentence_naming_the_folder(state: Path) -> None:
    (state / "requests").write_text("a file where the inbox should be")

    with pytest.raises(EnvironmentProblem) as problem:
        ask_erased(state, "SHUTTLE_01", force=True)

    assert str(problem.value).startswith(f"{state / 'requests'}: cannot leave the request there")
    assert str(problem.value).endswith("check that the state folder is writable by you")
    assert problem.value.exit_code == 3
