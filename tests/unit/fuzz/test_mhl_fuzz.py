"""Fuzzing the MHL readers (property-based, bounded): whatever bytes an MHL holds — a real one
cut short, spliced with junk, its text swapped for hostile strings, or plain noise — reading
it either gives entries or refuses with a sentence naming the file (`MhlError`). Never another
exception, never a hang: each example has a deadline."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rollkeeper.core.errors import MhlError
from rollkeeper.mhl.ascmhl import read_history
from rollkeeper.mhl.legacy import read_legacy

from tests.builders import asc_roll, legacy_entry, legacy_mhl

FUZZ = settings(
    max_examples=150,
    deadline=2000,  # ms per example: a hang is a failure, not a slow test
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
HOSTILE_TEXT = st.sampled_from([
    "", "../../etc/passwd", "/abs/path.mov", "a\u0000b", "\ufeff", "&amp;", "&lt;x&gt;", "]]>",
    "<![CDATA[x]]>", "&#0;", "&#xD800;", "é" * 5000, "1e999", "-1", "0x10", "A" * 100_000,
    '<!DOCTYPE x [<!ENTITY a "aaaa">]>', "&a;", "<?xml version='1.0'?>",
])  # fmt: skip

VALID_LEGACY = legacy_mhl([
    legacy_entry("Clips/A001C001.mov", 4096, "<xxhash64be>0123456789abcdef</xxhash64be>"),
    legacy_entry("Clips/A001C002.mov", 10, "<md5>0123456789abcdef0123456789abcdef</md5>"),
]).encode()  # fmt: skip


@pytest.fixture
def scratch() -> Iterator[Path]:
    """A folder of its own for the whole test (hypothesis runs many examples in one test)."""
    folder = Path(tempfile.mkdtemp(prefix="rk-fuzz-"))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def mutated(document: bytes) -> st.SearchStrategy[bytes]:
    """`document` cut short, with bytes spliced in, or with a run of it replaced by hostile
    text; or noise."""
    cut = st.integers(0, len(document)).map(lambda n: document[:n])
    splice = st.tuples(st.integers(0, len(document)), st.binary(max_size=64)).map(
        lambda t: document[: t[0]] + t[1] + document[t[0] :]
    )
    swap = st.tuples(st.integers(0, len(document)), st.integers(0, 40), HOSTILE_TEXT).map(
        lambda t: document[: t[0]] + t[2].encode("utf-8", "surrogatepass") + document[t[0] + t[1] :]
    )
    return st.one_of(cut, splice, swap, st.binary(max_size=512))


def _read_legacy_or_refuse(path: Path) -> None:
    try:
        read_legacy(path)
    except MhlError as err:
        assert str(path) in str(err)


@FUZZ
@given(content=mutated(VALID_LEGACY))
def test_a_mangled_legacy_mhl_is_read_or_refused_by_name(scratch: Path, content: bytes) -> None:
    mhl = scratch / "A001R1AB_2026-11-21_100000.mhl"
    mhl.write_bytes(content)
    _read_legacy_or_refuse(mhl)


@FUZZ
@given(path=HOSTILE_TEXT, size=HOSTILE_TEXT, digest=HOSTILE_TEXT)
def test_hostile_field_values_in_a_legacy_mhl_are_read_or_refused_by_name(
    scratch: Path, path: str, size: str, digest: str
) -> None:
    entry = (
        f"  <hash><file>{path}</file><size>{size}</size><xxhash64be>{digest}</xxhash64be></hash>"
    )
    mhl = scratch / "A001R1AB_2026-11-21_100000.mhl"
    mhl.write_text(legacy_mhl([entry]), encoding="utf-8", errors="surrogatepass")
    _read_legacy_or_refuse(mhl)


def _asc_generation(scratch: Path) -> tuple[Path, bytes]:
    """A real one-generation ASC MHL roll, made once per test; its manifest and its bytes."""
    roll = scratch / "A001R1AB"
    if not roll.exists():
        asc_roll(roll, {"Clips/A001C001.mov": b"x" * 100, "Clips/A001C002.mov": b"y" * 10})
    manifest = next((roll / "ascmhl").glob("0001_*.mhl"))
    return manifest, manifest.read_bytes()


@FUZZ
@given(data=st.data())
def test_a_mangled_asc_mhl_generation_is_read_or_refused_by_name(
    scratch: Path, data: st.DataObject
) -> None:
    manifest, original = _asc_generation(scratch)
    manifest.write_bytes(data.draw(mutated(original)))
    try:
        read_history(manifest.parent.parent)
    except MhlError as err:
        assert "ascmhl" in str(err)
    finally:
        manifest.write_bytes(original)


@FUZZ
@given(data=st.data())
def test_a_mangled_asc_mhl_chain_is_read_or_refused_by_name(
    scratch: Path, data: st.DataObject
) -> None:
    manifest, _ = _asc_generation(scratch)
    chain = manifest.parent / "ascmhl_chain.xml"
    original = chain.read_bytes()
    chain.write_bytes(data.draw(mutated(original)))
    try:
        read_history(manifest.parent.parent)
    except MhlError as err:
        assert "ascmhl" in str(err)
    finally:
        chain.write_bytes(original)
