"""The composition root: the `seowatch` command line and the APScheduler jobs.

Configuration, the environment and the clock are read here and handed to the library as values.
"""

from __future__ import annotations

import os
from pathlib import Path

import click

from seowatch import __version__
from seowatch.cli import App

EPILOG = """\b
Exit status: 0 success; 1 failure; 2 configuration or usage error;
3 partial success (some checks unknown); 4 another run holds the lock.
"""


@click.group(epilog=EPILOG, context_settings={"help_option_names": ["-h", "--help"]})
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


# Command modules in seowatch/cli/, in help order; each exposes COMMANDS.
COMMAND_MODULES = ("setup", "crawl", "serp", "partners", "keywords", "report", "run", "schedule", "alerts", "sandbox")


def _register() -> None:
    import importlib
    import importlib.util

    for name in COMMAND_MODULES:
        module_name = f"seowatch.cli.{name}"
        if importlib.util.find_spec(module_name) is None:
            continue
        for command in importlib.import_module(module_name).COMMANDS:
            cli.add_command(command)


_register()


def main() -> None:
    cli(prog_name="seowatch")
