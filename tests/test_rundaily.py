"""run-daily's bookkeeping: the exit status the steps add up to, the summary it prints, its log lines, SIGTERM."""

from __future__ import annotations

import os
import signal
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from seowatch.rundaily import (
    FAILED,
    OK,
    SKIPPED,
    Interrupted,
    RunLog,
    SiteRun,
    Step,
    duration,
    run_status,
    sigterm_interrupts,
    site_status,
    summary_lines,
)


def site(label="示例", *, tracked=10, checked=10, unknown=0, crawl_failed=False, failed=()):
    steps = [Step(label, "crawl", OK, "")] + [Step(label, name, FAILED, f"{name} broke") for name in failed]
    coverage = f"checked {checked}/{tracked}, {unknown} unknown"
    return SiteRun(label, steps, tracked, checked, unknown, coverage, crawl_failed)


@pytest.mark.parametrize("run, code", [
    (site(), 0),
    (site(checked=9, unknown=1), 3),  # some checks unknown
    (site(failed=("partners",)), 3),  # a step failed while rankings were checked
    (site(failed=("alerts",)), 3),
    (site(checked=0, unknown=10), 1),  # nothing could be checked
    (site(crawl_failed=True, checked=4), 1),  # the crawl itself failed
    (site(tracked=0, checked=0), 0),  # no keywords: nothing to fail
])
def test_site_status(run, code):
    assert site_status(run) == code


def test_the_run_takes_the_worst_site():
    assert run_status([site(), site(checked=9, unknown=1)]) == 3
    assert run_status([site(checked=9, unknown=1), site(crawl_failed=True)]) == 1
    assert run_status([]) == 0


def test_the_summary_names_coverage_and_failed_steps():
    runs = [site("甲", checked=8, unknown=2, failed=("partners",)), site("乙")]
    assert summary_lines(runs) == ["甲: checked 8/10, 2 unknown", "甲: partners failed: partners broke"]


def test_log_lines_carry_time_zone_pid_and_duration(tmp_path):
    echoed = []
    log = RunLog(tmp_path / "logs" / "run.log", clock=lambda: datetime(2026, 11, 24, 22, 0, tzinfo=timezone.utc),
                 tz=ZoneInfo("Asia/Shanghai"), pid=4321, echo=echoed.append)
    log.step(Step("示例", "crawl", OK, "checked 3/3, 0 unknown", 12.34))
    log.step(Step(None, "alerts", SKIPPED, "nothing new", 75))
    log.write("two\nlines")
    assert (tmp_path / "logs" / "run.log").read_text("utf-8").splitlines() == [
        "2026-11-25 06:00:00 +0800 [4321] 示例 crawl: ok, checked 3/3, 0 unknown (12.3s)",
        "2026-11-25 06:00:00 +0800 [4321] alerts: skipped, nothing new (1m15s)",
        "2026-11-25 06:00:00 +0800 [4321] two",
        "2026-11-25 06:00:00 +0800 [4321] lines",
    ]
    assert echoed == ["示例 crawl: ok, checked 3/3, 0 unknown (12.3s)", "alerts: skipped, nothing new (1m15s)",
                      "two", "lines"]
    assert duration(3 * 3600 + 65) == "3h01m"


def test_the_first_sigterm_interrupts_and_a_second_is_ignored():
    before = signal.getsignal(signal.SIGTERM)
    seen, cleaned_up = [], []
    with pytest.raises(Interrupted) as stop:
        with sigterm_interrupts():
            try:
                os.kill(os.getpid(), signal.SIGTERM)
                seen.append("not interrupted")
            except Interrupted as first:
                seen.append(first)
                os.kill(os.getpid(), signal.SIGTERM)  # while cleaning up: ignored
                cleaned_up.append(True)
                raise
    assert seen == [stop.value] and cleaned_up == [True]
    assert stop.value.exit_code == 143 and str(stop.value) == "SIGTERM"
    assert signal.getsignal(signal.SIGTERM) is before
