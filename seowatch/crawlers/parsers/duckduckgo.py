"""DuckDuckGo result pages (the html.duckduckgo.com no-JS version and the rendered page) into a SerpPage."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from lxml import etree

from seowatch.crawlers.parsers import begin, finish
from seowatch.crawlers.parsers.model import (
    BLOCK_CAPTCHA,
    Ads,
    OrganicResult,
    SerpPage,
    SpecialBlock,
)
from seowatch.crawlers.parsers.text import absolute, clean, element_text, host, query_param

ENGINE = "duckduckgo"


# --- selectors -------------------------------------------------------------------------------
def _xp(expr: str) -> etree.XPath:
    """A string-valued XPath (no smart strings: no Python proxy per element)."""
    return etree.XPath(expr, smart_strings=False)


# The result column: <div id="links"> whose child <div>s are the result blocks, in page order; the
# rendered page keeps its top ads in a sibling <div id="ads">.
RESULTS = etree.XPath("id('links')")
AD_COLUMN = etree.XPath("id('ads')")
QUERY_BOX = _xp("string((id('search_form_input_homepage') | id('search_form_input'))[1]/@value)")
QUERY_INPUT = _xp("string((//form//input[@name='q'][not(@type='hidden')])[1]/@value)")
# Result parts of a column, gathered in one query per page (not several per result: this is the
# hot path), in document order; each title link starts a result, its shown URL and snippet follow.
# One query per layout, tried in turn (attribute tests are what costs, so each query has few):
#   2015:  block > div.links_main > a.large, div.snippet, div.url
#   2019+: block > div.links_main.result__body > h2 > a.result__a; .result__snippet;
#          div.result__extras > div.result__extras__url > a.result__url
LAYOUT_PARTS = (
    etree.XPath("div/*/a[@href][@class='large'] | div/*/div[@class='url' or @class='snippet']"),
    etree.XPath(
        "div/*/h2/a[@href][contains(@class, 'result__a')] | div/*/*[contains(@class, 'result__snippet')]"
        " | div/*/div/div/a[contains(@class, 'result__url')]"
    ),
)
# The blocks that are not plain web results (ads, "no results", Next form, "More results"); the test
# is cheap because the plain ones, most of the column, carry 'web-result' in the no-JS version.
OTHER_BLOCKS = etree.XPath("div[not(contains(@class, 'web-result'))]")
# block classes (tokens of @class)
AD_CLASSES = frozenset({"result--ad", "result--ad--small", "sponsored"})
NO_RESULTS_CLASSES = frozenset({"result--no-result", "no-results"})
NAV_CLASSES = frozenset({"nav-link", "results_links_more"})
MORE_CLASS = "result--more"
AD_HREF = _xp("string((*/a[@href][@class='large'] | */h2/a[@href])[1]/@href)")
AD_SHOWN_URL = _xp("string((*/div[@class='url'] | */div/div/a[contains(@class, 'result__url')])[1])")
# the "Next" button of the no-JS version is a POST form; its hidden fields make the GET URL
NEXT_FORM = etree.XPath(
    "descendant::form[.//input[@type='submit'][starts-with(translate(@value, 'NEXT', 'next'), 'next')]][1]"
)
FORM_FIELDS = etree.XPath("descendant::input[@type='hidden'][@name]")
MORE_HREF = _xp("string(descendant::a[@href][1]/@href)")
# the zero-click (instant answer) heading above the results: 2015 #zero_click_heading, later h1.zci__heading
ZERO_CLICK_2015 = etree.XPath("id('zero_click_heading')")
ZERO_CLICK = etree.XPath("//h1[contains(@class, 'zci__heading')][1]")
HEADING_HREF = _xp("string(descendant::a[@href][1]/@href)")
# DDG's bot check ("anomaly" page), looked for in the raw bytes (markup included), and its explicit
# empty result in the visible text; both only when no organic result was found
CAPTCHA_MARKERS = (b"anomaly-modal", b"bots use duckduckgo too", b"challenge-form", b"anomaly.js")
NO_RESULTS_WORDS = ("no results.", "no results found for")
VISIBLE_TEXT = _xp("/descendant::body//text()[not(parent::script)][not(parent::style)]")
REDIRECT_PARAM = "uddg"


def parse(body: bytes, url: str, headers: Mapping[Any, Any] | None = None) -> SerpPage:
    """Parse one DuckDuckGo result page."""
    page, root = begin(ENGINE, body, url, headers)
    if root is None:
        return finish(page)

    page.query = clean(QUERY_BOX(root) or QUERY_INPUT(root)) or None
    ad_count = 0
    ad_domains: list[str] = []
    for column in AD_COLUMN(root):
        ad_count += _blocks(column, url, page, ad_domains)
    for column in RESULTS(root):
        ads_before = ad_count
        ad_count += _blocks(column, url, page, ad_domains)
        _organic(column, url, page, with_ads=ad_count > ads_before)
    page.ads = Ads(ad_count, tuple(dict.fromkeys(ad_domains)))
    _zero_click(root, url, page)
    if not page.organic:
        raw = body.lower()
        if any(m in raw for m in CAPTCHA_MARKERS):
            page.blocked = BLOCK_CAPTCHA
        elif not page.no_results:
            text = " ".join(" ".join(VISIBLE_TEXT(root)).lower().split())
            page.no_results = any(m in text for m in NO_RESULTS_WORDS)
    return finish(page)


def _organic(column, url: str, page: SerpPage, with_ads: bool) -> None:
    """Append the column's web results: each title link opens a result, its shown URL and snippet follow."""
    parts: list[Any] = []
    for query in LAYOUT_PARTS:
        parts = query(column)
        if parts:
            break
    groups: list[list[Any]] = []  # [title link, shown URL, snippet]
    for el in parts:
        cls = el.get("class") or ""
        if el.tag == "a" and (cls == "large" or "result__a" in cls.split()):
            if with_ads and _in_ad(el, column):
                groups.append([None, None, None])  # an ad's parts: collected, then dropped
            else:
                groups.append([el, None, None])
        elif groups:
            slot = 1 if "url" in cls else 2
            if groups[-1][slot] is None:
                groups[-1][slot] = el
    for group in groups:
        if group[0] is not None:
            page.organic.append(_result(group, url, len(page.organic) + 1))


