"""Today against the last known day, per keyword: which changes count, and which drops are confirmed.

Pure functions over observations. An unknown day is never compared. A drop is confirmed only
by a second observation that holds it: a same-day recheck, or the next check; until then it is
listed as "watching" and never alerted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from seowatch.config import DropThresholds
from seowatch.crawlers.matching import canonical_url
from seowatch.reports.model import (
    CANNIBALIZED,
    CONFIRMED,
    DROPPED,
    IMPROVED,
    LOST,
    NEW,
    OUT_OF_PAGE1,
    OUT_OF_TOP3,
    OUT_OF_TOP10,
    RECOVERED,
    UNKNOWN,
    URL_CHANGED,
    WATCHING,
    Observation,
)

RANKED = "ranked"
NOT_RANKED = "not_ranked"


def drop_categories(before: Observation, after: Observation, thresholds: DropThresholds) -> tuple[str, ...]:
    """The ways `after` is worse than `before` (both known). Empty when it is not a drop, or when
    `after` did not look deep enough to say (not ranked within 30 after being 45th is no news)."""
    if before.status != RANKED or after.status not in (RANKED, NOT_RANKED):
        return ()
    pos = before.position
    if after.status == NOT_RANKED:
        if after.depth_scanned < pos:
            return ()
        cats = [LOST]
        cats += [OUT_OF_TOP3] if pos <= 3 else []
        cats += [OUT_OF_TOP10] if pos <= 10 else []
        cats += [OUT_OF_PAGE1] if before.page == 1 else []
        return tuple(cats)
    new = after.position
    cats = []
    if pos <= 3 < new:
        cats.append(OUT_OF_TOP3)
    if pos <= 10 < new:
        cats.append(OUT_OF_TOP10)
    if before.page == 1 and (after.page or 0) > 1:
        cats.append(OUT_OF_PAGE1)
    if new - pos >= thresholds.for_position(pos):
        cats.append(DROPPED)
    return tuple(cats)


def gain_categories(before: Observation | None, after: Observation, thresholds: DropThresholds) -> tuple[str, ...]:
    if after.status != RANKED:
        return ()
    if before is None or before.status == NOT_RANKED:
        return (NEW,)
    if before.status == RANKED and before.position - after.position >= thresholds.for_position(after.position):
        return (IMPROVED,)
    return ()


def url_changed(before: Observation | None, after: Observation) -> bool:
    return (
        before is not None and before.status == RANKED and after.status == RANKED
        and bool(before.url) and bool(after.url)
        and canonical_url(before.url) != canonical_url(after.url)
    )


def alternates(urls: Sequence[str | None]) -> bool:
    """True when the ranking URL went A -> B -> A (two of our pages taking turns)."""
    seen: list[str] = []
    for u in urls:
        c = canonical_url(u) if u else None
        if c is None:
            continue
        if seen and seen[-1] == c:
            continue
        if c in seen:
            return True
        seen.append(c)
    return False


@dataclass(frozen=True)
class Verdict:
    """What the report says about one keyword on one engine and device."""

    categories: tuple[str, ...]
    drop: str | None
    baseline: Observation | None
    change: int | None
    threshold: int | None
    since: date | None


def _change(base: Observation | None, now: Observation) -> int | None:
    if base is not None and base.status == RANKED and now.status == RANKED:
        return base.position - now.position
    return None


def judge(
    today: Observation | None,
    known_before: Sequence[Observation],
    thresholds: DropThresholds,
    *,
    observations_today: Sequence[Observation] = (),
    observations_previous: Sequence[Observation] = (),
    own_urls_today: Sequence[str] = (),
) -> Verdict:
    """Categorise today's check.

    known_before: the known (ranked / not ranked) checks before today, newest first.
    observations_*: every known observation of today / of the previous known day (re-runs included);
    two of them showing the drop confirm it on that day.
    """
    if today is None:
        return Verdict((), None, None, None, None, None)
    if today.status not in (RANKED, NOT_RANKED):
        return Verdict((UNKNOWN,), None, None, None, None, None)
    prev = known_before[0] if known_before else None
    prev2 = known_before[1] if len(known_before) > 1 else None
    extra: list[str] = []
    if len({canonical_url(u) for u in own_urls_today if u}) > 1 or alternates(
        [o.url for o in reversed(known_before[:4]) if o.status == RANKED] + [today.url if today.status == RANKED else None]
    ):
        extra.append(CANNIBALIZED)
    if url_changed(prev, today):
        extra.append(URL_CHANGED)
    if prev is None:
        return Verdict(gain_categories(None, today, thresholds) + tuple(extra), None, None, None, None, None)

    threshold = thresholds.for_position(prev.position) if prev.status == RANKED else None
    drops = drop_categories(prev, today, thresholds)
    if drops:
        seen_twice = sum(1 for o in observations_today if drop_categories(prev, o, thresholds)) >= 2
        return Verdict(
            drops + tuple(extra), CONFIRMED if seen_twice else WATCHING, prev, _change(prev, today), threshold, today.day,
        )

    # Yesterday's drop, if it was seen only once, is confirmed today if it still holds against the
    # position before it — or dismissed as one odd observation if it does not.
    if prev2 is not None:
        earlier = drop_categories(prev2, prev, thresholds)
        confirmed_then = sum(1 for o in observations_previous if drop_categories(prev2, o, thresholds)) >= 2
        if earlier and not confirmed_then:
            holding = drop_categories(prev2, today, thresholds)
            if holding:
                return Verdict(
                    holding + tuple(extra), CONFIRMED, prev2, _change(prev2, today),
                    thresholds.for_position(prev2.position), prev.day,
                )
            return Verdict((RECOVERED,) + tuple(extra), None, prev2, _change(prev2, today), None, None)

    gains = gain_categories(prev, today, thresholds)
    return Verdict(gains + tuple(extra), None, prev, _change(prev, today), threshold, None)
