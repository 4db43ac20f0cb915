"""The storage target as the loop uses it: proving it is the target (at start-up, before each
roll's upload, and on an interval: short while it is unusable), which rolls still need their
primary copy, and the job a worker uploads a roll with.

A target that cannot be used never holds verification back: a roll is then verified without
uploading and waits for storage (`runtime.recording`); it is uploaded as soon as a check finds
the target usable again (`runtime.settling.Settling.retry_uploads`).
"""

from __future__ import annotations

import time
from collections.abc import Callable

import structlog

from rollkeeper.config.schema import Config
from rollkeeper.config.storage import TargetSettings
from rollkeeper.core import happened
from rollkeeper.core.errors import RollkeeperError
from rollkeeper.core.lifecycle import RollState, UploadStage
from rollkeeper.fs.throttle import TokenBucket
from rollkeeper.ledger.store import Ledger, now_iso
from rollkeeper.runtime.pausing import Pausing
from rollkeeper.runtime.trackers import CopyTracker, VolumeState
from rollkeeper.transfer.bandwidth import BandwidthNow, ScheduledBandwidth
from rollkeeper.transfer.capacity import state_space, target_space
from rollkeeper.transfer.gate import UploadGate
from rollkeeper.transfer.identity import Adopted, IdentifiedTarget
from rollkeeper.transfer.keys import roll_key_prefix
from rollkeeper.transfer.pipeline import TransferSettings
from rollkeeper.transfer.roll import UploadJob
from rollkeeper.transfer.settings import Pace

log = structlog.get_logger("rollkeeper")

#: While the target is unusable it is checked this often (seconds), to notice it is back.
RECHECK_UNUSABLE = 5.0
#: A failing check that took long (a store timing out) waits this many times as long.
CHECK_SHARE = 10.0
#: While it is usable, this often (and before each roll's upload).
RECHECK_USABLE = 15.0
#: A check this recent (seconds) stands for the one before a roll's upload: the rolls of one
#: pass (or the first roll after start-up's check) do not prove the target once each.
JUST_CHECKED = 1.0
#: After an upload pass found the target failing while its checks pass (a full disk), the
#: next pass waits this long (doubling, up to `retry_after`) unless a check saw it down and back.
PASS_BACKOFF = 30.0
#: Upload stages after which a roll verified without storage waits for it.
_NEEDS_STORAGE = frozenset({UploadStage.UPLOADING.value, UploadStage.WAITING_FOR_STORAGE.value})


def roll_bytes(tracker: CopyTracker) -> int:
    """The roll's size as its MHLs list it (0 before they were read)."""
    manifest = tracker.reading.manifest
    return sum(entry.size or 0 for entry in manifest.entries.values()) if manifest else 0


def pace(settings: TargetSettings | None, gate: UploadGate) -> Pace | None:
    """The upload's bandwidth limit: following its windows, or one rate, or none; a stop cuts
    its waits short."""
    if settings is None:
        return None
    if settings.bandwidth_windows:
        return ScheduledBandwidth(
            settings.bandwidth_limit, settings.bandwidth_windows, sleep=gate.sleep
        )
    rate = settings.bandwidth_limit
    return TokenBucket(rate, sleep=gate.sleep) if rate else None