def _in_ad(el, column) -> bool:
    for ancestor in el.iterancestors("div"):
        if ancestor.getparent() is column:
            return bool(AD_CLASSES.intersection((ancestor.get("class") or "").split()))
    return False


def _result(parts: list[Any], url: str, position: int) -> OrganicResult:
    title, shown, snippet = parts
    href = title.get("href")
    return OrganicResult(
        position=position,
        block_position=position,
        url=decode_redirect(href) or (href if href.startswith(("http://", "https://")) else absolute(url, href)),
        link=href,
        display_url=element_text(shown) or None,
        title=element_text(title),
        snippet=element_text(snippet) or None,
    )


def decode_redirect(href: str | None) -> str | None:
    """The target of a //duckduckgo.com/l/?uddg=<urlencoded target> redirect, else None."""
    if not href or REDIRECT_PARAM + "=" not in href:
        return None
    target = query_param(href, REDIRECT_PARAM)
    return target if target and target.startswith(("http://", "https://")) else None


def _blocks(column, url: str, page: SerpPage, ad_domains: list[str]) -> int:
    """Ads, the "no results" notice and the next-page controls of one column; returns the ad count."""
    ads = 0
    for block in OTHER_BLOCKS(column):
        classes = (block.get("class") or "").split()
        if AD_CLASSES.intersection(classes):
            ads += 1
            domain = _ad_domain(block)
            if domain:
                ad_domains.append(domain)
        elif NO_RESULTS_CLASSES.intersection(classes):
            page.no_results = True
        elif MORE_CLASS in classes:
            href = MORE_HREF(block)
            if href:
                page.has_next = True
                page.next_url = absolute(url, href)
        elif NAV_CLASSES.intersection(classes):
            _next_form(block, url, page)
    return ads


def _ad_domain(block) -> str | None:
    href = AD_HREF(block)
    domain = query_param(href, "ad_domain") if href else None
    if domain:
        return host(domain)
    shown = clean(AD_SHOWN_URL(block))
    if shown:
        return host(shown.split(" ")[0])
    target = decode_redirect(href)
    return host(target) if target else None


def _next_form(block, url: str, page: SerpPage) -> None:
    form = NEXT_FORM(block)
    if not form:
        return
    fields = [(i.get("name"), i.get("value") or "") for i in FORM_FIELDS(form[0])]
    action = absolute(url, form[0].get("action") or "/html/")
    page.has_next = True
    page.next_url = f"{action}?{urlencode(fields)}" if fields and action else action


def _zero_click(root, url: str, page: SerpPage) -> None:
    heading = ZERO_CLICK_2015(root) or ZERO_CLICK(root)
    if not heading:
        return
    title = element_text(heading[0])
    if title:
        href = HEADING_HREF(heading[0]) or None
        page.special.append(SpecialBlock(kind="knowledge_panel", title=title, url=absolute(url, href)))

