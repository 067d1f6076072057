"""Google result pages (desktop 2015-2022, basic HTML gbv=1, 2023 mobile, num=100) into a SerpPage."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote_plus, urlsplit

from lxml import etree

from seowatch.crawlers.parsers import begin, finish
from seowatch.crawlers.parsers.model import (
    BLOCK_CONSENT,
    BLOCK_UNUSUAL_TRAFFIC,
    Ads,
    OrganicResult,
    SerpPage,
    SpecialBlock,
)
from seowatch.crawlers.parsers.text import absolute, clean, host
from seowatch.crawlers.parsers.text import text_of as visible_text

ENGINE = "google"

# --- selectors -------------------------------------------------------------------------------
# Speed: libxml2 evaluates attribute-value predicates slowly and lxml.html builds every element
# proxy through a Python class lookup, so the page is read with a few anchored XPaths
# (id() is a hash lookup) that test tag and attribute *names*; class strings are checked in
# Python, and per-result questions are XPaths that return strings, not elements.
RESULTS_ROOT = etree.XPath("id('rso')")  # desktop 2015-2022 and 2023 mobile result column
MAIN = etree.XPath("id('main')")  # basic HTML (gbv=1): result blocks sit directly in #main
KNOWLEDGE_PANEL = etree.XPath("id('rhs')")
AD_CONTAINERS = etree.XPath("id('tads') | id('tadsb') | id('bottomads') | id('tvcap')")
NEXT_LINK = etree.XPath("id('pnnext')/@href", smart_strings=False)
RELATED_BOXES = etree.XPath("id('brs') | id('bres')")
BOTTOM = etree.XPath("id('botstuff') | id('foot') | id('navcnt')")
TITLE = etree.XPath("string(/html/head/title)")

# Special blocks found by tag or attribute name: carousels and sections (Top stories, Images,
# Videos), the video cards of 2022, People also ask (data-initq, 2020+).
_SPECIALS = (
    "descendant::g-section-with-header | descendant::g-scrolling-carousel"
    " | descendant::video-voyager | descendant::div/@data-initq/.."
)
SPECIAL_TAGS = frozenset({"g-section-with-header", "g-scrolling-carousel", "video-voyager"})
# Page order of result titles, shown URLs, snippets and special blocks. Titles: <h3>
# (2015-2016 h3 > a, later a > h3). Shown URL: <cite>. Snippet: span.st (2015-2019),
# the data-content-feature="1" row (2021-2022), the data-sncf="1" row (2023 mobile).
DESKTOP_ITEMS = etree.XPath(
    "descendant::h3 | descendant::cite | descendant::span/@class[. = 'st']/.."
    " | descendant::div/@data-content-feature/.. | descendant::div/@data-sncf/.. | " + _SPECIALS
)
# 2023 mobile: titles are role=heading aria-level=3 elements (used when no <h3> title is found).
MOBILE_ITEMS = etree.XPath(
    "descendant::*/@aria-level/.. | descendant::cite | descendant::div/@data-sncf/.. | " + _SPECIALS
)
# Basic HTML: each result is a div.ZINbbc holding the title link (h3, then the shown URL div.UPmit)
# and, in the next div, the snippet.
BASIC_ITEMS = etree.XPath("descendant::h3")
SNIPPET_ATTRS = ("data-content-feature", "data-sncf")
# Titles and blocks inside a special block or the knowledge panel (skipped when met later).
NESTED = etree.XPath("descendant::h3 | " + _SPECIALS)
MOBILE_NESTED = etree.XPath("descendant::*/@aria-level/.. | " + _SPECIALS)
# Per title, in one call: the classes of its ancestors (to tell ads, featured snippets, People
# also ask and sitelinks from web results) and the href of its link (the one value that is a URL).
TITLE_MARKS = etree.XPath("ancestor::*/@class | (ancestor::a[1] | a | */a)[1]/@href", smart_strings=False)
URL_STARTS = ("/", "http:", "https:", "#", "javascript:", "mailto:")
BASIC_SHOWN_URL = etree.XPath("string(following-sibling::div[1])")  # div.UPmit after the h3
BASIC_SNIPPET = etree.XPath("string(ancestor::a[1]/../following-sibling::div[1])")
MOBILE_SHOWN_URL = etree.XPath("string((ancestor::a[1]/descendant::span[@role='text'])[1])")
# Ancestor classes that make a title something other than a web result.
EXCLUDING_CLASSES = {
    "ads-ad": None,  # text ad, 2015-2019
    "uEierd": None,  # text ad, 2020+
    "commercial-unit-desktop-top": None,
    "pla-unit": None,
    "xpdopen": "featured_snippet",
    "ifM9O": "featured_snippet",
    "related-question-pair": "people_also_ask",
}
EXCLUDING_KEYS = frozenset(EXCLUDING_CLASSES)
SITELINK_CLASSES = frozenset({"mslg", "nrgt", "jmjoTe", "usJj9c"})  # full sitelinks table rows
WHOLE_PAGE_PANEL = "kp-wholepage"  # 2022 entity layout wrapping the results
KP_TITLE = etree.XPath("descendant::*/@data-attrid[. = 'title']/..")  # the entity name
KP_OLD_TITLE = etree.XPath("descendant::div/@class[contains(., 'kno-ecr-pt')]/..")  # 2015-2019
# 2022 whole-page entity layouts put the entity name in a header above the result column.
KP_HEADER_TITLE = etree.XPath(
    "id('rcnt')/*[not(@id='center_col')]/descendant::*/@data-attrid[. = 'title']/.."
)
SECTION_HEADING = etree.XPath("descendant::h3 | descendant::*/@role/..")
LINKS = etree.XPath("descendant::a[@href]")
SEARCH_LINKS = etree.XPath("descendant::a/@href[contains(., '/search?')]/..")
# Ads: text-ad units in the ad containers (li.ads-ad 2015-2019, div.uEierd 2020+); links
# through /aclk? elsewhere (Shopping units, basic-HTML ads) count once per enclosing unit.
AD_UNIT = etree.XPath(
    "descendant::li/@class[contains(., 'ads-ad')]/.. | descendant::div/@class[contains(., 'uEierd')]/.."
)
AD_UNIT_FALLBACK = etree.XPath("descendant::*/@data-text-ad/..")
AD_SHOWN_URL = etree.XPath("(descendant::cite | descendant::span[@role='text'])[1]")
AD_LINK_MARKERS = ("/aclk?", "googleadservices.com/pagead/aclk")
AD_GROUP_CLASSES = frozenset({"pla-unit", "mnr-c", "ZINbbc", "commercial-unit-desktop-top"})
AD_SCOPE_IDS = frozenset({"main", "rso", "tads", "tadsb", "bottomads", "tvcap"})  # stop climbing here
# What a carousel or section shows, told by its links.
SECTION_LINK_KINDS = (
    (("tbm=isch", "/imgres?"), "images"),
    (("tbm=nws",), "news"),
    (("tbm=vid", "youtube.com/watch"), "video"),
)
QUERY_INPUT = etree.XPath("//input/@name[. = 'q']/.. | //textarea/@name[. = 'q']/..")
CONTINUE_INPUT = etree.XPath("//input/@name[. = 'continue']/../@value", smart_strings=False)
FORM_ACTIONS = etree.XPath("//form/@action", smart_strings=False)
CAPTCHA_MARKERS = etree.XPath(
    "boolean(id('captcha-form') | id('recaptcha') | id('captcha') | //script/@src[contains(., 'recaptcha')])"
)
# /search?... parameters that mark a link as a tab, a filter, a spelling suggestion, an entity
# or a pagination link rather than a related search.
NOT_RELATED_PARAMS = re.compile(
    r"[?&](?:start|tbm|tbs|tbo|stick|si|lr|cr|source|spell|gbv|sei|fir|uds|ictx|filter|udm|prmd"
    r"|nfpr|ibp|htichips|chips)="
)
TITLE_SUFFIX = " - "  # "<query> - Google Search" in every UI language
# The engine's explicit "nothing found" notice, checked only when no result was found.
NO_RESULTS_MARKERS = (
    "did not match any documents",
    "no results found for",
    "找不到和您查询的",
    "找不到和您的查詢",
    "找不到符合搜尋字詞",
    "ничего не найдено",
    "ergab keine treffer",
    "keine übereinstimmenden dokumente",
    "aucun document ne correspond",
    "no ha obtenido ningún resultado",
    "non ha prodotto risultati",
    "に一致する情報は見つかりませんでした",
    "일치하는 검색결과가 없습니다",
)
UNUSUAL_TRAFFIC_MARKERS = (
    "/sorry/",
    "unusual traffic",
    "подозрительный трафик",
    "необычный трафик",
    "异常流量",
    "ungewöhnlichen datenverkehr",
    "trafic exceptionnel",
)
CONSENT_MARKERS = ("consent.google.", "consent.youtube.")


def parse(body: bytes, url: str, headers: Mapping[Any, Any] | None = None) -> SerpPage:
    """Parse one Google result page."""
    page, root = begin(ENGINE, body, url, headers)
    if root is None:
        return finish(page)
    try:
        _parse(root, url, page)
    except (ValueError, TypeError, AttributeError, LookupError, RecursionError, etree.Error) as exc:
        # hostile markup (broken attribute values, absurd nesting): report, never raise
        page.parse_error = f"malformed page: {type(exc).__name__}: {exc}"
    return finish(page)


def _parse(root, url: str, page: SerpPage) -> None:
    rso = first(RESULTS_ROOT(root))
    main = first(MAIN(root)) if rso is None else None
    if rso is None and main is None:  # no result page at all: a block page or garbage
        _empty_page(root, url, page)
        return
    page.query = _query(root)
    kp = first(KNOWLEDGE_PANEL(root))
    main_links = LINKS(main) if main is not None else None  # basic HTML: one small page
    specials: list = []
    if rso is not None:
        items = DESKTOP_ITEMS(rso)
        if any(el.tag == "h3" for el in items):
            specials = _results(items, url, page, kp)
        if not page.organic:  # 2023 mobile: no <h3> titles
            page.special.clear()
            specials = _results(MOBILE_ITEMS(rso), url, page, kp, mobile=True)
    else:
        specials = _results(BASIC_ITEMS(main), url, page, None, basic=True)
    if kp is not None and len(kp) and not any(s.kind == "knowledge_panel" for s in page.special):
        title = _entity_title(KP_TITLE(kp) or KP_OLD_TITLE(kp))
        if title:
            page.special.append(SpecialBlock("knowledge_panel", title, None, None))
    page.ads = _ads(AD_CONTAINERS(root), main_links)
    if kp is not None:
        specials.append(kp)
    page.related_searches = _related(root, rso, main_links, page.query, specials)
    _next(root, url, main_links, page)
    if not page.organic:
        _empty_page(root, url, page)


def first(seq):
    return seq[0] if seq else None


def text_of(el) -> str:
    """The element's text, whitespace folded; serialising as text is faster than XPath string()."""
    if not len(el):
        return clean(el.text)
    return clean(etree.tostring(el, method="text", encoding="unicode", with_tail=False))


