"""Scenario loading: the format, carry-forward of days, tolerant keyword lookup, and clear errors."""

from __future__ import annotations

import json

import pytest

from seowatch.sandbox.scenario import DEFAULT_TOTAL, ScenarioError, load_scenario


def problems(data) -> list[str]:
    with pytest.raises(ScenarioError) as err:
        load_scenario(data, name="s.json")
    assert str(err.value).startswith("s.json: ")
    return err.value.problems


def test_minimal_scenario_and_defaults():
    sc = load_scenario({"days": {"1": {"serps": {"baidu": {"SEO优化": {}}}}}})
    plan = sc.day(1).keyword("baidu", "SEO优化")
    assert plan.listed and plan.total == DEFAULT_TOTAL and plan.carry_target and plan.encoding == "utf-8"
    assert plan.related is None and plan.faults == () and dict(plan.placed) == {}
    assert sc.filler().listed is False and sc.filler().total == DEFAULT_TOTAL


def test_results_fill_free_ranks_around_pinned_ones():
    sc = load_scenario({"days": {"1": {"serps": {"bing": {"k": {"results": [
        "https://a.cn/", {"url": "https://b.cn/", "position": 2}, "https://c.cn/",
        {"url": "https://d.cn/", "position": 60, "title": "D"},
    ]}}}}}})
    plan = sc.day(1).keyword("bing", "k")
    assert {rank: r.url for rank, r in plan.placed.items()} == {
        1: "https://a.cn/", 2: "https://b.cn/", 3: "https://c.cn/", 60: "https://d.cn/"}
    assert plan.total == 60  # the highest placed rank raises the default total
    assert plan.placed[60].title == "D"


def test_days_carry_forward():
    sc = load_scenario({"days": {
        "2": {"serps": {"baidu": {"a": {"total": 2}}}},
        "5": {"serps": {"baidu": {"b": {"total": 5}}}},
    }})
    assert sc.day(1).number == 0 and sc.day(1).keyword("baidu", "a") is None  # before the first listed day
    assert sc.day(2).keyword("baidu", "a").total == 2
    assert sc.day(4).number == 2  # days 3 and 4 repeat day 2
    assert sc.day(5).keyword("baidu", "a") is None  # a listed day stands alone
    assert sc.day(99).keyword("baidu", "b").total == 5


def test_keyword_lookup_tolerates_width_case_and_spaces():
    sc = load_scenario({"days": {"1": {"serps": {"baidu": {" SEO优化 ": {"total": 3}}}}}})
    day = sc.day(1)
    assert day.keyword("baidu", "SEO优化").total == 3
    assert day.keyword("baidu", "ｓｅｏ优化").total == 3  # full-width, lower case
    assert day.keyword("baidu", "seo  优化") is None  # a different query
    assert day.keyword("bing", "SEO优化") is None


def test_sites_are_encoded_and_typed():
    sc = load_scenario({"days": {"1": {"sites": {"WWW.Partner-A.cn": {
        "/links.html": {"body": "<html>友情链接</html>", "encoding": "gbk"},
        "/robots.txt": "User-agent: *\nDisallow:",
        "/moved": {"status": 301, "headers": {"Location": "http://www.partner-a.cn/links.html"}},
    }}}}})
    site = sc.day(1).site("www.partner-a.cn:80")
    assert site["/links.html"].body == "<html>友情链接</html>".encode("gbk")
    assert ("Content-Type", "text/html; charset=gbk") in site["/links.html"].headers
    assert ("Content-Type", "text/plain; charset=utf-8") in site["/robots.txt"].headers
    assert site["/moved"].status == 301 and ("Location", "http://www.partner-a.cn/links.html") in site["/moved"].headers


def test_comments_are_ignored_in_fixed_key_objects():
    sc = load_scenario({"_note": "x", "days": {"1": {"_why": "y", "serps": {"baidu": {"k": {"_story": "z"}}}}}})
    assert sc.day(1).keyword("baidu", "k") is not None


