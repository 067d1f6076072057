"""Assembling the daily report of one site for one day from the store (data up to that day only)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, select

from seowatch.config import ReportConfig, SiteConfig
from seowatch.reports.data import active_keywords, expected_keys, keyword_rows, position_history
from seowatch.reports.metrics import day_metrics, default_weight, share_of_voice, trend
from seowatch.reports.model import CONFIRMED, PartnerChange, Report, SiteMetrics, Suggestion
from seowatch.store.models import Keyword, RankCheck

HISTORY_DAYS = 28
TREND_DAYS = 30
SPARKLINES_MAX = 1000  # rows drawn with a sparkline: news first (drops, gains...), then the best positions


def _latest_day_on_or_before(session: Session, site_id: int, day: date) -> date | None:
    q = (
        select(func.max(RankCheck.day))
        .join(Keyword, Keyword.id == RankCheck.keyword_id)
        .where(Keyword.site_id == site_id, RankCheck.day <= day)
    )
    return session.exec(q).one()


def build_report(
    session: Session,
    site_cfg: SiteConfig,
    site_id: int,
    run_date: date,
    config: ReportConfig,
    now: datetime,
    *,
    partners: list[PartnerChange] | None = None,
    suggestions: list[Suggestion] | None = None,
) -> Report:
    keywords = active_keywords(session, site_id)
    by_id = {k.id: k for k in keywords}
    keys = expected_keys(site_cfg.engines, site_cfg.devices, keywords)
    rows = keyword_rows(session, site_id, run_date, keys, by_id, config.drop_threshold)

    weight = default_weight([k.volume for k in keywords])
    previous_day = _latest_day_on_or_before(session, site_id, run_date - timedelta(days=1))
    week_day = _latest_day_on_or_before(session, site_id, run_date - timedelta(days=7))
    month_day = _latest_day_on_or_before(session, site_id, run_date - timedelta(days=28))
    days = {d for d in (run_date, previous_day, week_day, month_day) if d}
    metrics = day_metrics(session, site_id, sorted(days), len(keys), weight)
    current = metrics.get(run_date) or SiteMetrics(
        run_date, len(keys), 0, 0, 0, {}, len(keys), None, 0, 0, 0, 0.0
    )
    compare: dict[str, SiteMetrics | None] = {
        "previous": metrics.get(previous_day) if previous_day else None,
        "week": metrics.get(week_day) if week_day else None,
        "month": metrics.get(month_day) if month_day else None,
    }
    points = trend(session, site_id, run_date - timedelta(days=TREND_DAYS - 1), run_date, weight)

    drawn = sorted(
        (r for r in rows if r.today and r.today.status != "unknown"),
        key=lambda r: (r.drop != CONFIRMED, r.drop is None, not r.categories, r.today.position or 10**6),
    )[:SPARKLINES_MAX]
    history = position_history(session, [(r.keyword_id, r.engine, r.device) for r in drawn], run_date, HISTORY_DAYS)
    for r in rows:
        r.history = tuple(history.get((r.keyword_id, r.engine, r.device), ()))

    notes = []
    if current.tracked and current.unknown / current.tracked > 0.2:
        notes.append(
            f"{current.unknown} of {current.tracked} checks are unknown ({current.coverage_line}): the crawler was "
            "blocked or failed; those keywords are not compared and raise no drop."
        )
    return Report(
        site=site_cfg.label, run_date=run_date, generated_at=now, rows=rows, metrics=current, compare=compare,
        trend=points, share_of_voice=share_of_voice(current), partners=partners or [],
        suggestions=suggestions or [], notes=notes,
    )
