"""The SVG charts: rank 1 at the top of sparklines, gaps for not-ranked and blind days, trend geometry."""

from __future__ import annotations

import re
from datetime import date, timedelta

from seowatch.reports.charts import sparkline_svg, trend_svg
from seowatch.reports.model import TrendPoint

RUN = date(2026, 11, 24)


def _points(svg: str, cls: str) -> list[list[tuple[float, float]]]:
    return [[tuple(map(float, p.split(","))) for p in pts.split()]
            for pts in re.findall(rf'<polyline class="{cls}" points="([^"]+)"', svg)]


def test_sparkline_puts_rank_one_at_the_top():
    svg = sparkline_svg([(RUN - timedelta(days=2), 1), (RUN - timedelta(days=1), 10), (RUN, 20)], RUN)
    [line] = _points(svg, "rank")
    (x1, y1), (x2, y2), (x3, y3) = line
    assert x1 < x2 < x3
    assert y1 < y2 < y3  # SVG y grows downwards: rank 1 highest, rank 20 lowest
    assert y1 == 3 and y3 == 23  # the full height is used, within the padding


def test_sparkline_breaks_on_not_ranked_days_and_marks_them_at_the_bottom():
    hist = [(RUN - timedelta(days=4), 5), (RUN - timedelta(days=3), 6), (RUN - timedelta(days=2), None),
            (RUN - timedelta(days=1), 4), (RUN, 3)]
    svg = sparkline_svg(hist, RUN)
    assert len(_points(svg, "rank")) == 2  # two runs, no line through the miss
    [miss] = re.findall(r'<rect class="nr" x="[\d.]+" y="([\d.]+)"', svg)
    assert float(miss) >= 20  # at the bottom
    assert "not ranked" in svg  # in the hover title


def test_sparkline_without_history_is_a_dash():
    assert "<svg" not in sparkline_svg([], RUN)
    assert "<svg" not in sparkline_svg([(RUN - timedelta(days=40), 3)], RUN)  # outside the window


def test_trend_line_rises_with_visibility_and_skips_blind_days():
    days = [RUN - timedelta(days=i) for i in range(4, -1, -1)]
    points = [TrendPoint(days[0], 10.0, 5, 0), TrendPoint(days[1], 12.0, 5, 0), TrendPoint(days[2], None, 0, 5),
              TrendPoint(days[3], 14.0, 5, 0), TrendPoint(days[4], 20.0, 5, 0)]
    svg = trend_svg(points, RUN)
    lines = _points(svg, "line")
    assert len(lines) == 2  # broken at the blind day, never drawn as 0
    assert lines[0][0][1] > lines[0][1][1] and lines[1][0][1] > lines[1][1][1]  # higher visibility, higher on screen
    assert svg.count('<rect class="blind"') == 1
    assert "11-20" in svg and "11-24" in svg


def test_trend_with_one_point_draws_a_dot():
    svg = trend_svg([TrendPoint(RUN, 12.5, 3, 0)], RUN)
    assert '<circle class="dot"' in svg and "<polyline" not in svg
    assert "No checks yet" in trend_svg([], RUN)
