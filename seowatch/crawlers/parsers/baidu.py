"""Baidu PC result pages (www.baidu.com/s): organic results, ads, Aladdin cards, 相关搜索, blocks."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

from lxml import etree

from seowatch.crawlers.parsers import begin, finish
from seowatch.crawlers.parsers.model import (
    BLOCK_CAPTCHA,
    BLOCK_SECURITY_CHECK,
    Ads,
    OrganicResult,
    SerpPage,
    SpecialBlock,
)
from seowatch.crawlers.parsers.text import absolute, clean, element_text, host

ENGINE = "baidu"

# --- selectors -------------------------------------------------------------------------------
# Speed notes: Baidu pages are mostly inline script and CSS, so a bare lxml parse is quick and
# every whole-tree XPath scan shows in the ratio. #content_left is reached by child steps (with
# an ElementPath `find`, which stops at the first match, as the fallback); #rs and #page are
# looked up among the siblings of #content_left and of its parent; XPath predicates run on one
# block at a time and on named elements (h3, a, span, div), never on `*`.
RESULTS_PATH = './/div[@id="content_left"]'
# Where #content_left sits on every Baidu PC layout since 2015 (#wrapper > #wrapper_wrapper >
# #container > #content_left): child steps only, several times cheaper than searching.
RESULTS_AT = etree.XPath("/html/body/div/div/div/div[@id='content_left']")
QUERY_BOX_PATH = './/input[@id="kw"]'
PAGE_TITLE = etree.XPath("string(/html/head/title)", smart_strings=False)
RELATED_IDS = ("rs", "rs_new")
PAGER_ID = "page"
RELATED_LINKS = etree.XPath(".//table//a")
NEXT_LINK = etree.XPath(".//a[contains(., '下一页')]/@href", smart_strings=False)
# Fallbacks for layouts where #rs / #page are not next to #content_left (whole-tree scans).
RELATED_ANYWHERE = etree.XPath("//div[@id='rs' or @id='rs_new']")
PAGER_ANYWHERE = etree.XPath("//div[@id='page']")
# Ad labels among the children of #content_left: Baidu labels a paid block 广告 (older: 推广链接)
# in a span that usually also carries data-tuiguang. (Spans only: a predicate over every link of
# the Aladdin cards costs more than the rest of the parse.)
AD_BLOCKS = etree.XPath("./div[descendant::span[@data-tuiguang or .='广告' or .='推广链接']]")
# The nodes of an organic block we read; the Python side sorts them by role: the link in the
# first h3 (its text is the title; the h3 itself is read only when it has no link), shown URLs
# (a/span.c-showurl, modern a.siteLink, 2015 span.g) and the abstract (div.c-abstract, modern
# span.content-right_*). <style>/<script> under #content_left are stripped first, so
# text_content() is the visible text.
ORGANIC_PARTS = etree.XPath(
    "((descendant::h3)[1]//a[@href])[1]"
    " | descendant::a[contains(@class, 'showurl') or contains(@class, 'siteLink')]"
    " | descendant::span[@class='g' or contains(@class, 'showurl') or contains(@class, 'content-right')]"
    " | descendant::div[contains(@class, 'c-abstract')]"
)
CARD_TITLE = etree.XPath("(descendant::h3)[1]")
# The terms of a 大家还在搜 card: its links, except the card's own title link.
CARD_LINKS = etree.XPath("descendant::a[@href][not(ancestor::h3) and not(descendant::h3)]")
# Visible text without <style>/<script> bodies, for elements outside #content_left.
VISIBLE_TEXT = etree.XPath(
    "descendant-or-self::text()[not(parent::style) and not(parent::script)]", smart_strings=False
)
# Where an ad names its landing site.
AD_LANDING = etree.XPath(
    "(descendant::*/@data-landurl)[1]"
    " | (descendant::a[contains(@class, 'showurl')] | descendant::span[contains(@class, 'showurl')]"
    " | descendant::span[contains(@class, 'c-color-gray')] | descendant::div[contains(@class, 'showurl')])[1]"
)
TRAILING_DATE = re.compile(r"\s*\d{4}(?:-\d{1,2}-\d{1,2}|年\d{1,2}月\d{1,2}日)\s*$")
AD_ID_FLOOR = 3000
TITLE_SUFFIX = "_百度搜索"
SECURITY_TITLE = "百度安全验证"
# Present only on the 百度安全验证 page (its script, its passMod dialog, its timeout button).
SECURITY_MARKERS = (b"wappass.baidu.com/static/captcha", b"passMod", b"timeout-button")
CAPTCHA_HOSTS = ("wappass.baidu.com", "verify.baidu.com")
# The explicit "nothing found" notice; looked for only when a page has no organic result.
NO_RESULTS = etree.XPath(
    "boolean(//div[contains(concat(' ', normalize-space(@class), ' '), ' content_none ')"
    " or contains(concat(' ', normalize-space(@class), ' '), ' nors ')]"
    " | //body//text()[not(parent::script) and not(parent::style)][contains(., '抱歉没有找到与')])"
)

# Special-block kinds from Baidu's tpl/srcid names; the first matching fragment wins.
KIND_FRAGMENTS: tuple[tuple[str, str], ...] = (
    ("med_", "health"),
    ("doctor", "health"),
    ("health", "health"),
    ("realtime", "news"),
    ("news", "news"),
    ("video", "video"),
    ("music", "music"),
    ("singer", "music"),
    ("song", "music"),
    ("img", "images"),
    ("image", "images"),
    ("bk_", "baike"),
    ("baike", "baike"),
    ("fanyi", "translate"),
    ("dict", "translate"),
    ("translate", "translate"),
    ("tieba", "tieba"),
    ("kg_", "knowledge_panel"),
    ("entity", "knowledge_panel"),
    ("wenda_abstract", "featured_snippet"),
    ("wenda_generate", "people_also_ask"),
    ("exactqa", "answer"),
    ("calculator", "answer"),
    ("wenda", "answer"),
    ("weather", "answer"),
    ("recommend", "related"),
    ("lbs", "local"),
    ("map_", "local"),
    ("poi_", "local"),
    ("shop", "shopping"),
    ("goods", "shopping"),
)


def parse(body: bytes, url: str, headers: Mapping[Any, Any] | None = None) -> SerpPage:
    """Parse one Baidu PC result page."""
    page, root = begin(ENGINE, body, url, headers)
    page.blocked = blocked_by_url(url)
    if page.blocked or root is None:
        return finish(page)

    title = clean(PAGE_TITLE(root))
    results = next(iter(RESULTS_AT(root)), None)
    if results is None:
        results = root.find(RESULTS_PATH)
    if SECURITY_TITLE in title or (results is None and any(m in body for m in SECURITY_MARKERS)):
        page.blocked = BLOCK_SECURITY_CHECK
        return finish(page)

    page.query = _query(root, title)
    related = pager = None
    if results is not None:
        _read_blocks(page, results)
        related, pager = _neighbours(results)
    if related is None:
        related = next(iter(RELATED_ANYWHERE(root)), None)
    if pager is None:
        pager = next(iter(PAGER_ANYWHERE(root)), None)
    if related is not None:
        add_related(page, RELATED_LINKS(related))
    if pager is not None:
        page.next_url = absolute(url, next(iter(NEXT_LINK(pager)), None))
        page.has_next = page.next_url is not None
    if not page.organic:
        page.no_results = bool(NO_RESULTS(root))
    return finish(page)


def blocked_by_url(url: str | None) -> str | None:
    """Baidu sends blocked clients to a captcha host; the requested or final URL says so."""
    return BLOCK_CAPTCHA if host(url) in CAPTCHA_HOSTS else None


def _query(root, title: str) -> str | None:
    box = root.find(QUERY_BOX_PATH)
    if box is not None and box.get("value"):
        return box.get("value")
    if title.endswith(TITLE_SUFFIX):
        return title[: -len(TITLE_SUFFIX)] or None
    return None


def _neighbours(results) -> tuple[Any, Any]:
    """#rs / #rs_new and #page: siblings of #content_left (2015-2019) or of its parent (2020+)."""
    related = pager = None
    parent = results.getparent()
    siblings = list(results.itersiblings("div"))
    if parent is not None:
        siblings.extend(parent.itersiblings("div"))
    for el in siblings:
        el_id = el.get("id")
        if el_id in RELATED_IDS and related is None:
            related = el
        elif el_id == PAGER_ID and pager is None:
            pager = el
    return related, pager


