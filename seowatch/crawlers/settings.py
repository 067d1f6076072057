"""Scrapy settings for seowatch crawls: fixed defaults plus politeness from the config."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the crawl's child reads BASE_SETTINGS without importing the configuration's models
    from seowatch.config import PolitenessConfig

BASE_SETTINGS: dict[str, Any] = {
    "BOT_NAME": "seowatch",
    "ROBOTSTXT_OBEY": False,  # engines' result pages; partner robots.txt is analysed, not obeyed blindly
    "COOKIES_ENABLED": True,  # engines hand out session cookies and expect them back
    "TELNETCONSOLE_ENABLED": False,
    # Scrapy >= 2.19 would serve a code-execution endpoint on localhost for every crawl, leave a job
    # file with its token in the user's profile directory, and import aiohttp to do so.
    "EXTENSIONS": {"scrapy.extensions.remote_control.RemoteControl": None},
    "RETRY_ENABLED": False,  # the spiders retry with backoff themselves and record why a page failed
    "DOWNLOAD_MAXSIZE": 32 * 1024 * 1024,
    "DOWNLOAD_WARNSIZE": 8 * 1024 * 1024,
    "DNS_TIMEOUT": 20,
    "CONCURRENT_REQUESTS": 16,
    # Every callback of ours yields one thing (the next request or the decided item). Scrapy starts
    # CONCURRENT_ITEMS worker tasks per response to consume a callback's output: 100 by default,
    # which cost more than the whole parse of a page.
    "CONCURRENT_ITEMS": 1,
    "LOG_LEVEL": "INFO",
    "DOWNLOADER_MIDDLEWARES": {
        "scrapy.downloadermiddlewares.useragent.UserAgentMiddleware": None,
        "seowatch.crawlers.useragent.DeviceUserAgentMiddleware": 400,
        "seowatch.crawlers.proxy.RotatingProxyMiddleware": 740,
    },
    "ITEM_PIPELINES": {"seowatch.crawlers.pipelines.StorePipeline": 300},
}

# The sandbox profile: no politeness, the sandbox does not mind.
FAST = {"delay": 0.0, "concurrency": 8, "autothrottle": False, "backoff": 0.0}


def crawl_settings(
    politeness: PolitenessConfig,
    slots: Iterable[str],
    *,
    fast: bool = False,
    database_url: str,
    log_file: str | None = None,
) -> dict[str, Any]:
    """Settings for one crawl: one download slot per engine (or partner host group) in `slots`,
    each with the configured delay and concurrency, so engines are throttled independently."""
    delay = FAST["delay"] if fast else politeness.delay
    concurrency = FAST["concurrency"] if fast else politeness.concurrency_per_engine
    autothrottle = False if fast else politeness.autothrottle
    jitter = 0.5 if politeness.randomize_delay else 0.0  # 0.5x to 1.5x the delay
    settings = dict(BASE_SETTINGS)
    settings.update(
        {
            "SEOWATCH_DATABASE_URL": database_url,
            "SEOWATCH_USER_AGENTS": list(politeness.user_agents),
            "SEOWATCH_MOBILE_USER_AGENTS": list(politeness.mobile_user_agents),
            "SEOWATCH_PROXIES": list(politeness.proxies),
            "DOWNLOAD_TIMEOUT": politeness.timeout,
            "DOWNLOAD_DELAY": delay,
            "DOWNLOAD_DELAY_JITTER": jitter,
            "CONCURRENT_REQUESTS": max(16, concurrency * 4),
            "DOWNLOAD_SLOTS": {
                slot: {"concurrency": concurrency, "delay": delay, "jitter": jitter}
                for slot in slots
            },
            "AUTOTHROTTLE_ENABLED": autothrottle,
            "AUTOTHROTTLE_START_DELAY": max(delay, 1.0),
            "AUTOTHROTTLE_MAX_DELAY": max(60.0, delay * 4),
            "AUTOTHROTTLE_TARGET_CONCURRENCY": float(concurrency),
        }
    )
    if log_file:
        settings["LOG_FILE"] = log_file
        settings["LOG_FILE_APPEND"] = True
    return settings


def backoff_seconds(politeness: PolitenessConfig, fast: bool) -> float:
    """Base of the exponential backoff between retries of one page."""
    return FAST["backoff"] if fast else max(politeness.delay, 2.0)
