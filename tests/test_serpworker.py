"""The page worker on its own: it parses what the crawl sends, answers what the crawl needs, decides
and stores each finished chain, and stores every decided check whether the crawl closes it, goes
away, or just keeps going (SQLite and PostgreSQL)."""

from __future__ import annotations

import socket
import threading
import time
from datetime import datetime, timezone

import pytest
from sqlmodel import select

from seowatch.crawlers.framing import FrameReader, send_frames
from seowatch.crawlers.serpworker import serve
from seowatch.crawlers.workerchannel import PageFetch, PageSummary
from seowatch.sandbox.plan import PagePlan, Shown
from seowatch.sandbox.serps import captcha_bytes, page_bytes
from seowatch.store.database import get_engine, session_scope
from seowatch.store.models import Keyword, RankCheck, SerpResult, Site

ROOT = "http://127.0.0.1:9"  # the pages' own links (the engine at ROOT/baidu); nothing is fetched
DAY = "2026-11-24"
NOW = datetime(2026, 11, 24, 8, 0, tzinfo=timezone.utc)
SITE = {"domain": "ours-test.cn", "match": "domain", "assets": [], "competitors": ["rival-test.cn"]}
OURS = "https://www.ours-test.cn/zhenghe/"
HEADERS = {b"Content-Type": [b"text/html; charset=utf-8"]}


def results_page(keyword: str, urls: list[str], *, page: int = 1, has_next: bool = False,
                 carry_target: bool = True) -> bytes:
    shown = tuple(Shown((page - 1) * 10 + i + 1, url, f"{keyword}标题{i}", "摘要", None, carry_target)
                  for i, url in enumerate(urls))
    return page_bytes(PagePlan("baidu", keyword, page, 10, 100, shown, (), (), (), has_next, "utf-8"), ROOT)


def filler(n: int, start: int = 0) -> list[str]:
    return [f"https://www.other{start + i}.cn/page.html" for i in range(n)]


def fetched(page_no: int, keyword: str, **extra) -> PageFetch:
    return PageFetch(page_no, f"{ROOT}/s?wd={keyword}&pn={(page_no - 1) * 10}", NOW, http_status=200, **extra)


def jobs_for(db_url: str, keywords: list[str], *, depth: int = 20) -> list[dict]:
    """The site and its keywords in the store, and a Baidu job for each keyword."""
    with session_scope(get_engine(db_url)) as s:
        site = Site(domain=SITE["domain"])
        s.add(site)
        s.flush()
        rows = [Keyword(site_id=site.id, text=k, normalized=k) for k in keywords]
        s.add_all(rows)
        s.flush()
        return [{"keyword_id": k.id, "keyword": k.text, "engine": "baidu", "device": "desktop", "day": DAY,
                 "depth": depth, "site": SITE} for k in rows]


class Crawl:
    """The crawl's side of the socket, driving `serve` running in a thread."""

    def __init__(self, db_url: str, keywords: list[str], *, delay: float = 60.0, batch: int = 100):
        engine = get_engine(db_url)
        self.db_url = db_url
        self.jobs = jobs_for(db_url, keywords)
        self.sock, theirs = socket.socketpair()
        self.reader = FrameReader(self.sock)
        self.events: list[dict] = []
        self.ended: list[bool] = []
        self.thread = threading.Thread(
            target=lambda: self.ended.append(
                serve(theirs, self.jobs, engine, self.events.append, base_urls={"baidu": f"{ROOT}/baidu"},
                      batch=batch, delay=delay) is None),
            daemon=True,
        )
        self.thread.start()
        self._ids = 0

    def parse(self, job: int, page: PageFetch, body: bytes) -> PageSummary:
        self._ids += 1
        send_frames(self.sock, [("parse", self._ids, job, page, body, HEADERS)])
        kind, request_id, summary = self.reader.next(10)
        assert (kind, request_id) == ("parsed", self._ids)
        return summary

    def check(self, job: int, parsed: list[int], tail: PageFetch | None = None, complete: bool = True,
              resolved: dict | None = None, fresh: list | None = None) -> None:
        resolved = resolved or {}
        send_frames(self.sock, [("check", job, parsed, tail, resolved, set(resolved), complete, fresh or [])])

    def close(self) -> None:
        send_frames(self.sock, [("close",)])
        assert self.reader.next(10) == ("closed",)
        self.thread.join(10)
        assert self.ended == [True]

    def checks(self) -> dict[str, RankCheck]:
        with session_scope(get_engine(self.db_url)) as s:
            return {k: c for k, c in s.exec(select(Keyword.text, RankCheck).join(RankCheck))}


