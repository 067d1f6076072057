"""The report's SVG charts: the visibility trend and the per-keyword position sparklines.

Plain SVG strings, styled by the page's CSS classes (`svg.trend`, `svg.spark`); no script. Rank 1
is at the top of a sparkline; days not ranked break its line and are marked at the bottom; a day
whose checks were all unknown breaks the trend line and is marked, never drawn as 0.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from datetime import date, timedelta

from seowatch.reports.labels import clean, short_day
from seowatch.reports.model import TrendPoint

SPARK_DAYS = 28
SPARK_W, SPARK_H = 104, 26
TREND_W, TREND_H = 420, 190


def _e(value: object) -> str:
    return html.escape(clean(value), quote=True)



def sparkline_svg(history: Iterable[tuple[date, int | None]], run_date: date, days: int = SPARK_DAYS) -> str:
    """A keyword's known positions over the last `days` days as a small SVG: rank 1 at the top, the
    line broken on days not ranked (drawn as a red tick at the bottom), days without a known check left empty."""
    start = run_date - timedelta(days=days - 1)
    hist = [(d, p) for d, p in history if start <= d <= run_date]
    if not hist:
        return '<span class="muted">–</span>'
    worst = max([p for _, p in hist if p] + [10])
    w, h, pad = SPARK_W, SPARK_H, 3

    def x(d: date) -> float:
        return pad + (w - 2 * pad) * (d - start).days / max(1, days - 1)

    def y(p: int) -> float:
        return pad + (h - 2 * pad) * (p - 1) / (worst - 1)

    runs: list[list[tuple[float, float]]] = [[]]
    misses = []
    for d, p in hist:
        if p is None:
            misses.append(x(d))
            if runs[-1]:
                runs.append([])
        else:
            runs[-1].append((x(d), y(p)))
    parts = [f'<line class="axis" x1="{pad}" y1="{pad}" x2="{w - pad}" y2="{pad}"/>']
    for run in runs:
        if len(run) > 1:
            pts = " ".join(f"{a:.1f},{b:.1f}" for a, b in run)
            parts.append(f'<polyline class="rank" points="{pts}"/>')
        elif run:
            parts.append(f'<circle class="rank-dot" cx="{run[0][0]:.1f}" cy="{run[0][1]:.1f}" r="1.8"/>')
    parts += [f'<rect class="nr" x="{mx - 1.5:.1f}" y="{h - 3}" width="3" height="3"/>' for mx in misses]
    last_day, last_pos = hist[-1]
    if last_pos is not None:
        parts.append(f'<circle class="last" cx="{x(last_day):.1f}" cy="{y(last_pos):.1f}" r="2.4"/>')
    positions = ", ".join(f"{short_day(d)}: {p if p is not None else 'not ranked'}" for d, p in hist)
    label = f"positions, rank 1 at the top (scale 1–{worst})"
    return (f'<svg class="spark" width="{w}" height="{h}" viewBox="0 0 {w} {h}" role="img" aria-label="{label}">'
            f"<title>{_e(positions)}</title>{''.join(parts)}</svg>")


def trend_svg(points: Sequence[TrendPoint], run_date: date) -> str:
    """The visibility trend as an SVG line chart; days whose checks were all unknown break the line and
    get an orange marker at the bottom."""
    if not points:
        return '<p class="muted">No checks yet.</p>'
    w, h = TREND_W, TREND_H
    left, right, top, bottom = 40, 12, 12, 30
    first = points[0].day
    span = max(1, (run_date - first).days)
    peak = max([p.visibility for p in points if p.visibility is not None] + [0.0])
    ymax = _nice_ceiling(peak * 1.1)

    def x(d: date) -> float:
        if len(points) == 1:
            return left + (w - left - right) / 2
        return left + (w - left - right) * (d - first).days / span

    def y(v: float) -> float:
        return top + (h - top - bottom) * (1 - v / ymax)

    parts = []
    for frac in (0, 0.5, 1):
        v = ymax * frac
        parts.append(f'<line class="grid" x1="{left}" y1="{y(v):.1f}" x2="{w - right}" y2="{y(v):.1f}"/>'
                     f'<text class="ylab" x="{left - 5}" y="{y(v) + 4:.1f}">{_axis_number(v)}</text>')
    runs: list[list[TrendPoint]] = [[]]
    for p in points:
        if p.visibility is None:
            if runs[-1]:
                runs.append([])
        else:
            runs[-1].append(p)
    for run in runs:
        if len(run) > 1:
            pts = " ".join(f"{x(p.day):.1f},{y(p.visibility):.1f}" for p in run)
            area = f"{x(run[0].day):.1f},{y(0):.1f} {pts} {x(run[-1].day):.1f},{y(0):.1f}"
            parts.append(f'<polygon class="area" points="{area}"/><polyline class="line" points="{pts}"/>')
    dots = len(points) <= 45
    for p in points:
        if p.visibility is None:
            parts.append(f'<rect class="blind" x="{x(p.day) - 3:.1f}" y="{y(0) - 3:.1f}" width="6" height="6">'
                         f"<title>{p.day.isoformat()}: no known check ({p.unknown} unknown)</title></rect>")
        elif dots or p is points[-1]:
            r = 3.2 if p is points[-1] else 2
            parts.append(f'<circle class="dot" cx="{x(p.day):.1f}" cy="{y(p.visibility):.1f}" r="{r}">'
                         f"<title>{p.day.isoformat()}: {p.visibility:.2f} ({p.checked} checked, {p.unknown} unknown)"
                         "</title></circle>")
    labels = {first, run_date}
    if span >= 14:
        labels.add(first + timedelta(days=span // 2))
    for d in sorted(labels):
        anchor = "start" if d == first and len(points) > 1 else "end" if d == run_date and len(points) > 1 else "middle"
        parts.append(f'<text class="xlab" x="{x(d):.1f}" y="{h - 10}" text-anchor="{anchor}">{short_day(d)}</text>')
    return (f'<svg class="trend" viewBox="0 0 {w} {h}" role="img" aria-label="visibility trend">'
            f"<title>Visibility (0–100), {first.isoformat()} to {run_date.isoformat()}</title>{''.join(parts)}</svg>")


def _nice_ceiling(v: float) -> float:
    if v <= 0:
        return 1.0
    for step in (1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 25, 30, 40, 50, 60, 80, 100):
        if v <= step:
            return float(step)
    return 100.0


def _axis_number(v: float) -> str:
    return f"{v:.0f}" if v == int(v) else f"{v:.1f}"
