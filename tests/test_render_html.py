"""The HTML report: structure, escaping of crawled strings, no network resources, caps."""

from __future__ import annotations

import re
from dataclasses import replace
from html.parser import HTMLParser

from seowatch.reports.render_html import render_html
from tests.conftest import HOSTILE_ATTR, HOSTILE_TITLE, make_sample_report

class Tags(HTMLParser):
    """Every start tag with its attributes, and the text of <style> blocks."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.styles: list[str] = []
        self._in_style = False
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_style = tag == "style"

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.styles.append(data)

    def named(self, name: str):
        return [a for t, a in self.tags if t == name]


def _section(page: str, anchor: str) -> str:
    m = re.search(rf'<section id="{anchor}".*?</section>', page, re.S)
    assert m, f"no section {anchor}"
    return m.group(0)


def test_page_has_the_summary_trend_tables_partners_and_suggestions(sample_report):
    page = render_html(sample_report)
    assert page.startswith("<!DOCTYPE html>")
    assert '<html lang="zh-CN">' in page and '<meta charset="utf-8">' in page
    assert 'name="viewport" content="width=device-width, initial-scale=1"' in page
    for anchor in ("coverage", "summary", "drops", "watching", "winners", "gains", "landing", "recovered", "unknown",
                   "sov", "partners", "suggestions", "all"):
        _section(page, anchor)
    assert "checked 26/27, 1 unknown (1 captcha)" in _section(page, "coverage")
    drops = _section(page, "drops")
    assert "整合营销" in drops and "3 → 13 (▼10)" in drops and "rival.cn" in drops and "2026-11-23" in drops
    assert "网络营销公司" in _section(page, "watching") and "网络营销公司" not in drops
    unknown = _section(page, "unknown")
    assert "内容营销" in unknown and "captcha" in unknown and "4 <small" in unknown  # last known position 4
    partners = _section(page, "partners")
    # The partner link lost on the 24th sits beside the keyword lost the same day.
    assert re.search(r"partner-b\.com/friends.*?2026-11-24.*?网络营销公司", partners, re.S)
    suggestions = _section(page, "suggestions")
    assert suggestions.index("title_length") < suggestions.index("competitor_content") < suggestions.index("internal_links")
    assert "title chars" in suggestions  # evidence is shown (keys as words)
    summary = _section(page, "summary")
    assert "21.37" in summary and '<span class="bad">-1.44</span>' in summary  # visibility down vs previous
    assert '<span class="bad">+1.1</span>' in summary  # average position up (worse) is red
    assert 'id="trend"' in summary and "<svg class=\"trend\"" in summary
    assert page.count('<svg class="spark"') >= len(sample_report.rows)


def test_notes_open_the_page(sample_report):
    sample_report.notes.append("20 of 27 checks are unknown: the crawler was blocked")
    page = render_html(sample_report)
    assert page.index("the crawler was blocked") < page.index('id="summary"')


def test_hostile_crawled_strings_are_shown_as_text_never_as_markup():
    report = make_sample_report(hostile=True)
    page = render_html(report)
    assert HOSTILE_TITLE not in page and HOSTILE_ATTR not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" in page
    parsed = Tags(page)
    assert parsed.named("script") == [] and parsed.named("img") == []
    for tag, attrs in parsed.tags:
        assert not [a for a in attrs if a.startswith("on")], (tag, attrs)
        for a in ("href", "src"):
            assert not (attrs.get(a) or "").lower().startswith(("javascript:", "data:", "vbscript:")), (tag, attrs)
    # The javascript: URLs are still visible, as text.
    assert "javascript:alert(1)" not in [a.get("href") for a in parsed.named("a")]
    assert "alert(2)" in page


def test_no_network_resources_only_links(sample_report):
    page = render_html(sample_report)
    parsed = Tags(page)
    for tag, attrs in parsed.tags:
        assert tag not in ("script", "link", "img", "iframe", "object", "embed", "video", "audio", "source", "base")
        for name, value in attrs.items():
            if value and re.search(r"https?://", value) and not (tag == "a" and name in ("href", "title")):
                raise AssertionError(f"<{tag} {name}={value!r}> refers to the network")
    css = "".join(parsed.styles)
    assert css and "url(" not in css and "@import" not in css and "@font-face" not in css
    csp = parsed.named("meta")[1]
    assert csp["http-equiv"] == "Content-Security-Policy" and "default-src 'none'" in csp["content"]
    links = [a["href"] for a in parsed.named("a") if a["href"].startswith("http")]
    assert "https://www.example.com/zhenghe" in links


def test_large_keyword_lists_cap_the_full_table_but_keep_every_row_with_news():
    report = make_sample_report(quiet_keywords=1500)
    page = render_html(report, max_rows=1000)
    everything = _section(page, "all")
    assert everything.count("<tr>") == 1000 + 1  # header + capped rows
    assert f"Showing the first 1,000 of {len(report.rows):,} rows" in everything and "the CSV has every row" in everything
    assert "整合营销" in _section(page, "drops")
    assert len(page.encode()) < 2_500_000


def test_unchanged_rows_have_no_change_cell_text(sample_report):
    quiet = replace(sample_report.rows[-1])
    sample_report.rows = [quiet]
    page = render_html(sample_report)
    row = re.search(r"<tbody><tr>.*?</tr>", _section(page, "all"), re.S).group(0)
    assert '<td class="move" data-label="change"></td>' in row  # hidden on phones (td:empty)


def test_a_day_without_a_known_check_shows_dashes_not_zeros(sample_report):
    m = sample_report.metrics
    sample_report.metrics = replace(m, checked=0, ranked=0, unknown=m.tracked, average_position=None,
                                    top3=0, top10=0, top50=0, visibility=0.0)
    summary = _section(render_html(sample_report), "summary")
    assert "<b>– / – / –</b>" in summary and '<span class="muted">visibility</span><b>–</b>' in summary
    assert "0.00" not in summary and "-22.81" not in summary
