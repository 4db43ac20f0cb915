"""A daemon frozen (SIGSTOP: as a cart asleep, or a clock that jumped) for three archive poll
periods polls once on waking: no poll lost, none fired in a storm. The real daemon, a folder
target, and an HTTP archive portal whose every poll the test counts."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

from tests.httpreceiver import Answer, HttpReceiver
from tests.integration.daemon_harness import (
    A001,
    Daemon,
    make_roll,
    sample_files,
    upload_state_in_ledger,
    wait_until,
    write_config,
)

#: `[archive] poll_interval` (seconds).
PERIOD = 1.0


def test_three_periods_frozen_then_exactly_one_catch_up_poll(tmp_path: Path) -> None:
    (tmp_path / "raid").mkdir()
    (tmp_path / "nas").mkdir()
    pending = Answer(body=b'{"status": "pending"}', headers={"Content-Type": "application/json"})
    with HttpReceiver([pending]) as portal:
        config = write_config(
            tmp_path / "rollkeeper.toml",
            tmp_path / "state",
            [(str(tmp_path / "raid"), "raid")],
            extra=(
                f'[target]\nkind = "fs"\npath = "{tmp_path / "nas"}"\n'
                f'[archive]\nprovider = "http"\npoll_interval = "{PERIOD}s"\n'
                f'url = "{portal.url("/rolls/{shoot_day}/{media_type}/{roll}")}"\n'
            ),
        )
        make_roll(tmp_path / "raid", A001, sample_files(1))
        daemon = Daemon(config).start()
        assert daemon.process is not None
        try:
            wait_until(lambda: upload_state_in_ledger(tmp_path / "state", A001) == "uploaded")
            wait_until(lambda: len(portal.requests) >= 2, what="two polls on schedule")
            os.kill(daemon.process.pid, signal.SIGSTOP)
            time.sleep(0.2)  # a poll that was on the wire lands
            before = len(portal.requests)
            time.sleep(3 * PERIOD)  # frozen through three periods
            frozen = len(portal.requests) - before
            os.kill(daemon.process.pid, signal.SIGCONT)
            wait_until(lambda: len(portal.requests) > before, what="the catch-up poll")
            time.sleep(PERIOD / 2)  # a storm would be here by now; the next poll is not due
            after_waking = len(portal.requests) - before
            wait_until(lambda: len(portal.requests) > before + 1, what="polls on schedule again")
        finally:
            daemon.stop()
    assert frozen == 0
    assert after_waking == 1
    assert {r.path for r in portal.requests} == {f"/rolls/{A001}"}
