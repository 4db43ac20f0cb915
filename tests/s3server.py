"""A real S3-compatible server for tests: SeaweedFS (`weed server`) on 127.0.0.1.

One process serves master, volume, filer and S3. Every HTTP port also opens a gRPC port at
port + 10000, and all of them stay below 32768 so an outgoing connection's ephemeral port can
never hold one of them.
"""

from __future__ import annotations

import json
import os
import random
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config as BotoConfig

ACCESS_KEY = "rollkeeper-test"
SECRET_KEY = "rollkeeper-test-secret-key"
#: An identity that may read and write objects but not administer (so it cannot create buckets).
WRITER_KEY = "rollkeeper-writer"
WRITER_SECRET = "rollkeeper-writer-secret"


def _port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _free_ports(count: int) -> list[int]:
    """`count` ports in 12000-22000 whose +10000 gRPC twins are free too."""
    chosen: list[int] = []
    candidates = random.sample(range(12000, 22000), 400)
    for port in candidates:
        if all(abs(port - c) > 1 for c in chosen) and _port_free(port) and _port_free(port + 10000):
            chosen.append(port)
            if len(chosen) == count:
                return chosen
    raise RuntimeError("no free ports for the test S3 server")


@dataclass
class S3Server:
    """A running SeaweedFS with S3 on `endpoint`; `stop()` ends it."""

    data_dir: Path
    endpoint: str = ""
    process: subprocess.Popen[bytes] | None = None
    s3_port: int = 0
    https: bool = False
    https_port: int = 0
    certificate: Path | None = None  # the self-signed certificate clients must trust

    @property
    def https_endpoint(self) -> str:
        return f"https://127.0.0.1:{self.https_port}"

    def _make_certificate(self) -> list[str]:
        """A self-signed certificate for 127.0.0.1, and the weed flags that serve it."""
        self.certificate = self.data_dir / "cert.pem"
        key = self.data_dir / "key.pem"
        if not self.certificate.exists():
            subprocess.run(
                [
                    "openssl",
                    "req",
                    "-x509",
                    "-newkey",
                    "rsa:2048",
                    "-nodes",
                    "-days",
                    "2",
                    "-subj",
                    "/CN=127.0.0.1",
                    "-addext",
                    "subjectAltName=IP:127.0.0.1",
                    "-keyout",
                    str(key),
                    "-out",
                    str(self.certificate),
                ],
                check=True,
                capture_output=True,
            )
        if not self.https_port:
            (self.https_port,) = _free_ports(1)
        return [
            f"-s3.port.https={self.https_port}",
            f"-s3.cert.file={self.certificate}",
            f"-s3.key.file={key}",
        ]

    def start(self, timeout: float = 60) -> S3Server:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        identities = {
            "identities": [
                {
                    "name": "admin",
                    "credentials": [{"accessKey": ACCESS_KEY, "secretKey": SECRET_KEY}],
                    "actions": ["Admin", "Read", "List", "Tagging", "Write"],
                },
                {
                    "name": "writer",
                    "credentials": [{"accessKey": WRITER_KEY, "secretKey": WRITER_SECRET}],
                    "actions": ["Read", "List", "Tagging", "Write"],
                },
            ]
        }
        s3_config = self.data_dir / "s3.json"
        s3_config.write_text(json.dumps(identities), encoding="utf-8")
        if not self.s3_port:
            self.s3_port, master, volume, filer = _free_ports(4)
        else:
            master, volume, filer = _free_ports(3)
        weed = Path(sys.executable).parent / "weed"
        log = (self.data_dir / "weed.log").open("ab")
        self.process = subprocess.Popen(
            [
                str(weed),
                "server",
                f"-dir={self.data_dir}",
                "-ip=127.0.0.1",
                "-ip.bind=127.0.0.1",
                f"-master.port={master}",
                f"-volume.port={volume}",
                f"-filer.port={filer}",
                "-filer",
                "-s3",
                f"-s3.port={self.s3_port}",
                f"-s3.config={s3_config}",
                "-master.volumeSizeLimitMB=128",  # small volumes: every bucket grows its own
                "-volume.max=0",
                "-master.telemetry=false",
                "-webdav=false",
                "-s3.port.iceberg=0",
                "-s3.port.lance=0",
                *(self._make_certificate() if self.https else []),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # a test's Ctrl-C or kill must not reach it
        )
        self.endpoint = f"http://127.0.0.1:{self.s3_port}"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"weed exited early; see {self.data_dir / 'weed.log'}")
            try:
                self.client().list_buckets()
                return self
            except Exception:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"weed did not answer within {timeout}s; see {self.data_dir}")

    def client(self, **overrides: Any) -> Any:
        """A boto3 S3 client for this server (test-side inspection)."""
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            aws_access_key_id=overrides.get("access_key", ACCESS_KEY),
            aws_secret_access_key=overrides.get("secret_key", SECRET_KEY),
            region_name="us-east-1",
            config=BotoConfig(
                retries={"max_attempts": 1},
                connect_timeout=2,
                read_timeout=30,
                s3={"addressing_style": "path"},
            ),
        )

    def stop(self) -> None:
        """Kill the server (temporary data: no need to wait for a graceful stop)."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)
        self.process = None

    def restart(self) -> None:
        """Stop and start again on the same S3 port and data (a server outage)."""
        self.stop()
        self.start()
