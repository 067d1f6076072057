"""Google result pages (www.google.com/search, 2022 desktop layout) as the sandbox serves them:
#rso > div.MjjYud > div.g > div.yuRUbf > a[href] > h3 with direct hrefs, #tads text ads (.uEierd,
/aclk links), cards as featured snippets, video-voyager, g-section-with-header blocks or a
knowledge panel, #brs related searches and the a#pnnext pager."""

from __future__ import annotations

from urllib.parse import quote_plus

from seowatch.sandbox.plan import PagePlan, Shown
from seowatch.sandbox.scenario import Ad, Card
from seowatch.sandbox.serps.common import Links, breadcrumb, esc, host_of


def render(plan: PagePlan, links: Links) -> str:
    blocks: list[str] = []
    panel = ""
    cards = list(plan.cards)
    for index, result in enumerate(plan.results):
        while cards and cards[0][0] <= index:
            card = cards.pop(0)[1]
            if card.kind == "knowledge_panel":
                panel = _knowledge_panel(card)
            else:
                blocks.append(_card(card, plan.keyword, links))
        blocks.append(_organic(result))
    for _, card in cards:
        if card.kind == "knowledge_panel":
            panel = _knowledge_panel(card)
        else:
            blocks.append(_card(card, plan.keyword, links))
    ads = _ads(plan.ads, plan.keyword, links) if plan.ads else ""
    return _document(
        plan.keyword, links,
        f'<div id="taw"><div id="tvcap">{ads}</div></div>'
        f'<div id="res" class="med" role="main"><div id="search"><div data-async-context="query:{esc(_q(plan.keyword))}">'
        f'<h1 class="Uo8X3b OhScic zsYMMe">Search Results</h1><div id="rso" eid="sandbox">{"".join(blocks)}</div>'
        f'</div></div></div><div id="botstuff">{_related(plan.keyword, plan.related, links)}{_pager(plan, links)}</div>',
        panel,
        plan.encoding,
    )


def _organic(r: Shown) -> str:
    url = esc(r.url)
    cite = esc(r.display_url or breadcrumb(r.url))
    return (
        f'<div class="MjjYud"><div class="g Ww4FFb vt6azd tF2Cxc" data-hveid="CA{r.position}QAA">'
        f'<div class="kvH3mc BToiNc UK95Uc"><div class="Z26q7c UK95Uc uUuwM jGGQ5e" data-header-feature="0">'
        f'<div class="yuRUbf"><a href="{url}" ping="/url?sa=t&amp;source=web&amp;rct=j&amp;url={url}"><br>'
        f'<h3 class="LC20lb MBeuO DKV0Md">{esc(r.title)}</h3><div class="TbwUpd NJjxre">'
        f'<cite class="iUh30 qLRx3b tjvcx" role="text">{cite}</cite></div></a></div></div>'
        f'<div class="Z26q7c UK95Uc uUuwM" data-content-feature="1"><div class="VwiC3b yXK7lf MUxGbd yDYNvb lyLwlc lEBKkf"'
        f' style="-webkit-line-clamp:2"><span>{esc(r.snippet)}</span></div></div></div></div></div>'
    )


def _ads(ads: tuple[Ad, ...], keyword: str, links: Links) -> str:
    units = []
    for ad in ads:
        title = ad.title or f"{keyword} - {host_of(ad.url)}"
        href = links.redirect(ad.url, path="/aclk", param="ai", before="sa=l")
        units.append(
            f'<div class="uEierd"><div class="v5yQqb"><a class="sVXRqc" data-pcu="{esc(ad.url)}" href="{esc(href)}">'
            f'<div class="CCgQ5 vCa9Yd QfkTvb N8QANc MUxGbd v0nnCb" aria-level="3" role="heading"><span>{esc(title)}</span></div>'
            f'<div class="d8lRkd"><span class="U3A9Ac qV8iec">Sponsored</span>'
            f'<span class="x2VHCd OSrXXb ob9lvb" role="text">{esc(ad.url)}</span></div></a></div>'
            f'<div class="MUxGbd yDYNvb lyLwlc">{esc(title)}</div></div>'
        )
    return f'<div id="tads" aria-label="Ads"><h1 class="Uo8X3b OhScic zsYMMe">Ads</h1>{"".join(units)}</div>'