class Uploads:
    """The target (None: verify only), its transfer settings, its state, and the rolls being
    uploaded."""

    def __init__(
        self,
        config: Config,
        target: IdentifiedTarget | None,
        on_change: Callable[[], None] = lambda: None,
    ) -> None:
        self.config = config
        self.target = target
        self.on_change = on_change  # the target became usable or unusable: judge drives again
        self.uploading: set[str] = set()  # rolls a worker is uploading now
        self.problem: str | None = None  # why the target is unusable now (None: usable)
        self.checked_at = float("-inf")  # monotonic time of the last check
        self.check_seconds = 0.0  # how long the last failing check took
        self.failed_pass_at: float | None = None  # when an upload pass last found it failing
        self.backoff = 0.0  # how long after that the next pass waits, unless it was seen down
        self.seen_down = False  # a check failed since that pass: coming back is news
        settings = config.target
        gate = UploadGate()
        self.settings = TransferSettings(
            max_concurrency=settings.max_concurrency if settings else 1,
            max_attempts=settings.max_attempts if settings else 1,
            bandwidth=pace(settings, gate),
            gate=gate,
        )
        self.bandwidth_noted: BandwidthNow | None = None  # what `status` was last told
        self.space_problem: dict[str, str] = {}  # rolls waiting for room: why
        self._space_said: dict[str, tuple[tuple[str, bool], ...]] = {}  # warned of, per roll
        self.pausing = Pausing(gate, config.state.resolved_dir())  # `rollkeeper pause`

    @property
    def gate(self) -> UploadGate:
        """Whether uploads may go on (paused, or halted by a stop), checked at part boundaries."""
        return self.settings.gate

    def prepare(self, ledger: Ledger) -> None:
        """Say at once if the target is unusable, and abort uploads nobody will resume; a pause
        that outlived the last run holds again."""
        self.pausing.load()
        if self.target is None or self.config.target is None:
            return
        description = self.target.description
        identity = ledger.target_identity(description)
        stored = ledger.a_stored_key(description) if identity is None else None
        self.target.expect(identity, stored_key=stored)
        if self.check_target(ledger, first=True):
            self.abort_abandoned(ledger)
            ledger.failed_uploads_due_now()  # a restart tries them at once, not after retry_after

    def abort_abandoned(self, ledger: Ledger) -> None:
        """Remove what unfinished uploads nobody will resume left on the target (at start-up,
        and when the target is back after it failed: a folder moved away mid-upload and back
        still holds the temporary file its writer could not remove)."""
        assert self.target is not None and self.config.target is not None  # noqa: S101
        prefix = self.config.target.prefix.strip("/")
        try:
            aborted = self.target.abort_abandoned(
                f"{prefix}/" if prefix else "", ledger.open_upload_ids()
            )
        except (RollkeeperError, OSError) as err:
            log.warning("upload.abort_failed", error=str(err))
            return
        for key in aborted:
            ledger.record(happened.upload_abandoned(key))

    def held(self) -> str | None:
        """Why no upload may start now (uploads paused: a sentence), or None. A pause whose
        time is up ends here."""
        self.pausing.expire()
        self._note_bandwidth()
        return self.gate.paused

    def _note_bandwidth(self) -> None:
        """With bandwidth windows, `status` hears of each change of the limit."""
        bandwidth = self.settings.bandwidth
        if not isinstance(bandwidth, ScheduledBandwidth):
            return
        now = bandwidth.now()
        if now != self.bandwidth_noted:
            self.bandwidth_noted = now
            self.pausing.note_bandwidth(now.limit, now.window, now.changes_at)
            log.info("upload bandwidth", limit=now.limit, window=now.window, until=now.changes_at)

    def room_for(self, ledger: Ledger, roll_id: str, roll_bytes: int) -> bool:
        """Whether the roll's upload may start: the state disk keeps its minimum and a folder
        target has room for the roll (`transfer.capacity`). Below a threshold a warning is
        recorded (once while it stays so); a roll that cannot fit waits, saying why."""
        checks = [state_space(self.config.state.resolved_dir())]
        settings = self.config.target
        if settings is not None and settings.kind == "fs" and settings.path is not None:
            checks.append(target_space(settings.path, roll_bytes))
        low = [check for check in checks if check.low]
        said = tuple((check.disk, check.fits) for check in low)
        if said and self._space_said.get(roll_id) != said:
            for check in low:
                ledger.record(
                    happened.space_low(
                        check.disk,
                        free=check.free or 0,
                        needed=check.needed,
                        roll_id=roll_id,
                        roll_bytes=check.roll_bytes,
                        fits=check.fits,
                    )
                )
        self._space_said[roll_id] = said
        blocking = [check for check in low if not check.fits]
        if blocking:
            self.space_problem[roll_id] = blocking[0].sentence
            return False
        self.space_problem.pop(roll_id, None)
        return True

    def check_due(self, now: float) -> bool:
        """Whether the target is due its interval check (sooner while it is unusable)."""
        if self.problem is None:
            every = RECHECK_USABLE
        else:  # a store that times out is asked less often: the check runs on the loop's thread
            every = max(RECHECK_UNUSABLE, CHECK_SHARE * self.check_seconds)
        return self.target is not None and now - self.checked_at >= every

    def check_target(self, ledger: Ledger, *, first: bool = False) -> bool:
        """Prove the target now (its identity before anything else, then that it takes
        writes); record what changed. True when it is usable."""
        assert self.target is not None  # noqa: S101 - only asked with a target
        started = self.checked_at = time.monotonic()
        try:
            adopted = self.target.prove(self.config.cart.name)
        except RollkeeperError as err:  # unusable, or a store not answering
            self.check_seconds = time.monotonic() - started
            self.seen_down = True
            self.target_failed(ledger, str(err), first=first)
            return False
        if adopted is not None:
            self._adopted(ledger, adopted)
        if self._holding_back():
            return False
        self.failed_pass_at = None
        if self.problem is not None or first:
            back = self.problem is not None
            self.problem = None
            event = happened.target_usable(self.target.description) if back else None
            ledger.set_target_state(self.target.description, usable=True, problem=None, event=event)
            if back:
                if not self.uploading:  # no pass is writing: every partial file is abandoned
                    self.abort_abandoned(ledger)
                ledger.failed_uploads_due_now()
                self.on_change()
        return True

    def _holding_back(self) -> bool:
        """An upload pass found the target failing though its checks pass (it is full, say):
        the next pass waits for its backoff, unless the target was seen down and back since."""
        if self.failed_pass_at is None or self.seen_down:
            return False
        return time.monotonic() - self.failed_pass_at < self.backoff

    def pass_failed(self, ledger: Ledger, problem: str) -> None:
        """An upload pass found the target failing: unusable until a check sees it come back,
        or, if no check ever sees it down, until the backoff has passed."""
        limit = self.config.target.retry_after if self.config.target else PASS_BACKOFF
        self.backoff = min(limit, self.backoff * 2 if self.backoff else PASS_BACKOFF)
        self.failed_pass_at, self.seen_down = time.monotonic(), False
        self.target_failed(ledger, problem)

    def pass_succeeded(self) -> None:
        """A roll was stored: the target takes writes, the backoff starts afresh."""
        self.backoff = 0.0

    def target_failed(self, ledger: Ledger, problem: str, *, first: bool = False) -> None:
        """The target is unusable (a check, or an upload pass, found it so): said when news."""
        assert self.target is not None  # noqa: S101 - only told with a target
        self.checked_at = time.monotonic()
        if problem == self.problem:
            return
        news = self.problem is None
        self.problem = problem
        ledger.set_target_state(
            self.target.description,
            usable=False,
            problem=problem,
            event=happened.target_unusable(problem),
        )
        if news or first:
            self.on_change()

    def _adopted(self, ledger: Ledger, adopted: Adopted) -> None:
        assert self.target is not None  # noqa: S101
        ledger.adopt_target(
            self.target.description,
            adopted.identity,
            adopted.marker_key,
            event=happened.target_adopted(
                self.target.description,
                identity=adopted.identity,
                marker=adopted.marker_key,
                written=adopted.written,
            ),
        )

    def needs_storage(
        self, ledger: Ledger, roll_id: str, volume_id: int | None = None, *, retry: bool = False
    ) -> bool:
        """Whether this roll still needs its primary copy (and no other pass is making it), and
        the copy on `volume_id` holds the roll's content (never other content over it); a
        failed upload is needed again once `retry_after` has passed, or at once on a `retry`
        (its caller judged it due: `Settling.retry_uploads`)."""
        if self.target is None or roll_id in self.uploading:
            return False
        roll = ledger.roll(roll_id)
        if roll is None or roll.state == RollState.CONFLICT.value:
            return False
        if volume_id is not None and not ledger.may_upload_from(roll_id, volume_id):
            return False
        upload = ledger.roll_upload(roll_id)
        if upload is None or upload.state in _NEEDS_STORAGE:
            return True
        return bool(
            upload.state == UploadStage.UPLOAD_FAILED.value
            and (retry or (upload.next_attempt_at or "") <= now_iso())
        )

    def wanted(
        self, ledger: Ledger, roll_id: str, volume_id: int | None = None, *, retry: bool = False
    ) -> bool:
        """Whether this roll is uploaded in the pass that verifies it: it needs its primary
        copy and the target, checked right now (or within `JUST_CHECKED`), is usable (else it is
        verified without; a target found unusable moments ago is not asked again for every
        roll)."""
        if not self.needs_storage(ledger, roll_id, volume_id, retry=retry):
            return False
        if self.held() is not None:
            return False  # verified now, uploaded once the pause ends
        now = time.monotonic()
        if self.problem is not None and not self.check_due(now):
            return False
        if self.problem is None and now - self.checked_at < JUST_CHECKED:
            return True
        return self.check_target(ledger)

    def key_prefix(self, tracker: CopyTracker) -> str:
        """Where the roll's objects go in the target."""
        settings = self.config.target
        assert settings is not None  # noqa: S101 - only asked with a target
        location = tracker.location
        return roll_key_prefix(settings.prefix, location.identity, location.camera_format)

    def job(self, volume: VolumeState, tracker: CopyTracker) -> UploadJob:
        """What a worker needs to upload the roll it verifies."""
        settings = self.config.target
        assert self.target is not None and settings is not None  # noqa: S101
        return UploadJob(
            target=self.target,
            settings=self.settings,
            prefix=settings.prefix,
            cart=self.config.cart.name,
            volume_label=volume.mounted.label,
            location=tracker.location,
            upload_extras=settings.upload_extras,
        )
