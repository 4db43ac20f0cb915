"""The target proves it is the target: an identity marker written at first use.

At its first successful use a target gets a small marker (`MARKER_NAME`: a file in the target
folder, an object under the S3 prefix) holding a random id, which the daemon records in the
ledger. From then on the target is used only while its marker holds that id: a missing marker
means the NAS is not mounted (its empty mount point is a folder on the boot disk) or another
disk is there; a foreign one, another disk or another show's storage. Either way nothing is
read from or written to it — every operation fails with TargetUnusable, so a stored object can
never be "re-checked" on the wrong disk and every clearance resting on it is withdrawn — until
the right storage is back.

`IdentifiedTarget` wraps the target the configuration describes; it is the only target the rest
of rollkeeper sees. It writes nothing to the ledger: `prove` returns an adopted identity for the
daemon's loop to record.
"""

from __future__ import annotations

import json
import secrets
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime

from rollkeeper.core.errors import RollkeeperError
from rollkeeper.transfer.targets import (
    ObjectWriter,
    Payload,
    ReadableStream,
    ReadBack,
    StoredObject,
    Target,
    TargetUnusable,
)

MARKER_NAME = ".rollkeeper-target.json"
MARKER_SCHEMA = "rollkeeper.target/1"
#: A marker larger than this is not ours.
_MARKER_LIMIT = 64 * 1024


def marker_key(kind: str, prefix: str) -> str:
    """Where the marker lives: in the target folder itself (fs), under the prefix (s3)."""
    prefix = prefix.strip("/")
    return f"{prefix}/{MARKER_NAME}" if kind == "s3" and prefix else MARKER_NAME


def marker_document(identity: str, *, cart: str, description: str) -> bytes:
    """The marker's bytes: the id, and for people who find it, what it is and whose."""
    document = {
        "schema": MARKER_SCHEMA,
        "id": identity,
        "cart": cart,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "target": description,
        "about": "rollkeeper's identity marker for this storage; keep it here (see README: "
        "moving storage)",
    }
    return json.dumps(document, indent=2).encode("utf-8")


def marker_id(data: bytes) -> str | None:
    """The id a marker holds, or None when the bytes are not a rollkeeper marker."""
    try:
        document = json.loads(data)
    except ValueError:
        return None
    if not isinstance(document, dict) or document.get("schema") != MARKER_SCHEMA:
        return None
    identity = document.get("id")
    return identity if isinstance(identity, str) and identity else None


@dataclass(frozen=True, slots=True)
class Adopted:
    """An identity the target was given (or was found holding) at its first use."""

    identity: str
    marker_key: str
    written: bool  # True: the marker was written now; False: it was already there


