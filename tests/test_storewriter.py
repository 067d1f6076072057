"""The crawl's store writer: writes in order off the calling thread, group commits, one bad write fails alone."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import text

from seowatch.crawlers.storewriter import StoreWriter


def test_writes_queued_together_commit_together_and_a_bad_one_fails_alone(db_engine):
    with db_engine.begin() as conn:
        conn.execute(text("CREATE TABLE sw_probe (n INTEGER NOT NULL)"))
    writer = StoreWriter(db_engine)
    started, release = threading.Event(), threading.Event()
    sessions: list = []  # kept alive, so their ids stay distinct

    def insert(n):
        def write(session):
            if n == 0:
                started.set()
                release.wait(10)  # hold the first group while the others queue up behind it
            session.execute(text("INSERT INTO sw_probe (n) VALUES (:n)"), {"n": n})
            sessions.append(session)
            return n

        return write

    def broken(session):
        session.execute(text("INSERT INTO sw_probe (n) VALUES (NULL)"))  # NOT NULL violation

    writer.start()
    first = writer.submit(insert(0))
    assert started.wait(10)
    queued = [writer.submit(insert(n)) for n in (1, 2)] + [writer.submit(broken)] + [writer.submit(insert(3))]
    release.set()
    assert first.result(10) == 0
    assert [f.result(10) for f in queued[:2]] + [queued[3].result(10)] == [1, 2, 3]
    with pytest.raises(Exception, match="(?i)null"):
        queued[2].result(10)
    writer.close()
    with db_engine.connect() as conn:
        assert sorted(conn.execute(text("SELECT n FROM sw_probe")).scalars()) == [0, 1, 2, 3]
    # 0 alone; 1, 2, the broken write and 3 were tried as one group, then each in its own transaction
    assert len({id(s) for s in sessions}) == 1 + 1 + 3


def test_close_writes_what_is_queued(db_engine):
    with db_engine.begin() as conn:
        conn.execute(text("CREATE TABLE sw_probe (n INTEGER NOT NULL)"))
    writer = StoreWriter(db_engine, max_group=2).start()
    futures = [writer.submit(lambda s, n=n: s.execute(text("INSERT INTO sw_probe (n) VALUES (:n)"), {"n": n}))
               for n in range(7)]
    writer.close()
    assert all(f.done() and f.exception() is None for f in futures)
    with db_engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM sw_probe")).scalar_one() == 7
