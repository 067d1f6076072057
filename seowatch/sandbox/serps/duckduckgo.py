"""DuckDuckGo HTML result pages (html.duckduckgo.com/html/) as the sandbox serves them: div.result
blocks with a.result__a titles (direct hrefs), result--ad sponsored units, the POST 'Next' form
of the no-JS page, the anomaly (bot challenge) page and the 'No results.' notice."""

from __future__ import annotations

from urllib.parse import quote_plus

from seowatch.sandbox.plan import PagePlan, Shown
from seowatch.sandbox.scenario import Ad, Card
from seowatch.sandbox.serps.common import Links, bare_url, esc, host_of


def render(plan: PagePlan, links: Links) -> str:
    blocks: list[str] = [_ad(ad, plan.keyword, links) for ad in plan.ads]
    cards = list(plan.cards)
    for index, result in enumerate(plan.results):
        while cards and cards[0][0] <= index:
            blocks.append(_card(cards.pop(0)[1]))
        blocks.append(_organic(result))
    blocks.extend(_card(card) for _, card in cards)
    return _document(plan.keyword, links, plan.encoding, "".join(blocks) + _next(plan, links))


def _organic(r: Shown) -> str:
    url = esc(r.url)
    return (
        '<div class="result results_links results_links_deep web-result ">'
        '<div class="links_main links_deep result__body">'
        f'<h2 class="result__title"><a rel="nofollow" class="result__a" href="{url}">{esc(r.title)}</a></h2>'
        '<div class="result__extras"><div class="result__extras__url"><span class="result__icon">'
        f'<a rel="nofollow" href="{url}"><img class="result__icon__img" width="16" height="16" alt=""'
        f' src="//external-content.duckduckgo.com/ip3/{esc(host_of(r.url))}.ico" name="i15"></a></span>'
        f'<a class="result__url" href="{url}">{esc(r.display_url or bare_url(r.url))}</a></div></div>'
        f'<a class="result__snippet" href="{url}">{esc(r.snippet)}</a><div class="clear"></div></div></div>'
    )


def _ad(ad: Ad, keyword: str, links: Links) -> str:
    title = ad.title or f"{keyword} - {host_of(ad.url)}"
    href = esc(links.redirect(ad.url, path="/y.js", param="u3", before="ad_provider=bingv7aa"))
    return (
        '<div class="result results_links results_links_deep result--ad ">'
        '<div class="links_main links_deep result__body">'
        f'<h2 class="result__title"><a rel="nofollow" class="result__a" href="{href}">{esc(title)}</a></h2>'
        f'<div class="result__extras"><div class="result__extras__url"><a class="result__url" href="{href}">'
        f'{esc(host_of(ad.url))}</a><span class="badge--ad">Ad</span></div></div>'
        f'<a class="result__snippet" href="{href}">{esc(title)}</a><div class="clear"></div></div></div>'
    )


def _card(card: Card) -> str:
    # The no-JS page shows instant answers as a zero-click box above the results, never as a result.
    link = f'<a rel="nofollow" class="zci__more-at" href="{esc(card.url)}">More at {esc(host_of(card.url))}</a>' if card.url else ""
    return (f'<div class="zci-wrapper"><div class="zci zci--{esc(card.kind)}"><div class="zci__main">'
            f'<h1 class="zci__heading">{esc(card.title)}</h1>{link}</div></div></div>')


def _next(plan: PagePlan, links: Links) -> str:
    if not plan.has_next:
        return ""
    s = plan.page * plan.per_page
    return (
        '<div class="nav-link">'
        f'<form action="{esc(links.prefix)}/html/" method="post">'
        '<input type="submit" class="btn btn--alt" value="Next">'
        f'<input type="hidden" name="q" value="{esc(plan.keyword)}">'
        f'<input type="hidden" name="s" value="{s}"><input type="hidden" name="nextParams" value="">'
        '<input type="hidden" name="v" value="l"><input type="hidden" name="o" value="json">'
        f'<input type="hidden" name="dc" value="{s + 1}"><input type="hidden" name="api" value="d.js">'
        '<input type="hidden" name="vqd" value="4-sandbox"><input name="kl" value="wt-wt" type="hidden">'
        '</form></div>'
    )


def _document(keyword: str, links: Links, encoding: str, results: str) -> str:
    q = esc(keyword)
    return (
        '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN"'
        ' "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd"><html xmlns="http://www.w3.org/1999/xhtml"><head>'
        f'<meta http-equiv="content-type" content="text/html; charset={esc(encoding)}">'
        f'<title>{q} at DuckDuckGo</title></head><body class="body--html">'
        f'<div class="header"><form id="search_form" name="x" action="{esc(links.prefix)}/html/" method="post">'
        f'<input class="search__input" type="text" name="q" value="{q}" autocomplete="off">'
        '<input class="search__button" type="submit" value="S"></form></div>'
        f'<div id="links" class="results">{results}</div></body></html>'
    )


def no_results(keyword: str, links: Links, encoding: str = "utf-8") -> str:
    return _document(
        keyword, links, encoding,
        '<div class="result results_links results_links_deep result--no-result">'
        '<div class="no-results">No  results.</div></div>',
    )


def captcha(keyword: str, links: Links) -> str:
    """The anomaly page DuckDuckGo shows suspected bots ('Unfortunately, bots use DuckDuckGo too.')."""
    q = quote_plus(keyword)
    return (
        '<!DOCTYPE html><html lang="en-US"><head><meta http-equiv="content-type" content="text/html; charset=UTF-8">'
        f'<title>{esc(keyword)} at DuckDuckGo</title></head><body><div class="anomaly-modal__mask">'
        '<div class="anomaly-modal__modal" data-testid="anomaly-modal">'
        '<div class="anomaly-modal__title">Unfortunately, bots use DuckDuckGo too.</div>'
        '<div class="anomaly-modal__description">Please complete the following challenge to confirm this search'
        ' was made by a human.</div><div class="anomaly-modal__instructions">Select all squares containing a duck:</div>'
        f'<form id="challenge-form" action="//duckduckgo.com/anomaly.js?sv=html&amp;cc=sre&amp;q={esc(q)}&amp;r=use"'
        ' method="POST"><div class="anomaly-modal__puzzle"></div>'
        '<button class="btn anomaly-modal__submit" type="submit">Submit</button></form></div></div></body></html>'
    )
