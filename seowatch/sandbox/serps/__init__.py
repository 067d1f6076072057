"""One renderer module per engine, each writing that engine's real markup for the sandbox.

Every module has `render(plan, links) -> str` (a page with results), `no_results(keyword, links,
encoding) -> str` (the engine's explicit "nothing found" page) and `captcha(keyword, links) -> str`
(its block page), and may set CONTENT_TYPE (default: HTML). `page_bytes` is the one entry point the
server uses; it caches, since the benchmark asks for the same pages over and over.
"""

from __future__ import annotations

import importlib
from functools import lru_cache
from types import ModuleType

from seowatch.sandbox.plan import PagePlan
from seowatch.sandbox.serps.common import Links

RENDERER_MODULES = {
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


@lru_cache(maxsize=None)
def renderer(engine: str) -> ModuleType:
    try:
        name = RENDERER_MODULES[engine]
    except KeyError:
        raise KeyError(f"no sandbox renderer for engine {engine!r} (known: {', '.join(RENDERER_MODULES)})") from None
    return importlib.import_module(f"{__name__}.{name}")


def content_type(engine: str, encoding: str = "utf-8") -> str:
    base = getattr(renderer(engine), "CONTENT_TYPE", "text/html")
    return f"{base}; charset={encoding}"


@lru_cache(maxsize=1024)  # ~15 KB a page
def page_bytes(plan: PagePlan, root: str) -> bytes:
    """The encoded page for a plan: results, or the engine's no-results page when there are none.
    Characters the page's encoding lacks become character references, as browsers send them."""
    module = renderer(plan.engine)
    links = Links(root, plan.engine)
    text = module.render(plan, links) if not plan.empty else module.no_results(plan.keyword, links, plan.encoding)
    return text.encode(plan.encoding, errors="xmlcharrefreplace")


@lru_cache(maxsize=1024)
def captcha_bytes(engine: str, keyword: str, root: str) -> bytes:
    return renderer(engine).captcha(keyword, Links(root, engine)).encode("utf-8", errors="xmlcharrefreplace")


@lru_cache(maxsize=1024)
def no_results_bytes(engine: str, keyword: str, root: str, encoding: str = "utf-8") -> bytes:
    text = renderer(engine).no_results(keyword, Links(root, engine), encoding)
    return text.encode(encoding, errors="xmlcharrefreplace")
