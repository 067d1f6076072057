"""The engines' click redirects: where an opaque sandbox link sends a client, answered the engine's way.

Baidu (/link?url=, also m.baidu's /from=.../tc? links) and 360 (/link?m=) answer 302 with the real URL
in Location; Sogou's /link?url= answers 200 with a page that replaces itself (window.location.replace
and a meta refresh), as the real one does; Bing's /ck/a carries the target base64url-encoded after
'a1' and answers 302. Ad links (baidu.php, eclk, aclk, bill_cpc, y.js, aclick) answer 302 too.
A token written for another engine is refused (404), as a crawler resolving against the wrong
engine would be by the real one.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import quote, unquote, urlsplit, urlunsplit

from seowatch.sandbox import tokens

# (engine, path) -> the query parameter that holds the token
TOKEN_PARAMS: dict[tuple[str, str], str] = {
    ("baidu", "/link"): "url",
    ("baidu", "/baidu.php"): "url",
    ("baidu_mobile", "/link"): "url",
    ("baidu_mobile", "/baidu.php"): "url",
    ("sogou", "/link"): "url",
    ("sogou", "/bill_cpc"): "url",
    ("so360", "/link"): "m",
    ("so360", "/eclk"): "p",
    ("google", "/aclk"): "ai",
    ("serpapi", "/aclk"): "ai",
    ("duckduckgo", "/y.js"): "u3",
}
MOBILE_TC_PREFIX = "/from="  # m.baidu.com/from=844b/.../tc?...&sec=TOKEN
ROOT_LINK = "/link"  # Sogou's links are root-relative (/link?url=): the engine is read from the token


@dataclass(frozen=True, slots=True)
class Answer:
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes
    target: str | None = None


NOT_FOUND = Answer(404, (("Content-Type", "text/html; charset=utf-8"),),
                   b"<html><body><h1>404 Not Found</h1><p>Unknown or foreign redirect token.</p></body></html>")


def is_redirect_path(engine: str | None, path: str) -> bool:
    if engine is None:
        return path == ROOT_LINK
    if (engine, path) in TOKEN_PARAMS:
        return True
    if engine == "baidu_mobile" and path.startswith(MOBILE_TC_PREFIX):
        return True
    return engine == "bing" and path in ("/ck/a", "/aclick")


def resolve(engine: str | None, path: str, params: Mapping[str, Sequence[str]]) -> Answer:
    """The answer to one redirect request (`engine` None: the root /link endpoint)."""
    if engine == "bing":
        return _bing(path, params)
    if engine is None:
        token = _first(params, "url") or _first(params, "m")
    elif engine == "baidu_mobile" and path.startswith(MOBILE_TC_PREFIX):
        token = _first(params, "sec")
    else:
        token = _first(params, TOKEN_PARAMS[(engine, path)])
    decoded = tokens.decode(token)
    if decoded is None:
        return NOT_FOUND
    owner, url = decoded
    if engine is not None and owner != engine:
        return NOT_FOUND
    if owner == "sogou" and path in ("/link", ROOT_LINK):
        return _sogou_page(url)
    return found(url)


def found(url: str) -> Answer:
    return Answer(302, (("Location", ascii_url(url)), ("Content-Type", "text/html; charset=utf-8")), b"", url)


def _sogou_page(url: str) -> Answer:
    from seowatch.sandbox.serps.sogou import redirect_page

    return Answer(200, (("Content-Type", "text/html; charset=utf-8"),), redirect_page(url).encode("utf-8"), url)


def _bing(path: str, params: Mapping[str, Sequence[str]]) -> Answer:
    u = _first(params, "u") or ""
    try:
        if path == "/ck/a" and u.startswith("a1"):
            data = u[2:]
            url = base64.urlsafe_b64decode(data + "=" * (-len(data) % 4)).decode("utf-8")
        elif path == "/aclick" and u:
            url = unquote(base64.urlsafe_b64decode(u + "=" * (-len(u) % 4)).decode("utf-8"))
        else:
            return NOT_FOUND
    except (ValueError, UnicodeDecodeError):
        return NOT_FOUND
    return found(url) if url.startswith(("http://", "https://")) else NOT_FOUND


def _first(params: Mapping[str, Sequence[str]], name: str) -> str | None:
    values = params.get(name)
    return values[0] if values else None


def ascii_url(url: str) -> str:
    """A URL fit for a Location header: IDN host as punycode, other non-ASCII percent-encoded."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        netloc = parts.netloc
        if host and not host.isascii():
            netloc = netloc.replace(host, host.encode("idna").decode("ascii"))
        return urlunsplit((
            parts.scheme, netloc,
            quote(parts.path, safe="/%:@!$&'()*+,;="),
            quote(parts.query, safe="=&%/:?@!$'()*+,;"),
            quote(parts.fragment, safe="%/:?@!$&'()*+,;="),
        ))
    except (ValueError, UnicodeError):
        return quote(url, safe=":/?#[]@!$&'()*+,;=%")
