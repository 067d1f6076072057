"""Keyword lists made tidy: variants folded (and reported), keywords grouped into topics by shared head terms.

A *head term* is a short core word that several longer keywords share: 整合营销 heads 整合营销方案 and
整合营销公司. Topics are formed greedily, most specific term first (longer terms before shorter ones,
Chinese characters counting double), so 整合营销 forms its own topic before the broader 营销 gathers
what is left. A group given in the config always wins: its keywords stay in it, and an ungrouped keyword that
contains a whole word of exactly one configured group's keywords joins that group.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from seowatch.keywords.normalize import normalize
from seowatch.keywords.tokenize import Tokenizer

SOURCE_CONFIG = "config"  # a group named in the config
SOURCE_SHARED = "shared"  # keywords sharing a head term
SOURCE_SINGLE = "single"  # a keyword that shares no head term with another

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_DIGITS = re.compile(r"^[\d.%\-]+$")


@dataclass(frozen=True)
class Variant:
    """A keyword entered twice in different spellings: `text` is folded into `kept`."""

    text: str
    kept: str
    normalized: str


@dataclass(frozen=True)
class Deduped:
    keywords: tuple[str, ...]  # first spelling of each distinct keyword, in input order
    variants: tuple[Variant, ...]


def dedupe(texts: Iterable[str]) -> Deduped:
    """Distinct keywords by normalized form; every later spelling is reported as a variant, never dropped silently."""
    kept: dict[str, str] = {}
    variants: list[Variant] = []
    for text in texts:
        norm = normalize(text)
        if not norm:
            continue
        if norm in kept:
            variants.append(Variant(text, kept[norm], norm))
        else:
            kept[norm] = text
    return Deduped(tuple(kept.values()), tuple(variants))


@dataclass(frozen=True)
class Topic:
    name: str
    keywords: tuple[str, ...]  # as entered
    source: str  # SOURCE_CONFIG, SOURCE_SHARED or SOURCE_SINGLE
    head: str | None = None  # the shared head term (None for a configured group nobody joined)
    joined: tuple[str, ...] = ()  # keywords without a configured group that joined this configured one


@dataclass(frozen=True)
class Grouping:
    topics: tuple[Topic, ...]
    variants: tuple[Variant, ...]


def head_terms(tokenizer: Tokenizer, keyword: str, *, inner: bool = True) -> tuple[str, ...]:
    """The terms a keyword can share: its content words and (with `inner`) the dictionary words
    inside them, without stop words, single characters and bare numbers."""
    out: list[str] = []
    for word in tokenizer.terms(keyword):
        for part in tokenizer.parts(word) if inner else (word,):
            if part in out or len(part) < 2 or tokenizer.is_stop(part) or _DIGITS.match(part):
                continue
            out.append(part)
    return tuple(out)


def specificity(term: str) -> int:
    """How specific a term is: its length, Chinese characters counting double (3 letters ~ 2 汉字)."""
    return len(term) + len(_CJK.findall(term))


def group_keywords(
    keywords: Sequence[tuple[str, str | None]],
    tokenizer: Tokenizer,
) -> Grouping:
    """Topics for (keyword, configured group or None) pairs; variants are folded first and reported."""
    deduped = dedupe(k for k, _ in keywords)
    group_of: dict[str, str | None] = {}
    for text, group in keywords:
        norm = normalize(text)
        if norm and (group_of.get(norm) is None):
            group_of[norm] = (group or "").strip() or None
    texts = list(deduped.keywords)
    norms = [normalize(t) for t in texts]
    configured: dict[str, list[int]] = {}
    for i, norm in enumerate(norms):
        if group_of.get(norm):
            configured.setdefault(group_of[norm], []).append(i)
    # A configured keyword lends only its whole words: 整合营销方案 joins the group of 整合营销,
    # but the broad 营销 inside 整合营销 does not pull every other 营销 keyword into that group.
    terms = [head_terms(tokenizer, t, inner=group_of.get(norms[i]) is None) for i, t in enumerate(texts)]
    config_of: dict[int, str] = {i: g for g, idx in configured.items() for i in idx}
    assigned: dict[int, str] = dict(config_of)

    postings: dict[str, list[int]] = {}
    first_seen: dict[str, int] = {}
    for i, ts in enumerate(terms):
        for t in ts:
            postings.setdefault(t, []).append(i)
            first_seen.setdefault(t, len(first_seen))
    order = sorted(postings, key=lambda t: (-specificity(t), -len(postings[t]), first_seen[t]))

    joined: dict[str, list[int]] = {}
    shared: list[tuple[str, list[int]]] = []
    for term in order:
        members = [i for i in postings[term] if i not in assigned]
        if not members:
            continue
        groups = {config_of[i] for i in postings[term] if i in config_of}
        if len(groups) == 1:
            group = groups.pop()
            joined.setdefault(group, []).extend(members)
            for i in members:
                assigned[i] = group
            continue
        if len(members) >= 2:
            shared.append((term, members))
            for i in members:
                assigned[i] = term

    topics: list[Topic] = []
    for group, idx in configured.items():
        extra = joined.get(group, [])
        members = sorted(idx + extra)
        topics.append(Topic(group, tuple(texts[i] for i in members), SOURCE_CONFIG,
                             joined=tuple(texts[i] for i in sorted(extra))))
    names = {t.name for t in topics}
    for term, members in sorted(shared, key=lambda s: (-len(s[1]), s[1][0])):
        name = term if term not in names else f"{term} (shared)"
        topics.append(Topic(name, tuple(texts[i] for i in members), SOURCE_SHARED, head=term))
    for i, text in enumerate(texts):
        if i not in assigned:
            topics.append(Topic(text, (text,), SOURCE_SINGLE))
    return Grouping(tuple(topics), deduped.variants)
