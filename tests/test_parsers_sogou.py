"""seowatch.crawlers.parsers.sogou: hand-written pages for what the real captures lack, plus the
real captures' related searches, query, pagination and encoding."""

from __future__ import annotations

import json
import random
import struct

import pytest

from seowatch.crawlers.decoding import meta_charset
from seowatch.crawlers.parsers import parse_serp
from seowatch.crawlers.parsers.model import BLOCK_CAPTCHA, PARSE_ERROR_LAYOUT, SerpPage
from seowatch.crawlers.parsers.sogou import parse
from tests.conftest import OWN_FIXTURES, require_shared

FIX = OWN_FIXTURES / "serp" / "sogou"
PAGE2_URL = "https://www.sogou.com/web?query=%E8%8C%B6%E5%8F%B6%E7%A4%BC%E7%9B%92&page=2&ie=utf8"
SEARCH_URL = "https://www.sogou.com/web?query=x"


def _page(name: str, url: str = PAGE2_URL, headers=None) -> SerpPage:
    return parse((FIX / name).read_bytes(), url, headers)


@pytest.fixture(scope="module")
def page2() -> SerpPage:
    return _page("page2_redirects_ads.html")


# --- a 2022-style second page: redirects, specials, ads, related searches, next link ---------


def test_page2_organic_results_skip_ads_and_specials(page2):
    assert page2.ok
    assert [r.position for r in page2.organic] == [1, 2, 3, 4]
    # page-local place among the result blocks: the 搜狗知识 widget (3) and baike (5) are
    # special, the labelled in-list ad and the hidden spacer are not blocks at all
    assert [r.block_position for r in page2.organic] == [1, 2, 4, 6]
    assert [r.title for r in page2.organic] == [
        "茶叶礼盒怎么选？十款送礼茶叶横评-茶道网",
        "2022年茶叶礼盒排行榜 图文",
        "Tea gift boxes - buying guide",
        "中秋茶叶礼盒推荐 送长辈送客户都体面",
    ]


def test_page2_redirect_links_have_no_url_but_keep_the_link_as_written(page2):
    first, vr, direct, last = page2.organic
    assert first.url is None and first.link == "/link?url=T0pEaXhmN2ZxQ0tzZkFiY2RlZmdoaWprbG1ub3Bx"
    assert vr.url is None and vr.link.startswith("/link?url=")
    assert last.url is None and last.link == "/link?url=Q0hBWUVQSU5HSlVFWEFNUExFNjY."
    # a direct href (2012/2017 style) is the real target
    assert direct.url == direct.link == "https://www.tea-direct-example.org/gift/boxes.html"


def test_page2_display_urls_lose_dates_and_translate_link(page2):
    assert [r.display_url for r in page2.organic] == [
        "茶道网 - www.chadao-example.com/a...",
        "礼品百科 - lipin-example.net/ph...",
        "www.tea-direct-example.org/gift/...",
        "什么值得买 - post.smzdm-example.com/p/...",
    ]


def test_page2_snippets_lose_leading_dates(page2):
    assert page2.organic[0].snippet == "送礼选茶叶礼盒，先看茶类，再看包装和产地……"
    assert page2.organic[3].snippet == "中秋将至……"


def test_page2_specials_are_widgets_linking_back_into_sogou(page2):
    kinds = [(s.kind, s.title, s.block_position) for s in page2.special]
    assert kinds == [("other", "搜狗知识：茶叶礼盒相关问答", 3), ("baike", "茶叶礼盒 - 搜狗百科", 5)]
    assert page2.special[0].url.startswith("https://www.sogou.com/sogou?query=")
    assert page2.special[1].url == "https://baike.sogou.com/v12345678.htm"


def test_page2_ads_counted_with_their_domains(page2):
    # two on top, one labelled block inside div.results, one at the bottom
    assert page2.ads.count == 4
    assert page2.ads.domains == ("www.cha-shop-one.com", "tea-gift-two.cn", "www.pifa-tea-ad.com")


