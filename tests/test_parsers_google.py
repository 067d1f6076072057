"""Google result pages: hand-written fixtures for what the real pages lack, plus the blocks, related
searches, queries and pagination the real pages show."""

from __future__ import annotations

import pytest

from seowatch.crawlers.parsers import SerpPage, parse_serp
from seowatch.crawlers.parsers.google import parse
from seowatch.crawlers.parsers.model import BLOCK_CONSENT, BLOCK_UNUSUAL_TRAFFIC, PARSE_ERROR_LAYOUT
from tests.conftest import OWN_FIXTURES, require_shared

FIXTURES = OWN_FIXTURES / "serp" / "google"
SEARCH = "https://www.google.com/search?q=x"


def own(name: str, url: str = SEARCH, headers=None) -> SerpPage:
    return parse((FIXTURES / name).read_bytes(), url, headers)


def real(name: str, query: str = "x") -> SerpPage:
    path = require_shared("serp") / "google" / name
    return parse(path.read_bytes(), f"https://www.google.com/search?q={query}", None)


# --- hand-written pages ---------------------------------------------------------------------
def test_desktop_page_keeps_only_web_results_in_rank_order():
    page = own("desktop-ads-snippet-paa.html")
    assert page.ok and page.blocked is None
    assert [(r.position, r.block_position, r.url) for r in page.organic] == [
        (1, 2, "https://www.coffeereview.example/best-espresso-machines/"),
        (2, 4, "https://www.seriouseats.example/espresso-machines"),
        (3, 6, "https://www.kaffeeshop.example/de/siebtraeger?ref=serp"),
    ]
    first, _, third = page.organic
    assert first.title == "The 9 Best Espresso Machines of 2022 | Coffee Review"
    assert first.display_url == "https://www.coffeereview.example › best-espresso-machines"
    assert first.snippet == "We tested 30 espresso machines at home to find the best ones for every budget."
    # a /url?q= link: the decoded target is the url, the href as written is the link
    assert third.link.startswith("/url?q=https://www.kaffeeshop.example/de/siebtraeger%3Fref%3Dserp&sa=U")
    assert third.display_url == "www.kaffeeshop.example › siebtraeger"


def test_desktop_page_sitelinks_snippet_sources_and_paa_answers_are_not_results():
    urls = [r.url for r in own("desktop-ads-snippet-paa.html").organic]
    assert "https://www.coffeereview.example/grinders/" not in urls  # sitelink
    assert "https://en.wikipedia.example/wiki/Espresso_machine" not in urls  # featured snippet source
    assert "https://www.homebarista.example/guide" not in urls  # People also ask answer
    assert "https://news.example.com/2022/espresso-prices" not in urls  # Top stories card
    assert "https://www.britannica.example/topic/espresso" not in urls  # knowledge panel


def test_desktop_page_counts_text_and_shopping_ads_with_their_domains():
    ads = own("desktop-ads-snippet-paa.html").ads
    assert ads.count == 5  # two top text ads, one bottom text ad, two Shopping units
    assert ads.domains == (
        "www.espressoworld.example",
        "baristasupply.example",
        "www.machinemart.example",
        "shop.beanbarn.example",
        "www.cremahaus.example",
    )


def test_desktop_page_special_blocks_in_page_order():
    special = own("desktop-ads-snippet-paa.html").special
    wiki = "https://en.wikipedia.example/wiki/Espresso_machine"
    more_news = "https://www.google.com/search?q=espresso+machine&tbm=nws&source=univ&sa=X"
    assert [(s.kind, s.title, s.url, s.block_position) for s in special] == [
        ("featured_snippet", "Espresso machine - Wikipedia", wiki, 1),
        ("people_also_ask", "People also ask", None, 3),
        ("news", "Top stories", more_news, 5),
        ("knowledge_panel", "Espresso machine", None, None),
    ]


def test_desktop_page_query_related_searches_and_next_page():
    page = own("desktop-ads-snippet-paa.html")
    assert page.query == "espresso machine"
    # PAA "Search for:" links, tabs and pagination are not related searches
    assert page.related_searches == ["espresso machine for home", "best espresso machine 2022", "意式咖啡机"]
    assert page.has_next
    assert page.next_url == "https://www.google.com/search?q=espresso+machine&ei=xyz&start=10&sa=N"


