"""The demo scenario tells its story through the real parsers: drops, gains, a swap, a wall, a 503."""

from __future__ import annotations

import urllib.error
import urllib.request
from urllib.parse import urljoin, urlsplit

import pytest

from seowatch.crawlers.engines import is_redirect_link, search_url
from seowatch.crawlers.parsers import parse_serp
from seowatch.sandbox.demo import ASSET_URL, COMPETITORS, KEYWORDS, SCENARIO_PATH, SITE_HOST
from seowatch.sandbox.scenario import load_scenario
from seowatch.sandbox.server import SandboxServer

DEPTH = 50


@pytest.fixture(scope="module")
def demo():
    with SandboxServer(SCENARIO_PATH) as sandbox:
        yield sandbox


@pytest.fixture(autouse=True)
def fresh(demo):
    demo.reset()
    demo.day = 1


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def resolve(link: str) -> str:
    try:
        urllib.request.build_opener(NoRedirect).open(link, timeout=5)
    except urllib.error.HTTPError as err:
        assert err.code == 302
        return err.headers["Location"]
    raise AssertionError(f"{link} did not redirect")


def ranking(demo, engine: str, keyword: str) -> list[str] | str:
    """The result URLs down to DEPTH (redirect links resolved), or the reason the page is not a ranking."""
    urls: list[str] = []
    page_no = 1
    while len(urls) < DEPTH:
        url = search_url(engine, keyword, page_no, base_url=demo.base_url(engine))
        try:
            body = urllib.request.urlopen(url, timeout=5).read()
        except urllib.error.HTTPError as err:
            return f"http_{err.code}"
        page = parse_serp(engine, body, url)
        if not page.ok:
            return page.blocked or page.parse_error
        for r in page.organic:
            if r.url is None:
                link = urljoin(url, r.link)
                assert is_redirect_link(engine, link, demo.base_url(engine))
                urls.append(resolve(link))
            else:
                urls.append(r.url)
        if not page.has_next:
            break
        page_no += 1
    return urls[:DEPTH]


def rank_of(urls: list[str], host: str = SITE_HOST) -> int | None:
    return next((i + 1 for i, u in enumerate(urls) if urlsplit(u).hostname == host), None)


def test_demo_scenario_shape():
    sc = load_scenario(SCENARIO_PATH)
    assert [d.number for d in sc.days] == [1, 2]
    for day in sc.days:
        for engine in ("baidu", "bing"):
            assert tuple(day.serps[engine]) == KEYWORDS
            for plan in day.serps[engine].values():
                for result in plan.placed.values():
                    if urlsplit(result.url).hostname == SITE_HOST:
                        assert result.url.startswith("http://")
        assert SITE_HOST in day.sites and "/robots.txt" in day.sites[SITE_HOST]
    assert "整合營銷方案" in KEYWORDS and len(KEYWORDS) == 8
    baidu = sc.day(1).serps["baidu"]
    assert any(not p.carry_target for p in baidu.values()) and any(p.carry_target for p in baidu.values())
    placed = {r.url for p in baidu.values() for r in p.placed.values()}
    assert ASSET_URL in placed
    assert {urlsplit(u).hostname.removeprefix("www.") for u in placed} >= {c.removeprefix("www.") for c in COMPETITORS}


def test_zhenghe_yingxiao_drops_from_3_to_12_on_baidu(demo):
    day1 = ranking(demo, "baidu", "整合营销")
    assert rank_of(day1) == 3
    assert rank_of(day1, "baijiahao.baidu.com") == 14
    demo.day = 2
    assert rank_of(ranking(demo, "baidu", "整合营销")) == 12


def test_one_keyword_leaves_the_top_50(demo):
    assert rank_of(ranking(demo, "baidu", "网络营销公司")) == 8
    demo.day = 2
    day2 = ranking(demo, "baidu", "网络营销公司")
    assert len(day2) == DEPTH and rank_of(day2) is None


def test_seo_youhua_climbs_from_15_to_6(demo):
    assert rank_of(ranking(demo, "baidu", "SEO优化")) == 15
    demo.day = 2
    assert rank_of(ranking(demo, "baidu", "SEO优化")) == 6


def test_landing_page_swap(demo):
    day1 = ranking(demo, "baidu", "品牌营销策划")
    demo.day = 2
    day2 = ranking(demo, "baidu", "品牌营销策划")
    assert rank_of(day1) == rank_of(day2) == 5
    assert day1[4] != day2[4]
    assert day1[4] == "http://www.yingxiao-demo.cn/pinpai-cehua/"


def test_persistent_captcha_on_day_two(demo):
    assert rank_of(ranking(demo, "baidu", "短视频营销")) == 6
    demo.day = 2
    for _ in range(3):
        assert ranking(demo, "baidu", "短视频营销") == "security_check"


def test_transient_503_succeeds_on_retry(demo):
    assert ranking(demo, "bing", "百度推广代运营") == "http_503"
    assert rank_of(ranking(demo, "bing", "百度推广代运营")) == 3


def test_every_keyword_reads_on_both_engines_and_days(demo):
    for day in (1, 2):
        demo.day = day
        for engine in ("baidu", "bing"):
            for keyword in KEYWORDS:
                if (day, engine, keyword) == (2, "baidu", "短视频营销"):
                    continue
                if (day, engine, keyword) == (1, "bing", "百度推广代运营"):
                    ranking(demo, engine, keyword)  # the transient 503
                urls = ranking(demo, engine, keyword)
                assert isinstance(urls, list) and urls, (day, engine, keyword, urls)


def test_demo_sites_through_the_proxy(demo):
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({"http": demo.url}))
    with opener.open("http://www.yingxiao-demo.cn/zhenghe-yingxiao/", timeout=5) as resp:
        assert resp.status == 200 and "整合营销".encode() in resp.read()
    with opener.open("http://www.yingxiao-demo.cn/zhenghe-fangan.html", timeout=5) as resp:
        assert resp.headers["Content-Type"] == "text/html" and "整合營銷方案".encode("gbk") in resp.read()
    demo.day = 2
    with opener.open("http://www.yingxiao-demo.cn/pinpai-cehua/", timeout=5) as resp:
        assert b'<meta name="robots" content="noindex,follow">' in resp.read()
