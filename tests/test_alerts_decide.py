"""decide(): every rule, one alert per key and day, watching and unknown never alert, a captcha wall holds drops back."""

from dataclasses import replace

from seowatch.config import AlertsConfig
from seowatch.reports.alerts import RULES, AlertRules, decide
from seowatch.reports.model import CONFIRMED, DROPPED, URL_CHANGED, WATCHING
from tests.alert_reports import BEFORE, captcha_wall_report, drops_report, metrics, partner, ranked, row

SITE = "example.com"


def keys(alerts):
    return [a.key for a in alerts]


def by_rule(alerts):
    out = {}
    for a in alerts:
        out.setdefault(a.rule, []).append(a)
    return out


def test_every_rule_on_a_realistic_day():
    rep = drops_report(partners=[
        partner("https://www.partner-a.cn/links.html", ("link_missing",)),
        partner("https://www.partner-b.cn/", ("nofollow",)),
    ])
    alerts = decide(rep, AlertRules(), site=SITE)
    rules = by_rule(alerts)
    assert set(rules) == set(RULES) - {"coverage"}
    assert [a.row.keyword for a in rules["confirmed_drop"]] == ["整合营销", "SEO优化"]
    assert [a.row.keyword for a in rules["out_of_top3"]] == ["整合营销"]
    assert sorted(a.row.keyword for a in rules["out_of_top10"]) == ["整合营销", "网络营销"]
    assert [a.row.keyword for a in rules["lost"]] == ["网络营销"]
    assert [a.row.keyword for a in rules["url_changed"]] == ["品牌策划"]
    assert [a.partner.page for a in rules["partner_lost"]] == ["https://www.partner-a.cn/links.html"]
    assert [a.partner.page for a in rules["partner_nofollow"]] == ["https://www.partner-b.cn/"]
    assert "example.com|2026-11-24|out_of_top3|1|baidu|desktop" in keys(alerts)
    assert "example.com|2026-11-24|partner_lost|https://www.partner-a.cn/links.html" in keys(alerts)
    assert len(set(keys(alerts))) == len(alerts)


def test_worst_drop_comes_first_and_partners_last():
    alerts = decide(drops_report(partners=[partner("https://p.cn/", ("link_missing",))]), AlertRules(), site=SITE)
    assert alerts[0].row.keyword == "整合营销"  # 3 -> 12 costs the most clicks
    assert alerts[-1].rule == "partner_lost"


def test_watching_never_alerts_not_even_its_url_change():
    rep = drops_report()
    watching = rep.rows[3]
    assert watching.drop == WATCHING
    rep.rows[3] = replace(watching, categories=watching.categories + (URL_CHANGED,))
    alerts = decide(rep, AlertRules(), site=SITE)
    assert all(a.row is None or a.row.keyword != "短视频营销" for a in alerts)


def test_unknown_never_alerts():
    alerts = decide(drops_report(), AlertRules(), site=SITE)
    assert all(a.row is None or a.row.keyword != "营销推广" for a in alerts)


def test_only_the_configured_rules():
    rules = AlertRules.from_config(AlertsConfig(rules=("lost", "partner_nofollow")))
    rep = drops_report(partners=[partner("https://a.cn/", ("link_missing",)), partner("https://b.cn/", ("nofollow",))])
    assert [a.rule for a in decide(rep, rules, site=SITE)] == ["lost", "partner_nofollow"]


def test_keys_already_in_the_outbox_are_not_decided_again():
    rep = drops_report()
    first = decide(rep, AlertRules(), site=SITE)
    assert decide(rep, AlertRules(), set(keys(first)), site=SITE) == []
    # a new confirmed drop the same day is decided on its own
    extra = row(9, "营销策划", ranked(15), ranked(2, BEFORE), cats=(DROPPED,), drop=CONFIRMED)
    again = decide(drops_report(extra_rows=[extra]), AlertRules(), set(keys(first)), site=SITE)
    assert [a.key for a in again] == ["example.com|2026-11-24|confirmed_drop|9|baidu|desktop"]


def test_the_key_is_per_day():
    rep = drops_report()
    tomorrow = replace(rep, run_date=rep.run_date.replace(day=25))
    assert not set(keys(decide(rep, AlertRules(), site=SITE))) & set(keys(decide(tomorrow, AlertRules(), site=SITE)))


def test_a_captcha_wall_raises_the_coverage_alert_and_no_drop():
    alerts = decide(captcha_wall_report(), AlertRules(), site=SITE)
    assert [a.rule for a in alerts] == ["coverage"]
    cov = alerts[0].coverage
    assert cov.blocked and cov.below_floor and cov.held_back == 1
    assert cov.reasons == (("captcha", 36), ("http_403", 4))
    assert cov.engines[0] == ("baidu", 40, 50)


def test_the_captcha_wall_holds_drops_back_even_once_its_alert_was_sent():
    rep = captcha_wall_report()
    assert decide(rep, AlertRules(), {"example.com|2026-11-24|coverage"}, site=SITE) == []


def test_partner_alerts_still_go_out_on_a_blocked_day():
    rep = replace(captcha_wall_report(), partners=[partner("https://p.cn/", ("link_missing",))])
    assert [a.rule for a in decide(rep, AlertRules(), site=SITE)] == ["coverage", "partner_lost"]


def test_a_floor_of_zero_never_holds_drops_back():
    alerts = decide(captcha_wall_report(), AlertRules(coverage_floor=0.0), site=SITE)
    assert "coverage" not in [a.rule for a in alerts] and "lost" in [a.rule for a in alerts]


def test_a_crawl_that_did_not_run_is_a_coverage_alert_not_a_block():
    rep = replace(drops_report(), metrics=metrics(6, 0, not_checked=6))
    (alert,) = decide(rep, AlertRules(), site=SITE)
    assert alert.rule == "coverage" and not alert.coverage.blocked


def test_partner_recoveries_and_warnings_do_not_alert_and_lost_beats_nofollow():
    rep = drops_report(partners=[
        partner("https://ok.cn/", ("ok",), previous=("link_missing",)),
        partner("https://anchor.cn/", ("anchor_changed",)),
        partner("https://both.cn/", ("hidden", "nofollow")),
    ])
    partner_alerts = [(a.rule, a.partner.page) for a in decide(rep, AlertRules(), site=SITE) if a.partner]
    assert partner_alerts == [("partner_lost", "https://both.cn/")]


def test_site_key_defaults_to_the_report_site():
    assert decide(drops_report(), AlertRules())[0].key.startswith("example.com|2026-11-24|")
