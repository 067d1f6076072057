"""The demo's landing pages: merged into the demo scenario they validate, and each carries the finding it is for."""

import json

from seowatch.crawlers.auditchanges import audit_changes
from seowatch.crawlers.pageaudit import audit_page, findings
from seowatch.sandbox.demo import KEYWORDS, SCENARIO_PATH
from seowatch.sandbox.landingpages import OUR_HOST, landing_results, landing_sites, merge_into
from seowatch.sandbox.scenario import load_scenario


def audits(day):
    out = {}
    for host, pages in load_scenario(merge_into(json.loads(SCENARIO_PATH.read_text("utf-8")))).day(day).sites.items():
        for path, page in pages.items():
            if not path.endswith(".txt"):
                url = f"http://{host}{path}"
                out[url] = audit_page(page.body, url, dict(page.headers), status=page.status)
    return out


def codes(audit):
    return {f.code for f in findings(audit)}


def test_our_pages_carry_the_demo_findings_and_day_two_explains_the_changes():
    day1, day2 = audits(1), audits(2)
    ours = lambda path: f"http://{OUR_HOST}{path}"  # noqa: E731
    assert codes(day1[ours("/zhenghe-yingxiao/")]) == set()
    assert codes(day1[ours("/seo-youhua/")]) == {"title_too_long"}
    assert codes(day1[ours("/wangluo-yingxiao/")]) == {"description_missing"}
    assert codes(day1[ours("/baidu-tuiguang/")]) == {"thin_content"}
    assert codes(day1[ours("/yingxiaoxing-wangzhan/")]) == {"canonical_elsewhere"}
    assert codes(day1[ours("/duanshipin-yingxiao/")]) == {"h1_missing", "images_without_alt"}
    assert day1[ours("/zhenghe-fangan.html")].encoding == "gb18030"
    assert codes(day2[ours("/pinpai-cehua/")]) == {"noindex"}
    assert day2[ours("/wangluo-yingxiao/")].status == 404

    def changed(path):
        return [c.code for c in audit_changes(day1[ours(path)], day2[ours(path)])]

    assert changed("/zhenghe-yingxiao/") == ["title_changed"]
    assert changed("/wangluo-yingxiao/") == ["now_404"]
    assert changed("/pinpai-cehua/") == ["noindex_added"]
    assert changed("/seo-youhua/") == []


def test_merge_places_served_pages_at_free_top_ranks_and_keeps_the_scenarios_own():
    original = json.loads(SCENARIO_PATH.read_text("utf-8"))
    merged = merge_into(original)
    assert merged != original and json.loads(SCENARIO_PATH.read_text("utf-8")) == original  # a copy
    served = {f"http://{h}{p}" for h, pages in landing_sites(1).items() for p in pages}
    for engine, keywords in merged["days"]["1"]["serps"].items():
        for keyword, plan in keywords.items():
            before = original["days"]["1"]["serps"][engine][keyword]["results"]
            pinned = {r["position"]: r["url"] for r in plan["results"] if isinstance(r, dict) and "position" in r}
            for r in before:  # the scenario's own results keep their ranks (https -> http on served hosts)
                assert pinned[r["position"]].split("://")[1] == r["url"].split("://")[1]
            if keyword in KEYWORDS:
                # The audit's three competitors (the top results not ours) are pages the sandbox serves,
                # with no filler (an HTTPS page the proxy cannot serve) above them.
                others = [r for r in sorted(pinned) if OUR_HOST not in pinned[r] and "baijiahao" not in pinned[r]][:3]
                assert all(pinned[r] in served for r in others), (engine, keyword)
                assert all(r in pinned for r in range(1, max(others) + 1)), (engine, keyword)
    assert landing_results("不是演示词", set()) == []
    assert [r["position"] for r in landing_results("整合营销", {1, 3})] == [2, 4]
