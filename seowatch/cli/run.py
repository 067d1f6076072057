"""`seowatch run-daily`: the whole day for cron — rankings, partners, rechecks, audits, report, alerts."""

from __future__ import annotations

import os
import signal
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

import click

from seowatch.cli import EXIT_CONFIG, EXIT_FAILED, EXIT_LOCKED, EXIT_PARTIAL, App, fail, parse_day, pass_app
from seowatch.cli.crawl import build_jobs, in_group, run_serp_crawl, selected_sites, sync_site
from seowatch.config import ConfigError, SiteConfig, site_keywords, site_partners
from seowatch.reports.model import CONFIRMED, UNKNOWN, WATCHING, Report
from seowatch.rundaily import (
    FAILED,
    OK,
    SKIPPED,
    STATUS_TEXT,
    Interrupted,
    RunLog,
    SiteRun,
    Step,
    duration,
    run_status,
    sigterm_interrupts,
    summary_lines,
)
from seowatch.runlock import LockHeld, RunLock
from seowatch.store.models import STATUS_UNKNOWN

LOCK_FILE = "run-daily.lock"
LOG_FILE = "run-daily.log"

EXIT_STATUSES = """\b
Exit status:
  0  success: every step went through, every check is known
  3  partial success: some checks unknown (captcha, timeout ...), or a step
     such as the partner check, an audit or the alerts failed while
     rankings were checked
  1  failure: the crawl itself failed, or nothing could be checked
  2  configuration error (nothing ran)
  4  another run-daily holds the lock (nothing ran)
  143 stopped by SIGTERM (every check stored is complete)
"""


@dataclass
class SitePlan:
    """A site to run, and whether the preflight found partners configured for it."""

    cfg: SiteConfig
    has_partners: bool


@dataclass
class Context:
    """One run: its options, its log, and each site's outcome so far."""

    app: App
    day: date
    fast: bool
    group: str | None
    eml_dir: Path | None
    log: RunLog
    progress: bool
    channels: Any = None  # read once, on the first alerts step
    runs: list[SiteRun] = field(default_factory=list)


def preflight(app: App, sites: list[SiteConfig], group: str | None) -> list[SitePlan]:
    """Read every file the run needs and check every secret it names, before the lock: a
    configuration problem exits 2 with nothing done, never half-way through the run."""
    cfg = app.config
    plans = []
    groups: set[str] = set()
    for site_cfg in sites:
        try:
            specs = site_keywords(cfg, site_cfg)
            partners = site_partners(cfg, site_cfg)
        except ConfigError as exc:
            fail(str(exc), EXIT_CONFIG)
        groups.update(s.group for s in specs if s.group)
        if group is not None and not any(s.group == group for s in specs):
            continue
        engines = set(site_cfg.engines) | {e for s in specs for e in s.engines}
        for name in sorted(engines):
            ec = cfg.engine(name)
            if ec.api_key_env:
                app.secret(ec.api_key_env, f"engines.{name}.api_key_env")
            elif name == "serpapi":
                fail(f"{app.config_path}: engines.serpapi.api_key_env: required to use the serpapi engine", EXIT_CONFIG)
        plans.append(SitePlan(site_cfg, bool(partners)))
    if group is not None and not plans:
        fail(f"no keyword is in group {group!r} (groups: {', '.join(sorted(groups)) or 'none'})", EXIT_CONFIG)
    if cfg.keywords.user_dict:
        from seowatch.keywords.tokenize import TokenizerError, read_user_dict

        try:
            read_user_dict(cfg.resolve_path(cfg.keywords.user_dict))
        except TokenizerError as exc:
            fail(f"{app.config_path}: keywords.user_dict: {exc}", EXIT_CONFIG)
    return plans


