"""`seowatch partners check|list|inspect` and `seowatch export partners`: link-exchange (友情链接) checks."""

from __future__ import annotations

import csv
import json
import sys
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from seowatch.cli import EXIT_CONFIG, EXIT_FAILED, App, echo_json, fail, parse_day, pass_app
from seowatch.cli.crawl import export, selected_sites
from seowatch.config import ConfigError, SiteConfig, site_partners
from seowatch.crawlers.partnerhistory import STATE_LOST, STATE_OK, STATE_PENDING, ordinal
from seowatch.crawlers.partnerstatus import CANONICAL_ELSEWHERE, OK, STATUSES, page_findings
from seowatch.store.database import session_scope
from seowatch.store.models import Partner, PartnerCheck
from seowatch.store.partners import latest_checks, partner_history, sync_partners
from seowatch.store.partners import site_partners as stored_partners
from seowatch.store.ranks import ensure_site, site_by_domain

STATUS_STYLE = {OK: "green", "anchor_changed": "yellow", "wrong_target": "yellow", "canonical_elsewhere": "yellow"}
STATE_STYLE = {STATE_OK: "green", STATE_PENDING: "yellow", STATE_LOST: "red"}
TRANSIENT_STATUSES = ("unreachable", "http_error")


@click.group()
def partners() -> None:
    """Link-exchange (友情链接) partners: does each partner still link to us, followed, visible and indexable?"""


# --- partners check ------------------------------------------------------------------------------


def sync_site_partners(app: App, site_cfg: SiteConfig) -> list[Partner]:
    """Store the site's partners as configured (inline and from partners_file); the active ones."""
    try:
        specs = site_partners(app.config, site_cfg)
    except ConfigError as exc:
        fail(str(exc), EXIT_CONFIG)
    with session_scope(app.engine) as session:
        site = ensure_site(session, site_cfg.domain, site_cfg.name)
        synced = sync_partners(session, site, specs)
    for page in synced.duplicates:
        click.echo(f"note: partner page {page} is listed twice for {site_cfg.label}; the first entry is used", err=True)
    return synced.partners


def build_partner_jobs(site_cfg: SiteConfig, rows: list[Partner], day: date) -> list[dict[str, Any]]:
    return [
        {
            "partner_id": p.id, "page": p.page, "target": p.target, "anchor": p.anchor, "our_page": p.our_page,
            "domain": site_cfg.domain, "match": site_cfg.match, "day": day.isoformat(),
        }
        for p in rows
    ]


@dataclass
class PartnerRun:
    total: int
    events: list[dict[str, Any]] = field(default_factory=list)
    exit_code: int = 0


def run_partner_crawl(app: App, jobs: list[dict[str, Any]], *, fast: bool, show_progress: bool) -> PartnerRun:
    """Run the partner spider in a child process, with a progress bar on the terminal."""
    from urllib.parse import urlsplit

    from seowatch.cli.childcrawl import run_spider

    run = PartnerRun(len(jobs))

    def on_partner(event: dict[str, Any]) -> str:
        run.events.append(event)
        failing = sum(1 for e in run.events if e.get("status") != OK)
        return f"{failing} not ok" if failing else ""

    hosts = {urlsplit(j["page"]).hostname or "" for j in jobs} - {""}
    run.exit_code = run_spider(
        app, "partners", hosts, {"jobs": jobs, "failures_before_lost": app.config.partners.failures_before_lost},
        fast=fast, total=len(jobs), item_event="partner", on_item=on_partner, show_progress=show_progress,
        label="partner check",
    )
    return run


def summary_line(rows: list[dict[str, Any]]) -> str:
    """'24 partners: 21 ok, 2 nofollow, 1 unreachable (2nd failure)'."""
    checked = [r for r in rows if r["status"]]
    counts = Counter(r["status"] for r in checked)
    order = sorted(counts, key=lambda s: (s != OK, -counts[s], STATUSES.index(s) if s in STATUSES else 99))
    parts = []
    for status in order:
        text = f"{counts[status]} {status}"
        if status in TRANSIENT_STATUSES:
            nth = Counter(r["consecutive_failures"] for r in checked if r["status"] == status and r["transient"])
            if nth:
                text += " (" + ", ".join(
                    f"{ordinal(n)} failure" + (f" ×{k}" if k > 1 else "") for n, k in sorted(nth.items())
                ) + ")"
        parts.append(text)
    line = f"{len(rows)} partner{'s' if len(rows) != 1 else ''}: " + (", ".join(parts) if parts else "none checked yet")
    unchecked = len(rows) - len(checked)
    if unchecked and checked:
        line += f", {unchecked} not checked"
    return line


