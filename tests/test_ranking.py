"""The check decision: ranked, not ranked within the depth scanned, or unknown — never a failure as a ranking."""

from datetime import date, datetime, timezone

from seowatch.crawlers.matching import SiteMatcher
from seowatch.crawlers.parsers.model import OrganicResult, SerpPage
from seowatch.crawlers.ranking import CheckKey, FetchedPage, build_outcome, decide, display_host

NOW = datetime(2026, 11, 24, 8, 0, tzinfo=timezone.utc)
KEY = CheckKey(keyword_id=1, engine="baidu", device="desktop", day=date(2026, 11, 24), depth=20)
MATCHER = SiteMatcher("example.com", assets=["zhuanlan.zhihu.com/c_1"], competitors=["rival.cn"])


def page(page_no, urls, *, has_next=True, links=None, display=None, blocked=None):
    organic = [
        OrganicResult(i + 1, i + 1 + 10 * (page_no - 1), u, (links or {}).get(i), (display or {}).get(i), f"t{i}")
        for i, u in enumerate(urls)
    ]
    serp = SerpPage("baidu", f"https://www.baidu.com/s?pn={page_no}", organic=[] if blocked else organic,
                    has_next=has_next, blocked=blocked)
    return FetchedPage(page_no, serp.url, NOW, 200, serp)


def filler(n, start=0):
    return [f"https://site{start + i}.cn/" for i in range(n)]


def test_ranked_across_pages_counts_organic_positions():
    pages = [page(1, filler(10)), page(2, filler(3, 10) + ["https://www.example.com/seo"] + filler(6, 20), has_next=False)]
    d = decide(KEY, pages, MATCHER, {}, set(), complete=True)
    assert (d.status, d.position, d.block_position, d.url) == ("ranked", 14, 14, "https://www.example.com/seo")
    assert d.depth_scanned == 20


def test_not_ranked_only_when_every_page_was_read():
    pages = [page(1, filler(10)), page(2, filler(10, 10))]
    d = decide(KEY, pages, MATCHER, {}, set(), complete=True)
    assert (d.status, d.position, d.depth_scanned) == ("not_ranked", None, 20)


def test_a_captcha_on_page_two_is_unknown_not_a_drop():
    pages = [page(1, filler(10)), page(2, [], blocked="captcha")]
    d = decide(KEY, pages, MATCHER, {}, set(), complete=False)
    assert (d.status, d.position, d.unknown_reason, d.depth_scanned) == ("unknown", None, "captcha", 10)


def test_found_before_a_failing_page_is_still_ranked():
    pages = [page(1, ["https://www.example.com/"] + filler(9)), page(2, [], blocked="captcha")]
    d = decide(KEY, pages, MATCHER, {}, set(), complete=False)
    assert (d.status, d.position) == ("ranked", 1)


def test_transport_failure_reason_is_kept():
    failed = FetchedPage(1, "https://www.baidu.com/s", NOW, failure="timeout", failure_detail="took too long")
    d = decide(KEY, [failed], MATCHER, {}, set(), complete=False)
    assert (d.status, d.unknown_reason, d.unknown_detail) == ("unknown", "timeout", "took too long")


def test_parse_error_is_unknown():
    bad = FetchedPage(1, "u", NOW, 200, SerpPage("baidu", "u", parse_error="layout not recognised"))
    d = decide(KEY, [bad], MATCHER, {}, set(), complete=False)
    assert (d.status, d.unknown_reason, d.unknown_detail) == ("unknown", "parse_error", "layout not recognised")


def test_unresolved_redirects_make_not_ranked_impossible():
    links = {0: "http://www.baidu.com/link?url=a"}
    pages = [page(1, [None] + filler(9), links=links, display={0: "知乎"}, has_next=False)]
    d = decide(KEY, pages, MATCHER, {}, {"http://www.baidu.com/link?url=a"}, complete=True)
    assert (d.status, d.unknown_reason) == ("unknown", "unresolved_links")
    resolved = {"http://www.baidu.com/link?url=a": "https://www.example.com/x"}
    d = decide(KEY, pages, MATCHER, resolved, {"http://www.baidu.com/link?url=a"}, complete=True)
    assert (d.status, d.position, d.url) == ("ranked", 1, "https://www.example.com/x")


def test_display_host_decides_when_the_link_cannot_be_resolved():
    links = {0: "http://www.baidu.com/link?url=a", 1: "http://www.baidu.com/link?url=b"}
    display = {0: "www.other.cn/abc...", 1: "www.example.com/seo/"}
    pages = [page(1, [None, None] + filler(8), links=links, display=display, has_next=False)]
    d = decide(KEY, pages, MATCHER, {}, set(links.values()), complete=True)
    assert (d.status, d.position) == ("ranked", 2)


def test_assets_rank_and_say_so():
    pages = [page(1, filler(4) + ["https://zhuanlan.zhihu.com/c_1/p/9"] + filler(5, 4), has_next=False)]
    d = decide(KEY, pages, MATCHER, {}, set(), complete=True)
    assert (d.status, d.position, d.owner_kind) == ("ranked", 5, "asset")


def test_results_beyond_the_depth_do_not_count():
    key = CheckKey(1, "baidu", "desktop", date(2026, 11, 24), depth=10)
    pages = [page(1, filler(10)), page(2, ["https://www.example.com/"] + filler(9, 10), has_next=False)]
    d = decide(key, pages, MATCHER, {}, set(), complete=True)
    assert (d.status, d.depth_scanned) == ("not_ranked", 10)


def test_outcome_keeps_every_result_with_its_owner():
    pages = [page(1, ["https://www.rival.cn/a", "https://www.example.com/b"] + filler(8), has_next=False)]
    d = decide(KEY, pages, MATCHER, {}, set(), complete=True)
    out = build_outcome(KEY, pages, d, MATCHER, NOW)
    owners = [(r.position, r.owner, r.domain) for r in out.results if r.kind == "organic"][:3]
    assert owners == [(1, "competitor", "rival.cn"), (2, "site", "example.com"), (3, None, "site0.cn")]
    assert out.check.status == "ranked" and out.check.pages_fetched == 1


def test_display_host():
    assert display_host("www.python.org/") == "www.python.org"
    assert display_host("知乎") is None
    assert display_host("www.runoob.com/python/python-t...") == "www.runoob.com"
    assert display_host("www.cicero...") is None
