"""What result page N of a keyword shows: placed results, deterministic filler, cards, ads, pagination."""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit

from seowatch.crawlers.engines import spec
from seowatch.sandbox.scenario import Ad, Card, KeywordPlan


@dataclass(frozen=True, slots=True)
class Shown:
    """One organic result as a page shows it."""

    position: int  # absolute organic rank (1-based over all pages)
    url: str
    title: str
    snippet: str
    display_url: str | None  # None: the renderer shows the URL its engine's way
    carry_target: bool


@dataclass(frozen=True, slots=True)
class PagePlan:
    """Result page `page` of `keyword` on `engine`, ready to render."""

    engine: str
    keyword: str
    page: int
    per_page: int
    total: int
    results: tuple[Shown, ...]
    ads: tuple[Ad, ...]  # page 1 only
    cards: tuple[tuple[int, Card], ...]  # (index in `results` the card precedes, card); len(results) = after all
    related: tuple[str, ...]
    has_next: bool
    encoding: str

    @property
    def empty(self) -> bool:
        """Nothing to show: the engine's explicit no-results page."""
        return not self.results

    @property
    def first_position(self) -> int:
        return (self.page - 1) * self.per_page + 1

    @property
    def last_page(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))


def page_plan(plan: KeywordPlan, engine: str, keyword: str, page: int) -> PagePlan:
    """The content of one result page (page >= 1; past the last page there are no results)."""
    per_page = spec(engine).per_page
    first = (page - 1) * per_page + 1
    last = min(plan.total, page * per_page)
    results = tuple(_shown(plan, keyword, rank) for rank in range(first, last + 1))
    cards = tuple(
        sorted(((card.before - first, card) for card in plan.cards if first <= card.before <= last),
               key=lambda item: item[0])
    )
    related = plan.related if plan.related is not None else related_for(keyword)
    return PagePlan(
        engine=engine,
        keyword=keyword,
        page=page,
        per_page=per_page,
        total=plan.total,
        results=results,
        ads=plan.ads if page == 1 and results else (),
        cards=cards if results else (),
        related=related if results else (),
        has_next=page * per_page < plan.total,
        encoding=plan.encoding,
    )


def _shown(plan: KeywordPlan, keyword: str, rank: int) -> Shown:
    placed = plan.placed.get(rank)
    if placed is None:
        return filler_result(keyword, rank, plan.carry_target)
    host = urlsplit(placed.url).hostname or placed.url
    return Shown(
        position=rank,
        url=placed.url,
        title=placed.title or f"{keyword}_{host}",
        snippet=placed.snippet if placed.snippet is not None else f"{host} 关于{keyword}的介绍、服务与案例。",
        display_url=placed.display_url,
        carry_target=plan.carry_target if placed.carry_target is None else placed.carry_target,
    )


# --- deterministic filler -------------------------------------------------------------------------

_SYLLABLES = (
    "bai", "cheng", "da", "fang", "guo", "hai", "hua", "jia", "jin", "kang", "lan", "long", "mei", "ming",
    "nan", "ping", "qi", "rui", "sheng", "shu", "tian", "tong", "wei", "xin", "xing", "yang", "yi", "yuan",
    "zhi", "zhong",
)
_TLDS = ("com", "cn", "com.cn", "net", "cn", "com")
_SECTIONS = ("news", "article", "info", "zixun", "help", "case", "blog", "wenda")
_TITLE_TAILS = ("哪家好", "公司排名", "价格表", "是什么意思", "解决方案", "成功案例", "服务介绍", "入门教程", "行业资讯", "常见问题")
_SITE_TAILS = ("网", "在线", "资讯网", "官网", "信息港", "科技")


@lru_cache(maxsize=65536)
def filler_result(keyword: str, rank: int, carry_target: bool = True) -> Shown:
    """A plausible third-party result for rank `rank`, the same every time for the same keyword.

    Filler hosts always contain digits (www.huaxin27.com), so they never collide with a scenario's
    own or competitor domains."""
    digest = hashlib.blake2b(f"{keyword}\x00{rank}".encode("utf-8"), digest_size=8).digest()
    a, b, c, d, e, f, g, h = digest
    s1, s2 = _SYLLABLES[a % len(_SYLLABLES)], _SYLLABLES[b % len(_SYLLABLES)]
    host = f"www.{s1}{s2}{10 + c % 90}.{_TLDS[d % len(_TLDS)]}"
    path = f"/{_SECTIONS[e % len(_SECTIONS)]}/{(f << 8 | g) % 90000 + 10000}.html"
    site = f"{s1.capitalize()}{s2}{_SITE_TAILS[h % len(_SITE_TAILS)]}"
    tail = _TITLE_TAILS[(a + rank) % len(_TITLE_TAILS)]
    return Shown(
        position=rank,
        url=f"https://{host}{path}",
        title=f"{keyword}{tail}_{site}",
        snippet=f"{site}为您提供{keyword}{tail}相关内容,包括最新动态、详细介绍与用户评价。",
        display_url=None,
        carry_target=carry_target,
    )


@lru_cache(maxsize=16384)
def related_for(keyword: str) -> tuple[str, ...]:
    """Related searches generated from the keyword."""
    return tuple(f"{keyword}{tail}" for tail in ("公司", "哪家好", "是什么", "方案", "价格", "案例"))
