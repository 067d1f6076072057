"""The daily report as one self-contained HTML file: inline CSS and SVG, no script, readable on a phone.

Every string that can come from a crawled page or the store (keywords, titles, URLs, domains,
evidence) goes through `_e` (html.escape after `clean`); only http(s) URLs become links. A
Content-Security-Policy meta tag forbids scripts and every network load as a second line of defence.
Rows with news are always listed; the table of all keywords is capped at `max_rows` (the CSV has
every row).
"""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import date

from seowatch.reports.charts import sparkline_svg, trend_svg
from seowatch.reports.labels import (
    COMPARE_LABELS,
    DROP_LABELS,
    SUGGESTION_LABELS,
    SUMMARY_METRICS,
    category_counts,
    category_labels,
    clean,
    drop_day,
    engine_label,
    evidence_key,
    evidence_text,
    is_empty,
    metric,
    move_label,
    number,
    position_label,
    safe_url,
    short_day,
    short_position,
    signed,
)
from seowatch.reports.model import (
    CANNIBALIZED,
    CONFIRMED,
    IMPROVED,
    NEW,
    RECOVERED,
    UNKNOWN,
    URL_CHANGED,
    KeywordRow,
    Report,
)

MAX_ROWS = 1000
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"


def _e(value: object) -> str:
    """Escape any value for HTML text or a quoted attribute."""
    return html.escape(clean(value), quote=True)


def render_html(report: Report, *, max_rows: int = MAX_ROWS) -> str:
    title = f"{report.site} · SEO report {report.run_date.isoformat()}"
    parts = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="referrer" content="no-referrer">',
        f"<title>{_e(title)}</title><style>{STYLE}</style></head><body><main>",
        _header(report),
        _coverage(report),
        _summary(report),
        _drops(report),
        _winners_losers(report),
        _gains(report),
        _landing_pages(report),
        _recovered(report),
        _unknown(report, max_rows),
        _share_of_voice(report),
        _partners(report),
        _suggestions(report),
        _all_rows(report, max_rows),
        f'<footer>seowatch · data up to {report.run_date.isoformat()} · generated '
        f"{_e(report.generated_at.strftime('%Y-%m-%d %H:%M %Z').strip())}</footer>",
        "</main></body></html>",
    ]
    return "\n".join(p for p in parts if p) + "\n"


# --- page sections -----------------------------------------------------------------------------------


def _section(anchor: str, heading: str, body: str, note: str = "") -> str:
    note_html = f'<p class="muted">{note}</p>' if note else ""
    return f'<section id="{anchor}"><h2>{heading}</h2>{note_html}{body}</section>'


def _header(report: Report) -> str:
    counts = category_counts(report)
    chips = []
    for anchor, label, n in (
        ("drops", "confirmed drops", len(report.confirmed_drops)),
        ("watching", "watching", len(report.watching)),
        ("gains", "gains", sum(1 for r in report.rows if IMPROVED in r.categories or NEW in r.categories)),
        ("landing", "URL changes", counts.get(URL_CHANGED, 0) + counts.get(CANNIBALIZED, 0)),
        ("unknown", "unknown", counts.get(UNKNOWN, 0)),
        ("partners", "partner issues", len(report.partners)),
        ("suggestions", "suggestions", len(report.suggestions)),
    ):
        cls = "chip"
        if n and anchor in ("drops", "partners"):
            cls = "chip bad"
        elif n and anchor == "unknown":
            cls = "chip warn"
        chips.append(f'<a class="{cls}" href="#{anchor}">{label} <b>{n}</b></a>')
    return (
        f'<header><h1>{_e(report.site)}</h1>'
        f'<p class="muted">SEO report for <b>{report.run_date.isoformat()}</b> · data up to that day</p>'
        f'<nav class="chips">{"".join(chips)}</nav></header>'
    )


