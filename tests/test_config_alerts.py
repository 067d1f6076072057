"""[alerts], [email] and [chat] in seowatch.toml: defaults, and errors that name the key without echoing a secret."""

import pytest

from seowatch.config import ALERT_RULES, ConfigError, parse_config

GOOD = """
[alerts]
coverage_floor = 0.7
report_url = "https://seo.example.com/r/{domain}/{date}.html"

[email]
host = "smtp.exmail.qq.com"
security = "ssl"
username_env = "SEOWATCH_SMTP_USER"
password_env = "SEOWATCH_SMTP_PASSWORD"
sender = "seowatch <seo@example.com>"
recipients = ["seo@example.com"]

[chat]
urls_env = ["SEOWATCH_WECOM_URL"]

[[sites]]
domain = "example.com"
recipients = ["老板 <boss@example.com>"]
"""


def test_sections_and_defaults():
    cfg = parse_config(GOOD)
    assert cfg.alerts.rules == ALERT_RULES and cfg.alerts.coverage_floor == 0.7 and not cfg.alerts.attach_report
    assert cfg.email.effective_port == 465 and cfg.email.timeout == 30
    assert cfg.chat.urls_env == ("SEOWATCH_WECOM_URL",) and cfg.chat.resend_unknown is False
    assert cfg.sites[0].recipients == ("老板 <boss@example.com>",)
    bare = parse_config('[[sites]]\ndomain = "example.com"\n')
    assert bare.email is None and bare.chat.urls_env == () and bare.alerts.coverage_floor == 0.8


@pytest.mark.parametrize("text, expected", [
    ('[chat]\nurls_env = ["OK", "dingtalk://t0ken123secret"]\n',
     "x.toml: chat.urls_env[1]: must be the name of an environment variable"),
    ('[chat]\nurls = ["x"]\n', "chat.urls: unknown key; put each Apprise URL in an environment variable"),
    ('[email]\nhost = "h"\nsender = "a@b.cn"\npassword = "p"\n', "email.password: unknown key; put the password"),
    ('[email]\nhost = "h"\nsender = "a@b.cn"\nusername_env = "U"\n', "email: username_env and password_env go together"),
    ('[email]\nhost = "h"\nsender = "nope"\n', "email.sender: not an email address: 'nope'"),
    ('[email]\nhost = "h"\n', "email.sender: required key is missing"),
    ('[email]\nhost = "h"\nsender = "a@b.cn"\nsecurity = "tls"\n', "email.security: 'tls' is not allowed"),
    ('[alerts]\nrules = ["drops"]\n', "alerts.rules[0]: 'drops' is not allowed"),
    ('[alerts]\ncoverage_floor = 80\n', "alerts.coverage_floor: "),
    ('[alerts]\nreport_url = "https://x/{day}"\n', "alerts.report_url: unknown placeholder 'day'"),
    ('[[sites]]\ndomain = "a.com"\nrecipients = ["boss"]\n', "sites[0].recipients[0]: not an email address"),
])
def test_errors_name_the_key(text, expected):
    with pytest.raises(ConfigError) as err:
        parse_config(text, "x.toml")
    assert expected in str(err.value)
    assert "t0ken123secret" not in str(err.value)
