"""Every command is documented: its help has a description and an Example section."""

import click
import pytest
from click.testing import CliRunner

from seowatch.scheduler import cli


def _commands(group: click.Group, prefix=()):
    for name, cmd in sorted(group.commands.items()):
        path = prefix + (name,)
        if isinstance(cmd, click.Group):
            yield from _commands(cmd, path)
            if cmd.invoke_without_command or cmd.callback:
                pass
        else:
            yield path


COMMANDS = list(_commands(cli))


def test_core_commands_exist():
    names = {" ".join(c) for c in COMMANDS}
    assert {"init", "check-config", "crawl", "ranks", "export ranks", "serp parse"} <= names


@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: " ".join(p))
def test_command_help_has_an_example(path):
    result = CliRunner().invoke(cli, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert "Example:" in result.output, f"seowatch {' '.join(path)} --help has no Example section"


def test_top_level_help_documents_exit_statuses():
    out = CliRunner().invoke(cli, ["--help"]).output
    assert "Exit status" in out and "partial success" in out
