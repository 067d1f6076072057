"""`seowatch cron-example`: a crontab line and systemd units with this installation's absolute paths and time zone."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from seowatch.cli.schedule import cron_quote, seowatch_executable, systemd_quote
from seowatch.scheduler import cli

CONFIG = '''
[settings]
timezone = "Asia/Shanghai"
[email]
host = "smtp.example.com"
username_env = "SEOWATCH_SMTP_USER"
password_env = "SEOWATCH_SMTP_PASSWORD"
sender = "seo@example.com"
[[schedule.jobs]]
name = "daily"
cron = "15 5 * * 1-6"
[[sites]]
domain = "example.com"
name = "示例"
'''


def write(tmp_path: Path, text: str = CONFIG) -> Path:
    path = tmp_path / "seowatch.toml"
    path.write_text(text, "utf-8")
    return path


def invoke(config: Path, *args: str):
    return CliRunner().invoke(cli, ["-c", str(config), "cron-example", *args])


def test_the_running_seowatch_prints_its_own_paths(tmp_path):
    """Run as a user does, from the installed script: its absolute path goes into every line."""
    config = write(tmp_path)
    script = Path(sys.executable).parent / "seowatch"
    if not script.is_file():
        pytest.skip("the seowatch script is not installed next to this Python")
    out = subprocess.run([str(script), "-c", "seowatch.toml", "cron-example"], cwd=tmp_path, capture_output=True,
                         text=True, env={**os.environ, "SEOWATCH_CONFIG": ""}, timeout=60)
    assert out.returncode == 0, out.stderr
    text = out.stdout
    command = f"{script} -c {config} run-daily"
    assert "CRON_TZ=Asia/Shanghai\n" in text
    assert f"\n15 5 * * 1-6 {command}\n" in text  # the run-daily job of [schedule], relative config made absolute
    assert f"ExecStart={command}\n" in text and f"WorkingDirectory={tmp_path}\n" in text
    assert "OnCalendar=Mon..Sat *-*-* 05:15:00 Asia/Shanghai\n" in text and "Persistent=true\n" in text
    assert "Type=oneshot" in text and "WantedBy=timers.target" in text
    assert "flock" not in text  # run-daily locks itself
    assert "#   SEOWATCH_SMTP_PASSWORD  (email.password_env)" in text
    env_file = tmp_path / "seowatch.env"
    assert f"EnvironmentFile=-{env_file}   # SEOWATCH_SMTP_USER, SEOWATCH_SMTP_PASSWORD=...; chmod 600" in text


def test_cron_site_and_the_scheduler_service(tmp_path):
    config = write(tmp_path)
    result = invoke(config, "--cron", "0 6 * * *", "--site", "示例")
    assert result.exit_code == 0, result.output
    assert "# seowatch run-daily --site example.com at cron [0 6 * * *] in Asia/Shanghai" in result.output
    assert "\n0 6 * * * " in result.output and f"-c {config} run-daily --site example.com\n" in result.output
    assert "OnCalendar=*-*-* 06:00:00 Asia/Shanghai" in result.output
    assert "seowatch-run-daily-example.com.timer" in result.output

    service = invoke(config, "--schedule")
    assert service.exit_code == 0
    assert f"-c {config} schedule\n" in service.output
    assert "KillMode=mixed" in service.output and "Type=simple" in service.output and "crontab" not in service.output


def test_without_a_schedule_the_default_is_six_in_the_morning(tmp_path):
    config = write(tmp_path, '[settings]\ntimezone = "Asia/Hong_Kong"\n[[sites]]\ndomain = "example.com"\n')
    result = invoke(config)
    assert "CRON_TZ=Asia/Hong_Kong\n0 6 * * * " in result.output
    assert "OnCalendar=*-*-* 06:00:00 Asia/Hong_Kong" in result.output
    assert "EnvironmentFile=-" in result.output and "SEOWATCH_SMTP" not in result.output


def test_errors(tmp_path):
    config = write(tmp_path)
    bad = invoke(config, "--cron", "0 6 * * 9")
    assert bad.exit_code == 2 and "--cron: weekday: 9 is out of range 0-7" in bad.output
    assert invoke(config, "--site", "nope").exit_code == 2
    missing = invoke(tmp_path / "none.toml")
    assert missing.exit_code == 2 and "file not found" in missing.output


def test_quoting_for_cron_and_systemd():
    args = ["/opt/seo watch/bin/seowatch", "-c", "/etc/seo%2/seowatch.toml", "run-daily", "--site", "示例"]
    assert cron_quote(args) == "'/opt/seo watch/bin/seowatch' -c /etc/seo\\%2/seowatch.toml run-daily --site 示例"
    assert systemd_quote(args) == '"/opt/seo watch/bin/seowatch" -c /etc/seo%%2/seowatch.toml run-daily --site 示例'


def test_the_executable_falls_back_to_path_then_to_python(tmp_path):
    script = tmp_path / "bin" / "seowatch"
    script.parent.mkdir()
    script.write_text("#!/bin/sh\n", "utf-8")
    assert seowatch_executable(str(script)) == [str(script)]
    assert seowatch_executable("/usr/lib/python3/site-packages/pytest", which=lambda n: "/usr/local/bin/seowatch") == \
        ["/usr/local/bin/seowatch"]
    assert seowatch_executable("-c", which=lambda n: None, python="/venv/bin/python") == \
        ["/venv/bin/python", "-m", "seowatch"]


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
def test_systemd_accepts_the_units(tmp_path):
    config = write(tmp_path)
    text = invoke(config).output
    service = text.split("seowatch-run-daily.service ---\n")[1].split("\n# --- ")[0]
    timer = text.split("seowatch-run-daily.timer ---\n")[1].split("\n# Then")[0]
    (tmp_path / "seowatch-run-daily.service").write_text(service, "utf-8")
    (tmp_path / "seowatch-run-daily.timer").write_text(timer, "utf-8")
    out = subprocess.run(["systemd-analyze", "verify", str(tmp_path / "seowatch-run-daily.timer")],
                         capture_output=True, text=True)
    problems = [line for line in out.stderr.splitlines() if "seowatch-run-daily" in line]
    assert problems == [], out.stderr
