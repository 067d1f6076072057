"""[schedule] in seowatch.toml: jobs, cron expressions, sites and groups, time zones; the example from init."""

from __future__ import annotations

import re

import pytest

from seowatch.cli.setup import EXAMPLE
from seowatch.config import ConfigError, parse_config

SITE = '[[sites]]\ndomain = "example.com"\nname = "示例"\n'


def errors(text: str) -> list[str]:
    with pytest.raises(ConfigError) as err:
        parse_config(text)
    return [line.removeprefix("seowatch.toml: ") for line in str(err.value).splitlines()]


def test_defaults_and_the_timezone_falls_back_to_the_settings():
    cfg = parse_config('[settings]\ntimezone = "Asia/Chongqing"\n[[schedule.jobs]]\nname = "d"\ncron = "0 6 * * *"\n')
    job = cfg.schedule.jobs[0]
    assert (job.command, job.site, job.group, job.args) == ("run-daily", None, None, ())
    assert cfg.schedule.misfire_grace_seconds == 21600 and cfg.schedule_timezone == "Asia/Chongqing"
    cfg = parse_config('[schedule]\ntimezone = "Asia/Tokyo"\n')
    assert cfg.schedule_timezone == "Asia/Tokyo" and cfg.schedule.jobs == ()


def test_every_problem_is_named_with_its_key_path():
    text = '''
[settings]
timezone = "Asia/Beijing"
[schedule]
timezone = "CST"
misfire_grace_seconds = 0
[[schedule.jobs]]
name = "a"
cron = "0 6 * * 1-5 *"
[[schedule.jobs]]
name = "b"
command = "report"
cron = "0 7 * * *"
group = "核心"
[[schedule.jobs]]
name = "c"
command = "backup"
cron = "0 8 * * *"
'''
    assert errors(text) == [
        "settings.timezone: unknown time zone 'Asia/Beijing' (an IANA name such as 'Asia/Shanghai')",
        "schedule.timezone: unknown time zone 'CST' (an IANA name such as 'Asia/Shanghai')",
        "schedule.misfire_grace_seconds: Input should be greater than or equal to 1",
        "schedule.jobs[0].cron: expected 5 fields (minute hour day-of-month month weekday), got 6: '0 6 * * 1-5 *'",
        "schedule.jobs[1]: group: only run-daily and crawl check one keyword group, not report",
        "schedule.jobs[2].command: 'backup' is not allowed; expected 'run-daily', 'crawl', 'partners', 'report' or "
        + "'alerts'",
    ]


def test_sites_must_exist_and_names_be_unique():
    text = SITE + '''
[[schedule.jobs]]
name = "daily"
cron = "0 6 * * *"
site = "示例"
[[schedule.jobs]]
name = "daily"
cron = "0 7 * * *"
site = "example.org"
'''
    assert errors(text) == [
        "schedule.jobs[1].name: job 'daily' is configured twice",
        "schedule.jobs[1].site: no site 'example.org' in the config (sites: 示例)",
    ]


def test_the_example_schedule_of_init_is_valid_once_uncommented():
    lines = EXAMPLE.splitlines()
    start = lines.index("# [schedule]")
    section = [re.sub(r"^# ?", "", line) for line in lines[start:] if line.startswith("#")]
    cfg = parse_config(EXAMPLE + "\n".join(section) + "\n")
    assert [(j.name, j.command, j.cron, j.site, j.group) for j in cfg.schedule.jobs] == [
        ("daily", "run-daily", "0 6 * * *", None, None),
        ("core-keywords-noon", "crawl", "0 12 * * 1-5", "example.com", "营销"),
    ]
    assert cfg.schedule_timezone == "Asia/Shanghai"
