"""The partner store on SQLite and PostgreSQL: config sync, every check kept, standing updated in one
transaction, latest checks, the weekly cadence."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

import pytest

from seowatch.crawlers.backlinks import analyse_page
from seowatch.crawlers.partnerstatus import Fetch, PartnerTarget, decide
from seowatch.store.database import session_scope
from seowatch.store.models import Partner, PartnerCheck
from seowatch.store.partners import (
    PartnerOutcome,
    build_check,
    due_partners,
    latest_checks,
    partner_history,
    site_partners,
    sync_partners,
)
from seowatch.store.ranks import ensure_site

T0 = datetime(2026, 11, 2, 3, tzinfo=timezone.utc)
OURS = "www.yingxiao-demo.cn"


@dataclass
class Spec:
    page: str
    target: str | None = None
    anchor: str | None = None
    our_page: str | None = None
    note: str | None = None
    contact: str | None = None


@pytest.fixture
def partners(db_engine):
    with session_scope(db_engine) as s:
        site = ensure_site(s, OURS)
        sync = sync_partners(s, site, [Spec("http://a.cn/links.html", anchor="整合营销", contact="QQ 10001"),
                                       Spec("http://b.cn/"), Spec("http://a.cn/links.html", anchor="dup")])
    return site, sync


def outcome(partner_id, body: bytes | None, when: datetime, status: int = 200, failure: str | None = None, n: int = 2):
    spec = PartnerTarget("http://a.cn/links.html", OURS, anchor="整合营销")
    fetch = Fetch(spec.page, spec.page if failure is None else None, None if failure else status, failure=failure,
                  elapsed_ms=None if failure else 40)
    analysis = analyse_page(body, spec.page, None, targets=[OURS]) if body is not None and status == 200 else None
    decision = decide(spec, fetch, analysis)
    check = build_check(partner_id, when.date(), when, decision, fetch, analysis)
    return PartnerOutcome(check, failed=decision.failed, link_found=decision.link is not None, failures_before_lost=n)


LINKED = f'<a href="http://{OURS}/">整合营销</a>'.encode()
GONE = b'<a href="http://other.cn/">x</a>'


def test_sync_adds_updates_and_deactivates_keeping_history(db_engine, partners):
    site, sync = partners
    assert [p.page for p in sync.partners] == ["http://a.cn/links.html", "http://b.cn/"]
    assert sync.duplicates == ["http://a.cn/links.html"]
    a = sync.partners[0]
    assert (a.anchor, a.contact) == ("整合营销", "QQ 10001")
    with session_scope(db_engine) as s:
        s.add(PartnerCheck(partner_id=a.id, day=T0.date(), checked_at=T0, status="ok", state="ok", url=a.page))
    with session_scope(db_engine) as s:
        again = sync_partners(s, site, [Spec("http://a.cn/links.html", anchor="新锚文本")])
        assert again.deactivated == ["http://b.cn/"]
        assert [p.anchor for p in site_partners(s, site.id)] == ["新锚文本"]
        assert len(site_partners(s, site.id, active_only=False)) == 2
        assert len(partner_history(s, a.id)) == 1


def test_checks_are_all_kept_and_standing_follows_the_rule(db_engine, partners):
    _, sync = partners
    pid = sync.partners[0].id
    events = []
    steps = [(LINKED, 200, None), (None, 503, None), (None, None, "timeout"), (LINKED, 200, None), (GONE, 200, None)]
    for i, (body, status, failure) in enumerate(steps):
        with session_scope(db_engine) as s:
            events.append(outcome(pid, body, T0 + timedelta(days=7 * i), status or 200, failure).save(s))
    assert [(e["status"], e["state"], e["failures"], e["change"]) for e in events] == [
        ("ok", "ok", 0, None),
        ("http_error", "pending", 1, None),
        ("unreachable", "lost", 2, "lost"),
        ("ok", "ok", 0, "recovered"),
        ("link_missing", "lost", 1, "lost"),
    ]
    with session_scope(db_engine) as s:
        history = partner_history(s, pid)
        assert [c.status for c in history] == ["link_missing", "ok", "unreachable", "http_error", "ok"]
        assert [c.transient for c in history] == [False, False, True, True, False]
        assert history[0].evidence[0]["status"] == "link_missing"
        assert history[-1].link["anchor"] == "整合营销" and history[-1].response_ms == 40
        assert history[2].failure == "timeout"
        p = s.get(Partner, pid)
        assert p.state == "lost" and p.consecutive_failures == 1
        assert p.first_seen == T0 and p.last_seen_ok == T0 + timedelta(days=21)
        assert p.state_since == T0 + timedelta(days=28) and p.last_checked == T0 + timedelta(days=28)
        latest = latest_checks(s, [pid, sync.partners[1].id])
        assert list(latest) == [pid] and latest[pid].status == "link_missing"


def test_failures_before_lost_comes_with_the_outcome(db_engine, partners):
    _, sync = partners
    pid = sync.partners[0].id
    states = []
    for i in range(3):
        with session_scope(db_engine) as s:
            states.append(outcome(pid, None, T0 + timedelta(days=i), 503, n=3).save(s)["state"])
    assert states == ["pending", "pending", "lost"]


def test_due_partners_every_n_days(db_engine, partners):
    site, sync = partners
    a, b = sync.partners
    with session_scope(db_engine) as s:
        outcome(a.id, LINKED, T0).save(s)
    with session_scope(db_engine) as s:
        assert [p.page for p in due_partners(s, site.id, T0.date() + timedelta(days=1), 7)] == ["http://b.cn/"]
        assert [p.page for p in due_partners(s, site.id, T0.date() + timedelta(days=6), 7)] == ["http://b.cn/"]
        # counted in recorded days: a job starting earlier in the day than last week's still finds it due
        assert {p.page for p in due_partners(s, site.id, T0.date() + timedelta(days=7), 7)} == {
            "http://a.cn/links.html", "http://b.cn/"}
        assert [p.page for p in due_partners(s, site.id, T0.date() + timedelta(days=1), 1)] == [
            "http://a.cn/links.html", "http://b.cn/"]


def test_a_check_for_an_unknown_partner_is_refused(db_engine, partners):
    with session_scope(db_engine) as s, pytest.raises(LookupError):
        outcome(99999, LINKED, T0).save(s)


def test_day_is_stored(db_engine, partners):
    _, sync = partners
    with session_scope(db_engine) as s:
        outcome(sync.partners[0].id, LINKED, T0).save(s)
    with session_scope(db_engine) as s:
        (c,) = partner_history(s, sync.partners[0].id)
        assert c.day == date(2026, 11, 2)


def test_partner_changes_of_a_day(db_engine, partners):
    from seowatch.store.partners import partner_changes

    site, sync = partners
    pid = sync.partners[0].id
    days = [T0 + timedelta(days=i) for i in range(4)]
    steps = [(LINKED, 200), (None, 503), (GONE, 200), (LINKED, 200)]
    for when, (body, status) in zip(days, steps):
        with session_scope(db_engine) as s:
            outcome(pid, body, when, status).save(s)
    with session_scope(db_engine) as s:
        def changes(when):
            return [(c.check.status, c.check.event, c.previous.status if c.previous else None)
                    for c in partner_changes(s, site.id, when.date())]

        assert changes(days[0]) == []  # a first ok check is no change
        assert changes(days[1]) == []  # one 503: pending, not yet a change
        assert changes(days[2]) == [("link_missing", "lost", "http_error")]
        assert changes(days[3]) == [("ok", "recovered", "link_missing")]
        assert changes(days[3] + timedelta(days=1)) == []
