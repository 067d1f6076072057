"""Suggestions about keywords as a whole: cannibalization, uncovered keywords, lost partner links, ideas.

Two of our pages competing for a keyword, a keyword no page of ours covers, a partner link to one of
our pages lost since the last report, and new keyword ideas worth tracking.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

from seowatch.crawlers.matching import canonical_url, domain_of
from seowatch.keywords.ideas import SOURCE_RELATED, Idea
from seowatch.keywords.normalize import normalize_passage
from seowatch.reports.alert_render import PARTNER_STATUS_WORDS
from seowatch.reports.model import CANNIBALIZED, KeywordRow, Suggestion
from seowatch.reports.partner_changes import LostLink
from seowatch.reports.suggestion_basis import (
    CANNIBALIZATION,
    KEYWORD_IDEA,
    MAX_IDEAS,
    NO_PAGE,
    OPPORTUNITY,
    PARTNER_LINK_LOST,
    ROLE_TARGET,
    SEVERITY,
    Impact,
    Key,
    PageFacts,
    engine_name,
    known,
    short_url,
    words,
)

# What to ask a partner for, by the most severe status of its check.
ASKS = {
    "unreachable": "fix its page, which could not be reached, or restore our link to {target} elsewhere",
    "http_error": "fix its page, which answers an HTTP error, or restore our link to {target} elsewhere",
    "link_missing": "restore its link to {target}",
    "robots_blocked": "let engines crawl the page with our link to {target} (robots.txt blocks it)",
    "noindex": "let engines index the page with our link to {target} (remove its noindex)",
    "hidden": "make its link to {target} visible",
    "nofollow": "remove the nofollow from its link to {target}",
    "canonical_elsewhere": "point its page's canonical to the page itself, where our link to {target} is",
}
IDEA_MIN_SCORE = 1.0  # one related-search list, or a strong term of the top results


# --- two of our pages compete -------------------------------------------------------------------------


def cannibalization(rows: Sequence[KeywordRow], impact: Impact, targets: Mapping[int, str],
                    own_positions: Mapping[Key, Sequence[tuple[int, str]]],
                    ours: Sequence[PageFacts] = ()) -> list[Suggestion]:
    """One suggestion per keyword whose rows say cannibalized today: both URLs, which to keep and why."""
    by_kw: dict[int, list[KeywordRow]] = {}
    for r in rows:
        if CANNIBALIZED in r.categories and known(r):
            by_kw.setdefault(r.keyword_id, []).append(r)
    out = []
    for kid, krows in by_kw.items():
        pages: dict[str, dict[str, Any]] = {}

        def add(url: str | None, row: KeywordRow, position: int | None, day: Any = None) -> None:
            if not url:
                return
            page = pages.setdefault(canonical_url(url) or url, {"url": url, "today": {}, "earlier": []})
            if day is None:
                best = page["today"].get(row.engine)
                page["today"][row.engine] = min(best, position) if best and position else (best or position)
            elif not page["today"]:
                seen = {"engine": row.engine, "day": day, "position": position}
                if seen not in page["earlier"]:
                    page["earlier"].append(seen)

        for r in krows:
            for pos, url in own_positions.get((kid, r.engine, r.device), ()):
                add(url, r, pos)
            if r.today.status == "ranked":
                add(r.today.url, r, r.today.position)
        for r in krows:
            for o in (r.previous, r.baseline):
                if o is not None and o.status == "ranked":
                    add(o.url, r, o.position, o.day)
        if len(pages) < 2:
            continue
        out.append(_cannibalization(krows[0].keyword, kid, list(pages.values()), impact, targets.get(kid), ours))
    return out


def _home(url: str) -> bool:
    """A site's home page, which is never merged or redirected away."""
    parts = urlsplit(url)
    return parts.path in ("", "/") and not parts.query


