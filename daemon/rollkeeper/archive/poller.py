"""Asking the archive provider about every uploaded roll whose turn has come.

Per-roll backoff: every `poll_interval` on a roll's first day (the archive usually lands then),
every `poll_interval_later` after. Everything lives in the ledger, so a restart loses nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from rollkeeper.archive.model import ArchiveProvider, ArchiveReport, ArchiveRoll, StoredRecord
from rollkeeper.config.sections import ArchiveSettings
from rollkeeper.ledger.rows import ArchiveDue, StoredObjectRecord


@dataclass(frozen=True, slots=True)
class ArchiveAnswer:
    """One roll's poll result, ready for the ledger."""

    roll_id: str
    report: ArchiveReport
    next_check_at: str
    overdue: bool


def _when(text: str | None, default: datetime) -> datetime:
    return datetime.fromisoformat(text) if text else default


def next_check(uploaded_at: datetime, now: datetime, settings: ArchiveSettings) -> datetime:
    """Frequent on the first day after upload, hourly (by default) after that."""
    first_day = now - uploaded_at < timedelta(days=1)
    interval = settings.poll_interval if first_day else settings.poll_interval_later
    return now + timedelta(seconds=interval)


def archive_roll(due: ArchiveDue, objects: list[StoredObjectRecord]) -> ArchiveRoll:
    return ArchiveRoll(
        roll_id=due.roll_id,
        shoot_day=due.shoot_day,
        media_type=due.media_type,
        roll=due.roll,
        objects=tuple(
            StoredRecord(o.path, o.key, o.size, o.stored_checksum, o.xxh64) for o in objects
        ),
    )


def poll(
    provider: ArchiveProvider,
    settings: ArchiveSettings,
    due: list[tuple[ArchiveRoll, str | None]],
) -> list[ArchiveAnswer]:
    """Ask the provider about each due roll (`(roll, uploaded_at)` pairs); network I/O only."""
    answers: list[ArchiveAnswer] = []
    for roll, uploaded_text in due:
        now = datetime.now(UTC)
        uploaded_at = _when(uploaded_text, now)
        try:
            report = provider.check(roll)
        except Exception as err:  # one roll's trouble must not stop the poll of the others
            report = ArchiveReport()
            report.reasons.append(f"the archive could not be asked: {err}")
        answers.append(
            ArchiveAnswer(
                roll_id=roll.roll_id,
                report=report,
                next_check_at=next_check(uploaded_at, now, settings).isoformat(
                    timespec="milliseconds"
                ),
                overdue=now - uploaded_at >= timedelta(seconds=settings.overdue_after),
            )
        )
    return answers
