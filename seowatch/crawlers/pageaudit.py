"""The landing-page audit of one fetched page: bytes, URL and headers in, findings out.

What an SEO specialist checks first on a page that ranks (or should): status and final URL, title,
meta description, H1/H2, canonical, meta robots (robots, Baiduspider, Googlebot) and X-Robots-Tag,
how much text there is (in characters: Chinese has no spaces), internal and outbound links, images
without alt text, structured data types and response time. Pages are decoded as the partner checks
decode them (`decode_html`: header, meta, detection; gb2312/gbk as gb18030, big5 as big5hkscs).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

import lxml.etree
import lxml.html

from seowatch.crawlers.decoding import decode_html, header_values
from seowatch.crawlers.parsers.text import clean
from seowatch.crawlers.matching import canonical_url, domain_of
from seowatch.keywords.coverage import Coverage, PageText
from seowatch.keywords.normalize import chinese_char_count

# Thresholds of the findings, in display width (a Chinese character is 2, as engines truncate them).
TITLE_MAX_WIDTH = 60  # Baidu shows about 30 Chinese characters of a title
DESCRIPTION_MAX_WIDTH = 160  # about 80 Chinese characters of a description
THIN_CONTENT_CHARS = 300  # body text (whitespace excluded) below this is thin
SLOW_MS = 3000
ROBOTS_METAS = ("robots", "baiduspider", "googlebot")

_SKIP_TEXT = {"script", "style", "noscript", "template", "svg", "iframe", "object", "select", "textarea", "head"}
_BLOCK = {
    "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "figcaption", "figure", "footer",
    "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section",
    "table", "td", "th", "tr", "ul", "option", "title", "caption",
}
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
_NOT_PAGE_LINK = ("javascript:", "mailto:", "tel:", "data:", "#", "sms:", "weixin:")
_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\U00020000-\U0002fa1f]")


def display_width(text: str | None) -> int:
    """Width as a result page shows it: Chinese (and full-width) characters count 2, others 1."""
    if not text:
        return 0
    return len(text) + len(_CJK.findall(text))


@dataclass(frozen=True)
class PageAudit:
    """What one page showed on one fetch. `status` is None when it could not be fetched (`error` says why)."""

    url: str  # as requested
    final_url: str  # after redirects
    status: int | None
    error: str | None = None  # unreachable: timeout, dns_error, connection_refused ...
    redirects: tuple[str, ...] = ()  # URLs passed through before final_url
    response_ms: int | None = None
    content_type: str | None = None
    encoding: str | None = None
    decode_errors: int = 0
    title: str | None = None
    description: str | None = None
    h1: tuple[str, ...] = ()
    h2: tuple[str, ...] = ()
    canonical: str | None = None  # absolute
    robots_metas: tuple[tuple[str, str], ...] = ()  # (robots / baiduspider / googlebot, content)
    x_robots_tag: tuple[str, ...] = ()  # every X-Robots-Tag header value
    body_chars: int = 0  # characters of visible body text, whitespace excluded
    chinese_chars: int = 0
    internal_links: int = 0
    outbound_links: int = 0
    images: int = 0
    images_without_alt: int = 0  # no alt attribute, or an empty one
    structured_data: tuple[str, ...] = ()  # schema types: JSON-LD @type, microdata itemtype, RDFa typeof
    text: PageText = field(default_factory=PageText)

    @property
    def reachable(self) -> bool:
        return self.status is not None

    @property
    def is_html(self) -> bool:
        """Whether the body is a web page (a PDF or an image that ranks is not audited for tags)."""
        ct = (self.content_type or "").lower()
        return not ct or any(t in ct for t in ("html", "xml", "text/plain"))

    @property
    def noindex(self) -> bool:
        return self.noindex_evidence is not None

    @property
    def noindex_evidence(self) -> str | None:
        """The tag or header that keeps the page out of the index, as found."""
        for name, content in self.robots_metas:
            if _directive(content, ("noindex", "none")):
                return f'<meta name="{name}" content="{content}">'
        for value in self.x_robots_tag:
            if _x_robots_noindex(value):
                return f"X-Robots-Tag: {value}"
        return None

    @property
    def canonical_elsewhere(self) -> bool:
        """The canonical names another page than the one served (http/https, www and a trailing slash aside)."""
        return bool(self.canonical) and canonical_url(self.canonical) != canonical_url(self.final_url)

    @property
    def redirected(self) -> bool:
        return canonical_url(self.final_url) != canonical_url(self.url)


def _directive(content: str, names: tuple[str, ...]) -> bool:
    tokens = {t.strip().lower() for t in re.split(r"[,\s]+", content or "") if t.strip()}
    return any(n in tokens for n in names)


def _x_robots_noindex(value: str) -> bool:
    """One X-Robots-Tag header value: directives, each optionally scoped to a bot ('googlebot: noindex,
    nofollow' scopes both). noindex or none for every bot, for Baiduspider or for Googlebot counts."""
    bot = None
    for part in value.split(","):
        part = part.strip()
        head, sep, rest = part.partition(":")
        if sep and head.strip() and " " not in head.strip() and head.strip().lower() != "unavailable_after":
            bot, part = head.strip().lower(), rest.strip()
        if part.lower() in ("noindex", "none") and bot in (None, "baiduspider", "googlebot"):
            return True
    return False


def unreachable(url: str, error: str, response_ms: int | None = None) -> PageAudit:
    """The audit of a page that could not be fetched at all."""
    return PageAudit(url=url, final_url=url, status=None, error=error, response_ms=response_ms)


def _hidden(el: Any) -> bool:
    return el.get("hidden") is not None or bool(_HIDDEN_STYLE.search(el.get("style") or ""))


def visible_text(root: Any) -> str:
    """The body's visible text: scripts, styles, comments and inline-hidden elements left out, a line
    break between blocks, whitespace within a line folded."""
    body = root.find(".//body")
    start = body if body is not None else root
    parts: list[str] = []
    skipping: Any = None
    for event, el in lxml.etree.iterwalk(start, events=("start", "end")):
        tag = el.tag if isinstance(el.tag, str) else None
        if event == "start":
            if skipping is not None:
                continue
            if tag is None or tag.lower() in _SKIP_TEXT or _hidden(el):
                skipping = el
                continue
            if tag.lower() in _BLOCK:
                parts.append("\n")
            if el.text:
                parts.append(el.text)
        else:
            if skipping is el:
                skipping = None
            elif skipping is not None:
                continue
            elif tag is not None and tag.lower() in _BLOCK:
                parts.append("\n")
            if el is not start and el.tail:
                parts.append(el.tail)
    lines = (clean(line) for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)


def _structured_types(root: Any) -> tuple[str, ...]:
    types: list[str] = []

    def add(value: Any) -> None:
        for v in value if isinstance(value, list) else [value]:
            if isinstance(v, str) and v.strip():
                name = v.strip().rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1].split(":")[-1]
                if name and name not in types:
                    types.append(name)

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if "@type" in node:
                add(node["@type"])
            for v in node.values():
                if isinstance(v, (dict, list)):
                    walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    for script in root.iter("script"):
        if (script.get("type") or "").strip().lower() == "application/ld+json" and script.text:
            try:
                walk(json.loads(script.text, strict=False))
            except ValueError:
                add("invalid JSON-LD")
    for el in root.xpath("//*[@itemtype]"):
        for t in (el.get("itemtype") or "").split():
            add(t)
    for el in root.xpath("//*[@typeof]"):
        for t in (el.get("typeof") or "").split():
            add(t)
    return tuple(types)


