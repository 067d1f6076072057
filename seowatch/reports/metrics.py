"""Site-level numbers per day, computed in SQL over the stored checks: coverage, positions, visibility.

Visibility is the click-through share a site captures: the sum of a click-through curve over its
positions, weighted by keyword volume when the list has volumes, as a percentage of what position 1
everywhere would capture. Only known checks count on either side, so a day of captchas shows as low
coverage, never as lost visibility.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date

from sqlalchemy import and_, case, func, literal, select
from sqlmodel import Session

from seowatch.store.database import rows

from seowatch.reports.model import SiteMetrics, TrendPoint
from seowatch.store.models import Keyword, RankCheck, SerpResult

# Organic click-through rate by position (desktop, all engines; a planning curve, not a measurement).
CTR = (0.28, 0.15, 0.10, 0.07, 0.05, 0.04, 0.03, 0.025, 0.02, 0.018)
CTR_11_20 = 0.01
CTR_21_50 = 0.003


def ctr(position: int | None) -> float:
    if position is None or position < 1:
        return 0.0
    if position <= 10:
        return CTR[position - 1]
    if position <= 20:
        return CTR_11_20
    if position <= 50:
        return CTR_21_50
    return 0.0


def _ctr_sql(position):
    whens = [(position == i + 1, literal(v)) for i, v in enumerate(CTR)]
    whens += [(position <= 20, literal(CTR_11_20)), (position <= 50, literal(CTR_21_50))]
    return case(*whens, else_=literal(0.0))


def default_weight(volumes: Sequence[int | None]) -> float:
    """Weight of a keyword without volume: the median of the known volumes (1 when none is known),
    so unweighted keywords neither vanish nor dominate."""
    known = sorted(v for v in volumes if v)
    if not known:
        return 1.0
    mid = len(known) // 2
    return float(known[mid] if len(known) % 2 else (known[mid - 1] + known[mid]) / 2)


def day_metrics(
    session: Session, site_id: int, days: Sequence[date], tracked: int, weight_default: float
) -> dict[date, SiteMetrics]:
    """SiteMetrics for each day in `days` that has checks (one grouped query, plus competitors)."""
    if not days:
        return {}
    weight = func.coalesce(Keyword.volume, literal(weight_default))
    known = RankCheck.status != "unknown"
    ranked = RankCheck.status == "ranked"
    q = (
        select(
            RankCheck.day,
            func.count().label("n"),
            func.sum(case((known, 1), else_=0)),
            func.sum(case((ranked, 1), else_=0)),
            func.avg(case((ranked, RankCheck.position), else_=None)),
            func.sum(case((and_(ranked, RankCheck.position <= 3), 1), else_=0)),
            func.sum(case((and_(ranked, RankCheck.position <= 10), 1), else_=0)),
            func.sum(case((and_(ranked, RankCheck.position <= 50), 1), else_=0)),
            func.sum(case((ranked, _ctr_sql(RankCheck.position) * weight), else_=0.0)),
            func.sum(case((known, literal(CTR[0]) * weight), else_=0.0)),
        )
        .join(Keyword, Keyword.id == RankCheck.keyword_id)
        .where(Keyword.site_id == site_id, Keyword.active.is_(True), RankCheck.day.in_(list(days)))
        .group_by(RankCheck.day)
    )
    out: dict[date, SiteMetrics] = {}
    for day, n, n_known, n_ranked, avg, t3, t10, t50, vis, vis_max in rows(session, q):
        out[day] = SiteMetrics(
            day=day, tracked=tracked, checked=int(n_known or 0), ranked=int(n_ranked or 0),
            unknown=int(n - (n_known or 0)), unknown_reasons={}, not_checked=max(0, tracked - n),
            average_position=round(float(avg), 1) if avg is not None else None,
            top3=int(t3 or 0), top10=int(t10 or 0), top50=int(t50 or 0),
            visibility=round(100.0 * float(vis or 0) / float(vis_max), 2) if vis_max else 0.0,
        )
    reasons = (
        select(RankCheck.day, RankCheck.unknown_reason, func.count())
        .join(Keyword, Keyword.id == RankCheck.keyword_id)
        .where(Keyword.site_id == site_id, Keyword.active.is_(True), RankCheck.day.in_(list(days)),
               RankCheck.status == "unknown")
        .group_by(RankCheck.day, RankCheck.unknown_reason)
    )
    for day, reason, n in rows(session, reasons):
        if day in out:
            out[day].unknown_reasons[reason or "unknown"] = int(n)
    for day, comp, vis in _competitor_visibility(session, site_id, list(out), weight_default):
        out[day].competitor_visibility[comp] = vis
    return out


def _competitor_visibility(session: Session, site_id: int, days: list[date], weight_default: float):
    """(day, competitor, visibility) from each competitor's best position in the stored result pages,
    over the same known checks as ours."""
    if not days:
        return []
    best = (
        select(
            SerpResult.check_id,
            SerpResult.owner_name,
            func.min(SerpResult.position).label("pos"),
        )
        .join(RankCheck, RankCheck.id == SerpResult.check_id)
        .join(Keyword, Keyword.id == RankCheck.keyword_id)
        .where(Keyword.site_id == site_id, Keyword.active.is_(True), RankCheck.day.in_(days),
               SerpResult.owner == "competitor", SerpResult.kind == "organic", RankCheck.status != "unknown")
        .group_by(SerpResult.check_id, SerpResult.owner_name)
        .subquery()
    )
    weight = func.coalesce(Keyword.volume, literal(weight_default))
    num = (
        select(RankCheck.day, best.c.owner_name, func.sum(_ctr_sql(best.c.pos) * weight))
        .join(RankCheck, RankCheck.id == best.c.check_id)
        .join(Keyword, Keyword.id == RankCheck.keyword_id)
        .group_by(RankCheck.day, best.c.owner_name)
    )
    den = dict(
        rows(
            session,
            select(RankCheck.day, func.sum(literal(CTR[0]) * weight))
            .join(Keyword, Keyword.id == RankCheck.keyword_id)
            .where(Keyword.site_id == site_id, Keyword.active.is_(True), RankCheck.day.in_(days),
                   RankCheck.status != "unknown")
            .group_by(RankCheck.day)
        ).all()
    )
    return [(day, comp, round(100.0 * float(v or 0) / float(den[day]), 2) if den.get(day) else 0.0)
            for day, comp, v in rows(session, num)]


def trend(session: Session, site_id: int, first: date, last: date, weight_default: float) -> list[TrendPoint]:
    """Visibility and coverage per day from `first` to `last` (days with checks only): one lean query."""
    weight = func.coalesce(Keyword.volume, literal(weight_default))
    known = RankCheck.status != "unknown"
    q = (
        select(
            RankCheck.day,
            func.sum(case((known, 1), else_=0)),
            func.count(),
            func.sum(case((RankCheck.status == "ranked", _ctr_sql(RankCheck.position) * weight), else_=0.0)),
            func.sum(case((known, literal(CTR[0]) * weight), else_=0.0)),
        )
        .join(Keyword, Keyword.id == RankCheck.keyword_id)
        .where(Keyword.site_id == site_id, Keyword.active.is_(True), RankCheck.day >= first, RankCheck.day <= last)
        .group_by(RankCheck.day)
        .order_by(RankCheck.day)
    )
    return [
        TrendPoint(day, round(100.0 * float(vis or 0) / float(vis_max), 2) if vis_max else None,
                   int(n_known or 0), int(n - (n_known or 0)))
        for day, n_known, n, vis, vis_max in rows(session, q)
    ]


def share_of_voice(metrics: SiteMetrics) -> dict[str, dict[str, float]]:
    """Our visibility against each competitor's over the same keywords: {competitor: {ours, theirs, share}}."""
    out = {}
    for comp, theirs in sorted(metrics.competitor_visibility.items()):
        total = metrics.visibility + theirs
        out[comp] = {
            "ours": metrics.visibility, "theirs": theirs,
            "share": round(100.0 * metrics.visibility / total, 1) if total else 0.0,
        }
    return out


def group_counts(rows) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for r in rows:
        for c in r.categories:
            counts[c] += 1
    return dict(counts)