def _local(value: datetime | None, app: App) -> str | None:
    return value.astimezone(app.tz).strftime("%Y-%m-%d %H:%M") if value else None


def partner_rows(app: App, site_cfg: SiteConfig, *, history: bool = False) -> list[dict[str, Any]]:
    """One row per active partner with its standing and latest check (or one per check with history)."""
    with session_scope(app.engine) as session:
        site = site_by_domain(session, site_cfg.domain)
        if site is None:
            return []
        rows_ = stored_partners(session, site.id)
        if history:
            pairs = [(p, c) for p in rows_ for c in reversed(partner_history(session, p.id))]
        else:
            latest = latest_checks(session, [p.id for p in rows_])
            pairs = [(p, latest.get(p.id)) for p in rows_]
        return [_row(app, site.domain, p, c, history) for p, c in pairs]


def _row(app: App, domain: str, p: Partner, c: PartnerCheck | None, history: bool) -> dict[str, Any]:
    link = (c.link or {}) if c else {}
    return {
        "site": domain, "page": p.page, "target": p.target, "anchor": p.anchor, "our_page": p.our_page,
        "note": p.note, "contact": p.contact,
        "state": (c.state if history else p.state) if c else None,
        "status": c.status if c else None, "statuses": list(c.statuses) if c else [],
        "evidence": list(c.evidence) if c else [],
        "consecutive_failures": (c.consecutive_failures if history else p.consecutive_failures) if c else 0,
        "transient": c.transient if c else False,
        "change": c.event if c else None,
        "first_seen": _local(p.first_seen, app), "last_seen_ok": _local(p.last_seen_ok, app),
        "checked_at": _local(c.checked_at, app) if c else None, "day": c.day.isoformat() if c else None,
        "http_status": c.http_status if c else None, "final_url": c.final_url if c else None,
        "redirects": list(c.redirects) if c else [], "response_ms": c.response_ms if c else None,
        "failure": c.failure if c else None, "link_url": link.get("url"), "link_anchor": link.get("anchor"),
        "link_rel": link.get("rel") or [], "link_hidden": link.get("hidden"), "found_on": c.found_on if c else None,
        "home_page": link.get("home_page"), "outbound_links": c.outbound_links if c else None,
        "reciprocal": c.reciprocal if c else None, "reciprocal_detail": c.reciprocal_detail if c else None,
        "notes": list(c.notes) if c else [],
    }


def _status_text(row: dict[str, Any]) -> str:
    if not row["status"]:
        return "[dim]not checked[/]"
    out = []
    for s in row["statuses"]:
        style = STATUS_STYLE.get(s, "red")
        out.append(f"[{style}]{s}[/]")
    text = ", ".join(out)
    if row["transient"] and row["consecutive_failures"]:
        text += f" ({ordinal(row['consecutive_failures'])} failure)"
    return text


def _evidence_text(row: dict[str, Any]) -> str:
    lines = []
    for i, ev in enumerate(row["evidence"][:3]):
        line = escape(ev["text"])
        if ev.get("snippet") and i == 0:
            snippet = ev["snippet"] if len(ev["snippet"]) <= 120 else ev["snippet"][:117] + "..."
            line += f"\n[dim]{escape(snippet)}[/]"
        lines.append(line)
    if row["reciprocal"] is False:
        lines.append(f"[yellow]{escape(row['reciprocal_detail'] or 'our page no longer links back')}[/]")
    for note in row["notes"][:1]:
        lines.append(f"[dim]{escape(note)}[/]")
    return "\n".join(lines)


