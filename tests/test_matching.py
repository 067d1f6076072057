"""Domain matching: whose is a result URL."""

import pytest

from seowatch.crawlers.matching import (
    COMPETITOR,
    OWN_ASSET,
    OWN_SITE,
    SiteMatcher,
    canonical_url,
    domain_of,
    registrable_domain,
)

SITE = SiteMatcher(
    "example.com",
    assets=["https://baijiahao.baidu.com/u?app_id=123*", "zhuanlan.zhihu.com/c_999"],
    competitors=["rival.cn", "zhidao.baidu.com", "my-example.com"],
)


@pytest.mark.parametrize(
    "url, kind",
    [
        ("https://www.example.com/a/", OWN_SITE),
        ("http://example.com", OWN_SITE),
        ("https://m.example.com/x?y=1", OWN_SITE),  # subdomains count in "domain" mode
        ("HTTPS://WWW.EXAMPLE.COM:443/", OWN_SITE),
        ("www.example.com/path", OWN_SITE),  # scheme-less display form
        ("https://example.com.evil.org/", None),  # suffix trick
        ("https://notexample.com/", None),
        ("https://my-example.com/", COMPETITOR),  # hyphenated look-alike is someone else
        ("https://www.rival.cn/x", COMPETITOR),
        ("https://zhidao.baidu.com/question/1", COMPETITOR),  # a competitor given as a subdomain
        ("https://www.baidu.com/", None),  # ... does not make the whole registrable domain a competitor
        ("https://baijiahao.baidu.com/u?app_id=12345", OWN_ASSET),
        ("https://baijiahao.baidu.com/u?app_id=999", None),
        ("https://zhuanlan.zhihu.com/c_999/p/1", OWN_ASSET),
        ("https://zhuanlan.zhihu.com/c_9990", None),  # a pattern covers its path, not a longer name
        ("javascript:void(0)", None),
        ("", None),
        (None, None),
    ],
)
def test_classify(url, kind):
    owner = SITE.classify(url)
    assert (owner.kind if owner else None) == kind


def test_host_mode_is_exact_but_ignores_www():
    m = SiteMatcher("www.example.com", match="host")
    assert m.classify("https://example.com/").kind == OWN_SITE
    assert m.classify("https://www.example.com/a").kind == OWN_SITE
    assert m.classify("https://blog.example.com/") is None


@pytest.mark.parametrize("url", ["http://中文域名.中国/", "http://xn--fiq06l2rdsvs.xn--fiqs8s/a", "http://www.中文域名.中国"])
def test_idn_in_unicode_or_punycode(url):
    m = SiteMatcher("中文域名.中国")
    assert m.classify(url).kind == OWN_SITE


def test_registrable_domains_use_the_bundled_suffix_list():
    assert registrable_domain("m.example.com.cn") == "example.com.cn"
    assert registrable_domain("a.b.example.co.uk") == "example.co.uk"
    assert domain_of("https://www.baidu.com/link?url=x") == "baidu.com"
    assert domain_of("http://127.0.0.1:8000/x") == "127.0.0.1"


def test_canonical_url_ignores_scheme_www_slash_and_fragment():
    assert canonical_url("https://WWW.Example.com:443/a/?x=1#top") == "example.com/a?x=1"
    assert canonical_url("http://example.com/a") == canonical_url("https://www.example.com/a/")
