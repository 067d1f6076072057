"""`seowatch alerts send|list|retry` as a user runs them: dry-run .eml files, a real SMTP server, a captcha wall."""

from __future__ import annotations

import email
import json
from email import policy

from click.testing import CliRunner

from seowatch.sandbox.server import SandboxServer
from seowatch.scheduler import cli
from seowatch.store.database import create_db_engine, upgrade
from tests.alert_reports import seed_store
from tests.conftest import SMTP_PASSWORD, SMTP_USER

DAY = "2026-11-22"
ENV = {"SEOWATCH_SMTP_USER": SMTP_USER, "SEOWATCH_SMTP_PASSWORD": SMTP_PASSWORD}


def write_config(tmp_path, db_url, smtp_port=None, extra=""):
    email_section = f'''
[email]
host = "127.0.0.1"
port = {smtp_port}
security = "none"
username_env = "SEOWATCH_SMTP_USER"
password_env = "SEOWATCH_SMTP_PASSWORD"
sender = "seowatch <seowatch@example.com>"
recipients = ["seo@example.com"]
timeout = 5
''' if smtp_port else ""
    path = tmp_path / "seowatch.toml"
    path.write_text(f'''
[settings]
data_dir = "data"
database = "{db_url}"
{email_section}
[alerts]
report_url = "https://seo.example.com/reports/{{domain}}/{{date}}.html"
{extra}
[[sites]]
domain = "example.com"
engines = ["baidu"]
keywords = ["整合营销", "网络营销"]
recipients = ["老板 <boss@example.com>"]
''', "utf-8")
    return path


def seeded(db_url):
    engine = create_db_engine(db_url)
    upgrade(engine)
    seed_store(engine)
    engine.dispose()


def invoke(config, *args, env=ENV):
    return CliRunner().invoke(cli, ["-c", str(config), "alerts", *args], env=env)


def test_dry_run_writes_an_eml_a_user_can_open_and_changes_nothing(tmp_path, db_url):
    seeded(db_url)
    config = write_config(tmp_path, db_url)
    result = invoke(config, "send", "--date", DAY, "--dry-run", "--eml-dir", str(tmp_path / "eml"))
    assert result.exit_code == 0, result.output
    assert "example.com 2026-11-22: 4 alerts in digest example.com.20261122." in result.output
    (eml,) = (tmp_path / "eml").glob("*.eml")
    assert f"wrote {eml}" in result.output
    msg = email.message_from_bytes(eml.read_bytes(), policy=policy.default)
    assert msg["Subject"] == "[seowatch] example.com: 1 drop on Baidu (整合营销 3→12)"
    assert msg["To"] == "老板 <boss@example.com>"
    text = msg.get_body(("plain",)).get_content()
    assert "整合营销 [Baidu]: 3 → 12 (▼9) — out of top 3, out of top 10, off page 1" in text
    assert "now at 3: rival.cn “整合营销公司排名”" in text
    assert "Full report: https://seo.example.com/reports/example.com/2026-11-22.html" in text
    listed = invoke(config, "list", "--json")
    assert listed.exit_code == 0 and json.loads(listed.output) == []


def test_send_list_and_a_rerun_that_sends_nothing(tmp_path, db_url, smtp_server):
    seeded(db_url)
    _, server, port = smtp_server()
    config = write_config(tmp_path, db_url, port)
    result = invoke(config, "send", "--date", DAY)
    assert result.exit_code == 0, result.output
    assert "sent: email example.com.20261122." in result.output
    (received,) = server.messages
    assert received["to"] == ["boss@example.com"]  # the site's own recipients win over [email] recipients
    assert server.parsed()["Subject"] == "[seowatch] example.com: 1 drop on Baidu (整合营销 3→12)"
    rows = json.loads(invoke(config, "list", "--json").output)
    assert [(r["channel"], r["status"], r["attempts"]) for r in rows] == [("email", "sent", 1)]
    assert "example.com|2026-11-22|out_of_top3|1|baidu|desktop" in rows[0]["alert_keys"]
    again = invoke(config, "send", "--date", DAY)
    assert again.exit_code == 0 and "nothing new to alert" in again.output
    assert len(server.messages) == 1
    table = invoke(config, "list")
    assert "  example.com  email to 老板 <boss@example.com>  sent (1 try, sent " in table.output
    assert "    [seowatch] example.com: 1 drop on Baidu (整合营销 3→12)" in table.output
    assert SMTP_PASSWORD not in result.output + again.output + table.output


def test_smtp_down_then_retry(tmp_path, db_url, smtp_server):
    seeded(db_url)
    controller, _, port = smtp_server()
    controller.stop()
    config = write_config(tmp_path, db_url, port)
    down = invoke(config, "send", "--date", DAY)
    assert down.exit_code == 1
    assert "queued (sent again by the next run): email example.com.20261122." in down.output
    assert SMTP_PASSWORD not in down.output and SMTP_USER not in down.output
    queued = json.loads(invoke(config, "list", "--status", "queued", "--json").output)
    assert len(queued) == 1 and "127.0.0.1" in queued[0]["last_error"]

    dry = invoke(config, "retry", "--dry-run", "--eml-dir", str(tmp_path / "eml"))
    assert dry.exit_code == 0 and len(list((tmp_path / "eml").glob("*.eml"))) == 1
    assert json.loads(invoke(config, "list", "--status", "queued", "--json").output)  # still queued

    _, server, _ = smtp_server(port=port)
    up = invoke(config, "retry")
    assert up.exit_code == 0, up.output
    assert "sent: email" in up.output and len(server.messages) == 1
    assert invoke(config, "retry").output.strip() == "nothing to retry"
    assert len(server.messages) == 1


