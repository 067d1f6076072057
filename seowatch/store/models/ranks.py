"""Rank-tracking tables: sites, keywords, rank checks and every result page they saw."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

STATUS_RANKED = "ranked"
STATUS_NOT_RANKED = "not_ranked"
STATUS_UNKNOWN = "unknown"
STATUSES = (STATUS_RANKED, STATUS_NOT_RANKED, STATUS_UNKNOWN)

KIND_ORGANIC = "organic"
KIND_AD = "ad"
KIND_SPECIAL = "special"


class Site(SQLModel, table=True):
    __tablename__ = "site"

    id: int | None = Field(default=None, primary_key=True)
    domain: str = Field(index=True, unique=True)
    name: str | None = None


class Keyword(SQLModel, table=True):
    """A tracked keyword: as entered (for display) and normalized (for identity)."""

    __tablename__ = "keyword"
    __table_args__ = (UniqueConstraint("site_id", "normalized", name="uq_keyword_site_normalized"),)

    id: int | None = Field(default=None, primary_key=True)
    site_id: int = Field(foreign_key="site.id", index=True)
    text: str
    normalized: str = Field(index=True)
    group_name: str | None = None
    tags: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    engines: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    volume: int | None = None
    target: str | None = None
    active: bool = True


class RankCheck(SQLModel, table=True):
    """One check of one keyword on one engine and device on one day.

    status is ranked (position set), not_ranked (every page down to the depth was read and we
    were not there) or unknown (unknown_reason says why; position is never set).
    """

    __tablename__ = "rank_check"
    __table_args__ = (
        UniqueConstraint("keyword_id", "engine", "device", "day", name="uq_rank_check_key"),
        Index("ix_rank_check_day", "day"),
    )

    id: int | None = Field(default=None, primary_key=True)
    keyword_id: int = Field(foreign_key="keyword.id", index=True)
    engine: str
    device: str
    day: date
    status: str
    position: int | None = None
    block_position: int | None = None
    page: int | None = None  # result page our best result was on
    url: str | None = Field(default=None, sa_column=Column(Text))
    owner_kind: str | None = None  # "site" or "asset" when ranked
    depth: int  # results asked for
    depth_scanned: int = 0  # organic results actually read
    pages_fetched: int = 0
    unknown_reason: str | None = None  # captcha, consent, http_403, timeout, parse_error ...
    unknown_detail: str | None = Field(default=None, sa_column=Column(Text))
    fetched_at: datetime


class RankObservation(SQLModel, table=True):
    """Every known result a crawl saw for a key and day, re-runs included (the check keeps the latest).

    Reports use them to confirm a drop with a second observation on the same day."""

    __tablename__ = "rank_observation"
    __table_args__ = (Index("ix_rank_observation_key", "keyword_id", "engine", "device", "day"),)

    id: int | None = Field(default=None, primary_key=True)
    keyword_id: int = Field(foreign_key="keyword.id")
    engine: str
    device: str
    day: date
    status: str
    position: int | None = None
    page: int | None = None
    depth_scanned: int = 0
    url: str | None = Field(default=None, sa_column=Column(Text))
    fetched_at: datetime


class SerpPageRecord(SQLModel, table=True):
    """One fetched result page of a check, whatever it turned out to be."""

    __tablename__ = "serp_page"
    __table_args__ = (UniqueConstraint("check_id", "page_no", name="uq_serp_page_check_page"),)

    id: int | None = Field(default=None, primary_key=True)
    check_id: int = Field(foreign_key="rank_check.id", index=True)
    page_no: int
    url: str = Field(sa_column=Column(Text, nullable=False))
    http_status: int | None = None
    failure: str | None = None  # why the page is not a ranking: captcha, http_503, timeout ...
    parse_error: str | None = None
    encoding: str | None = None
    organic_count: int = 0
    ads_count: int = 0
    ads_domains: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    related_searches: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    query_echo: str | None = None
    fetched_at: datetime


class SerpResult(SQLModel, table=True):
    """Every block seen on a fetched page: organic results, ads and special cards."""

    __tablename__ = "serp_result"

    id: int | None = Field(default=None, primary_key=True)
    check_id: int = Field(foreign_key="rank_check.id", index=True)
    page_no: int
    kind: str  # organic, ad, special
    position: int | None = None  # overall organic rank across pages (organic only)
    page_position: int | None = None  # organic rank on its page
    block_position: int | None = None
    url: str | None = Field(default=None, sa_column=Column(Text))
    link: str | None = Field(default=None, sa_column=Column(Text))
    domain: str | None = Field(default=None, index=True)
    display_url: str | None = Field(default=None, sa_column=Column(Text))
    title: str | None = Field(default=None, sa_column=Column(Text))
    snippet: str | None = Field(default=None, sa_column=Column(Text))
    special_kind: str | None = None
    owner: str | None = None  # site, asset, competitor
    owner_name: str | None = None  # which competitor or asset pattern


class ResolvedLink(SQLModel, table=True):
    """Engine redirect links (baidu.com/link?url=...) already resolved to their target."""

    __tablename__ = "resolved_link"

    link_hash: str = Field(primary_key=True, max_length=40)  # sha1 of the link
    engine: str
    link: str = Field(sa_column=Column(Text, nullable=False))
    url: str = Field(sa_column=Column(Text, nullable=False))
    resolved_at: datetime


def as_dict(row: SQLModel) -> dict[str, Any]:
    return row.model_dump()
