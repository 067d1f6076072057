"""Baidu PC result pages (www.baidu.com/s) as the sandbox serves them: #content_left blocks with
Baidu's id counter, /link?url= redirects (and the mu attribute when the target is carried),
Aladdin cards, 广告 blocks numbered from 3001, 相关搜索 and the #page pager."""

from __future__ import annotations

import json

from seowatch.sandbox.plan import PagePlan, Shown
from seowatch.sandbox.scenario import Card
from seowatch.sandbox.serps.common import Links, esc, host_of, short_url

# Aladdin card templates by card kind (real tpl names; what the parser keys on).
CARD_TPL = {
    "baike": ("bk_polysemy", "1547"),
    "video": ("short_video_pc", "5373"),
    "news": ("sp_realtime_bigpic5", "19"),
    "images": ("img_address", "1574"),
    "translate": ("sp_fanyi", "1564"),
    "music": ("musicsongs", "4272"),
    "tieba": ("tieba_general", "10"),
    "answer": ("exactqa_word", "28232"),
    "knowledge_panel": ("kg_entity_san", "51"),
    "featured_snippet": ("wenda_abstract", "1527"),
    "people_also_ask": ("wenda_generate", "5169"),
    "related": ("recommend_list", "1536"),
    "local": ("map_bmap_list", "1530"),
    "shopping": ("shop_goods_list", "2580"),
    "health": ("med_disease_kg_collection", "1551"),
    "other": ("sp_purc_atom", "1001"),
}
AD_ID_START = 3001


def render(plan: PagePlan, links: Links) -> str:
    """One result page; `plan.results` is never empty here."""
    blocks: list[str] = []
    if plan.ads:
        blocks.extend(_ad(i, ad.url, ad.title or f"{plan.keyword}-{host_of(ad.url)}官网", links)
                      for i, ad in enumerate(plan.ads))
    block_id = 10 * (plan.page - 1) + 1
    cards = list(plan.cards)
    for index, result in enumerate(plan.results):
        while cards and cards[0][0] <= index:
            blocks.append(_card(block_id, cards.pop(0)[1], plan.keyword, links))
            block_id += 1
        blocks.append(_organic(block_id, result, links))
        block_id += 1
    for _, card in cards:
        blocks.append(_card(block_id, card, plan.keyword, links))
        block_id += 1
    count = f"{plan.total * 12_345:,}"
    return _document(
        plan.keyword, links, plan.encoding,
        f'<div id="content_left">{"".join(blocks)}</div>'
        f'<div id="content_right" class="cr-offset"></div>'
        f'{_related(plan.related, links)}{_pager(plan, links)}',
        f'<div class="head_nums_cont_outer OP_LOG"><div class="head_nums_cont_inner"><div class="nums">'
        f'<span class="nums_text">百度为您找到相关结果约{count}个</span></div></div></div>',
    )


def _organic(block_id: int, r: Shown, links: Links) -> str:
    link = links.redirect(r.url)
    mu = f' mu="{esc(r.url)}"' if r.carry_target else ""
    tools = esc(json.dumps({"title": r.title, "url": link}, ensure_ascii=False))
    display = esc(r.display_url or short_url(r.url, 30))
    return (
        f'<div class="result c-container xpath-log new-pmd" srcid="1599" id="{block_id}" tpl="se_com_default"{mu}'
        f' data-click="{{&#39;rsv_bdr&#39;:&#39;0&#39;,&#39;p5&#39;:{block_id}}}">'
        f'<h3 class="t c-title"><a data-click="{{&#39;F&#39;:&#39;778717EA&#39;,&#39;T&#39;:&#39;1&#39;}}"'
        f' href="{esc(link)}" target="_blank">{esc(r.title)}</a></h3>'
        f'<div class="c-abstract">{esc(r.snippet)}</div>'
        f'<div class="f13 c-gap-top-xsmall se_st_footer user-avatar">'
        f'<a target="_blank" href="{esc(link)}" class="c-showurl c-color-gray"'
        f' style="text-decoration:none;position:relative;">{display}</a>'
        f'<div class="c-tools c-gap-left" id="tools_{block_id}" data-tools="{tools}">'
        f'<i class="c-icon f13">&#xe62b;</i></div></div></div>'
    )


def _card(block_id: int, card: Card, keyword: str, links: Links) -> str:
    tpl, srcid = CARD_TPL[card.kind]
    mu = f' mu="{esc(card.url)}"' if card.url else ""
    href = links.redirect(card.url) if card.url else links.search(keyword)
    shown = f'<span class="c-showurl">{esc(host_of(card.url))}/ </span>' if card.url else ""
    return (
        f'<div class="result-op c-container xpath-log new-pmd" srcid="{srcid}" id="{block_id}" tpl="{tpl}"{mu}'
        f' data-op="{{&#39;y&#39;:&#39;FFEAFFE7&#39;}}" data-click="{{&#39;p1&#39;:&#39;{block_id}&#39;}}">'
        f'<h3 class="t c-gap-bottom-small"><a href="{esc(href)}" target="_blank">{esc(card.title)}</a></h3>'
        f'<div class="c-row"><div class="c-span18 c-span-last"><p>{esc(keyword)}</p>'
        f'<p class="op-bk-polysemy-move">{shown}</p></div></div></div>'
    )


