"""The one place that builds the parts a configuration names: the storage target, the archive
provider and the clearance policy.

The daemon (`rollkeeper run`) and every command that judges or stores (`rollkeeper clearance`)
take them from here, so that a drive is never judged against other parts than the daemon's.
"""

from __future__ import annotations

from dataclasses import dataclass

from rollkeeper.archive.build import build_provider
from rollkeeper.archive.model import ArchiveProvider
from rollkeeper.config.schema import Config
from rollkeeper.config.sections import ClearanceSettings
from rollkeeper.core.clearance import Policy
from rollkeeper.core.errors import RollkeeperError
from rollkeeper.ledger.store import LEDGER_FILE, Ledger
from rollkeeper.reports.drive_decision import Judges
from rollkeeper.transfer.factory import build_target
from rollkeeper.transfer.identity import IdentifiedTarget


@dataclass(frozen=True, slots=True)
class Parts:
    """What a configuration builds: where rolls are stored (None: verified, not uploaded), where
    their archival copy is learnt of, and the production's erase rules."""

    target: IdentifiedTarget | None  # used only while it holds its identity marker
    provider: ArchiveProvider
    policy: Policy

    def judges(self) -> Judges:
        """What drives are judged with: these parts, the provider known by its name."""
        return Judges(self.target, self.provider.name, self.policy)


def clearance_policy(settings: ClearanceSettings) -> Policy:
    """The erase rules of `[clearance]`."""
    return Policy(
        extras_block_drive=settings.extras_block_drive,
        min_onset_copies=settings.min_onset_copies,
    )


def _expect_recorded_identity(config: Config, target: IdentifiedTarget) -> None:
    """Tell the target the identity the ledger recorded for it, so that a command judging
    with it (`clearance`) refuses another disk as the daemon does. A ledger that cannot be
    read yet (none, older, damaged) tells nothing here: the daemon tells it at start-up, and
    a command refuses that ledger on its own."""
    path = config.state.resolved_dir() / LEDGER_FILE
    if not path.exists():
        return
    try:
        ledger = Ledger(path, readonly=True)
    except RollkeeperError:
        return
    try:
        target.expect(ledger.target_identity(target.description))
    except RollkeeperError:
        return
    finally:
        ledger.close()


def build_parts(config: Config) -> Parts:
    """The target, provider and policy `config` describes (S3 clients are created here)."""
    target = build_target(config.target) if config.target else None
    if target is not None:
        _expect_recorded_identity(config, target)
    return Parts(
        target=target,
        provider=build_provider(config.archive, config.target, target),
        policy=clearance_policy(config.clearance),
    )
