"""An S3 target: reachable with these credentials (within seconds: doctor's client waits 3 s to
connect and 5 s for an answer, and does not retry), the bucket there, the identity marker, the
store's checksum support, the store's clock, and with `--probe` a small object written, read
back and deleted under `doctor/`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

from rollkeeper.config.sections import TargetSettings
from rollkeeper.core.errors import RollkeeperError
from rollkeeper.doctor.identity import identity_finding, recorded_identity
from rollkeeper.doctor.model import Finding, fail, ok
from rollkeeper.doctor.s3_probe import checksum_finding, s3_probe
from rollkeeper.transfer.identity import IdentifiedTarget, marker_key
from rollkeeper.transfer.s3_client import QUICK_PATIENCE, make_client
from rollkeeper.transfer.s3_target import S3Target
from rollkeeper.transfer.targets import TargetUnusable


@dataclass(slots=True)
class ServerClock:
    """The `Date` header of the store's last answer (None until one came)."""

    date: datetime | None = None
    where: str = ""

    def note(self, parsed: dict[str, Any] | None = None, **_: Any) -> None:
        headers = (parsed or {}).get("ResponseMetadata", {}).get("HTTPHeaders", {})
        if headers.get("date"):
            try:
                self.date = parsedate_to_datetime(headers["date"])
            except (TypeError, ValueError):
                return


def credentials_fix(settings: TargetSettings) -> str:
    """Where this configuration takes its S3 keys from, named (never their values)."""
    if settings.access_key_id_env and settings.secret_access_key_env:
        return (
            f"check the keys in the environment variables {settings.access_key_id_env} and "
            f"{settings.secret_access_key_env} ([target] access_key_id_env and "
            "secret_access_key_env), and that they may read and write the bucket"
        )
    if settings.profile:
        return f"check the credentials of the AWS profile {settings.profile!r} ([target] profile)"
    return (
        "set [target] access_key_id_env and secret_access_key_env (names of environment "
        "variables holding the keys), a [target] profile, or the standard AWS_ACCESS_KEY_ID "
        "and AWS_SECRET_ACCESS_KEY variables"
    )


def _where(settings: TargetSettings) -> str:
    return settings.endpoint_url or f"AWS {settings.region or 'default region'}"


def _refusal_fix(settings: TargetSettings, refusal: str) -> str:
    """The fix for a store that answered but refused: the bucket, TLS trust or the keys."""
    if "does not exist" in refusal:
        return f"create the bucket {settings.bucket!r}, or fix [target] bucket"
    if "TLS certificate" in refusal:
        return (
            "set [target] ca_bundle to the CA that signed the endpoint's certificate "
            "(verify_tls = false only on a closed network)"
        )
    return credentials_fix(settings)


def _reach(settings: TargetSettings, clock: ServerClock) -> tuple[S3Target | None, Finding]:
    """The target with doctor's quick client, and whether its bucket answers."""
    try:
        inner = S3Target(settings)
        inner.client = make_client(settings, patience=QUICK_PATIENCE)
    except TargetUnusable as err:
        return None, fail(
            "target", f"the S3 client cannot be set up: {err}", credentials_fix(settings)
        )
    inner.client.meta.events.register("after-call.s3", clock.note)
    try:
        inner.check()
    except TargetUnusable as err:
        return None, fail("target", str(err), _refusal_fix(settings, str(err)))
    except RollkeeperError as err:
        return None, fail(
            "target",
            f"{err}: the store cannot be reached",
            f"check that {_where(settings)} is up and reachable from this cart (network, VPN, "
            "firewall, proxy) and that [target] endpoint_url is right",
        )
    return inner, ok(
        "target", f"bucket {settings.bucket!r} at {_where(settings)} answers with these credentials"
    )


def s3_findings(
    settings: TargetSettings, state_dir: Path, probe: bool
) -> tuple[list[Finding], ServerClock]:
    """The S3 target's checks; the store's clock for the clock check (None when it never
    answered)."""
    clock = ServerClock(where=f"the S3 endpoint ({_where(settings)})")
    inner, reached = _reach(settings, clock)
    if inner is None:
        return [reached], clock
    target = IdentifiedTarget(inner, marker_key("s3", settings.prefix), recheck_writes=False)
    recorded = recorded_identity(state_dir, inner.description)
    findings = [reached, identity_finding(target, recorded)]
    checksums = checksum_finding(inner, target.marker_key, probing=probe)
    if checksums is not None:
        findings.append(checksums)
    if probe:
        findings.append(s3_probe(inner))
    return findings, clock
