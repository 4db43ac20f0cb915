"""Talking to systemd's supervisor (sd_notify): ready, alive, reloading, stopping, a status line.

The messages go as datagrams to the unix socket named by `NOTIFY_SOCKET` (a leading `@` is
Linux's abstract namespace); without it every call is a no-op (macOS, a terminal). `WATCHDOG=1`
is sent by the main loop (`Loop.run`) at most every half `WATCHDOG_USEC`, so a hung loop sends
none and systemd restarts it, while uploads and verification run on workers and never hold it
up. A message that cannot be sent is logged once and never stops the daemon.
"""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Callable, Mapping

import structlog

log = structlog.get_logger("rollkeeper")


def socket_address(value: str) -> str | bytes:
    """The address `NOTIFY_SOCKET` names: a path, or (`@name`) an abstract socket."""
    if value.startswith("@"):
        return b"\0" + value[1:].encode("utf-8")
    return value


def watchdog_period(environ: Mapping[str, str]) -> float | None:
    """Seconds between WATCHDOG=1 pings: half `WATCHDOG_USEC`, or None when systemd asks for
    none (unset, not a positive number, or meant for another process: `WATCHDOG_PID`)."""
    pid = environ.get("WATCHDOG_PID")
    if pid is not None and pid.strip() != str(os.getpid()):
        return None
    try:
        usec = int(environ.get("WATCHDOG_USEC", ""))
    except ValueError:
        return None
    return usec / 2_000_000 if usec > 0 else None


class Notifier:
    """sd_notify messages when NOTIFY_SOCKET is set (Type=notify, WatchdogSec), else nothing."""

    def __init__(
        self,
        environ: Mapping[str, str] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        env = os.environ if environ is None else environ
        path = env.get("NOTIFY_SOCKET") or None
        self._address = socket_address(path) if path else None
        self._socket: socket.socket | None = None
        self.period = watchdog_period(env) if path else None
        self._clock = clock
        self._last_ping = float("-inf")
        self._status: str | None = None
        self._failed = False

    @property
    def active(self) -> bool:
        """Whether a supervisor listens (NOTIFY_SOCKET set)."""
        return self._address is not None

    def _send(self, message: str) -> None:
        if self._address is None:
            return
        try:
            if self._socket is None:
                self._socket = socket.socket(
                    socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC
                )
            self._socket.sendto(message.encode("utf-8"), self._address)
        except OSError as err:
            if not self._failed:  # said once: systemd may simply be gone
                log.warning("systemd.notify_failed", error=err.strerror or str(err))
            self._failed = True

    def ready(self) -> None:
        """The ledger is open and the watchers run."""
        self._send("READY=1")

    def reloading(self) -> None:
        """A reload (SIGHUP) begins; `ready()` ends it."""
        usec = time.clock_gettime_ns(time.CLOCK_MONOTONIC) // 1000
        self._send(f"RELOADING=1\nMONOTONIC_USEC={usec}")

    def stopping(self) -> None:
        self._send("STOPPING=1")

    def status(self, text: str) -> None:
        """The one-line summary `systemctl status` shows; sent only when it changed."""
        if text != self._status:
            self._status = text
            self._send(f"STATUS={text}")

    def watchdog(self) -> None:
        """The main loop passed: ping, if half the watchdog interval went by since the last."""
        if self.period is None:
            return
        now = self._clock()
        if now - self._last_ping >= self.period:
            self._last_ping = now
            self._send("WATCHDOG=1")

    def due_in(self) -> float | None:
        """Seconds until the next ping is due (None: no watchdog): the loop rests no longer."""
        if self.period is None:
            return None
        return max(0.0, self._last_ping + self.period - self._clock())

    def close(self) -> None:
        if self._socket is not None:
            self._socket.close()
            self._socket = None
