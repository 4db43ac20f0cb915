"""Specification: rolls sealed by other tools verify exactly right.

Every fixture is a real roll folder on disk. Third-party MHLs are written at test time by the
reference tools installed in the venv (`ascmhl create`, `simple-mhl seal`); the legacy variants no
tool writes any more (little-endian `xxhash64`, XXH32 `xxhash`, `<null/>`, odd element order,
Windows separators, ...) are written by hand from independently computed hashes. Each fixture is
verified clean and after one kind of damage, and the verdict must be exactly the one the spec
(FORMATS.md §1-§4) implies.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
import xxhash
from rollkeeper.mhl.verify import FileStatus, RollVerdict

from tests.builders import clip, legacy_mhl, write_files
from tests.verification import only_roll, statuses

pytestmark = pytest.mark.interop

BIN = Path(sys.executable).parent
ROLL = "A001R1AB"

#: The card: nested folders, an NFC name with an accent, and an empty file.
TARGET = "Clip/A001C002.mov"
ACCENTED = "Café.mov"
EMPTY = "Notes/empty.txt"
MEDIA: dict[str, bytes] = {
    "A001C001.mov": clip(1, 6000),
    TARGET: clip(2, 5000),
    ACCENTED: clip(3, 3000),
    "Sound/S001T01.wav": clip(4, 1234),
    EMPTY: b"",
}
EXTRA = "Clip/A001C099.mov"
ACCENTED_NFD = unicodedata.normalize("NFD", ACCENTED)
assert ACCENTED_NFD != ACCENTED


# --- how each fixture is sealed -------------------------------------------------------------------


def run_tool(name: str, *args: str) -> subprocess.CompletedProcess[str]:
    """Run a console script installed in the same venv as the test interpreter."""
    return subprocess.run(
        [str(BIN / name), *args], capture_output=True, text=True, timeout=60, check=False
    )


def _run_checked(name: str, *args: str) -> None:
    done = run_tool(name, *args)
    assert done.returncode == 0, f"{name} {args} failed:\n{done.stdout}\n{done.stderr}"


def ascmhl_create(kind: str, *, directory_hashes: bool) -> Callable[[Path], None]:
    def build(roll: Path) -> None:
        flags = [] if directory_hashes else ["-n"]
        _run_checked("ascmhl", "create", "-h", kind, *flags, str(roll))
        assert (roll / "ascmhl" / "ascmhl_chain.xml").is_file()

    return build


def simple_mhl_seal(algorithm: str) -> Callable[[Path], None]:
    def build(roll: Path) -> None:
        _run_checked("simple-mhl", "seal", "-a", algorithm, str(roll))
        assert len(list(roll.glob("*.mhl"))) == 1

    return build


def _xxh64_be(content: bytes) -> str:
    return xxhash.xxh64(content).intdigest().to_bytes(8, "big").hex()


def _xxh64_le(content: bytes) -> str:
    return xxhash.xxh64(content).intdigest().to_bytes(8, "little").hex()


def _xxh32_decimal(content: bytes) -> str:
    return f"{xxhash.xxh32(content).intdigest():010d}"


def _md5(content: bytes) -> str:
    return hashlib.md5(content, usedforsecurity=False).hexdigest()


def _sha1(content: bytes) -> str:
    return hashlib.sha1(content, usedforsecurity=False).hexdigest()


HashElements = Callable[[bytes], str]

_DATES = "<lastmodificationdate>2026-11-21T10:00:00Z</lastmodificationdate>"
_HASHDATE = "<hashdate>2026-11-21T10:00:00Z</hashdate>"


def _in_order(path: str, content: bytes, hashes: str) -> str:
    return (
        f"  <hash><file>{escape(path)}</file><size>{len(content)}</size>{_DATES}"
        f"{hashes}{_HASHDATE}</hash>"
    )


def _odd_order(path: str, content: bytes, hashes: str) -> str:
    """Hash element first, then the date, the size, and the file name last."""
    return (
        f"  <hash>{hashes}{_HASHDATE}<size>{len(content)}</size>{_DATES}"
        f"<file>{escape(path)}</file></hash>"
    )


def hand_written(
    hashes: HashElements,
    *,
    version: str = "1.1",
    layout: Callable[[str, bytes, str], str] = _in_order,
    windows_separators: bool = False,
) -> Callable[[Path], None]:
    def build(roll: Path) -> None:
        entries = []
        for path, content in MEDIA.items():
            written = path.replace("/", "\\") if windows_separators else path
            entries.append(layout(written, content, hashes(content)))
        mhl = roll / f"{roll.name}_2026-11-21_100000.mhl"
        mhl.write_text(legacy_mhl(entries, version=version), encoding="utf-8")

    return build


@dataclass(frozen=True)
class Source:
    """One way a roll arrives sealed. `checks_content` is False for size-only (`<null/>`) MHLs."""

    id: str
    build: Callable[[Path], None]
    checks_content: bool = True


SOURCES = [
    *(
        Source(f"ascmhl-{kind}{'' if dirs else '-n'}", ascmhl_create(kind, directory_hashes=dirs))
        for kind in ("xxh64", "xxh128", "md5", "c4")
        for dirs in (True, False)
    ),
    *(
        Source(f"simple-mhl-{algorithm}", simple_mhl_seal(algorithm))
        for algorithm in ("xxhash64be", "md5", "sha1", "xxhash", "xxhash64")
    ),
    Source(
        "legacy-xxhash64be",
        hand_written(lambda c: f"<xxhash64be>{_xxh64_be(c)}</xxhash64be>"),
    ),
    Source(
        "legacy-xxhash64-little-endian",
        hand_written(lambda c: f"<xxhash64>{_xxh64_le(c)}</xxhash64>"),
    ),
    Source(
        "legacy-xxhash-xxh32-decimal",
        hand_written(lambda c: f"<xxhash>{_xxh32_decimal(c)}</xxhash>"),
    ),
    Source("legacy-md5", hand_written(lambda c: f"<md5>{_md5(c)}</md5>")),
    Source("legacy-sha1", hand_written(lambda c: f"<sha1>{_sha1(c)}</sha1>")),
    Source(
        "legacy-md5-sha1-xxhash64be",
        hand_written(
            lambda c: (
                f"<md5>{_md5(c)}</md5><sha1>{_sha1(c)}</sha1>"
                f"<xxhash64be>{_xxh64_be(c)}</xxhash64be>"
            )
        ),
    ),
    Source("legacy-null-size-only", hand_written(lambda c: "<null/>"), checks_content=False),
    Source(
        "legacy-odd-element-order",
        hand_written(lambda c: f"<xxhash64be>{_xxh64_be(c)}</xxhash64be>", layout=_odd_order),
    ),
    Source(
        "legacy-version-1.0",
        hand_written(lambda c: f"<md5>{_md5(c)}</md5>", version="1.0"),
    ),
    Source(
        "legacy-upper-case-hex",
        hand_written(
            lambda c: f"<xxhash64be>{_xxh64_be(c).upper()}</xxhash64be><MD5>{_md5(c).upper()}</MD5>"
        ),
    ),
    Source(
        "legacy-windows-separators",
        hand_written(lambda c: f"<xxhash64be>{_xxh64_be(c)}</xxhash64be>", windows_separators=True),
    ),
]


# --- the damage done to a sealed roll -------------------------------------------------------------


def _flip_byte(roll: Path) -> None:
    path = roll / TARGET
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))


def _truncate(roll: Path) -> None:
    path = roll / TARGET
    path.write_bytes(path.read_bytes()[:-1])


def _delete(roll: Path) -> None:
    (roll / TARGET).unlink()


def _add_extra(roll: Path) -> None:
    (roll / EXTRA).write_bytes(clip(99, 700))


def _rename_to_nfd(roll: Path) -> None:
    (roll / ACCENTED).rename(roll / ACCENTED_NFD)


@dataclass(frozen=True)
class Damage:
    id: str
    apply: Callable[[Path], None]
    #: Status of TARGET (or of EXTRA for the extra file), given whether the MHL checks content.
    expect: Callable[[bool], dict[str, FileStatus]]


DAMAGES = [
    Damage("clean", lambda roll: None, lambda content: {}),
    Damage(
        "flipped-byte",
        _flip_byte,
        lambda content: {TARGET: FileStatus.MISMATCH if content else FileStatus.OK},
    ),
    Damage("truncated", _truncate, lambda content: {TARGET: FileStatus.SIZE_DIFFERS}),
    Damage("deleted", _delete, lambda content: {TARGET: FileStatus.MISSING}),
    Damage("extra-file", _add_extra, lambda content: {EXTRA: FileStatus.EXTRA}),
    Damage("renamed-to-nfd", _rename_to_nfd, lambda content: {}),
]


# --- fixtures -------------------------------------------------------------------------------------


class SealedTemplates:
    """Each source's sealed roll, built once per session and copied into every test's tmp_path."""

    def __init__(self, base: Path) -> None:
        self._base = base
        self._built: dict[str, Path] = {}

    def copy(self, source: Source, destination: Path) -> Path:
        if source.id not in self._built:
            template = self._base / source.id / ROLL
            write_files(template, MEDIA)
            source.build(template)
            self._built[source.id] = template
        roll = destination / ROLL
        shutil.copytree(self._built[source.id], roll)
        return roll


@pytest.fixture(scope="session")
def templates(tmp_path_factory: pytest.TempPathFactory) -> SealedTemplates:
    return SealedTemplates(tmp_path_factory.mktemp("sealed-templates"))


@pytest.fixture
def ascmhl_roll(templates: SealedTemplates, tmp_path: Path) -> Path:
    """A roll sealed by `ascmhl create -h xxh128` (the reference tool's default kind)."""
    source = next(s for s in SOURCES if s.id == "ascmhl-xxh128")
    return templates.copy(source, tmp_path)


# --- the specification ----------------------------------------------------------------------------


@pytest.mark.parametrize("damage", DAMAGES, ids=[d.id for d in DAMAGES])
@pytest.mark.parametrize("source", SOURCES, ids=[s.id for s in SOURCES])
def test_third_party_roll_verdict_matches_the_damage_done(
    source: Source, damage: Damage, templates: SealedTemplates, tmp_path: Path
) -> None:
    roll = templates.copy(source, tmp_path)
    damage.apply(roll)

    result = only_roll(roll)

    expected = dict.fromkeys(MEDIA, FileStatus.OK) | damage.expect(source.checks_content)
    assert statuses(result) == expected, result.error
    failing = any(s not in (FileStatus.OK, FileStatus.EXTRA) for s in expected.values())
    assert result.verdict is (RollVerdict.FAILED if failing else RollVerdict.VERIFIED)
    assert result.manifest is not None
    assert result.manifest.warnings == []


@pytest.mark.parametrize("source", SOURCES, ids=[s.id for s in SOURCES])
def test_third_party_roll_matches_a_name_renamed_to_nfd_and_reports_the_disk_name(
    source: Source, templates: SealedTemplates, tmp_path: Path
) -> None:
    roll = templates.copy(source, tmp_path)
    _rename_to_nfd(roll)

    result = only_roll(roll)

    disk_names = {f.path: f.disk_name for f in result.files if f.disk_name is not None}
    assert disk_names == {ACCENTED: ACCENTED_NFD}
    assert result.verdict is RollVerdict.VERIFIED


@pytest.mark.parametrize("source", SOURCES, ids=[s.id for s in SOURCES])
def test_third_party_roll_has_its_hashes_actually_compared(
    source: Source, templates: SealedTemplates, tmp_path: Path
) -> None:
    """Guards the clean verdicts above: an OK must come from a hash comparison, not a skip."""
    roll = templates.copy(source, tmp_path)

    result = only_roll(roll)

    target = next(f for f in result.files if f.path == TARGET)
    if source.checks_content:
        assert target.expected
        assert target.actual == target.expected
        assert result.bytes_hashed == sum(len(c) for c in MEDIA.values())
    else:
        assert target.expected == {}
        assert result.bytes_hashed == 0


def _ascmhl_nested(roll: Path) -> None:
    """The reference tool's nested layout: Clip/ sealed first, then the roll around it."""
    _run_checked("ascmhl", "create", "-h", "md5", str(roll / "Clip"))
    _run_checked("ascmhl", "create", "-h", "xxh64", str(roll))


NESTED = Source("ascmhl-nested-histories", _ascmhl_nested)


def test_nested_reference_histories_verify_each_file_against_its_nearest_history(
    templates: SealedTemplates, tmp_path: Path
) -> None:
    roll = templates.copy(NESTED, tmp_path)

    result = only_roll(roll)

    assert result.verdict is RollVerdict.VERIFIED
    assert statuses(result) == dict.fromkeys(MEDIA, FileStatus.OK)
    assert result.manifest is not None
    nested = result.manifest.entries[TARGET]
    assert nested.mhl_file.parent == roll / "Clip" / "ascmhl"
    assert nested.mhl_file.name.startswith("0002_Clip_")  # the root run re-verified Clip/
    assert [(h.kind.value, h.action.value) for h in nested.hashes] == [
        ("md5", "verified"),
        ("xxh64", "verified"),
    ]
    assert result.manifest.entries["A001C001.mov"].mhl_file.parent == roll / "ascmhl"


def test_nested_reference_histories_detect_a_flipped_byte_in_the_nested_folder(
    templates: SealedTemplates, tmp_path: Path
) -> None:
    roll = templates.copy(NESTED, tmp_path)
    _flip_byte(roll)

    result = only_roll(roll)

    assert statuses(result) == dict.fromkeys(MEDIA, FileStatus.OK) | {TARGET: FileStatus.MISMATCH}
    assert result.verdict is RollVerdict.FAILED


# --- the command line, once -----------------------------------------------------------------------


def rollkeeper_verify_json(path: Path) -> tuple[int, dict[str, object]]:
    done = run_tool("rollkeeper", "verify", "--json", str(path))
    document: dict[str, object] = json.loads(done.stdout)
    return done.returncode, document


def test_cli_verify_json_exits_0_with_the_versioned_schema_for_a_clean_roll(
    ascmhl_roll: Path,
) -> None:
    code, document = rollkeeper_verify_json(ascmhl_roll)

    assert code == 0
    assert document["schema"] == "rollkeeper.verify/1"
    assert document["verdict"] == "verified"
    assert document["exit_code"] == 0


def test_cli_verify_json_exits_1_and_names_the_mismatch_for_a_flipped_byte(
    ascmhl_roll: Path,
) -> None:
    _flip_byte(ascmhl_roll)

    code, document = rollkeeper_verify_json(ascmhl_roll)

    assert code == 1
    assert document["schema"] == "rollkeeper.verify/1"
    assert document["verdict"] == "failed"
    rolls = document["rolls"]
    assert isinstance(rolls, list)
    files = {f["path"]: f["status"] for f in rolls[0]["files"]}
    assert files[TARGET] == "mismatch"
    assert sorted(path for path, status in files.items() if status != "ok") == [TARGET]


def test_cli_verify_json_exits_2_for_an_mhl_that_cannot_be_trusted(ascmhl_roll: Path) -> None:
    generation = next((ascmhl_roll / "ascmhl").glob("0001_*.mhl"))
    generation.write_bytes(generation.read_bytes().replace(b"<hashes>", b"<hashes>\n"))

    code, document = rollkeeper_verify_json(ascmhl_roll)

    assert code == 2
    assert document["verdict"] == "invalid"


def test_reference_names_are_nfc_on_this_filesystem(tmp_path: Path) -> None:
    """The NFD test above is only meaningful if the filesystem keeps both spellings apart."""
    (tmp_path / ACCENTED).write_bytes(b"x")
    assert [p.name for p in tmp_path.iterdir()] == [ACCENTED]
    assert not (tmp_path / ACCENTED_NFD).exists()
