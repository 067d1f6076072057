"""Suggestions about our pages themselves: errors, redirects, noindex, canonical elsewhere, long titles.

One suggestion per page and problem, over every keyword that lands on the page.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from seowatch.crawlers.matching import canonical_url
from seowatch.crawlers.pageaudit import display_width
from seowatch.reports.model import Suggestion
from seowatch.reports.suggestion_basis import (
    PAGE_CANONICAL,
    PAGE_ERROR,
    PAGE_NOINDEX,
    PAGE_REDIRECTS,
    SEVERITY,
    TITLE_TOO_LONG,
    UNREACHABLE_SEVERITY,
    Impact,
    PageFacts,
    engine_name,
    short_url,
)


def _status_problems(page: PageFacts) -> list[tuple[str, float, dict[str, Any]]]:
    """(kind, severity, evidence) of what keeps one of our pages from ranking."""
    if page.status is None:
        return [(PAGE_ERROR, UNREACHABLE_SEVERITY, {"error": page.error, "audited": page.day})]
    if page.status >= 400:
        ev: dict[str, Any] = {"status": page.status, "audited": page.day}
        if page.redirected:
            ev.update(final_url=page.final_url, redirects=list(page.redirects))
        return [(PAGE_ERROR, SEVERITY[PAGE_ERROR], ev)]
    out = []
    if page.redirected:
        out.append((PAGE_REDIRECTS, SEVERITY[PAGE_REDIRECTS],
                    {"final_url": page.final_url, "redirects": list(page.redirects), "audited": page.day}))
    if page.noindex:
        out.append((PAGE_NOINDEX, SEVERITY[PAGE_NOINDEX], {"noindex": page.noindex_evidence, "audited": page.day}))
    if page.canonical_elsewhere:
        out.append((PAGE_CANONICAL, SEVERITY[PAGE_CANONICAL], {"canonical": page.canonical, "audited": page.day}))
    return out


def _page_message(kind: str, url: str, ev: dict[str, Any], where: str) -> str:
    u = short_url(url)
    if kind == PAGE_ERROR and ev.get("status") is None:
        what = f"Our page {u} could not be fetched ({ev.get('error')}): check that it is up."
    elif kind == PAGE_ERROR:
        moved = f" (after redirecting to {short_url(ev['final_url'])})" if ev.get("final_url") else ""
        what = f"Our page {u} answers HTTP {ev['status']}{moved}: restore it, or 301-redirect it to the page that replaces it."
    elif kind == PAGE_REDIRECTS:
        what = (f"Our page {u} redirects to {short_url(ev['final_url'])}: link to the final URL directly, and make "
                "sure that page is the one meant to rank.")
    elif kind == PAGE_NOINDEX:
        what = f"Our page {u} tells engines not to index it ({ev['noindex']}): remove the noindex."
    elif kind == PAGE_CANONICAL:
        what = (f"Our page {u} names {short_url(ev['canonical'])} as its canonical, so engines may rank that page "
                "instead: point the canonical to the page itself.")
    else:
        limits = ev["limits"]
        show = " and ".join(f"{engine_name(e)} shows about {n}" for e, n in limits.items())
        what = (f"Shorten the title of {u}: it is {ev['display_width'] / 2:g} Chinese characters wide "
                f"({ev['characters']} characters, a Latin letter counting half) and {show}, so searchers see "
                f"“{ev['shown'][next(iter(limits))]}”.")
    return f"{what} It is our page for {where}."


def _title_limits(page: PageFacts, engines: Iterable[str], limits: Mapping[str, int]) -> dict[str, int]:
    width = display_width(page.title)
    return {e: limits[e] for e in sorted(set(engines)) if e in limits and width > 2 * limits[e]}


def cut_to_width(text: str, width: int) -> str:
    """The start of `text` an engine shows in `width` (display width), with an ellipsis when cut."""
    out, used = [], 0
    for ch in text:
        w = display_width(ch)
        if used + w > width - 2:
            return "".join(out) + "…"
        out.append(ch)
        used += w
    return text


def page_problems(ours: Sequence[PageFacts], impact: Impact, title_limits: Mapping[str, int]) -> list[Suggestion]:
    """Errors, redirects, noindex, canonical elsewhere and titles too long: one suggestion per page and
    problem, over every keyword that lands on the page. The page's latest audit decides (a fetch that
    worked beats one that failed the same day); a page in error gets nothing else."""
    groups: dict[str, list[PageFacts]] = {}
    for p in ours:
        groups.setdefault(canonical_url(p.url) or p.url, []).append(p)
    out = []
    for pages in groups.values():
        page = max(pages, key=lambda p: (p.day, p.served))
        keywords = list({p.keyword_id: p for p in pages}.values())
        found = _status_problems(page)
        if page.readable and page.title:
            engines = {r.engine for p in keywords for r in impact.rows.get(p.keyword_id, [])}
            over = _title_limits(page, engines, title_limits)
            if over:
                found.append((TITLE_TOO_LONG, SEVERITY[TITLE_TOO_LONG], {
                    "title": page.title, "characters": len(page.title), "display_width": display_width(page.title),
                    "limits": over, "shown": {e: cut_to_width(page.title, 2 * n) for e, n in over.items()},
                    "audited": page.day,
                }))
        out += [_suggestion(kind, page.url, evidence, severity, keywords, impact) for kind, severity, evidence in found]
    return out


def _suggestion(kind: str, url: str, evidence: dict[str, Any], severity: float, keywords: list[PageFacts],
                impact: Impact) -> Suggestion:
    kw = sorted(keywords, key=lambda f: -impact.of(f.keyword_id, severity, url))
    where = "; ".join(f"{f.keyword} ({impact.label(f.keyword_id, url) or 'not ranked'})" for f in kw)
    evidence = {**evidence, "keywords": [
        {"keyword": f.keyword, "role": f.role, "positions": impact.where(f.keyword_id, url)} for f in kw]}
    engines = set(evidence["limits"]) if kind == TITLE_TOO_LONG else {
        r.engine for f in kw for r in impact.matching(f.keyword_id, url)}
    return Suggestion(
        kind=kind, keyword=kw[0].keyword if len(kw) == 1 else None,
        engine=next(iter(engines)) if len(engines) == 1 else None, message=_page_message(kind, url, evidence, where),
        evidence=evidence, impact=round(sum(impact.of(f.keyword_id, severity, url) for f in kw), 2), url=url,
    )
