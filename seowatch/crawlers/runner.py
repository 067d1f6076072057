"""Running a crawl in a child process (the Twisted reactor cannot restart), and that child's entry point.

The parent writes a JSON spec, starts `python -m seowatch.crawlers.runner SPEC`, and reads the
child's event lines (see `events`) as they come; Scrapy's own log goes to the log file.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from seowatch.crawlers.events import emit, parse_line

SPIDERS = {
    "serp": "seowatch.crawlers.spiders.serp:SerpSpider",
    "partners": "seowatch.crawlers.spiders.partners:PartnerSpider",
    "audit": "seowatch.crawlers.spiders.audit:AuditSpider",
}


def run_child(
    spec: dict[str, Any],
    on_event: Callable[[dict[str, Any]], None],
    *,
    workdir: Path,
    env: dict[str, str] | None = None,
) -> int:
    """Run one crawl in a child process; returns its exit status (0: the crawl ran to its end)."""
    workdir.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", suffix=".json", prefix="crawl-", dir=workdir, delete=False, encoding="utf-8") as f:
        json.dump(spec, f, ensure_ascii=False)
        spec_path = f.name
    restore_sigterm = _raise_on_sigterm()
    try:
        proc = subprocess.Popen(
            [sys.executable, "-m", "seowatch.crawlers.runner", spec_path],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            encoding="utf-8",
            errors="replace",
            env=env,
        )
        try:
            assert proc.stdout is not None
            for line in proc.stdout:
                event = parse_line(line.rstrip("\n"))
                if event is not None:
                    on_event(event)
                elif line.strip():
                    on_event({"event": "output", "line": line.rstrip("\n")})
            return proc.wait()
        except BaseException:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()  # reaped here, not left a zombie
            raise
    finally:
        restore_sigterm()
        os.unlink(spec_path)


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


def child_main(spec_path: str) -> int:
    """The child: build the spider's arguments from the spec (secrets from the environment), crawl, report."""
    spec = json.loads(Path(spec_path).read_text("utf-8"))
    args = dict(spec.get("spider_args", {}))
    for opts in args.get("engines", {}).values():
        env_name = opts.pop("api_key_env", None)
        if env_name:
            opts["api_key"] = os.environ.get(env_name)
    settings = spec["settings"]
    worker = None
    if spec["spider"] == "serp":
        from seowatch.crawlers.workerchannel import PageWorkerClient

        # First, while this process has no thread and no connection a fork could copy; the worker
        # imports the parsers and the store while this process imports Scrapy.
        worker = PageWorkerClient.start(
            args["jobs"], spec["database_url"],
            base_urls={name: opts.get("base_url") for name, opts in args.get("engines", {}).items()},
            batch=settings.get("SEOWATCH_STORE_BATCH", 100), delay=settings.get("SEOWATCH_STORE_DELAY", 0.5),
            log_file=settings.get("LOG_FILE"),
        )
        args["page_worker"] = worker
    from scrapy.crawler import CrawlerProcess

    try:
        process = CrawlerProcess(settings, install_root_handler=bool(settings.get("LOG_FILE")))
        # Scrapy's root handler filters by LOG_LEVEL, but leaves the root logger at NOTSET: every
        # DEBUG line ("Crawled (200) ...", one per page) would be built as a record, then dropped.
        logging.getLogger("scrapy").setLevel(settings.get("LOG_LEVEL", "INFO"))
        crawler = process.create_crawler(_spider_class(spec["spider"]))
        process.crawl(crawler, **args)
        process.start()
    finally:
        if worker is not None:
            worker.abandon()  # a no-op after the spider closed it
    stats = crawler.stats.get_stats() if crawler.stats else {}
    errors = stats.get("log_count/ERROR", 0)
    reason = stats.get("finish_reason")
    emit("finished", reason=reason, errors=errors, requests=stats.get("downloader/request_count", 0))
    failed = stats.get("spider_exceptions/count") or stats.get("seowatch/page_worker_failed")
    return 0 if reason == "finished" and not failed else 1


if __name__ == "__main__":
    from seowatch import spare_last_collection

    try:
        sys.exit(child_main(sys.argv[1]))
    finally:
        spare_last_collection()
