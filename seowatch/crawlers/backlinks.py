"""Reading a partner page: its encoding, page-level robots signals, and every link with where it sits.

`analyse_page(body, url, headers, targets=...)` is pure: bytes and a URL in, a `PageAnalysis` out.
The page is decoded with `decode_html` (BOM, header, meta, detection; gb2312/gbk as gb18030, big5
as big5hkscs) and parsed with BeautifulSoup on Python's `html.parser`, which repairs nothing: links
inside HTML comments and `<noscript>` stay visible and are flagged, broken markup stays as written.

Conventions (those of the truth files in ../shared/fixtures/pages):
- `href` is the attribute value (entities decoded, first of duplicate attributes, as a browser does);
- `url` is `href` resolved against `<base href>` and the page URL; None for javascript:, mailto: and
  other non-http(s) schemes, and when there is nothing to resolve a relative link against;
- `anchor` is the link's text up to its end or the next `<a>` (an `<a>` start tag ends the open link
  in every browser), with all Unicode whitespace (NBSP, U+3000) folded to one space;
- `hidden` is "comment" (inside `<!-- -->`), "noscript" (inside `<noscript>`), "css" (the link or an
  ancestor has inline `display:none` / `visibility:hidden` or the `hidden` attribute), else None.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup, CData, Comment, NavigableString, Tag

from seowatch.crawlers.decoding import decode_html, header_values
from seowatch.crawlers.parsers.text import clean
from seowatch.crawlers.matching import SiteMatcher, domain_of, url_host

HIDDEN_COMMENT = "comment"
HIDDEN_NOSCRIPT = "noscript"
HIDDEN_CSS = "css"

NOFOLLOW_RELS = ("nofollow", "sponsored", "ugc")

_CSS_HIDDEN = re.compile(r"(?:^|[;\s\"'])(display\s*:\s*none|visibility\s*:\s*hidden)\b", re.IGNORECASE)
_URL_NOISE = re.compile(r"[\t\n\r]")
_HOME_PATH = re.compile(r"/?(?:(?:index|default|home)\.(?:s?html?|php|aspx?|jsp))?", re.IGNORECASE)
_MARKUP_MAX = 300


@dataclass(frozen=True, slots=True)
class Link:
    """One `<a href>` of the page, where it sits and what it says."""

    href: str  # the attribute value as written (entities decoded)
    url: str | None  # resolved; None for javascript:/mailto: or when it cannot be resolved
    anchor: str  # visible text, whitespace folded
    img_alt: str | None  # alt of the first <img> inside the link
    rel: tuple[str, ...]  # lower-case tokens
    hidden: str | None  # None, "comment", "noscript" or "css"
    hidden_by: str | None  # evidence: the hiding element's start tag, or "<!-- -->" / "<noscript>"
    home_page: bool | None  # the page is its site's home page (None: page URL unknown)
    to_target: bool  # points at one of the targets given to analyse_page
    line: int | None  # source line of the <a> (of the comment holding it, for comment links)
    markup: str  # the <a ...> start tag, for evidence

    @property
    def nofollow_tokens(self) -> tuple[str, ...]:
        return tuple(t for t in self.rel if t in NOFOLLOW_RELS)

    def to_dict(self) -> dict[str, Any]:
        return {
            "href": self.href, "url": self.url, "anchor": self.anchor, "img_alt": self.img_alt,
            "rel": list(self.rel), "hidden": self.hidden, "hidden_by": self.hidden_by,
            "home_page": self.home_page, "to_target": self.to_target, "line": self.line,
        }


@dataclass(frozen=True, slots=True)
class MetaTag:
    """A robots meta tag: `<meta name="robots|Baiduspider|googlebot..." content=...>`."""

    name: str  # lower case
    content: str
    markup: str


@dataclass(frozen=True)
class PageAnalysis:
    """Everything a partner check reads from one page."""

    url: str | None  # the page URL links were resolved against (after redirects)
    encoding: str
    encoding_source: str  # bom, header, meta, detected, fallback
    decode_errors: int
    title: str | None
    base: str | None  # <base href>, resolved
    meta_robots: tuple[MetaTag, ...]
    x_robots_tag: tuple[str, ...]  # every X-Robots-Tag header value
    canonical: str | None  # resolved
    canonical_markup: str | None
    outbound_links: int  # live links (not in comments) to other domains
    home_page: bool | None
    links: tuple[Link, ...] = field(default=(), repr=False)  # every link, in document order
    targets: tuple[str, ...] = ()

    @property
    def target_links(self) -> tuple[Link, ...]:
        return tuple(link for link in self.links if link.to_target)

    def meta(self, name: str) -> str | None:
        """The content of the robots meta for `name` (robots, baiduspider, googlebot ...), joined."""
        values = [m.content for m in self.meta_robots if m.name == name]
        return ", ".join(values) if values else None

    def to_dict(self) -> dict[str, Any]:
        """The `seowatch partners inspect --json` shape: links to the targets, or every link."""
        links = self.target_links if self.targets else self.links
        meta: dict[str, str] = {}
        for m in self.meta_robots:
            meta[m.name] = f"{meta[m.name]}, {m.content}" if m.name in meta else m.content
        return {
            "url": self.url, "encoding": self.encoding, "encoding_source": self.encoding_source,
            "decode_errors": self.decode_errors, "title": self.title, "base": self.base,
            "meta_robots": meta, "x_robots_tag": list(self.x_robots_tag), "canonical": self.canonical,
            "outbound_links": self.outbound_links, "home_page": self.home_page,
            "targets": list(self.targets), "links": [link.to_dict() for link in links],
        }


def is_home_page(url: str | None) -> bool | None:
    """The URL is a site's home page: path '/' (or index.html and the like) and no query."""
    if not url:
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    return not parts.query and _HOME_PATH.fullmatch(parts.path) is not None


