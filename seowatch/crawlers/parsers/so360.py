"""360 search result pages (www.so.com/s): organic results, ads, related searches, blocks."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from lxml import etree

from seowatch.crawlers.parsers import begin, finish
from seowatch.crawlers.parsers.model import (
    BLOCK_CAPTCHA,
    Ads,
    OrganicResult,
    SerpPage,
    SpecialBlock,
)
from seowatch.crawlers.parsers.text import absolute, clean, element_text, first, host, query_from, raw_text

ENGINE = "so360"

# --- selectors: everything that knows 360's markup -----------------------------------------
# id() is answered from libxml2's ID table; blocks are walked with lxml's C-level tag filters.
RESULT_LISTS = etree.XPath(
    "id('main')/ul[contains(concat(' ', normalize-space(@class), ' '), ' result ')]"
    "[not(starts-with(@id, 'e_'))]"
)
RESULT_LISTS_ANYWHERE = etree.XPath(
    "//ul[contains(concat(' ', normalize-space(@class), ' '), ' result ')]"
    "[not(starts-with(@id, 'e_'))]"
)
BLOCK_CLASS = "res-list"  # li.res-list: one result block
RES_ATTR = "data-res"  # JSON on the title link of a web result: {"pos": 3, ...}
RES_POS = re.compile(r'"pos"\s*:\s*"?(\d+)')
REDIRECT = re.compile(r"(?:(?:https?:)?//(?:[\w-]+\.)*(?:so|haosou)\.com)?/link\b", re.IGNORECASE)
REAL_URL_ATTRS = ("data-mdurl", "data-url")  # the target behind a so.com/link?m= redirect
LINKINFO_CLASSES = ("res-linkinfo", "g-linkinfo")  # p holding the shown URL in a <cite>
SNIPPET_CLASSES = frozenset(("res-desc", "res-comm-con", "mh-first-cont"))
RICH_CLASS = "res-rich"
LEADING_DATE = re.compile(
    r"^\s*(?:\d{4}年\d{1,2}月\d{1,2}日|\d+\s*(?:秒|分钟|小时|天)前|昨天|前天)\s*-\s*"
)
MOHE_TYPE = etree.XPath("descendant-or-self::*[@data-mohe-type][1]/@data-mohe-type")
# Paid blocks: the #e_idea_pp* lists above/below the results, the right column (ul.e_result
# inside #so_kw-ad / .spread), and list items in the result list carrying ad markers.
AD_LISTS = etree.XPath(
    "id('e_idea_pp') | id('e_idea_pp_vip') | id('e_idea_pp_vip_bottom') | id('e_idea_pp_natads')"
    " | id('e_idea_pp_mid1') | id('e_idea_pp_mid2') | id('e_idea_pp_mid3') | id('e_idea_pp_mid4')"
    " | id('e_idea_left') | id('rightbox') | id('so_kw-ad')//ul[contains(@class, 'e_result')]"
    " | id('right_show')//ul | id('main')/ul[starts-with(@id, 'e_idea') or contains(@class, 'e_result')]"
)
# ad labels inside the result list ('广告', span.e_idea_icon / .e-tag); one pass per list
AD_LABELS = etree.XPath(
    "descendant::span[contains(@class, 'e_idea_icon') or contains(@class, 'e-tag')"
    " or text()[normalize-space() = '广告']]"
)
AD_ATTR = "data-lm"  # 360's ad click-tracking attribute, on the item or its title link
AD_DOMAIN_ATTR = etree.XPath("descendant-or-self::*[@data-domain][1]/@data-domain")
AD_HREFS = etree.XPath(".//a/@data-mdurl | .//a/@data-url | .//a/@href")
LINK_HREFS = etree.XPath(".//a/@href")
OWN_DOMAINS = ("so.com", "360.cn", "360.com", "haosou.com")  # never an advertiser's domain
SELF_PROMO_HOSTS = frozenset(("e.360.cn",))  # "想在360搜索推广您的产品服务吗？" is not an ad
RELATED = etree.XPath("id('rs')//table//a")
RELATED_FALLBACK = etree.XPath("id('rs')//a[not(ancestor::h3)]")
NEXT = etree.XPath("id('snext')/@href")
QUERY = etree.XPath("id('keyword')/@value")
QUERY_FALLBACK = etree.XPath("/descendant::input[@name='q'][@value][1]/@value")
TITLE = etree.XPath("/descendant::title[1]")
TITLE_SUFFIXES = ("_360搜索", " - 360搜索", "_好搜")
BLOCK_URL = re.compile(r"/captcha|qcaptcha|antispider", re.IGNORECASE)
CAPTCHA_MARK = etree.XPath(
    "//*[contains(@id, 'captcha') or contains(@class, 'captcha')]"
    " | //script[contains(@src, 'captcha')] | //form[contains(@action, 'captcha')]"
)
BLOCK_TEXT = etree.XPath(
    "//text()[contains(., '访问异常') or contains(., '异常访问') or contains(., '请输入验证码')]"
    "[not(parent::script) and not(parent::style)]"
)
NO_RESULTS_TEXT = etree.XPath(
    "//body//text()[contains(., '未找到和') or contains(., '未找到与') or contains(., '没有找到与')"
    " or contains(., '找不到和')][not(parent::script) and not(parent::style)]"
)
DOMAIN = re.compile(
    r"(?<![\w.-])((?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,})(?![\w-])", re.IGNORECASE
)

# data-mohe-type of a special card -> kind
MOHE_KINDS = (
    ("pic", "images"),
    ("image", "images"),
    ("news", "news"),
    ("video", "video"),
    ("baike", "baike"),
    ("music", "music"),
    ("fanyi", "translate"),
    ("translate", "translate"),
    ("wenda", "answer"),
    ("zhidao", "answer"),
    ("map", "local"),
    ("local", "local"),
    ("shop", "shopping"),
    ("health", "health"),
    ("med", "health"),
)


def parse(body: bytes, url: str, headers: Mapping[Any, Any] | None = None) -> SerpPage:
    """Parse one 360 result page."""
    page, root = begin(ENGINE, body, url, headers)
    if _blocked_url(url):
        page.blocked = BLOCK_CAPTCHA
        return finish(page)
    if root is None:
        return finish(page)

    lists = RESULT_LISTS(root) or RESULT_LISTS_ANYWHERE(root)
    list_ads = _results(lists, url, page)
    if not page.organic and not page.special:
        if CAPTCHA_MARK(root) or BLOCK_TEXT(root):
            page.blocked = BLOCK_CAPTCHA
            return finish(page)
        page.no_results = bool(NO_RESULTS_TEXT(root))
    page.ads = _ads(root, list_ads)
    page.related_searches = _related(root)
    page.query = _query(root)
    next_href = first(NEXT(root))
    if next_href:
        page.next_url = absolute(url, next_href)
        page.has_next = page.next_url is not None
    return finish(page)


def _blocked_url(url: str | None) -> bool:
    if not url:
        return False
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return bool(BLOCK_URL.search(parts.path) or BLOCK_URL.search(parts.hostname or ""))


def _results(lists, url: str, page: SerpPage) -> list:
    """Fill organic and special results in page order; return the ad items met in the lists.

    Organic block positions are 360's own data-res "pos"; a special block (no data-res) takes the
    place after the previous block, which is what 360's counter does on real pages.
    """
    block_no = 0
    list_ads = []
    for ul in lists:
        labelled = _labelled_items(ul)
        for li in ul.iterchildren("li"):
            if BLOCK_CLASS not in (li.get("class") or "").split():
                continue  # e.g. li#newsflow-toggle, the "more results" switch
            link = _title_link(li)
            if li in labelled or _has_ad_attr(li, link):
                list_ads.append(li)
                continue
            if link is None or link.get(RES_ATTR) is None:
                block_no += 1
                page.special.append(_special(li, link, url, block_no))
                continue
            m = RES_POS.search(link.get(RES_ATTR, ""))
            block_no = int(m.group(1)) if m else block_no + 1
            href = link.get("href", "").strip()
            cite, snippet, linkinfo = _parts(li)
            page.organic.append(
                OrganicResult(
                    position=len(page.organic) + 1,
                    block_position=block_no,
                    url=_target(link, href),
                    link=href,
                    display_url=(element_text(cite) or None) if cite is not None else None,
                    title=element_text(link),
                    snippet=_snippet(snippet, linkinfo) if snippet is not None else None,
                )
            )
    return list_ads


def _has_ad_attr(li, link) -> bool:
    return li.get(AD_ATTR) is not None or (link is not None and link.get(AD_ATTR) is not None)


def _labelled_items(ul) -> set:
    """Items of a result list that carry an ad label somewhere inside."""
    items = set()
    for label in AD_LABELS(ul):
        for el in label.iterancestors():
            if el.getparent() is ul:
                items.add(el)
                break
    return items


def _title_link(li):
    """The first usable link of the block's first h3 (the title)."""
    for h3 in li.iter("h3"):
        for a in h3.iter("a"):
            href = a.get("href")
            if href and not href.lstrip().lower().startswith("javascript"):
                return a
        return None
    return None


