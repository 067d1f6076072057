"""The pure page audit: every finding on hand-written pages, and the real pages' titles, robots and
canonicals decoded from their real encodings."""

import json

import pytest

from seowatch.crawlers.matching import canonical_url
from seowatch.crawlers.pageaudit import (
    TITLE_MAX_WIDTH,
    audit_page,
    display_width,
    findings,
    unreachable,
    visible_text,
)
from seowatch.keywords.coverage import coverage
from tests.conftest import AUDIT_PAGES, shared_files

URL = "http://www.example.cn/zhenghe/"
LONG_TEXT = "整合营销是把品牌传播与搜索引擎优化统一规划的营销方式。" * 15


def page(head="", body="", charset="utf-8"):
    return (f'<!DOCTYPE html><html><head><meta charset="{charset}">{head}</head><body>{body}</body></html>').encode(charset)


def codes(audit, cov=None):
    return [f.code for f in findings(audit, cov)]


GOOD = page('<title>整合营销服务_测试</title><meta name="description" content="整合营销服务介绍">'
            '<link rel="canonical" href="/zhenghe/">', f"<h1>整合营销</h1><p>{LONG_TEXT}</p>")


def test_a_good_page_has_no_findings():
    a = audit_page(GOOD, URL, {"Content-Type": "text/html; charset=utf-8"}, response_ms=120)
    assert (a.title, a.description, a.h1, a.canonical) == ("整合营销服务_测试", "整合营销服务介绍", ("整合营销",), URL)
    assert not a.canonical_elsewhere and not a.noindex and a.encoding == "utf-8"
    assert codes(a) == []


@pytest.mark.parametrize(
    "head, body, code",
    [
        ("", f"<h1>x</h1><p>{LONG_TEXT}</p>", "title_missing"),
        ("<title>" + "整合营销" * 8 + "</title>", f"<h1>x</h1><p>{LONG_TEXT}</p>", "title_too_long"),
        ("<title>t</title>", f"<p>{LONG_TEXT}</p>", "h1_missing"),
        ("<title>t</title>", f"<h1>a</h1><h1>b</h1><p>{LONG_TEXT}</p>", "h1_multiple"),
        ("<title>t</title>", "<h1>a</h1><p>整合营销，欢迎咨询。</p>", "thin_content"),
        ("<title>t</title>", f'<h1>a</h1><p>{LONG_TEXT}</p><img src="a.png"><img src="b.png" alt=" ">', "images_without_alt"),
        ('<title>t</title><meta name="robots" content="noindex,follow">', f"<h1>a</h1><p>{LONG_TEXT}</p>", "noindex"),
        ('<title>t</title><meta name="Baiduspider" content="none">', f"<h1>a</h1><p>{LONG_TEXT}</p>", "noindex"),
        ('<title>t</title><link rel="canonical" href="http://www.example.cn/">', f"<h1>a</h1><p>{LONG_TEXT}</p>",
         "canonical_elsewhere"),
        ('<title>t</title><meta name="description" content="' + "描述" * 90 + '">', f"<h1>a</h1><p>{LONG_TEXT}</p>",
         "description_too_long"),
    ],
)
def test_each_finding(head, body, code):
    a = audit_page(page(head, body), URL)
    assert code in codes(a)