def resolve(href: str, base: str | None) -> str | None:
    """`href` resolved against `base` (None: only absolute http(s) links resolve); http(s) only."""
    href = _URL_NOISE.sub("", href.strip())
    try:
        scheme = urlsplit(href).scheme.lower()
        if scheme and scheme not in ("http", "https"):
            return None
        if not scheme:
            if base is None:
                return None
            href = urljoin(base, href)
        parts = urlsplit(href)
        if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
            return None
    except ValueError:
        return None
    return href


class _Targets:
    """Whether a URL points at one of the targets (a domain, or the domain of a URL)."""

    def __init__(self, targets: Sequence[str], match: str):
        self._matchers = []
        for t in targets:
            host = url_host(t) if "/" in t else t
            if host:
                self._matchers.append(SiteMatcher(host, match))

    def __call__(self, url: str | None) -> bool:
        if not url or not self._matchers:
            return False
        host = url_host(url)
        return any(m.is_own_host(host) for m in self._matchers)


def _start_tag(tag: Tag) -> str:
    """The element's start tag, rebuilt from its parsed attributes (for evidence)."""
    attrs = "".join(
        f' {k}="{(" ".join(v) if isinstance(v, list) else v).replace(chr(34), "&quot;")}"' for k, v in tag.attrs.items()
    )
    text = f"<{tag.name}{attrs}>"
    return text if len(text) <= _MARKUP_MAX else text[: _MARKUP_MAX - 4] + " …>"


def _own_hiding(tag: Tag) -> tuple[str, str] | None:
    if tag.name == "noscript":
        return HIDDEN_NOSCRIPT, "<noscript>"
    attrs = tag.attrs
    if "hidden" in attrs:
        return HIDDEN_CSS, _start_tag(tag)
    style = attrs.get("style")
    if style and _CSS_HIDDEN.search(style if isinstance(style, str) else " ".join(style)):
        return HIDDEN_CSS, _start_tag(tag)
    return None


class _Hiding:
    """The hiding state of elements, memoized over the tree (a page has thousands of links)."""

    def __init__(self) -> None:
        self._memo: dict[int, tuple[str, str] | None] = {}

    def of(self, tag: Tag | None) -> tuple[str, str] | None:
        chain: list[Tag] = []
        state: tuple[str, str] | None = None
        node = tag
        while node is not None and node.name != "[document]":
            key = id(node)
            if key in self._memo:
                state = self._memo[key]
                break
            chain.append(node)
            node = node.parent
        # Walk back down: the outermost hiding element wins (noscript inside display:none is css).
        for node in reversed(chain):
            if state is None:
                state = _own_hiding(node)
            self._memo[id(node)] = state
        return state


def _anchor_and_alt(a: Tag) -> tuple[str, str | None]:
    """The link's text up to its end or the next <a>, and the alt of its first image."""
    parts: list[str] = []
    alt: str | None = None
    seen_img = False
    stack = list(reversed(a.contents))
    while stack:
        node = stack.pop()
        if isinstance(node, Tag):
            if node.name == "a":
                break
            if node.name in ("script", "style", "template"):
                continue
            if node.name == "img" and not seen_img:
                seen_img = True
                value = node.get("alt")
                alt = value if isinstance(value, str) else None
            stack.extend(reversed(node.contents))
        elif type(node) in (NavigableString, CData):  # not comments, scripts, declarations
            parts.append(str(node))
    return clean("".join(parts)), alt


def _rel(a: Tag) -> tuple[str, ...]:
    value = a.get("rel")
    if value is None:
        return ()
    tokens = value if isinstance(value, list) else str(value).split()
    return tuple(t.lower() for t in tokens if t)


