"""The partner spider: per partner, its page, its robots.txt, its home page if needed, and our page.

Thin by design: it fetches, retries transient failures with backoff, and hands bytes to the pure
analysis (`backlinks.analyse_page`) and decision (`partnerstatus.decide`); the store pipeline saves
the outcome. Redirects are followed by Scrapy and recorded hop by hop.
"""

from __future__ import annotations

import asyncio
import random
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import scrapy
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response

from seowatch.crawlers.backlinks import PageAnalysis, analyse_page
from seowatch.crawlers.failures import unreachable_reason
from seowatch.crawlers.partnerstatus import TRANSIENT_HTTP, Fetch, PartnerTarget, decide
from seowatch.crawlers.robots import RobotsRules, decode_robots, parse_robots, robots_url
from seowatch.store.partners import PartnerOutcome, build_check

ROBOTS, PAGE, HOME, OURS = "robots", "page", "home", "ours"
# Non-2xx statuses come to the callbacks (redirects are still followed by RedirectMiddleware,
# which `handle_httpstatus_all` would switch off).
_HANDLED = list(range(400, 600))


@dataclass
class PartnerChain:
    """What one partner check has gathered so far."""

    job: dict[str, Any]
    spec: PartnerTarget
    robots: RobotsRules | None = None
    fetches: dict[str, Fetch] = field(default_factory=dict)
    analyses: dict[str, PageAnalysis] = field(default_factory=dict)


