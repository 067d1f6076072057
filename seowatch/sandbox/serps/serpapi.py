"""SerpApi Google search JSON (serpapi.com/search.json?engine=google) as the sandbox serves it:
search_metadata, organic_results with absolute positions, ads, cards as answer_box / knowledge_graph
/ inline_videos / top_stories / inline_images / related_questions, related_searches, and the
serpapi_pagination links pointing back at the sandbox."""

from __future__ import annotations

import hashlib
import json
from typing import Any
from urllib.parse import quote_plus

from seowatch.sandbox.plan import PagePlan
from seowatch.sandbox.serps.common import Links, breadcrumb, host_of

CONTENT_TYPE = "application/json"

# card kind -> SerpApi top-level key (lists unless noted)
CARD_KEYS = {
    "featured_snippet": "answer_box",  # object
    "answer": "answer_box",  # object
    "knowledge_panel": "knowledge_graph",  # object
    "video": "inline_videos",
    "news": "top_stories",
    "images": "inline_images",
    "people_also_ask": "related_questions",
    "local": "local_results",  # object with places
    "shopping": "shopping_results",
}


def _google_url(keyword: str, page: int) -> str:
    start = f"&start={(page - 1) * 10}" if page > 1 else ""
    return f"https://www.google.com/search?q={quote_plus(keyword)}&oq={quote_plus(keyword)}&num=10{start}&sourceid=chrome&ie=UTF-8"


def _metadata(keyword: str, page: int, links: Links) -> dict[str, Any]:
    sid = hashlib.md5(f"{keyword}\x00{page}".encode("utf-8")).hexdigest()[:24]
    return {
        "id": sid,
        "status": "Success",
        "json_endpoint": f"{links.base}/searches/{sid}.json",
        "created_at": "2024-01-01 00:00:00 UTC",
        "processed_at": "2024-01-01 00:00:00 UTC",
        "google_url": _google_url(keyword, page),
        "raw_html_file": f"{links.base}/searches/{sid}.html",
        "total_time_taken": 0.42,
    }


def _parameters(keyword: str, page: int) -> dict[str, Any]:
    params: dict[str, Any] = {"engine": "google", "q": keyword, "google_domain": "google.com", "num": "10",
                              "device": "desktop"}
    if page > 1:
        params["start"] = (page - 1) * 10
    return params


def render(plan: PagePlan, links: Links) -> str:
    data: dict[str, Any] = {
        "search_metadata": _metadata(plan.keyword, plan.page, links),
        "search_parameters": _parameters(plan.keyword, plan.page),
        "search_information": {
            "query_displayed": plan.keyword,
            "total_results": plan.total * 10_000,
            "time_taken_displayed": 0.31,
            "organic_results_state": "Results for exact spelling",
        },
    }
    if plan.ads:
        data["ads"] = [
            {"position": i + 1, "block_position": "top", "title": ad.title or f"{plan.keyword} - {host_of(ad.url)}",
             "link": ad.url, "displayed_link": ad.url, "tracking_link": links.redirect(ad.url, path="/aclk", param="ai", before="sa=l"),
             "source": host_of(ad.url)}
            for i, ad in enumerate(plan.ads)
        ]
    for _, card in plan.cards:
        key = CARD_KEYS.get(card.kind)
        item = {"title": card.title, "link": card.url} if card.url else {"title": card.title}
        if key in ("answer_box", "knowledge_graph"):
            data.setdefault(key, {"type": "organic_result" if key == "answer_box" else "website", **item})
        elif key == "local_results":
            data.setdefault(key, {"places": []})["places"].append({"position": 1, **item})
        elif key == "related_questions":
            data.setdefault(key, []).append({"question": card.title, **({"link": card.url} if card.url else {})})
        elif key:
            data.setdefault(key, []).append({"position": len(data.get(key, [])) + 1, **item})
        else:
            data.setdefault("other_results", []).append({"kind": card.kind, **item})
    data["organic_results"] = [
        {
            "position": r.position,
            "title": r.title,
            "link": r.url,
            "redirect_link": f"https://www.google.com/url?sa=t&source=web&rct=j&url={quote_plus(r.url)}",
            "displayed_link": r.display_url or breadcrumb(r.url),
            "favicon": f"https://serpapi.com/searches/favicon/{host_of(r.url)}.png",
            "snippet": r.snippet,
            "source": host_of(r.url),
        }
        for r in plan.results
    ]
    if plan.related:
        data["related_searches"] = [
            {"block_position": 1, "query": t, "link": f"https://www.google.com/search?q={quote_plus(t)}",
             "serpapi_link": f"{links.base}/search.json?engine=google&q={quote_plus(t)}"}
            for t in plan.related
        ]
    data["pagination"] = _pagination(plan, lambda p: _google_url(plan.keyword, p))
    data["serpapi_pagination"] = _pagination(plan, lambda p: links.root + links.search(plan.keyword, p), serpapi=True)
    return json.dumps(data, ensure_ascii=False, indent=2)


def _pagination(plan: PagePlan, url_for, serpapi: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {"current": plan.page}
    if plan.has_next:
        if serpapi:
            out["next_link"] = url_for(plan.page + 1)
        out["next"] = url_for(plan.page + 1)
    first = max(1, plan.page - 4)
    out["other_pages"] = {str(n): url_for(n) for n in range(first, min(plan.last_page, first + 9) + 1)
                          if n != plan.page}
    return out


def no_results(keyword: str, links: Links, encoding: str = "utf-8") -> str:
    """SerpApi's answer when Google found nothing: status Success, an 'error' and no organic_results."""
    return json.dumps({
        "search_metadata": _metadata(keyword, 1, links),
        "search_parameters": _parameters(keyword, 1),
        "search_information": {"query_displayed": keyword, "organic_results_state": "Fully empty"},
        "error": "Google hasn't returned any results for this query.",
    }, ensure_ascii=False, indent=2)


def captcha(keyword: str, links: Links) -> str:
    """SerpApi solves Google's captchas itself; what reaches a client is a failed search."""
    meta = _metadata(keyword, 1, links)
    meta["status"] = "Error"
    return json.dumps({
        "search_metadata": meta,
        "search_parameters": _parameters(keyword, 1),
        "error": "Google blocked the search with a CAPTCHA that could not be solved. Please retry.",
    }, ensure_ascii=False, indent=2)