def _parts(li):
    """(shown-URL cite, snippet element, the cite's linkinfo line) in one walk of the block."""
    cite = snippet = rich = bare_p = fallback_cite = None
    for el in li.iter("cite", "p", "div"):
        tag = el.tag
        if tag == "cite":
            if cite is None:
                parent_cls = el.getparent().get("class") or ""
                if any(c in parent_cls for c in LINKINFO_CLASSES):
                    cite = el
                elif fallback_cite is None:
                    fallback_cite = el
            continue
        if snippet is not None:
            continue
        cls = el.get("class")
        if not cls:
            if tag == "p" and rich is not None and bare_p is None:
                bare_p = el  # the text paragraph of a rich (document) result
            continue
        words = cls.split()
        if not SNIPPET_CLASSES.isdisjoint(words):
            snippet = el
        elif rich is None and RICH_CLASS in words:
            rich = el
    if snippet is None:
        snippet = bare_p if bare_p is not None else rich
    linkinfo = cite.getparent() if cite is not None else None
    return (cite if cite is not None else fallback_cite), snippet, linkinfo


def _snippet(el, linkinfo) -> str | None:
    """The snippet text, without the shown-URL line when the snippet element contains it."""
    text = raw_text(el)
    if linkinfo is not None and any(a is el for a in linkinfo.iterancestors()):
        shown = raw_text(linkinfo)
        cut = text.rfind(shown)
        if cut >= 0:
            text = text[:cut] + text[cut + len(shown):]
    text = clean(text)
    if text[:1].isdigit() or text[:2] in ("昨天", "前天"):
        text = LEADING_DATE.sub("", text)
    return text or None