def test_page2_related_searches_query_and_next_page(page2):
    assert page2.related_searches == ["茶叶礼盒送领导", "茶叶礼盒品牌", "茶叶礼盒价格", "茶叶礼盒包装"]
    assert page2.query == "茶叶礼盒"
    assert page2.has_next
    assert page2.next_url == (
        "https://www.sogou.com/web?query=%E8%8C%B6%E5%8F%B6%E7%A4%BC%E7%9B%92&page=3&ie=utf8"
    )


def test_registered_under_the_engine_name(page2):
    via_registry = parse_serp("sogou", (FIX / "page2_redirects_ads.html").read_bytes(), PAGE2_URL)
    assert via_registry == page2


def test_last_page_has_no_next():
    body = (FIX / "page2_redirects_ads.html").read_bytes().replace(b'id="sogou_next"', b'id="sogou_gone"')
    page = parse(body, PAGE2_URL)
    assert page.organic and not page.has_next and page.next_url is None


def test_2017_style_blocks_with_nbsp_dates_and_relative_ages():
    body = """<html><head><meta charset="utf-8"></head><body><div id="main"><div class="results">
      <div class="rb" id="rb_0"><h3 class="pt"><a href="http://www.a-example.com/p/1.html">甲</a></h3>
        <div class="ft">摘要甲</div><div class="fb"><cite>www.a-example.com/p/1.html&nbsp;-&nbsp;2017-3-1</cite></div></div>
      <div class="vrwrap"><h3 class="vrTitle"><a href="https://b-example.org/">乙</a></h3>
        <p class="str_info">摘要乙</p><cite>b-example.org/ - 1天前</cite></div>
      <div class="rb" id="rb_2"><h3 class="pt"><a href="javascript:void(0)">无链接</a></h3></div>
      <div class="rb" id="rb_3"><h3 class="pt"><a href="http://c-example.net/2017-03">丙</a></h3>
        <cite>c-example.net/2017-03</cite></div>
    </div></div></body></html>""".encode()
    page = parse(body, SEARCH_URL)
    assert [(r.title, r.url, r.display_url, r.block_position) for r in page.organic] == [
        ("甲", "http://www.a-example.com/p/1.html", "www.a-example.com/p/1.html", 1),
        ("乙", "https://b-example.org/", "b-example.org/", 2),
        # a date that is part of the URL itself stays
        ("丙", "http://c-example.net/2017-03", "c-example.net/2017-03", 3),
    ]
    assert [r.snippet for r in page.organic] == ["摘要甲", "摘要乙", None]


# --- blocks and empty pages -------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        SEARCH_URL,  # the redirect was followed silently: the markup tells
        "https://www.sogou.com/antispider/?from=%2Fweb%3Fquery%3Dx",
    ],
)
def test_antispider_page_is_a_captcha_block(url):
    page = _page("antispider.html", url)
    assert page.blocked == BLOCK_CAPTCHA
    assert not page.organic and not page.ok
    assert page.parse_error is None


def test_antispider_url_blocks_whatever_the_body():
    page = parse(b"", "https://www.sogou.com/antispider/?from=%2Fweb%3Fquery%3Dx")
    assert page.blocked == BLOCK_CAPTCHA


def test_no_results_page_is_an_explicit_empty_ranking():
    page = _page("no_results.html", SEARCH_URL)
    assert page.no_results
    assert page.blocked is None and page.parse_error is None and page.ok
    assert page.organic == [] and page.query == "qzxv茶叶礼盒zzkq"


def test_no_results_text_inside_a_script_does_not_count():
    script = "<script>var t='抱歉，没有找到与';</script>"
    body = f"<html><body><div id='main'></div>{script}</body></html>".encode()
    page = parse(body, SEARCH_URL)
    assert not page.no_results
    assert page.parse_error == PARSE_ERROR_LAYOUT


