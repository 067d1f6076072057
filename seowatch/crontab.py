"""Crontab expressions read the way cron reads them, for APScheduler 3 triggers and systemd timers.

APScheduler 3's `CronTrigger.from_crontab` numbers weekdays from Monday = 0 (its own historical
convention, fixed only in 4.x), so "0 6 * * 1-5" would run Tuesday to Saturday. Here every field is
expanded to the values cron means (weekday 0 and 7 = Sunday, names allowed) and handed over as
explicit lists, so the trigger fires when cron would. A day of month and a weekday restricted
together are refused: cron runs on either, APScheduler and systemd only on both.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import tzinfo

MACROS = {
    "@hourly": "0 * * * *", "@daily": "0 0 * * *", "@midnight": "0 0 * * *", "@weekly": "0 0 * * 0",
    "@monthly": "0 0 1 * *", "@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *",
}
MONTH_NAMES = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
DAY_NAMES = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")
# name, lowest, highest, names (value = index + lowest)
FIELDS = (
    ("minute", 0, 59, ()),
    ("hour", 0, 23, ()),
    ("day of month", 1, 31, ()),
    ("month", 1, 12, MONTH_NAMES),
    ("weekday", 0, 7, DAY_NAMES),
)
APS_WEEKDAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")  # names, which APScheduler reads unambiguously
SYSTEMD_WEEKDAYS = ("Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat")


class CronError(ValueError):
    """A crontab expression cron would not run as written (the message names the field)."""


@dataclass(frozen=True)
class Crontab:
    """A validated expression: the text as written and each field's values (None: every value)."""

    text: str
    minute: tuple[int, ...] | None
    hour: tuple[int, ...] | None
    day: tuple[int, ...] | None
    month: tuple[int, ...] | None
    weekday: tuple[int, ...] | None  # 0 = Sunday ... 6 = Saturday


def _value(token: str, name: str, low: int, high: int, names: tuple[str, ...]) -> int:
    t = token.strip().lower()
    if t in names:
        return names.index(t) + low
    if not t.isdigit():
        raise CronError(f"{name}: {token!r} is not a number" + (f" or a name ({', '.join(names)})" if names else ""))
    v = int(t)
    if not low <= v <= high:
        raise CronError(f"{name}: {v} is out of range {low}-{high}")
    return v


def _field(text: str, name: str, low: int, high: int, names: tuple[str, ...]) -> tuple[int, ...] | None:
    if text == "*":
        return None
    values: set[int] = set()
    for part in text.split(","):
        if not part:
            raise CronError(f"{name}: empty item in {text!r}")
        rng, slash, step_text = part.partition("/")
        step = 1
        if slash:
            if not step_text.isdigit() or int(step_text) == 0:
                raise CronError(f"{name}: step {step_text!r} must be a whole number above 0")
            step = int(step_text)
        if rng == "*":
            first, last = low, high
        elif "-" in rng:
            a, _, b = rng.partition("-")
            first, last = _value(a, name, low, high, names), _value(b, name, low, high, names)
            if first > last:
                raise CronError(f"{name}: range {rng!r} runs backwards")
        else:
            first = _value(rng, name, low, high, names)
            last = high if slash else first  # "5/15": from 5 to the end, every 15
        values.update(range(first, last + 1, step))
    return tuple(sorted(values))


def parse_crontab(expr: str) -> Crontab:
    """Validate a five-field expression (or @daily, @weekly ...); CronError says which field is wrong."""
    text = " ".join(expr.split())
    fields = MACROS.get(text.lower(), text).split()
    if len(fields) != 5:
        raise CronError(f"expected 5 fields (minute hour day-of-month month weekday), got {len(fields)}: {expr!r}")
    parsed = [_field(f, *spec) for f, spec in zip(fields, FIELDS)]
    weekday = parsed[4]
    if weekday is not None:
        weekday = tuple(sorted({d % 7 for d in weekday}))  # 7 is Sunday too
        if len(weekday) == 7:
            weekday = None
    if parsed[2] is not None and weekday is not None:
        raise CronError("restrict either the day of month or the weekday, not both "
                        "(cron runs on either, the scheduler and systemd only on days matching both)")
    return Crontab(text, parsed[0], parsed[1], parsed[2], parsed[3], weekday)


def _join(values: tuple[int, ...] | None) -> str:
    return "*" if values is None else ",".join(str(v) for v in values)


def cron_trigger(expr: str, timezone: tzinfo | str):
    """An APScheduler 3 CronTrigger that fires when cron would run `expr` in `timezone`."""
    from apscheduler.triggers.cron import CronTrigger

    c = parse_crontab(expr)
    weekday = "*" if c.weekday is None else ",".join(APS_WEEKDAYS[d] for d in c.weekday)
    return CronTrigger(minute=_join(c.minute), hour=_join(c.hour), day=_join(c.day), month=_join(c.month),
                       day_of_week=weekday, timezone=timezone)


def _runs(values: tuple[int, ...]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for v in values:
        if out and out[-1][1] == v - 1:
            out[-1] = (out[-1][0], v)
        else:
            out.append((v, v))
    return out


def _calendar_field(values: tuple[int, ...] | None, width: int = 2) -> str:
    if values is None:
        return "*"
    parts = []
    for a, b in _runs(values):
        parts.append(f"{a:0{width}d}" if a == b else f"{a:0{width}d}..{b:0{width}d}")
    return ",".join(parts)


def on_calendar(expr: str, timezone: str) -> str:
    """The systemd OnCalendar= value for `expr` in `timezone` (systemd 235 or later reads the zone)."""
    c = parse_crontab(expr)
    weekday = ""
    if c.weekday is not None:
        monday_first = sorted((d - 1) % 7 for d in c.weekday)  # systemd ranges run Mon..Sun
        names = []
        for a, b in _runs(tuple(monday_first)):
            first, last = SYSTEMD_WEEKDAYS[(a + 1) % 7], SYSTEMD_WEEKDAYS[(b + 1) % 7]
            names.append(first if a == b else f"{first}..{last}")
        weekday = ",".join(names) + " "
    date = f"*-{_calendar_field(c.month)}-{_calendar_field(c.day)}"
    return f"{weekday}{date} {_calendar_field(c.hour)}:{_calendar_field(c.minute)}:00 {timezone}"
