"""Decoding web pages the way Chinese sites need: BOM, HTTP header, meta charset, then detection.

gb2312 and gbk are decoded as gb18030 (their superset: pages labelled gb2312 routinely
contain GBK-only characters), big5 as big5hkscs. A declared charset that does not fit the
bytes (a GBK page whose meta says UTF-8) is not trusted: the next candidate is tried. Nothing
is dropped silently: when no candidate decodes cleanly, the text is decoded with replacement
characters and their count is reported.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from lxml import etree

_ALIASES = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "gb_2312-80": "gb18030",
    "cp936": "gb18030",
    "euc-cn": "gb18030",
    "csgb2312": "gb18030",
    "gb18030": "gb18030",
    "big5": "big5hkscs",
    "big5-hkscs": "big5hkscs",
    "cp950": "big5hkscs",
    "x-x-big5": "big5hkscs",
    "iso-8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "utf8": "utf-8",
    "unicode": "utf-8",
}

# libxml2 (iconv) spellings of the Python codec names we produce.
_LIBXML_NAMES = {
    "utf-8": "UTF-8",
    "gb18030": "GB18030",
    "big5hkscs": "BIG5-HKSCS",
    "cp1252": "windows-1252",
    "utf-16-le": "UTF-16LE",
    "utf-16-be": "UTF-16BE",
    "shift_jis": "SHIFT_JIS",
    "euc-jp": "EUC-JP",
    "euc-kr": "EUC-KR",
    "koi8-r": "KOI8-R",
    "cp1251": "windows-1251",
}

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

_META_RE = re.compile(
    rb"""<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""",
    re.IGNORECASE,
)
_XML_DECL_RE = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.-]+)""", re.IGNORECASE)
_HEADER_CHARSET_RE = re.compile(r"""charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_PRESCAN_BYTES = 16384


@dataclass(frozen=True, slots=True)
class Decoded:
    """A page's text and how it was obtained."""

    text: str
    encoding: str  # Python codec name actually used
    source: str  # "bom", "header", "meta", "detected" or "fallback"
    errors: int = 0  # replacement characters inserted (0 unless nothing fitted)


def canonical_encoding(name: str | None) -> str | None:
    """The Python codec name to decode a declared charset with, or None if unknown."""
    if not name:
        return None
    key = name.strip().strip("\"'").lower()
    key = _ALIASES.get(key, key)
    try:
        codec = codecs.lookup(key).name
    except LookupError:
        return None
    return _ALIASES.get(codec, codec)


def header_values(headers: Mapping[Any, Any] | Iterable[tuple[Any, Any]] | None, name: str) -> list[str]:
    """Every value of one header from a plain dict, a Scrapy Headers object (bytes keys, list values)
    or (name, value) pairs, in order."""
    if not headers:
        return []
    items = headers.items() if isinstance(headers, Mapping) else headers
    wanted = name.lower()
    out: list[str] = []
    for key, value in items:
        k = key.decode("latin-1") if isinstance(key, bytes) else str(key)
        if k.lower() != wanted:
            continue
        values = value if isinstance(value, (list, tuple)) else [value]
        out.extend(v.decode("latin-1") if isinstance(v, bytes) else str(v) for v in values if v is not None)
    return out


def header_value(headers: Mapping[Any, Any] | None, name: str) -> str | None:
    """One header's value (the last, when it was sent several times), or None."""
    values = header_values(headers, name)
    return values[-1] if values else None


def header_charset(headers: Mapping[Any, Any] | None) -> str | None:
    """The charset named by the Content-Type header, as a Python codec name."""
    content_type = header_value(headers, "content-type")
    if not content_type:
        return None
    m = _HEADER_CHARSET_RE.search(content_type)
    return canonical_encoding(m.group(1)) if m else None


def meta_charset(body: bytes) -> str | None:
    """The charset declared by <meta charset>, <meta http-equiv> or an XML declaration."""
    head = body[:_PRESCAN_BYTES]
    m = _META_RE.search(head) or _XML_DECL_RE.search(head)
    return canonical_encoding(m.group(1).decode("ascii", "replace")) if m else None


def bom_encoding(body: bytes) -> str | None:
    for bom, name in _BOMS:
        if body.startswith(bom):
            return name
    return None


def candidates(body: bytes, headers: Mapping[Any, Any] | None) -> list[tuple[str, str]]:
    """Encodings to try, in order of authority: (codec, source)."""
    out: list[tuple[str, str]] = []
    for enc, source in (
        (bom_encoding(body), "bom"),
        (header_charset(headers), "header"),
        (meta_charset(body), "meta"),
    ):
        if enc and all(enc != e for e, _ in out):
            out.append((enc, source))
    return out


def _detect(body: bytes, exclude: Iterable[str]) -> str | None:
    from charset_normalizer import from_bytes

    skip = set(exclude)
    for match in from_bytes(body[:200_000], cp_isolation=None):
        enc = canonical_encoding(match.encoding)
        if enc and enc not in skip:
            return enc
    return None


def _strict(body: bytes, enc: str) -> str | None:
    try:
        text = body.decode(enc)
    except (UnicodeDecodeError, LookupError):
        return None
    return text[1:] if text.startswith("\ufeff") else text


_HANZI = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


@lru_cache(maxsize=65536)
def _is_common(ch: str) -> bool:
    """A frequent hanzi: in GB2312 (simplified) or in Big5's level-1 block A440-C67E (traditional)."""
    try:
        ch.encode("gb2312")
        return True
    except UnicodeEncodeError:
        pass
    try:
        code = ch.encode("big5")
    except UnicodeEncodeError:
        return False
    return len(code) == 2 and 0xA440 <= int.from_bytes(code, "big") <= 0xC67E


def _common_share(text: str, sample: int = 5000) -> float:
    hanzi = _HANZI.findall(text, 0, 400_000)[:sample]
    return sum(map(_is_common, hanzi)) / len(hanzi) if hanzi else 1.0


def decode_html(body: bytes, headers: Mapping[Any, Any] | None = None) -> Decoded:
    """Decode a page: BOM, header, meta, then UTF-8 and detection; never silently drops bytes."""
    tried: list[str] = []
    for enc, source in candidates(body, headers):
        text = _strict(body, enc)
        if text is not None:
            return Decoded(text, enc, source)
        tried.append(enc)
    if "utf-8" not in tried:
        text = _strict(body, "utf-8")
        if text is not None:
            return Decoded(text, "utf-8", "detected")
        tried.append("utf-8")
    # The two families Chinese sites use, tried strictly before statistical detection (which
    # confuses short GBK pages with other double-byte encodings). Many byte strings are valid in
    # both; the reading made of common characters wins (Big5 read as GBK is rare characters).
    readings = []
    for enc in ("gb18030", "big5hkscs"):
        if enc not in tried:
            text = _strict(body, enc)
            if text is not None:
                readings.append((_common_share(text), enc == "gb18030", enc, text))
            tried.append(enc)
    if readings:
        _, _, enc, text = max(readings)
        return Decoded(text, enc, "detected")
    detected = _detect(body, tried)
    if detected:
        text = _strict(body, detected)
        if text is not None:
            return Decoded(text, detected, "detected")
    fallback = tried[0] if tried else "utf-8"
    text = body.decode(fallback, errors="replace")
    return Decoded(text, fallback, "fallback", errors=text.count("\ufffd"))


@lru_cache(maxsize=32)
def _parser(libxml_name: str) -> etree.HTMLParser:
    # A plain etree parser: lxml.html's element classes cost a Python callback per element touched,
    # and the parsers need nothing they add (text helpers live in parsers/text.py).
    return etree.HTMLParser(encoding=libxml_name)


def _has_encoding_error(parser: etree.HTMLParser) -> bool:
    return any(e.type_name == "ERR_INVALID_ENCODING" for e in parser.error_log)


def parse_html(body: bytes, headers: Mapping[Any, Any] | None = None) -> tuple[Any, Decoded | None, str]:
    """Parse bytes into an lxml tree with the right encoding.

    Fast path: the most authoritative declared encoding (or UTF-8) is handed to libxml2
    directly; if libxml2 reports invalid bytes, the page goes through `decode_html` instead.
    Returns (root element or None, the Decoded text when the slow path ran, encoding name).
    """
    cands = candidates(body, headers)
    enc = cands[0][0] if cands else "utf-8"
    libxml_name = _LIBXML_NAMES.get(enc)
    if libxml_name is not None:
        parser = _parser(libxml_name)
        try:
            root = etree.fromstring(body, parser=parser)
        except Exception:  # empty or hopeless input: the slow path decides
            root = None
        if root is not None and not _has_encoding_error(parser):
            return root, None, enc
    decoded = decode_html(body, headers)
    text = decoded.text
    if not text.strip():
        return None, decoded, decoded.encoding
    try:
        # As UTF-8 bytes: lxml refuses str input that carries an XML encoding declaration.
        root = etree.fromstring(text.encode("utf-8"), parser=_parser("UTF-8"))
    except Exception:
        root = None
    return root, decoded, decoded.encoding
