"""DuckDuckGo parser: hand-written pages for what the real capture lacks, and the extras it shows."""

from __future__ import annotations

import json
import random
from urllib.parse import parse_qs, urlsplit

import pytest

from seowatch.crawlers.parsers.duckduckgo import decode_redirect, parse
from seowatch.crawlers.parsers.model import BLOCK_CAPTCHA, PARSE_ERROR_LAYOUT
from tests.conftest import OWN_FIXTURES, require_shared

FIXTURES = OWN_FIXTURES / "serp" / "duckduckgo"
URL = "https://html.duckduckgo.com/html/?q=python"


def _page(name: str, url: str = URL):
    return parse((FIXTURES / name).read_bytes(), url)


# --- the no-JS version with uddg redirects and an ad -------------------------------------------


def test_uddg_redirects_decode_to_the_target_and_keep_the_redirect_as_link():
    page = _page("html-uddg-ads.html")
    assert [r.url for r in page.organic] == [
        "https://www.python.org/",
        "https://docs.python.org/3/tutorial/index.html?highlight=a b",
        "https://pypi.org/",
    ]
    assert page.organic[0].link == "//duckduckgo.com/l/?uddg=https%3A%2F%2Fwww.python.org%2F&rut=8a1b2c3d"
    assert page.organic[2].link == "https://pypi.org/"


def test_ads_are_excluded_from_the_ranking_and_counted_with_their_domain():
    page = _page("html-uddg-ads.html")
    assert page.ads.count == 1
    assert page.ads.domains == ("learnpython.example",)
    assert all("y.js" not in (r.link or "") for r in page.organic)
    assert [r.position for r in page.organic] == [1, 2, 3]
    assert [r.block_position for r in page.organic] == [1, 2, 3]


def test_result_fields_query_zero_click_and_next_form():
    page = _page("html-uddg-ads.html")
    first = page.organic[0]
    assert first.title == "Welcome to Python.org"
    assert first.display_url == "www.python.org"
    assert first.snippet == "The official home of the Python Programming Language"
    assert page.query == "python"
    assert [(s.kind, s.title) for s in page.special] == [("knowledge_panel", "Python (programming language)")]
    # the Next button is a POST form: its hidden fields make the GET URL of the next page
    assert page.has_next
    parts = urlsplit(page.next_url)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "html.duckduckgo.com", "/html/")
    fields = parse_qs(parts.query, keep_blank_values=True)
    assert fields["q"] == ["python"] and fields["s"] == ["30"] and fields["vqd"] == ["4-1234567890"]


@pytest.mark.parametrize(
    ("href", "target"),
    [
        ("//duckduckgo.com/l/?uddg=https%3A%2F%2Fa.example%2Fx%3Fy%3D1%26z%3D2&rut=f", "https://a.example/x?y=1&z=2"),
        ("https://duckduckgo.com/l/?kh=-1&uddg=http%3A%2F%2Fb.example%2F", "http://b.example/"),
        ("https://c.example/", None),
        ("//duckduckgo.com/l/?uddg=javascript%3Aalert(1)", None),
        (None, None),
    ],
)
def test_decode_redirect(href, target):
    assert decode_redirect(href) == target


# --- the rendered (JS) page ---------------------------------------------------------------------


def test_rendered_page_ads_column_direct_links_and_more_results_button():
    page = parse((FIXTURES / "rendered-2019.html").read_bytes(), "https://duckduckgo.com/?q=coffee")
    assert [(r.position, r.url, r.title) for r in page.organic] == [
        (1, "https://en.wikipedia.org/wiki/Coffee", "Coffee - Wikipedia"),
        (2, "https://www.ncausa.org/About-Coffee", "About Coffee | NCA"),
    ]
    # the "visited" check link inside the title is not the snippet
    assert page.organic[0].snippet == "Coffee is a drink prepared from roasted coffee beans."
    assert page.organic[0].display_url == "https://en.wikipedia.org/wiki/Coffee"
    assert page.ads.count == 1 and page.ads.domains == ("beans.example",)
    assert page.query == "coffee"
    assert page.next_url == "https://duckduckgo.com/?q=coffee&s=2&dc=3&v=l&o=json&api=%2Fd.js"


# --- blocks and empty results -------------------------------------------------------------------


def test_anomaly_page_is_a_captcha_block():
    page = _page("anomaly.html")
    assert page.blocked == BLOCK_CAPTCHA
    assert not page.organic and page.parse_error is None


def test_no_results_is_an_empty_ranking_not_an_error():
    page = _page("html-no-results.html")
    assert page.no_results and page.ok
    assert page.query == "qwzxqwzx kjhkjh"


def test_no_results_text_without_the_block_class_still_counts_but_not_in_a_script():
    said = b"<html><body><div id='links' class='results'><div class='msg'>No results.</div></div></body></html>"
    assert parse(said, URL).no_results
    scripted = b"<html><body><div id='links'></div><script>var s='No results.';</script></body></html>"
    page = parse(scripted, URL)
    assert not page.no_results and page.parse_error == PARSE_ERROR_LAYOUT


# --- garbage never raises -----------------------------------------------------------------------


def _garbage() -> list[bytes]:
    rng = random.Random(7)
    full = (FIXTURES / "html-uddg-ads.html").read_bytes()
    return [
        b"",
        bytes(rng.randrange(256) for _ in range(2048)),
        full[:300],
        json.dumps({"results": [{"t": "x", "u": "https://a.example/"}]}).encode(),
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        b"<div id='links'><div class='result results_links web-result'><h2><a class='result__a'>x</a></h2></div>",
    ]


@pytest.mark.parametrize("body", _garbage(), ids=lambda b: f"{len(b)}b")
def test_garbage_never_raises(body):
    page = parse(body, URL)
    assert page.blocked is None and not page.no_results and not page.organic
    assert page.parse_error == PARSE_ERROR_LAYOUT


def test_truncated_page_keeps_the_results_before_the_cut():
    full = (FIXTURES / "html-uddg-ads.html").read_bytes()
    cut = full[: full.rindex(b'<div class="result results_links results_links_deep web-result ">') + 30]
    assert [r.url for r in parse(cut, URL).organic] == [
        "https://www.python.org/",
        "https://docs.python.org/3/tutorial/index.html?highlight=a b",
    ]


# --- what the real page shows beyond its truth file --------------------------------------------


def test_real_2015_page_query_zero_click_and_next():
    path = require_shared("serp") / "duckduckgo" / "2015-html-what-happened.html"
    page = parse(path.read_bytes(), "https://html.duckduckgo.com/html/?q=what+happened")
    assert page.query == "what happened"
    assert [(s.kind, s.title) for s in page.special] == [("knowledge_panel", "What Happened")]
    assert page.has_next and "s=30" in page.next_url and "dc=31" in page.next_url
    assert [r.block_position for r in page.organic] == list(range(1, 31))
    assert page.organic[0].snippet.startswith("Paid advertising at What Really Happened")
