"""A run lock: one file lock per data folder, so two runs never overlap, that names who holds it.

`fcntl.flock` on a file that is never deleted: the kernel releases it when the holder exits, crashes
or is killed, so a stale lock cannot outlive its process. The holder writes its pid, its start time
and its command into the file, which the refused run quotes. Child processes do not inherit the lock
(Python opens files non-inheritable). POSIX only, like cron and systemd.
"""

from __future__ import annotations

import fcntl
import json
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO


@dataclass(frozen=True)
class Holder:
    """Who holds a lock, as it wrote itself into the lock file (fields None when unreadable)."""

    pid: int | None
    started: datetime | None
    command: str | None

    def describe(self, tz=None) -> str:
        """'pid 1234, started 2026-11-25 06:00' (in `tz` when given)."""
        parts = []
        if self.pid is not None:
            parts.append(f"pid {self.pid}")
        if self.started is not None:
            started = self.started.astimezone(tz) if tz is not None else self.started
            parts.append(f"started {started:%Y-%m-%d %H:%M}")
        return ", ".join(parts) or "holder unknown"


class LockHeld(Exception):
    """Another process holds the lock."""

    def __init__(self, path: Path, holder: Holder):
        self.path = path
        self.holder = holder
        super().__init__(f"{path} is held ({holder.describe()})")


class RunLock:
    """`with RunLock(path, now=..., command=...):` holds the lock for the block; raises LockHeld if taken."""

    def __init__(self, path: Path, *, now: datetime, command: str = "", pid: int | None = None):
        self.path = Path(path)
        self.now = now
        self.command = command
        self.pid = os.getpid() if pid is None else pid
        self._file: IO[str] | None = None

    def acquire(self) -> RunLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        f = self.path.open("a+", encoding="utf-8")  # never truncate before holding the lock
        try:
            fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            f.close()
            raise LockHeld(self.path, read_holder(self.path)) from None
        except BaseException:
            f.close()
            raise
        f.seek(0)
        f.truncate()
        json.dump({"pid": self.pid, "started": self.now.isoformat(), "command": self.command}, f)
        f.flush()
        self._file = f
        return self

    def release(self) -> None:
        if self._file is not None:
            try:
                self._file.seek(0)
                self._file.truncate()  # a lock nobody holds names nobody
                self._file.flush()
            finally:
                fcntl.flock(self._file.fileno(), fcntl.LOCK_UN)
                self._file.close()
                self._file = None

    def __enter__(self) -> RunLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()


def read_holder(path: Path) -> Holder:
    """What the holder wrote into the lock file (fields None when it is empty or unreadable)."""
    try:
        data = json.loads(Path(path).read_text("utf-8") or "{}")
    except (OSError, ValueError):
        data = {}
    if not isinstance(data, dict):
        data = {}
    pid = data.get("pid")
    try:
        started = datetime.fromisoformat(data["started"]) if data.get("started") else None
    except (TypeError, ValueError):
        started = None
    return Holder(pid if isinstance(pid, int) else None, started, data.get("command") or None)
