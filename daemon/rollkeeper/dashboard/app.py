"""The dashboard's ASGI application: the JSON API under `/api/` (docs/api.md), behind the gate.

Every answer is drawn from the status document of that moment (`dashboard.views`), with the same
fields as `rollkeeper status --json`; a ledger not there yet (the daemon starting) is 503 with
the sentence `status` would say.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp

from rollkeeper.core.errors import RollkeeperError
from rollkeeper.dashboard.guard import Gate, GuardMiddleware
from rollkeeper.dashboard.pages import board_page, roll_page, static_file, warm
from rollkeeper.dashboard.views import StatusSource, day_rolls, drives, find_roll

#: One API answer drawn from the status document and the request's path parameters.
Answer = Callable[[dict[str, Any], dict[str, str]], Any]


def _api(source: StatusSource, answer: Answer) -> Callable[[Request], Response]:
    """A GET route answering `answer(document, path_params)`; None from it is 404."""

    def endpoint(request: Request) -> Response:
        try:
            document = source.status()
        except RollkeeperError as err:
            return JSONResponse({"error": str(err)}, status_code=503)
        body = answer(document, dict(request.path_params))
        if body is None:
            return JSONResponse({"error": "not found"}, status_code=404)
        return JSONResponse(body)

    return endpoint


def _day(document: dict[str, Any], params: dict[str, str]) -> dict[str, Any] | None:
    rolls = day_rolls(document, params["day"])
    return {"shoot_day": params["day"], "rolls": rolls} if rolls else None


def _roll_answer(source: StatusSource) -> Answer:
    """A roll as in the status document, with its files' recorded evidence (`files`) and when
    each kind of it was checked (`checked_at`, as in `clearance --json`)."""

    def answer(document: dict[str, Any], params: dict[str, str]) -> dict[str, Any] | None:
        roll = find_roll(document, params["roll"])
        if roll is None:
            return None
        evidence = source.roll_files(roll["id"])
        return {**roll, "files": evidence.files, "checked_at": evidence.checked_at}

    return answer


def _roll_page(source: StatusSource, cart: str) -> Callable[[Request], Response]:
    """A roll's page: its state, drives, upload, clearance and each file's evidence."""

    def endpoint(request: Request) -> Response:
        try:
            document = source.status()
            roll = find_roll(document, request.path_params["roll"])
            if roll is None:
                return PlainTextResponse("no such roll", status_code=404)
            evidence = source.roll_files(roll["id"])
        except RollkeeperError as err:
            return PlainTextResponse(str(err), status_code=503)
        return HTMLResponse(roll_page(roll, evidence, cart, datetime.now(UTC)))

    return endpoint


def _board(source: StatusSource, cart: str) -> Callable[[Request], Response]:
    """The drives board page; the status sentence (503) while there is no ledger yet."""

    def endpoint(_request: Request) -> Response:
        try:
            document, report = source.board()
        except RollkeeperError as err:
            return PlainTextResponse(str(err), status_code=503)
        return HTMLResponse(board_page(document, report, cart, datetime.now(UTC)))

    return endpoint


def _css(_request: Request) -> Response:
    return Response(static_file("board.css"), media_type="text/css")


def _js(_request: Request) -> Response:
    return Response(static_file("live.js"), media_type="text/javascript")


def build_app(source: StatusSource, gate: Gate, cart: str = "CART") -> ASGIApp:
    """The dashboard for the ledger `source` reads, readable by whom `gate` lets in. The gate
    wraps the whole application, so even an error's 500 carries the security headers."""
    warm()
    routes = [
        Route("/api/status", _api(source, lambda doc, _p: doc)),
        Route("/api/drives", _api(source, lambda doc, _p: {"volumes": drives(doc)})),
        Route("/api/days/{day}", _api(source, _day)),
        Route("/api/rolls/{roll:path}", _api(source, _roll_answer(source))),
        Route("/rolls/{roll:path}", _roll_page(source, cart)),
        Route("/", _board(source, cart)),
        Route("/static/board.css", _css),
        Route("/static/live.js", _js),
    ]
    return GuardMiddleware(Starlette(routes=routes), gate)
