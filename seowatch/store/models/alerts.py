"""Alert outbox tables: every digest written before it is sent, and every alert key decided once."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Column, Index, LargeBinary, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

OUTBOX_QUEUED = "queued"  # written, not sent yet (or the last try failed: it is tried again)
OUTBOX_SENDING = "sending"  # handed to the server; found so at the next run = a crash between send and mark
OUTBOX_SENT = "sent"
OUTBOX_FAILED = "failed"  # gave up after alerts.max_attempts; `seowatch alerts retry` tries again
OUTBOX_UNKNOWN = "unknown_delivery"  # a chat message that may or may not have gone out (no Message-ID)
OUTBOX_STATUSES = (OUTBOX_QUEUED, OUTBOX_SENDING, OUTBOX_SENT, OUTBOX_FAILED, OUTBOX_UNKNOWN)

CHANNEL_EMAIL = "email"  # other channels are named by the environment variable holding their Apprise URL


class AlertOutbox(SQLModel, table=True):
    """One digest on one channel: what to send (never a secret) and how its delivery went."""

    __tablename__ = "alert_outbox"
    __table_args__ = (
        UniqueConstraint("digest", "channel", name="uq_alert_outbox_digest_channel"),
        Index("ix_alert_outbox_status", "status"),
        Index("ix_alert_outbox_site_day", "site", "day"),
    )

    id: int | None = Field(default=None, primary_key=True)
    digest: str  # the digest's key: site, day and a hash of the alert keys it carries
    site: str  # the site's domain
    day: date
    channel: str
    message_id: str | None = None  # email: the same on every try, so a resend after a crash is a duplicate
    subject: str = Field(sa_column=Column(Text, nullable=False))
    text_body: str = Field(sa_column=Column(Text, nullable=False))
    html_body: str | None = Field(default=None, sa_column=Column(Text))
    recipients: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    alert_keys: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    attachment_name: str | None = None
    attachment: bytes | None = Field(default=None, sa_column=Column(LargeBinary))
    status: str = OUTBOX_QUEUED
    attempts: int = 0
    last_error: str | None = Field(default=None, sa_column=Column(Text))
    created_at: datetime
    sending_at: datetime | None = None
    sent_at: datetime | None = None


class AlertKey(SQLModel, table=True):
    """An alert decided: `site|day|rule|...`, unique, so no alert is decided (and sent) twice."""

    __tablename__ = "alert_key"
    __table_args__ = (Index("ix_alert_key_site_day", "site", "day"),)

    key: str = Field(primary_key=True)
    digest: str = Field(index=True)
    site: str
    day: date
    rule: str
    created_at: datetime
