"""The report as Markdown, most important first: the email digest body, and `summary` for the terminal.

Order: coverage problems (a blocked crawler says so before anything else), confirmed drops with
old -> new positions and who took our place, watching, gains, landing pages, partners, suggestions,
then the site numbers. Crawled strings are escaped with `md`: Markdown punctuation gets a
backslash and `<` becomes `&lt;`, so neither CommonMark nor Python-Markdown turns a hostile title
into HTML.
"""

from __future__ import annotations

import re

from seowatch.reports.labels import (
    CATEGORY_LABELS,
    COMPARE_LABELS,
    SUMMARY_METRICS,
    category_counts,
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
    short_day,
    signed,
    taken_by_label,
)
from seowatch.reports.model import CANNIBALIZED, IMPROVED, NEW, URL_CHANGED, KeywordRow, Report

DIGEST_LIMIT = 50  # rows per section in the digest; the HTML and CSV have every row
EVIDENCE_CHARS = 240  # per evidence field in the digest; the HTML and JSON have all of it
_MD_SPECIAL = re.compile(r"([\\`*_\[\]#|~])")
_LIST_START = re.compile(r"^([-+>]|\d+(?=[.)]))")


def md(text: object) -> str:
    """A crawled or stored string made inert in Markdown: one line, punctuation escaped, no raw HTML."""
    text = _MD_SPECIAL.sub(r"\\\1", clean(text)).replace("<", "&lt;")
    return _LIST_START.sub(lambda m: m.group(1) + "\\" if m.group(1)[0].isdigit() else "\\" + m.group(1), text)


def render_markdown(report: Report, *, limit: int = DIGEST_LIMIT) -> str:
    """The whole digest: every section with news, each capped at `limit` rows."""
    out = [f"# {md(report.site)} — SEO report {report.run_date.isoformat()}", ""]
    out += _coverage(report)
    out += _rows_section("Confirmed drops", report.confirmed_drops, limit, _drop_line(report))
    out += _rows_section("Watching", report.watching, limit, _drop_line(report),
                         note="Seen once: listed, not alerted, until the next check confirms or clears it.")
    out += _rows_section("Gains", _gains(report), limit, _gain_line)
    out += _rows_section("Landing pages", _landing(report), limit, _landing_line)
    out += _partners(report, limit)
    out += _suggestions(report, limit)
    out += _numbers(report)
    out += _share_of_voice(report)
    generated = report.generated_at.strftime("%Y-%m-%d %H:%M %Z").strip()
    out += [f"_Data up to {report.run_date.isoformat()}; generated {generated}._", ""]
    return "\n".join(out)


def summary(report: Report, limit: int = 5) -> str:
    """A short terminal summary: coverage, the counts, and the first `limit` rows of each kind of news."""
    m = report.metrics
    prev = report.compare.get("previous")
    vis, old = metric(m, "visibility"), metric(prev, "visibility")
    vis_text = f"visibility {number(vis, 2)}"
    if vis is not None and old is not None:
        vis_text += f" ({signed(vis - old, 2)})"
    avg = f"average position {number(metric(m, 'average_position'))}"
    top10 = number(metric(m, "top10"))
    out = [f"{md(report.site)} — {report.run_date.isoformat()}: {vis_text}, {avg}, top 10: {top10}", ""]
    out += _coverage(report)
    counts = category_counts(report)
    if counts:
        out += ["Changes: " + ", ".join(f"{CATEGORY_LABELS.get(c, c)} {n}" for c, n in counts.items()), ""]
    out += _rows_section("Confirmed drops", report.confirmed_drops, limit, _drop_line(report), level="**")
    out += _rows_section("Watching", report.watching, limit, _drop_line(report), level="**")
    out += _rows_section("Gains", _gains(report), limit, _gain_line, level="**")
    if report.partners:
        worse = [p for p in report.partners if p.statuses != ("ok",)]
        line = f"**Partners:** {len(worse)} link(s) changed for the worse"
        if worse:
            line += f" ({md(_statuses(sorted({s for p in worse for s in p.statuses})))})"
        back = len(report.partners) - len(worse)
        out += [line + (f", {back} recovered" if back else ""), ""]
    if report.suggestions:
        out += _suggestions(report, min(limit, 3), level="**", evidence=False)
    return "\n".join(out).rstrip() + "\n"


# --- sections ----------------------------------------------------------------------------------------


def _coverage(report: Report) -> list[str]:
    out = [f"> **Warning:** {md(n)}" for n in report.notes]
    if out:
        out.append("")
    out += [f"**Coverage:** {md(report.metrics.coverage_line)}", ""]
    return out


def _rows_section(title: str, rows: list[KeywordRow], limit: int, line, *, level: str = "##",
                  note: str = "") -> list[str]:
    if not rows:
        return []
    head = f"## {title} ({len(rows)})" if level == "##" else f"**{title} ({len(rows)}):**"
    out = [head, ""] + ([f"_{note}_", ""] if note else []) + [f"- {line(r)}" for r in rows[:limit]]
    if len(rows) > limit:
        out.append(f"- … and {len(rows) - limit} more (see the HTML or CSV report)")
    return out + [""]


