"""Sogou web search result pages (www.sogou.com/web): ranked results, ads, related searches, blocks."""

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
from seowatch.crawlers.parsers.text import absolute, element_text, first, host, query_from, raw_text

ENGINE = "sogou"


# --- selectors: everything that knows Sogou's markup ---------------------------------------
# id() is answered from libxml2's ID table, so these anchors cost nothing on large pages; the
# blocks themselves are walked with lxml's C-level tag filters (iter) rather than '//' scans.
# div.results holds the result blocks as its top-level divs (2012, 2017 and 2022 layouts).
RESULTS = etree.XPath(
    "(id('main') | id('leftcolumn') | id('wrapper'))/descendant::div[contains(@class, 'results')][1]"
)
RESULTS_ANYWHERE = etree.XPath("/descendant::div[contains(@class, 'results')][1]")
BLOCK_PART_TAGS = ("div", "p", "cite")
CITEURL_CLASS = "citeurl"  # 2017+: "site name - shortened URL" (+ span.cite-date)
SNIPPET_CLASSES = frozenset(("ft", "space-txt", "str_info", "str-text-info"))  # 2012, 2022, cards
SNIPPET_ID_PREFIX = "cacheresult_summary"
AD_BLOCK_CLASSES = frozenset(("biz_rb", "ext_query"))
# '广告' / ext_query labels inside a block of div.results mark that block as an ad.
AD_LABELS = etree.XPath(
    "descendant::span[text()[normalize-space() = '广告'] or contains(@class, 'ext_query')]"
)
# Sponsored blocks: the top container (#promotion_adv_container) and the .sponsored /
# .biz_sponsor boxes beside div.results hold .biz_rb units (or sponsor_N divs, or list items).
AD_CONTAINERS = etree.XPath(
    "id('promotion_adv_container') | id('bottom_adv_container') | id('right_adv_container')"
)
AD_CONTAINERS_NEAR = etree.XPath(
    "ancestor::div[position() <= 4]/div[contains(@class, 'sponsored') or contains(@class, 'biz_sponsor')"
    " or starts-with(@id, 'sponsor')]"
)
AD_UNITS = etree.XPath(".//div[contains(@class, 'biz_rb')] | .//*[starts-with(@id, 'sponsor_')]")
AD_UNITS_FALLBACK = etree.XPath("./ol/li | ./ul/li | ./div/ol/li")
AD_UNITS_LAST_RESORT = etree.XPath(".//h3")
LINKS = etree.XPath(".//a/@href")
RELATED = etree.XPath("id('hint_container')//a")
RELATED_CAPTION = "相关搜索"
NEXT = etree.XPath("id('sogou_next')/@href")
QUERY = etree.XPath("id('upquery')/@value")
QUERY_FALLBACK = etree.XPath("/descendant::input[@name='query'][@value][1]/@value")
TITLE = etree.XPath("/descendant::title[1]")
TITLE_SUFFIXES = (" - 搜狗搜索", "-搜狗搜索")
# The antispider page (www.sogou.com/antispider/): captcha image and form, anti.min.css.
CAPTCHA_MARK = etree.XPath(
    "id('seccodeImage') | id('seccodeInput') | id('seccodeForm') | id('seccodeRight')"
    " | //form[contains(@action, 'antispider') or contains(@action, 'thank.php')]"
    " | //link[contains(@href, 'anti.min.css')]"
)
BLOCK_TEXT = etree.XPath(
    "//body//text()[contains(., '异常访问请求') or contains(., '访问出现异常') or contains(., '您的访问出错')"
    " or contains(., '请输入验证码')][not(parent::script) and not(parent::style)]"
)
NO_RESULTS_TEXT = etree.XPath(
    "//body//text()[contains(., '没有找到与') or contains(., '未找到与')]"
    "[not(parent::script) and not(parent::style)]"
)