def _state_text(row: dict[str, Any]) -> str:
    state = row["state"]
    if not state:
        return ""
    text = f"[{STATE_STYLE.get(state, '')}]{state}[/]"
    if row["change"] == "lost":
        text += " [bold](new)[/]"
    elif row["change"]:
        text += f" [bold]({row['change']})[/]"
    return text


def _short(url: str) -> str:
    return url.split("://", 1)[-1]


def print_partner_table(rows: list[dict[str, Any]], title: str) -> None:
    """Partner, statuses, standing, HTTP status and time, whether our page links back, evidence."""
    table = Table(title=title, show_lines=True)
    table.add_column("partner page", overflow="fold")  # a URL is never cut short
    table.add_column("status")
    table.add_column("state")
    table.add_column("HTTP")
    table.add_column("back")
    table.add_column("evidence", overflow="fold", ratio=1)
    for r in rows:
        http = "" if r["http_status"] is None else str(r["http_status"])
        if r["response_ms"] is not None:
            http += f" {r['response_ms']}ms"
        if r["failure"]:
            http = r["failure"]
        back = {True: "[green]yes[/]", False: "[red]no[/]"}.get(r["reciprocal"], "")
        table.add_row(escape(_short(r["page"])), _status_text(r), _state_text(r), http, back, _evidence_text(r))
    Console(soft_wrap=False).print(table)


@partners.command("check")
@click.option("--site", "-s", help="Only this site (its domain or name).")
@click.option("--date", "day", help="Record the checks under this day (YYYY-MM-DD; default today in the config's timezone).")
@click.option("--fast", is_flag=True, help="No politeness delays: for the local sandbox only, never for real sites.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar and no table; only the summary line and errors.")
@pass_app
def check(app: App, site: str | None, day: str | None, fast: bool, quiet: bool) -> None:
    """Check every partner page: is our link still there, followed, visible, and is the page indexable?

    The check runs in a child process: each partner's robots.txt, its page (redirects followed),
    its home page when our link is missing from an inner page, and our page linking back when
    configured. Statuses: ok, link_missing, nofollow, hidden, noindex, robots_blocked,
    canonical_elsewhere, anchor_changed, wrong_target, http_error, unreachable, each with its
    evidence. Every check is kept; a timeout or 5xx turns an ok partner lost only after
    [partners] failures_before_lost consecutive checks (default 2), a link gone from a page
    served 200 at once. Exit status 1 when the crawl itself failed.

    \b
    Example:
      seowatch partners check
      seowatch partners check --site example.com
    """
    run_day = parse_day(day, app)
    overall = 0
    for site_cfg in selected_sites(app, site):
        rows_ = sync_site_partners(app, site_cfg)
        if not rows_:
            click.echo(f"{site_cfg.label}: no partners configured (add [[sites.partners]] or partners_file)")
            continue
        jobs = build_partner_jobs(site_cfg, rows_, run_day)
        run = run_partner_crawl(app, jobs, fast=fast, show_progress=not quiet and sys.stderr.isatty())
        rows = partner_rows(app, site_cfg)
        if not quiet:
            print_partner_table(rows, f"{site_cfg.label} — partners — {run_day.isoformat()}")
        for event in run.events:
            if event.get("change"):
                click.echo(f"{event['change']}: {event['page']} ({', '.join(event['statuses'])})")
        click.echo(f"{site_cfg.label}: {summary_line(rows)}")
        if run.exit_code:
            overall = run.exit_code
    sys.exit(overall)


# --- partners list ----------------------------------------------------------------------------------


