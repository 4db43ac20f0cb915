"""`rollkeeper report [--day YYYYMMDD] [--format csv|html|json] [-o FILE]`: the roll report.

One row per roll from the ledger (the whole show, or one shoot day), with totals, the drives that
may be erased as recorded, and day completeness across the show. CSV to standard output by
default; `-o FILE` writes the file atomically and never over the ledger or a folder.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from rollkeeper.cli.options import config_option

if TYPE_CHECKING:
    import click

    from rollkeeper.reports.roll_report import RollReport

FORMATS = ("csv", "html", "json")


def render(report_format: str, report: RollReport, *, to_file: bool) -> bytes:
    """The report in the chosen format, as the bytes written (a CSV file starts with a UTF-8
    byte-order mark so spreadsheets read accented names; standard output does not, for pipes)."""
    from rollkeeper.reports.report_csv import report_csv, report_csv_bytes
    from rollkeeper.reports.report_html import report_html
    from rollkeeper.reports.report_json import report_json

    if report_format == "csv":
        return report_csv_bytes(report) if to_file else report_csv(report).encode("utf-8")
    if report_format == "html":
        return report_html(report).encode("utf-8")
    return (report_json(report) + "\n").encode("utf-8")


def report_command() -> click.Command:
    """`report` as click parses it."""
    import click

    @click.command()
    @config_option()
    @click.option(
        "--day", "day", metavar="YYYYMMDD", help="One shoot day (default: the whole show)."
    )
    @click.option(
        "--format", "report_format", type=click.Choice(FORMATS), default="csv", show_default=True,
        help="csv (one row per roll), html (one self-contained file to open or print), json.",
    )  # fmt: skip
    @click.option(
        "-o", "--output", "output", type=click.Path(path_type=Path), default=None,
        help="Write to FILE (atomically) instead of standard output.",
    )  # fmt: skip
    def report(
        config_path: Path | None, day: str | None, report_format: str, output: Path | None
    ) -> None:
        """Every roll: verification, upload, archive, clearance, copies and problems; totals,
        the drives that may be erased, and day completeness across the show."""
        from rollkeeper.config.status import status_config
        from rollkeeper.reports.report_file import check_output, write_report
        from rollkeeper.reports.roll_report import load_report, shoot_date

        if day is not None:
            shoot_date(day)  # a bad --day is refused before anything is read
        settings = status_config(config_path)
        if output is not None:
            check_output(output, settings.state_dir)
        data = render(report_format, load_report(*settings, day=day), to_file=output is not None)
        if output is None:
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()
            return
        written = write_report(output, settings.state_dir, data)
        click.echo(f"report written to {written}", err=True)

    return report
