"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlmodel import SQLModel

import seowatch.store.models  # noqa: F401


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
    assert len(script.get_heads()) == 1
    revisions = list(script.walk_revisions())
    assert [r.revision for r in reversed(revisions)] == sorted(r.revision for r in revisions)
