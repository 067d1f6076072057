"""Reading what a report needs from the store, up to the report's day and never after it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, timedelta

from sqlmodel import Session, select

from seowatch.store.database import chunks, rows

from seowatch.config import DropThresholds
from seowatch.crawlers.engines import device_for
from seowatch.reports.diff import drop_categories, judge
from seowatch.reports.model import DROP_CATEGORIES, KeywordRow, Observation, SeenResult
from seowatch.store.models import Keyword, RankCheck, RankObservation, SerpResult

Key = tuple[int, str, str]  # keyword id, engine, device

_CHECK_COLUMNS = (
    RankCheck.id, RankCheck.keyword_id, RankCheck.engine, RankCheck.device, RankCheck.day, RankCheck.status,
    RankCheck.position, RankCheck.url, RankCheck.page, RankCheck.depth_scanned, RankCheck.unknown_reason,
)


def _obs(row) -> Observation:
    _, _, _, _, day, status, position, url, page, depth_scanned, reason = row
    return Observation(day, status, position, url, page, depth_scanned or 0, reason)


def expected_keys(site_engines: Sequence[str], site_devices: Sequence[str], keywords: Iterable[Keyword]) -> list[Key]:
    """Every (keyword, engine, device) the config asks to check, as the crawl builds its jobs."""
    keys = []
    for kw in keywords:
        for engine in kw.engines or site_engines:
            for device in sorted({device_for(engine, d) for d in site_devices}):
                keys.append((kw.id, engine, device))
    return keys


_KEYWORD_COLUMNS = (Keyword.id, Keyword.text, Keyword.normalized, Keyword.group_name, Keyword.engines,
                    Keyword.volume, Keyword.target)


def active_keywords(session: Session, site_id: int) -> list:
    """The site's active keywords as plain rows (attributes as on Keyword): reports read thousands."""
    q = select(*_KEYWORD_COLUMNS).where(Keyword.site_id == site_id, Keyword.active.is_(True)).order_by(Keyword.id)
    return rows(session, q).all()


def checks_of_day(session: Session, site_id: int, day: date) -> dict[Key, tuple]:
    q = (
        select(*_CHECK_COLUMNS)
        .join(Keyword, Keyword.id == RankCheck.keyword_id)
        .where(Keyword.site_id == site_id, Keyword.active.is_(True), RankCheck.day == day)
    )
    return {(r[1], r[2], r[3]): r for r in rows(session, q)}


def _check_days(session: Session, site_id: int, before: date, limit: int) -> list[date]:
    """The latest `limit` days with checks before `before`, newest first."""
    q = (
        select(RankCheck.day)
        .join(Keyword, Keyword.id == RankCheck.keyword_id)
        .where(Keyword.site_id == site_id, RankCheck.day < before)
        .group_by(RankCheck.day)
        .order_by(RankCheck.day.desc())
        .limit(limit)
    )
    return [r[0] for r in rows(session, q)]


def known_history(
    session: Session, site_id: int, before: date, keys: Sequence[Key], lookback_days: int, per_key: int,
) -> dict[Key, list[Observation]]:
    """The last `per_key` known checks of each key before `before` (within the lookback), newest first.

    Read in two steps to stay fast on a large store: the last few check days through the day
    index, then, only for keys with fewer than two known checks there (unknown days, gaps), the
    rest of the lookback through the keyword index.
    """
    out: dict[Key, list[Observation]] = defaultdict(list)
    days = _check_days(session, site_id, before, per_key)  # the last check days first
    if days:
        q = (
            select(*_CHECK_COLUMNS)
            .join(Keyword, Keyword.id == RankCheck.keyword_id)
            .where(Keyword.site_id == site_id, Keyword.active.is_(True), RankCheck.day.in_(days),
                   RankCheck.status != "unknown")
        )
        for r in rows(session, q):
            out[(r[1], r[2], r[3])].append(_obs(r))
    oldest = min(days) if days else before
    short = sorted({k[0] for k in keys if len(out.get(k, ())) < 2})
    wanted = set(keys)
    for chunk in chunks(short, 2000):
        q = select(*_CHECK_COLUMNS).where(
            RankCheck.keyword_id.in_(chunk), RankCheck.day < oldest,
            RankCheck.day >= before - timedelta(days=lookback_days), RankCheck.status != "unknown",
        )
        for r in rows(session, q):
            key = (r[1], r[2], r[3])
            if key in wanted and len(out.get(key, ())) < 2:
                out[key].append(_obs(r))
    for key, obs in out.items():
        obs.sort(key=lambda o: o.day, reverse=True)
        del obs[per_key:]
    return out


def observations(session: Session, pairs: set[tuple[int, date]]) -> dict[tuple[int, str, str, date], list[Observation]]:
    """Known observations (re-runs included) for (keyword id, day) pairs."""
    out: dict[tuple[int, str, str, date], list[Observation]] = defaultdict(list)
    if not pairs:
        return out
    ids = sorted({k for k, _ in pairs})
    days = sorted({d for _, d in pairs})
    o = RankObservation
    for chunk in chunks(ids, 2000):
        q = select(o.keyword_id, o.engine, o.device, o.day, o.status, o.position, o.url, o.page, o.depth_scanned).where(
            o.keyword_id.in_(chunk), o.day.in_(days)
        ).order_by(o.fetched_at, o.id)
        for kid, engine, device, day, status, position, url, page, depth_scanned in rows(session, q):
            if (kid, day) in pairs:
                out[(kid, engine, device, day)].append(Observation(day, status, position, url, page, depth_scanned))
    return out


