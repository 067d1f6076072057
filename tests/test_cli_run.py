"""`seowatch run-daily` as cron runs it, against the sandbox: quiet success, report files, a drop confirmed by
the same-day recheck and alerted by email, some captchas (exit 3), a wall of captchas (coverage alert, no drop
alert), a failed step that does not stop the run, keyword groups, the lock, the log file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner

from seowatch.runlock import RunLock
from seowatch.sandbox.partnersites import merge_into, partners_toml
from seowatch.sandbox.server import SandboxServer
from seowatch.scheduler import cli
from tests.conftest import SMTP_PASSWORD, SMTP_USER

ENV = {"SEOWATCH_SMTP_USER": SMTP_USER, "SEOWATCH_SMTP_PASSWORD": SMTP_PASSWORD, "COLUMNS": "200"}
OURS = "http://www.yingxiao-demo.cn/"  # the site the sandbox partners link to
KEYWORDS = ("整合营销", "网络营销", "品牌策划")
CAPTCHA = [{"type": "captcha"}]


def serp(our_rank: int | None = None, *, faults=None) -> dict:
    results = [{"url": f"http://www.rival-{i}.cn/", "title": f"对手{i}"} for i in (1, 2)]  # the lowest free ranks
    if our_rank is not None:
        results.append({"url": OURS + "zhenghe/", "position": our_rank, "title": "整合营销_测试营销"})
    plan = {"results": results, "total": 10}
    if faults:
        plan["faults"] = faults
    return plan


def day(zhenghe, wangluo, pinpai) -> dict:
    ranks = dict(zip(KEYWORDS, (zhenghe, wangluo, pinpai)))
    return {"serps": {"baidu": {k: (serp(faults=CAPTCHA) if r == "captcha" else serp(r)) for k, r in ranks.items()}}}


# Day 1: the baseline. Day 2: 整合营销 falls 2 -> 8 (a drop the recheck confirms). Day 3: some captchas.
# Day 4: a wall of captchas over two keywords while 品牌策划 falls 3 -> 9.
SCENARIO = merge_into({"days": {
    "1": day(2, 5, 3),
    "2": day(8, 5, 3),
    "3": day(8, "captcha", 3),
    "4": day("captcha", "captcha", 9),
}}, ("gbk",))


@pytest.fixture(scope="module")
def sandbox_server():
    with SandboxServer(SCENARIO) as server:
        yield server


@pytest.fixture
def sandbox(sandbox_server):
    sandbox_server.reset()  # each test sees only its own requests
    return sandbox_server


def write_config(tmp_path: Path, sandbox: SandboxServer, *, db_url: str | None = None, smtp_port: int | None = None,
                 keywords: str | None = None, extra: str = "") -> Path:
    email_section = f'''
[email]
host = "127.0.0.1"
port = {smtp_port}
security = "none"
username_env = "SEOWATCH_SMTP_USER"
password_env = "SEOWATCH_SMTP_PASSWORD"
sender = "seowatch <seowatch@example.com>"
recipients = ["seo@example.com"]
timeout = 5
''' if smtp_port else ""
    path = tmp_path / "seowatch.toml"
    path.write_text(f'''
[settings]
data_dir = "data"
{f'database = "{db_url}"' if db_url else ""}

[politeness]
delay = 0
retries = 0
timeout = 5
proxies = ["{sandbox.url}"]

[engines.baidu]
base_url = "{sandbox.base_url("baidu")}"

[report]
top_results = 2  # the audit's competitors: the two served over plain HTTP by the proxy

[alerts]
coverage_floor = 0.5
{email_section}
{extra}
[[sites]]
domain = "yingxiao-demo.cn"
name = "测试营销"
engines = ["baidu"]
depth = 10
keywords = {keywords or json.dumps(list(KEYWORDS), ensure_ascii=False)}
{partners_toml(("gbk",))}''', "utf-8")
    return path


def run_daily(config: Path, sandbox: SandboxServer, number: int, *args: str):
    sandbox.day = number
    result = CliRunner(env=ENV).invoke(cli, ["-c", str(config), "run-daily", "--fast", "--date", f"2026-11-2{number}",
                                            *args])
    return result


def log_of(tmp_path: Path) -> str:
    return (tmp_path / "data" / "logs" / "run-daily.log").read_text("utf-8")


def test_two_days_quietly_with_report_files_and_a_drop_confirmed_the_same_day(tmp_path, sandbox, db_url, smtp_server):
    _, server, port = smtp_server()
    config = write_config(tmp_path, sandbox, db_url=db_url, smtp_port=port)

    first = run_daily(config, sandbox, 1)
    assert first.exit_code == 0, first.output
    assert first.output == ""  # quiet: cron mails nothing
    reports = tmp_path / "reports"
    assert sorted(p.name for p in reports.iterdir()) == [f"yingxiao-demo.cn-2026-11-21.{ext}" for ext in
                                                         ("csv", "html", "json", "md")]
    log = log_of(tmp_path)
    assert "run-daily --date 2026-11-21 started: day 2026-11-21, sites 测试营销" in log
    assert "测试营销 crawl: ok, checked 3/3, 0 unknown" in log
    assert "测试营销 partners: ok, 1 of 1 due checked: 1 ok" in log
    assert "测试营销 recheck: skipped, no drop to confirm" in log
    assert "测试营销 audit: ok, 3 keywords moved" in log  # every keyword is new on the first day
    assert "测试营销 alerts: ok, nothing new to alert" in log
    assert "run-daily --date 2026-11-21 finished: exit 0 (success)" in log
    assert server.messages == []

    second = run_daily(config, sandbox, 2)
    assert second.exit_code == 0, second.output
    assert second.output == ""
    log = log_of(tmp_path)
    assert "测试营销 partners: skipped, none of 1 due (checked every 7 days)" in log
    assert "测试营销 report: ok, 3 rows, 0 confirmed drops, 1 watching" in log
    assert "测试营销 recheck: ok, 1 drop seen once re-checked: 1 confirmed, 0 did not hold" in log
    assert "测试营销 report: ok, 3 rows, 1 confirmed drops, 0 watching" in log
    assert "测试营销 alerts: ok, 2 alerts (1 confirmed_drop, 1 out_of_top3); sent: email" in log
    assert SMTP_PASSWORD not in log
    assert len(server.messages) == 1
    assert "整合营销 2→8" in server.parsed()["Subject"]
    data = json.loads((reports / "yingxiao-demo.cn-2026-11-22.json").read_text("utf-8"))
    row = next(r for r in data["rows"] if r["keyword"] == "整合营销")
    assert row["drop"] == "confirmed"
    # Two requests for 整合营销 on day 2: the crawl and the recheck; one for each other keyword.
    asked = [r.get("keyword") for r in sandbox.requests() if r.get("engine") == "baidu" and r.get("day") == 2]
    assert asked.count("整合营销") == 2 and asked.count("网络营销") == 1


def test_some_captchas_exit_3_then_a_wall_raises_the_coverage_alert_and_no_drop_alert(tmp_path, sandbox, smtp_server):
    _, server, port = smtp_server()
    config = write_config(tmp_path, sandbox, smtp_port=port)
    assert run_daily(config, sandbox, 1).exit_code == 0

    some = run_daily(config, sandbox, 3)
    assert some.exit_code == 3, some.output
    lines = some.output.splitlines()
    log_path = tmp_path / "data" / "logs" / "run-daily.log"
    assert lines[0] == f"run-daily 2026-11-23: partial success (exit 3); log: {log_path}"
    assert lines[1].startswith("  测试营销: checked 2/3, 1 unknown (1 ") and len(lines) == 2  # the block page's reason

    wall = run_daily(config, sandbox, 4)
    assert wall.exit_code == 3, wall.output  # one keyword was still checked: partial, not a failure
    assert "测试营销: checked 1/3, 2 unknown (2 " in wall.output
    log = log_of(tmp_path)
    assert "测试营销 recheck: ok, 1 drop seen once re-checked: 1 confirmed" in log  # 品牌策划 3 -> 9, confirmed ...
    assert "测试营销 alerts: ok, 1 alerts (1 coverage)" in log  # ... and held back by the wall
    assert len(server.messages) == 2  # day 3: 整合营销 2 -> 8 (day 2 was not run); day 4: the wall
    assert "drop" in server.parsed(0)["Subject"]
    wall_mail = server.parsed(1)
    assert "crawler blocked on Baidu, 2/3 checks unknown" in wall_mail["Subject"]
    assert "drop" not in wall_mail["Subject"] and "品牌策划" not in wall_mail["Subject"]
    assert "1 keyword with a confirmed drop" in wall_mail.get_body(("plain",)).get_content()  # held back, counted


def test_a_failed_step_is_logged_and_the_run_goes_on_to_the_report(tmp_path, sandbox, monkeypatch):
    from seowatch.cli import run

    def broken(*args, **kwargs):
        raise RuntimeError("partner sites unreachable from here")

    monkeypatch.setattr(run, "step_partners", broken)
    config = write_config(tmp_path, sandbox)
    result = run_daily(config, sandbox, 1, "--verbose")
    assert result.exit_code == 3, result.output
    assert "测试营销 partners: failed, RuntimeError: partner sites unreachable from here" in result.output  # --verbose
    assert "  测试营销: partners failed: RuntimeError: partner sites unreachable from here" in result.output
    assert (tmp_path / "reports" / "yingxiao-demo.cn-2026-11-21.html").is_file()
    log = log_of(tmp_path)
    assert "Traceback" in log and "测试营销 files: ok" in log and "测试营销 alerts: ok" in log


def test_a_keyword_group_is_checked_alone_and_leaves_the_alerts_to_a_whole_run(tmp_path, sandbox):
    keywords = '[{ keyword = "整合营销", group = "核心" }, { keyword = "网络营销", group = "核心" }, "品牌策划"]'
    config = write_config(tmp_path, sandbox, keywords=keywords)
    result = run_daily(config, sandbox, 1, "--group", "核心")
    assert result.exit_code == 0, result.output
    log = log_of(tmp_path)
    assert "测试营销 keywords: ok, 2 keywords in group 核心" in log
    assert "测试营销 crawl: ok, checked 2/2, 0 unknown" in log
    assert "测试营销 alerts: skipped, this run checked group 核心 only" in log
    unknown = run_daily(config, sandbox, 1, "--group", "没有")
    assert unknown.exit_code == 2 and "no keyword is in group '没有' (groups: 核心)" in unknown.output


def test_a_configuration_error_stops_before_anything_runs(tmp_path, sandbox):
    config = write_config(tmp_path, sandbox, extra="")
    config.write_text(config.read_text("utf-8").replace("depth = 10", 'depth = 10\nkeywords_file = "missing.csv"'),
                      "utf-8")
    result = run_daily(config, sandbox, 1)
    assert result.exit_code == 2
    assert "missing.csv: keywords file not found" in result.output
    assert not (tmp_path / "data" / "logs" / "run-daily.log").exists()


def test_the_lock_refuses_an_overlapping_run(tmp_path, sandbox):
    config = write_config(tmp_path, sandbox)
    started = datetime(2026, 11, 25, 22, 0, tzinfo=timezone.utc)  # 06:00 in Shanghai
    with RunLock(tmp_path / "data" / "run-daily.lock", now=started, command="run-daily"):
        proc = subprocess.run([sys.executable, "-m", "seowatch", "-c", str(config), "run-daily", "--fast"],
                              capture_output=True, text=True, timeout=120, env={**os.environ, **ENV})
    assert proc.returncode == 4, proc.stderr
    assert proc.stdout == ""
    assert (f"seowatch: another run-daily (pid {os.getpid()}, started 2026-11-26 06:00) is still going; this one does "
            f"not start (lock: {tmp_path / 'data' / 'run-daily.lock'})") in proc.stderr
    assert "run-daily: not started: another run (pid" in log_of(tmp_path)
    assert sandbox.requests() == []  # nothing was crawled


def test_the_help_documents_the_exit_statuses():
    out = CliRunner().invoke(cli, ["run-daily", "--help"]).output
    for line in ("0  success", "3  partial success", "1  failure", "2  configuration error", "4  another run-daily"):
        assert line in out
    assert "Example:" in out
