"""Baidu mobile result pages (m.baidu.com/s, www.baidu.com/from=844b/s): organic, ads, cards, blocks."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lxml import etree

from seowatch.crawlers.parsers import begin, finish
from seowatch.crawlers.parsers.baidu import (
    CARD_LINKS,
    PAGE_TITLE,
    SECURITY_MARKERS,
    SECURITY_TITLE,
    add_related,
    blocked_by_url,
    data_log,
    is_ad,
    special_kind,
    visible_text,
)
from seowatch.crawlers.parsers.model import BLOCK_SECURITY_CHECK, Ads, OrganicResult, SerpPage, SpecialBlock
from seowatch.crawlers.parsers.text import absolute, clean, host

ENGINE = "baidu_mobile"

# --- selectors -------------------------------------------------------------------------------
# Every result, card and ad is a div.c-result (class "c-result result") inside #results, with
# Baidu's counter in `order`, the template in `tpl` and a `data-log` JSON object carrying
# `order` and `mu` (the real target URL). Organic templates start with www_ (www_index,
# www_struct, older www_normal); everything else is a card (Aladdin) unless it is an ad.
RESULTS_PATH = './/div[@id="results"]'
QUERY_BOX_PATH = './/input[@name="word"]'
PAGER_PATH = './/div[@id="page-controller"]'
RELATED_BOXES = etree.XPath("//div[@id='relativewords' or @id='reword']")
TITLE_SUFFIXES = (" - 百度", "_百度搜索", " - 百度搜索")
ORGANIC_TPL_PREFIX = "www_"
ORGANIC_SRCID = "1599"
RELATED_TPLS = ("recommend_list", "rel_rs")
NO_RESULTS_TPL = "noresult"
RESULT_CLASS = "c-result"
# c-result blocks under a wrapper that is not itself a result (outermost ones only).
NESTED_RESULTS = etree.XPath(
    "descendant::div[contains(concat(' ', normalize-space(@class), ' '), ' c-result ')]"
    "[not(ancestor::div[contains(concat(' ', normalize-space(@class), ' '), ' c-result ')])]"
)
# A paid block: 广告 label, data-tuiguang, ec-tuiguang class, or an ec_ template (see also is_ad).
AD_LABEL = etree.XPath(
    "boolean(descendant::span[@data-tuiguang or contains(@class, 'tuiguang') or .='广告']"
    " or descendant::a[@data-tuiguang or .='广告'] or descendant::div[.='广告'])"
)
AD_ITEMS = etree.XPath("descendant::div[contains(@class, 'ec_resitem')]")
AD_SHOWN = etree.XPath(
    "(descendant::span[contains(@class, 'ec_site') or contains(@class, 'ec_url') or contains(@class, 'showurl')"
    " or contains(@class, 'c-color-source')] | descendant::div[contains(@class, 'single-text')])[1]"
)
# The nodes of a block we read; the Python side picks them by role and priority.
BLOCK_PARTS = etree.XPath(
    "(descendant::article[@rl-link-href])[1] | (descendant::a[@href])[1] | (descendant::h3)[1]"
    " | descendant::span[contains(@class, 'c-title-text') or contains(@class, 'showurl')"
    " or contains(@class, 'c-color-source')]"
    " | descendant::p[contains(@class, 'cu-title')]"
    " | descendant::div[contains(@class, 'c-title') or contains(@class, 'single-text')"
    " or contains(@class, 'c-abstract') or contains(@class, 'summary') or @role='text']"
)
RELATED_LINKS = etree.XPath(".//a")
NEXT_LINK = etree.XPath(
    ".//a[contains(@class, 'new-nextpage') or contains(., '下一页')]/@href", smart_strings=False
)
# The explicit "nothing found" block; looked for only when a page has no organic result.
NO_RESULTS = etree.XPath(
    "boolean(//div[contains(@tpl, 'noresult') or contains(@class, 'noresult')]"
    " | //body//text()[not(parent::script) and not(parent::style)]"
    "[contains(., '未找到相关结果') or contains(., '抱歉没有找到与')])"
)


def parse(body: bytes, url: str, headers: Mapping[Any, Any] | None = None) -> SerpPage:
    """Parse one Baidu mobile result page."""
    page, root = begin(ENGINE, body, url, headers)
    page.blocked = blocked_by_url(url)
    if page.blocked or root is None:
        return finish(page)

    title = clean(PAGE_TITLE(root))
    results = root.find(RESULTS_PATH)
    if SECURITY_TITLE in title or (results is None and any(m in body for m in SECURITY_MARKERS)):
        page.blocked = BLOCK_SECURITY_CHECK
        return finish(page)

    page.query = _query(root, title)
    if results is not None:
        _read_blocks(page, results)
    for box in RELATED_BOXES(root):
        add_related(page, RELATED_LINKS(box))
    pager = root.find(PAGER_PATH)
    if pager is not None:
        page.next_url = absolute(url, next(iter(NEXT_LINK(pager)), None))
        page.has_next = page.next_url is not None
    if not page.organic:
        page.no_results = bool(NO_RESULTS(root))
    return finish(page)


def _query(root, title: str) -> str | None:
    box = root.find(QUERY_BOX_PATH)
    if box is not None and box.get("value"):
        return box.get("value")
    for suffix in TITLE_SUFFIXES:
        if title.endswith(suffix):
            return title[: -len(suffix)] or None
    return None


def _blocks(results):
    """The result blocks in page order: children of #results, and c-result blocks in wrappers."""
    for child in results.iterchildren("div"):
        classes = (child.get("class") or "").split()
        if RESULT_CLASS in classes or is_ad(child, classes):
            yield child, classes
            continue
        nested = NESTED_RESULTS(child)
        if nested:
            for block in nested:
                yield block, (block.get("class") or "").split()
        elif AD_LABEL(child):
            yield child, classes


