"""Change categories and drop confirmation: no alarm from an unknown day or a single odd observation."""

from datetime import date, timedelta

import pytest

from seowatch.config import DropThresholds
from seowatch.reports.diff import alternates, drop_categories, judge
from seowatch.reports.model import (
    CANNIBALIZED, CONFIRMED, DROPPED, IMPROVED, LOST, NEW, OUT_OF_PAGE1, OUT_OF_TOP3, OUT_OF_TOP10, RECOVERED,
    UNKNOWN, URL_CHANGED, WATCHING, Observation,
)

T = DropThresholds()
D = date(2026, 11, 24)


def ranked(pos, days_ago=0, url="https://www.example.com/a", page=None):
    return Observation(D - timedelta(days=days_ago), "ranked", pos, url, page or (pos - 1) // 10 + 1, 50)


def not_ranked(days_ago=0, scanned=50):
    return Observation(D - timedelta(days=days_ago), "not_ranked", depth_scanned=scanned)


def unknown(days_ago=0, reason="captcha"):
    return Observation(D - timedelta(days=days_ago), "unknown", reason=reason)


@pytest.mark.parametrize(
    "before, after, expected",
    [
        (ranked(3), ranked(12), (OUT_OF_TOP3, OUT_OF_TOP10, OUT_OF_PAGE1, DROPPED)),
        (ranked(5), ranked(7), ()),  # within the top-10 threshold of 3
        (ranked(5), ranked(8), (DROPPED,)),
        (ranked(15), ranked(19), ()),  # 11-30 needs 5
        (ranked(15), ranked(20), (DROPPED,)),
        (ranked(35), ranked(44), ()),  # beyond 30 needs 10
        (ranked(35), ranked(45), (DROPPED,)),
        (ranked(8), not_ranked(), (LOST, OUT_OF_TOP10, OUT_OF_PAGE1)),
        (ranked(45), not_ranked(scanned=30), ()),  # scanned less deep than where we were: no verdict
        (not_ranked(), not_ranked(), ()),
    ],
)
def test_drop_categories(before, after, expected):
    assert drop_categories(before, after, T) == expected


def test_unknown_today_is_never_compared():
    v = judge(unknown(), [ranked(3, 1)], T)
    assert v.categories == (UNKNOWN,) and v.drop is None and v.change is None


def test_first_drop_is_watching_then_confirmed_by_the_next_check():
    v1 = judge(ranked(12), [ranked(3, 1)], T, observations_today=[ranked(12)])
    assert v1.drop == WATCHING and DROPPED in v1.categories and v1.change == -9
    v2 = judge(ranked(12, 0), [ranked(12, 1), ranked(3, 2)], T, observations_previous=[ranked(12, 1)])
    assert v2.drop == CONFIRMED and v2.baseline.position == 3 and v2.change == -9 and v2.since == D - timedelta(days=1)


def test_same_day_recheck_confirms():
    v = judge(ranked(12), [ranked(3, 1)], T, observations_today=[ranked(12), ranked(11)])
    assert v.drop == CONFIRMED


def test_a_recheck_that_contradicts_does_not_confirm():
    v = judge(ranked(12), [ranked(3, 1)], T, observations_today=[ranked(3), ranked(12)])
    assert v.drop == WATCHING


def test_one_odd_observation_recovers_without_alarm():
    v = judge(ranked(3), [ranked(14, 1), ranked(3, 2)], T, observations_previous=[ranked(14, 1)])
    assert v.drop is None and v.categories == (RECOVERED,)


def test_a_drop_confirmed_yesterday_is_not_confirmed_again():
    v = judge(ranked(12), [ranked(12, 1), ranked(3, 2)], T, observations_previous=[ranked(12, 1), ranked(12, 1)])
    assert v.drop is None


def test_unknown_day_in_between_is_skipped():
    # history passed to judge is known checks only: the captcha day simply is not there
    v = judge(ranked(6), [ranked(5, 2)], T, observations_today=[ranked(6)])
    assert v.categories == () and v.drop is None and v.change == -1


def test_gains_new_and_url_change():
    assert judge(ranked(6), [ranked(15, 1)], T).categories == (IMPROVED,)
    assert judge(ranked(6), [not_ranked(1)], T).categories == (NEW,)
    assert judge(ranked(6), [], T).categories == (NEW,)
    v = judge(ranked(6, url="https://www.example.com/b"), [ranked(6, 1)], T)
    assert v.categories == (URL_CHANGED,)


def test_cannibalization_from_two_urls_or_alternation():
    v = judge(ranked(6), [ranked(6, 1)], T, own_urls_today=["https://www.example.com/a", "http://example.com/b/"])
    assert CANNIBALIZED in v.categories
    a, b = "https://www.example.com/a", "https://www.example.com/b"
    hist = [ranked(6, 1, url=b), ranked(6, 2, url=a)]
    assert CANNIBALIZED in judge(ranked(6, url=a), hist, T).categories
    assert alternates([a, a, b]) is False and alternates([a, b, a]) is True
