"""Specification: the drives board as headless Chromium renders it from the served dashboard, at
a laptop's width and a phone's: the verdicts are there as text, drives first, and a hostile
drive name stays text (no element is made from it)."""

from __future__ import annotations

import time
from pathlib import Path

from rollkeeper.runtime.service import Service

from tests.browser import needs_chromium, rendered_dom, screenshot
from tests.cdp import evaluate, page_at
from tests.unit.dashboard.conftest import LOOPBACK_GATE, Serve
from tests.unit.runtime.conftest import A001, A001_FILES, A002, cart_config, make_roll

HOSTILE = "<img src=x onerror=alert(1)>"


@needs_chromium
def test_chromium_renders_the_board_with_its_verdicts(serve: Serve, shot: Path) -> None:
    dom = rendered_dom(serve(shot, LOOPBACK_GATE) + "/", shot.parent)
    assert dom.index('id="drives"') < dom.index("RAID_A")
    assert '<p class="verdict">keep</p>' in dom


@needs_chromium
def test_a_hostile_drive_name_makes_no_element_in_the_browser(serve: Serve, tmp_path: Path) -> None:
    volume = tmp_path / HOSTILE
    config = cart_config(tmp_path, volumes=[{"path": str(volume), "role": "rotation"}])
    make_roll(volume, A001, A001_FILES)
    Service(config).run_once(wait=0)
    dom = rendered_dom(serve(config.state.resolved_dir(), LOOPBACK_GATE) + "/", tmp_path)
    assert "<img" not in dom
    assert "&lt;img src=x onerror=alert(1)&gt;" in dom


@needs_chromium
def test_the_board_is_drawn_at_a_laptops_and_a_phones_width(serve: Serve, shot: Path) -> None:
    """That the page draws at both widths (the phone's layout is measured below)."""
    url = serve(shot, LOOPBACK_GATE) + "/"
    for size in ("1280,900", "390,844"):
        png = screenshot(url, shot.parent, shot.parent / f"board-{size}.png", size)
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@needs_chromium
def test_at_a_phones_width_nothing_scrolls_sideways_and_the_drives_come_first(
    serve: Serve, shot: Path
) -> None:
    with page_at(serve(shot, LOOPBACK_GATE) + "/", shot.parent, 390, 844) as page:
        assert evaluate(page, "document.documentElement.scrollWidth") <= 390
        assert evaluate(page, "document.querySelector('main > *').id") == "drives"
        assert evaluate(page, "document.querySelector('.drive .verdict').innerText") == "KEEP"


@needs_chromium
def test_a_rolls_page_fits_a_phone(serve: Serve, stored: Path) -> None:
    url = f"{serve(stored, LOOPBACK_GATE)}/rolls/{A001}"
    with page_at(url, stored.parent, 390, 844) as page:
        assert evaluate(page, "document.documentElement.scrollWidth") <= 390
        assert evaluate(page, "document.querySelectorAll('.files li').length") == 2


@needs_chromium
def test_the_board_follows_the_ledger_without_a_reload(serve: Serve, tmp_path: Path) -> None:
    """A roll offloaded while the page is open appears on it; the page is not reloaded (a
    mark left on its window stays)."""
    config = cart_config(tmp_path)
    make_roll(tmp_path / "RAID_A", A001, A001_FILES)
    Service(config).run_once(wait=0)
    url = serve(config.state.resolved_dir(), LOOPBACK_GATE) + "/"
    with page_at(url, tmp_path, 1280, 900) as page:
        evaluate(page, "window.notReloaded = 42")
        assert "A002R1AB" not in evaluate(page, "document.body.innerText")
        make_roll(tmp_path / "RAID_A", A002, A001_FILES)
        Service(config).run_once(wait=0)
        give_up = time.monotonic() + 60  # the page polls every 5 s
        while "A002R1AB" not in evaluate(page, "document.body.innerText"):
            assert time.monotonic() < give_up, "the new roll never appeared"
            time.sleep(0.2)
        assert evaluate(page, "window.notReloaded") == 42
        assert evaluate(page, "document.documentElement.dataset.live") == "ok"
