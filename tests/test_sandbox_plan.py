"""What a result page holds: ranks per page, cards, ads on page 1, pagination, deterministic filler."""

from __future__ import annotations

from seowatch.sandbox.plan import filler_result, page_plan, related_for
from seowatch.sandbox.scenario import load_scenario


def plan_for(keyword_plan: dict, engine: str = "baidu"):
    sc = load_scenario({"days": {"1": {"serps": {engine: {"k": keyword_plan}}}}})
    return sc.day(1).keyword(engine, "k")


def test_pages_split_by_the_engines_page_size():
    kp = plan_for({"results": [{"url": "https://ours.cn/", "position": 12}], "total": 25})
    first, second, third = (page_plan(kp, "baidu", "k", n) for n in (1, 2, 3))
    assert [r.position for r in first.results] == list(range(1, 11))
    assert second.results[1].url == "https://ours.cn/"
    assert [r.position for r in third.results] == list(range(21, 26))
    assert first.has_next and second.has_next and not third.has_next
    assert third.last_page == 3
    assert page_plan(kp, "baidu", "k", 4).empty
    ddg = page_plan(plan_for({"total": 65}, "duckduckgo"), "duckduckgo", "k", 2)
    assert (ddg.per_page, ddg.first_position, len(ddg.results), ddg.has_next) == (30, 31, 30, True)


def test_ads_only_on_the_first_page_and_cards_where_their_rank_is():
    kp = plan_for({"total": 30, "ads": ["https://ad.cn/"],
                   "cards": [{"kind": "baike", "title": "百科", "before": 1}, {"kind": "video", "title": "视频", "before": 14}]})
    first, second = page_plan(kp, "baidu", "k", 1), page_plan(kp, "baidu", "k", 2)
    assert [a.url for a in first.ads] == ["https://ad.cn/"] and second.ads == ()
    assert [(i, c.title) for i, c in first.cards] == [(0, "百科")]
    assert [(i, c.title) for i, c in second.cards] == [(3, "视频")]


def test_empty_keyword_shows_nothing():
    kp = plan_for({"total": 0, "ads": ["https://ad.cn/"], "related": ["x"]})
    plan = page_plan(kp, "bing", "k", 1)
    assert plan.empty and plan.ads == () and plan.related == () and not plan.has_next


def test_placed_results_default_their_text_and_carry_setting():
    kp = plan_for({"results": [{"url": "https://ours.cn/a", "carry_target": True}, "https://ours.cn/b"],
                   "carry_target": False})
    a, b = page_plan(kp, "baidu", "k", 1).results[:2]
    assert (a.title, a.carry_target, b.carry_target) == ("k_ours.cn", True, False)
    assert "k" in a.snippet and a.display_url is None


def test_filler_is_deterministic_and_keyword_specific():
    a1, a2 = filler_result("整合营销", 3), filler_result("整合营销", 3)
    assert a1 == a2
    assert filler_result("整合营销", 4).url != a1.url
    assert filler_result("SEO优化", 3).url != a1.url
    assert "整合营销" in a1.title and a1.url.startswith("https://www.")
    host = a1.url.split("/")[2]
    assert any(ch.isdigit() for ch in host)  # never a real or scenario domain
    assert related_for("整合营销")[0] == "整合营销公司"
