"""Bing parser: hand-written pages for what the real captures lack, and the extras the real pages show."""

from __future__ import annotations

import base64
import json
import random

import pytest

from seowatch.crawlers.parsers.bing import decode_ck, parse
from seowatch.crawlers.parsers.model import BLOCK_CAPTCHA, PARSE_ERROR_LAYOUT
from tests.conftest import OWN_FIXTURES, require_shared

FIXTURES = OWN_FIXTURES / "serp" / "bing"
URL = "https://www.bing.com/search?q=coffee+beans"
CN_URL = "https://cn.bing.com/search?q=%E5%92%96%E5%95%A1%E8%B1%86&first=11"


def _page(name: str, url: str = URL, headers=None):
    return parse((FIXTURES / name).read_bytes(), url, headers)


def _real(name: str):
    path = require_shared("serp") / "bing" / name
    return parse(path.read_bytes(), "https://www.bing.com/search?q=x")


# --- /ck/a click redirects ----------------------------------------------------------------------


def test_ck_links_decode_to_the_target_and_keep_the_redirect_as_link():
    page = _page("ck-links-ads-related.html")
    assert [r.url for r in page.organic] == [
        "https://www.example.com/coffee/beans?roast=dark&size=1kg",
        "https://zh.wikipedia.org/wiki/咖啡",
        "https://www.coffeereview.com/",
    ]
    assert page.organic[0].link.startswith("https://www.bing.com/ck/a?!&&p=")
    assert page.organic[0].link.endswith("&ntb=1")
    # a direct href is both url and link
    assert page.organic[2].link == page.organic[2].url


def _ck(target: str) -> str:
    u = "a1" + base64.urlsafe_b64encode(target.encode()).decode().rstrip("=")
    return f"https://www.bing.com/ck/a?!&&p=abc&ptn=3&ver=2&u={u}&ntb=1"


@pytest.mark.parametrize(
    "target",
    [
        "https://a.example/",  # no padding stripped
        "https://ab.example/x",  # one '=' stripped
        "https://abc.example/?q=~~~",  # urlsafe alphabet (- and _) in the encoding
        "http://例え.example/パス",
    ],
)
def test_decode_ck_restores_padding_and_the_urlsafe_alphabet(target):
    assert decode_ck(_ck(target)) == target


@pytest.mark.parametrize(
    "href",
    [
        None,
        "",
        "https://www.example.com/",  # not a redirect
        "https://www.bing.com/ck/a?!&&p=abc&ntb=1",  # no u
        "https://www.bing.com/ck/a?!&&p=abc&u=aHR0cHM6Ly9hLmV4YW1wbGUv&ntb=1",  # u without the a1 prefix
        "https://www.bing.com/ck/a?!&&p=abc&u=a1!!!notbase64&ntb=1",
        "https://www.bing.com/ck/a?u=a1" + base64.urlsafe_b64encode(b"javascript:alert(1)").decode(),
    ],
)
def test_decode_ck_refuses_what_is_not_a_web_target(href):
    assert decode_ck(href) is None


# --- ads, blocks, specials, related searches, pagination ---------------------------------------


def test_ads_count_every_unit_of_every_ad_block_with_their_domains():
    page = _page("ck-links-ads-related.html")
    # two units on top, the first advertiser again at the bottom
    assert page.ads.count == 3
    # cite first; the second unit has none, so its aclick u= parameter is decoded
    assert page.ads.domains == ("www.roastery-one.de", "www.beanshop.example")


def test_block_positions_skip_ads_pagination_notices_and_empty_blocks():
    page = _page("ck-links-ads-related.html")
    assert [(r.position, r.block_position) for r in page.organic] == [(1, 1), (2, 3), (3, 5)]
    in_column = [(s.kind, s.block_position) for s in page.special if s.block_position is not None]
    assert in_column == [("images", 2), ("people_also_ask", 4), ("related", 6)]


def test_special_blocks_carry_titles_and_absolute_urls():
    page = _page("ck-links-ads-related.html")
    images, paa, related, panel = page.special
    assert images.title == "Images of Coffee Beans"
    assert images.url == "https://www.bing.com/images/search?q=coffee+beans&FORM=IQFRBA"
    assert paa.title == "People also ask"
    assert related.title == "Related searches for coffee beans"
    assert (panel.kind, panel.title, panel.block_position) == ("knowledge_panel", "Coffee bean", None)


def test_related_searches_query_and_next_page():
    page = _page("ck-links-ads-related.html")
    assert page.related_searches == ["best coffee beans", "coffee beans bulk", "arabica coffee beans"]
    assert page.query == "coffee beans"
    assert page.has_next
    assert page.next_url == "https://www.bing.com/search?q=coffee+beans&first=11&FORM=PORE"


def test_organic_fields():
    first = _page("ck-links-ads-related.html").organic[0]
    assert first.title == "Dark Roast Coffee Beans – Example Coffee"
    assert first.display_url == "https://www.example.com › coffee › beans"
    assert first.snippet == "Whole dark roast coffee beans, 1 kg bags."


# --- cn.bing.com --------------------------------------------------------------------------------


def test_cn_bing_second_page_charset_from_the_header_only():
    page = _page("cn-zh-page2.html", CN_URL, {"Content-Type": "text/html; charset=utf-8"})
    assert page.ok and page.encoding == "utf-8"
    assert page.query == "咖啡豆"
    assert [(r.position, r.title) for r in page.organic] == [
        (1, "咖啡豆_百度百科"),
        (2, "咖啡豆 网上商城 - 精品咖啡豆批发"),
    ]
    assert page.organic[1].url == "https://shop.example.org/"
    assert page.organic[0].display_url == "https://baike.baidu.com/item/咖啡豆"
    assert page.related_searches == ["咖啡豆品牌", "咖啡豆怎么煮"]
    # the 下一页 link, not 上一页, resolved against cn.bing.com
    assert page.next_url == "https://cn.bing.com/search?q=%E5%92%96%E5%95%A1%E8%B1%86&first=21&FORM=PORE"


