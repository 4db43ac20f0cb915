"""Events about the primary copy: the target, uploads, stored objects."""

from __future__ import annotations

from collections.abc import Sequence

from rollkeeper.core.event_facts import (
    SpaceLowFacts,
    StorageWaitingFacts,
    TargetAdoptedFacts,
    TargetUsableFacts,
    UploadDoneFacts,
    UploadFailedFacts,
)
from rollkeeper.core.events import Event, EventKind
from rollkeeper.core.happened.making import LISTED, make
from rollkeeper.core.lifecycle import UploadStage


def target_unusable(problem: str) -> Event:
    """The target cannot be used: not mounted, another disk, full, refused, unreachable."""
    return make(EventKind.TARGET_UNUSABLE, {"problem": problem})


def target_adopted(target: str, *, identity: str, marker: str, written: bool) -> Event:
    """At its first use the target became this cart's storage: its marker holds `identity`."""
    facts: TargetAdoptedFacts = {
        "target": target,
        "identity": identity,
        "marker": marker,
        "written": written,
    }
    return make(EventKind.TARGET_ADOPTED, facts)


def target_usable(target: str) -> Event:
    """The target is usable again: the rolls waiting for storage are uploaded now."""
    facts: TargetUsableFacts = {"target": target}
    return make(EventKind.TARGET_USABLE, facts)


def storage_waiting(roll_id: str, volume_id: int, *, label: str, problem: str) -> Event:
    """A roll verified from the drive `label` waits for storage: the target is unusable."""
    facts: StorageWaitingFacts = {"label": label, "problem": problem}
    return make(EventKind.STORAGE_WAITING, facts, roll_id=roll_id, volume_id=volume_id)


def space_low(
    disk: str, *, free: int, needed: int, roll_id: str | None, roll_bytes: int | None, fits: bool
) -> Event:
    """Free space on the target's folder or the state disk is below its threshold: a warning,
    and unless the upload still `fits`, the roll `roll_id` waits for room."""
    facts: SpaceLowFacts = {
        "disk": disk,
        "free": free,
        "needed": needed,
        "roll_bytes": roll_bytes,
        "fits": fits,
    }
    return make(EventKind.SPACE_LOW, facts, roll_id=roll_id)


def upload_started(roll_id: str, volume_id: int, *, target: str, bytes_total: int) -> Event:
    facts = {"target": target, "bytes_total": bytes_total}
    return make(EventKind.UPLOAD_STARTED, facts, roll_id=roll_id, volume_id=volume_id)


def upload_done(
    roll_id: str,
    volume_id: int,
    *,
    label: str,
    files: int,
    manifest: str | None,
    problems: Sequence[str],
) -> Event:
    """A roll uploaded from the drive `label`: `files` stored and proven."""
    facts: UploadDoneFacts = {
        "stage": UploadStage.UPLOADED.value,
        "manifest": manifest,
        "problems": list(problems[:LISTED]),
        "label": label,
        "files": files,
    }
    return make(EventKind.UPLOAD_DONE, facts, roll_id=roll_id, volume_id=volume_id)


def upload_failed(
    roll_id: str,
    volume_id: int,
    *,
    stage: UploadStage,
    label: str,
    manifest: str | None,
    problems: Sequence[str],
    upload_problems: Sequence[str],
) -> Event:
    """A roll's upload pass ended short of `uploaded`; `problems` are every problem of the
    pass (verification's, the target's and the upload's), `upload_problems` the upload's."""
    facts: UploadFailedFacts = {
        "stage": stage.value,
        "manifest": manifest,
        "problems": list(problems[:LISTED]),
        "label": label,
        "upload_problems": list(upload_problems[:LISTED]),
    }
    return make(EventKind.UPLOAD_FAILED, facts, roll_id=roll_id, volume_id=volume_id)


def upload_abandoned(key: str) -> Event:
    """An unfinished multipart upload nobody will resume was aborted."""
    return make(EventKind.UPLOAD_ABANDONED, {"key": key})


def objects_missing(roll_id: str, *, paths: Sequence[str], drive: str) -> Event:
    """Re-checking `drive` (or, `drive` empty, listing the roll's stored objects) found stored
    objects gone: the roll is uploaded again from a mounted, re-verified copy."""
    facts = {"paths": list(paths[:LISTED]), "missing_count": len(paths), "drive": drive}
    return make(EventKind.OBJECT_MISSING, facts, roll_id=roll_id)


def objects_changed(roll_id: str, *, paths: Sequence[str]) -> Event:
    """Listing storage found other bytes under the keys of a roll's stored objects: an alarm,
    and nothing is written over them."""
    facts = {"paths": list(paths[:LISTED]), "changed_count": len(paths)}
    return make(EventKind.OBJECT_CHANGED, facts, roll_id=roll_id)


def storage_unchecked(roll_id: str, problem: str) -> Event:
    """A roll's stored objects could not be checked (denied, bucket gone, timed out, target
    folder not there): no clearance rests on them until they can be."""
    return make(EventKind.STORAGE_UNCHECKED, {"problem": problem}, roll_id=roll_id)
