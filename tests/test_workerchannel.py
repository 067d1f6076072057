"""The crawl's side of the page worker, asked from an asyncio loop as the spider asks it: against the
worker thread a command runs (`serpworker.PageWorkerThread`), closed, lost, or failing."""

from __future__ import annotations

import asyncio
import socket

import pytest

from seowatch.crawlers.serpworker import PageWorkerThread
from seowatch.crawlers.workerchannel import PageWorkerClient, WorkerGone
from seowatch.store.database import get_engine
from tests.test_serpworker import HEADERS, OURS, fetched, filler, jobs_for, results_page


def stored(db_url: str) -> dict[str, tuple]:
    from sqlmodel import select

    from seowatch.store.database import session_scope
    from seowatch.store.models import Keyword, RankCheck

    with session_scope(get_engine(db_url)) as s:
        return {k: (c.status, c.position) for k, c in s.exec(select(Keyword.text, RankCheck).join(RankCheck))}


def test_pages_asked_together_are_answered_each_and_the_checks_stored_on_close(db_url):
    keywords = ["整合营销", "网络推广", "品牌策划"]
    ours, theirs = socket.socketpair()
    events: list[dict] = []
    worker = PageWorkerThread(ours).start(jobs_for(db_url, keywords, depth=10), get_engine(db_url), events.append)
    client = PageWorkerClient(theirs)

    async def crawl():
        async def chain(i: int, keyword: str):
            urls = filler(i) + [OURS] + filler(9 - i, i)
            summary = await client.parse(i, fetched(1, keyword), results_page(keyword, urls), HEADERS)
            await client.check(i, [1], None, {}, set(), True, [])
            return summary

        summaries = await asyncio.gather(*(chain(i, k) for i, k in enumerate(keywords)))
        return summaries, await client.close()

    summaries, closed = asyncio.run(crawl())
    worker.join()
    assert closed and worker.error is None
    assert [s.organic for s in summaries] == [10, 10, 10]
    assert stored(db_url) == {"整合营销": ("ranked", 1), "网络推广": ("ranked", 2), "品牌策划": ("ranked", 3)}
    assert sorted((e["event"], e["keyword"], e["position"]) for e in events) == [
        ("check", "品牌策划", 3), ("check", "整合营销", 1), ("check", "网络推广", 2)]


def test_a_worker_that_goes_away_fails_what_waits_on_it_and_what_comes_after():
    ours, theirs = socket.socketpair()
    ours.setblocking(False)
    client = PageWorkerClient(theirs)

    async def crawl():
        waiting = asyncio.ensure_future(
            client.parse(0, fetched(1, "整合营销"), results_page("整合营销", filler(10)), HEADERS))
        assert await asyncio.get_running_loop().sock_recv(ours, 1 << 16)  # the question reached the worker's end
        ours.close()  # ... whose command was killed
        with pytest.raises(WorkerGone):
            await waiting
        with pytest.raises(WorkerGone):
            await client.parse(0, fetched(1, "整合营销"), results_page("整合营销", filler(10)), HEADERS)
        with pytest.raises(WorkerGone):
            await client.check(0, [1], None, {}, set(), True, [])
        return await client.close()

    assert asyncio.run(crawl()) is False


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_worker_that_fails_ends_the_connection_instead_of_leaving_the_crawl_waiting(db_url):
    ours, theirs = socket.socketpair()
    worker = PageWorkerThread(ours).start([], get_engine(db_url), lambda event: None)  # no job 0: a bug
    client = PageWorkerClient(theirs)

    async def crawl():
        with pytest.raises(WorkerGone):
            await client.parse(0, fetched(1, "整合营销"), results_page("整合营销", filler(10)), HEADERS)
        return await client.close()

    assert asyncio.run(crawl()) is False
    worker.join()
    assert isinstance(worker.error, IndexError)
