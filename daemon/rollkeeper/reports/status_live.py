"""The live terminal view of `rollkeeper status --watch`, drawn with rich from the selections of
`reports.status_watch`: the daemon and target, rolls in flight with progress bars, recent
problems, and every drive with whether it may be erased."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from rollkeeper.reports.status_watch import (
    MAX_PROBLEMS,
    drives,
    header_lines,
    in_flight,
    problems,
    recent_rolls,
)

if TYPE_CHECKING:
    from rich.console import RenderableType
    from rich.table import Table


def _flights_table(document: dict[str, Any]) -> Table:
    from rich.progress_bar import ProgressBar
    from rich.table import Table
    from rich.text import Text

    table = Table(title="In flight", title_justify="left", expand=False, show_edge=False)
    for column in ("roll", "state", "progress", ""):
        table.add_column(column)
    for flight in in_flight(document):
        bar: RenderableType = (
            ProgressBar(total=flight.total, completed=flight.done, width=30)
            if flight.total
            else Text("…", style="cyan")
        )
        share = f"{flight.share:.0%} " if flight.total else ""
        table.add_row(Text(flight.roll), flight.state, bar, Text(share + flight.detail()))
    if not table.row_count:
        table.add_row("nothing", "", "", "")
    return table


def _drives_table(document: dict[str, Any]) -> Table:
    from rich.table import Table
    from rich.text import Text

    table = Table(title="Drives", title_justify="left", expand=False, show_edge=False)
    for column in ("drive", "role", "", "erase?"):
        table.add_column(column)
    for drive in drives(document):
        style = "bold green" if drive.may_erase else "red"
        table.add_row(
            Text(drive.label),
            drive.role,
            Text("mounted", style="green") if drive.mounted else Text("not mounted", style="dim"),
            Text(drive.verdict(), style=style),
        )
    return table


def _problems(document: dict[str, Any]) -> list[RenderableType]:
    from rich.text import Text

    found = problems(document)
    if not found:
        return [Text("Problems: none", style="green")]
    lines: list[RenderableType] = [Text(f"Problems: {len(found)}", style="bold red")]
    lines += [Text(f"  {problem}", style="red") for problem in found[:MAX_PROBLEMS]]
    if len(found) > MAX_PROBLEMS:
        lines.append(Text(f"  …and {len(found) - MAX_PROBLEMS} more (rollkeeper status)"))
    return lines


def _rolls(document: dict[str, Any]) -> list[RenderableType]:
    from rich.text import Text

    count = len(document["rolls"])
    lines: list[RenderableType] = [Text(f"Rolls: {count or 'none yet'}", style="bold")]
    lines += [Text(f"  {line}") for line in recent_rolls(document)]
    return lines


def live_view(document: dict[str, Any], at: datetime) -> RenderableType:
    """The whole screen for one snapshot of the status document."""
    from rich.console import Group
    from rich.text import Text

    parts: list[RenderableType] = [
        Text(f"rollkeeper status · {at:%H:%M:%S} · Ctrl-C to leave", style="bold")
    ]
    parts += [Text(line) for line in header_lines(document)]
    parts += [Text(""), _flights_table(document), Text(""), *_rolls(document), Text("")]
    parts += [*_problems(document), Text("")]
    parts.append(_drives_table(document))
    return Group(*parts)


def waiting_view(reason: str, at: datetime) -> RenderableType:
    """What the screen says while there is no status to show yet (no ledger, a bad moment)."""
    from rich.console import Group
    from rich.text import Text

    return Group(
        Text(f"rollkeeper status · {at:%H:%M:%S} · Ctrl-C to leave", style="bold"),
        Text(f"waiting: {reason}", style="yellow"),
    )
