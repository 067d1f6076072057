"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlmodel import SQLModel

import seowatch.store.models  # noqa: F401
from seowatch.store.database import (
    create_db_engine,
    dispose_engines,
    get_engine,
    head_revision,
    stored_revision,
    upgrade,
)


def test_models_and_migrations_agree(db_engine):
    with db_engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": False})
        diff = compare_metadata(ctx, SQLModel.metadata)
    assert diff == []


def test_history_is_one_line():
    """Each migration follows the previous one: a user upgrading from any release gets every change."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from seowatch.store.database import MIGRATIONS

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    script = ScriptDirectory.from_config(cfg)
    assert script.get_heads() == [head_revision()]  # what get_engine compares a store with
    revisions = list(script.walk_revisions())
    assert [r.revision for r in reversed(revisions)] == sorted(r.revision for r in revisions)


def test_a_store_behind_the_newest_migration_is_brought_up_to_it_on_first_use(db_url):
    old = create_db_engine(db_url)
    upgrade(old, "0004")
    assert stored_revision(old) == "0004"
    old.dispose()
    assert stored_revision(get_engine(db_url)) == head_revision()
    dispose_engines()


def test_a_new_store_is_created_at_the_newest_migration(db_url):
    engine = get_engine(db_url)
    assert stored_revision(engine) == head_revision()
    with engine.connect() as conn:
        conn.exec_driver_sql("SELECT count(*) FROM apscheduler_jobs").scalar()  # the newest migration's table
    dispose_engines()