def _coverage(report: Report) -> str:
    m = report.metrics
    notes = "".join(f'<p class="alert">⚠ {_e(n)}</p>' for n in report.notes)
    reasons = ""
    if m.unknown_reasons:
        by_count = sorted(m.unknown_reasons.items(), key=lambda x: -x[1])
        items = "".join(f"<li>{_e(r)}: <b>{n}</b></li>" for r, n in by_count)
        reasons = f'<ul class="inline">{items}</ul>'
    line = f"<p><b>Coverage:</b> {_e(m.coverage_line)}</p>"
    return f'<section id="coverage" class="coverage">{notes}{line}{reasons}</section>'


def _summary(report: Report) -> str:
    m = report.metrics
    prev = report.compare.get("previous")
    cards = [
        _card("visibility", number(metric(m, "visibility"), 2),
              _delta(metric(m, "visibility"), metric(prev, "visibility"), +1, digits=2)),
        _card("average position", number(metric(m, "average_position")),
              _delta(metric(m, "average_position"), metric(prev, "average_position"), -1)),
        _card("top 3 / 10 / 50", " / ".join(number(metric(m, a)) for a in ("top3", "top10", "top50")),
              _delta(metric(m, "top10"), metric(prev, "top10"), +1, "top 10 ")),
        _card("checked", f"{m.checked}/{m.tracked}", f'<span class="muted">{m.unknown} unknown</span>'),
    ]
    head = "".join(
        f"<th>{COMPARE_LABELS[k]}<br><small>{short_day(c.day) if c else 'no data'}</small></th>"
        for k, c in report.compare.items()
    )
    body = []
    for label, attr, digits, direction in SUMMARY_METRICS:
        today = metric(m, attr)
        cells = [f'<th scope="row">{label}</th><td class="num"><b>{number(today, digits)}</b></td>']
        for other in report.compare.values():
            if other is None:
                cells.append('<td class="num muted">–</td>')
                continue
            old = metric(other, attr)
            cells.append(f'<td class="num">{_delta(today, old, direction, digits=digits)}'
                         f'<br><small class="muted">{number(old, digits)}</small></td>')
        body.append(f"<tr>{''.join(cells)}</tr>")
    table = (f'<div class="scroll"><table class="compare"><thead><tr><th></th><th class="nw">today</th>{head}</tr>'
             f"</thead><tbody>{''.join(body)}</tbody></table></div>")
    return _section("summary", "Summary", f'<div class="cards">{"".join(cards)}</div>'
                    f'<div class="split"><div>{table}</div>{_trend(report)}</div>')


def _card(label: str, value: str, sub: str) -> str:
    return f'<div class="card"><span class="muted">{label}</span><b>{value}</b><span>{sub}</span></div>'


def _delta(today, old, direction: int, prefix: str = "", digits: int = 1) -> str:
    """A signed change, green when it is better and red when worse ('' when either side is missing)."""
    if today is None or old is None:
        return ""
    diff = round(today - old, digits) if isinstance(today, float) or isinstance(old, float) else today - old
    cls = "" if diff == 0 or direction == 0 else "good" if diff * direction > 0 else "bad"
    return f'<span class="{cls}">{prefix}{signed(diff, digits)}</span>'


def _trend(report: Report) -> str:
    points = report.trend
    known = [p for p in points if p.visibility is not None]
    note = ""
    if known:
        first, last = known[0], known[-1]
        note = (f'<p class="muted"><small>From {first.visibility:.2f} on {first.day.isoformat()} to '
                f"{last.visibility:.2f} on {last.day.isoformat()}. Days whose checks were all unknown are marked "
                "in orange at the bottom, never drawn as 0.</small></p>")
    return f'<div id="trend"><h3>Visibility trend</h3>{trend_svg(points, report.run_date)}{note}</div>'