# --- organic results and special blocks ------------------------------------------------------
def _results(items, url: str, page: SerpPage, kp, *, mobile=False, basic=False) -> list:
    """Walk titles, shown URLs, snippets and special blocks in page order; return the special
    blocks' elements (their links are not related searches)."""
    specials: list = []
    nested = MOBILE_NESTED if mobile else NESTED
    skipped: set = set()  # titles and blocks inside special blocks or the knowledge panel
    if kp is not None:
        skipped.update(nested(kp))
    rows: list[list] = []  # [block, href, target, title, display_url, snippet]
    row = None  # the web result the following cite / snippet belong to
    block = 0
    last_kind = None  # kind of the previous block when it was a special one
    whole_page = False
    seen_targets: set = set()
    for el in items:
        tag = el.tag
        if tag == "cite":
            if row is not None and row[4] is None:
                row[4] = text_of(el) or None
            continue
        if tag != "h3":
            if tag in SPECIAL_TAGS or el.get("data-initq") is not None:
                row = None
                if el in skipped:
                    continue
                skipped.update(nested(el))
                specials.append(el)
                kind, title, href = _special(el)
                if kind != last_kind or kind not in ("people_also_ask", "video"):
                    block += 1
                    last_kind = kind
                elif kind == "people_also_ask":  # the questions of one box
                    continue
                # consecutive videos are the cards of one carousel: one block, each listed
                page.special.append(SpecialBlock(kind, title, absolute(url, href), block))
                continue
            if el.get("aria-level") is None:  # a snippet row
                if row is not None and row[5] is None and _is_snippet(el):
                    row[5] = text_of(el) or None
                continue
            if el.get("aria-level") != "3" or el.get("role") != "heading":
                continue
        # a title
        row = None
        if el in skipped:
            continue
        marks = TITLE_MARKS(el)
        href = None
        for mark in marks:
            if mark.startswith(URL_STARTS):
                href = mark
        classes = set(" ".join(marks).split())
        if not EXCLUDING_KEYS.isdisjoint(classes):
            kind = next((EXCLUDING_CLASSES[c] for c in classes if EXCLUDING_CLASSES.get(c)), None)
            if kind is not None and kind != last_kind:  # a featured snippet / PAA answer source
                block += 1
                last_kind = kind
                link = href if kind == "featured_snippet" and _target(href) else None
                title = text_of(el) if link else None
                page.special.append(SpecialBlock(kind, title or None, absolute(url, link), block))
            continue
        if not SITELINK_CLASSES.isdisjoint(classes):
            continue
        target = _target(href)
        if target is None or target in seen_targets or (basic and not href.startswith("/url?")):
            continue  # basic HTML links every result through /url?q=; a direct link is not Google's
        seen_targets.add(target)
        if not whole_page and WHOLE_PAGE_PANEL in classes:
            whole_page = True
            title = _entity_title(KP_HEADER_TITLE(el))
            page.special.append(SpecialBlock("knowledge_panel", title, None, None))
        block += 1
        last_kind = None
        row = [block, href, target, text_of(el), None, None]
        if basic:
            row[4] = clean(BASIC_SHOWN_URL(el)) or None
            row[5] = clean(BASIC_SNIPPET(el)) or None
        elif mobile:
            row[4] = clean(MOBILE_SHOWN_URL(el)) or None
        rows.append(row)
    page.organic = [
        OrganicResult(
            position=i,
            block_position=r[0],
            url=r[2],
            link=r[1],
            display_url=r[4],
            title=r[3],
            snippet=r[5],
        )
        for i, r in enumerate(rows, 1)
    ]
    return specials


