"""The sandbox HTTP server: stand-in engines under /<engine>/, their redirect endpoints, injected
faults, control endpoints, and virtual hosts when used as an HTTP proxy.

Routes (http://127.0.0.1:PORT):
  /<engine><search path>?...   a result page, exactly the URL `engines.search_url` builds with
                               base_url = http://127.0.0.1:PORT/<engine> (DuckDuckGo also by POST)
  /<engine>/link?...           the engine's click redirect (see `redirects`); /link at the root
                               answers Sogou's root-relative links
  /_sandbox/day[?set=N]        the day served (JSON); set=N switches it
  /_sandbox/requests           JSON log of the requests seen: path, engine, keyword, page, fault ...
  /_sandbox/reset              clears the log and the transient-fault counters (the day is kept)
  /                            JSON: the engines' base URLs and the day

Proxy mode: a request line in absolute form (GET http://www.partner-a.cn/links.html HTTP/1.1) for a host
of the current day's "sites" gets that page (404 for a path not listed, /robots.txt included); for
the sandbox's own host:port it is routed as above; for any other host the connection is closed
without a response, so the client sees the host as unreachable. CONNECT (HTTPS tunnels) likewise.
"""

from __future__ import annotations

import json
import socket
import threading
from collections import deque
from collections.abc import Callable, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from seowatch.crawlers.engines import ENGINE_SPECS, EngineSpec
from seowatch.sandbox import redirects, serps
from seowatch.sandbox.faults import ERROR_PAGES, GARBAGE_PAGE, HTTP_STATUS, FaultBook, truncate
from seowatch.sandbox.plan import page_plan
from seowatch.sandbox.scenario import Day, Scenario, load_scenario, normalize_host

LOG_LIMIT = 100_000
OWN_HOSTS = ("127.0.0.1", "localhost", "::1")


