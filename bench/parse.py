"""Benchmark: our full SERP parse against a bare lxml.html.fromstring on the same bytes, same run.

Every page of the shared fixtures (SEOWATCH_FIXTURES, default ../shared/fixtures) is parsed
alternately by both, many times; per page the ratio of the medians is taken, then the median
per engine and overall. A ratio, measured in one process, is what survives a noisy shared machine.

    .venv/bin/python bench/parse.py [--rounds 40]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import lxml.html

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from seowatch.crawlers.parsers import parse_serp  # noqa: E402

FOLDER_ENGINE = {"baidu": "baidu", "bing": "bing", "duckduckgo": "duckduckgo", "google": "google",
                 "so360": "so360", "sogou": "sogou", "yandex": "yandex"}


def _time(fn, n: int) -> float:
    start = time.perf_counter()
    for _ in range(n):
        fn()
    return (time.perf_counter() - start) / n


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=40, help="alternating rounds per page")
    args = ap.parse_args()
    root = Path(os.environ.get("SEOWATCH_FIXTURES", Path(__file__).resolve().parents[2] / "shared" / "fixtures")) / "serp"
    pages = sorted(p for p in root.glob("*/*.html") if p.parent.name in FOLDER_ENGINE)
    if not pages:
        print(f"no pages under {root}", file=sys.stderr)
        return 1
    rows = []
    for path in pages:
        body = path.read_bytes()
        engine = FOLDER_ENGINE[path.parent.name]
        url = f"https://example.invalid/{engine}"
        ours = lambda: parse_serp(engine, body, url, None)  # noqa: E731
        bare = lambda: lxml.html.fromstring(body)  # noqa: E731
        ours(), bare()  # warm up (imports, caches)
        inner = max(1, int(0.004 / max(_time(bare, 3), 1e-6)))  # ~4 ms per sample
        t_ours, t_bare = [], []
        for _ in range(args.rounds):
            t_bare.append(_time(bare, inner))
            t_ours.append(_time(ours, inner))
        o, b = statistics.median(t_ours), statistics.median(t_bare)
        rows.append((engine, path.name, len(body), o * 1000, b * 1000, o / b))

    print(f"{'page':58} {'KB':>5} {'ours ms':>8} {'lxml ms':>8} {'ratio':>6}")
    for engine, name, size, o, b, r in rows:
        print(f"{engine + '/' + name:58} {size // 1024:5d} {o:8.2f} {b:8.2f} {r:6.2f}")
    print()
    print(f"{'engine':12} {'pages':>5} {'ours ms':>8} {'lxml ms':>8} {'median ratio':>12}")
    for engine in sorted({r[0] for r in rows}):
        sel = [r for r in rows if r[0] == engine]
        print(f"{engine:12} {len(sel):5d} {statistics.median(r[3] for r in sel):8.2f} "
              f"{statistics.median(r[4] for r in sel):8.2f} {statistics.median(r[5] for r in sel):12.2f}")
    overall = statistics.median(r[5] for r in rows)
    print(f"{'overall':12} {len(rows):5d} {statistics.median(r[3] for r in rows):8.2f} "
          f"{statistics.median(r[4] for r in rows):8.2f} {overall:12.2f}")
    print(f"\ntarget: median ratio <= 1.5 -> {'met' if overall <= 1.5 else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
