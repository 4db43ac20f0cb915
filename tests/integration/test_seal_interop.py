"""Specification: what `rollkeeper seal` writes is valid and accepted by the reference tools.

Legacy MHLs must pass the published MHL v1.1 XSD and `simple-mhl verify`; ASC MHL histories must
pass the ASC MHL XSDs and `ascmhl-debug verify`, `ascmhl info` and `ascmhl diff`, with a correct
C4 chain across generations (FORMATS.md §1, §2).
"""

from __future__ import annotations

import hashlib
import importlib.resources
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import xxhash
from ascmhl.hasher import C4
from lxml import etree
from rollkeeper.core.errors import BadInputError
from rollkeeper.mhl.model import HashKind
from rollkeeper.mhl.seal import SealResult, seal_asc, seal_legacy
from rollkeeper.mhl.verify import FileStatus, RollVerdict

from tests.builders import clip, write_files
from tests.verification import only_roll

pytestmark = pytest.mark.interop

BIN = Path(sys.executable).parent
ROLL = "A002R3CD"
TARGET = "Clip/A002C002.mov"
MEDIA: dict[str, bytes] = {
    "A002C001.mov": clip(11, 4000),
    TARGET: clip(12, 3000),
    "Café.mov": clip(13, 2000),
    "Sound/S002T01.wav": clip(14, 999),
}
ASC_NS = "{urn:ASC:MHL:v2.0}"
CHAIN_NS = "{urn:ASC:MHL:DIRECTORY:v2.0}"


def run_tool(name: str, *args: str) -> subprocess.CompletedProcess[str]:
    """Run a console script installed in the same venv as the test interpreter."""
    return subprocess.run(
        [str(BIN / name), *args], capture_output=True, text=True, timeout=60, check=False
    )


def xsd(name: str) -> etree.XMLSchema:
    """One of the published schemas that mhl-suite installs (`mhl_suite/xsd/`)."""
    folder = importlib.resources.files("mhl_suite.xsd")
    return etree.XMLSchema(etree.parse(str(folder.joinpath(name))))


def schema_errors(schema: etree.XMLSchema, document: Path) -> list[str]:
    valid = schema.validate(etree.parse(str(document)))
    errors = str(schema.error_log).splitlines() if not valid else []
    assert valid == (not errors)
    return errors


def reference_digest(kind: HashKind, content: bytes) -> str:
    """Hex digest computed without the code under test."""
    if kind is HashKind.XXH64:
        return xxhash.xxh64(content).hexdigest()
    assert kind is HashKind.MD5
    return hashlib.md5(content, usedforsecurity=False).hexdigest()


def flip_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))


def generations(roll: Path) -> list[Path]:
    return sorted((roll / "ascmhl").glob("*.mhl"))


def recorded(generation: Path) -> dict[str, dict[str, tuple[str, str]]]:
    """path -> {kind: (action, value)} as one generation file records it."""
    root = etree.parse(str(generation)).getroot()
    files: dict[str, dict[str, tuple[str, str]]] = {}
    for entry in root.iter(f"{ASC_NS}hash"):
        path = entry.findtext(f"{ASC_NS}path")
        assert path is not None
        files[path] = {
            etree.QName(child).localname: (child.get("action", ""), child.text or "")
            for child in entry
            if etree.QName(child).localname != "path"
        }
    return files


@pytest.fixture
def roll(tmp_path: Path) -> Path:
    return write_files(tmp_path / ROLL, MEDIA)


# --- legacy MHL v1.1 ------------------------------------------------------------------------------

LEGACY_KINDS = [HashKind.XXH64, HashKind.MD5]


@pytest.mark.parametrize("kind", LEGACY_KINDS)
def test_legacy_seal_passes_the_mhl_v1_1_xsd(roll: Path, kind: HashKind) -> None:
    sealed = seal_legacy(roll, kind)
    assert schema_errors(xsd("MediaHashList_v1_1.xsd"), sealed.written) == []


