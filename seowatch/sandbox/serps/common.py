"""What the engine renderers share: escaping, the sandbox's links for one engine, shown URLs."""

from __future__ import annotations

import html
from dataclasses import dataclass
from functools import cached_property
from urllib.parse import quote, urlsplit

from seowatch.crawlers.engines import search_url
from seowatch.sandbox import tokens


def esc(text: str | None) -> str:
    """Text or attribute value escaped for HTML (quotes included): scenario text is never markup."""
    return html.escape(text or "", quote=True)


@dataclass(frozen=True)
class Links:
    """Where one engine lives in the sandbox (http://127.0.0.1:PORT/<engine>) and how it links."""

    root: str  # http://127.0.0.1:PORT
    engine: str

    @cached_property
    def base(self) -> str:
        return f"{self.root}/{self.engine}"

    @cached_property
    def prefix(self) -> str:
        return f"/{self.engine}"

    def search(self, keyword: str, page: int = 1) -> str:
        """Root-relative URL of a result page, as the real engines write their pagination links
        (with the sandbox's /<engine> prefix, the engine's root here)."""
        url = search_url(self.engine, keyword, page, base_url=self.base)
        return url[len(self.root):]

    def query_href(self, path: str, **params: str) -> str:
        """Root-relative link to another path of this engine."""
        query = "&".join(f"{k}={quote(v, safe='')}" for k, v in params.items())
        return f"{self.prefix}{path}" + (f"?{query}" if query else "")

    def redirect(self, url: str, path: str = "/link", param: str = "url", *, absolute: bool = True,
                 before: str = "") -> str:
        """The engine's click redirect to `url`: the token (opaque, resolved by the sandbox) in `param`,
        after the engine's other parameters `before`; root-relative when not `absolute`."""
        token = tokens.encode(self.engine, url)
        where = f"{self.base}{path}" if absolute else path
        return f"{where}?{before}{'&' if before else ''}{param}={token}"


def host_of(url: str) -> str:
    try:
        return urlsplit(url).hostname or url
    except ValueError:
        return url


def bare_url(url: str) -> str:
    """The URL without its scheme, as Chinese engines show it (www.x.cn/a/b.html)."""
    for scheme in ("https://", "http://"):
        if url.startswith(scheme):
            return url[len(scheme):]
    return url


def short_url(url: str, limit: int = 30) -> str:
    """The shown form of a URL, cut with '...' like Baidu's and 360's green URLs."""
    text = bare_url(url)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def breadcrumb(url: str) -> str:
    """Google's and Bing's 2022 breadcrumb form: https://www.x.cn › a › b."""
    parts = urlsplit(url)
    crumbs = [p for p in parts.path.split("/") if p]
    head = f"{parts.scheme}://{parts.hostname}"
    return " › ".join([head, *crumbs[:2]]) if crumbs else head

