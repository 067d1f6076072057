"""The sandbox server over real loopback HTTP: faults, redirects, proxy mode, days, control endpoints."""

from __future__ import annotations

import http.client
import json
import socket
import threading
import time
import urllib.error
import urllib.request
from urllib.parse import urlencode, urljoin

import pytest

from seowatch.crawlers.engines import search_url
from seowatch.crawlers.parsers import parse_serp
from seowatch.crawlers.parsers.model import PARSE_ERROR_LAYOUT
from seowatch.sandbox import tokens
from seowatch.sandbox.plan import page_plan
from seowatch.sandbox.serps import page_bytes
from seowatch.sandbox.server import SandboxServer

TIMEOUT = 5  # client timeout for ordinary requests
HOLD = 1.5  # the server's hold for the timeout fault; the client gives up after 1 s
OURS = "http://www.yingxiao-demo.cn/"


def kw(fault: str, **extra) -> dict:
    return {"results": [OURS], "total": 20, "faults": [{"type": fault, **extra}]}


SCENARIO = {
    "days": {
        "1": {
            "serps": {
                "baidu": {
                    "ok": {"results": [OURS, "https://www.rival-yingxiao.cn/a?x=1&y=2"], "carry_target": False},
                    **{f: kw(f) for f in ("captcha", "http_403", "http_429", "http_503", "timeout", "truncated",
                                          "dataloss", "garbage", "empty", "no_results")},
                    "once": kw("http_503", times=1),
                    "page2": kw("captcha", page=2),
                    "sequence": {"results": [OURS], "faults": [{"type": "http_503", "times": 1},
                                                               {"type": "captcha", "times": 1}]},
                },
                "so360": {"ok": {"results": ["http://www.yingxiao-demo.cn/360"], "carry_target": False}},
                "sogou": {"ok": {"results": ["http://www.yingxiao-demo.cn/sg?a=1&b=2"], "carry_target": False}},
                "serpapi": {"garbage": kw("garbage"), "captcha": kw("captcha")},
                "google": {"captcha": kw("captcha")},
                "yandex": {"captcha": kw("captcha")},
            },
            "sites": {
                "www.partner-a.cn": {
                    "/links.html": {"body": "<html><body><a href='http://www.yingxiao-demo.cn/'>整合营销</a></body></html>",
                                    "encoding": "gbk", "headers": {"X-Partner": "a"}},
                    "/robots.txt": "User-agent: *\nDisallow: /private/\n",
                },
                "www.partner-b.com": {"/gone.html": {"status": 410, "body": "<html>gone</html>"}},
            },
        },
        "3": {
            "serps": {"baidu": {"ok": {"results": [{"url": "http://www.yingxiao-demo.cn/day3", "title": "第三天"}]}}},
            "sites": {},
        },
    }
}


@pytest.fixture(scope="module")
def server():
    with SandboxServer(SCENARIO, timeout_hold=HOLD) as sandbox:
        yield sandbox


@pytest.fixture(autouse=True)
def fresh(server):
    server.reset()
    server.day = 1
    yield


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def fetch(url: str, timeout: float = TIMEOUT, data: bytes | None = None):
    """(status, headers, body) without following redirects; HTTP errors are answers too."""
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(urllib.request.Request(url, data=data), timeout=timeout) as resp:
            return resp.status, resp.headers, resp.read()
    except urllib.error.HTTPError as err:
        return err.code, err.headers, err.read()


def serp_url(server, engine: str, keyword: str, page: int = 1) -> str:
    return search_url(engine, keyword, page, base_url=server.base_url(engine))


def parse(server, engine: str, keyword: str, page: int = 1):
    url = serp_url(server, engine, keyword, page)
    status, _, body = fetch(url)
    return status, parse_serp(engine, body, url)


# --- result pages and faults ---------------------------------------------------------------------


def test_result_page_is_served_at_the_engine_url(server):
    status, page = parse(server, "baidu", "ok")
    assert status == 200 and page.ok
    assert page.organic[0].link.startswith(server.base_url("baidu") + "/link?url=")
    log = server.requests()
    assert log[-1] | {"seq": 0} == {"seq": 0, "day": 1, "method": "GET", "path": log[-1]["path"], "kind": "serp",
                                    "engine": "baidu", "keyword": "ok", "page": 1, "fault": None, "status": 200,
                                    "listed": True}


def test_captcha_fault_serves_the_engines_block_page(server):
    for engine in ("baidu", "google", "yandex"):
        status, page = parse(server, engine, "captcha")
        assert status == 200 and page.blocked, engine


