"""Local stand-in search engines and partner sites, for the demo, the tests and the benchmarks.

`SandboxServer(scenario)` serves every engine of `seowatch.crawlers.engines` under
http://127.0.0.1:PORT/<engine> with that engine's real markup, as a scenario file describes day by
day (`scenario`), plus injected faults, the engines' redirect endpoints and, in proxy mode, virtual
hosts for partner and landing pages (`server`).
"""

from seowatch.sandbox.scenario import Scenario, ScenarioError, load_scenario
from seowatch.sandbox.server import SandboxServer, serve

__all__ = ["SandboxServer", "Scenario", "ScenarioError", "load_scenario", "serve"]
