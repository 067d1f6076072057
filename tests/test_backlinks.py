"""Reading partner pages: the real pages of ../shared/fixtures/pages exactly as their truth files say,
and hand-written cases for every rule (resolution, hidden flags, anchors, robots signals, speed)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from seowatch.crawlers.backlinks import analyse_page, is_home_page, resolve
from tests.conftest import require_shared, shared_files

TRUTH_HIDDEN = {None: None, "comment": "comment", "noscript": "noscript", "display-none": "css"}
CODEC = {"gb18030": "gb18030", "utf-8": "utf-8", "big5": "big5hkscs"}

TRUTHS = shared_files("pages", "*.truth.json") or [None]


def _id(p: Path | None) -> str:
    return "missing" if p is None else p.name[: -len(".truth.json")]


def _load(truth_path: Path | None):
    if truth_path is None:
        require_shared("pages")
    truth = json.loads(truth_path.read_text("utf-8"))
    body = (truth_path.parent / truth["file"]).read_bytes()
    return truth, analyse_page(body, truth["resolution_base"])


def _key(link) -> tuple:
    return link.url, link.anchor, list(link.rel), link.hidden


@pytest.mark.parametrize("truth_path", TRUTHS, ids=_id)
def test_real_page_links_match_truth(truth_path):
    truth, page = _load(truth_path)
    assert page.encoding == CODEC[truth["decode_with"]]
    assert page.decode_errors == 0
    assert page.title == truth["title"]
    checked = 0
    for kind in ("friend_links", "links_sample"):
        for entry in truth[kind]:
            want = (entry["url"], entry["anchor"], entry["rel"], TRUTH_HIDDEN[entry["hidden"]])
            found = [link for link in page.links if _key(link) == want]
            assert found, f"{kind} entry not found with the same url/anchor/rel/hidden: {entry}"
            written = entry.get("href_decoded", entry["href_raw"])
            assert any(link.href == written for link in found), (written, [link.href for link in found])
            if "img_alt" in entry:
                assert any(link.img_alt == entry["img_alt"] for link in found), entry
            checked += 1
    assert checked == len(truth["friend_links"]) + len(truth["links_sample"])


@pytest.mark.parametrize("truth_path", TRUTHS, ids=_id)
def test_real_page_counts_and_robots_signals_match_truth(truth_path):
    truth, page = _load(truth_path)
    counts = truth["counts"]
    assert len(page.links) == counts["a_with_href"]
    assert sum("nofollow" in link.rel for link in page.links) == counts["rel_nofollow"]
    assert sum("sponsored" in link.rel for link in page.links) == counts["rel_sponsored"]
    assert sum("ugc" in link.rel for link in page.links) == counts["rel_ugc"]
    assert sum(link.hidden == "comment" for link in page.links) == counts["in_html_comments"]
    assert sum(link.hidden == "noscript" for link in page.links) == counts["in_noscript"]
    assert sum(link.hidden == "css" for link in page.links) == counts["under_inline_display_none"]
    assert page.meta("robots") == truth["meta_robots"]
    assert {m.name for m in page.meta_robots} - {"robots"} == set(truth["meta_robots_other"] or {})
    if truth["canonical"] is None:
        assert page.canonical is None
    else:
        assert page.canonical == resolve(truth["canonical"], truth["resolution_base"])
    if truth["base_href"]:
        assert page.base == truth["base_href"]


def test_gbk_page_declared_utf8_is_decoded_from_its_bytes(page_fixtures):
    page = analyse_page((page_fixtures / "alipay-blog-gbk-declared-utf8.html").read_bytes(), "http://blog.alipay.com/1513.html")
    assert page.encoding == "gb18030" and page.encoding_source == "detected" and page.decode_errors == 0
    assert "途牛旅游网团队博客" in [link.anchor for link in page.links]


def test_every_link_of_a_whole_commented_block_is_flagged(page_fixtures):
    page = analyse_page((page_fixtures / "cjn-partnerlinks-mixed-nofollow.html").read_bytes(),
                        "http://news.cjn.cn/sywh/202010/t3714581.htm", targets=["wenming.cn"])
    (link,) = page.target_links
    assert link.hidden == "comment" and link.rel == ("nofollow",) and link.hidden_by.startswith("<!--")
    assert link.line > 1


# --- hand-written cases ------------------------------------------------------------------------------

OURS = "www.yingxiao-demo.cn"


def page(body: str, url: str | None = "http://www.partner.cn/links/friends.html", *, encoding="utf-8",
         headers=None, targets=(OURS,)):
    return analyse_page(body.encode(encoding), url, headers, targets=targets)


def test_base_href_and_page_url_resolve_relative_links():
    p = page('<html><head><base href="/sub/dir/"></head><body><a href="x.html">x</a><a href="../y">y</a>'
             '<a href="//cdn.example.com/z">z</a><a href="">self</a><a href=" http://a.cn/ b ">sp</a></body></html>')
    assert p.base == "http://www.partner.cn/sub/dir/"
    assert [link.url for link in p.links] == [
        "http://www.partner.cn/sub/dir/x.html", "http://www.partner.cn/sub/y", "http://cdn.example.com/z",
        "http://www.partner.cn/sub/dir/", "http://a.cn/ b",
    ]


def test_unresolvable_and_non_web_links_have_no_url():
    p = page('<a href="javascript:void(0)">js</a><a href="mailto:a@b.cn">mail</a><a href="tel:10086">tel</a>'
             '<a href="/rel">rel</a><a href="http://ok.cn/">abs</a><a href="http://[bad">bad</a>', url=None)
    assert [link.url for link in p.links] == [None, None, None, None, "http://ok.cn/", None]
    assert p.links[0].href == "javascript:void(0)"


def test_hidden_flags_comment_noscript_and_css():
    p = page(f"""<div><a href="http://{OURS}/">live</a>
      <!-- <a href="http://{OURS}/c">in comment</a> -->
      <noscript><a href="http://{OURS}/n">in noscript</a></noscript>
      <div style="color:red; DISPLAY : none"><span><a href="http://{OURS}/d">display none</a></span></div>
      <p style="visibility:hidden"><a href="http://{OURS}/v">invisible</a></p>
      <section hidden><a href="http://{OURS}/h">hidden attr</a></section>
      <a href="http://{OURS}/self" style="display:none">self hidden</a>
      <div style="display:none"><noscript><a href="http://{OURS}/both">both</a></noscript></div>
      <div style="display:block"><a href="http://{OURS}/shown">shown</a></div></div>""")
    flags = {link.anchor: link.hidden for link in p.links}
    assert flags == {
        "live": None, "in comment": "comment", "in noscript": "noscript", "display none": "css",
        "invisible": "css", "hidden attr": "css", "self hidden": "css", "both": "css", "shown": None,
    }
    by = {link.anchor: link.hidden_by for link in p.links}
    assert by["display none"] == '<div style="color:red; DISPLAY : none">'
    assert by["in noscript"] == "<noscript>"
    comment = next(link for link in p.links if link.hidden == "comment")
    assert comment.line == 2 and comment.url == f"http://{OURS}/c"


def test_anchor_stops_at_the_next_link_and_folds_whitespace():
    p = page('<div><a href="/g">fgsdf<a><br>留言<a href="/h">\u3000 two\u00a0 words <b>bold</b>\n</a>'
             '<a href="/i"><img src="logo.png" alt="标志"> </a>'
             '<a href="/j">text<script>var x = "<b>no</b>";</script><style>.a{}</style></a></div>')
    anchors = [(link.anchor, link.img_alt) for link in p.links]
    assert anchors == [("fgsdf", None), ("two words bold", None), ("", "标志"), ("text", None)]


def test_rel_tokens_are_lower_case_and_duplicate_attributes_keep_the_first():
    p = page('<a href="/a" rel=" NoFollow  Sponsored ugc">a</a><a href="/b" href="/other" rel="">b</a>'
             '<a href="/c?x=1&amp;y=2">c</a>')
    assert [link.rel for link in p.links] == [("nofollow", "sponsored", "ugc"), (), ()]
    assert p.links[0].nofollow_tokens == ("nofollow", "sponsored", "ugc")
    assert p.links[1].url == "http://www.partner.cn/b"
    assert p.links[2].href == "/c?x=1&y=2"


def test_our_links_count_in_every_variant_and_others_do_not():
    variants = [
        "http://www.yingxiao-demo.cn/", "https://yingxiao-demo.cn", "HTTP://WWW.YINGXIAO-DEMO.CN/about/",
        "//m.yingxiao-demo.cn/x", "http://www.yingxiao-demo.cn:80/?from=partner",
    ]
    others = ["http://yingxiao-demo.cn.evil.com/", "http://www.yingxiao-demo.com/", "/yingxiao-demo.cn/"]
    body = "".join(f'<a href="{u}">v</a>' for u in variants + others)
    p = page(body)
    assert [link.to_target for link in p.links] == [True] * len(variants) + [False] * len(others)


def test_idn_targets_match_unicode_and_punycode_links():
    puny = "营销演示".encode("idna").decode("ascii")
    body = f'<a href="http://www.营销演示.cn/">unicode</a><a href="http://www.{puny}.cn/">puny</a><a href="http://x.cn/">no</a>'
    p = page(body, targets=("营销演示.cn",))
    assert [link.to_target for link in p.links] == [True, True, False]
    p = page(body, targets=(f"http://{puny}.cn/",))
    assert [link.to_target for link in p.links] == [True, True, False]


def test_robots_metas_headers_canonical_title_and_outbound_count():
    p = page(f"""<html><head><title> 友情链接 -
      合作伙伴 </title><meta name="ROBOTS" content="index, follow"><meta name="Baiduspider" content="noindex">
      <meta name="googlebot" content="nofollow"><meta name="description" content="x">
      <link rel="Canonical" href="/links/"></head><body>
      <a href="/a">internal</a><a href="http://blog.partner.cn/">same domain</a><a href="http://{OURS}/">ours</a>
      <a href="http://other.cn/">other</a><!-- <a href="http://gone.cn/">commented</a> --></body></html>""",
             headers=[(b"X-Robots-Tag", b"noarchive"), (b"x-robots-tag", b"baiduspider: noindex")])
    assert p.title == "友情链接 - 合作伙伴"
    assert p.meta("robots") == "index, follow" and p.meta("baiduspider") == "noindex" and p.meta("googlebot") == "nofollow"
    assert "description" not in {m.name for m in p.meta_robots}
    assert p.x_robots_tag == ("noarchive", "baiduspider: noindex")
    assert p.canonical == "http://www.partner.cn/links/"
    assert p.outbound_links == 2  # ours and other.cn; not the subdomain, not the commented one


def test_scrapy_headers_object_is_read():
    from scrapy.http import Headers

    p = page("<a href='/'>x</a>", headers=Headers({"X-Robots-Tag": ["noindex", "nofollow"]}))
    assert p.x_robots_tag == ("noindex", "nofollow")


@pytest.mark.parametrize(
    "url, home",
    [("http://a.cn/", True), ("http://a.cn", True), ("http://a.cn/index.html", True), ("http://a.cn/Default.aspx", True),
     ("http://a.cn/links.html", False), ("http://a.cn/?page=2", False), ("http://a.cn/sub/", False), (None, None)],
)
def test_home_page(url, home):
    assert is_home_page(url) is home


def test_home_page_flag_is_on_every_link():
    assert {link.home_page for link in page("<a href='/x'>x</a><a href='/y'>y</a>", url="http://p.cn/").links} == {True}
    assert {link.home_page for link in page("<a href='/x'>x</a>").links} == {False}


@pytest.mark.parametrize(
    "encoding, headers, meta",
    [
        ("gbk", {"Content-Type": "text/html; charset=gb2312"}, ""),  # header only, GBK-only characters inside
        ("gbk", {"Content-Type": "text/html"}, '<meta charset="gbk">'),  # meta only
        ("big5", {"Content-Type": "text/html; charset=big5"}, ""),
        ("big5", None, '<meta http-equiv="Content-Type" content="text/html; charset=big5">'),
    ],
)
def test_chinese_encodings(encoding, headers, meta):
    anchor = "整合营销 镕" if encoding == "gbk" else "整合營銷 部落格"
    body = f"<html><head>{meta}<title>友</title></head><body><a href='http://{OURS}/'>{anchor}</a></body></html>"
    p = analyse_page(body.encode(encoding), "http://p.cn/", headers, targets=[OURS])
    assert p.encoding == {"gbk": "gb18030", "big5": "big5hkscs"}[encoding]
    assert p.target_links[0].anchor == anchor and p.decode_errors == 0


def test_bom_wins_over_a_wrong_declaration():
    body = "\ufeff<meta charset='gbk'><a href='http://www.yingxiao-demo.cn/'>整合营销</a>".encode("utf-8")
    p = analyse_page(body, "http://p.cn/", {"Content-Type": "text/html; charset=gbk"}, targets=[OURS])
    assert p.encoding_source == "bom" and p.target_links[0].anchor == "整合营销"


def test_malformed_markup_keeps_links_visible():
    p = page("<table><tr><td><a href=http://www.yingxiao-demo.cn/ target=_blank <b>整合营销</b></a>"
             "<p>unclosed<div><a href='/x'>x</table></body>")
    assert [(link.url, link.anchor) for link in p.target_links] == [("http://www.yingxiao-demo.cn/", "整合营销")]


def test_to_dict_has_the_inspect_shape():
    p = page(f"<title>t</title><meta name=robots content=noindex><a href='http://{OURS}/' rel=nofollow>a</a><a href=/x>x</a>")
    d = p.to_dict()
    assert {"encoding", "title", "meta_robots", "x_robots_tag", "canonical", "outbound_links", "links"} <= set(d)
    assert d["meta_robots"] == {"robots": "noindex"}
    (link,) = d["links"]  # targets given: only the links to them
    assert {k: link[k] for k in ("href", "url", "anchor", "img_alt", "rel", "hidden", "home_page")} == {
        "href": f"http://{OURS}/", "url": f"http://{OURS}/", "anchor": "a", "img_alt": None, "rel": ["nofollow"],
        "hidden": None, "home_page": False,
    }
    assert len(page("<a href=/x>x</a><a href=/y>y</a>", targets=()).to_dict()["links"]) == 2


def test_a_two_megabyte_page_is_read_in_well_under_seconds():
    from seowatch.sandbox.partnersites import partner_sites

    spec = partner_sites(1)["www.big-portal.cn"]["/daohang.html"]
    body = spec["body"].encode("utf-8")
    assert len(body) > 2 * 1024 * 1024
    start = time.perf_counter()
    p = analyse_page(body, "http://www.big-portal.cn/daohang.html", targets=[OURS])
    elapsed = time.perf_counter() - start
    assert len(p.target_links) == 1 and p.outbound_links > 8000
    assert elapsed < 3.0, f"{elapsed:.2f}s for {len(body)} bytes"
