"""`seowatch partners check|list|inspect` and `seowatch export partners`, as a user runs them."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from seowatch.sandbox.partnersites import partner_scenario, partner_specs
from seowatch.sandbox.server import SandboxServer
from seowatch.scheduler import cli
from tests.conftest import OWN_FIXTURES

FIXTURES = OWN_FIXTURES / "partners"
KEYS = ("gbk", "nofollow", "anchor", "missing", "flaky", "unreachable")


def invoke(*args: str, config: Path | None = None):
    runner = CliRunner(env={"COLUMNS": "220"})  # a wide terminal: table cells on one line
    argv = (["-c", str(config)] if config else []) + list(args)
    return runner.invoke(cli, argv, catch_exceptions=False)


# --- inspect ---------------------------------------------------------------------------------------


def test_inspect_json_lists_links_to_the_targets_with_flags():
    result = invoke("partners", "inspect", str(FIXTURES / "links-gbk.html"), "--url",
                    "http://www.hangye-zixun.cn/info/links.html", "--target", "yingxiao-demo.cn", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["encoding"] == "gb18030" and data["title"] == "行业资讯网 - 友情链接"
    assert data["meta_robots"] == {"baiduspider": "noindex"} and data["x_robots_tag"] == []
    assert data["canonical"] == "http://www.hangye-zixun.cn/" and data["outbound_links"] == 6
    got = [(link["href"], link["url"], link["anchor"], link["img_alt"], link["rel"], link["hidden"], link["home_page"])
           for link in data["links"]]
    assert got == [
        ("http://www.yingxiao-demo.cn/", "http://www.yingxiao-demo.cn/", "整合营销", None, ["nofollow"], None, False),
        ("https://yingxiao-demo.cn/seo/", "https://yingxiao-demo.cn/seo/", "", "SEO优化", [], None, False),
        ("http://www.yingxiao-demo.cn/old.html", "http://www.yingxiao-demo.cn/old.html", "营销公司", None, [], "comment", False),
        ("http://m.yingxiao-demo.cn/", "http://m.yingxiao-demo.cn/", "手机版", None, [], "noscript", False),
        ("http://www.yingxiao-demo.cn/hide", "http://www.yingxiao-demo.cn/hide", "隐藏链接", None, [], "css", False),
    ]
    assert {f["status"] for f in data["findings"]} == {"noindex", "canonical_elsewhere"}


def test_inspect_without_target_lists_every_link_and_resolves_against_base():
    result = invoke("partners", "inspect", str(FIXTURES / "links-gbk.html"), "--json")
    data = json.loads(result.output)
    assert len(data["links"]) == 10 and data["base"] == "http://www.hangye-zixun.cn/info/"
    first = data["links"][0]
    assert (first["href"], first["url"], first["home_page"]) == ("../", "http://www.hangye-zixun.cn/", None)
    assert next(link for link in data["links"] if link["href"] == "javascript:;")["url"] is None
    assert [f["status"] for f in data["findings"]] == ["noindex"]  # no URL: no canonical comparison


def test_inspect_text_output_with_headers_and_robots():
    result = invoke("partners", "inspect", str(FIXTURES / "links-gbk.html"), "--url",
                    "http://www.hangye-zixun.cn/info/links.html", "-t", "yingxiao-demo.cn",
                    "--robots", str(FIXTURES / "robots.txt"), "-H", "X-Robots-Tag: googlebot: noindex")
    assert result.exit_code == 0
    out = result.output
    assert "encoding=gb18030 (meta)" in out and "5 links to yingxiao-demo.cn" in out
    assert "robots_blocked" in out and "Disallow: /info/" in out
    assert "X-Robots-Tag: googlebot: noindex" in out
    for flag in ("comment", "noscript", "css", "nofollow"):
        assert flag in out


def test_inspect_exit_status_when_no_link_to_the_target(tmp_path):
    page = tmp_path / "p.html"
    page.write_text("<a href='http://other.cn/'>x</a>", "utf-8")
    assert invoke("partners", "inspect", str(page), "--target", "yingxiao-demo.cn").exit_code == 1
    assert invoke("partners", "inspect", str(page)).exit_code == 0
    bad = invoke("partners", "inspect", str(page), "-H", "no colon")
    assert bad.exit_code == 2 and "--header must look like 'Name: value'" in bad.output


def test_inspect_real_page_flags_a_commented_friend_link_block(page_fixtures):
    result = invoke("partners", "inspect", str(page_fixtures / "cjn-partnerlinks-mixed-nofollow.html"),
                    "--url", "http://news.cjn.cn/sywh/202010/t3714581.htm", "--target", "wenming.cn", "--json")
    (link,) = json.loads(result.output)["links"]
    assert (link["anchor"], link["rel"], link["hidden"]) == ("中国文明网", ["nofollow"], "comment")


# --- check, list, export against the sandbox -------------------------------------------------------


@pytest.fixture(scope="module")
def sandbox():
    with SandboxServer(partner_scenario((1, 2), KEYS)) as server:
        yield server


def write_config(tmp_path: Path, sandbox: SandboxServer, *, via_file: bool = False) -> Path:
    lines = [
        "[settings]", f'data_dir = "{tmp_path / "data"}"',
        "[politeness]", f'proxies = ["{sandbox.url}"]', "retries = 1", "timeout = 5",
        "[partners]", "failures_before_lost = 2",
        "[[sites]]", 'domain = "www.yingxiao-demo.cn"', 'name = "营销演示站"',
    ]
    specs = partner_specs(KEYS)
    if via_file:
        path = tmp_path / "partners.csv"
        with path.open("w", encoding="utf-8-sig", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=["page", "target", "anchor", "our_page", "note"])
            writer.writeheader()
            writer.writerows(specs)
        lines.append('partners_file = "partners.csv"')
    else:
        for spec in specs:
            lines.append("[[sites.partners]]")
            lines.extend(f"{k} = {json.dumps(v, ensure_ascii=False)}" for k, v in spec.items())
    config = tmp_path / "seowatch.toml"
    config.write_text("\n".join(lines) + "\n", "utf-8")
    return config


def test_check_prints_the_table_and_the_summary_line_day_by_day(tmp_path, sandbox):
    config = write_config(tmp_path, sandbox)
    sandbox.day = 1
    result = invoke("partners", "check", "--fast", "--date", "2026-11-01", config=config)
    assert result.exit_code == 0, result.output
    assert "营销演示站: 6 partners: 3 ok, 1 unreachable (1st failure), 1 nofollow, 1 anchor_changed" in result.output
    assert 'rel="nofollow" on our link' in result.output
    assert "lost: http://www.nofollow-partner.cn/links.html (nofollow)" in result.output
    assert "www.hangye-zixun.cn/links.html" in result.output  # the table

    sandbox.day = 2
    result = invoke("partners", "check", "--fast", "--quiet", "--date", "2026-11-02", config=config)
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert lines[-1] == ("营销演示站: 6 partners: 1 ok, 1 unreachable (2nd failure), 1 http_error (1st failure), "
                         "1 link_missing, 1 nofollow, 1 anchor_changed")
    assert "lost: http://www.missing-partner.cn/links.html (link_missing)" in lines
    assert "lost: http://www.unreachable-partner.cn/links.html (unreachable)" in lines
    assert not any("flaky" in line for line in lines[:-1])  # one 503: pending, not lost

    listed = json.loads(invoke("partners", "list", "--json", config=config).output)
    state = {row["page"].split("/")[2]: (row["state"], row["status"], row["consecutive_failures"]) for row in listed}
    assert state["www.flaky-partner.cn"] == ("pending", "http_error", 1)
    assert state["www.missing-partner.cn"] == ("lost", "link_missing", 1)
    assert state["www.hangye-zixun.cn"] == ("ok", "ok", 0)

    text = invoke("partners", "list", config=config).output
    assert "pending" in text and "营销演示站: 6 partners:" in text

    exported = invoke("export", "partners", "--format", "csv", config=config).output
    rows = list(csv.DictReader(io.StringIO(exported.lstrip("\ufeff"))))
    assert len(rows) == 6
    nofollow = next(r for r in rows if "nofollow-partner" in r["page"])
    assert nofollow["status"] == "nofollow" and nofollow["link_rel"] == "nofollow" and nofollow["state"] == "lost"
    assert 'rel="nofollow" on our link' in nofollow["evidence"] and nofollow["first_seen"]

    history = json.loads(invoke("export", "partners", "--format", "json", "--history", config=config).output)
    assert len(history) == 12
    missing = [r for r in history if "missing-partner" in r["page"]]
    assert [r["status"] for r in missing] == ["ok", "link_missing"] and [r["day"] for r in missing] == ["2026-11-01", "2026-11-02"]

    out = tmp_path / "partners.csv"
    assert invoke("export", "partners", "-o", str(out), config=config).exit_code == 0
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")


def test_partners_from_a_csv_file(tmp_path, sandbox):
    config = write_config(tmp_path, sandbox, via_file=True)
    sandbox.day = 1
    result = invoke("partners", "list", "--json", config=config)
    assert result.exit_code == 0, result.output
    assert {row["page"] for row in json.loads(result.output)} == {s["page"] for s in partner_specs(KEYS)}


def test_config_errors_name_the_file_and_row(tmp_path, sandbox):
    config = write_config(tmp_path, sandbox, via_file=True)
    (tmp_path / "partners.csv").write_text("page,anchor\nwww.no-scheme.cn/links.html,整合营销\n", "utf-8")
    result = invoke("partners", "check", "--fast", config=config)
    assert result.exit_code == 2
    assert f"{tmp_path / 'partners.csv'}: row 2: page: must be an http(s) URL" in result.output


def test_no_partners_configured(tmp_path):
    config = tmp_path / "seowatch.toml"
    config.write_text(f'[settings]\ndata_dir = "{tmp_path}"\n[[sites]]\ndomain = "example.com"\n', "utf-8")
    result = invoke("partners", "check", config=config)
    assert result.exit_code == 0 and "example.com: no partners configured" in result.output


@pytest.mark.parametrize("args", [["partners", "check"], ["partners", "list"], ["partners", "inspect"],
                                  ["export", "partners"]])
def test_every_command_has_an_example(args):
    result = invoke(*args, "--help")
    assert result.exit_code == 0 and "Example:" in result.output
