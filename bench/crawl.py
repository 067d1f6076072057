"""Benchmark: `seowatch crawl --fast` against a bare Scrapy spider fetching the same URLs, same run.

A sandbox (a thread of this process) serves Baidu filler results for N arbitrary keywords (default
1,000); the pages carry their targets, so no redirect link is resolved. `seowatch crawl --fast`
checks them at depth 10 (one page each) into a new temporary SQLite store; a bare Scrapy spider
(its own child process, the same settings without our middlewares and pipeline) fetches exactly
the same URLs and does nothing with them. The two alternate for --rounds rounds.

Two rates for each command, keywords per second:
- crawl: from the first result-page request the sandbox sees to the command's exit. This is the
  throughput the target is about: ours includes parsing, deciding and storing every check, draining
  what is still queued, closing the page worker and printing the summary; start-up is left out.
- whole command: process start to exit. Ours also pays its fixed start-up (imports, reading the
  config, creating the store and syncing the keywords into it while the crawl's child process
  imports Scrapy), which does not grow with the number of keywords.
The CPU time of each command's process tree is shown beside them (what a busy shared machine
disturbs least), and its peak memory: ru_maxrss of the process tree (os.wait4), taken by a small
launcher process so the benchmark's own memory does not leak into it (see `launch`). Every page is
rendered once before the rounds (see `prerender`), and seowatch's modules are compiled to bytecode
as an installation would have them (see `precompile`).

    .venv/bin/python bench/crawl.py [--keywords 1000] [--rounds 5]
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

ENGINE = "baidu"
DAY = "2026-11-24"
TARGET = 0.7


def keywords(n: int) -> list[str]:
    heads = ("整合营销", "网络推广", "品牌策划", "SEO优化", "短视频运营", "小程序开发", "企业官网", "电商代运营")
    tails = ("公司", "哪家好", "价格", "方案", "案例", "多少钱", "排名", "教程", "外包", "报价")
    return [f"{heads[i % len(heads)]}{tails[i // len(heads) % len(tails)]}{i}" for i in range(n)]


# --- the bare spider (child process) ----------------------------------------------------------------


def bare_child(spec_path: str) -> int:
    """Fetch every URL of the spec with nothing but Scrapy: no middleware of ours, no parse, no store."""
    import scrapy
    from scrapy.crawler import CrawlerProcess

    spec = json.loads(Path(spec_path).read_text("utf-8"))

    class BareSpider(scrapy.Spider):
        name = "bare"

        async def start(self):
            for url in spec["urls"]:
                yield scrapy.Request(url, callback=self.nothing, dont_filter=True, meta={"download_slot": ENGINE})

        def nothing(self, response):
            return None

    process = CrawlerProcess(spec["settings"], install_root_handler=False)
    crawler = process.create_crawler(BareSpider)
    process.crawl(crawler)
    process.start()
    return 0 if crawler.stats.get_value("finish_reason") == "finished" else 1


def bare_settings(log_file: str) -> dict:
    """The settings `seowatch crawl --fast` uses, without seowatch's middlewares and pipeline."""
    from seowatch.config import PolitenessConfig
    from seowatch.crawlers.settings import crawl_settings

    settings = crawl_settings(PolitenessConfig(), [ENGINE], fast=True, database_url="sqlite://", log_file=log_file)
    settings["DOWNLOADER_MIDDLEWARES"] = {}
    settings["ITEM_PIPELINES"] = {}
    return {k: v for k, v in settings.items() if not k.startswith("SEOWATCH_")}


# --- the driver -------------------------------------------------------------------------------------


