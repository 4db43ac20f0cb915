"""Talking to systemd's supervisor (sd_notify): ready, alive, stopping. A no-op elsewhere."""

from __future__ import annotations

import os

import sdnotify


class Notifier:
    """sd_notify messages when NOTIFY_SOCKET is set (Type=notify, WatchdogSec), else nothing."""

    def __init__(self) -> None:
        self._notifier = sdnotify.SystemdNotifier() if os.environ.get("NOTIFY_SOCKET") else None

    def _send(self, message: str) -> None:
        if self._notifier is not None:
            self._notifier.notify(message)

    def ready(self) -> None:
        self._send("READY=1")

    def watchdog(self) -> None:
        self._send("WATCHDOG=1")

    def status(self, text: str) -> None:
        self._send(f"STATUS={text}")

    def stopping(self) -> None:
        self._send("STOPPING=1")
