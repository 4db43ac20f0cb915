"""How `rollkeeper status` shows its document to a person: the daemon's and the target's lines at
the top, rolls by shoot day, then volumes with their verdicts and how old they are."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from rollkeeper.core.lifecycle import FAILED_ROLL_STATES, RollState, UploadStage
from rollkeeper.core.words import file_short, waiting_for_files
from rollkeeper.core.words.deliveries import channel_line
from rollkeeper.core.words.reports import clock
from rollkeeper.core.words.storage import bandwidth_now, uploads_line, waiting_for_storage

if TYPE_CHECKING:
    from rich.console import Console


def target_line(target: dict[str, Any] | None) -> str | None:
    """The storage target's line near the top: usable, or since when not and why."""
    if target is None:
        return None
    if target["usable"]:
        return f"Target: {target['description']} ok"
    return (
        f"Target: {target['description']} — NOT USABLE since {clock(target['since'])}: "
        f"{target['problem']}"
    )


def archive_line(archive: dict[str, Any] | None) -> str | None:
    """The archive tier's line: its rolls by answer, when it was last asked, and the latest
    reason a roll is not archived yet (an unreachable portal shows here first)."""
    if archive is None:
        return None
    name = f"Archive ({archive['provider']})"
    if archive["last_checked_at"] is None:
        return f"{name}: not asked yet"
    line = (
        f"{name}: {archive['archived']} archived, {archive['pending']} pending, "
        f"{archive['failed']} failed; last asked {clock(archive['last_checked_at'])}"
    )
    return f"{line} — {archive['problem']}" if archive["problem"] else line


def monitor_line(monitor: dict[str, Any] | None) -> str | None:
    """The dead-man's switch's line: when a ping last got through, or why the last did not."""
    if monitor is None:
        return None
    success = monitor["last_success"]
    got_through = f"last got through {clock(success)}" if success else "never got through"
    if monitor["last_error"] is None:
        return f"Dead-man's switch: pinged, {got_through}"
    return (
        f"Dead-man's switch: ping FAILED at {clock(monitor['last_attempt'])} "
        f"({monitor['last_error']}); {got_through}"
    )


def upload_control_line(control: dict[str, Any] | None) -> str | None:
    """Uploads paused (since, until when) and the bandwidth window now; None when neither."""
    if control is None or not (control["paused"] or control["bandwidth_until"]):
        return None
    until = control["paused_until"]
    return uploads_line(
        paused_since=clock(control["paused_since"]) if control["paused"] else None,
        paused_until=clock(until) if until else None,
        bandwidth=bandwidth_now(
            control["bandwidth"], control["bandwidth_window"], control["bandwidth_until"]
        )
        if control["bandwidth_until"]
        else None,
    )


def dashboard_line(dashboard: dict[str, Any] | None, daemon: dict[str, Any]) -> str | None:
    """The dashboard's address while the daemon runs, or why it does not listen."""
    if dashboard is None or not daemon["running"]:
        return None
    if dashboard["listening"]:
        return f"Dashboard: {dashboard['url']}"
    return f"Dashboard: NOT LISTENING: {dashboard['problem']} (the backup goes on)"


def daemon_line(daemon: dict[str, Any]) -> str:
    """The first line of the status: is anything keeping these verdicts fresh?"""
    if daemon["running"]:
        return f"Daemon: running (pid {daemon['pid']}, since {clock(daemon['started_at'])})"
    if daemon["seen_at"] is None:
        return "Daemon: has not run with this state folder"
    return (
        f"Daemon: NOT running (last seen {clock(daemon['seen_at'])}); what follows is as it "
        "was then"
    )