def _drops(report: Report) -> str:
    cols = ("keyword", "engine", "move", "categories", "since", "taken_by", "url", "trend")
    confirmed = sorted(report.confirmed_drops, key=_drop_order)
    watching = sorted(report.watching, key=_drop_order)
    out = _section(
        "drops", f"Confirmed drops ({len(confirmed)})",
        _rows_table(confirmed, cols, report) if confirmed else '<p class="muted">No confirmed drop.</p>',
        "A drop seen twice (a same-day recheck or the next check); compared with the last known position.",
    )
    out += _section(
        "watching", f"Watching ({len(watching)})",
        _rows_table(watching, cols, report) if watching else '<p class="muted">Nothing to watch.</p>',
        "Seen once: listed here, not alerted, until the next check confirms or clears it.",
    )
    return out


def _drop_order(row: KeywordRow):
    return (row.change if row.change is not None else -1000, -(row.volume or 0), row.keyword)


def _winners_losers(report: Report) -> str:
    def mini(rows: list[KeywordRow], empty: str) -> str:
        if not rows:
            return f'<p class="muted">{empty}</p>'
        items = "".join(
            f"<li><b>{_e(r.keyword)}</b> <small class=\"muted\">{_e(engine_label(r.engine, r.device))}</small> "
            f"{_e(move_label(r))}</li>" for r in rows
        )
        return f'<ol class="mini">{items}</ol>'

    body = (f'<div class="two"><div><h3 class="good">Winners</h3>{mini(report.winners(10), "No gains.")}</div>'
            f'<div><h3 class="bad">Losers</h3>{mini(report.losers(10), "No drops.")}</div></div>')
    return _section("winners", "Winners and losers", body)


def _gains(report: Report) -> str:
    rows = [r for r in report.rows if IMPROVED in r.categories or NEW in r.categories]
    if not rows:
        return ""
    rows.sort(key=lambda r: (-(r.change or 0), r.today.position if r.today and r.today.position else 999))
    return _section("gains", f"Gains ({len(rows)})",
                    _rows_table(rows, ("keyword", "engine", "move", "categories", "url", "trend"), report))


def _landing_pages(report: Report) -> str:
    rows = [r for r in report.rows if URL_CHANGED in r.categories or CANNIBALIZED in r.categories]
    if not rows:
        return ""
    return _section("landing", f"Landing pages ({len(rows)})",
                    _rows_table(rows, ("keyword", "engine", "position", "categories", "was_url", "own_urls"), report),
                    "Another page of ours ranks now, or two of our pages compete for the keyword.")


def _recovered(report: Report) -> str:
    rows = report.with_category(RECOVERED)
    if not rows:
        return ""
    return _section("recovered", f"Recovered ({len(rows)})",
                    _rows_table(rows, ("keyword", "engine", "position", "trend"), report),
                    "Yesterday's drop did not hold: one odd observation, no alarm.")


def _unknown(report: Report, max_rows: int) -> str:
    rows = [r for r in report.rows if r.today is not None and r.today.status == "unknown"]
    if not rows:
        return ""
    by = Counter((r.today.reason or "unknown", engine_label(r.engine, r.device)) for r in rows)
    summary = "".join(f"<li>{_e(reason)} on {_e(eng)}: <b>{n}</b></li>" for (reason, eng), n in by.most_common())
    shown = rows[:max_rows]
    more = (f'<p class="muted">Showing {len(shown):,} of {len(rows):,}; the CSV lists every row.</p>'
            if len(rows) > len(shown) else "")
    body = (f'<ul class="inline">{summary}</ul>'
            + _rows_table(shown, ("keyword", "engine", "reason", "last_known"), report) + more)
    return _section("unknown", f"Unknown today ({len(rows)})", body,
                    "The check failed (captcha, timeout, layout …): never compared, never a drop.")


def _share_of_voice(report: Report) -> str:
    sov = report.share_of_voice
    if not sov:
        return ""
    rows = []
    for comp, v in sorted(sov.items(), key=lambda x: -x[1].get("theirs", 0)):
        share = max(0.0, min(100.0, float(v.get("share", 0))))
        rows.append(
            f'<tr><td data-label="competitor"><b>{_e(comp)}</b></td>'
            f'<td class="num" data-label="their visibility">{number(v.get("theirs"), 2)}</td>'
            f'<td class="num" data-label="ours">{number(v.get("ours"), 2)}</td>'
            f'<td data-label="our share"><span class="bar"><i style="width:{share:.1f}%"></i></span> '
            f"{share:.1f}%</td></tr>"
        )
    table = ('<table class="rows"><thead><tr><th>competitor</th><th>their visibility</th><th>ours</th>'
             f"<th>our share</th></tr></thead><tbody>{''.join(rows)}</tbody></table>")
    return _section("sov", "Share of voice", table,
                    "Visibility on the same keywords and checks; our share is ours / (ours + theirs).")


