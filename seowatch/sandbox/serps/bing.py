"""Bing result pages (www.bing.com/search) as the sandbox serves them: ol#b_results with li.b_algo
results (some through /ck/a?...&u=a1<base64url> click links), li.b_ad ad blocks, li.b_ans answers,
the b_rs related searches and the li.b_pag pager."""

from __future__ import annotations

import base64
import hashlib
from urllib.parse import quote, quote_plus

from seowatch.sandbox.plan import PagePlan, Shown
from seowatch.sandbox.scenario import Ad, Card
from seowatch.sandbox.serps.common import Links, esc, host_of

VERTICALS = {"images": ("/images/search", "Images of"), "video": ("/videos/search", "Videos of"),
             "news": ("/news/search", "News about")}


def ck_link(url: str, links: Links) -> str:
    """Bing's click-tracking redirect, the target base64url-encoded after 'a1'."""
    digest = hashlib.sha1(url.encode("utf-8")).hexdigest()
    u = base64.urlsafe_b64encode(url.encode("utf-8")).rstrip(b"=").decode("ascii")
    return (f"{links.base}/ck/a?!&&p={digest}JmltdHM9MTcwMDAwMDAwMA&ptn=3&ver=2&hsh=3"
            f"&fclid={digest[:8]}-{digest[8:12]}-{digest[12:16]}-{digest[16:20]}-{digest[20:32]}&u=a1{u}&ntb=1")


def _href(r: Shown, links: Links) -> str:
    # Some results carry Bing's /ck/a click link instead of the direct URL, as today's Bing does.
    return ck_link(r.url, links) if r.position % 3 == 2 else r.url


def render(plan: PagePlan, links: Links) -> str:
    items: list[str] = []
    if plan.ads:
        items.append(_ads(plan.ads, plan.keyword, links))
    cards = list(plan.cards)
    for index, result in enumerate(plan.results):
        while cards and cards[0][0] <= index:
            items.append(_card(cards.pop(0)[1], plan.keyword, links))
        items.append(_organic(result, links))
    items.extend(_card(card, plan.keyword, links) for _, card in cards)
    if plan.related:
        items.append(_related(plan.keyword, plan.related, links))
    items.append(_pager(plan, links))
    return _document(plan.keyword, links, plan.encoding, "".join(items), f"{plan.total * 9_876:,}")


def _organic(r: Shown, links: Links) -> str:
    display = r.display_url or r.url
    return (
        f'<li class="b_algo" data-bm="{r.position + 4}"><h2><a href="{esc(_href(r, links))}"'
        f' h="ID=SERP,{5100 + r.position}.1">{esc(r.title)}</a></h2>'
        f'<div class="b_caption"><div class="b_attribution" u="0|5075|{r.position}|sandbox"><cite>{esc(display)}</cite>'
        f'<span class="c_tlbxTrg"><span class="c_tlbxH" h="BASE:CACHEDPAGEDEFAULT"></span></span></div>'
        f'<p class="b_lineclamp3">{esc(r.snippet)}</p></div></li>'
    )


def _ads(ads: tuple[Ad, ...], keyword: str, links: Links) -> str:
    units = []
    for i, ad in enumerate(ads):
        title = ad.title or f"{keyword} - {host_of(ad.url)}"
        u = base64.urlsafe_b64encode(quote(ad.url, safe="").encode("ascii")).rstrip(b"=").decode("ascii")
        href = f"{links.base}/aclick?ld=e8sandbox{i}&u={u}&rlid=sandbox{i}"
        units.append(
            f'<li class=""><div class="sb_add sb_adTA"><h2><a class=" b_restorableLink" href="{esc(href)}"'
            f' h="ID=SERP,{5600 + i}.1,Ads">{esc(title)}</a></h2><div class="b_caption"><div class="b_attribution">'
            f'<div class="b_adurl"><cite>{esc(ad.url)}</cite></div></div>'
            f'<p><span class="b_adSlug b_opttxt b_divdef">Ad</span>{esc(title)}</p></div></div></li>'
        )
    return f'<li class="b_ad"><ul>{"".join(units)}</ul></li>'


