"""Fuzzing the configuration loader (property-based, bounded): any text in the config file —
real settings with hostile values, wrong types, unknown keys, broken TOML, noise — is either a
configuration or a `ConfigError` naming the file. Never another exception, never a hang."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from rollkeeper.config.errors import ConfigError
from rollkeeper.config.schema import parse_config

FILE = Path("/etc/rollkeeper/rollkeeper.toml")
FUZZ = settings(max_examples=300, deadline=2000)

#: Real tables and keys, so that the fuzz reaches the validators, not only the TOML parser.
KEYS = {
    "cart": ["name"],
    "state": ["dir", "keep_backups"],
    "layout": ["profile", "settle_seconds", "stall_after"],
    "watch": ["mount_check_interval", "poll_interval", "rescan_interval", "restat_interval"],
    "target": ["kind", "path", "endpoint", "bucket", "prefix", "part_size", "max_concurrency",
               "bandwidth_limit", "checksum", "retry_after", "must_be_mount"],
    "archive": ["provider", "poll_interval", "bucket", "path", "url"],
    "clearance": ["max_evidence_age", "recheck_interval", "copies_required"],
    "notify": ["daily_at", "batch_every", "give_up_after"],
    "monitor": ["ping_url", "ping_url_env", "ping_every"],
    "dashboard": ["listen", "allowed_hosts", "token_env", "tls_cert", "tls_key"],
    "service": ["stop_grace", "prevent_sleep"],
    "log": ["level", "file"],
}  # fmt: skip
VALUES = st.one_of(
    st.sampled_from([
        '""', '"0s"', '"-1s"', '"1e9h"', '"25:61"', '"none"', '"1kB/s"', '"0.0.0.0:8642"',
        '"../../etc"', '"/"', "0", "-1", "1e308", "nan", "inf", "true", "[]", '["a", 1]', "{}",
        '"\\u0000"', '"' + "x" * 5000 + '"', "2026-12-06T10:00:00Z", "{ a = 1 }",
    ]),
    st.integers().map(str),
    st.text(max_size=30).map(lambda t: '"' + t.replace("\\", "\\\\").replace('"', '\\"') + '"'),
)  # fmt: skip


@st.composite
def config_texts(draw: st.DrawFn) -> str:
    """A configuration of real tables and keys (and some unknown ones) with drawn values."""
    lines = []
    for table in draw(st.lists(st.sampled_from([*KEYS, "volumes", "nonsense"]), max_size=6)):
        lines.append(f"[[{table}]]" if table == "volumes" else f"[{table}]")
        keys = KEYS.get(table, ["path", "role", "poll", "unknown_key"])
        for key in draw(st.lists(st.sampled_from(keys), max_size=4, unique=True)):
            lines.append(f"{key} = {draw(VALUES)}")
    return "\n".join(lines) + "\n"


def _parsed_or_refused(text: str) -> None:
    try:
        parse_config(text, FILE)
    except ConfigError as err:
        assert str(FILE) in str(err)


@FUZZ
@given(text=config_texts())
def test_real_keys_with_drawn_values_are_a_config_or_a_refusal_naming_the_file(text: str) -> None:
    _parsed_or_refused(text)


@FUZZ
@given(text=st.text(max_size=400))
def test_any_text_is_a_config_or_a_refusal_naming_the_file(text: str) -> None:
    _parsed_or_refused(text)
