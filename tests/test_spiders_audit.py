"""The audit spider against the sandbox's virtual hosts (proxy mode), stored on SQLite and PostgreSQL:
which pages are chosen, every finding recorded, and the changes between two days explained."""

from datetime import date, datetime, timezone

import pytest

from seowatch.config import KeywordSpec, PolitenessConfig
from seowatch.crawlers.auditchanges import audit_changes
from seowatch.crawlers.runner import run_child
from seowatch.crawlers.settings import crawl_settings
from seowatch.keywords.normalize import normalize
from seowatch.keywords.tokenize import TokenizerOptions
from seowatch.sandbox.server import SandboxServer
from seowatch.store.audits import audit_jobs, audits_on, previous_audits, url_hash
from seowatch.store.database import session_scope
from seowatch.store.models import KIND_AD, KIND_ORGANIC, RankCheck, SerpResult
from seowatch.store.ranks import CheckOutcome, ensure_site, save_check, sync_keywords
from tests.conftest import (
    AUDIT_BIG5,
    AUDIT_FIFTH,
    AUDIT_MOVED,
    AUDIT_NOWHERE,
    AUDIT_OURS,
    AUDIT_RIVAL,
    AUDIT_THIN,
)

DAY1, DAY2 = date(2026, 11, 23), date(2026, 11, 24)
NOW = datetime(2026, 11, 24, 8, tzinfo=timezone.utc)



def store_check(engine, kw, day, our_rank):
    """A ranked Baidu check as the SERP spider would store it (an ad and an asset included)."""
    order = [AUDIT_RIVAL, AUDIT_BIG5, AUDIT_MOVED, AUDIT_FIFTH]
    order.insert(our_rank - 1, AUDIT_OURS)
    results = [SerpResult(page_no=1, kind=KIND_AD, url="http://ad.rival-test.cn/landing", domain="rival-test.cn")]
    for pos, url in enumerate(order, start=1):
        owner = "site" if url == AUDIT_OURS else "competitor" if "rival-test" in url else None
        results.append(SerpResult(page_no=1, kind=KIND_ORGANIC, position=pos, url=url, owner=owner,
                                  owner_name="rival-test.cn" if owner == "competitor" else None, title=f"r{pos}"))
    results.insert(2, SerpResult(page_no=1, kind=KIND_ORGANIC, position=None, url=None, link="http://www.baidu.com/link?url=x"))
    check = RankCheck(keyword_id=kw.id, engine="baidu", device="desktop", day=day, status="ranked",
                      position=our_rank, url=AUDIT_OURS, owner_kind="site", depth=50, depth_scanned=20,
                      pages_fetched=2, fetched_at=NOW)
    with session_scope(engine) as s:
        save_check(s, CheckOutcome(check, [], results))


def run_audit(db_url, sandbox, jobs, day, tmp_path):
    spec = {
        "spider": "audit",
        "settings": crawl_settings(PolitenessConfig(proxies=(sandbox.url,), timeout=5), sorted({j.url for j in jobs}),
                                   fast=True, database_url=db_url, log_file=str(tmp_path / "crawl.log")),
        "spider_args": {"jobs": [j.to_dict() for j in jobs], "day": day.isoformat(),
                        "tokenizer": TokenizerOptions(str(tmp_path / "data"), user_words=("整合营销",)).to_dict(),
                        "retries": 1, "backoff": 0},
    }
    events = []
    code = run_child(spec, events.append)
    assert code == 0, (tmp_path / "crawl.log").read_text("utf-8")[-3000:] + repr(events)
    return [e for e in events if e.get("event") == "audit"]


@pytest.fixture
def keywords(db_engine):
    with session_scope(db_engine) as s:
        site = ensure_site(s, "ours-test.cn")
        synced = sync_keywords(s, site, [KeywordSpec(keyword="整合营销"), KeywordSpec(keyword="网络营销公司", target=AUDIT_NOWHERE)], normalize)
    return site, {k.text: k for k in synced.keywords}


def test_jobs_are_our_ranking_page_the_target_and_top_three_competitors(db_engine, keywords):
    site, kws = keywords
    store_check(db_engine, kws["整合营销"], DAY1, our_rank=3)
    with session_scope(db_engine) as s:
        jobs = audit_jobs(s, list(kws.values()), DAY1, ["baidu"], competitors=3)
    got = [(j.keyword, j.role, j.url, j.rank) for j in jobs]
    assert got == [
        ("整合营销", "ours", AUDIT_OURS, 3),
        ("整合营销", "competitor", AUDIT_RIVAL, 1),
        ("整合营销", "competitor", AUDIT_BIG5, 2),
        ("整合营销", "competitor", AUDIT_MOVED, 4),  # the ad, ours and the unresolved link are skipped
        ("网络营销公司", "target", AUDIT_NOWHERE, None),  # no check stored: its configured target
    ]
    assert jobs[1].owner_name == "rival-test.cn" and jobs[2].owner_name == "tw-test.com.tw"
    # A check later than the audit day is not used.
    with session_scope(db_engine) as s:
        assert audit_jobs(s, [kws["整合营销"]], date(2026, 11, 1), ["baidu"]) == []


