"""`seowatch crawl`, `seowatch ranks` and `seowatch export ranks`: run rank checks and read them back."""

from __future__ import annotations

import csv
import json
import socket
import sys
from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from seowatch import heap_frozen
from seowatch.cli import EXIT_CONFIG, EXIT_FAILED, App, fail, parse_day, pass_app
from seowatch.config import ConfigError, SiteConfig, site_keywords
from seowatch.crawlers.engines import device_for
from seowatch.keywords.normalize import normalize
from seowatch.store.database import optimize, session_scope
from seowatch.store.models import STATUS_NOT_RANKED, STATUS_RANKED, STATUS_UNKNOWN, Keyword, RankCheck
from seowatch.store.ranks import checks_on, ensure_site, previous_known, site_by_domain, sync_keywords


def selected_sites(app: App, site: str | None) -> list[SiteConfig]:
    if site:
        try:
            return [app.config.site(site)]
        except ConfigError as exc:
            fail(str(exc), EXIT_CONFIG)
    if not app.config.sites:
        fail(f"{app.config_path}: no [[sites]] configured", EXIT_CONFIG)
    return list(app.config.sites)


def sync_site(app: App, site_cfg: SiteConfig):
    """Store the site and its keywords as configured; returns (site, keywords, variants)."""
    try:
        specs = site_keywords(app.config, site_cfg)
    except ConfigError as exc:
        fail(str(exc), EXIT_CONFIG)
    with session_scope(app.engine) as session:
        site = ensure_site(session, site_cfg.domain, site_cfg.name)
        synced = sync_keywords(session, site, specs, normalize)
    return site, synced


def keyword_groups(keywords) -> list[str]:
    return sorted({k.group_name for k in keywords if k.group_name})


def in_group(keywords: list[Keyword], group: str | None) -> list[Keyword]:
    """The keywords of one group (the `group` given in the config or the keywords file); all without a group."""
    return keywords if group is None else [k for k in keywords if k.group_name == group]


def build_jobs(site_cfg: SiteConfig, keywords: list[Keyword], day: date, engine: str | None) -> list[dict[str, Any]]:
    site = {
        "domain": site_cfg.domain, "match": site_cfg.match,
        "assets": list(site_cfg.assets), "competitors": list(site_cfg.competitors),
    }
    jobs = []
    for kw in keywords:
        engines = kw.engines or list(site_cfg.engines)
        for eng in engines:
            if engine and eng != engine:
                continue
            devices = sorted({device_for(eng, d) for d in site_cfg.devices})
            for device in devices:
                jobs.append({
                    "keyword_id": kw.id, "keyword": kw.text, "engine": eng, "device": device,
                    "day": day.isoformat(), "depth": site_cfg.depth, "site": site,
                })
    return jobs


@dataclass
class CrawlSummary:
    total: int
    statuses: Counter
    reasons: Counter
    exit_code: int

    @property
    def checked(self) -> int:
        return self.statuses[STATUS_RANKED] + self.statuses[STATUS_NOT_RANKED]

    def coverage_line(self) -> str:
        unknown = self.statuses[STATUS_UNKNOWN]
        line = f"checked {self.checked}/{self.total}, {unknown} unknown"
        if unknown:
            line += " (" + ", ".join(f"{n} {r}" for r, n in self.reasons.most_common()) + ")"
        missing = self.total - self.checked - unknown
        if missing > 0:
            line += f", {missing} not stored (the crawl stopped early)"
        return line


class SerpCrawlStart:
    """A SERP crawl's child process started before its jobs are known, so that it imports Scrapy
    while this process syncs the store, and this process's end of the socket pair its page worker
    serves (see `serpworker`). Cancelled on leaving it as a context manager, unless it ran."""

    def __init__(self, app: App) -> None:
        from seowatch.crawlers.runner import CrawlChild

        self.worker_sock, crawl_end = socket.socketpair()
        try:
            self.child = CrawlChild.start("serp", env=app.environ, worker_fd=crawl_end.fileno())
        except BaseException:
            self.worker_sock.close()
            raise
        finally:
            crawl_end.close()  # the child has its own copy

    def cancel(self) -> None:
        self.child.cancel()
        self.worker_sock.close()

    def __enter__(self) -> SerpCrawlStart:
        return self

    def __exit__(self, *exc_info) -> None:
        self.cancel()  # a no-op for a crawl that ran


