"""What stored result pages said about a site's keywords: related searches and top results, for keyword ideas."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

from sqlalchemy import func
from sqlmodel import Session, select

from seowatch.keywords.ideas import TOP_RESULTS, SerpEvidence
from seowatch.store.models import KIND_ORGANIC, Keyword, RankCheck, SerpPageRecord, SerpResult


def serp_evidence(
    session: Session,
    site_id: int,
    day: date,
    normalized: Collection[str] | None = None,
    top: int = TOP_RESULTS,
) -> list[SerpEvidence]:
    """One SerpEvidence per check of the site's active keywords on each keyword's latest checked day up to
    `day`: the related searches of its pages, and the titles and snippets of its top `top` organic results."""
    q = select(Keyword).where(Keyword.site_id == site_id, Keyword.active.is_(True))
    if normalized is not None:
        q = q.where(Keyword.normalized.in_(list(normalized)))
    keywords = {k.id: k for k in session.exec(q)}
    if not keywords:
        return []
    latest = (
        select(RankCheck.keyword_id, func.max(RankCheck.day).label("day"))
        .where(RankCheck.keyword_id.in_(list(keywords)), RankCheck.day <= day)
        .group_by(RankCheck.keyword_id)
        .subquery()
    )
    checks = list(session.exec(
        select(RankCheck)
        .join(latest, (RankCheck.keyword_id == latest.c.keyword_id) & (RankCheck.day == latest.c.day))
        .order_by(RankCheck.keyword_id, RankCheck.engine, RankCheck.device)
    ))
    if not checks:
        return []
    ids = [c.id for c in checks]
    related: dict[int, list[str]] = {i: [] for i in ids}
    for page in session.exec(select(SerpPageRecord).where(SerpPageRecord.check_id.in_(ids))
                             .order_by(SerpPageRecord.check_id, SerpPageRecord.page_no)):
        for text in page.related_searches or []:
            if text not in related[page.check_id]:
                related[page.check_id].append(text)
    results: dict[int, list[tuple[str, str | None]]] = {i: [] for i in ids}
    for r in session.exec(select(SerpResult).where(
            SerpResult.check_id.in_(ids), SerpResult.kind == KIND_ORGANIC, SerpResult.position <= top)
            .order_by(SerpResult.check_id, SerpResult.position)):
        if r.title:
            results[r.check_id].append((r.title, r.snippet))
    return [
        SerpEvidence(engine=c.engine, query=keywords[c.keyword_id].text, related=tuple(related[c.id]),
                     results=tuple(results[c.id]))
        for c in checks
        if related[c.id] or results[c.id]
    ]
