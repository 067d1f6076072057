"""The composition root: the `seowatch` command line (and, through `seowatch schedule`, the
APScheduler jobs of seowatch/schedule.py).

Configuration, the environment and the clock are read here and handed to the library as values.
Command modules are imported only when their command runs: `seowatch crawl` need not load the
report, alert and keyword machinery.
"""

from __future__ import annotations

import importlib
import os
from pathlib import Path

import click

from seowatch import __version__, spare_last_collection
from seowatch.cli import App

EPILOG = """\b
Exit status: 0 success; 1 failure; 2 configuration or usage error;
3 partial success (some checks unknown); 4 another run holds the lock.
"""


# Where each command lives (modules of seowatch/cli/, each exposing COMMANDS); `export` gathers the
# subcommands several modules add to it.
COMMAND_HOMES: dict[str, tuple[str, ...]] = {
    "init": ("setup",),
    "check-config": ("setup",),
    "crawl": ("crawl",),
    "ranks": ("crawl",),
    "export": ("crawl", "partners"),
    "serp": ("serp",),
    "partners": ("partners",),
    "keywords": ("keywords",),
    "audit": ("keywords",),
    "report": ("report",),
    "run-daily": ("run",),
    "schedule": ("schedule",),
    "cron-example": ("schedule",),
    "alerts": ("alerts",),
    "sandbox": ("sandbox",),
}


class LazyGroup(click.Group):
    """A group whose commands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMAND_HOMES)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        homes = COMMAND_HOMES.get(name)
        if not homes:
            return None
        modules = [importlib.import_module(f"seowatch.cli.{home}") for home in homes]
        return next((c for c in modules[0].COMMANDS if c.name == name), None)


@click.group(cls=LazyGroup, epilog=EPILOG, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "-c", "--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
    default=lambda: os.environ.get("SEOWATCH_CONFIG", "seowatch.toml"), show_default="seowatch.toml or $SEOWATCH_CONFIG",
    help="The configuration file.",
)
@click.version_option(__version__, prog_name="seowatch")
@click.pass_context
def cli(ctx: click.Context, config_path: Path) -> None:
    """seowatch: rank tracking on Baidu, Bing, Sogou, 360 and Google, link-exchange partner checks,
    Chinese keyword analysis, daily reports and alerts.

    \b
    Example:
      seowatch init && seowatch check-config && seowatch crawl
    """
    ctx.obj = App(config_path=config_path)


def main() -> None:
    try:
        cli(prog_name="seowatch")
    finally:
        spare_last_collection()
