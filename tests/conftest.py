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