@pytest.mark.parametrize("fault, status", [("http_403", 403), ("http_429", 429), ("http_503", 503)])
def test_http_error_faults(server, fault, status):
    got, headers, _ = fetch(serp_url(server, "baidu", fault))
    assert got == status
    if status != 403:
        assert headers["Retry-After"] == "1"
    assert server.requests()[-1]["fault"] == fault


def test_timeout_fault_holds_past_the_client_timeout(server):
    with pytest.raises((TimeoutError, socket.timeout, urllib.error.URLError)):
        urllib.request.urlopen(serp_url(server, "baidu", "timeout"), timeout=1)
    assert server.requests()[-1]["fault"] == "timeout"


def test_timeout_fault_answers_a_patient_client(server):
    status, _, body = fetch(serp_url(server, "baidu", "timeout"), timeout=HOLD + 5)
    assert status == 200 and b"</html>" in body


def test_truncated_fault_cuts_the_document_with_a_correct_length(server):
    status, headers, body = fetch(serp_url(server, "baidu", "truncated"))
    plan = page_plan(server.current().keyword("baidu", "truncated"), "baidu", "truncated", 1)
    whole = page_bytes(plan, server.url)
    assert status == 200
    assert int(headers["Content-Length"]) == len(body) == len(whole) // 2
    assert whole.startswith(body) and whole.rstrip().endswith(b"</html>") and b"</html>" not in body


def test_dataloss_fault_closes_before_the_announced_length(server):
    with pytest.raises(http.client.IncompleteRead):
        with urllib.request.urlopen(serp_url(server, "baidu", "dataloss"), timeout=TIMEOUT) as resp:
            resp.read()


def test_garbage_fault_is_a_parse_error(server):
    for engine in ("baidu", "serpapi"):
        status, page = parse(server, engine, "garbage")
        assert status == 200 and page.parse_error and not page.blocked, engine
    assert parse(server, "baidu", "garbage")[1].parse_error == PARSE_ERROR_LAYOUT


def test_empty_fault_is_an_empty_200(server):
    status, headers, body = fetch(serp_url(server, "baidu", "empty"))
    assert (status, body, headers["Content-Length"]) == (200, b"", "0")
    assert parse_serp("baidu", body, serp_url(server, "baidu", "empty")).parse_error == PARSE_ERROR_LAYOUT


def test_no_results_fault_is_the_engines_explicit_page(server):
    status, page = parse(server, "baidu", "no_results")
    assert status == 200 and page.no_results and page.ok


def test_transient_fault_fails_then_serves(server):
    assert fetch(serp_url(server, "baidu", "once"))[0] == 503
    assert parse(server, "baidu", "once")[1].ok
    assert [e["fault"] for e in server.requests()] == ["http_503", None]


def test_faults_apply_in_order_and_reset_restores_them(server):
    url = serp_url(server, "baidu", "sequence")
    assert fetch(url)[0] == 503
    assert parse(server, "baidu", "sequence")[1].blocked
    assert parse(server, "baidu", "sequence")[1].ok
    server.reset()
    assert server.requests() == []
    assert fetch(url)[0] == 503


def test_a_fault_can_hit_one_page_only(server):
    assert parse(server, "baidu", "page2", 1)[1].ok
    assert parse(server, "baidu", "page2", 2)[1].blocked
    assert [e["page"] for e in server.requests()] == [1, 2]


def test_missing_query_is_a_400(server):
    status, _, _ = fetch(f"{server.base_url('baidu')}/s?ie=utf-8")
    assert status == 400


def test_duckduckgo_next_page_by_post(server):
    data = urlencode({"q": "任意关键词", "s": "30", "dc": "31"}).encode()
    status, _, body = fetch(f"{server.base_url('duckduckgo')}/html/", data=data)
    assert status == 200
    assert server.requests()[-1]["page"] == 2
    assert len(parse_serp("duckduckgo", body, f"{server.base_url('duckduckgo')}/html/").organic) == 20  # 50 - 30


def test_unlisted_keyword_gets_filler(server):
    status, page = parse(server, "bing", "从未列出的关键词")
    assert status == 200 and len(page.organic) == 10
    assert server.requests()[-1]["listed"] is False


# --- redirect endpoints --------------------------------------------------------------------------


def test_baidu_link_answers_302_to_the_real_url(server):
    _, page = parse(server, "baidu", "ok")
    status, headers, _ = fetch(page.organic[1].link)
    assert status == 302 and headers["Location"] == "https://www.rival-yingxiao.cn/a?x=1&y=2"
    assert server.requests()[-1]["kind"] == "redirect"


