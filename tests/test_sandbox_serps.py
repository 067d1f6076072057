"""Round trips for every engine: a scenario page rendered by the sandbox, read back by seowatch's parser."""

from __future__ import annotations

from urllib.parse import parse_qs, urljoin, urlsplit

import pytest

from seowatch.crawlers.engines import ENGINE_SPECS, is_redirect_link, search_url, spec
from seowatch.crawlers.parsers import parse_serp
from seowatch.crawlers.parsers.text import clean
from seowatch.sandbox import redirects
from seowatch.sandbox.plan import page_plan
from seowatch.sandbox.scenario import load_scenario
from seowatch.sandbox.serps import captcha_bytes, no_results_bytes, page_bytes

ROOT = "http://127.0.0.1:8765"
KEYWORD = "整合营销"
OURS = "http://www.yingxiao-demo.cn/"
OURS_DEEP = "http://www.yingxiao-demo.cn/zhenghe-yingxiao/?from=a&b=1"
RIVAL = "https://www.rival-yingxiao.cn/zhenghe/"
HOSTILE = "<script>alert(1)</script>"
CARD_TITLE = "整合营销 图片"
RELATED = ("整合营销公司", "整合营销案例")
ENGINES = tuple(ENGINE_SPECS)
# Engines whose page can hold the real URL or only the redirect link (scenario carry_target).
CARRYING = ("baidu", "baidu_mobile", "sogou", "so360")
# What each engine's markup makes of an "images" card.
CARD_KIND = {engine: "images" for engine in ENGINES} | {"duckduckgo": "knowledge_panel"}
# The no-JS DuckDuckGo page has no related searches.
NO_RELATED = {"duckduckgo"}
# Parser gaps met by real-style sandbox markup, reported to the parsers' owners; the assertion
# is expected to fail until they are fixed (then it simply passes).
KNOWN_PARSER_GAPS: dict[tuple[str, str], str] = {}


def scenario(carry_target: bool = True):
    serps = {
        engine: {
            KEYWORD: {
                "results": [
                    OURS,
                    {"url": RIVAL, "title": HOSTILE, "snippet": "<b>not bold</b> & more", "position": 3},
                    {"url": OURS_DEEP, "title": "整合营销服务_营销demo", "position": spec(engine).per_page + 2},
                ],
                "total": 2 * spec(engine).per_page + 5,
                "ads": ["https://ad.example.cn/landing", {"url": "https://www.ad-two.cn/", "title": "广告二"}],
                "cards": [{"kind": "images", "title": CARD_TITLE, "url": "https://img.example.cn/p", "before": 2}],
                "related": list(RELATED),
                "carry_target": carry_target,
            }
        }
        for engine in ENGINES
    }
    return load_scenario({"days": {"1": {"serps": serps}}})


def render(engine: str, page: int, carry_target: bool = True, keyword: str = KEYWORD):
    sc = scenario(carry_target)
    plan = page_plan(sc.day(1).keyword(engine, keyword) or sc.filler(), engine, keyword, page)
    url = search_url(engine, keyword, page, base_url=f"{ROOT}/{engine}")
    body = page_bytes(plan, ROOT)
    return plan, url, body, parse_serp(engine, body, url)


def target(engine: str, result, page_url: str) -> str:
    """The real URL of a result: carried by the page, or behind a redirect link the sandbox resolves."""
    if result.url is not None:
        return result.url
    absolute = urljoin(page_url, result.link)
    assert is_redirect_link(engine, absolute, f"{ROOT}/{engine}"), absolute
    parts = urlsplit(absolute)
    path = parts.path
    owner = path.split("/")[1]
    if owner == engine:
        engine_arg, rest = engine, path[len(engine) + 1:]
    else:
        engine_arg, rest = None, path
    answer = redirects.resolve(engine_arg, rest, parse_qs(parts.query))
    assert answer.target, f"{engine}: {absolute} does not resolve"
    return answer.target


def page_of(engine: str, next_url: str) -> int:
    """The page number a next link asks for."""
    s = spec(engine)
    query = parse_qs(urlsplit(next_url).query)
    value = int(query[s.page_param][0])
    return next(p for p in range(1, 100) if s.page_value(p) == value)


def known_gap(engine: str, what: str, ok: bool) -> None:
    if not ok and (engine, what) in KNOWN_PARSER_GAPS:
        pytest.xfail(KNOWN_PARSER_GAPS[(engine, what)])


@pytest.mark.parametrize("engine", ENGINES)
def test_first_page_round_trip(engine):
    plan, url, body, page = render(engine, 1)
    per_page = spec(engine).per_page
    assert page.ok and not page.blocked and not page.no_results, (page.parse_error, page.blocked)
    assert [r.position for r in page.organic] == list(range(1, per_page + 1))
    assert [clean(r.title) for r in page.organic] == [clean(r.title) for r in plan.results]
    assert [target(engine, r, url) for r in page.organic] == [r.url for r in plan.results]
    assert target(engine, page.organic[0], url) == OURS
    assert page.ads.count == 2
    assert page.query == KEYWORD
    assert page.has_next and page_of(engine, page.next_url) == 2


@pytest.mark.parametrize("engine", ENGINES)
def test_card_is_a_special_block_not_a_result(engine):
    _, url, _, page = render(engine, 1)
    assert any(s.kind == CARD_KIND[engine] for s in page.special), page.special
    if engine != "serpapi":  # SerpApi names its blocks by key (inline_images), not by title
        assert CARD_TITLE in [s.title for s in page.special]
    assert CARD_TITLE not in [r.title for r in page.organic]
    assert "https://img.example.cn/p" not in [target(engine, r, url) for r in page.organic]


