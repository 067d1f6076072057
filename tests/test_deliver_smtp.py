"""Email through a real SMTP server (aiosmtpd on port 0): the digest as received, the outbox, never lost, never doubled."""

import logging
import ssl
from datetime import timedelta
from functools import partial

import pytest

from seowatch.reports import notify as notify_module
from seowatch.reports.alerts import AlertRules
from seowatch.reports.deliver import DeliveryError, SmtpSettings, build_message, send_email
from seowatch.reports.notify import Channels, notify, retry
from seowatch.store import alerts as store
from seowatch.store.database import session_scope
from tests.alert_reports import NOW, captcha_wall_report, drops_report
from tests.conftest import SMTP_PASSWORD, SMTP_USER

SITE = "example.com"
TO = ["老板 <boss@example.com>", "seo@example.com"]


def smtp_settings(port, security="none", **kw):
    return SmtpSettings(host="127.0.0.1", port=port, security=security, sender="seowatch 监控 <seowatch@example.com>",
                        timeout=5, username=SMTP_USER, password=SMTP_PASSWORD, **kw)


def run(engine, report, channels, now=NOW, **kw):
    return notify(partial(session_scope, engine), report, site=SITE, recipients=TO, rules=AlertRules(),
                  channels=channels, now=now, **kw)


def rows(engine, **kw):
    with session_scope(engine) as s:
        return store.outbox(s, **kw)


def assert_no_secret(*texts):
    for text in texts:
        for secret in (SMTP_PASSWORD, SMTP_USER):
            assert secret not in text


def test_the_digest_arrives_whole(db_engine, smtp_server, caplog):
    caplog.set_level(logging.DEBUG)
    _, server, port = smtp_server()
    out = run(db_engine, drops_report(), Channels(smtp=smtp_settings(port)))
    assert out.sent == [f"email {out.digest}"] and not out.queued
    assert server.logins == [SMTP_USER]
    (received,) = server.messages
    assert received["to"] == ["boss@example.com", "seo@example.com"]
    assert received["from"] == "seowatch@example.com"
    msg = server.parsed()
    assert msg["Subject"] == "[seowatch] example.com: 3 drops on Baidu (整合营销 3→12); 1 landing page changed"
    assert msg["From"].addresses[0].display_name == "seowatch 监控"
    assert msg["Message-ID"] == f"<{out.digest}@example.com>"
    assert msg["Auto-Submitted"] == "auto-generated"
    plain = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    assert "整合营销 [Baidu]: 3 → 12 (▼9)" in plain and "rival.cn “整合营销公司排名 <前十>”" in plain
    assert "<b>整合营销</b>" in html and "整合营销公司排名 &lt;前十&gt;" in html
    (row,) = rows(db_engine)
    assert (row.status, row.attempts, row.message_id) == ("sent", 1, msg["Message-ID"])
    assert len(row.alert_keys) == 9
    assert_no_secret(caplog.text, received["data"].decode("utf-8", "replace"), repr(smtp_settings(port)))


def test_a_rerun_the_same_day_sends_nothing_new(db_engine, smtp_server):
    _, server, port = smtp_server()
    channels = Channels(smtp=smtp_settings(port))
    run(db_engine, drops_report(), channels)
    again = run(db_engine, drops_report(), channels, now=NOW + timedelta(hours=1))
    assert again.alerts == [] and again.sent == []
    assert len(server.messages) == 1 and len(rows(db_engine)) == 1


def test_smtp_down_then_up_queued_then_delivered_exactly_once(db_engine, smtp_server, caplog):
    caplog.set_level(logging.DEBUG)
    controller, _, port = smtp_server()
    controller.stop()  # the server is down
    channels = Channels(smtp=smtp_settings(port))
    out = run(db_engine, drops_report(), channels)
    assert out.sent == [] and len(out.queued) == 1 and "cannot connect (Connection refused)" in out.queued[0]
    (row,) = rows(db_engine)
    assert row.status == "queued" and row.attempts == 1 and "127.0.0.1" in row.last_error

    _, server, _ = smtp_server(port=port)  # back up on the same port
    later = NOW + timedelta(hours=1)
    assert run(db_engine, drops_report(), channels, now=later).alerts == []  # decided once, not twice
    first = retry(partial(session_scope, db_engine), channels, later)
    assert len(first.sent) == 1 and len(server.messages) == 1
    second = retry(partial(session_scope, db_engine), channels, later + timedelta(hours=1))
    assert second.sent == [] and len(server.messages) == 1
    (row,) = rows(db_engine)
    assert row.status == "sent" and row.attempts == 2
    assert_no_secret(caplog.text, row.last_error or "", *out.queued)


def test_a_crash_between_send_and_mark_resends_with_the_same_message_id(db_engine, smtp_server, monkeypatch):
    _, server, port = smtp_server()
    channels = Channels(smtp=smtp_settings(port))

    def crash(*args, **kwargs):
        raise KeyboardInterrupt("the process is killed")

    monkeypatch.setattr(notify_module.store, "mark_sent", crash)
    with pytest.raises(KeyboardInterrupt):
        run(db_engine, drops_report(), channels)
    monkeypatch.undo()
    (row,) = rows(db_engine)
    assert row.status == "sending" and len(server.messages) == 1

    sf = partial(session_scope, db_engine)
    assert retry(sf, channels, NOW + timedelta(minutes=1)).sent == []  # maybe still sending: left alone
    resent = retry(sf, channels, NOW + timedelta(minutes=30))
    assert len(resent.sent) == 1 and len(server.messages) == 2
    assert server.parsed(0)["Message-ID"] == server.parsed(1)["Message-ID"] == row.message_id
    assert server.parsed(0)["Date"] == server.parsed(1)["Date"]
    assert retry(sf, channels, NOW + timedelta(hours=2)).sent == []
    assert rows(db_engine)[0].status == "sent"


