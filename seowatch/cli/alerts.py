"""`seowatch alerts send|list|retry`: decide and deliver a day's alerts, and look after the outbox."""

from __future__ import annotations

import sys
from datetime import timedelta
from functools import partial
from pathlib import Path

import click

from seowatch.cli import EXIT_CONFIG, EXIT_FAILED, App, echo_json, fail, pass_app
from seowatch.cli.crawl import selected_sites
from seowatch.config import SiteConfig
from seowatch.reports.alert_render import report_link
from seowatch.reports.alerts import AlertRules
from seowatch.reports.deliver import SmtpSettings
from seowatch.reports.model import Report
from seowatch.reports.notify import Channels, Outcome, notify, retry
from seowatch.store.database import session_scope
from seowatch.store.models.alerts import OUTBOX_STATUSES

DEFAULT_EML_DIR = "alerts-dry-run"


def channels_of(app: App) -> Channels:
    """Email and chat settings from the config, secrets from the environment (never printed).

    A variable that is not set does not stop the run: that channel's digests wait in the outbox
    with the reason, and a warning says which variable to set."""
    cfg = app.config
    smtp, problem = None, None
    if cfg.email is not None:
        e = cfg.email
        missing = [f"email.{k} names {n}" for k, n in (("username_env", e.username_env), ("password_env", e.password_env))
                   if n and not app.environ.get(n)]
        if missing:
            problem = f"{' and '.join(missing)}, which is not set in the environment"
            click.echo(f"warning: {problem}; emails stay queued until it is", err=True)
        else:
            smtp = SmtpSettings(
                host=e.host, port=e.effective_port, security=e.security, sender=e.sender, timeout=e.timeout,
                username=app.environ.get(e.username_env) if e.username_env else None,
                password=app.environ.get(e.password_env) if e.password_env else None,
            )
    chat: dict[str, str | None] = {}
    for name in cfg.chat.urls_env:
        chat[name] = app.environ.get(name) or None
        if chat[name] is None:
            click.echo(f"warning: chat.urls_env names {name}, which is not set in the environment; "
                       "its messages stay queued until it is", err=True)
    return Channels(smtp=smtp, smtp_problem=problem, chat=chat, resend_unknown_chat=cfg.chat.resend_unknown,
                    max_attempts=cfg.alerts.max_attempts, stale_after=timedelta(minutes=15))


def recipients_of(app: App, site_cfg: SiteConfig) -> tuple[str, ...]:
    return site_cfg.recipients or (app.config.email.recipients if app.config.email else ())


def attachment_of(app: App, report: Report, site_cfg: SiteConfig) -> tuple[str, bytes] | None:
    if not app.config.alerts.attach_report:
        return None
    from seowatch.cli.report import report_path
    from seowatch.reports.render_html import render_html

    return report_path(Path("."), site_cfg.domain, report.run_date, "html").name, render_html(report).encode("utf-8")


def print_outcome(out: Outcome, label: str) -> None:
    for line in out.notes:
        click.echo(f"{label}: {line}", err=True)
    for line in out.sent:
        click.echo(f"sent: {line}")
    for line in out.queued:
        click.echo(f"queued (sent again by the next run): {line}", err=True)
    for line in out.failed:
        click.echo(f"failed (gave up; seowatch alerts retry --include-failed): {line}", err=True)
    for line in out.unknown:
        click.echo(f"unknown delivery (a run stopped while sending): {line}", err=True)
    for path in out.files:
        click.echo(f"wrote {path}")


def _session_factory(app: App):
    return partial(session_scope, app.engine)


@click.group()
def alerts() -> None:
    """Alerts by email and chat: send a day's digest, list the outbox, retry what is queued.

    Every alert is written to the outbox before it is sent and marked sent after, so an SMTP or
    webhook failure leaves it queued for the next run, and nothing is sent twice.

    \b
    Example:
      seowatch alerts send --dry-run
      seowatch alerts list --status queued
    """


@alerts.command("send")
@click.option("--site", "-s", help="Only this site (its domain or name).")
@click.option("--date", "day", help="The day whose report to alert on (YYYY-MM-DD; default: the latest day with checks).")
@click.option("--dry-run", is_flag=True, help="Write .eml files (and chat texts) instead of sending; change nothing.")
@click.option("--eml-dir", type=click.Path(file_okay=False, path_type=Path),
              help=f"Where --dry-run writes (default: {DEFAULT_EML_DIR}/ in the data folder).")
