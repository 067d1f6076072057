"""How report values read as text, the same in every renderer: positions, moves, engines, categories.

Nothing here escapes for a format; `clean` only makes a crawled string one tidy line (control
characters out, whitespace collapsed), and each renderer escapes what it writes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from urllib.parse import urlsplit

from seowatch.reports.model import (
    CANNIBALIZED,
    CONFIRMED,
    DROPPED,
    IMPROVED,
    LOST,
    NEW,
    OUT_OF_PAGE1,
    OUT_OF_TOP3,
    OUT_OF_TOP10,
    RECOVERED,
    UNKNOWN,
    URL_CHANGED,
    WATCHING,
    KeywordRow,
    Observation,
    Report,
    SeenResult,
    SiteMetrics,
)

CATEGORY_LABELS = {
    LOST: "lost",
    OUT_OF_TOP3: "out of top 3",
    OUT_OF_TOP10: "out of top 10",
    OUT_OF_PAGE1: "off page 1",
    DROPPED: "dropped",
    IMPROVED: "improved",
    NEW: "new",
    URL_CHANGED: "URL changed",
    CANNIBALIZED: "cannibalized",
    RECOVERED: "recovered",
    UNKNOWN: "unknown",
}
CATEGORY_ORDER = tuple(CATEGORY_LABELS)
DROP_LABELS = {CONFIRMED: "confirmed", WATCHING: "watching"}
# Suggestion kinds (seowatch.reports.suggestions) as a reader says them; the code stays in the JSON.
SUGGESTION_LABELS = {
    "page_error": "page error", "page_redirects": "redirect", "page_noindex": "noindex",
    "page_canonical_elsewhere": "canonical elsewhere", "missing_tokens_title": "words missing in title",
    "missing_tokens_h1": "words missing in H1", "missing_tokens_description": "words missing in description",
    "title_too_long": "title too long", "thin_content": "thin content", "cannibalization": "cannibalization",
    "partner_link_lost": "partner link lost", "no_page_covers_keyword": "no page for keyword",
    "keyword_idea": "keyword idea",
}
COMPARE_LABELS = {"previous": "previous check", "week": "7 days ago", "month": "28 days ago"}

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")


def clean(text: object) -> str:
    """One line of text: control characters removed, runs of whitespace made one space."""
    if text is None:
        return ""
    s = text if isinstance(text, str) else str(text)
    if not s.isprintable():  # rare: line breaks, tabs, controls (str.split() folds the same spaces as \s+)
        s = _CONTROL.sub("", s)
    return " ".join(s.split())


def safe_url(url: str | None) -> str | None:
    """The URL when it is http(s) (fit to be a link); None for javascript:, data: and the like."""
    if not url:
        return None
    url = clean(url)
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return None
    return url if scheme in ("http", "https") else None


def engine_label(engine: str, device: str) -> str:
    """'baidu', 'bing (mobile)'; baidu_mobile is mobile by name."""
    return engine if device == "desktop" or engine == "baidu_mobile" else f"{engine} ({device})"


def category_labels(categories: tuple[str, ...]) -> list[str]:
    return [CATEGORY_LABELS.get(c, c) for c in sorted(categories, key=_category_rank)]


def _category_rank(c: str) -> int:
    return CATEGORY_ORDER.index(c) if c in CATEGORY_ORDER else len(CATEGORY_ORDER)


def category_counts(report: Report) -> dict[str, int]:
    """How many rows carry each category, in display order (only those present)."""
    counts: dict[str, int] = {}
    for row in report.rows:
        for c in row.categories:
            counts[c] = counts.get(c, 0) + 1
    return {c: counts[c] for c in sorted(counts, key=_category_rank)}


def position_label(obs: Observation | None) -> str:
    """'3', 'not in top 50', 'unknown (captcha)', 'not checked'."""
    if obs is None:
        return "not checked"
    if obs.status == "ranked":
        return str(obs.position)
    if obs.status == "not_ranked":
        return f"not in top {obs.depth_scanned}" if obs.depth_scanned else "not ranked"
    return f"unknown ({obs.reason})" if obs.reason else "unknown"


def short_position(obs: Observation | None) -> str:
    """A position for a narrow cell: '3', '>50', '?', '–'."""
    if obs is None:
        return "–"
    if obs.status == "ranked":
        return str(obs.position)
    if obs.status == "not_ranked":
        return f">{obs.depth_scanned}" if obs.depth_scanned else ">"
    return "?"


def move_label(row: KeywordRow) -> str:
    """Today against the baseline: '3 → 13 (▼10)', 'lost (was 8)', 'new at 9', '=' or ''."""
    now, before = row.today, row.baseline or row.previous
    if now is None or now.status == "unknown":
        return ""
    if before is None:
        return f"new at {now.position}" if now.status == "ranked" else ""
    if now.status == "ranked" and before.status == "ranked":
        delta = before.position - now.position
        if delta == 0:
            return "="
        return f"{before.position} → {now.position} ({'▲' if delta > 0 else '▼'}{abs(delta)})"
    if now.status == "ranked":
        return f"new at {now.position}"
    if before.status == "ranked":
        return f"lost (was {before.position}, not in top {now.depth_scanned})"
    return ""


def drop_day(row: KeywordRow, run_date: date) -> date:
    """The day a drop was first seen: `since` for a confirmed drop, the report's day when watching."""
    return row.since or (row.today.day if row.today else run_date)


