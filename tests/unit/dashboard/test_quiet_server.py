"""Specification: the dashboard's server wakes once a second while idle, not ten times as
uvicorn's own loop does, renewing its Date header and seeing whether it is to stop at each wake
(`dashboard.server.QuietServer`)."""

from __future__ import annotations

import asyncio

import pytest
import uvicorn
from rollkeeper.dashboard.server import WAKE_EVERY, QuietServer
from starlette.responses import PlainTextResponse


def test_the_idle_server_wakes_every_second_renewing_its_date_until_told_to_stop(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    config = uvicorn.Config(PlainTextResponse("ok"), log_config=None, lifespan="off")
    config.load()
    server = QuietServer(config)
    rests: list[float] = []
    dates: list[bytes] = []

    async def rest(seconds: float) -> None:
        rests.append(seconds)
        dates.append(dict(server.server_state.default_headers)[b"date"])
        server.server_state.default_headers = []
        server.should_exit = len(rests) == 3

    monkeypatch.setattr(asyncio, "sleep", rest)
    asyncio.run(server.main_loop())

    assert rests == [WAKE_EVERY] * 3 == [1.0] * 3
    assert all(dates)
