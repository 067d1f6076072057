"""Running a crawl in a child process (the Twisted reactor cannot restart), and that child's entry point.

The command starts `python -m seowatch.crawlers.runner SPIDER` early (`CrawlChild.start`): the child
imports Scrapy and the spider while the command reads its configuration and syncs the store. `run`
then writes the crawl's spec (settings and spider arguments, as JSON) to the child's stdin and reads
its event lines (see `events`) as they come; Scrapy's own log goes to the log file. A child whose
stdin ends without a spec (`cancel`, or a command that died) exits without crawling.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from typing import Any

from seowatch import heap_frozen
from seowatch.crawlers.events import emit, parse_line

SPIDERS = {
    "serp": "seowatch.crawlers.spiders.serp:SerpSpider",
    "partners": "seowatch.crawlers.spiders.partners:PartnerSpider",
    "audit": "seowatch.crawlers.spiders.audit:AuditSpider",
}


class CrawlChild:
    """One crawl's child process: `start` it, then `run` it with its spec, or `cancel` it. As a
    context manager, a child that was never run is cancelled on the way out."""

    def __init__(self, proc: subprocess.Popen) -> None:
        self.proc = proc
        self._used = False

    @classmethod
    def start(cls, spider: str, *, env: dict[str, str] | None = None, worker_fd: int | None = None) -> CrawlChild:
        """Start the child for `spider`. `worker_fd`: a socket the child inherits, its connection to
        the SERP crawl's page worker (see `serpworker`)."""
        if spider not in SPIDERS:
            raise ValueError(f"unknown spider {spider!r}")
        argv = [sys.executable, "-m", "seowatch.crawlers.runner", spider]
        if worker_fd is not None:
            argv += ["--worker-fd", str(worker_fd)]
        proc = subprocess.Popen(
            argv,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            encoding="utf-8",
            errors="replace",
            env=env,
            pass_fds=() if worker_fd is None else (worker_fd,),
        )
        return cls(proc)

    def run(self, spec: dict[str, Any], on_event: Callable[[dict[str, Any]], None]) -> int:
        """Hand the child its spec and follow it to its end; returns its exit status (0: the crawl
        ran to its end)."""
        if self._used:
            raise RuntimeError("a crawl child runs once")
        self._used = True
        proc = self.proc
        restore_sigterm = _raise_on_sigterm()
        try:
            try:
                proc.stdin.write(json.dumps(spec, ensure_ascii=False))
                proc.stdin.close()
            except BrokenPipeError:  # it ended before reading its spec: its output says why
                pass
            for line in proc.stdout:
                event = parse_line(line.rstrip("\n"))
                if event is not None:
                    on_event(event)
                elif line.strip():
                    on_event({"event": "output", "line": line.rstrip("\n")})
            return proc.wait()
        except BaseException:
            self._stop()
            raise
        finally:
            restore_sigterm()
            proc.stdout.close()

    def cancel(self) -> None:
        """Stop a child that will not crawl (it may still be importing Scrapy)."""
        if self._used:
            return
        self._used = True
        try:
            self.proc.stdin.close()  # had it been reading, it would exit on its own
        except BrokenPipeError:
            pass
        self._stop()
        self.proc.stdout.close()

    def _stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()  # reaped here, not left a zombie

    def __enter__(self) -> CrawlChild:
        return self

    def __exit__(self, *exc_info) -> None:
        self.cancel()


def run_child(spec: dict[str, Any], on_event: Callable[[dict[str, Any]], None], *,
              env: dict[str, str] | None = None) -> int:
    """Start a child for `spec["spider"]` and run it at once (see `CrawlChild`)."""
    with CrawlChild.start(spec["spider"], env=env) as child:
        return child.run(spec, on_event)


def _raise_on_sigterm() -> Callable[[], None]:
    """While a child crawls, SIGTERM to this process raises SystemExit, so the child is stopped with
    it (by default the parent would die at once and leave the child crawling and storing alone).
    Returns what restores the previous handler. Off the main thread signals cannot be handled."""
    if threading.current_thread() is not threading.main_thread():
        return lambda: None

    def stop(signum, _frame):
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, stop)
    return lambda: signal.signal(signal.SIGTERM, previous)


def _spider_class(name: str):
    import importlib

    module, _, attr = SPIDERS[name].partition(":")
    return getattr(importlib.import_module(module), attr)


