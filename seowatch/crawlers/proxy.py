"""Downloader middleware: spread requests over the configured proxies, in turn."""

from __future__ import annotations

import itertools


class RotatingProxyMiddleware:
    """Sets `request.meta['proxy']` from SEOWATCH_PROXIES unless a request already names one.

    Runs before Scrapy's HttpProxyMiddleware, which then applies it (credentials included).
    """

    def __init__(self, proxies: tuple[str, ...] = ()):
        self._cycle = itertools.cycle(proxies) if proxies else None

    @classmethod
    def from_crawler(cls, crawler):
        return cls(tuple(crawler.settings.getlist("SEOWATCH_PROXIES")))

    def process_request(self, request):
        if self._cycle is not None and "proxy" not in request.meta:
            request.meta["proxy"] = next(self._cycle)
        return None
