"""The store-backed cache of resolved engine redirect links, so each link is resolved once."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy.engine import Engine

from seowatch.store.database import session_scope
from seowatch.store.ranks import remember_link, resolved_links


class LinkCache:
    """get_many / put_many over the resolved_link table, plus an in-memory layer for this crawl (the SERP
    crawl's page worker holds it)."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self._memory: dict[str, str] = {}

    def get_many(self, links: list[str]) -> dict[str, str]:
        found = {link: self._memory[link] for link in links if link in self._memory}
        missing = [link for link in links if link not in found]
        if missing:
            with session_scope(self.engine) as session:
                stored = resolved_links(session, missing)
            self._memory.update(stored)
            found.update(stored)
        return found

    def put_many(self, engine_name: str, resolved: list[tuple[str, str]]) -> None:
        """Remember (link, target) pairs, in one transaction."""
        now = datetime.now(timezone.utc)
        with session_scope(self.engine) as session:
            for link, url in resolved:
                self._memory[link] = url
                remember_link(session, engine_name, link, url, now)
