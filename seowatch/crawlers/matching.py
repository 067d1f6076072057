"""Deciding whose a result URL is: our site, one of our assets elsewhere, a competitor, or nobody's.

Hosts are compared in one canonical form: lower case, no trailing dot or port, IDN as punycode
(中文域名 written in Unicode or as xn-- match each other). Registrable domains come from
tldextract with its bundled public-suffix snapshot: nothing is downloaded at run time.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit, urlunsplit

import tldextract

OWN_SITE = "site"
OWN_ASSET = "asset"
COMPETITOR = "competitor"


@lru_cache(maxsize=1)
def _extractor() -> tldextract.TLDExtract:
    # suffix_list_urls=() and cache_dir=None: the snapshot shipped inside the package, no fetch, no cache file.
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, include_psl_private_domains=False)


def canonical_host(host: str | None) -> str | None:
    """Lower-case ASCII (punycode) host without port, trailing dot or userinfo; None if unusable."""
    if not host:
        return None
    host = host.strip().lower().rstrip(".")
    if "@" in host:
        host = host.rsplit("@", 1)[1]
    if host.startswith("[") or not host:
        return host or None
    if ":" in host:
        host = host.split(":", 1)[0]
    if host.isascii():  # what the IDNA codec would return for it (the common case, without its cost)
        return host
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return None


@lru_cache(maxsize=65536)
def url_host(url: str | None) -> str | None:
    """Canonical host of a URL; scheme-less 'www.x.com/path' and '//x.com' are accepted."""
    if not url:
        return None
    url = url.strip()
    if "://" not in url and not url.startswith("//"):
        url = "//" + url
    try:
        return canonical_host(urlsplit(url).netloc)
    except ValueError:
        return None


def strip_www(host: str) -> str:
    return host[4:] if host.startswith("www.") else host


@lru_cache(maxsize=65536)
def registrable_domain(host: str | None) -> str | None:
    """example.com for www.a.example.com, example.com.cn for m.example.com.cn; None for IPs and bare suffixes."""
    if not host:
        return None
    ext = _extractor()(host)
    top = ext.top_domain_under_public_suffix
    return top or None


def domain_of(url: str | None) -> str | None:
    """The registrable domain of a URL (falls back to the host for IPs and intranet names)."""
    h = url_host(url)
    return registrable_domain(h) or h


@lru_cache(maxsize=65536)
def canonical_url(url: str | None) -> str | None:
    """A URL in the form used to compare pages: http and https, www, trailing slash, IDN and
    default ports are not differences; the fragment is dropped; the query is kept."""
    if not url:
        return None
    raw = url.strip()
    if "://" not in raw and not raw.startswith("//"):
        raw = "//" + raw
    try:
        parts = urlsplit(raw)
    except ValueError:
        return None
    host = canonical_host(parts.netloc)
    if not host:
        return None
    path = parts.path.rstrip("/")
    return urlunsplit(("", strip_www(host), path, parts.query, "")).lstrip("/")


def _domain_rule(domain: str) -> tuple[str, bool]:
    """(domain to compare, whether to compare registrable domains) for a configured domain."""
    host = strip_www(canonical_host(domain) or domain)
    reg = registrable_domain(host)
    return host, reg == host


@dataclass(frozen=True)
class Owner:
    """Who a result belongs to: kind is OWN_SITE, OWN_ASSET or COMPETITOR; name the configured entry."""

    kind: str
    name: str


class SiteMatcher:
    """Classifies result URLs for one configured site."""

    def __init__(
        self,
        domain: str,
        match: str = "domain",
        assets: tuple[str, ...] | list[str] = (),
        competitors: tuple[str, ...] | list[str] = (),
    ):
        if match not in ("domain", "host"):
            raise ValueError(f"match must be 'domain' or 'host', not {match!r}")
        self.domain = domain
        self.match = match
        self._site_host, self._site_registrable = _domain_rule(domain)
        self._assets = tuple(_asset_pattern(a) for a in assets)
        self._competitors = tuple((c, *_domain_rule(c)) for c in competitors)

    def is_own_host(self, host: str | None) -> bool:
        host = canonical_host(host)
        if not host:
            return False
        if self.match == "host":
            return strip_www(host) == self._site_host
        return _host_in(host, self._site_host, self._site_registrable)

    def classify(self, url: str | None) -> Owner | None:
        """OWN_SITE, OWN_ASSET, COMPETITOR (with which one) or None for anyone else's URL."""
        host = url_host(url)
        if not host:
            return None
        if self.is_own_host(host):
            return Owner(OWN_SITE, self.domain)
        if self._assets:
            key = canonical_url(url) or ""
            for original, globs in self._assets:
                if any(fnmatch.fnmatchcase(key, g) for g in globs):
                    return Owner(OWN_ASSET, original)
        for name, comp_host, by_registrable in self._competitors:
            if _host_in(host, comp_host, by_registrable):
                return Owner(COMPETITOR, name)
        return None


def _host_in(host: str, rule_host: str, by_registrable: bool) -> bool:
    if by_registrable:
        return registrable_domain(host) == rule_host
    host = strip_www(host)
    return host == rule_host or host.endswith("." + rule_host)


def _asset_pattern(pattern: str) -> tuple[str, tuple[str, ...]]:
    """(as configured, canonical globs). Without a '*', a pattern covers that page and everything
    below it (a host alone covers the whole host); with one, it is a glob over the canonical URL."""
    canon = canonical_url(pattern.replace("*", "\x00")) or pattern.lower()
    # Only '*' is a wildcard: '?' and '[' are literal in URLs.
    canon = canon.replace("[", "[[]").replace("?", "[?]")
    canon = canon.replace("\x00", "*").replace("%00", "*")
    if "*" in canon:
        return pattern, (canon,)
    return pattern, (canon, canon + "/*", canon + "[?]*")
