"""Specification: the daemon tells people what it proved. One real pass (`run --once`) over a
roll offloaded to a RAID and a shuttle drive, uploaded to a real folder target, delivers through
the configured channels: the roll's good news in one batch, and the shuttle's clearance at once,
worded for a phone's lock screen; a channel that is down keeps its deliveries, and delays no
other.

The channels are in-test objects speaking the `Channel` protocol: what is specified here is the
daemon's side (routing, composing, delivering, recording); the email, Slack, webhook and
apprise channels are specified against their real servers with their own tests."""

from __future__ import annotations

from pathlib import Path

from rollkeeper.config.schema import Config, parse_config
from rollkeeper.ledger.store import Ledger
from rollkeeper.notify.model import Channel, DeliveryFailed, Notice
from rollkeeper.runtime.service import Service

from tests.builders import clip, sealed_legacy_roll

A001 = "20261121_Day01/Camera_Media/A001R1AB"
FILES = {"Clips/A001C001.mov": clip(1, 6000), "Clips/A001C002.mov": clip(2, 4000)}


class Inbox:
    """A channel that keeps what it is sent, or refuses everything while `down`."""

    def __init__(self, name: str, kind: str, *, down: bool = False) -> None:
        self.name, self.kind, self.down = name, kind, down
        self.sent: list[Notice] = []

    def send(self, notice: Notice) -> None:
        if self.down:
            raise DeliveryFailed("smtp.example.com:587: connection refused")
        self.sent.append(notice)

    def close(self) -> None:
        pass


def cart(root: Path) -> Config:
    """RAID_A and SHUTTLE_01 holding the same card, a folder target, an email and a Slack
    channel (email batches good news for ten minutes, Slack tells it at once)."""
    raid, shuttle, store = root / "RAID_A", root / "SHUTTLE_01", root / "nas"
    store.mkdir()
    for drive in (raid, shuttle):
        sealed_legacy_roll(drive / A001, FILES)
    return parse_config(
        f'[cart]\nname = "CART-A"\n[state]\ndir = "{root / "state"}"\n'
        f"[layout]\nsettle_seconds = 0\n"
        f'[[volumes]]\npath = "{raid}"\nrole = "raid"\n'
        f'[[volumes]]\npath = "{shuttle}"\nrole = "rotation"\n'
        f'[target]\npath = "{store}"\n'
        '[[notify.email]]\nhost = "smtp.example.com"\nsender = "rk@cart-a.example"\n'
        'to = ["dit@show.example"]\n'
        '[[notify.slack]]\nwebhook_url_env = "RK_TEST_SLACK_URL"\n',
        root / "rollkeeper.toml",
    )


def run_once(config: Config, *channels: Channel) -> None:
    Service(config, channels=lambda _config: channels).run_once(wait=0)


def deliveries(config: Config) -> list[tuple[str, str]]:
    ledger = Ledger.in_state_dir(config.state.resolved_dir(), readonly=True)
    try:
        every = ledger.deliveries(("pending", "sent", "failed"))
        return sorted({(d.channel, d.state) for d in every})
    finally:
        ledger.close()


def test_one_pass_tells_the_rolls_upload_in_a_batch_and_the_shuttles_clearance_at_once(
    tmp_path: Path,
) -> None:
    config = cart(tmp_path)
    email, slack = Inbox("email-1", "email"), Inbox("slack-1", "slack")
    run_once(config, email, slack)
    for inbox in (email, slack):
        subjects = sorted(notice.subject for notice in inbox.sent)
        assert subjects == [
            "[CART-A] 1 roll uploaded and verified — day 20261121_Day01",
            "[CART-A] SHUTTLE_01 may be erased — 1 roll, 10 kB, all verified",
        ], inbox.name
    batch = next(n for n in email.sent if n.kind == "good_news")
    (item,) = batch.items
    assert (item.roll, item.day, item.files, item.bytes) == ("A001R1AB", "20261121_Day01", 2, 10000)
    assert deliveries(config) == [("email-1", "sent"), ("slack-1", "sent")]


def test_a_channel_that_is_down_keeps_its_deliveries_and_delays_no_other(tmp_path: Path) -> None:
    config = cart(tmp_path)
    email, slack = Inbox("email-1", "email", down=True), Inbox("slack-1", "slack")
    run_once(config, email, slack)
    assert len(slack.sent) == 2
    assert deliveries(config) == [("email-1", "pending"), ("slack-1", "sent")]

    email.down = False
    run_once(config, email, Inbox("slack-1", "slack"))
    assert sorted(n.kind for n in email.sent) == ["clearance_granted", "good_news"]
    assert deliveries(config) == [("email-1", "sent"), ("slack-1", "sent")]


def test_a_notice_sent_again_after_a_failure_keeps_its_id(tmp_path: Path) -> None:
    config = cart(tmp_path)
    email = Inbox("email-1", "email", down=True)
    run_once(config, email, Inbox("slack-1", "slack"))
    ledger = Ledger.in_state_dir(config.state.resolved_dir(), readonly=True)
    claimed = sorted(d.notice_id or "" for d in ledger.deliveries(("pending",)))
    ledger.close()
    email.down = False
    run_once(config, email, Inbox("slack-1", "slack"))
    assert sorted({n.notice_id for n in email.sent}) == sorted(set(claimed))
