"""Turning the pages of one check into ranked, not ranked, or unknown: the rule that makes numbers trustworthy.

A check is `not_ranked` only when every page down to the depth (or the engine's last page) was
fetched and parsed and every organic result's owner could be told. Anything else that did not
find us is `unknown` with the reason of the failure. Unknown never carries a position.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from seowatch.crawlers.matching import OWN_ASSET, OWN_SITE, SiteMatcher, domain_of, url_host
from seowatch.crawlers.parsers.model import SerpPage
from seowatch.store.models import (
    KIND_AD,
    KIND_ORGANIC,
    KIND_SPECIAL,
    STATUS_NOT_RANKED,
    STATUS_RANKED,
    STATUS_UNKNOWN,
)
from seowatch.store.ranks import CheckOutcome, CheckRow, PageRow, ResultRow

REASON_UNRESOLVED = "unresolved_links"


@dataclass
class FetchedPage:
    """One result page of a check, as the crawl ended up with it (after retries)."""

    page_no: int
    url: str
    fetched_at: datetime
    http_status: int | None = None
    serp: SerpPage | None = None
    failure: str | None = None  # captcha, http_503, timeout, truncated, parse_error ...
    failure_detail: str | None = None
    attempts: int = 1

    @property
    def reason(self) -> str | None:
        """Why this page cannot be read as a ranking (None when it can)."""
        if self.failure:
            return self.failure
        if self.serp is None:
            return "no_response"
        if self.serp.blocked:
            return self.serp.blocked
        if self.serp.parse_error:
            return "parse_error"
        return None

    @property
    def detail(self) -> str | None:
        return self.failure_detail or (self.serp.parse_error if self.serp is not None else None)

    @property
    def ok(self) -> bool:
        return self.reason is None


@dataclass
class CheckKey:
    keyword_id: int
    engine: str
    device: str
    day: date
    depth: int


@dataclass
class _Organic:
    page_no: int
    position: int
    page_position: int
    block_position: int | None
    url: str | None
    link: str | None
    display_url: str | None
    title: str
    snippet: str | None
    owner: str | None = None
    owner_name: str | None = None
    undecided: bool = False


@dataclass
class Decision:
    status: str
    position: int | None = None
    block_position: int | None = None
    page: int | None = None
    url: str | None = None
    owner_kind: str | None = None
    depth_scanned: int = 0
    unknown_reason: str | None = None
    unknown_detail: str | None = None
    organic: list[_Organic] = field(default_factory=list)


def display_host(display_url: str | None) -> str | None:
    """The host shown in a display URL when it is a whole host name ('www.x.com/a...'), else None.

    Site names (知乎, 百度知道) and hosts cut by an ellipsis are not hosts."""
    if not display_url:
        return None
    text = display_url.strip().split(" ")[0]
    text = text.split("›")[0].strip()
    head = text.split("/", 1)[0]
    if "..." in head or "…" in head or "." not in head or not head.isascii():
        return None
    if "..." in text.split("/", 1)[0]:
        return None
    return url_host(head)


def _target(r_url: str | None, r_link: str | None, resolved: Mapping[str, str], redirects: set[str]) -> str | None:
    if r_url:
        return r_url
    if r_link and r_link in resolved:
        return resolved[r_link]
    if r_link and r_link not in redirects and r_link.startswith(("http://", "https://")):
        return r_link
    return None


def decide(
    key: CheckKey,
    pages: list[FetchedPage],
    matcher: SiteMatcher,
    resolved: Mapping[str, str],
    redirect_links: set[str],
    complete: bool,
) -> Decision:
    """Decide one check from its pages.

    `complete` says the chain stopped because it reached the depth or the engine's last page
    (not because a page failed). `resolved` maps redirect links to their targets; links in
    `redirect_links` that are not resolved have an unknown target.
    """
    organic: list[_Organic] = []
    offset = 0
    failure: FetchedPage | None = None
    for page in pages:
        if not page.ok:
            failure = page
            break
        for r in page.serp.organic:
            target = _target(r.url, r.link, resolved, redirect_links)
            item = _Organic(
                page.page_no, offset + r.position, r.position, r.block_position, target, r.link,
                r.display_url, r.title, r.snippet,
            )
            owner = matcher.classify(target) if target else None
            if owner is None and target is None:
                host = display_host(r.display_url)
                if host and matcher.is_own_host(host):
                    owner = matcher.classify("http://" + host)
                elif host is None:
                    item.undecided = True
            if owner is not None:
                item.owner, item.owner_name = owner.kind, owner.name
            organic.append(item)
        offset += len(page.serp.organic)

    within = [o for o in organic if o.position <= key.depth]
    scanned = min(offset, key.depth)
    ours = [o for o in within if o.owner in (OWN_SITE, OWN_ASSET)]
    if ours:
        best = min(ours, key=lambda o: o.position)
        return Decision(
            STATUS_RANKED, best.position, best.block_position, best.page_no,
            best.url or _display_as_url(best.display_url), best.owner, scanned, organic=organic,
        )
    if failure is not None:
        return Decision(
            STATUS_UNKNOWN, depth_scanned=scanned, unknown_reason=failure.reason,
            unknown_detail=failure.detail, organic=organic,
        )
    if not complete:
        return Decision(STATUS_UNKNOWN, depth_scanned=scanned, unknown_reason="incomplete", organic=organic)
    undecided = [o for o in within if o.undecided]
    if undecided:
        return Decision(
            STATUS_UNKNOWN, depth_scanned=scanned, unknown_reason=REASON_UNRESOLVED,
            unknown_detail=f"{len(undecided)} result(s) whose target could not be resolved", organic=organic,
        )
    return Decision(STATUS_NOT_RANKED, depth_scanned=scanned, organic=organic)


def _display_as_url(display_url: str | None) -> str | None:
    host = display_host(display_url)
    return f"http://{display_url.strip()}" if host else None


def build_outcome(
    key: CheckKey,
    pages: list[FetchedPage],
    decision: Decision,
    matcher: SiteMatcher,
    fetched_at: datetime,
) -> CheckOutcome:
    """The rows to store for a decided check: the check, its pages, every block seen."""
    check = CheckRow(
        keyword_id=key.keyword_id, engine=key.engine, device=key.device, day=key.day,
        status=decision.status, position=decision.position, block_position=decision.block_position,
        page=decision.page, url=decision.url, owner_kind=decision.owner_kind, depth=key.depth,
        depth_scanned=decision.depth_scanned, pages_fetched=len(pages),
        unknown_reason=decision.unknown_reason, unknown_detail=decision.unknown_detail,
        fetched_at=fetched_at,
    )
    page_rows: list[PageRow] = []
    results: list[ResultRow] = []
    for page in pages:
        s = page.serp
        page_rows.append(
            PageRow(
                page_no=page.page_no, url=page.url, http_status=page.http_status,
                failure=page.reason if page.reason not in (None, "parse_error") else None,
                parse_error=page.detail if page.reason == "parse_error" else None,
                encoding=s.encoding if s else None,
                organic_count=len(s.organic) if s else 0,
                ads_count=s.ads.count if s else 0,
                ads_domains=list(s.ads.domains) if s else [],
                related_searches=list(s.related_searches) if s else [],
                query_echo=s.query if s else None,
                fetched_at=page.fetched_at,
            )
        )
        if s is None or not page.ok:
            continue
        for ad_domain in s.ads.domains:
            results.append(ResultRow(page_no=page.page_no, kind=KIND_AD, domain=ad_domain))
        for sp in s.special:
            results.append(
                ResultRow(
                    page_no=page.page_no, kind=KIND_SPECIAL, block_position=sp.block_position, url=sp.url,
                    domain=domain_of(sp.url) if sp.url and sp.url.startswith("http") else None,
                    title=sp.title, special_kind=sp.kind,
                )
            )
    for o in decision.organic:
        results.append(
            ResultRow(
                page_no=o.page_no, kind=KIND_ORGANIC, position=o.position, page_position=o.page_position,
                block_position=o.block_position, url=o.url, link=o.link,
                domain=domain_of(o.url) if o.url else display_host(o.display_url),
                display_url=o.display_url, title=o.title, snippet=o.snippet,
                owner=o.owner, owner_name=o.owner_name,
            )
        )
    return CheckOutcome(check, page_rows, results)