def _step(ctx: Context, run: SiteRun, name: str, fn: Callable[[], tuple[str, str, Any]]) -> Any:
    """Run one step: its outcome is logged and kept; an error fails the step, and the run goes on."""
    started = time.monotonic()
    try:
        status, detail, value = fn()
    except Exception as exc:  # noqa: BLE001 - any error of one step is recorded and the next step runs
        status, detail, value = FAILED, f"{type(exc).__name__}: {exc}", None
        ctx.log.write(f"{run.label} {name}: error\n" + traceback.format_exc().rstrip())
    step = Step(run.label, name, status, detail, time.monotonic() - started)
    run.steps.append(step)
    ctx.log.step(step)
    return value


# --- the steps --------------------------------------------------------------------------------------


def _crawl(ctx: Context, site_cfg: SiteConfig, keywords: list, keys=None):
    """The SERP crawl of the keywords (only the given (keyword, engine, device) keys for a recheck)."""
    jobs = build_jobs(site_cfg, keywords, ctx.day, None)
    if keys is not None:
        jobs = [j for j in jobs if (j["keyword_id"], j["engine"], j["device"]) in keys]
    return run_serp_crawl(ctx.app, jobs, fast=ctx.fast, show_progress=ctx.progress)


def step_crawl(ctx: Context, run: SiteRun, site_cfg: SiteConfig, keywords: list):
    if not keywords:
        return SKIPPED, "no keywords to check", None
    summary = _crawl(ctx, site_cfg, keywords)
    run.tracked, run.checked = summary.total, summary.checked
    run.unknown = summary.statuses[STATUS_UNKNOWN]
    run.coverage = summary.coverage_line()
    if summary.exit_code != 0:
        run.crawl_failed = True
        return FAILED, f"the crawl failed (exit {summary.exit_code}); {run.coverage}; see logs/crawl.log", summary
    if run.tracked and run.checked == 0:
        return FAILED, f"nothing could be checked: {run.coverage}", summary
    return OK, run.coverage, summary


def step_partners(ctx: Context, run: SiteRun, site_cfg: SiteConfig):
    from seowatch.cli.partners import build_partner_jobs, run_partner_crawl, sync_site_partners
    from seowatch.store.database import session_scope
    from seowatch.store.partners import due_partners
    from seowatch.store.ranks import site_by_domain

    app = ctx.app
    every = app.config.partners.every_days
    active = sync_site_partners(app, site_cfg)
    with session_scope(app.engine) as session:
        due = due_partners(session, site_by_domain(session, site_cfg.domain).id, ctx.day, every)
    if not due:
        return SKIPPED, f"none of {len(active)} due (checked every {every} days)", None
    result = run_partner_crawl(app, build_partner_jobs(site_cfg, due, ctx.day), fast=ctx.fast,
                               show_progress=ctx.progress)
    statuses: dict[str, int] = {}
    for e in result.events:
        statuses[e.get("status") or "?"] = statuses.get(e.get("status") or "?", 0) + 1
    counts = ", ".join(f"{n} {s}" for s, n in sorted(statuses.items(), key=lambda x: (x[0] != "ok", -x[1])))
    changes = [f"{e['change']} {e['page']}" for e in result.events if e.get("change")]
    detail = f"{len(result.events)} of {len(due)} due checked" + (f": {counts}" if counts else "")
    if changes:
        detail += "; " + "; ".join(changes)
    if result.exit_code:
        return FAILED, f"the partner check failed (exit {result.exit_code}); {detail}; see logs/crawl.log", result
    return OK, detail, result


def step_report(ctx: Context, run: SiteRun, site_cfg: SiteConfig):
    from seowatch.cli.report import build_site_report

    rep = build_site_report(ctx.app, site_cfg, ctx.day.isoformat())
    if isinstance(rep, str):
        return FAILED, rep, None
    return OK, f"{len(rep.rows)} rows, {len(rep.confirmed_drops)} confirmed drops, {len(rep.watching)} watching", rep


