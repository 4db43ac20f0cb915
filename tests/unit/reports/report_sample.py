"""The README's screenshot of a sample HTML report: `make report-sample` (or
`python -m tests.unit.reports.report_sample OUT.png`). The sample is `sample_report`'s, rendered
by the real renderer and drawn by headless Chromium, as the browser specifications do."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from rollkeeper.reports.report_html import report_html

from tests.browser import screenshot
from tests.unit.reports.sample_report import ROWS, sample_report


def main(out: Path) -> None:
    """Render the sample (without its hostile rows: a README shows a normal day) to `out`."""
    with tempfile.TemporaryDirectory() as scratch:
        page = Path(scratch) / "report.html"
        page.write_text(report_html(sample_report(ROWS[:-1])), encoding="utf-8")
        screenshot(page, Path(scratch), out, size="1280,1000")
    print(f"wrote {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/images/report-sample.png"))
