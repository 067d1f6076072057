"""seowatch.crawlers.parsers.so360: hand-written pages for what the real captures lack, plus the
real captures' special cards, related searches, query and pagination."""

from __future__ import annotations

import json
import random
import struct

import pytest

from seowatch.crawlers.decoding import meta_charset
from seowatch.crawlers.parsers import parse_serp
from seowatch.crawlers.parsers.model import BLOCK_CAPTCHA, PARSE_ERROR_LAYOUT, SerpPage
from seowatch.crawlers.parsers.so360 import parse
from tests.conftest import OWN_FIXTURES, require_shared

FIX = OWN_FIXTURES / "serp" / "so360"
PAGE2_URL = "https://www.so.com/s?q=%E7%99%BB%E5%B1%B1%E9%9E%8B%E6%8E%A8%E8%8D%90&pn=2"
SEARCH_URL = "https://www.so.com/s?q=x"


def _page(name: str, url: str = PAGE2_URL, headers=None) -> SerpPage:
    return parse((FIX / name).read_bytes(), url, headers)


@pytest.fixture(scope="module")
def page2() -> SerpPage:
    return _page("page2_ads_redirects.html")


# --- a second page: direct links, so.com/link redirects, ads, related, next -----------------


def test_page2_organic_results_follow_360s_own_counter(page2):
    assert page2.ok
    assert [r.position for r in page2.organic] == [1, 2, 3, 4]
    assert [r.block_position for r in page2.organic] == [11, 12, 13, 15]  # data-res "pos"
    assert [r.title for r in page2.organic] == [
        "2022年登山鞋推荐：十款口碑款横评",
        "登山鞋选购指南：鞋底、鞋帮与尺码",
        "有没有性价比高的登山鞋推荐？ - 驴友论坛",
        "登山鞋怎么保养 - 生活百科",
    ]


def test_page2_real_urls_behind_redirects(page2):
    direct, mdurl, dataurl, hidden = page2.organic
    assert direct.url == direct.link == "https://www.outdoor-example.com/guide/hiking-boots.html"
    assert mdurl.link == "https://www.so.com/link?m=bQkL9xYzR2%2F0example1"
    assert mdurl.url == "https://news.example-trail.org/2022/05/boots.html"
    assert dataurl.link == "https://www.so.com/link?m=aDataUrlExample3%3D%3D"
    assert dataurl.url == "http://bbs.hiker-example.net/thread-1024-1-1.html"
    # a redirect without data-mdurl / data-url: the target is unknown, not the redirect
    assert hidden.url is None and hidden.link == "https://www.so.com/link?m=aNoTargetExample"


def test_page2_display_urls_are_the_cite_text(page2):
    assert [r.display_url for r in page2.organic] == [
        "www.outdoor-example.com/guide/hiki...",
        "news.example-trail.org",
        "bbs.hiker-example.net>...>装备讨论",
        "life.example-wiki.com",
    ]


def test_page2_snippets_without_dates_or_shown_url(page2):
    assert page2.organic[0].snippet == "从防水、抓地、重量三方面对比了十款登山鞋……"
    assert page2.organic[1].snippet == "选登山鞋先看用途：徒步、重装还是攀岩……"


def test_page2_card_without_data_res_is_special_and_takes_its_place(page2):
    assert [(s.kind, s.title, s.block_position) for s in page2.special] == [
        ("video", "登山鞋推荐 相关视频", 14)
    ]
    assert page2.special[0].url.startswith("https://video.360kan.com/search?q=")


def test_page2_ads_counted_with_domains_and_the_slogan_is_not_an_ad(page2):
    # two on top (#e_idea_pp), one data-lm item in the result list, one at the bottom, one on
    # the right; the right column's "想在360搜索推广您的产品服务吗？" line is 360's own slogan
    assert page2.ads.count == 5
    assert page2.ads.domains == (
        "shoe-ad-one.com",
        "outdoor-mall-example.cn",
        "www.factory-boots-ad.com",
        "www.shoe-ad-one.com",
        "right-shoes-ad.com",
    )
    assert all("e.360.cn" not in d for d in page2.ads.domains)


def test_page2_related_searches_query_and_next_page(page2):
    assert page2.related_searches == ["登山鞋品牌", "徒步鞋", "登山鞋女"]  # not the 反馈 link
    assert page2.query == "登山鞋推荐"
    assert page2.has_next
    assert page2.next_url == (
        "https://www.so.com/s?q=%E7%99%BB%E5%B1%B1%E9%9E%8B%E6%8E%A8%E8%8D%90&pn=3&src=srp_paging"
    )


def test_registered_under_the_engine_name(page2):
    body = (FIX / "page2_ads_redirects.html").read_bytes()
    assert parse_serp("so360", body, PAGE2_URL) == page2


def test_last_page_has_no_next():
    body = (FIX / "page2_ads_redirects.html").read_bytes().replace(b'id="snext"', b'id="sgone"')
    page = parse(body, PAGE2_URL)
    assert page.organic and not page.has_next and page.next_url is None


# --- blocks and empty pages -------------------------------------------------------------------


@pytest.mark.parametrize(
    "url", [SEARCH_URL, "https://www.so.com/captcha/?from=https%3A%2F%2Fwww.so.com%2Fs%3Fq%3Dx"]
)
def test_captcha_page_is_a_block(url):
    page = _page("captcha.html", url)
    assert page.blocked == BLOCK_CAPTCHA
    assert not page.organic and not page.ok and page.parse_error is None


