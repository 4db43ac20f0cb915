"""How hard and how fast a roll's upload goes: uploaders in flight, attempts, backoff, bandwidth."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol, TypeVar

from rollkeeper.transfer.gate import UploadGate
from rollkeeper.transfer.targets import TransientFailure

T = TypeVar("T")


class Pace(Protocol):
    """An upload's bandwidth limit: `take` blocks until `count` more bytes may go."""

    def take(self, count: int) -> None: ...


@dataclass(slots=True)
class TransferSettings:
    """The uploader's pace: places in flight, attempts per request and the waits between them."""

    max_concurrency: int
    max_attempts: int
    bandwidth: Pace | None = None
    gate: UploadGate = field(default_factory=UploadGate)  # pause and stop, at part boundaries
    sleep: Callable[[float], None] = time.sleep
    backoff_base: float = 1.0
    backoff_cap: float = 30.0


def retrying(settings: TransferSettings, action: Callable[[], T]) -> T:
    """Run `action`, retrying transient failures with exponential backoff and jitter."""
    attempt = 0
    while True:
        attempt += 1
        try:
            return action()
        except TransientFailure:
            if attempt >= settings.max_attempts:
                raise
            delay = min(settings.backoff_cap, settings.backoff_base * 2**attempt)
            settings.sleep(delay * (0.5 + random.random() / 2))  # noqa: S311