@partners.command("list")
@click.option("--site", "-s", help="Only this site.")
@click.option("--json", "as_json", is_flag=True, help="Print the partners as JSON.")
@pass_app
def list_cmd(app: App, site: str | None, as_json: bool) -> None:
    """List the configured partners with their standing: ok, pending (failing transiently) or lost.

    \b
    Example:
      seowatch partners list
      seowatch partners list --site example.com --json
    """
    out = []
    for site_cfg in selected_sites(app, site):
        sync_site_partners(app, site_cfg)
        rows = partner_rows(app, site_cfg)
        if as_json:
            out.extend(rows)
            continue
        if not rows:
            click.echo(f"{site_cfg.label}: no partners configured")
            continue
        table = Table(title=f"{site_cfg.label} — partners")
        table.add_column("partner page", overflow="fold")
        for name in ("agreed", "state", "last status", "first seen", "last seen ok", "checked", "note"):
            table.add_column(name)
        for r in rows:
            agreed = " ".join(x for x in (f'"{r["anchor"]}"' if r["anchor"] else "", r["target"] or "") if x)
            table.add_row(escape(_short(r["page"])), escape(agreed or "any link to us"), _state_text(r), _status_text(r),
                          r["first_seen"] or "", r["last_seen_ok"] or "", r["checked_at"] or "",
                          escape(" ".join(x for x in (r["note"], r["contact"]) if x)))
        Console(soft_wrap=False).print(table)
        click.echo(f"{site_cfg.label}: {summary_line(rows)}")
    if as_json:
        echo_json(out)


# --- partners inspect ------------------------------------------------------------------------------


def _parse_headers(values: tuple[str, ...]) -> list[tuple[str, str]]:
    out = []
    for value in values:
        name, sep, rest = value.partition(":")
        if not sep or not name.strip():
            fail(f"--header must look like 'Name: value', got {value!r}", EXIT_CONFIG)
        out.append((name.strip(), rest.strip()))
    return out


@partners.command("inspect")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--url", help="The page's address, to resolve relative links and compare its canonical (default: unknown).")
@click.option("--target", "-t", "targets", multiple=True, help="A domain (or URL) of ours; repeatable. Default: every link.")
@click.option("--header", "-H", "headers", multiple=True,
              help="A response header the page came with, e.g. 'Content-Type: text/html; charset=gbk' or "
                   "'X-Robots-Tag: noindex'; repeatable.")
@click.option("--robots", "robots_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A saved robots.txt of the partner's site, checked for Baiduspider and Googlebot (needs --url).")
@click.option("--json", "as_json", is_flag=True, help="Print the analysis as JSON.")
def inspect(file: Path, url: str | None, targets: tuple[str, ...], headers: tuple[str, ...], robots_file: Path | None,
            as_json: bool) -> None:
    """Analyse a saved partner page offline, the way `partners check` reads it: the tool to reach
    for when a partner disputes a finding.

    Prints the page-level findings (meta robots, Baiduspider/googlebot metas, X-Robots-Tag,
    canonical, outbound link count) and every link to the targets — every link on the page when
    no target is given — including links inside HTML comments and <noscript>, each flagged.
    Exit status 1 when targets are given and the page has no link to any of them.

    \b
    Example:
      seowatch partners inspect saved/links.html --url http://www.partner.cn/links.html --target example.com
      seowatch partners inspect page.html --json | jq '.links[] | select(.hidden)'
    """
    from seowatch.crawlers.backlinks import analyse_page
    from seowatch.crawlers.robots import decode_robots, parse_robots

    if url and not url.lower().startswith(("http://", "https://")):
        fail(f"--url must be an http(s) URL, got {url!r}", EXIT_CONFIG)
    if robots_file and not url:
        fail("--robots needs --url (robots.txt rules apply to a URL's path)", EXIT_CONFIG)
    analysis = analyse_page(file.read_bytes(), url, _parse_headers(headers), targets=targets)
    robots = parse_robots(decode_robots(robots_file.read_bytes())) if robots_file else None
    # Without the page's URL there is nothing to compare its canonical with.
    findings = [e for e in page_findings(analysis, url or "", robots) if url or e.status != CANONICAL_ELSEWHERE]
    if as_json:
        data = analysis.to_dict()
        data["findings"] = [e.to_dict() for e in findings]
        echo_json(data)
    else:
        _print_analysis(analysis, file, url, findings)
    if targets and not analysis.target_links:
        raise SystemExit(EXIT_FAILED)


