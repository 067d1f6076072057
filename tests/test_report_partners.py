"""Partner changes in the report (SQLite and PostgreSQL): the changes since the last report, the history
rule respected, and the HTML and Markdown showing them beside the rank drops of the same day."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

import pytest

from seowatch.config import ReportConfig, SiteConfig
from seowatch.crawlers.backlinks import analyse_page
from seowatch.crawlers.partnerstatus import Fetch, PartnerTarget, decide
from seowatch.keywords.normalize import normalize
from seowatch.reports.build import build_report
from seowatch.reports.partner_changes import evidence_lines, partner_news, reportable
from seowatch.reports.render_html import render_html
from seowatch.reports.render_markdown import render_markdown, summary
from seowatch.store.database import session_scope
from seowatch.store.models import RankCheck, SerpResult
from seowatch.store.partners import PartnerOutcome, build_check, sync_partners
from seowatch.store.ranks import CheckOutcome, ensure_site, save_check, sync_keywords

OURS = "www.yingxiao-demo.cn"
TARGET = f"http://{OURS}/zhenghe/"
D1, D2, D3, D4, D5 = (date(2026, 11, 20) + timedelta(days=i) for i in range(5))
A, B, C = "http://a.cn/links.html", "http://b.cn/links.html", "http://c.cn/links.html"


@dataclass
class PartnerSpec:
    page: str
    target: str | None = None
    anchor: str | None = None
    our_page: str | None = None
    note: str | None = None
    contact: str | None = None


@dataclass
class KeywordSpec:
    keyword: str
    volume: int | None = None
    group: str | None = None
    tags: tuple = ()
    engines: tuple = ()
    target: str | None = None


def linked(anchor: str = "整合营销") -> bytes:
    return f'<html><body><a href="http://other.cn/">x</a><a href="{TARGET}">{anchor}</a></body></html>'.encode()


GONE = b'<html><body><a href="http://other.cn/">x</a></body></html>'


def check(db_engine, partner, day: date, body: bytes | None, status: int = 200) -> None:
    """One partner check through the real decision and the store's standing rule (2 failures before lost)."""
    spec = PartnerTarget(partner.page, OURS, target=partner.target, anchor=partner.anchor)
    fetch = Fetch(spec.page, spec.page, status, elapsed_ms=30)
    analysis = analyse_page(body, spec.page, None, targets=[OURS]) if status == 200 else None
    decision = decide(spec, fetch, analysis)
    when = datetime.combine(day, datetime.min.time(), timezone.utc) + timedelta(hours=3)
    with session_scope(db_engine) as s:
        PartnerOutcome(build_check(partner.id, day, when, decision, fetch, analysis), failed=decision.failed,
                       link_found=decision.link is not None).save(s)


def rank(db_engine, keyword_id: int, day: date, position: int) -> None:
    with session_scope(db_engine) as s:
        check = RankCheck(keyword_id=keyword_id, engine="baidu", device="desktop", day=day, status="ranked",
                          position=position, page=(position - 1) // 10 + 1, url=TARGET, depth=50, depth_scanned=50,
                          pages_fetched=5, fetched_at=datetime.combine(day, datetime.min.time(), timezone.utc))
        results = [SerpResult(page_no=1, kind="organic", position=p, url=TARGET if p == position else f"http://r{p}.cn/",
                              domain=OURS if p == position else f"r{p}.cn", owner="site" if p == position else None)
                   for p in range(1, 21)]
        save_check(s, CheckOutcome(check, [], results))


@pytest.fixture
def story(db_engine):
    """Rank checks on D1, D2 and D4 (整合营销 3 -> 12 on D2); partner checks on D1..D5:
    A loses our link on D2 and gets it back on D4; B answers 503 from D2 (pending, lost on D3 at the
    second failure) and recovers on D5; C changes the anchor on D2 (a warning)."""
    with session_scope(db_engine) as s:
        site = ensure_site(s, OURS)
        kw = sync_keywords(s, site, [KeywordSpec("整合营销", 1000)], normalize).keywords[0]
        synced = sync_partners(s, site, [PartnerSpec(A, target=TARGET, anchor="整合营销", contact="QQ 10001"),
                                         PartnerSpec(B, anchor="整合营销"), PartnerSpec(C, anchor="整合营销")])
        a, b, c = synced.partners
        for p in (a, b, c):
            s.expunge(p)
    for day, pos in ((D1, 3), (D2, 12), (D4, 12)):
        rank(db_engine, kw.id, day, pos)
    plan = [
        (a, {D1: linked(), D2: GONE, D4: linked()}),
        (b, {D1: linked(), D2: None, D3: None, D4: None, D5: linked()}),
        (c, {D1: linked(), D2: linked("别的词"), D3: linked("别的词")}),
    ]
    for day in (D1, D2, D3, D4, D5):
        for partner, days in plan:
            if day in days:
                body = days[day]
                check(db_engine, partner, day, body, 200 if body is not None else 503)
    return site, kw


def news(db_engine, site, day):
    with session_scope(db_engine) as s:
        return partner_news(s, site.id, day)


def test_first_report_lists_its_own_day_only(db_engine, story):
    site, _ = story
    got = news(db_engine, site, D1)
    assert got.changes == [] and got.lost_links == []  # first checks that find the link are no change


