"""Specification: a request file is written whole, read back as written, and one that is not a
request is told apart and moved aside, never lost."""

from __future__ import annotations

import json
from pathlib import Path

from rollkeeper.fs import requests


def test_a_request_reads_back_as_written_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    written = requests.write_request(tmp_path, "erased", {"volume_id": 2, "force": False})

    (path,) = requests.pending(tmp_path)
    assert requests.read_request(path) == written
    assert len(written.id) == 16
    assert [p.name for p in (tmp_path / "requests").iterdir()] == [path.name]


def test_requests_are_taken_oldest_first(tmp_path: Path) -> None:
    first = requests.write_request(tmp_path, "reverify", {"roll_id": "a"})
    second = requests.write_request(tmp_path, "reverify", {"roll_id": "b"})
    assert [requests.read_request(p) for p in requests.pending(tmp_path)] == [first, second]


def test_a_file_being_written_is_not_a_pending_request(tmp_path: Path) -> None:
    (tmp_path / "requests").mkdir()
    (tmp_path / "requests" / ".x.json.1234.tmp").write_text("{")
    assert requests.pending(tmp_path) == []


def test_a_garbled_file_is_unreadable_with_the_reason(tmp_path: Path) -> None:
    garbled = tmp_path / "g.json"
    garbled.write_bytes(b"\xff{")
    missing = tmp_path / "m.json"
    missing.write_text(json.dumps({"kind": "erased"}))
    assert isinstance(requests.read_request(garbled), requests.Unreadable)
    assert requests.read_request(missing) == requests.Unreadable(
        "lacks one of id, kind, arguments, requested_at (or one is mistyped)"
    )


def test_a_file_set_aside_keeps_its_bytes_out_of_the_inbox(tmp_path: Path) -> None:
    (tmp_path / "requests").mkdir()
    path = tmp_path / "requests" / "bad.json"
    path.write_bytes(b"{not json")

    kept = requests.set_aside(path)

    assert kept == tmp_path / "requests" / "set_aside" / "bad.json"
    assert kept.read_bytes() == b"{not json"
    assert requests.pending(tmp_path) == []
