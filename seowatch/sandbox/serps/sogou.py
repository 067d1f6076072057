"""Sogou result pages (www.sogou.com/web) as the sandbox serves them: div.results > div.vrwrap#rb_N
blocks whose title links are /link?url= redirects (root-relative, as on the real page) or direct URLs
when the target is carried, .citeurl shown URLs, cards linking back into Sogou, .biz_rb ads in
#promotion_adv_container, #hint_container related searches and the #sogou_next pager."""

from __future__ import annotations

import hashlib
from urllib.parse import quote

from seowatch.sandbox.plan import PagePlan, Shown
from seowatch.sandbox.scenario import Ad, Card
from seowatch.sandbox.serps.common import Links, esc, host_of, short_url

# Cards are Sogou's own verticals: their title links back into Sogou (what marks them special).
CARD_HOSTS = {
    "baike": "https://baike.sogou.com/v{n}.htm?fromTitle={q}",
    "answer": "https://wenwen.sogou.com/z/q{n}.htm?w={q}",
    "people_also_ask": "https://wenwen.sogou.com/s/?w={q}",
    "news": "https://news.sogou.com/news?query={q}",
    "images": "https://pic.sogou.com/pics?query={q}",
    "video": "https://v.sogou.com/v?query={q}",
    "translate": "https://fanyi.sogou.com/text?keyword={q}",
    "music": "https://music.sogou.com/search?query={q}",
    "local": "https://map.sogou.com/#lq={q}",
    "health": "https://mingyi.sogou.com/search?query={q}",
    "shopping": "https://gouwu.sogou.com/shop?query={q}",
}
OTHER_CARD = "/sogou?query={q}&insite=zhishi&n={n}"


def render(plan: PagePlan, links: Links) -> str:
    blocks: list[str] = []
    number = 0
    cards = list(plan.cards)
    for index, result in enumerate(plan.results):
        while cards and cards[0][0] <= index:
            blocks.append(_card(cards.pop(0)[1], plan.keyword))
            number += 1
        blocks.append(_organic(number, result, links))
        number += 1
    blocks.extend(_card(card, plan.keyword) for _, card in cards)
    ads = _ads(plan.ads, plan.keyword, links) if plan.ads else ""
    return _document(
        plan.keyword, links, plan.encoding,
        f'{ads}<div class="results"><!-- ResultListViewBegin -->{"".join(blocks)}<!-- ResultListViewEnd --></div>'
        f'{_pager(plan)}{_related(plan.related)}',
    )


def _organic(number: int, r: Shown, links: Links) -> str:
    href = r.url if r.carry_target else links.redirect(r.url, absolute=False)
    site = host_of(r.url)
    cite = esc(r.display_url) if r.display_url else f'<span>{esc(site)} </span><i>-</i><span> {esc(short_url(r.url, 28))}</span>'
    return (
        f'<!--VR TYPE:30000000,,RANK:{number}--><div class="vrwrap" id="rb_{number}"><h3 class="vr-title">'
        f'<a name="dttl" target="_blank" href="{esc(href)}" id="sogou_vr_30000000_{number}" cachestrategy="qcr:-1">'
        f'{esc(r.title)}</a></h3><div class="fz-mid space-txt" id="cacheresult_summary_{number}">{esc(r.snippet)}</div>'
        f'<div class="citeurl">{cite}<span class="cite-date">- 2024-3-15</span></div></div>'
    )


def _card(card: Card, keyword: str) -> str:
    n = int(hashlib.md5(card.title.encode("utf-8")).hexdigest()[:8], 16) % 9_000_000 + 1_000_000
    q = quote(keyword, safe="")
    href = CARD_HOSTS.get(card.kind, OTHER_CARD).format(n=n, q=q)
    more = f'<a class="vr-more" target="_blank" href="{esc(card.url)}">{esc(host_of(card.url))}</a>' if card.url else ""
    return (
        f'<div class="vrwrap"><div class="special-wrap"><h3 class="vr-title"><a target="_blank" href="{esc(href)}">'
        f'{esc(card.title)}</a></h3><div class="fz-mid space-txt">{esc(keyword)}</div>{more}</div></div>'
    )


def _ads(ads: tuple[Ad, ...], keyword: str, links: Links) -> str:
    units = []
    for i, ad in enumerate(ads):
        title = ad.title or f"{keyword}-{host_of(ad.url)}"
        href = links.redirect(ad.url, path="/bill_cpc")
        units.append(
            f'<div class="biz_rb" id="sponsor_{i + 1}"><h3 class="biz_title"><a target="_blank" href="{esc(href)}">'
            f'{esc(title)}</a></h3><div class="biz_desc">{esc(title)}</div>'
            f'<div class="citeurl"><cite>{esc(host_of(ad.url))}</cite><span class="biz_ad_label">广告</span></div></div>'
        )
    return f'<div id="promotion_adv_container"><div class="biz_sponsor">{"".join(units)}</div></div>'


