"""Yandex result pages (yandex.ru/search/) as the sandbox serves them: ul.serp-list > li.serp-item
blocks with h2 > a.organic__url direct links and the organic__path green URL, serp-adv-item
'реклама' units through yabs.yandex.ru, vertical wizards (Картинки, Видео, Маркет...) as cards,
the related block, the pager_kind_next link, the 'Ой!' captcha and the empty-result notice."""

from __future__ import annotations

from urllib.parse import quote, urlsplit

from seowatch.sandbox.plan import PagePlan, Shown
from seowatch.sandbox.scenario import Ad, Card
from seowatch.sandbox.serps.common import Links, esc, host_of

# Cards are Yandex's own verticals: their title links stay on Yandex (what marks them special).
VERTICALS = {
    "images": "//yandex.ru/images/search?text={q}&source=wiz",
    "video": "//yandex.ru/video/search?text={q}&source=wiz",
    "news": "//yandex.ru/news/search?text={q}&source=wiz",
    "shopping": "//market.yandex.ru/search?text={q}&clid=545",
    "local": "//yandex.ru/maps/?text={q}&source=wizbiz",
    "translate": "//translate.yandex.ru/?text={q}",
    "music": "//music.yandex.ru/search?text={q}",
}
OTHER_VERTICAL = "//yandex.ru/search/?text={q}&wizard={kind}"


def render(plan: PagePlan, links: Links) -> str:
    items: list[str] = []
    cid = 1
    for ad in plan.ads:
        items.append(_ad(cid, ad, plan.keyword))
        cid += 1
    cards = list(plan.cards)
    for index, result in enumerate(plan.results):
        while cards and cards[0][0] <= index:
            items.append(_card(cid, cards.pop(0)[1], plan.keyword))
            cid += 1
        items.append(_organic(cid, result))
        cid += 1
    for _, card in cards:
        items.append(_card(cid, card, plan.keyword))
        cid += 1
    return _document(
        plan.keyword, links, plan.encoding,
        f'<ul class="serp-list serp-list_left_yes" role="main" aria-label="Результаты поиска">{"".join(items)}</ul>'
        f'{_related(plan.keyword, plan.related, links)}{_pager(plan, links)}',
        plan.total,
    )


