"""The facts each kind of event carries: plain JSON values, named in the domain's words.

An event's roll and volume are fields of `Event` itself; these are the rest. `core.events.FACTS`
says which shape belongs to which kind, `core.happened` builds them and `core.words` words them.
Where the ledger recorded data for a kind before facts existed (`from`/`to` of a roll's state,
a copy's `state`, an upload's `stage`, `manifest` and `problems`, a clearance's `level` and
`clear`), the fact keeps that name, so the stored data only ever gains keys.
"""

# No `from __future__ import annotations` here: TypedDict reads `NotRequired` from evaluated
# annotations, and `FACTS[kind].__optional_keys__` must name the facts a kind may leave out.
from typing import NotRequired, TypedDict


class VolumeFacts(TypedDict):
    """A drive that went away (VOLUME_UNMOUNTED)."""

    label: str


class MountFacts(TypedDict):
    """A drive seen mounted (VOLUME_MOUNTED), or one sharing a known drive's label
    (VOLUME_NAMESAKE)."""

    label: str
    role: str
    mount_path: str


class ProblemFacts(TypedDict):
    """A problem told as the part that found it put it: a layout problem of a volume's scan
    (LAYOUT_PROBLEM), why a volume cannot be watched (WATCH_FAILED), why the storage target
    cannot be used (TARGET_UNUSABLE), why a roll's stored objects cannot be checked
    (STORAGE_UNCHECKED)."""

    problem: str


#: A roll's state changed (ROLL_STATE); `copies_disagree` when its copies held different MHL
#: content (the CONFLICT alarm of older rollkeepers, read back as it was; today a copy with other
#: content is COPY_DIFFERS and this is false). `from` is a Python keyword, hence this spelling.
RollStateFacts = TypedDict("RollStateFacts", {"from": str, "to": str, "copies_disagree": bool})


class FolderFacts(TypedDict):
    """A roll folder found on a volume (COPY_DISCOVERED), or back after it was gone
    (COPY_BACK)."""

    folder: str


class MhlChangedFacts(TypedDict):
    """A copy's MHL content changed (COPY_MHL_CHANGED); loud when the copy was `proven`."""

    folder: str
    proven: bool


class CopyStateFacts(TypedDict):
    """A copy moved on (COPY_STATE): to `settling` when its MHL reads again, to `verifying`
    when it is submitted, which is when `label`, `retry` (another upload attempt, not the first
    pass) and `uploading` (verified and uploaded in one pass) are known."""

    state: str
    label: NotRequired[str]
    retry: NotRequired[bool]
    uploading: NotRequired[bool]
    requested: NotRequired[bool]


class CopyVerifiedFacts(TypedDict):
    """A copy proven against its MHL (COPY_VERIFIED): how many files, and what was listed."""

    state: str
    label: str
    files: int
    problems: list[str]


class CopyFailedFacts(TypedDict):
    """A copy that failed (COPY_FAILED), `found_while`:

    - `reading_mhl`: its MHL cannot be read (`error`);
    - `settling`: quiet but still short of files (`waiting_for`, the first few of
      `waiting_count`);
    - `verifying`: verification's verdict (`problems`);
    - `listing`: listed files that are symbolic links leading out of the roll (`links`).
    """

    state: str
    label: str
    found_while: str
    error: NotRequired[str]
    waiting_for: NotRequired[list[str]]
    waiting_count: NotRequired[int]
    problems: NotRequired[list[str]]
    links: NotRequired[list[str]]


class CopyStaleFacts(TypedDict):
    """A checked copy whose files changed since (COPY_STALE): the first `changes`."""

    state: str
    label: str
    proven: bool
    changes: list[str]


class CopyGoneFacts(TypedDict):
    """A copy's MHL or folder disappeared from a mounted volume (COPY_GONE); with `renamed_to`,
    its content is on the same volume as that roll now (its folder was renamed)."""

    state: str
    label: str
    folder: str
    proven: bool
    renamed_to: NotRequired[str]


class CopyDiffersFacts(TypedDict):
    """A copy holding other content than the roll's stored (or first verified) content under the
    same name (COPY_DIFFERS): its drive `label`, the drive the roll's content was read from
    (`content_label`), whether that content is `stored`, and the first differing `paths` of
    `differing_count`."""

    label: str
    content_label: str
    stored: bool
    paths: list[str]
    differing_count: int


class CopyErasedFacts(TypedDict):
    """A copy recorded as erased with its drive (COPY_ERASED): the drive `label`, and how many
    verified on-set copies of the roll remain (`onset_copies`)."""

    label: str
    onset_copies: int


