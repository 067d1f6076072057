"""One writer thread per crawl: stores items off the reactor, committing what queued up meanwhile together.

Each write is a function of a session. The thread takes the first waiting write and every write
queued behind it (up to `max_group`) and runs them in one transaction (a group commit): under load
the cost of a commit is shared, when the crawl is slow each write commits alone and at once. If a
group fails, its writes are run again one transaction each, so one bad item fails only itself.
A write's future is resolved once its transaction has committed.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session

from seowatch.store.database import session_scope

Write = Callable[[Session], Any]
_STOP = object()


class StoreWriter:
    def __init__(self, engine: Engine, max_group: int = 200):
        self.engine = engine
        self.max_group = max_group
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="seowatch-store-writer", daemon=True)

    def start(self) -> StoreWriter:
        self._thread.start()
        return self

    def submit(self, write: Write) -> Future:
        future: Future = Future()
        self._queue.put((write, future))
        return future

    def close(self) -> None:
        """Write what is queued, then stop the thread."""
        self._queue.put(_STOP)
        self._thread.join()

    def _run(self) -> None:
        stopping = False
        while not stopping:
            first = self._queue.get()
            if first is _STOP:
                return
            group = [first]
            while len(group) < self.max_group:
                try:
                    entry = self._queue.get_nowait()
                except queue.Empty:
                    break
                if entry is _STOP:
                    stopping = True
                    break
                group.append(entry)
            self._write(group)

    def _write(self, group: list[tuple[Write, Future]]) -> None:
        try:
            with session_scope(self.engine) as session:
                results = [write(session) for write, _ in group]
        except Exception as exc:  # noqa: BLE001 - handed to whoever waits for the write
            if len(group) > 1:
                for entry in group:
                    self._write([entry])
            else:
                group[0][1].set_exception(exc)
            return
        for (_, future), result in zip(group, results):
            future.set_result(result)