def test_a_wrong_password_stays_queued_and_never_shows_the_password(db_engine, smtp_server, caplog):
    caplog.set_level(logging.DEBUG)
    _, server, port = smtp_server()
    bad = SmtpSettings(host="127.0.0.1", port=port, security="none", sender="seowatch@example.com", timeout=5,
                       username=SMTP_USER, password="wrong-" + SMTP_PASSWORD)
    out = run(db_engine, drops_report(), Channels(smtp=bad))
    assert server.messages == [] and len(out.queued) == 1
    assert "login refused (535" in out.queued[0] and "password_env" in out.queued[0]
    assert SMTP_PASSWORD not in out.queued[0] and SMTP_PASSWORD not in caplog.text
    assert SMTP_USER not in out.queued[0] and SMTP_USER not in (rows(db_engine)[0].last_error or "")


def test_gives_up_after_max_attempts(db_engine, smtp_server):
    controller, _, port = smtp_server()
    controller.stop()
    channels = Channels(smtp=smtp_settings(port), max_attempts=2)
    sf = partial(session_scope, db_engine)
    assert len(run(db_engine, drops_report(), channels).queued) == 1
    assert len(retry(sf, channels, NOW + timedelta(hours=1)).failed) == 1
    assert rows(db_engine)[0].status == "failed"
    assert retry(sf, channels, NOW + timedelta(hours=2)).failed == []  # not retried on its own any more
    _, server, _ = smtp_server(port=port)
    assert len(retry(sf, channels, NOW + timedelta(hours=3), include_failed=True).sent) == 1
    assert len(server.messages) == 1


def test_a_password_variable_that_is_not_set_keeps_the_email_queued(db_engine):
    out = run(db_engine, drops_report(), Channels(smtp_problem="email.password_env names SMTP_PASS, which is not set"))
    assert out.queued and "SMTP_PASS, which is not set" in out.queued[0]
    assert rows(db_engine)[0].status == "queued"


def test_the_captcha_wall_mails_the_coverage_alert_only(db_engine, smtp_server):
    _, server, port = smtp_server()
    out = run(db_engine, captcha_wall_report(), Channels(smtp=smtp_settings(port)))
    assert [a.rule for a in out.alerts] == ["coverage"]
    msg = server.parsed()
    assert msg["Subject"] == "[seowatch] example.com: crawler blocked on Baidu, 40/50 checks unknown (captcha)"
    assert "Rank alerts for 2026-11-24 are held back" in msg.get_body(("plain",)).get_content()


def test_the_full_report_can_be_attached(db_engine, smtp_server):
    _, server, port = smtp_server()
    page = "<html><body>整合营销 完整报告</body></html>".encode()
    run(db_engine, drops_report(), Channels(smtp=smtp_settings(port)), attachment=("example.com-2026-11-24.html", page))
    msg = server.parsed()
    assert msg.get_content_type() == "multipart/mixed"
    (att,) = list(msg.iter_attachments())
    assert att.get_filename() == "example.com-2026-11-24.html" and att.get_content() == page.decode()
    assert "attached (example.com-2026-11-24.html)" in msg.get_body(("plain",)).get_content()


def test_no_recipients_means_no_email_row(db_engine, smtp_server):
    _, server, port = smtp_server()
    out = notify(partial(session_scope, db_engine), drops_report(), site=SITE, recipients=[], rules=AlertRules(),
                 channels=Channels(smtp=smtp_settings(port)), now=NOW)
    assert server.messages == [] and rows(db_engine) == []
    assert any("no email recipients" in n for n in out.notes) and any("no channel" in n for n in out.notes)


@pytest.mark.parametrize("security", ["starttls", "ssl"])
def test_starttls_and_implicit_tls(security, smtp_server, tls_files):
    _, server, port = smtp_server(security=security, tls=tls_files)
    client_ctx = ssl.create_default_context(cafile=str(tls_files[0]))
    settings = smtp_settings(port, security=security, ssl_context=client_ctx)
    msg = build_message(sender=settings.sender, recipients=TO, subject="[seowatch] 测试 TLS", text="整合营销", html=None,
                        message_id="<t@example.com>", date=NOW)
    assert send_email(msg, settings, TO) == {}
    assert server.parsed()["Subject"] == "[seowatch] 测试 TLS" and server.logins == [SMTP_USER]


def test_a_certificate_that_does_not_verify_is_refused(smtp_server, tls_files):
    _, server, port = smtp_server(security="starttls", tls=tls_files)
    msg = build_message(sender="seowatch@example.com", recipients=TO, subject="x", text="x", html=None,
                        message_id="<t@example.com>", date=NOW)
    with pytest.raises(DeliveryError, match="TLS failed") as err:
        send_email(msg, smtp_settings(port, security="starttls"), TO)  # system CAs do not know our test cert
    assert SMTP_PASSWORD not in str(err.value) and server.messages == []