def _read_blocks(page: SerpPage, results) -> None:
    """Sort the blocks of #results into organic results, cards and ads."""
    ad_count = 0
    ad_domains: list[str] = []
    last_order = 0  # Baidu's counter; a block without one continues from the previous block
    for block, classes in _blocks(results):
        log = data_log(block.get("data-log"))
        tpl = block.get("tpl") or str(log.get("ensrcid") or "")
        order = block.get("order") or str(log.get("order") or "")
        block_position = int(order) if order.isdigit() else None
        if block_position is not None:
            last_order = block_position
        if is_ad(block, classes) or tpl.startswith("ec_") or AD_LABEL(block):
            items = AD_ITEMS(block) or [block]
            ad_count += len(items)
            for item in items:
                domain = _ad_domain(item, log if item is block else {})
                if domain and domain not in ad_domains:
                    ad_domains.append(domain)
            continue
        if NO_RESULTS_TPL in tpl or any(NO_RESULTS_TPL in c for c in classes):
            continue
        if block_position is None:
            last_order += 1
            block_position = last_order
        logged_url = log.get("mu")
        real_url = block.get("mu") or (logged_url if isinstance(logged_url, str) else None) or None
        parts = _parts(block)
        srcid = block.get("new_srcid") or block.get("srcid") or ""
        if tpl.startswith(ORGANIC_TPL_PREFIX) or (not tpl and srcid == ORGANIC_SRCID):
            title = _title(parts)
            if not title:
                continue
            page.organic.append(
                OrganicResult(
                    position=len(page.organic) + 1,
                    block_position=block_position,
                    url=real_url,
                    link=parts.get("link"),
                    display_url=_first_text(parts, ("showurl", "source", "single")),
                    title=title,
                    snippet=_first_text(parts, ("abstract",)),
                )
            )
            continue
        kind = special_kind(tpl or srcid)
        if tpl in RELATED_TPLS:
            kind = "related"
            add_related(page, CARD_LINKS(block))
        page.special.append(
            SpecialBlock(kind=kind, title=_title(parts) or None, url=real_url, block_position=block_position)
        )
    page.ads = Ads(count=ad_count, domains=tuple(ad_domains))


def _parts(block) -> dict[str, Any]:
    """Nodes of one block by role, the first in document order for each role."""
    parts: dict[str, Any] = {}
    for el in BLOCK_PARTS(block):
        tag = el.tag
        cls = el.get("class") or ""
        if tag == "article":
            parts["link"] = el.get("rl-link-href")
            continue
        if tag == "a":
            parts.setdefault("link", el.get("href"))
            continue
        if tag == "h3":
            role = "h3"
        elif "c-title-text" in cls or "cu-title" in cls:
            role = "title_text"
        elif "showurl" in cls:
            role = "showurl"
        elif "c-color-source" in cls:
            role = "source"
        elif "single-text" in cls:
            role = "single"
        elif "c-title" in cls:
            role = "title_box"
        else:
            role = "abstract"
        parts.setdefault(role, el)
    return parts


def _title(parts: dict[str, Any]) -> str:
    return _first_text(parts, ("title_text", "h3", "title_box")) or ""


def _first_text(parts: dict[str, Any], roles: tuple[str, ...]) -> str | None:
    for role in roles:
        el = parts.get(role)
        if el is not None:
            text = visible_text(el)
            if text:
                return text
    return None


def _ad_domain(item, log: dict[str, Any]) -> str | None:
    """Landing host of an ad: data-landurl / mu when present, else its shown site."""
    for value in (item.get("data-landurl"), item.get("mu"), log.get("mu")):
        if isinstance(value, str) and host(value):
            return host(value)
    shown = next(iter(AD_SHOWN(item)), None)
    token = (visible_text(shown).split() or [""])[0] if shown is not None else ""
    return host(token) if "." in token else None