# --- encodings --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [{"Content-Type": "text/html; charset=GBK"}, {b"Content-Type": [b"text/html; charset=gbk"]}],
)
def test_gbk_page_declared_only_by_the_http_header(headers):
    body = (FIX / "gbk_header_only.html").read_bytes()
    assert meta_charset(body) is None  # nothing in the markup names the encoding
    page = parse(body, SEARCH_URL, headers)
    assert page.encoding == "gb18030" and page.decode_errors == 0
    assert page.query == "途观报价"
    assert [r.title for r in page.organic] == ["途观最新报价_参数配置_汽车频道", "【讨论】途观和奇骏怎么选？_论坛"]
    assert [r.display_url for r in page.organic] == [
        "auto.example-gbk.com.cn/tiguan/price.shtml",
        "bbs.example-gbk.cn/thread-88.html",
    ]
    assert page.organic[0].snippet == "途观（进口）最新报价，经销商优惠信息汇总……"


# --- garbage ----------------------------------------------------------------------------------

_PNG = (
    b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + b"IHDR" + struct.pack(">IIBBBBB", 1, 1, 8, 6, 0, 0, 0)
    + b"\0" * 4 + b"\0\0\0\0IEND\xaeB`\x82"
)
GARBAGE = {
    "empty": b"",
    "whitespace": b" \r\n\t ",
    "nul bytes": b"\0" * 64,
    "random bytes": random.Random(7).randbytes(8192),
    "json": json.dumps({"query": "茶叶", "results": [{"title": "x"}]}, ensure_ascii=False).encode(),
    "png": _PNG,
    "utf-16 html": "<html><body><div class='results'></div></body></html>".encode("utf-16"),
    "xml declaration": b'<?xml version="1.0" encoding="gbk"?><html><body>x</body></html>',
    "deep nesting": b"<div>" * 5000,
}


@pytest.mark.parametrize("body", GARBAGE.values(), ids=GARBAGE.keys())
def test_garbage_never_raises_and_is_a_layout_error(body):
    page = parse(body, SEARCH_URL)
    assert isinstance(page, SerpPage)
    assert page.organic == [] and page.blocked is None
    assert page.parse_error == PARSE_ERROR_LAYOUT


def test_truncated_page_keeps_what_arrived():
    full = (FIX / "page2_redirects_ads.html").read_bytes()
    cut = full[: full.index(b'id="rb_4"')]
    page = parse(cut, PAGE2_URL)
    assert [r.title for r in page.organic] == [r.title for r in parse(full, PAGE2_URL).organic[:2]]


def test_malformed_hrefs_do_not_raise():
    body = (
        b"<html><body><div id='main'><div class='results'>"
        b"<div class='rb'><h3><a href='http://[::1/x'>broken</a></h3></div>"
        b"<div class='rb'><h3><a href='javascript:void(0)'>js</a></h3></div>"
        b"</div></div><a id='sogou_next' href='http://[::1'>next</a></body></html>"
    )
    page = parse(body, SEARCH_URL)
    assert [r.title for r in page.organic] == ["broken"]
    assert not page.has_next


# --- the real captures: what the truth files do not cover ------------------------------------


def _real(name: str) -> SerpPage:
    folder = require_shared("serp") / "sogou"
    return parse_serp("sogou", (folder / name).read_bytes(), SEARCH_URL)


def test_real_2012_gbk_page_extras():
    page = _real("2012-tuguan-xin-gaikuan-gbk.html")
    assert page.encoding == "gb18030" and page.decode_errors == 0
    assert page.query == "途观新改款"
    assert len(page.related_searches) == 9
    assert page.related_searches[:3] == ["2012款新途观图片", "2012进口大众新途观", "途观对比新蒙迪欧致胜"]
    assert page.has_next and "page=2" in page.next_url
    assert page.next_url.startswith("https://www.sogou.com/web?")
    assert page.ads.count == 0 and page.special == []  # the "更多...请点击" brand links are not ads


def test_real_2022_page_extras():
    page = _real("2022-tigong-jinkou-qiqiang.html")
    assert page.encoding == "utf-8"
    assert page.query == "提供进口气枪"
    assert page.has_next and page.next_url.endswith("page=2&ie=utf8")
    assert page.related_searches == []  # this capture carries no 相关搜索 block
    assert page.organic[0].snippet.startswith("经台湾“刑事局”初步鉴定")
