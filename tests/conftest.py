"""Shared fixtures: the real captured pages, temporary stores, the sandbox."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
OWN_FIXTURES = Path(__file__).resolve().parent / "fixtures"


def shared_fixtures_dir() -> Path:
    return Path(os.environ.get("SEOWATCH_FIXTURES", REPO.parent / "shared" / "fixtures")).resolve()


def require_shared(sub: str) -> Path:
    """The real-page folder; missing is a failure in CI and a visible skip elsewhere."""
    path = shared_fixtures_dir() / sub
    if not path.is_dir():
        msg = f"real fixtures not found at {path} (set SEOWATCH_FIXTURES)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(msg)
        pytest.skip(msg)
    return path


def shared_files(sub: str, pattern: str) -> list[Path]:
    """Collect shared fixture files at import time for parametrization (empty when absent)."""
    path = shared_fixtures_dir() / sub
    return sorted(path.glob(pattern)) if path.is_dir() else []


@pytest.fixture(scope="session")
def serp_fixtures() -> Path:
    return require_shared("serp")


@pytest.fixture(scope="session")
def page_fixtures() -> Path:
    return require_shared("pages")


def _pg_url() -> str | None:
    return os.environ.get("SEOWATCH_TEST_PG_URL") or None


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    """A fresh, migrated database URL: a SQLite file, and PostgreSQL when SEOWATCH_TEST_PG_URL is set
    (each test gets its own schema, dropped afterwards)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'seowatch.db'}"
        return
    base = _pg_url()
    if not base:
        pytest.skip("PostgreSQL tests need SEOWATCH_TEST_PG_URL (set by .ci/run)")
    import uuid

    from sqlalchemy import create_engine, text

    schema = f"sw_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    sep = "&" if "?" in base else "?"
    try:
        yield f"{base}{sep}options=-csearch_path%3D{schema}"
    finally:
        from seowatch.store.database import dispose_engines

        dispose_engines()
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


@pytest.fixture
def db_engine(db_url):
    from seowatch.store.database import create_db_engine, upgrade

    engine = create_db_engine(db_url)
    upgrade(engine)
    yield engine
    engine.dispose()