def _path(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    h = parts.hostname or url
    return (h[4:] if h.startswith("www.") else h), parts.path.strip("/")


def _organic(cid: int, r: Shown) -> str:
    url = esc(r.url)
    host, path = _path(r.url)
    crumbs = f'<span class="path__separator">›</span><a class="link link_outer_yes link_theme_outer path__item i-bem"' \
             f' target="_blank" href="{url}">{esc(path)}</a>' if path else ""
    shown = (f'<a class="link link_outer_yes link_theme_outer path__item i-bem" target="_blank" href="{url}">'
             f'<b>{esc(r.display_url or host)}</b></a>{crumbs if not r.display_url else ""}')
    return (
        f'<li class="serp-item" data-cid="{cid}"><div class="organic typo typo_text_m typo_line_s">'
        f'<h2 class="organic__title-wrapper typo typo_text_l typo_line_m"><div class="a11y-hidden">{r.position}</div>'
        f'<a class="link link_theme_normal organic__url i-bem" tabindex="2" target="_blank" href="{url}">'
        f'<div class="favicon favicon_page_0"><div class="favicon__icon"></div></div>{esc(r.title)}</a></h2>'
        f'<div class="organic__subtitle typo typo_type_greenurl"><div class="path organic__path">{shown}</div></div>'
        f'<div class="organic__content-wrapper clearfix"><div class="text-container typo typo_text_m typo_line_m'
        f' organic__text">{esc(r.snippet)}</div></div></div></li>'
    )


def _ad(cid: int, ad: Ad, keyword: str) -> str:
    title = ad.title or f"{keyword} — {host_of(ad.url)}"
    href = f"http://yabs.yandex.ru/count/Sandbox{cid}?q={quote(keyword, safe='')}"
    return (
        f'<li class="serp-item serp-adv-item" data-cid="{cid}" role="complementary" aria-label="Реклама">'
        f'<div class="organic typo typo_text_m typo_line_s"><h2 class="organic__title-wrapper typo typo_text_l typo_line_m">'
        f'<a class="link link_theme_normal organic__url i-bem" tabindex="2" target="_blank" href="{esc(href)}">'
        f'{esc(title)}</a></h2><div class="organic__subtitle typo typo_type_greenurl"><div class="path organic__path">'
        f'<a class="link link_outer_yes path__item i-bem" href="{esc(href)}"><b>{esc(host_of(ad.url))}</b></a></div>'
        f'<div class="label label_theme_direct organic__advLabel">реклама</div></div></div></li>'
    )


def _card(cid: int, card: Card, keyword: str) -> str:
    q = quote(keyword, safe="")
    href = VERTICALS.get(card.kind, OTHER_VERTICAL).format(q=q, kind=card.kind)
    more = f'<a class="link organic__more" href="{esc(card.url)}">{esc(host_of(card.url))}</a>' if card.url else ""
    return (
        f'<li class="serp-item" data-cid="{cid}" data-fast-wzrd="{esc(card.kind)}"><div class="composite">'
        f'<div class="organic typo typo_text_m typo_line_s"><h2 class="organic__title-wrapper typo typo_text_l">'
        f'<a class="link link_target_vertical-service link_theme_normal organic__url i-bem" target="_blank"'
        f' href="{esc(href)}">{esc(card.title)}</a></h2>{more}</div></div></li>'
    )


def _related(keyword: str, terms: tuple[str, ...], links: Links) -> str:
    if not terms:
        return ""
    items = "".join(f'<div class="related__item"><a class="link link_ajax_yes link_theme_normal i-bem"'
                    f' href="{esc(links.search(t))}&amp;rq=1">{esc(t)}</a></div>' for t in terms)
    return (f'<div class="related" role="navigation"><h2 class="related__header">Вместе с «<span class="related__query">'
            f'{esc(keyword)}</span>» ищут:</h2><div class="related__column">{items}</div></div>')


def _pager(plan: PagePlan, links: Links) -> str:
    parts: list[str] = []
    if plan.page > 1:
        parts.append(f'<a class="link link_theme_none pager__item pager__item_kind_prev i-bem"'
                     f' href="{esc(links.search(plan.keyword, plan.page - 1))}">назад</a>')
    first = max(1, plan.page - 4)
    for n in range(first, min(plan.last_page, first + 9) + 1):
        if n == plan.page:
            parts.append(f'<span class="pager__item pager__item_current_yes pager__item_kind_page">{n}</span>')
        else:
            parts.append(f'<a class="link link_ajax_yes link_theme_normal pager__item pager__item_kind_page i-bem"'
                         f' href="{esc(links.search(plan.keyword, n))}">{n}</a>')
    if plan.has_next:
        parts.append(f'<a class="link link_theme_none link_target_serp pager__item pager__item_kind_next i-bem"'
                     f' href="{esc(links.search(plan.keyword, plan.page + 1))}">дальше</a>')
    return f'<div class="pager i-bem" role="navigation" aria-label="Страницы">{"".join(parts)}</div>'


def _document(keyword: str, links: Links, encoding: str, content: str, total: int = 0) -> str:
    q = esc(keyword)
    return (
        f'<!DOCTYPE html><html class="i-ua_js_no" lang="ru"><head><meta charset="{esc(encoding)}">'
        f'<title>{q} — Яндекс: нашлось {total * 1_000} результатов</title></head>'
        '<body class="b-page b-page_type_search-serp i-bem"><div class="serp-header"><form class="search2"'
        f' action="{esc(links.prefix)}/search/" role="search"><input class="input__control mini-suggest__input"'
        f' name="text" value="{q}" aria-label="Запрос" autocomplete="off" maxlength="400"></form></div>'
        f'<div class="main serp i-bem"><div class="content__left">{content}</div></div></body></html>'
    )


def no_results(keyword: str, links: Links, encoding: str = "utf-8") -> str:
    return _document(
        keyword, links, encoding,
        '<div class="misspell"><div class="misspell__message">По вашему запросу ничего не нашлось</div>'
        '<div class="misspell__message">Попробуйте изменить запрос или поискать в другом регионе.</div></div>',
    )


def captcha(keyword: str, links: Links) -> str:
    """The 'Ой!' page Yandex answers robots with (showcaptcha)."""
    retpath = esc(f"{links.base}/search/?text={quote(keyword, safe='')}")
    return (
        '<!DOCTYPE html><html class="i-ua_js_no" lang="ru"><head><meta charset="utf-8"/><title>Ой!</title></head>'
        '<body class="b-page b-page_service_default i-bem"><div class="central"><div class="logo-wrapper">'
        '<a class="logo-wrapper__logo" href="https://yandex.ru" title="Яндекс"></a></div>'
        '<p class="text-wrapper text-wrapper_info">Нам очень жаль, но запросы, поступившие с вашего IP-адреса,'
        ' похожи на автоматические.</p><h1 class="CheckboxCaptcha-Title">Подтвердите, что запросы отправляли вы,'
        f' а не робот</h1><form class="form form_error_no" method="get" action="{esc(links.prefix)}/checkcaptcha">'
        '<input class="form__key" type="hidden" name="key" value="sandbox"/>'
        f'<input class="form__retpath" type="hidden" name="retpath" value="{retpath}"/>'
        '<div class="captcha__image"><img src="https://yandex.ru/captchaimg?sandbox"/></div>'
        '<input class="input-wrapper__content" name="rep" autocomplete="off"/>'
        '<button class="submit">Отправить</button></form></div></body></html>'
    )
