"""Item pipelines: store each decided check (off the reactor, see `storewriter`), then report it on the event stream."""

from __future__ import annotations

import asyncio
from typing import Any

from seowatch.crawlers.events import emit
from seowatch.crawlers.storewriter import StoreWriter
from seowatch.store.database import get_engine
from seowatch.store.ranks import CheckOutcome, save_check


class StorePipeline:
    """Writes CheckOutcome items (and, through `save`, any item that knows how to store itself).

    Each item is in one transaction with the items queued beside it, never split; its event is
    emitted once that transaction has committed."""

    def __init__(self, database_url: str):
        self.database_url = database_url
        self.writer: StoreWriter | None = None

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.settings.get("SEOWATCH_DATABASE_URL"))

    def open_spider(self) -> None:
        self.writer = StoreWriter(get_engine(self.database_url)).start()

    def close_spider(self) -> None:
        if self.writer is not None:
            self.writer.close()

    async def process_item(self, item: dict[str, Any]) -> dict[str, Any]:
        outcome = item.get("outcome")
        if isinstance(outcome, CheckOutcome):
            seen = outcome.check  # what this crawl observed, even if the store keeps a known result
            stored = await asyncio.wrap_future(self.writer.submit(lambda session: save_check(session, outcome)))
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
        elif hasattr(outcome, "save"):
            event = await asyncio.wrap_future(self.writer.submit(outcome.save))
            if event:
                emit(**event)
        return item
