"""Keyword ideas from what the engines show: related searches, and TF-IDF terms of the top results.

Each idea comes with its evidence: how many result pages listed it among related searches, how many
results carried it in their title or snippet, on which engines and for which tracked keywords. Ideas
already tracked (same normalized form) are left out, and so are TF-IDF terms that are only a piece of
a tracked keyword or of the query itself (整合 for 整合营销).

Ranked by a score: one point per related-search list that showed the idea (the engine's own
suggestion of a query real users type), plus its TF-IDF weight discounted by how many of the tracked
keywords' result pages carry it, log((Q + 1) / q): a word found in the results of every keyword
(介绍, 服务 in templated snippets) is the vocabulary of the whole field, not an idea for one keyword.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from seowatch.keywords.normalize import normalize, normalize_passage
from seowatch.keywords.tokenize import Tokenizer

SOURCE_RELATED = "related"
SOURCE_TFIDF = "tfidf"
TOP_RESULTS = 10  # results per page whose titles and snippets feed TF-IDF
_LETTER = re.compile(r"[^\W\d_]")  # a letter of any script
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
MAX_IDEA_CHARS = 40
# Pieces of URLs that snippets and display URLs are full of: never a keyword idea.
_URL_WORDS = frozenset({"www", "com", "cn", "net", "org", "html", "htm", "http", "https", "php", "asp", "aspx", "shtml"})


@dataclass(frozen=True)
class SerpEvidence:
    """What one result page (or one check's pages) showed for one query on one engine."""

    engine: str
    query: str
    related: tuple[str, ...] = ()
    results: tuple[tuple[str, str | None], ...] = ()  # (title, snippet) of the top organic results


def evidence_from_page(page: Any, query: str | None = None, top: int = TOP_RESULTS) -> SerpEvidence:
    """Evidence from a parsed `SerpPage` (the query defaults to the one the page echoes)."""
    return SerpEvidence(
        engine=page.engine,
        query=query or page.query or "",
        related=tuple(page.related_searches),
        results=tuple((r.title, r.snippet) for r in page.organic[:top]),
    )


@dataclass
class Idea:
    text: str  # as first shown by an engine
    normalized: str
    sources: set[str] = field(default_factory=set)
    engines: set[str] = field(default_factory=set)
    queries: set[str] = field(default_factory=set)
    related_pages: int = 0  # result pages listing it among related searches
    results: int = 0  # results whose title or snippet contains it
    weight: float = 0.0  # summed TF-IDF weight over the queries where it was a top term
    spread: float = 1.0  # log((Q + 1) / q): Q queries with results, q of them with results carrying it

    @property
    def score(self) -> float:
        return self.related_pages + self.weight * self.spread

    def sort_key(self) -> tuple:
        return (-self.score, -len(self.engines), -self.results, self.normalized)

    def to_dict(self) -> dict[str, Any]:
        return {
            "idea": self.text, "normalized": self.normalized, "sources": sorted(self.sources),
            "engines": sorted(self.engines), "queries": sorted(self.queries), "related_pages": self.related_pages,
            "results": self.results, "tfidf_weight": round(self.weight, 4), "score": round(self.score, 3),
        }


def _usable(norm: str) -> bool:
    """A candidate worth showing: has a letter (not just digits and signs), two Chinese characters or a
    word of two letters, and is not absurdly long."""
    if not norm or len(norm) > MAX_IDEA_CHARS or not _LETTER.search(norm):
        return False
    return len(norm) >= 2


def keyword_ideas(
    evidence: Iterable[SerpEvidence],
    tokenizer: Tokenizer,
    tracked: Iterable[str] = (),
    *,
    top_k: int = 20,
    limit: int | None = 50,
) -> list[Idea]:
    """Ideas from result pages: related searches, and the top TF-IDF terms of each query's results."""
    tracked_norms = {n for n in (normalize(t) for t in tracked) if n}
    pages = list(evidence)
    ideas: dict[str, Idea] = {}

    def idea(text: str, norm: str) -> Idea:
        got = ideas.get(norm)
        if got is None:
            got = ideas[norm] = Idea(text, norm)
        return got

    # Related searches: the engine's own suggestions.
    for page in pages:
        seen: set[str] = set()
        for text in page.related:
            norm = normalize(text)
            if norm in seen or norm in tracked_norms or not _usable(norm) or tokenizer.is_stop(norm):
                continue
            seen.add(norm)
            item = idea(text.strip(), norm)
            item.sources.add(SOURCE_RELATED)
            item.engines.add(page.engine)
            item.queries.add(page.query)
            item.related_pages += 1

    # TF-IDF over the titles and snippets of each query's top results (all engines together).
    by_query: dict[str, list[SerpEvidence]] = {}
    for page in pages:
        by_query.setdefault(normalize(page.query), []).append(page)
    for qnorm, group in by_query.items():
        text = "\n".join(f"{t}\n{s or ''}" for p in group for t, s in p.results)
        if not text.strip():
            continue
        for term, weight in tokenizer.extract_tags(text, top_k=top_k):
            norm = normalize(term)
            if (not _usable(norm) or norm in tracked_norms or tokenizer.is_stop(norm)
                    or norm in qnorm or any(norm in t for t in tracked_norms)):
                continue
            if not _CJK.search(norm) and (len(norm) < 3 or norm in _URL_WORDS):
                continue
            item = idea(term, norm)
            item.sources.add(SOURCE_TFIDF)
            item.weight += weight
            item.queries.update(p.query for p in group)

    # Evidence from the results themselves: which results (and engines, and queries) carry each idea.
    texts = [(p.engine, normalize(p.query), normalize_passage(f"{t}\n{s or ''}")) for p in pages for t, s in p.results]
    queries_with_results = len({q for _, q, _ in texts})
    for item in ideas.values():
        found_in: set[str] = set()
        for engine, query, body in texts:
            if item.normalized in body:
                item.results += 1
                item.engines.add(engine)
                found_in.add(query)
        item.spread = math.log((queries_with_results + 1) / max(1, len(found_in)))
    ranked = sorted(ideas.values(), key=Idea.sort_key)
    return ranked[:limit] if limit else ranked
