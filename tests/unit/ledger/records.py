"""What the ledger specifications record, built once: a roll folder a scan saw, a verification
started, and a pass that verified and stored a roll's one clip."""

from __future__ import annotations

from rollkeeper.core import happened
from rollkeeper.core.events import Event
from rollkeeper.core.lifecycle import CopyState, RollState, UploadStage
from rollkeeper.ledger.rows import CopyObservation, FileUpload, FinishedTransfer, VerifiedFile
from rollkeeper.ledger.store import Ledger

ROLL_ID = "20261121/Camera_Media/A001R1AB"
CLIP = "A001C001.mov"


def seen(
    volume_id: int,
    fingerprint: str | None = "fp-1",
    *,
    roll_id: str = ROLL_ID,
    folder: str | None = None,
    camera_format: str | None = None,
) -> CopyObservation:
    """Roll `roll_id` in its folder (`folder`, else one named like the roll) on a volume."""
    shoot_day, media_type, roll = roll_id.split("/")
    return CopyObservation(
        roll_id, shoot_day, media_type, roll, camera_format, volume_id, folder or roll_id,
        fingerprint,
    )  # fmt: skip


def started(volume_id: int, roll_id: str = ROLL_ID, *, uploading: bool = False) -> Event:
    """The copy on RAID_A is ready and goes to a worker."""
    return happened.verification_started(
        roll_id, volume_id, label="RAID_A", retry=False, uploading=uploading
    )


def store_roll(
    ledger: Ledger,
    volume_id: int,
    *,
    roll_id: str = ROLL_ID,
    clip: str = CLIP,
    manifest: str = "p/manifest",
) -> RollState:
    """The roll's one `clip`, verified and uploaded in one pass: stored and proven."""
    ledger.set_copy_state(
        roll_id, volume_id, CopyState.VERIFYING, event=started(volume_id, roll_id, uploading=True)
    )
    ledger.upload_started(roll_id, volume_id, target="fs", key_prefix="p/", bytes_total=3)
    finished = FinishedTransfer(
        copy_state=CopyState.VERIFIED,
        evidence=[VerifiedFile(clip, 3, {"xxh64": "ab"}, "ok", {"xxh64": "ab"}, 7, 9)],
        uploads=[FileUpload(clip, f"p/{clip}", 3, "stored", stored_checksum="c", xxh64="ab")],
        stage=UploadStage.UPLOADED,
        manifest_key=manifest,
        problems=[],
    )
    done = happened.upload_done(
        roll_id, volume_id, label="RAID_A", files=1, manifest=manifest, problems=[]
    )
    return ledger.record_transfer(roll_id, volume_id, finished, event=done)


def mount_rotation(ledger: Ledger, label: str, fs_uuid: str) -> int:
    """A rotation drive mounted (and so known) under `label`; its volume id."""
    return ledger.volume_mounted(
        label=label, role="rotation", fs_uuid=fs_uuid, subpath="", mount_path=f"/V/{label}"
    ).id
