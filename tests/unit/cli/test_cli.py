"""Specification: `rollkeeper verify` as a user (or a script) runs it, in a real subprocess.

Exit 0: every roll verified; 1: a verification failure; 2: bad usage or an MHL that cannot be
read or trusted. `--json` prints the versioned `rollkeeper.verify/1` document on stdout.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.builders import (
    clip,
    legacy_entry,
    legacy_mhl,
    sealed_legacy_roll,
    write_files,
    xxh64_hex,
)

REPO = Path(__file__).parents[3]
ROLLKEEPER = Path(sys.executable).parent / "rollkeeper"

CLIPS = {"A001C001.mov": clip(1, 5000), "CLIP/A001C002.mov": clip(2, 3000)}


def rollkeeper(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(ROLLKEEPER), *map(str, args)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="strict",  # every byte the tool prints must be valid UTF-8
        check=False,
        cwd=REPO,
        timeout=120,
    )


def verify_json(*args: str | Path) -> tuple[int, dict[str, Any]]:
    completed = rollkeeper("verify", "--json", *args)
    document: dict[str, Any] = json.loads(completed.stdout)
    return completed.returncode, document


@pytest.fixture
def roll(tmp_path: Path) -> Path:
    root = tmp_path / "A001R1AB"
    sealed_legacy_roll(root, CLIPS, name="A001R1AB.mhl")
    return root


def damage(path: Path) -> bytes:
    data = bytearray(path.read_bytes())
    data[100] ^= 0x40
    path.write_bytes(data)
    return bytes(data)


# --- exit codes -----------------------------------------------------------------------------------


def test_a_verified_roll_exits_0_and_says_verified(roll: Path) -> None:
    completed = rollkeeper("verify", roll)
    assert completed.returncode == 0, completed.stderr
    assert f"VERIFIED    {roll}  (2 files" in completed.stdout
    assert "1 roll(s): 1 verified, 0 failed, 0 invalid" in completed.stdout


def test_a_changed_file_exits_1_and_names_the_file_and_both_hashes(roll: Path) -> None:
    changed = damage(roll / "CLIP" / "A001C002.mov")
    completed = rollkeeper("verify", roll)
    assert completed.returncode == 1
    expected = xxh64_hex(CLIPS["CLIP/A001C002.mov"])
    assert (
        f"MISMATCH      CLIP/A001C002.mov: xxh64 expected {expected}, got {xxh64_hex(changed)}"
        in (completed.stdout)
    )
    assert f"FAILED      {roll}" in completed.stdout


def test_a_missing_file_exits_1_and_is_named(roll: Path) -> None:
    (roll / "A001C001.mov").unlink()
    completed = rollkeeper("verify", roll)
    assert completed.returncode == 1
    assert "MISSING       A001C001.mov" in completed.stdout


def test_an_extra_file_is_shown_but_exits_0(roll: Path) -> None:
    (roll / "notes.txt").write_text("hello")
    completed = rollkeeper("verify", roll)
    assert completed.returncode == 0
    assert "EXTRA         notes.txt: on disk but in no MHL" in completed.stdout


def test_a_path_that_does_not_exist_exits_2_with_a_message(tmp_path: Path) -> None:
    completed = rollkeeper("verify", tmp_path / "A009")
    assert completed.returncode == 2
    assert completed.stderr.strip() == f"rollkeeper: {tmp_path / 'A009'}: no such file or folder"
    assert completed.stdout == ""


def test_a_folder_without_an_mhl_exits_2_with_a_message(tmp_path: Path) -> None:
    write_files(tmp_path, {"A001/A001C001.mov": b"x"})
    completed = rollkeeper("verify", tmp_path)
    assert completed.returncode == 2
    assert "no MHL found here or below" in completed.stderr


def test_an_invalid_mhl_exits_2_and_shows_why(tmp_path: Path) -> None:
    write_files(tmp_path / "A001", {"A001C001.mov": b"x", "A001.mhl": b"<hashlist>\n<hash>"})
    completed = rollkeeper("verify", tmp_path / "A001")
    assert completed.returncode == 2
    assert "INVALID MHL" in completed.stdout
    assert f"{tmp_path / 'A001' / 'A001.mhl'}: is not well-formed XML" in completed.stdout


def test_a_failed_roll_outranks_an_invalid_one_in_the_exit_code(tmp_path: Path) -> None:
    sealed_legacy_roll(tmp_path / "A001", {"a.mov": b"a"})
    (tmp_path / "A001" / "a.mov").write_bytes(b"b")
    write_files(tmp_path / "B001", {"B001.mhl": b"<hashlist>", "b.mov": b"b"})
    completed = rollkeeper("verify", tmp_path)
    assert completed.returncode == 1
    assert "2 roll(s): 0 verified, 1 failed, 1 invalid" in completed.stdout


def test_a_bad_option_exits_2_with_click_usage(roll: Path) -> None:
    completed = rollkeeper("verify", "--jobs", "0", roll)
    assert completed.returncode == 2
    assert "Invalid value for '--jobs'" in completed.stderr


def test_a_missing_path_argument_exits_2(tmp_path: Path) -> None:
    completed = rollkeeper("verify")
    assert completed.returncode == 2
    assert "Missing argument 'PATH'" in completed.stderr


# --- JSON -----------------------------------------------------------------------------------------

DOCUMENT_KEYS = {"schema", "tool", "path", "verdict", "exit_code", "rolls"}
ROLL_KEYS = {
    "root",
    "verdict",
    "error",
    "formats",
    "mhl_files",
    "warnings",
    "counts",
    "bytes_hashed",
    "files",
}
FILE_KEYS = {
    "path",
    "status",
    "expected_size",
    "actual_size",
    "expected",
    "actual",
    "detail",
    "disk_name",
}
STATUSES = {
    "ok",
    "mismatch",
    "missing",
    "size_differs",
    "unreadable",
    "known_bad",
    "name_collision",
    "extra",
    "ignored",
}


def test_json_has_the_documented_schema_and_fields(roll: Path) -> None:
    code, document = verify_json(roll)
    assert code == 0
    assert set(document) == DOCUMENT_KEYS
    assert document["schema"] == "rollkeeper.verify/1"
    assert document["tool"]["name"] == "rollkeeper"
    assert isinstance(document["tool"]["version"], str)
    assert (document["path"], document["verdict"], document["exit_code"]) == (
        str(roll),
        "verified",
        0,
    )
    (entry,) = document["rolls"]
    assert set(entry) == ROLL_KEYS
    assert set(entry["counts"]) == STATUSES
    for file in entry["files"]:
        assert set(file) == FILE_KEYS


def test_json_describes_a_verified_roll_completely(roll: Path) -> None:
    _code, document = verify_json(roll)
    (entry,) = document["rolls"]
    assert entry["root"] == str(roll)
    assert (entry["verdict"], entry["error"], entry["warnings"]) == ("verified", None, [])
    assert entry["formats"] == ["legacy"]
    assert entry["mhl_files"] == [str(roll / "A001R1AB.mhl")]
    assert entry["bytes_hashed"] == 8000
    assert entry["counts"]["ok"] == 2
    assert sum(entry["counts"].values()) == 2
    assert entry["files"][0] == {
        "path": "A001C001.mov",
        "status": "ok",
        "expected_size": 5000,
        "actual_size": 5000,
        "expected": {"xxh64": xxh64_hex(CLIPS["A001C001.mov"])},
        "actual": {"xxh64": xxh64_hex(CLIPS["A001C001.mov"])},
        "detail": None,
        "disk_name": None,
    }


def test_json_of_a_mismatch_carries_expected_and_actual_and_exit_1(roll: Path) -> None:
    changed = damage(roll / "A001C001.mov")
    code, document = verify_json(roll)
    assert code == document["exit_code"] == 1
    assert document["verdict"] == "failed"
    (entry,) = document["rolls"]
    assert entry["verdict"] == "failed"
    assert entry["counts"]["mismatch"] == 1
    file = entry["files"][0]
    assert file["status"] == "mismatch"
    assert file["expected"] == {"xxh64": xxh64_hex(CLIPS["A001C001.mov"])}
    assert file["actual"] == {"xxh64": xxh64_hex(changed)}


def test_json_of_an_invalid_mhl_carries_the_error_and_exit_2(tmp_path: Path) -> None:
    write_files(tmp_path / "A001", {"A001C001.mov": b"x", "A001.mhl": b"<hashlist/>"})
    code, document = verify_json(tmp_path / "A001")
    assert code == document["exit_code"] == 2
    assert document["verdict"] == "invalid"
    (entry,) = document["rolls"]
    assert entry["verdict"] == "invalid"
    assert entry["error"] == f"{tmp_path / 'A001' / 'A001.mhl'}: lists no files (no <hash> entries)"
    assert (entry["files"], entry["mhl_files"], entry["formats"]) == ([], [], [])


def test_json_lists_every_roll_of_a_shoot_day(tmp_path: Path) -> None:
    day = tmp_path / "20261121_Day05"
    sealed_legacy_roll(day / "Camera_Media" / "A001R1AB", {"a.mxf": b"a"})
    sealed_legacy_roll(day / "Sound_Media" / "S001", {"s.wav": b"s"})
    code, document = verify_json(day)
    assert code == 0
    assert sorted(r["root"] for r in document["rolls"]) == [
        str(day / "Camera_Media" / "A001R1AB"),
        str(day / "Sound_Media" / "S001"),
    ]


def test_json_is_valid_utf8_with_names_that_are_not(roll: Path) -> None:
    try:
        (roll / os.fsdecode(b"caf\xe9.txt")).write_bytes(b"x")
    except OSError as err:
        pytest.skip(f"this filesystem refuses names that are not UTF-8 ({err.strerror})")
    code, document = verify_json(roll)  # decoding stdout strictly as UTF-8 succeeded
    assert code == 0
    extra = document["rolls"][0]["files"][-1]
    assert (extra["path"], extra["status"], extra["detail"]) == (
        "caf\\xe9.txt",
        "extra",
        "name is not valid UTF-8",
    )


def test_json_with_several_jobs_is_the_same_document(tmp_path: Path) -> None:
    files = {f"A001C{n:03d}.mov": clip(n, 700 * n + 1) for n in range(12)}
    root = tmp_path / "A001"
    sealed_legacy_roll(root, files)
    damage(root / "A001C007.mov")
    assert verify_json("--jobs", "1", root) == verify_json("--jobs", "8", root)


def test_json_mode_keeps_stderr_free_of_progress(roll: Path) -> None:
    completed = rollkeeper("verify", "--json", roll)
    assert completed.returncode == 0
    assert completed.stderr == ""


def test_json_mode_prints_no_document_on_bad_usage(tmp_path: Path) -> None:
    completed = rollkeeper("verify", "--json", tmp_path / "nothing")
    assert completed.returncode == 2
    assert completed.stdout == ""
    assert "no such file or folder" in completed.stderr


def test_a_local_file_named_by_an_external_entity_never_reaches_the_output(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-cli-3b9e")
    root = tmp_path / "A001"
    write_files(root, {"a.mov": b"x"})
    (root / "A001.mhl").write_text(
        f'<!DOCTYPE hashlist [<!ENTITY xxe SYSTEM "file://{secret}">]>\n'
        + legacy_mhl([legacy_entry("&xxe;", 1, "<md5>" + "0" * 32 + "</md5>")]).split("\n", 1)[1]
    )
    for args in (("verify", root), ("verify", "--json", root)):
        completed = rollkeeper(*args)
        assert completed.returncode == 2
        assert "DOCTYPE" in completed.stdout
        assert "TOP-SECRET" not in completed.stdout + completed.stderr


# --- entry points ---------------------------------------------------------------------------------


def test_python_dash_m_daemon_help_works() -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "rollkeeper", "--help"],
        capture_output=True,
        text=True,
        check=False,
        cwd=REPO,
        timeout=60,
    )
    assert completed.returncode == 0, completed.stderr
    assert "Usage:" in completed.stdout
    assert "verify" in completed.stdout


def test_verify_help_documents_path_and_exit_codes() -> None:
    completed = rollkeeper("verify", "--help")
    assert completed.returncode == 0
    text = " ".join(completed.stdout.split())  # click re-wraps the docstring
    assert "PATH may be a roll, a shoot day or a whole volume" in text
    assert "Exit 0: all verified; 1: a file failed; 2: bad usage or an MHL" in text
    assert "--json" in text


def test_version_is_printed() -> None:
    completed = rollkeeper("--version")
    assert completed.returncode == 0
    assert completed.stdout.startswith("rollkeeper, version ")


def test_seal_offers_exactly_the_hash_kinds_seal_can_write() -> None:
    from rollkeeper.cli.seal import SEAL_HASHES
    from rollkeeper.mhl.seal import SEAL_KINDS

    assert tuple(kind.value for kind in SEAL_KINDS) == SEAL_HASHES


# --- start-up: `verify` loads only what verification needs ----------------------------------------

#: Modules verification never needs; each costs every start-up tens of milliseconds or more.
NOT_FOR_VERIFY = {
    "rich",
    "pydantic",
    "boto3",
    "botocore",
    "structlog",
    "watchdog",
    "rollkeeper.config.schema",
    "rollkeeper.mhl.seal",
    "rollkeeper.runtime.service",
    "concurrent",  # with `logging`, a few ms: verify's threads come from `rollkeeper.fs.fan_out`
    "logging",
}

_PROBE = """
import json, os, sys
from rollkeeper.cli.main import main

