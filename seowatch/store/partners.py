"""Reading and writing partner checks: partners from the config, every check kept, standing updated."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, select

from seowatch.crawlers.backlinks import PageAnalysis
from seowatch.crawlers.partnerhistory import Standing, advance
from seowatch.crawlers.partnerstatus import Decision, Fetch
from seowatch.store.models import Partner, PartnerCheck, Site


@dataclass
class PartnerSync:
    """What syncing a site's partner list did."""

    partners: list[Partner]
    duplicates: list[str]  # pages listed more than once (the first entry is used)
    deactivated: list[str]


def sync_partners(session: Session, site: Site, specs: Sequence[Any]) -> PartnerSync:
    """Make the site's partner rows match the config (PartnerSpec-like: page, target, anchor,
    our_page, note, contact): add, update, deactivate the removed ones (their history stays)."""
    existing = {p.page: p for p in session.exec(select(Partner).where(Partner.site_id == site.id))}
    seen: dict[str, Partner] = {}
    duplicates: list[str] = []
    for spec in specs:
        if spec.page in seen:
            duplicates.append(spec.page)
            continue
        row = existing.get(spec.page)
        if row is None:
            row = Partner(site_id=site.id, page=spec.page)
            session.add(row)
        row.target = spec.target
        row.anchor = spec.anchor
        row.our_page = spec.our_page
        row.note = spec.note
        row.contact = getattr(spec, "contact", None)
        row.active = True
        seen[spec.page] = row
    deactivated = []
    for page, row in existing.items():
        if page not in seen and row.active:
            row.active = False
            deactivated.append(page)
    session.flush()
    return PartnerSync(list(seen.values()), duplicates, deactivated)


def site_partners(session: Session, site_id: int, *, active_only: bool = True) -> list[Partner]:
    query = select(Partner).where(Partner.site_id == site_id)
    if active_only:
        query = query.where(Partner.active == True)  # noqa: E712 - SQL comparison
    return list(session.exec(query.order_by(Partner.id)))


def latest_checks(session: Session, partner_ids: Iterable[int]) -> dict[int, PartnerCheck]:
    """The most recent check of each partner."""
    ids = list(partner_ids)
    if not ids:
        return {}
    newest = (
        select(PartnerCheck.partner_id, func.max(PartnerCheck.id).label("last_id"))
        .where(PartnerCheck.partner_id.in_(ids))
        .group_by(PartnerCheck.partner_id)
        .subquery()
    )
    rows = session.exec(select(PartnerCheck).join(newest, PartnerCheck.id == newest.c.last_id))
    return {c.partner_id: c for c in rows}


def partner_history(session: Session, partner_id: int, limit: int | None = None) -> list[PartnerCheck]:
    """The checks of one partner, newest first."""
    query = select(PartnerCheck).where(PartnerCheck.partner_id == partner_id).order_by(PartnerCheck.id.desc())
    if limit:
        query = query.limit(limit)
    return list(session.exec(query))


@dataclass
class PartnerChangeRow:
    """A partner whose check of a day changed what it reports (reports and alerts read these)."""

    partner: Partner
    check: PartnerCheck  # the day's latest check
    previous: PartnerCheck | None  # the check before it


def partner_changes(session: Session, site_id: int, day: date) -> list[PartnerChangeRow]:
    """Partners whose latest check on `day` flipped their standing (lost, recovered), or changed
    its statuses while not pending: a transient failure that has not yet persisted is no change."""
    out = []
    for p in site_partners(session, site_id):
        checks = list(session.exec(
            select(PartnerCheck).where(PartnerCheck.partner_id == p.id, PartnerCheck.day <= day)
            .order_by(PartnerCheck.id.desc()).limit(2)
        ))
        if not checks or checks[0].day != day:
            continue
        check, previous = checks[0], (checks[1] if len(checks) > 1 else None)
        changed = previous is None or list(previous.statuses) != list(check.statuses)
        if check.event or (changed and check.state != "pending" and previous is not None):
            out.append(PartnerChangeRow(p, check, previous))
    return out


