"""`seowatch schedule`: jobs from the config, the job store across restarts, jobs firing and running child
processes, missed runs, `--list`, the lock, and SIGTERM stopping a running job cleanly."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from apscheduler.events import EVENT_JOB_EXECUTED, EVENT_JOB_MISSED
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger
from click.testing import CliRunner

from seowatch.config import parse_config
from seowatch.runlock import RunLock
from seowatch.sandbox.server import SandboxServer
from seowatch.schedule import (
    ChildRunner,
    JobSpec,
    add_listeners,
    build_scheduler,
    job_specs,
    set_runner,
    sync_jobs,
)
from seowatch.scheduler import cli
from seowatch.store.database import create_db_engine, upgrade

SHANGHAI = ZoneInfo("Asia/Shanghai")
WAIT = 60  # seconds a test waits for an event before it fails (never slept)

JOBS = '''
[schedule]
misfire_grace_seconds = 3600

[[schedule.jobs]]
name = "daily"
cron = "0 6 * * *"

[[schedule.jobs]]
name = "weekday-crawl"
command = "crawl"
cron = "30 12 * * 1-5"
site = "示例"
group = "核心"

[[schedule.jobs]]
name = "partners"
command = "partners"
cron = "0 7 * * 0"
args = ["--fast"]

[[sites]]
domain = "example.com"
name = "示例"
'''
CONFIG = '[settings]\ntimezone = "Asia/Shanghai"\n' + JOBS


class Lines(logging.Handler):
    def __init__(self):
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record):
        self.lines.append(record.getMessage())


@pytest.fixture
def log():
    logger = logging.getLogger(f"test.schedule.{id(object())}")
    logger.setLevel(logging.INFO)
    logger.propagate = False
    handler = Lines()
    logger.addHandler(handler)
    logger.lines = handler.lines
    return logger


@pytest.fixture
def store_engine(db_url):
    engine = create_db_engine(db_url)
    upgrade(engine)
    yield lambda: create_db_engine(db_url)  # each scheduler disposes its store's engine on shutdown
    engine.dispose()


def stub(tmp_path: Path) -> list[str]:
    """A job executable that records its arguments in the file named by the first one and prints a line."""
    script = tmp_path / "stub.py"
    script.write_text("import pathlib, sys\npathlib.Path(sys.argv[1]).write_text(' '.join(sys.argv[2:]), 'utf-8')\n"
                      "print('hello from the job')\n", "utf-8")
    return [sys.executable, str(script)]


def on(scheduler, mask) -> tuple[threading.Event, list]:
    seen = threading.Event()
    events: list = []

    def listener(event):
        events.append(event)
        seen.set()

    scheduler.add_listener(listener, mask)
    return seen, events


@pytest.fixture(autouse=True)
def no_runner_left():
    yield
    set_runner(None)


# --- jobs from the config -------------------------------------------------------------------------------


def test_jobs_from_the_config_have_their_commands_and_cron_times_in_the_timezone():
    cfg = parse_config(CONFIG)
    specs = job_specs(cfg, Path("/etc/seowatch/seowatch.toml"), ZoneInfo(cfg.schedule_timezone))
    assert [(s.name, s.argv) for s in specs] == [
        ("daily", ("-c", "/etc/seowatch/seowatch.toml", "run-daily")),
        ("weekday-crawl", ("-c", "/etc/seowatch/seowatch.toml", "crawl", "--quiet", "--site", "示例", "--group", "核心")),
        ("partners", ("-c", "/etc/seowatch/seowatch.toml", "partners", "check", "--quiet", "--fast")),
    ]
    assert specs[1].command_line == "seowatch crawl --quiet --site 示例 --group 核心"
    saturday_noon = datetime(2026, 11, 28, 12, 0, tzinfo=SHANGHAI)
    fire = {s.name: s.trigger.get_next_fire_time(None, saturday_noon) for s in specs}
    assert fire["daily"] == datetime(2026, 11, 29, 6, 0, tzinfo=SHANGHAI)
    assert fire["weekday-crawl"] == datetime(2026, 11, 30, 12, 30, tzinfo=SHANGHAI)  # Monday, as cron reads 1-5
    assert fire["partners"] == datetime(2026, 11, 29, 7, 0, tzinfo=SHANGHAI)  # 0 = Sunday
    assert fire["daily"].utcoffset() == timedelta(hours=8)


def test_the_job_store_keeps_unchanged_jobs_across_restarts_and_drops_removed_ones(db_url, store_engine):
    cfg = parse_config(CONFIG)
    specs = job_specs(cfg, Path("/srv/seowatch.toml"), SHANGHAI)
    scheduler, store = build_scheduler(store_engine(), SHANGHAI, BackgroundScheduler)
    first = sync_jobs(scheduler, store, specs, 3600)
    assert first.added == ["daily", "weekday-crawl", "partners"] and not first.kept
    scheduler.start(paused=True)
    jobs = {j.id: j for j in scheduler.get_jobs()}
    daily = jobs["daily"]
    assert (daily.max_instances, daily.coalesce, daily.misfire_grace_time) == (1, True, 3600)
    assert daily.func_ref == "seowatch.schedule:run_job" and daily.args == ("daily", list(specs[0].argv))
    assert daily.trigger.timezone == SHANGHAI and daily.next_run_time.hour == 6
    scheduler.shutdown()

    changed = parse_config(CONFIG.replace('cron = "0 7 * * 0"', 'cron = "0 8 * * 0"').replace(
        'name = "daily"', 'name = "daily-all"'))
    scheduler, store = build_scheduler(store_engine(), SHANGHAI, BackgroundScheduler)
    second = sync_jobs(scheduler, store, job_specs(changed, Path("/srv/seowatch.toml"), SHANGHAI), 3600)
    assert (second.added, second.kept, second.replaced, second.removed) == (
        ["daily-all"], ["weekday-crawl"], ["partners"], ["daily"])
    scheduler.start(paused=True)
    jobs = {j.id: j for j in scheduler.get_jobs()}
    assert sorted(jobs) == ["daily-all", "partners", "weekday-crawl"]
    assert jobs["partners"].next_run_time.hour == 8
    scheduler.shutdown()


# --- jobs firing ------------------------------------------------------------------------------------------


def test_an_interval_job_fires_and_runs_its_child_process(tmp_path, db_url, store_engine, log):
    marker = tmp_path / "ran.txt"
    runner = ChildRunner(stub(tmp_path), log=log, cwd=tmp_path)
    set_runner(runner)
    scheduler, store = build_scheduler(store_engine(), SHANGHAI, BackgroundScheduler)
    spec = JobSpec("tick", "", (str(marker), "run-daily", "--site", "示例"), IntervalTrigger(seconds=1))
    sync_jobs(scheduler, store, [spec], 3600)
    done, events = on(scheduler, EVENT_JOB_EXECUTED)
    scheduler.start()
    try:
        assert done.wait(WAIT), "the job did not run"
    finally:
        scheduler.shutdown(wait=True)
    assert events[0].job_id == "tick" and events[0].retval == 0
    assert marker.read_text("utf-8") == "run-daily --site 示例"
    assert any(line.startswith("job tick started (pid ") for line in log.lines)
    assert "job tick | hello from the job" in log.lines
    assert any(line.startswith("job tick finished: exit 0 (success) in ") for line in log.lines)


def test_run_now_runs_a_real_seowatch_command_in_a_child(tmp_path, db_url, store_engine, log):
    from tests.alert_reports import seed_store

    engine = create_db_engine(db_url)
    seed_store(engine)
    engine.dispose()
    config = tmp_path / "seowatch.toml"
    config.write_text(f'''
[settings]
data_dir = "data"
database = "{db_url}"
[[schedule.jobs]]
name = "report"
command = "report"
cron = "0 6 1 1 *"
site = "example.com"
[[sites]]
domain = "example.com"
keywords = ["整合营销", "网络营销"]
''', "utf-8")
    cfg = parse_config(config.read_text("utf-8"), str(config))
    set_runner(ChildRunner([sys.executable, "-m", "seowatch"], log=log, cwd=tmp_path))
    scheduler, store = build_scheduler(store_engine(), SHANGHAI, BackgroundScheduler)
    now = datetime.now(SHANGHAI)
    sync_jobs(scheduler, store, job_specs(cfg, config, SHANGHAI), 3600, run_now=["report"], now=now)
    add_listeners(scheduler, log, SHANGHAI, 3600)
    done, events = on(scheduler, EVENT_JOB_EXECUTED)
    scheduler.start()
    try:
        assert done.wait(WAIT), "the job did not run"
    finally:
        scheduler.shutdown(wait=True)
    assert events[0].retval == 0, log.lines
    assert (tmp_path / "reports" / "example.com-2026-11-22.html").is_file()
    assert f"job report | {tmp_path / 'reports' / 'example.com-2026-11-22.html'}" in log.lines
    assert any(line.startswith("job report: next run ") and "-01-01 06:00" in line for line in log.lines)


def test_jobs_due_together_run_one_after_the_other(tmp_path, db_url, store_engine, log):
    script = tmp_path / "timed.py"
    script.write_text("import pathlib, sys, time\nstart = time.monotonic()\ntime.sleep(0.3)\n"
                      "pathlib.Path(sys.argv[1]).write_text(f'{start} {time.monotonic()}')\n", "utf-8")
    set_runner(ChildRunner([sys.executable, str(script)], log=log, cwd=tmp_path))
    scheduler, store = build_scheduler(store_engine(), SHANGHAI, BackgroundScheduler)
    far = job_specs(parse_config('[[schedule.jobs]]\nname = "x"\ncron = "0 6 1 1 *"'), Path("c.toml"), SHANGHAI)[0]
    specs = [JobSpec(name, far.cron, (str(tmp_path / name),), far.trigger) for name in ("first", "second")]
    sync_jobs(scheduler, store, specs, 3600, run_now=["first", "second"], now=datetime.now(SHANGHAI))
    both = threading.Event()
    finished: list = []

    def done(event):
        finished.append(event.job_id)
        if len(finished) == 2:
            both.set()

    scheduler.add_listener(done, EVENT_JOB_EXECUTED)
    scheduler.start()
    try:
        assert both.wait(WAIT), finished
    finally:
        scheduler.shutdown(wait=True)
    (a_start, a_end), (b_start, b_end) = (map(float, (tmp_path / n).read_text().split()) for n in finished)
    assert a_end <= b_start  # the second started only once the first had ended


@pytest.mark.parametrize("grace, runs", [(60, False), (3 * 3600, True)])
def test_a_run_missed_while_the_scheduler_was_down_is_made_up_only_within_the_grace_time(
        tmp_path, db_url, store_engine, log, grace, runs):
    marker = tmp_path / "ran.txt"
    spec = JobSpec("late", "0 6 1 1 *", (str(marker), "run-daily"), job_specs(
        parse_config('[[schedule.jobs]]\nname = "x"\ncron = "0 6 1 1 *"'), Path("c.toml"), SHANGHAI)[0].trigger)
    scheduler, store = build_scheduler(store_engine(), SHANGHAI, BackgroundScheduler)
    sync_jobs(scheduler, store, [spec], grace)
    scheduler.start(paused=True)
    scheduler.shutdown()
    # The scheduler was down when the job was due two hours ago. (Set in the store directly: a paused
    # BackgroundScheduler still processes due jobs once while shutting down.)
    scheduler, store = build_scheduler(store_engine(), SHANGHAI, BackgroundScheduler)
    store.start(scheduler, "default")
    job = store.lookup_job("late")
    job._modify(next_run_time=datetime.now(timezone.utc) - timedelta(hours=2))
    store.update_job(job)

    set_runner(ChildRunner(stub(tmp_path), log=log, cwd=tmp_path))
    assert sync_jobs(scheduler, store, [spec], grace).kept == ["late"]  # its stored next run time stands
    add_listeners(scheduler, log, SHANGHAI, grace)
    done, events = on(scheduler, EVENT_JOB_EXECUTED | EVENT_JOB_MISSED)
    scheduler.start()
    try:
        assert done.wait(WAIT)
    finally:
        scheduler.shutdown(wait=True)
    assert marker.exists() is runs
    missed = [line for line in log.lines if line.startswith("job late: the run due ")]
    if runs:
        assert events[0].code == EVENT_JOB_EXECUTED and not missed
    else:
        assert events[0].code == EVENT_JOB_MISSED
        assert missed and "was skipped: it could not start within misfire_grace_seconds (1m00s)" in missed[0]


# --- the command --------------------------------------------------------------------------------------------


def write_config(tmp_path: Path, jobs: str = JOBS) -> Path:
    path = tmp_path / "seowatch.toml"
    path.write_text('[settings]\ndata_dir = "data"\ntimezone = "Asia/Shanghai"\n' + jobs, "utf-8")
    return path


def test_list_prints_every_job_with_its_next_run_time(tmp_path):
    config = write_config(tmp_path, JOBS.replace('cron = "0 6 * * *"', 'cron = "0 6 1 1 *"'))
    result = CliRunner().invoke(cli, ["-c", str(config), "schedule", "--list"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "3 jobs, times in Asia/Shanghai; one job at a time; a run more than 1h00m late is skipped"
    now = datetime.now(SHANGHAI)
    new_year = datetime(now.year + 1, 1, 1, 6, 0, tzinfo=SHANGHAI)
    assert lines[1].split() == ["daily", "cron[0", "6", "1", "1", "*]", "next", f"{new_year:%Y-%m-%d}", "06:00",
                                f"{new_year:%a}", "seowatch", "run-daily"]
    assert lines[2].endswith("seowatch crawl --quiet --site 示例 --group 核心")
    assert "cron[30 12 * * 1-5]" in lines[2] and "cron[0 7 * * 0]" in lines[3]


def test_no_jobs_and_unknown_jobs_are_configuration_errors(tmp_path):
    config = write_config(tmp_path, '[[sites]]\ndomain = "example.com"\n')
    result = CliRunner().invoke(cli, ["-c", str(config), "schedule", "--list"])
    assert result.exit_code == 2 and "no [[schedule.jobs]] configured" in result.output
    config = write_config(tmp_path)
    result = CliRunner().invoke(cli, ["-c", str(config), "schedule", "--run-now", "hourly"])
    assert result.exit_code == 2 and "--run-now: no job 'hourly' in [schedule] (jobs: daily, weekday-crawl, partners)" \
        in result.output


def test_one_scheduler_per_data_folder(tmp_path):
    config = write_config(tmp_path)
    started = datetime(2026, 11, 25, 1, 0, tzinfo=timezone.utc)
    with RunLock(tmp_path / "data" / "schedule.lock", now=started, command="schedule"):
        result = CliRunner().invoke(cli, ["-c", str(config), "schedule"])
    assert result.exit_code == 4
    assert f"another seowatch schedule (pid {os.getpid()}, started 2026-11-25 09:00) is running" in result.output


def _processes_mentioning(text: str) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
                state = next((ln for ln in (entry / "status").read_text().splitlines() if ln.startswith("State:")), "")
            except OSError:
                continue
            if text in cmdline and "zombie" not in state:
                pids.append(int(entry.name))
    return pids


def test_sigterm_stops_the_running_job_and_exits_cleanly(tmp_path):
    """A run-daily whose crawl hangs on a slow engine; SIGTERM to the scheduler stops the run-daily child (which
    stops its crawl child), and the scheduler exits 0 with nothing left running."""
    scenario = {"days": {"1": {"serps": {"baidu": {"整合营销": {"faults": [{"type": "timeout"}]}}}}}}
    requested = threading.Event()
    with SandboxServer(scenario, timeout_hold=120, on_request=lambda entry: requested.set()) as sandbox:
        config = tmp_path / "seowatch.toml"
        config.write_text(f'''
[settings]
data_dir = "data"
[politeness]
delay = 0
retries = 0
timeout = 120
[engines.baidu]
base_url = "{sandbox.base_url("baidu")}"
[[schedule.jobs]]
name = "slow"
cron = "0 6 1 1 *"
args = ["--fast"]
[[sites]]
domain = "example.com"
engines = ["baidu"]
depth = 10
keywords = ["整合营销"]
''', "utf-8")
        proc = subprocess.Popen([sys.executable, "-m", "seowatch", "-c", str(config), "schedule", "--run-now", "slow"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            assert requested.wait(WAIT), "the crawl never reached the engine"
            proc.send_signal(signal.SIGTERM)
            _, err = proc.communicate(timeout=WAIT)
        finally:
            if proc.poll() is None:
                proc.kill()
    assert proc.returncode == 0, err
    lines = [line.split(" ", 4)[4] for line in err.splitlines() if line[:2] == "20"]  # without time and level
    child = next(line for line in lines if line.startswith("job slow started (pid "))
    pid = int(child.split("(pid ")[1].split(")")[0])
    assert lines[lines.index(child):] == [
        child,
        "SIGTERM: taking no new job",
        f"waiting for job slow (pid {pid}), sent SIGTERM",
        f"job slow | seowatch: run-daily stopped by SIGTERM; see {tmp_path / 'data' / 'logs' / 'run-daily.log'}",
        lines[-2],
        "scheduler stopped",
    ]
    assert lines[-2].startswith("job slow finished: exit 143 (stopped by SIGTERM) in ")
    assert _processes_mentioning(str(tmp_path)) == []  # neither run-daily nor its crawl child is left running
    log = (tmp_path / "data" / "logs" / "run-daily.log").read_text("utf-8")
    assert "run-daily interrupted by SIGTERM" in log and "finished: exit 143 (stopped by SIGTERM)" in log
    assert (tmp_path / "data" / "logs" / "schedule.log").read_text("utf-8").count("scheduler stopped") == 1
