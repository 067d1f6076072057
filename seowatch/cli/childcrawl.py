"""Running one spider in a child process from a command: the spec, the progress bar, the failure report."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager, nullcontext
from typing import Any

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from seowatch.cli import EXIT_FAILED, App
from seowatch.crawlers.runner import CrawlChild
from seowatch.crawlers.settings import backoff_seconds, crawl_settings


def run_spider(
    app: App,
    spider: str,
    slots: Iterable[str],
    spider_args: dict[str, Any],
    *,
    fast: bool,
    total: int,
    item_event: str,
    on_item: Callable[[dict[str, Any]], str | None],
    show_progress: bool,
    label: str,
    child: CrawlChild | None = None,
    alongside: Callable[[Callable[[dict[str, Any]], None], str], AbstractContextManager] | None = None,
) -> int:
    """Run `spider` in a child process (one download slot per entry of `slots`, politeness from the
    config, retries and backoff added to its arguments), advancing a progress bar on each `item_event`
    (`on_item` returns the bar's note). Returns 0, or the child's failure status after saying so.

    `child`: the crawl's child process when it was started ahead (see `CrawlChild`). `alongside`,
    given the event handler and the log file, returns what runs in this process for as long as the
    child does (the SERP crawl's page worker), as a context manager."""
    cfg = app.config
    log_dir = cfg.data_dir / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    log_file = str(log_dir / "crawl.log")
    spec = {
        "spider": spider,
        "settings": crawl_settings(cfg.politeness, sorted(set(slots)), fast=fast, database_url=cfg.database_url,
                                   log_file=log_file),
        "spider_args": {"retries": cfg.politeness.retries, "backoff": backoff_seconds(cfg.politeness, fast),
                        **spider_args},
    }
    finished: dict[str, Any] = {}
    output: list[str] = []
    progress = Progress(
        TextColumn(f"[bold]{label}"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[note]}"),
        TimeElapsedColumn(), console=Console(stderr=True), disable=not show_progress, transient=True,
    )
    with progress:
        task = progress.add_task(label, total=total, note="")

        def on_event(event: dict[str, Any]) -> None:
            kind = event.get("event")
            if kind == item_event:
                progress.update(task, advance=1, note=on_item(event) or "")
            elif kind == "finished":
                finished.update(event)
            elif kind == "output":
                output.append(event["line"])

        # The child is stopped (if it did not end) before what runs alongside it is waited for.
        with alongside(on_event, log_file) if alongside else nullcontext():
            with child or CrawlChild.start(spider, env=app.environ) as started:
                code = started.run(spec, on_event)
    if code != 0 or not finished:
        tail = "\n".join(output[-20:])
        click.echo(f"seowatch: the {label} failed (exit {code}); see {log_dir / 'crawl.log'}"
                   + (f"\n{tail}" if tail else ""), err=True)
        return code or EXIT_FAILED
    return 0
