"""Reading what suggestions need from the store, up to the report's day and never after it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import and_, func
from sqlmodel import Session, select

from seowatch.keywords.coverage import Coverage
from seowatch.keywords.ideas import Idea, keyword_ideas
from seowatch.reports.model import CANNIBALIZED, Report, Suggestion
from seowatch.reports.partner_changes import LostLink
from seowatch.reports.suggestion_basis import Key, PageFacts
from seowatch.reports.suggestions import suggest
from seowatch.store.database import rows as rows_of
from seowatch.store.ideas import serp_evidence
from seowatch.store.models import KIND_ORGANIC, ROLE_OURS, ROLE_TARGET, Keyword, PageAuditRecord, RankCheck, SerpResult

IDEA_KEYWORDS = 100  # keywords whose result pages feed the report's ideas: the highest volumes first


# The columns suggestions read (a report over thousands of keywords reads tens of thousands of audits:
# no ORM objects, and none of the JSON it does not use).
_A = PageAuditRecord
_COLUMNS = (_A.keyword_id, _A.day, _A.url, _A.role, _A.engine, _A.rank, _A.owner_name, _A.status, _A.error,
            _A.final_url, _A.redirects, _A.title, _A.description, _A.h1, _A.canonical, _A.noindex,
            _A.noindex_evidence, _A.body_chars, _A.structured_data, _A.coverage, _A.findings)


def page_facts(row: Any, keyword: str) -> PageFacts:
    """A stored audit (a PageAuditRecord, or a row of _COLUMNS) as plain data."""
    return PageFacts(
        keyword_id=row.keyword_id, keyword=keyword, day=row.day, url=row.url, role=row.role,
        engine=row.engine, rank=row.rank, owner=row.owner_name, status=row.status, error=row.error,
        final_url=row.final_url, redirects=tuple(row.redirects or ()), title=row.title,
        description=row.description, h1=tuple(row.h1 or ()), canonical=row.canonical,
        noindex_evidence=row.noindex_evidence if row.noindex else None, body_chars=row.body_chars or 0,
        structured_data=tuple(row.structured_data or ()),
        coverage=Coverage.from_dict(row.coverage) if row.coverage else None,
        html=not any(f.get("code") == "not_html" for f in row.findings or ()),
    )


def _keywords(session: Session, site_id: int) -> dict[int, Any]:
    """The site's active keywords as plain rows (attributes as on Keyword)."""
    from seowatch.reports.data import active_keywords

    return {k.id: k for k in active_keywords(session, site_id)}


def latest_audits(session: Session, keywords: dict[int, Keyword], day: date,
                  ) -> tuple[list[PageFacts], dict[tuple[int, str], PageFacts]]:
    """Each keyword's audits of its latest audit day up to `day`, and for each (keyword, page of ours) the
    audit before that day."""
    if not keywords:
        return [], {}
    ids = list(keywords)
    latest = (
        select(_A.keyword_id, func.max(_A.day).label("day"))
        .where(_A.keyword_id.in_(ids), _A.day <= day)
        .group_by(_A.keyword_id)
        .subquery()
    )
    rows = rows_of(
        session,
        select(*_COLUMNS)
        .join(latest, and_(_A.keyword_id == latest.c.keyword_id, _A.day == latest.c.day))
        .order_by(_A.keyword_id, _A.id),
    ).all()
    audits = [page_facts(r, keywords[r.keyword_id].text) for r in rows]
    days = {a.keyword_id: a.day for a in audits}
    # Earlier audits explain changes to our own pages only (suggestions compare competitors as they are now).
    before = (
        select(_A.keyword_id, _A.url_hash, func.max(_A.day).label("day"))
        .join(latest, _A.keyword_id == latest.c.keyword_id)
        .where(_A.day < latest.c.day, _A.role.in_((ROLE_OURS, ROLE_TARGET)))
        .group_by(_A.keyword_id, _A.url_hash)
        .subquery()
    )
    previous: dict[tuple[int, str], PageFacts] = {}
    for r in rows_of(session, select(*_COLUMNS).join(before, and_(
            _A.keyword_id == before.c.keyword_id, _A.url_hash == before.c.url_hash, _A.day == before.c.day))):
        if r.day < days.get(r.keyword_id, r.day):
            previous[(r.keyword_id, r.url)] = page_facts(r, keywords[r.keyword_id].text)
    return audits, previous


def own_positions(session: Session, day: date, keys: Sequence[Key]) -> dict[Key, list[tuple[int, str]]]:
    """Our organic results (position, URL) on the day's check of each key."""
    out: dict[Key, list[tuple[int, str]]] = {}
    wanted = set(keys)
    ids = sorted({k[0] for k in keys})
    if not ids:
        return out
    q = (
        select(RankCheck.keyword_id, RankCheck.engine, RankCheck.device, SerpResult.position, SerpResult.url)
        .join(SerpResult, SerpResult.check_id == RankCheck.id)
        .where(RankCheck.keyword_id.in_(ids), RankCheck.day == day, SerpResult.owner == "site",
               SerpResult.kind == KIND_ORGANIC, SerpResult.position.is_not(None), SerpResult.url.is_not(None))
        .order_by(SerpResult.position)
    )
    for kid, engine, device, position, url in session.exec(q):
        if (kid, engine, device) in wanted:
            out.setdefault((kid, engine, device), []).append((position, url))
    return out


def report_ideas(session: Session, site_id: int, keywords: dict[int, Keyword], day: date, tokenizer: Any) -> list[Idea]:
    """Keyword ideas from the result pages of the highest-volume keywords (IDEA_KEYWORDS of them), up to `day`."""
    keywords = sorted(keywords.values(), key=lambda k: (-(k.volume or 0), k.id))
    chosen = [k.normalized for k in keywords[:IDEA_KEYWORDS]]
    evidence = serp_evidence(session, site_id, day, chosen)
    return keyword_ideas(evidence, tokenizer, [k.text for k in keywords], limit=50) if evidence else []


def report_suggestions(
    session: Session, site_id: int, report: Report, config: Any, lost_links: Sequence[LostLink], tokenizer: Any,
) -> list[Suggestion]:
    """The suggestions of a built report, from data up to its day."""
    keywords = _keywords(session, site_id)
    audits, previous = latest_audits(session, keywords, report.run_date)
    cannibalized = [(r.keyword_id, r.engine, r.device) for r in report.rows if CANNIBALIZED in r.categories]
    return suggest(
        report.rows, audits, previous, lost_links, report_ideas(session, site_id, keywords, report.run_date, tokenizer),
        config, targets={k.id: k.target for k in keywords.values() if k.target},
        own_positions=own_positions(session, report.run_date, cannibalized), tokenizer=tokenizer,
    )