@pytest.mark.parametrize("kind", LEGACY_KINDS)
def test_legacy_seal_is_accepted_by_simple_mhl_verify(roll: Path, kind: HashKind) -> None:
    sealed = seal_legacy(roll, kind)
    done = run_tool("simple-mhl", "verify", str(sealed.written))
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("kind", LEGACY_KINDS)
def test_simple_mhl_verify_rejects_our_legacy_mhl_after_a_byte_flips(
    roll: Path, kind: HashKind
) -> None:
    sealed = seal_legacy(roll, kind)
    flip_byte(roll / TARGET)
    done = run_tool("simple-mhl", "verify", str(sealed.written))
    assert done.returncode != 0, done.stdout + done.stderr


@pytest.mark.parametrize("kind", LEGACY_KINDS)
def test_legacy_seal_records_every_media_file_with_the_expected_hash(
    roll: Path, kind: HashKind
) -> None:
    sealed = seal_legacy(roll, kind)

    root = etree.parse(str(sealed.written)).getroot()
    element = {HashKind.XXH64: "xxhash64be", HashKind.MD5: "md5"}[kind]
    found = {h.findtext("file"): (h.findtext("size"), h.findtext(element)) for h in root}
    assert {k: v for k, v in found.items() if k is not None} == {
        path: (str(len(content)), reference_digest(kind, content))
        for path, content in MEDIA.items()
    }
    assert sealed.file_count == len(MEDIA)
    assert sealed.written.name.startswith(f"{ROLL}_")


def test_legacy_seal_verifies_with_rollkeeper(roll: Path) -> None:
    seal_legacy(roll)
    result = only_roll(roll)
    assert result.verdict is RollVerdict.VERIFIED
    assert {f.path: f.status for f in result.files} == dict.fromkeys(MEDIA, FileStatus.OK)


def test_legacy_seal_refuses_a_hash_the_format_cannot_hold(roll: Path) -> None:
    with pytest.raises(BadInputError, match="cannot hold xxh128"):
        seal_legacy(roll, HashKind.XXH128)
    assert list(roll.glob("*.mhl")) == []


def test_legacy_seal_leaves_hidden_files_and_older_mhls_out(roll: Path) -> None:
    write_files(roll, {".DS_Store": b"junk", "._A002C001.mov": b"fork", "old.mhl": b"<x/>"})
    sealed = seal_legacy(roll)
    text = sealed.written.read_text(encoding="utf-8")
    assert ".DS_Store" not in text
    assert "._A002C001.mov" not in text
    assert "old.mhl" not in text
    assert sealed.file_count == len(MEDIA)


def test_legacy_seal_of_an_empty_file_writes_size_0_which_the_xsd_rejects(roll: Path) -> None:
    """Known deviation: the v1.1 XSD types <size> as positiveInteger, so no valid legacy MHL can
    list a 0-byte file. We write <size>0</size> like the rest of the industry; readers (ours and
    simple-mhl) accept it."""
    (roll / "empty.txt").write_bytes(b"")

    sealed = seal_legacy(roll)

    assert "<size>0</size>" in sealed.written.read_text(encoding="utf-8")
    errors = schema_errors(xsd("MediaHashList_v1_1.xsd"), sealed.written)
    assert len(errors) == 1
    assert "size" in errors[0]
    assert "positiveInteger" in errors[0]
    assert only_roll(roll).verdict is RollVerdict.VERIFIED
    assert run_tool("simple-mhl", "verify", str(sealed.written)).returncode == 0


# --- ASC MHL v2 -----------------------------------------------------------------------------------

ASC_KINDS = [HashKind.XXH64, HashKind.XXH128, HashKind.MD5]


@pytest.mark.parametrize("kind", ASC_KINDS)
def test_asc_generation_passes_the_ascmhl_xsd(roll: Path, kind: HashKind) -> None:
    sealed = seal_asc(roll, kind)
    assert schema_errors(xsd("ASCMHL.xsd"), sealed.written) == []


def test_asc_chain_passes_the_ascmhl_directory_xsd(roll: Path) -> None:
    seal_asc(roll)
    seal_asc(roll, HashKind.MD5)
    chain = roll / "ascmhl" / "ascmhl_chain.xml"
    assert schema_errors(xsd("ASCMHLDirectory.xsd"), chain) == []