def _read_blocks(page: SerpPage, results) -> None:
    """Walk the direct children of #content_left: organic results, special cards and ads."""
    etree.strip_elements(results, "style", "script", with_tail=False)
    ads = set(AD_BLOCKS(results))
    container_index = 0
    ad_domains: list[str] = []
    ad_count = 0
    for block in results.iterchildren("div"):
        classes = (block.get("class") or "").split()
        is_container = "c-container" in classes or "result" in classes or "result-op" in classes
        if is_container:
            container_index += 1
        if block in ads or is_ad(block, classes):
            ad_count += 1
            domain = ad_domain(block)
            if domain and domain not in ad_domains:
                ad_domains.append(domain)
            continue
        if not is_container:
            continue
        block_id = block.get("id") or ""
        block_position = int(block_id) if block_id.isdigit() else container_index
        tpl = block.get("tpl") or ""
        if "result" in classes and "result-op" not in classes and (not tpl or tpl.startswith("se_")):
            result = _organic(block, _parts(block), len(page.organic) + 1, block_position)
            if result is not None:
                page.organic.append(result)
        else:
            kind = special_kind(tpl or block.get("srcid"))
            if kind == "related":  # 大家还在搜 between the results
                add_related(page, CARD_LINKS(block))
            page.special.append(
                SpecialBlock(
                    kind=kind,
                    title=_text(next(iter(CARD_TITLE(block)), None)) or None,
                    url=block.get("mu") or None,
                    block_position=block_position,
                )
            )
    page.ads = Ads(count=ad_count, domains=tuple(ad_domains))