def _ad(index: int, url: str, title: str, links: Links) -> str:
    href = links.redirect(url, path="/baidu.php")
    return (
        f'<div id="{AD_ID_START + index}" class="c-container EC_result" cmatchid="222"'
        f' data-tuiguang="{AD_ID_START + index}">'
        f'<div class="t"><h3 class="t"><a href="{esc(href)}" target="_blank">{esc(title)}</a></h3></div>'
        f'<div class="ec_desc">{esc(title)}</div>'
        f'<div class="f13"><a class="c-showurl c-color-gray" href="{esc(href)}" target="_blank">'
        f'{esc(host_of(url))}</a>&nbsp;<span class="ec-tuiguang ecfc-tuiguang">广告</span></div></div>'
    )


def _related(terms: tuple[str, ...], links: Links) -> str:
    if not terms:
        return ""
    cells = [f'<th><a href="{esc(links.search(t))}&amp;rsf=101&amp;rsp={i}">{esc(t)}</a></th><td></td>'
             for i, t in enumerate(terms)]
    rows = "".join(f"<tr>{''.join(cells[i:i + 3])}</tr>" for i in range(0, len(cells), 3))
    return f'<div id="rs"><div class="tt">相关搜索</div><table cellpadding="0">{rows}</table></div>'


def _pager(plan: PagePlan, links: Links) -> str:
    parts: list[str] = []
    if plan.page > 1:
        parts.append(f'<a class="n" href="{esc(links.search(plan.keyword, plan.page - 1))}">&lt;上一页</a>')
    first = max(1, plan.page - 4)
    for n in range(first, min(plan.last_page, first + 9) + 1):
        if n == plan.page:
            parts.append(f'<strong><span class="pc">{n}</span></strong>')
        else:
            parts.append(f'<a href="{esc(links.search(plan.keyword, n))}"><span class="pc">{n}</span></a>')
    if plan.has_next:
        href = esc(links.search(plan.keyword, plan.page + 1)) + "&amp;rsv_page=1"
        parts.append(f'<a href="{href}" class="n">下一页 &gt;</a>')
    return f'<div id="page"><div class="page-inner">{"".join(parts)}</div></div>'


def _document(keyword: str, links: Links, encoding: str, content: str, nums: str = "") -> str:
    q = esc(keyword)
    return (
        '<!DOCTYPE html><html><head>'
        f'<meta http-equiv="content-type" content="text/html;charset={esc(encoding)}">'
        '<meta http-equiv="X-UA-Compatible" content="IE=edge,chrome=1">'
        f'<title>{q}_百度搜索</title></head><body class="">'
        '<div id="wrapper" class="wrapper_new"><div id="head"><div class="head_wrapper">'
        f'<form id="form" name="f" action="{esc(links.prefix)}/s" class="fm">'
        '<input type="hidden" name="ie" value="utf-8">'
        f'<span class="bg s_ipt_wr"><input id="kw" name="wd" class="s_ipt" value="{q}" maxlength="255"'
        ' autocomplete="off"></span><span class="bg s_btn_wr"><input type="submit" id="su" value="百度一下"'
        ' class="bg s_btn"></span></form></div></div>'
        f'<div id="wrapper_wrapper">{nums}<div id="container" class="container_s">{content}</div></div>'
        '<div id="foot"></div></div></body></html>'
    )


def no_results(keyword: str, links: Links, encoding: str = "utf-8") -> str:
    """Baidu's explicit 抱歉没有找到 page."""
    q = esc(keyword)
    return _document(
        keyword, links, encoding,
        '<div id="content_left"><div class="content_none"><div class="nors">'
        f'<p>抱歉没有找到与<span style="font-family:宋体">“</span><em>{q}</em>'
        '<span style="font-family:宋体">”</span>相关的网页。</p><br><div class="tip_head">温馨提示：</div>'
        '<ul><li>请检查您的输入是否正确</li><li>如网页未收录或者新站未收录，请提交网址给我们</li>'
        '<li>如有任何意见或建议，请及时反馈给我们</li></ul></div></div></div>',
    )


def captcha(keyword: str, links: Links) -> str:
    """The 百度安全验证 page Baidu answers a client it takes for a robot."""
    return CAPTCHA_PAGE


CAPTCHA_PAGE = (
    '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>百度安全验证</title>'
    '<meta http-equiv="Content-Type" content="text/html; charset=utf-8">'
    '<meta name="viewport" content="width=device-width, initial-scale=1.0, minimum-scale=1.0,'
    ' maximum-scale=1.0, user-scalable=no">'
    '<link rel="stylesheet" href="https://wappass.baidu.com/static/machine/css/api/mkdjump.css"></head>'
    '<body><div class="timeout hide-callback"><div class="timeout-img"></div>'
    '<div class="timeout-title">网络不给力，请稍后重试</div>'
    '<button type="button" class="timeout-button">返回首页</button></div>'
    '<div class="timeout-feedback hide-callback"><div class="timeout-feedback-icon"></div>'
    '<p class="timeout-feedback-title">问题反馈</p></div>'
    '<script src="https://wappass.baidu.com/static/machine/js/api/mkd.js"></script>'
    '<script>var passMod = {"ak": "sandbox", "backurl": "", "ext": ""};</script>'
    '</body></html>'
)
