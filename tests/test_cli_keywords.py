"""`seowatch keywords normalize|tokenize|group|ideas` and `seowatch audit`, run as a user runs them."""

import json

import pytest
from click.testing import CliRunner

from seowatch.cli.keywords import COMMANDS, audit, keywords
from seowatch.sandbox.server import SandboxServer
from seowatch.scheduler import cli
from tests.conftest import AUDIT_BIG5, AUDIT_OURS, require_shared

DEMO_KEYWORDS = '["整合营销", "网络营销公司", "SEO优化", "百度推广代运营", "品牌营销策划", "营销型网站建设", "整合營銷方案", "短视频营销"]'


def write_config(tmp_path, *, keywords=DEMO_KEYWORDS, extra="", sandbox=None, user_dict=None, db_url=None):
    engines = ""
    politeness = "[politeness]\ndelay = 0\nretries = 0\ntimeout = 5\n"
    if sandbox is not None:
        engines = f'[engines.baidu]\nbase_url = "{sandbox.base_url("baidu")}"\n'
        politeness += f'proxies = ["{sandbox.url}"]\n'
    path = tmp_path / "seowatch.toml"
    path.write_text(
        '[settings]\ndata_dir = "data"\n' + (f'database = "{db_url}"\n' if db_url else "") + politeness + engines
        + '[keywords]\nuser_words = ["整合营销", "百度推广代运营"]\nstop_words = ["哪家"]\n'
        + (f'user_dict = "{user_dict}"\n' if user_dict else "")
        + f'[[sites]]\ndomain = "ours-test.cn"\nengines = ["baidu"]\ndepth = 20\nkeywords = {keywords}\n{extra}',
        encoding="utf-8")
    return path


def run(config, *args):
    result = CliRunner().invoke(cli, ["-c", str(config), *args], catch_exceptions=False, env={"COLUMNS": "250"})
    return result.exit_code, result.output


@pytest.mark.parametrize("command", [c for c in keywords.commands.values()] + [audit], ids=lambda c: c.name)
def test_every_command_documents_an_example(command):
    assert "Example:" in command.help
    assert [c.name for c in COMMANDS] == ["keywords", "audit"]


def test_normalize_reports_variants(tmp_path):
    code, out = run(tmp_path / "none.toml", "keywords", "normalize", "整合營銷", "整合 营销", "ＳＥＯ优化", "SEO 优化")
    assert code == 0
    assert "variant of '整合營銷'" in out and "variant of 'ＳＥＯ优化'" in out
    assert "4 entered, 2 distinct, 2 variants folded" in out
    code, out = run(tmp_path / "none.toml", "keywords", "normalize", "--json", "整合營銷", "整合营销")
    assert json.loads(out) == [{"keyword": "整合營銷", "normalized": "整合营销", "variant_of": None},
                               {"keyword": "整合营销", "normalized": "整合营销", "variant_of": "整合營銷"}]


def test_normalize_files_and_the_configured_keywords(tmp_path):
    (tmp_path / "kw.csv").write_text("keyword,group\n整合营销,营销\n整合營銷,\nSEO优化,\n", encoding="utf-8")
    (tmp_path / "kw.txt").write_text("短视频营销\n短視頻營銷\n\n", encoding="utf-8")
    code, out = run(tmp_path / "none.toml", "keywords", "normalize", "--file", str(tmp_path / "kw.csv"))
    assert code == 0 and "3 entered, 2 distinct, 1 variant folded" in out
    code, out = run(tmp_path / "none.toml", "keywords", "normalize", "-f", str(tmp_path / "kw.txt"))
    assert code == 0 and "variant of '短视频营销'" in out
    config = write_config(tmp_path, keywords='["整合营销", "整合營銷", "SEO优化"]')
    code, out = run(config, "keywords", "normalize")
    assert code == 0 and "ours-test.cn: 3 entered, 2 distinct, 1 variant folded" in out


def test_tokenize_uses_the_configured_user_words_and_stop_words(tmp_path):
    (tmp_path / "brands.txt").write_text("云推宝\n", encoding="utf-8")
    config = write_config(tmp_path, user_dict="brands.txt")
    code, out = run(config, "keywords", "tokenize", "整合營銷方案", "用云推宝做百度推广代运营哪家好")
    assert code == 0
    assert "整合營銷方案  →  整合营销 / 方案" in out
    assert "→  用* / 云推宝 / 做* / 百度推广代运营 / 哪家* / 好*" in out  # 哪家 from the config, the rest from the list
    code, out = run(config, "keywords", "tokenize", "--mode", "search", "--json", "网络营销公司")
    assert json.loads(out)[0]["words"] == ["网络", "营销", "网络营销", "公司"]


def test_a_missing_user_dictionary_is_a_config_error(tmp_path):
    config = write_config(tmp_path, user_dict="nope.txt")
    for args in (("keywords", "tokenize", "整合营销"), ("keywords", "group"), ("audit",)):
        code, out = run(config, *args)
        assert code == 2 and "keywords.user_dict" in out and "nope.txt: user dictionary not found" in out, args


