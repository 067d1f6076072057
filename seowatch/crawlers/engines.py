"""How to ask each engine for page N of a keyword, and which of its links are redirects to resolve."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit


@dataclass(frozen=True)
class EngineSpec:
    """One engine's search URL shape."""

    name: str
    base_url: str  # scheme and host (a sandbox or mirror may add a path prefix)
    path: str
    query_param: str
    page_param: str | None
    page_value: Callable[[int], int | None]  # 1-based page number -> parameter value (None: omit)
    per_page: int = 10
    device: str | None = None  # fixed device (baidu_mobile is always mobile)
    fixed_params: Mapping[str, str] = field(default_factory=dict)
    # Path fragments of the engine's own redirect links, resolved with a non-following request.
    redirect_paths: tuple[str, ...] = ()


ENGINE_SPECS: dict[str, EngineSpec] = {
    "baidu": EngineSpec(
        "baidu", "https://www.baidu.com", "/s", "wd", "pn", lambda p: (p - 1) * 10 or None,
        fixed_params={"ie": "utf-8"}, redirect_paths=("/link",),
    ),
    "baidu_mobile": EngineSpec(
        "baidu_mobile", "https://m.baidu.com", "/s", "word", "pn", lambda p: (p - 1) * 10 or None,
        device="mobile", redirect_paths=("/link", "/from="),
    ),
    "bing": EngineSpec("bing", "https://www.bing.com", "/search", "q", "first", lambda p: (p - 1) * 10 + 1 if p > 1 else None),
    "google": EngineSpec("google", "https://www.google.com", "/search", "q", "start", lambda p: (p - 1) * 10 or None),
    "sogou": EngineSpec(
        "sogou", "https://www.sogou.com", "/web", "query", "page", lambda p: p if p > 1 else None,
        redirect_paths=("/link",),
    ),
    "so360": EngineSpec(
        "so360", "https://www.so.com", "/s", "q", "pn", lambda p: p if p > 1 else None,
        redirect_paths=("/link",),
    ),
    "duckduckgo": EngineSpec(
        "duckduckgo", "https://html.duckduckgo.com", "/html/", "q", "s", lambda p: (p - 1) * 30 or None, per_page=30,
    ),
    "yandex": EngineSpec("yandex", "https://yandex.ru", "/search/", "text", "p", lambda p: p - 1 or None),
    "serpapi": EngineSpec(
        "serpapi", "https://serpapi.com", "/search.json", "q", "start", lambda p: (p - 1) * 10 or None,
        fixed_params={"engine": "google", "num": "10"},
    ),
}


def spec(engine: str) -> EngineSpec:
    try:
        return ENGINE_SPECS[engine]
    except KeyError:
        raise KeyError(f"unknown engine {engine!r} (known: {', '.join(ENGINE_SPECS)})") from None


def pages_for_depth(engine: str, depth: int) -> int:
    """How many result pages cover `depth` results."""
    return max(1, math.ceil(depth / spec(engine).per_page))


def device_for(engine: str, device: str) -> str:
    return spec(engine).device or device


def search_url(
    engine: str,
    keyword: str,
    page: int = 1,
    *,
    base_url: str | None = None,
    params: Mapping[str, str] | None = None,
    device: str = "desktop",
    api_key: str | None = None,
) -> str:
    """The URL of result page `page` (1-based) for `keyword`."""
    s = spec(engine)
    query: dict[str, str] = {s.query_param: keyword}
    query.update(s.fixed_params)
    if params:
        query.update(params)
    if s.page_param:
        value = s.page_value(page)
        if value is not None:
            query[s.page_param] = str(value)
    if engine == "serpapi":
        if device == "mobile":
            query.setdefault("device", "mobile")
        if api_key:
            query["api_key"] = api_key
    base = (base_url or s.base_url).rstrip("/")
    return f"{base}{s.path}?{urlencode(query)}"


def is_redirect_link(engine: str, link: str | None, base_url: str | None = None) -> bool:
    """True when `link` is the engine's own redirect (baidu.com/link?url=, sogou /link?url=, so.com/link?m=)."""
    if not link:
        return False
    s = spec(engine)
    if not s.redirect_paths:
        return False
    try:
        parts = urlsplit(link)
    except ValueError:
        return False
    path = parts.path
    if base_url:
        prefix = urlsplit(base_url).path.rstrip("/")
        if prefix and path.startswith(prefix):
            path = path[len(prefix):]
    host = (parts.hostname or "").lower()
    own_hosts = {urlsplit(s.base_url).hostname, urlsplit(base_url).hostname if base_url else None}
    engine_host = not host or host in own_hosts or host.endswith(_registrable_suffix(s.base_url))
    return engine_host and any(path.startswith(p) for p in s.redirect_paths)


def _registrable_suffix(base_url: str) -> str:
    host = urlsplit(base_url).hostname or ""
    parts = host.split(".")
    return "." + ".".join(parts[-2:]) if len(parts) >= 2 else host
