"""One canonical form per keyword (traditional, full-width, Latin case, spaces, punctuation), and page text in that form."""

import pytest

from seowatch.keywords.normalize import chinese_char_count, normalize, normalize_passage


@pytest.mark.parametrize(
    "text, expected",
    [
        # traditional -> simplified
        ("整合營銷", "整合营销"),
        ("網絡營銷公司", "网络营销公司"),
        ("品牌營銷策劃", "品牌营销策划"),
        # full-width -> half-width, Latin lower-cased
        ("ＳＥＯ优化", "seo优化"),
        ("ＳＥＯ　优化", "seo优化"),  # ideographic space U+3000
        ("SEO优化", "seo优化"),
        ("Seo 優化", "seo优化"),
        # spaces and punctuation next to Chinese are folded; between Latin words one space stays
        ("整合 营销", "整合营销"),
        (" 整合\t营销\n", "整合营销"),
        ("整合·营销", "整合营销"),
        ("【整合营销】", "整合营销"),
        ("整合营销，方案！", "整合营销方案"),
        ("Apple  Watch 维修", "apple watch维修"),
        ("python 教程", "python教程"),
        # '+' and '#' carry meaning
        ("C++ 教程", "c++教程"),
        ("C# 入门", "c#入门"),
        # digits and full-width digits
        ("２０２４年 营销趋势", "2024年营销趋势"),
        ("", ""),
        ("　，。", ""),
    ],
)
def test_normalization_table(text, expected):
    assert normalize(text) == expected


def test_variants_are_one_keyword():
    assert len({normalize(k) for k in ("整合營銷", "整合营销", "整合 营销", "整合　營銷")}) == 1


def test_passage_keeps_sentence_boundaries_so_a_phrase_cannot_cross_them():
    text = "我们做营销。方案免费！整合 营銷\nＳＥＯ 优化服务"
    out = normalize_passage(text)
    assert out.split("\n") == ["我们做营销", "方案免费", "整合营销", "seo优化服务"]
    assert "营销方案" not in out  # 营销。方案 is not the phrase 营销方案
    assert normalize("整合营销") in out and normalize("SEO优化") in out


def test_chinese_characters_are_counted_not_words():
    assert chinese_char_count("整合营销 SEO 优化, 2024") == 6
    assert chinese_char_count("整合營銷") == 4
    assert chinese_char_count("𠀀𠀁") == 2  # CJK extension B
    assert chinese_char_count("hello world") == 0