def home_url(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/", "", ""))


def redirect_hops(response: Response) -> tuple[str, ...]:
    """'301 http://a/ -> http://b/' for each redirect that led to this response."""
    urls = list(response.meta.get("redirect_urls", ()))
    reasons = list(response.meta.get("redirect_reasons", ()))
    hops = []
    for i, url in enumerate(urls):
        nxt = urls[i + 1] if i + 1 < len(urls) else response.url
        reason = reasons[i] if i < len(reasons) else "redirect"
        hops.append(f"{reason} {url} -> {nxt}")
    return tuple(hops)


def is_transient(fetch: Fetch) -> bool:
    return fetch.unreachable or (fetch.status is not None and (fetch.status >= 500 or fetch.status in TRANSIENT_HTTP))


class PartnerSpider(scrapy.Spider):
    """Checks link-exchange partners and yields one decided outcome per partner."""

    name = "partners"

    def __init__(
        self,
        jobs: list[dict[str, Any]],
        retries: int = 2,
        backoff: float = 5.0,
        failures_before_lost: int = 2,
        **kwargs: Any,
    ):
        super().__init__(**kwargs)
        self.jobs = jobs
        self.retries = retries
        self.backoff = backoff
        self.failures_before_lost = failures_before_lost
        self._robots: dict[str, RobotsRules | None] = {}  # robots.txt URL -> rules (None: none readable)
        self._ours: dict[str, tuple[Fetch, PageAnalysis | None]] = {}  # our page, read once per crawl

    async def start(self):
        for job in self.jobs:
            spec = PartnerTarget(
                page=job["page"], domain=job["domain"], match=job.get("match", "domain"),
                target=job.get("target"), anchor=job.get("anchor"), our_page=job.get("our_page"),
            )
            yield self._request(PartnerChain(job, spec), PAGE, spec.page)

    def _request(self, chain: PartnerChain, stage: str, url: str, attempt: int = 0) -> scrapy.Request:
        return scrapy.Request(
            url, callback=self.on_response, errback=self.on_error, dont_filter=True,
            priority={PAGE: 1, ROBOTS: 2, HOME: 2, OURS: 2}[stage],  # finish started checks first
            meta={"chain": chain, "stage": stage, "attempt": attempt, "handle_httpstatus_list": _HANDLED},
        )

    async def _pause(self, attempt: int) -> None:
        if self.backoff > 0:
            await asyncio.sleep(self.backoff * (2**attempt) * random.uniform(0.75, 1.25))

    # --- callbacks

    async def on_response(self, response: Response):
        request = response.request
        chain: PartnerChain = request.meta["chain"]
        stage: str = request.meta["stage"]
        attempt: int = request.meta["attempt"]
        if stage == ROBOTS:  # not retried: an unreadable robots.txt blocks nothing
            rules = parse_robots(decode_robots(response.body)) if response.status == 200 else None
            self._robots[request.meta.get("redirect_urls", [request.url])[0]] = chain.robots = rules
            yield self._next(chain, ROBOTS)
            return
        latency = response.meta.get("download_latency")
        fetch = Fetch(
            url=(response.meta.get("redirect_urls") or [response.url])[0], final_url=response.url,
            status=response.status, redirects=redirect_hops(response),
            elapsed_ms=round(latency * 1000) if latency is not None else None, attempts=attempt + 1,
        )
        if is_transient(fetch) and attempt < self.retries:
            await self._pause(attempt)
            yield self._request(chain, stage, request.meta.get("redirect_urls", [request.url])[0], attempt + 1)
            return
        chain.fetches[stage] = fetch
        if fetch.served:
            targets = [urlsplit(chain.spec.page).hostname or ""] if stage == OURS else [chain.spec.domain]
            chain.analyses[stage] = analyse_page(
                response.body, response.url, response.headers, targets=targets,
                match="domain" if stage == OURS else chain.spec.match,
            )
        yield self._next(chain, stage)

    async def on_error(self, failure):
        request = failure.request
        chain: PartnerChain = request.meta["chain"]
        stage: str = request.meta["stage"]
        attempt: int = request.meta["attempt"]
        if stage == ROBOTS:
            self._robots.setdefault(request.meta.get("redirect_urls", [request.url])[0], None)
            yield self._next(chain, ROBOTS)
            return
        exc = failure.value
        first = request.meta.get("redirect_urls", [request.url])[0]
        if isinstance(exc, IgnoreRequest):
            # Too many redirects (a loop): the page answers, but never with a page.
            fetch = Fetch(url=first, final_url=request.url, status=None,
                          redirects=tuple(f"-> {u}" for u in request.meta.get("redirect_urls", ())),
                          failure_detail=str(exc) or "redirect loop", attempts=attempt + 1)
        else:
            if attempt < self.retries:
                await self._pause(attempt)
                yield self._request(chain, stage, first, attempt + 1)
                return
            reason, detail = unreachable_reason(exc)
            fetch = Fetch(url=first, failure=reason, failure_detail=detail, attempts=attempt + 1)
        chain.fetches[stage] = fetch
        yield self._next(chain, stage)

    def _next(self, chain: PartnerChain, done: str):
        """The next request of the chain, or its outcome when nothing is left to fetch.

        The order: the partner page; when it was served, the robots.txt of the host that served it
        (after redirects) and, if our link is missing from an inner page, that host's home page;
        then our page linking back, when configured."""
        page = chain.fetches[PAGE]
        analysis = chain.analyses.get(PAGE)
        final = page.final_url or page.url
        if done == PAGE and analysis is not None:
            rurl = robots_url(final)
            if rurl not in self._robots:
                return self._request(chain, ROBOTS, rurl)
            chain.robots = self._robots[rurl]
        if done in (PAGE, ROBOTS) and analysis is not None and not analysis.target_links and not analysis.home_page:
            home = home_url(final)
            if home != final:
                return self._request(chain, HOME, home)
        if done in (PAGE, ROBOTS, HOME) and chain.spec.our_page:
            cached = self._ours.get(chain.spec.our_page)
            if cached is None:
                return self._request(chain, OURS, chain.spec.our_page)
            chain.fetches[OURS] = cached[0]
            if cached[1] is not None:
                chain.analyses[OURS] = cached[1]
        if done == OURS:
            self._ours[chain.spec.our_page] = (chain.fetches[OURS], chain.analyses.get(OURS))
        return self._outcome(chain)

    def _outcome(self, chain: PartnerChain) -> dict[str, Any]:
        page = chain.fetches[PAGE]
        analysis = chain.analyses.get(PAGE)
        decision = decide(
            chain.spec, page, analysis, chain.robots,
            home=chain.fetches.get(HOME), home_analysis=chain.analyses.get(HOME),
            our=chain.fetches.get(OURS), our_analysis=chain.analyses.get(OURS),
        )
        check = build_check(
            chain.job["partner_id"], date.fromisoformat(chain.job["day"]), datetime.now(timezone.utc),
            decision, page, analysis,
        )
        outcome = PartnerOutcome(check, failed=decision.failed, link_found=decision.link is not None,
                                 failures_before_lost=self.failures_before_lost)
        return {"outcome": outcome, "page": chain.spec.page}