def _kw(r: KeywordRow) -> str:
    return f"**{md(r.keyword)}** · {engine_label(r.engine, r.device)}"  # engine names are a fixed set


def _drop_line(report: Report):
    def line(r: KeywordRow) -> str:
        text = f"{_kw(r)}: {md(move_label(r))}"
        if r.since:
            text += f", since {r.since.isoformat()}"
        elif r.drop:
            text += f", first seen {drop_day(r, report.run_date).isoformat()}"
        if r.taken_by:
            text += f"; taken by {md(taken_by_label(r.taken_by))}"
        return text

    return line


def _gains(report: Report) -> list[KeywordRow]:
    rows = [r for r in report.rows if IMPROVED in r.categories or NEW in r.categories]
    return sorted(rows, key=lambda r: -(r.change or 0))


def _gain_line(r: KeywordRow) -> str:
    return f"{_kw(r)}: {md(move_label(r))}"


def _landing(report: Report) -> list[KeywordRow]:
    return [r for r in report.rows if URL_CHANGED in r.categories or CANNIBALIZED in r.categories]


def _landing_line(r: KeywordRow) -> str:
    before = r.baseline or r.previous
    parts = [f"{_kw(r)} at {md(position_label(r.today))}"]
    if URL_CHANGED in r.categories and before and before.url and r.today and r.today.url:
        parts.append(f"URL changed from {md(before.url)} to {md(r.today.url)}")
    if CANNIBALIZED in r.categories:
        parts.append("cannibalized: " + ", ".join(md(u) for u in r.own_urls))
    return "; ".join(parts)


def _partners(report: Report, limit: int) -> list[str]:
    if not report.partners:
        return []
    drops: dict = {}
    for r in report.rows:
        if r.drop:
            drops.setdefault(drop_day(r, report.run_date), []).append(r)
    out = [f"## Partners ({len(report.partners)})", ""]
    for p in sorted(report.partners, key=lambda p: (p.day, p.page), reverse=True)[:limit]:
        was = md(_statuses(p.previous)) or "not checked before"
        line = f"- {md(p.page)}: **{md(_statuses(p.statuses))}** (was {was}) on {p.day.isoformat()}"
        if p.evidence:
            line += f" — {md(p.evidence[0])}"
        same = drops.get(p.day, [])
        if same:
            line += "; rank drops that day: " + ", ".join(
                f"{md(r.keyword)} · {engine_label(r.engine, r.device)} ({md(move_label(r))})" for r in same[:5])
        out.append(line)
    if len(report.partners) > limit:
        out.append(f"- … and {len(report.partners) - limit} more")
    return out + [""]


def _statuses(statuses) -> str:
    """Partner statuses as words: 'link missing, nofollow'."""
    return ", ".join(s.replace("_", " ") for s in statuses)


def _suggestions(report: Report, limit: int, *, level: str = "##", evidence: bool = True) -> list[str]:
    if not report.suggestions:
        return []
    items = sorted(report.suggestions, key=lambda s: -s.impact)
    out = [f"## Suggestions ({len(items)})" if level == "##" else f"**Top suggestions ({len(items)}):**", ""]
    for i, s in enumerate(items[:limit], 1):
        where = " · ".join(md(x) for x in (s.keyword, s.engine) if x)
        out.append(f"{i}. {md(s.message)}" + (f" ({where})" if where else ""))
        if evidence and s.evidence:
            items = [(k, v) for k, v in s.evidence.items() if not is_empty(v)]
            out.append("   - evidence: " + "; ".join(
                f"{md(evidence_key(k))}: {md(evidence_text(v, EVIDENCE_CHARS))}" for k, v in items))
    return out + [""]


def _numbers(report: Report) -> list[str]:
    m = report.metrics
    cols = [(k, c) for k, c in report.compare.items()]
    titles = [f"vs {COMPARE_LABELS[k]}" + (f" ({short_day(c.day)})" if c else "") for k, c in cols]
    head = "| | today | " + " | ".join(titles) + " |"
    out = ["## Site numbers", "", head, "|---|---:|" + "---:|" * len(cols)]
    for label, attr, digits, _ in SUMMARY_METRICS:
        today = metric(m, attr)
        cells = []
        for _, c in cols:
            old = metric(c, attr)
            cells.append(signed(today - old, digits) if today is not None and old is not None else "–")
        out.append(f"| {label} | {number(today, digits)} | " + " | ".join(cells) + " |")
    return out + [""]


def _share_of_voice(report: Report) -> list[str]:
    if not report.share_of_voice:
        return []
    out = ["## Share of voice", ""]
    for comp, v in sorted(report.share_of_voice.items(), key=lambda x: -x[1].get("theirs", 0)):
        out.append(f"- {md(comp)}: theirs {number(v.get('theirs'), 2)}, ours {number(v.get('ours'), 2)}, "
                   f"our share {number(v.get('share'))}%")
    return out + [""]


# The uniform entry point: every render_* module has render(report) -> str.
render = render_markdown
