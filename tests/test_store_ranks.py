"""The rank store on SQLite and PostgreSQL: one check per key and day, history kept, unknowns skipped."""

from datetime import date, datetime, timezone

import pytest
from sqlmodel import select

from seowatch.config import KeywordSpec
from seowatch.keywords.normalize import normalize
from seowatch.store.database import current_revision, session_scope
from seowatch.store.models import Keyword, RankCheck, SerpPageRecord, SerpResult
from seowatch.store.ranks import (
    CheckOutcome,
    checks_on,
    ensure_site,
    previous_known,
    remember_link,
    resolved_links,
    save_check,
    sync_keywords,
)

NOW = datetime(2026, 11, 24, 8, tzinfo=timezone.utc)



def outcome(kw_id, day, status, position=None, reason=None, n_results=3):
    check = RankCheck(keyword_id=kw_id, engine="baidu", device="desktop", day=day, status=status,
                      position=position, depth=50, depth_scanned=50, pages_fetched=1,
                      unknown_reason=reason, fetched_at=NOW)
    pages = [SerpPageRecord(page_no=1, url="https://www.baidu.com/s?wd=x", fetched_at=NOW)]
    results = [SerpResult(page_no=1, kind="organic", position=i + 1, url=f"https://s{i}.cn/") for i in range(n_results)]
    return CheckOutcome(check, pages, results)


@pytest.fixture
def site_and_keyword(db_engine):
    with session_scope(db_engine) as s:
        site = ensure_site(s, "example.com")
        sync = sync_keywords(s, site, [KeywordSpec(keyword="整合营销")], normalize)
    return site, sync.keywords[0]


def test_schema_is_migrated(db_engine):
    assert current_revision(db_engine) is not None


def test_rerun_same_day_replaces_the_check_and_its_results(db_engine, site_and_keyword):
    site, kw = site_and_keyword
    day = date(2026, 11, 24)
    with session_scope(db_engine) as s:
        save_check(s, outcome(kw.id, day, "ranked", 3, n_results=3))
    with session_scope(db_engine) as s:
        save_check(s, outcome(kw.id, day, "ranked", 5, n_results=2))
    with session_scope(db_engine) as s:
        checks = s.exec(select(RankCheck)).all()
        assert [(c.day, c.position) for c in checks] == [(day, 5)]
        assert len(s.exec(select(SerpResult)).all()) == 2
        assert len(s.exec(select(SerpPageRecord)).all()) == 1


def test_a_failed_write_leaves_the_previous_check_intact(db_engine, site_and_keyword):
    site, kw = site_and_keyword
    day = date(2026, 11, 24)
    with session_scope(db_engine) as s:
        save_check(s, outcome(kw.id, day, "ranked", 3))
    broken = outcome(kw.id, day, "ranked", 9)
    broken.results.append(SerpResult(page_no=1, kind=None))  # NOT NULL violation mid-write
    with pytest.raises(Exception):
        with session_scope(db_engine) as s:
            save_check(s, broken)
    with session_scope(db_engine) as s:
        assert [c.position for c in s.exec(select(RankCheck)).all()] == [3]
        assert len(s.exec(select(SerpResult)).all()) == 3


def test_previous_known_skips_unknown_days(db_engine, site_and_keyword):
    site, kw = site_and_keyword
    with session_scope(db_engine) as s:
        save_check(s, outcome(kw.id, date(2026, 11, 22), "ranked", 4))
        save_check(s, outcome(kw.id, date(2026, 11, 23), "unknown", reason="captcha"))
        save_check(s, outcome(kw.id, date(2026, 11, 24), "ranked", 9))
    with session_scope(db_engine) as s:
        prev = previous_known(s, site.id, date(2026, 11, 24))
        (check,) = prev.values()
        assert (check.day, check.position) == (date(2026, 11, 22), 4)
        assert [c.status for _, c in checks_on(s, site.id, date(2026, 11, 23))] == ["unknown"]


def test_keyword_variants_are_folded_and_reported(db_engine):
    with session_scope(db_engine) as s:
        site = ensure_site(s, "example.com")
        sync = sync_keywords(s, site, [KeywordSpec(keyword="整合营销"), KeywordSpec(keyword="整合營銷"), KeywordSpec(keyword="整合 营销"), KeywordSpec(keyword="SEO优化")], normalize)
        assert [k.text for k in sync.keywords] == ["整合营销", "SEO优化"]
        assert sync.variants == [("整合營銷", "整合营销"), ("整合 营销", "整合营销")]
    with session_scope(db_engine) as s:
        sync = sync_keywords(s, site, [KeywordSpec(keyword="SEO优化")], normalize)
        assert sync.deactivated == ["整合营销"]


