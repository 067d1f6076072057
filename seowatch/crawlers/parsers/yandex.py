"""Yandex result pages (yandex.ru/search, 2015 to current desktop layouts) into a SerpPage."""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from typing import Any

from lxml import etree

from seowatch.crawlers.parsers import begin, finish
from seowatch.crawlers.parsers.model import (
    BLOCK_CAPTCHA,
    Ads,
    OrganicResult,
    SerpPage,
    SpecialBlock,
)
from seowatch.crawlers.parsers.text import absolute, clean, element_text, host

ENGINE = "yandex"


# --- selectors -------------------------------------------------------------------------------
def _xp(expr: str) -> etree.XPath:
    """A string-valued XPath (no smart strings: no Python proxy per element)."""
    return etree.XPath(expr, smart_strings=False)


# The result items, top-level only, in page order, tried in turn:
#   current: ul#search-result > li.serp-item;  2016-2019: ul.serp-list > li.serp-item;
#   2015: div.serp-list > div.serp-block (or div.serp-adv) > div.serp-item
ITEM_LISTS = (
    etree.XPath("id('search-result')/li | /descendant::ul[contains(@class, 'serp-list')]/li"),
    etree.XPath("/descendant::div[@class='serp-list']/div/div[contains(@class, 'serp-item')]"),
)
ITEM_CLASS = "serp-item"
AD_ITEM_CLASSES = frozenset({"serp-adv-item", "serp-adv__item"})
AD_HOST = "yabs.yandex.ru"
AD_LABEL = "реклама"
WIZARD_ATTR = "data-fast-wzrd"
# inside an item: the h2 title link (2015-2019 h2 > a; current a.OrganicTitle-Link > h2)
TITLE_LINK = etree.XPath("(descendant::h2[1]/descendant::a[@href] | descendant::h2[1]/ancestor::a[@href])[1]")
# The shown URL and the snippet sit in the siblings that follow the title row (the h2, or the element
# around it that has siblings), or one level below them. Looking only there, not through the whole
# item, and reading strings rather than elements (each element handed to Python costs a proxy) keeps
# this cheap: it runs once per result. The shown URL: 2016+ div.path (with its '›' separators), 2015
# div.serp-url > span.serp-url__item parts; the snippet: 2016+ div.text-container, 2015 div.serp-item__text.
_ROW = "descendant::h2[1]/ancestor-or-self::*[following-sibling::div][1]"
_TEXT = "contains(@class, 'text-container') or contains(@class, 'item__text') or contains(@class, 'OrganicText')"
DISPLAY_PATH = _xp(
    f"string(({_ROW}/following-sibling::div[contains(@class, 'path')]"
    f" | {_ROW}/following-sibling::div/div[contains(@class, 'path')])[1])"
)
URL_ITEMS = etree.XPath(
    f"{_ROW}/following-sibling::div[contains(@class, 'serp-url')]/span[contains(@class, 'serp-url__item')]"
)
SNIPPET = _xp(f"string(({_ROW}/following-sibling::div[{_TEXT}] | {_ROW}/following-sibling::div/div[{_TEXT}])[1])")
# the items of a result list that carry a 'реклама' label (one query per list, not one per item)
LABELLED_ITEMS = etree.XPath(
    "*[descendant::div[contains(@class, 'abel')][normalize-space(.)='реклама' or normalize-space(.)='Реклама']]"
)
QUERY_BOX = _xp("string(/descendant::input[@name='text'][1]/@value)")
# The next-page link is found in the raw bytes by its class (a tree-wide XPath class test costs more
# than the rest of the page): <a ... class="... pager__item_kind_next ..." href="...">.
# (searched from the end: the pager is near the bottom; "_kind_next" covers 2015's kind_nextpage too)
NEXT_LINK_CLASSES = (b"_kind_next", b"Pager-Item_type_next")
_HREF_ATTR = re.compile(rb"""\shref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""")
# related searches: the block that follows the result list in the same column
RELATED_LINKS = etree.XPath(
    "../*[@class='related' or contains(@class, 'RelatedBottom') or contains(@class, 'related-searches')]//a[@href]"
)
# Yandex's own verticals: special blocks, not organic results
VERTICALS = (
    ("market.yandex.", "shopping"),
    ("/images", "images"),
    ("/video", "video"),
    ("news.yandex.", "news"),
    ("/news", "news"),
    ("maps.yandex.", "local"),
    ("/maps", "local"),
)
YANDEX_HOSTS = ("yandex.ru", "yandex.com", "yandex.ua", "yandex.by", "yandex.kz", "ya.ru", "yandex.com.tr")
# the captcha page ("Ой!"): raw-byte markers (markup included) and words of its text; the explicit
# empty result: words of the visible text; both looked for only when no organic result was found
CAPTCHA_MARKERS = (b"showcaptcha", b"checkcaptcha", b"captchaimg", b"smartcaptcha")
CAPTCHA_WORDS = (
    "подтвердите, что запросы отправляли вы, а не робот",
    "похожи на автоматические",
    "я не робот",
    "вы не робот",
    "are you not a robot",
)
NO_RESULTS_WORDS = (
    "ничего не нашлось",
    "ничего не нашли",
    "ничего не найдено",
    "искомая комбинация слов нигде не встречается",
)
VISIBLE_TEXT = _xp("/descendant::body//text()[not(parent::script)][not(parent::style)]")