def run_serp_crawl(app: App, jobs: list[dict[str, Any]], *, fast: bool, show_progress: bool,
                   start: SerpCrawlStart | None = None) -> CrawlSummary:
    """Run the SERP spider in a child process (`start`: one started ahead), its pages parsed, decided
    and stored by the page worker in this process, with a progress bar on the terminal."""
    from seowatch.cli.childcrawl import run_spider

    cfg = app.config
    engines_used = sorted({j["engine"] for j in jobs})
    engines = {}
    for name in engines_used:
        ec = cfg.engine(name)
        if ec.api_key_env:
            app.secret(ec.api_key_env, f"engines.{name}.api_key_env")  # fail early if missing
        engines[name] = {"base_url": ec.base_url, "params": dict(ec.params), "api_key_env": ec.api_key_env}
    if "serpapi" in engines_used and not cfg.engine("serpapi").api_key_env:
        fail(f"{app.config_path}: engines.serpapi.api_key_env: required to use the serpapi engine", EXIT_CONFIG)
    statuses: Counter = Counter()
    reasons: Counter = Counter()

    def on_check(event: dict[str, Any]) -> str:
        statuses[event["status"]] += 1
        if event["status"] == STATUS_UNKNOWN:
            reasons[event.get("reason") or "unknown"] += 1
        return f"{statuses[STATUS_UNKNOWN]} unknown" if statuses[STATUS_UNKNOWN] else ""

    with start or SerpCrawlStart(app) as started:
        from seowatch.crawlers.serpworker import PageWorkerThread

        worker = PageWorkerThread(started.worker_sock)

        def page_worker(on_event, log_file: str) -> PageWorkerThread:
            base_urls = {name: opts["base_url"] for name, opts in engines.items()}
            return worker.start(jobs, app.engine, on_event, base_urls=base_urls, log_file=log_file)

        with heap_frozen():
            code = run_spider(app, "serp", engines_used, {"jobs": jobs, "engines": engines}, fast=fast,
                              total=len(jobs), item_event="check", on_item=on_check, show_progress=show_progress,
                              label="crawl", child=started.child, alongside=page_worker)
    if worker.error is not None:
        click.echo(f"seowatch: the page worker failed ({worker.error}); checks it had not stored are missing",
                   err=True)
        code = code or EXIT_FAILED
    optimize(app.engine)
    return CrawlSummary(len(jobs), statuses, reasons, code)


def change_text(check: RankCheck, prev: RankCheck | None) -> str:
    """How a check compares with the last known one: '3 → 12 (▼9)', 'new', 'lost', '='."""
    if check.status == STATUS_UNKNOWN:
        return "?"
    if prev is None:
        return "new" if check.status == STATUS_RANKED else ""
    if check.status == STATUS_RANKED and prev.status == STATUS_RANKED:
        delta = prev.position - check.position
        if delta == 0:
            return "="
        arrow = "▲" if delta > 0 else "▼"
        return f"{prev.position} → {check.position} ({arrow}{abs(delta)})"
    if check.status == STATUS_RANKED:
        return f"new (was >{prev.depth_scanned})"
    if prev.status == STATUS_RANKED:
        return f"lost (was {prev.position})"
    return ""


def position_text(check: RankCheck) -> str:
    if check.status == STATUS_RANKED:
        return str(check.position) + (" (asset)" if check.owner_kind == "asset" else "")
    if check.status == STATUS_NOT_RANKED:
        # depth_scanned 0: the engine said it found nothing for the keyword
        return f"not in top {check.depth_scanned}" if check.depth_scanned else "not ranked (no results)"
    return f"unknown: {check.unknown_reason}"


def rank_rows(app: App, site_cfg: SiteConfig, day: date) -> list[dict[str, Any]]:
    with session_scope(app.engine) as session:
        site = site_by_domain(session, site_cfg.domain)
        if site is None:
            return []
        prev = previous_known(session, site.id, day)
        rows = []
        for kw, check in checks_on(session, site.id, day):
            if not kw.active:
                continue
            p = prev.get((check.keyword_id, check.engine, check.device))
            rows.append({
                "site": site.domain, "day": check.day.isoformat(), "keyword": kw.text, "group": kw.group_name,
                "engine": check.engine, "device": check.device, "status": check.status,
                "position": check.position, "previous_position": p.position if p else None,
                "previous_day": p.day.isoformat() if p else None, "change": change_text(check, p),
                "position_text": position_text(check), "url": check.url, "owner": check.owner_kind,
                "depth_scanned": check.depth_scanned, "pages_fetched": check.pages_fetched,
                "unknown_reason": check.unknown_reason, "fetched_at": check.fetched_at.isoformat(),
            })
        return rows


def print_rank_table(rows: list[dict[str, Any]], title: str) -> None:
    table = Table("keyword", "engine", "position", "change", "url", title=title)
    for r in rows:
        engine = r["engine"] + ("" if r["device"] == "desktop" or r["engine"] == "baidu_mobile" else f" ({r['device']})")
        change = r["change"]
        style = "red" if change.startswith("lost") or "▼" in change else "green" if "▲" in change or change.startswith("new") else ""
        pos = r["position_text"]
        table.add_row(r["keyword"], engine, f"[yellow]{pos}[/]" if r["status"] == STATUS_UNKNOWN else pos,
                      f"[{style}]{change}[/]" if style else change, r["url"] or "")
    Console(soft_wrap=False).print(table)


def coverage_of(rows: list[dict[str, Any]]) -> CrawlSummary:
    statuses = Counter(r["status"] for r in rows)
    reasons = Counter(r["unknown_reason"] or "unknown" for r in rows if r["status"] == STATUS_UNKNOWN)
    return CrawlSummary(len(rows), statuses, reasons, 0)


