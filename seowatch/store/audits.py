"""Landing-page audits in the store: which pages to audit for a keyword, one audit per keyword, page and day."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, delete, func
from sqlmodel import Session, select

from seowatch.crawlers.matching import canonical_url, domain_of
from seowatch.store.models import (
    KIND_ORGANIC,
    ROLE_COMPETITOR,
    ROLE_OURS,
    ROLE_TARGET,
    STATUS_RANKED,
    STATUS_UNKNOWN,
    Keyword,
    PageAuditRecord,
    RankCheck,
    SerpResult,
)

COMPETITORS = 3  # competitor pages audited beside ours


def url_hash(url: str) -> str:
    return hashlib.sha1(url.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class AuditJob:
    """One page to audit for one keyword, and why it was chosen."""

    keyword_id: int
    keyword: str
    url: str
    role: str  # ours, target, competitor
    engine: str | None = None
    rank: int | None = None
    owner_name: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> AuditJob:
        return cls(**d)


def _latest_checks(session: Session, keyword_id: int, day: date) -> list[RankCheck]:
    latest = session.exec(
        select(func.max(RankCheck.day)).where(RankCheck.keyword_id == keyword_id, RankCheck.day <= day)
    ).one()
    if latest is None:
        return []
    return list(session.exec(select(RankCheck).where(RankCheck.keyword_id == keyword_id, RankCheck.day == latest)))


def _competitors(session: Session, check: RankCheck, limit: int) -> list[SerpResult]:
    rows = session.exec(
        select(SerpResult)
        .where(SerpResult.check_id == check.id, SerpResult.kind == KIND_ORGANIC, SerpResult.url.is_not(None))
        .order_by(SerpResult.position)
    )
    out: list[SerpResult] = []
    seen: set[str] = set()
    for r in rows:
        if r.owner in ("site", "asset"):
            continue
        key = canonical_url(r.url) or r.url
        if key in seen:
            continue
        seen.add(key)
        out.append(r)
        if len(out) >= limit:
            break
    return out


def audit_jobs(
    session: Session,
    keywords: Sequence[Keyword],
    day: date,
    engines: Sequence[str] = (),
    competitors: int = COMPETITORS,
) -> list[AuditJob]:
    """The pages to audit for each keyword: our page that ranks in the latest check up to `day` (the first
    engine of `engines` where we rank), the configured target when it is not that page (or nothing ranks),
    and the top organic results that are not ours on that same engine."""
    order = {e: i for i, e in enumerate(engines)}
    jobs: list[AuditJob] = []
    for kw in keywords:
        checks = sorted(_latest_checks(session, kw.id, day),
                        key=lambda c: (order.get(c.engine, len(order)), c.engine, c.device != "desktop"))
        ranked = next((c for c in checks if c.status == STATUS_RANKED and c.owner_kind == "site" and c.url), None)
        source = ranked or next((c for c in checks if c.status != STATUS_UNKNOWN), None) or (checks[0] if checks else None)
        kw_jobs: list[AuditJob] = []
        if ranked is not None:
            kw_jobs.append(AuditJob(kw.id, kw.text, ranked.url, ROLE_OURS, ranked.engine, ranked.position))
        if kw.target and (ranked is None or canonical_url(kw.target) != canonical_url(ranked.url)):
            kw_jobs.append(AuditJob(kw.id, kw.text, kw.target, ROLE_TARGET))
        if source is not None:
            for r in _competitors(session, source, competitors):
                kw_jobs.append(AuditJob(kw.id, kw.text, r.url, ROLE_COMPETITOR, source.engine, r.position,
                                        r.owner_name or domain_of(r.url)))
        jobs.extend(kw_jobs)
    return jobs


def save_audit(session: Session, record: PageAuditRecord) -> PageAuditRecord:
    """Store an audit, replacing that day's audit of the same keyword and page."""
    record.url_hash = url_hash(record.url)
    session.exec(delete(PageAuditRecord).where(
        PageAuditRecord.keyword_id == record.keyword_id,
        PageAuditRecord.url_hash == record.url_hash,
        PageAuditRecord.day == record.day,
    ))
    record.id = None
    session.add(record)
    session.flush()
    return record


