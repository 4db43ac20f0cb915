"""Headless Chromium for the HTML report's specifications (flags from ../shared/TESTING.md).

Each run gets a fresh `--user-data-dir` under the test's temporary folder; the background
networking flags keep it from reaching the internet (without them it stalls here). `make test`
installs Debian's `chromium` when it is missing; where it cannot, the tests that need it are
skipped with the reason shown.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
)  # fmt: skip
MISSING = (
    "chromium is not installed: `make test` installs it (apt-get install chromium); "
    "the HTML report was not rendered in a browser"
)


def chromium() -> str | None:
    """The browser's executable, if there is one."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


needs_chromium = pytest.mark.skipif(chromium() is None, reason=MISSING)


def _run(page: Path | str, scratch: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    """Chromium on `page`: a file, or a URL (the dashboard served on loopback)."""
    browser = chromium()
    assert browser is not None, MISSING
    profile = scratch / f"chromium-profile-{len(list(scratch.glob('chromium-profile-*')))}"
    return subprocess.run(
        [browser, *FLAGS, f"--user-data-dir={profile}", *extra, _address(page)],
        capture_output=True,
        text=True,
        check=False,
        timeout=180,
    )


def _address(page: Path | str) -> str:
    return page if isinstance(page, str) else page.resolve().as_uri()


def rendered_dom(page: Path | str, scratch: Path) -> str:
    """The page's DOM as Chromium built it (`--dump-dom`): what a person's browser shows."""
    done = _run(page, scratch, "--dump-dom")
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def screenshot(page: Path | str, scratch: Path, png: Path, size: str = "1280,2000") -> Path:
    """A PNG of the page as Chromium draws it."""
    done = _run(page, scratch, f"--screenshot={png.resolve()}", f"--window-size={size}")
    assert done.returncode == 0, done.stderr[-2000:]
    return png
