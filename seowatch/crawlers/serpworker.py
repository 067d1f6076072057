"""The SERP crawl's page worker: a second process that parses result pages, decides checks and stores them.

Scrapy's own handling of a request costs about as much CPU as parsing the page, deciding the
check and storing it together, and a crawl's process can use one core. So the crawl's process only
fetches: it sends each page's bytes here and gets back what it needs to go on (is the page usable,
how many organic results, is there a next page, which links need resolving); when a chain of pages
ends it sends the resolved links, and this process decides the check from the pages it kept,
stores it (in batches, see `storewriter`) and reports it on the event stream once committed.

The worker ends when the crawl says `close` or when its connection ends (the crawl was killed):
either way it first stores every check already decided, so an interruption loses only checks
not yet decided, which a re-run fills.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import time
from datetime import date, datetime, timezone
from typing import Any
from urllib.parse import urljoin

from seowatch.crawlers.engines import device_for, is_redirect_link
from seowatch.crawlers.events import emit
from seowatch.crawlers.framing import IDLE, FrameReader, send_frames
from seowatch.crawlers.linkcache import LinkCache
from seowatch.crawlers.matching import SiteMatcher
from seowatch.crawlers.parsers import parse_serp
from seowatch.crawlers.ranking import CheckKey, FetchedPage, build_outcome, decide
from seowatch.crawlers.storewriter import BatchWriter
from seowatch.crawlers.workerchannel import PageFetch, PageSummary
from seowatch.store.ranks import CheckOutcome, save_checks

log = logging.getLogger(__name__)

# Messages (tuples, their first item names them):
#   crawl -> worker  ("parse", request_id, job_index, PageFetch, body, headers)
#                    ("check", job_index, page_numbers, tail PageFetch | None, resolved, redirect_links,
#                     complete, fresh links)
#                    ("close",)
#   worker -> crawl  ("parsed", request_id, PageSummary)   ("closed",)


def fetched_page(fetch: PageFetch) -> FetchedPage:
    return FetchedPage(fetch.page_no, fetch.url, fetch.fetched_at, http_status=fetch.http_status,
                       failure=fetch.failure, failure_detail=fetch.failure_detail, attempts=fetch.attempts)


def check_key(job: dict[str, Any]) -> CheckKey:
    return CheckKey(job["keyword_id"], job["engine"], device_for(job["engine"], job["device"]),
                    date.fromisoformat(job["day"]), job["depth"])


class PageWorker:
    """The worker's state: the pages of chains still open, one matcher per site, the resolved-link
    cache, the batch writer."""

    def __init__(self, jobs: list[dict[str, Any]], writer: BatchWriter, links: LinkCache,
                 base_urls: dict[str, str | None] | None = None):
        self.jobs = jobs
        self.writer = writer
        self.links = links
        self.base_urls = base_urls or {}
        self.pages: dict[int, dict[int, FetchedPage]] = {}
        self._matchers: dict[str, SiteMatcher] = {}

    def parse(self, job_index: int, fetch: PageFetch, body: bytes, headers: Any) -> PageSummary:
        engine = self.jobs[job_index]["engine"]
        page = fetched_page(fetch)
        page.serp = parse_serp(engine, body, page.url, headers)
        self.pages.setdefault(job_index, {})[page.page_no] = page  # a retried page replaces its attempt
        s = page.serp
        if not page.ok:
            return PageSummary(page.page_no, page.reason)
        return PageSummary(page.page_no, None, len(s.organic), s.has_next, s.no_results, self._redirects(engine, page))

    def _redirects(self, engine: str, page: FetchedPage) -> tuple[tuple[str, str | None], ...]:
        """The engine's redirect links among results whose target the page does not carry, with the
        targets already in the store."""
        absolute = {}
        for r in page.serp.organic:
            if r.url is None and r.link:
                link = urljoin(page.url, r.link)
                if is_redirect_link(engine, link, self.base_urls.get(engine)):
                    absolute[r.link] = link
        if not absolute:
            return ()
        cached = self.links.get_many(list(absolute.values()))
        return tuple((link, cached.get(a)) for link, a in absolute.items())

    def check(
        self,
        job_index: int,
        page_numbers: list[int],
        tail: PageFetch | None,
        resolved: dict[str, str],
        redirect_links: set[str],
        complete: bool,
        fresh: list[tuple[str, str]],
    ) -> None:
        """Decide one chain's check and queue it for the store; remember the links it resolved."""
        kept = self.pages.pop(job_index, {})
        pages = [kept[n] for n in page_numbers]
        if tail is not None:
            pages.append(fetched_page(tail))
        job = self.jobs[job_index]
        if fresh:
            self.links.put_many(job["engine"], fresh)
        key = check_key(job)
        matcher = self._matcher(job["site"])
        decision = decide(key, pages, matcher, resolved, redirect_links, complete)
        fetched_at = pages[-1].fetched_at if pages else datetime.now(timezone.utc)
        outcome = build_outcome(key, pages, decision, matcher, fetched_at)
        self.writer.add(outcome, _reported(job["keyword"], outcome))

    def _matcher(self, site: dict[str, Any]) -> SiteMatcher:
        name = site["domain"]
        if name not in self._matchers:
            self._matchers[name] = SiteMatcher(name, site.get("match", "domain"), site.get("assets", ()),
                                               site.get("competitors", ()))
        return self._matchers[name]


