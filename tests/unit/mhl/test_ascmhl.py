"""Specification: reading ASC MHL v2 histories (FORMATS.md §2).

Histories are written by hand here, with hashes and chain C4 ids computed independently of the
code under test (python-xxhash, hashlib and the reference tool's own C4 hasher).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
import xxhash
from ascmhl.hasher import C4
from rollkeeper.core.errors import MhlError
from rollkeeper.mhl.ascmhl import read_history
from rollkeeper.mhl.model import ExpectedHash, HashAction, HashKind, SourceFormat
from rollkeeper.mhl.verify import FileStatus, RollVerdict

from tests.builders import clip, write_files
from tests.verification import only_roll, statuses

OLD = clip(1, 3100)
NEW = clip(2, 3100)
OTHER = clip(3, 1200)
OTHER_BEFORE = clip(4, 1200)
KINDS = ("xxh64", "xxh3", "xxh128", "md5", "sha1", "c4")


def digest(kind: str, data: bytes) -> str:
    """The ASC MHL text of `kind` for `data`, computed without the code under test."""
    if kind == "xxh64":
        return xxhash.xxh64(data).hexdigest()
    if kind == "xxh3":
        return xxhash.xxh3_64(data).hexdigest()
    if kind == "xxh128":
        return xxhash.xxh3_128(data).hexdigest()
    if kind == "md5":
        return hashlib.md5(data, usedforsecurity=False).hexdigest()
    if kind == "sha1":
        return hashlib.sha1(data, usedforsecurity=False).hexdigest()
    assert kind == "c4"
    value: str = C4.hash_data(data)
    return value


def hash_xml(
    path: str,
    content: bytes,
    kinds: Sequence[str] = ("xxh64",),
    *,
    action: str = "original",
    with_size: bool = True,
) -> str:
    size = f' size="{len(content)}"' if with_size else ""
    elements = "".join(
        f'<{k} action="{action}" hashdate="2026-11-21T10:00:00Z">{digest(k, content)}</{k}>'
        for k in kinds
    )
    return (
        f'<hash><path{size} lastmodificationdate="2026-11-21T09:00:00Z">{escape(path)}</path>'
        f"{elements}</hash>"
    )


def write_generation(
    folder: Path, sequence: int, hashes: Sequence[str], patterns: Sequence[str] = ()
) -> Path:
    ignore = (
        "<ignore>" + "".join(f"<pattern>{escape(p)}</pattern>" for p in patterns) + "</ignore>"
        if patterns
        else ""
    )
    text = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<hashlist version="2.0" xmlns="urn:ASC:MHL:v2.0">\n'
        "<creatorinfo><creationdate>2026-11-21T10:00:00Z</creationdate>"
        '<hostname>cart</hostname><tool version="1">hand</tool></creatorinfo>\n'
        f"<processinfo><process>in-place</process>{ignore}</processinfo>\n"
        "<hashes>\n" + "\n".join(hashes) + "\n</hashes>\n</hashlist>\n"
    )
    history = folder / "ascmhl"
    history.mkdir(parents=True, exist_ok=True)
    generation = history / f"{sequence:04d}_{folder.name}_2026-11-21_{100000 + sequence}Z.mhl"
    generation.write_text(text, encoding="utf-8")
    return generation


def write_chain(
    folder: Path, generations: Sequence[Path], *, without_c4: Sequence[int] = ()
) -> None:
    links = []
    for number, generation in enumerate(generations, start=1):
        c4 = "" if number in without_c4 else f"<c4>{C4.hash_data(generation.read_bytes())}</c4>"
        links.append(
            f'<hashlist sequencenr="{number}"><path>{generation.name}</path>{c4}</hashlist>'
        )
    (folder / "ascmhl" / "ascmhl_chain.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<ascmhldirectory xmlns="urn:ASC:MHL:DIRECTORY:v2.0">\n'
        + "\n".join(links)
        + "\n</ascmhldirectory>\n",
        encoding="utf-8",
    )


def sealed(folder: Path, *generations: Sequence[str], patterns: Sequence[str] = ()) -> list[Path]:
    """Write `generations` (each a list of <hash> elements) and a complete chain."""
    written = [
        write_generation(folder, number, hashes, patterns if number == 1 else ())
        for number, hashes in enumerate(generations, start=1)
    ]
    write_chain(folder, written)
    return written


@pytest.fixture
def roll(tmp_path: Path) -> Path:
    return write_files(tmp_path / "A001R1AB", {"a.mov": NEW, "Clip/b.mov": OTHER})


# --- newest generation wins --------------------------------------------------------------------


def test_read_history_keeps_the_newest_generation_per_file(roll: Path) -> None:
    first, second = sealed(
        roll,
        [hash_xml("a.mov", OLD), hash_xml("Clip/b.mov", OTHER)],
        [hash_xml("a.mov", NEW, ("md5",), action="verified")],
    )

    history = read_history(roll)

    assert history.generations == [first, second]
    assert history.warnings == []
    a, b = history.entries["a.mov"], history.entries["Clip/b.mov"]
    assert (a.mhl_file, a.size, a.hashes) == (
        second,
        len(NEW),
        (ExpectedHash(HashKind.MD5, digest("md5", NEW), HashAction.VERIFIED),),
    )
    assert (b.mhl_file, b.source_format) == (first, SourceFormat.ASC)


def test_a_file_changed_and_recorded_again_verifies_against_the_newest_generation(
    roll: Path,
) -> None:
    sealed(
        roll,
        [hash_xml("a.mov", OLD), hash_xml("Clip/b.mov", OTHER)],
        [hash_xml("a.mov", NEW)],
    )
    result = only_roll(roll)
    assert statuses(result) == {"a.mov": FileStatus.OK, "Clip/b.mov": FileStatus.OK}
    assert result.verdict is RollVerdict.VERIFIED


def test_content_matching_only_an_older_generation_is_a_mismatch(roll: Path) -> None:
    (roll / "a.mov").write_bytes(OLD)
    sealed(
        roll,
        [hash_xml("a.mov", OLD, ("xxh64",)), hash_xml("Clip/b.mov", OTHER)],
        [hash_xml("a.mov", NEW, ("xxh64",))],
    )
    result = only_roll(roll)
    assert statuses(result)["a.mov"] is FileStatus.MISMATCH
    assert result.verdict is RollVerdict.FAILED


def test_generations_are_ordered_by_sequence_number_not_by_file_name(roll: Path) -> None:
    older = write_generation(roll, 9999, [hash_xml("a.mov", OLD), hash_xml("Clip/b.mov", OTHER)])
    newer = write_generation(roll, 10000, [hash_xml("a.mov", NEW, action="verified")])
    assert sorted([older.name, newer.name]) == [newer.name, older.name]
    write_chain(roll, [older, newer])

    history = read_history(roll)

    assert history.generations == [older, newer]
    assert history.entries["a.mov"].mhl_file == newer
    assert only_roll(roll).verdict is RollVerdict.VERIFIED


# --- action="failed" -----------------------------------------------------------------------------


def test_failed_in_the_newest_generation_is_known_bad_even_if_the_content_matches(
    roll: Path,
) -> None:
    sealed(
        roll,
        [hash_xml("a.mov", OLD), hash_xml("Clip/b.mov", OTHER)],
        [hash_xml("a.mov", NEW, action="failed"), hash_xml("Clip/b.mov", OTHER, action="verified")],
    )
    result = only_roll(roll)
    assert statuses(result) == {"a.mov": FileStatus.KNOWN_BAD, "Clip/b.mov": FileStatus.OK}
    assert result.verdict is RollVerdict.FAILED


def test_failed_in_an_older_generation_then_verified_is_ok(roll: Path) -> None:
    sealed(
        roll,
        [hash_xml("a.mov", NEW), hash_xml("Clip/b.mov", OTHER)],
        [hash_xml("a.mov", OLD, action="failed")],
        [hash_xml("a.mov", NEW, action="verified")],
    )
    result = only_roll(roll)
    assert statuses(result) == {"a.mov": FileStatus.OK, "Clip/b.mov": FileStatus.OK}


def test_an_unknown_action_is_refused(roll: Path) -> None:
    sealed(roll, [hash_xml("a.mov", NEW, action="maybe"), hash_xml("Clip/b.mov", OTHER)])
    with pytest.raises(MhlError, match="action 'maybe' is not one of"):
        read_history(roll)


# --- the chain ------------------------------------------------------------------------------------


def test_a_generation_recorded_in_the_chain_but_deleted_makes_the_roll_invalid(
    roll: Path,
) -> None:
    first, _second = sealed(
        roll,
        [hash_xml("a.mov", NEW), hash_xml("Clip/b.mov", OTHER)],
        [hash_xml("a.mov", NEW, action="verified")],
    )
    first.unlink()

    with pytest.raises(MhlError, match=rf"generation 1 \({first.name}\) .* missing"):
        read_history(roll)
    result = only_roll(roll)
    assert result.verdict is RollVerdict.INVALID
    assert result.error is not None
    assert f"generation 1 ({first.name})" in result.error


def test_a_deleted_newest_generation_is_noticed(roll: Path) -> None:
    """The reference tool misses this one (FORMATS.md §2)."""
    _first, second = sealed(
        roll,
        [hash_xml("a.mov", OLD), hash_xml("Clip/b.mov", OTHER)],
        [hash_xml("a.mov", NEW, action="verified")],
    )
    second.unlink()

    result = only_roll(roll)

    assert result.verdict is RollVerdict.INVALID
    assert result.error is not None
    assert f"generation 2 ({second.name})" in result.error


def test_an_altered_generation_makes_the_roll_invalid(roll: Path) -> None:
    [generation] = sealed(roll, [hash_xml("a.mov", OLD), hash_xml("Clip/b.mov", OTHER)])
    text = generation.read_text(encoding="utf-8")
    generation.write_text(
        text.replace(digest("xxh64", OLD), digest("xxh64", NEW)), encoding="utf-8"
    )

    result = only_roll(roll)

    assert result.verdict is RollVerdict.INVALID
    assert result.error is not None
    assert "generation 1 was altered" in result.error
    assert generation.name in result.error


def test_a_chain_entry_without_c4_is_a_warning_not_a_failure(roll: Path) -> None:
    generations = [
        write_generation(roll, 1, [hash_xml("a.mov", OLD), hash_xml("Clip/b.mov", OTHER)]),
        write_generation(roll, 2, [hash_xml("a.mov", NEW, action="verified")]),
    ]
    write_chain(roll, generations, without_c4=[2])

    result = only_roll(roll)

    assert result.verdict is RollVerdict.VERIFIED
    assert result.manifest is not None
    assert len(result.manifest.warnings) == 1
    assert "generation 2 has no c4" in result.manifest.warnings[0]


def test_a_generation_missing_from_the_chain_is_a_warning(roll: Path) -> None:
    first = write_generation(roll, 1, [hash_xml("a.mov", OLD), hash_xml("Clip/b.mov", OTHER)])
    write_chain(roll, [first])
    second = write_generation(roll, 2, [hash_xml("a.mov", NEW, action="verified")])

    history = read_history(roll)

    assert history.generations == [first, second]
    assert history.warnings == [
        f"{roll / 'ascmhl'}: generation {second.name} is not recorded in ascmhl_chain.xml"
    ]


def test_a_history_without_a_chain_file_is_read_with_a_warning(roll: Path) -> None:
    write_generation(roll, 1, [hash_xml("a.mov", NEW), hash_xml("Clip/b.mov", OTHER)])

    result = only_roll(roll)

    assert result.verdict is RollVerdict.VERIFIED
    assert result.manifest is not None
    assert any("no ascmhl_chain.xml" in w for w in result.manifest.warnings)


@pytest.mark.parametrize("name", ["../0001_x.mhl", "sub/0001_x.mhl", ".hidden.mhl"])
def test_a_chain_entry_outside_the_history_folder_is_refused(roll: Path, name: str) -> None:
    [generation] = sealed(roll, [hash_xml("a.mov", NEW), hash_xml("Clip/b.mov", OTHER)])
    chain = roll / "ascmhl" / "ascmhl_chain.xml"
    chain.write_text(chain.read_text(encoding="utf-8").replace(generation.name, name))
    with pytest.raises(MhlError, match="outside ascmhl/"):
        read_history(roll)


def test_a_history_folder_without_generations_makes_the_roll_invalid(roll: Path) -> None:
    (roll / "ascmhl").mkdir()
    result = only_roll(roll)
    assert result.verdict is RollVerdict.INVALID
    assert result.error is not None
    assert "holds no generation manifests" in result.error


# --- ignore patterns ------------------------------------------------------------------------------


def test_ignore_patterns_of_an_older_generation_make_matching_files_ignored_not_extra(
    roll: Path,
) -> None:
    write_files(roll, {"scratch.tmp": b"x", "Proxy/p.mp4": b"y", "notes.txt": b"z"})
    sealed(
        roll,
        [hash_xml("a.mov", OLD), hash_xml("Clip/b.mov", OTHER)],
        [hash_xml("a.mov", NEW, action="verified")],
        patterns=["*.tmp", "Proxy/"],
    )

    result = only_roll(roll)

    assert statuses(result) == {
        "a.mov": FileStatus.OK,
        "Clip/b.mov": FileStatus.OK,
        "Proxy/p.mp4": FileStatus.IGNORED,
        "notes.txt": FileStatus.EXTRA,
        "scratch.tmp": FileStatus.IGNORED,
    }
    assert result.verdict is RollVerdict.VERIFIED


def test_an_ignore_pattern_never_hides_a_file_the_history_records(roll: Path) -> None:
    (roll / "a.mov").write_bytes(OLD)
    sealed(roll, [hash_xml("a.mov", NEW), hash_xml("Clip/b.mov", OTHER)], patterns=["*.mov"])
    assert statuses(only_roll(roll))["a.mov"] is FileStatus.MISMATCH


# --- nested histories -----------------------------------------------------------------------------


def test_a_file_belongs_to_the_nearest_history(roll: Path) -> None:
    sealed(roll, [hash_xml("a.mov", NEW), hash_xml("Clip/b.mov", OTHER_BEFORE)])
    [nested] = sealed(roll / "Clip", [hash_xml("b.mov", OTHER)])

    result = only_roll(roll)

    assert statuses(result) == {"a.mov": FileStatus.OK, "Clip/b.mov": FileStatus.OK}
    assert result.manifest is not None
    assert result.manifest.entries["Clip/b.mov"].mhl_file == nested


def test_the_nearest_history_wins_even_when_the_outer_one_matches_the_disk(roll: Path) -> None:
    sealed(roll, [hash_xml("a.mov", NEW), hash_xml("Clip/b.mov", OTHER)])
    sealed(roll / "Clip", [hash_xml("b.mov", OTHER_BEFORE)])

    result = only_roll(roll)

    assert statuses(result) == {"a.mov": FileStatus.OK, "Clip/b.mov": FileStatus.MISMATCH}


def test_a_nested_history_only_is_one_roll_with_its_files_re_rooted(roll: Path) -> None:
    sealed(roll, [hash_xml("a.mov", NEW)])
    sealed(roll / "Clip", [hash_xml("b.mov", OTHER)])

    result = only_roll(roll)

    assert result.root == roll
    assert statuses(result) == {"a.mov": FileStatus.OK, "Clip/b.mov": FileStatus.OK}


def test_a_damaged_nested_history_makes_the_whole_roll_invalid(roll: Path) -> None:
    sealed(roll, [hash_xml("a.mov", NEW)])
    [nested] = sealed(roll / "Clip", [hash_xml("b.mov", OTHER)])
    nested.unlink()

    result = only_roll(roll)

    assert result.verdict is RollVerdict.INVALID
    assert result.error is not None
    assert "Clip/ascmhl" in result.error


def test_ignore_patterns_of_a_nested_history_apply_only_inside_its_folder(roll: Path) -> None:
    write_files(
        roll,
        {
            "Clip/scratch.tmp": b"x",
            "Clip/deep/more.tmp": b"y",
            "Clip/cache/c.bin": b"c",
            "top.tmp": b"z",
            "cache/c.bin": b"c",
        },
    )
    sealed(roll, [hash_xml("a.mov", NEW)])
    sealed(roll / "Clip", [hash_xml("b.mov", OTHER)], patterns=["*.tmp", "/cache/*.bin"])

    result = only_roll(roll)

    assert statuses(result) == {
        "a.mov": FileStatus.OK,
        "Clip/b.mov": FileStatus.OK,
        "Clip/cache/c.bin": FileStatus.IGNORED,
        "Clip/deep/more.tmp": FileStatus.IGNORED,
        "Clip/scratch.tmp": FileStatus.IGNORED,
        "cache/c.bin": FileStatus.EXTRA,
        "top.tmp": FileStatus.EXTRA,
    }


# --- hash kinds -----------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_each_asc_hash_kind_verifies_its_file(roll: Path, kind: str) -> None:
    sealed(roll, [hash_xml("a.mov", NEW, (kind,)), hash_xml("Clip/b.mov", OTHER, (kind,))])

    result = only_roll(roll)

    assert result.verdict is RollVerdict.VERIFIED
    assert statuses(result) == {"a.mov": FileStatus.OK, "Clip/b.mov": FileStatus.OK}
    a = next(f for f in result.files if f.path == "a.mov")
    assert a.actual == {HashKind(kind): digest(kind, NEW)}


@pytest.mark.parametrize("kind", KINDS)
def test_each_asc_hash_kind_detects_a_flipped_byte(roll: Path, kind: str) -> None:
    sealed(roll, [hash_xml("a.mov", NEW, (kind,)), hash_xml("Clip/b.mov", OTHER, (kind,))])
    flipped = bytearray(NEW)
    flipped[100] ^= 0x80
    (roll / "a.mov").write_bytes(bytes(flipped))

    result = only_roll(roll)

    assert statuses(result) == {"a.mov": FileStatus.MISMATCH, "Clip/b.mov": FileStatus.OK}


def test_every_kind_of_an_entry_must_match(roll: Path) -> None:
    good = hash_xml("a.mov", NEW, ("md5", "xxh64"))
    bad_md5 = good.replace(digest("md5", NEW), digest("md5", OLD))
    sealed(roll, [bad_md5, hash_xml("Clip/b.mov", OTHER)])
    assert statuses(only_roll(roll))["a.mov"] is FileStatus.MISMATCH


@pytest.mark.parametrize("kind", KINDS)
def test_a_malformed_hash_value_is_refused(roll: Path, kind: str) -> None:
    entry = hash_xml("a.mov", NEW, (kind,)).replace(digest(kind, NEW), "c4zz" + "0" * 10)
    sealed(roll, [entry])
    with pytest.raises(MhlError, match=f"<{kind}> value is not a valid {kind} hash"):
        read_history(roll)


def test_an_entry_with_only_unknown_hash_kinds_is_refused(roll: Path) -> None:
    entry = '<hash><path size="1">a.mov</path><sha256 action="original">00</sha256></hash>'
    sealed(roll, [entry])
    with pytest.raises(MhlError, match=r"names no hash this tool knows \(found: <sha256>"):
        read_history(roll)


# --- paths, sizes and structure -------------------------------------------------------------------


def test_an_entry_without_a_size_is_checked_by_hash_only(roll: Path) -> None:
    """The reference tool writes no size for an empty file."""
    (roll / "empty.txt").write_bytes(b"")
    sealed(
        roll,
        [
            hash_xml("a.mov", NEW),
            hash_xml("Clip/b.mov", OTHER),
            hash_xml("empty.txt", b"", with_size=False),
        ],
    )
    history = read_history(roll)
    assert history.entries["empty.txt"].size is None
    assert statuses(only_roll(roll))["empty.txt"] is FileStatus.OK


@pytest.mark.parametrize("size", ["-1", "big", "²", "٣"])
def test_a_size_that_is_not_a_byte_count_is_refused(roll: Path, size: str) -> None:
    entry = hash_xml("a.mov", NEW).replace(f'size="{len(NEW)}"', f'size="{size}"')
    sealed(roll, [entry])
    with pytest.raises(MhlError, match="is not a byte count"):
        read_history(roll)


@pytest.mark.parametrize("path", ["../a.mov", "/etc/passwd", "Clip/../../a.mov"])
def test_a_path_that_leaves_the_folder_makes_the_roll_invalid(roll: Path, path: str) -> None:
    sealed(roll, [hash_xml(path, NEW)])
    result = only_roll(roll)
    assert result.verdict is RollVerdict.INVALID
    assert result.error is not None
    assert "not trusted" in result.error


def test_a_backslash_in_an_asc_path_is_part_of_the_name(roll: Path) -> None:
    (roll / "odd\\name.mov").write_bytes(OTHER)
    sealed(
        roll,
        [hash_xml("a.mov", NEW), hash_xml("Clip/b.mov", OTHER), hash_xml("odd\\name.mov", OTHER)],
    )
    result = only_roll(roll)
    assert statuses(result)["odd\\name.mov"] is FileStatus.OK
    assert result.verdict is RollVerdict.VERIFIED


def test_directory_hashes_are_not_mistaken_for_files(roll: Path) -> None:
    directory = (
        "<directoryhash><path>Clip</path>"
        '<content><xxh64 hashdate="2026-11-21T10:00:00Z">0000000000000000</xxh64></content>'
        '<structure><xxh64 hashdate="2026-11-21T10:00:00Z">0000000000000000</xxh64></structure>'
        "</directoryhash>"
    )
    sealed(roll, [hash_xml("Clip/b.mov", OTHER), directory, hash_xml("a.mov", NEW)])
    assert set(read_history(roll).entries) == {"a.mov", "Clip/b.mov"}


def test_a_legacy_document_in_the_history_folder_is_refused(roll: Path) -> None:
    history = roll / "ascmhl"
    history.mkdir()
    (history / "0001_A001R1AB_2026-11-21_100001Z.mhl").write_text(
        "<hashlist version='1.1'><hash><file>a.mov</file><size>1</size><null/></hash></hashlist>"
    )
    with pytest.raises(MhlError, match="is not an ASC MHL manifest"):
        read_history(roll)


def test_the_last_good_record_of_a_file_skips_generations_that_recorded_it_failed(
    roll: Path,
) -> None:
    first, _second, _third = sealed(
        roll,
        [hash_xml("a.mov", NEW), hash_xml("Clip/b.mov", OTHER)],
        [hash_xml("a.mov", OLD, action="failed")],
        [hash_xml("Clip/b.mov", OTHER, action="verified")],
    )

    history = read_history(roll)

    assert history.entries["a.mov"].known_bad
    assert history.last_good["a.mov"].mhl_file == first
    assert history.last_good["a.mov"].hashes == (
        ExpectedHash(HashKind.XXH64, digest("xxh64", NEW)),
    )


def test_a_name_with_leading_or_trailing_spaces_verifies(roll: Path) -> None:
    write_files(roll, {" lead.mov": NEW, "trail.mov ": OTHER})
    sealed(
        roll,
        [
            hash_xml("a.mov", NEW),
            hash_xml("Clip/b.mov", OTHER),
            hash_xml(" lead.mov", NEW),
            hash_xml("trail.mov ", OTHER),
        ],
    )
    assert only_roll(roll).verdict is RollVerdict.VERIFIED