def _partners(report: Report) -> str:
    if not report.partners:
        return _section("partners", "Partners", '<p class="muted">No partner link change in this report.</p>')
    drops_by_day: dict[date, list[KeywordRow]] = {}
    for r in report.rows:
        if r.drop:
            drops_by_day.setdefault(drop_day(r, report.run_date), []).append(r)
    rows = []
    for p in sorted(report.partners, key=lambda p: (p.day, p.page), reverse=True):
        same_day = drops_by_day.get(p.day, [])
        drops = ", ".join(f"{_e(r.keyword)} · {_e(engine_label(r.engine, r.device))} ({_e(move_label(r))})"
                          for r in same_day[:10])
        if len(same_day) > 10:
            drops += f" … +{len(same_day) - 10}"
        evidence = "".join(f"<li>{_e(x)}</li>" for x in p.evidence)
        failures = f"<br><small>{p.consecutive_failures} failures in a row</small>" if p.consecutive_failures > 1 else ""
        rows.append(
            f'<tr><td data-label="partner page">{_link(p.page)}'
            + (f'<br><small class="muted">→ {_e(p.target)}</small>' if p.target else "")
            + f'</td><td data-label="now"><span class="{"good" if p.statuses == ("ok",) else "bad"}">'
            f'{_statuses(p.statuses)}</span>{failures}</td>'
            f'<td data-label="before">{_statuses(p.previous) or "–"}</td>'
            f'<td class="nw" data-label="day">{p.day.isoformat()}</td>'
            f'<td data-label="evidence"><ul class="plain">{evidence}</ul></td>'
            f'<td data-label="rank drops">{drops or "<span class=muted>none</span>"}</td></tr>'
        )
    table = ('<table class="rows"><thead><tr><th>partner page</th><th>now</th><th>before</th><th>day</th>'
             f"<th>evidence</th><th>rank drops that day</th></tr></thead><tbody>{''.join(rows)}</tbody></table>")
    return _section("partners", f"Partners ({len(report.partners)})", table,
                    "Links lost, nofollowed, hidden or noindexed since the last report, beside the rank drops first "
                    "seen the same day.")


def _statuses(statuses: Sequence[str]) -> str:
    """Partner statuses as words, each kept on one line: 'link missing, nofollow' (HTML)."""
    return ", ".join(f'<span class="status">{_e(s.replace("_", " "))}</span>' for s in statuses)


def _suggestions(report: Report) -> str:
    if not report.suggestions:
        return _section("suggestions", "Suggestions", '<p class="muted">No suggestion in this report.</p>')
    items = []
    for s in sorted(report.suggestions, key=lambda s: -s.impact):
        where = " · ".join(_e(x) for x in (s.keyword, s.engine) if x)
        evidence = "".join(f"<li><b>{_e(evidence_key(k))}</b>: {_evidence_html(v)}</li>"
                           for k, v in s.evidence.items() if not is_empty(v))
        items.append(
            f'<li><p><span class="chip" title="{_e(s.kind)}">{_e(SUGGESTION_LABELS.get(s.kind, s.kind))}</span> {where} '
            f'<small class="muted">impact {s.impact:.2f}</small></p>'
            f"<p>{_e(s.message)}</p>" + (f"<p>{_link(s.url)}</p>" if s.url else "")
            + (f'<details><summary>evidence</summary><ul class="plain">{evidence}</ul></details>' if evidence else "")
            + "</li>"
        )
    return _section("suggestions", f"Suggestions ({len(report.suggestions)})",
                    f'<ol class="suggestions">{"".join(items)}</ol>',
                    "Ordered by expected impact; each with the data that produced it.")


