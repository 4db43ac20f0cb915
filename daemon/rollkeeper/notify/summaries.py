"""The summary a DAY_SUMMARY notice carries: the roll report's summary, with its CSV attached.

`reports.summary` decides what a summary says (from the same roll report as `rollkeeper report`);
this turns it into the parts a notice is composed of. The report is read from a snapshot of the
ledger in the state folder, so the summary sent at wrap and the report printed on set agree.
"""

from __future__ import annotations

from rollkeeper.config.schema import Config
from rollkeeper.ledger.store import Ledger
from rollkeeper.notify.compose import Summarizer, SummaryParts
from rollkeeper.notify.model import Attachment
from rollkeeper.reports.summary import Summary, load_summary


def summary_parts(summary: Summary) -> SummaryParts:
    """A report summary as a notice's opening, sections and the day's CSV."""
    return SummaryParts(
        summary=summary.headline,
        sections=tuple((section.title, section.lines) for section in summary.sections),
        attachments=(Attachment(summary.csv_name, "text/csv", summary.csv),),
    )


def report_summarizer(config: Config) -> Summarizer:
    """The summarizer of the daemon configured by `config` (the roll report of its state)."""
    state_dir = config.state.resolved_dir()
    provider, max_age = config.archive.provider, config.clearance.max_evidence_age

    def summarize(_ledger: Ledger, day: str | None) -> SummaryParts:
        return summary_parts(load_summary(state_dir, provider, max_age, day))

    return summarize