def due_partners(session: Session, site_id: int, day: date, every_days: int) -> list[Partner]:
    """Active partners never checked, or whose last check is `every_days` or more days before `day`
    (the run-daily cadence). Counted in the days checks are recorded under, not in clock time: a
    job that starts a little earlier than last week's is still due, and a backfill with --date
    follows the days it records."""
    partners = site_partners(session, site_id)
    last = dict(
        session.exec(
            select(PartnerCheck.partner_id, func.max(PartnerCheck.day))
            .where(PartnerCheck.partner_id.in_([p.id for p in partners]), PartnerCheck.day <= day)
            .group_by(PartnerCheck.partner_id)
        ).all()
    ) if partners else {}
    return [p for p in partners if p.id not in last or (day - last[p.id]).days >= every_days]


def standing_of(partner: Partner) -> Standing:
    return Standing(
        state=partner.state, consecutive_failures=partner.consecutive_failures, first_seen=partner.first_seen,
        last_seen_ok=partner.last_seen_ok, since=partner.state_since, last_checked=partner.last_checked,
    )


def build_check(
    partner_id: int,
    day: date,
    checked_at: datetime,
    decision: Decision,
    fetch: Fetch,
    analysis: PageAnalysis | None,
) -> PartnerCheck:
    """The row for one check (its standing fields are filled by `PartnerOutcome.save`)."""
    facts: dict[str, Any] = {}
    if analysis is not None:
        facts = {
            "meta_robots": {m.name: m.content for m in analysis.meta_robots},
            "x_robots_tag": list(analysis.x_robots_tag),
            "canonical": analysis.canonical,
            "home_page": analysis.home_page,
            "links_total": len(analysis.links),
            "decode_errors": analysis.decode_errors,
        }
    link = None
    if decision.link is not None:
        link = decision.link.to_dict()
        link["markup"] = decision.link.markup
    return PartnerCheck(
        partner_id=partner_id, day=day, checked_at=checked_at, status=decision.status,
        statuses=list(decision.statuses), evidence=[e.to_dict() for e in decision.evidence],
        transient=decision.transient, state="", url=fetch.url, final_url=fetch.final_url,
        http_status=fetch.status, redirects=list(fetch.redirects), response_ms=fetch.elapsed_ms,
        failure=fetch.failure, failure_detail=fetch.failure_detail, attempts=fetch.attempts,
        encoding=analysis.encoding if analysis else None, title=analysis.title if analysis else None,
        outbound_links=analysis.outbound_links if analysis else None, links_to_us=decision.links_to_us,
        link=link, found_on=decision.found_on, page_facts=facts, reciprocal=decision.reciprocal,
        reciprocal_detail=decision.reciprocal_evidence, notes=list(decision.notes),
    )


@dataclass
class PartnerOutcome:
    """One decided partner check, stored with the standing it leads to in one transaction."""

    check: PartnerCheck
    failed: bool
    link_found: bool
    failures_before_lost: int = 2
    extra: dict[str, Any] = field(default_factory=dict)  # more fields for the progress event

    def save(self, session: Session) -> dict[str, Any]:
        partner = session.get(Partner, self.check.partner_id)
        if partner is None:
            raise LookupError(f"partner {self.check.partner_id} is not in the store")
        transition = advance(
            standing_of(partner), failed=self.failed, transient=self.check.transient, link_found=self.link_found,
            now=self.check.checked_at, failures_before_lost=self.failures_before_lost,
        )
        s = transition.standing
        partner.state, partner.state_since = s.state, s.since
        partner.consecutive_failures = s.consecutive_failures
        partner.first_seen, partner.last_seen_ok, partner.last_checked = s.first_seen, s.last_seen_ok, s.last_checked
        self.check.state = s.state or ""
        self.check.consecutive_failures = s.consecutive_failures
        self.check.event = transition.event
        session.add(self.check)
        session.flush()
        return {
            "event": "partner", "partner_id": partner.id, "page": partner.page, "status": self.check.status,
            "statuses": list(self.check.statuses), "state": s.state, "failures": s.consecutive_failures,
            "change": transition.event, "check_id": self.check.id, **self.extra,
        }
