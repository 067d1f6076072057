"""The partner spider against the sandbox's partner sites (proxy mode), stored on SQLite and PostgreSQL:
every status over three days, the N-consecutive rule, redirects, robots.txt, the home page, our page."""

from __future__ import annotations

import socket

import pytest

from seowatch.config import PartnerSpec, PolitenessConfig
from seowatch.crawlers.runner import run_child
from seowatch.crawlers.settings import crawl_settings
from seowatch.sandbox.partnersites import BY_KEY, EXPECTED, OUR_SITE, PARTNERS, expected, partner_scenario
from seowatch.sandbox.server import SandboxServer
from seowatch.store.database import get_engine, session_scope
from seowatch.store.models import Partner
from seowatch.store.partners import partner_history, sync_partners
from seowatch.store.ranks import ensure_site


@pytest.fixture(scope="module")
def sandbox():
    with SandboxServer(partner_scenario((1, 2, 3))) as server:
        yield server


def store_partners(db_url: str, keys=None) -> dict[str, int]:
    chosen = [p for p in PARTNERS if keys is None or p.key in keys]
    with session_scope(get_engine(db_url)) as s:
        site = ensure_site(s, OUR_SITE)
        synced = sync_partners(s, site, [PartnerSpec(**p.spec()) for p in chosen])
    by_page = {p.page: p.id for p in synced.partners}
    return {p.key: by_page[p.url] for p in chosen}


def run_check(db_url, tmp_path, jobs, day: int, proxies=(), retries=1) -> list[dict]:
    spec = {
        "spider": "partners",
        "settings": crawl_settings(PolitenessConfig(proxies=tuple(proxies), timeout=5), [], fast=True,
                                   database_url=db_url, log_file=str(tmp_path / "crawl.log")),
        "spider_args": {"jobs": jobs, "retries": retries, "backoff": 0, "failures_before_lost": 2},
    }
    events: list[dict] = []
    code = run_child(spec, events.append)
    log = (tmp_path / "crawl.log").read_text("utf-8") if (tmp_path / "crawl.log").exists() else ""
    assert code == 0, log[-3000:] + repr(events[-5:])
    assert not [e for e in events if e.get("event") == "output" and "Traceback" in e.get("line", "")], events
    return [e for e in events if e.get("event") == "partner"]


def jobs_for(ids: dict[str, int], day: int) -> list[dict]:
    return [
        {"partner_id": pid, "page": BY_KEY[key].url, "target": BY_KEY[key].target, "anchor": BY_KEY[key].anchor,
         "our_page": BY_KEY[key].our_page, "domain": OUR_SITE, "match": "domain", "day": f"2026-11-0{day}"}
        for key, pid in ids.items()
    ]


