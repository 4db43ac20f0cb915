"""Specification: hostile and broken input is refused or reported, never trusted, never fatal.

MHLs and card contents arrive on drives from anywhere. Each test builds a real roll folder, feeds
it one kind of hostile or broken input, and checks three things: what the user is told (the
roll's error or the file's detail, as the JSON report and the terminal summary carry it), that
nothing outside the roll was read, and that nothing on disk was changed or lost.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from rollkeeper.mhl.paths import HostilePathError, safe_relative_path
from rollkeeper.mhl.verify import FileResult, FileStatus, RollResult, RollVerdict, verify_path
from rollkeeper.reports.verify import print_summary, verify_json

from tests.builders import (
    asc_roll,
    clip,
    legacy_entry,
    legacy_mhl,
    sealed_legacy_roll,
    without_root_privileges,
    write_files,
    xxh64_hex,
)
from tests.unit.mhl.loopback import assert_never_contacted, url_of

REPO = Path(__file__).parents[3]
SECRET = "TOP-SECRET-payroll-7d21"
MD5_ZERO = "<md5>" + "0" * 32 + "</md5>"
#: A prolog comment longer than the byte-level DTD check reads, so that libxml2 meets the DTD.
LONG_COMMENT = "<!--" + "x" * (70 * 1024) + "-->\n"
#: Every hostile test must finish quickly: a FIFO opened by mistake would block forever.
pytestmark = pytest.mark.timeout(60)


# --- fixtures and helpers ------------------------------------------------------------------------


Snapshot = dict[str, bytes | str | None]


def snapshot(root: Path) -> Snapshot:
    """Every entry below `root`: file content, link target, or None for folders and FIFOs."""
    state: Snapshot = {}
    for folder, dirs, files in os.walk(os.fsencode(root)):
        for name in dirs + files:
            path = os.path.join(folder, name)
            key = os.fsdecode(os.path.relpath(path, os.fsencode(root)))
            if os.path.islink(path):
                state[key] = os.fsdecode(os.readlink(path))
            elif os.path.isfile(path):
                with open(path, "rb") as handle:
                    state[key] = handle.read()
            else:
                state[key] = None
    return state


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A folder beside the roll, holding things a hostile roll would like to reach."""
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "secret.txt").write_text(SECRET)
    os.mkfifo(folder / "trap.fifo")  # opening this for reading blocks: proof that it was opened
    return folder


def verify_unchanged(path: Path, **kwargs: Any) -> list[RollResult]:
    """verify_path, asserting that the tree it looked at is byte-for-byte the same afterwards."""
    scope = path.parent.parent if path.is_file() else path.parent
    before = snapshot(scope)
    results = verify_path(path, **kwargs)
    assert snapshot(scope) == before, "verification changed or removed something on disk"
    return results


def only_roll(path: Path) -> RollResult:
    results = verify_unchanged(path)
    assert len(results) == 1
    return results[0]


def file_of(roll: RollResult, path: str) -> FileResult:
    matches = [f for f in roll.files if f.path == path]
    assert len(matches) == 1, [f.path for f in roll.files]
    return matches[0]


def user_sees(path: Path, results: list[RollResult]) -> str:
    """Everything the user is shown: the JSON report and the terminal summary, as UTF-8 text."""
    document = json.dumps(verify_json(path, results), ensure_ascii=False)
    buffer = io.StringIO()
    print_summary(Console(file=buffer, width=400, highlight=False, soft_wrap=True), results)
    text = document + "\n" + buffer.getvalue()
    text.encode("utf-8")  # strict: must be printable on any UTF-8 terminal or pipe
    return text


