"""The Markdown digest and terminal summary: order of importance, content, caps, inert crawled strings."""

from __future__ import annotations

from dataclasses import replace

import pytest

from seowatch.reports.model import CONFIRMED, DROPPED
from seowatch.reports.render_markdown import md, render_markdown, summary
from tests.conftest import make_sample_report


def test_digest_puts_the_most_important_first(sample_report):
    text = render_markdown(sample_report)
    order = ["**Coverage:**", "## Confirmed drops (1)", "## Watching", "## Gains (2)", "## Landing pages (1)",
             "## Partners (2)", "## Suggestions (3)", "## Site numbers", "## Share of voice"]
    positions = [text.index(h) for h in order]
    assert positions == sorted(positions)


def test_confirmed_drop_shows_old_and_new_position_since_and_who_took_our_place(sample_report):
    text = render_markdown(sample_report)
    line = next(x for x in text.splitlines() if x.startswith("- **整合营销**"))
    assert "3 → 13 (▼10)" in line and "since 2026-11-23" in line
    assert "taken by rival.cn “整合营销方案\\_全案策划 - 对手网”" in line
    watching = next(x for x in text.splitlines() if x.startswith("- **网络营销公司**"))
    assert "lost (was 8, not in top 50)" in watching


def test_blocked_crawl_is_said_before_anything_else(sample_report):
    sample_report.notes.append("20 of 27 checks are unknown (captcha): the crawler was blocked")
    text = render_markdown(sample_report)
    first = text.splitlines()[2]
    assert first.startswith("> **Warning:**") and "the crawler was blocked" in first
    assert summary(sample_report).splitlines()[2].startswith("> **Warning:**")


def test_site_numbers_compare_with_previous_week_and_month(sample_report):
    text = render_markdown(sample_report)
    vis = next(x for x in text.splitlines() if x.startswith("| visibility |"))
    assert vis == "| visibility | 21.37 | -1.44 | +1.35 | – |"
    assert "vs previous check (11-23)" in text and "vs 28 days ago |" in text  # month: no data


def test_partner_line_names_the_rank_drops_of_the_same_day(sample_report):
    text = render_markdown(sample_report)
    line = next(x for x in text.splitlines() if "partner-b.com" in x)
    assert "**lost**" in line and "rank drops that day: 网络营销公司" in line


def test_sections_are_capped_with_a_pointer_to_the_full_report(sample_report):
    drop = next(r for r in sample_report.rows if r.drop == CONFIRMED)
    sample_report.rows += [replace(drop, keyword=f"关键词{i}", categories=(DROPPED,)) for i in range(60)]
    text = render_markdown(sample_report, limit=50)
    assert "## Confirmed drops (61)" in text and "- … and 11 more (see the HTML or CSV report)" in text


def test_summary_is_short_and_limited(sample_report):
    short = summary(sample_report, limit=1)
    assert short.startswith("示例网络 example.com — 2026-11-24: visibility 21.37 (-1.44), average position 14.2, top 10: 12")
    assert "**Confirmed drops (1):**" in short and "**Gains (2):**" in short and "- … and 1 more" in short
    assert "Changes: lost 1, out of top 3 1," in short
    assert "**Partners:** 2 link(s) changed for the worse (lost, nofollow)" in short
    assert "1. 标题过长" in short and "## Site numbers" not in short
    assert len(short) < len(render_markdown(sample_report)) / 2


@pytest.mark.parametrize("raw, escaped", [
    ("a_b*c", "a\\_b\\*c"),
    ("<script>alert(1)</script>", "&lt;script>alert(1)&lt;/script>"),
    ("- 列表", "\\- 列表"),
    ("1. 第一", "1\\. 第一"),
    ("# 标题", "\\# 标题"),
    ("[链接](javascript:x)", "\\[链接\\](javascript:x)"),
    ("多行\n文本\t\x00", "多行 文本"),
])
def test_md_escapes_markdown_and_html(raw, escaped):
    assert md(raw) == escaped


def test_hostile_strings_stay_text_through_a_markdown_renderer():
    markdown = pytest.importorskip("markdown")
    text = render_markdown(make_sample_report(hostile=True))
    assert "<script" not in text and "<img" not in text
    rendered = markdown.markdown(text)
    assert "<script" not in rendered and "<img" not in rendered
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in rendered  # shown, as text


def test_a_day_without_a_known_check_shows_no_numbers_rather_than_a_fall_to_zero(sample_report):
    m = sample_report.metrics
    sample_report.metrics = replace(m, checked=0, ranked=0, unknown=m.tracked, unknown_reasons={"captcha": m.tracked},
                                    average_position=None, top3=0, top10=0, top50=0, visibility=0.0)
    short = summary(sample_report)
    assert "visibility –, average position –, top 10: –" in short.splitlines()[0]
    text = render_markdown(sample_report)
    assert "| visibility | – | – | – | – |" in text and "| checked | 0 | -25 | -27 | – |" in text