def test_so360_link_answers_302(server):
    url = serp_url(server, "so360", "ok")
    _, page = parse(server, "so360", "ok")
    status, headers, _ = fetch(urljoin(url, page.organic[0].link))
    assert status == 302 and headers["Location"] == "http://www.yingxiao-demo.cn/360"
    token = tokens.encode("so360", "http://www.yingxiao-demo.cn/x")
    assert fetch(f"{server.base_url('so360')}/link?m={token}")[1]["Location"] == "http://www.yingxiao-demo.cn/x"


def test_sogou_link_answers_a_page_that_replaces_itself(server):
    url = serp_url(server, "sogou", "ok")
    _, page = parse(server, "sogou", "ok")
    assert page.organic[0].link.startswith("/link?url=")  # root-relative, as on the real page
    for link in (urljoin(url, page.organic[0].link), server.base_url("sogou") + page.organic[0].link):
        status, headers, body = fetch(link)
        assert status == 200 and "Location" not in headers
        assert b'window.location.replace("http://www.yingxiao-demo.cn/sg?a=1&b=2")' in body
        assert b"URL='http://www.yingxiao-demo.cn/sg?a=1&b=2'" in body


def test_bing_click_link_answers_302(server):
    _, page = parse(server, "bing", "从未列出的关键词")
    ck = next(r for r in page.organic if "/ck/a?" in r.link)
    status, headers, _ = fetch(ck.link)
    assert status == 302 and headers["Location"] == ck.url


def test_baidu_mobile_click_link_answers_302(server):
    server_url = serp_url(server, "baidu_mobile", "随便")
    _, _, body = fetch(server_url)
    page = parse_serp("baidu_mobile", body, server_url)
    status, headers, _ = fetch(urljoin(server_url, page.organic[0].link))
    assert status == 302 and headers["Location"] == page.organic[0].url


def test_foreign_or_broken_tokens_are_refused(server):
    sogou_token = tokens.encode("sogou", OURS)
    assert fetch(f"{server.base_url('baidu')}/link?url={sogou_token}")[0] == 404
    assert fetch(f"{server.base_url('baidu')}/link?url=not-a-token")[0] == 404
    assert fetch(f"{server.url}/link?url={tokens.encode('baidu', OURS)}")[0] == 302  # the root form reads the owner


def test_location_header_is_ascii_for_chinese_urls(server):
    token = tokens.encode("baidu", "http://www.yingxiao-demo.cn/案例/整合营销.html")
    status, headers, _ = fetch(f"{server.base_url('baidu')}/link?url={token}")
    assert status == 302
    assert headers["Location"] == "http://www.yingxiao-demo.cn/%E6%A1%88%E4%BE%8B/%E6%95%B4%E5%90%88%E8%90%A5%E9%94%80.html"


# --- proxy mode ----------------------------------------------------------------------------------


def proxy_opener(server):
    return urllib.request.build_opener(urllib.request.ProxyHandler({"http": server.url}), NoRedirect)


def test_proxy_serves_a_virtual_host_in_its_encoding(server):
    with proxy_opener(server).open("http://www.partner-a.cn/links.html", timeout=TIMEOUT) as resp:
        body = resp.read()
        assert resp.status == 200 and resp.headers["X-Partner"] == "a"
        assert resp.headers["Content-Type"] == "text/html; charset=gbk"
    assert "整合营销".encode("gbk") in body
    assert server.requests()[-1] | {"seq": 0} == {"seq": 0, "day": 1, "method": "GET", "path": "/links.html",
                                                 "host": "www.partner-a.cn", "kind": "site", "status": 200}


def test_proxy_robots_txt_when_listed_else_404(server):
    with proxy_opener(server).open("http://www.partner-a.cn/robots.txt", timeout=TIMEOUT) as resp:
        assert resp.read() == b"User-agent: *\nDisallow: /private/\n"
        assert resp.headers["Content-Type"].startswith("text/plain")
    with pytest.raises(urllib.error.HTTPError) as err:
        proxy_opener(server).open("http://www.partner-b.com/robots.txt", timeout=TIMEOUT)
    assert err.value.code == 404


def test_proxy_serves_the_listed_status(server):
    with pytest.raises(urllib.error.HTTPError) as err:
        proxy_opener(server).open("http://www.partner-b.com/gone.html", timeout=TIMEOUT)
    assert err.value.code == 410


