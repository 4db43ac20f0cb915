"""Specification: the real daemon (`rollkeeper run`, a subprocess) serves its dashboard over
HTTP from a real shoot on disk, keeps backing up when its port is taken, stays up and right while
its target is down and while a 1 GiB upload runs, and refuses to start with a sentence (exit 2)
when the page would be open to the network without a token."""

from __future__ import annotations

import os
import socket
from pathlib import Path
from typing import Any

import httpx
from rollkeeper.mhl.model import HashKind
from rollkeeper.mhl.seal import seal_legacy

from tests.integration.daemon_harness import (
    A001,
    Daemon,
    make_roll,
    roll_states,
    run_cli,
    sample_files,
    wait_until,
    write_config,
)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _cart(tmp_path: Path, listen: str) -> Path:
    make_roll(tmp_path / "RAID_A", A001, sample_files(1))
    return write_config(
        tmp_path / "rollkeeper.toml", tmp_path / "state", [(str(tmp_path / "RAID_A"), "raid")],
        dashboard=listen,
    )  # fmt: skip


def _verified(config: Path) -> bool:
    try:
        return roll_states(config) == {A001: "verified"}
    except AssertionError:  # no ledger yet
        return False


def test_the_daemon_serves_the_status_of_its_shoot(tmp_path: Path) -> None:
    port = _free_port()
    config = _cart(tmp_path, f"127.0.0.1:{port}")
    daemon = Daemon(config).start()
    try:
        wait_until(lambda: _verified(config), what="A001 verified")
        api = httpx.get(f"http://127.0.0.1:{port}/api/rolls/{A001}", timeout=10).json()
        page = httpx.get(f"http://127.0.0.1:{port}/", timeout=10).text
        text = run_cli("status", "--config", str(config)).stdout
    finally:
        output = daemon.stop()
    assert daemon.process is not None and daemon.process.returncode == 0, output
    assert api["state"] == "verified"
    assert "RAID_A" in page and '<p class="verdict">keep</p>' in page
    assert f"Dashboard: http://127.0.0.1:{port}/" in text


def test_a_port_already_taken_leaves_the_backup_running(tmp_path: Path) -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        config = _cart(tmp_path, f"127.0.0.1:{port}")
        daemon = Daemon(config).start()
        try:
            wait_until(lambda: _verified(config), what="A001 verified with the port taken")
            text = run_cli("status", "--config", str(config)).stdout
        finally:
            output = daemon.stop()
    assert daemon.process is not None and daemon.process.returncode == 0, output
    assert (
        f"Dashboard: NOT LISTENING: the dashboard cannot listen on 127.0.0.1:{port} (Address "
        "already in use); free that port or set [dashboard] listen to another (the backup goes "
        "on)" in " ".join(text.split())
    )


def test_a_network_listen_without_a_token_refuses_to_start(tmp_path: Path) -> None:
    config = _cart(tmp_path, "0.0.0.0:8642")
    done = run_cli("run", "--config", str(config))
    assert done.returncode == 2
    assert (
        "dashboard: listen = '0.0.0.0:8642' opens the dashboard to the network; set token_env "
        "(the variable holding its token), or listen on 127.0.0.1" in done.stderr
    )
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "state").exists()


def test_a_token_variable_not_set_refuses_to_start(tmp_path: Path) -> None:
    config = _cart(tmp_path, "0.0.0.0:8642")
    config.write_text(
        config.read_text(encoding="utf-8").replace(
            'listen = "0.0.0.0:8642"', 'listen = "0.0.0.0:8642"\ntoken_env = "RK_NO_SUCH_TOKEN"'
        ),
        encoding="utf-8",
    )
    assert "RK_NO_SUCH_TOKEN" not in os.environ
    done = run_cli("run", "--config", str(config))
    assert done.returncode == 2
    assert "token_env names the environment variable RK_NO_SUCH_TOKEN, which is not set" in (
        done.stderr
    )
    assert "Traceback" not in done.stderr


GiB = 1024**3


def _one_gib_roll(volume: Path) -> None:
    """Roll A001 holding one 1 GiB clip (sparse: quick to make, read in full all the same)."""
    root = volume / A001
    (root / "Clips").mkdir(parents=True)
    with (root / "Clips" / "A001C001.mov").open("wb") as clip_file:
        clip_file.truncate(GiB)
    seal_legacy(root, HashKind.XXH64)


def _page_and_status(port: int) -> tuple[str, dict[str, Any]]:
    base = f"http://127.0.0.1:{port}"
    page = httpx.get(f"{base}/", timeout=10)
    api = httpx.get(f"{base}/api/status", timeout=10)
    assert page.status_code == api.status_code == 200
    return page.text, api.json()


def _upload(document: dict[str, Any]) -> dict[str, Any]:
    upload: dict[str, Any] = document["rolls"][0]["upload"] or {}
    return upload


def _upload_now(port: int) -> dict[str, Any]:
    """A001's upload as the API says it now ({} while the page is not up or the roll unknown)."""
    try:
        document = httpx.get(f"http://127.0.0.1:{port}/api/status", timeout=10).json()
    except (httpx.TransportError, ValueError):
        return {}
    return _upload(document) if document.get("rolls") else {}


def test_the_page_stays_right_while_the_target_is_down_and_while_1_gib_uploads(
    tmp_path: Path,
) -> None:
    port, nas = _free_port(), tmp_path / "NAS"  # the NAS not mounted yet: the target is down
    _one_gib_roll(tmp_path / "RAID_A")
    config = write_config(
        tmp_path / "rollkeeper.toml", tmp_path / "state", [(str(tmp_path / "RAID_A"), "raid")],
        settle=0, dashboard=f"127.0.0.1:{port}",
        extra=f'[target]\nkind = "fs"\npath = "{nas}"\nbandwidth_limit = "100MB/s"\n',
    )  # fmt: skip
    daemon = Daemon(config).start()
    try:
        wait_until(
            lambda: _upload_now(port).get("state") == "waiting_for_storage",
            what="A001 verified and waiting for the target",
        )
        down_page, down = _page_and_status(port)
        nas.mkdir()  # mounted: the upload starts at the next check of the target
        wait_until(
            lambda: _upload_now(port).get("bytes_done", 0) > 0,
            what="the 1 GiB upload under way",
        )
        during = [_page_and_status(port) for _ in range(3)]
    finally:
        output = daemon.stop()
    assert daemon.process is not None and daemon.process.returncode == 0, output
    assert down["target"]["usable"] is False
    assert '<li class="bad">Target: ' in down_page and "NOT USABLE" in down_page
    assert '<p class="verdict">keep</p>' in down_page and "may be erased" not in down_page
    for page, document in during:
        upload = _upload(document)
        assert upload["state"] == "uploading" and upload["bytes_total"] == GiB
        assert 'id="flights"' in page and "of 1.1 GB" in page and "<progress" in page
        assert "may be erased" not in page  # nothing is clear while its upload runs