class VolumeErasedFacts(TypedDict):
    """A drive recorded as erased (VOLUME_ERASED), `how`: `wiped` (it came back without the
    rolls it was cleared for), `reformatted` (its label came back on a new filesystem) or
    `told` (the DIT said so with `rollkeeper erased`); `cleared` whether it had been cleared;
    the first erased `rolls` of `rolls_count`."""

    label: str
    how: str
    cleared: bool
    rolls: list[str]
    rolls_count: int


class InterruptedFacts(TypedDict):
    """A verification that did not finish (VERIFY_INTERRUPTED): `stopped` when the daemon
    stopped first; else its volume (`label`) went away or reading failed (`error`)."""

    stopped: bool
    state: NotRequired[str]
    label: NotRequired[str]
    error: NotRequired[str]


class DiscardedFacts(TypedDict):
    """A verification whose copy changed while it ran (VERIFY_DISCARDED): the copy's `state`
    now."""

    state: str


class InternalErrorFacts(TypedDict):
    """A bug while processing a roll (INTERNAL_ERROR), tried again after `retry_seconds`."""

    state: str
    error_type: str
    error: str
    retry_seconds: float


class UploadStartedFacts(TypedDict):
    """A roll's upload began (UPLOAD_STARTED)."""

    target: str
    bytes_total: int


class UploadOutcomeFacts(TypedDict):
    """How a roll's upload pass ended: its `stage`, manifest key and every problem found."""

    stage: str
    manifest: str | None
    problems: list[str]
    label: str


class UploadDoneFacts(UploadOutcomeFacts):
    """A roll uploaded, every file stored and proven (UPLOAD_DONE)."""

    files: int


class UploadFailedFacts(UploadOutcomeFacts):
    """A roll's upload failed (UPLOAD_FAILED): what the upload itself found."""

    upload_problems: list[str]


class TargetAdoptedFacts(TypedDict):
    """The target was given its identity at first use (TARGET_ADOPTED): its `marker` was
    `written` now, or found holding `identity` already."""

    target: str
    identity: str
    marker: str
    written: bool


class TargetUsableFacts(TypedDict):
    """The target is usable again after it was not (TARGET_USABLE)."""

    target: str


class SpaceLowFacts(TypedDict):
    """Free space below what is needed (SPACE_LOW): on the `disk` ("target folder …", "state
    folder …"), `free` bytes where `needed` are wanted for `roll_bytes` (None: the state disk's
    fixed minimum); `fits`: the upload goes on all the same (else the roll waits for room)."""

    disk: str
    free: int
    needed: int
    roll_bytes: int | None
    fits: bool


class StorageWaitingFacts(TypedDict):
    """A verified roll waits for storage (STORAGE_WAITING): read from `label`, not stored
    because of the target's `problem`."""

    label: str
    problem: str


class AbandonedFacts(TypedDict):
    """An unfinished multipart upload nobody will resume was aborted (UPLOAD_ABANDONED)."""

    key: str


class ObjectsMissingFacts(TypedDict):
    """Stored objects gone or changed (OBJECT_MISSING): the first `paths` of `missing_count`,
    found while re-checking `drive`."""

    paths: list[str]
    missing_count: int
    drive: str


class ObjectsChangedFacts(TypedDict):
    """Stored objects found holding other bytes (another size or ETag) under their keys
    (OBJECT_CHANGED): the first `paths` of `changed_count`. Never overwritten automatically."""

    paths: list[str]
    changed_count: int


class ArchiveUnusableFacts(TypedDict):
    """The archive provider can never report a roll archived (ARCHIVE_UNUSABLE)."""

    problem: str
    provider: str


class ArchiveDoneFacts(TypedDict):
    """A roll's archival copy of every object is verified (ARCHIVE_DONE)."""

    provider: str


class ArchiveFailedFacts(TypedDict):
    """The provider says the roll's archival copy failed (ARCHIVE_FAILED)."""

    provider: str
    reasons: list[str]


class ArchiveOverdueFacts(TypedDict):
    """A roll still without a verified archival copy after the grace time (ARCHIVE_OVERDUE)."""

    provider: str
    reasons: list[str]
    state: str


class ClearanceFacts(TypedDict):
    """A drive's clearance verdict (CLEARANCE_GRANTED, CLEARANCE_REVOKED, and the sentence of
    any verdict): the first blocking `reasons` of `reasons_total`; when announced, how many
    `rolls` the drive holds and their `bytes` on it (for a notice's subject line)."""

    label: str
    role: str
    level: str
    clear: bool
    reasons: list[str]
    reasons_total: int
    rolls: NotRequired[int]
    bytes: NotRequired[int]


class SummaryFacts(TypedDict):
    """A summary of the show or one shoot day was asked for (DAY_SUMMARY): at the configured
    `daily_at` (`occasion` "daily") or by `rollkeeper notify summary` ("wrap"); `day` is None
    for the whole show. Its content is read from the ledger when it is sent."""

    day: str | None
    occasion: str