def _evidence_html(v: object) -> str:
    """An evidence value: URLs as links, an object as 'key value' pairs, a list of objects as a list."""
    if isinstance(v, str) and safe_url(v) and "://" in v and " " not in v.strip():
        return _link(v)
    if isinstance(v, dict):
        return " · ".join(f"{_e(evidence_key(k))} {_evidence_html(x)}" for k, x in v.items() if not is_empty(x))
    if isinstance(v, (list, tuple)) and any(isinstance(x, (dict, list, tuple)) for x in v):
        return '<ul class="plain">' + "".join(f"<li>{_evidence_html(x)}</li>" for x in v) + "</ul>"
    if isinstance(v, (list, tuple)):
        return ", ".join(_evidence_html(x) for x in v) if v else "none"
    return _e(evidence_text(v))


def _all_rows(report: Report, max_rows: int) -> str:
    rows = report.rows[:max_rows]
    note = (f"Showing the first {len(rows):,} of {len(report.rows):,} rows; every row with news is listed above, "
            "and the CSV has every row." if len(report.rows) > len(rows) else "")
    return _section("all", f"All keywords ({len(report.rows):,})",
                    _rows_table(rows, ("keyword", "engine", "position", "news", "categories", "url", "trend"), report),
                    note)


# --- keyword tables ----------------------------------------------------------------------------------


def _rows_table(rows: Sequence[KeywordRow], cols: Sequence[str], report: Report) -> str:
    head = "".join(f'<th class="{COLUMNS[c][2]}">{COLUMNS[c][0]}</th>' for c in cols)
    body = []
    for r in rows:
        cells = []
        for c in cols:
            label, fn, cls = COLUMNS[c]
            cells.append(f'<td class="{cls}" data-label="{label}">{fn(r, report)}</td>')
        body.append(f"<tr>{''.join(cells)}</tr>")
    return f'<table class="rows"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'


def _c_keyword(r: KeywordRow, _: Report) -> str:
    extra = []
    if r.group:
        extra.append(_e(r.group))
    if r.volume:
        extra.append(f"vol {r.volume:,}")
    return f"<b>{_e(r.keyword)}</b>" + (f' <small class="muted">{" · ".join(extra)}</small>' if extra else "")


def _c_move(r: KeywordRow, _: Report) -> str:
    text = move_label(r)
    cls = "bad" if r.drop else "good" if r.change and r.change > 0 or NEW in r.categories else ""
    drop = ""
    if r.drop:
        drop = f' <span class="tag {"bad" if r.drop == CONFIRMED else "warn"}">{DROP_LABELS[r.drop]}</span>'
    return f'<span class="{cls}">{_e(text) or _e(short_position(r.today))}</span>{drop}'


def _c_news(r: KeywordRow, report: Report) -> str:
    """The change when there is one ('' for an unchanged row, so phones skip the line)."""
    return _c_move(r, report) if r.drop or move_label(r) not in ("", "=") else ""


def _c_categories(r: KeywordRow, _: Report) -> str:
    return " ".join(f'<span class="tag">{_e(c)}</span>' for c in category_labels(r.categories))


def _c_taken_by(r: KeywordRow, _: Report) -> str:
    t = r.taken_by
    if t is None:
        return ""
    who = _e(t.domain or t.url or "?")
    title = f'<br><small>{_e(t.title)}</small>' if t.title else ""
    url = safe_url(t.url)
    who = f'<a href="{_e(url)}" rel="noopener noreferrer nofollow">{who}</a>' if url else who
    return f"#{t.position} {who}{title}"


def _c_url(r: KeywordRow, _: Report) -> str:
    return _link(r.today.url) if r.today and r.today.url else ""


def _c_was_url(r: KeywordRow, _: Report) -> str:
    before = r.baseline or r.previous
    now = r.today.url if r.today else None
    was = before.url if before else None
    return (f'<span class="muted">was</span> {_link(was)}' if was else "") + (f"<br>now {_link(now)}" if now else "")


