"""Downloader middleware: a realistic User-Agent per request, matching the check's device."""

from __future__ import annotations

import itertools

DESKTOP_AGENTS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/141.0.0.0 Safari/537.36 Edg/141.0.0.0",
)
MOBILE_AGENTS = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.6 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Mobile Safari/537.36",
)


class DeviceUserAgentMiddleware:
    """Rotates through the configured desktop or mobile agents according to `request.meta['device']`."""

    def __init__(self, desktop: tuple[str, ...] = DESKTOP_AGENTS, mobile: tuple[str, ...] = MOBILE_AGENTS):
        self._cycles = {
            "desktop": itertools.cycle(desktop or DESKTOP_AGENTS),
            "mobile": itertools.cycle(mobile or MOBILE_AGENTS),
        }

    @classmethod
    def from_crawler(cls, crawler):
        s = crawler.settings
        return cls(tuple(s.getlist("SEOWATCH_USER_AGENTS")), tuple(s.getlist("SEOWATCH_MOBILE_USER_AGENTS")))

    def process_request(self, request):
        device = request.meta.get("device", "desktop")
        request.headers.setdefault(b"User-Agent", next(self._cycles.get(device, self._cycles["desktop"])))
        request.headers.setdefault(b"Accept-Language", "zh-CN,zh;q=0.9,en;q=0.6")
        return None
