"""The history rule: transient failures wait for N consecutive checks, definite changes count at once."""

from datetime import datetime, timedelta, timezone

import pytest

from seowatch.crawlers.partnerhistory import (
    EVENT_LOST,
    EVENT_RECOVERED,
    STATE_LOST,
    STATE_OK,
    STATE_PENDING,
    Standing,
    advance,
    ordinal,
)

T0 = datetime(2026, 11, 1, 3, tzinfo=timezone.utc)
OK_CHECK = {"failed": False, "transient": False, "link_found": True}
TIMEOUT = {"failed": True, "transient": True, "link_found": False}
GONE = {"failed": True, "transient": False, "link_found": False}  # link missing from a page served 200


def run(checks, n=2, start=Standing()):
    standing, out = start, []
    for i, c in enumerate(checks):
        t = advance(standing, now=T0 + timedelta(days=7 * i), failures_before_lost=n, **c)
        standing = t.standing
        out.append((standing.state, standing.consecutive_failures, t.event))
    return standing, out


def test_first_ok_check_sets_first_seen_and_last_seen_ok():
    standing, out = run([OK_CHECK])
    assert out == [(STATE_OK, 0, None)]
    assert standing.first_seen == T0 and standing.last_seen_ok == T0 and standing.since == T0


def test_one_transient_failure_does_not_lose_an_ok_partner():
    standing, out = run([OK_CHECK, TIMEOUT, OK_CHECK])
    assert out == [(STATE_OK, 0, None), (STATE_PENDING, 1, None), (STATE_OK, 0, None)]
    assert standing.last_seen_ok == T0 + timedelta(days=14)


def test_transient_failures_persisting_n_checks_make_it_lost():
    _, out = run([OK_CHECK, TIMEOUT, TIMEOUT, TIMEOUT, OK_CHECK])
    assert out == [
        (STATE_OK, 0, None), (STATE_PENDING, 1, None), (STATE_LOST, 2, EVENT_LOST), (STATE_LOST, 3, None),
        (STATE_OK, 0, EVENT_RECOVERED),
    ]


@pytest.mark.parametrize("n", [1, 2, 3, 5])
def test_n_is_configurable(n):
    _, out = run([OK_CHECK] + [TIMEOUT] * n, n=n)
    assert [state for state, _, _ in out[1:]] == [STATE_PENDING] * (n - 1) + [STATE_LOST]
    assert out[-1][2] == EVENT_LOST


def test_a_definite_change_is_reported_at_once():
    standing, out = run([OK_CHECK, GONE], n=5)
    assert out[-1] == (STATE_LOST, 1, EVENT_LOST)
    assert standing.last_seen_ok == T0 and standing.first_seen == T0


def test_a_definite_change_after_a_transient_one_counts_at_once():
    _, out = run([OK_CHECK, TIMEOUT, GONE], n=5)
    assert out[-1] == (STATE_LOST, 2, EVENT_LOST)


def test_a_lost_partner_stays_lost_through_transient_failures_without_new_events():
    _, out = run([GONE, TIMEOUT, GONE])
    assert out == [(STATE_LOST, 1, EVENT_LOST), (STATE_LOST, 2, None), (STATE_LOST, 3, None)]


def test_a_new_partner_failing_transiently_waits_too():
    standing, out = run([TIMEOUT, TIMEOUT])
    assert out == [(STATE_PENDING, 1, None), (STATE_LOST, 2, EVENT_LOST)]
    assert standing.first_seen is None and standing.last_seen_ok is None


def test_since_keeps_the_start_of_the_state():
    standing, _ = run([OK_CHECK, OK_CHECK, OK_CHECK])
    assert standing.since == T0 and standing.last_checked == T0 + timedelta(days=14)


@pytest.mark.parametrize("n, text", [(1, "1st"), (2, "2nd"), (3, "3rd"), (4, "4th"), (11, "11th"), (12, "12th"),
                                     (13, "13th"), (21, "21st"), (102, "102nd")])
def test_ordinal(n, text):
    assert ordinal(n) == text