def _parse(text: str) -> Any:
    text = _XML_DECL.sub("", text, count=1)
    if not text.strip():
        return None
    try:
        return lxml.html.document_fromstring(text)
    except (lxml.etree.ParserError, ValueError):
        return None


def audit_page(
    body: bytes,
    url: str,
    headers: Mapping[Any, Any] | None = None,
    *,
    status: int = 200,
    final_url: str | None = None,
    redirects: tuple[str, ...] = (),
    response_ms: int | None = None,
) -> PageAudit:
    """Audit one fetched page. `url` is what was asked for, `final_url` where redirects ended."""
    final = final_url or url
    x_robots = tuple(v.strip() for v in header_values(headers, "x-robots-tag") if v.strip())
    content_type = next(iter(header_values(headers, "content-type")), None)
    base = dict(url=url, final_url=final, status=status, redirects=tuple(redirects), response_ms=response_ms,
                content_type=content_type, x_robots_tag=x_robots)
    if not PageAudit(**base).is_html or not body:
        return PageAudit(**base)
    decoded = decode_html(body, headers)
    base.update(encoding=decoded.encoding, decode_errors=decoded.errors)
    root = _parse(decoded.text)
    if root is None:
        return PageAudit(**base)

    base_el = root.find(".//base[@href]")
    link_base = urljoin(final, base_el.get("href").strip()) if base_el is not None else final
    title_el = root.find(".//title")
    title = clean(title_el.text_content()) if title_el is not None else None
    description = None
    metas: list[tuple[str, str]] = []
    for meta in root.iter("meta"):
        name = (meta.get("name") or "").strip().lower()
        if name == "description" and description is None:
            description = clean(meta.get("content"))
        elif name in ROBOTS_METAS:
            metas.append((name, clean(meta.get("content"))))
    canonical = None
    for link in root.iter("link"):
        if "canonical" in (link.get("rel") or "").lower().split() and (link.get("href") or "").strip():
            canonical = urljoin(link_base, link.get("href").strip())
            break
    h1 = tuple(t for t in (clean(h.text_content()) for h in root.iter("h1")) if t)
    h2 = tuple(t for t in (clean(h.text_content()) for h in root.iter("h2")) if t)

    own = domain_of(final)
    internal = outbound = 0
    for a in root.iter("a"):
        href = (a.get("href") or "").strip()
        if not href or href.lower().startswith(_NOT_PAGE_LINK):
            continue
        try:
            target = urljoin(link_base, href)
            scheme = urlsplit(target).scheme.lower()
        except ValueError:
            continue
        if scheme not in ("http", "https"):
            continue
        if domain_of(target) == own:
            internal += 1
        else:
            outbound += 1
    images = list(root.iter("img"))
    no_alt = sum(1 for img in images if not (img.get("alt") or "").strip())

    text = visible_text(root)
    return PageAudit(
        **base,
        title=title,
        description=description,
        h1=h1,
        h2=h2,
        canonical=canonical,
        robots_metas=tuple(metas),
        body_chars=sum(len(w) for w in text.split()),
        chinese_chars=chinese_char_count(text),
        internal_links=internal,
        outbound_links=outbound,
        images=len(images),
        images_without_alt=no_alt,
        structured_data=_structured_types(root),
        text=PageText(title=title or "", h1=h1, description=description or "", body=text),
    )


