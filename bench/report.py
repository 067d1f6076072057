"""Benchmark: the daily report over a large synthetic store (SQLite by default).

Builds 10,000 keywords x 2 engines x 90 days of checks (result pages for the last days, and
landing-page audits of a fifth of the keywords on the last two days, as run-daily audits the
keywords that moved), then times the report for the last day as `seowatch report` makes it in a
new process: building it from the store, partner changes, suggestions (loading jieba's dictionary
included) and rendering every format. Beside it, the time of one SQL query that reads the two
latest checks per keyword: the floor.

    .venv/bin/python bench/report.py [--keywords 10000] [--days 90] [--db PATH]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import resource
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import text  # noqa: E402

from seowatch.store.database import create_db_engine, upgrade  # noqa: E402

ENGINES = ("baidu", "bing")
RESULT_DAYS = 2  # days with stored result pages (the report reads today's; history needs none)


def build_store(url: str, n_keywords: int, n_days: int, end: date, seed: int = 7) -> None:
    rnd = random.Random(seed)
    engine = create_db_engine(url)
    upgrade(engine)
    start = end - timedelta(days=n_days - 1)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO site (id, domain, name) VALUES (1, 'example.com', NULL)"))
        conn.execute(
            text("INSERT INTO keyword (id, site_id, text, normalized, group_name, tags, engines, volume, target, active) "
                 "VALUES (:id, 1, :t, :t, :g, '[]', '[]', :v, NULL, 1)"),
            [{"id": i, "t": f"关键词{i}", "g": f"组{i % 50}", "v": rnd.choice([None, 50, 300, 2000])}
             for i in range(1, n_keywords + 1)],
        )
        check_id = 0
        fetched = datetime.combine(end, datetime.min.time(), timezone.utc)
        for d in range(n_days):
            day = start + timedelta(days=d)
            checks, results, observations = [], [], []
            for kw in range(1, n_keywords + 1):
                for eng in ENGINES:
                    check_id += 1
                    base = (kw * 7 + len(eng)) % 60 + 1
                    r = rnd.random()
                    if r < 0.02:
                        status, pos = "unknown", None
                    else:
                        pos = max(1, base + rnd.randint(-3, 3)) if r < 0.85 else None
                        status = "ranked" if pos else "not_ranked"
                    url = f"https://www.example.com/p{kw % 300}" if pos else None
                    checks.append({
                        "id": check_id, "k": kw, "e": eng, "day": day, "s": status, "p": pos,
                        "pg": (pos - 1) // 10 + 1 if pos else None, "u": url,
                        "ds": 50 if status != "unknown" else 0, "r": "captcha" if status == "unknown" else None,
                        "f": fetched,
                    })
                    if status != "unknown" and d >= n_days - RESULT_DAYS:
                        observations.append({"k": kw, "e": eng, "day": day, "s": status, "p": pos, "u": url, "f": fetched})
                        if pos:
                            results.append({"c": check_id, "pos": pos, "u": url, "dom": "example.com", "o": "site", "n": None})
                        results.append({"c": check_id, "pos": base % 10 + 1, "u": "https://rival.cn/x", "dom": "rival.cn",
                                        "o": "competitor", "n": "rival.cn"})
            conn.execute(
                text("INSERT INTO rank_check (id, keyword_id, engine, device, day, status, position, block_position, page, "
                     "url, owner_kind, depth, depth_scanned, pages_fetched, unknown_reason, unknown_detail, fetched_at) "
                     "VALUES (:id, :k, :e, 'desktop', :day, :s, :p, :p, :pg, :u, NULL, 50, :ds, 5, :r, NULL, :f)"),
                checks,
            )
            if results:
                conn.execute(
                    text("INSERT INTO serp_result (check_id, page_no, kind, position, page_position, block_position, url, "
                         "link, domain, display_url, title, snippet, special_kind, owner, owner_name) VALUES "
                         "(:c, 1, 'organic', :pos, :pos, :pos, :u, NULL, :dom, NULL, 'title', NULL, NULL, :o, :n)"),
                    results,
                )
            if observations:
                conn.execute(
                    text("INSERT INTO rank_observation (keyword_id, engine, device, day, status, position, page, "
                         "depth_scanned, url, fetched_at) VALUES (:k, :e, 'desktop', :day, :s, :p, NULL, 50, :u, :f)"),
                    observations,
                )
        audits = []
        for d in (n_days - 2, n_days - 1):
            day = start + timedelta(days=d)
            for kw in range(1, n_keywords + 1, 5):
                for j, (role, host) in enumerate((("ours", "www.example.com"), ("competitor", "rival.cn"),
                                                  ("competitor", "a.cn"), ("competitor", "b.cn"))):
                    url = f"https://{host}/p{kw % 300}"
                    audits.append({
                        "k": kw, "day": day, "url": url, "h": f"{hash(url) & 0xffffffffff:040x}", "role": role,
                        "rank": j + 1, "title": f"关键词{kw}_{host}" if d == n_days - 1 or j else f"旧标题{kw}",
                        "body": 300 + 700 * (j > 0), "f": fetched,
                    })
        conn.execute(
            text("INSERT INTO page_audit (keyword_id, day, url, url_hash, role, engine, rank, owner_name, final_url, "
                 "status, error, redirects, response_ms, encoding, title, description, h1, h2, canonical, meta_robots, "
                 "x_robots_tag, noindex, noindex_evidence, body_chars, chinese_chars, internal_links, outbound_links, "
                 "images, images_without_alt, structured_data, coverage, findings, fetched_at) VALUES "
                 "(:k, :day, :url, :h, :role, 'baidu', :rank, NULL, :url, 200, NULL, '[]', 120, 'utf-8', :title, "
                 "'描述', '[\"标题\"]', '[]', :url, NULL, NULL, 0, NULL, :body, :body, 20, 3, 4, 1, '[]', NULL, '[]', :f)"),
            audits,
        )
        conn.execute(text("ANALYZE"))  # what the bounded ANALYZE after each crawl keeps up to date
    engine.dispose()


# The two latest checks per keyword: with daily checks, the checks of the two latest days, read
# through the day index (a ROW_NUMBER() window over the whole table is several times slower).
FLOOR_SQL = """
SELECT keyword_id, engine, device, day, status, position, url FROM rank_check
WHERE day IN (SELECT DISTINCT day FROM rank_check WHERE day <= :d ORDER BY day DESC LIMIT 2)
"""


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--keywords", type=int, default=10_000)
    ap.add_argument("--days", type=int, default=90)
    ap.add_argument("--db", type=Path, help="reuse or create this SQLite file")
    args = ap.parse_args()
    end = date(2026, 11, 24)
    path = args.db or Path(tempfile.mkdtemp(prefix="seowatch-bench-")) / "report.db"
    url = f"sqlite:///{path}"
    if not path.exists():
        t0 = time.perf_counter()
        build_store(url, args.keywords, args.days, end)
        print(f"store: {args.keywords} keywords x {len(ENGINES)} engines x {args.days} days in {path} "
              f"({path.stat().st_size / 2**20:.0f} MB, built in {time.perf_counter() - t0:.0f} s)")

    engine = create_db_engine(url)
    with engine.connect() as conn:  # warm the page cache the same way for both measurements
        conn.execute(text("SELECT count(*) FROM rank_check")).scalar()
    t0 = time.perf_counter()
    with engine.connect() as conn:
        floor_rows = len(conn.execute(text(FLOOR_SQL), {"d": end}).all())
    floor = time.perf_counter() - t0
    engine.dispose()

    # What `seowatch report` runs, through its own functions: a config naming the store, the site's
    # report built (partner changes, suggestions and jieba's dictionary included), every format written.
    from seowatch.cli import App
    from seowatch.cli.report import build_site_report, write_report

    folder = path.parent
    config = folder / "seowatch.toml"
    config.write_text(f'[settings]\ndata_dir = "."\ndatabase = "{url}"\n\n[[sites]]\ndomain = "example.com"\n'
                      f'engines = {list(ENGINES)!r}\ncompetitors = ["rival.cn"]\n'.replace("'", '"'), "utf-8")
    app = App(config_path=config)
    site = app.config.sites[0]
    app.engine  # opening the store (and its migration check) is not the report's work
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0 = time.perf_counter()
    report = build_site_report(app, site, end.isoformat())
    built = time.perf_counter() - t0
    t1 = time.perf_counter()
    paths = write_report(report, folder / "reports", site.domain)
    written = time.perf_counter() - t1
    total = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux reports KiB

    print(f"floor: one query for the two latest checks per keyword: {floor:.2f} s ({floor_rows} rows)")
    print(f"report built: {built:.2f} s ({len(report.rows)} rows, {len(report.confirmed_drops)} confirmed drops, "
          f"{len(report.watching)} watching, {len(report.suggestions)} suggestions; jieba's dictionary loaded)")
    print(f"files written: {written:.2f} s (" + ", ".join(f"{p.suffix[1:]} {p.stat().st_size / 2**20:.1f} MB"
                                                  for p in paths) + ")")
    print(f"total: {total:.2f} s = {total / floor:.1f} x the floor; peak RSS {peak / 2**20:.0f} MB "
          f"(before the report: {rss_before / 1024:.0f} MB)")
    print(f"target: under 5 s and 400 MB -> {'met' if total < 5 and peak < 400 * 2**20 else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
