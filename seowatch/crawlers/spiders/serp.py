"""The rank-tracking spider: one request chain per (keyword, engine, device), page after page to the depth."""

from __future__ import annotations

import asyncio
import logging
import os
import random
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urljoin

import scrapy
from scrapy.exceptions import CloseSpider
from scrapy.http import Response

from seowatch.crawlers.engines import device_for, pages_for_depth, search_url
from seowatch.crawlers.failures import unreachable_reason
from seowatch.crawlers.workerchannel import PageFetch, PageSummary, PageWorkerClient, WorkerGone

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
    """State of one (keyword, engine, device) check across its pages; the pages themselves are kept
    by the page worker, the chain only what it needs to go on."""

    index: int  # the job's index: how the page worker knows the chain
    job: dict[str, Any]
    engine: str
    device: str
    depth: int
    max_pages: int  # safety cap; the depth and the engine's last page end a chain first
    pages: list[PageSummary] = field(default_factory=list)
    tail: PageFetch | None = None  # a last page that failed before it could be parsed
    resolved: dict[str, str] = field(default_factory=dict)
    redirect_links: set[str] = field(default_factory=set)
    fresh: list[tuple[str, str]] = field(default_factory=list)  # links resolved by this chain
    organic_seen: int = 0


class SerpSpider(scrapy.Spider):
    """Fetches result pages, retries walls and errors with backoff, resolves redirect links; the page
    worker (see `serpworker`) parses each page, then decides and stores each chain's check."""

    name = "serp"
    # Checks are stored by the page worker, never yielded as items: without the store pipeline the
    # crawl's process does not import SQLAlchemy (0.4 s before the first request).
    custom_settings = {"ITEM_PIPELINES": {}}

    def __init__(
        self,
        jobs: list[dict[str, Any]],
        page_worker: PageWorkerClient,
        engines: dict[str, dict[str, Any]] | None = None,
        retries: int = 3,
        backoff: float = 5.0,
        **kwargs: Any,
    ):
        super().__init__(**kwargs)
        self.jobs = jobs
        self.worker = page_worker
        self.engine_options = engines or {}
        self.retries = retries
        self.backoff = backoff
        self._watch: asyncio.Future | None = None

    async def start(self):
        self._watch = asyncio.ensure_future(self._stop_if_worker_lost())
        for index, job in enumerate(self.jobs):
            yield self._page_request(self._chain(index, job), 1, 0)

    async def _stop_if_worker_lost(self) -> None:
        """The command holding the page worker died: nothing fetched from now on could be stored, and
        a graceful close (which stopping the reactor also starts) would still fetch every request
        already queued (with politeness, a page every few seconds, for nobody). Nothing in this
        process is left to save and nobody reads its output: it ends here."""
        if await self.worker.lost():
            self.logger.error("the page worker went away (its command ended): stopping the crawl at once")
            logging.shutdown()  # the line above reaches the crawl's log
            os._exit(1)

    async def closed(self, reason: str) -> None:
        if self._watch is not None:
            self._watch.cancel()
        if not await self.worker.close():
            self.logger.error("the page worker did not end cleanly: checks decided after it stopped are not stored")
            self.crawler.stats.set_value("seowatch/page_worker_failed", True)

    def _chain(self, index: int, job: dict[str, Any]) -> Chain:
        engine = job["engine"]
        # Cards take organic places, so reaching `depth` organic results can need more pages
        # than depth / per_page; the cap only guards against an engine that never says "last page".
        return Chain(index, job, engine, device_for(engine, job["device"]), job["depth"],
                     2 * pages_for_depth(engine, job["depth"]) + 2)

    def _page_request(self, chain: Chain, page_no: int, attempt: int) -> scrapy.Request:
        engine = chain.engine
        opts = self.engine_options.get(engine, {})
        url = search_url(
            engine, chain.job["keyword"], page_no, base_url=opts.get("base_url"), params=opts.get("params"),
            device=chain.device, api_key=opts.get("api_key"),
        )
        return scrapy.Request(
            url,
            callback=self.on_page,
            errback=self.on_error,
            dont_filter=True,
            priority=page_no,  # finish started chains before opening new ones
            meta={
                "chain": chain, "page_no": page_no, "attempt": attempt, "device": chain.device,
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

    async def on_page(self, response: Response) -> list[scrapy.Request]:
        """The next request of the chain (a retry or the next page), if any. A coroutine returning a
        list, not an async generator: Scrapy passes a list through its spider middlewares on their
        plain path, without an async generator per middleware and page."""
        request = response.request
        chain: Chain = request.meta["chain"]
        page_no: int = request.meta["page_no"]
        fetch = PageFetch(page_no, response.url, datetime.now(timezone.utc), response.status, request.meta["attempt"] + 1)
        content_type = (response.headers.get(b"Content-Type") or b"").decode("latin-1").lower()
        if response.status in _RETRY_STATUSES or response.status >= 500:
            fetch = fetch._replace(failure=_RETRY_STATUSES.get(response.status, f"http_{response.status}"))
        elif response.status >= 400:
            fetch = fetch._replace(failure=f"http_{response.status}")
        elif not response.body:
            fetch = fetch._replace(failure="empty", failure_detail=f"HTTP {response.status} with an empty body")
        elif looks_truncated(chain.engine, response.body, content_type or "text/html"):
            fetch = fetch._replace(failure="truncated", failure_detail=f"{len(response.body)} bytes, no end of document")
        if fetch.failure is None:
            try:
                seen = await self.worker.parse(chain.index, fetch, response.body, dict(response.headers))
            except WorkerGone as exc:
                raise CloseSpider("page_worker_failed") from exc
        else:
            seen = PageSummary(page_no, fetch.failure)
        if not seen.ok:
            retry = await self._retry_or_none(request)
            if retry is not None:
                return [retry]
            chain.pages.append(seen)
            chain.tail = fetch if fetch.failure else None
            await self._finish(chain)
            return []
        await self._resolve(chain, fetch.url, seen)
        chain.pages.append(seen)
        chain.organic_seen += seen.organic
        if not self._chain_done(chain):
            return [self._page_request(chain, page_no + 1, 0)]
        await self._finish(chain)
        return []

    async def on_error(self, failure) -> list[scrapy.Request]:
        request = failure.request
        chain: Chain = request.meta["chain"]
        retry = await self._retry_or_none(request)
        if retry is not None:
            return [retry]
        reason, detail = unreachable_reason(failure.value)
        page_no = request.meta["page_no"]
        chain.tail = PageFetch(page_no, request.url, datetime.now(timezone.utc), attempts=request.meta["attempt"] + 1,
                               failure=reason, failure_detail=detail)
        chain.pages.append(PageSummary(page_no, reason))
        await self._finish(chain)
        return []

    async def _resolve(self, chain: Chain, page_url: str, seen: PageSummary) -> None:
        """Resolve the engine's redirect links of results whose target the page does not carry and
        the store does not know yet."""
        todo = []
        for link, cached in seen.redirects:
            chain.redirect_links.add(link)
            if cached:
                chain.resolved[link] = cached
            else:
                todo.append((link, urljoin(page_url, link)))
        results = await asyncio.gather(*(self._resolve_one(chain.engine, absolute) for _, absolute in todo))
        for (link, absolute), target in zip(todo, results):
            if target:
                chain.resolved[link] = target
                chain.fresh.append((absolute, target))

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
            not last.has_next or last.no_results
            or chain.organic_seen >= chain.depth or last.page_no >= chain.max_pages
        )

    async def _finish(self, chain: Chain) -> None:
        """Hand the chain to the page worker, which decides and stores its check."""
        complete = chain.pages[-1].ok and self._chain_done(chain)
        tail_no = chain.tail.page_no if chain.tail is not None else None
        parsed = [p.page_no for p in chain.pages if p.page_no != tail_no]
        try:
            await self.worker.check(chain.index, parsed, chain.tail, chain.resolved, chain.redirect_links, complete,
                                    chain.fresh)
        except WorkerGone as exc:
            raise CloseSpider("page_worker_failed") from exc
