"""Injected faults: which one a request meets (counting the transient ones), and the broken bodies."""

from __future__ import annotations

import threading
from collections.abc import Sequence

from seowatch.sandbox.scenario import Fault

HTTP_STATUS = {"http_403": 403, "http_429": 429, "http_503": 503}

ERROR_PAGES = {
    403: b"<html><head><title>403 Forbidden</title></head><body><center><h1>403 Forbidden</h1></center>"
         b"<hr><center>nginx</center></body></html>",
    429: b"<html><head><title>429 Too Many Requests</title></head><body><center><h1>429 Too Many Requests</h1>"
         b"</center><hr><center>nginx</center></body></html>",
    503: b"<html><head><title>503 Service Temporarily Unavailable</title></head><body><center>"
         b"<h1>503 Service Temporarily Unavailable</h1></center><hr><center>nginx</center></body></html>",
}

# Well-formed HTML that no engine parser can read as a result page (nor as a block or no-results page).
GARBAGE_PAGE = (
    b"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Loading</title></head><body>"
    b"<div class=\"x9f2q\"><div class=\"k1\"><span>\xe8\xaf\xb7\xe7\xa8\x8d\xe5\x80\x99</span></div>"
    b"<div class=\"z7\">0f3a9c 11 7b2e 5d</div><div class=\"z7\">a1 c4 9e0 2f</div></div>"
    b"<script>window.__s={v:3,t:[9,4,1]};</script></body></html>"
)


class FaultBook:
    """Which fault each request meets. A fault with `times` fails the first N requests of its page
    (counted per day, engine, keyword and page), then lets the next fault or the page through."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: dict[tuple, int] = {}

    def pick(self, day: int, engine: str, keyword: str, page: int, faults: Sequence[Fault]) -> Fault | None:
        if not faults:
            return None
        with self._lock:
            for index, fault in enumerate(faults):
                if fault.page is not None and fault.page != page:
                    continue
                if fault.times is None:
                    return fault
                key = (day, engine, keyword, page, index)
                seen = self._counts.get(key, 0)
                if seen < fault.times:
                    self._counts[key] = seen + 1
                    return fault
        return None

    def reset(self) -> None:
        with self._lock:
            self._counts.clear()


def truncate(body: bytes) -> bytes:
    """The document cut in the middle (what a proxy or a broken upstream can hand over)."""
    return body[: max(1, len(body) // 2)] if body else body