def _page_href(keyword: str, page: int) -> str:
    return f"?query={quote(keyword, safe='')}&page={page}&ie=utf8"


def _pager(plan: PagePlan) -> str:
    parts: list[str] = []
    if plan.page > 1:
        parts.append(f'<a id="sogou_prev" href="{esc(_page_href(plan.keyword, plan.page - 1))}" class="np">上一页</a>')
    first = max(1, plan.page - 4)
    for n in range(first, min(plan.last_page, first + 9) + 1):
        if n == plan.page:
            parts.append(f"<span>{n}</span>")
        else:
            parts.append(f'<a id="sogou_page_{n}" href="{esc(_page_href(plan.keyword, n))}">{n}</a>')
    if plan.has_next:
        parts.append(f'<a id="sogou_next" href="{esc(_page_href(plan.keyword, plan.page + 1))}" class="np">下一页</a>')
    return f'<div class="p" id="pagebar_container">{" ".join(parts)}</div>'


def _related(terms: tuple[str, ...]) -> str:
    if not terms:
        return ""
    cells = [f'<td><p><a href="{esc(_page_href(t, 1))}&amp;sourceid=sogou-addr-related">{esc(t)}</a></p></td>'
             for t in terms]
    rows = "".join(f"<tr>{''.join(cells[i:i + 3])}</tr>" for i in range(0, len(cells), 3))
    return (f'<div class="hint-mid" id="hint_container"><p class="hint-title">相关搜索</p>'
            f'<table cellpadding="0" cellspacing="0">{rows}</table></div>')


def _document(keyword: str, links: Links, encoding: str, main: str) -> str:
    q = esc(keyword)
    return (
        f'<!DOCTYPE html><html><head><meta http-equiv="Content-Type" content="text/html; charset={esc(encoding)}">'
        f'<title>{q} - 搜狗搜索</title></head><body><div class="header"><div class="top-nav"></div>'
        f'<form name="sf" id="searchForm" action="{esc(links.prefix)}/web"><input type="text" class="query"'
        f' id="upquery" name="query" maxlength="100" value="{q}" autocomplete="off">'
        '<input type="submit" id="searchBtn" value="搜狗搜索"></form></div>'
        f'<div id="wrap" class="wrap"><div id="main" class="main">{main}</div></div></body></html>'
    )


def no_results(keyword: str, links: Links, encoding: str = "utf-8") -> str:
    return _document(
        keyword, links, encoding,
        '<div class="no-result" id="noresult_part1_container">'
        f'<p class="p1">抱歉，没有找到与“<em>{esc(keyword)}</em>”相关的网页。</p>'
        '<p class="p2">建议您：<br>检查输入是否正确<br>简化查询词或尝试其他相关词</p></div>',
    )


def captcha(keyword: str, links: Links) -> str:
    """Sogou's antispider page (异常访问请求) with its seccode form."""
    back = quote(f"/web?query={quote(keyword, safe='')}", safe="")
    return (
        '<!DOCTYPE html><html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">'
        '<title>搜狗搜索</title></head><body><div class="header"><div class="logo">'
        f'<a href="{esc(links.prefix)}/"><img src="{esc(links.prefix)}/antispider/static/logo.png" alt="搜狗搜索"></a></div></div>'
        '<div class="content-box"><p class="p1">用户您好，我们的系统检测到您网络中存在<span>异常访问请求</span>。<br>'
        '此验证码用于确认这些请求是您的正常行为而不是自动程序发出的，需要您协助验证。</p>'
        f'<form name="authform" method="POST" id="seccodeForm" action="{esc(links.prefix)}/antispider/thank.php">'
        '<p class="p2"><input type="text" name="c" value="" placeholder="请输入图中的验证码" id="seccodeInput">'
        f'<img id="seccodeImage" src="{esc(links.prefix)}/antispider/util/seccode.php?tc=1" width="100" height="40"'
        f' alt="请输入图中的验证码"><input type="hidden" name="r" value="{esc(back)}" id="from">'
        '<input type="hidden" name="m" value="0"></p><p class="p3"><input type="submit" value="提交" id="submit"></p>'
        '</form></div></body></html>'
    )


# Characters that would end the quotes around the URL in the redirect page (percent-encoded: same URL).
_QUOTE_BREAKERS = str.maketrans({'"': "%22", "'": "%27", "<": "%3C", ">": "%3E", " ": "%20", "\\": "%5C"})


def redirect_page(url: str) -> str:
    """What sogou.com/link?url= answers: no HTTP redirect, a page that replaces itself. The URL is
    written raw (an & stays an &, as Sogou writes it)."""
    safe = url.translate(_QUOTE_BREAKERS)
    return (
        '<meta content="always" name="referrer">'
        f'<script>window.location.replace("{safe}")</script>'
        f'<noscript><META http-equiv="refresh" content="0;URL=\'{safe}\'"></noscript>'
    )