def test_audit_records_every_finding_and_explains_the_next_day(db_engine, db_url, keywords, audit_scenario, tmp_path):
    site, kws = keywords
    kw = kws["整合营销"]
    store_check(db_engine, kw, DAY1, our_rank=3)
    with SandboxServer(audit_scenario, port=0) as sandbox:
        with session_scope(db_engine) as s:
            jobs = audit_jobs(s, list(kws.values()), DAY1, ["baidu"])
        events = run_audit(db_url, sandbox, jobs, DAY1, tmp_path)
        assert sorted(e["url"] for e in events) == sorted(j.url for j in jobs)

        with session_scope(db_engine) as s:
            rows = {r.url: r for r in audits_on(s, site.id, DAY1)}
        assert set(rows) == {AUDIT_OURS, AUDIT_RIVAL, AUDIT_BIG5, AUDIT_MOVED, AUDIT_NOWHERE}

        ours = rows[AUDIT_OURS]
        assert (ours.status, ours.final_url, ours.role, ours.engine, ours.rank) == (200, AUDIT_OURS, "ours", "baidu", 3)
        assert ours.title == "整合营销服务_整合营销方案策划与执行_测试营销"
        assert ours.description.startswith("测试营销提供整合营销服务")
        assert ours.h1 == ["整合营销服务"] and ours.h2 == ["整合营销方案包括什么", "为什么选择测试营销"]
        assert ours.canonical == AUDIT_OURS and not ours.noindex
        assert (ours.internal_links, ours.outbound_links) == (4, 2)
        assert (ours.images, ours.images_without_alt) == (2, 0)
        assert ours.structured_data == ["Organization", "Service"]
        assert ours.response_ms is not None and ours.response_ms >= 0
        # Script, comment and display:none text is not body text.
        assert 300 < ours.body_chars < 700 and ours.chinese_chars > 300
        cov = ours.coverage
        assert cov["tokens"] == ["整合营销"]
        assert all(cov["fields"][f]["phrase"] for f in ("title", "h1", "description", "lead", "body"))
        assert cov["phrase_count"] >= 6 and 0 < cov["density"] < 0.2
        assert ours.findings == []

        rival = rows[AUDIT_RIVAL]
        assert rival.encoding == "gb18030" and "鍼灸" in rival.description  # GBK-only bytes behind gb2312
        assert rival.structured_data == ["LocalBusiness"]
        assert (rival.images, rival.images_without_alt) == (3, 2)
        assert rival.h2 == ["整合营销推广", "整合营销案例"]
        codes = {f["code"] for f in rival.findings}
        assert {"title_too_long", "images_without_alt", "thin_content"} <= codes

        big5 = rows[AUDIT_BIG5]
        assert big5.encoding == "big5hkscs" and big5.title == "整合營銷是什麼？整合行銷入門指南"
        assert big5.h1 == [] and "h1_missing" in {f["code"] for f in big5.findings}
        # Traditional text covers the simplified keyword once normalized.
        assert big5.coverage["fields"]["title"]["phrase"] and big5.coverage["fields"]["body"]["phrase"]

        moved = rows[AUDIT_MOVED]
        assert (moved.status, moved.final_url, moved.redirects) == (200, AUDIT_THIN, [AUDIT_MOVED])
        assert {"redirected", "thin_content"} <= {f["code"] for f in moved.findings}

        nowhere = rows[AUDIT_NOWHERE]
        assert nowhere.status is None and nowhere.error and nowhere.role == "target"
        assert [f["code"] for f in nowhere.findings] == ["unreachable"]

        # Day 2: our title and canonical changed, a noindex header appeared; the Big5 page is gone.
        sandbox.day = 2
        store_check(db_engine, kw, DAY2, our_rank=4)
        with session_scope(db_engine) as s:
            jobs2 = audit_jobs(s, [kw], DAY2, ["baidu"])
        run_audit(db_url, sandbox, jobs2, DAY2, tmp_path)
    with session_scope(db_engine) as s:
        today = {r.url: r for r in audits_on(s, site.id, DAY2)}
        before = previous_audits(s, site.id, DAY2)
    ours2 = today[AUDIT_OURS]
    assert ours2.rank == 4 and ours2.noindex and ours2.noindex_evidence == "X-Robots-Tag: noindex"
    assert {"noindex", "canonical_elsewhere", "keyword_not_in_title"} <= {f["code"] for f in ours2.findings}
    changes = {c.code: c for c in audit_changes(before[(kw.id, url_hash(AUDIT_OURS))], ours2)}
    assert set(changes) == {"title_changed", "canonical_changed", "noindex_added", "structured_data_removed",
                            "content_shrunk"}
    assert changes["title_changed"].new == "测试营销_专业团队_服务流程"
    gone = audit_changes(before[(kw.id, url_hash(AUDIT_BIG5))], today[AUDIT_BIG5])
    assert [(c.code, c.message) for c in gone] == [("now_404", "page now 404 (was HTTP 200)")]
    # Unchanged pages explain nothing.
    assert audit_changes(before[(kw.id, url_hash(AUDIT_RIVAL))], today[AUDIT_RIVAL]) == []


def test_rerun_on_the_same_day_replaces_the_audit(db_engine, db_url, keywords, audit_scenario, tmp_path):
    site, kws = keywords
    store_check(db_engine, kws["整合营销"], DAY1, our_rank=3)
    with SandboxServer(audit_scenario, port=0) as sandbox:
        with session_scope(db_engine) as s:
            jobs = [j for j in audit_jobs(s, [kws["整合营销"]], DAY1, ["baidu"]) if j.role == "ours"]
        run_audit(db_url, sandbox, jobs, DAY1, tmp_path)
        sandbox.day = 2
        run_audit(db_url, sandbox, jobs, DAY1, tmp_path)
    with session_scope(db_engine) as s:
        rows = audits_on(s, site.id, DAY1)
    assert [(r.url, r.title) for r in rows] == [(AUDIT_OURS, "测试营销_专业团队_服务流程")]
