"""Baidu PC parser: hand-written pages for what the real captures lack, and the real captures' extras."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

import pytest

from seowatch.crawlers.parsers import get_parser, parse_serp
from seowatch.crawlers.parsers.baidu import data_log, parse, special_kind
from seowatch.crawlers.parsers.model import (
    BLOCK_CAPTCHA,
    BLOCK_SECURITY_CHECK,
    PARSE_ERROR_LAYOUT,
    SerpPage,
)
from tests.conftest import OWN_FIXTURES, require_shared

FIXTURES = OWN_FIXTURES / "serp" / "baidu"
PAGE2_URL = "https://www.baidu.com/s?wd=python%E6%95%99%E7%A8%8B&pn=10"


def _fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


# --- a modern page 2: mu on organic blocks, ads, cards, 相关搜索, pagination ----------------------


@pytest.fixture(scope="module")
def page2() -> SerpPage:
    return parse(_fixture("page2-modern.html"), PAGE2_URL)


def test_registry_points_at_this_module():
    assert get_parser("baidu") is parse


def test_page2_organic_results(page2):
    assert page2.ok and not page2.no_results
    got = [(r.position, r.block_position, r.url, r.link, r.display_url, r.title) for r in page2.organic]
    assert got == [
        (1, 11, "https://docs.python.org/zh-cn/3/tutorial/index.html",
         "http://www.baidu.com/link?url=Pg2Demo11aaaaaaaaaaaaaaaaaaaa", "docs.python.org/zh-cn/3/tu...",
         "Python 教程 — Python 3 文档"),
        (2, 12, "https://www.liaoxuefeng.com/wiki/1016959663602400",
         "http://www.baidu.com/link?url=Pg2Demo12bbbbbbbbbbbbbbbbbbbb", "廖雪峰的官方网站",
         "Python教程 - 廖雪峰的官方网站"),
        (3, 14, "https://www.runoob.com/python3/python3-tutorial.html",
         "http://www.baidu.com/link?url=Pg2Demo14cccccccccccccccccccc", "菜鸟教程", "Python3 教程 | 菜鸟教程"),
        (4, 15, "https://zhuanlan.zhihu.com/p/104591929",
         "http://www.baidu.com/link?url=Pg2Demo15dddddddddddddddddddd", "知乎", "有哪些值得推荐的Python教程? - 知乎"),
        (5, 17, "https://www.w3cschool.cn/python3/",
         "http://www.baidu.com/link?url=Pg2Demo17eeeeeeeeeeeeeeeeeeee", "www.w3cschool.cn/python3/",
         "Python 3 入门教程_w3cschool"),
    ]
    assert page2.organic[0].snippet.startswith("Python 是一门易于学习")
    assert page2.organic[4].snippet is None


def test_page2_ads_counted_with_their_domains(page2):
    # 3001 by its ad id and data-tuiguang label; the bottom one only by its 广告 label.
    assert page2.ads.count == 2
    assert page2.ads.domains == ("www.pyschool-demo.cn", "m.mashang-demo.com")
    assert all("baidu.php" not in (r.link or "") for r in page2.organic)


def test_page2_cards_are_special_not_organic(page2):
    assert [(s.kind, s.block_position, s.title, s.url) for s in page2.special] == [
        ("baike", 13, "Python(计算机编程语言)_百度百科", "https://baike.baidu.com/item/Python/407313"),
        ("news", 16, "python教程的最新相关信息", "https://www.baidu.com/s?tn=news&rtt=1&wd=python%E6%95%99%E7%A8%8B"),
        ("related", 18, None, None),
    ]


def test_page2_related_query_and_next_page(page2):
    # 大家还在搜 between the results first, then the 相关搜索 table; "python入门" once
    assert page2.related_searches == ["python入门教程", "python入门", "python爬虫", "python自学", "python安装"]
    assert page2.query == "python教程"
    assert page2.has_next
    assert page2.next_url == (
        "https://www.baidu.com/s?wd=python%E6%95%99%E7%A8%8B&pn=20&oq=python%E6%95%99%E7%A8%8B&ie=utf-8&rsv_page=1"
    )


def test_the_word_ad_in_a_title_does_not_make_an_ad():
    body = _fixture("page2-modern.html").replace(
        "<!--s-text-->有哪些值得推荐的".encode(), "<!--s-text-->广告 设计: 有哪些值得推荐的".encode()
    )
    page = parse(body, PAGE2_URL)
    assert page.ads.count == 2
    assert page.organic[3].title.startswith("广告 设计: ")


def test_an_ad_showing_a_brand_name_has_no_domain():
    body = (
        _fixture("page2-modern.html")
        .replace(b' data-landurl="https://www.pyschool-demo.cn/python/?src=bd"', b"")
        .replace(b">www.pyschool-demo.cn<", ">码上学 官方<".encode())
    )
    page = parse(body, PAGE2_URL)
    assert page.ads.count == 2
    assert page.ads.domains == ("m.mashang-demo.com",)


def test_last_page_has_no_next():
    body = _fixture("page2-modern.html").replace("下一页 &gt;".encode(), "尾页".encode())
    page = parse(body, PAGE2_URL)
    assert not page.has_next and page.next_url is None
    assert len(page.organic) == 5


# --- blocks, no results, unrecognised layouts ------------------------------------------------------


def test_security_check_page_is_blocked():
    page = parse(_fixture("security-check.html"), "https://www.baidu.com/s?wd=python")
    assert page.blocked == BLOCK_SECURITY_CHECK
    assert page.organic == [] and not page.ok and page.parse_error is None


def test_security_check_without_its_title_still_blocked():
    body = _fixture("security-check.html").replace("<title>百度安全验证</title>".encode(), b"<title></title>")
    assert parse(body, "https://www.baidu.com/s?wd=python").blocked == BLOCK_SECURITY_CHECK


@pytest.mark.parametrize(
    "url",
    [
        "https://wappass.baidu.com/static/captcha/tuxing.html?ak=demo&backurl=https%3A%2F%2Fwww.baidu.com%2Fs",
        "http://verify.baidu.com/vcode?http://www.baidu.com/s?wd=python",
    ],
)
def test_captcha_url_is_blocked_whatever_the_body(url):
    page = parse(_fixture("page2-modern.html"), url)
    assert page.blocked == BLOCK_CAPTCHA
    assert page.organic == []


def test_no_results_page():
    page = parse(_fixture("no-results.html"), "https://www.baidu.com/s?wd=zqxjv8k2w9")
    assert page.no_results and page.ok
    assert page.organic == [] and page.blocked is None
    assert page.query == "zqxjv8k2w9 site:example.invalid"


def test_unknown_layout_is_a_parse_error_not_an_empty_ranking():
    body = (
        '<html><head><meta charset="utf-8"><title>python_百度搜索</title></head><body>'
        '<script>var msg = "抱歉没有找到与";</script><div id="content_left">'
        '<div class="brand-new-layout"><a href="http://www.baidu.com/link?url=x">Python</a></div>'
        "</div></body></html>"
    ).encode()
    page = parse(body, "https://www.baidu.com/s?wd=python")
    assert page.parse_error == PARSE_ERROR_LAYOUT
    assert not page.no_results and page.blocked is None
    assert page.query == "python"


def test_2015_shown_url_loses_its_date():
    body = (
        '<html><head><meta charset="utf-8"><title>number_百度搜索</title></head><body>'
        '<div id="wrapper"><div id="head"></div><div id="u"></div><div id="wrapper_wrapper"><div id="container">'
        '<div id="content_left"><div class="result c-container " id="1" srcid="1599" tpl="se_com_default">'
        '<h3 class="t"><a href="http://www.baidu.com/link?url=Old1">number_海词词典</a></h3>'
        '<div class="c-abstract">海词词典为您提供number的在线翻译</div>'
        '<div class="f13"><span class="g">dict.cn/<b>number</b>&nbsp;2009-01-07&nbsp;</span> - '
        '<a class="m" href="http://cache.baiducontent.com/c?m=x">百度快照</a></div>'
        "</div></div></div></div></div></body></html>"
    ).encode()
    page = parse(body, "https://www.baidu.com/s?wd=number")
    assert [(r.display_url, r.title, r.snippet) for r in page.organic] == [
        ("dict.cn/number", "number_海词词典", "海词词典为您提供number的在线翻译")
    ]


# --- encodings and garbage ---------------------------------------------------------------------------

GBK_PAGE = (
    "<html><head><title>连云港月子中心_百度搜索</title></head><body>"
    '<div id="wrapper_wrapper"><div id="container"><div id="content_left">'
    '<div class="result c-container " id="1" srcid="1599" tpl="se_com_default">'
    '<h3 class="t"><a href="http://www.baidu.com/link?url=GbkDemo1">连云港月子中心哪家好_母婴护理</a></h3>'
    '<div class="c-abstract">专业产后护理，月子餐与新生儿照护。</div>'
    '<div class="f13"><a class="c-showurl" href="http://www.baidu.com/link?url=GbkDemo1">www.yuezi-demo.cn/</a></div>'
    "</div></div></div></div></body></html>"
)


@pytest.mark.parametrize(
    "headers",
    [{"Content-Type": "text/html; charset=GBK"}, {b"Content-Type": [b"text/html;charset=gbk"]}],
)
def test_gbk_page_declared_by_header_only(headers):
    body = GBK_PAGE.encode("gbk")
    page = parse(body, "https://www.baidu.com/s?wd=x", headers)
    assert page.encoding == "gb18030"
    assert page.decode_errors == 0
    assert [(r.title, r.display_url, r.block_position) for r in page.organic] == [
        ("连云港月子中心哪家好_母婴护理", "www.yuezi-demo.cn/", 1)
    ]
    assert page.query == "连云港月子中心"


GARBAGE = {
    "empty": b"",
    "whitespace": b"  \n\t ",
    "binary": bytes(range(256)) * 37,
    "png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10" + b"\x00" * 64,
    "json": json.dumps({"wd": "python", "results": [{"title": "x", "url": "http://x"}]}).encode(),
    "half-tag": b"<html><body><div id='content_left'><div class='result c-container' id='1' tpl='se_",
    "nul": b"\x00" * 1000,
    "utf16-bom": "\ufeff<html><title>百度</title></html>".encode("utf-16"),
}


@pytest.mark.parametrize("name", sorted(GARBAGE))
def test_garbage_never_raises(name):
    page = parse(GARBAGE[name], "https://www.baidu.com/s?wd=x")
    assert isinstance(page, SerpPage)
    assert page.organic == []
    assert page.parse_error == PARSE_ERROR_LAYOUT


def test_truncated_pages_never_raise_and_keep_what_arrived():
    body = _fixture("page2-modern.html")
    for cut in range(0, len(body), 53):
        assert isinstance(parse(body[:cut], PAGE2_URL), SerpPage)
    # Cut inside block 14: blocks 11 and 12 arrived whole.
    cut = body.index(b'id="14"') + 200
    page = parse(body[:cut], PAGE2_URL)
    assert [r.block_position for r in page.organic][:2] == [11, 12]
    assert page.organic[0].url == "https://docs.python.org/zh-cn/3/tutorial/index.html"


# --- helpers -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tpl", "kind"),
    [
        ("bk_polysemy", "baike"),
        ("sp_fanyi", "translate"),
        ("dict3", "translate"),
        ("singer", "music"),
        ("musicsongs", "music"),
        ("short_video_pc", "video"),
        ("sp_realtime_bigpic5", "news"),
        ("img_address", "images"),
        ("tieba_general", "tieba"),
        ("med_disease_kg_collection", "health"),
        ("ask_doctor", "health"),
        ("sg_kg_entity_san", "knowledge_panel"),
        ("exactqa_word", "answer"),
        ("wenda_abstract", "featured_snippet"),
        ("wenda_generate", "people_also_ask"),
        ("map_bmap_list", "local"),
        ("shop_goods_list", "shopping"),
        ("recommend_list", "related"),
        ("game_strategy", "other"),
        (None, "other"),
    ],
)
def test_special_kind(tpl, kind):
    assert special_kind(tpl) == kind


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ('{"order":3,"mu":"https:\\/\\/a.cn\\/x"}', {"order": 3, "mu": "https://a.cn/x"}),
        ("{'ensrcid':'www_normal','order':'8','mu':'http:\\/\\/b.cn\\/'}",
         {"ensrcid": "www_normal", "order": "8", "mu": "http://b.cn/"}),
        ("{'order':4}", {"order": 4}),
        ("not a log", {}),
        ("", {}),
        (None, {}),
    ],
)
def test_data_log(raw, expected):
    assert data_log(raw) == expected


# --- the real captures: what their truth files and markup show beyond the organic list ------------


def _real_pages() -> list[Path]:
    folder = require_shared("serp") / "baidu"
    return sorted(folder.glob("*.truth.json"))


def _real(truth_path: Path) -> tuple[dict, SerpPage]:
    truth = json.loads(truth_path.read_text("utf-8"))
    html = truth_path.with_name(truth_path.name[: -len(".truth.json")] + ".html")
    url = "https://www.baidu.com/s?wd=" + quote(truth["query"])
    return truth, parse_serp("baidu", html.read_bytes(), url)


def test_real_pages_special_blocks_query_and_pagination():
    pages = _real_pages()
    assert len(pages) == 7
    for truth_path in pages:
        truth, page = _real(truth_path)
        assert page.query == truth["query"], truth_path.name
        assert [(s.block_position, s.title, s.url) for s in page.special] == [
            (s["block_position"], s["title"], s["url"]) for s in truth["special"]
        ], truth_path.name
        assert page.has_next, truth_path.name
        assert parse_qs(urlsplit(page.next_url).query)["pn"] == ["10"]
        assert page.ads.count == 0 and page.ads.domains == ()
        assert not page.no_results and page.encoding == "utf-8"
        assert all(r.snippet for r in page.organic), truth_path.name


def test_real_pages_special_kinds():
    kinds = {p.name.split(".")[0]: [s.kind for s in _real(p)[1].special] for p in _real_pages()}
    assert kinds["pc-2015-number"] == ["translate", "baike", "music", "baike"]
    assert kinds["pc-2015-long-german-query-truncated"] == ["translate"]
    assert kinds["pc-2020-wo-many-cards"] == ["baike", "answer", "other", "images", "music", "tieba"]
    assert kinds["pc-2020-xinguan-news-health"] == ["health", "news", "health"]
    assert kinds["pc-2018-yuezi-key668"] == []


def test_real_pages_related_searches():
    related = {p.name.split(".")[0]: _real(p)[1].related_searches for p in _real_pages()}
    assert related["pc-2015-long-german-query-truncated"] == ["ich gehoer nur mir", "ich gehor nur mir", "einfach"]
    assert related["pc-2015-number"][:3] == ["serial number", "number 9", "id number"]
    assert related["pc-2020-xinguan-news-health"][0] == "全国新冠新增最新消息"
    assert all(len(terms) == 9 for name, terms in related.items() if "german" not in name)