def test_cn_bing_page_in_gbk_declared_by_header_only():
    body = (FIXTURES / "cn-zh-page2.html").read_text("utf-8").encode("gbk")
    page = parse(body, CN_URL, {b"Content-Type": [b"text/html; charset=GBK"]})
    assert page.encoding == "gb18030"
    assert page.decode_errors == 0
    assert page.organic[0].title == "咖啡豆_百度百科"
    assert page.query == "咖啡豆"


# --- blocks and empty results -------------------------------------------------------------------


@pytest.mark.parametrize("name", ["captcha.html", "captcha-cn.html"])
def test_challenge_page_is_a_captcha_block(name):
    page = _page(name)
    assert page.blocked == BLOCK_CAPTCHA
    assert not page.organic and page.parse_error is None and not page.ok


@pytest.mark.parametrize(
    ("name", "query"), [("no-results.html", "qwzxqwzx kjhkjh"), ("no-results-cn.html", "qwzxqwzx 咔嚓咔嚓")]
)
def test_explicit_no_results_is_an_empty_ranking_not_an_error(name, query):
    page = _page(name)
    assert page.no_results and page.ok
    assert page.blocked is None and page.parse_error is None
    assert page.query == query


def test_no_results_words_inside_a_script_do_not_count():
    body = b"<html><body><ol id='b_results'></ol><script>var m='There are no results for';</script></body></html>"
    page = parse(body, URL)
    assert not page.no_results
    assert page.parse_error == PARSE_ERROR_LAYOUT


# --- garbage never raises -----------------------------------------------------------------------


def _garbage() -> list[bytes]:
    rng = random.Random(20240501)
    full = (FIXTURES / "ck-links-ads-related.html").read_bytes()
    return [
        b"",
        b"   \n",
        bytes(rng.randrange(256) for _ in range(4096)),
        full[:200],
        json.dumps({"b_results": [{"h2": "x"}]}).encode(),
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89",
        b"<ol id='b_results'><li class='b_algo'><h2><a>no href</a></h2></li><li class='b_ad'></li>",
        "<html><body>\ud800</body></html>".encode("utf-8", "surrogatepass"),
    ]


@pytest.mark.parametrize("body", _garbage(), ids=lambda b: f"{len(b)}b")
def test_garbage_never_raises(body):
    page = parse(body, URL)
    assert page.engine == "bing"
    assert page.blocked is None and not page.no_results and not page.organic
    assert page.parse_error == PARSE_ERROR_LAYOUT


def test_truncated_page_keeps_the_results_before_the_cut():
    full = (FIXTURES / "ck-links-ads-related.html").read_bytes()
    cut = full[: full.index(b"<li class=\"b_algo\" data-bm=\"6\">")]
    page = parse(cut, URL)
    assert [r.url for r in page.organic] == [r.url for r in parse(full, URL).organic][:2]


# --- what the real pages show beyond the truth files -------------------------------------------


def test_real_hello_specials_related_query_and_next():
    page = _real("2015-hello-de.html")
    assert [(s.kind, s.block_position) for s in page.special] == [
        ("images", 2),
        ("news", 5),
        ("video", 6),
        ("related", 9),
    ]
    assert page.related_searches[:3] == ["Hello Song", "Hello Hello", "Hello Kitty Bilder"]
    assert page.query == "hello"
    assert page.next_url == "https://www.bing.com/search?q=hello&go=Submit+Query&qs=bs&first=11&FORM=PORE"


def test_real_kaffeemaschine_ads_domains_and_also_try():
    page = _real("2019-kaffeemaschine-kaufen-ads.html")
    assert page.ads.count == 7
    assert "www.beanarella.ch" in page.ads.domains
    assert [(s.kind, s.block_position) for s in page.special] == [("related", 1), ("related", 8)]
    assert page.related_searches[0] == "kaffeemaschine kaufen günstig"
    assert page.has_next and "first=7" in page.next_url


def test_real_coffee_nojs_local_images_people_also_ask_and_panel():
    page = _real("2021-coffee-nojs-ads.html")
    kinds = [(s.kind, s.block_position) for s in page.special]
    assert kinds == [
        ("local", 2),
        ("images", 6),
        ("people_also_ask", 7),
        ("related", 8),
        ("knowledge_panel", None),
    ]
    assert page.ads.count == 8 and "www.amazon.es" in page.ads.domains
    assert page.query == "coffee"


def test_real_chinese_query_on_www_bing():
    page = _real("2020-win10-iso-xiazai.html")
    assert page.query == "win10 iso 下载"
    assert page.related_searches[0] == "win10 镜像下载"
    assert page.organic[0].snippet.startswith("Win10正式版官方iso镜像文件如何下载")


def test_a_private_use_character_in_the_page_text_does_not_shift_fields():
    body = (
        "<html><body><ol id='b_results'><li class='b_algo'><h2><a href='https://a.example/'>Odd \ue000 title</a></h2>"
        "<div class='b_caption'><cite>a.example</cite><p>Snippet \ue000 text</p></div></li></ol></body></html>"
    ).encode()
    (result,) = parse(body, URL).organic
    assert (result.url, result.title, result.display_url, result.snippet) == (
        "https://a.example/",
        "Odd \ue000 title",
        "a.example",
        "Snippet \ue000 text",
    )
