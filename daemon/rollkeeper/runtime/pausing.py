"""`rollkeeper pause [--for 2h]` and `rollkeeper resume`, as the daemon's loop applies them.

A pause holds the uploads at their next part boundary (`transfer.gate`) while verification goes
on: a roll verified meanwhile waits, saying why, and is uploaded once the pause ends (by
`resume`, or by itself when its time is up). The pause is kept in the state folder
(`fs.upload_control`), so it outlives a restart and `status` can show it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import structlog

from rollkeeper.core.words.storage import uploads_paused
from rollkeeper.fs.upload_control import UploadControl, read_upload_control, write_upload_control
from rollkeeper.transfer.gate import UploadGate

log = structlog.get_logger("rollkeeper")

#: The kinds of request (`fs.requests`) and their arguments.
PAUSE = "pause"  # {"until": ISO 8601 UTC time, or null: until resumed}
RESUME = "resume"  # {}


def utc_now() -> datetime:
    return datetime.now(UTC)


class Pausing:
    """Whether uploads are paused, until when; kept in the state folder and in the gate."""

    def __init__(
        self, gate: UploadGate, state_dir: Path, clock: Callable[[], datetime] = utc_now
    ) -> None:
        self.gate = gate
        self.state_dir = state_dir
        self.clock = clock
        self.control = UploadControl()
        self.until: datetime | None = None

    @property
    def reason(self) -> str | None:
        """Why uploads wait (a sentence), or None when they are not paused."""
        return self.gate.paused

    def load(self) -> None:
        """At start-up: a pause that outlived the last run holds again (unless its time is up)."""
        control = read_upload_control(self.state_dir)
        if control is None:
            return
        # the bandwidth is told afresh by this run (its windows may have changed)
        self.control = replace(control, bandwidth=None, bandwidth_window=None, bandwidth_until=None)
        if control.paused:
            self._hold(control.paused_until)
            self.expire()

    def pause(self, until: str | None) -> None:
        """Hold uploads (until `until`, an ISO time; None: until resumed)."""
        if until is not None:
            moment = datetime.fromisoformat(until)
            if moment.tzinfo is None:
                raise ValueError("a time without its zone")
            until = moment.astimezone(UTC).isoformat(timespec="seconds")
        since = self.control.paused_since if self.control.paused else None
        since = since or self.clock().isoformat(timespec="seconds")
        self._hold(until)
        self._write(replace(self.control, paused=True, paused_since=since, paused_until=until))
        log.info("uploads paused", until=until)

    def resume(self) -> None:
        """Let uploads go on (the waiting rolls are uploaded on the next pass)."""
        was = self.gate.paused is not None
        self.gate.resume()
        self.until = None
        self._write(replace(self.control, paused=False, paused_since=None, paused_until=None))
        if was:
            log.info("uploads resumed")

    def expire(self) -> None:
        """A pause whose time is up ends by itself."""
        if self.until is not None and self.clock() >= self.until:
            self.resume()

    def note_bandwidth(self, limit: float | None, window: str | None, changes: str | None) -> None:
        """The bandwidth limit changed with its windows: `status` shows the new one."""
        self._write(
            replace(self.control, bandwidth=limit, bandwidth_window=window, bandwidth_until=changes)
        )

    def _hold(self, until: str | None) -> None:
        self.until = datetime.fromisoformat(until) if until is not None else None
        self.gate.pause(uploads_paused(until))

    def _write(self, control: UploadControl) -> None:
        self.control = control
        try:
            write_upload_control(self.state_dir, control)
        except OSError as err:
            log.warning("the uploads' state cannot be written", error=str(err))

    # --- the requests inbox's side --------------------------------------------------------------

    def handlers(self) -> Mapping[str, Callable[[Mapping[str, Any]], None]]:
        """What the requests inbox applies for `pause` and `resume`."""
        return {PAUSE: self._pause_request, RESUME: lambda _arguments: self.resume()}

    def _pause_request(self, arguments: Mapping[str, Any]) -> None:
        until = arguments["until"]
        if until is not None and not isinstance(until, str):
            raise TypeError(f"until must be a time or null, not {until!r}")
        try:
            self.pause(until)
        except ValueError as err:
            raise TypeError(f"until is not a time: {until!r}") from err
