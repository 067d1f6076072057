"""Baidu mobile result pages (m.baidu.com/s?word=) as the sandbox serves them: div.c-result blocks
with order and a data-log JSON (its mu is the real URL when the target is carried), /from=.../tc?
click links, ec_wise_ad 广告 units, #reword related searches and the new-pagenav pager."""

from __future__ import annotations

import json

from seowatch.sandbox.plan import PagePlan, Shown
from seowatch.sandbox.scenario import Card
from seowatch.sandbox.serps.baidu import CAPTCHA_PAGE, CARD_TPL
from seowatch.sandbox.serps.common import Links, esc, host_of

TC_PATH = "/from=844b/bd_page_type=1/ssid=0/uid=0/pu=usm%402%2Csz%40320_1001%2Cta%40iphone_2_9.0_24_79.0/baiduid=SANDBOX/w=0_10_/t=iphone/l=3/tc"


def _tc_link(url: str, order: int, tj: str, links: Links) -> str:
    """Baidu mobile's click link; the target travels as an opaque token (sec=)."""
    return links.redirect(url, path=TC_PATH, param="sec", before=f"ref=www_iphone&lid=0&order={order}&fm=alop&tj={tj}")


def render(plan: PagePlan, links: Links) -> str:
    blocks: list[str] = []
    for i, ad in enumerate(plan.ads):
        blocks.append(_ad(i, ad.url, ad.title or f"{plan.keyword}-{host_of(ad.url)}官网", links))
    order = 1
    cards = list(plan.cards)
    for index, result in enumerate(plan.results):
        while cards and cards[0][0] <= index:
            blocks.append(_card(order, cards.pop(0)[1], plan.keyword, links))
            order += 1
        blocks.append(_organic(order, result, links))
        order += 1
    for _, card in cards:
        blocks.append(_card(order, card, plan.keyword, links))
        order += 1
    return _document(
        plan.keyword, links, plan.encoding,
        f'<div id="results" class="results">{"".join(blocks)}</div>'
        f'{_related(plan.related, links)}{_pager(plan, links)}',
    )


def _organic(order: int, r: Shown, links: Links) -> str:
    log = {"ensrcid": "www_normal", "order": order, "srcid": "www_normal", "tpl": "www_normal"}
    if r.carry_target:
        log["mu"] = r.url
    link = _tc_link(r.url, order, f"www_normal_{order}_0_10_title", links)
    return (
        f'<div class="c-result result" order="{order}" tpl="www_normal" srcid="www_normal"'
        f' data-log="{esc(json.dumps(log, ensure_ascii=False))}">'
        f'<div class="c-result-content"><article class="c-container" rl-type="stop"><section>'
        f'<div class="c-title-wrapper"><a class="c-blocka" href="{esc(link)}" rl-link-href="{esc(link)}">'
        f'<h3 class="c-title c-gap-top-small"><span class="c-title-text">{esc(r.title)}</span></h3></a></div>'
        f'<div class="c-row c-gap-top-small"><div class="c-span12"><div class="c-abstract c-color">'
        f'{esc(r.snippet)}</div></div></div>'
        f'<div class="c-row c-color-gray c-gap-top-small"><span class="c-color-gray c-showurl">'
        f'{esc(r.display_url or host_of(r.url))}</span></div></section></article></div></div>'
    )


def _card(order: int, card: Card, keyword: str, links: Links) -> str:
    tpl, _ = CARD_TPL[card.kind]
    log = {"ensrcid": tpl, "order": order, "srcid": tpl, "tpl": tpl}
    if card.url:
        log["mu"] = card.url
    href = _tc_link(card.url, order, f"{tpl}_{order}_0_10_title", links) if card.url else links.search(keyword)
    return (
        f'<div class="c-result result" order="{order}" tpl="{tpl}" srcid="{tpl}"'
        f' data-log="{esc(json.dumps(log, ensure_ascii=False))}">'
        f'<div class="c-result-content"><article class="c-container"><section>'
        f'<div class="c-title-wrapper"><a class="c-blocka" href="{esc(href)}">'
        f'<h3 class="c-title"><span class="c-title-text">{esc(card.title)}</span></h3></a></div>'
        f'<div class="c-row">{esc(keyword)}</div></section></article></div></div>'
    )


def _ad(index: int, url: str, title: str, links: Links) -> str:
    href = links.redirect(url, path="/baidu.php")
    return (
        f'<div class="ec_wise_ad ec-resitem" data-tuiguang="{3001 + index}" data-ecimtimesign="0">'
        f'<div class="c-container ec-container"><a class="c-blocka ec_title" href="{esc(href)}">'
        f'<h3 class="c-title">{esc(title)}</h3></a><div class="ec_desc c-line-clamp2">{esc(title)}</div>'
        f'<div class="c-row"><span class="c-color-gray ec_url">{esc(host_of(url))}</span>'
        f'<span class="ec_ad_label ec-tuiguang">广告</span></div></div></div>'
    )


def _related(terms: tuple[str, ...], links: Links) -> str:
    if not terms:
        return ""
    items = "".join(f'<a class="rw-item c-blocka" href="{esc(links.search(t))}">{esc(t)}</a>' for t in terms)
    return (f'<div id="relativewords" class="se-relativewords c-container"><div class="rw-title">相关搜索</div>'
            f'<div class="rw-list">{items}</div></div>')


def _pager(plan: PagePlan, links: Links) -> str:
    left = right = ""
    if plan.page > 1:
        left = f'<a class="new-prepage" href="{esc(links.search(plan.keyword, plan.page - 1))}">上一页</a>'
    if plan.has_next:
        cls = "new-nextpage" if plan.page > 1 else "new-nextpage-only"
        right = f'<a class="{cls}" href="{esc(links.search(plan.keyword, plan.page + 1))}">下一页</a>'
    if not left and not right:
        return ""
    return (
        f'<div id="page-controller"><div class="new-pagenav c-flexbox"><div class="new-pagenav-left">{left}</div>'
        f'<div class="new-pagenav-center"><span class="new-pagenav-num">{plan.page}</span></div>'
        f'<div class="new-pagenav-right">{right}</div></div></div>'
    )


def _document(keyword: str, links: Links, encoding: str, content: str) -> str:
    q = esc(keyword)
    return (
        f'<!DOCTYPE html><html><head><meta charset="{esc(encoding)}">'
        '<meta name="viewport" content="width=device-width,minimum-scale=1.0,maximum-scale=1.0,user-scalable=no">'
        f'<title>{q} - 百度</title></head><body><div id="page" class="page">'
        f'<div id="page-hd"><form id="index-form" class="se-form" action="{esc(links.prefix)}/s">'
        f'<input id="index-kw" name="word" class="se-input" value="{q}" autocomplete="off">'
        '<button id="index-bn" class="se-bn">百度一下</button></form></div>'
        f'<div id="page-bd">{content}</div><div id="page-ft"></div></div></body></html>'
    )


def no_results(keyword: str, links: Links, encoding: str = "utf-8") -> str:
    return _document(
        keyword, links, encoding,
        '<div id="results" class="results"><div class="c-result se-noresult"><div class="c-container">'
        f'<p>抱歉没有找到与“<em>{esc(keyword)}</em>”相关的网页。</p><p>请检查您的输入是否正确</p></div></div></div>',
    )


def captcha(keyword: str, links: Links) -> str:
    return CAPTCHA_PAGE
