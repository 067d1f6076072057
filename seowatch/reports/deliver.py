"""Delivering a digest: an email over SMTP (smtplib), a chat message through Apprise, or an .eml file.

Secrets (the SMTP user and password, Apprise URLs with their tokens) are handed in as values and
never logged: every error is re-raised as a DeliveryError whose text has them masked, and while
Apprise and urllib3 run, a filter masks them in those libraries' own log records (DingTalk's plugin
logs its URL, token included, at debug level; urllib3 logs request paths).
"""

from __future__ import annotations

import base64
import email.policy
import logging
import smtplib
import ssl
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from email.header import Header
from email.message import EmailMessage
from email.utils import format_datetime, getaddresses, parseaddr
from pathlib import Path

log = logging.getLogger(__name__)

MASK = "***"
# Loggers that may print a secret we handed to a library: Apprise plugins and urllib3's request lines.
NOISY_LOGGERS = ("apprise", "urllib3.connectionpool")


class DeliveryError(Exception):
    """A delivery that did not happen, in words fit for a log (secrets masked)."""


@dataclass(frozen=True)
class SmtpSettings:
    """Where and how to hand mail over; the credentials stay out of repr."""

    host: str
    port: int
    security: str  # starttls, ssl, none
    sender: str
    timeout: float = 30.0
    username: str | None = field(default=None, repr=False)
    password: str | None = field(default=None, repr=False)
    ssl_context: ssl.SSLContext | None = field(default=None, repr=False, compare=False)  # default: system CAs

    @property
    def secrets(self) -> tuple[str, ...]:
        return tuple(s for s in (self.username, self.password) if s)


def secret_forms(secrets: Iterable[str]) -> list[str]:
    """Each secret and the encodings it travels in (SMTP AUTH sends base64)."""
    out: list[str] = []
    values = [s for s in secrets if s]
    for s in values:
        out += [s, base64.b64encode(s.encode()).decode()]
    if len(values) >= 2:
        plain = f"\0{values[0]}\0{values[1]}".encode()
        out.append(base64.b64encode(plain).decode())
    return sorted({x for x in out if len(x) >= 3}, key=len, reverse=True)


def redact(text: str, secrets: Iterable[str]) -> str:
    for s in secret_forms(secrets):
        text = text.replace(s, MASK)
    return text


class _Redactor(logging.Filter):
    def __init__(self, secrets: Sequence[str]):
        super().__init__()
        self.secrets = secrets

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record: keep only its template
            message = str(record.msg)
        record.msg, record.args = redact(message, self.secrets), None
        return True


@contextmanager
def masked_logs(secrets: Sequence[str]) -> Iterator[None]:
    """Mask `secrets` in what the libraries we call log, for the duration of the block."""
    flt = _Redactor(list(secrets))
    loggers = [logging.getLogger(n) for n in NOISY_LOGGERS]
    for lg in loggers:
        lg.addFilter(flt)
    try:
        yield
    finally:
        for lg in loggers:
            lg.removeFilter(flt)


def message_id(digest: str, sender: str) -> str:
    """A Message-ID fixed by the digest, so every try of one digest carries the same one."""
    domain = parseaddr(sender)[1].rpartition("@")[2] or "seowatch"
    return f"<{digest}@{domain}>"


# Values stored with set_raw are written as given (the rest is folded as usual): see set_text_header.
POLICY = email.policy.default.clone(refold_source="none")


def set_text_header(msg: EmailMessage, name: str, value: str) -> None:
    """Set an unstructured header; a non-ASCII one is encoded whole as RFC 2047 words.

    Python 3.11's folder puts the space of "Baidu and Bing" between two encoded words when it
    folds a long non-ASCII subject, and decoders drop such whitespace: "Baidu andBing" arrives.
    email.header.Header keeps every character, spaces included, inside the encoded words."""
    if value.isascii():
        msg[name] = value
    else:
        msg.set_raw(name, Header(value, "utf-8", maxlinelen=74, header_name=name).encode())


