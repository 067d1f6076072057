"""Item pipelines: store each decided check in one transaction, then report it on the event stream."""

from __future__ import annotations

from typing import Any

from seowatch.crawlers.events import emit
from seowatch.store.database import get_engine, session_scope
from seowatch.store.ranks import CheckOutcome, save_check


class StorePipeline:
    """Writes CheckOutcome items (and, through `save`, any item that knows how to store itself)."""

    def __init__(self, database_url: str):
        self.database_url = database_url
        self.engine = None

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.settings.get("SEOWATCH_DATABASE_URL"))

    def open_spider(self) -> None:
        self.engine = get_engine(self.database_url)

    def process_item(self, item: dict[str, Any]) -> dict[str, Any]:
        outcome = item.get("outcome")
        if isinstance(outcome, CheckOutcome):
            seen = outcome.check  # what this crawl observed, even if the store keeps a known result
            with session_scope(self.engine) as session:
                stored = save_check(session, outcome)
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
            with session_scope(self.engine) as session:
                event = outcome.save(session)
            if event:
                emit(**event)
        return item
