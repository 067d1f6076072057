"""Suggestions from plain data: every kind with its evidence, the impact formula and the order it gives,
nothing from an unknown check, one suggestion per page we could not fetch."""

from __future__ import annotations

from datetime import date

import pytest

from seowatch.config import ReportConfig
from seowatch.keywords.coverage import Coverage, FieldCoverage
from seowatch.keywords.ideas import Idea
from seowatch.reports.model import CANNIBALIZED, DROPPED, KeywordRow, Observation
from seowatch.reports.partner_changes import LostLink
from seowatch.reports.suggest_pages import cut_to_width
from seowatch.reports.suggestion_basis import PageFacts
from seowatch.reports.suggestions import ordered, suggest

DAY, BEFORE = date(2026, 11, 24), date(2026, 11, 23)
U = "http://www.ours.cn"
CONFIG = ReportConfig()


def obs(position=None, url=None, status=None, day=DAY, depth=50):
    status = status or ("ranked" if position else "not_ranked")
    return Observation(day, status, position, url, ((position - 1) // 10 + 1) if position else None,
                       depth if status != "unknown" else 0, "captcha" if status == "unknown" else None)


def row(kid, keyword, today, *, engine="baidu", baseline=None, volume=None, categories=(), own_urls=()):
    return KeywordRow(keyword_id=kid, keyword=keyword, group=None, volume=volume, engine=engine, device="desktop",
                      today=today, previous=baseline, baseline=baseline, categories=categories, own_urls=own_urls)


def cov(keyword, tokens, **found):
    """Coverage of `tokens` with, per field, the tokens found there (fields not named: none found)."""
    fields = {}
    for name in ("title", "h1", "description", "lead", "body"):
        got = tuple(found.get(name, ()))
        fields[name] = FieldCoverage(got, tuple(t for t in tokens if t not in got), len(got) == len(tokens))
    return Coverage(keyword, keyword, tuple(tokens), fields)


def page(kid, keyword, url, role="ours", rank=None, *, engine="baidu", status=200, day=DAY, **kw):
    kw.setdefault("final_url", url)
    return PageFacts(keyword_id=kid, keyword=keyword, day=day, url=url, role=role, engine=engine if rank else None,
                     rank=rank, status=status, **kw)


def run(rows, audits=(), *, previous=None, lost=(), ideas=(), config=CONFIG, **kw):
    return suggest(rows, list(audits), previous or {}, list(lost), list(ideas), config, **kw)


def kinds(suggestions):
    return [s.kind for s in suggestions]


# --- our page itself --------------------------------------------------------------------------------


def test_an_error_page_is_one_suggestion_for_all_its_keywords():
    bad = f"{U}/gone/"
    rows = [row(1, "网络营销", obs(8, bad)), row(2, "网络营销公司", obs(15, bad)), row(3, "营销外包", obs(None))]
    audits = [
        page(1, "网络营销", bad, rank=8, status=404, title="页面不存在"),
        page(2, "网络营销公司", bad, rank=15, status=404, title="页面不存在"),
        page(3, "营销外包", bad + "#top", role="target", status=404),
        # A competitor with the keyword's words everywhere: nothing to compare an error page with.
        page(1, "网络营销", "http://rival.cn/", role="competitor", rank=1, body_chars=900,
             title="网络营销_对手", coverage=cov("网络营销", ["网络营销"], title=["网络营销"], h1=["网络营销"])),
    ]
    (s,) = run(rows, audits)
    assert s.kind == "page_error" and s.url == bad and s.keyword is None
    assert s.evidence["status"] == 404 and s.evidence["audited"] == DAY
    assert [k["keyword"] for k in s.evidence["keywords"]] == ["网络营销", "网络营销公司", "营销外包"]
    # Impact sums the keywords: 100 x weight 1 x ctr(8) + 100 x ctr(15) floored at ctr(10) + the target's ctr(10).
    assert s.impact == pytest.approx(100 * (0.025 + 0.018 + 0.018))
    assert "answers HTTP 404" in s.message and "网络营销 (Baidu #8)" in s.message


def test_unreachable_page_and_a_fetch_that_worked_the_same_day():
    url = f"{U}/a/"
    rows = [row(1, "整合营销", obs(3, url)), row(2, "整合营销方案", obs(5, url))]
    failed = page(1, "整合营销", url, rank=3, status=None, error="timeout", final_url=None)
    also = page(2, "整合营销方案", url, rank=5, status=None, error="timeout", final_url=None)
    (s,) = run(rows, [failed, also])
    assert s.kind == "page_error" and s.evidence["error"] == "timeout" and "could not be fetched (timeout)" in s.message
    assert [k["keyword"] for k in s.evidence["keywords"]] == ["整合营销", "整合营销方案"]
    assert s.impact == pytest.approx(100 * (0.10 + 0.05) * 0.8)  # a failed fetch weighs 0.8 of an HTTP error
    worked = page(2, "整合营销方案", url, rank=5, title="整合营销方案")
    assert run(rows, [failed, worked]) == []  # fetched fine the same day for another keyword


def test_redirect_noindex_and_canonical_elsewhere():
    rows = [row(1, "整合营销", obs(2, f"{U}/old/")), row(2, "品牌策划", obs(4, f"{U}/pinpai/")),
            row(3, "网站建设", obs(9, f"{U}/jianzhan/"))]
    audits = [
        page(1, "整合营销", f"{U}/old/", rank=2, final_url=f"{U}/new/", redirects=(f"{U}/old/",), title="整合营销"),
        page(2, "品牌策划", f"{U}/pinpai/", rank=4, noindex_evidence='<meta name="robots" content="noindex">',
             title="品牌策划"),
        page(3, "网站建设", f"{U}/jianzhan/", rank=9, canonical=f"{U}/", title="网站建设"),
    ]
    got = {s.kind: s for s in run(rows, audits)}
    assert set(got) == {"page_redirects", "page_noindex", "page_canonical_elsewhere"}
    r = got["page_redirects"]
    assert r.evidence["final_url"] == f"{U}/new/" and r.evidence["redirects"] == [f"{U}/old/"]
    assert r.impact == pytest.approx(100 * 0.15 * 0.4)
    n = got["page_noindex"]
    assert n.evidence["noindex"] == '<meta name="robots" content="noindex">' and n.impact == pytest.approx(7.0)
    c = got["page_canonical_elsewhere"]
    assert c.evidence["canonical"] == f"{U}/" and "names www.ours.cn/ as its canonical" in c.message
    assert c.impact == pytest.approx(100 * 0.02 * 0.7)


# --- against the pages above us ---------------------------------------------------------------------


def _kw_pages(our_title="整合营销服务_营销demo", our_cov=None, **ours):
    url = f"{U}/zhenghe/"
    tokens = ["整合营销", "方案"]
    ours = page(1, "整合营销方案", url, rank=4, title=our_title, h1=("整合营销",), body_chars=800,
                coverage=our_cov or cov("整合营销方案", tokens, title=["整合营销"], h1=["整合营销"],
                                        description=["整合营销", "方案"]), **ours)
    comps = [
        page(1, "整合营销方案", "http://a.cn/1", "competitor", 1, owner="a.cn", title="整合营销方案_A", body_chars=900,
             coverage=cov("整合营销方案", tokens, title=tokens, h1=["整合营销"], description=tokens)),
        page(1, "整合营销方案", "http://b.cn/2", "competitor", 2, owner="b.cn", title="整合营销方案大全_B",
             body_chars=1000, coverage=cov("整合营销方案", tokens, title=tokens, h1=["整合营销"], description=tokens)),
        page(1, "整合营销方案", "http://c.cn/3", "competitor", 3, owner="c.cn", title="整合营销_C", body_chars=700,
             coverage=cov("整合营销方案", tokens, title=["整合营销"], h1=["整合营销"], description=tokens)),
        # Below us: whatever it has does not count.
        page(1, "整合营销方案", "http://d.cn/5", "competitor", 5, owner="d.cn", title="x", body_chars=50,
             coverage=cov("整合营销方案", tokens, h1=tokens)),
    ]
    return url, ours, comps


def test_missing_tokens_in_the_title_name_the_tokens_and_the_pages_above_that_have_them():
    url, ours, comps = _kw_pages()
    rows = [row(1, "整合营销方案", obs(4, url, day=DAY), baseline=obs(2, url, day=BEFORE), categories=(DROPPED,))]
    previous = {(1, url): page(1, "整合营销方案", url, rank=2, day=BEFORE, title="整合营销方案_营销demo",
                               h1=("整合营销",), body_chars=800)}
    got = {s.kind: s for s in run(rows, [ours, *comps], previous=previous)}
    assert set(got) == {"missing_tokens_title"}  # the H1 lacks 方案 too, but only a page below us has it there
    s = got["missing_tokens_title"]
    assert s.evidence["tokens"] == ["方案"] and s.evidence["field"] == "title"
    assert [(p["url"], p["has"]) for p in s.evidence["pages_above"]] == [
        ("http://a.cn/1", ["方案"]), ("http://b.cn/2", ["方案"]), ("http://c.cn/3", [])]
    assert s.evidence["ours"] == {"url": url, "title": "整合营销服务_营销demo", "has": ["整合营销"]}
    assert s.evidence["changed"] == {"was": "整合营销方案_营销demo", "audited_before": BEFORE, "audited": DAY}
    assert "Put “方案” in the title of www.ours.cn/zhenghe/: 2 of the 3 pages above us have it there (a.cn #1, b.cn #2)" \
        in s.message
    assert "it was “整合营销方案_营销demo”" in s.message and "We rank Baidu #2 → #4" in s.message
    # 100 x ctr(2) (held before the drop) x 0.5 x 2/3 of the pages above.
    assert s.impact == pytest.approx(100 * 0.15 * 0.5 * 2 / 3, abs=0.01)


def test_missing_h1_and_description_when_we_have_none():
    url, ours, comps = _kw_pages(our_cov=cov("整合营销方案", ["整合营销", "方案"], title=["整合营销", "方案"]),
                                 our_title="整合营销方案_营销demo")
    ours = PageFacts(**{**ours.__dict__, "h1": (), "description": None})
    got = {s.kind: s for s in run([row(1, "整合营销方案", obs(4, url))], [ours, *comps])}
    assert set(got) == {"missing_tokens_h1", "missing_tokens_description"}
    h1 = got["missing_tokens_h1"]
    assert h1.evidence["tokens"] == ["整合营销"]  # no page above has 方案 in its H1
    assert h1.message.startswith("Give www.ours.cn/zhenghe/ an H1 with “整合营销”: it has none, and all 3 pages "
                                 "above us have one with it (a.cn #1, b.cn #2, c.cn #3).")
    desc = got["missing_tokens_description"]
    assert desc.evidence["tokens"] == ["整合营销", "方案"]
    assert desc.message.startswith("Give www.ours.cn/zhenghe/ a meta description with “整合营销方案”: it has none, and "
                                   "all 3 pages above us have one with it")
    assert h1.impact == pytest.approx(100 * 0.07 * 0.3) and desc.impact == pytest.approx(100 * 0.07 * 0.15)


def test_thin_content_against_the_median_of_the_top_results():
    url, ours, comps = _kw_pages(our_title="整合营销方案")
    ours = PageFacts(**{**ours.__dict__, "coverage": None, "body_chars": 200})
    (s,) = run([row(1, "整合营销方案", obs(4, url))], [ours, *comps])
    assert s.kind == "thin_content"
    assert (s.evidence["our_chars"], s.evidence["median_chars"], s.evidence["ratio"]) == (200, 800, 0.25)
    assert [r["chars"] for r in s.evidence["top_results"]] == [900, 1000, 700, 50]
    assert "it has 200 characters of text, the top results on Baidu have a median of 800" in s.message
    assert s.impact == pytest.approx(100 * 0.07 * 0.4 * 0.75, abs=0.01)
    enough = PageFacts(**{**ours.__dict__, "body_chars": 400})
    assert run([row(1, "整合营销方案", obs(4, url))], [enough, *comps]) == []  # half the median is not "much thinner"


def test_title_too_long_per_engine_in_chinese_characters():
    url = f"{U}/seo/"
    rows = [row(1, "SEO优化", obs(6, url)), row(1, "SEO优化", obs(5, url), engine="bing")]

    # Engines may show titles of different lengths: Bing is given 60 here (the default is 30 everywhere).
    config = ReportConfig(title_max_chars={**CONFIG.title_max_chars, "bing": 60})

    def title_of(title):
        found = run(rows, [page(1, "SEO优化", url, rank=6, title=title)], config=config)
        return [s for s in found if s.kind == "title_too_long"]

    assert title_of("优" * 30) == []  # 30 Chinese characters: what Baidu shows
    (s,) = title_of("优" * 31)
    assert s.evidence["limits"] == {"baidu": 30} and s.engine == "baidu"  # Bing shows 60 in this config
    assert s.evidence["shown"]["baidu"] == "优" * 29 + "…"
    assert title_of("S" * 60) == []  # 60 Latin letters are 30 Chinese characters wide
    (long,) = title_of("优" * 70)
    assert long.evidence["limits"] == {"baidu": 30, "bing": 60} and long.engine is None
    assert cut_to_width("SEO优化公司", 8) == "SEO优…"


# --- keywords as a whole ----------------------------------------------------------------------------


def test_cannibalization_keeps_the_target_or_the_better_page_and_says_why():
    a, b = f"{U}/a/", f"{U}/b/"
    rows = [row(1, "整合营销", obs(6, a), categories=(CANNIBALIZED,), own_urls=(a, b))]
    positions = {(1, "baidu", "desktop"): [(6, a), (9, b)]}
    (s,) = run(rows, own_positions=positions)
    assert s.kind == "cannibalization" and s.url == a
    assert [(p["url"], p["today"]) for p in s.evidence["pages"]] == [(a, {"baidu": 6}), (b, {"baidu": 9})]
    assert s.evidence["reason"] == "it ranks higher (#6 against #9)"
    assert "Add a link from www.ours.cn/b/ to www.ours.cn/a/ with the anchor “整合营销”" in s.message
    (t,) = run(rows, own_positions=positions, targets={1: b})
    assert t.evidence["keep"] == b and t.evidence["reason"] == "it is the keyword's configured target page"
    # The home page is never merged away.
    home = [row(1, "整合营销", obs(6, a), categories=(CANNIBALIZED,))]
    (h,) = run(home, own_positions={(1, "baidu", "desktop"): [(6, a), (23, f"{U}/")]})
    assert "From the home page, link to www.ours.cn/a/" in h.message and "redirect" not in h.message
    assert h.impact == pytest.approx(100 * 0.04 * 0.5)


def test_cannibalization_by_alternation_uses_the_earlier_url():
    a, b = f"{U}/a/", f"{U}/b/"
    rows = [row(1, "整合营销", obs(5, a), baseline=obs(5, b, day=BEFORE), categories=(CANNIBALIZED,))]
    (s,) = run(rows)
    assert [p["url"] for p in s.evidence["pages"]] == [a, b]
    assert s.evidence["pages"][1]["earlier"] == [{"engine": "baidu", "day": BEFORE, "position": 5}]
    assert "www.ours.cn/b/ (Baidu #5 on 2026-11-23)" in s.message


def test_no_page_covers_an_unranked_keyword(tokenizer):
    rows = [row(1, "网络营销公司", obs(None)), row(1, "网络营销公司", obs(None), engine="bing"),
            row(2, "整合营销", obs(3, f"{U}/zhenghe/"))]
    ours = [page(2, "整合营销", f"{U}/zhenghe/", rank=3, title="整合营销服务_网络营销公司推荐", h1=("整合营销",)),
            page(2, "整合营销", f"{U}/about/", role="target", title="关于我们", h1=("网络营销团队",))]
    assert [s for s in run(rows, ours, tokenizer=tokenizer) if s.kind == "no_page_covers_keyword"] == []
    ours[0] = PageFacts(**{**ours[0].__dict__, "title": "整合营销服务"})
    (s,) = [s for s in run(rows, ours, tokenizer=tokenizer) if s.kind == "no_page_covers_keyword"]
    assert s.keyword == "网络营销公司" and s.engine is None
    assert s.evidence["tokens"] == ["网络营销", "公司"]
    assert s.evidence["best_page"]["url"] == f"{U}/about/" and s.evidence["best_page"]["lacks"] == ["公司"]
    assert [(n["engine"], n["depth_scanned"]) for n in s.evidence["not_ranked"]] == [("baidu", 50), ("bing", 50)]
    assert "retarget www.ours.cn/about/, whose title or H1 has “网络营销” but not “公司”" in s.message
    assert s.impact == pytest.approx(100 * 0.018 * 0.6)
    # Ranked on one engine: covered enough to rank; no suggestion of this kind.
    rows[1] = row(1, "网络营销公司", obs(30, f"{U}/x/"), engine="bing")
    assert "no_page_covers_keyword" not in kinds(run(rows, ours, tokenizer=tokenizer))


def test_no_suggestion_from_an_unknown_check(tokenizer):
    unknown = obs(status="unknown")
    rows = [row(1, "短视频营销", unknown), row(2, "整合营销", unknown, categories=("unknown",))]
    assert run(rows, tokenizer=tokenizer) == []
    # The last known position still weighs a problem found by the audit, and says it is the last known.
    url = f"{U}/dsp/"
    rows = [KeywordRow(1, "短视频营销", None, None, "baidu", "desktop", today=unknown, previous=obs(6, url, day=BEFORE))]
    (s,) = run(rows, [page(1, "短视频营销", url, rank=6, status=500)], tokenizer=tokenizer)
    assert s.kind == "page_error" and "Baidu #6 (last known)" in s.message
    assert s.impact == pytest.approx(100 * 0.04)
    assert s.evidence["keywords"][0]["positions"][0]["today"] == "unknown: last known position"


def test_partner_link_lost_names_the_partner_the_target_and_what_it_ranks_for():
    url = f"{U}/zhenghe/"
    rows = [row(1, "整合营销", obs(12, url), baseline=obs(3, url, day=BEFORE), categories=(DROPPED,), volume=2000),
            row(2, "网络营销", obs(4, f"{U}/other/"), volume=1000)]
    lost = LostLink("http://www.partner.cn/links.html", url, ("nofollow",), DAY,
                    ('rel="nofollow" on our link: <a rel="nofollow">',), last_seen_ok=BEFORE, contact="QQ 10001")
    (s,) = run(rows, lost=[lost])
    assert s.kind == "partner_link_lost" and s.url == url and s.keyword == "整合营销"
    assert s.message.startswith("Ask partner.cn to remove the nofollow from its link to www.ours.cn/zhenghe/: "
                                "nofollow on 2026-11-24 (last seen working on 2026-11-23).")
    assert "That page ranks for 整合营销 (Baidu #3 → #12)" in s.message and "Contact: QQ 10001." in s.message
    ev = s.evidence
    assert (ev["partner_page"], ev["statuses"], ev["day"], ev["contact"]) == (lost.partner_page, ["nofollow"], DAY,
                                                                               "QQ 10001")
    assert ev["partner_evidence"] == ['rel="nofollow" on our link: <a rel="nofollow">']
    # weight 2000 / median 1500, ctr(3) held before the drop, severity 0.3
    assert s.impact == pytest.approx(100 * 2000 / 1500 * 0.10 * 0.3, abs=0.01)
    home = LostLink("http://b.cn/", None, ("link_missing",), DAY, ())
    (h,) = run(rows, lost=[home])
    assert h.message == "Ask b.cn to restore its link to our site: link missing on 2026-11-24."
    assert h.impact == pytest.approx(100 * 0.018 * 0.3)


def test_keyword_ideas_worth_tracking():
    strong = Idea("整合营销公司排名", "整合营销公司排名", {"related"}, {"baidu", "bing"}, {"整合营销"}, related_pages=2,
                  results=3)
    weak = Idea("服务", "服务", {"tfidf"}, {"baidu"}, {"整合营销"}, weight=0.3)
    ideas = [strong] + [Idea(f"想法{i}", f"想法{i}", {"related"}, {"baidu"}, {"整合营销"}, related_pages=1)
                        for i in range(6)] + [weak]
    got = [s for s in run([], ideas=ideas) if s.kind == "keyword_idea"]
    assert len(got) == 5 and got[0].keyword == "整合营销公司排名"
    assert got[0].message == ("Consider tracking “整合营销公司排名”: Baidu and Bing list it among the related searches "
                              "of “整合营销”, and 3 top results mention it.")
    assert got[0].evidence["related_pages"] == 2 and got[0].evidence["engines"] == ["baidu", "bing"]
    assert got[0].impact == pytest.approx(100 * 0.018 * 0.1) and got[1].impact == pytest.approx(100 * 0.018 * 0.05)
    assert "服务" not in [s.keyword for s in got]


# --- order ------------------------------------------------------------------------------------------


def test_ordered_by_expected_impact():
    big, small = f"{U}/big/", f"{U}/small/"
    rows = [row(1, "大词", obs(1, big), volume=10000), row(2, "小词", obs(1, small), volume=100),
            row(3, "中词", obs(2, f"{U}/mid/"), volume=1000)]
    audits = [
        page(1, "大词", big, rank=1, title="大词" * 20),  # a title too long on a #1 page of a big keyword
        page(2, "小词", small, rank=1, noindex_evidence="X-Robots-Tag: noindex", title="小词"),
        page(3, "中词", f"{U}/mid/", rank=2, canonical=f"{U}/", title="中词"),
    ]
    got = run(rows, audits)
    assert [(s.kind, s.keyword) for s in got] == [
        ("title_too_long", "大词"),  # 100 x 10 x .28 x .15 = 42
        ("page_canonical_elsewhere", "中词"),  # 100 x 1 x .15 x .7 = 10.5
        ("page_noindex", "小词"),  # 100 x .1 x .28 x 1 = 2.8
    ]
    assert [s.impact for s in got] == sorted((s.impact for s in got), reverse=True)
    assert got[0].impact == pytest.approx(42.0) and got[2].impact == pytest.approx(2.8)
    # Equal impact: the more certain problem first.
    tied = ordered([got[0].__class__("title_too_long", "k", None, "m", {}, 1.0),
                    got[0].__class__("page_error", "k", None, "m", {}, 1.0)])
    assert [s.kind for s in tied] == ["page_error", "title_too_long"]
