"""Link-exchange tables: the partners of a site with their standing, and every check of them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


class Partner(SQLModel, table=True):
    """A link-exchange partner as configured, with its standing after the latest check."""

    __tablename__ = "partner"
    __table_args__ = (UniqueConstraint("site_id", "page", name="uq_partner_site_page"),)

    id: int | None = Field(default=None, primary_key=True)
    site_id: int = Field(foreign_key="site.id", index=True)
    page: str = Field(sa_column=Column(Text, nullable=False))  # where our link should be
    target: str | None = Field(default=None, sa_column=Column(Text))  # None: any URL on our domain
    anchor: str | None = None
    our_page: str | None = Field(default=None, sa_column=Column(Text))
    note: str | None = Field(default=None, sa_column=Column(Text))
    contact: str | None = None
    active: bool = True
    # Standing (seowatch.crawlers.partnerhistory): ok, pending, lost; None before the first check.
    state: str | None = None
    state_since: datetime | None = None
    consecutive_failures: int = 0
    first_seen: datetime | None = None
    last_seen_ok: datetime | None = None
    last_checked: datetime | None = None


class PartnerCheck(SQLModel, table=True):
    """One check of one partner: the statuses with their evidence, and what the fetch saw."""

    __tablename__ = "partner_check"
    __table_args__ = (Index("ix_partner_check_partner_time", "partner_id", "checked_at"),)

    id: int | None = Field(default=None, primary_key=True)
    partner_id: int = Field(foreign_key="partner.id", index=True)
    day: date = Field(index=True)
    checked_at: datetime
    status: str  # the headline (most severe) status
    statuses: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    evidence: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    transient: bool = False
    state: str  # the partner's standing after this check
    consecutive_failures: int = 0
    event: str | None = None  # "lost" / "recovered" when this check flipped the standing
    # The fetch
    url: str = Field(sa_column=Column(Text, nullable=False))
    final_url: str | None = Field(default=None, sa_column=Column(Text))
    http_status: int | None = None
    redirects: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    response_ms: int | None = None
    failure: str | None = None  # unreachable: dns_error, connection_refused, timeout ...
    failure_detail: str | None = Field(default=None, sa_column=Column(Text))
    attempts: int = 1
    # The page
    encoding: str | None = None
    title: str | None = Field(default=None, sa_column=Column(Text))
    outbound_links: int | None = None
    links_to_us: int = 0
    link: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))  # the best link to us
    found_on: str | None = Field(default=None, sa_column=Column(Text))
    page_facts: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    reciprocal: bool | None = None  # our page links back (None: not configured or unreadable)
    reciprocal_detail: str | None = Field(default=None, sa_column=Column(Text))
    notes: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
