"""The http archive provider: a MAM or vendor portal that reports each roll's archive status."""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from rollkeeper.archive.model import ArchiveReport, ArchiveRoll, ArchiveState
from rollkeeper.config.sections import ArchiveSettings


def resolve_pointer(document: Any, pointer: str) -> Any:
    """RFC 6901 JSON pointer lookup; KeyError when the path is absent."""
    if pointer in ("", "/"):
        return document
    node = document
    for raw in pointer.lstrip("/").split("/"):
        token = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(node, list):
            node = node[int(token)]
        elif isinstance(node, dict):
            node = node[token]
        else:
            raise KeyError(token)
    return node


class HttpArchive:
    """A MAM or vendor portal that reports each roll's archive status over HTTP(S)."""

    name = "http"

    def __init__(self, settings: ArchiveSettings, timeout: float = 20.0) -> None:
        assert settings.url is not None  # noqa: S101 - the schema requires it
        self.settings = settings
        self.timeout = timeout

    def preflight(self) -> str | None:
        env = self.settings.auth_header_env
        if env and not os.environ.get(env):
            return f"the environment variable {env} (the archive portal's credentials) is not set"
        return None

    def check(self, roll: ArchiveRoll) -> ArchiveReport:
        settings = self.settings
        url = (settings.url or "").format(
            shoot_day=urllib.parse.quote(roll.shoot_day, safe=""),
            media_type=urllib.parse.quote(roll.media_type, safe=""),
            roll=urllib.parse.quote(roll.roll, safe=""),
        )
        request = urllib.request.Request(url, headers={"Accept": "application/json"})  # noqa: S310
        if settings.auth_header_env and os.environ.get(settings.auth_header_env):
            request.add_header("Authorization", os.environ[settings.auth_header_env])
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as answer:  # noqa: S310
                document = json.loads(answer.read(1024 * 1024))
            value = str(resolve_pointer(document, settings.status_pointer))
        except (urllib.error.URLError, TimeoutError, OSError) as err:
            return self._all(roll, ArchiveState.PENDING, f"archive portal unreachable ({err})")
        except (ValueError, KeyError, IndexError, TypeError):
            return self._all(
                roll,
                ArchiveState.PENDING,
                f"archive portal answer has no status at {settings.status_pointer}",
            )
        if value in settings.archived_values:
            return self._all(roll, ArchiveState.ARCHIVED, None)
        if value in settings.failed_values:
            return self._all(roll, ArchiveState.FAILED, f"archive portal says {value!r}")
        return self._all(roll, ArchiveState.PENDING, f"archive portal says {value!r}")

    @staticmethod
    def _all(roll: ArchiveRoll, state: ArchiveState, reason: str | None) -> ArchiveReport:
        report = ArchiveReport()
        for record in roll.objects:
            report.note(record, state)
        if reason:
            report.reasons.append(reason)
        return report