def step_recheck(ctx: Context, run: SiteRun, site_cfg: SiteConfig, keywords: list, rep: Report):
    """Crawl the keys whose drop was seen once again, the same day: a second observation confirms it."""
    from seowatch.cli.report import build_site_report

    keys = {(r.keyword_id, r.engine, r.device) for r in rep.watching}
    if not keys:
        return SKIPPED, "no drop to confirm", rep
    summary = _crawl(ctx, site_cfg, keywords, keys)
    again = build_site_report(ctx.app, site_cfg, ctx.day.isoformat())
    if isinstance(again, str):
        return FAILED, again, rep
    rows = {(r.keyword_id, r.engine, r.device): r for r in again.rows}
    confirmed = sum(1 for k in keys if k in rows and rows[k].drop == CONFIRMED)
    watching = sum(1 for k in keys if k in rows and rows[k].drop == WATCHING)
    detail = (f"{len(keys)} drop{'s' if len(keys) != 1 else ''} seen once re-checked: {confirmed} confirmed, "
              f"{len(keys) - confirmed - watching} did not hold")
    if watching:
        detail += f", {watching} could not be re-checked ({summary.coverage_line()})"
    if summary.exit_code != 0:
        return FAILED, f"the recheck crawl failed (exit {summary.exit_code}); {detail}", again
    return OK, detail, again


def step_audit(ctx: Context, run: SiteRun, site_cfg: SiteConfig, keywords: list, rep: Report):
    """Audit the landing pages (ours and the top competitors') of the keywords that moved."""
    from seowatch.cli.keywords import run_audit_crawl
    from seowatch.store.audits import audit_jobs
    from seowatch.store.database import session_scope

    moved = {r.keyword_id for r in rep.rows if set(r.categories) - {UNKNOWN}}
    kws = [k for k in keywords if k.id in moved]
    if not kws:
        return SKIPPED, "no keyword moved", None
    cfg = ctx.app.config
    with session_scope(ctx.app.engine) as session:
        jobs = audit_jobs(session, kws, ctx.day, site_cfg.engines, cfg.report.top_results)
    if not jobs:
        return SKIPPED, f"{len(kws)} keywords moved, no page to audit", None
    code = run_audit_crawl(ctx.app, jobs, ctx.day, fast=ctx.fast, show_progress=ctx.progress)
    detail = f"{len(kws)} keyword{'s' if len(kws) != 1 else ''} moved, {len(jobs)} pages audited"
    if code != 0:
        return FAILED, f"the audit failed (exit {code}); {detail}; see logs/crawl.log", None
    return OK, detail, None


def step_files(ctx: Context, run: SiteRun, site_cfg: SiteConfig, rep: Report):
    from seowatch.cli.report import FORMATS, write_report

    out_dir = ctx.app.config.resolve_path(ctx.app.config.report.output_dir)
    write_report(rep, out_dir, site_cfg.domain)
    return OK, f"{len(FORMATS)} files ({', '.join(FORMATS)}) in {out_dir}", None


def step_alerts(ctx: Context, run: SiteRun, site_cfg: SiteConfig, rep: Report):
    """Digests an earlier run left queued first, then today's alerts (or .eml files with --dry-run-alerts)."""
    from seowatch.cli.alerts import attachment_of, channels_of, recipients_of
    from seowatch.reports.alert_render import report_link
    from seowatch.reports.alerts import AlertRules
    from seowatch.reports.notify import notify, retry
    from seowatch.store.database import session_scope

    app, cfg = ctx.app, ctx.app.config
    if ctx.channels is None:
        ctx.channels = channels_of(app)
    sf = partial(session_scope, app.engine)
    now = app.now()
    parts = []
    queued: list[str] = []
    if ctx.eml_dir is None:
        earlier = retry(sf, ctx.channels, now, site=site_cfg.domain)
        if earlier.sent or earlier.queued or earlier.failed:
            parts.append(f"earlier digests: {len(earlier.sent)} sent, {len(earlier.queued) + len(earlier.failed)} not")
        queued += earlier.queued + earlier.failed
    out = notify(
        sf, rep, site=site_cfg.domain, recipients=recipients_of(app, site_cfg),
        rules=AlertRules.from_config(cfg.alerts), channels=ctx.channels, now=now,
        link=report_link(cfg.alerts.report_url, site_cfg.label, site_cfg.domain, rep.run_date),
        attachment=attachment_of(app, rep, site_cfg), dry_run_dir=ctx.eml_dir,
    )
    if out.alerts:
        rules: dict[str, int] = {}
        for a in out.alerts:
            rules[a.rule] = rules.get(a.rule, 0) + 1
        parts.insert(0, f"{len(out.alerts)} alerts ({', '.join(f'{n} {r}' for r, n in rules.items())})")
        if out.sent:
            parts.append("sent: " + ", ".join(s.split(" ")[0] for s in out.sent))
        if out.files:
            parts.append(f"written to {ctx.eml_dir}: " + ", ".join(p.name for p in out.files))
    else:
        parts.insert(0, "nothing new to alert")
    parts.extend(out.notes)
    queued += out.queued + out.failed
    if queued:
        return FAILED, "; ".join(parts + [f"not sent (queued for the next run): {'; '.join(queued)}"]), out
    return OK, "; ".join(parts), out