def _c_own_urls(r: KeywordRow, _: Report) -> str:
    return "<br>".join(_link(u) for u in r.own_urls)


def _c_reason(r: KeywordRow, _: Report) -> str:
    return _e(r.today.reason if r.today and r.today.reason else "unknown")


def _c_last_known(r: KeywordRow, _: Report) -> str:
    if r.previous is None:
        return '<span class="muted">never</span>'
    return f"{_e(position_label(r.previous))} <small class=\"muted\">on {r.previous.day.isoformat()}</small>"


COLUMNS: dict[str, tuple[str, Callable[[KeywordRow, Report], str], str]] = {
    "keyword": ("keyword", _c_keyword, "kw"),
    "engine": ("engine", lambda r, _: _e(engine_label(r.engine, r.device)), "nw"),
    "position": ("position", lambda r, _: _e(position_label(r.today)), "num"),
    "move": ("change", _c_move, "move"),
    "news": ("change", _c_news, "move"),
    "categories": ("what", _c_categories, ""),
    "since": ("since", lambda r, rep: drop_day(r, rep.run_date).isoformat(), "nw"),
    "taken_by": ("taken by", _c_taken_by, ""),
    "url": ("our URL", _c_url, ""),
    "was_url": ("URL", _c_was_url, ""),
    "own_urls": ("our pages", _c_own_urls, ""),
    "reason": ("reason", _c_reason, ""),
    "last_known": ("last known", _c_last_known, "nw"),
    "trend": ("28 days", lambda r, rep: sparkline_svg(r.history, rep.run_date), "spark"),
}


def _link(url: str | None, text: str | None = None) -> str:
    """A link when the URL is http(s), plain text otherwise; the shown text drops the scheme."""
    if not url:
        return ""
    shown = clean(text or url)
    if not text:
        shown = shown.split("://", 1)[-1]
    if len(shown) > 80:
        shown = shown[:52] + "…" + shown[-24:]
    safe = safe_url(url)
    if safe is None:
        return f'<span class="url">{_e(shown)}</span>'
    return f'<a class="url" href="{_e(safe)}" title="{_e(safe)}" rel="noopener noreferrer nofollow">{_e(shown)}</a>'


