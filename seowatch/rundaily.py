"""The daily run's bookkeeping: each step's outcome, the log it is written to, the exit status they add up to.

Exit statuses (documented in `seowatch run-daily --help` and docs/running.md):
  0  every step went through and every check is known;
  3  partial success: some checks are unknown (captcha, timeout ...), or a step such as the partner
     check, a recheck, an audit, the report files or the alerts failed while rankings were checked;
  1  failure: the crawl itself failed, or nothing could be checked;
  2  configuration (before anything ran); 4  another run holds the lock (nothing ran);
  143 (128 + SIGTERM) stopped by SIGTERM: every check stored is complete, a re-run fills the gaps.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from pathlib import Path

from seowatch.cli import EXIT_CONFIG, EXIT_FAILED, EXIT_LOCKED, EXIT_OK, EXIT_PARTIAL

STATUS_TEXT = {EXIT_OK: "success", EXIT_PARTIAL: "partial success", EXIT_FAILED: "failure",
               EXIT_CONFIG: "configuration error", EXIT_LOCKED: "locked", 128 + signal.SIGTERM: "stopped by SIGTERM",
               128 + signal.SIGINT: "stopped by Ctrl-C"}
_SEVERITY = {EXIT_OK: 0, EXIT_PARTIAL: 1, EXIT_FAILED: 2}

OK = "ok"
FAILED = "failed"
SKIPPED = "skipped"


@dataclass(frozen=True)
class Step:
    """One step of one site's run, as logged."""

    site: str | None
    name: str  # keywords, crawl, partners, report, recheck, audit, files, alerts
    status: str  # ok, failed, skipped
    detail: str
    seconds: float = 0.0


@dataclass
class SiteRun:
    """What one site's run did: its steps and the crawl's counts."""

    label: str
    steps: list[Step] = field(default_factory=list)
    tracked: int = 0  # checks the crawl was to make
    checked: int = 0  # ranked + not ranked
    unknown: int = 0
    coverage: str | None = None  # the crawl's coverage line
    crawl_failed: bool = False

    @property
    def failed_steps(self) -> list[Step]:
        return [s for s in self.steps if s.status == FAILED]


def site_status(run: SiteRun) -> int:
    """1 when the crawl failed or checked nothing, 3 when checks are unknown or a step failed, else 0."""
    if run.crawl_failed or (run.tracked and run.checked == 0):
        return EXIT_FAILED
    if run.unknown or run.failed_steps:
        return EXIT_PARTIAL
    return EXIT_OK


def run_status(runs: list[SiteRun]) -> int:
    """The worst site's status (failure over partial success over success)."""
    return max((site_status(r) for r in runs), key=_SEVERITY.__getitem__, default=EXIT_OK)


def summary_lines(runs: list[SiteRun]) -> list[str]:
    """What a failed or partial run prints: each site's coverage and its failed steps."""
    lines = []
    for r in runs:
        if r.coverage is not None and (r.unknown or r.crawl_failed or r.checked < r.tracked):
            lines.append(f"{r.label}: {r.coverage}")
        for s in r.failed_steps:
            lines.append(f"{r.label}: {s.name} failed: {s.detail}")
    return lines


def duration(seconds: float) -> str:
    if seconds < 60:
        return f"{seconds:.1f}s"
    minutes, secs = divmod(round(seconds), 60)
    return f"{minutes}m{secs:02d}s" if minutes < 60 else f"{minutes // 60}h{minutes % 60:02d}m"


class RunLog:
    """Timestamped lines appended to the run's log file (opened per line, so logrotate can move it);
    `echo` also gets each line (--verbose). Only counts, names and messages: never a secret."""

    def __init__(self, path: Path, *, clock: Callable[[], datetime], tz: tzinfo, pid: int,
                 echo: Callable[[str], None] | None = None):
        self.path = path
        self.clock = clock
        self.tz = tz
        self.pid = pid
        self.echo = echo

    def write(self, text: str) -> None:
        stamp = self.clock().astimezone(self.tz).strftime("%Y-%m-%d %H:%M:%S %z")
        lines = text.splitlines() or [""]
        block = "".join(f"{stamp} [{self.pid}] {line}\n" for line in lines)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as f:
            f.write(block)
        if self.echo is not None:
            for line in lines:
                self.echo(line)

    def step(self, step: Step) -> None:
        where = f"{step.site} " if step.site else ""
        self.write(f"{where}{step.name}: {step.status}, {step.detail} ({duration(step.seconds)})")


class Interrupted(BaseException):
    """SIGTERM arrived: stop where the run is (every stored check is complete) and exit 128 + 15.

    A BaseException, so that no step's error handling mistakes it for a failed step and goes on."""

    def __init__(self, signum: int):
        self.signum = signum
        super().__init__(signal.Signals(signum).name)

    @property
    def exit_code(self) -> int:
        return 128 + self.signum


@contextmanager
def sigterm_interrupts() -> Iterator[None]:
    """Within the block, the first SIGTERM raises Interrupted in the main thread (later ones are
    ignored, so the clean-up it starts — stopping a crawl child — is not cut short)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    fired = False

    def handler(signum, frame):
        nonlocal fired
        if fired:
            return
        fired = True
        raise Interrupted(signum)

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
