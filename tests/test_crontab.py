"""Crontab expressions read as cron reads them: weekday numbering, names, macros, errors, systemd OnCalendar."""

from __future__ import annotations

import shutil
import subprocess
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from seowatch.crontab import CronError, cron_trigger, on_calendar, parse_crontab

SHANGHAI = ZoneInfo("Asia/Shanghai")
WEDNESDAY_NOON = datetime(2026, 11, 25, 12, 0, tzinfo=SHANGHAI)


def fires(expr: str, n: int = 3, start: datetime = WEDNESDAY_NOON) -> list[str]:
    trigger = cron_trigger(expr, SHANGHAI)
    out, previous, now = [], None, start
    for _ in range(n):
        nxt = trigger.get_next_fire_time(previous, now)
        out.append(nxt.strftime("%a %m-%d %H:%M"))
        previous, now = nxt, nxt
    return out


@pytest.mark.parametrize("expr, expected", [
    ("0 6 * * *", ["Thu 11-26 06:00", "Fri 11-27 06:00", "Sat 11-28 06:00"]),
    # APScheduler 3's own from_crontab would read 1-5 as Tuesday to Saturday: here it is cron's Monday to Friday.
    ("0 6 * * 1-5", ["Thu 11-26 06:00", "Fri 11-27 06:00", "Mon 11-30 06:00"]),
    ("0 7 * * 0", ["Sun 11-29 07:00", "Sun 12-06 07:00", "Sun 12-13 07:00"]),
    ("0 7 * * 7", ["Sun 11-29 07:00", "Sun 12-06 07:00", "Sun 12-13 07:00"]),
    ("0 8 * * sat,sun", ["Sat 11-28 08:00", "Sun 11-29 08:00", "Sat 12-05 08:00"]),
    ("*/20 13 * * *", ["Wed 11-25 13:00", "Wed 11-25 13:20", "Wed 11-25 13:40"]),
    ("30 2 1 * *", ["Tue 12-01 02:30", "Fri 01-01 02:30", "Mon 02-01 02:30"]),
    ("0 0 1 jan *", ["Fri 01-01 00:00", "Sat 01-01 00:00", "Mon 01-01 00:00"]),
    ("@weekly", ["Sun 11-29 00:00", "Sun 12-06 00:00", "Sun 12-13 00:00"]),
    ("@daily", ["Thu 11-26 00:00", "Fri 11-27 00:00", "Sat 11-28 00:00"]),
    ("0 6 * * 0-6", ["Thu 11-26 06:00", "Fri 11-27 06:00", "Sat 11-28 06:00"]),
])
def test_triggers_fire_when_cron_would(expr, expected):
    assert fires(expr) == expected


@pytest.mark.parametrize("expr, message", [
    ("0 6 * *", "expected 5 fields (minute hour day-of-month month weekday), got 4"),
    ("60 6 * * *", "minute: 60 is out of range 0-59"),
    ("0 24 * * *", "hour: 24 is out of range 0-23"),
    ("0 6 0 * *", "day of month: 0 is out of range 1-31"),
    ("0 6 * 13 *", "month: 13 is out of range 1-12"),
    ("0 6 * * 8", "weekday: 8 is out of range 0-7"),
    ("0 6 * * fri-mon", "weekday: range 'fri-mon' runs backwards"),
    ("*/0 6 * * *", "minute: step '0' must be a whole number above 0"),
    ("0 six * * *", "hour: 'six' is not a number"),
    ("0 6 * * monday", "weekday: 'monday' is not a number or a name (sun, mon, tue, wed, thu, fri, sat)"),
    ("0 6 1,15 * 1", "restrict either the day of month or the weekday, not both"),
    ("0 6 L * *", "day of month: 'L' is not a number"),
    ("0 6 ,1 * *", "day of month: empty item in ',1'"),
])
def test_errors_name_the_field(expr, message):
    with pytest.raises(CronError) as err:
        parse_crontab(expr)
    assert message in str(err.value)


def test_the_text_is_kept_as_written_with_spaces_folded():
    assert parse_crontab("  0   6 * *  1-5 ").text == "0 6 * * 1-5"
    assert parse_crontab("0 6 * * 1-7").weekday is None  # every day


@pytest.mark.parametrize("expr, calendar", [
    ("0 6 * * *", "*-*-* 06:00:00 Asia/Shanghai"),
    ("0 6 * * 1-5", "Mon..Fri *-*-* 06:00:00 Asia/Shanghai"),
    ("0 7 * * 0,6", "Sat..Sun *-*-* 07:00:00 Asia/Shanghai"),
    ("*/15 9-17 * * *", "*-*-* 09..17:00,15,30,45:00 Asia/Shanghai"),
    ("30 2 1 1,7 *", "*-01,07-01 02:30:00 Asia/Shanghai"),
])
def test_on_calendar(expr, calendar):
    assert on_calendar(expr, "Asia/Shanghai") == calendar


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
@pytest.mark.parametrize("expr", ["0 6 * * *", "0 6 * * 1-5", "0 7 * * 0,6", "*/15 9-17 * * *", "30 2 1 1,7 *"])
def test_systemd_reads_the_calendar_the_same_way(expr):
    calendar = on_calendar(expr, "Asia/Shanghai")
    out = subprocess.run(["systemd-analyze", "calendar", "--iterations=3", calendar], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert "Normalized form:" in out.stdout
