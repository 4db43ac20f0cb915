"""One boto3 client from an `S3Connection` (target or archive): credentials, TLS, checksums."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import boto3
import botocore.session
from botocore.config import Config as BotoConfig
from botocore.exceptions import BotoCoreError
from botocore.utils import parse_timestamp

from rollkeeper.config.sections import S3Connection
from rollkeeper.transfer.targets import TargetUnusable


@dataclass(frozen=True, slots=True)
class Patience:
    """How long one request may wait to connect and for an answer, and how many times in all
    it is sent (the first attempt included)."""

    connect_seconds: float
    read_seconds: float
    attempts: int


#: The daemon's: a slow store is waited for, a hiccup retried.
DAEMON_PATIENCE = Patience(connect_seconds=10, read_seconds=120, attempts=4)
#: `rollkeeper doctor`'s: an unreachable endpoint is said within seconds, not minutes.
QUICK_PATIENCE = Patience(connect_seconds=3, read_seconds=5, attempts=1)


def timestamp(text: str) -> datetime:
    """A timestamp of an S3 answer. ISO 8601 with a zone (every listed object's LastModified)
    is read by the standard library: botocore reads each one with dateutil, which made two
    thirds of the CPU a listing of 200,000 objects cost (bench/RESULTS.md, the backlog). Any
    other form (HTTP dates, epoch seconds) is read as botocore reads it."""
    try:
        moment = datetime.fromisoformat(text)
    except (TypeError, ValueError):
        moment = None
    if moment is None or moment.tzinfo is None:
        read: datetime = parse_timestamp(text)
        return read
    return moment


def make_client(
    settings: S3Connection, *, pool: int = 10, patience: Patience = DAEMON_PATIENCE
) -> Any:
    """A thread-safe S3 client. Keys come from the named environment variables, a profile or
    the standard credential chain, never from the configuration file itself."""
    session_options: dict[str, Any] = {}
    if settings.profile:
        session_options["profile_name"] = settings.profile
    if settings.access_key_id_env and settings.secret_access_key_env:
        key_id = os.environ.get(settings.access_key_id_env)
        secret = os.environ.get(settings.secret_access_key_env)
        if not key_id or not secret:
            raise TargetUnusable(
                f"the environment variables {settings.access_key_id_env} and "
                f"{settings.secret_access_key_env} must both be set (they hold the S3 keys)"
            )
        session_options |= {"aws_access_key_id": key_id, "aws_secret_access_key": secret}
    # Compatibility mode: boto3 >= 1.36 adds CRC checksums to every request by default, which
    # some S3-compatible stores reject.
    when = "when_required" if settings.compatibility else "when_supported"
    config = BotoConfig(
        retries={"mode": "standard", "total_max_attempts": patience.attempts},
        connect_timeout=patience.connect_seconds,
        read_timeout=patience.read_seconds,
        max_pool_connections=pool,
        request_checksum_calculation=when,
        response_checksum_validation=when,
        s3={
            "addressing_style": "path" if settings.endpoint_url else "auto",
            # botocore would SHA-256 the whole body for the signature (over http, and over https
            # whenever we pass our own checksum): the slowest thing on the upload path.
            "payload_signing_enabled": settings.sign_payload,
        },
    )
    verify: bool | str = settings.verify_tls
    if settings.ca_bundle is not None and settings.verify_tls:
        verify = str(settings.ca_bundle)
    try:
        core = botocore.session.get_session()
        core.get_component("response_parser_factory").set_parser_defaults(
            timestamp_parser=timestamp
        )
        session = boto3.session.Session(botocore_session=core, **session_options)
        return session.client(
            "s3",
            endpoint_url=settings.endpoint_url,
            region_name=settings.region or "us-east-1",
            config=config,
            verify=verify,
        )
    except BotoCoreError as err:
        raise TargetUnusable(f"cannot set up the S3 client: {err}") from err
