"""The ledger: rollkeeper's single source of truth, an SQLite database in the state folder.

WAL with `synchronous=FULL`; every state change is one transaction that also appends to the
event log, so a kill -9 at any instant loses no recorded fact. The schema is created and upgraded
by numbered migrations (`PRAGMA user_version`).

`Ledger` is composed here from one part per table family, all sharing one connection:
`connection` (opening, migrations, transactions), `events` (the event log and its outbox),
`volumes`, `rolls` (copy and roll states), `contents` (which content is the roll),
`discovery` (what a scan saw), `erasures` (drives erased), `reverify`, `evidence` (verified
files), `uploads`, `object_checks` (their re-checks by listing), `checkpoints` (unfinished
multipart uploads), `archive_checks`, `clearances`, `totals` (the roll report's counts),
`outbox` (delivering routed events, see `routing`), `notice_facts` (what notices lay out)
and `roll_verdicts` (each roll's clearance as recorded, kept for `status`).
The schema itself is in `schema`.
"""

from __future__ import annotations

from rollkeeper.ledger.archive_checks import ArchiveRecords
from rollkeeper.ledger.checkpoints import CheckpointRecords
from rollkeeper.ledger.clearances import ClearanceRecords
from rollkeeper.ledger.connection import LEDGER_FILE, now_iso
from rollkeeper.ledger.discovery import CopyDiscovery
from rollkeeper.ledger.erasures import ErasureRecords
from rollkeeper.ledger.notice_facts import NoticeFactRecords
from rollkeeper.ledger.object_checks import ObjectCheckRecords
from rollkeeper.ledger.outbox import DeliveryRecords
from rollkeeper.ledger.reverify import ReverifyRecords
from rollkeeper.ledger.roll_verdicts import RollVerdictRecords
from rollkeeper.ledger.schema import MIGRATIONS
from rollkeeper.ledger.state_lock import LOCK_FILE, StateLock
from rollkeeper.ledger.target_state import TargetRecords
from rollkeeper.ledger.totals import TotalRecords
from rollkeeper.ledger.volumes import VolumeRecords

__all__ = ["LEDGER_FILE", "LOCK_FILE", "MIGRATIONS", "Ledger", "StateLock", "now_iso"]


class Ledger(
    VolumeRecords,
    CopyDiscovery,
    ObjectCheckRecords,
    ErasureRecords,
    ReverifyRecords,
    TargetRecords,
    CheckpointRecords,
    ArchiveRecords,
    ClearanceRecords,
    TotalRecords,
    DeliveryRecords,
    NoticeFactRecords,
    RollVerdictRecords,
):
    """Typed access to the ledger; each public method that writes is one transaction."""