def test_asc_generation_with_an_empty_file_passes_the_ascmhl_xsd(roll: Path) -> None:
    (roll / "empty.txt").write_bytes(b"")
    sealed = seal_asc(roll)
    assert schema_errors(xsd("ASCMHL.xsd"), sealed.written) == []
    assert run_tool("ascmhl-debug", "verify", str(roll)).returncode == 0


@pytest.mark.parametrize("kind", ASC_KINDS)
def test_ascmhl_debug_verify_accepts_our_history(roll: Path, kind: HashKind) -> None:
    seal_asc(roll, kind)
    done = run_tool("ascmhl-debug", "verify", str(roll))
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("kind", ASC_KINDS)
def test_ascmhl_debug_verify_fails_our_history_after_a_byte_flips(
    roll: Path, kind: HashKind
) -> None:
    seal_asc(roll, kind)
    flip_byte(roll / TARGET)
    done = run_tool("ascmhl-debug", "verify", str(roll))
    assert done.returncode != 0
    assert TARGET in done.stdout + done.stderr


def test_ascmhl_info_lists_every_generation_of_our_history(roll: Path) -> None:
    seal_asc(roll)
    seal_asc(roll, HashKind.MD5)
    done = run_tool("ascmhl", "info", str(roll))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Generation 1" in done.stdout
    assert "Generation 2" in done.stdout


def test_ascmhl_diff_finds_no_difference_in_our_history(roll: Path) -> None:
    seal_asc(roll)
    done = run_tool("ascmhl", "diff", str(roll))
    assert done.returncode == 0, done.stdout + done.stderr


def test_ascmhl_diff_sees_a_file_added_after_our_seal(roll: Path) -> None:
    seal_asc(roll)
    (roll / "late.mov").write_bytes(b"late")
    done = run_tool("ascmhl", "diff", str(roll))
    assert done.returncode != 0
    assert "late.mov" in done.stdout + done.stderr


def test_ascmhl_create_can_extend_our_history_and_we_read_the_result(roll: Path) -> None:
    seal_asc(roll)
    done = run_tool("ascmhl", "create", "-h", "xxh128", str(roll))
    assert done.returncode == 0, done.stdout + done.stderr

    result = only_roll(roll)

    assert len(generations(roll)) == 2
    assert result.verdict is RollVerdict.VERIFIED
    assert result.manifest is not None
    assert result.manifest.warnings == []
    target = next(f for f in result.files if f.path == TARGET)
    assert set(target.expected) == {HashKind.XXH64, HashKind.XXH128}


# --- appending generations ------------------------------------------------------------------------


def test_second_generation_gets_sequence_2_and_the_chain_records_both_c4_ids(roll: Path) -> None:
    first = seal_asc(roll)
    second = seal_asc(roll, HashKind.MD5)

    assert first.written.name.startswith(f"0001_{ROLL}_")
    assert second.written.name.startswith(f"0002_{ROLL}_")
    chain = etree.parse(str(roll / "ascmhl" / "ascmhl_chain.xml")).getroot()
    links = [
        (
            link.get("sequencenr"),
            link.findtext(f"{CHAIN_NS}path"),
            link.findtext(f"{CHAIN_NS}c4"),
        )
        for link in chain
    ]
    assert links == [
        ("1", first.written.name, C4.hash_data(first.written.read_bytes())),
        ("2", second.written.name, C4.hash_data(second.written.read_bytes())),
    ]


def test_second_generation_records_every_file_verified_with_old_and_new_kinds(
    roll: Path,
) -> None:
    seal_asc(roll)
    second = seal_asc(roll, HashKind.MD5)

    assert second.failed == []
    assert second.file_count == len(MEDIA)
    assert recorded(second.written) == {
        path: {
            "md5": ("verified", hashlib.md5(content, usedforsecurity=False).hexdigest()),
            "xxh64": ("verified", xxhash.xxh64(content).hexdigest()),
        }
        for path, content in MEDIA.items()
    }