class Span:
    """First and last result-page request the sandbox saw, and the paths asked for."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        self.first = self.last = None
        self.paths: list[str] = []
        self.other = 0

    def __call__(self, entry: dict) -> None:
        now = time.monotonic()
        with self.lock:
            if entry.get("kind") != "serp":
                self.other += 1
                return
            self.first = self.first or now
            self.last = now
            self.paths.append(entry["path"])


def run(argv: list[str], out: Path) -> tuple[float, float, int, float, float]:
    """Run a command through the lean launcher below; (start and end on time.monotonic, exit status,
    CPU seconds and peak RSS in MB of its process tree)."""
    launcher = [sys.executable, "-S", str(Path(__file__).resolve()), "--launch", str(out), "--", *argv]
    report = subprocess.run(launcher, stdout=subprocess.PIPE, check=True).stdout
    r = json.loads(report)
    return r["start"], r["end"], r["status"], r["cpu"], r["maxrss_kb"] / 1024


def launch(out: str, argv: list[str]) -> int:
    """Start `argv` from this small process and print its figures as JSON.

    Linux starts a child's peak RSS at its parent's RSS at fork time (kept through exec), so a
    command started straight from the benchmark, whose sandbox holds every page, would report the
    benchmark's memory. Started from here, it reports its own (this launcher is a few MB)."""
    with open(out, "wb") as f:
        start = time.monotonic()
        proc = subprocess.Popen(argv, stdout=f, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(proc.pid, 0)
        end = time.monotonic()
    print(json.dumps({"start": start, "end": end, "status": os.waitstatus_to_exitcode(status),
                      "cpu": usage.ru_utime + usage.ru_stime, "maxrss_kb": usage.ru_maxrss}))  # KB on Linux
    return 0


def prerender(sandbox, urls: list[str]) -> None:
    """Render every page once, before any round, and keep them all.

    The sandbox shares this 2-core machine with the crawls; a real engine is another machine. Its
    page cache holds 1,024 pages, so beyond that every round would render pages again and take CPU
    from whichever command is running. With every page kept, serving costs about the same for both."""
    import functools
    import urllib.request

    from seowatch.sandbox import serps

    serps.page_bytes = functools.lru_cache(maxsize=None)(serps.page_bytes.__wrapped__)
    for url in urls:
        with urllib.request.urlopen(url) as response:
            response.read()


def precompile() -> None:
    """Compile seowatch's modules to bytecode, as `pip install .` does when it installs them.

    This checkout is an editable install: where PYTHONDONTWRITEBYTECODE is set (it is on the machine
    the recorded figures come from), every `seowatch` command would compile its modules from source
    again, about 0.2 s that an installed seowatch never pays. Scrapy, installed, is compiled."""
    import compileall

    compileall.compile_dir(str(Path(__file__).resolve().parent.parent / "seowatch"), quiet=1)


def write_config(folder: Path, base_url: str, kws: list[str]) -> Path:
    config = folder / "seowatch.toml"
    config.write_text(
        f'[settings]\ndata_dir = "data"\n\n[engines.{ENGINE}]\nbase_url = "{base_url}"\n\n'
        f'[[sites]]\ndomain = "ours-bench.cn"\nengines = ["{ENGINE}"]\ndepth = 10\n'
        f"keywords = {json.dumps(kws, ensure_ascii=False)}\n",
        "utf-8",
    )
    return config


def stored(folder: Path) -> tuple[int, int]:
    with sqlite3.connect(folder / "data" / "seowatch.db") as db:
        return db.execute("SELECT count(*), sum(status = 'unknown') FROM rank_check").fetchone()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--keywords", type=int, default=1000)
    ap.add_argument("--rounds", type=int, default=5, help="alternating rounds of both crawls")
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder (stores, logs)")
    args = ap.parse_args()

    from seowatch.crawlers.engines import search_url
    from seowatch.sandbox.server import SandboxServer

    kws = keywords(args.keywords)
    precompile()
    span = Span()
    root = Path(tempfile.mkdtemp(prefix="seowatch-bench-crawl-"))
    rows: dict[str, list[tuple[float, float, float]]] = {"bare scrapy": [], "seowatch crawl": []}
    with SandboxServer({"days": {"1": {"serps": {}}}}, on_request=span) as sandbox:
        base = sandbox.base_url(ENGINE)
        urls = [search_url(ENGINE, k, 1, base_url=base) for k in kws]
        spec = root / "bare.json"
        spec.write_text(json.dumps({"urls": urls, "settings": bare_settings(str(root / "bare.log"))}), "utf-8")
        prerender(sandbox, urls)
        print(f"sandbox {sandbox.url}: {ENGINE} filler results, {len(kws)} keywords x 1 page, politeness off (--fast)")
        print(f"{'round':>5}  {'command':15} {'whole s':>7} {'kw/s':>7} {'crawl s':>7} {'kw/s':>7} {'CPU s':>7} "
              f"{'peak MB':>8}")
        for n in range(1, args.rounds + 1):
            order = ("bare scrapy", "seowatch crawl") if n % 2 else ("seowatch crawl", "bare scrapy")
            for name in order:
                span.reset()
                folder = root / f"round{n}-{name.split()[0]}"
                folder.mkdir()
                if name == "bare scrapy":
                    argv = [sys.executable, str(Path(__file__).resolve()), "--bare-child", str(spec)]
                else:
                    config = write_config(folder, base, kws)
                    argv = [sys.executable, "-m", "seowatch", "-c", str(config), "crawl", "--fast", "--quiet",
                            "--date", DAY]
                start, end, code, cpu, peak = run(argv, folder / "output.txt")
                if code != 0:
                    print(f"{name} failed (exit {code}):\n" + (folder / "output.txt").read_text("utf-8")[-3000:])
                    return 1
                if sorted(span.paths) != sorted(u[len(sandbox.url):] for u in urls) or span.other:
                    print(f"{name} did not fetch exactly the {len(urls)} result pages "
                          f"({len(span.paths)} pages, {span.other} other requests)")
                    return 1
                if name == "seowatch crawl":
                    checks, unknown = stored(folder)
                    if (checks, unknown) != (len(kws), 0):
                        print(f"seowatch crawl stored {checks} checks, {unknown} unknown, for {len(kws)} keywords")
                        return 1
                wall, crawl = end - start, end - span.first
                rows[name].append((wall, crawl, cpu, peak))
                print(f"{n:5d}  {name:15} {wall:7.2f} {len(kws) / wall:7.1f} {crawl:7.2f} "
                      f"{len(kws) / crawl:7.1f} {cpu:7.2f} {peak:8.0f}")

    def rate(name: str, i: int) -> float:
        return len(kws) / statistics.median(r[i] for r in rows[name])

    def paired(i: int) -> float:
        """The median over rounds of each round's ratio (the two commands of a round ran back to back,
        so a slow spell of the machine weighs on both)."""
        return statistics.median(b[i] / o[i] for o, b in zip(rows["seowatch crawl"], rows["bare scrapy"]))

    lines = (("crawl (first request to exit)", 1), ("whole command (start to exit)", 0), ("per CPU second", 2))
    print()
    for label, i in lines:
        ours, bare = rate("seowatch crawl", i), rate("bare scrapy", i)
        print(f"keywords per second, {label}: seowatch crawl {ours:.1f}, bare scrapy {bare:.1f}, "
              f"ratio {ours / bare:.2f} (median of the rounds' ratios {paired(i):.2f})")
    print(f"peak memory (ru_maxrss): seowatch crawl {max(r[3] for r in rows['seowatch crawl']):.0f} MB, "
          f"bare scrapy {max(r[3] for r in rows['bare scrapy']):.0f} MB")
    ratio = rate("seowatch crawl", 1) / rate("bare scrapy", 1)
    print(f"target: crawl ratio >= {TARGET} -> {'met' if ratio >= TARGET else 'NOT met'} ({ratio:.2f})")
    if args.keep:
        print(f"kept {root}")
    else:
        import shutil

        shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 4 and sys.argv[1] == "--launch" and sys.argv[3] == "--":
        sys.exit(launch(sys.argv[2], sys.argv[4:]))
    if len(sys.argv) == 3 and sys.argv[1] == "--bare-child":
        from seowatch import spare_last_collection

        try:
            sys.exit(bare_child(sys.argv[2]))
        finally:
            spare_last_collection()  # it ends the way `seowatch crawl` and its child do
    sys.exit(main())
