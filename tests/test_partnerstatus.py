"""Every partner status, alone and together, each with its evidence; transient and definite failures."""

from __future__ import annotations

import pytest

from seowatch.crawlers.backlinks import analyse_page
from seowatch.crawlers.partnerstatus import (
    ANCHOR_CHANGED,
    CANONICAL_ELSEWHERE,
    HIDDEN,
    HTTP_ERROR,
    LINK_MISSING,
    NOFOLLOW,
    NOINDEX,
    OK,
    ROBOTS_BLOCKED,
    STATUSES,
    UNREACHABLE,
    WRONG_TARGET,
    Fetch,
    PartnerTarget,
    decide,
)
from seowatch.crawlers.robots import parse_robots

OURS = "www.yingxiao-demo.cn"
PAGE = "http://www.partner.cn/links.html"
SPEC = PartnerTarget(page=PAGE, domain=OURS, target=f"http://{OURS}/", anchor="整合营销")


def check(links: str, *, head: str = "", headers=None, robots: str | None = None, spec: PartnerTarget = SPEC,
          url: str = PAGE, status: int = 200, **kw):
    body = f"<html><head><title>友情链接</title>{head}</head><body><ul>{links}</ul></body></html>".encode("gbk")
    analysis = analyse_page(body, url, headers, targets=[spec.domain], match=spec.match)
    fetch = Fetch(spec.page, url, status, elapsed_ms=12)
    return decide(spec, fetch, analysis, parse_robots(robots) if robots is not None else None, **kw)


LINK = f'<li><a href="http://{OURS}/">整合营销</a></li>'


def evidence(decision, status):
    return [e for e in decision.evidence if e.status == status]


def test_ok_alone_with_the_link_as_evidence():
    d = check('<li><a href="http://www.other.cn/">别家</a></li>' + LINK)
    assert d.statuses == (OK,) and not d.failed and not d.transient
    assert d.link.url == f"http://{OURS}/" and d.links_to_us == 1
    (ev,) = d.evidence
    assert ev.status == OK and f'<a href="http://{OURS}/">' == ev.snippet


@pytest.mark.parametrize(
    "agreed, shown",
    [("整合营销", "整合營銷"), ("整合营销", "整合 营销"), ("整合营销", "\u3000整合营销&nbsp;"), ("SEO优化", "ＳＥＯ優化"),
     ("SEO优化", "seo优化")],
)
def test_traditional_full_width_and_spaced_anchors_are_the_agreed_one(agreed, shown):
    spec = PartnerTarget(page=PAGE, domain=OURS, target=f"http://{OURS}/", anchor=agreed)
    d = check(f'<li><a href="https://yingxiao-demo.cn">{shown}</a></li>', spec=spec)
    assert d.statuses == (OK,), d.evidence


def test_link_missing_from_a_page_served_200():
    d = check('<li><a href="http://www.other.cn/">别家</a></li>')
    assert d.statuses == (LINK_MISSING,) and d.failed and not d.transient and d.link is None
    assert "no link to www.yingxiao-demo.cn among the 1 links of the page (HTTP 200)" == d.evidence[0].text


@pytest.mark.parametrize("rel", ["nofollow", "external nofollow", "sponsored", "UGC"])
def test_nofollow_rel_tokens(rel):
    d = check(f'<li><a href="http://{OURS}/" rel="{rel}">整合营销</a></li>')
    assert d.statuses == (NOFOLLOW,) and d.failed
    assert evidence(d, NOFOLLOW)[0].snippet == f'<a href="http://{OURS}/" rel="{rel}">'  # as written


def test_page_level_nofollow_from_meta_and_header():
    d = check(LINK, head='<meta name="robots" content="index,nofollow">')
    assert d.statuses == (NOFOLLOW,)
    assert evidence(d, NOFOLLOW)[0].snippet == '<meta name="robots" content="index,nofollow">'
    d = check(LINK, headers={"X-Robots-Tag": "none"})
    assert d.statuses == (NOINDEX, NOFOLLOW)
    assert evidence(d, NOINDEX)[0].snippet == "X-Robots-Tag: none"


