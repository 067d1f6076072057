"""What suggestions stand on: their kinds and severities, the audited-page facts, the impact formula.

The formula is explained in seowatch.reports.suggestions.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from seowatch.crawlers.matching import canonical_url, domain_of
from seowatch.keywords.coverage import Coverage
from seowatch.reports.alert_render import ENGINE_NAMES
from seowatch.reports.metrics import ctr, default_weight
from seowatch.reports.model import KeywordRow

PAGE_ERROR = "page_error"
PAGE_REDIRECTS = "page_redirects"
PAGE_NOINDEX = "page_noindex"
PAGE_CANONICAL = "page_canonical_elsewhere"
MISSING_TITLE = "missing_tokens_title"
MISSING_H1 = "missing_tokens_h1"
MISSING_DESCRIPTION = "missing_tokens_description"
TITLE_TOO_LONG = "title_too_long"
THIN_CONTENT = "thin_content"
CANNIBALIZATION = "cannibalization"
PARTNER_LINK_LOST = "partner_link_lost"
NO_PAGE = "no_page_covers_keyword"
KEYWORD_IDEA = "keyword_idea"
KINDS = (PAGE_ERROR, PAGE_NOINDEX, PAGE_CANONICAL, CANNIBALIZATION, MISSING_TITLE, NO_PAGE, PAGE_REDIRECTS,
         THIN_CONTENT, MISSING_H1, PARTNER_LINK_LOST, MISSING_DESCRIPTION, TITLE_TOO_LONG, KEYWORD_IDEA)

SEVERITY = {
    PAGE_ERROR: 1.0, PAGE_NOINDEX: 1.0, PAGE_CANONICAL: 0.7, NO_PAGE: 0.6, CANNIBALIZATION: 0.5,
    MISSING_TITLE: 0.5, PAGE_REDIRECTS: 0.4, THIN_CONTENT: 0.4, MISSING_H1: 0.3, PARTNER_LINK_LOST: 0.3,
    MISSING_DESCRIPTION: 0.15, TITLE_TOO_LONG: 0.15, KEYWORD_IDEA: 0.1,
}
UNREACHABLE_SEVERITY = 0.8  # a fetch that failed may be passing; an HTTP error is what the engine sees
OPPORTUNITY = ctr(10)
THIN_RATIO = 0.5  # "much thinner": under half the median of the top results
THIN_MIN_MEDIAN = 200  # characters; below that the top results are thin themselves
MAX_IDEAS = 5
ROLE_OURS, ROLE_TARGET, ROLE_COMPETITOR = "ours", "target", "competitor"  # as seowatch.store.models.audits
Key = tuple[int, str, str]  # keyword id, engine, device
FIELD_NAMES = {"title": "title", "h1": "H1", "description": "meta description"}


@dataclass(frozen=True)
class PageFacts:
    """One audited page for one keyword on one day, as suggestions read it (a stored audit)."""

    keyword_id: int
    keyword: str
    day: date
    url: str
    role: str  # ours, target, competitor
    engine: str | None = None  # the engine whose ranking chose the page
    rank: int | None = None  # its organic position there
    owner: str | None = None  # competitor name or domain
    status: int | None = None  # None: could not be fetched (error says why)
    error: str | None = None
    final_url: str | None = None
    redirects: tuple[str, ...] = ()
    title: str | None = None
    description: str | None = None
    h1: tuple[str, ...] = ()
    canonical: str | None = None
    noindex_evidence: str | None = None
    body_chars: int = 0
    structured_data: tuple[str, ...] = ()
    coverage: Coverage | None = None
    html: bool = True  # False: a PDF or an image, whose tags are not audited

    @property
    def noindex(self) -> bool:
        return self.noindex_evidence is not None

    @property
    def served(self) -> bool:
        return self.status is not None and self.status < 400

    @property
    def readable(self) -> bool:
        """Served as a web page: its tags and text can be compared."""
        return self.served and self.html

    @property
    def redirected(self) -> bool:
        return bool(self.final_url) and canonical_url(self.final_url) != canonical_url(self.url)

    @property
    def canonical_elsewhere(self) -> bool:
        return bool(self.canonical) and canonical_url(self.canonical) != canonical_url(self.final_url or self.url)

    @property
    def who(self) -> str:
        return f"{self.owner or domain_of(self.url) or self.url} #{self.rank}" if self.rank else short_url(self.url)


def short_url(url: str | None) -> str:
    return (url or "").split("://", 1)[-1]


def engine_name(engine: str | None) -> str:
    return ENGINE_NAMES.get(engine or "", engine or "")


def words(items: Iterable[str]) -> str:
    """Keyword words as a sentence names them: “整合营销” and “方案”."""
    quoted = [f"“{w}”" for w in items]
    if len(quoted) < 2:
        return "".join(quoted)
    return ", ".join(quoted[:-1]) + " and " + quoted[-1]


def known(row: KeywordRow) -> bool:
    """Today's check is known (ranked or not ranked): an unknown check is never read as a position."""
    return row.today is not None and row.today.status in ("ranked", "not_ranked")


