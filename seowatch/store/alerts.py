"""Reading and writing the alert outbox: record before sending, claim, mark sent, keep failures queued."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta

from sqlalchemy import or_, update
from sqlmodel import Session, select

from seowatch.store.models.alerts import (
    OUTBOX_FAILED,
    OUTBOX_QUEUED,
    OUTBOX_SENDING,
    OUTBOX_SENT,
    OUTBOX_UNKNOWN,
    AlertKey,
    AlertOutbox,
)


def known_keys(session: Session, site: str, day: date) -> set[str]:
    """Alert keys already decided for a site and day, whatever became of their delivery."""
    q = select(AlertKey.key).where(AlertKey.site == site, AlertKey.day == day)
    return set(session.exec(q))


def record(session: Session, keys: Iterable[tuple[str, str]], rows: Sequence[AlertOutbox], *, digest: str, site: str,
           day: date, now: datetime) -> list[AlertOutbox]:
    """Write the decided keys (key, rule) and the queued outbox rows; the caller commits before sending.

    A key decided twice (two runs at once) violates the key's uniqueness and the transaction fails."""
    for key, rule in keys:
        session.add(AlertKey(key=key, digest=digest, site=site, day=day, rule=rule, created_at=now))
    for row in rows:
        session.add(row)
    session.flush()
    return list(rows)


def due(session: Session, now: datetime, *, stale_after: timedelta, include_failed: bool = False,
        include_unknown: bool = False, site: str | None = None) -> list[AlertOutbox]:
    """Rows to deliver now: queued ones, `sending` ones left by a crash (older than `stale_after`, so a
    run still sending is not raced), and on request failed / unknown_delivery ones. Oldest first."""
    statuses = [OUTBOX_QUEUED]
    statuses += [OUTBOX_FAILED] if include_failed else []
    statuses += [OUTBOX_UNKNOWN] if include_unknown else []
    q = select(AlertOutbox).where(or_(
        AlertOutbox.status.in_(statuses),
        (AlertOutbox.status == OUTBOX_SENDING) & (AlertOutbox.sending_at <= now - stale_after),
    ))
    if site:
        q = q.where(AlertOutbox.site == site)
    return list(session.exec(q.order_by(AlertOutbox.created_at, AlertOutbox.id)))


def claim(session: Session, row: AlertOutbox, now: datetime) -> bool:
    """Move a row to `sending` (one more attempt) if it is still in the state we read; False if another
    run took it meanwhile. The caller commits before it sends."""
    stmt = (
        update(AlertOutbox)
        .where(AlertOutbox.id == row.id, AlertOutbox.status == row.status, AlertOutbox.attempts == row.attempts)
        .values(status=OUTBOX_SENDING, sending_at=now, attempts=row.attempts + 1)
    )
    return session.exec(stmt).rowcount == 1  # type: ignore[call-overload]


def _set(session: Session, row_id: int, **values) -> None:
    session.exec(update(AlertOutbox).where(AlertOutbox.id == row_id).values(**values))  # type: ignore[call-overload]


def mark_sent(session: Session, row_id: int, now: datetime, note: str | None = None) -> None:
    _set(session, row_id, status=OUTBOX_SENT, sent_at=now, last_error=note)


def mark_failed(session: Session, row_id: int, error: str, *, attempts: int, max_attempts: int) -> str:
    """Keep a failed row queued for the next run, or give up after max_attempts; returns the status."""
    status = OUTBOX_FAILED if attempts >= max_attempts else OUTBOX_QUEUED
    _set(session, row_id, status=status, last_error=error)
    return status


def mark_unknown(session: Session, row_id: int, note: str) -> None:
    _set(session, row_id, status=OUTBOX_UNKNOWN, last_error=note)


def outbox(session: Session, *, site: str | None = None, status: str | None = None, day: date | None = None,
           limit: int = 100) -> list[AlertOutbox]:
    """Outbox rows, newest first."""
    q = select(AlertOutbox)
    if site:
        q = q.where(AlertOutbox.site == site)
    if status:
        q = q.where(AlertOutbox.status == status)
    if day:
        q = q.where(AlertOutbox.day == day)
    return list(session.exec(q.order_by(AlertOutbox.created_at.desc(), AlertOutbox.id.desc()).limit(limit)))
