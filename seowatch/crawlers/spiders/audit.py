"""The landing-page audit spider: fetch each chosen page (ours, the target, top competitors) and audit it."""

from __future__ import annotations

import asyncio
import random
from datetime import date, datetime, timezone
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy.http import Response

from seowatch.crawlers.pageaudit import audit_page, findings, unreachable
from seowatch.crawlers.spiders.serp import failure_reason
from seowatch.keywords.coverage import coverage
from seowatch.keywords.tokenize import TokenizerOptions, get_tokenizer
from seowatch.store.audits import AuditJob, AuditOutcome, audit_record

_TRANSIENT = {429, 500, 502, 503, 504}


class AuditSpider(scrapy.Spider):
    """Fetches every job's URL (redirects followed and recorded; 4xx/5xx pages kept as findings), retries
    transient failures with backoff, and yields one audit per page for the store pipeline."""

    name = "audit"

    def __init__(
        self,
        jobs: list[dict[str, Any]],
        day: str,
        tokenizer: dict[str, Any] | None = None,
        retries: int = 2,
        backoff: float = 5.0,
        **kwargs: Any,
    ):
        super().__init__(**kwargs)
        self.jobs = [AuditJob.from_dict(j) for j in jobs]
        self.day = date.fromisoformat(day)
        self.tokenizer_options = TokenizerOptions.from_dict(tokenizer) if tokenizer else None
        self.tokenizer = None
        self.retries = retries
        self.backoff = backoff

    async def start(self):
        # Load the dictionary before the first request: loading it inside a callback would block the
        # reactor for a second and inflate the response times measured for pages already in flight.
        self.tokenizer = get_tokenizer(self.tokenizer_options) if self.tokenizer_options is not None else None
        for job in self.jobs:
            yield self._request(job, 0)

    def _request(self, job: AuditJob, attempt: int) -> scrapy.Request:
        return scrapy.Request(
            job.url,
            callback=self.on_page,
            errback=self.on_error,
            dont_filter=True,
            meta={
                "job": job, "attempt": attempt, "device": "desktop",
                # Error pages reach the callback (they are findings); redirects are still followed.
                "handle_httpstatus_list": list(range(400, 600)),
                "download_slot": urlsplit(job.url).hostname or job.url,
            },
        )

    async def _retry(self, request: scrapy.Request) -> scrapy.Request | None:
        attempt = request.meta["attempt"]
        if attempt >= self.retries:
            return None
        if self.backoff > 0:
            await asyncio.sleep(self.backoff * (2**attempt) * random.uniform(0.75, 1.25))
        return self._request(request.meta["job"], attempt + 1)

    async def on_page(self, response: Response):
        request = response.request
        if response.status in _TRANSIENT:
            retry = await self._retry(request)
            if retry is not None:
                yield retry
                return
        job: AuditJob = request.meta["job"]
        latency = request.meta.get("download_latency")
        audit = audit_page(
            response.body, job.url, response.headers, status=response.status, final_url=response.url,
            redirects=tuple(request.meta.get("redirect_urls", ())),
            response_ms=round(latency * 1000) if latency is not None else None,
        )
        cov = None
        if self.tokenizer is not None and audit.status < 400:
            cov = coverage(job.keyword, audit.text, self.tokenizer)
        yield self._item(job, audit, cov)

    async def on_error(self, failure):
        request = failure.request
        retry = await self._retry(request)
        if retry is not None:
            yield retry
            return
        job: AuditJob = request.meta["job"]
        yield self._item(job, unreachable(job.url, failure_reason(failure.value)), None)

    def _item(self, job: AuditJob, audit: Any, cov: Any) -> dict[str, Any]:
        record = audit_record(job, audit, cov, findings(audit, cov), self.day, datetime.now(timezone.utc))
        return {"outcome": AuditOutcome(record), "keyword": job.keyword}
