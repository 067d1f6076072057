"""Shared fixtures: the real captured pages, temporary stores, the sandbox."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
OWN_FIXTURES = Path(__file__).resolve().parent / "fixtures"


def shared_fixtures_dir() -> Path:
    return Path(os.environ.get("SEOWATCH_FIXTURES", REPO.parent / "shared" / "fixtures")).resolve()


def require_shared(sub: str) -> Path:
    """The real-page folder; missing is a failure in CI and a visible skip elsewhere."""
    path = shared_fixtures_dir() / sub
    if not path.is_dir():
        msg = f"real fixtures not found at {path} (set SEOWATCH_FIXTURES)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(msg)
        pytest.skip(msg)
    return path


def shared_files(sub: str, pattern: str) -> list[Path]:
    """Collect shared fixture files at import time for parametrization (empty when absent)."""
    path = shared_fixtures_dir() / sub
    return sorted(path.glob(pattern)) if path.is_dir() else []


@pytest.fixture(scope="session")
def serp_fixtures() -> Path:
    return require_shared("serp")


@pytest.fixture(scope="session")
def page_fixtures() -> Path:
    return require_shared("pages")


def _pg_url() -> str | None:
    return os.environ.get("SEOWATCH_TEST_PG_URL") or None


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    """A fresh, migrated database URL: a SQLite file, and PostgreSQL when SEOWATCH_TEST_PG_URL is set
    (each test gets its own schema, dropped afterwards)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'seowatch.db'}"
        return
    base = _pg_url()
    if not base:
        pytest.skip("PostgreSQL tests need SEOWATCH_TEST_PG_URL (set by .ci/run)")
    import uuid

    from sqlalchemy import create_engine, text

    schema = f"sw_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    sep = "&" if "?" in base else "?"
    try:
        yield f"{base}{sep}options=-csearch_path%3D{schema}"
    finally:
        from seowatch.store.database import dispose_engines

        dispose_engines()
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


@pytest.fixture
def db_engine(db_url):
    from seowatch.store.database import create_db_engine, upgrade

    engine = create_db_engine(db_url)
    upgrade(engine)
    yield engine
    engine.dispose()


# --- Report samples for the renderers (appended by the report-rendering helper) ---------------------

HOSTILE_TITLE = "<script>alert(1)</script>"
HOSTILE_ATTR = '"><img src=x onerror=alert(1)>'


