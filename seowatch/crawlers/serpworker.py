"""The SERP crawl's page worker: parses result pages, decides checks and stores them, in a thread of
the command that started the crawl.

Scrapy's own handling of a request costs about as much CPU as parsing the page, deciding the
check and storing it together, and a crawl's process can use one core. So the crawl's process only
fetches: it sends each page's bytes here and gets back what it needs to go on (is the page usable,
how many organic results, is there a next page, which links need resolving); when a chain of pages
ends it sends the resolved links, and the worker decides the check from the pages it kept, stores
it (in batches, see `storewriter`) and reports it once committed. The command that started the
crawl is otherwise idle while it waits, and already holds the store: the worker is a thread there,
talking to the crawl's process over a socket pair.

The worker ends when the crawl says `close` or when its connection ends (the crawl's process was
killed): either way it first stores every check already decided, so an interruption loses only
checks not yet decided, which a re-run fills.
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Callable
from datetime import date, datetime, timezone
from typing import Any
from urllib.parse import urljoin

from sqlalchemy.engine import Engine

from seowatch.crawlers.engines import device_for, is_redirect_link
from seowatch.crawlers.framing import IDLE, FrameReader, send_frames
from seowatch.crawlers.linkcache import LinkCache
from seowatch.crawlers.matching import SiteMatcher
from seowatch.crawlers.parsers import parse_serp
from seowatch.crawlers.ranking import CheckKey, FetchedPage, build_outcome, decide
from seowatch.crawlers.storewriter import BatchWriter
from seowatch.crawlers.workerchannel import PageFetch, PageSummary
from seowatch.store.ranks import CheckOutcome, save_checks

log = logging.getLogger(__name__)
_LOGGER = logging.getLogger("seowatch")  # the worker's lines from every module go to the crawl's log
_THREAD_NAME = "seowatch-page-worker"

# Messages (tuples, their first item names them):
#   crawl -> worker  ("parse", request_id, job_index, PageFetch, body, headers)
#                    ("check", job_index, page_numbers, tail PageFetch | None, resolved, redirect_links,
#                     complete, fresh links)
#                    ("close",)
#   worker -> crawl  ("parsed", request_id, PageSummary)   ("closed",)

Report = Callable[[dict[str, Any]], None]  # receives the worker's events: check, store_error


def fetched_page(fetch: PageFetch) -> FetchedPage:
    return FetchedPage(fetch.page_no, fetch.url, fetch.fetched_at, http_status=fetch.http_status,
                       failure=fetch.failure, failure_detail=fetch.failure_detail, attempts=fetch.attempts)


def check_key(job: dict[str, Any]) -> CheckKey:
    return CheckKey(job["keyword_id"], job["engine"], device_for(job["engine"], job["device"]),
                    date.fromisoformat(job["day"]), job["depth"])


class PageWorker:
    """The worker's state: the pages of chains still open, one matcher per site, the resolved-link
    cache, the batch writer."""

    def __init__(self, jobs: list[dict[str, Any]], writer: BatchWriter, links: LinkCache, report: Report,
                 base_urls: dict[str, str | None] | None = None):
        self.jobs = jobs
        self.report = report
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
        self.writer.add(outcome, _reported(job["keyword"], outcome, self.report))

    def _matcher(self, site: dict[str, Any]) -> SiteMatcher:
        name = site["domain"]
        if name not in self._matchers:
            self._matchers[name] = SiteMatcher(name, site.get("match", "domain"), site.get("assets", ()),
                                               site.get("competitors", ()))
        return self._matchers[name]


def _reported(keyword: str, outcome: CheckOutcome, report: Report):
    """The event for a check once its transaction committed (what this crawl saw, even if the store
    kept a known result of the day in its place)."""
    seen = outcome.check

    def done(stored, error: BaseException | None) -> None:
        if error is not None:
            log.error("could not store the check of %r on %s: %s", keyword, seen.engine, error)
            report({"event": "store_error", "keyword": keyword, "engine": seen.engine, "error": str(error)[:300]})
            return
        report({"event": "check", "keyword": keyword, "keyword_id": seen.keyword_id, "engine": seen.engine,
                "device": seen.device, "status": seen.status, "position": seen.position,
                "reason": seen.unknown_reason, "kept_known": stored is not seen})

    return done


def serve(
    sock: socket.socket,
    jobs: list[dict[str, Any]],
    engine: Engine,
    report: Report,
    *,
    base_urls: dict[str, str | None] | None = None,
    batch: int = 100,
    delay: float = 0.5,
) -> None:
    """The worker's loop: answer the crawl's messages until it closes or goes away. A queued check
    is stored at the latest `delay` seconds after it was decided, or with its batch of `batch`."""
    worker = PageWorker(jobs, BatchWriter(engine, save_checks, max_items=batch), LinkCache(engine), report, base_urls)
    reader = FrameReader(sock)
    replies: list[Any] = []
    oldest: float | None = None  # when the oldest check waiting to be stored was decided
    while True:
        if replies and not reader.has_frame():  # answers first: the crawl waits for them, not for the store
            _send(sock, replies)
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
                _send(sock, [("closed",)])
            return
        if message[0] == "parse":
            _, request_id, job_index, page, body, headers = message
            replies.append(("parsed", request_id, worker.parse(job_index, page, body, headers)))
        elif message[0] == "check":
            try:
                worker.check(*message[1:])
            except Exception as exc:  # noqa: BLE001 - one check's bug must not lose the others
                job = jobs[message[1]]
                log.exception("could not decide the check of %r on %s", job["keyword"], job["engine"])
                report({"event": "store_error", "keyword": job["keyword"], "engine": job["engine"],
                        "error": str(exc)[:300]})
                continue
            if oldest is None:
                oldest = time.monotonic()


def _send(sock: socket.socket, messages: list[Any]) -> None:
    try:
        send_frames(sock, messages)
    except OSError:  # the crawl's process is gone: what it waited for no longer matters
        pass


class PageWorkerThread:
    """The worker serving `sock`, the command's end of the socket pair whose other end the crawl's
    process has. As a context manager around the crawl: leaving it waits until the worker has
    stored what it decided (the crawl's process has ended, or been stopped, by then)."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.error: BaseException | None = None
        self._thread: threading.Thread | None = None

    def start(self, jobs: list[dict[str, Any]], engine: Engine, report: Report, *,
              base_urls: dict[str, str | None] | None = None, batch: int = 100, delay: float = 0.5,
              log_file: str | None = None) -> PageWorkerThread:
        """Serve the crawl from a new thread; its log lines go to `log_file`, the crawl's log."""

        def run() -> None:
            handler = _log_to(log_file)
            try:
                serve(self.sock, jobs, engine, report, base_urls=base_urls, batch=batch, delay=delay)
            except BaseException as exc:  # noqa: BLE001 - kept for the command; the crawl sees the end
                self.error = exc
                log.exception("the page worker failed")
            finally:
                self.sock.close()  # the crawl's process sees the end and stops
                if handler is not None:
                    _LOGGER.removeHandler(handler)
                    handler.close()

        self._thread = threading.Thread(target=run, name=_THREAD_NAME, daemon=True)
        self._thread.start()
        return self

    def join(self) -> None:
        """Wait for the worker to end (it ends with the crawl's connection). The socket of a worker
        never started stays with whoever made it (`cli.crawl.SerpCrawlStart` closes it)."""
        if self._thread is not None:
            self._thread.join()

    def __enter__(self) -> PageWorkerThread:
        return self

    def __exit__(self, *exc_info) -> None:
        self.join()


def _log_to(log_file: str | None) -> logging.Handler | None:
    """The worker's log lines go to the crawl's log file too (Scrapy's lines come from the crawl's process)."""
    if not log_file:
        return None
    handler = logging.FileHandler(log_file, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s [%(name)s] %(levelname)s: %(message)s"))
    handler.addFilter(lambda record: record.threadName == _THREAD_NAME)
    _LOGGER.addHandler(handler)
    return handler
