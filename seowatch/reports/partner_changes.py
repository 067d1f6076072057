"""Partner link changes since the last report: for the worse, or recovered, each with its evidence.

The report of day D lists the partner checks made after the previous report's day (the latest day
with rank checks before D) and up to D; the first report lists D's checks only. A check is listed
when the partner history (seowatch.crawlers.partnerhistory) flipped the partner lost or recovered,
or when a partner that is not pending gained a status (ok -> anchor_changed, nofollow -> link
missing) or came back to plain ok. A transient failure (unreachable, 5xx) is never listed while it
is pending: it becomes news only when it has persisted long enough to make the partner lost.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlmodel import Session, select

from seowatch.crawlers.partnerhistory import EVENT_LOST, EVENT_RECOVERED, STATE_PENDING
from seowatch.crawlers.partnerstatus import OK, WARNINGS
from seowatch.reports.model import PartnerChange
from seowatch.store.models import Partner, PartnerCheck
from seowatch.store.partners import partner_changes
from seowatch.store.ranks import latest_day

HISTORY_LIMIT = 40  # checks read back to find the last standing before a change (failures_before_lost <= 30)
SNIPPET_CHARS = 300


@dataclass(frozen=True)
class LostLink:
    """A partner link to our site that stopped passing value since the last report (for suggestions)."""

    partner_page: str
    our_url: str | None  # the agreed target, else the URL the link pointed to when last seen
    statuses: tuple[str, ...]
    day: date
    evidence: tuple[str, ...]
    last_seen_ok: date | None = None
    contact: str | None = None


@dataclass(frozen=True)
class PartnerNews:
    changes: list[PartnerChange]
    lost_links: list[LostLink]


def failing(statuses: Sequence[str]) -> bool:
    """The swap lost its value: a status other than ok and the warnings (anchor_changed, wrong_target)."""
    return any(s != OK and s not in WARNINGS for s in statuses)


def reportable(statuses: Sequence[str], previous: Sequence[str] | None, event: str | None, state: str) -> bool:
    """Whether a check that changed the partner's statuses is news: lost, recovered, a new problem, or
    back to plain ok. `previous` are the statuses of the last check that was not pending (None: none)."""
    if event in (EVENT_LOST, EVENT_RECOVERED):
        return True
    if state == STATE_PENDING or previous is None:
        return False
    gained = [s for s in statuses if s != OK and s not in previous]
    return bool(gained) or (tuple(statuses) == (OK,) and tuple(previous) != (OK,))


def evidence_lines(evidence: Sequence[dict[str, Any]]) -> list[str]:
    """A stored check's evidence as lines: what holds, then the tag or header that shows it."""
    out = []
    for e in evidence:
        text = str(e.get("text") or e.get("status") or "").strip()
        snippet = " ".join(str(e.get("snippet") or "").split())
        if len(snippet) > SNIPPET_CHARS:
            snippet = snippet[:SNIPPET_CHARS - 1] + "…"
        if snippet and snippet not in text:
            text = f"{text}: {snippet}" if text else snippet
        if text:
            out.append(text)
    return out


def previous_report_day(session: Session, site_id: int, run_date: date) -> date | None:
    """The day of the previous report: the latest day with rank checks before `run_date`."""
    return latest_day(session, site_id, run_date - timedelta(days=1))


def _partner_check_days(session: Session, site_id: int, after: date | None, up_to: date) -> list[date]:
    q = (select(PartnerCheck.day).join(Partner, Partner.id == PartnerCheck.partner_id)
         .where(Partner.site_id == site_id, PartnerCheck.day <= up_to))
    q = q.where(PartnerCheck.day > after) if after is not None else q.where(PartnerCheck.day == up_to)
    return sorted(set(session.exec(q.distinct())))


def _before(session: Session, check: PartnerCheck) -> list[PartnerCheck]:
    """The partner's checks before `check`, newest first (a bounded read)."""
    return list(session.exec(
        select(PartnerCheck).where(PartnerCheck.partner_id == check.partner_id, PartnerCheck.id < check.id)
        .order_by(PartnerCheck.id.desc()).limit(HISTORY_LIMIT)
    ))


def partner_news(session: Session, site_id: int, run_date: date) -> PartnerNews:
    """The partner changes a report of `run_date` lists, oldest first, and the links among them that
    stopped passing value. Only checks up to `run_date` are read."""
    after = previous_report_day(session, site_id, run_date)
    changes: list[PartnerChange] = []
    lost: list[LostLink] = []
    for day in _partner_check_days(session, site_id, after, run_date):
        for row in partner_changes(session, site_id, day):
            check, partner = row.check, row.partner
            history = _before(session, check)
            standing = next((c for c in history if c.state != STATE_PENDING), None)
            previous = tuple(standing.statuses) if standing is not None else None
            statuses = tuple(check.statuses)
            if not reportable(statuses, previous, check.event, check.state):
                continue
            last_ok = next((c for c in history if not failing(c.statuses)), None)
            linked = (last_ok.link or {}).get("url") if last_ok is not None else None
            evidence = evidence_lines(check.evidence)
            if failing(statuses) and last_ok is not None:
                evidence.append(f"our link was last seen working on {last_ok.day.isoformat()}")
            n = check.consecutive_failures
            if n > 1 and check.transient:
                first = f" (the first on {history[n - 2].day.isoformat()})" if len(history) >= n - 1 else ""
                evidence.append(f"failed {n} checks in a row{first}")
            changes.append(PartnerChange(
                page=partner.page, statuses=statuses, previous=previous or (), day=check.day,
                evidence=tuple(evidence), target=partner.target,
                consecutive_failures=check.consecutive_failures,
            ))
            if failing(statuses):
                lost.append(LostLink(
                    partner_page=partner.page, our_url=partner.target or linked, statuses=statuses, day=check.day,
                    evidence=tuple(evidence), last_seen_ok=last_ok.day if last_ok is not None else None,
                    contact=partner.contact,
                ))
    return PartnerNews(changes, lost)
