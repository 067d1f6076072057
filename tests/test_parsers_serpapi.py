"""SerpApi JSON responses: the saved real response, hand-written ones for ads, pagination and the
API's error answers, and garbage."""

from __future__ import annotations

import json

import pytest

from seowatch.crawlers.parsers import SerpPage, parse_serp
from seowatch.crawlers.parsers.model import PARSE_ERROR_LAYOUT
from seowatch.crawlers.parsers.serpapi import parse
from tests.conftest import OWN_FIXTURES, require_shared

FIXTURES = OWN_FIXTURES / "serp" / "serpapi"
API = "https://serpapi.com/search.json?engine=google&q=espresso+machine&start=10"


def own(name: str) -> SerpPage:
    return parse((FIXTURES / name).read_bytes(), API)


def test_real_response():
    body = (require_shared("serp") / "serpapi-json" / "google-light-fast-coffee-2025.json").read_bytes()
    page = parse(body, "https://serpapi.com/search.json?q=Coffee")
    assert page.ok and page.encoding == "utf-8"
    assert page.query == "Coffee"
    assert len(page.organic) == 10
    assert page.organic[1].url == page.organic[1].link == "https://www.starbucks.com/"
    assert page.organic[0].snippet.startswith("Coffee is a beverage brewed")
    assert page.ads.count == 0 and page.special == [] and page.related_searches == []
    assert not page.has_next  # this google_light_fast response carries no pagination


def test_organic_results_in_page_order():
    page = own("ads-pagination-page2.json")
    assert page.ok and page.query == "espresso machine"
    assert [(r.position, r.url) for r in page.organic] == [
        (1, "https://www.seriouseats.example/espresso-machines"),
        (2, "https://www.kaffeeshop.example/de/siebtraeger?ref=serp"),
        (3, "https://www.kafeiji.example/tuijian.html"),
    ]
    assert [r.display_url for r in page.organic] == [
        "https://www.seriouseats.example › espresso-machines",
        "www.kaffeeshop.example › siebtraeger",
        "https://www.kafeiji.example › tuijian",
    ]
    assert page.organic[1].title == "Siebträgermaschinen kaufen"  # whitespace folded
    assert page.organic[1].snippet is None
    assert page.organic[2].snippet == "从入门到进阶，按预算挑选适合自己的咖啡机。"


def test_ads_related_special_and_next_page():
    page = own("ads-pagination-page2.json")
    assert page.ads.count == 3
    assert page.ads.domains == (
        "www.espressoworld.example",
        "baristasupply.example",  # no link: from the shown URL
        "www.machinemart.example",
    )
    assert page.related_searches == ["espresso machine for home", "best espresso machine 2024"]
    assert [(s.kind, s.title) for s in page.special] == [
        ("knowledge_panel", "Espresso machine"),
        ("people_also_ask", "related_questions"),
        ("news", "top_stories"),
    ]
    assert page.has_next
    assert page.next_url == (
        "https://serpapi.com/search.json?engine=google&gl=us&hl=en&q=espresso+machine&start=20"
    )


def test_google_pagination_used_when_serpapi_pagination_is_absent():
    data = json.loads((FIXTURES / "ads-pagination-page2.json").read_text("utf-8"))
    del data["serpapi_pagination"]
    page = parse(json.dumps(data).encode(), API)
    assert page.next_url == "https://www.google.com/search?q=espresso+machine&start=20"
    del data["pagination"]
    page = parse(json.dumps(data).encode(), API)
    assert not page.has_next and page.next_url is None


def test_no_results_error_is_an_empty_ranking():
    page = own("error-no-results.json")
    assert page.no_results and page.ok
    assert page.organic == [] and page.parse_error is None
    assert page.query == "xqzvbnmplk espresso grinder"


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("error-invalid-key.json", "Invalid API key"),
        ("error-out-of-searches.json", "Your account has run out of searches."),
    ],
)
def test_api_errors_are_parse_errors_never_an_empty_ranking(name, message):
    page = own(name)
    assert not page.ok and not page.no_results
    assert page.parse_error.startswith("serpapi error: ") and message in page.parse_error
    assert page.organic == []


def test_fully_empty_state_without_error_is_no_results():
    body = (
        b'{"search_parameters": {"q": "zz"},'
        b' "search_information": {"organic_results_state": "Fully empty"}}'
    )
    page = parse(body, API)
    assert page.no_results and page.ok


def test_response_without_results_or_notice_is_layout_not_recognised():
    page = parse(b'{"search_metadata": {"status": "Success"}, "search_parameters": {"q": "zz"}}', API)
    assert page.parse_error == PARSE_ERROR_LAYOUT


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        bytes(range(256)),
        b"<html><body><div id='rso'></div></body></html>",
        b"[1, 2, 3]",
        b'{"organic_results": [',
        b'{"organic_results": "nope", "ads": 3, "related_searches": {"a": 1}}',
        b'{"organic_results": [1, null, {"title": 5, "link": ["x"]}]}',
        b"[" * 100_000,
    ],
    ids=["empty", "png", "binary", "html", "array", "truncated", "wrong-types", "bad-items", "deep"],
)
def test_garbage_never_raises(body):
    page = parse(body, API)
    assert isinstance(page, SerpPage)
    assert page.organic == [] and not page.ok


def test_invalid_utf8_is_counted():
    page = parse(b'{"search_parameters": {"q": "caf\xe9"}, "organic_results": []}', API)
    assert page.decode_errors == 1 and page.query == "caf\ufffd"


def test_dispatch_through_parse_serp():
    page = parse_serp("serpapi", (FIXTURES / "ads-pagination-page2.json").read_bytes(), API)
    assert page.engine == "serpapi" and len(page.organic) == 3