def _cannibalization(keyword: str, kid: int, pages: list[dict[str, Any]], impact: Impact, target: str | None,
                     ours: Sequence[PageFacts]) -> Suggestion:
    def best(p: dict[str, Any]) -> int:
        return min((v for v in p["today"].values() if v), default=10**6)

    pages.sort(key=best)
    keep = next((p for p in pages if target and canonical_url(p["url"]) == canonical_url(target)), None)
    if keep is not None:
        reason = "it is the keyword's configured target page"
    else:
        keep = pages[0]
        other_best = best(pages[1])
        reason = (f"it ranks higher (#{best(keep)} against #{other_best})" if other_best < 10**6
                  else f"it ranks today (#{best(keep)}); the other ranked before")
    others = [p for p in pages if p is not keep]

    def seen(p: dict[str, Any]) -> str:
        if p["today"]:
            return ", ".join(f"{engine_name(e)} #{v}" for e, v in p["today"].items() if v)
        return ", ".join(f"{engine_name(e['engine'])} #{e['position']} on {e['day'].isoformat()}" for e in p["earlier"])

    listing = "; ".join(f"{short_url(p['url'])} ({seen(p)})" for p in pages)
    keep_url = short_url(keep["url"])
    sentences = [f"Two of our pages compete for “{keyword}”: {listing}.", f"Keep {keep_url} because {reason}."]
    evidence: dict[str, Any] = {"pages": pages, "keep": keep["url"], "reason": reason, "target": target}
    kept = next((a for a in ours if canonical_url(a.url) == canonical_url(keep["url"]) and a.canonical_elsewhere), None)
    if kept is not None:
        sentences.append(f"Its canonical points to {short_url(kept.canonical)}: point it to the page itself first.")
        evidence["keep_canonical"] = kept.canonical
    homes = [p for p in others if _home(p["url"])]
    inner = [p for p in others if not _home(p["url"])]
    if homes:
        sentences.append(f"From the home page, link to {keep_url} with the anchor “{keyword}”, and keep the home "
                         "page's title about the site as a whole.")
    if inner:
        names = " and ".join(short_url(p["url"]) for p in inner)
        sentences.append(f"Add a link from {names} to {keep_url} with the anchor “{keyword}”; if "
                         f"{'they say' if len(inner) > 1 else 'it says'} the same thing, merge and 301-redirect.")
    message = " ".join(sentences)
    engines = {r.engine for r in impact.rows.get(kid, []) if CANNIBALIZED in r.categories}
    return Suggestion(
        kind=CANNIBALIZATION, keyword=keyword, engine=next(iter(engines)) if len(engines) == 1 else None,
        message=message, evidence=evidence, impact=round(impact.of(kid, SEVERITY[CANNIBALIZATION]), 2),
        url=keep["url"],
    )


# --- a keyword no page of ours covers -----------------------------------------------------------------


class _Headings:
    """Our pages' titles and H1s as words, indexed, matched the way seowatch.keywords.coverage matches
    (a word jieba only guessed is looked for in the text instead, its segmentation being unstable)."""

    def __init__(self, tokenizer: Any, pages: Sequence[PageFacts]):
        self.pages = list(pages)
        self.texts: list[str] = []
        self.index: dict[str, set[int]] = defaultdict(set)
        for i, p in enumerate(self.pages):
            text = "\n".join([p.title or "", *p.h1])
            self.texts.append(normalize_passage(text))
            for w in tokenizer.cut_passage(text) if text.strip() else ():
                for part in tokenizer.parts(w):
                    self.index[part].add(i)

    def having(self, token: str, in_dictionary: bool) -> set[int]:
        if in_dictionary:
            return self.index.get(token, set())
        return self.index.get(token, set()) | {i for i, t in enumerate(self.texts) if token in t}


def uncovered_keywords(impact: Impact, ours: Sequence[PageFacts], tokenizer: Any | None) -> list[Suggestion]:
    """Keywords not ranked on any engine checked today (unknown checks say nothing) for which none of our
    audited pages has all the keyword's words in its title or H1: create a page, or retarget the closest.
    A keyword whose own page is in error is left to that page's page_error."""
    if tokenizer is None:
        return []
    unique: dict[str, PageFacts] = {}
    broken = set()  # keywords whose page of ours is in error: its page_error says what to do
    for p in ours:
        if p.readable:
            unique.setdefault(canonical_url(p.url) or p.url, p)
        else:
            broken.add(p.keyword_id)
    if not unique:
        return []  # no page of ours audited: nothing is known about what our pages cover
    heads: _Headings | None = None
    out = []
    for kid, krows in impact.rows.items():
        checked = [r for r in krows if known(r)]
        if not checked or any(r.today.status == "ranked" for r in checked) or kid in broken:
            continue
        keyword = krows[0].keyword
        tokens = tuple(dict.fromkeys(tokenizer.terms(keyword)))
        if not tokens:
            continue
        heads = heads or _Headings(tokenizer, list(unique.values()))
        has = {t: heads.having(t, tokenizer.is_known(t)) for t in tokens}
        if set.intersection(*has.values()):
            continue  # a page of ours has every word in its title or H1
        counts = Counter(i for pages in has.values() for i in pages)
        best = max(counts, key=lambda i: (counts[i], heads.pages[i].keyword_id == kid
                                          and heads.pages[i].role == ROLE_TARGET, -i), default=None)
        depths = ", ".join(f"{engine_name(r.engine)} to #{r.today.depth_scanned}" for r in checked)
        message = (f"We do not rank for “{keyword}” ({depths}) and none of our audited pages has {words(tokens)} "
                   "in its title or H1: ")
        evidence: dict[str, Any] = {
            "tokens": list(tokens),
            "not_ranked": [{"engine": r.engine, "device": r.device, "depth_scanned": r.today.depth_scanned,
                            "day": r.today.day} for r in checked],
            "pages_checked": len(heads.pages), "best_page": None,
        }
        if best is not None:
            p = heads.pages[best]
            found = [t for t in tokens if best in has[t]]
            missing = [t for t in tokens if best not in has[t]]
            message += (f"create a page for it, or retarget {short_url(p.url)}, whose title or H1 has {words(found)} "
                        f"but not {words(missing)} (title “{p.title or ''}”).")
            evidence["best_page"] = {"url": p.url, "title": p.title, "h1": list(p.h1), "has": found, "lacks": missing}
        else:
            message += "create a page for it, with the keyword in its title and H1, and link to it from related pages."
        out.append(Suggestion(
            kind=NO_PAGE, keyword=keyword, engine=checked[0].engine if len({r.engine for r in checked}) == 1 else None,
            message=message, evidence=evidence, impact=round(impact.of(kid, SEVERITY[NO_PAGE]), 2),
            url=evidence["best_page"]["url"] if evidence["best_page"] else None,
        ))
    return out