def test_every_problem_is_reported_with_its_key_path():
    found = problems({
        "days": {
            "1": {
                "serps": {
                    "bingo": {},
                    "baidu": {
                        "整合营销": {
                            "results": ["ftp://x.cn/", {"url": "https://a.cn/", "position": 0}, {"title": "no url"}],
                            "total": 5,
                            "cards": [{"kind": "weather", "title": "t"}],
                            "faults": [{"type": "boom"}, {"type": "timeout", "times": 0}],
                            "carry_target": "yes",
                            "colour": "red",
                        },
                        "k": {"results": [{"url": "https://b.cn/", "position": 9}], "total": 5},
                    },
                },
                "sites": {"www.x.cn": {"links.html": "", "/a": {"body": "©", "encoding": "gbk"}}},
            },
            "zero": {},
        },
    })
    assert found == [
        "days.1.serps.bingo: unknown engine (known: baidu, baidu_mobile, bing, google, sogou, so360, duckduckgo, "
        "yandex, serpapi)",
        "days.1.serps.baidu.整合营销.colour: unknown key (expected one of: results, total, ads, cards, related, "
        "faults, carry_target, encoding, description)",
        "days.1.serps.baidu.整合营销.results[0]: must be an http(s) URL with a host, got 'ftp://x.cn/'",
        "days.1.serps.baidu.整合营销.results[1].position: must be between 1 and 10000, got 0",
        "days.1.serps.baidu.整合营销.results[2]: missing required key 'url'",
        "days.1.serps.baidu.整合营销.cards[0].kind: unknown card kind 'weather' (known: baike, video, news, images, "
        "knowledge_panel, featured_snippet, translate, music, tieba, people_also_ask, local, shopping, answer, "
        "related, health, other)",
        "days.1.serps.baidu.整合营销.faults[0].type: unknown fault type 'boom' (known: captcha, http_403, http_429, "
        "http_503, timeout, truncated, dataloss, garbage, empty, no_results)",
        "days.1.serps.baidu.整合营销.faults[1].times: must be >= 1, got 0",
        "days.1.serps.baidu.整合营销.carry_target: must be true or false, got a string ('yes')",
        "days.1.serps.baidu.k.total: is 5 but a result is placed at rank 9",
        'days.1.sites["www.x.cn"]["links.html"]: a page path must start with \'/\'',
        'days.1.sites["www.x.cn"]["/a"].body: cannot be encoded as gbk: illegal multibyte sequence at \'©\'',
        'days.zero: day keys must be whole numbers >= 1, such as "1"',
    ]


def test_shape_errors():
    assert problems([]) == ["must be an object, got a list"]
    assert problems({}) == ["missing required key 'days'"]
    assert problems({"days": []}) == ["days: must be an object keyed by day number, got a list"]
    assert problems({"days": {"1": {"serps": {"baidu": []}}}}) == [
        "days.1.serps.baidu: must be an object keyed by keyword, got a list"]
    assert problems({"days": {"1": {"serps": {"serpapi": {"k": {"encoding": "gbk"}}}}}}) == [
        "days.1.serps.serpapi.k.encoding: SerpApi answers JSON, always UTF-8"]
    assert problems({"days": {"1": {"serps": {"baidu": {"k": {"encoding": "klingon"}}}}}}) == [
        "days.1.serps.baidu.k.encoding: unknown encoding 'klingon'"]
    assert problems({"days": {"1": {"serps": {"baidu": {"k": {"cards": [{"kind": "baike", "title": "t", "before": 9}],
                                                             "total": 5}}}}}}) == [
        "days.1.serps.baidu.k.cards[0].before: must be between 1 and 5, got 9"]


def test_file_errors_name_the_file(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text('{"days": {"1": }}', "utf-8")
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    assert str(err.value).startswith(f"{path}: line 1 column 16: not valid JSON: Expecting value")
    with pytest.raises(ScenarioError) as err:
        load_scenario(tmp_path / "missing.json")
    assert "cannot read the file" in str(err.value)


def test_file_round_trip(tmp_path):
    path = tmp_path / "ok.json"
    path.write_text(json.dumps({"days": {"1": {"serps": {"yandex": {"игра": {"total": 7}}}}}}, ensure_ascii=False), "utf-8")
    sc = load_scenario(path)
    assert sc.source == str(path)
    assert sc.day(1).keyword("yandex", "игра").total == 7