# --- one site, the whole run -------------------------------------------------------------------------


def run_site(ctx: Context, plan: SitePlan) -> SiteRun:
    site_cfg = plan.cfg
    run = SiteRun(site_cfg.label)
    ctx.runs.append(run)

    def sync():
        _, synced = sync_site(ctx.app, site_cfg)
        kws = in_group(synced.keywords, ctx.group)
        detail = f"{len(kws)} keywords" + (f" in group {ctx.group}" if ctx.group else "")
        if synced.variants:
            detail += f" ({len(synced.variants)} variants folded)"
        return OK, detail, kws

    keywords = _step(ctx, run, "keywords", sync) or []
    _step(ctx, run, "crawl", lambda: step_crawl(ctx, run, site_cfg, keywords))
    if plan.has_partners:
        _step(ctx, run, "partners", lambda: step_partners(ctx, run, site_cfg))
    if not keywords or run.checked + run.unknown == 0:
        return run  # no check stored today: no report to build (an all-unknown day still alerts on coverage)
    rep = _step(ctx, run, "report", lambda: step_report(ctx, run, site_cfg))
    if rep is None:
        return run
    if ctx.app.config.report.confirm_drops == "recheck":
        rep = _step(ctx, run, "recheck", lambda: step_recheck(ctx, run, site_cfg, keywords, rep)) or rep
    _step(ctx, run, "audit", lambda: step_audit(ctx, run, site_cfg, keywords, rep))
    final = _step(ctx, run, "report", lambda: step_report(ctx, run, site_cfg)) or rep  # with today's audits
    _step(ctx, run, "files", lambda: step_files(ctx, run, site_cfg, final))
    if ctx.group is None:
        _step(ctx, run, "alerts", lambda: step_alerts(ctx, run, site_cfg, final))
    else:  # the other groups are not checked yet: their coverage would raise a false alarm
        why = (f"this run checked group {ctx.group} only: alerts wait for a whole-site run "
               "(or `seowatch alerts send` after the last group)")
        _step(ctx, run, "alerts", lambda: (SKIPPED, why, None))
    return run


def _interruption(stop: BaseException) -> int | None:
    """The exit status of a run stopped by a signal (None: not an interruption). While a crawl child
    runs, `CrawlChild.run` turns SIGTERM into SystemExit(143) itself, after stopping the child."""
    if isinstance(stop, Interrupted):
        return stop.exit_code
    if isinstance(stop, KeyboardInterrupt):
        return 128 + signal.SIGINT
    if isinstance(stop, SystemExit) and stop.code == 128 + signal.SIGTERM:
        return stop.code
    return None


@click.command("run-daily", epilog=EXIT_STATUSES)
@click.option("--site", "-s", help="Only this site (its domain or name); default: every configured site.")
@click.option("--group", "-g", help="Only the keywords of this group; alerts then wait for a whole-site run.")
@click.option("--date", "day", help="Record everything under this day (YYYY-MM-DD; default today in the config's "
                                    "timezone): for backfills and the demo.")
