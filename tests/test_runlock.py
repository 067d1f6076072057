"""The run lock: held for a block, refused to a second holder with the first one's pid and start time, and
released by the kernel when the holder dies."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import datetime, timezone

import pytest

from seowatch.runlock import LockHeld, RunLock, read_holder

STARTED = datetime(2026, 11, 25, 22, 0, 5, tzinfo=timezone.utc)


def test_a_second_holder_is_refused_with_the_first_ones_name(tmp_path):
    path = tmp_path / "data" / "run-daily.lock"
    with RunLock(path, now=STARTED, command="run-daily --site example.com"):
        with pytest.raises(LockHeld) as held:
            RunLock(path, now=STARTED).acquire()
        holder = held.value.holder
        assert (holder.pid, holder.started, holder.command) == (os.getpid(), STARTED, "run-daily --site example.com")
        assert holder.describe() == f"pid {os.getpid()}, started 2026-11-25 22:00"
        from zoneinfo import ZoneInfo

        assert holder.describe(ZoneInfo("Asia/Shanghai")) == f"pid {os.getpid()}, started 2026-11-26 06:00"
    assert read_holder(path).pid is None  # released: the file names nobody
    with RunLock(path, now=STARTED):  # and can be taken again
        pass


def test_the_lock_dies_with_its_holder(tmp_path):
    path = tmp_path / "run-daily.lock"
    code = ("import sys, time; from datetime import datetime, timezone; from seowatch.runlock import RunLock\n"
            f"lock = RunLock({str(path)!r}, now=datetime.now(timezone.utc)).acquire(); print('held', flush=True)\n"
            "sys.stdin.read()")
    child = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "held"
        with pytest.raises(LockHeld) as held:
            RunLock(path, now=STARTED).acquire()
        assert held.value.holder.pid == child.pid
        child.send_signal(signal.SIGKILL)  # no clean-up at all
        child.wait()
    finally:
        if child.poll() is None:
            child.kill()
    with RunLock(path, now=STARTED) as lock:  # the kernel released it
        assert read_holder(path).pid == lock.pid


def test_an_unreadable_lock_file_names_nobody(tmp_path):
    path = tmp_path / "x.lock"
    path.write_text("not json", "utf-8")
    holder = read_holder(path)
    assert (holder.pid, holder.started, holder.describe()) == (None, None, "holder unknown")