STYLE = """
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0;background:#f4f6f8;color:#1f2328;font:15px/1.55 -apple-system,BlinkMacSystemFont,"PingFang SC",
"Hiragino Sans GB","Microsoft YaHei","Noto Sans CJK SC","Source Han Sans SC","WenQuanYi Micro Hei",system-ui,sans-serif}
main{max-width:1120px;margin:0 auto;padding:10px}
header{padding:6px 4px}
h1{font-size:1.4rem;margin:.1em 0;overflow-wrap:anywhere}
h2{font-size:1.1rem;margin:0 0 .4em}
h3{font-size:1rem;margin:.2em 0}
p{margin:.3em 0}
section{background:#fff;border:1px solid #d8dee4;border-radius:8px;padding:12px 14px;margin:10px 0;overflow-wrap:break-word}
table.rows td{overflow-wrap:anywhere}
a{color:#0b57d0}
small{font-size:.82em}
.muted{color:#59636e}
.good{color:#1a7f37}
.bad{color:#c0262d}
.alert{background:#fff1e5;border-left:4px solid #e36209;padding:8px 10px;margin:0 0 8px}
.chips{display:flex;flex-wrap:wrap;gap:6px;margin-top:6px}
.chip{display:inline-block;border:1px solid #d8dee4;border-radius:999px;padding:1px 10px;color:#1f2328;
text-decoration:none;background:#fff;font-size:.9em;white-space:nowrap}
.chip.bad{border-color:#f0a5a8;background:#ffebe9}
.chip.warn{border-color:#f5c58a;background:#fff4e0}
.tag{display:inline-block;background:#eef1f4;border-radius:4px;padding:0 5px;margin:1px 0;font-size:.82em;white-space:nowrap}
.tag.bad{background:#ffebe9;color:#c0262d}
.tag.warn{background:#fff4e0;color:#9a5b00}
ul.inline{list-style:none;padding:0;margin:.3em 0;display:flex;flex-wrap:wrap;gap:4px 14px}
ul.plain{margin:0;padding-left:1.1em}
ol.mini{margin:0;padding-left:1.4em}
ol.suggestions{padding-left:1.3em}
ol.suggestions>li{margin-bottom:.7em}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:8px;margin-bottom:10px}
.card{border:1px solid #d8dee4;border-radius:8px;padding:8px 10px;display:flex;flex-direction:column}
.card b{font-size:1.45rem;line-height:1.3;font-variant-numeric:tabular-nums}
.split{display:grid;grid-template-columns:repeat(auto-fit,minmax(320px,1fr));gap:10px 28px;align-items:start}
.two{display:grid;grid-template-columns:repeat(auto-fit,minmax(260px,1fr));gap:4px 20px}
.scroll{overflow-x:auto}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;vertical-align:top;padding:5px 7px;border-bottom:1px solid #eaeef2}
th{font-size:.85em;color:#59636e;font-weight:600}
th.num{text-align:right}
th.nw{white-space:nowrap}
table.rows th{white-space:nowrap}
td.num,.compare td{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.compare th small{font-weight:400}
.url{font-size:.85em;word-break:break-all}
td.nw,td.move>span:first-child,.status{white-space:nowrap}
table.compare{width:100%}
.compare th,.compare td{padding-left:14px}
td.spark{width:112px}
svg.spark{display:block;overflow:visible}
svg.spark .axis{stroke:#d8dee4;stroke-width:1;stroke-dasharray:2 2}
svg.spark .rank{fill:none;stroke:#0b57d0;stroke-width:1.6;stroke-linejoin:round;stroke-linecap:round}
svg.spark .rank-dot{fill:#0b57d0}
svg.spark .last{fill:#0b57d0;stroke:#fff;stroke-width:1}
svg.spark .nr{fill:#c0262d}
svg.trend{display:block;width:100%;max-width:580px;height:auto}
svg.trend .grid{stroke:#e3e8ee;stroke-width:1}
svg.trend .ylab{font-size:12px;fill:#59636e;text-anchor:end}
svg.trend .xlab{font-size:12px;fill:#59636e}
svg.trend .line{fill:none;stroke:#0b57d0;stroke-width:2.5;stroke-linejoin:round;stroke-linecap:round}
svg.trend .area{fill:#0b57d0;fill-opacity:.08;stroke:none}
svg.trend .dot{fill:#0b57d0}
svg.trend .blind{fill:#e36209}
.bar{display:inline-block;width:90px;height:9px;background:#eef1f4;border-radius:5px;vertical-align:middle;overflow:hidden}
.bar i{display:block;height:100%;background:#0b57d0}
details summary{cursor:pointer;color:#59636e;font-size:.9em}
footer{color:#59636e;font-size:.85em;padding:8px 4px 24px}
@media (max-width:700px){
main{padding:6px}
.compare th,.compare td{padding-left:8px}
section{padding:10px;margin:8px 0}
table.rows thead{display:none}
table.rows,table.rows tbody,table.rows tr,table.rows td{display:block;width:auto}
table.rows tr{border-bottom:1px solid #d8dee4;padding:6px 0}
table.rows td{border:0;padding:1px 0 1px 7.2em;position:relative;min-height:1.4em;text-align:left}
table.rows td::before{content:attr(data-label);position:absolute;left:0;width:6.8em;color:#59636e;font-size:.8em;
line-height:1.9;overflow:hidden;white-space:nowrap;text-overflow:ellipsis;text-align:left}
table.rows td.kw{padding-left:0;font-size:1.02em}
table.rows td.kw::before{content:none}
table.rows td:empty{display:none}
td.spark{width:auto}
}
"""


# The uniform entry point: every render_* module has render(report) -> str.
render = render_html
