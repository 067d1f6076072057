"""Keyword ideas: related searches and TF-IDF terms of the top results, minus what is tracked, ranked
with their evidence; from parsed real Baidu pages and from the store (SQLite and PostgreSQL)."""

from datetime import date, datetime, timezone

import pytest

from seowatch.crawlers.parsers import parse_serp
from seowatch.keywords.ideas import SOURCE_RELATED, SOURCE_TFIDF, SerpEvidence, evidence_from_page, keyword_ideas
from seowatch.keywords.normalize import normalize
from seowatch.store.database import session_scope
from seowatch.store.ideas import serp_evidence
from seowatch.store.models import RankCheck, SerpPageRecord, SerpResult
from seowatch.store.ranks import CheckOutcome, ensure_site, save_check, sync_keywords
from tests.conftest import require_shared

NOW = datetime(2026, 11, 24, 8, tzinfo=timezone.utc)


def baidu_page(name):
    path = require_shared("serp") / "baidu" / f"{name}.html"
    return parse_serp("baidu", path.read_bytes(), "https://www.baidu.com/s?wd=x")


def by_text(ideas):
    return {i.normalized: i for i in ideas}


def test_related_searches_of_a_real_baidu_page_become_ideas(tokenizer):
    page = baidu_page("pc-2020-python")
    ideas = by_text(keyword_ideas([evidence_from_page(page)], tokenizer, tracked=["Python", "python教程"], limit=None))
    for related in ("python有什么用", "python爬虫教程", "python和java", "python3", "python安装"):
        idea = ideas[related]
        assert SOURCE_RELATED in idea.sources and idea.related_pages == 1 and idea.engines == {"baidu"}
        assert idea.queries == {"Python"}
    assert "python教程" not in ideas and "python" not in ideas  # tracked, or the query itself
    # TF-IDF over titles and snippets: 菜鸟教程 and 基础教程 lead the results of this page.
    tfidf = {n for n, i in ideas.items() if SOURCE_TFIDF in i.sources}
    assert {"基础教程", "菜鸟", "实例"} <= tfidf
    assert "教程" not in tfidf  # a piece of the tracked python教程
    assert ideas["基础教程"].results >= 2 and ideas["基础教程"].weight > 0


def test_ideas_from_a_chinese_news_page(tokenizer):
    page = baidu_page("pc-2020-xinguan-news-health")
    ideas = keyword_ideas([evidence_from_page(page)], tokenizer, tracked=["新冠"], limit=None)
    texts = [i.normalized for i in ideas]
    assert "新冠肺炎症状" in texts and "全国新冠新增最新消息" in texts
    assert "肺炎" in texts and "病毒" in texts  # TF-IDF terms of the results
    assert "新冠" not in texts
    assert all(not t.isdigit() and len(t) >= 2 for t in texts)  # dates and single characters are not ideas
    assert all(not tokenizer.is_stop(t) for t in texts)


def test_every_real_baidu_page_yields_related_searches(tokenizer):
    folder = require_shared("serp") / "baidu"
    for path in sorted(folder.glob("*.html")):
        page = parse_serp("baidu", path.read_bytes(), "https://www.baidu.com/s?wd=x")
        ideas = keyword_ideas([evidence_from_page(page)], tokenizer, tracked=[page.query or ""], limit=None)
        related = [i for i in ideas if SOURCE_RELATED in i.sources]
        assert len(related) >= 3, path.name


