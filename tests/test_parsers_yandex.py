"""Yandex parser: hand-written pages for what the real captures lack, and the extras the real pages show."""

from __future__ import annotations

import json
import random

import pytest

from seowatch.crawlers.parsers.model import BLOCK_CAPTCHA, PARSE_ERROR_LAYOUT
from seowatch.crawlers.parsers.yandex import parse
from tests.conftest import OWN_FIXTURES, require_shared

FIXTURES = OWN_FIXTURES / "serp" / "yandex"
URL = "https://yandex.ru/search/?text=%D1%87%D0%B0%D1%81%D1%8B&lr=213"


def _page(name: str):
    return parse((FIXTURES / name).read_bytes(), URL)


def _real(name: str):
    return parse((require_shared("serp") / "yandex" / name).read_bytes(), URL)


# --- a current-layout page with ads and wizards -------------------------------------------------


def test_ads_by_yabs_link_or_label_are_counted_with_their_domains():
    page = _page("ads-wizards-2022.html")
    # yabs link + label, label only (direct href), yabs link only
    assert page.ads.count == 3
    assert page.ads.domains == ("watchshop.example", "clock-store.example", "opt-chasy.example")


def test_the_word_in_a_snippet_or_the_footer_does_not_make_an_ad():
    page = _page("ads-wizards-2022.html")
    assert page.organic[0].url == "https://www.alltime.example/watch/filter/params:skeleton/"
    assert "Реклама" in page.organic[0].snippet


def test_organic_and_verticals_share_the_block_counter_ads_included():
    page = _page("ads-wizards-2022.html")
    assert [(r.position, r.block_position) for r in page.organic] == [(1, 4), (2, 6)]
    assert [(s.kind, s.block_position) for s in page.special] == [("shopping", 3), ("images", 5), ("video", 7)]
    assert page.special[1].url == "https://yandex.ru/images/search?text=%D1%87%D0%B0%D1%81%D1%8B&source=wiz"


def test_organic_fields_from_the_title_link_path_and_text():
    first = _page("ads-wizards-2022.html").organic[0]
    assert first.title == "Наручные часы скелетоны купить в интернет-магазине"
    assert first.link == first.url
    assert first.display_url == "alltime.example›watch/filter/params:skeleton/"
    assert first.snippet.startswith("Популярные наручные часы скелетоны.")


def test_query_related_searches_and_next_page():
    page = _page("ads-wizards-2022.html")
    assert page.query == "часы скелетоны"
    assert page.related_searches == ["часы скелетоны мужские", "skeleton winner"]
    assert page.has_next
    assert page.next_url == (
        "https://yandex.ru/search/?text=%D1%87%D0%B0%D1%81%D1%8B+%D1%81%D0%BA%D0%B5%D0%BB%D0%B5%D1%82%D0%BE%D0%BD%D1%8B"
        "&lr=213&p=1"
    )


def test_next_link_with_an_unquoted_href():
    body = (
        "<html><body><ul class=serp-list><li class=serp-item><h2><a href=https://a.example/>A</a></h2></li></ul>"
        "<div class=pager><a class='link pager__item pager__item_kind_next' href=/search/?text=a&amp;p=1>дальше</a>"
        "</div></body></html>"
    ).encode()
    page = parse(body, URL)
    assert [r.url for r in page.organic] == ["https://a.example/"]
    assert page.next_url == "https://yandex.ru/search/?text=a&p=1"


# --- blocks and empty results -------------------------------------------------------------------


def test_smartcaptcha_page_is_a_captcha_block():
    page = _page("smartcaptcha.html")
    assert page.blocked == BLOCK_CAPTCHA
    assert not page.organic and page.parse_error is None


def test_no_results_is_an_empty_ranking_not_an_error():
    page = _page("no-results.html")
    assert page.no_results and page.ok
    assert page.query == "qwzxqwzx кжхкжх"


def test_no_results_words_in_a_script_do_not_count():
    body = "<html><body><ul class='serp-list'></ul><script>var t='ничего не нашлось';</script></body></html>"
    page = parse(body.encode(), URL)
    assert not page.no_results and page.parse_error == PARSE_ERROR_LAYOUT


# --- garbage never raises -----------------------------------------------------------------------


def _garbage() -> list[bytes]:
    rng = random.Random(11)
    full = (FIXTURES / "ads-wizards-2022.html").read_bytes()
    return [
        b"",
        bytes(rng.randrange(256) for _ in range(4096)),
        full[:400],
        json.dumps({"serp-item": [{"title": "x"}]}).encode(),
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        b"<ul class='serp-list'><li class='serp-item'><h2>no link</h2></li></ul><a class='x_kind_next' href",
        "<html><body>\udcff</body></html>".encode("utf-8", "surrogateescape"),
    ]


@pytest.mark.parametrize("body", _garbage(), ids=lambda b: f"{len(b)}b")
def test_garbage_never_raises(body):
    page = parse(body, URL)
    assert page.blocked is None and not page.no_results and not page.organic
    assert page.parse_error == PARSE_ERROR_LAYOUT


def test_truncated_page_keeps_the_results_before_the_cut():
    full = (FIXTURES / "ads-wizards-2022.html").read_bytes()
    page = parse(full[: full.index(b'data-cid="5"')], URL)
    assert [r.title for r in page.organic] == ["Наручные часы скелетоны купить в интернет-магазине"]
    assert page.ads.count == 2


# --- what the real pages show beyond their truth files -----------------------------------------


def test_real_2018_verticals_related_next_and_ad_domains():
    page = _real("2018-chasy-skeletony-ads.html")
    assert [(s.kind, s.block_position) for s in page.special] == [("shopping", 4), ("images", 6)]
    assert page.query == "часы скелетоны"
    assert page.related_searches[:2] == ["skeleton winner", "часы командирские"]
    assert page.has_next and page.next_url.endswith("&p=1")
    assert page.ads.domains[0] == "danielwellington.com"
    assert page.organic[0].snippet.startswith("Популярные наручные часы скелетоны.")


def test_real_2015_next_page_and_query():
    page = _real("2015-game-ru.html")
    assert page.query == "game"
    assert page.next_url == "https://yandex.ru/yandsearch?lr=178&text=game&csg=54%2C441%2C4%2C4%2C0%2C0%2C0&p=1"
    assert page.organic[0].snippet == "A very large collection of free Flash and Java games in numerous categories."
