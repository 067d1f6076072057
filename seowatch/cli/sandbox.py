"""`seowatch sandbox`: run the local stand-in search engines and sites until Ctrl-C."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from seowatch.cli import EXIT_CONFIG, EXIT_FAILED, fail
from seowatch.crawlers.engines import ENGINE_SPECS


@click.command("sandbox")
@click.option("--port", "-p", type=click.IntRange(0, 65535), default=0, show_default=True,
              help="Port to listen on (0: any free port).")
@click.option("--scenario", "-s", "scenario_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Scenario JSON file (default: the demo scenario).")
@click.option("--day", "-d", type=click.IntRange(min=1), default=1, show_default=True,
              help="Scenario day to serve; switch later with GET /_sandbox/day?set=N.")
@click.option("--timeout-hold", type=click.FloatRange(min=0), default=5.0, show_default=True,
              help="Seconds a 'timeout' fault holds its response.")
@click.option("--verbose", "-v", is_flag=True, help="Print one line per request served.")
def sandbox(port: int, scenario_path: Path | None, day: int, timeout_hold: float, verbose: bool) -> None:
    """Serve stand-in search engines (Baidu, Baidu mobile, Bing, Google, Sogou, 360, DuckDuckGo,
    Yandex, SerpApi) and partner sites on 127.0.0.1, as a scenario describes them day by day:
    real result-page markup, ads, cards, redirect links, captchas and other faults.

    Prints the base_url lines to put in seowatch.toml; the scenario's sites are reached by using
    the sandbox as an HTTP proxy (politeness.proxies). Exits 2 on a scenario error.

    \b
    Example:
      seowatch sandbox --port 8800
      seowatch sandbox --scenario my-scenario.json --day 2 --verbose
    """
    from seowatch.sandbox.demo import SCENARIO_PATH
    from seowatch.sandbox.scenario import ScenarioError, load_scenario
    from seowatch.sandbox.server import serve

    path = scenario_path or SCENARIO_PATH
    try:
        scenario = load_scenario(path)
    except ScenarioError as exc:
        fail(str(exc), EXIT_CONFIG)

    def ready(server) -> None:
        click.echo(f"seowatch sandbox: serving day {server.day} of {path} at {server.url}")
        click.echo("Put these lines in seowatch.toml to crawl the sandbox:\n")
        for engine in ENGINE_SPECS:
            click.echo(f"[engines.{engine}]\nbase_url = \"{server.base_url(engine)}\"\n")
        hosts = sorted({h for d in scenario.days for h in d.sites})
        if hosts:
            click.echo(f"Sites through the proxy {server.url} (politeness.proxies): {', '.join(hosts)}")
        click.echo(f"Control: {server.url}/_sandbox/day?set=N  {server.url}/_sandbox/requests  "
                   f"{server.url}/_sandbox/reset")
        click.echo("Press Ctrl-C to stop.")

    def log(entry: dict[str, Any]) -> None:
        where = f"http://{entry['host']}{entry['path']}" if entry.get("host") else entry.get("path")
        fault = f" fault={entry['fault']}" if entry.get("fault") else ""
        click.echo(f"day {entry['day']} {entry.get('status') or '---'} {entry.get('kind')} {where}{fault}")

    try:
        serve(scenario, port, day, timeout_hold=timeout_hold, ready=ready, on_request=log if verbose else None)
    except OSError as exc:
        fail(f"cannot listen on 127.0.0.1:{port}: {exc.strerror or exc}", EXIT_FAILED)
    click.echo("seowatch sandbox: stopped")


COMMANDS = [sandbox]
