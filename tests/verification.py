"""Reading what a verification found, as specifications ask it: the one roll at a path, and each
file's status or result by path."""

from __future__ import annotations

from pathlib import Path

from rollkeeper.mhl.verify import FileResult, FileStatus, RollResult, verify_path


def only_roll(path: Path, *, jobs: int = 2) -> RollResult:
    """The verification of the one roll at `path` (fails the test when there are more)."""
    results = verify_path(path, jobs=jobs)
    assert len(results) == 1, [r.root for r in results]
    return results[0]


def by_path(roll: RollResult) -> dict[str, FileResult]:
    return {f.path: f for f in roll.files}


def statuses(roll: RollResult) -> dict[str, FileStatus]:
    return {f.path: f.status for f in roll.files}