# --- a partner link lost ------------------------------------------------------------------------------


def partner_links(lost: Sequence[LostLink], impact: Impact) -> list[Suggestion]:
    """A partner link that stopped passing value since the last report, with what its target ranks for."""
    out = []
    severity = SEVERITY[PARTNER_LINK_LOST]
    for link in lost:
        kws = impact.ranking_for(link.our_url) if link.our_url else []
        what = ", ".join(PARTNER_STATUS_WORDS.get(s, s) for s in link.statuses)
        host = domain_of(link.partner_page) or short_url(link.partner_page)
        target = short_url(link.our_url) if link.our_url else "our site"
        headline = next((s for s in link.statuses if s in ASKS), None)
        ask = ASKS.get(headline, "restore its link to {target}").format(target=target)
        message = f"Ask {host} to {ask}: {what} on {link.day.isoformat()}"
        message += f" (last seen working on {link.last_seen_ok.isoformat()})." if link.last_seen_ok else "."
        if kws:
            message += " That page ranks for " + "; ".join(
                f"{impact.rows[k][0].keyword} ({impact.label(k, link.our_url)})" for k in kws) + "."
        if link.contact:
            message += f" Contact: {link.contact}."
        value = sum(impact.of(k, severity, link.our_url) for k in kws) if kws else 100.0 * OPPORTUNITY * severity
        out.append(Suggestion(
            kind=PARTNER_LINK_LOST, keyword=impact.rows[kws[0]][0].keyword if len(kws) == 1 else None, engine=None,
            message=message, impact=round(value, 2), url=link.our_url,
            evidence={
                "partner_page": link.partner_page, "our_url": link.our_url, "statuses": list(link.statuses),
                "day": link.day, "partner_evidence": list(link.evidence[:3]), "last_seen_ok": link.last_seen_ok,
                "contact": link.contact,
                "keywords": [{"keyword": impact.rows[k][0].keyword, "positions": impact.where(k, link.our_url)}
                             for k in kws],
            },
        ))
    return out


# --- keyword ideas ------------------------------------------------------------------------------------


def keyword_ideas(ideas: Sequence[Idea], limit: int = MAX_IDEAS) -> list[Suggestion]:
    """The best ideas not yet tracked (ideas come ranked; an idea needs a related-search list or a strong term)."""
    out = []
    for idea in [i for i in ideas if i.score >= IDEA_MIN_SCORE][:limit]:
        names = [engine_name(e) for e in sorted(idea.engines)]
        engines = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        queries = words(sorted(idea.queries))
        if SOURCE_RELATED in idea.sources:
            why = f"{engines} list{'s' if len(idea.engines) == 1 else ''} it among the related searches of {queries}"
        else:
            why = f"it is a frequent term of the top results for {queries}"
        if idea.results:
            why += f", and {idea.results} top result{'s' if idea.results > 1 else ''} mention it"
        out.append(Suggestion(
            kind=KEYWORD_IDEA, keyword=idea.text, engine=None,
            message=f"Consider tracking “{idea.text}”: {why}.", evidence=idea.to_dict(),
            impact=round(100.0 * OPPORTUNITY * SEVERITY[KEYWORD_IDEA] * min(1.0, idea.score / 2), 2),
        ))
    return out
