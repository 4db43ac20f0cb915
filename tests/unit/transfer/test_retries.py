"""Retries: a transient failure is tried again after a growing, jittered, capped wait."""

from __future__ import annotations

import pytest
from rollkeeper.transfer.settings import TransferSettings, retrying
from rollkeeper.transfer.targets import KeyConflict, TransientFailure

ALWAYS = 1_000


class Flaky:
    """A request that fails `failures` times with `error`, then stores."""

    def __init__(self, failures: int, error: Exception) -> None:
        self.failures, self.error, self.calls = failures, error, 0

    def __call__(self) -> str:
        self.calls += 1
        if self.calls <= self.failures:
            raise self.error
        return "stored"


def settings(max_attempts: int, waits: list[float] | None = None) -> TransferSettings:
    return TransferSettings(
        max_concurrency=1,
        max_attempts=max_attempts,
        sleep=(waits if waits is not None else []).append,
        backoff_base=1.0,
        backoff_cap=5.0,
    )


def test_a_transient_failure_is_retried_until_the_request_succeeds() -> None:
    request = Flaky(2, TransientFailure("connection reset"))

    assert retrying(settings(5), request) == "stored"
    assert request.calls == 3


def test_after_the_last_attempt_the_transient_failure_is_raised() -> None:
    request = Flaky(ALWAYS, TransientFailure("503 slow down"))

    with pytest.raises(TransientFailure, match="slow down"):
        retrying(settings(3), request)
    assert request.calls == 3


def test_waits_double_with_jitter_and_never_pass_the_cap() -> None:
    waits: list[float] = []

    with pytest.raises(TransientFailure):
        retrying(settings(5, waits), Flaky(ALWAYS, TransientFailure("timeout")))

    full = [2.0, 4.0, 5.0, 5.0]  # base * 2**attempt, capped at 5 s; none after the last attempt
    assert len(waits) == len(full)
    assert all(wait / 2 <= waited <= wait for wait, waited in zip(full, waits, strict=True))


def test_a_failure_that_is_not_transient_is_never_retried() -> None:
    request = Flaky(ALWAYS, KeyConflict("the key holds another clip"))

    with pytest.raises(KeyConflict):
        retrying(settings(5), request)
    assert request.calls == 1