def test_evidence_across_engines_ranks_and_counts(tokenizer):
    evidence = [
        SerpEvidence("baidu", "整合营销", ("整合营销方案", "整合营销公司", "整合营销传播"),
                     (("整合营销方案怎么写_营销方案范文", "整合营销方案模板，整合营销传播案例"),
                      ("整合营销公司排名", "十大整合营销公司"))),
        SerpEvidence("bing", "整合营销", ("整合营销方案", "整合營銷傳播"),
                     (("整合营销传播理论", "整合营销传播（IMC）是……"),)),
        SerpEvidence("baidu", "网络营销", ("网络营销方案",), (("网络营销方案范文", None),)),
    ]
    ideas = keyword_ideas(evidence, tokenizer, tracked=["整合营销", "整合营销公司"], limit=None)
    got = by_text(ideas)
    assert "整合营销公司" not in got and "整合营销" not in got  # tracked
    top = ideas[0]
    assert top.normalized in ("整合营销方案", "整合营销传播") and top.engines == {"baidu", "bing"}
    assert got["整合营销传播"].related_pages == 2  # the traditional spelling on Bing counts as the same idea
    assert got["整合营销方案"].related_pages == 2 and got["整合营销方案"].results == 1
    assert got["网络营销方案"].queries == {"网络营销"}
    assert [i.normalized for i in ideas] == [i.normalized for i in sorted(ideas, key=lambda i: i.sort_key())]
    assert "整合" not in got and "营销" not in got  # pieces of a tracked keyword are not ideas
    assert len(keyword_ideas(evidence, tokenizer, limit=2)) == 2


class Spec:
    def __init__(self, keyword):
        self.keyword, self.group, self.tags, self.engines, self.volume, self.target = keyword, None, (), (), None, None


@pytest.fixture
def stored(db_engine):
    """Two days of checks for 整合营销 on Baidu and Bing; ideas read the latest day only."""
    with session_scope(db_engine) as s:
        site = ensure_site(s, "example.com")
        kw = sync_keywords(s, site, [Spec("整合营销"), Spec("网络营销")], normalize).keywords[0]
    for day, related, title in ((date(2026, 11, 23), ["旧的相关搜索"], "旧标题"),
                                (date(2026, 11, 24), ["整合营销方案", "整合营销公司排名"], "整合营销传播理论与案例")):
        for engine in ("baidu", "bing"):
            check = RankCheck(keyword_id=kw.id, engine=engine, device="desktop", day=day, status="not_ranked",
                              depth=20, depth_scanned=20, pages_fetched=2, fetched_at=NOW)
            pages = [SerpPageRecord(page_no=1, url="u1", related_searches=related, fetched_at=NOW),
                     SerpPageRecord(page_no=2, url="u2", related_searches=related[:1], fetched_at=NOW)]
            results = [SerpResult(page_no=1, kind="organic", position=1, url="http://a.cn/", title=title,
                                  snippet="整合营销传播的定义"),
                       SerpResult(page_no=1, kind="ad", url="http://ad.cn/", title="广告整合营销托管"),
                       SerpResult(page_no=2, kind="organic", position=11, url="http://b.cn/", title="第十一名")]
            with session_scope(db_engine) as s:
                save_check(s, CheckOutcome(check, pages, results))
    return site


def test_ideas_from_the_store(db_engine, stored, tokenizer):
    with session_scope(db_engine) as s:
        evidence = serp_evidence(s, stored.id, date(2026, 11, 24))
        assert serp_evidence(s, stored.id, date(2026, 11, 24), {"网络营销"}) == []  # never checked
        older = serp_evidence(s, stored.id, date(2026, 11, 23))
    assert sorted(e.engine for e in evidence) == ["baidu", "bing"]
    e = evidence[0]
    assert e.query == "整合营销" and e.related == ("整合营销方案", "整合营销公司排名")  # pages merged, no repeat
    assert e.results == (("整合营销传播理论与案例", "整合营销传播的定义"),)  # organic, top 10 only
    assert older[0].related == ("旧的相关搜索",)
    ideas = by_text(keyword_ideas(evidence, tokenizer, tracked=["整合营销"]))
    assert ideas["整合营销方案"].engines == {"baidu", "bing"} and ideas["整合营销方案"].related_pages == 2
    assert "旧的相关搜索" not in ideas and "广告整合营销托管" not in ideas
