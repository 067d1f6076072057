"""The report over a stored multi-day history: categories where expected, metrics, and day-D purity."""

from datetime import date, datetime, timedelta, timezone

import pytest

from seowatch.config import KeywordSpec, ReportConfig, SiteConfig
from seowatch.keywords.normalize import normalize
from seowatch.reports.build import build_report
from seowatch.reports.model import CONFIRMED, LOST, NEW, UNKNOWN, URL_CHANGED, WATCHING
from seowatch.store.database import session_scope
from seowatch.store.models import RankCheck, SerpResult
from seowatch.store.ranks import CheckOutcome, ensure_site, save_check, sync_keywords

D1 = date(2026, 11, 20)
NOW = datetime(2026, 11, 25, tzinfo=timezone.utc)
SITE = SiteConfig(domain="example.com", engines=("baidu",), competitors=("rival.cn",))



def put(s, kw_id, day, pos=None, status=None, url="https://www.example.com/a", rival=None, reason=None, at=None):
    status = status or ("ranked" if pos else "not_ranked")
    check = RankCheck(keyword_id=kw_id, engine="baidu", device="desktop", day=day, status=status,
                      position=pos if status == "ranked" else None, page=((pos - 1) // 10 + 1) if pos else None,
                      url=url if status == "ranked" else None, depth=50, depth_scanned=50 if status != "unknown" else 0,
                      pages_fetched=5, unknown_reason=reason, fetched_at=at or datetime.combine(day, datetime.min.time(), timezone.utc))
    results = []
    if status != "unknown":
        for p in range(1, 21):
            if p == pos:
                results.append(SerpResult(page_no=1, kind="organic", position=p, url=url, domain="example.com", owner="site"))
            elif p == rival:
                results.append(SerpResult(page_no=1, kind="organic", position=p, url="https://rival.cn/x",
                                          domain="rival.cn", owner="competitor", owner_name="rival.cn", title="Rival"))
            else:
                results.append(SerpResult(page_no=1, kind="organic", position=p, url=f"https://f{p}.cn/", domain=f"f{p}.cn",
                                          title=f"Filler {p}"))
    save_check(s, CheckOutcome(check, [], results))


@pytest.fixture
def store(db_engine):
    with session_scope(db_engine) as s:
        site = ensure_site(s, "example.com")
        specs = [KeywordSpec(keyword="整合营销", volume=1000)] + [
            KeywordSpec(keyword=k) for k in ("网络营销", "SEO优化", "短视频营销", "品牌策划")]
        kws = sync_keywords(s, site, specs, normalize).keywords
        a, b, c, d, e = (k.id for k in kws)
        for i in range(3):  # three stable days
            day = D1 + timedelta(days=i)
            put(s, a, day, 3, rival=5)
            put(s, b, day, 8)
            put(s, c, day, 15)
            put(s, d, day, None)
            put(s, e, day, 6)
        day4 = D1 + timedelta(days=3)
        put(s, a, day4, 12, rival=3)  # drop, seen once
        put(s, b, day4, status="unknown", reason="captcha")
        put(s, c, day4, 6)
        put(s, d, day4, 9)  # new
        put(s, e, day4, 6, url="https://www.example.com/other")  # landing page swap
        day5 = D1 + timedelta(days=4)
        put(s, a, day5, 13, rival=3)  # the drop holds: confirmed
        put(s, b, day5, None)  # lost (last known 8, two days ago)
        put(s, c, day5, 6)
        put(s, d, day5, 9)
        put(s, e, day5, 6, url="https://www.example.com/other")
    return site.id, {"a": a, "b": b, "c": c, "d": d, "e": e}


def _rows(report):
    return {r.keyword: r for r in report.rows}


def test_day_four_lists_watching_unknown_new_and_url_change(db_engine, store):
    site_id, _ = store
    with session_scope(db_engine) as s:
        rep = build_report(s, SITE, site_id, D1 + timedelta(days=3), ReportConfig(), NOW)
    rows = _rows(rep)
    assert rows["整合营销"].drop == WATCHING and rows["整合营销"].change == -9
    assert rows["整合营销"].taken_by.domain == "rival.cn"  # now at our old position 3
    assert rows["网络营销"].categories == (UNKNOWN,) and rows["网络营销"].drop is None
    assert NEW in rows["短视频营销"].categories
    assert URL_CHANGED in rows["品牌策划"].categories
    assert rep.confirmed_drops == []
    assert rep.metrics.unknown == 1 and rep.metrics.unknown_reasons == {"captcha": 1}
    assert rep.metrics.checked == 4 and rep.metrics.tracked == 5


def test_day_five_confirms_the_drop_and_reports_the_loss_without_comparing_the_unknown_day(db_engine, store):
    site_id, _ = store
    with session_scope(db_engine) as s:
        rep = build_report(s, SITE, site_id, D1 + timedelta(days=4), ReportConfig(), NOW)
    rows = _rows(rep)
    a = rows["整合营销"]
    assert a.drop == CONFIRMED and a.baseline.position == 3 and a.today.position == 13
    assert a.taken_by.domain == "rival.cn" and a.since == D1 + timedelta(days=3)
    b = rows["网络营销"]
    assert LOST in b.categories and b.baseline.position == 8 and b.baseline.day == D1 + timedelta(days=2)
    assert b.drop == WATCHING  # one observation of the loss so far
    assert rows["短视频营销"].categories == ()  # already new yesterday
    assert [r.keyword for r in rep.confirmed_drops] == ["整合营销"]
    assert rep.share_of_voice["rival.cn"]["theirs"] > 0
    assert len(rows["整合营销"].history) == 5


def test_visibility_and_average_position(db_engine, store):
    site_id, _ = store
    with session_scope(db_engine) as s:
        rep = build_report(s, SITE, site_id, D1, ReportConfig(), NOW)
    m = rep.metrics
    assert (m.ranked, m.top3, m.top10, m.average_position) == (4, 1, 3, 8.0)
    assert 0 < m.visibility < 100
    assert [p.day for p in rep.trend] == [D1]


def test_a_past_report_is_rebuilt_exactly_after_new_data_arrives(db_engine, store):
    site_id, ids = store
    day4 = D1 + timedelta(days=3)
    with session_scope(db_engine) as s:
        before = build_report(s, SITE, site_id, day4, ReportConfig(), NOW)
    with session_scope(db_engine) as s:
        put(s, ids["a"], D1 + timedelta(days=5), 1)
    with session_scope(db_engine) as s:
        after = build_report(s, SITE, site_id, day4, ReportConfig(), NOW)
    assert before == after
