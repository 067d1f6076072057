"""`seowatch report` over a real store (SQLite and PostgreSQL): default day, files, exit statuses, day-D purity."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone

import pytest
from click.testing import CliRunner

from seowatch.cli import App
from seowatch.cli.report import report
from seowatch.keywords.normalize import normalize
from seowatch.store.database import session_scope
from seowatch.store.models import RankCheck, SerpResult
from seowatch.store.ranks import CheckOutcome, ensure_site, save_check, sync_keywords

D1 = date(2026, 11, 20)
LAST = date(2026, 11, 23)
# 01:30 in Shanghai on the 24th: a cron report after midnight, before that day's crawl.
NOW = datetime(2026, 11, 23, 17, 30, tzinfo=timezone.utc)


class Spec:
    def __init__(self, keyword, volume=None):
        self.keyword, self.volume = keyword, volume
        self.group, self.tags, self.engines, self.target = None, (), (), None


def _put(s, kw_id, day, pos=None, status=None, reason=None, rival_title="对手网 - 整合营销方案"):
    status = status or ("ranked" if pos else "not_ranked")
    check = RankCheck(keyword_id=kw_id, engine="baidu", device="desktop", day=day, status=status,
                      position=pos if status == "ranked" else None, page=((pos - 1) // 10 + 1) if pos else None,
                      url="https://www.example.com/a" if status == "ranked" else None, depth=50,
                      depth_scanned=50 if status != "unknown" else 0, pages_fetched=5, unknown_reason=reason,
                      fetched_at=datetime.combine(day, datetime.min.time(), timezone.utc))
    results = []
    if status != "unknown":
        for p in range(1, 21):
            if p == pos:
                results.append(SerpResult(page_no=1, kind="organic", position=p, url="https://www.example.com/a",
                                          domain="example.com", owner="site"))
            else:
                results.append(SerpResult(page_no=1, kind="organic", position=p, url=f"https://rival{p}.cn/",
                                          domain=f"rival{p}.cn", title=rival_title))
    save_check(s, CheckOutcome(check, [], results))


@pytest.fixture
def setup(db_url, tmp_path):
    """A config naming the test database, and a store with four days of checks (the 20th to the 23rd)."""
    cfg = tmp_path / "seowatch.toml"
    cfg.write_text(
        f'[settings]\ndatabase = "{db_url}"\n\n[report]\noutput_dir = "out/reports"\n\n'
        '[[sites]]\ndomain = "example.com"\nname = "示例网络"\nkeywords = ["整合营销", "网络营销"]\n\n'
        '[[sites]]\ndomain = "other.cn"\nkeywords = ["别的"]\n',
        "utf-8",
    )
    app = App(config_path=cfg, environ={}, clock=lambda: NOW)
    with session_scope(app.engine) as s:
        site = ensure_site(s, "example.com", "示例网络")
        a, b = (k.id for k in sync_keywords(s, site, [Spec("整合营销", 1000), Spec("网络营销")], normalize).keywords)
        for i in range(3):
            _put(s, a, D1 + timedelta(days=i), 3)
            _put(s, b, D1 + timedelta(days=i), 8)
        _put(s, a, LAST, 12, rival_title="<script>alert(1)</script>")  # a drop; the rival's title is hostile
        _put(s, b, LAST, status="unknown", reason="captcha")
    return app, tmp_path, (a, b)


def run(app: App, *args: str):
    result = CliRunner().invoke(report, list(args), obj=app, catch_exceptions=False)
    return result.exit_code, result.output


def test_default_day_is_the_latest_with_checks_and_every_format_is_written(setup):
    app, tmp, _ = setup
    code, out = run(app, "--site", "example.com")
    assert code == 0, out
    folder = tmp / "out" / "reports"  # [report] output_dir, relative to the config file
    paths = [folder / f"example.com-2026-11-23.{ext}" for ext in ("html", "md", "csv", "json")]
    assert out.splitlines()[:4] == [str(p) for p in paths]
    assert all(p.is_file() for p in paths)
    assert "示例网络 — 2026-11-23:" in out and "**Watching (1):**" in out and "3 → 12 (▼9)" in out
    assert "1 unknown (1 captcha)" in out
    html = paths[0].read_text("utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>" not in html
    assert paths[2].read_bytes().startswith(b"\xef\xbb\xbf")
    doc = json.loads(paths[3].read_text("utf-8"))
    assert doc["run_date"] == "2026-11-23" and doc["metrics"]["unknown_reasons"] == {"captcha": 1}
    assert paths[1].read_text("utf-8").startswith("# 示例网络 — SEO report 2026-11-23")


def test_a_past_report_is_rebuilt_exactly(setup):
    app, tmp, (a, b) = setup
    code, _ = run(app, "-s", "example.com", "--date", "2026-11-22", "-f", "json,md", "-o", str(tmp / "x"), "-q")
    assert code == 0
    before = {p.name: p.read_bytes() for p in (tmp / "x").iterdir()}
    assert sorted(before) == ["example.com-2026-11-22.json", "example.com-2026-11-22.md"]
    with session_scope(app.engine) as s:  # later data arrives
        _put(s, a, LAST + timedelta(days=1), 30)
        _put(s, b, LAST + timedelta(days=1), 2)
    code, _ = run(app, "-s", "example.com", "--date", "2026-11-22", "-f", "json,md", "-o", str(tmp / "x"), "-q")
    assert code == 0
    assert {p.name: p.read_bytes() for p in (tmp / "x").iterdir()} == before


def test_quiet_prints_only_the_paths(setup):
    app, tmp, _ = setup
    code, out = run(app, "-s", "示例网络", "-f", "csv", "-o", str(tmp / "q"), "--quiet")
    assert code == 0 and out == f"{tmp / 'q' / 'example.com-2026-11-23.csv'}\n"


def test_no_data_for_the_day_or_the_site_exits_1(setup):
    app, tmp, _ = setup
    code, out = run(app, "-s", "example.com", "--date", "2026-11-10", "-o", str(tmp / "n"))
    assert code == 1 and "示例网络: no checks stored for 2026-11-10" in out
    code, out = run(app, "-s", "example.com", "--date", "2026-11-25", "-o", str(tmp / "n"))
    assert code == 1 and "the latest day before it with checks is 2026-11-23" in out
    assert not (tmp / "n").exists()
    # Every site: example.com is written, other.cn has nothing stored yet.
    code, out = run(app, "-o", str(tmp / "all"), "-q")
    assert code == 1
    assert "other.cn: nothing stored yet (run `seowatch crawl` first)" in out
    assert (tmp / "all" / "example.com-2026-11-23.html").is_file()


@pytest.mark.parametrize("args, message", [
    (["-f", "html,pdf"], "--format: unknown format 'pdf' (choose from html, md, csv, json)"),
    (["-f", ","], "--format: no format given"),
    (["--date", "24/11/2026"], "--date must be YYYY-MM-DD, got '24/11/2026'"),
    (["-s", "nosuch.cn"], "no site 'nosuch.cn' in the config (sites: 示例网络, other.cn)"),
])
def test_usage_and_config_errors_exit_2(setup, args, message):
    app, tmp, _ = setup
    code, out = run(app, *args, "-o", str(tmp / "e"))
    assert code == 2 and message in out


def test_missing_config_exits_2(tmp_path):
    app = App(config_path=tmp_path / "nope.toml", environ={}, clock=lambda: NOW)
    code, out = run(app)
    assert code == 2 and "nope.toml: file not found" in out


def test_help_has_an_example():
    out = " ".join(CliRunner().invoke(report, ["--help"]).output.split())
    assert "Example:" in out and "seowatch report --site" in out and "latest day with stored checks" in out


def test_registered_on_the_seowatch_command():
    import click

    from seowatch.scheduler import cli

    assert cli.get_command(click.Context(cli), "report").name == "report"