class IdentifiedTarget:
    """A target used only while it holds the marker of the identity recorded for it."""

    def __init__(self, inner: Target, key: str, *, recheck_writes: bool) -> None:
        self.inner = inner
        self.marker_key = key
        self.description = inner.description
        self.checksum_algorithm = inner.checksum_algorithm
        self.proven_by_read_back = inner.proven_by_read_back
        self.refuses_overwrite = inner.refuses_overwrite
        self.recheck_writes = recheck_writes  # a folder can be unmounted under us at any time:
        # its marker is looked at before each write and before an object is called missing
        self.recorded: str | None = None  # the identity the ledger holds for this target
        self.refusal: str | None = None  # why it is not the target, while it is not
        self.stored_key: str | None = None  # an object stored there before it had a marker
        self._confirmed = False
        self._lock = threading.Lock()

    def expect(self, identity: str | None, *, stored_key: str | None = None) -> None:
        """The identity the ledger recorded for this target (None: never used yet), and the
        key of an object the ledger says was stored there: a target used before markers
        existed is adopted only if it holds that object (its NAS is mounted)."""
        with self._lock:
            self.recorded, self._confirmed = identity, False
            self.stored_key = stored_key

    # --- the marker -------------------------------------------------------------------------

    def _marker(self) -> str | None:
        """The id in the target's marker; None when there is none. A marker that is not
        rollkeeper's reads as a foreign id."""
        if self.inner.head(self.marker_key) is None:
            return None
        try:
            with self.inner.open_read(self.marker_key) as stream:
                data = stream.read(_MARKER_LIMIT + 1)
        except RollkeeperError:
            raise
        except Exception as err:  # a read cut short (an I/O error, a dropped connection)
            raise TargetUnusable(
                f"{self.description}: its {MARKER_NAME} cannot be read ({type(err).__name__})"
            ) from err
        return marker_id(data) or "(not a rollkeeper marker)"

    def _refused(self, found: str | None) -> str | None:
        """Why the marker found does not prove this target (None: it does)."""
        if self.recorded is None and found is not None:
            return None
        if found is None:
            return (
                f"TARGET is not mounted (or is another disk): {self.description} holds no "
                f"{MARKER_NAME}; mount the storage used so far (see README: moving storage)"
            )
        if found != self.recorded:
            return (
                f"TARGET is another disk (or another show's storage): the marker of "
                f"{self.description} holds id {found}, this cart recorded {self.recorded}; "
                "mount the storage used so far (see README: moving storage)"
            )
        return None

    def confirm(self) -> None:
        """Raise TargetUnusable (and refuse every operation) unless the marker holds the
        recorded identity (or, with none recorded, unless there is a marker at all)."""
        try:
            if not self.recheck_writes:
                self.inner.check()  # a store's check writes nothing: a gone bucket says so
            found = self._marker()
        except TargetUnusable as err:
            self._refuse(str(err))
            raise
        refusal = self._refused(found)
        if refusal is not None:
            self._refuse(refusal)
            raise TargetUnusable(refusal)
        with self._lock:
            self.refusal, self._confirmed = None, True

    def _refuse(self, why: str) -> None:
        with self._lock:
            self.refusal, self._confirmed = why, False

    def prove(self, cart: str) -> Adopted | None:
        """The daemon's check (start-up, before each roll's upload, while rolls wait): the
        identity first, nothing written before it holds; then that the target takes writes.
        At first use (no identity recorded) the target is adopted: its marker is written, or
        the one found is taken. Returns what was adopted, for the loop to record."""
        if self.recorded is None:
            return self._adopt(cart)  # checked before its marker was looked for or written
        self.confirm()
        if self.recheck_writes:  # a store was checked by `confirm`; a folder takes a probe now
            try:
                self.inner.check()
            except TargetUnusable as err:
                self._refuse(str(err))
                raise
        return None

    def _adopt(self, cart: str) -> Adopted:
        try:
            self.inner.check()  # must_be_mount, a writable folder, the bucket: before anything
            found = self._marker()
            written = found is None
            if found is None:
                self._require_stored_object()
                found = secrets.token_hex(16)
                document = marker_document(found, cart=cart, description=self.description)
                self.inner.put(self.marker_key, document, None, {})
        except TargetUnusable as err:
            self._refuse(str(err))
            raise
        with self._lock:
            self.recorded, self.refusal, self._confirmed = found, None, True
        return Adopted(found, self.marker_key, written)

    def _require_stored_object(self) -> None:
        """Before a marker is written where objects were stored without one: one of them must
        be there, or this is not the storage they went to."""
        if self.stored_key is not None and self.inner.head(self.stored_key) is None:
            raise TargetUnusable(
                f"TARGET is not mounted (or is another disk): {self.description} does not hold "
                f"{self.stored_key}, which was stored there; mount the storage used so far"
            )

    def _guard(self, *, writing: bool = False) -> None:
        """Before any operation: refuse while the identity is wrong; confirm it once (and
        before every write to a folder)."""
        if self.refusal is not None:
            raise TargetUnusable(self.refusal)
        if not self._confirmed:
            self.confirm()
        elif writing and self.recheck_writes and self.inner.head(self.marker_key) is None:
            self.confirm()  # raises: the marker went away (an unmount) since the last check

    # --- the target, guarded ----------------------------------------------------------------

    def check(self) -> None:
        self._guard()
        self.inner.check()

    def head(self, key: str) -> StoredObject | None:
        self._guard()
        found = self.inner.head(key)
        if found is None and self.recheck_writes:
            self.confirm()  # gone from the folder, or is the folder unmounted? Only one is news.
        return found

    def list_objects(self, prefix: str) -> Iterator[StoredObject]:
        """The listing, from storage that proves it is the target; on a folder the marker is
        looked for again after it, since an unmounted folder lists as empty, never as gone."""
        self._guard()
        yield from self.inner.list_objects(prefix)
        if self.recheck_writes:
            self.confirm()

    def put(
        self, key: str, data: Payload, checksum: str | None, metadata: dict[str, str]
    ) -> StoredObject:
        self._guard(writing=True)
        return self.inner.put(key, data, checksum, metadata)

    def open_writer(
        self, key: str, size: int, metadata: dict[str, str], upload_id: str | None
    ) -> ObjectWriter:
        self._guard(writing=True)
        return self.inner.open_writer(key, size, metadata, upload_id)

    def part_size(self, size: int) -> int:
        return self.inner.part_size(size)

    def uploaded_parts(self, key: str, upload_id: str) -> dict[int, int] | None:
        self._guard()
        return self.inner.uploaded_parts(key, upload_id)

    def read_back(self, key: str) -> ReadBack:
        self._guard()
        return self.inner.read_back(key)

    def open_read(self, key: str) -> AbstractContextManager[ReadableStream]:
        self._guard()
        return self.inner.open_read(key)

    def abort_abandoned(self, prefix: str, keep: set[str]) -> list[str]:
        self._guard()
        return self.inner.abort_abandoned(prefix, keep)
