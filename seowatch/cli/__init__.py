"""The `seowatch` command groups, one module each; `seowatch.scheduler` assembles them."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from functools import cached_property
from pathlib import Path
from typing import Any, NoReturn
from zoneinfo import ZoneInfo

import click

from seowatch.config import Config, ConfigError, load_config

# Exit statuses shared by every command (documented in `seowatch --help`).
EXIT_OK = 0
EXIT_FAILED = 1
EXIT_CONFIG = 2
EXIT_PARTIAL = 3
EXIT_LOCKED = 4


@dataclass
class App:
    """What a command needs from the outside world, read once here and passed down as values."""

    config_path: Path
    environ: dict[str, str] = field(default_factory=lambda: dict(os.environ))
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(timezone.utc))

    @cached_property
    def config(self) -> Config:
        try:
            return load_config(self.config_path)
        except ConfigError as exc:
            fail(str(exc), EXIT_CONFIG)

    @cached_property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.config.settings.timezone)

    def now(self) -> datetime:
        return self.clock()

    def today(self) -> date:
        return self.now().astimezone(self.tz).date()

    @cached_property
    def engine(self):
        from seowatch.store.database import get_engine

        return get_engine(self.config.database_url)

    def secret(self, env_name: str | None, what: str) -> str | None:
        """A secret from the environment variable the config names; never logged."""
        if not env_name:
            return None
        value = self.environ.get(env_name)
        if not value:
            fail(f"{self.config_path}: {what} names environment variable {env_name}, which is not set", EXIT_CONFIG)
        return value


pass_app = click.make_pass_decorator(App)


def fail(message: str, code: int = EXIT_FAILED) -> NoReturn:
    click.echo(f"seowatch: {message}", err=True)
    sys.exit(code)


def parse_day(value: str | None, app: App) -> date:
    if not value:
        return app.today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        fail(f"--date must be YYYY-MM-DD, got {value!r}", EXIT_CONFIG)


def echo_json(obj: Any) -> None:
    import json

    click.echo(json.dumps(obj, ensure_ascii=False, indent=2, default=str))
