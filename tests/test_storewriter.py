"""Batched store writes: a batch commits together, one bad write fails alone, nothing queued is lost on flush."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from seowatch.crawlers.storewriter import BatchWriter


@pytest.fixture
def probe(db_engine):
    with db_engine.begin() as conn:
        conn.execute(text("CREATE TABLE sw_probe (n INTEGER NOT NULL)"))
    return db_engine


def _insert(n, sessions):
    def write(session):
        session.execute(text("INSERT INTO sw_probe (n) VALUES (:n)"), {"n": n})
        sessions.append(session)
        return n

    return write


def test_a_batch_commits_together_and_a_bad_write_fails_alone(probe):
    writer = BatchWriter(probe, max_items=10)  # items are functions of the session (one_by_one)
    sessions, done = [], []

    def broken(session):
        session.execute(text("INSERT INTO sw_probe (n) VALUES (NULL)"))  # NOT NULL violation

    for w in (_insert(1, sessions), _insert(2, sessions), broken, _insert(3, sessions)):
        assert writer.add(w, lambda result, error: done.append((result, error))) is False
    writer.flush()
    assert [r for r, e in done if e is None] == [1, 2, 3]
    (failed,) = [e for r, e in done if e is not None]
    assert "null" in str(failed).lower()
    with probe.connect() as conn:
        assert sorted(conn.execute(text("SELECT n FROM sw_probe")).scalars()) == [1, 2, 3]
    # 1, 2, the broken write and 3 were tried as one batch, then each in its own transaction
    assert len({id(s) for s in sessions}) == 1 + 3


def test_a_full_batch_asks_for_a_flush_and_callbacks_wait_for_the_commit(probe):
    writer = BatchWriter(probe, max_items=3)
    done = []
    full = [writer.add(_insert(n, []), lambda r, e: done.append(r)) for n in range(3)]
    assert full == [False, False, True] and done == [] and len(writer) == 3
    with probe.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM sw_probe")).scalar_one() == 0
    writer.flush()
    assert done == [0, 1, 2] and len(writer) == 0
    with probe.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM sw_probe")).scalar_one() == 3