def test_basic_html_second_page_decodes_url_q_links():
    page = own("basic-page2.html", "https://www.google.com/search?q=tea+kettle&start=10")
    assert page.ok
    assert [(r.position, r.url, r.display_url) for r in page.organic] == [
        (1, "https://www.kitchenlab.example/kettles/stovetop", "www.kitchenlab.example › kettles › stovetop"),
        (2, "https://teahouse.example/茶壶?size=large", "teahouse.example › 茶壶"),
        (3, "http://www.oldkettle.example/", "www.oldkettle.example"),
    ]
    assert page.organic[1].link == (
        "/url?q=https://teahouse.example/%E8%8C%B6%E5%A3%B6%3Fsize%3Dlarge&sa=U&ved=2ahUKE12&usg=AOvVaw12"
    )
    assert page.organic[0].snippet == "We boiled water 500 times in 12 kettles."
    assert [r.block_position for r in page.organic] == [1, 2, 3]


def test_basic_html_second_page_ad_related_and_next():
    page = own("basic-page2.html", "https://www.google.com/search?q=tea+kettle&start=10")
    assert page.ads.count == 1 and page.ads.domains == ("www.kettlekings.example",)
    assert page.related_searches == ["electric tea kettle", "tea kettle stainless steel"]
    assert page.has_next
    # the "< Prev" link (start=0) is not the next page
    assert page.next_url == "https://www.google.com/search?q=tea+kettle&ei=AbC&start=20&sa=N"
    assert page.query == "tea kettle"


@pytest.mark.parametrize(
    ("name", "query"),
    [("no-results-en.html", "xqzvbnmplk espresso grinder"), ("no-results-zh.html", "量子咖啡研磨机型号九九九")],
)
def test_explicit_no_results_page_is_an_empty_ranking_not_an_error(name, query):
    page = own(name)
    assert page.no_results
    assert page.ok  # a readable page: the keyword is not ranked
    assert page.organic == [] and page.blocked is None
    assert page.query == query


def test_sorry_page_without_captcha_is_blocked():
    page = own("sorry-unusual-traffic.html", "https://www.google.com/sorry/index?continue=x")
    assert page.blocked == BLOCK_UNUSUAL_TRAFFIC
    assert not page.ok and page.organic == []
    # the same page fetched under its search URL is recognised by its text
    assert own("sorry-unusual-traffic.html").blocked == BLOCK_UNUSUAL_TRAFFIC


def test_consent_dialog_over_results_is_not_a_block():
    page = own("consent-over-results.html")
    assert page.blocked is None and page.ok
    assert [r.url for r in page.organic] == [
        "https://www.kaffee-test.example/muehlen/",
        "https://www.roesterei.example/blog/muehle",
    ]
    assert page.query == "kaffeemühle test"


@pytest.mark.parametrize(
    "headers",
    [{"Content-Type": "text/html; charset=GBK"}, {b"Content-Type": [b"text/html; charset=gbk"]}],
)
def test_gbk_page_declared_by_header_only(headers):
    page = own("basic-gbk-header-only.html", "https://www.google.com.hk/search?q=x", headers)
    assert page.encoding == "gb18030" and page.decode_errors == 0
    assert page.query == "咖啡机 推荐"
    assert [r.title for r in page.organic] == [
        "二〇二二年咖啡机推荐：十款家用意式咖啡机横评",
        "咖啡机怎么选？看完这篇就够了 - 专栏",
    ]
    assert page.organic[0].display_url == "www.kafeiji.example · tuijian"


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"   \n\t ",
        bytes(range(256)) * 16,
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10",
        b'{"organic_results": [{"position": 1, "link": "https://a.example/"}]}',
        b"<html><head><title>x - Google Search</title></head><body><div id='rso'><h3><a href='",
        b"<div id='rso'><a href='/url?q=%ZZ&url=javascript:alert(1)'><h3>t</h3></a></div>",
        b"<h3>" * 5000,
    ],
    ids=["empty", "whitespace", "binary", "png", "json", "truncated-tag", "bad-url", "deep"],
)
def test_garbage_never_raises(body):
    page = parse(body, SEARCH)
    assert isinstance(page, SerpPage)
    assert page.organic == []
    assert page.parse_error == PARSE_ERROR_LAYOUT


def test_notice_text_inside_a_script_is_not_a_no_results_page():
    # Google ships UI strings in its scripts; an unrecognised layout must stay an error,
    # never become "not ranked".
    body = (
        b"<html><head><title>q - Google Search</title><script>var m='Your search did not match any"
        b" documents';var t='unusual traffic';</script></head><body><div id='rso'><div class='x'>"
        b"</div></div></body></html>"
    )
    page = parse(body, SEARCH)
    assert not page.no_results and page.blocked is None
    assert page.parse_error == PARSE_ERROR_LAYOUT