def test_first_generation_records_every_file_original(roll: Path) -> None:
    first = seal_asc(roll, HashKind.XXH128)
    assert recorded(first.written) == {
        path: {"xxh128": ("original", xxhash.xxh3_128(content).hexdigest())}
        for path, content in MEDIA.items()
    }


def test_a_file_added_before_the_second_generation_is_recorded_original(roll: Path) -> None:
    seal_asc(roll)
    (roll / "late.mov").write_bytes(b"late")
    second = seal_asc(roll)
    assert recorded(second.written)["late.mov"] == {
        "xxh64": ("original", xxhash.xxh64(b"late").hexdigest())
    }
    assert recorded(second.written)[TARGET]["xxh64"][0] == "verified"


def test_ascmhl_debug_verify_accepts_our_two_generation_history(roll: Path) -> None:
    seal_asc(roll)
    seal_asc(roll, HashKind.XXH128)
    done = run_tool("ascmhl-debug", "verify", str(roll))
    assert done.returncode == 0, done.stdout + done.stderr


def test_seal_after_a_byte_flips_records_failed_and_returns_the_file(roll: Path) -> None:
    seal_asc(roll)
    flip_byte(roll / TARGET)

    second = seal_asc(roll, HashKind.MD5)

    assert second.failed == [TARGET]
    actions = {kind: action for kind, (action, _value) in recorded(second.written)[TARGET].items()}
    assert actions == {"md5": "failed", "xxh64": "failed"}
    others = {p: r for p, r in recorded(second.written).items() if p != TARGET}
    assert {action for r in others.values() for action, _ in r.values()} == {"verified"}


def test_rollkeeper_verify_reports_the_failed_file_as_known_bad(roll: Path) -> None:
    seal_asc(roll)
    flip_byte(roll / TARGET)
    seal_asc(roll)

    result = only_roll(roll)

    assert result.verdict is RollVerdict.FAILED
    statuses = {f.path: f.status for f in result.files}
    assert statuses == dict.fromkeys(MEDIA, FileStatus.OK) | {TARGET: FileStatus.KNOWN_BAD}


def test_sealing_again_after_a_failure_still_records_the_file_failed(roll: Path) -> None:
    """The failed generation holds the damaged file's hashes; re-verifying against those would
    launder the damage into a `verified` record."""
    seal_asc(roll)
    flip_byte(roll / TARGET)
    seal_asc(roll)

    third = seal_asc(roll)

    assert third.failed == [TARGET]
    assert recorded(third.written)[TARGET]["xxh64"][0] == "failed"
    assert only_roll(roll).verdict is RollVerdict.FAILED


def test_a_file_restored_after_a_failure_verifies_against_the_last_good_record(
    roll: Path,
) -> None:
    seal_asc(roll)
    flip_byte(roll / TARGET)
    seal_asc(roll)
    (roll / TARGET).write_bytes(MEDIA[TARGET])

    third = seal_asc(roll)

    assert third.failed == []
    assert recorded(third.written)[TARGET]["xxh64"] == (
        "verified",
        xxhash.xxh64(MEDIA[TARGET]).hexdigest(),
    )
    assert only_roll(roll).verdict is RollVerdict.VERIFIED


def test_seal_refuses_to_extend_a_history_whose_files_went_missing(roll: Path) -> None:
    seal_asc(roll)
    (roll / TARGET).unlink()
    with pytest.raises(BadInputError, match=rf"missing \({TARGET}\)"):
        seal_asc(roll)
    assert len(generations(roll)) == 1


def test_seal_extends_a_reference_history_that_recorded_hidden_files(roll: Path) -> None:
    """`ascmhl create` records AppleDouble files; they are not media and are not missing."""
    write_files(roll, {"._A002C001.mov": b"resource fork", "Clip/.hidden": b"h"})
    done = run_tool("ascmhl", "create", "-h", "xxh64", str(roll))
    assert done.returncode == 0, done.stdout + done.stderr

    second = seal_asc(roll)

    assert second.failed == []
    assert set(recorded(second.written)) == set(MEDIA)
    assert run_tool("ascmhl-debug", "verify", str(roll)).returncode == 0
    assert only_roll(roll).verdict is RollVerdict.VERIFIED


