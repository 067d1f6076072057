"""The rank-tracking spider through `seowatch crawl --fast` against the sandbox, stored on SQLite and
PostgreSQL: pagination to the depth, redirect resolution and its cache, every fault type, the depth
scanned, re-runs of a day and interrupted crawls."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func
from sqlmodel import select

from seowatch.sandbox.server import SandboxServer
from seowatch.scheduler import cli
from seowatch.store.database import get_engine, session_scope
from seowatch.store.models import (
    KIND_AD,
    KIND_ORGANIC,
    Keyword,
    RankCheck,
    RankObservation,
    ResolvedLink,
    SerpPageRecord,
    SerpResult,
)

DAY = "2026-11-24"
DOMAIN = "ours-test.cn"
OURS = "https://www.ours-test.cn/zhenghe/"
RIVAL = "https://www.rival-test.cn/a.html"
ASSET = "https://baijiahao.baidu.com/s?id=1700000000000000042"
TIMEOUT = 1.5  # the crawl's client timeout (politeness.timeout): loose enough for a loaded machine
HOLD = 1.8  # how long the sandbox's timeout fault holds a response: just above the client timeout
FAULTS = ("captcha", "http_403", "http_429", "http_503", "timeout", "truncated", "dataloss", "garbage", "empty")
# The unknown reason each persistent fault must end as (a captcha: the engine's name for its wall, WALLS).
REASONS = {
    "http_403": "http_403", "http_429": "http_429", "http_503": "http_503", "timeout": "timeout",
    "truncated": "truncated", "dataloss": "dataloss", "garbage": "parse_error", "empty": "empty",
}
PAGED_ENGINES = ("baidu", "bing", "google", "sogou", "so360", "yandex")
# What each engine's wall is called (Baidu's is its 安全验证 page, Google's its unusual-traffic page).
WALLS = {"baidu": "security_check", "bing": "captcha", "google": "unusual_traffic", "sogou": "captcha",
         "so360": "captcha", "yandex": "captcha"}


def ours_at(position: int, total: int = 50, **extra) -> dict:
    return {"results": [{"url": OURS, "position": position, "title": "整合营销服务_测试营销"}], "total": total, **extra}


SERPS = {
    # pagination: ours on page 3; a result list that ends on page 3, before the depth of 30
    **{engine: {"分页": ours_at(23), "短列表": {"total": 25}, "无结果": {"faults": [{"type": "no_results"}]},
                 "验证码": ours_at(1, faults=[{"type": "captcha"}])}
       for engine in PAGED_ENGINES},
}
SERPS["baidu"].update({
    # redirect links only (resolved through /link, 302); a competitor, ours and an asset of ours, an ad
    "跳转": {"results": [{"url": RIVAL, "position": 1}, {"url": OURS, "position": 3}, {"url": ASSET, "position": 6}],
             "ads": ["https://ad.rival-test.cn/landing"], "carry_target": False},
    # persistent and transient faults on page 1; faults on page 2
    **{f"坏-{fault}": ours_at(3, faults=[{"type": fault}]) for fault in FAULTS},
    **{f"偶-{fault}": ours_at(3, faults=[{"type": fault, "page": 1, "times": 1}]) for fault in FAULTS},
    "二页坏-已见": ours_at(3, faults=[{"type": "http_503", "page": 2}]),
    "二页坏-未见": ours_at(40, faults=[{"type": "http_503", "page": 2}]),
})
SERPS["so360"].update({"跳转": {"results": [{"url": OURS, "position": 2}], "carry_target": False}})
SERPS["sogou"].update({"跳转": {"results": [{"url": OURS, "position": 4}], "carry_target": False}})
SCENARIO = {"days": {"1": {"serps": SERPS}}}


@pytest.fixture(scope="module")
def sandbox():
    with SandboxServer(SCENARIO, port=0, timeout_hold=HOLD) as server:
        yield server


@pytest.fixture(autouse=True)
def fresh(sandbox):
    sandbox.reset()
    yield


def write_config(tmp_path: Path, sandbox: SandboxServer, db_url: str, *, keywords, engines=("baidu",), depth=10,
                 timeout=TIMEOUT, retries=1) -> Path:
    """A seowatch.toml for one site crawled from the sandbox (retries and the timeout kept small)."""
    lines = [
        "[settings]", f"data_dir = {json.dumps(str(tmp_path / 'data'))}", f"database = {json.dumps(db_url)}",
        "[politeness]", f"retries = {retries}", f"timeout = {timeout}",
    ]
    for engine in engines:
        lines += [f"[engines.{engine}]", f"base_url = {json.dumps(sandbox.base_url(engine))}"]
    lines += [
        "[[sites]]", f'domain = "{DOMAIN}"', 'name = "测试营销"', f"depth = {depth}",
        f"engines = {json.dumps(list(engines))}",
        'competitors = ["rival-test.cn"]', f"assets = [{json.dumps(ASSET)}]",
        f"keywords = {json.dumps(list(keywords), ensure_ascii=False)}",
    ]
    path = tmp_path / "seowatch.toml"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path


def crawl(config: Path, *args: str, code: int = 0):
    result = CliRunner().invoke(cli, ["-c", str(config), "crawl", "--fast", "--date", DAY, *args])
    log = config.parent / "data" / "logs" / "crawl.log"
    assert result.exit_code == code, result.output + (log.read_text("utf-8")[-4000:] if log.exists() else "")
    return result


def stored(db_url: str) -> dict[tuple[str, str], RankCheck]:
    with session_scope(get_engine(db_url)) as s:
        rows = s.exec(select(Keyword.text, RankCheck).join(RankCheck, RankCheck.keyword_id == Keyword.id)).all()
    out = {}
    for text, check in rows:
        assert (text, check.engine) not in out, f"two checks for {text} on {check.engine}"
        out[(text, check.engine)] = check
    return out


def results_of(db_url: str, check: RankCheck) -> list[SerpResult]:
    with session_scope(get_engine(db_url)) as s:
        return list(s.exec(select(SerpResult).where(SerpResult.check_id == check.id).order_by(SerpResult.id)))


def pages_of(db_url: str, check: RankCheck) -> list[SerpPageRecord]:
    with session_scope(get_engine(db_url)) as s:
        return list(s.exec(select(SerpPageRecord).where(SerpPageRecord.check_id == check.id)
                           .order_by(SerpPageRecord.page_no)))


def served(sandbox: SandboxServer, kind: str = "serp") -> list[dict]:
    return [r for r in sandbox.requests() if r.get("kind") == kind]


def pages_requested(sandbox: SandboxServer, engine: str, keyword: str) -> list[int]:
    return sorted(r["page"] for r in served(sandbox) if r["engine"] == engine and r["keyword"] == keyword)


def test_pages_down_to_the_depth_on_several_engines(db_url, sandbox, tmp_path):
    config = write_config(tmp_path, sandbox, db_url, engines=PAGED_ENGINES, depth=30,
                          keywords=["分页", "短列表", "无结果", "验证码"])
    result = crawl(config)
    checks = stored(db_url)
    assert len(checks) == 4 * len(PAGED_ENGINES)
    for engine in PAGED_ENGINES:
        found = checks[("分页", engine)]
        assert (found.status, found.position, found.page, found.url) == ("ranked", 23, 3, OURS), engine
        assert found.owner_kind == "site", engine
        assert (found.depth, found.depth_scanned, found.pages_fetched) == (30, 30, 3), engine
        assert pages_requested(sandbox, engine, "分页") == [1, 2, 3], engine  # the depth ends the chain
        # The engine's last page comes before the depth: not ranked within the 25 results that exist.
        short = checks[("短列表", engine)]
        assert (short.status, short.position) == ("not_ranked", None), engine
        assert (short.depth_scanned, short.pages_fetched) == (25, 3), engine
        assert pages_requested(sandbox, engine, "短列表") == [1, 2, 3], engine
        # An explicit no-results page: a complete answer, nothing scanned.
        none = checks[("无结果", engine)]
        assert (none.status, none.depth_scanned, none.pages_fetched) == ("not_ranked", 0, 1), engine
        wall = checks[("验证码", engine)]
        assert (wall.status, wall.position, wall.depth_scanned) == ("unknown", None, 0), engine
        assert wall.unknown_reason == WALLS[engine], engine
        assert pages_requested(sandbox, engine, "验证码") == [1, 1], engine  # retried once, never page 2
    with session_scope(get_engine(db_url)) as s:
        pages = s.exec(select(SerpPageRecord).where(SerpPageRecord.check_id == checks[("分页", "baidu")].id)
                       .order_by(SerpPageRecord.page_no)).all()
    assert [(p.page_no, p.organic_count, p.failure) for p in pages] == [(1, 10, None), (2, 10, None), (3, 10, None)]
    assert not served(sandbox, "redirect")  # the pages carry their targets: nothing to resolve
    assert "测试营销: checked 18/24, 6 unknown" in result.output


def test_redirect_links_are_resolved_once_and_a_second_crawl_of_the_day_replaces_the_first(db_url, sandbox, tmp_path):
    config = write_config(tmp_path, sandbox, db_url, engines=("baidu", "so360", "sogou"), keywords=["跳转"])
    crawl(config)
    checks = stored(db_url)
    assert {e: (c.status, c.position, c.url) for (_, e), c in checks.items()} == {
        "baidu": ("ranked", 3, OURS), "so360": ("ranked", 2, OURS), "sogou": ("ranked", 4, OURS),
    }
    # Every redirect link was resolved with one non-following request: Baidu and 360 answer 302,
    # Sogou 200 with a page that replaces itself (meta refresh).
    redirects = served(sandbox, "redirect")
    assert Counter((r["path"].split("=")[0], r["status"]) for r in redirects) == {
        ("/baidu/link?url", 302): 10, ("/link?m", 302): 10, ("/link?url", 200): 10,  # 360, Sogou: root-relative
    }
    assert len({r["path"] for r in redirects}) == 30  # none twice
    with session_scope(get_engine(db_url)) as s:
        cache = s.exec(select(ResolvedLink)).all()
    assert sorted(r.engine for r in cache) == ["baidu"] * 10 + ["so360"] * 10 + ["sogou"] * 10
    assert {r.url for r in cache if r.engine == "baidu"} >= {OURS, RIVAL, ASSET}

    first = results_of(db_url, checks[("跳转", "baidu")])
    organic = [r for r in first if r.kind == KIND_ORGANIC]
    assert [r.position for r in organic] == list(range(1, 11))
    assert all(r.link and "/baidu/link?url=" in r.link and r.url.startswith("https://") for r in organic)
    owners = {r.position: (r.url, r.domain, r.owner, r.owner_name) for r in organic if r.owner}
    assert owners == {
        1: (RIVAL, "rival-test.cn", "competitor", "rival-test.cn"),
        3: (OURS, DOMAIN, "site", DOMAIN),
        6: (ASSET, "baidu.com", "asset", ASSET),
    }
    assert [r.domain for r in first if r.kind == KIND_AD] == ["ad.rival-test.cn"]  # the host the ad shows

    # The same crawl again the same day: no link resolved twice, one check per key, results replaced.
    sandbox.reset()
    crawl(config)
    assert served(sandbox, "redirect") == []
    assert len(served(sandbox)) == 3
    again = stored(db_url)
    assert {k: (c.status, c.position, c.url) for k, c in again.items()} == {
        k: (c.status, c.position, c.url) for k, c in checks.items()
    }
    second = results_of(db_url, again[("跳转", "baidu")])
    def shown(rows):
        return [(r.kind, r.position, r.url, r.owner) for r in rows]

    assert shown(second) == shown(first)
    with session_scope(get_engine(db_url)) as s:
        assert s.exec(select(func.count()).select_from(RankCheck)).one() == 3
        assert s.exec(select(func.count()).select_from(SerpPageRecord)).one() == 3
        assert s.exec(select(func.count()).select_from(SerpResult)).one() == 3 * 10 + 1  # ten organic each, one ad
        assert s.exec(select(func.count()).select_from(ResolvedLink)).one() == 30
        # both known observations of the day are kept (reports confirm drops with them)
        assert s.exec(select(func.count()).select_from(RankObservation)).one() == 6


def test_faults_end_unknown_with_their_reason_and_transient_ones_are_retried(db_url, sandbox, tmp_path):
    persistent = [f"坏-{fault}" for fault in FAULTS]
    transient = [f"偶-{fault}" for fault in FAULTS]
    config = write_config(tmp_path, sandbox, db_url, depth=20,
                          keywords=persistent + transient + ["二页坏-已见", "二页坏-未见"])
    result = crawl(config)
    checks = stored(db_url)
    for fault in FAULTS:
        bad = checks[(f"坏-{fault}", "baidu")]
        reason = WALLS["baidu"] if fault == "captcha" else REASONS[fault]
        assert (bad.status, bad.unknown_reason) == ("unknown", reason), fault
        assert (bad.position, bad.page, bad.url) == (None, None, None), fault
        assert (bad.depth_scanned, bad.pages_fetched) == (0, 1), fault
        assert bad.unknown_detail or fault in ("captcha", "http_403", "http_429", "http_503"), fault
        assert pages_requested(sandbox, "baidu", f"坏-{fault}") == [1, 1], fault  # retried once, never page 2
        (page,) = pages_of(db_url, bad)
        assert (page.failure or "parse_error") == reason and page.organic_count == 0, fault
        assert [r for r in results_of(db_url, bad) if r.kind == KIND_ORGANIC] == [], fault

        good = checks[(f"偶-{fault}", "baidu")]
        assert (good.status, good.position, good.depth_scanned, good.pages_fetched) == ("ranked", 3, 20, 2), fault
        assert pages_requested(sandbox, "baidu", f"偶-{fault}") == [1, 1, 2], fault
    assert checks[("坏-garbage", "baidu")].unknown_detail == "layout not recognised"

    # A fault on page 2 after we were found on page 1 changes nothing: we were there.
    seen = checks[("二页坏-已见", "baidu")]
    assert (seen.status, seen.position, seen.depth_scanned, seen.pages_fetched) == ("ranked", 3, 10, 2)
    # Not on page 1 and page 2 unreadable: unknown, with what was read.
    unseen = checks[("二页坏-未见", "baidu")]
    assert (unseen.status, unseen.unknown_reason, unseen.position) == ("unknown", "http_503", None)
    assert (unseen.depth_scanned, unseen.pages_fetched) == (10, 2)
    assert [p.failure for p in pages_of(db_url, unseen)] == [None, "http_503"]
    assert len([r for r in results_of(db_url, unseen) if r.kind == KIND_ORGANIC]) == 10

    assert not [c for c in checks.values() if c.status == "not_ranked"]
    assert "测试营销: checked 10/20, 10 unknown" in result.output


QUICK = [f"快{i}" for i in range(6)]
SLOW = [f"慢{i}" for i in range(4)]  # later keywords: their pages hang on day 1
INTERRUPTED = {"days": {
    "1": {"serps": {"baidu": {**{k: ours_at(i + 1) for i, k in enumerate(QUICK)},
                              **{k: ours_at(i + 1, faults=[{"type": "timeout"}]) for i, k in enumerate(SLOW)}}}},
    "2": {"serps": {"baidu": {k: ours_at(i + 1) for i, k in enumerate(QUICK + SLOW)}}},
}}


def wait_until(condition, what: str, timeout: float = 60.0) -> None:
    """Poll a condition that no event announces (rows in the store, a line in the crawl log)."""
    deadline = time.monotonic() + timeout
    pause = threading.Event()
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        pause.wait(0.05)


def children_of(pid: int) -> list[int]:
    """The processes whose parent is `pid` (from /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            ppid = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        if ppid == pid:
            found.append(int(stat.parent.name))
    return found


def running(pid: int) -> bool:
    """Whether a process still runs (an ended one nobody reaped yet is a zombie: it does not)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="finds the crawl's child process in /proc")
@pytest.mark.parametrize("how", ["sigterm_crawl", "kill_child", "kill_command"])
def test_an_interrupted_crawl_rerun_stores_every_key_once(db_url, tmp_path, how):
    slow_requested: set[str] = set()
    all_slow_requested = threading.Event()

    def on_request(entry: dict) -> None:
        if entry.get("keyword") in SLOW:
            slow_requested.add(entry["keyword"])
            if len(slow_requested) == len(SLOW):
                all_slow_requested.set()

    log = tmp_path / "data" / "logs" / "crawl.log"
    with SandboxServer(INTERRUPTED, port=0, timeout_hold=60, on_request=on_request) as sandbox:
        config = write_config(tmp_path, sandbox, db_url, keywords=QUICK + SLOW, timeout=30)
        proc = subprocess.Popen(
            [sys.executable, "-m", "seowatch", "-c", str(config), "crawl", "--fast", "--date", DAY, "--quiet"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        try:
            assert all_slow_requested.wait(60), "the slow keywords were never requested"
            wait_until(lambda: len(stored(db_url)) == len(QUICK), "the quick keywords' checks")
            (child,) = children_of(proc.pid)
            if how == "sigterm_crawl":
                os.kill(proc.pid, signal.SIGTERM)
                # The crawl stops its child, which lets the requests in flight end before it closes.
                wait_until(lambda: "Closing spider (shutdown)" in log.read_text("utf-8"), "the child's shutdown")
            elif how == "kill_child":
                os.kill(child, signal.SIGKILL)
            else:  # the command, and the page worker in it: its child stops at once instead of crawling
                os.kill(proc.pid, signal.SIGKILL)  # on, without waiting for the requests the sandbox holds
                # Well before the held requests' download timeout (30 s) would end them.
                wait_until(lambda: not running(child), "the orphaned child's end", timeout=20)
                assert "the page worker went away (its command ended)" in log.read_text("utf-8")
        except BaseException:
            proc.kill()
            raise
    # Leaving the block stopped the sandbox: the requests it held are dropped.
    out, err = proc.communicate(timeout=60)
    wait_until(lambda: not running(child), "the crawl's child to end")
    if how == "sigterm_crawl":
        assert proc.returncode == 128 + signal.SIGTERM, out + err
    elif how == "kill_child":
        assert proc.returncode == 1, out + err
        assert "the crawl failed (exit -9)" in err
        assert "测试营销: checked 6/10, 0 unknown, 4 not stored (the crawl stopped early)" in out, out
    else:
        assert proc.returncode == -signal.SIGKILL
    interrupted = stored(db_url)
    assert {k for k, _ in interrupted} >= set(QUICK)
    # A check the interruption cut short is never stored as a result.
    assert all(c.status == "unknown" for (k, _), c in interrupted.items() if k in SLOW)

    with SandboxServer(INTERRUPTED, port=0, day=2) as sandbox:
        crawl(write_config(tmp_path, sandbox, db_url, keywords=QUICK + SLOW, timeout=30))
    checks = stored(db_url)  # fails on a second check for one key
    assert {k: (c.status, c.position) for (k, _), c in checks.items()} == {
        k: ("ranked", i + 1) for i, k in enumerate(QUICK + SLOW)
    }
    with session_scope(get_engine(db_url)) as s:
        per_check = s.exec(select(SerpPageRecord.check_id, func.count()).group_by(SerpPageRecord.check_id)).all()
    assert sorted(n for _, n in per_check) == [1] * len(QUICK + SLOW)


def test_config_errors_stop_the_crawl_before_it_starts(tmp_path):
    def run(site_extra: str = "", top: str = "", args: tuple[str, ...] = (), env: dict | None = None):
        config = tmp_path / "seowatch.toml"
        config.write_text(f'{top}\n[[sites]]\ndomain = "{DOMAIN}"\nkeywords = ["整合营销"]\n{site_extra}\n', "utf-8")
        before = {p for p in children_of(os.getpid()) if running(p)}
        result = CliRunner().invoke(cli, ["-c", str(config), "crawl", "--fast", "--date", DAY, *args], env=env)
        assert result.exit_code == 2, result.output
        assert not (tmp_path / "data" / "logs").exists()  # no crawl started
        # ... and the crawl's process, started while the store was synced, was stopped with it.
        assert {p for p in children_of(os.getpid()) if running(p)} == before
        return result.output

    out = run('engines = ["baidu", "baidoo"]')
    assert f"{tmp_path / 'seowatch.toml'}: sites[0].engines[1]: 'baidoo' is not allowed" in out
    assert "depth: Input should be less than or equal to 200" in run("depth = 500")
    assert "none of the keywords 品牌营销 is tracked for ours-test.cn" in run(args=("--keyword", "品牌营销"))
    assert "--date must be YYYY-MM-DD, got '24/11/2026'" in run(args=("--date", "24/11/2026"))
    assert "no keyword is in group '核心' (groups: none)" in run(args=("--group", "核心"))
    assert "engines.serpapi.api_key_env: required to use the serpapi engine" in run('engines = ["serpapi"]')
    out = run('engines = ["serpapi"]', top='[engines.serpapi]\napi_key_env = "SEOWATCH_TEST_SERPAPI_KEY"',
              env={"SEOWATCH_TEST_SERPAPI_KEY": ""})
    assert "engines.serpapi.api_key_env names environment variable SEOWATCH_TEST_SERPAPI_KEY, which is not set" in out
