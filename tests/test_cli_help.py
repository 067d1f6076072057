"""Every command is documented (help with an Example section) and found where the CLI looks for it."""

import importlib
import pkgutil

import click
import pytest
from click.testing import CliRunner

import seowatch.cli
from seowatch.scheduler import COMMAND_HOMES, cli


def _commands(group: click.Group, ctx: click.Context, prefix=()):
    for name in group.list_commands(ctx):
        cmd = group.get_command(ctx, name)
        path = prefix + (name,)
        if isinstance(cmd, click.Group):
            yield from _commands(cmd, ctx, path)
        else:
            yield path


COMMANDS = list(_commands(cli, click.Context(cli)))


def test_every_command_module_is_reachable():
    """A command a module defines but COMMAND_HOMES does not name would be invisible to users."""
    for info in pkgutil.iter_modules(seowatch.cli.__path__):
        module = importlib.import_module(f"seowatch.cli.{info.name}")
        for command in getattr(module, "COMMANDS", []):
            assert info.name in COMMAND_HOMES.get(command.name, ()), (info.name, command.name)
            assert COMMAND_HOMES[command.name][0] == info.name


def test_core_commands_exist():
    names = {" ".join(c) for c in COMMANDS}
    assert {"init", "check-config", "crawl", "ranks", "export ranks", "export partners", "serp parse", "report",
            "run-daily", "schedule", "cron-example", "alerts send", "partners check", "keywords group",
            "audit"} <= names


@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: " ".join(p))
def test_command_help_has_an_example(path):
    result = CliRunner().invoke(cli, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert "Example:" in result.output, f"seowatch {' '.join(path)} --help has no Example section"


def test_top_level_help_documents_exit_statuses():
    out = CliRunner().invoke(cli, ["--help"]).output
    assert "Exit status" in out and "partial success" in out
    assert "crawl" in out and "run-daily" in out