ANTISPIDER_URL = re.compile(r"sogou\.com/antispider|/antispider/", re.IGNORECASE)
# What Sogou appends to the shown URL: " - 2011-3-1", "- 1小时前", "翻译此页". Matched from a
# dash near the end of the text, so a date inside the URL itself is never cut.
DISPLAY_TAIL = re.compile(
    r"\s+(?:\d{4}[-/.年]\d{1,2}(?:[-/.月]\d{1,2}日?)?|\d+\s*(?:秒|分钟|小时|天|周|个月|月|年)前|昨天|今天|前天)\s*"
)
TRANSLATE_LINK = "翻译此页"
TAIL_WINDOW = 30
LEADING_DATE = re.compile(
    r"^\s*(?:\d{4}年\d{1,2}月\d{1,2}日|\d+\s*(?:秒|分钟|小时|天)前|昨天|前天)\s*(?:-|\.\.\.)\s*"
)
DOMAIN = re.compile(
    r"(?<![\w.-])((?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,})(?![\w-])", re.IGNORECASE
)

# Special blocks whose title links back into Sogou: host prefix -> kind.
SOGOU_KINDS = (
    ("baike.", "baike"),
    ("wenwen.", "answer"),
    ("zhihu.", "answer"),
    ("news.", "news"),
    ("pic.", "images"),
    ("video.", "video"),
    ("v.", "video"),
    ("fanyi.", "translate"),
    ("music.", "music"),
    ("map.", "local"),
    ("mingyi.", "health"),
    ("gouwu.", "shopping"),
)


def parse(body: bytes, url: str, headers: Mapping[Any, Any] | None = None) -> SerpPage:
    """Parse one Sogou result page."""
    page, root = begin(ENGINE, body, url, headers)
    if ANTISPIDER_URL.search(url or ""):
        page.blocked = BLOCK_CAPTCHA
        return finish(page)
    if root is None:
        return finish(page)

    results = first(RESULTS(root) or RESULTS_ANYWHERE(root))
    list_ads = _results(results, url, page) if results is not None else []
    if not page.organic and not page.special:
        if CAPTCHA_MARK(root) or BLOCK_TEXT(root):
            page.blocked = BLOCK_CAPTCHA
            return finish(page)
        page.no_results = bool(NO_RESULTS_TEXT(root))
    page.ads = _ads(root, results, list_ads)
    page.related_searches = _related(root)
    page.query = _query(root)
    next_href = first(NEXT(root))
    if next_href:
        page.next_url = absolute(url, next_href)
        page.has_next = page.next_url is not None
    return finish(page)


def _results(results, url: str, page: SerpPage) -> list:
    """Fill organic and special results in page order; return the ad blocks met in the list."""
    block_no = 0
    list_ads = []
    labelled = _labelled_blocks(results)
    for block in results.iterchildren("div"):
        if block in labelled or _has_ad_identity(block):
            list_ads.append(block)
            continue
        link = _title_link(block)
        if link is None:
            continue  # hidden helpers, spacers: not a result block
        block_no += 1
        citeurl, cite, snippet = _parts(block)
        href = (link.get("href") or "").strip()
        title = element_text(link)
        kind = _sogou_kind(href)
        if kind is not None:
            page.special.append(SpecialBlock(kind, title or None, absolute(url, href), block_no))
            continue
        page.organic.append(
            OrganicResult(
                position=len(page.organic) + 1,
                block_position=block_no,
                url=_target(href),
                link=href,
                display_url=_display_url(citeurl, cite),
                title=title,
                snippet=_snippet(snippet) if snippet is not None else None,
            )
        )
    return list_ads


def _snippet(el) -> str | None:
    text = element_text(el)
    if text[:1].isdigit() or text[:2] in ("昨天", "前天"):
        text = LEADING_DATE.sub("", text)
    return text or None


def _title_link(block):
    """The first usable link inside the block's first h3 that has one."""
    for h3 in block.iter("h3"):
        for a in h3.iter("a"):
            href = a.get("href")
            if href and not href.lstrip().lower().startswith("javascript"):
                return a
    return None


def _parts(block):
    """(citeurl element, first cite, snippet element) in one walk of the block's divs and cites."""
    citeurl = cite = snippet = None
    for el in block.iter(*BLOCK_PART_TAGS):
        if el.tag == "cite":
            if cite is None:
                cite = el
            continue
        cls = el.get("class")
        if cls:
            words = cls.split()
            if citeurl is None and CITEURL_CLASS in words:
                citeurl = el
                continue
            if snippet is None and not SNIPPET_CLASSES.isdisjoint(words):
                snippet = el
                continue
        if snippet is None and (el.get("id") or "").startswith(SNIPPET_ID_PREFIX):
            snippet = el
    return citeurl, cite, snippet


