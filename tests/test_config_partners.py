"""Partners in seowatch.toml and in a partners file (CSV / XLSX): values, defaults, and errors that
name the file, the key path or row, and what is wrong."""

import pytest

from seowatch.config import ConfigError, load_config, parse_config, read_partners_file, site_partners

GOOD = """
[partners]
failures_before_lost = 3

[[sites]]
domain = "www.yingxiao-demo.cn"

[[sites.partners]]
page = "http://www.partner-a.cn/links.html"
target = "http://www.yingxiao-demo.cn/"
anchor = "整合营销"
our_page = "http://www.yingxiao-demo.cn/youqing.html"
note = "首页友链，2025 年交换"
contact = "QQ 10001"

[[sites.partners]]
page = " https://partner-b.com/friends "
anchor = "  "
"""


def test_partners_inline_with_defaults():
    cfg = parse_config(GOOD, "x.toml")
    assert cfg.partners.failures_before_lost == 3 and cfg.partners.every_days == 7
    a, b = cfg.sites[0].partners
    assert (a.anchor, a.contact, a.our_page) == ("整合营销", "QQ 10001", "http://www.yingxiao-demo.cn/youqing.html")
    assert (b.page, b.target, b.anchor) == ("https://partner-b.com/friends", None, None)
    assert parse_config('[[sites]]\ndomain = "a.com"\n').partners.failures_before_lost == 2


@pytest.mark.parametrize(
    "text, expected",
    [
        ('[[sites]]\ndomain = "a.com"\n[[sites.partners]]\npage = "www.p.cn/links"\n',
         "x.toml: sites[0].partners[0].page: must be an http(s) URL, got 'www.p.cn/links'"),
        ('[[sites]]\ndomain = "a.com"\n[[sites.partners]]\nanchor = "x"\n',
         "x.toml: sites[0].partners[0].page: required key is missing"),
        ('[[sites]]\ndomain = "a.com"\n[[sites.partners]]\npage = "http://p.cn/"\ntarget = "/index.html"\n',
         "x.toml: sites[0].partners[0].target: must be an http(s) URL"),
        ('[[sites]]\ndomain = "a.com"\n[[sites.partners]]\npage = "http:///links"\n',
         "x.toml: sites[0].partners[0].page: must be an http(s) URL with a host"),
        ('[[sites]]\ndomain = "a.com"\n[[sites.partners]]\npage = "http://p.cn/"\nanchr = "x"\n',
         "x.toml: sites[0].partners[0].anchr: unknown key"),
        ("[partners]\nfailures_before_lost = 0\n", "x.toml: partners.failures_before_lost: "),
        ("[partners]\nevery_day = 7\n", "x.toml: partners.every_day: unknown key"),
    ],
)
def test_errors_name_file_key_and_problem(text, expected):
    with pytest.raises(ConfigError) as err:
        parse_config(text, "x.toml")
    assert expected in str(err.value)


def test_partners_file_csv_next_to_the_config(tmp_path):
    (tmp_path / "partners.csv").write_text(
        "Page,target,anchor,our_page,note,contact\n"
        "http://www.partner-a.cn/links.html,,整合营销,,老伙伴,微信 abc\n"
        ",,,,,\n"
        "http://www.partner-c.cn/,http://www.yingxiao-demo.cn/seo/,SEO优化,,,\n",
        "utf-8-sig",
    )
    (tmp_path / "seowatch.toml").write_text(
        '[[sites]]\ndomain = "www.yingxiao-demo.cn"\npartners_file = "partners.csv"\n'
        '[[sites.partners]]\npage = "http://www.inline.cn/"\n', "utf-8")
    cfg = load_config(tmp_path / "seowatch.toml")
    specs = site_partners(cfg, cfg.sites[0])
    assert [s.page for s in specs] == ["http://www.inline.cn/", "http://www.partner-a.cn/links.html", "http://www.partner-c.cn/"]
    assert (specs[1].anchor, specs[1].note, specs[1].contact, specs[1].target) == ("整合营销", "老伙伴", "微信 abc", None)
    assert specs[2].target == "http://www.yingxiao-demo.cn/seo/"


def test_partners_file_errors_name_the_file_and_row(tmp_path):
    f = tmp_path / "p.csv"
    f.write_text("page,anchor,qq\nwww.p.cn/links,x,1\n,锚文本,2\n", "utf-8")
    with pytest.raises(ConfigError) as err:
        read_partners_file(f)
    text = str(err.value)
    assert f"{f}: unknown columns qq (expected page, target, anchor, our_page, note, contact)" in text
    assert f"{f}: row 2: page: must be an http(s) URL, got 'www.p.cn/links'" in text
    assert f"{f}: row 3: page: required (the partner page URL where our link should be)" in text
    f.write_text("url,anchor\nhttp://p.cn/,x\n", "utf-8")
    with pytest.raises(ConfigError, match="no 'page' column"):
        read_partners_file(f)
    with pytest.raises(ConfigError, match="partners file not found"):
        read_partners_file(tmp_path / "nope.csv")


def test_partners_file_xlsx(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.append(["page", "anchor", "contact"])
    wb.active.append(["http://www.partner-x.cn/links.html", "整合营销", 10001])
    path = tmp_path / "p.xlsx"
    wb.save(path)
    (spec,) = read_partners_file(path)
    assert (spec.page, spec.anchor, spec.contact) == ("http://www.partner-x.cn/links.html", "整合营销", "10001")