@pytest.mark.parametrize(
    "links, where",
    [
        (f"<!-- {LINK} -->", "inside an HTML comment"),
        (f"<noscript>{LINK}</noscript>", "inside <noscript>"),
        (f'<div style="display:none">{LINK}</div>', "hidden by inline CSS"),
    ],
)
def test_hidden(links, where):
    d = check(links)
    assert d.statuses == (HIDDEN,) and d.failed
    assert where in evidence(d, HIDDEN)[0].text


def test_a_visible_link_beats_a_hidden_one():
    d = check(f'<div style="display:none">{LINK}</div>' + LINK)
    assert d.statuses == (OK,) and d.links_to_us == 2 and d.link.hidden is None


@pytest.mark.parametrize(
    "head, headers, snippet",
    [
        ('<meta name="Baiduspider" content="noindex, follow">', None, '<meta name="Baiduspider" content="noindex, follow">'),
        ('<meta name="googlebot" content="NOINDEX">', None, '<meta name="googlebot" content="NOINDEX">'),
        ("", {"X-Robots-Tag": "noindex"}, "X-Robots-Tag: noindex"),
        ("", {"X-Robots-Tag": "baiduspider: noindex"}, "X-Robots-Tag: baiduspider: noindex"),
    ],
)
def test_noindex(head, headers, snippet):
    d = check(LINK, head=head, headers=headers)
    assert d.statuses == (NOINDEX,) and d.failed
    assert evidence(d, NOINDEX)[0].snippet == snippet


def test_other_bots_and_other_directives_do_not_count():
    d = check(LINK, head='<meta name="bingbot" content="noindex"><meta name="robots" content="noarchive">',
              headers={"X-Robots-Tag": "otherbot: noindex, unavailable_after: 25 Jun 2030 15:00:00 PST"})
    assert d.statuses == (OK,)


def test_robots_blocked_with_the_line():
    d = check(LINK, robots="User-agent: *\nAllow: /\n\nUser-agent: Googlebot\nDisallow: /links")
    assert d.statuses == (ROBOTS_BLOCKED,) and d.failed
    (ev,) = evidence(d, ROBOTS_BLOCKED)
    assert ev.snippet == "robots.txt line 5: Disallow: /links (User-agent: googlebot)"


def test_canonical_elsewhere_but_not_its_own_variants():
    d = check(LINK, head='<link rel="canonical" href="http://www.partner.cn/">')
    assert d.statuses == (CANONICAL_ELSEWHERE,) and d.failed
    assert evidence(d, CANONICAL_ELSEWHERE)[0].snippet == '<link rel="canonical" href="http://www.partner.cn/">'
    d = check(LINK, head='<link rel="canonical" href="https://partner.cn/links.html">')
    assert d.statuses == (OK,)


def test_anchor_changed_is_a_warning():
    d = check(f'<li><a href="http://{OURS}/">营销公司</a></li>')
    assert d.statuses == (ANCHOR_CHANGED,) and not d.failed
    assert evidence(d, ANCHOR_CHANGED)[0].text == 'anchor "营销公司", agreed "整合营销"'


def test_image_link_anchor_is_its_alt():
    d = check(f'<li><a href="http://{OURS}/"><img src="logo.gif" alt="整合营销"></a></li>')
    assert d.statuses == (OK,)


def test_wrong_target_is_a_warning():
    d = check(f'<li><a href="http://{OURS}/old.html">整合营销</a></li>')
    assert d.statuses == (WRONG_TARGET,) and not d.failed
    assert evidence(d, WRONG_TARGET)[0].text == f"links to http://{OURS}/old.html, agreed http://{OURS}/"
    # http/https, www and the trailing slash are not differences
    assert check('<li><a href="https://yingxiao-demo.cn">整合营销</a></li>').statuses == (OK,)


def test_no_target_and_no_anchor_accept_any_link_to_our_domain():
    spec = PartnerTarget(page=PAGE, domain="yingxiao-demo.cn")
    assert check('<li><a href="http://blog.yingxiao-demo.cn/p/1">随便</a></li>', spec=spec).statuses == (OK,)
    host_only = PartnerTarget(page=PAGE, domain="www.yingxiao-demo.cn", match="host")
    assert check('<li><a href="http://blog.yingxiao-demo.cn/p/1">随便</a></li>', spec=host_only).statuses == (LINK_MISSING,)


