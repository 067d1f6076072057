"""Small text and URL helpers shared by the engine parsers."""

from __future__ import annotations

from urllib.parse import parse_qs, urljoin, urlsplit

from lxml import etree

_VISIBLE_TEXT = etree.XPath(".//text()[not(ancestor::script) and not(ancestor::style)]")


def clean(text: str | None) -> str:
    """Collapse every run of Unicode whitespace (NBSP and U+3000 included) to one space, and trim."""
    if not text:
        return ""
    return " ".join(text.split())  # str.split() folds every Unicode space, like \s+, three times faster


def raw_text(el) -> str:
    """All the text inside an element, as it is (lxml.html's text_content(), for plain etree elements);
    serialising as text is the fastest way lxml offers."""
    if el is None:
        return ""
    if not len(el):  # text only: no serialisation needed
        return el.text or ""
    return etree.tostring(el, method="text", encoding=str, with_tail=False)


def element_text(el) -> str:
    """An element's text, whitespace folded."""
    return clean(raw_text(el))


def text_of(el) -> str:
    """Visible text of an lxml element, whitespace folded (script and style bodies excluded)."""
    if el is None:
        return ""
    return clean("".join(_VISIBLE_TEXT(el)))


def first(seq):
    """The first item of a sequence, or None."""
    return seq[0] if seq else None


def query_param(url: str | None, name: str) -> str | None:
    """The first value of one query-string parameter, or None."""
    if not url:
        return None
    try:
        values = parse_qs(urlsplit(url).query, keep_blank_values=True).get(name)
    except ValueError:
        return None
    return values[0] if values else None


def absolute(base: str, href: str | None) -> str | None:
    """href resolved against the page URL, or None."""
    if not href:
        return None
    try:
        return urljoin(base, href)
    except ValueError:
        return None


def host(url: str | None) -> str | None:
    """Lower-case host of a URL (scheme-less 'www.x.com/path' accepted), or None."""
    if not url:
        return None
    if "//" not in url:
        url = "//" + url
    try:
        h = urlsplit(url).hostname
    except ValueError:
        return None
    return h.lower() if h else None


def query_from(box_value: str | None, title_el, title_suffixes: tuple[str, ...]) -> str | None:
    """The query as a page echoes it: the search box's value, else the page title minus the engine's suffix."""
    if box_value and box_value.strip():
        return clean(box_value)
    if title_el is not None:
        text = element_text(title_el)
        for suffix in title_suffixes:
            if text.endswith(suffix):
                return text[: -len(suffix)].strip() or None
    return None
