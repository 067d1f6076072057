"""How well a page covers a keyword: its words in the title, H1, meta description, opening and body.

Matching uses search-mode words, so 营销 is found inside 网络营销; a keyword word that jieba only
guessed (HMM, not in the dictionary) is matched as text instead, because its segmentation is not stable
across contexts. Counting uses precise-mode words. Chinese is measured in characters, not in
whitespace-separated words.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from seowatch.keywords.normalize import chinese_char_count, normalize, normalize_passage
from seowatch.keywords.tokenize import Tokenizer

LEAD_CHARS = 200  # "the first 200 characters of body text"
FIELDS = ("title", "h1", "description", "lead", "body")
FIELD_LABELS = {"title": "title", "h1": "H1", "description": "meta description", "lead": "first 200 chars",
                "body": "body"}


@dataclass(frozen=True)
class PageText:
    """The texts of a page that coverage looks at (visible body text with line breaks between blocks)."""

    title: str = ""
    h1: tuple[str, ...] = ()
    description: str = ""
    body: str = ""

    @property
    def lead(self) -> str:
        """The first LEAD_CHARS characters of the body text, spaces folded."""
        return " ".join(self.body.split())[:LEAD_CHARS]

    def field(self, name: str) -> str:
        if name == "h1":
            return "\n".join(self.h1)
        return getattr(self, name)


@dataclass(frozen=True)
class FieldCoverage:
    found: tuple[str, ...]  # keyword words present in the field
    missing: tuple[str, ...]
    phrase: bool  # the whole keyword (normalized) appears as written

    @property
    def complete(self) -> bool:
        return not self.missing


@dataclass(frozen=True)
class Coverage:
    keyword: str
    normalized: str
    tokens: tuple[str, ...]  # the keyword's content words (precise mode, stop words dropped)
    fields: Mapping[str, FieldCoverage] = field(default_factory=dict)
    phrase_count: int = 0  # times the whole keyword appears in the body
    occurrences: int = 0  # body words (precise mode) that are or contain a keyword word
    body_words: int = 0  # words in the body (precise mode, punctuation and spaces excluded)
    chinese_chars: int = 0  # Chinese characters in the body
    body_chars: int = 0  # characters of body text, whitespace excluded

    @property
    def density(self) -> float:
        """Share of the body's words that carry a keyword word (0..1)."""
        return self.occurrences / self.body_words if self.body_words else 0.0

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["fields"] = {k: asdict(v) for k, v in self.fields.items()}
        d["density"] = round(self.density, 4)
        return d

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Coverage:
        fields = {k: FieldCoverage(tuple(v["found"]), tuple(v["missing"]), bool(v["phrase"]))
                  for k, v in (d.get("fields") or {}).items()}
        return cls(d["keyword"], d["normalized"], tuple(d["tokens"]), fields, d.get("phrase_count", 0),
                   d.get("occurrences", 0), d.get("body_words", 0), d.get("chinese_chars", 0), d.get("body_chars", 0))


class _Field:
    """One field's normalized text and search-mode words, computed once."""

    def __init__(self, tokenizer: Tokenizer, text: str):
        self.text = normalize_passage(text)
        self.words = tokenizer.cut_passage(text) if text else []
        self.search = {p for w in set(self.words) for p in tokenizer.parts(w)}

    def has(self, token: str, known: bool) -> bool:
        return token in self.search or (not known and token in self.text)


def coverage(keyword: str, page: PageText, tokenizer: Tokenizer) -> Coverage:
    """Which of the keyword's words appear where on the page, the exact phrase, and the body's density."""
    norm = normalize(keyword)
    tokens = tuple(dict.fromkeys(tokenizer.terms(keyword)))
    known = {t: tokenizer.is_known(t) for t in tokens}
    fields: dict[str, FieldCoverage] = {}
    body: _Field | None = None
    for name in FIELDS:
        f = _Field(tokenizer, page.field(name))
        if name == "body":
            body = f
        found = tuple(t for t in tokens if f.has(t, known[t]))
        missing = tuple(t for t in tokens if t not in found)
        fields[name] = FieldCoverage(found, missing, bool(norm) and norm in f.text)
    assert body is not None
    token_set = set(tokens)
    occurrences = sum(1 for w in body.words if not token_set.isdisjoint(tokenizer.parts(w)))
    return Coverage(
        keyword=keyword,
        normalized=norm,
        tokens=tokens,
        fields=fields,
        phrase_count=body.text.count(norm) if norm else 0,
        occurrences=occurrences,
        body_words=len(body.words),
        chinese_chars=chinese_char_count(page.body),
        body_chars=sum(len(part) for part in page.body.split()),
    )
