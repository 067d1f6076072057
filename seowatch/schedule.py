"""`seowatch schedule`'s machinery: the config's jobs on APScheduler 3, each run as a child `seowatch` process.

- Jobs come from [[schedule.jobs]]: a crontab expression read as cron reads it (seowatch.crontab) in
  [schedule] timezone (default: settings.timezone).
- The job store is APScheduler's SQLAlchemyJobStore in the seowatch database (table apscheduler_jobs,
  created by migration 0005). On start, a job whose definition did not change keeps its stored next
  run time, so a run missed while the scheduler was down is made up once (coalesced) if it is less
  than misfire_grace_seconds late; changed jobs are replaced, jobs gone from the config removed.
- One executor thread: jobs run one at a time. Two crawls from one machine would double the rate an
  engine sees, and run-daily holds a lock anyway; a job due while another runs waits for it, and is
  skipped (and logged) if it would start more than the grace time late. max_instances=1, coalesce.
- Each job runs `python -m seowatch -c CONFIG <command>` as a child process in its own session: the
  Twisted reactor never runs in the scheduler, and a crash in a job cannot take the scheduler down.
- SIGTERM or SIGINT: no new job starts, the running child gets SIGTERM and is waited for (run-daily
  stops its crawl; every stored check is atomic), the scheduler shuts down, `serve` returns.
"""

from __future__ import annotations

import logging
import os
import re
import shlex
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Any

from seowatch.config import Config, ScheduledJob
from seowatch.crontab import cron_trigger
from seowatch.rundaily import STATUS_TEXT, duration

# What each configured command runs (quiet variants: the output goes to the log).
COMMAND_ARGS = {
    "run-daily": ("run-daily",),
    "crawl": ("crawl", "--quiet"),
    "partners": ("partners", "check", "--quiet"),
    "report": ("report", "--quiet"),
    "alerts": ("alerts", "send"),
}
JOB_FUNC = "seowatch.schedule:run_job"
STOP_TIMEOUT = 60.0  # seconds a stopping scheduler waits for the running job before killing it
EXIT_TEXT = {**STATUS_TEXT, 4: "not started: another run holds the lock"}


@dataclass(frozen=True)
class JobSpec:
    """One job as the scheduler runs it."""

    name: str
    cron: str  # as written in the config (shown by --list)
    argv: tuple[str, ...]  # the seowatch arguments after the executable, config included
    trigger: Any  # an APScheduler trigger

    @property
    def command_line(self) -> str:
        return command_line(self.argv)


_UNSAFE = re.compile(r"[^\w@%+=:,./-]")  # \w without re.ASCII: 示例 needs no quotes


def shell_join(args: Sequence[str]) -> str:
    """shlex.join, leaving words in any script (示例, 核心) unquoted as a shell reads them."""
    return " ".join(a if a and not _UNSAFE.search(a) else shlex.quote(a) for a in args)


def command_line(argv: Sequence[str]) -> str:
    """'seowatch run-daily --site example.com': a job's arguments for people (the config option left out)."""
    args = list(argv)
    if args[:1] == ["-c"]:
        args = args[2:]
    return shell_join(["seowatch", *args])


def job_argv(job: ScheduledJob, config_path: Path) -> tuple[str, ...]:
    argv = ["-c", str(config_path), *COMMAND_ARGS[job.command]]
    if job.site:
        argv += ["--site", job.site]
    if job.group:
        argv += ["--group", job.group]
    return tuple(argv + list(job.args))


def job_specs(config: Config, config_path: Path, tz: tzinfo) -> list[JobSpec]:
    """The configured jobs with their triggers in `tz`; `config_path` should be absolute."""
    return [JobSpec(j.name, j.cron, job_argv(j, config_path), cron_trigger(j.cron, tz)) for j in config.schedule.jobs]


def next_runs(specs: Sequence[JobSpec], now: datetime) -> list[tuple[JobSpec, datetime | None]]:
    return [(s, s.trigger.get_next_fire_time(None, now)) for s in specs]


def describe_exit(code: int | None) -> str:
    if code is None:
        return "not started"
    if code < 0:
        return f"killed by {signal.Signals(-code).name}"
    return EXIT_TEXT.get(code, "failure")


# --- running jobs as child processes ------------------------------------------------------------------


