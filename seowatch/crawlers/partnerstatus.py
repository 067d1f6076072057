"""Deciding a partner check: which statuses hold, each with the evidence a partner cannot dispute.

`decide(...)` is pure: the partner's spec, what the fetches returned and what `analyse_page` read
in, a `Decision` out. More than one status can hold (a link can be both nofollow and hidden); `ok`
holds only alone. Unreachable (DNS, refused, timeout) and HTTP errors are told apart, and both
transient kinds (unreachable, 5xx, 408, 429) are marked so the history rule can wait for them to
persist before calling a partner lost.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from seowatch.crawlers.backlinks import HIDDEN_COMMENT, HIDDEN_NOSCRIPT, Link, PageAnalysis
from seowatch.crawlers.matching import SiteMatcher, canonical_url, domain_of, url_host
from seowatch.crawlers.robots import RobotsRules
from seowatch.keywords.normalize import normalize

OK = "ok"
LINK_MISSING = "link_missing"
NOFOLLOW = "nofollow"
HIDDEN = "hidden"
NOINDEX = "noindex"
ROBOTS_BLOCKED = "robots_blocked"
CANONICAL_ELSEWHERE = "canonical_elsewhere"
ANCHOR_CHANGED = "anchor_changed"
WRONG_TARGET = "wrong_target"
HTTP_ERROR = "http_error"
UNREACHABLE = "unreachable"

# Most severe first: the first status a check holds is its headline.
STATUSES = (
    UNREACHABLE, HTTP_ERROR, LINK_MISSING, ROBOTS_BLOCKED, NOINDEX, HIDDEN, NOFOLLOW,
    CANONICAL_ELSEWHERE, WRONG_TARGET, ANCHOR_CHANGED, OK,
)
# The link is there and passes value, only not as agreed: reported, but the partner is not lost.
WARNINGS = frozenset({ANCHOR_CHANGED, WRONG_TARGET})
TRANSIENT_HTTP = frozenset({408, 429})

# Whose robots directives count: the generic ones, Baidu's and Google's.
ROBOT_NAMES = ("robots", "baiduspider", "googlebot")


@dataclass(frozen=True)
class PartnerTarget:
    """What a check must find: the partner page, our site, and the agreed link."""

    page: str
    domain: str  # our site's domain
    match: str = "domain"  # how links count as ours (SiteMatcher)
    target: str | None = None  # the URL of ours it must link to; None: any URL on our domain
    anchor: str | None = None  # the agreed anchor text
    our_page: str | None = None  # our page linking back to the partner

    def matcher(self) -> SiteMatcher:
        return SiteMatcher(self.domain, self.match)


@dataclass(frozen=True)
class Fetch:
    """One page fetch as the spider saw it: redirects followed, failure named when unreachable."""

    url: str  # as requested
    final_url: str | None = None
    status: int | None = None  # HTTP status of the final response; None when unreachable
    redirects: tuple[str, ...] = ()  # "301 http://a/ -> http://b/" per hop
    elapsed_ms: int | None = None
    failure: str | None = None  # dns_error, connection_refused, timeout, connection_lost ...
    failure_detail: str | None = None
    attempts: int = 1

    @property
    def unreachable(self) -> bool:
        return self.failure is not None

    @property
    def served(self) -> bool:
        """A page came back that can be read (2xx)."""
        return self.failure is None and self.status is not None and 200 <= self.status < 300

    def to_dict(self) -> dict[str, Any]:
        return {
            "url": self.url, "final_url": self.final_url, "status": self.status,
            "redirects": list(self.redirects), "elapsed_ms": self.elapsed_ms, "failure": self.failure,
            "failure_detail": self.failure_detail, "attempts": self.attempts,
        }


@dataclass(frozen=True, slots=True)
class Evidence:
    status: str
    text: str  # what holds, in words
    snippet: str | None = None  # the tag, the header, the robots line

    def to_dict(self) -> dict[str, Any]:
        return {"status": self.status, "text": self.text, "snippet": self.snippet}


@dataclass(frozen=True)
class Decision:
    statuses: tuple[str, ...]
    evidence: tuple[Evidence, ...]
    transient: bool  # a failure that may pass (unreachable, 5xx, 408, 429)
    link: Link | None = None  # the best link to us that was found
    found_on: str | None = None  # the URL of the page the link was judged on
    links_to_us: int = 0
    reciprocal: bool | None = None  # our page links back (None: not configured or not readable)
    reciprocal_evidence: str | None = None
    notes: tuple[str, ...] = field(default=())

    @property
    def status(self) -> str:
        """The headline: the most severe status that holds."""
        return self.statuses[0]

    @property
    def failed(self) -> bool:
        """The swap lost its value (a warning such as anchor_changed alone is not a failure)."""
        return any(s != OK and s not in WARNINGS for s in self.statuses)


def _order(statuses: set[str]) -> tuple[str, ...]:
    return tuple(s for s in STATUSES if s in statuses) or (OK,)


def fetch_failure(fetch: Fetch) -> Decision | None:
    """The decision when the partner page could not be read at all, else None."""
    if fetch.unreachable:
        tries = f" after {fetch.attempts} attempts" if fetch.attempts > 1 else ""
        detail = f": {fetch.failure_detail}" if fetch.failure_detail else ""
        ev = Evidence(UNREACHABLE, f"{fetch.failure}{tries}", f"{fetch.url}{detail}"[:500])
        return Decision((UNREACHABLE,), (ev,), transient=True)
    if not fetch.served:
        status = fetch.status or 0
        chain = " ; ".join(fetch.redirects)
        where = fetch.final_url or fetch.url
        ev = Evidence(HTTP_ERROR, f"HTTP {status} for {where}", chain or None)
        return Decision((HTTP_ERROR,), (ev,), transient=status >= 500 or status in TRANSIENT_HTTP)
    return None


def _nofollow_tokens(content: str) -> set[str]:
    return {t.strip().lower() for t in content.replace(";", ",").split(",") if t.strip()}


def page_findings(analysis: PageAnalysis, page_url: str, robots: RobotsRules | None) -> list[Evidence]:
    """Page-level statuses: noindex (meta or header), page-level nofollow, robots.txt, canonical."""
    out: list[Evidence] = []
    for meta in analysis.meta_robots:
        if meta.name not in ROBOT_NAMES:
            continue
        tokens = _nofollow_tokens(meta.content)
        if tokens & {"noindex", "none"}:
            out.append(Evidence(NOINDEX, f'meta {meta.name}: "{meta.content}"', meta.markup))
        if tokens & {"nofollow", "none"}:
            out.append(Evidence(NOFOLLOW, f'meta {meta.name}: "{meta.content}" (every link on the page)', meta.markup))
    for value in analysis.x_robots_tag:
        bot, directives = _x_robots(value)
        if bot is not None and bot not in ROBOT_NAMES:
            continue
        tokens = _nofollow_tokens(directives)
        if tokens & {"noindex", "none"}:
            out.append(Evidence(NOINDEX, "X-Robots-Tag header", f"X-Robots-Tag: {value}"))
        if tokens & {"nofollow", "none"}:
            out.append(Evidence(NOFOLLOW, "X-Robots-Tag header (every link on the page)", f"X-Robots-Tag: {value}"))
    if robots is not None:
        for verdict in robots.blocked(page_url):
            out.append(Evidence(ROBOTS_BLOCKED, f"robots.txt disallows the page for {verdict.agent}", verdict.evidence))
    if analysis.canonical and canonical_url(analysis.canonical) != canonical_url(page_url):
        out.append(Evidence(CANONICAL_ELSEWHERE, f"canonical points to {analysis.canonical}", analysis.canonical_markup))
    return out


def _x_robots(value: str) -> tuple[str | None, str]:
    """('googlebot', 'noindex') for 'googlebot: noindex'; (None, value) when no bot is named."""
    head, sep, rest = value.partition(":")
    if sep and head.strip() and " " not in head.strip() and "," not in head:
        name = head.strip().lower()
        if name not in ("unavailable_after", "max-snippet", "max-image-preview", "max-video-preview"):
            return name, rest
    return None, value


def _anchor_ok(link: Link, agreed: str | None) -> bool:
    if not agreed:
        return True
    want = normalize(agreed)
    return normalize(link.anchor) == want or (link.img_alt is not None and normalize(link.img_alt) == want)


def _target_ok(link: Link, target: str | None) -> bool:
    return target is None or canonical_url(link.url) == canonical_url(target)


def best_link(links: list[Link], spec: PartnerTarget) -> Link | None:
    """The link that speaks best for the partner: visible, followed, to the agreed URL, with the
    agreed anchor, in that order of importance."""
    if not links:
        return None
    return max(
        links,
        key=lambda link: (
            link.hidden is None, not link.nofollow_tokens, _target_ok(link, spec.target), _anchor_ok(link, spec.anchor),
        ),
    )


def link_findings(link: Link, spec: PartnerTarget) -> list[Evidence]:
    out: list[Evidence] = []
    if link.hidden is not None:
        where = {
            HIDDEN_COMMENT: "inside an HTML comment", HIDDEN_NOSCRIPT: "inside <noscript>",
        }.get(link.hidden, "in an element hidden by inline CSS / the hidden attribute")
        line = f" (line {link.line})" if link.line else ""
        out.append(Evidence(HIDDEN, f"our link is {where}{line}", link.hidden_by))
    if link.nofollow_tokens:
        out.append(Evidence(NOFOLLOW, f'rel="{" ".join(link.rel)}" on our link', link.markup))
    if not _target_ok(link, spec.target):
        out.append(Evidence(WRONG_TARGET, f"links to {link.url}, agreed {spec.target}", link.markup))
    if not _anchor_ok(link, spec.anchor):
        shown = link.anchor or (f"image alt {link.img_alt!r}" if link.img_alt else "(no text)")
        out.append(Evidence(ANCHOR_CHANGED, f'anchor "{shown}", agreed "{spec.anchor}"', link.markup))
    return out


def reciprocal_link(spec: PartnerTarget, our: Fetch | None, analysis: PageAnalysis | None) -> tuple[bool | None, str | None]:
    """Whether our page still links to the partner (any live link to the partner's domain)."""
    if not spec.our_page or our is None:
        return None, None
    failed = fetch_failure(our)
    if failed is not None or analysis is None:
        return None, f"our page could not be read: {failed.evidence[0].text if failed else 'no content'}"
    partner = SiteMatcher(url_host(spec.page) or spec.page, "domain")
    live = [link for link in analysis.links if link.hidden != HIDDEN_COMMENT and link.url
            and partner.is_own_host(url_host(link.url))]
    if live:
        return True, f"{spec.our_page} links to {live[0].url}"
    return False, f"{spec.our_page} has no link to {domain_of(spec.page)}"


def decide(
    spec: PartnerTarget,
    page: Fetch,
    analysis: PageAnalysis | None,
    robots: RobotsRules | None = None,
    *,
    home: Fetch | None = None,
    home_analysis: PageAnalysis | None = None,
    our: Fetch | None = None,
    our_analysis: PageAnalysis | None = None,
) -> Decision:
    """All statuses of one partner check with their evidence.

    `analysis` must have been made with our site as a target (`targets=[spec.domain]`). `home`
    is the partner's home page, fetched only when our link is missing from an inner page: a link
    moved to the home page still counts, and the evidence says where it was found.
    """
    reciprocal, reciprocal_ev = reciprocal_link(spec, our, our_analysis)
    failed = fetch_failure(page)
    if failed is not None or analysis is None:
        base = failed or Decision((HTTP_ERROR,), (Evidence(HTTP_ERROR, "the page could not be read"),), True)
        return Decision(base.statuses, base.evidence, base.transient, reciprocal=reciprocal,
                        reciprocal_evidence=reciprocal_ev)
    page_url = page.final_url or page.url
    notes: list[str] = []
    if page.redirects:
        notes.append("redirected: " + " ; ".join(page.redirects))
    judged, judged_url = analysis, page_url
    links = list(analysis.target_links)
    if not links and home is not None and home_analysis is not None and home.served and home_analysis.target_links:
        judged, judged_url = home_analysis, home.final_url or home.url
        links = list(home_analysis.target_links)
        notes.append(f"our link is not on {page_url} but on the home page {judged_url}")
    evidence = page_findings(judged, judged_url, robots)
    link = best_link(links, spec)
    if link is None:
        total = len(analysis.links)
        evidence.insert(0, Evidence(
            LINK_MISSING, f"no link to {spec.domain} among the {total} links of the page (HTTP {page.status})",
            None,
        ))
    else:
        evidence[:0] = link_findings(link, spec)
    statuses = _order({e.status for e in evidence})
    if statuses == (OK,) and link is not None:
        line = f" (line {link.line})" if link.line else ""
        evidence.append(Evidence(OK, f'followed link to {link.url}, anchor "{link.anchor or link.img_alt or ""}"{line}',
                                 link.markup))
    evidence.sort(key=lambda e: STATUSES.index(e.status))
    return Decision(
        statuses, tuple(evidence), transient=False, link=link, found_on=judged_url if link else None,
        links_to_us=len(links), reciprocal=reciprocal, reciprocal_evidence=reciprocal_ev, notes=tuple(notes),
    )
