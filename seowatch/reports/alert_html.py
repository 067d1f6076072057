"""The HTML part of the alert digest: the same facts as the text part, in tables mail clients render.

Pure. Inline styles only (mail clients drop <style> and scripts); every value from the store or a
crawled page is escaped; only http(s) URLs become links.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from seowatch.reports.alert_render import (
    PARTNER_STATUS_WORDS,
    coverage_sentences,
    drop_tags,
    engine_name,
    headlines,
    move,
    parts_of,
    partner_details,
    summary_line,
    top_suggestions,
)
from seowatch.reports.alerts import Alert
from seowatch.reports.labels import clean, safe_url, taken_by_label
from seowatch.reports.model import KeywordRow, Report

FONT = "font-family:-apple-system,'PingFang SC','Microsoft YaHei','Noto Sans CJK SC',Arial,sans-serif"
TH = "text-align:left;padding:4px 8px;border-bottom:1px solid #ccc;font-weight:600;color:#555"
TD = "padding:4px 8px;border-bottom:1px solid #eee;vertical-align:top"
RED = "color:#b00020"


def _e(value: object) -> str:
    return html.escape(clean(value), quote=True)


def _link(url: str | None, text: str | None = None) -> str:
    safe = safe_url(url)
    if not safe:
        return _e(text or url or "")
    return f'<a href="{html.escape(safe, quote=True)}" style="color:#1a5fb4">{_e(text or safe)}</a>'


def _h2(text: str, color: str = "#222") -> str:
    return f'<h2 style="font-size:16px;margin:20px 0 6px;color:{color}">{_e(text)}</h2>'


def _table(head: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """rows hold HTML already escaped."""
    th = "".join(f'<th style="{TH}">{_e(h)}</th>' for h in head)
    body = "".join("<tr>" + "".join(f'<td style="{TD}">{c}</td>' for c in r) + "</tr>" for r in rows)
    return f'<table cellspacing="0" style="border-collapse:collapse;font-size:14px">{th and f"<tr>{th}</tr>"}{body}</table>'


def _drop_cells(row: KeywordRow, rules: list[str], report: Report) -> list[str]:
    tags = drop_tags(rules)
    before = row.baseline.position if row.baseline else None
    took = ""
    if row.taken_by is not None and before:
        took = _link(row.taken_by.url, taken_by_label(row.taken_by))
    since = row.since.isoformat() if row.since and row.since != report.run_date else ""
    old = row.baseline.url if row.baseline else None
    new = row.today.url if row.today else None
    page = _link(new or old)
    if new and old and clean(new) != clean(old):
        page += f"<br><small>was {_link(old)}</small>"
    return [
        f"<b>{_e(row.keyword)}</b>", _e(engine_name(row.engine, row.device)),
        f'<span style="{RED}">{_e(move(row))}</span>' + (f"<br><small>{_e(tags)}</small>" if tags else ""),
        took, _e(since), page,
    ]


def render_html_part(report: Report, alerts: Sequence[Alert], *, site: str, link: str | None = None,
                     attachment: str | None = None) -> str:
    p = parts_of(alerts)
    day = report.run_date
    out = [f'<div style="{FONT};font-size:14px;color:#222;max-width:760px">',
           f'<h1 style="font-size:18px;margin:0 0 4px">{_e(report.site)} — seowatch alerts for {_e(day.isoformat())}</h1>']
    heads = [h for h, _ in headlines(p)]
    if heads:
        out.append(f'<p style="font-size:15px;margin:4px 0 12px"><b>{_e(heads[0][0].upper() + heads[0][1:])}</b>'
                   + "".join(f"; {_e(h)}" for h in heads[1:]) + ".</p>")
    if p.coverage:
        out.append(_h2("Crawl blocked" if p.coverage.blocked else "Crawl incomplete", "#b00020"))
        out += [f'<p style="margin:4px 0">{_e(s)}</p>' for s in coverage_sentences(p.coverage, site, day)]
    if p.drops:
        out.append(_h2(f"Confirmed drops ({len(p.drops)})", "#b00020"))
        out.append(_table(["keyword", "engine", "move", "now at our old place", "first seen", "our page"],
                          [_drop_cells(r, rules, report) for r, rules in p.drops]))
    if p.swaps:
        out.append(_h2(f"Landing page changed ({len(p.swaps)})"))
        out.append(_table(["keyword", "engine", "position", "now", "was"], [
            [f"<b>{_e(r.keyword)}</b>", _e(engine_name(r.engine, r.device)),
             _e(r.today.position if r.today else "?"), _link(r.today.url if r.today else None),
             _link(r.baseline.url if r.baseline else None)]
            for r in p.swaps
        ]))
    if p.lost or p.nofollow:
        out.append(_h2(f"Partner links ({len(p.lost) + len(p.nofollow)})"))
        out.append(_table(["partner page", "status", "evidence"], [
            [_link(c.page), f'<span style="{RED}">{_e(", ".join(PARTNER_STATUS_WORDS.get(s, s) for s in c.statuses))}</span>',
             "<br>".join(_e(d) for d in partner_details(c))]
            for c in p.lost + p.nofollow
        ]))
    if report.watching and not p.coverage:
        n = len(report.watching)
        out.append(f'<p style="color:#555">Also watching {n} drop{"s" if n != 1 else ""} seen once: not alerted '
                   "unless the next check confirms it.</p>")
    out.append(_h2("Today's numbers"))
    out.append(f'<p style="margin:4px 0">{_e(summary_line(report))}</p>')
    tips = top_suggestions(report)
    if tips:
        out.append(_h2("Top suggestions"))
        out.append('<ol style="margin:4px 0;padding-left:20px">' + "".join(f"<li>{_e(t)}</li>" for t in tips) + "</ol>")
    if link and safe_url(link):
        full = f"Full report: {_link(link)}"
    elif attachment:
        full = f"Full report: attached ({_e(attachment)})"
    else:
        full = f"Full report: <code>seowatch report --site {_e(site)} --date {_e(day.isoformat())}</code>"
    out.append(f'<p style="margin:16px 0 4px">{full}</p>')
    out.append('<p style="color:#888;font-size:12px;margin-top:16px">seowatch sends one alert per keyword, rule and '
               "day; see them with <code>seowatch alerts list</code>.</p></div>")
    body = "\n".join(out)
    return ('<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
            f"<title>{_e(report.site)} {_e(day.isoformat())}</title></head>\n<body>\n{body}\n</body></html>\n")

