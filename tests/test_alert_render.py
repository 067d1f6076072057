"""The digest's words: a subject that leads with the most important thing, RFC 2047 headers, both parts, escaping."""

import email
from dataclasses import replace
from datetime import datetime, timezone
from email import policy

from seowatch.reports.alert_render import CHAT_ITEMS, SUBJECT_MAX, render_chat, subject
from seowatch.reports.alerts import AlertRules, decide
from seowatch.reports.deliver import build_message
from seowatch.reports.model import CONFIRMED, DROPPED, SeenResult
from seowatch.reports.notify import render_digest
from tests.alert_reports import BEFORE, SUGGESTION, captcha_wall_report, drops_report, partner, ranked, row

SITE = "example.com"
LINK = "https://seo.example.com/reports/example.com/2026-11-24.html"


def digest(rep, **kw):
    return render_digest(rep, decide(rep, AlertRules(), site=SITE), site=SITE, **kw)


def test_subject_names_the_drops_engine_and_worst_example():
    rep = drops_report()
    assert subject(rep, decide(rep, AlertRules(), site=SITE)) == (
        "[seowatch] example.com: 3 drops on Baidu (整合营销 3→12); 1 landing page changed"
    )


def test_subject_puts_a_blocked_crawl_first():
    rep = replace(captcha_wall_report(), partners=[partner("https://www.partner-a.cn/links.html", ("link_missing",))])
    assert subject(rep, decide(rep, AlertRules(), site=SITE)) == (
        "[seowatch] example.com: crawler blocked on Baidu, 40/50 checks unknown (captcha); 1 partner link lost"
    )


def test_subject_for_partner_news_only_and_drops_on_several_engines():
    only_partner = replace(drops_report(), rows=[], partners=[partner("https://www.partner-a.cn/links.html", ("nofollow",))])
    assert subject(only_partner, decide(only_partner, AlertRules(), site=SITE)) == (
        "[seowatch] example.com: 1 partner link now nofollow (www.partner-a.cn/links.html)"
    )
    bing = row(7, "网络营销公司", ranked(11), ranked(2, BEFORE), cats=(DROPPED,), drop=CONFIRMED, engine="bing")
    rep = drops_report(extra_rows=[bing])
    # 2 -> 11 costs more clicks than 3 -> 12, so it is the example
    assert subject(rep, decide(rep, AlertRules(), site=SITE)).startswith(
        "[seowatch] example.com: 4 drops on Baidu and Bing (网络营销公司 2→11 on Bing)"
    )


def test_subject_stays_short():
    rows = [row(50 + i, "很长的关键词" * 8, ranked(30), ranked(1, BEFORE), cats=(DROPPED,), drop=CONFIRMED)
            for i in range(3)]
    rep = drops_report(extra_rows=rows, partners=[partner("https://p.cn/" + "x" * 80, ("link_missing",))])
    text = subject(rep, decide(rep, AlertRules(), site=SITE))
    assert text.startswith("[seowatch] example.com: 6 drops on Baidu (很长的关键词很长的关键词很长的关键词很长的关键… 1→30)")
    assert len(text) <= SUBJECT_MAX


def test_the_subject_is_rfc2047_encoded_and_decodes_back():
    d = digest(drops_report())
    msg = build_message(sender="seowatch <seo@example.com>", recipients=["老板 <boss@example.com>"], subject=d.subject,
                        text=d.text, html=d.html, message_id="<x@example.com>",
                        date=datetime(2026, 11, 24, 23, 30, tzinfo=timezone.utc))
    raw = msg.as_bytes()
    headers = raw.split(b"\n\n", 1)[0]
    assert headers.isascii()  # nothing 8-bit in the headers
    assert b"=?utf-8?" in headers
    back = email.message_from_bytes(raw, policy=policy.default)
    assert back["Subject"] == d.subject
    assert back["To"].addresses[0].display_name == "老板"
    assert back.get_content_type() == "multipart/alternative"
    plain = back.get_body(("plain",)).get_content()
    html = back.get_body(("html",)).get_content()
    assert "整合营销 [Baidu]: 3 → 12 (▼9)" in plain and "rival.cn" in plain
    assert "整合营销" in html and "<table" in html