def test_seal_refuses_to_extend_a_history_that_was_tampered_with(roll: Path) -> None:
    first = seal_asc(roll)
    first.written.write_bytes(first.written.read_bytes().replace(b"<hashes>", b"<hashes> "))
    with pytest.raises(BadInputError, match="altered"):
        seal_asc(roll)
    assert len(generations(roll)) == 1


def test_seal_numbers_after_a_generation_the_chain_does_not_record(roll: Path) -> None:
    """Another tool may have added generation 2 without updating the chain."""
    seal_asc(roll)
    first = generations(roll)[0]
    unchained = roll / "ascmhl" / first.name.replace("0001_", "0002_").replace("Z.mhl", "9Z.mhl")
    unchained.write_bytes(first.read_bytes())

    third = seal_asc(roll)

    assert third.written.name.startswith(f"0003_{ROLL}_")


@pytest.mark.parametrize("seal", [seal_legacy, seal_asc], ids=["legacy", "asc"])
@pytest.mark.parametrize(
    "name", [os.fsdecode(b"bad\xff.mov"), "ctl\x01.mov"], ids=["not-utf8", "control-char"]
)
def test_seal_refuses_a_name_an_mhl_cannot_record_and_writes_nothing(
    roll: Path, seal: Callable[[Path], SealResult], name: str
) -> None:
    (roll / name).write_bytes(b"x")
    with pytest.raises(BadInputError, match="cannot be written in an MHL"):
        seal(roll)
    assert list(roll.glob("*.mhl")) == []
    assert not (roll / "ascmhl").exists()


def test_legacy_seal_refuses_a_name_with_a_backslash_it_would_read_back_as_a_folder(
    roll: Path,
) -> None:
    (roll / "odd\\name.mov").write_bytes(b"x")
    with pytest.raises(BadInputError, match="cannot record names holding"):
        seal_legacy(roll)
    assert list(roll.glob("*.mhl")) == []


def test_asc_seal_records_a_name_with_a_backslash_as_one_name(roll: Path) -> None:
    (roll / "odd\\name.mov").write_bytes(b"x")
    sealed = seal_asc(roll)
    assert "odd\\name.mov" in recorded(sealed.written)
    assert only_roll(roll).verdict is RollVerdict.VERIFIED
    assert run_tool("ascmhl-debug", "verify", str(roll)).returncode == 0


def test_a_file_named_icon_added_after_our_seal_is_reported_extra(roll: Path) -> None:
    seal_asc(roll)
    (roll / "Icon").write_bytes(b"not the macOS folder icon file")

    result = only_roll(roll)

    assert {f.path: f.status for f in result.files}["Icon"] is FileStatus.EXTRA


# --- the command line -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "kind"), [("legacy", "xxh64"), ("legacy", "md5"), ("asc", "xxh128"), ("asc", "md5")]
)
def test_cli_seal_writes_a_manifest_that_verifies(roll: Path, fmt: str, kind: str) -> None:
    done = run_tool("rollkeeper", "seal", str(roll), "--format", fmt, "--hash", kind)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"Sealed {len(MEDIA)} files" in done.stdout
    assert run_tool("rollkeeper", "verify", str(roll)).returncode == 0


def test_cli_seal_legacy_with_xxh128_exits_2_and_writes_nothing(roll: Path) -> None:
    done = run_tool("rollkeeper", "seal", str(roll), "--format", "legacy", "--hash", "xxh128")
    assert done.returncode == 2
    assert "cannot hold xxh128" in done.stderr
    assert list(roll.glob("*.mhl")) == []


def test_cli_seal_exits_1_when_a_recorded_file_failed(roll: Path) -> None:
    seal_asc(roll)
    flip_byte(roll / TARGET)
    done = run_tool("rollkeeper", "seal", str(roll))
    assert done.returncode == 1
    assert f"FAILED  {TARGET}" in done.stderr
