"""Specification: `rollkeeper status` says where the running daemon's dashboard is, or why it
does not listen."""

from __future__ import annotations

from rollkeeper.reports.status_text import dashboard_line

RUNNING = {"running": True}


def test_status_names_the_dashboards_address() -> None:
    shown = {"url": "http://127.0.0.1:8642/", "listening": True, "problem": None}
    assert dashboard_line(shown, RUNNING) == "Dashboard: http://127.0.0.1:8642/"


def test_status_says_why_the_dashboard_does_not_listen() -> None:
    shown = {"url": "http://127.0.0.1:8642/", "listening": False, "problem": "the port is taken"}
    assert dashboard_line(shown, RUNNING) == (
        "Dashboard: NOT LISTENING: the port is taken (the backup goes on)"
    )


def test_status_says_nothing_of_a_dashboard_when_the_daemon_is_not_running() -> None:
    shown = {"url": "http://127.0.0.1:8642/", "listening": False, "problem": None}
    assert dashboard_line(shown, {"running": False}) is None