def _is_snippet(el) -> bool:
    for attr in SNIPPET_ATTRS:
        value = el.get(attr)
        if value is not None:
            return value == "1"
    return True  # span.st


def _target(href: str | None) -> str | None:
    """The external page a result link leads to, or None (internal, ad or script link)."""
    if not href:
        return None
    if href.startswith("/url?") or ("/url?" in href and ".google." in href.split("/url?", 1)[0]):
        real = _param(href, "q") or _param(href, "url")
        return real if real and real.startswith(("http://", "https://")) else None
    if href.startswith(("http://", "https://")):
        if "google" in href:  # Google's own search and ad links are not results
            if any(m in href for m in AD_LINK_MARKERS):
                return None
            h = host(href) or ""
            if ".google." in "." + h and urlsplit(href).path.startswith(("/search", "/aclk")):
                return None
        return href
    return None


def _entity_title(nodes) -> str | None:
    return text_of(nodes[0]) or None if nodes else None


def _special(el) -> tuple[str, str | None, str | None]:
    """kind, title and link of a special block."""
    tag = el.tag
    hrefs = [a.get("href") for a in LINKS(el)]
    if tag == "video-voyager":
        heading = _heading_of(el, "3")
        return "video", text_of(heading if heading is not None else el) or None, first(hrefs)
    if tag not in SPECIAL_TAGS:  # People also ask (data-initq)
        heading = _heading_of(el, None)
        return "people_also_ask", text_of(heading) if heading is not None else None, None
    heading = _heading_of(el, None)
    title = text_of(heading) if heading is not None else None
    kind = next(
        (k for h in hrefs for markers, k in SECTION_LINK_KINDS if any(m in h for m in markers)), "other"
    )
    link = next((h for h in hrefs if h.startswith("/search?") and "tbm=" in h), None) or first(hrefs)
    return kind, title or None, link