def test_captcha_url_blocks_whatever_the_body():
    assert parse(b"", "https://www.so.com/captcha/?from=x").blocked == BLOCK_CAPTCHA


def test_search_url_mentioning_captcha_in_the_query_is_not_a_block(page2):
    body = (FIX / "page2_ads_redirects.html").read_bytes()
    page = parse(body, "https://www.so.com/s?q=qcaptcha+antispider")
    assert page.blocked is None and len(page.organic) == 4


def test_no_results_page_is_an_explicit_empty_ranking():
    page = _page("no_results.html", SEARCH_URL)
    assert page.no_results and page.ok
    assert page.organic == [] and page.query == "qzxv登山鞋zzkq"


# --- encodings --------------------------------------------------------------------------------


def test_gbk_page_declared_only_by_the_http_header():
    body = (FIX / "gbk_header_only.html").read_bytes()
    assert meta_charset(body) is None  # nothing in the markup names the encoding
    page = parse(body, SEARCH_URL, {"content-type": "text/html;charset=gbk"})
    assert page.encoding == "gb18030" and page.decode_errors == 0
    assert page.query == "普洱茶价格"
    assert [(r.title, r.url) for r in page.organic] == [
        ("普洱茶价格表（2022年最新）_普洱茶网", "http://www.puer-example.cn/price/2022.html"),
        ("普洱茶一饼多少钱？_问答", "https://zhidao.example-qa.com/question/42.html"),
    ]


# --- garbage ----------------------------------------------------------------------------------

_PNG = (
    b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + b"IHDR" + struct.pack(">IIBBBBB", 1, 1, 8, 6, 0, 0, 0)
    + b"\0" * 4 + b"\0\0\0\0IEND\xaeB`\x82"
)
GARBAGE = {
    "empty": b"",
    "whitespace": b" \r\n\t ",
    "nul bytes": b"\0" * 64,
    "random bytes": random.Random(11).randbytes(8192),
    "json": json.dumps({"q": "登山鞋", "result": [{"title": "x"}]}, ensure_ascii=False).encode(),
    "png": _PNG,
    "utf-16 html": "<html><body><ul class='result'></ul></body></html>".encode("utf-16"),
    "xml declaration": b'<?xml version="1.0" encoding="gbk"?><html><body>x</body></html>',
    "deep nesting": b"<li>" * 5000,
}


@pytest.mark.parametrize("body", GARBAGE.values(), ids=GARBAGE.keys())
def test_garbage_never_raises_and_is_a_layout_error(body):
    page = parse(body, SEARCH_URL)
    assert isinstance(page, SerpPage)
    assert page.organic == [] and page.blocked is None
    assert page.parse_error == PARSE_ERROR_LAYOUT


def test_truncated_page_keeps_what_arrived():
    full = (FIX / "page2_ads_redirects.html").read_bytes()
    cut = full[: full.index(b'data-url="http://bbs.hiker')]
    page = parse(cut, PAGE2_URL)
    assert [r.url for r in page.organic] == [r.url for r in parse(full, PAGE2_URL).organic[:2]]


def test_malformed_attributes_do_not_raise():
    body = (
        b"<html><body><div id='main'><ul class='result'>"
        b"<li class='res-list'><h3><a href='http://[::1/x' data-res='{not json'>broken</a></h3></li>"
        b"<li class='res-list'><h3><a href='https://www.so.com/link?m=z' data-res='{\"pos\":\"x\"}'"
        b" data-mdurl='javascript:alert(1)'>odd</a></h3></li>"
        b"</ul></div><a id='snext' href='http://[::1'>next</a></body></html>"
    )
    page = parse(body, SEARCH_URL)
    assert [(r.title, r.url, r.block_position) for r in page.organic] == [
        ("broken", "http://[::1/x", 1),
        ("odd", None, 2),
    ]
    assert not page.has_next


# --- the real captures: what the truth files' organic lists do not cover ---------------------


def _real(stem: str):
    folder = require_shared("serp") / "so360"
    truth = json.loads((folder / f"{stem}.truth.json").read_text("utf-8"))
    return truth, parse_serp("so360", (folder / f"{stem}.html").read_bytes(), SEARCH_URL)


@pytest.mark.parametrize("stem", ["2019-anjian-diaocha-bilu", "2022-sichuan-dizhen"])
def test_real_special_cards_match_the_truth(stem):
    truth, page = _real(stem)
    want = [(s["block_position"], s["title"], s["url"]) for s in truth["special"]]
    assert [(s.block_position, s.title, s.url) for s in page.special] == want


def test_real_2019_page_extras():
    truth, page = _real("2019-anjian-diaocha-bilu")
    assert page.query == truth["query"]
    assert [s.kind for s in page.special] == ["images"]
    assert page.related_searches[:3] == ["案件调查笔录范文", "水事案件调查笔录", "纪检案件调查笔录"]
    assert "反馈" not in page.related_searches
    assert page.has_next and "pn=2" in page.next_url
    assert page.ads.count == 0  # the right column holds only 360's own slogan
    # the shown URL is the <cite> text; the "-" after it separates it from the 快照 link
    assert page.organic[1].display_url == "www.exam8.com>...>法律文书>笔录"


def test_real_2022_page_extras():
    truth, page = _real("2022-sichuan-dizhen")
    assert page.query == truth["query"]
    assert [s.kind for s in page.special] == ["news", "news"]
    assert len(page.related_searches) == 9 and page.related_searches[0] == "四川频繁发生地震原因"
    assert page.has_next and page.next_url.startswith("https://www.so.com/s?q=")
    assert page.ads.count == 0
