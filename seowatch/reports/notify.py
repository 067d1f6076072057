"""Alerts end to end: decide, write to the outbox, render, deliver; and retry what is still queued.

The outbox protocol, so that nothing is lost and nothing is sent twice:
1. the digest's rows are written `queued`, with the alert keys they carry, and committed before any
   sending (a crash now leaves them queued: the next run sends them);
2. a row is claimed (`sending`, one more attempt) and committed; 3. it is sent; 4. it is marked
   `sent` and committed. A failed send puts it back to `queued` with the error, for the next run.
A row still `sending` at the next run means a crash between 3 and 4: it may have gone out. An
email is sent again with the SAME Message-ID: many mailboxes (Gmail among them) treat a second
message with an ID they already hold as a duplicate, and that is the only check a sender can make.
A chat message has no such ID, so it is marked `unknown_delivery` and shown by `seowatch alerts
list`, and resent only when the config says so (chat.resend_unknown) or the user asks
(`seowatch alerts retry --resend-unknown`).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from sqlmodel import Session

from seowatch.reports.alert_html import render_html_part
from seowatch.reports.alert_render import Digest, render_chat, render_text, subject
from seowatch.reports.alerts import Alert, AlertRules, decide
from seowatch.reports.deliver import (
    DeliveryError,
    SmtpSettings,
    build_message,
    message_id,
    send_chat,
    send_email,
    write_eml,
)
from seowatch.reports.model import Report
from seowatch.store import alerts as store
from seowatch.store.models.alerts import CHANNEL_EMAIL, OUTBOX_QUEUED, OUTBOX_SENDING, AlertOutbox

log = logging.getLogger(__name__)

DRY_RUN_SENDER = "seowatch@localhost"  # a dry run before [email] is configured
SessionFactory = Callable[[], AbstractContextManager[Session]]  # e.g. functools.partial(session_scope, engine)


@dataclass(frozen=True)
class Channels:
    """Where digests go, as values the CLI read from the config and the environment."""

    smtp: SmtpSettings | None = None  # None: email is not configured
    smtp_problem: str | None = None  # e.g. a password variable that is not set: email rows wait, queued
    chat: dict[str, str | None] = field(default_factory=dict)  # env variable name -> Apprise URL (None: unset)
    resend_unknown_chat: bool = False
    max_attempts: int = 10
    stale_after: timedelta = timedelta(minutes=15)  # a `sending` row older than this was left by a crash


@dataclass
class Outcome:
    """What a notify or retry did, for the command's output and run-daily's summary."""

    alerts: list[Alert] = field(default_factory=list)
    digest: str | None = None
    sent: list[str] = field(default_factory=list)  # "channel digest"
    queued: list[str] = field(default_factory=list)  # "channel digest: error" (tried again next run)
    failed: list[str] = field(default_factory=list)  # gave up after max_attempts
    unknown: list[str] = field(default_factory=list)  # chat rows that may have gone out before a crash
    files: list[Path] = field(default_factory=list)  # --dry-run output
    notes: list[str] = field(default_factory=list)

    def merge(self, other: Outcome) -> None:
        for name in ("sent", "queued", "failed", "unknown", "files", "notes"):
            getattr(self, name).extend(getattr(other, name))


def digest_key(site: str, day, keys: Sequence[str]) -> str:
    """Site, day and a hash of the alert keys: stable for one digest, usable inside a Message-ID."""
    h = hashlib.sha1("\n".join(sorted(keys)).encode()).hexdigest()[:12]
    return f"{site}.{day:%Y%m%d}.{h}"


def render_digest(report: Report, alerts: Sequence[Alert], *, site: str, link: str | None = None,
                  attachment: str | None = None) -> Digest:
    return Digest(
        subject=subject(report, alerts),
        text=render_text(report, alerts, site=site, link=link, attachment=attachment),
        html=render_html_part(report, alerts, site=site, link=link, attachment=attachment),
        chat=render_chat(report, alerts, site=site, link=link),
    )


def notify(
    session_factory: SessionFactory,
    report: Report,
    *,
    site: str,
    recipients: Sequence[str],
    rules: AlertRules,
    channels: Channels,
    now: datetime,
    link: str | None = None,
    attachment: tuple[str, bytes] | None = None,
    dry_run_dir: Path | None = None,
) -> Outcome:
    """Decide the report's new alerts, queue one digest per channel, and send it.

    site: the site's domain (keys and the outbox use it); dry_run_dir: write .eml / .txt files there
    instead of sending, and change nothing in the store."""
    day = report.run_date
    with session_factory() as session:
        known = store.known_keys(session, site, day)
    alerts = decide(report, rules, known, site=site)
    out = Outcome(alerts=alerts)
    if not alerts:
        return out
    keys = [a.key for a in alerts]
    out.digest = digest = digest_key(site, day, keys)
    rendered = render_digest(report, alerts, site=site, link=link, attachment=attachment[0] if attachment else None)
    rows = _rows(rendered, digest=digest, site=site, day=day, keys=keys, recipients=recipients, channels=channels,
                 attachment=attachment, now=now, notes=out.notes, always_email=dry_run_dir is not None)
    if dry_run_dir is not None:
        for row in rows:
            out.files.append(_write_dry(row, channels, dry_run_dir))
        return out
    if not rows:
        out.notes.append(f"{site}: {len(alerts)} alerts, but no channel to send them by: configure [email] (with "
                         "recipients) or [chat]; nothing was recorded, so they are decided again next time")
        return out
    with session_factory() as session:  # committed here, before anything is sent
        store.record(session, [(a.key, a.rule) for a in alerts], rows, digest=digest, site=site, day=day, now=now)
    out.merge(_deliver_all(session_factory, rows, channels, now))
    return out


def retry(session_factory: SessionFactory, channels: Channels, now: datetime, *, include_failed: bool = False,
          resend_unknown: bool = False, site: str | None = None, dry_run_dir: Path | None = None) -> Outcome:
    """Send what earlier runs left queued (and rows a crash left `sending`); call at the start of every run."""
    with session_factory() as session:
        rows = store.due(session, now, stale_after=channels.stale_after, include_failed=include_failed,
                         include_unknown=resend_unknown, site=site)
    out = Outcome()
    if dry_run_dir is not None:
        for row in rows:
            out.files.append(_write_dry(row, channels, dry_run_dir))
        return out
    out.merge(_deliver_all(session_factory, rows, channels, now, force_chat=resend_unknown))
    return out


def _rows(d: Digest, *, digest: str, site: str, day, keys: list[str], recipients: Sequence[str], channels: Channels,
          attachment: tuple[str, bytes] | None, now: datetime, notes: list[str], always_email: bool = False,
          ) -> list[AlertOutbox]:
    """The digest's outbox rows, one per channel. always_email: a dry run shows the email even before
    [email] is configured."""
    rows = []
    common = dict(digest=digest, site=site, day=day, alert_keys=keys, created_at=now)
    if channels.smtp is not None or channels.smtp_problem or always_email:
        if not recipients:
            notes.append(f"{site}: no email recipients (set recipients in the site's [[sites]] entry or in [email])")
        if recipients or always_email:
            sender = channels.smtp.sender if channels.smtp else DRY_RUN_SENDER
            rows.append(AlertOutbox(
                channel=CHANNEL_EMAIL, message_id=message_id(digest, sender), subject=d.subject, text_body=d.text,
                html_body=d.html, recipients=list(recipients), attachment_name=attachment[0] if attachment else None,
                attachment=attachment[1] if attachment else None, **common,
            ))
    for env in channels.chat:
        rows.append(AlertOutbox(channel=env, subject=d.subject, text_body=d.chat, **common))
    return rows


def _message(row: AlertOutbox, sender: str):
    return build_message(
        sender=sender, recipients=row.recipients, subject=row.subject, text=row.text_body, html=row.html_body,
        message_id=row.message_id or message_id(row.digest, sender), date=row.created_at,
        attachment=(row.attachment_name, row.attachment) if row.attachment_name and row.attachment else None,
        headers={"X-Seowatch-Site": row.site, "X-Seowatch-Day": row.day.isoformat()},
    )


def _write_dry(row: AlertOutbox, channels: Channels, folder: Path) -> Path:
    if row.channel == CHANNEL_EMAIL:
        sender = channels.smtp.sender if channels.smtp else DRY_RUN_SENDER
        return write_eml(_message(row, sender), folder, f"{row.digest}.eml")
    return write_eml(f"{row.subject}\n\n{row.text_body}\n".encode(), folder, f"{row.digest}.{row.channel}.txt")


def _deliver_all(session_factory: SessionFactory, rows: Sequence[AlertOutbox], channels: Channels, now: datetime,
                 *, force_chat: bool = False) -> Outcome:
    out = Outcome()
    for row in rows:
        _deliver(session_factory, row, channels, now, out, force_chat=force_chat)
    return out


def _deliver(session_factory: SessionFactory, row: AlertOutbox, channels: Channels, now: datetime, out: Outcome,
             *, force_chat: bool) -> None:
    label = f"{row.channel} {row.digest}"
    is_email = row.channel == CHANNEL_EMAIL
    with session_factory() as session:
        if row.status == OUTBOX_SENDING and not is_email and not (channels.resend_unknown_chat or force_chat):
            # A crash between send and mark: the message may be in the chat already and has no ID to
            # deduplicate on, so it is not sent a second time unless the user says so.
            store.mark_unknown(session, row.id, "the run stopped while sending: it may or may not have arrived "
                                                "(seowatch alerts retry --resend-unknown sends it again)")
            out.unknown.append(label)
            return
        if not store.claim(session, row, now):
            return  # another run has it
    try:
        note = _send(row, channels)
    except DeliveryError as exc:
        error = str(exc)
        with session_factory() as session:
            status = store.mark_failed(session, row.id, error, attempts=row.attempts + 1,
                                       max_attempts=channels.max_attempts)
        (out.queued if status == OUTBOX_QUEUED else out.failed).append(f"{label}: {error}")
        log.info("alert digest %s on %s not sent: %s", row.digest, row.channel, error)  # the caller reports it
        return
    with session_factory() as session:
        store.mark_sent(session, row.id, now, note)
    out.sent.append(label)
    log.info("alert digest %s sent on %s", row.digest, row.channel)


def _send(row: AlertOutbox, channels: Channels) -> str | None:
    """Send one row; a note when it went out only in part; DeliveryError when it did not go."""
    if row.channel == CHANNEL_EMAIL:
        if channels.smtp is None:
            raise DeliveryError(channels.smtp_problem or "email is not configured ([email] in the config)")
        # A row left `sending` by a crash goes out again with its stored Message-ID: see the module docstring.
        refused = send_email(_message(row, channels.smtp.sender), channels.smtp, row.recipients)
        if refused:
            return "refused by the server for: " + ", ".join(sorted(refused))
        return None
    if row.channel not in channels.chat:
        raise DeliveryError("no longer listed in chat.urls_env")
    url = channels.chat[row.channel]
    if not url:
        raise DeliveryError("the environment variable is not set")
    send_chat(url, row.subject, row.text_body, channel=row.channel)
    return None