def test_a_chain_is_parsed_answered_decided_and_stored(db_url):
    crawl = Crawl(db_url, ["整合营销", "网络推广"])
    first = crawl.parse(0, fetched(1, "整合营销"), results_page("整合营销", filler(2) + [OURS] + filler(7, 2), has_next=True))
    assert first == PageSummary(1, None, organic=10, has_next=True, no_results=False, redirects=())
    second = crawl.parse(0, fetched(2, "整合营销"), results_page("整合营销", filler(10, 9), page=2))
    assert second.ok and second.organic == 10 and not second.has_next
    crawl.check(0, [1, 2])
    crawl.parse(1, fetched(1, "网络推广"), results_page("网络推广", filler(10), has_next=True))
    crawl.parse(1, fetched(2, "网络推广"), results_page("网络推广", filler(10, 10), page=2))
    crawl.check(1, [1, 2])
    assert crawl.checks() == {}  # a batch waits for its size, its delay or the end
    crawl.close()

    checks = crawl.checks()
    assert (checks["整合营销"].status, checks["整合营销"].position, checks["整合营销"].depth_scanned) == ("ranked", 3, 20)
    assert (checks["网络推广"].status, checks["网络推广"].position, checks["网络推广"].pages_fetched) == ("not_ranked", None, 2)
    with session_scope(get_engine(db_url)) as s:
        kept = s.exec(select(SerpResult).where(SerpResult.check_id == checks["整合营销"].id)).all()
    assert sorted(r.position for r in kept if r.kind == "organic") == list(range(1, 21))
    seen = crawl.events
    assert [(e["event"], e["keyword"], e["status"], e["position"]) for e in seen] == [
        ("check", "整合营销", "ranked", 3), ("check", "网络推广", "not_ranked", None)]


def test_a_retried_page_replaces_its_attempt_and_a_page_that_failed_in_transport_ends_the_chain(db_url):
    crawl = Crawl(db_url, ["验证码", "二页坏"])
    wall = crawl.parse(0, fetched(1, "验证码"), captcha_bytes("baidu", "验证码", ROOT))
    assert wall == PageSummary(1, "security_check")
    again = crawl.parse(0, fetched(1, "验证码", attempts=2), results_page("验证码", [OURS] + filler(9)))
    assert again.ok
    crawl.check(0, [1])
    # Page 2 met a wall, then its retry ended in HTTP 503: the 503 is what the check says.
    crawl.parse(1, fetched(1, "二页坏"), results_page("二页坏", filler(10), has_next=True))
    crawl.parse(1, fetched(2, "二页坏"), captcha_bytes("baidu", "二页坏", ROOT))
    tail = PageFetch(2, f"{ROOT}/s?wd=x&pn=10", NOW, http_status=503, failure="http_503", attempts=2)
    crawl.check(1, [1], tail, complete=False)
    crawl.close()

    checks = crawl.checks()
    assert (checks["验证码"].status, checks["验证码"].position, checks["验证码"].pages_fetched) == ("ranked", 1, 1)
    unknown = checks["二页坏"]
    assert (unknown.status, unknown.unknown_reason, unknown.position) == ("unknown", "http_503", None)
    assert (unknown.depth_scanned, unknown.pages_fetched) == (10, 2)


def test_redirect_links_are_named_for_the_crawl_and_the_targets_it_resolved_are_kept_for_later(db_url):
    crawl = Crawl(db_url, ["跳转", "再跳转"])
    first = crawl.parse(0, fetched(1, "跳转"), results_page("跳转", filler(2) + [OURS], carry_target=False))
    assert len(first.redirects) == 3 and {target for _, target in first.redirects} == {None}
    targets = dict(zip((link for link, _ in first.redirects), filler(2) + [OURS]))
    crawl.check(0, [1], resolved=targets, fresh=list(targets.items()))  # the sandbox's links are absolute
    # Another chain meeting the same links gets their targets with its page: nothing to resolve.
    again = crawl.parse(1, fetched(1, "再跳转"), results_page("跳转", filler(2) + [OURS], carry_target=False))
    assert dict(again.redirects) == targets
    crawl.check(1, [1], resolved=dict(again.redirects))
    crawl.close()
    checks = crawl.checks()
    assert {k: (c.status, c.position) for k, c in checks.items()} == {"跳转": ("ranked", 3), "再跳转": ("ranked", 3)}


def test_a_crawl_that_goes_away_still_gets_every_decided_check_stored(db_url):
    crawl = Crawl(db_url, ["整合营销", "网络推广"])
    crawl.parse(0, fetched(1, "整合营销"), results_page("整合营销", [OURS] + filler(9)))
    crawl.check(0, [1])
    crawl.parse(1, fetched(1, "网络推广"), results_page("网络推广", filler(10), has_next=True))  # never finished
    crawl.sock.close()  # the crawl was killed
    crawl.thread.join(10)
    assert crawl.ended == [True]
    assert {k: c.status for k, c in crawl.checks().items()} == {"整合营销": "ranked"}


def test_a_decided_check_is_stored_within_the_delay_while_the_crawl_goes_on(db_url):
    crawl = Crawl(db_url, ["整合营销", "网络推广"], delay=0.05)
    crawl.parse(0, fetched(1, "整合营销"), results_page("整合营销", [OURS] + filler(9)))
    crawl.check(0, [1])
    deadline = time.monotonic() + 10
    while "整合营销" not in crawl.checks():
        assert time.monotonic() < deadline, "the decided check was not stored within its delay"
        time.sleep(0.02)
    # ... and the worker goes on answering.
    assert crawl.parse(1, fetched(1, "网络推广"), results_page("网络推广", filler(10))).ok
    crawl.close()


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_full_batch_is_stored_without_waiting_for_the_delay(db_url):
    crawl = Crawl(db_url, [f"词{i}" for i in range(3)], batch=3)
    for i in range(3):
        crawl.parse(i, fetched(1, f"词{i}"), results_page(f"词{i}", filler(10)))
        crawl.check(i, [1])
    crawl.parse(0, fetched(1, "词0"), results_page("词0", filler(10)))  # a round trip after the third check
    assert len(crawl.checks()) == 3
    crawl.close()