def test_group_shows_sensible_topics(tmp_path):
    config = write_config(tmp_path, keywords=DEMO_KEYWORDS.replace('"SEO优化"', '{ keyword = "SEO优化", group = "技术" }'))
    code, out = run(config, "keywords", "group")
    assert code == 0
    assert "share the head term '营销'" in out and "share the head term '整合营销'" in out
    assert "group in the config" in out
    assert "ours-test.cn: 8 keywords in 4 topics: 1 from the config, 2 by shared head terms, 1 alone" in out
    code, out = run(config, "keywords", "group", "--json")
    topics = {t["topic"]: t for t in json.loads(out)[0]["topics"]}
    assert topics["整合营销"]["keywords"] == ["整合营销", "整合營銷方案"]
    assert topics["技术"] == {"topic": "技术", "source": "config", "head_term": None, "keywords": ["SEO优化"], "joined": []}


def test_ideas_from_saved_baidu_pages(tmp_path):
    page = require_shared("serp") / "baidu" / "pc-2020-python.html"
    config = write_config(tmp_path, keywords='["python教程"]')
    code, out = run(config, "keywords", "ideas", "--page", str(page), "--engine", "baidu", "--json")
    assert code == 0
    ideas = {i["normalized"]: i for i in json.loads(out)}
    assert ideas["python有什么用"]["sources"] == ["related"] and ideas["python有什么用"]["engines"] == ["baidu"]
    assert "python教程" not in ideas  # tracked
    code, out = run(config, "keywords", "ideas", "--page", str(page), "--limit", "5")
    assert code == 0 and "keyword ideas" in out and "saved pages: 5 ideas" in out


def test_audit_and_ideas_on_the_sandbox_over_two_days(tmp_path, audit_scenario):
    with SandboxServer(audit_scenario, port=0) as sandbox:
        config = write_config(tmp_path, keywords='["整合营销", { keyword = "网络营销公司" }]', sandbox=sandbox)
        code, out = run(config, "audit", "--date", "2026-11-23")
        assert code == 0 and "nothing to audit" in out  # no crawl yet, no target

        assert run(config, "crawl", "--fast", "--quiet", "--date", "2026-11-23")[0] == 0
        code, out = run(config, "audit", "--fast", "--date", "2026-11-23")
        assert code == 0, out
        assert "整合营销 — 2026-11-23" in out and "ours (baidu #3)" in out and "#1 rival-test.cn" in out
        assert "keyword in title" in out and "✓ phrase" in out
        assert "title_too_long" in out and "h1_missing" in out  # the competitors' findings
        # 网络营销公司 ranks nowhere: only its competitors, HTTPS filler pages the proxy cannot serve.
        assert ("ours-test.cn: 2 keywords, 7 pages audited (1 ours, 6 competitors); 0 of our pages with findings; "
                "0 pages changed since their last audit; 3 unreachable") in out

        code, out = run(config, "keywords", "ideas", "--date", "2026-11-23", "--json")
        ideas = {i["normalized"]: i for i in json.loads(out)}
        assert code == 0 and ideas["整合营销公司排名"]["sources"] == ["related"]

        sandbox.day = 2
        assert run(config, "crawl", "--fast", "--quiet", "--date", "2026-11-24")[0] == 0
        code, out = run(config, "audit", "--fast", "--date", "2026-11-24")
    assert code == 0, out
    assert "ours (baidu #4)" in out
    assert "changed (our page): title changed: '整合营销服务_整合营销方案策划与执行_测试营销' → '测试营销_专业团队_服务流程'" in out
    assert "changed (our page): noindex added: X-Robots-Tag: noindex" in out
    assert "page now 404 (was HTTP 200)" in out
    assert "our page: the title does not contain '整合营销'" in out

    code, out = run(config, "audit", "--stored", "--date", "2026-11-24", "--json")
    rows = {r["url"]: r for r in json.loads(out)}
    assert code == 0 and rows[AUDIT_OURS]["previous_day"] == "2026-11-23"
    assert {c["code"] for c in rows[AUDIT_OURS]["changes"]} >= {"title_changed", "noindex_added", "canonical_changed"}
    assert rows[AUDIT_BIG5]["status"] == 404 and rows[AUDIT_BIG5]["changes"][0]["code"] == "now_404"
    assert rows[AUDIT_OURS]["keyword"] == "整合营销" and rows[AUDIT_OURS]["coverage"]["tokens"] == ["整合营销"]


def test_audit_of_an_unknown_keyword_is_a_usage_error(tmp_path):
    config = write_config(tmp_path)
    code, out = run(config, "audit", "--keyword", "不存在的词")
    assert code == 2 and "none of the keywords 不存在的词 is tracked" in out