class SandboxServer:
    """Stand-in search engines and sites on one local port, served from a daemon thread.

        with SandboxServer(scenario) as sandbox:        # port 0: any free port
            url = search_url("baidu", "整合营销", base_url=sandbox.base_url("baidu"))
    """

    def __init__(
        self,
        scenario: Scenario | Mapping[str, Any] | str | Path,
        host: str = "127.0.0.1",
        port: int = 0,
        day: int = 1,
        timeout_hold: float = 5.0,
        on_request: Callable[[dict[str, Any]], None] | None = None,
    ):
        self.scenario = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
        self.timeout_hold = float(timeout_hold)
        self.on_request = on_request
        self.faults = FaultBook()
        self._day = _valid_day(day)
        self._log: deque[dict[str, Any]] = deque(maxlen=LOG_LIMIT)
        self._log_lock = threading.Lock()
        self._seq = 0
        self._stopping = threading.Event()
        self._connections: set[socket.socket] = set()
        self._conn_lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._httpd = _HTTPServer((host, port), _Handler)
        self._httpd.sandbox = self
        self.host = host
        self.port = self._httpd.server_address[1]

    # lifecycle

    def start(self) -> SandboxServer:
        if self._thread is None:
            self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.1},
                                            name=f"sandbox:{self.port}", daemon=True)
            self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Serve in the calling thread until `stop()` (from another thread) or Ctrl-C."""
        try:
            self._httpd.serve_forever(poll_interval=0.2)
        finally:
            self._close()

    def stop(self) -> None:
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self._close()

    def _close(self) -> None:
        self._stopping.set()  # wakes requests held by a timeout fault
        with self._conn_lock:
            for conn in list(self._connections):
                try:
                    conn.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
        self._httpd.server_close()

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # where things are

    @property
    def url(self) -> str:
        host = "127.0.0.1" if self.host in ("", "0.0.0.0") else self.host
        host = f"[{host}]" if ":" in host else host
        return f"http://{host}:{self.port}"

    def base_url(self, engine: str) -> str:
        """What to put in seowatch.toml as [engines.<engine>] base_url."""
        if engine not in ENGINE_SPECS:
            raise KeyError(f"unknown engine {engine!r} (known: {', '.join(ENGINE_SPECS)})")
        return f"{self.url}/{engine}"

    def is_own(self, host: str | None, port: int | None) -> bool:
        return port == self.port and (host or "").lower().strip("[]") in (*OWN_HOSTS, self.host)

    # the day served

    @property
    def day(self) -> int:
        return self._day

    @day.setter
    def day(self, value: int) -> None:
        self._day = _valid_day(value)

    def current(self) -> Day:
        return self.scenario.day(self._day)

    # request log

    def record(self, **entry: Any) -> dict[str, Any]:
        with self._log_lock:
            self._seq += 1
            entry = {"seq": self._seq, "day": self._day, **entry}
            self._log.append(entry)
        if self.on_request is not None:
            self.on_request(entry)
        return entry

    def requests(self) -> list[dict[str, Any]]:
        """The requests seen so far (oldest first): path, engine, keyword, page, fault, status ..."""
        with self._log_lock:
            return [dict(e) for e in self._log]

    def reset(self) -> None:
        """Forget the request log and the transient-fault counters."""
        with self._log_lock:
            self._log.clear()
        self.faults.reset()

    def _track(self, conn: socket.socket, alive: bool) -> None:
        with self._conn_lock:
            (self._connections.add if alive else self._connections.discard)(conn)


def _valid_day(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"day must be a whole number >= 1, got {value!r}")
    return value


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128
    sandbox: SandboxServer


class _Closed(Exception):
    """Raised to end a request without writing anything (the client sees a dropped connection)."""


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "SeowatchSandbox/1.0"
    sys_version = ""
    timeout = 60  # an idle keep-alive connection is dropped after this
    disable_nagle_algorithm = True  # headers and body go out as two writes: no 40 ms delayed-ACK stall
    server: _HTTPServer

    # plumbing

    def setup(self) -> None:
        super().setup()
        self.server.sandbox._track(self.connection, True)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.sandbox._track(self.connection, False)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        pass  # the request log (and the CLI's on_request) replace stderr lines

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        self._dispatch(head=False)

    def do_HEAD(self) -> None:  # noqa: N802
        self._dispatch(head=True)

    def do_POST(self) -> None:  # noqa: N802
        self._dispatch(head=False)

    def do_CONNECT(self) -> None:  # noqa: N802
        self.server.sandbox.record(method="CONNECT", path=self.path, kind="refused", status=None)
        self.close_connection = True

    def _dispatch(self, head: bool) -> None:
        self._head = head
        length = self.headers.get("Content-Length") or "0"
        # Read any request body now, so a keep-alive connection stays in step whatever the route.
        self._body = self.rfile.read(int(length)) if length.isdigit() and int(length) > 0 else b""
        try:
            self._route()
        except _Closed:
            self.close_connection = True
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def _send(self, status: int, headers: tuple[tuple[str, str], ...] | list[tuple[str, str]], body: bytes,
              *, length: int | None = None) -> None:
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body) if length is None else length))
        self.end_headers()
        if not self._head and body:
            self.wfile.write(body)

    def _json(self, obj: Any, status: int = 200) -> None:
        body = json.dumps(obj, ensure_ascii=False, indent=1).encode("utf-8")
        self._send(status, (("Content-Type", "application/json; charset=utf-8"), ("Cache-Control", "no-store")), body)

    def _text(self, status: int, message: str) -> None:
        body = f"<html><body><h1>{status}</h1><p>{_esc(message)}</p></body></html>".encode("utf-8")
        self._send(status, (("Content-Type", "text/html; charset=utf-8"),), body)

    def _params(self) -> dict[str, list[str]]:
        query = urlsplit(self._target).query
        params = parse_qs(query, keep_blank_values=True)
        if self.command == "POST" and self._body:
            for key, values in parse_qs(self._body.decode("utf-8", "replace"), keep_blank_values=True).items():
                params.setdefault(key, []).extend(values)
        return params

    # routing

    def _route(self) -> None:
        sandbox = self.server.sandbox
        target = self.path
        if target.startswith(("http://", "https://")):  # proxy (absolute) form
            parts = urlsplit(target)
            try:
                port = parts.port or (443 if parts.scheme == "https" else 80)
            except ValueError:
                port = None
            path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
            if not sandbox.is_own(parts.hostname, port):
                return self._site(parts.netloc, path)
            target = path
        else:
            host_header = (self.headers.get("Host") or "").strip()
            if host_header:
                hostname, _, port_text = host_header.rpartition(":") if ":" in host_header else (host_header, "", "")
                own = sandbox.is_own(hostname, int(port_text) if port_text.isdigit() else 80)
                if not own and sandbox.current().site(host_header) is not None:
                    return self._site(host_header, target)
        self._target = target
        path = urlsplit(target).path or "/"
        if path.startswith("/_sandbox/"):
            return self._control(path)
        if path == "/":
            return self._json({"engines": {e: sandbox.base_url(e) for e in ENGINE_SPECS}, "day": sandbox.day})
        if path == redirects.ROOT_LINK:
            return self._redirect(None, path)
        engine, _, rest = path[1:].partition("/")
        spec = ENGINE_SPECS.get(engine)
        if spec is None:
            return self._not_found(path)
        rest = "/" + rest
        if _same_path(rest, spec.path):
            return self._serp(spec)
        if redirects.is_redirect_path(engine, rest):
            return self._redirect(engine, rest)
        return self._not_found(path)

    def _not_found(self, path: str) -> None:
        self.server.sandbox.record(method=self.command, path=self._target, kind="unknown", status=404)
        self._text(404, f"nothing at {path}")

    def _control(self, path: str) -> None:
        sandbox = self.server.sandbox
        params = parse_qs(urlsplit(self._target).query)
        if path == "/_sandbox/day":
            if "set" in params:
                value = params["set"][0]
                if not value.isdigit() or int(value) < 1:
                    return self._json({"error": f"set must be a day number >= 1, got {value!r}"}, 400)
                sandbox.day = int(value)
            return self._json({"day": sandbox.day, "listed_day": sandbox.current().number or None})
        if path == "/_sandbox/requests":
            return self._json(sandbox.requests())
        if path == "/_sandbox/reset":
            sandbox.reset()
            return self._json({"reset": True, "day": sandbox.day})
        return self._json({"error": f"unknown control endpoint {path}"}, 404)

    def _redirect(self, engine: str | None, path: str) -> None:
        answer = redirects.resolve(engine, path, self._params())
        self.server.sandbox.record(method=self.command, path=self._target, kind="redirect", engine=engine,
                                   target=answer.target, status=answer.status)
        self._send(answer.status, answer.headers, answer.body)

    def _site(self, netloc: str, path: str) -> None:
        sandbox = self.server.sandbox
        pages = sandbox.current().site(netloc)
        if pages is None:
            host = normalize_host(netloc)
            if ":" in host and not host.startswith("["):
                pages = sandbox.current().site(host.rsplit(":", 1)[0])
        if pages is None:
            sandbox.record(method=self.command, path=path, host=netloc, kind="refused", status=None)
            raise _Closed
        page = pages.get(path) or pages.get(urlsplit(path).path)
        if page is None:
            sandbox.record(method=self.command, path=path, host=netloc, kind="site", status=404)
            return self._text(404, f"{netloc}{path} is not on this site")
        sandbox.record(method=self.command, path=path, host=netloc, kind="site", status=page.status)
        self._send(page.status, page.headers, page.body)

    # result pages

    def _serp(self, spec: EngineSpec) -> None:
        sandbox = self.server.sandbox
        params = self._params()
        keyword = (params.get(spec.query_param) or [""])[0]
        if not keyword.strip():
            sandbox.record(method=self.command, path=self._target, kind="serp", engine=spec.name, status=400)
            return self._text(400, f"missing query parameter {spec.query_param!r}")
        page = _page_number(spec, (params.get(spec.page_param) or [None])[0] if spec.page_param else None)
        day = sandbox.current()
        plan = day.keyword(spec.name, keyword) or sandbox.scenario.filler()
        fault = sandbox.faults.pick(day.number, spec.name, keyword, page, plan.faults)
        kind = fault.type if fault else None
        root = sandbox.url

        def body() -> bytes:
            return serps.page_bytes(page_plan(plan, spec.name, keyword, page), root)

        ctype = serps.content_type(spec.name, plan.encoding)
        headers = [("Content-Type", ctype), ("Cache-Control", "private")]
        status = HTTP_STATUS.get(kind or "", 200)
        sandbox.record(method=self.command, path=self._target, kind="serp", engine=spec.name, keyword=keyword,
                       page=page, fault=kind, status=status, listed=plan.listed)
        if kind is None:
            return self._send(200, headers, body())
        if kind == "captcha":
            headers[0] = ("Content-Type", serps.content_type(spec.name))
            return self._send(200, headers, serps.captcha_bytes(spec.name, keyword, root))
        if kind in HTTP_STATUS:
            extra = [("Retry-After", "1")] if status in (429, 503) else []
            return self._send(status, [("Content-Type", "text/html"), *extra], ERROR_PAGES[status])
        if kind == "timeout":
            if sandbox._stopping.wait(sandbox.timeout_hold):
                raise _Closed
            return self._send(200, headers, body())
        if kind == "truncated":
            return self._send(200, headers, truncate(body()))
        if kind == "dataloss":
            full = body()
            self._send(200, headers, full[: len(full) // 2], length=len(full))
            self.wfile.flush()
            raise _Closed
        if kind == "garbage":
            return self._send(200, [("Content-Type", "text/html; charset=utf-8")], GARBAGE_PAGE)
        if kind == "empty":
            return self._send(200, headers, b"")
        if kind == "no_results":
            return self._send(200, headers, serps.no_results_bytes(spec.name, keyword, root, plan.encoding))
        raise AssertionError(f"unhandled fault type {kind!r}")  # scenario validation prevents this


def _same_path(a: str, b: str) -> bool:
    return a.rstrip("/") == b.rstrip("/")


def _page_number(spec: EngineSpec, value: str | None) -> int:
    """Invert the engine's page parameter (pn=10 -> 2, first=11 -> 2, ...); anything odd -> page 1."""
    if value is None or not value.strip().lstrip("-").isdigit():
        return 1
    wanted = int(value)
    best = 1
    for page in range(1, 1001):
        v = spec.page_value(page)
        if v is None:
            continue
        if v == wanted:
            return page
        if v < wanted:
            best = page
        else:
            break
    return best


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def serve(
    scenario: Scenario | Mapping[str, Any] | str | Path,
    port: int = 0,
    day: int = 1,
    *,
    host: str = "127.0.0.1",
    timeout_hold: float = 5.0,
    ready: Callable[[SandboxServer], None] | None = None,
    on_request: Callable[[dict[str, Any]], None] | None = None,
) -> None:
    """Run a sandbox in the calling thread until Ctrl-C; `ready` is called once it listens."""
    sandbox = SandboxServer(scenario, host=host, port=port, day=day, timeout_hold=timeout_hold,
                            on_request=on_request)
    if ready is not None:
        ready(sandbox)
    try:
        sandbox.serve_forever()
    except KeyboardInterrupt:
        pass