# --- impact ------------------------------------------------------------------------------------------


class Impact:
    """Weights and stakes of the report's keywords (see the module docstring)."""

    def __init__(self, rows: Sequence[KeywordRow]):
        self.rows: dict[int, list[KeywordRow]] = defaultdict(list)
        volumes: dict[int, int | None] = {}
        for r in rows:
            self.rows[r.keyword_id].append(r)
            volumes[r.keyword_id] = r.volume
        typical = default_weight(list(volumes.values()))
        self.weights = {k: (v / typical if v else 1.0) for k, v in volumes.items()}

    @staticmethod
    def _positions(row: KeywordRow) -> tuple[int | None, int | None, str | None]:
        """(today's position, the compared position, today's URL); an unknown today falls back to the last known."""
        now = row.today if known(row) else row.previous
        base = row.baseline
        pos = now.position if now is not None and now.status == "ranked" else None
        was = base.position if base is not None and base.status == "ranked" else None
        return pos, was, (now.url if now is not None and now.status == "ranked" else None)

    def _ranks_with(self, row: KeywordRow, want: str | None) -> bool:
        urls = (self._positions(row)[2], row.baseline.url if row.baseline else None)
        return want in {canonical_url(u) for u in urls if u}

    def matching(self, keyword_id: int, url: str | None = None) -> list[KeywordRow]:
        """The keyword's rows where `url` ranks (today or at the compared check); all its rows when none does."""
        rows = self.rows.get(keyword_id, [])
        if url is None:
            return rows
        want = canonical_url(url)
        return [r for r in rows if self._ranks_with(r, want)] or rows

    def ranking_for(self, url: str) -> list[int]:
        """The keywords `url` ranks for (today, or at the check it is compared with)."""
        want = canonical_url(url)
        return [k for k, rows in self.rows.items() if any(self._ranks_with(r, want) for r in rows)]

    def stake(self, keyword_id: int, url: str | None = None) -> float:
        best = OPPORTUNITY
        for r in self.matching(keyword_id, url):
            pos, was, _ = self._positions(r)
            best = max(best, ctr(pos), ctr(was))
        return best

    def of(self, keyword_id: int, severity: float, url: str | None = None) -> float:
        return 100.0 * self.weights.get(keyword_id, 1.0) * self.stake(keyword_id, url) * severity

    def where(self, keyword_id: int, url: str | None = None) -> list[dict[str, Any]]:
        """Evidence: the keyword's positions per engine (today, and what it is compared with)."""
        out = []
        for r in self.matching(keyword_id, url):
            pos, was, now_url = self._positions(r)
            out.append({"engine": r.engine, "device": r.device if r.device != "desktop" else None, "position": pos,
                        "compared_with": was if was != pos else None, "url": now_url,
                        "today": None if known(r) else "unknown: last known position"})
        return [{k: v for k, v in d.items() if v is not None} for d in out]

    def label(self, keyword_id: int, url: str | None = None) -> str:
        """'Baidu #3 → #12, Bing #5' where `url` ranks (or ranked); another page of ours ranking now is named."""
        want = canonical_url(url) if url else None
        parts = []
        for r in self.matching(keyword_id, url):
            pos, was, now_url = self._positions(r)
            if pos is None and was is None:
                continue
            now = f"#{pos}" if pos else "not ranked"
            text = f"#{was} → {now}" if was and was != pos else now
            if want and pos and now_url and canonical_url(now_url) != want:
                text += f" (now {short_url(now_url)})"
            if not known(r):
                text += " (last known)"
            parts.append(f"{engine_name(r.engine)} {text}")
        return ", ".join(parts)