def test_title_width_counts_chinese_double():
    assert display_width("整合营销") == 8 and display_width("seo优化") == 7
    ok = "整" * (TITLE_MAX_WIDTH // 2)
    assert "title_too_long" not in codes(audit_page(page(f"<title>{ok}</title>", f"<h1>a</h1><p>{LONG_TEXT}</p>"), URL))
    assert "title_too_long" not in codes(audit_page(page(f"<title>{'a' * TITLE_MAX_WIDTH}</title>"), URL))


@pytest.mark.parametrize(
    "values, noindex",
    [
        (["noindex"], True),
        (["noindex, nofollow"], True),
        (["none"], True),
        (["googlebot: noindex"], True),
        (["Baiduspider: noindex, nofollow"], True),
        (["otherbot: noindex"], False),
        (["otherbot: noindex, nofollow", "noarchive"], False),
        (["nofollow", "noindex"], True),
        (["unavailable_after: 25 Jun 2010 15:00:00 PST"], False),
        (["noarchive"], False),
    ],
)
def test_x_robots_tag(values, noindex):
    headers = {"X-Robots-Tag": values}
    a = audit_page(GOOD, URL, headers)
    assert a.noindex is noindex and a.x_robots_tag == tuple(values)
    if noindex:
        assert a.noindex_evidence.startswith("X-Robots-Tag: ")


def test_scrapy_style_bytes_headers():
    headers = {b"X-Robots-Tag": [b"noindex"], b"Content-Type": [b"text/html; charset=gbk"]}
    a = audit_page(page("<title>整合营销</title>", charset="gbk"), URL, headers)
    assert a.noindex and a.encoding == "gb18030" and a.title == "整合营销"


def test_links_base_href_and_structured_data():
    head = ('<base href="http://www.example.cn/sub/"><link rel="Canonical alternate" href="page.html">'
            '<script type="application/ld+json">[{"@type": ["Product", "Thing"]}, {"@graph": [{"@type": "FAQPage"}]}]</script>'
            '<script type="application/ld+json">{broken</script>')
    body = ('<a href="a.html">rel</a><a href="/b">root</a><a href="//m.example.cn/">sub</a>'
            '<a href="https://other.com/">out</a><a href="http://xn--fiqs8s.cn/">idn out</a>'
            '<a href="javascript:void(0)">js</a><a href="#top">frag</a><a href="mailto:a@b.cn">mail</a><a>none</a>'
            '<!-- <a href="http://hidden.com/">comment</a> -->'
            '<div itemscope itemtype="http://schema.org/Organization"></div><span typeof="schema:Person"></span>')
    a = audit_page(page(head, body), URL)
    assert a.canonical == "http://www.example.cn/sub/page.html"
    assert (a.internal_links, a.outbound_links) == (3, 2)
    assert a.structured_data == ("Product", "Thing", "FAQPage", "invalid JSON-LD", "Organization", "Person")


def test_visible_text_leaves_out_scripts_comments_and_hidden_elements():
    import lxml.html

    root = lxml.html.document_fromstring(
        "<html><head><title>标题</title><style>p{}</style></head><body>"
        "<p>第一段<b>加粗</b>文字</p><script>var a='脚本';</script><!-- 注释 -->"
        "<div style='display: none'>隐藏</div><div hidden>也隐藏</div><noscript>无脚本</noscript>"
        "<ul><li>一</li><li>二</li></ul>尾巴<br>换行</body></html>")
    assert visible_text(root) == "第一段加粗文字\n一\n二\n尾巴\n换行"


def test_unreachable_and_error_pages():
    assert codes(unreachable(URL, "timeout")) == ["unreachable"]
    gone = audit_page(b"<html><title>Not Found</title></html>", URL, status=404)
    assert codes(gone) == ["http_error"]
    moved = audit_page(GOOD, URL, status=200, final_url="https://www.example.cn/new/", redirects=(URL,))
    assert "redirected" in codes(moved) and moved.redirected
    same = audit_page(GOOD, URL, final_url="https://example.cn/zhenghe")  # scheme, www, slash: same page
    assert not same.redirected and not same.canonical_elsewhere


def test_non_html_and_empty_bodies():
    pdf = audit_page(b"%PDF-1.4 ...", URL, {"Content-Type": "application/pdf"})
    assert codes(pdf) == ["not_html"] and pdf.title is None
    empty = audit_page(b"", URL, {"Content-Type": "text/html"})
    assert empty.status == 200 and "title_missing" in codes(empty)
    xml_decl = audit_page(b'<?xml version="1.0" encoding="utf-8"?><html><head><title>x</title></head></html>', URL)
    assert xml_decl.title == "x"


def test_coverage_findings(tokenizer):
    a = audit_page(page("<title>测试营销官网</title>", f"<h1>关于我们</h1><p>{LONG_TEXT}</p>"), URL)
    cov = coverage("整合营销公司", a.text, tokenizer)
    got = {f.code: f.message for f in findings(a, cov)}
    assert "keyword_not_in_title" in got and "整合营销" in got["keyword_not_in_title"]
    assert "keyword_not_in_h1" in got


def test_big5_page_from_the_audit_fixtures():
    body = (AUDIT_PAGES / "tw-big5.html").read_text("utf-8").encode("big5")
    a = audit_page(body, "http://www.tw.example/post/1.html")
    assert a.encoding == "big5hkscs" and a.title == "整合營銷是什麼？整合行銷入門指南"
    assert a.images == 2 and a.images_without_alt == 2 and a.chinese_chars > 60


@pytest.mark.parametrize("path", shared_files("pages", "*.html"), ids=lambda p: p.stem)
def test_real_pages_match_their_truth(path):
    truth = json.loads(path.with_suffix("").with_suffix(".truth.json").read_text("utf-8"))
    url = truth["page_url"] or "http://example.invalid/page.html"
    a = audit_page(path.read_bytes(), url)
    assert a.title == truth["title"]
    assert dict(a.robots_metas).get("robots") == truth["meta_robots"]
    assert a.noindex == ("noindex" in (truth["meta_robots"] or ""))
    if truth["canonical"]:
        assert canonical_url(a.canonical) == canonical_url(truth["canonical"])  # resolved; truth is as written
    else:
        assert a.canonical is None
    expected = {"gbk": "gb18030", "gb2312": "gb18030", "utf-8": "utf-8"}[truth["encoding"]]
    assert a.encoding == expected and a.decode_errors == 0
    # Every <a href> of the page is an internal or outbound link, or one that goes nowhere (javascript:, #, mailto:).
    assert 0 < a.internal_links + a.outbound_links <= truth["counts"]["a_with_href"]
    assert a.body_chars > 500
