"""The daily report as plain data: what the renderers, the alerts and the JSON export all read."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

# Categories a keyword row can carry (several can hold at once).
LOST = "lost"  # was ranked, now not within the scanned depth
OUT_OF_TOP3 = "out_of_top3"
OUT_OF_TOP10 = "out_of_top10"
OUT_OF_PAGE1 = "out_of_page1"
DROPPED = "dropped"  # moved down by at least the position-scaled threshold
IMPROVED = "improved"  # moved up by at least the threshold
NEW = "new"  # ranked now, not ranked (or never checked) before
URL_CHANGED = "url_changed"  # another page of ours ranks now: a landing-page swap
CANNIBALIZED = "cannibalized"  # two of our pages rank together, or alternate
RECOVERED = "recovered"  # yesterday's drop did not hold: one odd observation, no alarm
UNKNOWN = "unknown"  # today's check failed (captcha, timeout ...): not compared

DROP_CATEGORIES = (LOST, OUT_OF_TOP3, OUT_OF_TOP10, OUT_OF_PAGE1, DROPPED)

WATCHING = "watching"  # a drop seen once: listed, never alerted
CONFIRMED = "confirmed"  # a drop seen twice (a same-day recheck or the next check)


@dataclass(frozen=True)
class Observation:
    """One stored check as the report sees it."""

    day: date
    status: str  # ranked, not_ranked, unknown
    position: int | None = None
    url: str | None = None
    page: int | None = None
    depth_scanned: int = 0
    reason: str | None = None  # why unknown


@dataclass(frozen=True)
class SeenResult:
    """A result seen on a stored result page (used for 'who took our place')."""

    position: int
    url: str | None
    domain: str | None
    title: str | None


@dataclass
class KeywordRow:
    """One keyword on one engine and device, today against its last known state."""

    keyword_id: int
    keyword: str
    group: str | None
    volume: int | None
    engine: str
    device: str
    today: Observation | None  # None: not checked on the report's day
    previous: Observation | None = None  # last known before today (unknown days skipped)
    baseline: Observation | None = None  # what today is compared with
    categories: tuple[str, ...] = ()
    drop: str | None = None  # None, WATCHING or CONFIRMED
    change: int | None = None  # positions gained (+) or lost (-) against the baseline, both ranked
    threshold: int | None = None  # the move that counts at the baseline's position
    taken_by: SeenResult | None = None  # the result now at our old position
    own_urls: tuple[str, ...] = ()  # our URLs ranking today (more than one: cannibalization)
    history: tuple[tuple[date, int | None], ...] = ()  # recent known positions, for sparklines
    since: date | None = None  # the day a confirmed drop was first seen


@dataclass
class SiteMetrics:
    """Site-level numbers for one day, over the checks of that day."""

    day: date
    tracked: int  # keyword x engine x device combinations expected
    checked: int  # ranked + not ranked
    ranked: int
    unknown: int
    unknown_reasons: dict[str, int]
    not_checked: int
    average_position: float | None
    top3: int
    top10: int
    top50: int
    visibility: float  # 0-100: click-through share captured, over known checks
    competitor_visibility: dict[str, float] = field(default_factory=dict)

    @property
    def coverage_line(self) -> str:
        line = f"checked {self.checked}/{self.tracked}, {self.unknown} unknown"
        if self.unknown_reasons:
            line += " (" + ", ".join(f"{n} {r}" for r, n in sorted(self.unknown_reasons.items(), key=lambda x: -x[1])) + ")"
        if self.not_checked:
            line += f", {self.not_checked} not checked"
        return line


@dataclass
class TrendPoint:
    day: date
    visibility: float | None
    checked: int
    unknown: int


@dataclass
class PartnerChange:
    """A partner link that changed for the worse (or recovered) since the last report."""

    page: str
    statuses: tuple[str, ...]
    previous: tuple[str, ...]
    day: date
    evidence: tuple[str, ...] = ()
    target: str | None = None
    consecutive_failures: int = 0


@dataclass
class Suggestion:
    """An optimization with the evidence and the data that produced it; impact orders the list."""

    kind: str
    keyword: str | None
    engine: str | None
    message: str
    evidence: dict[str, Any]
    impact: float
    url: str | None = None


@dataclass
class Report:
    site: str
    run_date: date
    generated_at: datetime
    rows: list[KeywordRow]
    metrics: SiteMetrics
    compare: dict[str, SiteMetrics | None]  # "previous", "week", "month"
    trend: list[TrendPoint]
    share_of_voice: dict[str, dict[str, float]]  # competitor -> {ours, theirs, share}
    partners: list[PartnerChange] = field(default_factory=list)
    suggestions: list[Suggestion] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def with_category(self, category: str) -> list[KeywordRow]:
        return [r for r in self.rows if category in r.categories]

    @property
    def confirmed_drops(self) -> list[KeywordRow]:
        return [r for r in self.rows if r.drop == CONFIRMED]

    @property
    def watching(self) -> list[KeywordRow]:
        return [r for r in self.rows if r.drop == WATCHING]

    def winners(self, n: int = 10) -> list[KeywordRow]:
        gains = [r for r in self.rows if r.change and r.change > 0 or NEW in r.categories]
        return sorted(gains, key=lambda r: -(r.change or 0))[:n]

    def losers(self, n: int = 10) -> list[KeywordRow]:
        losses = [r for r in self.rows if r.drop is not None]
        return sorted(losses, key=lambda r: (r.change if r.change is not None else -1000))[:n]
