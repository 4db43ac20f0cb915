"""Specification: a mistaken `[notify]` or `[monitor]` setting is refused with the message a person
sees (file, line, key, what is wrong), and the channels are named in file order."""

from __future__ import annotations

from pathlib import Path

import pytest
from rollkeeper.config.errors import ConfigError
from rollkeeper.config.schema import parse_config

FILE = Path("/etc/rollkeeper/rollkeeper.toml")
SLACK = '[[notify.slack]]\nwebhook_url_env = "RK_SLACK"\n'


def refused(text: str) -> str:
    with pytest.raises(ConfigError) as caught:
        parse_config(text, FILE)
    return str(caught.value)


def test_a_daily_summary_time_that_is_not_a_time_of_day_is_refused() -> None:
    assert refused('[notify]\ndaily_at = "25:00"\n') == (
        f"{FILE}:2: notify.daily_at = '25:00': must be a time of day between 00:00 and 23:59"
    )


def test_a_daily_summary_time_not_written_hh_mm_is_refused() -> None:
    assert refused('[notify]\ndaily_at = "7pm"\n').endswith(
        "notify.daily_at = '7pm': must be a local time as HH:MM, e.g. '19:00'"
    )


def test_a_channel_naming_an_unknown_event_kind_is_refused_with_the_known_ones() -> None:
    message = refused(SLACK + 'events = ["upload_finished"]\n')
    assert (
        "notify.slack[0].events = ['upload_finished']: 'upload_finished' is not an event kind"
        in message
    )
    assert "upload_done" in message


def test_two_channels_of_one_name_are_refused() -> None:
    message = refused(SLACK + 'name = "set"\n' + SLACK + 'name = "set"\n')
    assert "two channels are named 'set'; give one another 'name'" in message


def test_a_secret_given_inline_and_by_variable_is_refused() -> None:
    text = (
        '[[notify.email]]\nhost = "smtp.example"\nsender = "rk@cart.example"\n'
        'to = ["dit@show.example"]\npassword = "hunter2"\npassword_env = "RK_SMTP"\n'
    )
    message = refused(text)
    assert "set password or password_env, not both" in message
    assert "hunter2" not in message


def test_a_slack_channel_without_its_url_says_how_to_give_it() -> None:
    assert "set webhook_url_env (the environment variable holding it) or webhook_url" in refused(
        "[[notify.slack]]\n"
    )


def test_a_webhook_url_that_is_not_http_is_refused() -> None:
    assert "must start with http:// or https://" in refused(
        '[[notify.webhook]]\nurl = "ftp://ops.example/hook"\n'
    )


def test_channels_are_named_by_kind_and_file_order_unless_named() -> None:
    config = parse_config(SLACK + SLACK + 'name = "phones"\n', FILE)
    assert [name for name, _channel in config.notify.channels()] == ["slack-1", "phones"]