def make_sample_report(*, hostile: bool = False, quiet_keywords: int = 20):
    """A realistic Chinese daily report built in memory (no store): every category, a confirmed drop
    taken by a competitor, watching, gains, a landing-page swap, an unknown check, partners,
    suggestions, a 60-day trend with one blind day. `hostile=True` puts script and attribute
    injections where crawled strings go (titles, URLs, evidence, messages)."""
    import random
    from datetime import date, datetime, timedelta, timezone

    from seowatch.reports import model as m

    rng = random.Random(7)
    run = date(2026, 11, 24)
    days = [run - timedelta(days=i) for i in range(27, -1, -1)]

    def obs(day, pos=None, status=None, url="https://www.example.com/", reason=None):
        status = status or ("ranked" if pos else "not_ranked")
        return m.Observation(day, status, pos if status == "ranked" else None, url if status == "ranked" else None,
                             ((pos - 1) // 10 + 1) if pos else None, 50 if status != "unknown" else 0, reason)

    def steady(center, spread=1):
        return tuple((d, max(1, center + rng.randint(-spread, spread))) for d in days[:-1])

    rows = []
    kid = iter(range(1, 1_000_000))
    yesterday = run - timedelta(days=1)
    # A confirmed drop: 3 -> 12 yesterday -> 13 today; a competitor now at our old position.
    rows.append(m.KeywordRow(
        next(kid), "整合营销", "营销", 2400, "baidu", "desktop", obs(run, 13, url="https://www.example.com/zhenghe"),
        previous=obs(yesterday, 12), baseline=obs(run - timedelta(days=2), 3),
        categories=(m.OUT_OF_TOP3, m.OUT_OF_TOP10, m.OUT_OF_PAGE1, m.DROPPED), drop=m.CONFIRMED, change=-10,
        threshold=3, since=yesterday,
        taken_by=m.SeenResult(3, "javascript:alert(1)" if hostile else "https://www.rival.cn/zhenghe",
                              "rival.cn", HOSTILE_TITLE if hostile else "整合营销方案_全案策划 - 对手网"),
        own_urls=("https://www.example.com/zhenghe",),
        history=tuple((d, 3) for d in days[:-2]) + ((yesterday, 12), (run, 13)),
    ))
    # Watching: lost today (was 8), seen once.
    rows.append(m.KeywordRow(
        next(kid), "网络营销公司", "营销", 1300, "baidu", "desktop", obs(run, None), previous=obs(yesterday, 8),
        baseline=obs(yesterday, 8), categories=(m.LOST, m.OUT_OF_TOP10, m.OUT_OF_PAGE1), drop=m.WATCHING,
        threshold=3, taken_by=m.SeenResult(8, "https://www.zhihu.com/question/1", "zhihu.com",
                                           HOSTILE_ATTR if hostile else "网络营销公司哪家好？ - 知乎"),
        history=steady(8) + ((run, None),),
    ))
    # Improved and new.
    rows.append(m.KeywordRow(
        next(kid), "SEO优化", "SEO", 5400, "baidu", "desktop", obs(run, 6, url="https://www.example.com/seo"),
        previous=obs(yesterday, 15), baseline=obs(yesterday, 15), categories=(m.IMPROVED,), change=9, threshold=3,
        history=steady(16, 2) + ((run, 6),),
    ))
    rows.append(m.KeywordRow(
        next(kid), "短视频营销", None, None, "bing", "desktop", obs(run, 9, url="https://www.example.com/video"),
        previous=obs(yesterday, None), baseline=obs(yesterday, None), categories=(m.NEW,),
        history=tuple((d, None) for d in days[-6:-1]) + ((run, 9),),
    ))
    # A landing-page swap with two of our pages ranking.
    rows.append(m.KeywordRow(
        next(kid), "品牌策划", "品牌", 880, "baidu_mobile", "mobile", obs(run, 5, url="https://m.example.com/brand-new"),
        previous=obs(yesterday, 5, url="https://m.example.com/brand"), baseline=obs(yesterday, 5, url="https://m.example.com/brand"),
        categories=(m.URL_CHANGED, m.CANNIBALIZED), change=0,
        own_urls=("https://m.example.com/brand-new", "https://m.example.com/brand"), history=steady(5) + ((run, 5),),
    ))
    # Unknown today: never compared.
    rows.append(m.KeywordRow(
        next(kid), "内容营销", "营销", 720, "baidu", "desktop", obs(run, status="unknown", reason="captcha"),
        previous=obs(yesterday, 4), categories=(m.UNKNOWN,), history=steady(4),
    ))
    rows.append(m.KeywordRow(
        next(kid), "社交媒体营销", None, 320, "baidu", "desktop", obs(run, 7), previous=obs(yesterday, 16),
        baseline=obs(run - timedelta(days=2), 7), categories=(m.RECOVERED,), change=0,
        history=steady(7)[:-1] + ((yesterday, 16), (run, 7)),
    ))
    quiet = ["搜索引擎优化", "百度推广", "关键词排名", "网站建设", "外链建设", "营销策划", "新媒体运营", "品牌推广",
             "口碑营销", "事件营销", "数字营销", "网络推广公司", "小程序开发", "电商运营", "直播带货", "私域流量",
             "用户增长", "广告投放", "信息流广告", "竞价托管", "舆情监测", "软文发布", "百科创建", "问答推广"]
    for i in range(quiet_keywords):
        text = quiet[i % len(quiet)] + ("" if i < len(quiet) else f" {i}")
        center = rng.choice([2, 4, 6, 11, 18, 27, 40])
        hist = steady(center, 2)
        pos = hist[-1][1]
        engine = ("baidu", "bing", "sogou")[i % 3]
        rows.append(m.KeywordRow(
            next(kid), text, rng.choice(["营销", "SEO", None]), rng.choice([None, 90, 260, 1900]), engine, "desktop",
            obs(run, pos, url=f"https://www.example.com/p/{i}"), previous=obs(yesterday, pos),
            baseline=obs(yesterday, pos), change=0, history=hist + ((run, pos),),
        ))

    def metrics(day, vis, avg, t3, t10, t50, checked, unknown, reasons=None, comp=None):
        tracked = len(rows)
        return m.SiteMetrics(day, tracked, checked, checked - 3, unknown, reasons or {}, tracked - checked - unknown,
                             avg, t3, t10, t50, vis, dict(comp or {}))

    today = metrics(run, 21.37, 14.2, 4, 12, 25, len(rows) - 1, 1, {"captcha": 1},
                    {"rival.cn": 17.9, "competitor.com.cn": 6.4})
    compare = {
        "previous": metrics(yesterday, 22.81, 13.1, 5, 13, 25, len(rows) - 2, 2, {"timeout": 2}),
        "week": metrics(run - timedelta(days=7), 20.02, 15.0, 4, 11, 24, len(rows), 0),
        "month": None,
    }
    trend = []
    vis = 15.0
    for i in range(59, -1, -1):
        d = run - timedelta(days=i)
        if i in (9, 10):  # a weekend without crawls
            continue
        vis = max(0.5, vis + rng.uniform(-0.8, 1.0))
        blind = i == 20  # every check unknown that day
        trend.append(m.TrendPoint(d, None if blind else round(vis, 2), 0 if blind else len(rows), len(rows) if blind else 1))
    trend[-1] = m.TrendPoint(run, today.visibility, today.checked, today.unknown)

    partners = [
        m.PartnerChange("https://www.partner-a.cn/links.html", ("nofollow",), ("ok",), yesterday,
                        evidence=('<a rel="nofollow" href="https://www.example.com/">示例网络</a>',) if not hostile
                        else (HOSTILE_TITLE,), target="https://www.example.com/", consecutive_failures=2),
        m.PartnerChange("https://blog.partner-b.com/friends" if not hostile else "javascript:alert(2)",
                        ("lost",), ("ok",), run, evidence=("链接已从页面移除",)),
    ]
    suggestions = [
        m.Suggestion("title_length", "整合营销", "baidu", "标题过长（38 字），百度只显示前 30 字：把“整合营销”放在标题前部。",
                     {"title_chars": 38, "limit": 30, "title": HOSTILE_TITLE if hostile else "整合营销_全网整合营销推广方案_示例网络科技有限公司"},
                     0.82, url="https://www.example.com/zhenghe"),
        m.Suggestion("competitor_content", "网络营销公司", "baidu", "排名前 3 的页面平均 2,400 字，我们的页面 600 字。",
                     {"our_words": 600, "top3_words": [2600, 2300, 2300]}, 0.64),
        m.Suggestion("internal_links", None, None, "12 个页面没有内链指向 /seo。",
                     {"orphans": 12, "example": "https://www.example.com/" + "zhuanti/" * 12 + "index.html?from=baidu"},
                     0.2, url="https://www.example.com/seo"),
    ]
    if hostile:
        suggestions.append(m.Suggestion("x", HOSTILE_ATTR, "baidu", "</section>" + HOSTILE_TITLE, {HOSTILE_ATTR: HOSTILE_TITLE}, 0.1))
    return m.Report(
        site="示例网络 example.com", run_date=run, generated_at=datetime(2026, 11, 24, 23, 40, tzinfo=timezone.utc),
        rows=rows, metrics=today, compare=compare, trend=trend,
        share_of_voice={"rival.cn": {"ours": 21.37, "theirs": 17.9, "share": 54.4},
                        "competitor.com.cn": {"ours": 21.37, "theirs": 6.4, "share": 77.0}},
        partners=partners, suggestions=suggestions,
    )


@pytest.fixture
def sample_report():
    return make_sample_report()


@pytest.fixture
def hostile_report():
    return make_sample_report(hostile=True)


# --- Landing-page audit pages (appended by the keywords/audit helper) -----------------------------

AUDIT_PAGES = OWN_FIXTURES / "audit"
AUDIT_OURS = "http://www.ours-test.cn/zhenghe/"
AUDIT_RIVAL = "http://www.rival-test.cn/zhenghe.html"  # GBK bytes declared gb2312, JSON-LD-free, microdata
AUDIT_BIG5 = "http://www.tw-test.com.tw/post/1.html"  # Big5, traditional Chinese, no H1; 404 on day 2
AUDIT_MOVED = "http://www.old-rival.cn/"  # 301 to AUDIT_THIN
AUDIT_THIN = "http://www.rival-test.cn/new.html"
AUDIT_FIFTH = "http://www.rival-test.cn/fifth.html"  # rank 5: never audited (top 3 competitors only)
AUDIT_NOWHERE = "http://www.nowhere-test.cn/x.html"  # not a host of the scenario: unreachable


def audit_sites(day: int) -> dict:
    """The "sites" of a scenario day for the audit tests: ours changes on day 2 (title, canonical,
    X-Robots-Tag noindex), the Big5 competitor answers 404 on day 2."""

    def page(name: str, encoding: str = "utf-8", **extra) -> dict:
        return {"body": (AUDIT_PAGES / name).read_text("utf-8"), "encoding": encoding, **extra}

    ours = page("ours-day1.html") if day == 1 else page("ours-day2.html", headers={"X-Robots-Tag": "noindex"})
    big5 = page("tw-big5.html", "big5") if day == 1 else {"status": 404, "body": "<html><title>404</title></html>"}
    return {
        "www.ours-test.cn": {"/zhenghe/": ours},
        "www.rival-test.cn": {
            "/zhenghe.html": page("rival-gbk.html", "gbk"),
            "/new.html": page("thin.html"),
            "/fifth.html": page("thin.html"),
        },
        "www.tw-test.com.tw": {"/post/1.html": big5},
        "www.old-rival.cn": {"/": {"status": 301, "headers": {"Location": AUDIT_THIN}, "body": ""}},
    }


def audit_scenario_data() -> dict:
    """A two-day scenario: Baidu results for 整合营销 (ours at 3 on day 1, 4 on day 2) and the sites above."""

    def serps(our_rank: int) -> dict:
        return {"baidu": {"整合营销": {"total": 20, "results": [
            {"url": AUDIT_RIVAL, "position": 1, "title": "整合营销公司哪家好_对手营销"},
            {"url": AUDIT_BIG5, "position": 2, "title": "整合營銷是什麼？"},
            {"url": AUDIT_OURS, "position": our_rank, "title": "整合营销服务_测试营销"},
            {"url": AUDIT_MOVED, "position": 5 if our_rank == 4 else 4, "title": "整合营销_旧站"},
            {"url": AUDIT_FIFTH, "position": 6 if our_rank == 4 else 5, "title": "整合营销第五"},
        ], "related": ["整合营销方案", "整合营销公司排名", "整合营销传播"]}}}

    return {"days": {"1": {"serps": serps(3), "sites": audit_sites(1)},
                     "2": {"serps": serps(4), "sites": audit_sites(2)}}}


@pytest.fixture
def audit_scenario() -> dict:
    return audit_scenario_data()


# --- The jieba tokenizer (appended by the keywords/audit helper) ---------------------------------

TOKENIZER_USER_WORDS = ("整合营销", "百度推广代运营", "营销demo")


@pytest.fixture(scope="session")
def jieba_cache_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("jieba")


@pytest.fixture
def tokenizer(jieba_cache_dir):
    """The process's tokenizer with the tests' user words (re-applied if a test configured others)."""
    from seowatch.keywords.tokenize import TokenizerOptions, get_tokenizer

    return get_tokenizer(TokenizerOptions(str(jieba_cache_dir), user_words=TOKENIZER_USER_WORDS))


# --- Alerts: a real SMTP server and a webhook receiver on loopback (appended by the alerts helper) ---

SMTP_USER = "seo-robot@example.com"
SMTP_PASSWORD = "s3cret-Pa55-w0rd"


class SmtpRecorder:
    """An aiosmtpd handler keeping every message it accepted (envelope and raw bytes)."""

    def __init__(self):
        self.messages: list[dict] = []
        self.logins: list[str] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append({"from": envelope.mail_from, "to": list(envelope.rcpt_tos), "data": envelope.content})
        return "250 Message accepted for delivery"

    def parsed(self, i: int = -1):
        import email
        from email import policy

        return email.message_from_bytes(self.messages[i]["data"], policy=policy.default)


def _smtp_authenticator(recorder: SmtpRecorder):
    from aiosmtpd.smtp import AuthResult, LoginPassword

    def check(server, session, envelope, mechanism, auth_data):
        if not isinstance(auth_data, LoginPassword):
            return AuthResult(success=False, handled=False)
        ok = auth_data.login.decode() == SMTP_USER and auth_data.password.decode() == SMTP_PASSWORD
        if ok:
            recorder.logins.append(auth_data.login.decode())
        return AuthResult(success=ok, handled=False)  # handled=False: aiosmtpd answers 235 or 535 itself

    return check


@pytest.fixture(scope="session")
def tls_files(tmp_path_factory):
    """A self-signed certificate for 127.0.0.1: (cert path, key path)."""
    import datetime as dt
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
        .sign(key, hashes.SHA256())
    )
    folder = tmp_path_factory.mktemp("tls")
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


@pytest.fixture
def smtp_server():
    """Start real aiosmtpd servers on 127.0.0.1 (port 0 unless given); each needs AUTH with
    SMTP_USER / SMTP_PASSWORD. `start(security="none"|"starttls"|"ssl", tls=(cert, key), port=0)`
    returns (controller, recorder, port); every server is stopped at the end of the test."""
    import ssl

    from seowatch.sandbox.smtp import PortZeroController

    started = []

    def start(security: str = "none", tls=None, port: int = 0, recorder: SmtpRecorder | None = None):
        recorder = recorder or SmtpRecorder()
        kwargs = {"authenticator": _smtp_authenticator(recorder)}
        if security == "none":
            kwargs["auth_require_tls"] = False
        else:
            ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            ctx.load_cert_chain(*tls)
            if security == "starttls":
                kwargs.update(tls_context=ctx, require_starttls=True)
            else:  # implicit TLS: aiosmtpd cannot tell the socket is wrapped (aio-libs/aiosmtpd#281)
                kwargs.update(ssl_context=ctx, auth_require_tls=False)
        controller = PortZeroController(recorder, hostname="127.0.0.1", port=port, **kwargs)
        controller.start()
        started.append(controller)
        return controller, recorder, controller.port

    yield start
    for c in started:
        try:
            c.stop()
        except AssertionError:  # already stopped by the test
            pass


class WebhookReceiver:
    """A loopback HTTP server recording every request; `status` is what it answers."""

    def __init__(self):
        import http.server
        import threading

        self.requests: list[dict] = []
        self.status = 200
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                receiver.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
                self.send_response(receiver.status)
                self.send_header("Content-Type", "application/json")
                payload = b'{"errcode":0,"errmsg":"ok"}' if receiver.status == 200 else b'{"errcode":1}'
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def webhook(monkeypatch):
    """A webhook receiver on 127.0.0.1 (port 0); proxies from the environment are ignored for it."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    receiver = WebhookReceiver()
    yield receiver
    receiver.close()