def test_changes_since_the_last_report_for_the_worse(db_engine, story):
    site, _ = story
    got = news(db_engine, site, D2)
    by_page = {c.page: c for c in got.changes}
    assert set(by_page) == {A, C}  # B's first 503 is pending: not news yet
    a = by_page[A]
    assert (a.statuses, a.previous, a.day, a.target) == (("link_missing",), ("ok",), D2, TARGET)
    assert a.evidence[0].startswith("no link to www.yingxiao-demo.cn among the 1 links of the page (HTTP 200)")
    assert f"our link was last seen working on {D1.isoformat()}" in a.evidence
    c = by_page[C]
    assert c.statuses == ("anchor_changed",) and c.previous == ("ok",)
    assert any('anchor "别的词", agreed "整合营销"' in e for e in c.evidence)
    # Only a link that stopped passing value becomes a partner_link_lost suggestion (a warning does not).
    (lost,) = got.lost_links
    assert (lost.partner_page, lost.our_url, lost.last_seen_ok, lost.contact) == (A, TARGET, D1, "QQ 10001")


def test_a_transient_failure_is_news_only_once_it_persists(db_engine, story):
    site, _ = story
    # The previous report day of D4 is D2 (no rank checks on D3): D3's and D4's partner checks count.
    got = news(db_engine, site, D4)
    by_page = {c.page: c for c in got.changes}
    assert set(by_page) == {A, B}  # C's anchor is still changed: no new change
    b = by_page[B]
    assert b.day == D3 and b.statuses == ("http_error",) and b.consecutive_failures == 2
    assert b.previous == ("ok",)  # the standing before the failures, not the pending 503
    assert f"failed 2 checks in a row (the first on {D2.isoformat()})" in b.evidence
    a = by_page[A]
    assert (a.statuses, a.previous, a.day) == (("ok",), ("link_missing",), D4)  # recovered
    assert [link.partner_page for link in got.lost_links] == [B]
    assert got.lost_links[0].our_url == TARGET  # no agreed target: where its link pointed when last seen
    # B recovers on D5: a check after the report's day is not read.
    assert all(c.day <= D4 for c in got.changes)
    assert [(c.page, c.statuses) for c in news(db_engine, site, D5).changes] == [(B, ("ok",))]


def test_reportable_rule():
    assert reportable(("link_missing",), ("ok",), "lost", "lost")
    assert reportable(("ok",), ("link_missing",), "recovered", "ok")
    assert not reportable(("http_error",), ("ok",), None, "pending")
    assert reportable(("nofollow", "link_missing"), ("nofollow",), None, "lost")  # worse while lost
    assert not reportable(("nofollow",), ("nofollow", "hidden"), None, "lost")  # better, still lost: no news
    assert reportable(("ok",), ("anchor_changed",), None, "ok")  # the agreed anchor is back
    assert not reportable(("ok",), None, None, "ok")  # a first check


def test_evidence_lines_keep_the_tag_and_cut_long_snippets():
    lines = evidence_lines([{"status": "nofollow", "text": 'rel="nofollow" on our link',
                             "snippet": '<a href="http://x.cn/" rel="nofollow">整合营销</a>'},
                            {"status": "hidden", "text": "hidden", "snippet": "<div>" + "很长" * 400 + "</div>"}])
    assert lines[0] == 'rel="nofollow" on our link: <a href="http://x.cn/" rel="nofollow">整合营销</a>'
    assert len(lines[1]) < 320 and lines[1].endswith("…")


def _report(db_engine, site, day):
    site_cfg = SiteConfig(domain="yingxiao-demo.cn", name="营销demo", keywords=["整合营销"])
    now = datetime(2026, 11, 25, tzinfo=timezone.utc)
    with session_scope(db_engine) as s:
        return build_report(s, site_cfg, site.id, day, ReportConfig(), now, partners=partner_news(s, site.id, day).changes)


def _section(page: str, anchor: str) -> str:
    m = re.search(rf'<section id="{anchor}".*?</section>', page, re.S)
    assert m, anchor
    return m.group(0)


def test_html_and_markdown_show_partners_beside_the_drops_of_the_same_day(db_engine, story):
    site, _ = story
    rep = _report(db_engine, site, D2)
    html = _section(render_html(rep), "partners")
    row = re.search(r"<tr><td[^>]*>[^<]*<a[^>]*>a\.cn/links\.html</a>.*?</tr>", html, re.S).group(0)
    assert "link missing" in row and "整合营销 · baidu (3 → 12 (▼9))" in row and D2.isoformat() in row
    assert f"our link was last seen working on {D1.isoformat()}" in row
    c_row = re.search(r"<tr><td[^>]*><a[^>]*>c\.cn/links\.html</a>.*?</tr>", html, re.S).group(0)
    assert "anchor changed" in c_row and "整合营销 · baidu" in c_row  # same day, same drop
    md = render_markdown(rep)
    line = next(x for x in md.splitlines() if x.startswith("- http://a.cn/links.html"))
    assert f"**link missing** (was ok) on {D2.isoformat()}" in line
    assert "rank drops that day: 整合营销 · baidu (3 → 12 (▼9))" in line
    # D4: B was lost on D3 and A recovered on D4, days without a new drop: nothing beside them.
    rep4 = _report(db_engine, site, D4)
    html4 = _section(render_html(rep4), "partners")
    assert "2 failures in a row" in html4 and '<span class="good"><span class="status">ok</span></span>' in html4
    assert "rank drops that day: " not in render_markdown(rep4)
    assert "**Partners:** 1 link(s) changed for the worse (http error), 1 recovered" in summary(rep4)