def _card(card: Card, keyword: str, links: Links) -> str:
    title = esc(card.title)
    if card.kind == "featured_snippet" and card.url:
        return (
            f'<div class="MjjYud"><div class="ULSxyf"><div class="xpdopen"><div class="ifM9O">'
            f'<h2 class="Uo8X3b OhScic zsYMMe">Featured snippet from the web</h2>'
            f'<div class="wDYxhc" data-md="61"><span class="hgKElc">{esc(keyword)}</span></div>'
            f'<div class="yuRUbf"><a href="{esc(card.url)}"><br><h3 class="LC20lb MBeuO DKV0Md">{title}</h3>'
            f'<cite class="iUh30 qLRx3b tjvcx" role="text">{esc(breadcrumb(card.url))}</cite></a></div>'
            f'</div></div></div></div>'
        )
    if card.kind == "video" and card.url:
        return (
            f'<div class="MjjYud"><div class="e2BEnf U7izfe"><h3 class="GmE3X" aria-level="2" role="heading">Videos</h3></div>'
            f'<video-voyager><div class="mLmaBd"><div class="pwxRSe" data-index="0"><a class="X5OiLe" href="{esc(card.url)}">'
            f'<div class="WZIVy" aria-level="3" role="heading"><div class="uOId3b"><span class="cHaqb">{title}</span></div>'
            f'<div class="FzCfme"><span class="pcJO7e"><cite>{esc(host_of(card.url))}</cite></span></div></div></a>'
            f'</div></div></video-voyager></div>'
        )
    tbm = {"images": "isch", "news": "nws", "video": "vid", "shopping": "shop"}.get(card.kind)
    # A vertical's block heads to that vertical's search (tbm=); others to the card's own page.
    href = f"{links.prefix}/search?q={_q(keyword)}&tbm={tbm}" if tbm else (card.url or links.search(keyword))
    item = f'<a class="WlydOe" href="{esc(card.url)}">{esc(host_of(card.url))}</a>' if card.url and tbm else ""
    return (
        f'<div class="MjjYud"><g-section-with-header class="yG4QQe TBC9ub"><div class="e2BEnf U7izfe">'
        f'<title-with-lhs-icon><a class="ekf0x hSQtef" href="{esc(href)}"><div class="iJ1Kvb">'
        f'<h3 class="GmE3X kWYf3c" aria-level="2" role="heading">{title}</h3></div></a></title-with-lhs-icon></div>'
        f'<div class="ouRJZc">{item}</div></g-section-with-header></div>'
    )


def _knowledge_panel(card: Card) -> str:
    link = f'<a class="ab_button" href="{esc(card.url)}">Website</a>' if card.url else ""
    return (
        f'<div id="rhs" class="TQc1id rhstc4"><div class="kp-wholepage kp-wholepage-osrp">'
        f'<div class="kp-header"><h2 class="qrShPb kno-ecr-pt PZPZlf" data-attrid="title" role="heading">'
        f'<span>{esc(card.title)}</span></h2></div>{link}</div></div>'
    )


def _related(keyword: str, terms: tuple[str, ...], links: Links) -> str:
    if not terms:
        return ""
    cols = []
    for start in range(0, len(terms), 4):
        items = "".join(f'<p class="nVcaUb"><a href="{esc(links.search(t))}&amp;sa=X"><b>{esc(t)}</b></a></p>'
                        for t in terms[start:start + 4])
        cols.append(f'<div class="brs_col">{items}</div>')
    return (
        f'<div id="bres"><div id="brs"><g-section-with-header><div class="e2BEnf U7izfe">'
        f'<h3 class="med dPAwzb" aria-level="2" role="heading">Searches related to {esc(keyword)}</h3></div>'
        f'<div class="card-section">{"".join(cols)}</div></g-section-with-header></div></div>'
    )


def _pager(plan: PagePlan, links: Links) -> str:
    cells: list[str] = []
    if plan.page > 1:
        cells.append(f'<td class="d6cvqb BBwThe"><a id="pnprev" href="{esc(links.search(plan.keyword, plan.page - 1))}">'
                     f'<span style="display:block;margin-right:35px;clear:right">Previous</span></a></td>')
    first = max(1, plan.page - 4)
    for n in range(first, min(plan.last_page, first + 9) + 1):
        if n == plan.page:
            cells.append(f'<td class="YyVfkd">{n}</td>')
        else:
            cells.append(f'<td><a aria-label="Page {n}" class="fl" href="{esc(links.search(plan.keyword, n))}">{n}</a></td>')
    if plan.has_next:
        cells.append(f'<td class="d6cvqb BBwThe" aria-level="3" role="heading"><a id="pnnext"'
                     f' href="{esc(links.search(plan.keyword, plan.page + 1))}" style="text-align:left">'
                     f'<span style="display:block;margin-left:53px">Next</span></a></td>')
    return (f'<div role="navigation"><h1 class="Uo8X3b OhScic zsYMMe">Page Navigation</h1>'
            f'<table class="AaVjTc" style="border-collapse:collapse;text-align:left" role="presentation">'
            f'<tr jsname="TeSSVd" valign="top">{"".join(cells)}</tr></table></div>')


