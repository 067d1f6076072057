"""The crawl's side of the page worker: a real worker process (forked, or a new interpreter where
fork is not used), asked from an asyncio loop as the spider asks it, closed or lost."""

from __future__ import annotations

import asyncio
import multiprocessing

import pytest

from seowatch.crawlers.workerchannel import PageWorkerClient, WorkerGone
from tests.test_serpworker import HEADERS, OURS, SITE, fetched, filler, results_page

DAY = "2026-11-24"
METHODS = [m for m in ("fork", "spawn") if m in multiprocessing.get_all_start_methods()]


def jobs_for(db_url: str, keywords: list[str]) -> list[dict]:
    from seowatch.store.database import get_engine, session_scope
    from seowatch.store.models import Keyword, Site

    with session_scope(get_engine(db_url)) as s:
        site = Site(domain=SITE["domain"])
        s.add(site)
        s.flush()
        rows = [Keyword(site_id=site.id, text=k, normalized=k) for k in keywords]
        s.add_all(rows)
        s.flush()
        return [{"keyword_id": k.id, "keyword": k.text, "engine": "baidu", "device": "desktop", "day": DAY,
                 "depth": 10, "site": SITE} for k in rows]


def stored(db_url: str) -> dict[str, tuple]:
    from sqlmodel import select

    from seowatch.store.database import get_engine, session_scope
    from seowatch.store.models import Keyword, RankCheck

    with session_scope(get_engine(db_url)) as s:
        return {k: (c.status, c.position) for k, c in s.exec(select(Keyword.text, RankCheck).join(RankCheck))}


@pytest.mark.parametrize("method", METHODS)
def test_pages_asked_together_are_answered_each_and_the_checks_stored_on_close(db_url, method):
    keywords = ["整合营销", "网络推广", "品牌策划"]
    client = PageWorkerClient.start(jobs_for(db_url, keywords), db_url, start_method=method)

    async def crawl():
        async def chain(i: int, keyword: str):
            urls = filler(i) + [OURS] + filler(9 - i, i)
            summary = await client.parse(i, fetched(1, keyword), results_page(keyword, urls), HEADERS)
            await client.check(i, [1], None, {}, set(), True, [])
            return summary

        summaries = await asyncio.gather(*(chain(i, k) for i, k in enumerate(keywords)))
        return summaries, await client.close()

    summaries, closed = asyncio.run(crawl())
    assert closed and client.process.exitcode == 0
    assert [s.organic for s in summaries] == [10, 10, 10]
    assert stored(db_url) == {"整合营销": ("ranked", 1), "网络推广": ("ranked", 2), "品牌策划": ("ranked", 3)}


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_worker_that_dies_fails_what_waits_on_it_and_what_comes_after(db_url):
    client = PageWorkerClient.start(jobs_for(db_url, ["整合营销"]), db_url)

    async def crawl():
        await client.parse(0, fetched(1, "整合营销"), results_page("整合营销", filler(10)), HEADERS)
        client.process.kill()
        with pytest.raises(WorkerGone):
            await client.parse(0, fetched(1, "整合营销"), results_page("整合营销", filler(10)), HEADERS)
        with pytest.raises(WorkerGone):
            await client.check(0, [1], None, {}, set(), True, [])
        return await client.close()

    assert asyncio.run(crawl()) is False
    assert stored(db_url) == {}