def _labelled_blocks(results) -> set:
    """Top-level blocks of div.results that carry an ad label somewhere inside."""
    blocks = set()
    for label in AD_LABELS(results):
        for el in label.iterancestors():
            if el.getparent() is results:
                blocks.add(el)
                break
    return blocks


def _has_ad_identity(block) -> bool:
    cls = block.get("class")
    if cls and not AD_BLOCK_CLASSES.isdisjoint(cls.split()):
        return True
    ident = block.get("id")
    return bool(ident) and ident.startswith("sponsor")


def _sogou_kind(href: str) -> str | None:
    """None when the title points to a third-party document; the special kind when it points
    back into Sogou (an aggregate widget such as 搜狗知识 /sogou?query=..., baike, wenwen...)."""
    if not href or href.startswith("#"):
        return "other"
    try:
        parts = urlsplit(href) if "//" in href else None
        h = (parts.hostname or "") if parts is not None else ""
    except ValueError:  # e.g. an unbalanced IPv6 bracket
        return None
    path = parts.path if parts is not None else href.split("?", 1)[0]
    if h and not (h == "sogou.com" or h.endswith(".sogou.com")):
        return None
    if path.lstrip("/").startswith("link"):
        return None  # Sogou's click redirect (/link?url=...) to a third-party page
    for prefix, kind in SOGOU_KINDS:
        if h.startswith(prefix):
            return kind
    return "other"


def _target(href: str) -> str | None:
    """The real URL when the href is direct; Sogou's /link?url= redirect hides it."""
    if not href.startswith(("http://", "https://")):
        return None
    h = host(href) or ""
    if h == "sogou.com" or h.endswith(".sogou.com"):
        return None
    return href


def _display_url(citeurl, cite) -> str | None:
    el = citeurl if citeurl is not None else cite
    if el is None:
        return None
    return _strip_tail(element_text(el)) or None


def _strip_tail(text: str) -> str:
    if text.endswith(TRANSLATE_LINK):
        text = text[: -len(TRANSLATE_LINK)].rstrip(" -–—")
    dash = text.find("-", max(0, len(text) - TAIL_WINDOW))
    while dash != -1:
        if DISPLAY_TAIL.fullmatch(text, dash + 1):
            return text[:dash].rstrip()
        dash = text.find("-", dash + 1)
    return text


def _ads(root, results, list_ads: list) -> Ads:
    """Sponsored units on the page; domains deduplicated in page order."""
    containers = AD_CONTAINERS(root)
    if results is not None:
        containers += AD_CONTAINERS_NEAR(results)
    units: list = list(list_ads)
    for container in dict.fromkeys(containers):
        units.extend(
            AD_UNITS(container) or AD_UNITS_FALLBACK(container) or AD_UNITS_LAST_RESORT(container)
        )
    if not units:
        return Ads()
    seen = set(units)
    # a sponsor_N div holding a .biz_rb is one ad, not two
    unique = [u for u in dict.fromkeys(units) if not any(a in seen for a in u.iterancestors())]
    unique.sort(key=lambda u: u.sourceline or 0)  # page order (sort is stable within a line)
    domains = (_ad_domain(u) for u in unique)
    return Ads(len(unique), tuple(dict.fromkeys(d for d in domains if d)))


def _ad_domain(unit) -> str | None:
    citeurl, cite, _ = _parts(unit)
    el = citeurl if citeurl is not None else cite
    if el is not None:
        m = DOMAIN.search(raw_text(el))
        if m:
            return m.group(1).lower()
    for href in LINKS(unit):
        h = host(href) if href.startswith(("http://", "https://", "//")) else None
        if h and not (h == "sogou.com" or h.endswith(".sogou.com")):
            return h
    return None


def _related(root) -> list[str]:
    links = RELATED(root)
    if not links:
        for caption in root.iter("caption"):
            if RELATED_CAPTION in (raw_text(caption) or ""):
                links = list(caption.getparent().iter("a"))
                break
    return list(dict.fromkeys(t for t in (element_text(a) for a in links) if t))


def _query(root) -> str | None:
    return query_from(first(QUERY(root) or QUERY_FALLBACK(root)), first(TITLE(root)), TITLE_SUFFIXES)
