"""Pure per-engine SERP parsers: bytes, the requested URL and the response headers in, a SerpPage out."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any

from seowatch.crawlers.decoding import parse_html
from seowatch.crawlers.parsers.model import (
    PARSE_ERROR_LAYOUT,
    Ads,
    OrganicResult,
    SerpPage,
    SpecialBlock,
)

Parser = Callable[[bytes, str, Mapping[Any, Any] | None], SerpPage]

# engine name (as used in seowatch.toml) -> module implementing `parse(body, url, headers)`
ENGINE_MODULES: dict[str, str] = {
    "baidu": "baidu",
    "baidu_mobile": "baidu_mobile",
    "bing": "bing",
    "google": "google",
    "sogou": "sogou",
    "so360": "so360",
    "duckduckgo": "duckduckgo",
    "yandex": "yandex",
    "serpapi": "serpapi",
}

ENGINES: tuple[str, ...] = tuple(ENGINE_MODULES)


def get_parser(engine: str) -> Parser:
    """The parse function of one engine; KeyError names the known engines."""
    try:
        module = ENGINE_MODULES[engine]
    except KeyError:
        raise KeyError(f"unknown engine {engine!r} (known: {', '.join(ENGINES)})") from None
    return importlib.import_module(f"{__name__}.{module}").parse


def parse_serp(engine: str, body: bytes, url: str, headers: Mapping[Any, Any] | None = None) -> SerpPage:
    """Parse one page with the engine's parser. Never raises on page content.

    An engine parser that crashes on unexpected markup is a bug, but a crawl must not die
    of it: the page is reported as a parse error and the check becomes unknown.
    """
    parser = get_parser(engine)
    try:
        page = parser(body, url, headers)
    except Exception as exc:  # noqa: BLE001 - the safety net described above
        return SerpPage(engine=engine, url=url, parse_error=f"parser failed: {type(exc).__name__}: {exc}")
    return finish(page)


def begin(engine: str, body: bytes, url: str, headers: Mapping[Any, Any] | None) -> tuple[SerpPage, Any]:
    """The start every HTML parser shares: an empty SerpPage for `url`, and the page's lxml tree
    (None when the bytes hold no document), decoded as `decoding.parse_html` decides."""
    page = SerpPage(engine=engine, url=url)
    root, decoded, encoding = parse_html(body or b"", headers)
    page.encoding = encoding
    if decoded is not None:
        page.decode_errors = decoded.errors
    return page, root


def finish(page: SerpPage) -> SerpPage:
    """Apply the rule every engine shares: no organic results, no block, no 'no results' notice
    means the layout was not recognised."""
    if page.blocked is None and page.parse_error is None and not page.no_results and not page.organic:
        page.parse_error = PARSE_ERROR_LAYOUT
    return page


__all__ = [
    "ENGINES",
    "Ads",
    "OrganicResult",
    "SerpPage",
    "SpecialBlock",
    "begin",
    "finish",
    "get_parser",
    "parse_serp",
]
