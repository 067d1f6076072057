"""360 Search result pages (www.so.com/s) as the sandbox serves them: ul.result > li.res-list with a
data-res JSON on the title link, /link?m= redirects (root-relative: the host that served the page is the
engine; data-mdurl holds the real URL when the target is carried; some carried results link directly),
res-linkinfo shown URLs, cards without data-res, #e_idea_pp ads, #rs related searches and the #snext pager."""

from __future__ import annotations

import hashlib
import json
from urllib.parse import quote

from seowatch.sandbox.plan import PagePlan, Shown
from seowatch.sandbox.scenario import Ad, Card
from seowatch.sandbox.serps.common import Links, esc, host_of, short_url

MOHE_TYPES = {
    "baike": "baike", "video": "video", "news": "news", "images": "image", "translate": "fanyi",
    "music": "music", "answer": "wenda", "people_also_ask": "wenda", "local": "map", "shopping": "shop",
    "health": "health", "knowledge_panel": "kg", "featured_snippet": "wenda", "tieba": "tieba",
    "related": "recommend", "other": "other",
}


def render(plan: PagePlan, links: Links) -> str:
    items: list[str] = []
    pos = 1
    cards = list(plan.cards)
    for index, result in enumerate(plan.results):
        while cards and cards[0][0] <= index:
            items.append(_card(cards.pop(0)[1], plan.keyword, links))
            pos += 1
        items.append(_organic(pos, result, links))
        pos += 1
    items.extend(_card(card, plan.keyword, links) for _, card in cards)
    ads = _ads(plan.ads, plan.keyword, links) if plan.ads else ""
    return _document(
        plan.keyword, links, plan.encoding,
        f'{ads}<ul class="result">{"".join(items)}</ul>{_pager(plan, links)}{_related(plan.related, links)}',
    )


def _organic(pos: int, r: Shown, links: Links) -> str:
    direct = r.carry_target and r.position % 4 == 1
    # Root-relative like Sogou's: the host that served the page is the engine (so.com/link?m= there).
    href = r.url if direct else links.redirect(r.url, param="m", absolute=False)
    mdurl = f' data-mdurl="{esc(r.url)}"' if r.carry_target and not direct else ""
    digest = hashlib.md5(r.url.encode("utf-8")).hexdigest()
    res = {"tp": 1, "fr": "engine", "stp": "web", "st": 0, "e": 2, "pos": pos, "m": digest}
    display = r.display_url or short_url(r.url, 34)
    return (
        f'<li class="res-list" data-lazyload="1"><h3 class="res-title "><a href="{esc(href)}"{mdurl} rel="noopener"'
        f' data-res="{esc(json.dumps(res, separators=(",", ":")))}" target="_blank">{esc(r.title)}</a></h3>'
        f'<p class="res-desc">{esc(r.snippet)}</p><p class="res-linkinfo"><cite>{esc(display)}</cite>'
        f' - <a class="m" target="_blank" href="{esc(links.prefix)}/snapshot?m={digest}">快照</a></p></li>'
    )


def _card(card: Card, keyword: str, links: Links) -> str:
    href = card.url or f"{links.prefix}/s?q={quote(keyword, safe='')}&src=onebox"
    mohe = MOHE_TYPES.get(card.kind, "other")
    return (
        f'<li class="res-list"><div id="mohe-{mohe}" class="g-mohe" data-mohe-type="{mohe}">'
        f'<h3 class="g-title"><a href="{esc(href)}" target="_blank" data-md="{{&quot;p&quot;:&quot;title&quot;}}">'
        f'<div class="g-title-inner">{esc(card.title)}</div></a></h3><div class="cont">{esc(keyword)}</div></div></li>'
    )


