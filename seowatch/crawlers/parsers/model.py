"""Typed results of parsing one search-engine result page."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

# Why a page is not a result list. The crawl stores these as the unknown reason.
BLOCK_CAPTCHA = "captcha"
BLOCK_CONSENT = "consent"
BLOCK_UNUSUAL_TRAFFIC = "unusual_traffic"
BLOCK_SECURITY_CHECK = "security_check"

PARSE_ERROR_LAYOUT = "layout not recognised"


@dataclass(frozen=True, slots=True)
class OrganicResult:
    """One ordinary web result, ads and special cards excluded."""

    position: int  # 1-based organic rank on this page
    block_position: int | None  # place among all result blocks (engine's own counter when it has one)
    url: str | None  # real target when the page carries it
    link: str | None  # the href as written (may be an engine redirect)
    display_url: str | None  # shown URL or site name
    title: str
    snippet: str | None = None


@dataclass(frozen=True, slots=True)
class SpecialBlock:
    """A non-organic block: answer card, baike, video, news, images, knowledge panel, featured snippet."""

    kind: str
    title: str | None
    url: str | None
    block_position: int | None = None


@dataclass(frozen=True, slots=True)
class Ads:
    """Paid results on the page: how many, and the domains they advertise."""

    count: int = 0
    domains: tuple[str, ...] = ()


@dataclass(slots=True)
class SerpPage:
    """Everything one result page says, or why it says nothing."""

    engine: str
    url: str
    encoding: str | None = None
    blocked: str | None = None  # None, or a BLOCK_* reason
    no_results: bool = False  # the engine explicitly said it found nothing
    parse_error: str | None = None
    organic: list[OrganicResult] = field(default_factory=list)
    ads: Ads = field(default_factory=Ads)
    special: list[SpecialBlock] = field(default_factory=list)
    related_searches: list[str] = field(default_factory=list)
    query: str | None = None  # the query as the engine echoes it
    has_next: bool = False
    next_url: str | None = None
    decode_errors: int = 0  # replacement characters inserted because no encoding fit the bytes

    @property
    def ok(self) -> bool:
        """True when the page can be read as a ranking (possibly an explicit empty one)."""
        return self.blocked is None and self.parse_error is None

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["ads"] = {"count": self.ads.count, "domains": list(self.ads.domains)}
        return d
