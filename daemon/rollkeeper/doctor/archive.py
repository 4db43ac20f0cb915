"""The archive tier: the configured provider reachable (its own start-up check, with doctor's
quick S3 client where it asks a store, and one light request to an HTTP portal)."""

from __future__ import annotations

import os
import urllib.error
import urllib.parse
import urllib.request

from botocore.exceptions import BotoCoreError, ClientError

from rollkeeper.config.sections import ArchiveSettings, S3Connection, TargetSettings
from rollkeeper.doctor.model import Finding, fail, ok, warn
from rollkeeper.transfer.s3_client import QUICK_PATIENCE, make_client
from rollkeeper.transfer.targets import TargetUnusable

NAME = "archive"


def archive_finding(settings: ArchiveSettings, target: TargetSettings | None) -> Finding:
    """Whether the archive provider can answer (none: RAIDs are never cleared, a warning)."""
    provider = settings.provider
    if provider == "none":
        return warn(
            NAME,
            "no archive tier is configured ([archive] provider = 'none'): rotation drives can be "
            "cleared, RAIDs never",
            "configure an [archive] provider (see config/rollkeeper.example.toml) if RAIDs are "
            "to be cleared once the archival copy exists",
        )
    if provider == "http":
        return _portal(settings)
    if provider == "fs-copy":
        return _folder(settings)
    if provider == "s3-copy":
        assert settings.bucket is not None  # noqa: S101 - the schema requires it
        return _bucket(settings, settings.bucket, "archive bucket")
    if target is None or target.kind != "s3" or target.bucket is None:
        return fail(
            NAME,
            f"[archive] provider {provider!r} reads the primary bucket, but there is no s3 "
            "[target]",
            "configure an s3 [target], or choose another [archive] provider",
            config=True,
        )
    if provider == "s3-replication":
        return _replication(target, target.bucket)
    return ok(NAME, f"archive provider {provider!r} reads the target's bucket (checked above)")


def _folder(settings: ArchiveSettings) -> Finding:
    root = settings.path
    if root is None or not root.is_dir():
        return fail(
            NAME,
            f"the archive folder {root} does not exist or is not mounted",
            "mount the archive storage, or fix [archive] path",
        )
    if settings.make_copy and not os.access(root, os.W_OK):
        return fail(
            NAME,
            f"the archive folder {root} cannot be written, and make_copy = true",
            f"give the user running rollkeeper write access to {root}",
        )
    return ok(NAME, f"archive folder {root} is there (provider 'fs-copy')")


def _no_client(err: TargetUnusable) -> Finding:
    return fail(
        NAME,
        f"the archive's S3 client cannot be set up: {err}",
        "set those variables in the service's environment",
    )


def _bucket(settings: S3Connection, bucket: str, what: str) -> Finding:
    try:
        client = make_client(settings, patience=QUICK_PATIENCE)
    except TargetUnusable as err:
        return _no_client(err)
    try:
        client.head_bucket(Bucket=bucket)
    except (ClientError, BotoCoreError) as err:
        return fail(
            NAME,
            f"the {what} {bucket!r} cannot be reached ({_why(err)})",
            "check [archive] bucket, endpoint_url and the credentials it is read with",
        )
    return ok(NAME, f"the {what} {bucket!r} answers (provider 's3-copy')")


def _replication(target: TargetSettings, bucket: str) -> Finding:
    try:
        client = make_client(target, patience=QUICK_PATIENCE)
    except TargetUnusable as err:
        return _no_client(err)
    try:
        client.get_bucket_replication(Bucket=bucket)
    except (ClientError, BotoCoreError) as err:
        return fail(
            NAME,
            f"bucket {bucket!r} reports no replication ({_why(err)}): provider 's3-replication' "
            "could never report a roll archived",
            "configure replication on the bucket, or choose another [archive] provider",
        )
    return ok(NAME, f"bucket {bucket!r} has replication configured (provider 's3-replication')")


def _why(err: Exception) -> str:
    if isinstance(err, ClientError):
        return str(err.response.get("Error", {}).get("Code", "")) or "refused"
    return type(err).__name__


def _portal(settings: ArchiveSettings, timeout: float = 10.0) -> Finding:
    """One GET for a roll that does not exist: any answer but 401/403 means reachable."""
    env = settings.auth_header_env
    if env and not os.environ.get(env):
        return fail(
            NAME,
            f"the environment variable {env} (the archive portal's credentials) is not set",
            f"set {env} in the service's environment",
        )
    url = (settings.url or "").format(
        shoot_day="19700101", media_type="Camera_Media", roll="DOCTOR"
    )
    host = urllib.parse.urlsplit(url).netloc
    request = urllib.request.Request(url, headers={"Accept": "application/json"})  # noqa: S310
    if env:
        request.add_header("Authorization", os.environ[env])
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:  # noqa: S310
            status = answer.status
    except urllib.error.HTTPError as err:
        status = err.code
    except (urllib.error.URLError, OSError) as err:
        reason = getattr(err, "reason", err)
        return fail(
            NAME,
            f"the archive portal at {host} cannot be reached ({reason})",
            "check [archive] url and that the portal is reachable from this cart",
        )
    if status in (401, 403):
        return fail(
            NAME,
            f"the archive portal at {host} refused the credentials (HTTP {status})",
            f"check the Authorization value in {env or '[archive] auth_header_env'}",
        )
    return ok(NAME, f"the archive portal at {host} answers (HTTP {status} for a test roll)")
