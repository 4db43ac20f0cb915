"""Specification: the README's samples are what the code makes. `docs/samples/slack-alarm.json`
and `slack-good-news.json` are the Block Kit payloads of the sample notices, `webhook-alarm.json`
the webhook document of docs/webhook.md, and they stay current
(`RK_UPDATE_SAMPLES=1` rewrites them); the sample email's HTML part renders in headless Chromium
with a hostile roll name shown as text, and its screenshot is `docs/images/email-sample.png`
(written when missing or with `RK_UPDATE_SAMPLES=1`). Chromium missing: skipped, saying so."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from rollkeeper.notify.email_message import compose_email
from rollkeeper.notify.model import Notice
from rollkeeper.notify.slack_blocks import slack_message
from rollkeeper.notify.webhook_body import body, signature

from tests.notices import AT, HOSTILE, alarm, good_news, summary

DOCS = Path(__file__).resolve().parents[3] / "docs"
UPDATE = os.environ.get("RK_UPDATE_SAMPLES") == "1"
SENT_AT = AT + timedelta(seconds=90)
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture
def utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Times in the samples are shown in UTC, whatever this machine's zone."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def _stays_current(path: Path, text: str) -> None:
    if UPDATE or not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.read_text(encoding="utf-8") == text, (
        f"{path} is stale: rerun with RK_UPDATE_SAMPLES=1 and commit it"
    )


@pytest.mark.usefixtures("utc")
@pytest.mark.parametrize(
    ("name", "notice"),
    [("slack-alarm.json", alarm()), ("slack-good-news.json", good_news(rolls=3))],
)
def test_the_readmes_slack_samples_are_what_the_channel_sends(name: str, notice: Notice) -> None:
    payload = json.dumps(slack_message(notice), indent=2, ensure_ascii=False) + "\n"
    _stays_current(DOCS / "samples" / name, payload)


def test_the_readme_shows_the_current_slack_alarm_sample() -> None:
    readme = (DOCS.parent / "README.md").read_text(encoding="utf-8")
    marker = "<!-- sample: docs/samples/slack-alarm.json -->\n```json\n"
    assert marker in readme
    shown = readme.split(marker, 1)[1].split("```", 1)[0]
    assert shown == (DOCS / "samples" / "slack-alarm.json").read_text(encoding="utf-8")


def test_the_webhook_docs_example_is_what_the_channel_sends() -> None:
    content = body(alarm(), SENT_AT)
    document = json.dumps(json.loads(content), indent=2, ensure_ascii=False) + "\n"
    _stays_current(DOCS / "samples" / "webhook-alarm.json", document)
    assert signature("whsec-example", content) == (
        "sha256=" + hmac.new(b"whsec-example", content, hashlib.sha256).hexdigest()
    )


def _chromium(*args: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    return subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--no-first-run", f"--user-data-dir={tmp_path / 'profile'}", *args],
        capture_output=True, text=True, timeout=180, check=True,
    )  # fmt: skip


def _email_html(tmp_path: Path) -> Path:
    """The HTML part of the summary email, with a hostile roll among its lines."""
    message = compose_email(summary(), "rollkeeper@cart-a.example", ["dit@show.example"])
    html = message.get_body(preferencelist=("html",))
    assert html is not None
    page = tmp_path / "email.html"
    page.write_text(html.get_content(), encoding="utf-8")
    return page


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install chromium)")
@pytest.mark.usefixtures("utc")
def test_the_sample_email_renders_in_chromium_with_a_hostile_roll_name_as_text(
    tmp_path: Path,
) -> None:
    page = _email_html(tmp_path)
    dom = _chromium("--dump-dom", page.as_uri(), tmp_path=tmp_path).stdout
    assert "SUMMARY: shoot day 20261206" in dom
    assert "A003 not seen on any drive" in dom
    assert HOSTILE not in dom
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in dom
    shot = tmp_path / "email.png"
    _chromium(f"--screenshot={shot}", "--window-size=760,500", page.as_uri(), tmp_path=tmp_path)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    sample = DOCS / "images" / "email-sample.png"
    if UPDATE or not sample.exists():
        sample.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shot, sample)
