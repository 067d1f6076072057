"""robots.txt as Baiduspider and Googlebot read it (RFC 9309), with the deciding line as evidence."""

import pytest

from seowatch.crawlers.robots import decode_robots, parse_robots, robots_url

ROBOTS = """\
# 友情链接页不给百度抓取
User-agent: Baiduspider
Disallow: /links/
Allow: /links/public

User-agent: Googlebot
User-agent: Googlebot-Image
Disallow: /*.php$
Disallow: /tmp

User-agent: *
Disallow: /admin/
Disallow:
"""


@pytest.mark.parametrize(
    "url, agent, allowed, line",
    [
        ("http://p.cn/links/friends.html", "Baiduspider", False, 3),
        ("http://p.cn/links/public.html", "Baiduspider", True, 4),  # longer match wins
        ("http://p.cn/admin/", "Baiduspider", True, None),  # its own group applies, not '*'
        ("http://p.cn/index.php", "Googlebot", False, 8),
        ("http://p.cn/index.php?x=1", "Googlebot", True, None),  # '$' anchors the end
        ("http://p.cn/tmpfile", "googlebot", False, 9),
        ("http://p.cn/links/friends.html", "Googlebot", True, None),
        ("http://p.cn/admin/x", "Sogou web spider", False, 12),
        ("http://p.cn/", "Sogou web spider", True, None),  # an empty Disallow allows everything
    ],
)
def test_verdicts(url, agent, allowed, line):
    verdict = parse_robots(ROBOTS).verdict(url, agent)
    assert verdict.allowed is allowed
    assert (verdict.rule.line_no if verdict.rule else None) == line


def test_evidence_names_the_line_and_group():
    (verdict,) = parse_robots(ROBOTS).blocked("http://p.cn/links/a.html")
    assert verdict.agent == "baiduspider"
    assert verdict.evidence == "robots.txt line 3: Disallow: /links/ (User-agent: baiduspider)"


def test_allow_wins_a_tie_and_groups_for_one_agent_merge():
    rules = parse_robots("User-agent: baiduspider\nDisallow: /a\n\nUser-agent: BaiduSpider/2.0\nAllow: /a\n")
    assert rules.verdict("http://p.cn/a", "Baiduspider").allowed


def test_rules_before_any_user_agent_and_garbage_are_ignored():
    rules = parse_robots("Disallow: /\n<html>not robots</html>\nUser-agent: *\nDisalow: /x\n")
    assert rules.verdict("http://p.cn/", "Googlebot").allowed
    assert not rules.verdict("http://p.cn/x", "Googlebot").allowed  # a common misspelling, read as Google does


def test_percent_escapes_and_unicode_paths_match():
    rules = parse_robots("User-agent: *\nDisallow: /友情链接\n")
    assert not rules.verdict("http://p.cn/%E5%8F%8B%E6%83%85%E9%93%BE%E6%8E%A5.html", "Baiduspider").allowed


def test_no_groups_allows_everything():
    assert parse_robots("").blocked("http://p.cn/links.html") == []


def test_decoding_and_url():
    assert decode_robots("\ufeffUser-agent: *".encode("utf-8")) == "User-agent: *"
    assert decode_robots("Disallow: /友情".encode("gbk")) == "Disallow: /友情"
    assert robots_url("https://www.p.cn:8443/a/b.html?x=1#f") == "https://www.p.cn:8443/robots.txt"