def test_a_keyword_keeps_its_row_while_its_attributes_follow_the_config(db_engine):
    with session_scope(db_engine) as s:
        site = ensure_site(s, "example.com")
        first = {k.text: k.id for k in sync_keywords(s, site, [KeywordSpec(keyword="整合营销"),
                                                               KeywordSpec(keyword="SEO优化")], normalize).keywords}
    with session_scope(db_engine) as s:  # dropped from the config: kept, inactive
        assert sync_keywords(s, site, [KeywordSpec(keyword="SEO优化")], normalize).deactivated == ["整合营销"]
    changed = KeywordSpec(keyword="整合營銷", group="营销", tags=("核心",), engines=("bing",), volume=880,
                          target="https://example.com/zhenghe/")
    with session_scope(db_engine) as s:  # back, written in traditional characters, with attributes
        sync = sync_keywords(s, site, [changed, KeywordSpec(keyword="SEO优化")], normalize)
        assert sync.deactivated == []
    with session_scope(db_engine) as s:
        rows = {k.normalized: k for k in s.exec(select(Keyword).where(Keyword.site_id == site.id))}
    assert {k.normalized: k.id for k in sync.keywords} == {"整合营销": first["整合营销"], "seo优化": first["SEO优化"]}
    back = rows["整合营销"]
    assert (back.text, back.group_name, back.tags, back.engines, back.volume, back.target, back.active) == (
        "整合營銷", "营销", ["核心"], ["bing"], 880, "https://example.com/zhenghe/", True)
    assert len(rows) == 2


def test_resolved_links_cache(db_engine):
    with session_scope(db_engine) as s:
        remember_link(s, "baidu", "http://www.baidu.com/link?url=a", "https://x.cn/", NOW)
        remember_link(s, "baidu", "http://www.baidu.com/link?url=a", "https://other.cn/", NOW)
    with session_scope(db_engine) as s:
        assert resolved_links(s, ["http://www.baidu.com/link?url=a", "http://www.baidu.com/link?url=b"]) == {
            "http://www.baidu.com/link?url=a": "https://x.cn/"
        }


def test_unknown_rerun_keeps_the_known_result_and_observations_accumulate(db_engine, site_and_keyword):
    from seowatch.store.ranks import observations_on

    site, kw = site_and_keyword
    day = date(2026, 11, 24)
    with session_scope(db_engine) as s:
        save_check(s, outcome(kw.id, day, "ranked", 12))
    with session_scope(db_engine) as s:
        kept = save_check(s, outcome(kw.id, day, "unknown", reason="captcha"))
        assert (kept.status, kept.position) == ("ranked", 12)
    with session_scope(db_engine) as s:
        save_check(s, outcome(kw.id, day, "ranked", 11))
    with session_scope(db_engine) as s:
        assert [(c.status, c.position) for c in s.exec(select(RankCheck)).all()] == [("ranked", 11)]
        obs = observations_on(s, [kw.id], day)[(kw.id, "baidu", "desktop")]
        assert [o.position for o in obs] == [12, 11]


def test_plain_rows_carry_every_column_of_their_tables():
    from dataclasses import fields

    from seowatch.store.ranks import CheckRow, PageRow, ResultRow

    for row, model in ((PageRow, SerpPageRecord), (ResultRow, SerpResult)):
        assert {f.name for f in fields(row)} == {c.key for c in model.__table__.columns} - {"id", "check_id"}
    assert {f.name for f in fields(CheckRow)} == {c.key for c in RankCheck.__table__.columns}


def test_a_batch_of_checks_is_stored_like_one_at_a_time(db_engine):
    from seowatch.store.ranks import save_checks

    with session_scope(db_engine) as s:
        site = ensure_site(s, "example.com")
        a, b, c = sync_keywords(s, site, [KeywordSpec(keyword="整合营销"), KeywordSpec(keyword="网络营销"), KeywordSpec(keyword="SEO优化")], normalize).keywords
    day = date(2026, 11, 24)
    with session_scope(db_engine) as s:
        save_check(s, outcome(a.id, day, "ranked", 3))
    with session_scope(db_engine) as s:
        stored = save_checks(s, [
            outcome(a.id, day, "unknown", reason="captcha"),  # keeps the known result of the day
            outcome(b.id, day, "ranked", 7, n_results=4),
            outcome(c.id, day, "not_ranked", n_results=2),
            outcome(b.id, day, "ranked", 6, n_results=1),  # the same key again: the later one wins
        ])
        assert [(x.status, x.position) for x in stored] == [("ranked", 3), ("ranked", 7), ("not_ranked", None),
                                                            ("ranked", 6)]
    with session_scope(db_engine) as s:
        rows = {(r.keyword_id, r.position) for r in s.exec(select(RankCheck)).all()}
        assert rows == {(a.id, 3), (b.id, 6), (c.id, None)}
        per_check = {}
        for r in s.exec(select(SerpResult)).all():
            per_check[r.check_id] = per_check.get(r.check_id, 0) + 1
        ids = {r.keyword_id: r.id for r in s.exec(select(RankCheck)).all()}
        assert per_check == {ids[a.id]: 3, ids[b.id]: 1, ids[c.id]: 2}
