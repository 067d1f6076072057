"""Hand-built reports for the alert tests: a realistic Chinese site, a captcha wall, partner changes."""

from __future__ import annotations

from datetime import date, datetime, timezone

from seowatch.reports.model import (
    CONFIRMED,
    DROPPED,
    LOST,
    OUT_OF_PAGE1,
    OUT_OF_TOP3,
    OUT_OF_TOP10,
    UNKNOWN,
    URL_CHANGED,
    WATCHING,
    KeywordRow,
    Observation,
    PartnerChange,
    Report,
    SeenResult,
    SiteMetrics,
    Suggestion,
)

DAY = date(2026, 11, 24)
BEFORE = date(2026, 11, 23)
NOW = datetime(2026, 11, 24, 23, 30, tzinfo=timezone.utc)


def ranked(pos: int, day: date = DAY, url: str = "https://www.example.com/a") -> Observation:
    return Observation(day, "ranked", pos, url, (pos - 1) // 10 + 1, 50)


def not_ranked(day: date = DAY, depth: int = 50) -> Observation:
    return Observation(day, "not_ranked", None, None, None, depth)


def unknown(reason: str = "captcha") -> Observation:
    return Observation(DAY, "unknown", None, None, None, 0, reason)


def row(kid: int, keyword: str, today: Observation | None, baseline: Observation | None = None, *, cats=(),
        drop=None, engine="baidu", device="desktop", taken_by=None, since=None, volume=None) -> KeywordRow:
    change = None
    if today and baseline and today.position and baseline.position:
        change = baseline.position - today.position
    return KeywordRow(
        keyword_id=kid, keyword=keyword, group=None, volume=volume, engine=engine, device=device, today=today,
        previous=baseline, baseline=baseline, categories=tuple(cats), drop=drop, change=change, taken_by=taken_by,
        since=since,
    )


def metrics(tracked: int, checked: int, unknown_reasons: dict[str, int] | None = None, not_checked: int = 0,
            visibility: float = 12.5) -> SiteMetrics:
    reasons = unknown_reasons or {}
    return SiteMetrics(
        day=DAY, tracked=tracked, checked=checked, ranked=checked, unknown=sum(reasons.values()),
        unknown_reasons=reasons, not_checked=not_checked, average_position=8.4 if checked else None,
        top3=2, top10=5, top50=checked, visibility=visibility,
    )


RIVAL = SeenResult(3, "https://rival.cn/zhenghe", "rival.cn", "整合营销公司排名 <前十>")


def drops_report(*, partners=(), extra_rows=(), suggestions=()) -> Report:
    """example.com on 2026-11-24: three confirmed drops on Baidu, one watching, one unknown, one page swap."""
    rows = [
        row(1, "整合营销", ranked(12), ranked(3, BEFORE), cats=(OUT_OF_TOP3, OUT_OF_TOP10, OUT_OF_PAGE1, DROPPED),
            drop=CONFIRMED, taken_by=RIVAL, since=BEFORE, volume=1000),
        row(2, "网络营销", not_ranked(), ranked(8, BEFORE), cats=(LOST, OUT_OF_TOP10, OUT_OF_PAGE1), drop=CONFIRMED),
        row(3, "SEO优化", ranked(9), ranked(5, BEFORE), cats=(DROPPED,), drop=CONFIRMED),
        row(4, "短视频营销", ranked(20), ranked(4, BEFORE), cats=(OUT_OF_TOP10, OUT_OF_PAGE1, DROPPED, OUT_OF_TOP3),
            drop=WATCHING),
        row(5, "品牌策划", ranked(6, url="https://www.example.com/other"), ranked(6, BEFORE), cats=(URL_CHANGED,)),
        row(6, "营销推广", unknown(), None, cats=(UNKNOWN,)),
        *extra_rows,
    ]
    return Report(
        site="example.com", run_date=DAY, generated_at=NOW, rows=rows,
        metrics=metrics(len(rows), len(rows) - 1, {"captcha": 1}),
        compare={"previous": metrics(len(rows), len(rows), visibility=14.0), "week": None, "month": None},
        trend=[], share_of_voice={}, partners=list(partners), suggestions=list(suggestions),
    )


def captcha_wall_report() -> Report:
    """40 of 50 checks hit a captcha; among the 10 that got through, one confirmed drop."""
    rows = [row(100 + i, f"关键词{i}", unknown("captcha" if i < 36 else "http_403"), ranked(5, BEFORE), cats=(UNKNOWN,))
            for i in range(40)]
    rows += [row(200 + i, f"稳定词{i}", ranked(4), ranked(4, BEFORE)) for i in range(9)]
    rows.append(row(300, "整合营销", not_ranked(), ranked(3, BEFORE), cats=(LOST, OUT_OF_TOP3, OUT_OF_TOP10, OUT_OF_PAGE1),
                    drop=CONFIRMED))
    return Report(
        site="example.com", run_date=DAY, generated_at=NOW, rows=rows,
        metrics=metrics(50, 10, {"captcha": 36, "http_403": 4}),
        compare={"previous": None, "week": None, "month": None}, trend=[], share_of_voice={},
    )


def partner(page: str, statuses: tuple[str, ...], previous: tuple[str, ...] = ("ok",), evidence=(), failures: int = 1):
    return PartnerChange(page=page, statuses=statuses, previous=previous, day=DAY, evidence=tuple(evidence),
                         target="https://www.example.com/", consecutive_failures=failures)


SUGGESTION = Suggestion(
    kind="title_missing_keyword", keyword="整合营销", engine="baidu",
    message="在标题中加入“整合营销”：排名前三的页面标题都包含该词", evidence={}, impact=0.9,
    url="https://www.example.com/a",
)


def seed_store(engine, *, days=(date(2026, 11, 21), date(2026, 11, 22))) -> None:
    """example.com in the store: 整合营销 3 -> 12 on the second day, seen twice (a confirmed drop), rival.cn
    now at 3; 网络营销 steady at 8."""
    from seowatch.keywords.normalize import normalize
    from seowatch.store.database import session_scope
    from seowatch.store.models import RankCheck, SerpResult
    from seowatch.store.ranks import CheckOutcome, ensure_site, save_check, sync_keywords

    class Spec:
        def __init__(self, keyword, volume=None):
            self.keyword, self.volume = keyword, volume
            self.group, self.tags, self.engines, self.target = None, (), (), None

    def put(s, kw_id, day, pos, rival=None, at=0):
        check = RankCheck(keyword_id=kw_id, engine="baidu", device="desktop", day=day, status="ranked", position=pos,
                          page=(pos - 1) // 10 + 1, url="https://www.example.com/a", depth=50, depth_scanned=50,
                          pages_fetched=5, fetched_at=datetime(day.year, day.month, day.day, 1, at, tzinfo=timezone.utc))
        results = []
        for p in range(1, 21):
            if p == pos:
                results.append(SerpResult(page_no=1, kind="organic", position=p, url="https://www.example.com/a",
                                          domain="example.com", owner="site"))
            elif p == rival:
                results.append(SerpResult(page_no=1, kind="organic", position=p, url="https://rival.cn/x",
                                          domain="rival.cn", title="整合营销公司排名"))
            else:
                results.append(SerpResult(page_no=1, kind="organic", position=p, url=f"https://f{p}.cn/",
                                          domain=f"f{p}.cn", title=f"Filler {p}"))
        save_check(s, CheckOutcome(check, [], results))

    with session_scope(engine) as s:
        site = ensure_site(s, "example.com")
        a, b = sync_keywords(s, site, [Spec("整合营销", 1000), Spec("网络营销")], normalize).keywords
        first, second = days
        put(s, a.id, first, 3, rival=5)
        put(s, b.id, first, 8)
        put(s, a.id, second, 12, rival=3)
        put(s, a.id, second, 12, rival=3, at=30)  # the same-day recheck confirms the drop
        put(s, b.id, second, 8)
