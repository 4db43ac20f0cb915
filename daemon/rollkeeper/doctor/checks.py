"""All of doctor's checks in the order a person fixes things: the configuration, the cart (state
folder, clock), the drives, the target, the archive, the channels."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rollkeeper.config.errors import ConfigError
from rollkeeper.config.loading import default_config_path
from rollkeeper.config.schema import Config, load_config
from rollkeeper.doctor.archive import archive_finding
from rollkeeper.doctor.channels import channel_findings, monitor_finding
from rollkeeper.doctor.folder_target import folder_findings
from rollkeeper.doctor.local import (
    STATE_LOW_BYTES,
    clock_against_server,
    clock_year,
    free_space,
    state_dir_writable,
    state_disk_local,
)
from rollkeeper.doctor.model import Finding, fail, ok
from rollkeeper.doctor.outbox import outbox_findings
from rollkeeper.doctor.s3_target import s3_findings
from rollkeeper.doctor.volumes import inotify_limit, volume_findings


@dataclass(frozen=True, slots=True)
class Asked:
    """What the person asked for beyond looking: `probe` writes, reads and deletes a test
    object on the target; `send_test` sends a test message on every channel and pings the
    dead-man's switch."""

    probe: bool = False
    send_test: bool = False


def config_finding(path: Path | None) -> tuple[Config | None, Path, Finding]:
    """The configuration, validated whole (None and a failing finding when it is not valid)."""
    file = path or default_config_path()
    try:
        config, file = load_config(path)
    except ConfigError as err:
        return None, file, fail("config", str(err), "fix the file as the message says "
                                "(config/rollkeeper.example.toml documents every key)",
                                config=True)  # fmt: skip
    target = config.target.kind if config.target else "none (rolls are verified, not uploaded)"
    sentence = (
        f"the configuration {file} is valid: {len(config.volumes)} volume(s), target {target}, "
        f"{len(config.notify.channels())} channel(s)"
    )
    return config, file, ok("config", sentence)


def cart_findings(config: Config) -> list[Finding]:
    state_dir = config.state.resolved_dir()
    return [
        state_dir_writable(state_dir),
        state_disk_local(state_dir),
        free_space("state-space", "the state disk", state_dir, STATE_LOW_BYTES),
        clock_year(),
    ]


def drive_findings(config: Config) -> list[Finding]:
    findings = volume_findings(config.volumes, config.watch.poll_interval)
    findings.append(inotify_limit(config.volumes))
    return findings


def target_findings(config: Config, asked: Asked) -> list[Finding]:
    """The target's checks, and the store's clock against ours when an S3 store answered."""
    settings = config.target
    if settings is None:
        return [ok("target", "no [target]: rolls are verified, not uploaded")]
    state_dir = config.state.resolved_dir()
    if settings.kind == "fs":
        return folder_findings(settings, state_dir, asked.probe)
    findings, clock = s3_findings(settings, state_dir, asked.probe)
    if clock.date is not None:
        findings.append(clock_against_server(clock.date, clock.where))
    return findings


def run_checks(path: Path | None, asked: Asked) -> tuple[list[Finding], Path]:
    """Every check's finding, and the configuration file they are about."""
    config, file, checked = config_finding(path)
    if config is None:
        return [checked], file
    findings = [checked, *cart_findings(config), *drive_findings(config)]
    findings += target_findings(config, asked)
    findings.append(archive_finding(config.archive, config.target))
    findings += channel_findings(config, asked.send_test)
    findings += outbox_findings(config)
    monitor = monitor_finding(config.monitor, asked.send_test)
    if monitor is not None:
        findings.append(monitor)
    return findings, file
