"""The rank-tracking spider: one request chain per (keyword, engine, device), page after page to the depth."""

from __future__ import annotations

import asyncio
import random
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import Any
from urllib.parse import urljoin

import scrapy
from scrapy.http import Response

from seowatch.crawlers.engines import device_for, is_redirect_link, pages_for_depth, search_url
from seowatch.crawlers.failures import unreachable_reason
from seowatch.crawlers.matching import SiteMatcher
from seowatch.crawlers.parsers import parse_serp
from seowatch.crawlers.ranking import CheckKey, FetchedPage, build_outcome, decide

_RETRY_STATUSES = {403: "http_403", 429: "http_429"}
_META_REFRESH = re.compile(rb"""(?:URL|url)\s*=\s*['"]?([^'">\s]+)""")
_JS_REPLACE = re.compile(rb"""location(?:\.href)?(?:\.replace\()?\s*=?\s*\(?\s*['"]([^'"]+)['"]""")
_END_MARKERS = (b"</html", b"</body")
# Engines whose real pages may end without </html> (Yandex's serp ends with tracking comments).
_UNMARKED_END = {"yandex", "serpapi"}


def failure_reason(exc: BaseException) -> str:
    """A short, stable name for a transport failure (stored as the unknown reason)."""
    return unreachable_reason(exc)[0]


def looks_truncated(engine: str, body: bytes, content_type: str) -> bool:
    """An HTML page that stops before its end: read as it is, it would silently lose results."""
    if engine in _UNMARKED_END or "html" not in content_type:
        return False
    tail = body[-65536:].lower()
    return not any(m in tail for m in _END_MARKERS)


def redirect_target(response: Response) -> str | None:
    """Where an engine redirect points: the Location header, else a meta refresh or a JS redirect."""
    location = response.headers.get(b"Location")
    if location:
        return urljoin(response.url, location.decode("latin-1"))
    body = response.body[:20000]
    for pattern in (_META_REFRESH, _JS_REPLACE):
        m = pattern.search(body)
        if m:
            target = m.group(1).decode("utf-8", "replace")
            if target.startswith(("http://", "https://", "/")):
                return urljoin(response.url, target)
    return None


@dataclass
class Chain:
    """State of one (keyword, engine, device) check across its pages."""

    job: dict[str, Any]
    key: CheckKey
    matcher: SiteMatcher
    max_pages: int  # safety cap; the depth and the engine's last page end a chain first
    pages: list[FetchedPage] = field(default_factory=list)
    resolved: dict[str, str] = field(default_factory=dict)
    redirect_links: set[str] = field(default_factory=set)
    organic_seen: int = 0


