"""Item pipeline: store each decided check (in batches, see `storewriter`), then report it on the event stream."""

from __future__ import annotations

import logging
from typing import Any

from seowatch.crawlers.events import emit
from seowatch.crawlers.storewriter import BatchWriter
from seowatch.store.database import get_engine
from seowatch.store.ranks import CheckOutcome, save_checks

log = logging.getLogger(__name__)


class StorePipeline:
    """Writes CheckOutcome items (and, through `save`, any item that knows how to store itself).

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
        if isinstance(outcome, CheckOutcome):
            full = self.writer.add(outcome, _check_done(item, outcome))
        elif hasattr(outcome, "save"):
            full = self.writer.add(outcome, _event_done)
        else:
            return item
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
    """Rank checks go in together (a few statements for the whole batch); other outcomes store themselves."""
    checks = [o for o in outcomes if isinstance(o, CheckOutcome)]
    stored = iter(save_checks(session, checks)) if checks else iter(())
    return [next(stored) if isinstance(o, CheckOutcome) else o.save(session) for o in outcomes]


def _check_done(item: dict[str, Any], outcome: CheckOutcome):
    seen = outcome.check  # what this crawl observed, even if the store keeps a known result

    def done(stored, error: BaseException | None) -> None:
        if error is not None:
            log.error("could not store the check of %r on %s: %s", item.get("keyword"), seen.engine, error)
            emit("store_error", keyword=item.get("keyword"), engine=seen.engine, error=str(error)[:300])
            return
        emit(
            "check",
            keyword=item.get("keyword"),
            keyword_id=seen.keyword_id,
            engine=seen.engine,
            device=seen.device,
            status=seen.status,
            position=seen.position,
            reason=seen.unknown_reason,
            kept_known=stored is not seen,
        )

    return done


def _event_done(event: dict[str, Any] | None, error: BaseException | None) -> None:
    if error is not None:
        log.error("could not store an outcome: %s", error)
        emit("store_error", error=str(error)[:300])
    elif event:
        emit(**event)