def _heading_of(el, level: str | None):
    """The first <h3> or role=heading element of a block (of the given aria-level)."""
    for node in SECTION_HEADING(el):
        if node.tag == "h3" or (
            node.get("role") == "heading" and (level is None or node.get("aria-level") == level)
        ):
            return node
    return None


# --- ads, related searches, pagination ---------------------------------------------------------
def _ads(ad_roots, main_links) -> Ads:
    units: list = []
    for container in ad_roots:
        found = AD_UNIT(container) or AD_UNIT_FALLBACK(container)
        units.extend(u for u in found if u not in units)
    # Shopping units and basic-HTML ads: /aclk? links outside the text-ad units.
    counted = set(units)
    links = [a for scope in ad_roots for a in LINKS(scope)] + (main_links or [])
    for a in links:
        href = a.get("href")
        if "aclk" not in href or not any(m in href for m in AD_LINK_MARKERS):
            continue
        group = a
        for anc in a.iterancestors():
            if anc in counted:
                group = None
                break
            cls = anc.get("class")
            if group is a and cls and not AD_GROUP_CLASSES.isdisjoint(cls.split()):
                group = anc
            if anc.get("id") in AD_SCOPE_IDS:
                break
        if group is not None and group not in counted:
            counted.add(group)
            units.append(group)
    domains = [d for d in (_ad_domain(u) for u in units) if d]
    return Ads(len(units), tuple(dict.fromkeys(domains)))


