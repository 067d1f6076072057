"""The alert digest as words: subject, plain-text part and short chat text (pure; HTML is alert_html.py).

The subject says the most important thing first: a blocked crawl, then confirmed drops on an engine
with the worst example (`整合营销 3→12`), then landing-page swaps, then partner links. Nothing here
escapes for email headers: `email.message.EmailMessage` encodes a non-ASCII subject as RFC 2047.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from seowatch.reports.alerts import (
    COVERAGE,
    PARTNER_LOST,
    PARTNER_NOFOLLOW,
    URL_CHANGED_RULE,
    Alert,
    Coverage,
    rows_of,
)
from seowatch.reports.labels import clean, safe_url, taken_by_label
from seowatch.reports.model import KeywordRow, PartnerChange, Report

SUBJECT_PREFIX = "[seowatch]"
SUBJECT_MAX = 120  # characters; secondary news is dropped past this
CHAT_ITEMS = 8
SUGGESTIONS = 3

ENGINE_NAMES = {
    "baidu": "Baidu", "baidu_mobile": "Baidu mobile", "bing": "Bing", "google": "Google", "sogou": "Sogou",
    "so360": "360", "duckduckgo": "DuckDuckGo", "yandex": "Yandex", "serpapi": "Google (SerpApi)",
}
RULE_TAGS = {
    "confirmed_drop": "dropped", "out_of_top3": "out of top 3", "out_of_top10": "out of top 10",
    "out_of_page1": "off page 1", "lost": "lost", URL_CHANGED_RULE: "landing page changed",
}
PARTNER_STATUS_WORDS = {
    "link_missing": "link missing", "nofollow": "nofollow", "hidden": "link hidden", "noindex": "page noindexed",
    "robots_blocked": "page blocked by robots.txt", "canonical_elsewhere": "canonical points elsewhere",
    "http_error": "HTTP error", "unreachable": "unreachable", "anchor_changed": "anchor changed",
    "wrong_target": "links to another page",
}


@dataclass(frozen=True)
class Digest:
    """Everything a channel sends: no secrets, safe to store in the outbox."""

    subject: str
    text: str
    html: str
    chat: str


def engine_name(engine: str, device: str = "desktop") -> str:
    name = ENGINE_NAMES.get(engine, engine)
    return name if device == "desktop" or engine == "baidu_mobile" else f"{name} ({device})"


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n} {word if n == 1 else plural or word + 's'}"


def _clip(text: str, n: int = 24) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def _join(names: Sequence[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def drop_tags(rules: Sequence[str]) -> str:
    """'lost, out of top 10, off page 1': what else a confirmed drop is, the gravest first."""
    order = ["lost", "out_of_top3", "out_of_top10", "out_of_page1"]
    return ", ".join(RULE_TAGS[r] for r in sorted(rules, key=lambda r: order.index(r) if r in order else 9)
                     if r in order)


def arrow(row: KeywordRow) -> str:
    """'3→12', '8→>50' (not within the depth scanned)."""
    before = row.baseline.position if row.baseline and row.baseline.position else "?"
    now = row.today
    after = now.position if now and now.status == "ranked" else f">{now.depth_scanned}" if now and now.depth_scanned else "?"
    return f"{before}→{after}"


def move(row: KeywordRow) -> str:
    """'3 → 12 (▼9)' or 'lost: 8 → not in the top 50'."""
    before = row.baseline.position if row.baseline else None
    now = row.today
    if now is not None and now.status == "ranked" and before:
        return f"{before} → {now.position} (▼{now.position - before})"
    depth = now.depth_scanned if now else 0
    return f"{before or '?'} → not in the top {depth}" if depth else f"{before or '?'} → not ranked"


def host_path(url: str) -> str:
    """A partner page as people say it: host and path, without the scheme."""
    return clean(url).split("://", 1)[-1]


def report_link(template: str | None, site: str, domain: str, day: date) -> str | None:
    return template.format(site=site, domain=domain, date=day.isoformat()) if template else None


# ---- the parts of a digest, shared by the text, HTML and chat renders ----

@dataclass(frozen=True)
class Parts:
    coverage: Coverage | None
    drops: list[tuple[KeywordRow, list[str]]]  # confirmed drops, worst first, with the rules they meet
    swaps: list[KeywordRow]  # landing page changed (without a drop)
    lost: list[PartnerChange]
    nofollow: list[PartnerChange]


def parts_of(alerts: Sequence[Alert]) -> Parts:
    grouped = rows_of(alerts)
    drops = [(r, rules) for r, rules in grouped if any(x != URL_CHANGED_RULE for x in rules)]
    swaps = [r for r, rules in grouped if rules == [URL_CHANGED_RULE]]
    cov = next((a.coverage for a in alerts if a.rule == COVERAGE), None)
    return Parts(
        cov, drops, swaps,
        [a.partner for a in alerts if a.rule == PARTNER_LOST],
        [a.partner for a in alerts if a.rule == PARTNER_NOFOLLOW],
    )


def _engines_of(rows: Sequence[KeywordRow]) -> list[str]:
    seen: dict[str, int] = {}
    for r in rows:
        name = engine_name(r.engine, r.device)
        seen[name] = seen.get(name, 0) + 1
    return sorted(seen, key=lambda n: -seen[n])


def coverage_headline(c: Coverage) -> str:
    if not c.blocked:
        if c.checked == 0:
            return f"no rank checks ({c.tracked} expected): the crawl did not run"
        return f"only {c.checked} of {c.tracked} rank checks made"
    blocked = [engine_name(e) for e, unknown, _ in c.engines if unknown]
    where = f" on {_join(blocked)}" if len(blocked) <= 2 else f" on {len(blocked)} engines"
    why = f" ({c.reasons[0][0]})" if c.reasons else ""
    return f"crawler blocked{where}, {c.unknown}/{c.tracked} checks unknown{why}"


def headlines(p: Parts) -> list[tuple[str, str]]:
    """(long, short) phrases, most important first."""
    out = []
    if p.coverage:
        out.append((coverage_headline(p.coverage), "crawl blocked" if p.coverage.blocked else "crawl incomplete"))
    if p.drops:
        rows = [r for r, _ in p.drops]
        engines = _engines_of(rows)
        on = f" on {_join(engines)}" if len(engines) <= 2 else f" on {len(engines)} engines"
        worst = rows[0]
        short = _plural(len(rows), "drop") + on
        example = f"{_clip(clean(worst.keyword))} {arrow(worst)}" + (f" on {engine_name(worst.engine, worst.device)}"
                                                              if len(engines) > 1 else "")
        out.append((f"{short} ({example})", short))
    if p.swaps:
        short = _plural(len(p.swaps), "landing page") + " changed"
        out.append((f"{short} ({_clip(clean(p.swaps[0].keyword))})", short))
    if p.lost:
        short = _plural(len(p.lost), "partner link") + " lost"
        out.append((f"{short} ({_clip(host_path(p.lost[0].page), 48)})", short))
    if p.nofollow:
        short = _plural(len(p.nofollow), "partner link") + " now nofollow"
        out.append((f"{short} ({_clip(host_path(p.nofollow[0].page), 48)})", short))
    return out


def subject(report: Report, alerts: Sequence[Alert]) -> str:
    heads = headlines(parts_of(alerts))
    text = f"{SUBJECT_PREFIX} {clean(report.site)}: {heads[0][0] if heads else 'no news'}"
    for _, short in heads[1:]:
        if len(text) + len(short) + 2 > SUBJECT_MAX:
            break
        text += f"; {short}"
    return text


# ---- sentences ----

def coverage_sentences(c: Coverage, site: str, day: date) -> list[str]:
    pct = f"{c.share:.0%}"
    if c.blocked:
        reasons = ", ".join(f"{n} {r}" for r, n in c.reasons)
        lines = [f"{c.unknown} of {c.tracked} rank checks came back unknown ({reasons}); "
                 f"only {c.checked} got through ({pct}, the floor is {c.floor:.0%})."]
        engines = ", ".join(f"{engine_name(e)} {u}/{n}" for e, u, n in c.engines if u)
        lines.append(f"Unknown by engine: {engines}." + (f" {c.not_checked} more were not checked." if c.not_checked else ""))
    else:
        lines = [f"Only {c.checked} of {c.tracked} rank checks were made for {day.isoformat()} ({pct}, the floor is "
                 f"{c.floor:.0%}): the crawl did not run, or stopped early. See the crawl log."]
    held = (f" {_plural(c.held_back, 'keyword')} with a confirmed drop among the checks that got through "
            f"{'is' if c.held_back == 1 else 'are'} in the full report." if c.held_back else "")
    lines.append(f"Rank alerts for {day.isoformat()} are held back: with this many checks missing, the rest "
                 f"cannot be trusted either.{held}")
    lines.append(f"What to do: re-run the crawl today (seowatch crawl --site {site}), slower (politeness.delay) or "
                 f"through a proxy (politeness.proxies); if coverage recovers, seowatch alerts send --site {site} "
                 "sends the held-back alerts.")
    return lines


def drop_details(row: KeywordRow, run_date: date) -> list[str]:
    """The facts under a drop: since when, who is at our old place, which page of ours."""
    out = []
    if row.since and row.since != run_date:
        out.append(f"first seen {row.since.isoformat()}")
    if row.taken_by is not None and row.baseline and row.baseline.position:
        out.append(f"now at {row.baseline.position}: {taken_by_label(row.taken_by)}")
    old = row.baseline.url if row.baseline else None
    new = row.today.url if row.today else None
    if new and old and clean(new) != clean(old):
        out.append(f"our page is now {clean(new)} (was {clean(old)})")
    elif new:
        out.append(f"our page: {clean(new)}")
    elif old:
        out.append(f"our page was: {clean(old)}")
    return out


def partner_line(change: PartnerChange) -> str:
    words = [PARTNER_STATUS_WORDS.get(s, s) for s in change.statuses]
    return f"{clean(change.page)}: {', '.join(words)}"


def partner_details(change: PartnerChange) -> list[str]:
    out = [clean(e) for e in change.evidence[:3] if clean(e)]
    if change.target:
        out.append(f"agreed target: {clean(change.target)}")
    if change.consecutive_failures > 1:
        out.append(f"failing for {change.consecutive_failures} checks in a row")
    return out


def summary_line(report: Report) -> str:
    m = report.metrics
    bits = [m.coverage_line]
    prev = report.compare.get("previous")
    vis = f"visibility {m.visibility:.1f}"
    if prev is not None:
        d = m.visibility - prev.visibility
        vis += f" ({'+' if d >= 0 else '−'}{abs(d):.1f} vs previous check)"
    bits.append(vis)
    bits.append(f"top 3: {m.top3}, top 10: {m.top10}")
    if m.average_position is not None:
        bits.append(f"average position {m.average_position:.1f}")
    return "; ".join(bits)


def top_suggestions(report: Report) -> list[str]:
    out = []
    for s in sorted(report.suggestions, key=lambda s: -s.impact)[:SUGGESTIONS]:
        where = " · ".join(x for x in (clean(s.keyword), engine_name(s.engine) if s.engine else "") if x)
        out.append(clean(s.message) + (f" ({where})" if where else ""))
    return out


def full_report_line(link: str | None, attachment: str | None, site: str, day: date) -> str:
    if link and safe_url(link):
        return f"Full report: {safe_url(link)}"
    if attachment:
        return f"Full report: attached ({attachment})"
    return f"Full report: seowatch report --site {site} --date {day.isoformat()}"


# ---- the plain-text part ----

def _section(title: str, lines: list[str]) -> list[str]:
    return ["", title.upper(), *lines]


def render_text(report: Report, alerts: Sequence[Alert], *, site: str, link: str | None = None,
                attachment: str | None = None) -> str:
    p = parts_of(alerts)
    day = report.run_date
    title = f"{clean(report.site)} — seowatch alerts for {day.isoformat()}"
    out = [title, "=" * len(title), ""]
    heads = [h for h, _ in headlines(p)]
    out.append((heads[0][0].upper() + heads[0][1:] + ("; " + "; ".join(heads[1:]) if heads[1:] else "") + ".") if heads
               else "Nothing new.")
    if p.coverage:
        out += _section("Crawl blocked" if p.coverage.blocked else "Crawl incomplete",
                        coverage_sentences(p.coverage, site, day))
    if p.drops:
        lines = []
        for row, rules in p.drops:
            tags = drop_tags(rules)
            lines.append(f"- {clean(row.keyword)} [{engine_name(row.engine, row.device)}]: {move(row)}"
                         + (f" — {tags}" if tags else ""))
            lines += [f"    {d}" for d in drop_details(row, day)]
        out += _section(f"Confirmed drops ({len(p.drops)})", lines)
    if p.swaps:
        lines = []
        for row in p.swaps:
            pos = row.today.position if row.today else "?"
            lines.append(f"- {clean(row.keyword)} [{engine_name(row.engine, row.device)}]: position {pos}, "
                         f"now {clean(row.today.url if row.today else '')} (was {clean(row.baseline.url if row.baseline else '')})")
        out += _section(f"Landing page changed ({len(p.swaps)})", lines)
    if p.lost or p.nofollow:
        lines = []
        for change in p.lost + p.nofollow:
            lines.append(f"- {partner_line(change)}")
            lines += [f"    {d}" for d in partner_details(change)]
        out += _section(f"Partner links ({len(p.lost) + len(p.nofollow)})", lines)
    if report.watching and not p.coverage:
        out += ["", f"Also watching {_plural(len(report.watching), 'drop')} seen once: not alerted unless the next "
                    "check confirms it."]
    out += _section("Today's numbers", [summary_line(report)])
    tips = top_suggestions(report)
    if tips:
        out += _section("Top suggestions", [f"{i}. {t}" for i, t in enumerate(tips, 1)])
    out += ["", full_report_line(link, attachment, site, day), "", "-- ",
            "seowatch sends one alert per keyword, rule and day; see them with: seowatch alerts list"]
    return "\n".join(out) + "\n"


# ---- the chat text ----

def render_chat(report: Report, alerts: Sequence[Alert], *, site: str, link: str | None = None) -> str:
    """A short message for DingTalk, WeCom, Feishu, Slack or Telegram, sent with the subject as its title:
    the day, a few lines, the link."""
    p = parts_of(alerts)
    day = report.run_date
    heads = [h for h, _ in headlines(p)]
    out = [f"{clean(report.site)}, checks of {day.isoformat()}: " + "; ".join(heads)]
    items: list[str] = []
    if p.coverage:
        items.append(f"• rank alerts held back until coverage recovers ({p.coverage.checked}/{p.coverage.tracked} checked)")
    for row, _ in p.drops:
        took = f", {clean(row.taken_by.domain)} took #{row.baseline.position}" if (
            row.taken_by and row.taken_by.domain and row.baseline and row.baseline.position) else ""
        items.append(f"• {clean(row.keyword)} {engine_name(row.engine, row.device)} {arrow(row)}{took}")
    for row in p.swaps:
        items.append(f"• {clean(row.keyword)} {engine_name(row.engine, row.device)}: landing page changed")
    for change in p.lost + p.nofollow:
        items.append(f"• partner {host_path(change.page)}: "
                     + ", ".join(PARTNER_STATUS_WORDS.get(s, s) for s in change.statuses))
    if len(items) > CHAT_ITEMS:
        items = items[:CHAT_ITEMS - 1] + [f"• … and {len(items) - CHAT_ITEMS + 1} more"]
    out += items
    out.append(full_report_line(link, None, site, day))
    return "\n".join(out)

