"""Opaque redirect tokens: which engine wrote a link and where it leads, never in clear text."""

from __future__ import annotations

import base64
from functools import lru_cache

# A fixed XOR key: the point is only that a token does not show the URL (as real engines' do not),
# so a parser that reads the target from the token instead of resolving it fails visibly.
_KEY = b"seowatch-sandbox:redirect"


def _xor(data: bytes) -> bytes:
    key = _KEY
    return bytes(b ^ key[i % len(key)] for i, b in enumerate(data))


@lru_cache(maxsize=65536)
def encode(engine: str, url: str) -> str:
    """The token for one link (URL-safe, no padding)."""
    raw = _xor(f"{engine}\n{url}".encode("utf-8"))
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def decode(token: str | None) -> tuple[str, str] | None:
    """(engine, url) from a token, or None when it is not one of ours."""
    if not token:
        return None
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        engine, _, url = _xor(raw).decode("utf-8").partition("\n")
    except (ValueError, UnicodeDecodeError):
        return None
    if not engine or not url.startswith(("http://", "https://")):
        return None
    return engine, url
