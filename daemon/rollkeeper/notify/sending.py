"""Sending a notice and what its outcome tells the ledger, for the daemon and for a command.

The daemon's workers send through `send_one` (`runtime.notifying`); a command that records an
event someone is waiting for (`rollkeeper notify summary`) sends it at once through
`send_event_now`, in the same way: claimed first (so a running daemon does not send it too, and
a crash resends it at most once), composed, sent, and the outcome recorded in its own short
transaction. What fails stays in the outbox for the daemon to retry.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rollkeeper.ledger.outbox import FailedAttempt
from rollkeeper.ledger.store import Ledger
from rollkeeper.notify.compose import Composer
from rollkeeper.notify.model import Channel, DeliveryFailed, Notice


def send_one(channel: Channel, notice: Notice) -> DeliveryFailed | None:
    """Send one notice; how it failed (None: sent). Never raises."""
    try:
        channel.send(notice)
    except DeliveryFailed as failed:
        return failed
    except Exception as err:  # a channel's bug: its text may hold a secret, so name its type
        return DeliveryFailed(
            f"the {channel.kind} channel failed unexpectedly ({type(err).__name__})"
        )
    return None


def failed_attempt(failure: DeliveryFailed, give_up_after: float, jitter: float) -> FailedAttempt:
    """What a failed send tells the ledger."""
    return FailedAttempt(
        failure.reason,
        give_up_after,
        retry_after=failure.retry_after,
        permanent=failure.permanent,
        jitter=jitter,
    )


@dataclass(frozen=True, slots=True)
class SentNow:
    """How one channel took a notice sent at once: `failure` None when it was delivered."""

    channel: str
    failure: DeliveryFailed | None


def send_event_now(
    ledger: Ledger,
    event_id: int,
    channels: Sequence[Channel],
    composer: Composer,
    give_up_after: float,
    jitter: Callable[[], float] = random.random,
) -> list[SentNow]:
    """Send the deliveries of the event `event_id` on `channels` now, each outcome recorded."""
    by_name = {channel.name: channel for channel in channels}
    results: list[SentNow] = []
    for claim in ledger.claim_event(event_id, by_name):
        failure: DeliveryFailed | None
        try:
            notice = composer.compose(ledger, claim)
        except Exception as err:  # the report could not be read: a failed attempt, said plainly
            failure = DeliveryFailed(f"the notice could not be composed ({type(err).__name__})")
        else:
            failure = send_one(by_name[claim.channel], notice)
        if failure is None:
            ledger.delivery_sent(claim)
        else:
            ledger.delivery_failed(claim, failed_attempt(failure, give_up_after, jitter()))
        results.append(SentNow(claim.channel, failure))
    return results
