"""What happened, built in one call: one constructor per situation, each an `Event`.

The ledger and the runtime say what happened with these (`happened.copy_back(roll_id, volume_id,
folder=...)`); each sets the kind, the severity its facts call for and the facts in their
documented shape (`rollkeeper.core.event_facts`). A list of files or problems is kept to its first
`LISTED` entries, except verification problems, which the ledger has always kept whole. One module
per area: drives, copies, storage, archive, clearance.
"""

from rollkeeper.core.happened.archive import (
    archive_failed,
    archive_overdue,
    archive_unusable,
    archived,
)
from rollkeeper.core.happened.clearance import (
    clearance,
    verdict_facts,
)
from rollkeeper.core.happened.copies import (
    copy_back,
    copy_differs,
    copy_discovered,
    copy_erased,
    copy_gone,
    copy_renamed,
    copy_stale,
    copy_verified,
    internal_error,
    interrupted_by_stop,
    link_leaves_roll,
    mhl_changed,
    mhl_reads_again,
    mhl_unreadable,
    quiet_but_incomplete,
    reverify_requested,
    roll_state,
    verification_discarded,
    verification_failed,
    verification_interrupted,
    verification_started,
)
from rollkeeper.core.happened.drives import (
    layout_problem,
    volume_erased,
    volume_mounted,
    volume_namesake,
    volume_unmounted,
    watch_failed,
)
from rollkeeper.core.happened.making import (
    LISTED,
    recorded,
)
from rollkeeper.core.happened.notices import summary_asked
from rollkeeper.core.happened.storage import (
    objects_changed,
    objects_missing,
    space_low,
    storage_unchecked,
    storage_waiting,
    target_adopted,
    target_unusable,
    target_usable,
    upload_abandoned,
    upload_done,
    upload_failed,
    upload_started,
)

__all__ = [
    "LISTED",
    "archive_failed",
    "archive_overdue",
    "archive_unusable",
    "archived",
    "clearance",
    "copy_back",
    "copy_differs",
    "copy_discovered",
    "copy_erased",
    "copy_gone",
    "copy_renamed",
    "copy_stale",
    "copy_verified",
    "internal_error",
    "interrupted_by_stop",
    "layout_problem",
    "link_leaves_roll",
    "mhl_changed",
    "mhl_reads_again",
    "mhl_unreadable",
    "objects_changed",
    "objects_missing",
    "quiet_but_incomplete",
    "recorded",
    "reverify_requested",
    "roll_state",
    "space_low",
    "storage_unchecked",
    "storage_waiting",
    "summary_asked",
    "target_adopted",
    "target_unusable",
    "target_usable",
    "upload_abandoned",
    "upload_done",
    "upload_failed",
    "upload_started",
    "verdict_facts",
    "verification_discarded",
    "verification_failed",
    "verification_interrupted",
    "verification_started",
    "volume_erased",
    "volume_mounted",
    "volume_namesake",
    "volume_unmounted",
    "watch_failed",
]