def test_page_of_another_site_with_h3_links_is_not_read_as_basic_html():
    body = (
        b"<html><head><title>q - Other Search</title></head><body><div id='main'>"
        b"<div><h3><a href='https://a.example/'>A</a></h3></div>"
        b"<div><h3><a href='https://b.example/'>B</a></h3></div></div></body></html>"
    )
    page = parse(body, SEARCH)
    assert page.organic == [] and page.parse_error == PARSE_ERROR_LAYOUT


def test_truncated_page_yields_a_prefix_of_the_results():
    body = (FIXTURES / "desktop-ads-snippet-paa.html").read_bytes()
    full = [r.url for r in parse(body, SEARCH).organic]
    for cut in range(0, len(body), 997):
        page = parse(body[:cut], SEARCH)
        got = [r.url for r in page.organic]
        assert got == full[: len(got)]


def test_dispatch_through_parse_serp():
    page = parse_serp("google", (FIXTURES / "consent-over-results.html").read_bytes(), SEARCH)
    assert page.engine == "google" and len(page.organic) == 2


# --- what the real pages show beyond their truth files ---------------------------------------
def test_real_2015_page_query_related_and_next():
    page = real("2015-goo-de.html", "goo")
    assert page.query == "goo"
    assert page.related_searches[:3] == ["goo gle", "goo maps", "goo goo dolls iris"]
    assert len(page.related_searches) == 8
    assert page.has_next and "start=10" in page.next_url
    assert page.next_url.startswith("https://www.google.com/search?")
    assert [r.block_position for r in page.organic] == list(range(1, 10))


def test_real_num100_page_lists_the_featured_snippet_and_shifts_blocks():
    page = real("2016-pao-sol-rusi-otzyv-num100-ru.html")
    assert page.query == "пао соль руси отзыв"
    assert [(s.kind, s.url, s.block_position) for s in page.special] == [
        ("featured_snippet", "http://pravda-sotrudnikov.ru/company/pao-sol-rusi", 1)
    ]
    assert page.organic[0].block_position == 2 and page.organic[-1].block_position == 101
    assert page.has_next and len(page.related_searches) == 8


def test_real_2019_page_related_searches():
    page = real("2019-canju-yingyu-zh.html")
    assert page.query == "餐具英语"
    assert page.related_searches[0] == "一套餐具英文" and len(page.related_searches) == 10
    assert page.organic[0].snippet.startswith("Apr 11, 2014")


def test_real_whole_page_entity_layout_special_blocks():
    page = real("2022-modern-times-chaplin-hk.html")
    kinds = [(s.kind, s.block_position) for s in page.special]
    assert kinds == [
        ("video", 1), ("video", 1), ("video", 1), ("video", 1),
        ("knowledge_panel", None), ("people_also_ask", 3), ("images", 9),
    ]
    assert page.special[0].url == "https://www.dailymotion.com/video/x3mhpli"
    assert page.special[4].title == "Modern Times"
    assert [r.block_position for r in page.organic] == [2, 4, 5, 6, 7, 8]
    assert "modern times trailer" in page.related_searches
    # People-also-ask questions are not related searches
    assert not any(q.endswith("?") for q in page.related_searches)
    assert page.has_next


def test_real_basic_html_page_related_and_next():
    page = real("2022-basic-html-taikoo-hui.html")
    assert page.related_searches == ["Taikoo Hui Tower 1 no 383 Tianhe Road Guangzhou 510620"]
    assert page.has_next and "start=10" in page.next_url
    assert page.organic[0].snippet.startswith("Situated on our 1st floor")


def test_real_mobile_page_role_headings_and_people_also_ask():
    page = real("mobile-google.html")
    assert [r.title for r in page.organic] == ["Google", "Google", "Google Account", "Google Play"]
    assert page.organic[0].display_url == "https://google.com"
    assert [s.kind for s in page.special][:1] == ["people_also_ask"]
    assert page.has_next  # the "More search results" link


@pytest.mark.parametrize(
    ("name", "reason", "query"),
    [
        ("blocked-2017-recaptcha-google-ru.html", BLOCK_UNUSUAL_TRAFFIC, "столица мц"),
        ("blocked-2022-consent-ru.html", BLOCK_CONSENT, "из чего состоит электромагнитное поле"),
    ],
)
def test_real_block_pages_reason_and_interrupted_query(name, reason, query):
    page = real(name)
    assert page.blocked == reason
    assert page.query == query
    assert not page.ok and not page.has_next
