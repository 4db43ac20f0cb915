"""Specification: the words of the daemon's life as a service (`core.words.service`)."""

from __future__ import annotations

from rollkeeper.core.words.service import (
    ServiceCounts,
    inhibitor_missing,
    reload_needs_restart,
    reload_rejected,
    status_line,
)


def test_the_status_line_names_work_in_flight_what_is_verified_and_drives_to_erase() -> None:
    counts = ServiceCounts(uploading=3, verified=41, erasable=("SHUTTLE_03",))
    assert status_line(counts) == "3 rolls uploading · 41 verified · SHUTTLE_03 may be erased"


def test_an_idle_cart_s_status_line_counts_its_verified_rolls() -> None:
    assert status_line(ServiceCounts()) == "0 rolls verified"
    assert status_line(ServiceCounts(verified=1)) == "1 roll verified"


def test_the_status_line_names_verifying_and_failed_rolls() -> None:
    counts = ServiceCounts(verifying=1, uploading=2, verified=5, failed=1)
    assert status_line(counts) == "1 roll verifying · 2 uploading · 5 verified · 1 failed"


def test_a_refused_reload_says_the_old_configuration_still_runs() -> None:
    assert reload_rejected("/etc/rk.toml", "watch.poll_interval: bad") == (
        "/etc/rk.toml was not reloaded (the previous configuration still runs): "
        "watch.poll_interval: bad"
    )


def test_a_refusal_names_its_file_once() -> None:
    said = reload_rejected("/etc/rk.toml", "/etc/rk.toml: not valid TOML (line 3)")
    assert said == (
        "/etc/rk.toml was not reloaded (the previous configuration still runs): "
        "not valid TOML (line 3)"
    )


def test_settings_that_need_a_restart_are_named() -> None:
    assert reload_needs_restart(["[state]", "[target]"]) == (
        "[state], [target] changed: kept as before until the daemon restarts "
        "(`systemctl restart rollkeeper`, or stop and start `rollkeeper run`)"
    )


def test_a_missing_inhibitor_tool_says_how_to_fix_it() -> None:
    assert inhibitor_missing("systemd-inhibit") == (
        "cannot keep the cart awake while rolls verify or upload: systemd-inhibit is not "
        "installed (install it, or set [service] prevent_sleep = false)"
    )