class SerpSpider(scrapy.Spider):
    """Fetches result pages, retries walls and errors with backoff, resolves redirect links,
    and yields one decided check per chain for the store pipeline."""

    name = "serp"

    def __init__(
        self,
        jobs: list[dict[str, Any]],
        engines: dict[str, dict[str, Any]] | None = None,
        retries: int = 3,
        backoff: float = 5.0,
        link_cache: Any = None,
        **kwargs: Any,
    ):
        super().__init__(**kwargs)
        self.jobs = jobs
        self.engine_options = engines or {}
        self.retries = retries
        self.backoff = backoff
        self.link_cache = link_cache  # get_many(links) -> {link: url}; put(engine, link, url)

    async def start(self):
        for job in self.jobs:
            yield self._page_request(self._chain(job), 1, 0)

    def _chain(self, job: dict[str, Any]) -> Chain:
        site = job["site"]
        matcher = SiteMatcher(site["domain"], site.get("match", "domain"), site.get("assets", ()), site.get("competitors", ()))
        key = CheckKey(job["keyword_id"], job["engine"], device_for(job["engine"], job["device"]),
                       date.fromisoformat(job["day"]), job["depth"])
        # Cards take organic places, so reaching `depth` organic results can need more pages
        # than depth / per_page; the cap only guards against an engine that never says "last page".
        return Chain(job, key, matcher, 2 * pages_for_depth(job["engine"], job["depth"]) + 2)

    def _page_request(self, chain: Chain, page_no: int, attempt: int) -> scrapy.Request:
        engine = chain.key.engine
        opts = self.engine_options.get(engine, {})
        url = search_url(
            engine, chain.job["keyword"], page_no, base_url=opts.get("base_url"), params=opts.get("params"),
            device=chain.key.device, api_key=opts.get("api_key"),
        )
        return scrapy.Request(
            url,
            callback=self.on_page,
            errback=self.on_error,
            dont_filter=True,
            priority=page_no,  # finish started chains before opening new ones
            meta={
                "chain": chain, "page_no": page_no, "attempt": attempt, "device": chain.key.device,
                "download_slot": engine, "handle_httpstatus_all": True,
            },
        )

    async def _pause(self, attempt: int) -> None:
        """Exponential backoff with jitter before a retry."""
        if self.backoff > 0:
            await asyncio.sleep(self.backoff * (2**attempt) * random.uniform(0.75, 1.25))

    async def _retry_or_none(self, request: scrapy.Request) -> scrapy.Request | None:
        chain: Chain = request.meta["chain"]
        attempt = request.meta["attempt"]
        if attempt >= self.retries:
            return None
        await self._pause(attempt)
        return self._page_request(chain, request.meta["page_no"], attempt + 1)

    async def on_page(self, response: Response):
        request = response.request
        chain: Chain = request.meta["chain"]
        page_no: int = request.meta["page_no"]
        now = datetime.now(timezone.utc)
        page = FetchedPage(page_no, response.url, now, http_status=response.status, attempts=request.meta["attempt"] + 1)
        content_type = (response.headers.get(b"Content-Type") or b"").decode("latin-1").lower()
        if response.status in _RETRY_STATUSES or response.status >= 500:
            page.failure = _RETRY_STATUSES.get(response.status, f"http_{response.status}")
        elif response.status >= 400:
            page.failure = f"http_{response.status}"
        elif not response.body:
            page.failure, page.failure_detail = "empty", f"HTTP {response.status} with an empty body"
        elif looks_truncated(chain.key.engine, response.body, content_type or "text/html"):
            page.failure, page.failure_detail = "truncated", f"{len(response.body)} bytes, no end of document"
        else:
            page.serp = parse_serp(chain.key.engine, response.body, response.url, response.headers)
        if not page.ok:
            retry = await self._retry_or_none(request)
            if retry is not None:
                yield retry
                return
            chain.pages.append(page)
            yield self._finish(chain)
            return
        await self._resolve(chain, page)
        chain.pages.append(page)
        chain.organic_seen += len(page.serp.organic)
        if not self._chain_done(chain):
            yield self._page_request(chain, page_no + 1, 0)
        else:
            yield self._finish(chain)

    async def on_error(self, failure):
        request = failure.request
        chain: Chain = request.meta["chain"]
        retry = await self._retry_or_none(request)
        if retry is not None:
            yield retry
            return
        reason, detail = unreachable_reason(failure.value)
        chain.pages.append(
            FetchedPage(request.meta["page_no"], request.url, datetime.now(timezone.utc), failure=reason,
                        failure_detail=detail, attempts=request.meta["attempt"] + 1)
        )
        yield self._finish(chain)

    async def _resolve(self, chain: Chain, page: FetchedPage) -> None:
        """Resolve the engine's redirect links of results whose target the page does not carry."""
        engine = chain.key.engine
        base_url = self.engine_options.get(engine, {}).get("base_url")
        links = []
        for r in page.serp.organic:
            if r.url is None and r.link:
                absolute = urljoin(page.url, r.link)
                if is_redirect_link(engine, absolute, base_url):
                    chain.redirect_links.add(r.link)
                    links.append((r.link, absolute))
        if not links:
            return
        cached = self.link_cache.get_many([a for _, a in links]) if self.link_cache else {}
        todo = []
        for link, absolute in links:
            if absolute in cached:
                chain.resolved[link] = cached[absolute]
            else:
                todo.append((link, absolute))
        results = await asyncio.gather(*(self._resolve_one(engine, absolute) for _, absolute in todo))
        for (link, absolute), target in zip(todo, results):
            if target:
                chain.resolved[link] = target
                if self.link_cache:
                    self.link_cache.put(engine, absolute, target)

    async def _resolve_one(self, engine: str, link: str) -> str | None:
        request = scrapy.Request(
            link, dont_filter=True,
            meta={"dont_redirect": True, "handle_httpstatus_all": True, "download_slot": engine},
        )
        for attempt in range(self.retries + 1):
            try:
                response = await self.crawler.engine.download_async(request)
            except Exception:  # noqa: BLE001 - a failed resolution leaves the target unknown
                await self._pause(attempt)
                continue
            if response.status >= 500 or response.status == 429:
                await self._pause(attempt)
                continue
            return redirect_target(response)
        return None

    @staticmethod
    def _chain_done(chain: Chain) -> bool:
        """The last page read is the engine's last, or the depth is reached (or the safety cap)."""
        last = chain.pages[-1]
        return (
            not last.serp.has_next or last.serp.no_results
            or chain.organic_seen >= chain.key.depth or last.page_no >= chain.max_pages
        )

    def _finish(self, chain: Chain):
        last = chain.pages[-1] if chain.pages else None
        complete = last is not None and last.ok and self._chain_done(chain)
        decision = decide(chain.key, chain.pages, chain.matcher, chain.resolved, chain.redirect_links, complete)
        fetched_at = chain.pages[-1].fetched_at if chain.pages else datetime.now(timezone.utc)
        outcome = build_outcome(chain.key, chain.pages, decision, chain.matcher, fetched_at)
        return {"outcome": outcome, "keyword": chain.job["keyword"]}
