"""Bing result pages (www.bing.com and cn.bing.com, JS and no-JS desktop layouts) into a SerpPage."""

from __future__ import annotations

import base64
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote

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

ENGINE = "bing"


# --- selectors -------------------------------------------------------------------------------
def _xp(expr: str) -> etree.XPath:
    """A string-valued XPath (no smart strings: no Python proxy per element)."""
    return etree.XPath(expr, smart_strings=False)


# The result column: <ol id="b_results"> whose <li> children are the blocks, in page order.
RESULTS = etree.XPath("id('b_results')")
SIDEBAR = etree.XPath("id('b_context')")
QUERY_BOX = _xp("string(id('sb_form_q')/@value)")
TITLE = _xp("string(/html/head/title)")
# li classes (tokens of @class)
ORGANIC_CLASS = "b_algo"
AD_CLASS = "b_ad"
IGNORED_CLASSES = frozenset({"b_pag", "b_msg"})
NO_RESULTS_CLASS = "b_no"
PAGINATION_CLASS = "b_pag"
# inside an organic block: the h2 title link, the <cite> shown URL, the first <p> (the snippet);
# read in one query (this runs once per result) as one string cut at a private-use separator
_TITLE_LINK = "descendant::h2[1]/descendant::a[@href][1]"
TITLE_HREF = _xp(f"string({_TITLE_LINK}/@href)")
TITLE_TEXT = _xp(f"string({_TITLE_LINK})")
CITE_TEXT = _xp("string(descendant::cite[1])")
SNIPPET_TEXT = _xp("string(descendant::p[1])")
FIELD_SEP = "\ue000"
ORGANIC_FIELDS = _xp(
    f"concat({_TITLE_LINK}/@href, '{FIELD_SEP}', {_TITLE_LINK}, '{FIELD_SEP}', descendant::cite[1],"
    f" '{FIELD_SEP}', descendant::p[1])"
)
# inside an ad block: one <li> per ad unit
AD_UNITS = etree.XPath("./ul/li")
AD_UNIT_HREF = TITLE_HREF
# inside a special block
HEADING_TEXT = _xp("string(descendant::h2[1])")
HEADING_HREF = TITLE_HREF
HAS_TEXT = etree.XPath("boolean(descendant::text()[normalize-space()][1])")
# the first element that tells what a special block is (classified in _special)
_B_RS = "(@class='b_rs' or starts-with(@class, 'b_rs ') or contains(@class, ' b_rs'))"
SPECIAL_MARKER = etree.XPath(
    f"descendant::div[{_B_RS} or contains(@class, 'b_topBelowAd') or @id='relatedQnAListDisplay'"
    " or contains(@class, 'df_alsoAsk') or @id='lMapContainer'][1]"
)
RELATED_LINKS = etree.XPath(f"descendant::div[{_B_RS}]//li//a")
PAA_TITLE = _xp("string(descendant::div[contains(@class, 'df_hd')][1])")
SIDEBAR_RELATED = etree.XPath(
    "./li[.//div[contains(@class, 'b_rrsr')] or normalize-space(h2)='Related searches'"
    " or normalize-space(h2)='相关搜索']//li//a"
)
ENTITY_TITLE = _xp("string(descendant::div[contains(@class, 'b_entityTP')][1]/descendant::h2[1])")
# the pagination block's next link (also on cn.bing.com, titled 下一页)
NEXT_HREF = _xp("string(descendant::a[contains(concat(' ', @class, ' '), ' sb_pagN ')][1]/@href)")
# Bing's challenge page (looked for in the raw bytes, markup included) and its "no results" notice
# (in the visible text); both only when no organic result was found
CAPTCHA_MARKERS = tuple(
    m.encode("utf-8")
    for m in (
        "/turing/captcha",
        "b_captcha",
        "captcha/challenge",
        "verify you are a human",
        "one last step",
        "please solve the challenge",
        "验证您是人类",
        "请解决以下难题",
        "最后一步",
    )
)
NO_RESULTS_MARKERS = ("there are no results for", "没有与此相关的结果", "未找到与此相关的结果", "no results found for")
VISIBLE_TEXT = _xp("/descendant::body//text()[not(parent::script)][not(parent::style)]")
VERTICALS = (("/images/", "images"), ("/videos/", "video"), ("/news/", "news"))
CK_PATH = "/ck/a"
BING_HOSTS = frozenset({"www.bing.com", "bing.com", "cn.bing.com", "global.bing.com"})
_TITLE_SUFFIX = re.compile(r"\s+-\s+(?:Bing|Search|搜索|必应)\s*$")


def parse(body: bytes, url: str, headers: Mapping[Any, Any] | None = None) -> SerpPage:
    """Parse one Bing result page."""
    page, root = begin(ENGINE, body, url, headers)
    if root is None:
        return finish(page)

    page.query = _query(root)
    results = RESULTS(root)
    if results:
        _parse_results(results[0], url, page)
    sidebar = SIDEBAR(root)
    if sidebar:
        _parse_sidebar(sidebar[0], page)
    if not page.organic:
        raw = (body or b"").lower()
        if any(m in raw for m in CAPTCHA_MARKERS):
            page.blocked = BLOCK_CAPTCHA
        elif not page.no_results:
            text = " ".join(" ".join(VISIBLE_TEXT(root)).lower().split())
            page.no_results = any(m in text for m in NO_RESULTS_MARKERS)
    return finish(page)