def _parts(block) -> dict[str, Any]:
    """The nodes of an organic block by role (the first of each role in document order)."""
    parts: dict[str, Any] = {}
    for el in ORGANIC_PARTS(block):
        tag = el.tag
        cls = el.get("class") or ""
        if "showurl" in cls or "siteLink" in cls:
            role = "shown"
        elif tag == "a":
            role = "a"
        elif cls == "g":
            role = "g"
        else:
            role = "abstract"
        if role not in parts:
            parts[role] = el
    return parts


def _organic(block, parts: dict[str, Any], position: int, block_position: int) -> OrganicResult | None:
    a = parts.get("a")
    title = _text(a) or _text(next(iter(CARD_TITLE(block)), None))
    if not title:
        return None
    display = _text(parts.get("shown")) or None
    if display is None and "g" in parts:
        display = TRAILING_DATE.sub("", _text(parts["g"])) or None
    return OrganicResult(
        position=position,
        block_position=block_position,
        url=block.get("mu") or None,
        link=a.get("href") if a is not None else None,
        display_url=display,
        title=title,
        snippet=_text(parts.get("abstract")) or None,
    )


def _text(el) -> str:
    """Whitespace-folded text of an element ('' for None).

    str.split() folds exactly the Unicode whitespace that text.clean folds, several times faster."""
    return element_text(el) if el is not None else ""


def visible_text(el) -> str:
    """Whitespace-folded text of an element without <style>/<script> bodies ('' for None)."""
    if el is None:
        return ""
    return clean("".join(VISIBLE_TEXT(el)))


def is_ad(block, classes: Iterable[str] | None = None) -> bool:
    """Ad markers on the block element itself: ad id (3001...; organic ids never pass ~760), EC_ id,
    ec_/ec- class, data-tuiguang, cmatchid. A 广告 label inside the block is found by AD_BLOCKS."""
    block_id = block.get("id") or ""
    if block_id.isdigit() and int(block_id) >= AD_ID_FLOOR:
        return True
    if block_id.lower().startswith("ec_"):
        return True
    if block.get("data-tuiguang") is not None or block.get("cmatchid") is not None:
        return True
    if classes is None:
        classes = (block.get("class") or "").split()
    return any(c.lower().startswith(("ec_", "ec-")) for c in classes)


def ad_domain(block) -> str | None:
    """The advertised domain: landing URL, else the shown URL of the ad."""
    mu = block.get("mu")
    for item in ([mu] if mu else []) + AD_LANDING(block):
        value = item if isinstance(item, str) else visible_text(item)
        token = value.split()[0] if value.split() else ""
        if "." in token:
            h = host(token)
            if h:
                return h
    return None


def special_kind(name: str | None) -> str:
    """Our kind vocabulary for a Baidu card template name (tpl or srcid)."""
    lowered = (name or "").lower()
    for fragment, kind in KIND_FRAGMENTS:
        if fragment in lowered:
            return kind
    return "other"


def add_related(page: SerpPage, links: Iterable[Any]) -> None:
    """Append the link texts to page.related_searches, skipping empty and repeated ones."""
    for a in links:
        term = element_text(a) or clean(a.get("title"))
        if term and term not in page.related_searches:
            page.related_searches.append(term)


def data_log(value: str | None) -> dict[str, Any]:
    """Baidu's data-log / data-click attribute: JSON, or the older single-quoted object form."""
    if not value:
        return {}
    try:
        parsed = json.loads(value)
    except ValueError:
        parsed = None
    if isinstance(parsed, dict):
        return parsed
    out: dict[str, Any] = {}
    for m in _LOOSE_PAIR.finditer(value):
        if m.group(2) is not None:
            out[m.group(1)] = m.group(2).replace("\\/", "/")
        else:
            out[m.group(1)] = int(m.group(3))
    return out


_LOOSE_PAIR = re.compile(r"""['"]?([A-Za-z_][\w-]*)['"]?\s*:\s*(?:['"]([^'"]*)['"]|(-?\d+))""")
