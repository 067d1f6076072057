"""End to end over the sandbox, as a user runs it: two days of the demo (its landing pages and partner
sites merged in) crawled, partners checked, pages audited, then `seowatch report`: the suggestions and
partner changes in the JSON, on SQLite and PostgreSQL."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from seowatch.sandbox import landingpages, partnersites
from seowatch.sandbox.demo import SCENARIO_PATH
from seowatch.sandbox.server import SandboxServer
from seowatch.scheduler import cli

U = "http://www.yingxiao-demo.cn"
KEYWORDS = [  # keyword, volume, our target page
    ("整合营销", 2400, "/zhenghe-yingxiao/"), ("网络营销公司", 880, "/wangluo-yingxiao/"),
    ("SEO优化", 1600, "/seo-youhua/"), ("百度推广代运营", 320, "/baidu-tuiguang/"),
    ("品牌营销策划", 590, "/pinpai-cehua/"), ("营销型网站建设", 720, "/yingxiaoxing-wangzhan/"),
    ("短视频营销", 1300, "/duanshipin-yingxiao/"),
]
PARTNERS = ("gbk", "nofollow", "missing", "flaky")
DAYS = ((1, "2026-11-23"), (2, "2026-11-24"))


def scenario() -> dict:
    base = json.loads(SCENARIO_PATH.read_text("utf-8"))
    return partnersites.merge_into(landingpages.merge_into(base), PARTNERS)


def write_config(tmp_path, sandbox, db_url) -> str:
    keywords = "\n".join(f'[[sites.keywords]]\nkeyword = "{k}"\nvolume = {v}\ntarget = "{U}{t}"' for k, v, t in KEYWORDS)
    path = tmp_path / "seowatch.toml"
    path.write_text(f'''[settings]
data_dir = "data"
database = "{db_url}"
[politeness]
delay = 0
retries = 1
timeout = 5
proxies = ["{sandbox.url}"]
[engines.baidu]
base_url = "{sandbox.base_url("baidu")}"
[keywords]
user_words = ["整合营销", "百度推广代运营", "营销demo"]
[report]
output_dir = "reports"
[[sites]]
domain = "yingxiao-demo.cn"
name = "营销demo"
assets = ["https://baijiahao.baidu.com/s?id=1700000000000000001"]
competitors = ["rival-yingxiao.cn", "www.haoyingxiao.com.cn"]
engines = ["baidu"]
depth = 50
{keywords}
{partnersites.partners_toml(PARTNERS)}''', "utf-8")
    return str(path)


def run(config: str, *args: str) -> str:
    result = CliRunner().invoke(cli, ["-c", config, *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture
def demo_store(tmp_path, db_url):
    with SandboxServer(scenario(), port=0) as sandbox:
        config = write_config(tmp_path, sandbox, db_url)
        for number, day in DAYS:
            sandbox.day = number
            run(config, "crawl", "--fast", "-q", "--date", day)
            run(config, "partners", "check", "--fast", "-q", "--date", day)
            run(config, "audit", "--fast", "-q", "--date", day)
    return config, tmp_path


def report_json(config: str, tmp_path, day: str) -> dict:
    run(config, "report", "--date", day, "-f", "json,md", "-q")
    return json.loads((tmp_path / "reports" / f"yingxiao-demo.cn-{day}.json").read_text("utf-8"))


def test_the_reports_suggest_what_the_demo_broke_from_their_own_days_data(demo_store):
    config, tmp = demo_store
    doc = report_json(config, tmp, "2026-11-24")
    sug = doc["suggestions"]
    assert [s["impact"] for s in sug] == sorted((s["impact"] for s in sug), reverse=True)
    by = {}
    for s in sug:
        by.setdefault(s["kind"], []).append(s)

    (title,) = by["missing_tokens_title"]  # 3 -> 12: the title was rewritten without the keyword
    assert title["keyword"] == "整合营销" and title["url"] == f"{U}/zhenghe-yingxiao/"
    assert title["evidence"]["tokens"] == ["整合营销"] and len(title["evidence"]["pages_above"]) == 3
    assert title["evidence"]["changed"]["was"] == "整合营销服务_整合营销方案策划与执行_营销demo"
    assert title["evidence"]["changed"]["audited_before"] == "2026-11-23"
    assert sug[0] is title  # the drop of the biggest keyword comes first

    (error,) = by["page_error"]  # the 404: one suggestion, nothing else about that page
    assert error["url"] == f"{U}/wangluo-yingxiao/" and error["evidence"]["status"] == 404
    assert [s["kind"] for s in sug if s["url"] == error["url"]] == ["page_error"]
    assert "网络营销公司" not in [s["keyword"] for s in by.get("no_page_covers_keyword", [])]

    (noindex,) = by["page_noindex"]  # the target page got noindex; another page of ours ranks instead
    assert noindex["url"] == f"{U}/pinpai-cehua/" and "noindex" in noindex["evidence"]["noindex"]
    (long_title,) = by["title_too_long"]
    assert long_title["url"] == f"{U}/seo-youhua/" and long_title["evidence"]["limits"] == {"baidu": 30}
    (thin,) = by["thin_content"]
    assert thin["keyword"] == "百度推广代运营" and thin["evidence"]["our_chars"] < thin["evidence"]["median_chars"] / 2
    (canonical,) = by["page_canonical_elsewhere"]
    assert canonical["url"] == f"{U}/yingxiaoxing-wangzhan/" and canonical["evidence"]["canonical"] == f"{U}/"
    (cannibal,) = by["cannibalization"]  # our home page also ranks on page 3
    assert cannibal["evidence"]["keep"] == f"{U}/yingxiaoxing-wangzhan/"
    assert {p["url"] for p in cannibal["evidence"]["pages"]} == {f"{U}/yingxiaoxing-wangzhan/", f"{U}/"}
    (partner,) = by["partner_link_lost"]  # removed on day 2; the 503 partner is only pending
    assert partner["evidence"]["partner_page"] == "http://www.missing-partner.cn/links.html"
    assert partner["evidence"]["statuses"] == ["link_missing"] and partner["evidence"]["last_seen_ok"] == "2026-11-23"
    assert 1 <= len(by["keyword_idea"]) <= 5 and all(s["evidence"]["sources"] for s in by["keyword_idea"])
    # 短视频营销 met a captcha on day 2: its check is unknown, and nothing is suggested from it.
    assert "短视频营销" not in [s["keyword"] for s in sug if s["kind"] != "keyword_idea"]

    assert [(p["page"], p["statuses"], p["previous"]) for p in doc["partners"]] == [
        ("http://www.missing-partner.cn/links.html", ["link_missing"], ["ok"])]
    md = (tmp / "reports" / "yingxiao-demo.cn-2026-11-24.md").read_text("utf-8")
    assert "rank drops that day: 整合营销 · baidu (3 → 12 (▼9))" in md and "## Suggestions (" in md
    # Evidence reads as words, never as a Python repr.
    assert "   - evidence: field: title; tokens: 整合营销; keyword tokens: 整合营销;" in md
    assert "changed: was 整合营销服务\\_整合营销方案策划与执行\\_营销demo, audited before 2026-11-23" in md
    assert "datetime.date(" not in md and "{'" not in md
    run(config, "report", "--date", "2026-11-24", "-f", "html", "-q")
    html = (tmp / "reports" / "yingxiao-demo.cn-2026-11-24.html").read_text("utf-8")
    assert '<span class="chip" title="missing_tokens_title">words missing in title</span>' in html
    assert "<b>pages above</b>: <ul" in html and "datetime.date(" not in html

    # Day 1's report, built after day 2 was stored, reads nothing of day 2.
    doc = report_json(config, tmp, "2026-11-23")
    kinds = {s["kind"] for s in doc["suggestions"]}
    assert "page_error" not in kinds and "page_noindex" not in kinds and "missing_tokens_title" not in kinds
    assert {"title_too_long", "thin_content", "page_canonical_elsewhere"} <= kinds
    # The first report lists its own day's partner changes: a partner found nofollowed at its first check.
    assert [(p["page"], p["statuses"], p["previous"]) for p in doc["partners"]] == [
        ("http://www.nofollow-partner.cn/links.html", ["nofollow"], [])]
    lost = [s for s in doc["suggestions"] if s["kind"] == "partner_link_lost"]
    assert [s["evidence"]["partner_page"] for s in lost] == ["http://www.nofollow-partner.cn/links.html"]
    assert lost[0]["message"].startswith("Ask nofollow-partner.cn to remove the nofollow from its link to")