def notify_lines(channels: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """Each channel's line with its style: all delivered, waiting (why), or given up."""
    lines = []
    for channel in channels:
        oldest = channel["oldest_pending"]
        line = channel_line(
            channel["channel"],
            pending=channel["pending"],
            failed=channel["failed"],
            oldest_pending=clock(oldest) if oldest else None,
            last_error=channel["last_error"],
        )
        style = "bold red" if channel["failed"] else "yellow" if channel["pending"] else "green"
        lines.append((style, line))
    return lines


def _waiting_line(copy: dict[str, Any]) -> str:
    """The one line that says what a settling copy still waits for."""
    files = [file_short(f["path"], f["have"], f["want"]) for f in copy["waiting_for"]]
    return f"{copy['volume']}: {waiting_for_files(files, len(files))}"


_STATE_STYLE = {
    RollState.VERIFIED.value: "green",
    RollState.VERIFYING.value: "cyan",
    RollState.READY.value: "cyan",
    RollState.DISCOVERED.value: "dim",
    RollState.UPLOADING.value: "cyan",
    RollState.UPLOADED.value: "bold green",
}


def print_status(console: Console, document: dict[str, Any]) -> None:
    """Rolls grouped by shoot day, then volumes."""
    from rich.markup import escape

    _print_head(console, document)
    by_day: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for roll in document["rolls"]:
        by_day[roll["shoot_day"] or "(no shoot day)"].append(roll)
    if not by_day:
        console.print("No rolls seen yet.")
    for day in sorted(by_day):
        console.print(f"[bold]{escape(day)}[/]")
        for roll in by_day[day]:
            _print_roll(console, roll)
    console.print("[bold]Volumes[/]")
    for volume in document["volumes"]:
        _print_volume(console, volume)


def _print_head(console: Console, document: dict[str, Any]) -> None:
    """The lines above the rolls: the daemon, the target, uploads, the dashboard, channels."""
    from rich.markup import escape

    console.print(escape(daemon_line(document["daemon"])))
    if document["daemon"].get("config_rejected"):
        console.print(f"[bold red]{escape(document['daemon']['config_rejected'])}[/]")
    target = target_line(document.get("target"))
    if target is not None:
        style = "green" if document["target"]["usable"] else "bold red"
        console.print(f"[{style}]{escape(target)}[/]")
    control = document.get("upload_control")
    uploads = upload_control_line(control)
    if uploads is not None:
        style = "bold yellow" if control and control["paused"] else "green"
        console.print(f"[{style}]{escape(uploads)}[/]")
    dashboard = dashboard_line(document.get("dashboard"), document["daemon"])
    if dashboard is not None:
        style = "green" if document["dashboard"]["listening"] else "bold yellow"
        console.print(f"[{style}]{escape(dashboard)}[/]")
    for style, line in notify_lines(document.get("notify", [])):
        console.print(f"[{style}]{escape(line)}[/]")
    for style, line in health_lines(document):
        console.print(f"[{style}]{escape(line)}[/]")


def health_lines(document: dict[str, Any]) -> list[tuple[str, str]]:
    """The archive tier's and the dead-man's switch's lines with their styles (none when
    neither is configured)."""
    archive, monitor = document.get("archive"), document.get("monitor")
    lines: list[tuple[str, str]] = []
    archive_text = archive_line(archive)
    if archive is not None and archive_text is not None:
        troubled = archive["failed"] or archive["problem"]
        lines.append(
            ("bold red" if archive["failed"] else "yellow" if troubled else "green", archive_text)
        )
    monitor_text = monitor_line(monitor)
    if monitor is not None and monitor_text is not None:
        lines.append(("bold red" if monitor["last_error"] else "green", monitor_text))
    return lines


def _print_roll(console: Console, roll: dict[str, Any]) -> None:
    """A roll's line, then its upload's progress, what it waits for and its problems."""
    from rich.markup import escape

    state = roll["state"]
    failed = state in {s.value for s in FAILED_ROLL_STATES}
    style = "bold red" if failed else _STATE_STYLE.get(state)
    # a state without a style (archived) is printed plain: "[]…[/]" is a markup error
    shown = f"[{style}]{state:<12}[/]" if style else f"{state:<12}"
    where = ", ".join(roll["volumes"]) or "no mounted copy"
    clear = roll.get("clearance") or {}
    level = (
        "RAID clear" if clear.get("raid_clear")
        else "cards clear" if clear.get("cards_clear")
        else "not clear"
    )  # fmt: skip
    console.print(
        f"  {escape(roll['media_type']):<12} {escape(roll['roll']):<14} "
        f"{shown} {level:<12} on {escape(where)}"
    )
    upload = roll.get("upload")
    if upload and upload["state"] == UploadStage.WAITING_FOR_STORAGE.value:
        waiting = waiting_for_storage(upload["last_error"] or "not usable")
        console.print(f"      [yellow]{escape(waiting)}[/]")
    if upload and upload["state"] == "uploading" and upload["bytes_total"]:
        share = 100 * upload["bytes_done"] / upload["bytes_total"]
        eta = upload["eta_seconds"]
        console.print(
            f"      uploading {share:.0f}% of {upload['bytes_total'] / 1e9:.2f} GB"
            + (f", about {eta / 60:.0f} min left" if eta is not None else "")
        )
    for copy in roll["copies"]:
        if copy["waiting_for"]:
            console.print(f"      [yellow]{escape(_waiting_line(copy))}[/]")
    for problem in roll["problems"][:10]:
        console.print(f"      [red]{escape(problem)}[/]")


def _print_volume(console: Console, volume: dict[str, Any]) -> None:
    """A volume's line, then what blocks its clearance and what its scans found."""
    from rich.markup import escape

    mounted = "[green]mounted[/]" if volume["mounted"] else "[dim]not mounted[/]"
    verdict = volume.get("clearance")
    erase = (
        "[bold green]MAY BE ERASED[/]" if verdict and verdict["clear_to_erase"] else "[red]keep[/]"
    )
    console.print(
        f"  {escape(volume['label']):<16} {volume['role']:<9} {mounted}  "
        f"{len(volume['rolls'])} roll(s)  {erase}{_age(verdict)}"
    )
    for blocker in (verdict or {}).get("blocking", [])[:5]:
        console.print(f"      [red]{escape(blocker['reason'])}[/]")
    for problem in volume["problems"][:10]:
        console.print(f"      [yellow]{escape(problem)}[/]")


def _age(verdict: dict[str, Any] | None) -> str:
    """ "(as of HH:MM UTC)" beside a verdict; a clearance on stale evidence is marked STALE."""
    if not verdict:
        return ""
    at = datetime.fromisoformat(verdict["as_of"]).astimezone(UTC).strftime("%H:%M UTC")
    stale = " [bold yellow]STALE[/] (ask `rollkeeper clearance`)" if verdict["stale"] else ""
    return f" (as of {at}){stale if verdict['clear_to_erase'] else ''}"
