"""Whether to notify: the one function that turns a day's report into alerts, by the configured rules.

`decide` is the single source of truth (rendering and delivery never judge). Only a CONFIRMED drop
alerts: a drop seen once ("watching") and an unknown check never do. When too few of the day's checks
are known (a crawler walled by captchas, a crawl that did not run), the day raises one coverage alert
and no rank alert at all: a blocked crawl is news in itself, and a block page mistaken for an empty
result page would otherwise read as keywords lost. Each alert has a key, `site|day|rule|...`, so a
keyword raises at most one alert per rule and day however often the report is rebuilt; keys already
recorded in the outbox are passed in and never decided again.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable
from dataclasses import dataclass, replace
from datetime import date

from seowatch.config import ALERT_RULES, AlertsConfig
from seowatch.crawlers.partnerstatus import (
    CANONICAL_ELSEWHERE,
    HIDDEN,
    HTTP_ERROR,
    LINK_MISSING,
    NOFOLLOW,
    NOINDEX,
    ROBOTS_BLOCKED,
    UNREACHABLE,
)
from seowatch.reports.metrics import ctr
from seowatch.reports.model import (
    CONFIRMED,
    DROPPED,
    LOST,
    OUT_OF_PAGE1,
    OUT_OF_TOP3,
    OUT_OF_TOP10,
    UNKNOWN,
    URL_CHANGED,
    WATCHING,
    KeywordRow,
    PartnerChange,
    Report,
)

RULES = ALERT_RULES
COVERAGE = "coverage"
CONFIRMED_DROP = "confirmed_drop"
URL_CHANGED_RULE = "url_changed"
PARTNER_LOST = "partner_lost"
PARTNER_NOFOLLOW = "partner_nofollow"

# Rank rules and the report category each one stands for (all need a confirmed drop).
DROP_RULES = {
    CONFIRMED_DROP: DROPPED,
    "out_of_top3": OUT_OF_TOP3,
    "out_of_top10": OUT_OF_TOP10,
    "out_of_page1": OUT_OF_PAGE1,
    "lost": LOST,
}
RANK_RULES = frozenset(DROP_RULES) | {URL_CHANGED_RULE}

# Partner statuses under which the swap no longer passes value. A PartnerChange is only listed once
# the partner history calls it lost (transient failures wait for their N consecutive checks there).
PARTNER_LOST_STATUSES = (LINK_MISSING, UNREACHABLE, HTTP_ERROR, ROBOTS_BLOCKED, NOINDEX, HIDDEN, CANONICAL_ELSEWHERE)


@dataclass(frozen=True)
class AlertRules:
    """The configured rules as plain values."""

    rules: frozenset[str] = frozenset(RULES)
    coverage_floor: float = 0.8  # share of tracked checks that must be known (ranked or not ranked)

    @classmethod
    def from_config(cls, cfg: AlertsConfig) -> AlertRules:
        return cls(frozenset(cfg.rules), cfg.coverage_floor)


@dataclass(frozen=True)
class Coverage:
    """How much of the day's crawl got through, and what stopped the rest."""

    tracked: int
    checked: int
    unknown: int
    not_checked: int
    reasons: tuple[tuple[str, int], ...]  # unknown reason -> checks, most first
    engines: tuple[tuple[str, int, int], ...]  # engine -> (unknown, tracked), most unknown first
    floor: float
    held_back: int = 0  # keywords with a confirmed drop that are not alerted because of it

    @property
    def share(self) -> float:
        return self.checked / self.tracked if self.tracked else 1.0

    @property
    def below_floor(self) -> bool:
        return self.tracked > 0 and self.share < self.floor

    @property
    def blocked(self) -> bool:
        """Checks came back unknown (captcha, 403 ...), as opposed to never being made."""
        return self.unknown > 0


@dataclass(frozen=True)
class Alert:
    """One thing to tell the user, with the data it was decided from."""

    key: str
    rule: str
    site: str
    day: date
    row: KeywordRow | None = None
    partner: PartnerChange | None = None
    coverage: Coverage | None = None


def alert_key(site: str, day: date, rule: str, *parts: object) -> str:
    return "|".join([site, day.isoformat(), rule, *(str(p) for p in parts)])