def test_a_long_chinese_subject_keeps_every_space_through_folding():
    # Python 3.11's own folding turns "Baidu and Bing" into "Baidu andBing" at this length
    text = "[seowatch] 营销Demo: 3 drops on Baidu and Bing (整合营销 2→4 on Bing); 1 landing page changed"
    msg = build_message(sender="seowatch@example.com", recipients=["a@example.com"], subject=text, text="x", html=None,
                        message_id="<x@example.com>", date=datetime(2026, 11, 24, tzinfo=timezone.utc))
    for linesep in ("\n", "\r\n"):
        raw = msg.as_bytes(policy=msg.policy.clone(linesep=linesep))
        assert max(len(line) for line in raw.split(linesep.encode())) <= 78
        assert email.message_from_bytes(raw, policy=policy.default)["Subject"] == text


def test_text_part_has_summary_drops_partners_suggestions_and_link():
    rep = drops_report(partners=[partner("https://www.partner-a.cn/links.html", ("link_missing",),
                                         evidence=["no link to example.com among the 120 links (HTTP 200)"])],
                       suggestions=[SUGGESTION])
    text = digest(rep, link=LINK).text
    for needle in (
        "CONFIRMED DROPS (3)", "first seen 2026-11-23", "now at 3: rival.cn “整合营销公司排名 <前十>”",
        "网络营销 [Baidu]: 8 → not in the top 50", "our page was: https://www.example.com/a",
        "LANDING PAGE CHANGED (1)", "now https://www.example.com/other (was https://www.example.com/a)",
        "PARTNER LINKS (1)", "https://www.partner-a.cn/links.html: link missing", "among the 120 links",
        "Also watching 1 drop seen once", "checked 5/6, 1 unknown (1 captcha)", "−1.5 vs previous check",
        "1. 在标题中加入“整合营销”", f"Full report: {LINK}",
    ):
        assert needle in text, needle
    assert "短视频营销" not in text  # watching: counted, not listed


def test_coverage_text_says_the_crawler_was_blocked_and_drops_are_held_back():
    text = digest(captcha_wall_report()).text
    assert "40 of 50 rank checks came back unknown (36 captcha, 4 http_403)" in text
    assert "Rank alerts for 2026-11-24 are held back" in text
    assert "1 keyword with a confirmed drop among the checks that got through is in the full report" in text
    assert "seowatch crawl --site example.com" in text
    assert "CONFIRMED DROPS" not in text


def test_html_escapes_everything_from_the_store():
    evil = row(8, "<script>alert(1)</script>", ranked(14), ranked(2, BEFORE), cats=(DROPPED,), drop=CONFIRMED,
               taken_by=SeenResult(2, "javascript:alert(1)", "evil.cn", '"><img src=x onerror=alert(1)>'))
    html = digest(drops_report(extra_rows=[evil])).html
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img" not in html and "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" in html
    assert 'href="javascript:' not in html
    assert "整合营销公司排名 &lt;前十&gt;" in html


def test_html_links_the_full_report_or_names_the_attachment():
    assert f'<a href="{LINK}"' in digest(drops_report(), link=LINK).html
    assert "attached (example.com-2026-11-24.html)" in digest(drops_report(), attachment="example.com-2026-11-24.html").html
    assert "seowatch report --site example.com --date 2026-11-24" in digest(drops_report()).html


def test_chat_text_is_short():
    rows = [row(i, f"词{i}", ranked(20), ranked(2, BEFORE), cats=(DROPPED,), drop=CONFIRMED) for i in range(20, 40)]
    rep = drops_report(extra_rows=rows)
    chat = render_chat(rep, decide(rep, AlertRules(), site=SITE), site=SITE, link=LINK)
    lines = chat.splitlines()
    assert lines[0].startswith("example.com, checks of 2026-11-24: 23 drops on Baidu")
    assert sum(1 for line in lines if line.startswith("•")) == CHAT_ITEMS
    assert "• … and 17 more" in chat and lines[-1] == f"Full report: {LINK}"


def test_chat_text_names_who_took_our_place():
    rep = drops_report()
    chat = render_chat(rep, decide(rep, AlertRules(), site=SITE), site=SITE)
    assert "• 整合营销 Baidu 3→12, rival.cn took #3" in chat and "• 网络营销 Baidu 8→>50" in chat