@dataclass
class AuditOutcome:
    """An audit item from the spider: stored by the pipeline in its own transaction."""

    record: PageAuditRecord

    def save(self, session: Session) -> dict[str, Any]:
        r = save_audit(session, self.record)
        return {"event": "audit", "keyword_id": r.keyword_id, "url": r.url, "role": r.role, "status": r.status,
                "error": r.error, "findings": [f["code"] for f in r.findings]}


def _site_keyword_ids(session: Session, site_id: int) -> Any:
    return select(Keyword.id).where(Keyword.site_id == site_id)


def audits_on(session: Session, site_id: int, day: date, keyword_ids: Iterable[int] | None = None) -> list[PageAuditRecord]:
    """The site's audits of `day`, by keyword, then ours / target / competitors by rank."""
    q = select(PageAuditRecord).where(PageAuditRecord.day == day,
                                      PageAuditRecord.keyword_id.in_(_site_keyword_ids(session, site_id)))
    if keyword_ids is not None:
        q = q.where(PageAuditRecord.keyword_id.in_(list(keyword_ids)))
    role_order = {ROLE_OURS: 0, ROLE_TARGET: 1, ROLE_COMPETITOR: 2}
    rows = list(session.exec(q))
    return sorted(rows, key=lambda r: (r.keyword_id, role_order.get(r.role, 3), r.rank or 10**6, r.id))


def previous_audits(session: Session, site_id: int, before: date) -> dict[tuple[int, str], PageAuditRecord]:
    """For each (keyword, page), its latest audit before `before`: the baseline changes are explained against."""
    latest = (
        select(PageAuditRecord.keyword_id, PageAuditRecord.url_hash, func.max(PageAuditRecord.day).label("day"))
        .where(PageAuditRecord.day < before, PageAuditRecord.keyword_id.in_(_site_keyword_ids(session, site_id)))
        .group_by(PageAuditRecord.keyword_id, PageAuditRecord.url_hash)
        .subquery()
    )
    q = select(PageAuditRecord).join(latest, and_(
        PageAuditRecord.keyword_id == latest.c.keyword_id,
        PageAuditRecord.url_hash == latest.c.url_hash,
        PageAuditRecord.day == latest.c.day,
    ))
    return {(r.keyword_id, r.url_hash): r for r in session.exec(q)}


def latest_audit_day(session: Session, site_id: int, up_to: date | None = None) -> date | None:
    q = select(func.max(PageAuditRecord.day)).where(PageAuditRecord.keyword_id.in_(_site_keyword_ids(session, site_id)))
    if up_to is not None:
        q = q.where(PageAuditRecord.day <= up_to)
    return session.exec(q).one()


def audit_record(job: AuditJob, audit: Any, coverage: Any, findings: Iterable[Any], day: date,
                 fetched_at: datetime) -> PageAuditRecord:
    """A storable row from a job, its `PageAudit`, its keyword `Coverage` (or None) and its findings."""
    return PageAuditRecord(
        keyword_id=job.keyword_id, day=day, url=job.url, url_hash=url_hash(job.url), role=job.role,
        engine=job.engine, rank=job.rank, owner_name=job.owner_name,
        final_url=audit.final_url, status=audit.status, error=audit.error, redirects=list(audit.redirects),
        response_ms=audit.response_ms, encoding=audit.encoding, title=audit.title, description=audit.description,
        h1=list(audit.h1), h2=list(audit.h2), canonical=audit.canonical,
        meta_robots="; ".join(f"{n}: {c}" for n, c in audit.robots_metas) or None,
        x_robots_tag="; ".join(audit.x_robots_tag) or None,
        noindex=audit.noindex, noindex_evidence=audit.noindex_evidence,
        body_chars=audit.body_chars, chinese_chars=audit.chinese_chars,
        internal_links=audit.internal_links, outbound_links=audit.outbound_links,
        images=audit.images, images_without_alt=audit.images_without_alt,
        structured_data=list(audit.structured_data),
        coverage=coverage.to_dict() if coverage is not None else None,
        findings=[{"code": f.code, "message": f.message} for f in findings],
        fetched_at=fetched_at,
    )