def _q(keyword: str) -> str:
    return quote_plus(keyword)


def _document(keyword: str, links: Links, center: str, rhs: str = "", encoding: str = "UTF-8") -> str:
    q = esc(keyword)
    return (
        f'<!doctype html><html itemscope="" itemtype="http://schema.org/SearchResultsPage" lang="en"><head>'
        f'<meta charset="{esc(encoding)}"><meta content="origin" name="referrer">'
        f'<title>{q} - Google Search</title></head><body class="srp" id="gsr">'
        f'<div class="CvDJxb" id="searchform"><form action="{esc(links.prefix)}/search" id="tsf" method="GET" role="search">'
        f'<input class="gLFyf gsfi" maxlength="2048" name="q" type="text" aria-label="Search" value="{q}"'
        f' autocomplete="off" title="Search"></form></div>'
        f'<div id="main"><div id="cnt"><div id="rcnt"><div id="center_col">{center}</div>{rhs}</div></div></div>'
        f'</body></html>'
    )


def no_results(keyword: str, links: Links, encoding: str = "utf-8") -> str:
    return _document(
        keyword, links,
        f'<div id="res" class="med" role="main"><div id="topstuff"><div class="card-section">'
        f'<p style="padding-top:.33em">Your search - <em>{esc(keyword)}</em> - did not match any documents.</p>'
        f'<p style="margin-top:1em">Suggestions:</p><ul style="margin-left:1.3em;margin-bottom:2em">'
        f'<li>Make sure that all words are spelled correctly.</li><li>Try different keywords.</li></ul></div></div>'
        f'<div id="search"><div id="rso"></div></div></div>',
        encoding=encoding,
    )


def captcha(keyword: str, links: Links) -> str:
    """Google's /sorry/ interstitial: 'unusual traffic from your computer network' with a reCAPTCHA."""
    target = esc(f"{links.base}/search?q={_q(keyword)}")
    return (
        '<!DOCTYPE html PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN"><html DIR="LTR"><head>'
        '<meta http-equiv="content-type" content="text/html; charset=utf-8"><meta name="viewport" content="initial-scale=1">'
        f'<title>{target}</title></head><body style="font-family: arial, sans-serif; background-color: #fff;'
        ' color: #000; padding:20px; font-size:18px;" onload="e=document.getElementById(\'captcha\');if(e){e.focus();}">'
        '<div style="max-width:400px;"><hr noshade size="1" style="color:#ccc; background-color:#ccc;"><br>'
        f'<form id="captcha-form" action="{esc(links.prefix)}/sorry/index" method="post">'
        '<script src="https://www.google.com/recaptcha/api.js" async defer></script>'
        '<div id="recaptcha" class="g-recaptcha" data-sitekey="6LfwuyUTAAAAAOAmoS0fdqijC2PbbdH4kjq62Y1b"'
        ' data-callback="submitCallback" data-s="sandbox"></div>'
        f'<input type=\'hidden\' name=\'q\' value=\'sandbox\'><input type="hidden" name="continue" value="{target}">'
        '</form><hr noshade size="1" style="color:#ccc; background-color:#ccc;"><div style="font-size:13px;">'
        '<b>About this page</b><br><br>Our systems have detected unusual traffic from your computer network.'
        '  This page checks to see if it&#39;s really you sending the requests, and not a robot.'
        '  <a href="#" onclick="document.getElementById(\'infoDiv\').style.display=\'block\';">Why did this happen?</a>'
        '<br><br><div id="infoDiv" style="display:none; background-color:#eee; padding:10px; margin:0 0 15px 0;'
        ' line-height:1.4em;">This page appears when Google automatically detects requests coming from your computer'
        ' network which appear to be in violation of the <a href="//www.google.com/policies/terms/">Terms of Service</a>.'
        '</div>IP address: 127.0.0.1<br>Time: 2024-01-01T00:00:00Z<br>'
        f'URL: {target}<br></div></div></body></html>'
    )