def _is_redirect(href: str) -> bool:
    """360's click redirect: https://www.so.com/link?m=... (or the older haosou.com/link)."""
    return REDIRECT.match(href) is not None


def _target(link, href: str) -> str | None:
    """The real URL: a direct href, or data-mdurl / data-url behind the so.com redirect."""
    if href.startswith(("http://", "https://")) and not _is_redirect(href):
        return href
    for attr in REAL_URL_ATTRS:
        value = (link.get(attr) or "").strip()
        if value.startswith(("http://", "https://")):
            return value
    return None


def _special(li, link, url: str, block_no: int) -> SpecialBlock:
    title = element_text(link) if link is not None else ""
    href = link.get("href") if link is not None else None
    mohe = first(MOHE_TYPE(li)) or ""
    kind = next((k for key, k in MOHE_KINDS if key in mohe), "other")
    return SpecialBlock(kind, title or None, absolute(url, href), block_no)


def _ads(root, list_ads: list) -> Ads:
    """Paid items on the page; domains deduplicated in page order."""
    units = list(list_ads)
    for ul in AD_LISTS(root):
        for li in ul.iterchildren("li"):
            if not _self_promotion(li):
                units.append(li)
    if not units:
        return Ads()
    units = sorted(dict.fromkeys(units), key=lambda u: u.sourceline or 0)  # page order
    domains = (_ad_domain(u) for u in units)
    return Ads(len(units), tuple(dict.fromkeys(d for d in domains if d)))


def _self_promotion(li) -> bool:
    """360's own "advertise with us" line in the ad column, or an empty item."""
    hosts = {host(h) for h in LINK_HREFS(li)}
    return not hosts or hosts <= SELF_PROMO_HOSTS


def _ad_domain(li) -> str | None:
    value = first(AD_DOMAIN_ATTR(li))
    if value and value.strip():
        return value.strip().lower()
    cite = next(li.iter("cite"), None)
    if cite is not None:
        m = DOMAIN.search(raw_text(cite))
        if m:
            return m.group(1).lower()
    for href in AD_HREFS(li):
        if not href.startswith(("http://", "https://", "//")) or _is_redirect(href):
            continue
        h = host(href)
        if h and not _is_360_host(h):
            return h
    return None


def _is_360_host(h: str) -> bool:
    return any(h == d or h.endswith("." + d) for d in OWN_DOMAINS)


def _related(root) -> list[str]:
    links = RELATED(root) or RELATED_FALLBACK(root)
    return list(dict.fromkeys(t for t in (element_text(a) for a in links) if t))


def _query(root) -> str | None:
    return query_from(first(QUERY(root) or QUERY_FALLBACK(root)), first(TITLE(root)), TITLE_SUFFIXES)
