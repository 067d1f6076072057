"""Landing-page audit tables: what each audited page showed, per keyword, URL and day."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

ROLE_OURS = "ours"  # our page that ranks for the keyword
ROLE_TARGET = "target"  # the keyword's configured target page (when it is not the one ranking)
ROLE_COMPETITOR = "competitor"  # a top organic result that is not ours
ROLES = (ROLE_OURS, ROLE_TARGET, ROLE_COMPETITOR)


class PageAuditRecord(SQLModel, table=True):
    """One audit of one page for one keyword on one day (a re-run that day replaces it).

    status is None when the page could not be fetched (error says why). The findings list holds
    {code, message} problems; coverage is the keyword coverage (see seowatch.keywords.coverage).
    """

    __tablename__ = "page_audit"
    __table_args__ = (UniqueConstraint("keyword_id", "url_hash", "day", name="uq_page_audit_key"),)

    id: int | None = Field(default=None, primary_key=True)
    keyword_id: int = Field(foreign_key="keyword.id", index=True)
    day: date = Field(index=True)
    url: str = Field(sa_column=Column(Text, nullable=False))
    url_hash: str = Field(max_length=40)  # sha1 of url: URLs can be longer than an index entry allows
    role: str  # ours, target, competitor
    engine: str | None = None  # the engine whose ranking chose this page
    rank: int | None = None  # its organic position there
    owner_name: str | None = None  # the configured competitor, or the page's domain
    final_url: str | None = Field(default=None, sa_column=Column(Text))
    status: int | None = None
    error: str | None = None
    redirects: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    response_ms: int | None = None
    encoding: str | None = None
    title: str | None = Field(default=None, sa_column=Column(Text))
    description: str | None = Field(default=None, sa_column=Column(Text))
    h1: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    h2: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    canonical: str | None = Field(default=None, sa_column=Column(Text))
    meta_robots: str | None = Field(default=None, sa_column=Column(Text))  # robots metas as found
    x_robots_tag: str | None = Field(default=None, sa_column=Column(Text))
    noindex: bool = False
    noindex_evidence: str | None = Field(default=None, sa_column=Column(Text))
    body_chars: int = 0
    chinese_chars: int = 0
    internal_links: int = 0
    outbound_links: int = 0
    images: int = 0
    images_without_alt: int = 0
    structured_data: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    coverage: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    findings: list[dict[str, str]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    fetched_at: datetime
