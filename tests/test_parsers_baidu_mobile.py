"""Baidu mobile parser on hand-written m.baidu.com pages (no real mobile capture exists yet)."""

from __future__ import annotations

import re

import pytest

from seowatch.crawlers.parsers import get_parser
from seowatch.crawlers.parsers.baidu_mobile import parse
from seowatch.crawlers.parsers.model import (
    BLOCK_CAPTCHA,
    BLOCK_SECURITY_CHECK,
    PARSE_ERROR_LAYOUT,
    SerpPage,
)
from tests.conftest import OWN_FIXTURES

FIXTURES = OWN_FIXTURES / "serp" / "baidu_mobile"
URL = "https://m.baidu.com/s?word=python%E6%95%99%E7%A8%8B"


def _fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


@pytest.fixture(scope="module")
def page1() -> SerpPage:
    return parse(_fixture("results-page1.html"), URL)


def test_registry_points_at_this_module():
    assert get_parser("baidu_mobile") is parse


def test_organic_results_with_real_urls_from_data_log(page1):
    assert page1.ok and not page1.no_results
    got = [(r.position, r.block_position, r.url, r.display_url, r.title) for r in page1.organic]
    assert got == [
        # data-log JSON with escaped slashes
        (1, 1, "https://www.runoob.com/python3/python3-tutorial.html", "菜鸟教程", "Python3 教程 | 菜鸟教程"),
        (2, 3, "https://www.liaoxuefeng.com/wiki/1016959663602400", "廖雪峰的官方网站", "Python教程 - 廖雪峰的官方网站"),
        (3, 6, "https://zhuanlan.zhihu.com/p/104591929", "知乎", "有哪些值得推荐的Python教程? - 知乎"),
        # older www_normal block: single-quoted data-log, title in h3
        (4, 8, "http://c.biancheng.net/python/", "c.biancheng.net", "Python基础教程,Python入门教程_C语言中文网"),
    ]


def test_links_are_the_baidu_redirects_as_written(page1):
    links = [r.link for r in page1.organic]
    assert all(link.startswith("https://m.baidu.com/from=844b/") for link in links)
    assert "&order=1&" in links[0] and "&order=8&" in links[3]


def test_snippets(page1):
    assert page1.organic[1].snippet == "中文,免费,零起点,完整示例,基于最新的Python 3版本。"
    assert page1.organic[3].snippet == "本套Python教程通俗易懂,深入浅出。"


def test_ads_counted_per_item_with_domains(page1):
    # two items of the ec_wise_ad box at the top, one c-result ad (ec_ tpl, 广告 label)
    assert page1.ads.count == 3
    assert page1.ads.domains == ("m.pyschool-demo.cn", "www.codeclass-demo.com", "www.tedu-demo.cn")


def test_aladdin_cards_are_special(page1):
    assert [(s.kind, s.block_position, s.title, s.url) for s in page1.special] == [
        ("baike", 2, "Python - 百度百科", "https://baike.baidu.com/item/Python/407313"),
        ("video", 5, "python教程的相关视频", "https://haokan.baidu.com/videoui/page/search?query=python"),
        ("related", 7, "大家还在搜", None),
    ]


def test_related_query_and_next_page(page1):
    assert page1.related_searches == ["python下载", "python基础", "python入门", "python爬虫"]
    assert page1.query == "python教程"
    assert page1.has_next
    assert page1.next_url == "https://m.baidu.com/s?word=python%E6%95%99%E7%A8%8B&pn=10&sa=np&ms=1"


def test_related_box_under_its_other_id():
    body = _fixture("results-page1.html").replace(b'id="relativewords"', b'id="reword"')
    assert parse(body, URL).related_searches == ["python下载", "python基础", "python入门", "python爬虫"]


def test_next_page_resolves_against_the_www_mobile_entry():
    page = parse(_fixture("results-page1.html"), "https://www.baidu.com/from=844b/s?word=python")
    assert page.next_url.startswith("https://www.baidu.com/s?word=python%E6%95%99%E7%A8%8B&pn=10")


