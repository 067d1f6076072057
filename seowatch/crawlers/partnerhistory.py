"""A partner's standing across checks: ok, pending or lost, and when it changes.

The one rule: a definite failure (the link gone from a page served 200, nofollow added, noindex,
an HTTP 404 ...) makes a partner lost at once; a transient one (unreachable, 5xx, 408, 429) only
after it persists for `failures_before_lost` consecutive checks; until then an ok partner is
`pending`. Warnings (anchor_changed, wrong_target alone) keep a partner ok. `now` is a parameter.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

STATE_OK = "ok"
STATE_PENDING = "pending"  # failing transiently, not yet for long enough to be called lost
STATE_LOST = "lost"
STATES = (STATE_OK, STATE_PENDING, STATE_LOST)

EVENT_LOST = "lost"
EVENT_RECOVERED = "recovered"


@dataclass(frozen=True)
class Standing:
    """What the history says about a partner after its latest check."""

    state: str | None = None  # None: never checked
    consecutive_failures: int = 0
    first_seen: datetime | None = None  # first check that found our link on the partner's page
    last_seen_ok: datetime | None = None  # last check whose result was ok (warnings included)
    since: datetime | None = None  # when the current state began
    last_checked: datetime | None = None


@dataclass(frozen=True)
class Transition:
    standing: Standing
    event: str | None  # "lost" or "recovered" when the state flips, else None

    @property
    def changed(self) -> bool:
        return self.event is not None


def advance(
    prev: Standing,
    *,
    failed: bool,
    transient: bool,
    link_found: bool,
    now: datetime,
    failures_before_lost: int = 2,
) -> Transition:
    """The standing after one more check.

    failed: the check found the swap's value gone (any status but ok and the warnings);
    transient: that failure may pass (unreachable, 5xx ...); link_found: our link was on the page.
    """
    first_seen = prev.first_seen or (now if link_found else None)
    if not failed:
        state, failures, last_ok = STATE_OK, 0, now
    else:
        failures = prev.consecutive_failures + 1
        last_ok = prev.last_seen_ok
        if not transient or failures >= max(1, failures_before_lost) or prev.state == STATE_LOST:
            state = STATE_LOST
        else:
            state = STATE_PENDING
    since = prev.since if state == prev.state and prev.since is not None else now
    standing = replace(
        prev, state=state, consecutive_failures=failures, first_seen=first_seen, last_seen_ok=last_ok,
        since=since, last_checked=now,
    )
    event = None
    if state == STATE_LOST and prev.state != STATE_LOST:
        event = EVENT_LOST
    elif state == STATE_OK and prev.state == STATE_LOST:
        event = EVENT_RECOVERED
    return Transition(standing, event)


def ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 4th ... 11th, 12th, 13th, 21st."""
    if 10 <= n % 100 <= 20:
        suffix = "th"
    else:
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"