def _print_analysis(analysis, file: Path, url: str | None, findings: list) -> None:
    console = Console(soft_wrap=False)
    enc = f"{analysis.encoding} ({analysis.encoding_source})"
    if analysis.decode_errors:
        enc += f" [red]{analysis.decode_errors} undecodable bytes[/]"
    console.print(f"[bold]{escape(file.name)}[/]  encoding={enc}")
    console.print(f"title: {escape(analysis.title or '-')}")
    if url:
        console.print(f"url: {escape(url)}" + (" (home page)" if analysis.home_page else " (inner page)"))
    if analysis.base:
        console.print(f"base href: {escape(analysis.base)}")
    meta = "; ".join(f'{m.name}="{m.content}"' for m in analysis.meta_robots) or "-"
    console.print(f"meta robots: {escape(meta)}")
    console.print(f"X-Robots-Tag: {escape('; '.join(analysis.x_robots_tag) or '-')}")
    console.print(f"canonical: {escape(analysis.canonical or '-')}")
    console.print(f"links: {len(analysis.links)}, outbound (other domains, not in comments): {analysis.outbound_links}")
    for ev in findings:
        console.print(f"[red]{ev.status}[/]: {escape(ev.text)}" + (f"  [dim]{escape(ev.snippet)}[/]" if ev.snippet else ""))
    links = analysis.target_links if analysis.targets else analysis.links
    what = f"links to {', '.join(analysis.targets)}" if analysis.targets else "links"
    table = Table("line", "url (href as written)", "anchor", "rel", "hidden", title=f"{len(links)} {what}")
    for link in links:
        shown = link.url or f"[dim]{escape(link.href)}[/]"
        if link.url and link.href != link.url:
            shown = f"{escape(link.url)}\n[dim]{escape(link.href)}[/]"
        elif link.url:
            shown = escape(link.url)
        anchor = link.anchor or (f"[dim]img alt: {escape(link.img_alt)}[/]" if link.img_alt else "")
        rel = " ".join(link.rel)
        rel = f"[red]{escape(rel)}[/]" if link.nofollow_tokens else escape(rel)
        hidden = f"[red]{link.hidden}[/]" if link.hidden else ""
        table.add_row(str(link.line or ""), shown, escape(anchor) if link.anchor else anchor, rel, hidden)
    console.print(table)


# --- export partners -------------------------------------------------------------------------------

EXPORT_FIELDS = (
    "site", "page", "target", "anchor", "note", "contact", "state", "status", "statuses", "evidence",
    "consecutive_failures", "change", "first_seen", "last_seen_ok", "checked_at", "day", "http_status", "final_url",
    "response_ms", "failure", "link_url", "link_anchor", "link_rel", "link_hidden", "found_on", "outbound_links",
    "reciprocal",
)


def _flat(row: dict[str, Any]) -> dict[str, Any]:
    out = {k: row.get(k) for k in EXPORT_FIELDS}
    out["statuses"] = " ".join(row["statuses"])
    out["link_rel"] = " ".join(row["link_rel"])
    out["evidence"] = " | ".join(
        e["text"] + (f" [{e['snippet']}]" if e.get("snippet") else "") for e in row["evidence"]
    )
    return out


@export.command("partners")
@click.option("--site", "-s", help="Only this site.")
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv", show_default=True)
@click.option("--history", is_flag=True, help="Every stored check, oldest first, instead of the latest per partner.")
@click.option("--out", "-o", type=click.Path(dir_okay=False, path_type=Path), help="Write here instead of stdout.")
@pass_app
def export_partners(app: App, site: str | None, fmt: str, history: bool, out: Path | None) -> None:
    """Export the partners with their standing and latest check (or every check with --history).

    CSV is written with a BOM so that Excel opens the Chinese text correctly.

    \b
    Example:
      seowatch export partners --format csv --out partners.csv
      seowatch export partners --format json --history
    """
    rows = [r for s in selected_sites(app, site) for r in partner_rows(app, s, history=history)]
    handle = out.open("w", encoding="utf-8-sig" if fmt == "csv" else "utf-8", newline="") if out else sys.stdout
    try:
        if fmt == "json":
            json.dump(rows, handle, ensure_ascii=False, indent=2)
            handle.write("\n")
        else:
            writer = csv.DictWriter(handle, fieldnames=list(EXPORT_FIELDS))
            writer.writeheader()
            writer.writerows(_flat(r) for r in rows)
    finally:
        if out:
            handle.close()


COMMANDS = [partners]