def _ad_domain(unit) -> str | None:
    links = [unit] if unit.tag == "a" else LINKS(unit)
    for a in links:
        for attr in ("data-pcu", "href"):
            value = a.get(attr) or ""
            if value.startswith(("http://", "https://")) and not any(m in value for m in AD_LINK_MARKERS):
                h = host(value.split(",")[0])
                if h and ".google." not in "." + h:
                    return h
    shown = first(AD_SHOWN_URL(unit))
    if shown is not None:
        text = text_of(shown).split(" ")[0].split("›")[0]
        h = host(text)
        if h and "." in h:
            return h
    for a in links:
        adurl = _param(a.get("href"), "adurl")
        if adurl:
            return host(adurl)
    return None


def _related(root, rso, main_links, query: str | None, blocks) -> list[str]:
    """Related searches: the #brs / #bres box, else /search?q= links of the result column that
    are neither tabs, filters, pagination, entity links nor People-also-ask 'Search for' links."""
    out = _related_links([a for box in RELATED_BOXES(root) for a in LINKS(box)], query)
    if not out:
        if rso is None:
            return _related_links(main_links or [], query)
        elsewhere: set = set()  # People also ask "Search for:" links, knowledge-panel entities
        for block in blocks:
            elsewhere.update(SEARCH_LINKS(block))
        out = _related_links([a for a in SEARCH_LINKS(rso) if a not in elsewhere], query)
    return out


def _is_search_href(href: str | None) -> bool:
    """A link to a Google result page: /search?..., also behind a mirror's path prefix or absolute."""
    return bool(href) and urlsplit(href).path.endswith("/search") and "?" in href


def _related_links(links, query: str | None) -> list[str]:
    out: list[str] = []
    for a in links:
        href = a.get("href")
        if not _is_search_href(href):
            continue
        if NOT_RELATED_PARAMS.search(href):
            continue
        q = clean(_param(href, "q"))
        if not q or q == query:
            continue
        text = text_of(a) or q
        if text not in out:
            out.append(text)
    return out


def _next(root, url: str, main_links, page: SerpPage) -> None:
    href = first(NEXT_LINK(root))
    if not href:  # basic HTML and mobile: the nearest later page among the start= links
        current = _int(_param(url, "start"))
        links = main_links if main_links is not None else [a for s in BOTTOM(root) for a in LINKS(s)]
        best = None
        for a in links:
            h = a.get("href")
            if "start=" not in h or not _is_search_href(h):
                continue
            n = _int(_param(h, "start"))
            if n > current and (best is None or n < best[0]):
                best = (n, h)
        href = best[1] if best else None
    if href:
        page.has_next = True
        page.next_url = absolute(url, href)


# --- query, blocks and empty pages -----------------------------------------------------------
def _query(root) -> str | None:
    title = clean(TITLE(root))
    if TITLE_SUFFIX in title and "google" in title.rsplit(TITLE_SUFFIX, 1)[1].lower():
        return title.rsplit(TITLE_SUFFIX, 1)[0] or None
    box = first(QUERY_INPUT(root))
    if box is not None:
        return clean(box.get("value") or box.text) or None
    return None


def _empty_page(root, url: str, page: SerpPage) -> None:
    """No result found: a captcha / unusual-traffic page, a consent wall, or 'no results'."""
    actions = " ".join(FORM_ACTIONS(root)).lower()
    if CAPTCHA_MARKERS(root) or any(m in actions or m in url for m in UNUSUAL_TRAFFIC_MARKERS):
        page.blocked = BLOCK_UNUSUAL_TRAFFIC
    elif any(m in actions or m in url for m in CONSENT_MARKERS):
        page.blocked = BLOCK_CONSENT
    else:
        text = visible_text(root).lower()  # script bodies hold UI strings such as the notice itself
        if any(m in text for m in UNUSUAL_TRAFFIC_MARKERS):
            page.blocked = BLOCK_UNUSUAL_TRAFFIC
        elif any(m in text for m in NO_RESULTS_MARKERS):
            page.no_results = True
    if page.blocked:  # the search box of a block page holds a token: take the query it interrupted
        cont = first(CONTINUE_INPUT(root))
        page.query = _param(cont, "q") if cont else None
    elif page.query is None:
        page.query = _query(root)


def _param(url: str | None, name: str) -> str | None:
    """One query-string parameter, decoded (the first occurrence), or None."""
    if not url or "?" not in url:
        return None
    prefix = name + "="
    for part in url.split("?", 1)[1].split("#", 1)[0].split("&"):
        if part.startswith(prefix):
            return unquote_plus(part[len(prefix):])
    return None


def _int(value: str | None) -> int:
    try:
        return int(value or 0)
    except ValueError:
        return 0