def test_proxy_drops_unknown_hosts_without_a_response(server):
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=TIMEOUT)
    conn.request("GET", "http://www.partner-gone.cn/links.html")
    with pytest.raises((http.client.RemoteDisconnected, ConnectionResetError)):
        conn.getresponse()
    conn.close()
    assert server.requests()[-1]["kind"] == "refused"


def test_absolute_form_for_the_sandbox_itself_is_routed_normally(server):
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=TIMEOUT)
    conn.request("GET", f"{server.url}/_sandbox/day")
    resp = conn.getresponse()
    assert resp.status == 200 and json.loads(resp.read())["day"] == 1
    conn.close()


def test_sites_follow_the_day(server):
    server.day = 3  # day 3 lists no sites
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=TIMEOUT)
    conn.request("GET", "http://www.partner-a.cn/links.html")
    with pytest.raises((http.client.RemoteDisconnected, ConnectionResetError)):
        conn.getresponse()
    conn.close()


# --- days and control endpoints ------------------------------------------------------------------


def test_days_switch_and_carry_forward(server):
    assert parse(server, "baidu", "ok")[1].organic[0].title != "第三天"
    server.day = 2  # not listed: day 1 carries forward
    assert len(parse(server, "baidu", "ok")[1].organic) == 10
    assert server.requests()[-1]["listed"] is True
    server.day = 7  # after day 3: day 3 carries forward
    assert parse(server, "baidu", "ok")[1].organic[0].title == "第三天"
    assert server.requests()[-1]["day"] == 7


def test_day_control_endpoint(server):
    status, _, body = fetch(f"{server.url}/_sandbox/day?set=3")
    assert status == 200 and json.loads(body) == {"day": 3, "listed_day": 3}
    assert server.day == 3
    assert json.loads(fetch(f"{server.url}/_sandbox/day?set=5")[2]) == {"day": 5, "listed_day": 3}
    assert fetch(f"{server.url}/_sandbox/day?set=0")[0] == 400
    assert fetch(f"{server.url}/_sandbox/day?set=two")[0] == 400
    assert server.day == 5
    with pytest.raises(ValueError):
        server.day = 0


def test_requests_and_reset_endpoints(server):
    parse(server, "baidu", "once")
    log = json.loads(fetch(f"{server.url}/_sandbox/requests")[2])
    assert [(e["engine"], e["keyword"], e["page"], e["fault"]) for e in log] == [("baidu", "once", 1, "http_503")]
    assert json.loads(fetch(f"{server.url}/_sandbox/reset")[2]) == {"reset": True, "day": 1}
    assert server.requests() == []
    assert fetch(serp_url(server, "baidu", "once"))[0] == 503  # the transient fault counts again


def test_index_lists_the_engines(server):
    index = json.loads(fetch(f"{server.url}/")[2])
    assert index["engines"]["baidu"] == server.base_url("baidu")
    assert len(index["engines"]) == 9
    with pytest.raises(KeyError):
        server.base_url("altavista")


def test_unknown_paths_are_404(server):
    assert fetch(f"{server.url}/altavista/search?q=x")[0] == 404
    assert fetch(f"{server.base_url('baidu')}/nothing")[0] == 404


# --- lifecycle -----------------------------------------------------------------------------------


def test_day_before_the_first_listed_day_serves_filler():
    with SandboxServer({"days": {"2": {"serps": {"baidu": {"x": {"results": [OURS]}}}}}}) as sandbox:
        url = search_url("baidu", "x", base_url=sandbox.base_url("baidu"))
        page = parse_serp("baidu", fetch(url)[2], url)
        assert page.ok and OURS not in [r.url for r in page.organic]
        sandbox.day = 2
        page = parse_serp("baidu", fetch(url)[2], url)
        assert page.organic[0].url == OURS


def test_stop_releases_a_held_request():
    held = threading.Event()

    def on_request(entry):
        if entry.get("fault") == "timeout":
            held.set()

    sandbox = SandboxServer({"days": {"1": {"serps": {"baidu": {"t": kw("timeout")}}}}}, timeout_hold=60,
                            on_request=on_request).start()
    outcome = {}

    def client():
        try:
            urllib.request.urlopen(search_url("baidu", "t", base_url=sandbox.base_url("baidu")), timeout=60).read()
            outcome["result"] = "answered"
        except Exception as exc:  # noqa: BLE001 - any failure is the expected outcome
            outcome["result"] = type(exc).__name__

    thread = threading.Thread(target=client)
    thread.start()
    assert held.wait(10)
    started = time.monotonic()
    sandbox.stop()
    thread.join(10)
    assert not thread.is_alive()
    assert outcome["result"] != "answered"
    assert time.monotonic() - started < 10
