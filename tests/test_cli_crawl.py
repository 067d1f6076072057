"""How `seowatch crawl` and `seowatch ranks` word a check and its change."""

from datetime import date, datetime, timezone

import pytest

from seowatch.cli.crawl import change_text, position_text
from seowatch.store.models import RankCheck

NOW = datetime(2026, 11, 24, tzinfo=timezone.utc)


def check(status, position=None, scanned=50, reason=None, owner="site"):
    return RankCheck(keyword_id=1, engine="baidu", device="desktop", day=date(2026, 11, 24), status=status,
                     position=position, depth=50, depth_scanned=scanned, unknown_reason=reason,
                     owner_kind=owner if position else None, fetched_at=NOW)


@pytest.mark.parametrize("c, text", [
    (check("ranked", 3), "3"),
    (check("ranked", 14, owner="asset"), "14 (asset)"),
    (check("not_ranked", scanned=43), "not in top 43"),
    (check("not_ranked", scanned=0), "not ranked (no results)"),
    (check("unknown", scanned=10, reason="captcha"), "unknown: captcha"),
])
def test_position_text(c, text):
    assert position_text(c) == text


@pytest.mark.parametrize("now, before, text", [
    (check("ranked", 12), check("ranked", 3), "3 → 12 (▼9)"),
    (check("ranked", 6), check("ranked", 15), "15 → 6 (▲9)"),
    (check("ranked", 6), check("ranked", 6), "="),
    (check("ranked", 6), None, "new"),
    (check("ranked", 6), check("not_ranked", scanned=50), "new (was >50)"),
    (check("not_ranked"), check("ranked", 8), "lost (was 8)"),
    (check("unknown", reason="timeout"), check("ranked", 8), "?"),  # an unknown day is never a change
    (check("not_ranked"), check("not_ranked"), ""),
])
def test_change_text(now, before, text):
    assert change_text(now, before) == text