def _reported(keyword: str, outcome: CheckOutcome):
    """The event for a check once its transaction committed (what this crawl saw, even if the store
    kept a known result of the day in its place)."""
    seen = outcome.check

    def done(stored, error: BaseException | None) -> None:
        if error is not None:
            log.error("could not store the check of %r on %s: %s", keyword, seen.engine, error)
            emit("store_error", keyword=keyword, engine=seen.engine, error=str(error)[:300])
            return
        emit("check", keyword=keyword, keyword_id=seen.keyword_id, engine=seen.engine, device=seen.device,
             status=seen.status, position=seen.position, reason=seen.unknown_reason, kept_known=stored is not seen)

    return done


def serve(
    sock: socket.socket,
    jobs: list[dict[str, Any]],
    database_url: str,
    *,
    base_urls: dict[str, str | None] | None = None,
    batch: int = 100,
    delay: float = 0.5,
) -> int:
    """The worker's loop: answer the crawl's messages until it closes or goes away. A queued check
    is stored at the latest `delay` seconds after it was decided, or with its batch of `batch`."""
    from seowatch.store.database import get_engine

    engine = get_engine(database_url, migrate=False)
    worker = PageWorker(jobs, BatchWriter(engine, save_checks, max_items=batch), LinkCache(engine), base_urls)
    reader = FrameReader(sock)
    replies: list[Any] = []
    oldest: float | None = None  # when the oldest check waiting to be stored was decided
    while True:
        if replies and not reader.has_frame():  # answers first: the crawl waits for them, not for the store
            send_frames(sock, replies)
            replies = []
        if oldest is not None and (len(worker.writer) >= batch or time.monotonic() - oldest >= delay):
            worker.writer.flush()
            oldest = None
        message = reader.next(None if oldest is None else max(0.0, oldest + delay - time.monotonic()))
        if message is IDLE:
            continue
        if message is None or message[0] == "close":
            worker.writer.flush()
            if message is None:
                log.warning("the crawl ended without closing its page worker; every check it decided is stored")
            else:
                send_frames(sock, [("closed",)])
            return 0
        if message[0] == "parse":
            _, request_id, job_index, page, body, headers = message
            replies.append(("parsed", request_id, worker.parse(job_index, page, body, headers)))
        elif message[0] == "check":
            try:
                worker.check(*message[1:])
            except Exception as exc:  # noqa: BLE001 - one check's bug must not lose the others
                job = jobs[message[1]]
                log.exception("could not decide the check of %r on %s", job["keyword"], job["engine"])
                emit("store_error", keyword=job["keyword"], engine=job["engine"], error=str(exc)[:300])
                continue
            if oldest is None:
                oldest = time.monotonic()


def worker_main(sock, jobs, database_url, base_urls, batch, delay, log_file, close_fd) -> int:
    """The worker process: its signals and log, then `serve`."""
    if close_fd is not None:  # the crawl's end of the socket pair, inherited by a forked worker
        os.close(close_fd)
    # Ctrl-C reaches the whole process group: the worker ends with the crawl (close or end of
    # connection), after storing what is decided, not in the middle of a batch.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    _log_to(log_file)
    return serve(sock, jobs, database_url, base_urls=base_urls, batch=batch, delay=delay)


def _log_to(log_file: str | None) -> None:
    """The worker's log lines go where the crawl's go."""
    root = logging.getLogger()
    if root.handlers:  # inherited from the crawl (a forked worker after logging was set up)
        return
    handler = logging.FileHandler(log_file, encoding="utf-8") if log_file else logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s [%(name)s] %(levelname)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(logging.INFO)