def parse(body: bytes, url: str, headers: Mapping[Any, Any] | None = None) -> SerpPage:
    """Parse one Yandex result page."""
    page, root = begin(ENGINE, body, url, headers)
    if root is None:
        return finish(page)

    page.query = clean(QUERY_BOX(root)) or None
    items: list[Any] = []
    for query in ITEM_LISTS:
        items = query(root)
        if items:
            break
    _items(items, url, page)
    href = _next_href(body or b"", page.encoding)
    if href:
        page.has_next = True
        page.next_url = absolute(url, href)
    if items:
        for a in RELATED_LINKS(items[0].getparent()):
            text = element_text(a)
            if text and text not in page.related_searches:
                page.related_searches.append(text)
    if not page.organic:
        raw = (body or b"").lower()
        text = " ".join(VISIBLE_TEXT(root)).lower()
        text = " ".join(text.split())
        if any(m in raw for m in CAPTCHA_MARKERS) or any(m in text for m in CAPTCHA_WORDS):
            page.blocked = BLOCK_CAPTCHA
        elif any(m in text for m in NO_RESULTS_WORDS):
            page.no_results = True
    return finish(page)


def _items(items: list[Any], url: str, page: SerpPage) -> None:
    block = 0
    ad_count = 0
    ad_domains: list[str] = []
    labelled = {found for parent in _parents(items) for found in LABELLED_ITEMS(parent)}
    for item in items:
        classes = (item.get("class") or "").split()
        if ITEM_CLASS not in classes and item.tag != "li":
            continue
        link = TITLE_LINK(item)
        if not link:
            continue  # a serp-item without a title link (sports table, "place an ad") is not a block
        href = link[0].get("href") or ""
        target = _absolute(url, href)
        block += 1
        if item in labelled or _is_ad(item, classes, target):
            ad_count += 1
            domain = _ad_domain(item, target)
            if domain:
                ad_domains.append(domain)
            continue
        kind = _vertical(item, link[0], target)
        title = element_text(link[0])
        if kind is not None:
            page.special.append(SpecialBlock(kind=kind, title=title or None, url=target, block_position=block))
            continue
        page.organic.append(
            OrganicResult(
                position=len(page.organic) + 1,
                block_position=block,
                url=target,
                link=href,
                display_url=_display_url(item) or None,
                title=title,
                snippet=clean(SNIPPET(item)) or None,
            )
        )
    page.ads = Ads(ad_count, tuple(dict.fromkeys(ad_domains)))


def _parents(items: list[Any]) -> list[Any]:
    """The distinct containers of the items, in order (one list, or 2015's several blocks)."""
    parents: list[Any] = []
    for item in items:
        parent = item.getparent()
        if not parents or parents[-1] is not parent:
            parents.append(parent)
    return parents


def _is_ad(item, classes: list[str], target: str | None) -> bool:
    if AD_ITEM_CLASSES.intersection(classes) or (item.get("aria-label") or "").lower() == AD_LABEL:
        return True
    return item.get("data-fast-name") == "direct" or host(target) == AD_HOST


def _ad_domain(item, target: str | None) -> str | None:
    """The advertiser's domain: the title link when it is direct, else the first item of the shown URL."""
    domain = host(target)
    if domain and domain != AD_HOST:
        return domain
    shown = _display_url(item)
    if shown:
        first = shown.split("›")[0].split("/")[0].strip()
        return host(first) if "." in first else None
    return None


def _vertical(item, link, target: str | None) -> str | None:
    """The kind of a Yandex vertical (Маркет, Картинки, video...) block, None for a web result."""
    domain = host(target) or ""
    own = domain.endswith(YANDEX_HOSTS) or "vertical-service" in (link.get("class") or "")
    if not own and not item.get(WIZARD_ATTR):
        return None
    for marker, kind in VERTICALS:
        if marker in (target or ""):
            return kind
    return "other"


def _next_href(body: bytes, encoding: str) -> str | None:
    """The href of the pager's next link, read from the bytes around its class name."""
    for marker in NEXT_LINK_CLASSES:
        at = body.rfind(marker)
        while at != -1:
            start = body.rfind(b"<", 0, at)
            end = body.find(b">", at)
            if start < 0 or end < 0:
                break
            tag = body[start:end]
            if tag[:3].lower() in (b"<a ", b"<a\t", b"<a\n") and (m := _HREF_ATTR.search(tag)):
                raw = next(g for g in m.groups() if g is not None)
                return html.unescape(raw.decode(encoding, "replace")) or None
            at = body.rfind(marker, 0, at)
    return None


def _display_url(item) -> str:
    shown = clean(DISPLAY_PATH(item))
    if shown:
        return shown
    return "›".join(t for t in (element_text(span) for span in URL_ITEMS(item)) if t)


def _absolute(url: str, href: str) -> str | None:
    if href.startswith(("http://", "https://")):
        return href
    if href.startswith("//"):
        return "https:" + href
    return absolute(url, href)

