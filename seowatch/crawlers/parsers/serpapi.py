"""SerpApi-compatible JSON responses (Google rank tracking through an API) into a SerpPage."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from seowatch.crawlers.parsers import finish
from seowatch.crawlers.parsers.model import Ads, OrganicResult, SerpPage, SpecialBlock
from seowatch.crawlers.parsers.text import clean, host

ENGINE = "serpapi"

# --- response fields ---------------------------------------------------------------------------
ORGANIC = "organic_results"
ADS = "ads"
RELATED = "related_searches"
ERROR = "error"
# The API's wording when Google itself found nothing: an explicit empty ranking, not a failure.
NO_RESULTS_ERRORS = ("hasn't returned any results", "has not returned any results")
EMPTY_STATES = ("fully empty",)  # search_information.organic_results_state
# Top-level keys that describe the search rather than show a block on the page.
NOT_BLOCKS = frozenset({
    "search_metadata", "search_parameters", "search_information", "serpapi_pagination", "pagination",
    ORGANIC, ADS, RELATED, ERROR, "related_searches_toggle", "filters", "menu_items",
})
# Other top-level arrays and objects: special blocks of the result page.
SPECIAL_KINDS = {
    "knowledge_graph": "knowledge_panel",
    "answer_box": "answer",
    "ai_overview": "answer",
    "featured_snippet": "featured_snippet",
    "top_stories": "news",
    "news_results": "news",
    "inline_images": "images",
    "images_results": "images",
    "inline_videos": "video",
    "videos": "video",
    "video_results": "video",
    "short_videos": "video",
    "related_questions": "people_also_ask",
    "local_results": "local",
    "local_map": "local",
    "shopping_results": "shopping",
    "inline_shopping": "shopping",
    "immersive_products": "shopping",
    "recipes_results": "other",
    "twitter_results": "other",
    "top_sights": "other",
    "perspectives": "other",
    "discussions_and_forums": "other",
    "events_results": "other",
    "jobs_results": "other",
}


def parse(body: bytes, url: str, headers: Mapping[Any, Any] | None = None) -> SerpPage:
    """Parse one SerpApi JSON response (the body bytes of search.json)."""
    page = SerpPage(engine=ENGINE, url=url, encoding="utf-8")
    data = _load(body or b"", page)
    if data is None:
        return finish(page)
    params = data.get("search_parameters")
    if isinstance(params, dict) and isinstance(params.get("q"), str):
        page.query = clean(params["q"]) or None
    error = data.get(ERROR)
    if error:
        message = clean(str(error))
        if any(m in message.lower() for m in NO_RESULTS_ERRORS):
            page.no_results = True
        else:  # invalid key, searches used up, bad parameters: the ranking is unknown
            page.parse_error = f"serpapi error: {message}"
        return finish(page)
    page.organic = _organic(data.get(ORGANIC))
    page.ads = _ads(data.get(ADS))
    page.related_searches = _related(data.get(RELATED))
    page.special = _special(data)
    _pagination(data, page)
    if not page.organic:
        info = data.get("search_information")
        state = info.get("organic_results_state") if isinstance(info, dict) else None
        if isinstance(state, str) and state.strip().lower() in EMPTY_STATES:
            page.no_results = True
        elif ORGANIC not in data and not any(k in data for k in ("search_metadata", "search_parameters")):
            page.parse_error = "not a SerpApi JSON response"
    return finish(page)


def _load(body: bytes, page: SerpPage) -> dict | None:
    """The JSON object of the response, or None with parse_error set."""
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = body.decode("utf-8", errors="replace")
        page.decode_errors = text.count("\ufffd")
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        page.parse_error = "not a SerpApi JSON response"
        return None
    if not isinstance(data, dict):
        page.parse_error = "not a SerpApi JSON response"
        return None
    return data


def _organic(items) -> list[OrganicResult]:
    out: list[OrganicResult] = []
    for item in items if isinstance(items, list) else ():
        if not isinstance(item, dict):
            continue
        link = _str(item.get("link"))
        title = clean(_str(item.get("title")))
        if not link and not title:
            continue
        out.append(
            OrganicResult(
                position=len(out) + 1,  # rank on this page; the API's own number is not a block counter
                block_position=None,
                url=link or None,
                link=link or None,
                display_url=clean(_str(item.get("displayed_link"))) or None,
                title=title,
                snippet=clean(_str(item.get("snippet"))) or None,
            )
        )
    return out


def _ads(items) -> Ads:
    if not isinstance(items, list):
        return Ads()
    domains = []
    for item in items:
        if isinstance(item, dict):
            domain = host(_str(item.get("link"))) or host(_str(item.get("displayed_link")).split(" ")[0])
            if domain:
                domains.append(domain)
    return Ads(len(items), tuple(dict.fromkeys(domains)))


def _related(items) -> list[str]:
    out: list[str] = []
    for item in items if isinstance(items, list) else ():
        text = clean(_str(item.get("query") if isinstance(item, dict) else item))
        if text and text not in out:
            out.append(text)
    return out


def _special(data: dict) -> list[SpecialBlock]:
    out: list[SpecialBlock] = []
    for key, value in data.items():
        if key in NOT_BLOCKS or not value or not isinstance(value, (list, dict)):
            continue
        kind = SPECIAL_KINDS.get(key, "other")
        if isinstance(value, dict):
            title = clean(_str(value.get("title"))) or key
            link = _str(value.get("link") or value.get("website") or value.get("more_link")) or None
        else:
            title = key
            link = None
        out.append(SpecialBlock(kind, title, link, None))
    return out


def _pagination(data: dict, page: SerpPage) -> None:
    for key in ("serpapi_pagination", "pagination"):
        block = data.get(key)
        if isinstance(block, dict):
            nxt = _str(block.get("next") or block.get("next_link"))
            if nxt:
                page.has_next = True
                page.next_url = nxt
                return


def _str(value) -> str:
    return value if isinstance(value, str) else ""

