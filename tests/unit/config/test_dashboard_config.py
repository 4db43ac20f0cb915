"""Specification: the `[dashboard]` table: on by default on loopback, off with `listen = ""`, and
never open to the network without a token."""

from __future__ import annotations

from pathlib import Path

import pytest
from rollkeeper.config.dashboard import ListenAddress
from rollkeeper.config.errors import ConfigError
from rollkeeper.config.schema import parse_config

FILE = Path("/etc/rollkeeper.toml")


def test_the_dashboard_listens_on_loopback_by_default() -> None:
    assert parse_config("", FILE).dashboard.address == ListenAddress("127.0.0.1", 8642)


def test_an_empty_listen_turns_the_dashboard_off() -> None:
    assert parse_config('[dashboard]\nlisten = ""\n', FILE).dashboard.address is None


def test_an_ipv6_listen_is_read_without_its_brackets() -> None:
    settings = parse_config('[dashboard]\nlisten = "[::1]:9000"\n', FILE).dashboard
    assert settings.address == ListenAddress("::1", 9000)
    assert settings.address.loopback


def test_a_listen_without_a_port_is_refused_with_the_accepted_form() -> None:
    with pytest.raises(ConfigError) as refused:
        parse_config('[dashboard]\nlisten = "127.0.0.1"\n', FILE)
    assert str(refused.value) == (
        "/etc/rollkeeper.toml:2: dashboard.listen = '127.0.0.1': must be \"host:port\" "
        '(e.g. "127.0.0.1:8642", "[::1]:8642"), or "" for no dashboard'
    )


def test_a_network_listen_without_a_token_is_refused() -> None:
    with pytest.raises(ConfigError) as refused:
        parse_config('[dashboard]\nlisten = "0.0.0.0:8642"\n', FILE)
    assert str(refused.value) == (
        "/etc/rollkeeper.toml:1: dashboard: listen = '0.0.0.0:8642' opens the dashboard to the "
        "network; set token_env (the variable holding its token), or listen on 127.0.0.1"
    )


def test_a_network_listen_with_a_token_is_accepted() -> None:
    text = '[dashboard]\nlisten = "0.0.0.0:8642"\ntoken_env = "RK_DASH_TOKEN"\n'
    assert parse_config(text, FILE).dashboard.token_env == "RK_DASH_TOKEN"


def test_a_tls_certificate_without_its_key_is_refused() -> None:
    with pytest.raises(ConfigError, match="tls_cert and tls_key go together"):
        parse_config('[dashboard]\ntls_cert = "/etc/cart.pem"\n', FILE)