@pass_app
def send(app: App, site: str | None, day: str | None, dry_run: bool, eml_dir: Path | None) -> None:
    """Build each site's report for the day, decide its alerts and send one digest per site and channel.

    Alerts already sent (or queued) for a keyword, rule and day are never decided again, so a
    re-run the same day sends only what is new. Digests that earlier runs left queued are sent
    first. Exit status 1 when a digest could not be sent (it stays queued).

    \b
    Example:
      seowatch alerts send
      seowatch alerts send --site example.com --date 2026-11-24 --dry-run --eml-dir /tmp/eml
    """
    from seowatch.cli.report import build_site_report

    if eml_dir is not None and not dry_run:
        fail("--eml-dir goes with --dry-run", EXIT_CONFIG)
    cfg = app.config
    sites = selected_sites(app, site)
    channels = channels_of(app)
    folder = (eml_dir or cfg.data_dir / DEFAULT_EML_DIR) if dry_run else None
    sf = _session_factory(app)
    now = app.now()
    code = 0
    if not dry_run:
        earlier = retry(sf, channels, now, site=sites[0].domain if site else None)
        print_outcome(earlier, "earlier digests")
        code = EXIT_FAILED if earlier.queued or earlier.failed else 0
    rules = AlertRules.from_config(cfg.alerts)
    for site_cfg in sites:
        rep = build_site_report(app, site_cfg, day)
        if isinstance(rep, str):
            click.echo(f"seowatch: {rep}", err=True)
            code = EXIT_FAILED
            continue
        out = notify(
            sf, rep, site=site_cfg.domain, recipients=recipients_of(app, site_cfg), rules=rules, channels=channels,
            now=now, link=report_link(cfg.alerts.report_url, site_cfg.label, site_cfg.domain, rep.run_date),
            attachment=attachment_of(app, rep, site_cfg), dry_run_dir=folder,
        )
        if not out.alerts:
            click.echo(f"{site_cfg.label} {rep.run_date.isoformat()}: nothing new to alert")
            continue
        n = len(out.alerts)
        click.echo(f"{site_cfg.label} {rep.run_date.isoformat()}: {n} alert{'s' if n != 1 else ''} in digest {out.digest}")
        print_outcome(out, site_cfg.label)
        if out.queued or out.failed:
            code = EXIT_FAILED
    sys.exit(code)


@alerts.command("list")
@click.option("--site", "-s", help="Only this site (its domain or name).")
@click.option("--status", type=click.Choice(OUTBOX_STATUSES), help="Only digests in this state.")
@click.option("--date", "day", help="Only digests of this day (YYYY-MM-DD).")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1), help="At most this many, newest first.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@pass_app
def list_(app: App, site: str | None, status: str | None, day: str | None, limit: int, as_json: bool) -> None:
    """List the outbox: each digest on each channel with its state, attempts and last error.

    States: queued (waiting, or failed and tried again next run), sending, sent, failed (gave up
    after alerts.max_attempts), unknown_delivery (a chat message a crashed run may have sent).

    \b
    Example:
      seowatch alerts list
      seowatch alerts list --site example.com --status queued --json
    """
    from datetime import date as date_

    from seowatch.store.alerts import outbox

    domain = selected_sites(app, site)[0].domain if site else None
    try:
        on = date_.fromisoformat(day) if day else None
    except ValueError:
        fail(f"--date must be YYYY-MM-DD, got {day!r}", EXIT_CONFIG)
    with session_scope(app.engine) as session:
        rows = outbox(session, site=domain, status=status, day=on, limit=limit)
    if as_json:
        echo_json([{
            "id": r.id, "digest": r.digest, "site": r.site, "day": r.day, "channel": r.channel, "status": r.status,
            "attempts": r.attempts, "subject": r.subject, "recipients": r.recipients, "alert_keys": r.alert_keys,
            "message_id": r.message_id, "last_error": r.last_error, "created_at": r.created_at, "sent_at": r.sent_at,
        } for r in rows])
        return
    if not rows:
        click.echo("the outbox is empty" + (" for this selection" if site or status or day else ""))
        return
    for r in rows:
        tries = f"{r.attempts} {'try' if r.attempts == 1 else 'tries'}"
        when = f", sent {r.sent_at:%Y-%m-%d %H:%M} UTC" if r.sent_at else ""
        to = f" to {', '.join(r.recipients)}" if r.recipients else ""
        click.echo(f"#{r.id}  {r.day.isoformat()}  {r.site}  {r.channel}{to}  {r.status} ({tries}{when})")
        click.echo(f"    {r.subject}")
        if r.last_error:
            click.echo(f"    {'note' if r.status == 'sent' else 'last error'}: {r.last_error}")


@alerts.command("retry")
@click.option("--site", "-s", help="Only this site (its domain or name).")
@click.option("--include-failed", is_flag=True, help="Also digests given up after alerts.max_attempts.")
@click.option("--resend-unknown", is_flag=True,
              help="Also chat messages a crashed run may have sent (check the chat first: they may arrive twice).")
@click.option("--dry-run", is_flag=True, help="Write .eml files (and chat texts) of what would be sent; change nothing.")
@click.option("--eml-dir", type=click.Path(file_okay=False, path_type=Path),
              help=f"Where --dry-run writes (default: {DEFAULT_EML_DIR}/ in the data folder).")
@pass_app
def retry_(app: App, site: str | None, include_failed: bool, resend_unknown: bool, dry_run: bool,
           eml_dir: Path | None) -> None:
    """Send the digests still queued (every run does this first, too).

    An email found half-sent after a crash goes again with the same Message-ID, which mailboxes
    treat as a duplicate. Exit status 1 when something could still not be sent.

    \b
    Example:
      seowatch alerts retry
      seowatch alerts retry --include-failed --dry-run --eml-dir /tmp/eml
    """
    if eml_dir is not None and not dry_run:
        fail("--eml-dir goes with --dry-run", EXIT_CONFIG)
    domain = selected_sites(app, site)[0].domain if site else None
    folder = (eml_dir or app.config.data_dir / DEFAULT_EML_DIR) if dry_run else None
    out = retry(_session_factory(app), channels_of(app), app.now(), include_failed=include_failed,
                resend_unknown=resend_unknown, site=domain, dry_run_dir=folder)
    if not (out.sent or out.queued or out.failed or out.unknown or out.files):
        click.echo("nothing to retry")
    print_outcome(out, "retry")
    sys.exit(EXIT_FAILED if out.queued or out.failed else 0)


COMMANDS = [alerts]
