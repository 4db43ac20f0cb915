"""Specification: a reload (SIGHUP) applies what may change live and keeps the rest
(`runtime.reload`)."""

from __future__ import annotations

from pathlib import Path

from rollkeeper.config.schema import Config
from rollkeeper.runtime.reload import Reloader, ReloadOutcome, ReloadRequest, merge

from tests.unit.runtime.conftest import Cart


def config(tmp_path: Path, **sections: object) -> Config:
    raw: dict[str, object] = {
        "state": {"dir": str(tmp_path / "state")},
        "volumes": [{"path": str(tmp_path / "RAID_A"), "role": "raid"}],
    }
    raw.update(sections)
    return Config.model_validate(raw)


def toml(cart: Cart, extra: str = "") -> Path:
    """The cart's configuration as a file, with `extra` appended."""
    file = cart.root.parent / "rollkeeper.toml"
    file.write_text(
        f'[cart]\nname = "TEST-CART"\n[state]\ndir = "{cart.root.parent / "state"}"\n'
        f"[layout]\nsettle_seconds = 0\n"
        f'[dashboard]\nlisten = ""\n'  # as the cart's configuration (no page in tests)
        f'[[volumes]]\npath = "{cart.root}"\nrole = "raid"\n{extra}',
        encoding="utf-8",
    )
    return file


def test_intervals_and_volumes_change_live(tmp_path: Path) -> None:
    old = config(tmp_path)
    new = config(
        tmp_path,
        watch={"poll_interval": "9s", "rescan_interval": "1m"},
        layout={"settle_seconds": "30s"},
        archive={"poll_interval": "2m"},
        clearance={"recheck_interval": "5m"},
        volumes=[{"path": str(tmp_path / "SHUTTLE_*"), "role": "rotation"}],
    )
    merged, needs_restart = merge(old, new)
    assert merged == new
    assert needs_restart == []


def test_what_cannot_change_live_is_kept_and_named(tmp_path: Path) -> None:
    old = config(tmp_path)
    new = config(
        tmp_path,
        state={"dir": str(tmp_path / "elsewhere")},
        target={"kind": "fs", "path": str(tmp_path / "nas")},
        layout={"profile": "flat", "settle_seconds": "30s"},
    )
    merged, needs_restart = merge(old, new)
    assert needs_restart == ["[state]", "[target]", "[layout] profile"]
    assert merged.state == old.state and merged.target is None
    assert merged.layout.profile == old.layout.profile
    assert merged.layout.settle_seconds == 30.0  # the live key of the same section changes


def test_a_new_dashboard_address_waits_for_a_restart(tmp_path: Path) -> None:
    old = config(tmp_path)
    new = config(tmp_path, dashboard={"listen": "127.0.0.1:9999"})
    merged, needs_restart = merge(old, new)
    assert needs_restart == ["[dashboard]"]
    assert merged.dashboard == old.dashboard


def test_the_signal_only_raises_a_flag_the_loop_takes_once(cart: Cart) -> None:
    request = ReloadRequest(cart.service.context.wake)
    request.ask()
    assert cart.service.context.wake.is_set()
    assert request.take() is True
    assert request.take() is False


def test_a_reload_applies_new_intervals_to_the_running_loop(cart: Cart) -> None:
    steps = cart.service.steps
    steps.archive.start()
    file = toml(
        cart,
        '[watch]\nrescan_interval = "7m"\n[archive]\npoll_interval = "2s"\n'
        '[clearance]\nrecheck_interval = "5m"\nmax_evidence_age = "20m"\n',
    )
    outcome = Reloader(steps, file).reload()
    config = cart.service.context.config
    assert outcome == ReloadOutcome(None, ())
    assert config.watch.rescan_interval == 420.0
    assert config.clearance.recheck_interval == 300.0
    assert steps.archive.timer is not None and steps.archive.timer.period == 2.0
    assert steps.judging.judges.max_evidence_age == 1200.0


def test_a_new_settle_time_applies_to_copies_still_settling(cart: Cart) -> None:
    file = (
        toml(cart).read_text(encoding="utf-8").replace("settle_seconds = 0", "settle_seconds = 45")
    )
    (cart.root.parent / "rollkeeper.toml").write_text(file, encoding="utf-8")
    Reloader(cart.service.steps, cart.root.parent / "rollkeeper.toml").reload()
    assert cart.service.context.config.layout.settle_seconds == 45.0


def test_a_broken_file_is_refused_and_the_running_configuration_kept(cart: Cart) -> None:
    before = cart.service.context.config
    file = toml(cart, "[watch\n")
    outcome = Reloader(cart.service.steps, file).reload()
    assert outcome.rejected is not None
    assert outcome.rejected.startswith(f"{file} was not reloaded")
    assert cart.service.context.config is before


def test_a_drive_whose_role_changed_is_taken_up_again_with_it(cart: Cart) -> None:
    file = toml(cart).read_text(encoding="utf-8").replace('role = "raid"', 'role = "rotation"')
    (cart.root.parent / "rollkeeper.toml").write_text(file, encoding="utf-8")
    Reloader(cart.service.steps, cart.root.parent / "rollkeeper.toml").reload()
    (volume,) = cart.ledger.volumes()
    assert (volume.label, volume.role, volume.mounted) == ("RAID_A", "rotation", True)
    assert cart.volume.mounted.role == "rotation"


def test_a_new_channel_routes_the_next_events_to_it(cart: Cart) -> None:
    file = toml(cart, '[[notify.webhook]]\nname = "crew"\nurl = "http://127.0.0.1:9/hook"\n')
    Reloader(cart.service.steps, file).reload()
    assert [route.channel for route in cart.ledger.routes] == ["crew"]
    assert list(cart.service.steps.notifying.channels) == ["crew"]