@dataclass(frozen=True)
class Finding:
    """One problem found on a page, with the evidence a user can check."""

    code: str
    message: str


def findings(audit: PageAudit, cov: Coverage | None = None) -> list[Finding]:
    """The problems on an audited page (and with its coverage of the keyword, when given)."""
    out: list[Finding] = []
    if not audit.reachable:
        return [Finding("unreachable", f"could not be fetched: {audit.error}")]
    if audit.status >= 400:
        out.append(Finding("http_error", f"HTTP {audit.status}"))
    if audit.redirected:
        out.append(Finding("redirected", f"redirects to {audit.final_url}"))
    if audit.status >= 400:
        return out  # the tags of an error page say nothing about the page that should be there
    if audit.noindex:
        out.append(Finding("noindex", f"noindex: {audit.noindex_evidence}"))
    if audit.canonical_elsewhere:
        out.append(Finding("canonical_elsewhere", f"canonical points elsewhere: {audit.canonical}"))
    if not audit.is_html:
        out.append(Finding("not_html", f"not a web page ({audit.content_type}): tags not audited"))
        return out
    if not audit.title:
        out.append(Finding("title_missing", "no <title>"))
    elif display_width(audit.title) > TITLE_MAX_WIDTH:
        out.append(Finding("title_too_long", f"title is {len(audit.title)} characters (width "
                           f"{display_width(audit.title)} > {TITLE_MAX_WIDTH}): engines will cut it"))
    if not audit.description:
        out.append(Finding("description_missing", "no meta description"))
    elif display_width(audit.description) > DESCRIPTION_MAX_WIDTH:
        out.append(Finding("description_too_long", f"meta description is {len(audit.description)} characters "
                           f"(width {display_width(audit.description)} > {DESCRIPTION_MAX_WIDTH})"))
    if not audit.h1:
        out.append(Finding("h1_missing", "no H1"))
    elif len(audit.h1) > 1:
        out.append(Finding("h1_multiple", f"{len(audit.h1)} H1 headings"))
    if audit.body_chars < THIN_CONTENT_CHARS:
        out.append(Finding("thin_content", f"only {audit.body_chars} characters of text "
                           f"({audit.chinese_chars} Chinese; under {THIN_CONTENT_CHARS})"))
    if audit.images_without_alt:
        out.append(Finding("images_without_alt", f"{audit.images_without_alt} of {audit.images} images have no alt text"))
    if audit.response_ms is not None and audit.response_ms > SLOW_MS:
        out.append(Finding("slow", f"answered in {audit.response_ms} ms"))
    if audit.decode_errors:
        out.append(Finding("encoding", f"{audit.decode_errors} characters could not be decoded ({audit.encoding})"))
    if cov is not None and cov.tokens:
        title = cov.fields.get("title")
        if title is not None and not title.phrase:
            missing = f" (missing: {', '.join(title.missing)})" if title.missing else ""
            out.append(Finding("keyword_not_in_title", f"the title does not contain {cov.keyword!r}{missing}"))
        h1 = cov.fields.get("h1")
        if audit.h1 and h1 is not None and not h1.found:
            out.append(Finding("keyword_not_in_h1", f"no word of {cov.keyword!r} in the H1"))
    return out