@click.command()
@click.option("--site", "-s", help="Only this site (its domain or name).")
@click.option("--engine", "-e", help="Only this engine.")
@click.option("--keyword", "-k", "keywords", multiple=True, help="Only these keywords (repeatable).")
@click.option("--group", "-g", help="Only the keywords of this group (their `group` in the config or keywords file).")
@click.option("--date", "day", help="Record the checks under this day (YYYY-MM-DD; default today in the config's timezone).")
@click.option("--fast", is_flag=True, help="No politeness delays: for the local sandbox only, never for real engines.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar and no table; only the coverage line and errors.")
@pass_app
def crawl(app: App, site: str | None, engine: str | None, keywords: tuple[str, ...], group: str | None,
          day: str | None, fast: bool, quiet: bool) -> None:
    """Check where each tracked keyword ranks, page by page down to the site's depth.

    The crawl runs in a child process. Each (keyword, engine, device) ends as ranked, not
    ranked within the depth scanned, or unknown with its reason (captcha, http_503, timeout,
    parse_error ...); unknown is never a position. A re-run on the same day replaces that
    day's checks. Exit status 1 when the crawl itself failed.

    \b
    Example:
      seowatch crawl
      seowatch crawl --site example.com --engine baidu --keyword 整合营销
      seowatch crawl --group 营销 --quiet
    """
    run_day = parse_day(day, app)
    overall = 0
    groups_seen: set[str] = set()
    for site_cfg in selected_sites(app, site):
        with SerpCrawlStart(app) as start:  # the crawl's process imports Scrapy while the store is synced
            _, synced = sync_site(app, site_cfg)
            for variant, kept in synced.variants:
                click.echo(f"note: keyword {variant!r} is a variant of {kept!r} and is tracked as one keyword", err=True)
            groups_seen.update(keyword_groups(synced.keywords))
            kws = in_group(synced.keywords, group)
            if group is not None and not kws:
                continue
            if keywords:
                wanted = {normalize(k) for k in keywords}
                kws = [k for k in kws if k.normalized in wanted]
                if not kws:
                    fail(f"none of the keywords {', '.join(keywords)} is tracked for {site_cfg.label}", EXIT_CONFIG)
            jobs = build_jobs(site_cfg, kws, run_day, engine)
            if not jobs:
                click.echo(f"{site_cfg.label}: nothing to check", err=True)
                continue
            summary = run_serp_crawl(app, jobs, fast=fast, show_progress=not quiet and sys.stderr.isatty(), start=start)
        if not quiet:
            print_rank_table(rank_rows(app, site_cfg, run_day), f"{site_cfg.label} — {run_day.isoformat()}")
        click.echo(f"{site_cfg.label}: {summary.coverage_line()}")
        if summary.exit_code != 0:
            overall = EXIT_FAILED
    if group is not None and group not in groups_seen:
        fail(f"no keyword is in group {group!r} (groups: {', '.join(sorted(groups_seen)) or 'none'})", EXIT_CONFIG)
    sys.exit(overall)


@click.command()
@click.option("--site", "-s", help="Only this site.")
@click.option("--date", "day", help="The day to show (default: today).")
@pass_app
def ranks(app: App, site: str | None, day: str | None) -> None:
    """Print the stored positions of a day, with the change against the last known position.

    \b
    Example:
      seowatch ranks --date 2026-11-24
    """
    run_day = parse_day(day, app)
    for site_cfg in selected_sites(app, site):
        rows = rank_rows(app, site_cfg, run_day)
        if not rows:
            click.echo(f"{site_cfg.label}: no checks stored for {run_day.isoformat()}")
            continue
        print_rank_table(rows, f"{site_cfg.label} — {run_day.isoformat()}")
        click.echo(f"{site_cfg.label}: {coverage_of(rows).coverage_line()}")


@click.group()
def export() -> None:
    """Export stored data for spreadsheets and other tools."""


@export.command("ranks")
@click.option("--site", "-s", help="Only this site.")
@click.option("--date", "day", help="The day to export (default: today).")
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv", show_default=True)
@click.option("--out", "-o", type=click.Path(dir_okay=False, path_type=Path), help="Write here instead of stdout.")
@pass_app
def export_ranks(app: App, site: str | None, day: str | None, fmt: str, out: Path | None) -> None:
    """Export a day's rank checks, one row per keyword, engine and device.

    \b
    Example:
      seowatch export ranks --format csv --out ranks.csv
      seowatch export ranks --format json --date 2026-11-24
    """
    run_day = parse_day(day, app)
    rows = [r for s in selected_sites(app, site) for r in rank_rows(app, s, run_day)]
    for r in rows:
        r.pop("position_text", None)
    handle = out.open("w", encoding="utf-8-sig" if fmt == "csv" else "utf-8", newline="") if out else sys.stdout
    try:
        if fmt == "json":
            json.dump(rows, handle, ensure_ascii=False, indent=2)
            handle.write("\n")
        else:
            fields = list(rows[0]) if rows else ["site", "day", "keyword", "engine", "status", "position"]
            writer = csv.DictWriter(handle, fieldnames=fields)
            writer.writeheader()
            writer.writerows(rows)
    finally:
        if out:
            handle.close()


COMMANDS = [crawl, ranks, export]
