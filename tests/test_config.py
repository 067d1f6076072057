"""seowatch.toml validation: errors name the file, the key path and what is wrong."""

import pytest

from seowatch.config import ConfigError, load_config, parse_config, read_keywords_file, site_keywords

GOOD = """
[[sites]]
domain = "example.com"
engines = ["baidu", "bing"]
keywords = ["整合营销", { keyword = "网络营销", group = "营销", volume = 900 }]
"""


def test_minimal_config_has_safe_defaults(tmp_path):
    path = tmp_path / "seowatch.toml"
    path.write_text(GOOD, encoding="utf-8")
    cfg = load_config(path)
    site = cfg.sites[0]
    assert site.depth == 50 and site.match == "domain"
    assert cfg.politeness.delay >= 2 and cfg.politeness.concurrency_per_engine == 1
    assert cfg.database_url == f"sqlite:///{tmp_path / 'data' / 'seowatch.db'}"
    assert [k.keyword for k in site_keywords(cfg, site)] == ["整合营销", "网络营销"]


@pytest.mark.parametrize(
    "text, expected",
    [
        ('[settings]\ndatabse = "x"\n', "x.toml: settings.databse: unknown key"),
        ('[[sites]]\ndomain = "a.com"\nengines = ["baidoo"]\n', "x.toml: sites[0].engines[0]: 'baidoo' is not allowed"),
        ('[[sites]]\ndomain = "a.com"\ndepth = 0\n', "x.toml: sites[0].depth: "),
        ('[[sites]]\ndomain = "a.com"\nkeywords = [{ kw = "x" }]\n', "x.toml: sites[0].keywords[0].keyword: required key is missing"),
        ('[[sites]]\ndomain = "https://a.com/"\n', "x.toml: sites[0].domain: must be a bare domain"),
        ('[engines.serpapi]\napi_key = "secret"\n', "engines.serpapi.api_key: unknown key; put the key in an environment variable"),
        ("[[sites]\n", "x.toml: not valid TOML"),
        ('[[sites]]\ndomain = "a.com"\n[[sites]]\ndomain = "a.com"\n', "configured twice"),
    ],
)
def test_errors_name_file_key_and_problem(text, expected):
    with pytest.raises(ConfigError) as err:
        parse_config(text, "x.toml")
    assert expected in str(err.value)


def test_missing_file_says_how_to_create_one(tmp_path):
    with pytest.raises(ConfigError, match="seowatch init"):
        load_config(tmp_path / "nope.toml")


def test_keywords_csv_and_bad_rows(tmp_path):
    f = tmp_path / "kw.csv"
    f.write_text("keyword,group,tags,engines,volume\n整合营销,营销,核心|品牌,baidu;bing,1300\nSEO优化,,,,\n", "utf-8-sig")
    specs = read_keywords_file(f)
    assert specs[0].tags == ("核心", "品牌") and specs[0].engines == ("baidu", "bing") and specs[0].volume == 1300
    assert specs[1].keyword == "SEO优化" and specs[1].group is None
    f.write_text("keyword,engines,volume\n整合营销,baidoo,x\n", "utf-8")
    with pytest.raises(ConfigError) as err:
        read_keywords_file(f)
    assert "row 2" in str(err.value) and str(f) in str(err.value)


def test_keywords_xlsx(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.append(["keyword", "group", "volume"])
    wb.active.append(["短视频营销", "视频", 320])
    path = tmp_path / "kw.xlsx"
    wb.save(path)
    (spec,) = read_keywords_file(path)
    assert (spec.keyword, spec.group, spec.volume) == ("短视频营销", "视频", 320)