def _preload_scrapy(spider_class) -> None:
    """Import the components a crawler of `spider_class` loads when it is created (downloader
    handlers with Twisted's HTTP client and TLS, middlewares, extensions, the scheduler), as our
    settings enable them: while the command syncs its store, not after it handed over the spec
    (0.3 s of the child's start). Nothing is built here."""
    from scrapy.settings import Settings
    from scrapy.utils.misc import load_object

    from seowatch.crawlers.settings import BASE_SETTINGS

    settings = Settings(BASE_SETTINGS)
    settings.setdict(getattr(spider_class, "custom_settings", None) or {}, priority="spider")
    paths = [path for path in settings.getwithbase("DOWNLOAD_HANDLERS").values() if isinstance(path, str)]
    for name in ("DOWNLOADER_MIDDLEWARES", "SPIDER_MIDDLEWARES", "EXTENSIONS", "ITEM_PIPELINES"):
        paths += [path for path, order in settings.getwithbase(name).items() if order is not None]
    paths += [settings.get(name) for name in (
        "SCHEDULER", "DOWNLOADER", "SCHEDULER_PRIORITY_QUEUE", "SCHEDULER_MEMORY_QUEUE", "STATS_CLASS",
        "DUPEFILTER_CLASS", "ITEM_PROCESSOR", "REQUEST_FINGERPRINTER_CLASS", "LOG_FORMATTER",
    )]
    for path in paths:
        if isinstance(path, str):
            try:
                load_object(path)
            except Exception:  # noqa: BLE001 - an optional component (S3 without botocore): the crawler decides
                pass


def child_main(spider: str, worker_fd: int | None = None) -> int:
    """The child: import Scrapy and the spider, read the spec from stdin (none: exit at once),
    build the spider's arguments (secrets from the environment), crawl, report."""
    worker = None
    if worker_fd is not None:
        from seowatch.crawlers.workerchannel import PageWorkerClient

        worker = PageWorkerClient.from_fd(worker_fd)
    from scrapy.crawler import CrawlerProcess

    spider_class = _spider_class(spider)
    _preload_scrapy(spider_class)
    text = sys.stdin.buffer.read().decode("utf-8")
    if not text.strip():
        return 0  # cancelled: the command did not need it after all
    spec = json.loads(text)
    args = dict(spec.get("spider_args", {}))
    for opts in args.get("engines", {}).values():
        env_name = opts.pop("api_key_env", None)
        if env_name:
            opts["api_key"] = os.environ.get(env_name)
    if worker is not None:
        args["page_worker"] = worker
    settings = spec["settings"]
    try:
        process = CrawlerProcess(settings, install_root_handler=bool(settings.get("LOG_FILE")))
        # Scrapy's root handler filters by LOG_LEVEL, but leaves the root logger at NOTSET: every
        # DEBUG line ("Crawled (200) ...", one per page) would be built as a record, then dropped.
        logging.getLogger("scrapy").setLevel(settings.get("LOG_LEVEL", "INFO"))
        crawler = process.create_crawler(spider_class)
        process.crawl(crawler, **args)
        with heap_frozen():
            process.start()
    finally:
        if worker is not None:
            worker.abandon()  # a no-op after the spider closed it
    stats = crawler.stats.get_stats() if crawler.stats else {}
    errors = stats.get("log_count/ERROR", 0)
    reason = stats.get("finish_reason")
    failed = stats.get("spider_exceptions/count") or stats.get("seowatch/page_worker_failed")
    try:
        emit("finished", reason=reason, errors=errors, requests=stats.get("downloader/request_count", 0))
    except BrokenPipeError:  # the command that started the crawl is gone: nobody to tell
        return 1
    return 0 if reason == "finished" and not failed else 1


def _arguments(argv: list[str]) -> tuple[str, int | None]:
    """SPIDER [--worker-fd N]"""
    if len(argv) == 3 and argv[1] == "--worker-fd":
        return argv[0], int(argv[2])
    if len(argv) != 1:
        raise SystemExit("usage: python -m seowatch.crawlers.runner SPIDER [--worker-fd N]  (spec on stdin)")
    return argv[0], None


if __name__ == "__main__":
    from seowatch import spare_last_collection

    try:
        sys.exit(child_main(*_arguments(sys.argv[1:])))
    finally:
        spare_last_collection()
