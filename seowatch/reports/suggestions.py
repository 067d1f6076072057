"""Optimization suggestions for a report: what to fix first, each with the data that produced it.

`suggest(...)` is pure. Its inputs are plain data read up to the report's day (seowatch.reports.
suggestion_data reads them from the store): the report's keyword rows, the latest landing-page audits
(our ranking page, our target page, the top competitors), the audits before those, the partner links
lost since the last report and keyword ideas. Nothing is derived from an unknown check: a keyword
whose check failed today is never called "not ranked", and an audit that could not fetch a page says
only that (one `page_error` per page, however many keywords land on it).

Kinds (stable codes):
    page_error, page_redirects, page_noindex, page_canonical_elsewhere   our page, one per URL
    missing_tokens_title / _h1 / _description   keyword words the pages above us have there and we lack
    title_too_long       longer than the engine shows (per engine, one per URL)
    thin_content         our text under half the median of the top results' (audited competitors), in characters
    cannibalization      two of our pages compete: which to keep and why
    partner_link_lost    a partner link to one of our pages stopped passing value
    no_page_covers_keyword   not ranked, and no page of ours has the keyword's words in its title or H1
    keyword_idea         an idea from related searches / the top results, not yet tracked

Impact orders the list:

    impact = 100 x weight x stake x severity      (summed over the keywords a page problem touches)

- weight: the keyword's search volume divided by the median known volume of the report's keywords;
  1 for a keyword without volume (and for all when no volume is known).
- stake: the click-through share in play, on the CTR curve of seowatch.reports.metrics: ctr of the
  best of today's position and the position it is compared with (what the page holds, or held before
  a drop) over the engines where the page ranks, never less than ctr(10): reaching page 1 is what a
  lower or unranked keyword is worth. An unknown check today counts with its last known position.
- severity: how surely the problem costs those clicks (SEVERITY in suggestion_basis: 1 for an HTTP
  error or noindex, 0.8 for a page that could not be fetched, down to 0.1 for an idea; the missing-token
  kinds are scaled by the share of the pages above us that have the words, thin content by how much
  thinner we are).

So a typical keyword whose #1 page is noindexed scores 28; a #3 page whose title lacks the keyword
that the pages above it have, 5; an idea at most 0.2.

Title length: measured as the audit measures it (seowatch.crawlers.pageaudit.display_width: a Chinese
or full-width character is 2, any other 1), against twice the engine's `report.title_max_chars`, which
counts Chinese characters: Baidu's 30 is the audit's width 60, and 30 Chinese or 60 Latin characters pass.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from seowatch.keywords.ideas import Idea
from seowatch.reports.model import KeywordRow, Suggestion
from seowatch.reports.partner_changes import LostLink
from seowatch.reports.suggest_content import missing_tokens, our_page, pages_above, thin_content
from seowatch.reports.suggest_keywords import cannibalization, keyword_ideas, partner_links, uncovered_keywords
from seowatch.reports.suggest_pages import page_problems
from seowatch.reports.suggestion_basis import KINDS, MAX_IDEAS, ROLE_OURS, ROLE_TARGET, Impact, Key, PageFacts


def suggest(
    rows: Sequence[KeywordRow],
    audits: Sequence[PageFacts],
    previous_audits: Mapping[tuple[int, str], PageFacts],
    lost_links: Sequence[LostLink],
    ideas: Sequence[Idea],
    config: Any,
    *,
    targets: Mapping[int, str] | None = None,
    own_positions: Mapping[Key, Sequence[tuple[int, str]]] | None = None,
    tokenizer: Any | None = None,
    max_ideas: int = MAX_IDEAS,
) -> list[Suggestion]:
    """Every suggestion the data supports, highest impact first.

    rows: the report's keyword rows; audits: the latest audit of each (keyword, page) up to the report's
    day; previous_audits: the audit before each, by (keyword id, url); lost_links: partner links lost
    since the last report; ideas: keyword ideas, best first; config: `title_max_chars` {engine: Chinese
    characters} (a ReportConfig); targets: {keyword id: its configured target URL}; own_positions: our
    (position, url) results on today's check of each key (cannibalized keys need them); tokenizer: the
    jieba tokenizer, for the words of keywords no page covers (without it that kind is skipped).
    """
    impact = Impact(rows)
    ours = [a for a in audits if a.role in (ROLE_OURS, ROLE_TARGET)]
    out = page_problems(ours, impact, dict(config.title_max_chars))
    by_keyword: dict[int, list[PageFacts]] = defaultdict(list)
    for a in audits:
        by_keyword[a.keyword_id].append(a)
    for kid, pages in by_keyword.items():
        page = our_page(pages)
        if page is None or not page.readable:
            continue  # an error page is one page_error, nothing more
        previous = previous_audits.get((kid, page.url))
        out += missing_tokens(page, pages_above(page, pages), previous, impact)
        out += thin_content(page, pages, previous, impact)
    out += cannibalization(rows, impact, targets or {}, own_positions or {}, ours)
    out += uncovered_keywords(impact, ours, tokenizer)
    out += partner_links(lost_links, impact)
    out += keyword_ideas(ideas, max_ideas)
    return ordered(out)


def ordered(suggestions: Sequence[Suggestion]) -> list[Suggestion]:
    """Highest impact first; ties by kind (the more certain problem first), keyword and URL."""
    rank = {k: i for i, k in enumerate(KINDS)}
    return sorted(suggestions, key=lambda s: (-s.impact, rank.get(s.kind, len(rank)), s.keyword or "", s.url or ""))
