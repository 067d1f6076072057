"""The sandbox's partner sites: a valid scenario, the encodings and markup the issue asks for, and
config entries that seowatch accepts."""

from seowatch.config import PartnerSpec
from seowatch.crawlers.partnerstatus import STATUSES
from seowatch.sandbox.partnersites import (
    BY_KEY,
    EXPECTED,
    OUR_SITE,
    PARTNERS,
    expected,
    partner_scenario,
    partner_sites,
    partner_specs,
)
from seowatch.sandbox.scenario import load_scenario


def test_the_scenario_is_valid_and_serves_every_partner_but_the_unreachable_one():
    scenario = load_scenario(partner_scenario())
    for number in (1, 2, 3):
        day = scenario.day(number)
        for p in PARTNERS:
            site = day.site(p.host)
            if p.key == "unreachable":
                assert site is None
            else:
                assert p.path in site, p


def test_encodings_and_sizes():
    day = load_scenario(partner_scenario((1,))).day(1)
    gbk = day.site("www.hangye-zixun.cn")["/links.html"]
    assert "整合营销".encode("gbk") in gbk.body and ("Content-Type", "text/html") in gbk.headers
    assert b'charset=gbk' in gbk.body
    big5 = day.site("www.tw-xingxiao.com.tw")["/friends.html"]
    assert "整合營銷".encode("big5") in big5.body and b"charset=big5" in big5.body
    assert day.site("www.luanma-site.cn")["/"].body.startswith(b"\xef\xbb\xbf")
    assert len(day.site("www.big-portal.cn")["/daohang.html"].body) > 2 * 1024 * 1024
    assert b'<base href="http://www.base-partner.cn/sub/">' in day.site("www.base-partner.cn")["/sub/page.html"].body
    old = day.site("www.old-partner.cn")["/links.html"]
    assert old.status == 301 and ("Location", "http://www.new-partner.cn/links.html") in old.headers
    assert ("X-Robots-Tag", "googlebot: noindex") in day.site("www.xrobots-partner.cn")["/links.html"].headers
    assert b"Disallow: /links/" in day.site("www.robots-partner.cn")["/robots.txt"].body


def test_days_change_only_the_changing_partners():
    one, two, three = (partner_sites(d) for d in (1, 2, 3))
    changed = {h for h in one if one[h] != two[h]} | {h for h in one if one[h] != three[h]}
    assert changed == {BY_KEY[k].host for k in ("missing", "flaky", "blip")}
    assert expected("missing", 3) == ("link_missing",) and expected("gbk", 3) == ("ok",)


def test_every_status_has_a_partner_and_specs_are_valid_config():
    assert {s for days in EXPECTED.values() for ss in days.values() for s in ss} == set(STATUSES)
    specs = [PartnerSpec(**s) for s in partner_specs()]
    assert len(specs) == len(PARTNERS) and all(s.page.startswith("http://") for s in specs)


def test_a_subset_keeps_the_redirect_target_and_our_page():
    sites = partner_sites(1, ("redirect", "gbk"))
    assert set(sites) == {"www.old-partner.cn", "www.new-partner.cn", "www.hangye-zixun.cn", OUR_SITE}


def test_demo_merge_and_toml():
    import tomllib

    from seowatch.config import parse_config
    from seowatch.sandbox.partnersites import DEMO_KEYS, merge_into, partners_toml

    base = {"days": {"1": {"sites": {OUR_SITE: {"/": "<html>home</html>"}}}, "2": {}}}
    merged = merge_into(base)
    assert merged["days"]["1"]["sites"][OUR_SITE]["/"] == "<html>home</html>"  # kept
    assert "/youqing.html" in merged["days"]["2"]["sites"][OUR_SITE]
    assert "www.missing-partner.cn" in merged["days"]["2"]["sites"] and "www.gone-partner.cn" not in merged["days"]["1"]["sites"]
    assert base["days"]["2"] == {}  # the input is not changed
    load_scenario(merged)
    text = f'[[sites]]\ndomain = "{OUR_SITE}"\n' + partners_toml()
    assert len(tomllib.loads(text)["sites"][0]["partners"]) == len(DEMO_KEYS)
    statuses = {expected(k, d) for k in DEMO_KEYS for d in (1, 2)}
    assert ("nofollow",) in statuses and ("link_missing",) in statuses
    assert len(parse_config(text).sites[0].partners) == len(DEMO_KEYS)
