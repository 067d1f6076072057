"""Item pipeline: store each outcome that knows how to store itself (partner checks, page audits) in
batches (see `storewriter`), then report it on the event stream. Rank checks are stored by the SERP
crawl's page worker (see `serpworker`)."""

from __future__ import annotations

import logging
from typing import Any

from seowatch.crawlers.events import emit
from seowatch.crawlers.storewriter import BatchWriter
from seowatch.store.database import get_engine

log = logging.getLogger(__name__)


class StorePipeline:
    """Writes items whose `outcome` has a `save(session)` method returning the event to emit.

    Items are written in batches (every `SEOWATCH_STORE_BATCH` items, or `SEOWATCH_STORE_DELAY`
    seconds after the first one waited, and when the crawl closes); each item's event is emitted
    once its transaction has committed, so the parent's progress counts stored checks only."""

    def __init__(self, database_url: str, batch: int = 100, delay: float = 0.5):
        self.database_url = database_url
        self.batch = batch
        self.delay = delay
        self.writer: BatchWriter | None = None
        self._timer = None

    @classmethod
    def from_crawler(cls, crawler):
        s = crawler.settings
        return cls(s.get("SEOWATCH_DATABASE_URL"), s.getint("SEOWATCH_STORE_BATCH", 100),
                   s.getfloat("SEOWATCH_STORE_DELAY", 0.5))

    def open_spider(self) -> None:
        self.writer = BatchWriter(get_engine(self.database_url, migrate=False), _write_many, max_items=self.batch)

    def close_spider(self) -> None:
        self._cancel_timer()
        if self.writer is not None:
            self.writer.flush()

    def process_item(self, item: dict[str, Any]) -> dict[str, Any]:
        outcome = item.get("outcome")
        if not hasattr(outcome, "save"):
            return item
        full = self.writer.add(outcome, _event_done)
        if full:
            self._flush()
        elif self._timer is None:
            from twisted.internet import reactor

            self._timer = reactor.callLater(self.delay, self._flush)
        return item

    def _flush(self) -> None:
        self._cancel_timer()
        self.writer.flush()

    def _cancel_timer(self) -> None:
        if self._timer is not None:
            if self._timer.active():
                self._timer.cancel()
            self._timer = None


def _write_many(session, outcomes: list) -> list:
    return [o.save(session) for o in outcomes]


def _event_done(event: dict[str, Any] | None, error: BaseException | None) -> None:
    if error is not None:
        log.error("could not store an outcome: %s", error)
        emit("store_error", error=str(error)[:300])
    elif event:
        emit(**event)