def build_message(
    *, sender: str, recipients: Sequence[str], subject: str, text: str, html: str | None, message_id: str,
    date: datetime, attachment: tuple[str, bytes] | None = None, headers: dict[str, str] | None = None,
) -> EmailMessage:
    """A multipart text + HTML message; non-ASCII headers are encoded as RFC 2047."""
    msg = EmailMessage(policy=POLICY)
    msg["From"] = sender
    msg["To"] = ", ".join(recipients) if recipients else "undisclosed-recipients:;"
    set_text_header(msg, "Subject", subject)
    msg["Date"] = format_datetime(date)
    msg["Message-ID"] = message_id
    msg["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies to a robot
    for name, value in (headers or {}).items():
        msg[name] = value
    msg.set_content(text, subtype="plain", charset="utf-8")
    if html:
        msg.add_alternative(html, subtype="html", charset="utf-8")
    if attachment:
        name, data = attachment
        if name.endswith(".html"):  # the full report: UTF-8 HTML, said so, or readers guess Latin-1
            msg.add_attachment(data, maintype="text", subtype="html", filename=name, params={"charset": "utf-8"})
        else:
            msg.add_attachment(data, maintype="application", subtype="octet-stream", filename=name)
    return msg


def envelope_recipients(recipients: Sequence[str]) -> list[str]:
    return [addr for _, addr in getaddresses(list(recipients)) if addr]


def send_email(msg: EmailMessage, smtp: SmtpSettings, recipients: Sequence[str]) -> dict[str, tuple[int, bytes]]:
    """Hand the message to the SMTP server; returns the recipients it refused (others got it).

    Raises DeliveryError when nothing was accepted."""
    where = f"SMTP {smtp.host}:{smtp.port}"
    to = envelope_recipients(recipients)
    if not to:
        raise DeliveryError(f"{where}: no recipients")
    context = smtp.ssl_context or ssl.create_default_context()
    try:
        if smtp.security == "ssl":
            client: smtplib.SMTP = smtplib.SMTP_SSL(smtp.host, smtp.port, timeout=smtp.timeout, context=context)
        else:
            client = smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout)
        with client:
            if smtp.security == "starttls":
                client.starttls(context=context)
            if smtp.username:
                client.login(smtp.username, smtp.password or "")
            refused = client.send_message(msg, from_addr=parseaddr(smtp.sender)[1], to_addrs=to)
    except smtplib.SMTPAuthenticationError as exc:
        raise DeliveryError(redact(f"{where}: login refused ({_response(exc)}); check the user and password "
                                   "variables named by email.username_env / email.password_env", smtp.secrets)) from None
    except smtplib.SMTPRecipientsRefused as exc:
        who = ", ".join(f"{a} ({_response_of(*r)})" for a, r in exc.recipients.items())
        raise DeliveryError(redact(f"{where}: every recipient was refused: {who}", smtp.secrets)) from None
    except smtplib.SMTPNotSupportedError as exc:
        raise DeliveryError(redact(f"{where}: {exc} (check email.security)", smtp.secrets)) from None
    except smtplib.SMTPResponseException as exc:
        raise DeliveryError(redact(f"{where}: {_response(exc)}", smtp.secrets)) from None
    except ssl.SSLError as exc:
        raise DeliveryError(redact(f"{where}: TLS failed ({exc.reason or exc}); check email.security and email.port",
                                   smtp.secrets)) from None
    except TimeoutError:
        raise DeliveryError(f"{where}: no answer within {smtp.timeout:g} s (email.timeout)") from None
    except smtplib.SMTPException as exc:  # before OSError, its base class
        raise DeliveryError(redact(f"{where}: {exc.__class__.__name__}: {exc}", smtp.secrets)) from None
    except OSError as exc:  # refused, unreachable, DNS (socket.gaierror)
        raise DeliveryError(redact(f"{where}: cannot connect ({exc.strerror or exc})", smtp.secrets)) from None
    return refused


def _response_of(code: int, text: bytes | str) -> str:
    text = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    return f"{code} {' '.join(text.split())}"


def _response(exc: smtplib.SMTPResponseException) -> str:
    return _response_of(exc.smtp_code, exc.smtp_error)


def write_eml(msg: EmailMessage | bytes, folder: Path, name: str) -> Path:
    """Write a message (or a chat text as bytes) where --dry-run asked; returns the path."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(msg if isinstance(msg, bytes) else msg.as_bytes())
    return path


def send_chat(url: str, title: str, body: str, *, channel: str, timeout: float = 30.0) -> None:
    """Send a short text through one Apprise URL; DeliveryError (URL masked) when it did not go.

    channel: the variable holding the URL, named in errors instead of the URL."""
    import apprise

    with masked_logs([url, *_url_tokens(url)]):
        asset = apprise.AppriseAsset(storage_mode="memory")
        apobj = apprise.Apprise(asset=asset)
        if not apobj.add(url):
            raise DeliveryError(f"not an Apprise URL seowatch can use (check the value of {channel})")
        errors: list[str] = []
        handler = _Collect(errors)
        logging.getLogger("apprise").addHandler(handler)
        try:
            ok = apobj.notify(body=body, title=title, body_format=apprise.NotifyFormat.TEXT)
        except Exception as exc:  # a plugin bug must not take the run down, nor print the URL
            raise DeliveryError(redact(f"{exc.__class__.__name__}: {exc}", [url, *_url_tokens(url)])) from None
        finally:
            logging.getLogger("apprise").removeHandler(handler)
    if not ok:
        detail = "; ".join(dict.fromkeys(errors)) or "the service did not accept the message"
        raise DeliveryError(redact(detail, [url, *_url_tokens(url)]))


def _url_tokens(url: str) -> list[str]:
    """The parts of an Apprise URL that may be secret (host-as-token, path segments, query values)."""
    from urllib.parse import parse_qsl, urlsplit

    try:
        parts = urlsplit(url)
    except ValueError:
        return []
    out = [p for p in parts.path.split("/") if len(p) >= 8]
    out += [v for _, v in parse_qsl(parts.query) if len(v) >= 8]
    if parts.password:
        out.append(parts.password)
    if parts.hostname and "." not in parts.hostname and len(parts.hostname) >= 8:
        out.append(parts.hostname)  # dingtalk://TOKEN, wecombot://KEY
    return out


class _Collect(logging.Handler):
    def __init__(self, into: list[str]):
        super().__init__(logging.WARNING)
        self.into = into

    def emit(self, record: logging.LogRecord) -> None:
        self.into.append(record.getMessage())