def _card(card: Card, keyword: str, links: Links) -> str:
    vertical = VERTICALS.get(card.kind)
    if vertical:  # an answer from one of Bing's verticals: its heading links to that vertical
        path, _ = vertical
        href = f"{links.prefix}{path}?q={_q(keyword)}&qpvt={_q(keyword)}&FORM=IGRE"
        item = f'<a class="b_ansItem" href="{esc(card.url)}">{esc(host_of(card.url))}</a>' if card.url else ""
        return (f'<li class="b_ans b_imgans"><h2><a href="{esc(href)}" h="ID=SERP,5400.1">{esc(card.title)}</a></h2>'
                f'<div class="b_imagePair square_mp">{item}</div></li>')
    if card.kind == "people_also_ask":
        return (f'<li class="b_ans"><div class="df_alsoAsk"><div class="df_hd"><h2>{esc(card.title)}</h2></div>'
                f'<div class="df_qntext">{esc(keyword)}?</div></div></li>')
    if card.kind == "local":
        return f'<li class="b_ans b_mop"><h2>{esc(card.title)}</h2><div id="lMapContainer"></div></li>'
    link = f'<a href="{esc(card.url)}" h="ID=SERP,5401.1">{esc(card.title)}</a>' if card.url else esc(card.title)
    return f'<li class="b_ans b_top"><div class="b_topTitle"><h2>{link}</h2></div><div class="b_focusTextLarge"></div></li>'


def _related(keyword: str, terms: tuple[str, ...], links: Links) -> str:
    items = "".join(
        f'<li><a href="{esc(links.search(t))}&amp;FORM=QSRE{i + 1}" h="ID=SERP,{5577 + 2 * i}.1">{esc(t)}</a></li>'
        for i, t in enumerate(terms)
    )
    return (f'<li class="b_ans"><div class="b_rs"><h2>Related searches for <strong>{esc(keyword)}</strong></h2>'
            f'<ul class="b_vList b_divsec">{items}</ul></div></li>')


def _pager(plan: PagePlan, links: Links) -> str:
    parts: list[str] = []
    if plan.page > 1:
        parts.append(f'<li><a class="sb_pagP sb_pagP_bp b_widePag sb_bp" title="Previous page"'
                     f' href="{esc(links.search(plan.keyword, plan.page - 1))}&amp;FORM=PORE">&lt;</a></li>')
    first = max(1, plan.page - 2)
    for n in range(first, min(plan.last_page, first + 4) + 1):
        if n == plan.page:
            parts.append(f'<li><a class="sb_pagS sb_pagS_bp b_widePag sb_bp">{n}</a></li>')
        else:
            parts.append(f'<li><a class="b_widePag sb_bp" aria-label="Page {n}"'
                         f' href="{esc(links.search(plan.keyword, n))}&amp;FORM=PERE">{n}</a></li>')
    if plan.has_next:
        parts.append(f'<li><a class="sb_pagN sb_pagN_bp b_widePag sb_bp " title="Next page"'
                     f' href="{esc(links.search(plan.keyword, plan.page + 1))}&amp;FORM=PORE">&gt;</a></li>')
    return (f'<li class="b_pag"><nav role="navigation" aria-label="More results for {esc(plan.keyword)}">'
            f'<h4 class="b_hide">Pagination</h4><ul class="sb_pagF">{"".join(parts)}</ul></nav></li>')


def _q(keyword: str) -> str:
    return quote_plus(keyword)


def _document(keyword: str, links: Links, encoding: str, results: str, count: str = "0") -> str:
    q = esc(keyword)
    return (
        '<!DOCTYPE html><html lang="zh" xml:lang="zh" xmlns="http://www.w3.org/1999/xhtml"><head>'
        f'<meta content="text/html; charset={esc(encoding)}" http-equiv="content-type"/>'
        f'<title>{q} - Search</title></head><body><header id="b_header" role="banner">'
        f'<form action="{esc(links.prefix)}/search" id="sb_form" class=" hassbi">'
        f'<input class="b_searchbox" id="sb_form_q" name="q" aria-label="Enter your search term" type="search"'
        f' value="{q}" maxlength="1000" autocomplete="off"/></form></header>'
        f'<div id="b_content"><div id="b_tween"><span class="sb_count">About {count} results</span></div>'
        f'<main aria-label="Search Results"><ol id="b_results" class="">{results}</ol></main>'
        '<aside aria-label="Additional Results"><ol id="b_context"></ol></aside></div></body></html>'
    )


def no_results(keyword: str, links: Links, encoding: str = "utf-8") -> str:
    return _document(
        keyword, links, encoding,
        f'<li class="b_no"><h1>There are no results for <strong>{esc(keyword)}</strong></h1>'
        '<ul><li><span>Check your spelling or try different keywords</span></li></ul></li>',
    )


def captcha(keyword: str, links: Links) -> str:
    """The 'one last step' challenge Bing puts in front of clients it suspects."""
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>Bing</title></head><body>'
        '<div id="b_content"><div id="b_captcha" class="b_captcha"><h1>One last step</h1>'
        '<p>Please solve the challenge below to continue</p>'
        f'<iframe id="b_captcha_frame" src="{esc(links.prefix)}/turing/captcha/challenge?q={_q(keyword)}"'
        ' width="400" height="500" frameborder="0"></iframe></div></div></body></html>'
    )