class _Collector:
    """Turns <a> elements into Links against one resolution base."""

    def __init__(self, base: str | None, home: bool | None, is_target: _Targets):
        self.base = base
        self.home = home
        self.is_target = is_target
        self.links: list[Link] = []

    def add(self, a: Tag, hidden: tuple[str, str] | None, line: int | None) -> None:
        href = a.get("href")
        if isinstance(href, list):
            href = " ".join(href)
        href = href or ""
        url = resolve(href, self.base)
        anchor, alt = _anchor_and_alt(a)
        self.links.append(
            Link(
                href=href, url=url, anchor=anchor, img_alt=alt, rel=_rel(a),
                hidden=hidden[0] if hidden else None, hidden_by=hidden[1] if hidden else None,
                home_page=self.home, to_target=self.is_target(url), line=line, markup=_start_tag(a),
            )
        )


def _soup(text: str) -> BeautifulSoup:
    return BeautifulSoup(text, "html.parser", on_duplicate_attribute="ignore")


def _comment_markup(comment: str) -> str:
    text = clean(comment)
    return "<!-- " + (text if len(text) <= 80 else text[:77] + "...") + " -->"


def analyse_page(
    body: bytes,
    url: str | None,
    headers: Mapping[Any, Any] | Iterable[tuple[Any, Any]] | None = None,
    *,
    targets: Sequence[str] = (),
    match: str = "domain",
) -> PageAnalysis:
    """Decode and read one page. `url` is the page's address after redirects (None if unknown);
    `targets` are domains (or URLs, for their host) whose links are flagged `to_target`."""
    decoded = decode_html(body, headers if isinstance(headers, Mapping) else dict(headers or ()))
    soup = _soup(decoded.text)
    try:
        return _analyse(soup, decoded.text, decoded, url, headers, tuple(targets), match)
    finally:
        soup.decompose()  # a big tree is full of cycles: free it now, not at the next GC pass


def _analyse(soup: BeautifulSoup, text: str, decoded, url, headers, targets: tuple[str, ...], match: str) -> PageAnalysis:
    base_tag = soup.find("base", href=True)
    base_href = base_tag.get("href") if base_tag is not None else None
    base = resolve(base_href, url) if isinstance(base_href, str) and base_href.strip() else None
    resolution_base = base or (resolve(url, None) if url else None)
    home = is_home_page(url)
    collector = _Collector(resolution_base, home, _Targets(targets, match))
    hiding = _Hiding()

    title = None
    meta: list[MetaTag] = []
    canonical = canonical_markup = None
    comments = _CommentLines(text)
    for node in soup.descendants:
        if isinstance(node, Tag):
            name = node.name
            if name == "a":
                if node.has_attr("href"):
                    collector.add(node, hiding.of(node), node.sourceline)
            elif name == "meta":
                m = _robots_meta(node)
                if m is not None:
                    meta.append(m)
            elif name == "title" and title is None:
                title = clean(node.get_text())
            elif name == "link" and canonical_markup is None and "canonical" in _rel(node):
                href = node.get("href")
                if isinstance(href, str):
                    canonical = resolve(href, resolution_base)
                    canonical_markup = _start_tag(node)
        elif isinstance(node, Comment) and "<a" in node.lower():
            _comment_links(node, collector, comments.line(node))

    page_domain = domain_of(url or base)
    outbound = sum(
        1 for link in collector.links
        if link.hidden != HIDDEN_COMMENT and link.url and domain_of(link.url) != page_domain
    )
    return PageAnalysis(
        url=url, encoding=decoded.encoding, encoding_source=decoded.source, decode_errors=decoded.errors,
        title=title, base=base, meta_robots=tuple(meta),
        x_robots_tag=tuple(v.strip() for v in header_values(headers, "x-robots-tag") if v.strip()),
        canonical=canonical, canonical_markup=canonical_markup, outbound_links=outbound, home_page=home,
        links=tuple(collector.links), targets=targets,
    )


def _comment_links(comment: Comment, collector: _Collector, line: int | None) -> None:
    """Links written inside an HTML comment: not live, but exactly what a partner may have done."""
    evidence = _comment_markup(comment)
    inner = _soup(str(comment))
    try:
        for a in inner.find_all("a", href=True):
            inner_line = a.sourceline or 1
            collector.add(a, (HIDDEN_COMMENT, evidence), line + inner_line - 1 if line else None)
    finally:
        inner.decompose()


class _CommentLines:
    """Source lines of comments, found in document order in the decoded text."""

    def __init__(self, text: str):
        self.text = text
        self.pos = 0
        self.line_no = 1

    def line(self, comment: str) -> int | None:
        found = self.text.find("<!--" + comment, self.pos)
        if found < 0:
            return None
        self.line_no += self.text.count("\n", self.pos, found)
        self.pos = found
        return self.line_no


def _robots_meta(tag: Tag) -> MetaTag | None:
    name = tag.get("name")
    if not isinstance(name, str):
        return None
    key = name.strip().lower()
    if key != "robots" and not key.endswith(("bot", "spider")):
        return None
    content = tag.get("content")
    return MetaTag(key, clean(content) if isinstance(content, str) else "", _start_tag(tag))
