"""`seowatch sandbox`: documented, prints what to configure, refuses a broken scenario in the user's terms."""

from __future__ import annotations

import json
import urllib.request

from click.testing import CliRunner

from seowatch.crawlers.engines import ENGINE_SPECS
from seowatch.sandbox import server as server_module
from seowatch.sandbox.server import SandboxServer
from seowatch.scheduler import cli


def test_help_has_an_example():
    result = CliRunner().invoke(cli, ["sandbox", "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output and "seowatch sandbox --port" in result.output


def test_prints_the_base_url_of_every_engine_and_serves(monkeypatch, tmp_path):
    scenario = tmp_path / "s.json"
    scenario.write_text(json.dumps({"days": {"1": {}, "2": {"sites": {"www.partner-a.cn": {"/": "<html></html>"}}}}}),
                        "utf-8")
    served = {}

    def fake_serve(sc, port, day, *, timeout_hold, ready, on_request):
        with SandboxServer(sc, port=port, day=day, timeout_hold=timeout_hold) as sandbox:
            ready(sandbox)
            served["day"] = json.loads(urllib.request.urlopen(f"{sandbox.url}/_sandbox/day", timeout=5).read())
            served["url"] = sandbox.url

    monkeypatch.setattr(server_module, "serve", fake_serve)
    result = CliRunner().invoke(cli, ["sandbox", "--scenario", str(scenario), "--day", "2"])
    assert result.exit_code == 0, result.output
    assert served["day"] == {"day": 2, "listed_day": 2}
    for engine in ENGINE_SPECS:
        assert f'[engines.{engine}]\nbase_url = "{served["url"]}/{engine}"' in result.output
    assert "www.partner-a.cn" in result.output
    assert result.output.rstrip().endswith("seowatch sandbox: stopped")


def test_scenario_errors_exit_2_naming_file_and_key(tmp_path):
    scenario = tmp_path / "bad.json"
    scenario.write_text(json.dumps({"days": {"1": {"serps": {"baidu": {"SEO": {"total": -1}}}}}}), "utf-8")
    result = CliRunner().invoke(cli, ["sandbox", "--scenario", str(scenario)])
    assert result.exit_code == 2
    assert f"{scenario}: days.1.serps.baidu.SEO.total: must be between 0 and 10000, got -1" in result.output