def test_several_statuses_hold_together_most_severe_first():
    d = check(f'<!-- <li><a href="http://{OURS}/x" rel="nofollow">营销</a></li> -->',
              head='<meta name="robots" content="noindex"><link rel="canonical" href="/">')
    assert d.statuses == (NOINDEX, HIDDEN, NOFOLLOW, CANONICAL_ELSEWHERE, WRONG_TARGET, ANCHOR_CHANGED)
    assert d.status == NOINDEX
    assert [e.status for e in d.evidence] == list(d.statuses)


@pytest.mark.parametrize(
    "fetch, transient",
    [
        (Fetch(PAGE, failure="timeout", failure_detail="DownloadTimeoutError: took longer than 30 s", attempts=3), True),
        (Fetch(PAGE, failure="dns_error", failure_detail="CannotResolveHostError"), True),
        (Fetch(PAGE, failure="connection_refused"), True),
    ],
)
def test_unreachable_is_transient(fetch, transient):
    d = decide(SPEC, fetch, None)
    assert d.statuses == (UNREACHABLE,) and d.transient is transient and d.failed
    assert d.evidence[0].text.startswith(fetch.failure)
    if fetch.attempts > 1:
        assert "after 3 attempts" in d.evidence[0].text


@pytest.mark.parametrize("status, transient", [(500, True), (502, True), (503, True), (429, True), (408, True),
                                               (404, False), (410, False), (403, False)])
def test_http_errors(status, transient):
    fetch = Fetch(PAGE, "http://www.partner.cn/new.html", status, redirects=(f"301 {PAGE} -> http://www.partner.cn/new.html",))
    d = decide(SPEC, fetch, None)
    assert d.statuses == (HTTP_ERROR,) and d.transient is transient
    assert d.evidence[0].text == f"HTTP {status} for http://www.partner.cn/new.html"
    assert d.evidence[0].snippet.startswith("301 ")


def test_a_redirect_loop_is_an_http_error():
    d = decide(SPEC, Fetch(PAGE, PAGE, None, failure_detail="max redirections reached"), None)
    assert d.statuses == (HTTP_ERROR,) and not d.transient


def test_link_moved_to_the_home_page_is_judged_there():
    home_body = f"<html><body>{LINK}</body></html>".encode()
    home = Fetch("http://www.partner.cn/", "http://www.partner.cn/", 200)
    home_analysis = analyse_page(home_body, home.final_url, None, targets=[OURS])
    d = check('<li><a href="http://www.other.cn/">别家</a></li>', home=home, home_analysis=home_analysis)
    assert d.statuses == (OK,) and d.found_on == "http://www.partner.cn/"
    assert d.link.home_page is True
    assert "on the home page http://www.partner.cn/" in d.notes[0]


def test_reciprocal_link_from_our_page():
    ours = Fetch(f"http://{OURS}/youqing.html", f"http://{OURS}/youqing.html", 200)
    spec = PartnerTarget(page=PAGE, domain=OURS, our_page=ours.url)
    links_back = analyse_page(b'<a href="https://partner.cn/">partner</a>', ours.url, None)
    d = check(LINK, spec=spec, our=ours, our_analysis=links_back)
    assert d.reciprocal is True and d.statuses == (OK,)
    commented = analyse_page(b'<!-- <a href="http://www.partner.cn/">partner</a> -->', ours.url, None)
    d = check(LINK, spec=spec, our=ours, our_analysis=commented)
    assert d.reciprocal is False and d.reciprocal_evidence == f"{ours.url} has no link to partner.cn"
    d = check(LINK, spec=spec, our=Fetch(ours.url, failure="timeout"), our_analysis=None)
    assert d.reciprocal is None and "could not be read" in d.reciprocal_evidence


def test_every_status_is_covered_here():
    covered = {OK, LINK_MISSING, NOFOLLOW, HIDDEN, NOINDEX, ROBOTS_BLOCKED, CANONICAL_ELSEWHERE, ANCHOR_CHANGED,
               WRONG_TARGET, HTTP_ERROR, UNREACHABLE}
    assert covered == set(STATUSES)
