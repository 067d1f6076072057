"""The report as CSV for spreadsheets: one row per keyword x engine x device, stable columns.

Write it with ENCODING (UTF-8 with a BOM, so Excel reads Chinese correctly). Text cells that a
spreadsheet would run as a formula (starting with = + - @, a tab or a carriage return) get a
leading apostrophe: crawled titles and URLs are data, never formulas. Numbers are left as numbers.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from seowatch.reports.labels import clean
from seowatch.reports.model import KeywordRow, Report

ENCODING = "utf-8-sig"
COLUMNS = (
    "site", "date", "keyword", "group", "volume", "engine", "device",
    "status", "position", "page", "url", "depth_scanned", "unknown_reason",
    "previous_day", "previous_status", "previous_position",
    "baseline_day", "baseline_position", "change", "threshold",
    "categories", "drop", "since",
    "taken_by_position", "taken_by_domain", "taken_by_url", "taken_by_title",
    "own_urls",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value: Any) -> Any:
    """A value as a spreadsheet cell: None empty, text one line and never a formula."""
    if value is None:
        return ""
    if isinstance(value, (int, float)):
        return value
    text = clean(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def row_dict(report: Report, r: KeywordRow) -> dict[str, Any]:
    today, prev, base, taken = r.today, r.previous, r.baseline, r.taken_by
    values = {
        "site": report.site, "date": report.run_date.isoformat(), "keyword": r.keyword, "group": r.group,
        "volume": r.volume, "engine": r.engine, "device": r.device,
        "status": today.status if today else "not_checked",
        "position": today.position if today else None, "page": today.page if today else None,
        "url": today.url if today else None, "depth_scanned": today.depth_scanned if today else None,
        "unknown_reason": today.reason if today else None,
        "previous_day": prev.day.isoformat() if prev else None, "previous_status": prev.status if prev else None,
        "previous_position": prev.position if prev else None,
        "baseline_day": base.day.isoformat() if base else None, "baseline_position": base.position if base else None,
        "change": r.change, "threshold": r.threshold, "categories": "|".join(r.categories), "drop": r.drop,
        "since": r.since.isoformat() if r.since else None,
        "taken_by_position": taken.position if taken else None, "taken_by_domain": taken.domain if taken else None,
        "taken_by_url": taken.url if taken else None, "taken_by_title": taken.title if taken else None,
        "own_urls": " ".join(r.own_urls),
    }
    return {k: cell(values[k]) for k in COLUMNS}


def render_csv(report: Report) -> str:
    """Every row of the report (no cap); the text to write with ENCODING."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for r in report.rows:
        writer.writerow(row_dict(report, r))
    return buf.getvalue()


# The uniform entry point: every render_* module has render(report) -> str.
render = render_csv