def taken_by_label(seen: SeenResult | None) -> str:
    if seen is None:
        return ""
    who = clean(seen.domain) or clean(seen.url) or "?"
    title = clean(seen.title)
    return f"{who} “{title}”" if title else who


def evidence_key(key: object) -> str:
    """An evidence field as words: 'audited_before' -> 'audited before'."""
    return clean(key).replace("_", " ")


def evidence_text(value: object, limit: int | None = None) -> str:
    """A suggestion's evidence value as one line: dates ISO, numbers short, lists joined with '; ', objects
    as 'key value' pairs with empty values left out; cut to `limit` characters with an ellipsis."""
    if isinstance(value, (date, datetime)):
        text = value.isoformat()
    elif isinstance(value, bool):
        text = "yes" if value else "no"
    elif isinstance(value, float):
        text = f"{value:g}"
    elif isinstance(value, Mapping):
        text = ", ".join(f"{evidence_key(k)} {evidence_text(v)}" for k, v in value.items() if not is_empty(v))
    elif isinstance(value, (list, tuple, set, frozenset)):
        nested = any(isinstance(v, (Mapping, list, tuple)) for v in value)
        text = (" / " if nested else ", ").join(evidence_text(v) for v in value) if value else "none"
    else:
        text = "–" if value is None else clean(value)
    if limit is not None and len(text) > limit:
        text = text[:limit - 1] + "…"
    return text


def is_empty(value: object) -> bool:
    """No value worth showing: None, an empty string or an empty collection."""
    return value is None or value == "" or (isinstance(value, (list, tuple, dict, set)) and not value)


def signed(value: float | int | None, digits: int = 1) -> str:
    """'+1.5', '-2', '±0'; '' for None."""
    if value is None:
        return ""
    if isinstance(value, float):
        value = round(value, digits)
        if value == int(value):
            value = int(value)
    if value == 0:
        return "±0"
    return f"+{value}" if value > 0 else str(value)


def number(value: float | int | None, digits: int = 1) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def short_day(day: date) -> str:
    return f"{day.month:02d}-{day.day:02d}"  # strftime is slow over thousands of sparkline points


# The site-level numbers a report compares, as (label, SiteMetrics attribute, digits, direction):
# direction +1 when more is better, -1 when less is better, 0 when neither.
SUMMARY_METRICS = (
    ("visibility", "visibility", 2, +1),
    ("average position", "average_position", 1, -1),
    ("top 3", "top3", 0, +1),
    ("top 10", "top10", 0, +1),
    ("top 50", "top50", 0, +1),
    ("checked", "checked", 0, +1),
    ("unknown", "unknown", 0, -1),
    ("tracked", "tracked", 0, 0),
)

_RANKING_METRICS = ("visibility", "average_position", "top3", "top10", "top50")


def metric(m: SiteMetrics | None, attr: str):
    """A site number as it can be shown: None when there is no such day, and for ranking numbers
    when the day has no known check (a day of captchas is unknown, never visibility 0)."""
    if m is None or (attr in _RANKING_METRICS and not m.checked):
        return None
    return getattr(m, attr)
