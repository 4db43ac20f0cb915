"""The loop's side of the requests inbox (`fs.requests`): what commands asked, applied.

At the start of every pass the loop takes the waiting requests, oldest first, applies each to
the ledger (it is the ledger's one writer) and deletes the file once the effect is recorded. A
file that is not a request, a kind this rollkeeper does not know, or arguments that do not fit
are moved aside with a warning in the log: never applied, never lost, never a crash.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import structlog

from rollkeeper.fs import requests
from rollkeeper.runtime.context import LoopContext

log = structlog.get_logger("rollkeeper")

#: The kinds of request and the argument each names.
ERASED = "erased"  # {"volume_id": int, "label": str, "force": bool}
REVERIFY = "reverify"  # {"roll_id": str}


class RequestRefused(ValueError):
    """A request that cannot be applied as written."""


def _erased(context: LoopContext, arguments: Mapping[str, Any]) -> None:
    volume_id = arguments["volume_id"]
    if not isinstance(volume_id, int) or context.ledger.volume(volume_id) is None:
        raise RequestRefused(f"no drive with id {volume_id!r} is known")
    context.ledger.erased_as_told(volume_id)
    context.clearance.note(volume=volume_id)
    for volume in context.volumes.values():  # mounted: walk it whole, so that a roll still
        if volume.volume_id == volume_id:  # on it is found again (and verified again)
            with volume.lock:
                volume.everything = True
            context.wake.set()


def _reverify(context: LoopContext, arguments: Mapping[str, Any]) -> None:
    roll_id = arguments["roll_id"]
    if not isinstance(roll_id, str) or context.ledger.roll(roll_id) is None:
        raise RequestRefused(f"no roll {roll_id!r} is known")
    for key, tracker in context.trackers.items():
        if key[0] == roll_id:
            tracker.checked = None  # compared with its evidence afresh once verified again
    volumes = context.ledger.reverify(roll_id)
    for volume_id in volumes:
        context.clearance.note(rolls=[roll_id], volume=volume_id)


_APPLY: Mapping[str, Callable[[LoopContext, Mapping[str, Any]], None]] = {
    ERASED: _erased,
    REVERIFY: _reverify,
}


class RequestInbox:
    """Takes and applies the requests commands left in the state folder."""

    def __init__(self, context: LoopContext) -> None:
        self.context = context
        self.others: dict[str, Callable[[Mapping[str, Any]], None]] = {}

    def handle(self, handlers: Mapping[str, Callable[[Mapping[str, Any]], None]]) -> None:
        """Apply these kinds too, with the handlers of the part that owns them (`pause` and
        `resume`: `runtime.pausing`)."""
        self.others.update(handlers)

    def _apply_one(self, kind: str, arguments: Mapping[str, Any]) -> bool:
        """Apply one request; False when its kind is unknown."""
        other = self.others.get(kind)
        if other is not None:
            other(arguments)
            return True
        apply = _APPLY.get(kind)
        if apply is None:
            return False
        apply(self.context, arguments)
        return True

    def apply(self) -> None:
        """Apply every waiting request, oldest first; set aside any that cannot be applied."""
        try:
            waiting = requests.pending(self.context.state_dir)
        except OSError as err:
            log.warning("request.inbox_unreadable", error=str(err))
            return
        for path in waiting:
            request = requests.read_request(path)
            if isinstance(request, requests.Unreadable):
                self._set_aside(path, request.problem)
                continue
            try:
                known = self._apply_one(request.kind, request.arguments)
            except (KeyError, TypeError, RequestRefused) as err:
                self._set_aside(path, f"cannot be applied ({err})")
                continue
            if not known:
                self._set_aside(path, f"asks for {request.kind!r}, which rollkeeper does not do")
                continue
            log.info("request.applied", request=request.kind, id=request.id, **request.arguments)
            requests.done(path)

    def _set_aside(self, path: Path, problem: str) -> None:
        try:
            kept = requests.set_aside(path)
        except OSError as err:
            log.warning("request.not_moved", file=str(path), error=str(err))
            return
        log.warning(
            "request.refused",
            message=f"request file {path.name} {problem}; moved aside to {kept}, not applied",
            file=str(kept),
        )
