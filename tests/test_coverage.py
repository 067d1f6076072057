"""Keyword coverage: which words appear where (title, H1, description, first 200 characters, body),
the exact phrase, density and Chinese character counts; on sandbox pages and on real pages."""

import json
import urllib.request

import pytest

from seowatch.crawlers.pageaudit import audit_page
from seowatch.keywords.coverage import LEAD_CHARS, Coverage, PageText, coverage
from seowatch.sandbox.server import SandboxServer
from tests.conftest import AUDIT_BIG5, AUDIT_OURS, AUDIT_RIVAL, require_shared, shared_files


def fetch_via_proxy(sandbox, url):
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({"http": sandbox.url}))
    with opener.open(url, timeout=5) as resp:
        return resp.read(), dict(resp.headers.items())


def test_fields_phrase_density_and_counts(tokenizer):
    body = "首页\n" + "我们是一家网络营销公司。" * 10 + "\n" + "整合营销与品牌推广。" * 30
    page = PageText(title="网络营销公司_全网营销", h1=("网络营销",), description="", body=body)
    cov = coverage("网络营销公司", page, tokenizer)
    assert cov.tokens == ("网络营销", "公司")
    f = cov.fields
    assert f["title"].phrase and f["title"].complete
    assert not f["h1"].phrase and f["h1"].found == ("网络营销",) and f["h1"].missing == ("公司",)
    assert f["description"].found == () and not f["description"].phrase
    assert f["lead"].phrase and f["body"].phrase
    assert cov.phrase_count == 10
    assert cov.occurrences == 20  # 网络营销 and 公司, ten times each
    assert cov.body_words > cov.occurrences and cov.density == cov.occurrences / cov.body_words
    assert cov.chinese_chars == len(body.replace("\n", "")) - len("。") * 40
    assert cov.body_chars == len(body.replace("\n", ""))


def test_lead_is_the_first_200_characters(tokenizer):
    body = "无关内容" * 60 + "整合营销"
    cov = coverage("整合营销", PageText(body=body), tokenizer)
    assert len(PageText(body=body).lead) == LEAD_CHARS
    assert not cov.fields["lead"].found and cov.fields["body"].phrase


def test_matching_uses_search_mode_words_not_raw_substrings(tokenizer):
    # 营销 is a word inside 网络营销 (found); in 经营销售 the characters 营销 straddle two words (not found).
    assert coverage("营销", PageText(body="网络营销公司"), tokenizer).fields["body"].found == ("营销",)
    assert coverage("营销", PageText(body="我们经营销售业务"), tokenizer).fields["body"].found == ()


def test_phrase_does_not_match_across_a_sentence_boundary(tokenizer):
    cov = coverage("营销方案", PageText(body="我们做营销。方案另议"), tokenizer)
    assert not cov.fields["body"].phrase and set(cov.fields["body"].found) == {"营销", "方案"}


def test_traditional_and_full_width_pages_cover_simplified_keywords(tokenizer):
    page = PageText(title="整合營銷方案｜ＳＥＯ優化", body="專業的整合營銷服務")
    assert coverage("整合营销方案", page, tokenizer).fields["title"].phrase
    assert coverage("SEO优化", page, tokenizer).fields["title"].phrase
    assert coverage("整合营销", page, tokenizer).fields["body"].phrase


def test_round_trip_through_a_dict(tokenizer):
    cov = coverage("网络营销公司", PageText(title="网络营销公司", body="网络营销公司。"), tokenizer)
    again = Coverage.from_dict(json.loads(json.dumps(cov.to_dict(), ensure_ascii=False)))
    assert again == cov and again.density == cov.density


def test_coverage_of_sandbox_pages(tokenizer, audit_scenario):
    with SandboxServer(audit_scenario, port=0) as sandbox:
        pages = {url: fetch_via_proxy(sandbox, url) for url in (AUDIT_OURS, AUDIT_RIVAL, AUDIT_BIG5)}
    ours = coverage("整合营销", audit_page(*pages[AUDIT_OURS][:1], AUDIT_OURS, pages[AUDIT_OURS][1]).text, tokenizer)
    assert all(ours.fields[f].phrase for f in ("title", "h1", "description", "lead", "body"))
    # Hidden, commented and scripted repetitions of the keyword are not counted.
    assert ours.phrase_count == 7
    rival_audit = audit_page(pages[AUDIT_RIVAL][0], AUDIT_RIVAL, pages[AUDIT_RIVAL][1])
    assert rival_audit.encoding == "gb18030"
    rival = coverage("整合营销公司", rival_audit.text, tokenizer)
    assert rival.fields["title"].phrase and rival.fields["h1"].found == ("整合营销",)
    assert rival.fields["h1"].missing == ("公司",) and rival.fields["body"].phrase
    big5 = coverage("整合营销方案", audit_page(pages[AUDIT_BIG5][0], AUDIT_BIG5, pages[AUDIT_BIG5][1]).text, tokenizer)
    assert big5.fields["body"].phrase and not big5.fields["title"].phrase
    assert big5.fields["title"].found == ("整合营销",) and big5.chinese_chars > 60


REAL = {
    # page: (keyword in simplified Chinese, the fields where the exact phrase must be found)
    "money163-noindex-gbk": ("埃洛普离职", {"title", "body"}),
    "pixnet-blog-zh-tw-basehref": ("美树营地赏枫", {"title"}),  # traditional page, simplified keyword
    "hbypsy-dedecms-home-gb2312": ("亿鹏刷业", {"title"}),
    "chinadaily-friendlinks-comments": ("中美合作共赢", {"title", "h1", "lead", "body"}),
    "cbzw-discuz-basehref-gbk": ("脂溢性脱发", {"title", "h1", "body"}),
}


@pytest.mark.parametrize("name", sorted(REAL))
def test_coverage_on_real_pages(name, tokenizer):
    folder = require_shared("pages")
    truth = json.loads((folder / f"{name}.truth.json").read_text("utf-8"))
    audit = audit_page((folder / f"{name}.html").read_bytes(), truth["page_url"] or "http://example.invalid/")
    assert audit.title == truth["title"]
    keyword, phrase_in = REAL[name]
    cov = coverage(keyword, audit.text, tokenizer)
    assert {f for f, fc in cov.fields.items() if fc.phrase} >= phrase_in
    assert cov.chinese_chars > 100 and cov.body_words > 50
    assert cov.chinese_chars <= cov.body_chars


@pytest.mark.parametrize("path", shared_files("pages", "*.html"), ids=lambda p: p.stem)
def test_every_real_page_has_a_coverage(path, tokenizer):
    truth = json.loads(path.with_suffix("").with_suffix(".truth.json").read_text("utf-8"))
    audit = audit_page(path.read_bytes(), truth["page_url"] or "http://example.invalid/")
    cov = coverage(truth["title"][:4], audit.text, tokenizer)
    assert cov.fields["title"].phrase  # the first characters of the title are in the title
    assert cov.body_chars > 0 and 0 <= cov.density <= 1