def test_query_from_title_when_the_box_is_missing():
    body = _fixture("results-page1.html").replace(b'name="word"', b'name="q"')
    assert parse(body, URL).query == "python教程"


def test_blocks_without_order_count_in_page_order():
    body = re.sub(rb"""order="\d+" |"order":\d+,?|'order':'\d+',""", b"", _fixture("results-page1.html"))
    assert b"order=" not in body.replace(b"&amp;order=", b"") and b"order\"" not in body
    page = parse(body, URL)
    # ads without a counter are not counted: org, baike, org, video, org, related, org
    assert [r.block_position for r in page.organic] == [1, 3, 5, 7]


def test_no_results_page():
    page = parse(_fixture("no-results.html"), "https://m.baidu.com/s?word=zqxjv8k2w9")
    assert page.no_results and page.ok
    assert page.organic == [] and page.special == []
    assert page.query == "zqxjv8k2w9 site:example.invalid"


def test_no_results_block_marked_by_class_only():
    block = b'class="c-result result" order="1" tpl="noresult" srcid="noresult"'
    body = _fixture("no-results.html").replace(block, b'class="c-result se-noresult"')
    body = body.replace(b"""data-log='{"ensrcid":"noresult","order":1}'""", b"")
    assert b"tpl=" not in body and b"data-log" not in body
    page = parse(body, "https://m.baidu.com/s?word=zqxjv8k2w9")
    assert page.no_results and page.special == [] and page.ok


def test_no_results_words_in_a_script_do_not_make_an_empty_ranking():
    body = (
        '<html><head><meta charset="utf-8"><title>python - 百度</title>'
        '<script>var tip = "抱歉，未找到相关结果";</script></head>'
        '<body><div id="results"><div class="c-result result" order="1" tpl="brand_new_tpl">'
        "<h3>Python</h3></div></div></body></html>"
    ).encode()
    page = parse(body, URL)
    assert not page.no_results
    assert page.parse_error == PARSE_ERROR_LAYOUT
    assert [(s.kind, s.title, s.block_position) for s in page.special] == [("other", "Python", 1)]


def test_mu_attribute_wins_over_data_log():
    body = _fixture("results-page1.html").replace(
        b'order="6" tpl="www_index"', b'order="6" mu="https://www.zhihu.com/question/1" tpl="www_index"'
    )
    assert parse(body, URL).organic[2].url == "https://www.zhihu.com/question/1"


def test_security_check_page_is_blocked():
    body = (OWN_FIXTURES / "serp" / "baidu" / "security-check.html").read_bytes()
    page = parse(body, URL)
    assert page.blocked == BLOCK_SECURITY_CHECK
    assert page.organic == []


def test_redirect_to_wappass_captcha_is_blocked():
    page = parse(_fixture("results-page1.html"), "https://wappass.baidu.com/static/captcha/tuxing.html?ak=x")
    assert page.blocked == BLOCK_CAPTCHA


def test_pc_page_is_not_read_as_mobile():
    body = (OWN_FIXTURES / "serp" / "baidu" / "page2-modern.html").read_bytes()
    page = parse(body, URL)
    assert page.organic == [] and page.parse_error == PARSE_ERROR_LAYOUT


@pytest.mark.parametrize(
    "body",
    [
        b"",
        bytes(range(256)) * 37,
        b"\x89PNG\r\n\x1a\n" + b"\x00" * 64,
        b'{"errno": 0, "data": []}',
        b"<html><body><div id='results'><div class='c-result result' order='1' data-log='{\"mu\":",
        b"<div id='results'><div class='c-result result' order='x' tpl='www_index' data-log='[1,2]'></div></div>",
    ],
    ids=["empty", "binary", "png", "json", "truncated-attr", "empty-block"],
)
def test_garbage_never_raises(body):
    page = parse(body, URL)
    assert isinstance(page, SerpPage)
    assert page.organic == []
    assert page.parse_error == PARSE_ERROR_LAYOUT


def test_truncated_page_never_raises():
    body = _fixture("results-page1.html")
    for cut in range(0, len(body), 41):
        assert isinstance(parse(body[:cut], URL), SerpPage)