def _exit(code):  # verify's fast path ends with os._exit; the probe still has to report
    raise SystemExit(code)

os._exit = _exit
try:
    main()
except SystemExit:
    pass
sys.stderr.write("\\nMODULES " + json.dumps(sorted(sys.modules)))
"""


def modules_loaded_by(*args: str | Path) -> set[str]:
    """The modules `rollkeeper ARGS` has imported when it ends (stdout and stderr are pipes)."""
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "TTY_COMPATIBLE")}
    completed = subprocess.run(
        [sys.executable, "-c", _PROBE, *map(str, args)],
        capture_output=True,
        text=True,
        check=False,
        cwd=REPO,
        env=env,
        timeout=120,
    )
    loaded: list[str] = json.loads(completed.stderr.rsplit("\nMODULES ", 1)[1])
    return {name.split(".")[0] if not name.startswith("rollkeeper.") else name for name in loaded}


def test_verify_help_loads_nothing_that_verification_does_not_need() -> None:
    assert modules_loaded_by("verify", "--help") & NOT_FOR_VERIFY == set()


@pytest.mark.parametrize("args", [(), ("--json",), ("--jobs", "1")], ids=["text", "json", "jobs"])
def test_verifying_into_a_pipe_loads_neither_click_nor_rich(
    roll: Path, args: tuple[str, ...]
) -> None:
    loaded = modules_loaded_by("verify", *args, roll)
    assert "rollkeeper.mhl.verify" in loaded  # it did verify
    assert loaded & (NOT_FOR_VERIFY | {"click"}) == set()


def test_a_legacy_roll_is_verified_without_loading_the_asc_mhl_reader(roll: Path) -> None:
    loaded = modules_loaded_by("verify", roll)
    assert "rollkeeper.mhl.legacy" in loaded
    assert "rollkeeper.mhl.ascmhl" not in loaded


# --- the same command line, parsed with or without click ------------------------------------------

#: Spellings of `verify` that only click parses (`--jobs=N`), against the same plain spelling.
SPELLINGS = [
    (("verify", "--jobs=1", "{roll}"), ("verify", "--jobs", "1", "{roll}")),
    (("verify", "--json", "-j2", "{roll}"), ("verify", "{roll}", "-j", "2", "--json")),
]


@pytest.mark.parametrize("state", ["verified", "damaged", "invalid"])
@pytest.mark.parametrize(("for_click", "plain"), SPELLINGS, ids=["text", "json"])
def test_verify_answers_the_same_whether_or_not_click_parses_it(
    roll: Path, state: str, for_click: tuple[str, ...], plain: tuple[str, ...]
) -> None:
    if state == "damaged":
        damage(roll / "A001C001.mov")
        (roll / "notes.txt").write_text("hello")
    elif state == "invalid":
        (roll / "A001R1AB.mhl").write_text("<hashlist>")

    def run(args: tuple[str, ...]) -> tuple[int, str, str]:
        completed = rollkeeper(*(a.format(roll=roll) for a in args))
        return completed.returncode, completed.stdout, completed.stderr

    assert run(for_click) == run(plain)


@pytest.mark.parametrize(
    "args",
    [("verify", "{roll}"), ("verify", "--json", "{roll}"), ("verify", "--jobs=2", "{roll}")],
    ids=["text", "json", "click"],
)
def test_a_reader_that_goes_away_ends_verify_with_exit_1_and_no_traceback(
    roll: Path, args: tuple[str, ...]
) -> None:
    buffered = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    child = subprocess.Popen(
        [str(ROLLKEEPER), *(a.format(roll=roll) for a in args)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=REPO,
        env=buffered,  # as a user's shell runs it: stdout to a pipe is block-buffered
    )
    assert child.stdout is not None and child.stderr is not None
    child.stdout.close()  # `rollkeeper verify … | head -c0`
    errors = child.stderr.read().decode()
    assert child.wait(timeout=120) == 1
    assert "Traceback" not in errors
    assert "Exception ignored" not in errors


# --- which command lines are parsed without click -------------------------------------------------

PLAIN = [
    (["verify", "R"], (Path("R"), False, None)),
    (["verify", "--json", "R"], (Path("R"), True, None)),
    (["verify", "R", "--jobs", "3"], (Path("R"), False, 3)),
    (["verify", "-j", "64", "--json", "R"], (Path("R"), True, 64)),
    (["verify", "-j", "007", "R"], (Path("R"), False, 7)),
]


@pytest.mark.parametrize(("args", "parsed"), PLAIN)
def test_plain_verify_arguments_are_read_as_click_reads_them(
    args: list[str], parsed: tuple[Path, bool, int | None]
) -> None:
    from rollkeeper.cli.options import DEFAULT_JOBS
    from rollkeeper.cli.plain_verify import plain_verify_arguments

    path, as_json, jobs = parsed
    assert plain_verify_arguments(args) == (path, as_json, DEFAULT_JOBS if jobs is None else jobs)


LEFT_TO_CLICK = [
    [],
    ["seal", "R"],
    ["status", "--json"],
    ["verify"],
    ["verify", "--help"],
    ["verify", "-h", "R"],
    ["verify", "R", "S"],
    ["verify", "--", "R"],
    ["verify", "-"],
    ["verify", ""],
    ["verify", "--jobs=2", "R"],
    ["verify", "-j2", "R"],
    ["verify", "--jobs", "0", "R"],
    ["verify", "--jobs", "65", "R"],
    ["verify", "--jobs", "+2", "R"],
    ["verify", "--jobs", " 2", "R"],
    ["verify", "--jobs", "٢", "R"],
    ["verify", "R", "--jobs"],
    ["verify", "--json", "--json", "R"],
    ["verify", "-j", "1", "-j", "2", "R"],
    ["verify", "--jsn", "R"],
    ["--version"],
]


@pytest.mark.parametrize("args", LEFT_TO_CLICK, ids=" ".join)
def test_anything_but_a_plain_verify_is_left_to_click(args: list[str]) -> None:
    from rollkeeper.cli.plain_verify import plain_verify_arguments

    assert plain_verify_arguments(args) is None


def test_shell_completion_is_left_to_click(monkeypatch: pytest.MonkeyPatch) -> None:
    from rollkeeper.cli.plain_verify import plain_verify_arguments

    monkeypatch.setenv("_ROLLKEEPER_COMPLETE", "bash_complete")
    assert plain_verify_arguments(["verify", "R"]) is None


def test_a_commands_exit_code_through_click_is_never_lost(monkeypatch: pytest.MonkeyPatch) -> None:
    """click outside standalone mode returns `ctx.exit(code)` as a value: main exits with it."""
    import click
    from rollkeeper.cli import main as cli_main

    @click.group()
    def group() -> None:
        pass

    @group.command()
    @click.pass_context
    def fails(ctx: click.Context) -> None:
        ctx.exit(3)

    monkeypatch.setattr(cli_main, "build_cli", lambda: group)
    monkeypatch.setattr(sys, "argv", ["rollkeeper", "fails"])
    with pytest.raises(SystemExit) as exited:
        cli_main.main()
    assert exited.value.code == 3