class ChildRunner:
    """Runs jobs as child processes, one at a time. Once stopping, no job starts and the running child
    has been sent SIGTERM."""

    def __init__(self, executable: Sequence[str], *, log: logging.Logger, env: Mapping[str, str] | None = None,
                 cwd: Path | None = None):
        self.executable = list(executable)
        self.log = log
        self.env = dict(env) if env is not None else None
        self.cwd = cwd
        self.stopping = False
        self._lock = threading.Lock()
        self._idle = threading.Event()
        self._idle.set()
        self._current: tuple[str, subprocess.Popen] | None = None

    def run(self, name: str, argv: Sequence[str]) -> int | None:
        """Run one job to its end; its exit status (None when the scheduler is stopping)."""
        with self._lock:
            if self.stopping:
                self.log.info("job %s: not started, the scheduler is stopping", name)
                return None
            self._idle.clear()
            try:
                proc = subprocess.Popen(
                    [*self.executable, *argv], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                    stderr=subprocess.STDOUT, text=True, encoding="utf-8", errors="replace", env=self.env, cwd=self.cwd,
                    start_new_session=True,  # a Ctrl-C in the terminal reaches the scheduler, which stops the child
                )
            except OSError:
                self._idle.set()
                raise
            self._current = (name, proc)
        started = time.monotonic()
        self.log.info("job %s started (pid %d): %s", name, proc.pid, command_line(argv))
        try:
            assert proc.stdout is not None
            for line in proc.stdout:
                if line.strip():
                    self.log.info("job %s | %s", name, line.rstrip("\n"))
            code = proc.wait()
        finally:
            with self._lock:
                self._current = None
            self._idle.set()
        level = logging.INFO if code == 0 else logging.WARNING
        self.log.log(level, "job %s finished: exit %d (%s) in %s", name, code, describe_exit(code),
                     duration(time.monotonic() - started))
        return code

    def stop(self) -> str | None:
        """Take no new job; send SIGTERM to the running child. Returns 'name (pid N)' of that child."""
        with self._lock:
            self.stopping = True
            if self._current is None:
                return None
            name, proc = self._current
            try:
                proc.send_signal(signal.SIGTERM)  # the child only: run-daily stops its own crawl child
            except ProcessLookupError:
                pass
            return f"{name} (pid {proc.pid})"

    def kill(self) -> None:
        """SIGKILL the running child and everything it started (its session's process group)."""
        with self._lock:
            if self._current is not None:
                try:
                    os.killpg(self._current[1].pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass

    def wait_idle(self, timeout: float | None = None) -> bool:
        return self._idle.wait(timeout)


_runner: ChildRunner | None = None  # the process's runner: the job store keeps jobs as a reference to run_job


def set_runner(runner: ChildRunner | None) -> None:
    global _runner
    _runner = runner


def run_job(name: str, argv: list[str]) -> int | None:
    """The job function (stored as "seowatch.schedule:run_job" with the job's name and arguments)."""
    if _runner is None:
        raise RuntimeError("no job runner in this process (seowatch.schedule.set_runner)")
    return _runner.run(name, argv)


# --- the scheduler --------------------------------------------------------------------------------------


def build_scheduler(store_engine, tz: tzinfo, scheduler_cls=None):
    """A scheduler on one executor thread with the SQLAlchemy job store on `store_engine`; (scheduler, store)."""
    from apscheduler.executors.pool import ThreadPoolExecutor
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
    from apscheduler.schedulers.blocking import BlockingScheduler

    from seowatch.store.models.schedule import SCHEDULER_JOBS_TABLE

    store = SQLAlchemyJobStore(engine=store_engine, tablename=SCHEDULER_JOBS_TABLE)
    cls = scheduler_cls or BlockingScheduler
    scheduler = cls(jobstores={"default": store}, executors={"default": ThreadPoolExecutor(max_workers=1)}, timezone=tz)
    return scheduler, store


@dataclass
class JobSync:
    """What syncing the job store with the config did."""

    added: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # unchanged: their stored next run time stands
    removed: list[str] = field(default_factory=list)


def _unchanged(job, spec: JobSpec, grace: int) -> bool:
    return (
        job.func_ref == JOB_FUNC and list(job.args) == [spec.name, list(spec.argv)] and not job.kwargs
        and repr(job.trigger) == repr(spec.trigger) and job.misfire_grace_time == grace
        and job.coalesce is True and job.max_instances == 1 and job.next_run_time is not None
    )


def sync_jobs(scheduler, store, specs: Sequence[JobSpec], grace: int, *, run_now: Sequence[str] = (),
              now: datetime | None = None) -> JobSync:
    """Make the job store hold the configured jobs (call before `scheduler.start()`); `run_now`: jobs to
    run once at start (at `now`) before their schedule resumes."""
    store.start(scheduler, "default")  # to read what the last run left; scheduler.start() starts it again
    stored = {job.id: job for job in store.get_all_jobs()}
    out = JobSync()
    names = {s.name for s in specs}
    for name in sorted(set(stored) - names):
        store.remove_job(name)
        out.removed.append(name)
    for spec in specs:
        old = stored.get(spec.name)
        if old is not None and spec.name not in run_now and _unchanged(old, spec, grace):
            out.kept.append(spec.name)
            continue
        extra = {"next_run_time": now} if spec.name in run_now else {}
        scheduler.add_job(JOB_FUNC, spec.trigger, args=[spec.name, list(spec.argv)], id=spec.name, name=spec.name,
                          replace_existing=True, max_instances=1, coalesce=True, misfire_grace_time=grace, **extra)
        (out.replaced if old is not None else out.added).append(spec.name)
    return out


def add_listeners(scheduler, log: logging.Logger, tz: tzinfo, grace: int) -> None:
    """Log the start (each job's next run), and the runs skipped because late or already running."""
    from apscheduler.events import (
        EVENT_JOB_EXECUTED,
        EVENT_JOB_MAX_INSTANCES,
        EVENT_JOB_MISSED,
        EVENT_SCHEDULER_STARTED,
    )

    def local(when: datetime | None) -> str:
        return when.astimezone(tz).strftime("%Y-%m-%d %H:%M %Z") if when else "never"

    def on_event(event) -> None:
        if event.code == EVENT_SCHEDULER_STARTED:
            for job in scheduler.get_jobs():
                log.info("job %s: next run %s", job.id, local(job.next_run_time))
        elif event.code == EVENT_JOB_EXECUTED:
            job = scheduler.get_job(event.job_id)
            if job is not None and event.retval is not None:
                log.info("job %s: next run %s", job.id, local(job.next_run_time))
        elif event.code == EVENT_JOB_MISSED:
            log.warning("job %s: the run due %s was skipped: it could not start within misfire_grace_seconds "
                        "(%s) of its time", event.job_id, local(event.scheduled_run_time), duration(grace))
        elif event.code == EVENT_JOB_MAX_INSTANCES:
            log.warning("job %s: the run due %s was skipped: its previous run is still going",
                        event.job_id, local(event.scheduled_run_time))

    scheduler.add_listener(on_event, EVENT_SCHEDULER_STARTED | EVENT_JOB_EXECUTED | EVENT_JOB_MISSED
                           | EVENT_JOB_MAX_INSTANCES)


class _Stop(BaseException):
    def __init__(self, signum: int):
        self.signum = signum
        super().__init__(signal.Signals(signum).name)


def serve(scheduler, runner: ChildRunner, log: logging.Logger, *, stop_timeout: float = STOP_TIMEOUT) -> str:
    """Run the (blocking) scheduler until SIGTERM or SIGINT, then stop cleanly; returns the signal's name.

    Must run in the main thread. A second signal while stopping only logs that the job is awaited."""
    stopping = threading.Event()

    def handler(signum, _frame):
        if stopping.is_set():
            log.info("%s again: still waiting for the running job", signal.Signals(signum).name)
            return
        stopping.set()
        raise _Stop(signum)

    previous = {s: signal.signal(s, handler) for s in (signal.SIGTERM, signal.SIGINT)}
    name = "shutdown"
    try:
        try:
            scheduler.start()  # blocks; returns only when shut down elsewhere
        except _Stop as stop:
            name = str(stop)
        log.info("%s: taking no new job", name)
        who = runner.stop()
        if who:
            log.info("waiting for job %s, sent SIGTERM", who)
        if scheduler.running:
            scheduler.shutdown(wait=False)
        if not runner.wait_idle(stop_timeout):
            log.warning("the job did not end within %s of SIGTERM: killed", duration(stop_timeout))
            runner.kill()
            runner.wait_idle(10)
        log.info("scheduler stopped")
    finally:
        for s, h in previous.items():
            signal.signal(s, h)
    return name


class _LocalFormatter(logging.Formatter):
    def __init__(self, tz: tzinfo):
        super().__init__("%(asctime)s %(levelname)s %(message)s")
        self.tz = tz

    def formatTime(self, record, datefmt=None):  # logging's name
        return datetime.fromtimestamp(record.created, self.tz).strftime("%Y-%m-%d %H:%M:%S %z")


def schedule_logger(path: Path, tz: tzinfo, stream=None) -> logging.Logger:
    """The scheduler's log: appended to `path` and written to `stream` (default stderr: the journal
    under systemd); APScheduler's own messages only from ERROR up (the listeners say the rest)."""
    formatter = _LocalFormatter(tz)
    path.parent.mkdir(parents=True, exist_ok=True)
    handlers: list[logging.Handler] = [logging.FileHandler(path, encoding="utf-8"),
                                       logging.StreamHandler(stream if stream is not None else sys.stderr)]
    for h in handlers:
        h.setFormatter(formatter)
    log = logging.getLogger("seowatch.schedule")
    aps = logging.getLogger("apscheduler")
    for logger, level in ((log, logging.INFO), (aps, logging.ERROR)):
        for h in list(logger.handlers):
            logger.removeHandler(h)
            h.close()
        logger.setLevel(level)
        logger.propagate = False
        for h in handlers:
            logger.addHandler(h)
    return log