def test_every_status_and_the_history_rule_over_three_days(db_url, sandbox, tmp_path):
    ids = store_partners(db_url)
    key_of = {pid: key for key, pid in ids.items()}
    seen: dict[int, dict[str, dict]] = {}
    for day in (1, 2, 3):
        sandbox.day = day
        sandbox.reset()
        events = run_check(db_url, tmp_path, jobs_for(ids, day), day, proxies=[sandbox.url])
        assert len(events) == len(ids)
        got = {key_of[e["partner_id"]]: e for e in events}
        seen[day] = got
        assert {k: tuple(e["statuses"]) for k, e in got.items()} == {k: expected(k, day) for k in ids}, day
        if day == 1:
            # robots.txt once per host that served a partner page (after redirects), not for the others
            robots = [r["host"] for r in sandbox.requests() if r.get("path") == "/robots.txt"]
            served = {p.host for p in PARTNERS if p.key not in ("unreachable", "http_error", "redirect")}
            assert sorted(robots) == sorted(served | {"www.new-partner.cn"})
    # the N-consecutive rule (failures_before_lost = 2)
    assert [seen[d]["flaky"]["state"] for d in (1, 2, 3)] == ["ok", "pending", "lost"]
    assert [seen[d]["flaky"]["change"] for d in (1, 2, 3)] == [None, None, "lost"]
    assert [seen[d]["blip"]["state"] for d in (1, 2, 3)] == ["ok", "pending", "ok"]
    assert all(seen[d]["blip"]["change"] is None for d in (1, 2, 3))
    # a definite change is reported at once
    assert [seen[d]["missing"]["state"] for d in (1, 2)] == ["ok", "lost"]
    assert seen[2]["missing"]["change"] == "lost"
    # unreachable is transient: pending, then lost on the 2nd check
    assert [seen[d]["unreachable"]["state"] for d in (1, 2)] == ["pending", "lost"]
    assert seen[1]["nofollow"]["state"] == "lost" and seen[1]["anchor"]["state"] == "ok"

    with session_scope(get_engine(db_url)) as s:
        def latest(key):
            return partner_history(s, ids[key])[0]

        redirect = latest("redirect")
        assert redirect.final_url == "http://www.new-partner.cn/youqing/"
        assert redirect.redirects == [
            "301 http://www.old-partner.cn/links.html -> http://www.new-partner.cn/links.html",
            "302 http://www.new-partner.cn/links.html -> http://www.new-partner.cn/youqing/",
        ]
        assert redirect.url == BY_KEY["redirect"].url and redirect.http_status == 200
        assert latest("gbk").encoding == "gb18030" and latest("gbk").link["anchor"] == "整合营销"
        assert latest("big5").encoding == "big5hkscs" and latest("big5").link["anchor"] == "整合營銷"
        assert latest("big").outbound_links > 8000 and latest("big").link["line"] > 8000
        assert latest("malformed").link["home_page"] is True
        assert latest("gbk").reciprocal is True and latest("anchor").reciprocal is False
        assert latest("nofollow").reciprocal is True and latest("missing").reciprocal is None
        unreachable = latest("unreachable")
        assert unreachable.failure == "connection_lost" and unreachable.attempts == 2 and unreachable.http_status is None
        assert latest("robots").evidence[0]["snippet"].startswith("robots.txt line 3: Disallow: /links/")
        assert latest("xrobots").evidence[0]["snippet"] == "X-Robots-Tag: googlebot: noindex"
        assert latest("comment").link["hidden"] == "comment"
        assert all(c.response_ms is not None for c in partner_history(s, ids["gbk"]))
        assert len(partner_history(s, ids["flaky"])) == 3  # every check kept
        flaky = s.get(Partner, ids["flaky"])
        assert (flaky.state, flaky.consecutive_failures) == ("lost", 2)
        assert flaky.last_seen_ok is not None and flaky.first_seen is not None


def test_missing_link_on_an_inner_page_looks_at_the_home_page(db_url, sandbox, tmp_path):
    sandbox.day = 2
    sandbox.reset()
    ids = store_partners(db_url, {"missing"})
    (event,) = run_check(db_url, tmp_path, jobs_for(ids, 2), 2, proxies=[sandbox.url])
    assert event["statuses"] == ["link_missing"]
    paths = [(r.get("host"), r.get("path")) for r in sandbox.requests()]
    assert ("www.missing-partner.cn", "/") in paths  # the home page was looked at (404 there)


def test_connection_refused_is_unreachable_after_retries(db_url, tmp_path):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    ids = store_partners(db_url, {"gbk"})
    jobs = jobs_for(ids, 1)
    jobs[0]["page"] = f"http://127.0.0.1:{port}/links.html"
    (event,) = run_check(db_url, tmp_path, jobs, 1, retries=2)
    assert event["statuses"] == ["unreachable"] and event["state"] == "pending"
    with session_scope(get_engine(db_url)) as s:
        (check,) = partner_history(s, ids["gbk"])
        assert check.failure == "connection_refused" and check.attempts == 3 and check.transient


def test_the_expectations_cover_every_status():
    from seowatch.crawlers.partnerstatus import STATUSES

    assert {s for days in EXPECTED.values() for statuses in days.values() for s in statuses} == set(STATUSES)


