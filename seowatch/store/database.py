"""One SQLAlchemy engine per process from a database URL, sessions, and schema migrations."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import StaticPool
from sqlmodel import Session, create_engine

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cur = dbapi_connection.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    # With WAL, NORMAL syncs at checkpoints instead of every commit: a crash of the process loses
    # nothing committed and the file stays consistent; only an OS crash or power cut can lose the
    # last commits (which a re-run of the crawl fills). FULL costs an fsync per stored check.
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def create_db_engine(url: str) -> Engine:
    """A new engine for `url` (use `get_engine` for the process-wide one).

    SQLite files get WAL journaling and a busy timeout so a crawl's writer and a report's reader
    do not trip over each other; `sqlite://` (memory) shares one connection (tests).
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:":
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
            engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
            event.listen(engine, "connect", _sqlite_pragmas)
            with engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA journal_mode=WAL")
            return engine
        engine = create_engine(url, connect_args={"check_same_thread": False}, poolclass=StaticPool)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


_ENGINES: dict[str, Engine] = {}


def get_engine(url: str, *, migrate: bool = True) -> Engine:
    """The process's engine for `url`, migrated to the latest schema on first use.

    A store already at the newest revision is not handed to Alembic (importing it and reading the
    migrations cost about 0.1 s on every command). A crawl's child process passes migrate=False:
    its parent opened (and migrated) the store before starting it.
    """
    engine = _ENGINES.get(url)
    if engine is None:
        engine = create_db_engine(url)
        if migrate and stored_revision(engine) != head_revision():
            upgrade(engine)
        _ENGINES[url] = engine
    return engine


def head_revision() -> str:
    """The newest migration's revision: the number its file name starts with (`0005_scheduler_jobs.py`
    is revision '0005'). tests/test_store_migrations.py checks that this is Alembic's head."""
    return max(p.name.split("_", 1)[0] for p in (MIGRATIONS / "versions").glob("[0-9]*_*.py"))


def stored_revision(engine: Engine) -> str | None:
    """The revision a store's schema is at, read without Alembic; None for a new store."""
    try:
        with engine.connect() as conn:
            return conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
    except DBAPIError:  # no alembic_version table yet
        return None


def dispose_engines() -> None:
    """Close every engine of the process (tests, and a scheduler shutting down)."""
    while _ENGINES:
        _ENGINES.popitem()[1].dispose()


def _alembic_config(engine: Engine):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%"))
    return cfg


def upgrade(engine: Engine, revision: str = "heads") -> None:
    """Bring the schema to `revision` with the migrations; a user's history is never dropped."""
    from alembic import command

    cfg = _alembic_config(engine)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def optimize(engine: Engine) -> None:
    """Refresh the query planner's statistics after a crawl wrote many rows (SQLite only: PostgreSQL's
    autovacuum does it). A bounded ANALYZE: milliseconds even on a large store."""
    if engine.dialect.name == "sqlite":
        with engine.begin() as conn:
            conn.exec_driver_sql("PRAGMA analysis_limit=1000")
            conn.exec_driver_sql("ANALYZE")


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """One unit of work: committed when the block ends, rolled back if it raises."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def chunks(seq, n: int):
    """Lists of at most n items of seq: IN (...) lists small enough for every database."""
    seq = list(seq)
    for i in range(0, len(seq), n):
        yield seq[i:i + n]


def rows(session: Session, statement):
    """Plain result rows of a column query, without ORM bookkeeping (reports read many rows)."""
    return session.connection().execute(statement)