@pytest.mark.parametrize("engine", sorted(set(ENGINES) - NO_RELATED))
def test_related_searches(engine):
    _, _, _, page = render(engine, 1)
    known_gap(engine, "related", list(RELATED) == page.related_searches[:2])
    assert page.related_searches[:2] == list(RELATED)


@pytest.mark.parametrize("engine", ENGINES)
def test_second_page_continues_the_ranking(engine):
    plan, url, _, page = render(engine, 2)
    per_page = spec(engine).per_page
    assert plan.first_position == per_page + 1
    assert len(page.organic) == per_page
    assert page.ads.count == 0  # ads are a first-page thing
    assert target(engine, page.organic[1], url) == OURS_DEEP
    assert page.has_next and page_of(engine, page.next_url) == 3


@pytest.mark.parametrize("engine", ENGINES)
def test_last_page_has_no_next_link(engine):
    _, _, _, page = render(engine, 3)
    assert page.ok
    assert len(page.organic) == 5
    assert not page.has_next and page.next_url is None


def test_baidu_block_counter_continues_on_page_two():
    _, _, _, first = render("baidu", 1)
    _, _, _, second = render("baidu", 2)
    # page 1: the card takes id 2, results follow it; page 2 starts at 10 * (2 - 1) + 1
    assert [r.block_position for r in first.organic[:3]] == [1, 3, 4]
    assert [s.block_position for s in first.special] == [2]
    assert [r.block_position for r in second.organic] == list(range(11, 21))


@pytest.mark.parametrize("engine", CARRYING)
def test_without_carried_target_only_the_redirect_link_is_there(engine):
    plan, url, body, page = render(engine, 1, carry_target=False)
    assert all(r.url is None for r in page.organic)
    for result, shown in zip(page.organic, plan.results):
        assert shown.url.encode() not in body  # tokens are opaque
        assert target(engine, result, url) == shown.url


@pytest.mark.parametrize("engine", CARRYING)
def test_with_carried_target_the_page_holds_the_real_url(engine):
    _, _, _, page = render(engine, 1, carry_target=True)
    assert page.organic[0].url == OURS
    assert page.organic[2].url == RIVAL


@pytest.mark.parametrize("engine", ENGINES)
def test_hostile_titles_arrive_as_text(engine):
    _, _, body, page = render(engine, 1)
    assert page.organic[2].title == HOSTILE
    if engine != "serpapi":  # JSON carries the text as a string; there is no markup to escape
        assert b"<script>alert(1)" not in body
    if page.organic[2].snippet is not None:
        assert "<b>not bold</b>" in page.organic[2].snippet


@pytest.mark.parametrize("engine", ENGINES)
def test_hostile_keyword_is_escaped_everywhere(engine):
    keyword = 'seo"><img src=x onerror=alert(1)>'
    _, _, body, page = render(engine, 1, keyword=keyword)
    assert page.ok
    if engine != "serpapi":
        assert b"<img src=x" not in body
    assert page.query == keyword


@pytest.mark.parametrize("engine", ENGINES)
def test_captcha_page_is_a_block(engine):
    url = search_url(engine, KEYWORD, base_url=f"{ROOT}/{engine}")
    page = parse_serp(engine, captcha_bytes(engine, KEYWORD, ROOT), url)
    assert not page.ok and not page.organic
    if engine == "serpapi":  # SerpApi answers a failed search, not Google's block page
        assert page.parse_error and "serpapi error" in page.parse_error
    else:
        assert page.blocked is not None


@pytest.mark.parametrize("engine", ENGINES)
def test_no_results_page_is_explicit(engine):
    url = search_url(engine, KEYWORD, base_url=f"{ROOT}/{engine}")
    page = parse_serp(engine, no_results_bytes(engine, KEYWORD, ROOT), url)
    assert page.no_results and page.ok and not page.organic


@pytest.mark.parametrize("engine", ENGINES)
def test_past_the_last_page_is_the_no_results_page(engine):
    plan, _, _, page = render(engine, 4)
    assert plan.empty
    assert page.no_results


@pytest.mark.parametrize("engine", ["baidu", "sogou", "bing"])
def test_gbk_page_declares_and_uses_its_encoding(engine):
    sc = load_scenario({"days": {"1": {"serps": {engine: {KEYWORD: {"results": [OURS], "encoding": "gbk"}}}}}})
    plan = page_plan(sc.day(1).keyword(engine, KEYWORD), engine, KEYWORD, 1)
    body = page_bytes(plan, ROOT)
    assert KEYWORD.encode("gbk") in body and KEYWORD.encode("utf-8") not in body
    page = parse_serp(engine, body, search_url(engine, KEYWORD, base_url=f"{ROOT}/{engine}"))
    assert page.query == KEYWORD and page.decode_errors == 0
    assert page.organic[0].title == plan.results[0].title


@pytest.mark.parametrize("engine", ENGINES)
def test_unlisted_keywords_get_deterministic_filler(engine):
    sc = load_scenario({"days": {"1": {}}})
    keywords = [f"关键词{i}" for i in range(25)]
    seen = set()
    for keyword in keywords:
        plan = page_plan(sc.filler(), engine, keyword, 1)
        again = page_plan(sc.filler(), engine, keyword, 1)
        assert plan == again
        url = search_url(engine, keyword, base_url=f"{ROOT}/{engine}")
        page = parse_serp(engine, page_bytes(plan, ROOT), url)
        assert page.ok and len(page.organic) == spec(engine).per_page
        seen.add(target(engine, page.organic[0], url))
    assert len(seen) == len(keywords)  # different keywords, different results