def _ads(ads: tuple[Ad, ...], keyword: str, links: Links) -> str:
    units = []
    for ad in ads:
        title = ad.title or f"{keyword}-{host_of(ad.url)}"
        href = links.redirect(ad.url, path="/eclk", param="p")
        units.append(
            f'<li><h3 class="e_idea_title"><a href="{esc(href)}" target="_blank" e_nolog="0">{esc(title)}</a></h3>'
            f'<p class="e_idea_desc">{esc(title)}</p><p class="e_idea_link"><cite>{esc(host_of(ad.url))}</cite>'
            f'<span class="e_idea_label">广告</span></p></li>'
        )
    return f'<div id="so_kw-ad"><ul id="e_idea_pp" class="e_result">{"".join(units)}</ul></div>'


def _pager(plan: PagePlan, links: Links) -> str:
    parts: list[str] = []
    if plan.page > 1:
        parts.append(f'<a id="sprev" href="{esc(links.search(plan.keyword, plan.page - 1))}&amp;src=srp_paging">&lt;上一页</a>')
    first = max(1, plan.page - 4)
    for n in range(first, min(plan.last_page, first + 9) + 1):
        if n == plan.page:
            parts.append(f"<strong>{n}</strong>")
        else:
            parts.append(f'<a href="{esc(links.search(plan.keyword, n))}&amp;src=srp_paging">{n}</a>')
    if plan.has_next:
        parts.append(f'<a id="snext" href="{esc(links.search(plan.keyword, plan.page + 1))}&amp;src=srp_paging">下一页</a>')
    parts.append(f'<span class="nums" style="margin-left:20px">找到相关结果约{plan.total * 4_321:,}个</span>')
    return f'<div id="page">{"".join(parts)}</div>'


def _related(terms: tuple[str, ...], links: Links) -> str:
    if not terms:
        return ""
    cells = [f'<th><a href="{esc(links.search(t))}&amp;src=related">{esc(t)}</a></th><td></td>' for t in terms]
    rows = "".join(f"<tr>{''.join(cells[i:i + 3])}</tr>" for i in range(0, len(cells), 3))
    return f'<div id="rs"><h3>相关搜索</h3><table class="rs-table">{rows}</table></div>'


def _document(keyword: str, links: Links, encoding: str, main: str) -> str:
    q = esc(keyword)
    return (
        f'<!DOCTYPE html><html><head><meta charset="{esc(encoding)}"><title>{q}_360搜索</title></head><body>'
        f'<div id="header"><form id="bd_search" action="{esc(links.prefix)}/s"><input type="text" id="keyword"'
        f' name="q" class="input_key" value="{q}" maxlength="100" autocomplete="off"></form></div>'
        f'<div id="container"><div id="main">{main}</div><div id="side"><ul id="rightbox" class="e_result"></ul></div>'
        '</div></body></html>'
    )


def no_results(keyword: str, links: Links, encoding: str = "utf-8") -> str:
    return _document(
        keyword, links, encoding,
        f'<div id="no-result"><p class="tips">抱歉，未找到和“<em>{esc(keyword)}</em>”相关的网页。</p>'
        '<p>建议您：检查输入是否正确；简化输入词；尝试其他相关词。</p></div>',
    )


def captcha(keyword: str, links: Links) -> str:
    """360's qcaptcha page for clients it takes for robots."""
    back = esc(f"{links.base}/s?q={quote(keyword, safe='')}")
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>360搜索_安全验证</title></head><body>'
        '<div class="qcaptcha-wrap" id="qcaptcha"><div class="logo"><img src="https://p.ssl.qhimg.com/t01sandbox.png"'
        ' alt="360搜索"></div><h2 class="qcaptcha-title">请输入验证码以便正常访问</h2>'
        '<p class="qcaptcha-desc">如果您的网络中有多人同时使用360搜索，或者访问过于频繁，可能会出现此页面。</p>'
        '<form id="qcaptcha-form" method="get" action="https://qcaptcha.so.com/api/verify">'
        '<img id="qcaptcha-image" src="https://qcaptcha.so.com/image?p=sandbox" alt="验证码">'
        '<input type="text" name="value" id="qcaptcha-input" autocomplete="off">'
        f'<input type="hidden" name="ret" value="{back}"><input type="submit" value="提交"></form></div></body></html>'
    )
