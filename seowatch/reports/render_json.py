"""The whole report as JSON, following docs/report-schema.json (JSON Schema 2020-12).

`to_dict` is explicit rather than `dataclasses.asdict`, so the schema changes only on purpose:
add a field here, in the schema and in docs/report.md together, and bump SCHEMA_VERSION when a
field changes meaning or disappears. Dates are ISO strings; absent values are null, never dropped.
"""

from __future__ import annotations

import json
from typing import Any

from seowatch.reports.labels import category_counts
from seowatch.reports.model import (
    KeywordRow,
    Observation,
    PartnerChange,
    Report,
    SeenResult,
    SiteMetrics,
    Suggestion,
    TrendPoint,
)

SCHEMA_VERSION = 1


def render_json(report: Report, *, indent: int | None = None) -> str:
    """Compact by default (a report of 50,000 rows stays a few MB; `jq .` pretty-prints it)."""
    separators = (",", ":") if indent is None else None
    return json.dumps(to_dict(report), ensure_ascii=False, indent=indent, separators=separators, default=str) + "\n"


def to_dict(report: Report) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "site": report.site,
        "run_date": report.run_date.isoformat(),
        "generated_at": report.generated_at.isoformat(),
        "metrics": _metrics(report.metrics),
        "compare": {k: _metrics(v) if v else None for k, v in report.compare.items()},
        "trend": [_trend(p) for p in report.trend],
        "share_of_voice": {k: {"ours": v["ours"], "theirs": v["theirs"], "share": v["share"]}
                           for k, v in report.share_of_voice.items()},
        "counts": {
            "categories": category_counts(report),
            "confirmed_drops": len(report.confirmed_drops),
            "watching": len(report.watching),
        },
        "rows": [_row(r) for r in report.rows],
        "partners": [_partner(p) for p in report.partners],
        "suggestions": [_suggestion(s) for s in sorted(report.suggestions, key=lambda s: -s.impact)],
        "notes": list(report.notes),
    }


def _metrics(m: SiteMetrics) -> dict[str, Any]:
    return {
        "day": m.day.isoformat(), "tracked": m.tracked, "checked": m.checked, "ranked": m.ranked,
        "unknown": m.unknown, "unknown_reasons": dict(m.unknown_reasons), "not_checked": m.not_checked,
        "average_position": m.average_position, "top3": m.top3, "top10": m.top10, "top50": m.top50,
        "visibility": m.visibility, "competitor_visibility": dict(m.competitor_visibility),
        "coverage_line": m.coverage_line,
    }


def _trend(p: TrendPoint) -> dict[str, Any]:
    return {"day": p.day.isoformat(), "visibility": p.visibility, "checked": p.checked, "unknown": p.unknown}


def _obs(o: Observation | None) -> dict[str, Any] | None:
    if o is None:
        return None
    return {"day": o.day.isoformat(), "status": o.status, "position": o.position, "url": o.url, "page": o.page,
            "depth_scanned": o.depth_scanned, "reason": o.reason}


def _seen(s: SeenResult | None) -> dict[str, Any] | None:
    if s is None:
        return None
    return {"position": s.position, "url": s.url, "domain": s.domain, "title": s.title}


def _row(r: KeywordRow) -> dict[str, Any]:
    return {
        "keyword_id": r.keyword_id, "keyword": r.keyword, "group": r.group, "volume": r.volume,
        "engine": r.engine, "device": r.device,
        "today": _obs(r.today), "previous": _obs(r.previous), "baseline": _obs(r.baseline),
        "categories": list(r.categories), "drop": r.drop, "change": r.change, "threshold": r.threshold,
        "taken_by": _seen(r.taken_by), "own_urls": list(r.own_urls),
        "history": [{"day": d.isoformat(), "position": p} for d, p in r.history],
        "since": r.since.isoformat() if r.since else None,
    }


def _partner(p: PartnerChange) -> dict[str, Any]:
    return {"page": p.page, "statuses": list(p.statuses), "previous": list(p.previous), "day": p.day.isoformat(),
            "evidence": list(p.evidence), "target": p.target, "consecutive_failures": p.consecutive_failures}


def _suggestion(s: Suggestion) -> dict[str, Any]:
    return {"kind": s.kind, "keyword": s.keyword, "engine": s.engine, "message": s.message,
            "evidence": json.loads(json.dumps(s.evidence, ensure_ascii=False, default=str)),
            "impact": s.impact, "url": s.url}


# The uniform entry point: every render_* module has render(report) -> str.
render = render_json
