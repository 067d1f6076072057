"""Suggestions from comparing our page for a keyword with the pages above it: missing words, thin text.

The keyword's words the pages above us have in their title, H1 or meta description and ours lacks,
named; and our text against the median of the top results, in characters.
"""

from __future__ import annotations

from collections.abc import Sequence
from statistics import median
from typing import Any

from seowatch.crawlers.auditchanges import audit_changes
from seowatch.reports.model import Suggestion
from seowatch.reports.suggestion_basis import (
    FIELD_NAMES,
    MISSING_DESCRIPTION,
    MISSING_H1,
    MISSING_TITLE,
    ROLE_COMPETITOR,
    ROLE_OURS,
    ROLE_TARGET,
    SEVERITY,
    THIN_CONTENT,
    THIN_MIN_MEDIAN,
    THIN_RATIO,
    Impact,
    PageFacts,
    engine_name,
    short_url,
    words,
)

FIELDS = (("title", MISSING_TITLE), ("h1", MISSING_H1), ("description", MISSING_DESCRIPTION))
# What audit_changes calls a change of each field.
FIELD_CHANGES = {
    "title": ("title_changed", "title_removed"), "h1": ("h1_changed", "h1_removed"),
    "description": ("description_changed", "description_removed"),
}


def our_page(pages: Sequence[PageFacts]) -> PageFacts | None:
    """Our page for a keyword: the one that ranks; the configured target when nothing of ours ranks."""
    ours = [p for p in pages if p.role == ROLE_OURS]
    if ours:
        return ours[0]
    targets = [p for p in pages if p.role == ROLE_TARGET]
    return targets[0] if targets else None


def pages_above(page: PageFacts, pages: Sequence[PageFacts]) -> list[PageFacts]:
    """The competitors' pages that rank above ours on the engine that chose them (all of them for a
    target page that does not rank), read successfully."""
    return sorted(
        (c for c in pages if c.role == ROLE_COMPETITOR and c.readable
         and (page.engine is None or c.engine == page.engine)
         and (page.rank is None or (c.rank is not None and c.rank < page.rank))),
        key=lambda c: c.rank or 10**6,
    )


def field_text(page: PageFacts, name: str) -> str:
    if name == "h1":
        return " / ".join(page.h1)
    return (page.title if name == "title" else page.description) or ""


def _found(page: PageFacts, name: str) -> tuple[str, ...]:
    fc = page.coverage.fields.get(name) if page.coverage is not None else None
    return fc.found if fc is not None else ()


def _change(previous: PageFacts | None, page: PageFacts, name: str) -> dict[str, Any] | None:
    if previous is None:
        return None
    for ch in audit_changes(previous, page):
        if ch.code in FIELD_CHANGES[name]:
            old = " / ".join(ch.old) if isinstance(ch.old, list) else ch.old
            return {"was": old, "audited_before": previous.day, "audited": page.day}
    return None


def _pages_above_have(having: int, above: int) -> str:
    if above == 1:
        return "the page above us has"
    return f"all {above} pages above us have" if having == above else f"{having} of the {above} pages above us have"


def missing_tokens(page: PageFacts, above: Sequence[PageFacts], previous: PageFacts | None,
                   impact: Impact) -> list[Suggestion]:
    """Our title, H1 and meta description against the pages above us: the keyword's words that
    some of them carry there and ours does not, named, with the pages that carry them."""
    above = [c for c in above if c.coverage is not None]
    if page.coverage is None or not page.readable or not above:
        return []
    out = []
    position = impact.label(page.keyword_id, page.url)
    for name, kind in FIELDS:
        mine = page.coverage.fields.get(name)
        if mine is None or not mine.missing:
            continue
        lack = [t for t in mine.missing if any(t in _found(c, name) for c in above)]
        if not lack:
            continue
        having = [c for c in above if set(lack) & set(_found(c, name))]
        text = field_text(page, name)
        label = FIELD_NAMES[name]
        # The keyword itself reads better than its pieces when all of them are missing (短视频营销, not 短, 视频, 营销).
        whole = len(lack) > 1 and set(lack) == set(page.coverage.tokens)
        toks = f"“{page.keyword}”" if whole else words(lack)
        them = "it" if whole or len(lack) == 1 else "them"
        subject = _pages_above_have(len(having), len(above))
        who = ", ".join(c.who for c in having)
        if text:
            message = (f"Put {toks} in the {label} of {short_url(page.url)}: {subject} {them} there ({who}). "
                       f"Ours reads “{text}”.")
        else:
            message = (f"Give {short_url(page.url)} a{'n' if name == 'h1' else ''} {label} with {toks}: it has none, "
                       f"and {subject} one with {them} ({who}).")
        change = _change(previous, page, name)
        if change and change["was"]:
            message += f" It changed after the audit of {change['audited_before'].isoformat()}: it was “{change['was']}”."
        if position:
            message += f" We rank {position}."
        evidence: dict[str, Any] = {
            "field": name, "tokens": lack, "keyword_tokens": list(page.coverage.tokens),
            "ours": {"url": page.url, name: text or None, "has": list(mine.found)},
            "pages_above": [{"url": c.url, "engine": c.engine, "rank": c.rank, "owner": c.owner,
                             name: field_text(c, name) or None, "has": [t for t in lack if t in _found(c, name)]}
                            for c in above],
            "audited": page.day,
        }
        if change:
            evidence["changed"] = change
        out.append(Suggestion(
            kind=kind, keyword=page.keyword, engine=page.engine, message=message, evidence=evidence,
            impact=round(impact.of(page.keyword_id, SEVERITY[kind] * len(having) / len(above), page.url), 2),
            url=page.url,
        ))
    return out


def thin_content(page: PageFacts, competitors: Sequence[PageFacts], previous: PageFacts | None,
                 impact: Impact) -> list[Suggestion]:
    """Our text against the median of the top results' text, in characters (Chinese has no spaces)."""
    top = [c for c in competitors if c.role == ROLE_COMPETITOR and c.readable and c.body_chars > 0]
    if not page.readable or not top:
        return []
    mid = median(c.body_chars for c in top)
    if mid < THIN_MIN_MEDIAN or page.body_chars >= THIN_RATIO * mid:
        return []
    engines = {c.engine for c in top if c.engine}
    where = f" on {engine_name(next(iter(engines)))}" if len(engines) == 1 else ""
    sizes = ", ".join(f"{c.who}: {c.body_chars}" for c in sorted(top, key=lambda c: c.rank or 10**6))
    message = (f"Add substance to {short_url(page.url)}: it has {page.body_chars} characters of text, the top "
               f"results{where} have a median of {mid:g} ({sizes}). Cover what they cover for “{page.keyword}”.")
    evidence: dict[str, Any] = {
        "our_chars": page.body_chars, "median_chars": mid, "ratio": round(page.body_chars / mid, 2),
        "top_results": [{"url": c.url, "engine": c.engine, "rank": c.rank, "owner": c.owner, "chars": c.body_chars}
                        for c in sorted(top, key=lambda c: c.rank or 10**6)],
        "audited": page.day,
    }
    if previous is not None and previous.served and previous.body_chars > page.body_chars:
        evidence["was_chars"] = {"chars": previous.body_chars, "audited": previous.day}
    severity = SEVERITY[THIN_CONTENT] * (1 - page.body_chars / mid)
    return [Suggestion(
        kind=THIN_CONTENT, keyword=page.keyword, engine=page.engine, message=message, evidence=evidence,
        impact=round(impact.of(page.keyword_id, severity, page.url), 2), url=page.url,
    )]