def test_a_missing_password_variable_is_named_and_the_email_waits(tmp_path, db_url, smtp_server):
    seeded(db_url)
    _, server, port = smtp_server()
    config = write_config(tmp_path, db_url, port)
    result = invoke(config, "send", "--date", DAY, env={"SEOWATCH_SMTP_USER": SMTP_USER, "SEOWATCH_SMTP_PASSWORD": ""})
    assert result.exit_code == 1
    assert "email.password_env names SEOWATCH_SMTP_PASSWORD, which is not set in the environment" in result.output
    assert server.messages == []
    sent = invoke(config, "retry")  # the variable is set again
    assert sent.exit_code == 0 and len(server.messages) == 1


def test_attach_report_attaches_the_full_html_report(tmp_path, db_url):
    seeded(db_url)
    config = write_config(tmp_path, db_url, extra="attach_report = true")
    text = config.read_text("utf-8").replace('report_url = "https://seo.example.com/reports/{domain}/{date}.html"\n', "")
    config.write_text(text, "utf-8")
    result = invoke(config, "send", "--date", DAY, "--dry-run", "--eml-dir", str(tmp_path / "eml"))
    assert result.exit_code == 0, result.output
    (eml,) = (tmp_path / "eml").glob("*.eml")
    msg = email.message_from_bytes(eml.read_bytes(), policy=policy.default)
    (att,) = list(msg.iter_attachments())
    assert att.get_filename() == "example.com-2026-11-22.html"
    assert "<!DOCTYPE html>" in att.get_content() and "整合营销" in att.get_content()
    assert "Full report: attached (example.com-2026-11-22.html)" in msg.get_body(("plain",)).get_content()


def test_eml_dir_needs_dry_run(tmp_path, db_url):
    result = invoke(write_config(tmp_path, db_url), "send", "--eml-dir", str(tmp_path))
    assert result.exit_code == 2 and "--eml-dir goes with --dry-run" in result.output


SCENARIO_SITE = "http://www.example.com"
KEYWORDS = ["整合营销", "网络营销", "SEO优化", "短视频营销", "品牌策划"]


def captcha_scenario() -> dict:
    """Day 1: our pages at 3, 6, 7, 8, 9. Day 2: 整合营销 falls to 12; every other keyword meets a captcha."""
    def day(wall: bool) -> dict:
        serps = {}
        for i, kw in enumerate(KEYWORDS):
            pos = (12 if wall else 3) if i == 0 else 5 + i
            plan = {"results": [{"url": f"{SCENARIO_SITE}/p{i}", "position": pos}], "total": 20}
            if wall and i > 0:
                plan["faults"] = [{"type": "captcha", "page": None, "times": None}]
            serps[kw] = plan
        return {"serps": {"baidu": serps}}

    return {"days": {"1": day(False), "2": day(True)}}


def test_a_crawl_that_met_a_wall_of_captchas_raises_the_coverage_alert_and_no_drop(tmp_path):
    """A real crawl (child process, the sandbox's Baidu) on SQLite; then the alert as the user gets it."""
    db_url = f"sqlite:///{tmp_path / 'seowatch.db'}"
    with SandboxServer(captcha_scenario()) as sandbox:
        config = write_config(tmp_path, db_url, extra=f'''
[politeness]
retries = 1
[engines.baidu]
base_url = "{sandbox.base_url('baidu')}"
''')
        text = config.read_text("utf-8").replace('keywords = ["整合营销", "网络营销"]', f"keywords = {json.dumps(KEYWORDS, ensure_ascii=False)}\ndepth = 20")
        config.write_text(text.replace("[politeness]", "[politeness]", 1), "utf-8")
        runner = CliRunner()
        for server_day, day in ((1, "2026-11-21"), (2, "2026-11-22"), (2, "2026-11-22")):  # day 2 is crawled twice
            sandbox.day = server_day
            crawl = runner.invoke(cli, ["-c", str(config), "crawl", "--fast", "-q", "--date", day])
            assert crawl.exit_code == 0, crawl.output
        assert "checked 1/5, 4 unknown (4 security_check)" in crawl.output
    result = invoke(config, "send", "--date", DAY, "--dry-run", "--eml-dir", str(tmp_path / "eml"))
    assert result.exit_code == 0, result.output
    assert ": 1 alert in digest" in result.output
    (eml,) = (tmp_path / "eml").glob("*.eml")
    msg = email.message_from_bytes(eml.read_bytes(), policy=policy.default)
    assert msg["Subject"] == "[seowatch] example.com: crawler blocked on Baidu, 4/5 checks unknown (security_check)"
    text = msg.get_body(("plain",)).get_content()
    assert "4 of 5 rank checks came back unknown (4 security_check)" in text
    assert "1 keyword with a confirmed drop among the checks that got through is in the full report" in text
    assert "CONFIRMED DROPS" not in text and "3 → 12" not in text