@click.option("--fast", is_flag=True, help="No politeness delays: for the local sandbox only, never for real engines.")
@click.option("--dry-run-alerts", "eml_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Write the alert digests as .eml files into this folder instead of sending them.")
@click.option("--verbose", "-v", is_flag=True, help="Print each step as it ends (they always go to the log file).")
@pass_app
def run_daily(app: App, site: str | None, group: str | None, day: str | None, fast: bool, eml_dir: Path | None,
              verbose: bool) -> None:
    """Run the whole day, made for cron: check the rankings, the link partners when they are due
    ([partners] every_days), re-check the drops seen once ([report] confirm_drops = "recheck": a
    second observation the same day confirms them), audit the landing pages of the keywords that
    moved, write the report files (HTML, Markdown, CSV, JSON into [report] output_dir) and send
    the alerts (digests an earlier run left queued first).

    A step that fails is logged and the run goes on where it can: a failed partner check does not
    stop the report. Every step is appended to <data_dir>/logs/run-daily.log with its counts and
    duration. Nothing is printed unless something failed (or with --verbose): cron mails only the
    runs that need a look. A lock in the data folder keeps two runs from overlapping: the second
    one exits 4 and names the first. SIGTERM stops the run between two stored checks.

    \b
    Example:
      seowatch run-daily
      seowatch run-daily --site example.com --verbose
      seowatch run-daily --date 2026-11-24 --fast --dry-run-alerts /tmp/eml   # against the sandbox
    """
    run_day = parse_day(day, app)
    cfg = app.config
    plans = preflight(app, selected_sites(app, site), group)
    log = RunLog(cfg.data_dir / "logs" / LOG_FILE, clock=app.now, tz=app.tz, pid=os.getpid(),
                 echo=click.echo if verbose else None)
    options = (("--site", site), ("--group", group), ("--date", day))
    command = "run-daily" + "".join(f" {o} {v}" for o, v in options if v)
    lock = RunLock(cfg.data_dir / LOCK_FILE, now=app.now(), command=command)
    try:
        lock.acquire()
    except LockHeld as held:
        who = held.holder.describe(app.tz)
        log.write(f"{command}: not started: another run ({who}) holds {held.path}")
        fail(f"another run-daily ({who}) is still going; this one does not start (lock: {held.path})", EXIT_LOCKED)
    started = time.monotonic()
    ctx = Context(app, run_day, fast, group, eml_dir, log, progress=sys.stderr.isatty())
    code = None
    try:
        with sigterm_interrupts():
            log.write(f"{command} started: day {run_day.isoformat()}, sites {', '.join(p.cfg.label for p in plans)}, "
                      f"config {Path(app.config_path).resolve()}")
            try:
                for plan in plans:
                    run_site(ctx, plan)
                code = run_status(ctx.runs)
            except (Interrupted, KeyboardInterrupt, SystemExit) as stop:
                code = _interruption(stop)
                if code is None:
                    raise
                log.write(f"{command} interrupted by {STATUS_TEXT[code].removeprefix('stopped by ')} after "
                          f"{duration(time.monotonic() - started)}: every check stored is complete; a re-run the same "
                          "day checks the rest")
                click.echo(f"seowatch: run-daily {STATUS_TEXT[code]}; see {log.path}", err=True)
    finally:
        if code is None:  # an error no step caught, or a configuration error raised by a step
            log.write(f"{command} stopped by an error after {duration(time.monotonic() - started)}")
        lock.release()
    log.write(f"{command} finished: exit {code} ({STATUS_TEXT[code]}) in {duration(time.monotonic() - started)}")
    if code in (EXIT_FAILED, EXIT_PARTIAL) and ctx.runs:
        click.echo(f"run-daily {run_day.isoformat()}: {STATUS_TEXT[code]} (exit {code}); log: {log.path}")
        for line in summary_lines(ctx.runs):
            click.echo(f"  {line}")
    sys.exit(code)


COMMANDS = [run_daily]