def write_or_skip(path: Path, data: bytes) -> None:
    """Create a file whose name the filesystem may refuse (APFS wants UTF-8, NFC/NFD-blind)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    except OSError as err:
        pytest.skip(f"this filesystem refuses such a name ({err.strerror})")


def hostile_roll(tmp_path: Path, entries: list[str], *, name: str = "A001") -> Path:
    """A roll with one good clip, listed by a hand-written MHL with `entries` after it."""
    root = tmp_path / name
    good = clip(1, 2000)
    write_files(root, {"A001C001.mov": good})
    listed = [
        legacy_entry("A001C001.mov", len(good), f"<xxhash64be>{xxh64_hex(good)}</xxhash64be>")
    ]
    (root / f"{name}.mhl").write_text(legacy_mhl(listed + entries), encoding="utf-8")
    return root


def raw_roll(tmp_path: Path, document: str | bytes, *, name: str = "A001") -> Path:
    root = tmp_path / name
    write_files(root, {"A001C001.mov": b"media"})
    data = document.encode() if isinstance(document, str) else document
    (root / f"{name}.mhl").write_bytes(data)
    return root


def invalid_roll_error(root: Path) -> str:
    result = only_roll(root)
    assert result.verdict is RollVerdict.INVALID
    assert result.files == []
    assert result.bytes_hashed == 0
    assert result.error is not None
    assert result.error in user_sees(root, [result])
    return result.error


_VERIFY_TO_JSON = (
    "import json, sys; from pathlib import Path; from rollkeeper.mhl.verify import verify_path; "
    "from rollkeeper.reports.verify import verify_json; p = Path(sys.argv[1]); "
    "print(json.dumps(verify_json(p, verify_path(p, jobs=1))))"
)


def verify_without_privileges(root: Path) -> dict[str, Any]:
    completed = subprocess.run(
        without_root_privileges([sys.executable, "-c", _VERIFY_TO_JSON, str(root)]),
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO,
    )
    document: dict[str, Any] = json.loads(completed.stdout)
    return document


# --- malformed and hostile XML -------------------------------------------------------------------


def test_malformed_xml_makes_the_roll_invalid_naming_the_file_and_the_line(tmp_path: Path) -> None:
    root = raw_roll(
        tmp_path,
        '<?xml version="1.0"?>\n<hashlist version="1.1">\n'
        "  <hash><file>A001C001.mov</file><size>5</size>\n"
        "</hashlist>\n",
    )
    error = invalid_roll_error(root)
    assert error.startswith(f"{root / 'A001.mhl'}: is not well-formed XML")
    assert "line 4" in error


def test_entity_expansion_bomb_is_refused_before_parsing(tmp_path: Path) -> None:
    levels = "".join(f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10))
    root = raw_roll(
        tmp_path,
        f'<?xml version="1.0"?>\n<!DOCTYPE hashlist [<!ENTITY lol0 "lol">{levels}]>\n'
        f"<hashlist><hash><file>&lol9;</file><size>1</size>{MD5_ZERO}</hash></hashlist>\n",
    )
    error = invalid_roll_error(root)
    # the byte-level check's wording: libxml2 was never handed the document
    assert "A001.mhl: contains a DOCTYPE/ENTITY declaration" in error
    assert "lollol" not in error


def test_a_plain_dtd_makes_the_roll_invalid(tmp_path: Path) -> None:
    root = raw_roll(
        tmp_path,
        '<?xml version="1.0"?>\n<!DOCTYPE hashlist>\n'
        f"<hashlist><hash><file>A001C001.mov</file><size>5</size>{MD5_ZERO}</hash></hashlist>\n",
    )
    error = invalid_roll_error(root)
    assert "A001.mhl: contains a DOCTYPE" in error
    assert "MHL files never need one" in error


@pytest.mark.parametrize("past_quick_check", [False, True], ids=["in-prolog", "past-64KiB"])
def test_an_external_entity_naming_a_local_file_never_shows_its_content(
    tmp_path: Path, outside: Path, past_quick_check: bool
) -> None:
    secret = outside / "secret.txt"
    root = raw_roll(
        tmp_path,
        (LONG_COMMENT if past_quick_check else "")
        + f'<!DOCTYPE hashlist [<!ENTITY xxe SYSTEM "file://{secret}">]>\n'
        f"<hashlist><hash><file>a&xxe;.mov</file><size>1</size>{MD5_ZERO}</hash>"
        f"<hash><file>&xxe;</file><size>1</size>{MD5_ZERO}</hash></hashlist>\n",
    )
    result = only_roll(root)
    assert result.verdict is RollVerdict.INVALID
    assert result.error is not None
    assert "contains a DOCTYPE" in result.error
    assert SECRET not in user_sees(root, [result])


def test_an_external_entity_naming_a_url_is_never_fetched(
    tmp_path: Path, listener: socket.socket
) -> None:
    root = raw_roll(
        tmp_path,
        LONG_COMMENT  # past the byte-level check: libxml2 itself must refuse to fetch
        + f'<!DOCTYPE hashlist [<!ENTITY xxe SYSTEM "{url_of(listener, "payload")}">]>\n'
        f"<hashlist><hash><file>&xxe;</file><size>1</size>{MD5_ZERO}</hash></hashlist>\n",
    )
    error = invalid_roll_error(root)
    assert "contains a DOCTYPE" in error
    assert_never_contacted(listener)


def test_an_external_entity_naming_a_closed_port_is_refused_at_once(tmp_path: Path) -> None:
    root = raw_roll(
        tmp_path,
        '<!DOCTYPE hashlist [<!ENTITY xxe SYSTEM "http://127.0.0.1:1/">]>\n'
        f"<hashlist><hash><file>&xxe;</file><size>1</size>{MD5_ZERO}</hash></hashlist>\n",
    )
    assert "contains a DOCTYPE/ENTITY declaration" in invalid_roll_error(root)


def test_a_hundred_thousand_entry_mhl_parses_in_bounded_memory(tmp_path: Path) -> None:
    """100k entries are about 21 MB of XML. A tree of it would cost libxml2 ~160 MB of memory
    tracemalloc cannot see, so the peak resident size of a fresh process is what is measured."""
    count = 100_000
    mhl = tmp_path / "A001" / "A001.mhl"
    mhl.parent.mkdir()
    head, tail = legacy_mhl([]).rsplit("</hashlist>", 1)
    with mhl.open("w", encoding="utf-8") as handle:
        handle.write(head)
        for n in range(count):
            handle.write(legacy_entry(f"CLIP/A001C{n:06d}.mov", n, f"<md5>{n:032x}</md5>") + "\n")
        handle.write("</hashlist>" + tail)
    probe = (
        "import json, resource, sys; from pathlib import Path; "
        "unit = 1 if sys.platform == 'darwin' else 1024; "
        "from rollkeeper.mhl.legacy import read_legacy; "
        "before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss; "
        "entries, warnings = read_legacy(Path(sys.argv[1])); "
        "after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss; "
        "print(json.dumps({'count': len(entries), 'last': entries[-1].path, "
        "'growth_bytes': (after - before) * unit}))"
    )
    completed = subprocess.run(
        [sys.executable, "-c", probe, str(mhl)],
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO,
    )
    measured = json.loads(completed.stdout)
    assert measured["count"] == count
    assert measured["last"] == f"CLIP/A001C{count - 1:06d}.mov"
    # the entries themselves need ~40 MB; a retained parse tree would add ~160 MB more
    assert measured["growth_bytes"] < 150 * 1024 * 1024


# --- hostile paths in an MHL ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "listed",
    ["{outside}/trap.fifo", "{outside}/secret.txt", "C:\\outside\\secret.txt"],
    ids=["posix-fifo", "posix-file", "windows-drive"],
)
def test_an_absolute_path_makes_the_roll_invalid_and_nothing_is_read(
    tmp_path: Path, outside: Path, listed: str
) -> None:
    path = listed.format(outside=outside)
    root = hostile_roll(tmp_path, [legacy_entry(path, 6, MD5_ZERO)])
    error = invalid_roll_error(root)
    assert "A001.mhl: entry 2: path" in error
    assert "is absolute; MHL paths must be relative to the MHL; this MHL is not trusted" in error
    assert SECRET not in user_sees(root, [only_roll(root)])


@pytest.mark.parametrize(
    "listed", ["../outside/trap.fifo", "CLIP/../../outside/secret.txt", "..\\outside\\secret.txt"]
)
def test_a_path_climbing_out_with_dot_dot_makes_the_roll_invalid_and_nothing_is_read(
    tmp_path: Path, outside: Path, listed: str
) -> None:
    root = hostile_roll(tmp_path, [legacy_entry(listed, 6, MD5_ZERO)])
    error = invalid_roll_error(root)
    assert "A001.mhl: entry 2: path" in error
    assert "climbs out of the folder with '..'" in error


def test_a_nul_in_a_listed_path_is_refused_at_the_xml_level(tmp_path: Path) -> None:
    root = hostile_roll(tmp_path, [legacy_entry("A001C001.mov&#0;../../etc/passwd", 6, MD5_ZERO)])
    error = invalid_roll_error(root)
    assert "A001.mhl: is not well-formed XML" in error
    assert "invalid xmlChar value 0" in error
    assert "line 5" in error


def test_a_raw_nul_byte_in_a_listed_path_is_refused_at_the_xml_level(tmp_path: Path) -> None:
    document = legacy_mhl([legacy_entry("A001C001.mov\x00.txt", 6, MD5_ZERO)]).encode()
    error = invalid_roll_error(raw_roll(tmp_path, document))
    assert "is not well-formed XML (Invalid character: Char 0x0 out of allowed range" in error


def test_a_nul_that_reached_the_path_check_would_be_refused_there() -> None:
    """XML 1.0 cannot carry a NUL, so this layer is tested directly: defence in depth."""
    with pytest.raises(HostilePathError, match="contains a NUL byte"):
        safe_relative_path("A001C001.mov\x00../../etc/passwd", windows_separators=True)


# --- hostile things on disk ----------------------------------------------------------------------


def test_a_file_symlinked_out_of_the_roll_is_unreadable_and_not_read(
    tmp_path: Path, outside: Path
) -> None:
    root = tmp_path / "A001"
    sealed_legacy_roll(root, {"A001C001.mov": b"good", "A001C002.mov": b"payload"})
    (root / "A001C002.mov").unlink()
    (root / "A001C002.mov").symlink_to(outside / "trap.fifo")  # opening it would hang the test
    result = only_roll(root)
    file = file_of(result, "A001C002.mov")
    assert file.status is FileStatus.UNREADABLE
    assert file.detail == (
        f"reached through a symlink that leaves the roll (to {outside / 'trap.fifo'}); not read"
    )
    assert (file.actual, file.actual_size) == ({}, None)
    assert result.verdict is RollVerdict.FAILED
    assert "leaves the roll" in user_sees(root, [result])


def test_a_folder_symlinked_out_of_the_roll_is_not_entered(tmp_path: Path, outside: Path) -> None:
    root = tmp_path / "A001"
    sealed_legacy_roll(root, {"A001C001.mov": b"good", "CLIP/secret.txt": SECRET.encode()})
    shutil.rmtree(root / "CLIP")
    (root / "CLIP").symlink_to(outside)
    result = only_roll(root)
    file = file_of(result, "CLIP/secret.txt")
    assert file.status is FileStatus.UNREADABLE
    assert file.detail is not None
    assert "symlink that leaves the roll" in file.detail
    assert file.actual == {}
    link = file_of(result, "CLIP")
    assert (link.status, link.detail) == (FileStatus.EXTRA, "symlink to a folder; not followed")
    assert result.bytes_hashed == len(b"good")


def test_a_symlink_loop_inside_the_roll_is_reported_without_hanging(tmp_path: Path) -> None:
    root = tmp_path / "A001"
    sealed_legacy_roll(root, {"A001C001.mov": b"good", "LOOP/A001C002.mov": b"lost"})
    shutil.rmtree(root / "LOOP")
    (root / "LOOP").symlink_to("LOOP")
    result = only_roll(root)
    file = file_of(result, "LOOP/A001C002.mov")
    assert (file.status, file.detail) == (
        FileStatus.UNREADABLE,
        "Too many levels of symbolic links",
    )
    link = file_of(result, "LOOP")
    assert (link.status, link.detail, link.actual_size) == (
        FileStatus.EXTRA,
        "symlink; not followed",
        None,  # not the size of the link text, which would look like a file's size
    )
    assert result.verdict is RollVerdict.FAILED


def test_a_folder_cycle_inside_the_roll_is_not_followed(tmp_path: Path) -> None:
    root = tmp_path / "A001"
    sealed_legacy_roll(root, {"CLIP/A001C001.mov": b"good"})
    (root / "CLIP" / "again").symlink_to("..")
    result = only_roll(root)
    assert file_of(result, "CLIP/A001C001.mov").status is FileStatus.OK
    again = file_of(result, "CLIP/again")
    assert (again.status, again.detail) == (FileStatus.EXTRA, "symlink to a folder; not followed")
    assert result.verdict is RollVerdict.VERIFIED


def test_a_directory_where_a_file_is_expected_is_unreadable(tmp_path: Path) -> None:
    root = tmp_path / "A001"
    sealed_legacy_roll(root, {"A001C001.mov": b"good", "A001C002.mov": b"gone"})
    (root / "A001C002.mov").unlink()
    (root / "A001C002.mov").mkdir()
    result = only_roll(root)
    file = file_of(result, "A001C002.mov")
    assert (file.status, file.detail) == (FileStatus.UNREADABLE, "is a directory, not a file")
    assert result.verdict is RollVerdict.FAILED


def test_a_fifo_where_a_file_is_expected_is_unreadable_and_never_opened(tmp_path: Path) -> None:
    root = tmp_path / "A001"
    sealed_legacy_roll(root, {"A001C001.mov": b"good", "A001C002.mov": b"gone"})
    (root / "A001C002.mov").unlink()
    os.mkfifo(root / "A001C002.mov")
    result = only_roll(root)
    file = file_of(result, "A001C002.mov")
    assert file.status is FileStatus.UNREADABLE
    assert file.detail == "is not a regular file (a FIFO, socket or device); not read"
    assert [f.path for f in result.files].count("A001C002.mov") == 1  # not also an "extra"


def test_a_file_unreadable_by_permissions_is_reported_unreadable(tmp_path: Path) -> None:
    root = tmp_path / "A001"
    sealed_legacy_roll(root, {"A001C001.mov": b"good", "A001C002.mov": b"locked"})
    (root / "A001C002.mov").chmod(0)
    document = verify_without_privileges(root)
    (roll,) = document["rolls"]
    files = {f["path"]: f for f in roll["files"]}
    assert (files["A001C002.mov"]["status"], files["A001C002.mov"]["detail"]) == (
        "unreadable",
        "Permission denied",
    )
    assert files["A001C001.mov"]["status"] == "ok"
    assert (roll["verdict"], document["exit_code"]) == ("failed", 1)


def test_a_folder_unreadable_by_permissions_makes_its_files_unreadable(tmp_path: Path) -> None:
    root = tmp_path / "A001"
    sealed_legacy_roll(root, {"A001C001.mov": b"good", "CLIP/A001C002.mov": b"locked"})
    (root / "CLIP").chmod(0)
    try:
        document = verify_without_privileges(root)
    finally:
        (root / "CLIP").chmod(0o755)
    files = {f["path"]: f for f in document["rolls"][0]["files"]}
    assert files["CLIP/A001C002.mov"]["status"] == "unreadable"
    assert files["CLIP/A001C002.mov"]["detail"] == "CLIP cannot be read: Permission denied"


def test_a_file_name_that_is_not_utf8_is_an_extra_with_a_displayable_name(tmp_path: Path) -> None:
    root = tmp_path / "A001"
    sealed_legacy_roll(root, {"A001C001.mov": b"good"})
    write_or_skip(root / os.fsdecode(b"Caf\xe9_notes.txt"), b"latin-1 name")
    result = only_roll(root)
    file = file_of(result, "Caf\\xe9_notes.txt")
    assert (file.status, file.detail) == (FileStatus.EXTRA, "name is not valid UTF-8")
    assert result.verdict is RollVerdict.VERIFIED
    assert "Caf\\\\xe9_notes.txt" in json.dumps(verify_json(root, [result]), ensure_ascii=False)
    assert "Caf\\xe9_notes.txt" in user_sees(root, [result])


def test_a_roll_folder_whose_name_is_not_utf8_is_verified(tmp_path: Path) -> None:
    root = Path(os.fsdecode(os.fsencode(tmp_path) + b"/Rolle_\xe9"))
    write_or_skip(root / "A001C001.mov", b"good")
    sealed_legacy_roll(root, {"A001C001.mov": b"good"}, name="A001.mhl")
    result = only_roll(root)
    assert result.verdict is RollVerdict.VERIFIED
    assert "Rolle_\\xe9" in user_sees(root, [result])


def test_a_broken_mhl_in_a_folder_whose_name_is_not_utf8_is_reported_printably(
    tmp_path: Path,
) -> None:
    root = Path(os.fsdecode(os.fsencode(tmp_path) + b"/Rolle_\xe9"))
    write_or_skip(root / "a.mov", b"x")
    write_files(root, {"A001.mhl": b"<hashlist>"})
    result = only_roll(root)
    assert result.verdict is RollVerdict.INVALID
    shown = user_sees(root, [result])  # raises if a surrogate escape reached the output
    assert "Rolle_\\xe9/A001.mhl: is not well-formed XML" in shown


# --- MHLs that cannot be trusted -----------------------------------------------------------------


def test_an_mhl_naming_no_hash_this_tool_knows_is_invalid_listing_what_it_found(
    tmp_path: Path,
) -> None:
    root = tmp_path / "A001"
    write_files(root, {"A001C001.mov": b"x"})
    write_mhl = root / "A001.mhl"
    write_mhl.write_text(
        legacy_mhl([legacy_entry("A001C001.mov", 1, "<sha256>" + "ab" * 32 + "</sha256>")])
    )
    error = invalid_roll_error(root)
    assert "A001.mhl: entry 1 (A001C001.mov) names no hash this tool knows" in error
    assert "found: <sha256>" in error
    assert "known: xxhash64be, xxhash64, xxhash, md5, sha1, null" in error


def test_two_mhls_of_one_roll_that_disagree_make_it_invalid_naming_both(tmp_path: Path) -> None:
    root = tmp_path / "A001"
    sealed_legacy_roll(root, {"A001C001.mov": b"x"}, name="A001_2026-11-21_100000.mhl")
    other = legacy_mhl([legacy_entry("A001C001.mov", 1, f"<xxhash64be>{'0' * 16}</xxhash64be>")])
    (root / "A001_2026-11-21_120000.mhl").write_text(other)
    error = invalid_roll_error(root)
    assert "A001_2026-11-21_100000.mhl and A001_2026-11-21_120000.mhl disagree about" in error
    assert "'A001C001.mov'" in error
    assert "cannot be verified until one is removed" in error


def test_an_invalid_roll_does_not_stop_the_other_rolls_being_verified(tmp_path: Path) -> None:
    # A volume folder inside tmp_path: the unchanged-check looks at the parent of what is
    # verified, which must be this test's own folder, not every test's.
    volume = tmp_path / "volume"
    sealed_legacy_roll(volume / "A001", {"a.mov": b"a"})
    raw_roll(volume, "<hashlist><oops></hashlist>", name="B001")
    results = {r.root.name: r.verdict for r in verify_unchanged(volume)}
    assert results == {"A001": RollVerdict.VERIFIED, "B001": RollVerdict.INVALID}


def test_an_mhl_symlinked_to_a_fifo_is_not_read_and_is_reported(
    tmp_path: Path, outside: Path
) -> None:
    root = tmp_path / "A001"
    sealed_legacy_roll(root, {"A001C001.mov": b"good"}, name="A001.mhl")
    (root / "A001_copy.mhl").symlink_to(outside / "trap.fifo")
    result = only_roll(root)
    assert result.manifest is not None
    assert any("A001_copy.mhl: is a symlink" in w for w in result.manifest.warnings)
    statuses = {f.path: f.status for f in result.files}
    assert statuses["A001_copy.mhl"] is FileStatus.EXTRA


def test_an_mhl_symlinked_from_outside_the_roll_is_not_read(tmp_path: Path) -> None:
    other = tmp_path / "other_production" / "Z009"
    sealed_legacy_roll(other, {"confidential_scene.mov": b"x"}, name="Z009.mhl")
    root = tmp_path / "A001"
    sealed_legacy_roll(root, {"A001C001.mov": b"good"}, name="A001.mhl")
    (root / "Z009.mhl").symlink_to(other / "Z009.mhl")
    result = only_roll(root)
    assert "confidential_scene.mov" not in user_sees(root, [result])


def test_an_ascmhl_history_symlinked_from_outside_the_roll_is_not_read(tmp_path: Path) -> None:
    other = tmp_path / "other_production" / "Z009"
    asc_roll(other, {"confidential_scene.mov": b"x"})
    root = tmp_path / "A001"
    sealed_legacy_roll(root, {"A001C001.mov": b"good"}, name="A001.mhl")
    (root / "ascmhl").symlink_to(other / "ascmhl")
    result = only_roll(root)
    assert "confidential_scene.mov" not in user_sees(root, [result])


# --- names that collide, hidden and system files -------------------------------------------------


def test_two_files_whose_names_collide_after_nfc_normalisation_are_reported(
    tmp_path: Path,
) -> None:
    root = tmp_path / "S001"
    sealed_legacy_roll(root, {"Szene_caf\u00e9.wav": b"take 1"})
    (root / "Szene_cafe\u0301.wav").write_bytes(b"take 2")  # same name once normalised
    if len(os.listdir(root)) != 3:
        pytest.skip("this filesystem treats NFC and NFD spellings as one name")
    result = only_roll(root)
    file = file_of(result, "Szene_caf\u00e9.wav")
    assert file.status is FileStatus.NAME_COLLISION
    assert file.detail == (
        "several files on disk are this name after Unicode normalisation: "
        "'Szene_cafe\\u0301.wav', 'Szene_caf\\xe9.wav'"
    )
    assert result.verdict is RollVerdict.FAILED
    assert len(result.files) == 1  # the second spelling is named there, not dropped or doubled


HIDDEN = {
    ".DS_Store": b"Bud1",
    "._A001C001.mov": b"\x00\x05\x16\x07",
    "Thumbs.db": b"thumbs",
    "desktop.ini": b"[.ShellClassInfo]",
    "Icon\r": b"",
    ".Spotlight-V100/Store-V2/index": b"index",
    ".fseventsd/fseventsd-uuid": b"uuid",
    ".Trashes/501/deleted.mov": b"old",
    "CLIP/.DS_Store": b"Bud1",
}


def test_hidden_and_system_files_never_fail_a_roll_and_are_ignored(tmp_path: Path) -> None:
    root = tmp_path / "A001"
    sealed_legacy_roll(root, {"A001C001.mov": b"good", "CLIP/A001C002.mov": b"also good"})
    write_files(root, HIDDEN)
    result = only_roll(root)
    assert result.verdict is RollVerdict.VERIFIED
    assert {f.path: f.status for f in result.files if f.path in HIDDEN} == dict.fromkeys(
        HIDDEN, FileStatus.IGNORED
    )
    assert result.bytes_hashed == len(b"good") + len(b"also good")


def test_a_hidden_file_the_mhl_lists_but_that_is_missing_does_not_fail_the_roll(
    tmp_path: Path,
) -> None:
    root = hostile_roll(
        tmp_path,
        [
            legacy_entry(".DS_Store", 6148, MD5_ZERO),
            legacy_entry("CLIP/._A001C001.mov", 4096, MD5_ZERO),
        ],
    )
    result = only_roll(root)
    assert result.verdict is RollVerdict.VERIFIED
    for path in (".DS_Store", "CLIP/._A001C001.mov"):
        file = file_of(result, path)
        assert (file.status, file.detail) == (
            FileStatus.IGNORED,
            "hidden or system file; never fails a roll",
        )


def test_a_hidden_file_the_mhl_lists_with_other_content_does_not_fail_the_roll(
    tmp_path: Path,
) -> None:
    root = hostile_roll(tmp_path, [legacy_entry(".DS_Store", 6148, MD5_ZERO)])
    (root / ".DS_Store").write_bytes(b"rewritten by Finder since the offload")
    result = only_roll(root)
    assert file_of(result, ".DS_Store").status is FileStatus.IGNORED
    assert result.verdict is RollVerdict.VERIFIED


def test_verification_errors_are_never_raised_for_a_roll_of_mixed_hostility(
    tmp_path: Path, outside: Path
) -> None:
    """Everything at once in one roll: each file gets its own status; nothing escapes as a crash."""
    root = tmp_path / "A001"
    files = {"ok.mov": b"ok", "gone.mov": b"g", "dir.mov": b"d", "link.mov": b"l", "fifo.mov": b"f"}
    sealed_legacy_roll(root, files)
    (root / "gone.mov").unlink()
    (root / "dir.mov").unlink()
    (root / "dir.mov").mkdir()
    (root / "link.mov").unlink()
    (root / "link.mov").symlink_to(outside / "secret.txt")
    (root / "fifo.mov").unlink()
    os.mkfifo(root / "fifo.mov")
    write_files(root, {".DS_Store": b"x"})
    result = only_roll(root)
    assert {f.path: f.status for f in result.files} == {
        "ok.mov": FileStatus.OK,
        "gone.mov": FileStatus.MISSING,
        "dir.mov": FileStatus.UNREADABLE,
        "link.mov": FileStatus.UNREADABLE,
        "fifo.mov": FileStatus.UNREADABLE,
        ".DS_Store": FileStatus.IGNORED,
    }
    assert SECRET not in user_sees(root, [result])