def _parse_results(ol, url: str, page: SerpPage) -> None:
    block = 0
    ad_count = 0
    ad_domains: list[str] = []
    for li in ol:
        if not isinstance(li.tag, str):
            continue
        classes = (li.get("class") or "").split()
        if ORGANIC_CLASS in classes:
            block += 1
            result = _organic(li, url, len(page.organic) + 1, block)
            if result is not None:
                page.organic.append(result)
        elif AD_CLASS in classes:
            ad_count += _ads(li, ad_domains)
        elif NO_RESULTS_CLASS in classes:
            page.no_results = True
        elif PAGINATION_CLASS in classes:
            href = NEXT_HREF(li)
            if href:
                page.has_next = True
                page.next_url = absolute(url, href)
        elif not IGNORED_CLASSES.intersection(classes) and HAS_TEXT(li):
            block += 1
            page.special.append(_special(li, classes, url, block, page.related_searches))
    page.ads = Ads(ad_count, tuple(dict.fromkeys(ad_domains)))


def _organic(li, url: str, position: int, block: int) -> OrganicResult | None:
    fields = ORGANIC_FIELDS(li).split(FIELD_SEP)
    if len(fields) != 4:  # the separator occurs in the page text itself: one query per field
        fields = [TITLE_HREF(li), TITLE_TEXT(li), CITE_TEXT(li), SNIPPET_TEXT(li)]
    href, title, cite, snippet = fields
    if not href:
        return None
    return OrganicResult(
        position=position,
        block_position=block,
        url=decode_ck(href) or (href if href.startswith(("http://", "https://")) else absolute(url, href)),
        link=href,
        display_url=clean(cite) or None,
        title=clean(title),
        snippet=clean(snippet) or None,
    )


def decode_ck(href: str | None) -> str | None:
    """The target of a bing.com/ck/a?...&u=a1<base64url>&ntb=1 click redirect, else None."""
    if not href or CK_PATH not in href:
        return None
    u = query_param(href, "u")
    if not u or not u.startswith("a1"):
        return None
    data = u[2:]
    try:
        target = base64.urlsafe_b64decode(data + "=" * (-len(data) % 4)).decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        return None
    return target if target.startswith(("http://", "https://")) else None


def _ads(li, domains: list[str]) -> int:
    """Count the ad units of one ad block and collect their domains."""
    units = AD_UNITS(li) or ([li] if AD_UNIT_HREF(li) else [])
    for unit in units:
        domain = _ad_domain(unit)
        if domain:
            domains.append(domain)
    return len(units)


def _ad_domain(unit) -> str | None:
    shown = clean(CITE_TEXT(unit))
    if shown:
        domain = host(shown.split(" ")[0].split("›")[0])
        if domain and "." in domain:
            return domain
    href = AD_UNIT_HREF(unit)
    if not href:
        return None
    target = decode_ck(href)
    if target is None and host(href) in BING_HOSTS:
        # bing.com/aclick?...&u=<base64 of the percent-encoded target>
        u = query_param(href, "u")
        if not u:
            return None
        try:
            target = unquote(base64.b64decode(u + "=" * (-len(u) % 4), altchars=b"-_").decode("utf-8"))
        except (ValueError, UnicodeDecodeError):
            return None
    return host(target or href)


def _special(li, classes: list[str], url: str, block: int, related: list[str]) -> SpecialBlock:
    title = clean(HEADING_TEXT(li)) or None
    href = HEADING_HREF(li) or None
    kind = _vertical(href)
    if kind is None:
        marker = SPECIAL_MARKER(li)
        marker_class = (marker[0].get("class") or "") if marker else ""
        if "b_rs" in marker_class.split():
            kind = "related"
            for a in RELATED_LINKS(li):
                text = element_text(a)
                if text and text not in related:
                    related.append(text)
        elif "b_topBelowAd" in marker_class:
            kind = "related"
            title = title or "Also try"
        elif "b_mop" in classes or (marker and marker[0].get("id") == "lMapContainer"):
            kind = "local"
        elif marker:
            kind = "people_also_ask"
            title = title or clean(PAA_TITLE(li)) or None
        elif "b_top" in classes:
            kind = "answer"
        else:
            kind = "other"
    return SpecialBlock(kind=kind, title=title, url=absolute(url, href), block_position=block)


def _vertical(href: str | None) -> str | None:
    """images / video / news for the answers that link to one of Bing's verticals."""
    if not href:
        return None
    for path, kind in VERTICALS:
        if path in href:
            return kind
    return None


def _parse_sidebar(context, page: SerpPage) -> None:
    if not page.related_searches:
        for a in SIDEBAR_RELATED(context):
            text = element_text(a)
            if text and text not in page.related_searches:
                page.related_searches.append(text)
    title = clean(ENTITY_TITLE(context))
    if title:
        page.special.append(SpecialBlock(kind="knowledge_panel", title=title, url=None))


def _query(root) -> str | None:
    value = clean(QUERY_BOX(root))
    if value:
        return value
    title = clean(TITLE(root))
    if title and _TITLE_SUFFIX.search(title):
        return _TITLE_SUFFIX.sub("", title) or None
    return None
