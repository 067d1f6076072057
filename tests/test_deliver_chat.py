"""Chat through Apprise to a webhook receiver on loopback: the body, failures kept queued, tokens never logged."""

import json
import logging
from datetime import timedelta
from functools import partial

import pytest

from seowatch.reports import notify as notify_module
from seowatch.reports.alerts import AlertRules
from seowatch.reports.deliver import DeliveryError, send_chat
from seowatch.reports.notify import Channels, notify, retry
from seowatch.store import alerts as store
from seowatch.store.database import session_scope
from tests.alert_reports import NOW, drops_report

SITE = "example.com"
TOKEN = "a1b2c3d4e5f6secrettoken"
ENV = "SEOWATCH_TEST_CHAT_URL"


def json_url(webhook) -> str:
    return f"json://127.0.0.1:{webhook.port}/hooks/{TOKEN}"


def run(engine, channels, now=NOW):
    return notify(partial(session_scope, engine), drops_report(), site=SITE, recipients=[], rules=AlertRules(),
                  channels=channels, now=now)


def rows(engine):
    with session_scope(engine) as s:
        return store.outbox(s)


def test_the_json_webhook_receives_the_short_text(db_engine, webhook, caplog):
    caplog.set_level(logging.DEBUG)
    out = run(db_engine, Channels(chat={ENV: json_url(webhook)}))
    assert out.sent == [f"{ENV} {out.digest}"]
    (req,) = webhook.requests
    assert req["path"] == f"/hooks/{TOKEN}"
    body = json.loads(req["body"])
    assert body["title"] == "[seowatch] example.com: 3 drops on Baidu (整合营销 3→12); 1 landing page changed"
    assert body["message"].startswith("example.com, checks of 2026-11-24: 3 drops on Baidu (整合营销 3→12)")
    assert "• 整合营销 Baidu 3→12, rival.cn took #3" in body["message"]
    (row,) = rows(db_engine)
    assert (row.channel, row.status, row.message_id, row.html_body) == (ENV, "sent", None, None)
    assert TOKEN not in caplog.text and TOKEN not in row.text_body


def test_dingtalk_payload_through_apprise(webhook, monkeypatch, caplog):
    """Apprise's DingTalk plugin, pointed at the loopback receiver instead of oapi.dingtalk.com."""
    from apprise.plugins.dingtalk import NotifyDingTalk

    monkeypatch.setattr(NotifyDingTalk, "notify_url", f"http://127.0.0.1:{webhook.port}/robot/send?access_token={{token}}")
    caplog.set_level(logging.DEBUG)
    send_chat(f"dingtalk://{TOKEN}/", "[seowatch] example.com: 1 drop on Baidu", "• 整合营销 Baidu 3→12",
              channel="SEOWATCH_DINGTALK_URL")
    (req,) = webhook.requests
    assert req["path"] == f"/robot/send?access_token={TOKEN}"
    body = json.loads(req["body"])
    assert body["msgtype"] == "text"
    assert body["text"]["content"] == "[seowatch] example.com: 1 drop on Baidu\r\n• 整合营销 Baidu 3→12"
    assert "DingTalk" in caplog.text  # the plugin did log its URL at debug level ...
    assert TOKEN not in caplog.text  # ... with the token masked


def test_a_failing_webhook_stays_queued_then_goes_once(db_engine, webhook, caplog):
    caplog.set_level(logging.DEBUG)
    webhook.status = 500
    channels = Channels(chat={ENV: json_url(webhook)})
    out = run(db_engine, channels)
    assert out.sent == [] and len(out.queued) == 1 and out.queued[0].startswith(f"{ENV} ")
    assert "500" in out.queued[0] and TOKEN not in out.queued[0]
    assert rows(db_engine)[0].status == "queued"
    webhook.status = 200
    sf = partial(session_scope, db_engine)
    assert len(retry(sf, channels, NOW + timedelta(hours=1)).sent) == 1
    assert retry(sf, channels, NOW + timedelta(hours=2)).sent == []
    assert len(webhook.requests) == 2  # one refused, one delivered
    assert TOKEN not in caplog.text


def test_an_unset_variable_keeps_the_message_queued(db_engine):
    out = run(db_engine, Channels(chat={ENV: None}))
    assert out.queued == [f"{ENV} {out.digest}: the environment variable is not set"]


def test_a_crash_while_sending_a_chat_message_is_not_resent_on_its_own(db_engine, webhook, monkeypatch):
    channels = Channels(chat={ENV: json_url(webhook)})

    def crash(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(notify_module.store, "mark_sent", crash)
    with pytest.raises(KeyboardInterrupt):
        run(db_engine, channels)
    monkeypatch.undo()
    sf = partial(session_scope, db_engine)
    later = NOW + timedelta(hours=1)
    out = retry(sf, channels, later)
    assert out.unknown == [f"{ENV} {rows(db_engine)[0].digest}"] and out.sent == []
    assert rows(db_engine)[0].status == "unknown_delivery" and len(webhook.requests) == 1
    assert retry(sf, channels, later).unknown == []  # shown by `alerts list`, not re-decided every run
    forced = retry(sf, channels, later, resend_unknown=True)
    assert len(forced.sent) == 1 and len(webhook.requests) == 2


def test_resend_unknown_from_the_config(db_engine, webhook, monkeypatch):
    channels = Channels(chat={ENV: json_url(webhook)}, resend_unknown_chat=True)
    monkeypatch.setattr(notify_module.store, "mark_sent", lambda *a, **k: (_ for _ in ()).throw(KeyboardInterrupt))
    with pytest.raises(KeyboardInterrupt):
        run(db_engine, channels)
    monkeypatch.undo()
    assert len(retry(partial(session_scope, db_engine), channels, NOW + timedelta(hours=1)).sent) == 1


def test_a_url_apprise_does_not_know_is_an_error_without_the_url():
    with pytest.raises(DeliveryError) as err:
        send_chat(f"nosuchservice://{TOKEN}@host/", "t", "b", channel=ENV)
    assert ENV in str(err.value) and TOKEN not in str(err.value)