def coverage_of(report: Report, floor: float) -> Coverage:
    m = report.metrics
    per_engine: Counter = Counter()
    unknown_engine: Counter = Counter()
    for r in report.rows:
        per_engine[r.engine] += 1
        if UNKNOWN in r.categories:
            unknown_engine[r.engine] += 1
    engines = tuple(sorted(((e, unknown_engine[e], n) for e, n in per_engine.items()), key=lambda x: (-x[1], x[0])))
    reasons = tuple(sorted(m.unknown_reasons.items(), key=lambda x: (-x[1], x[0])))
    return Coverage(m.tracked, m.checked, m.unknown, m.not_checked, reasons, engines, floor)


def severity(row: KeywordRow) -> tuple[float, int, int]:
    """How much a drop costs: click-through share lost, then volume, then positions lost."""
    before = row.baseline.position if row.baseline and row.baseline.position else None
    after = row.today.position if row.today and row.today.status == "ranked" else None
    lost_positions = (after or 1000) - (before or 1000)
    return (ctr(before) - ctr(after), row.volume or 0, lost_positions)


def rank_rules_of(row: KeywordRow) -> list[str]:
    """The rank rules a row meets, before the configuration filters them."""
    out = []
    if row.drop == CONFIRMED:
        out += [rule for rule, cat in DROP_RULES.items() if cat in row.categories]
    # A landing-page swap seen with a one-off drop waits like the drop does.
    if URL_CHANGED in row.categories and row.drop != WATCHING:
        out.append(URL_CHANGED_RULE)
    return out


def partner_rules_of(change: PartnerChange) -> list[str]:
    if any(s in change.statuses for s in PARTNER_LOST_STATUSES):
        return [PARTNER_LOST]  # a link that is gone cannot also be "nofollowed"
    if NOFOLLOW in change.statuses:
        return [PARTNER_NOFOLLOW]
    return []  # recovered, or only a warning (anchor changed, other target)


def decide(report: Report, rules: AlertRules, sent_keys: Collection[str] = frozenset(), *,
           site: str | None = None) -> list[Alert]:
    """The alerts a report raises, most important first.

    sent_keys: every key already recorded in the outbox (queued, sent or failed alike); site: the
    stable name used in keys (the domain; default: the report's site label).
    """
    site = site or report.site
    day = report.run_date
    wanted = rules.rules
    alerts: list[Alert] = []

    def add(alert: Alert) -> None:
        if alert.rule in wanted and alert.key not in sent_keys:
            alerts.append(alert)

    rank: list[tuple[KeywordRow, str]] = [
        (row, rule) for row in report.rows for rule in rank_rules_of(row) if rule in wanted
    ]
    coverage = coverage_of(report, rules.coverage_floor)
    if coverage.below_floor:
        # A blocked crawl says so instead of reporting drops (coverage_floor = 0 turns this off).
        held = len({(r.keyword_id, r.engine, r.device) for r, rule in rank if rule in DROP_RULES})
        add(Alert(alert_key(site, day, COVERAGE), COVERAGE, site, day, coverage=replace(coverage, held_back=held)))
        rank = []

    rank.sort(key=lambda x: (x[1] == URL_CHANGED_RULE, tuple(-v for v in severity(x[0])), x[0].keyword, x[0].engine))
    for row, rule in rank:
        add(Alert(alert_key(site, day, rule, row.keyword_id, row.engine, row.device), rule, site, day, row=row))
    for change in report.partners:
        for rule in partner_rules_of(change):
            add(Alert(alert_key(site, day, rule, change.page), rule, site, day, partner=change))
    return alerts


def rows_of(alerts: Iterable[Alert]) -> list[tuple[KeywordRow, list[str]]]:
    """Rank alerts grouped by keyword row (a 3 → 12 move meets several rules), in alert order."""
    out: dict[tuple[int, str, str], tuple[KeywordRow, list[str]]] = {}
    for a in alerts:
        if a.row is not None:
            k = (a.row.keyword_id, a.row.engine, a.row.device)
            out.setdefault(k, (a.row, []))[1].append(a.rule)
    return list(out.values())
