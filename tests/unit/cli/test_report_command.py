"""Specification: `rollkeeper report [--day YYYYMMDD] [--format csv|html|json] [-o FILE]`.

Run as a person runs it (a subprocess), on the ledger one real daemon pass left. Every refusal
is one sentence with exit 2, and leaves the ledger, a folder or an earlier report untouched.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from rollkeeper.ledger.store import LEDGER_FILE, Ledger

from tests.unit.reports.cart import A001, Cart


def rollkeeper(*args: str | Path) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "rollkeeper", *map(str, args)],
        capture_output=True,
        check=False,
        timeout=120,
    )


@pytest.fixture
def cart(tmp_path: Path) -> Cart:
    proven = Cart(tmp_path)
    proven.offload()
    proven.run()
    return proven


@pytest.fixture
def config(cart: Cart, tmp_path: Path) -> Path:
    path = tmp_path / "report.toml"
    path.write_text(f'[state]\ndir = "{cart.state}"\n', encoding="utf-8")
    return path


def test_the_default_is_csv_on_standard_output(config: Path) -> None:
    done = rollkeeper("report", "--config", config)
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(io.StringIO(done.stdout.decode("utf-8"), newline="")))
    assert [r["roll_id"] for r in rows] == [A001]
    assert not done.stdout.startswith(b"\xef\xbb\xbf")  # no byte-order mark in a pipe


def test_json_is_the_versioned_document(config: Path) -> None:
    done = rollkeeper("report", "--config", config, "--format", "json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["schema"] == "rollkeeper.report/1"


def test_one_day_is_chosen_by_its_date(config: Path) -> None:
    done = rollkeeper("report", "--config", config, "--day", "20261121", "--format", "json")
    assert [r["roll_id"] for r in json.loads(done.stdout)["rolls"]] == [A001]
    assert json.loads(done.stdout)["day"] == "20261121"


def test_a_bad_day_exits_2_with_the_expected_form(config: Path) -> None:
    done = rollkeeper("report", "--config", config, "--day", "21-11-2026")
    assert done.returncode == 2
    assert done.stderr.decode() == (
        "rollkeeper: --day '21-11-2026' is not a shoot date: give it as YYYYMMDD, e.g. 20261121\n"
    )
    assert done.stdout == b""


def test_an_unknown_format_exits_2(config: Path) -> None:
    done = rollkeeper("report", "--config", config, "--format", "pdf")
    assert done.returncode == 2
    assert b"'pdf' is not one of 'csv', 'html', 'json'" in done.stderr


def test_without_a_ledger_it_says_so_in_a_sentence_and_creates_none(tmp_path: Path) -> None:
    state = tmp_path / "state"
    state.mkdir()
    config = tmp_path / "rk.toml"
    config.write_text(f'[state]\ndir = "{state}"\n', encoding="utf-8")
    done = rollkeeper("report", "--config", config)
    assert done.returncode == 2
    assert done.stderr.decode() == (
        f"rollkeeper: {state}: no ledger yet; nothing has been recorded on this cart yet: "
        "start the daemon (`rollkeeper run`)\n"
    )
    assert list(state.iterdir()) == []


def test_o_writes_the_file_and_says_where(config: Path, tmp_path: Path) -> None:
    out = tmp_path / "day.html"
    done = rollkeeper("report", "--config", config, "--format", "html", "-o", out)
    assert done.returncode == 0, done.stderr
    assert done.stdout == b""
    assert done.stderr.decode() == f"report written to {out}\n"
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_o_replaces_an_earlier_report_whole(config: Path, tmp_path: Path) -> None:
    out = tmp_path / "day.csv"
    out.write_bytes(b"an older report, much longer than the new one " * 1000)
    assert rollkeeper("report", "--config", config, "-o", out).returncode == 0
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbfshoot_day,")
    assert b"older" not in data
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temporary


def test_o_never_writes_over_the_ledger(config: Path, cart: Cart) -> None:
    ledger = cart.state / LEDGER_FILE
    before = ledger.read_bytes()
    done = rollkeeper("report", "--config", config, "-o", ledger)
    assert done.returncode == 2
    assert done.stderr.decode() == (
        f"rollkeeper: {ledger}: is rollkeeper's ledger; a report is never written over it, "
        "name another file\n"
    )
    assert ledger.read_bytes() == before
    opened = Ledger.in_state_dir(cart.state, readonly=True)
    try:
        assert [r.id for r in opened.rolls()] == [A001]
    finally:
        opened.close()


def test_o_never_writes_over_the_ledgers_journal_either(config: Path, cart: Cart) -> None:
    wal = cart.state / f"{LEDGER_FILE}-wal"
    done = rollkeeper("report", "--config", config, "-o", wal)
    assert done.returncode == 2
    assert b"is rollkeeper's ledger" in done.stderr


def test_o_refuses_a_folder_and_leaves_it_as_it_was(config: Path, tmp_path: Path) -> None:
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "keep.txt").write_text("mine", encoding="utf-8")
    done = rollkeeper("report", "--config", config, "-o", folder)
    assert done.returncode == 2
    assert done.stderr.decode() == (
        f"rollkeeper: {folder}: is a folder; name a file for the report, e.g. "
        f"{folder / 'report.csv'}\n"
    )
    assert [p.name for p in folder.iterdir()] == ["keep.txt"]


def test_o_in_a_folder_that_does_not_exist_is_refused(config: Path, tmp_path: Path) -> None:
    out = tmp_path / "missing" / "day.csv"
    done = rollkeeper("report", "--config", config, "-o", out)
    assert done.returncode == 2
    assert f"the folder {out.parent} does not exist; create it first" in done.stderr.decode()
    assert not out.parent.exists()


def test_a_bad_day_writes_no_file(config: Path, tmp_path: Path) -> None:
    out = tmp_path / "day.csv"
    out.write_text("earlier", encoding="utf-8")
    assert rollkeeper("report", "--config", config, "--day", "x", "-o", out).returncode == 2
    assert out.read_text(encoding="utf-8") == "earlier"