def own_urls(session: Session, check_ids: Sequence[int]) -> dict[int, list[str]]:
    """Our site's URLs on each check's stored result pages (within what was scanned)."""
    out: dict[int, list[str]] = defaultdict(list)
    for chunk in chunks(check_ids, 5000):
        q = select(SerpResult.check_id, SerpResult.url).where(
            SerpResult.check_id.in_(chunk), SerpResult.owner == "site", SerpResult.kind == "organic"
        )
        for cid, url in rows(session, q):
            if url:
                out[cid].append(url)
    return out


def results_at(session: Session, wanted: dict[int, int]) -> dict[int, SeenResult]:
    """The organic result at a given position of each check: {check id: position} -> {check id: result}."""
    out: dict[int, SeenResult] = {}
    for chunk in chunks(list(wanted), 2000):
        q = select(SerpResult.check_id, SerpResult.position, SerpResult.url, SerpResult.domain, SerpResult.title).where(
            SerpResult.check_id.in_(chunk), SerpResult.kind == "organic"
        )
        for cid, pos, url, domain, title in rows(session, q):
            if pos == wanted.get(cid):
                out[cid] = SeenResult(pos, url, domain, title)
    return out


def position_history(session: Session, keys: Sequence[Key], up_to: date, days: int) -> dict[Key, list[tuple[date, int | None]]]:
    """Known positions over the last `days` days up to `up_to` (None: not ranked), oldest first."""
    out: dict[Key, list[tuple[date, int | None]]] = defaultdict(list)
    wanted = set(keys)
    ids = sorted({k[0] for k in keys})
    for chunk in chunks(ids, 5000):
        q = (
            select(RankCheck.keyword_id, RankCheck.engine, RankCheck.device, RankCheck.day, RankCheck.status,
                   RankCheck.position)
            .where(RankCheck.keyword_id.in_(chunk), RankCheck.day <= up_to,
                   RankCheck.day > up_to - timedelta(days=days), RankCheck.status != "unknown")
            .order_by(RankCheck.day)
        )
        for kid, eng, dev, day, status, pos in rows(session, q):
            if (kid, eng, dev) in wanted:
                out[(kid, eng, dev)].append((day, pos if status == "ranked" else None))
    return out


def keyword_rows(
    session: Session,
    site_id: int,
    run_date: date,
    keys: Sequence[Key],
    keywords: dict[int, Keyword],
    thresholds: DropThresholds,
    *,
    lookback_days: int = 60,
) -> list[KeywordRow]:
    """One judged row per expected key: today's check against the known ones before it."""
    today = checks_of_day(session, site_id, run_date)
    history = known_history(session, site_id, run_date, keys, lookback_days, per_key=3)

    # Observations are only needed where a drop is in play (today's or the previous day's).
    pairs: set[tuple[int, date]] = set()
    for key in keys:
        hist = history.get(key, [])
        if key not in today or not hist:
            continue
        now = _obs(today[key])
        if drop_categories(hist[0], now, thresholds):
            pairs.add((key[0], run_date))
        elif len(hist) > 1 and drop_categories(hist[1], hist[0], thresholds):
            pairs.add((key[0], hist[0].day))
    obs = observations(session, pairs) if pairs else {}
    owned = own_urls(session, [r[0] for r in today.values()])

    rows: list[KeywordRow] = []
    for key in keys:
        kw = keywords[key[0]]
        check = today.get(key)
        now = _obs(check) if check else None
        hist = history.get(key, [])
        verdict = judge(
            now, hist, thresholds,
            observations_today=obs.get((*key, run_date), ()),
            observations_previous=obs.get((*key, hist[0].day), ()) if hist else (),
            own_urls_today=owned.get(check[0], ()) if check else (),
        )
        rows.append(KeywordRow(
            keyword_id=kw.id, keyword=kw.text, group=kw.group_name, volume=kw.volume, engine=key[1], device=key[2],
            today=now, previous=hist[0] if hist else None, baseline=verdict.baseline, categories=verdict.categories,
            drop=verdict.drop, change=verdict.change, threshold=verdict.threshold, since=verdict.since,
            own_urls=tuple(owned.get(check[0], ())) if check else (),
        ))

    # Who took our place: the result now at our old position, for every drop.
    wanted = {}
    for row in rows:
        if row.drop and row.baseline and row.baseline.position and any(c in DROP_CATEGORIES for c in row.categories):
            wanted[today[(row.keyword_id, row.engine, row.device)][0]] = row.baseline.position
    taken = results_at(session, wanted) if wanted else {}
    for row in rows:
        check = today.get((row.keyword_id, row.engine, row.device))
        if check and check[0] in taken:
            row.taken_by = taken[check[0]]
    return rows
