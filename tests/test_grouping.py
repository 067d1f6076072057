"""Variants folded and reported; topics by shared head terms, the config's groups first."""

from seowatch.keywords.grouping import (
    SOURCE_CONFIG,
    SOURCE_SHARED,
    SOURCE_SINGLE,
    Variant,
    dedupe,
    group_keywords,
    head_terms,
)

DEMO = ("整合营销", "网络营销公司", "SEO优化", "百度推广代运营", "品牌营销策划", "营销型网站建设", "整合營銷方案", "短视频营销")


def topics(grouping):
    return {t.name: (t.source, t.keywords) for t in grouping.topics}


def test_dedupe_reports_every_variant_with_the_keyword_it_folds_into():
    report = dedupe(["整合營銷", "SEO优化", "整合 营销", "ＳＥＯ 优化", "整合营销", "  ", "网络营销"])
    assert report.keywords == ("整合營銷", "SEO优化", "网络营销")
    assert report.variants == (
        Variant("整合 营销", "整合營銷", "整合营销"),
        Variant("ＳＥＯ 优化", "SEO优化", "seo优化"),
        Variant("整合营销", "整合營銷", "整合营销"),
    )


def test_head_terms_are_content_words_and_the_words_inside_them(tokenizer):
    assert head_terms(tokenizer, "网络营销公司哪家好") == ("网络", "营销", "网络营销", "公司", "哪家")
    assert head_terms(tokenizer, "网络营销公司", inner=False) == ("网络营销", "公司")
    assert "2024" not in head_terms(tokenizer, "2024营销趋势")


def test_demo_keywords_fall_into_sensible_topics(tokenizer):
    g = group_keywords([(k, None) for k in DEMO], tokenizer)
    assert topics(g) == {
        "营销": (SOURCE_SHARED, ("网络营销公司", "品牌营销策划", "营销型网站建设", "短视频营销")),
        "整合营销": (SOURCE_SHARED, ("整合营销", "整合營銷方案")),  # the more specific term first
        "SEO优化": (SOURCE_SINGLE, ("SEO优化",)),
        "百度推广代运营": (SOURCE_SINGLE, ("百度推广代运营",)),
    }
    assert g.variants == ()


def test_more_specific_head_terms_win_over_broad_ones(tokenizer):
    kws = ["整合营销", "整合营销公司", "整合营销方案", "网络营销", "网络营销培训", "营销策划"]
    g = group_keywords([(k, None) for k in kws], tokenizer)
    assert topics(g) == {
        "整合营销": (SOURCE_SHARED, ("整合营销", "整合营销公司", "整合营销方案")),
        "网络营销": (SOURCE_SHARED, ("网络营销", "网络营销培训")),
        "营销策划": (SOURCE_SINGLE, ("营销策划",)),
    }


def test_configured_groups_take_precedence(tokenizer):
    pairs = [("整合营销", "核心词"), ("品牌营销策划", "核心词"), ("整合营销方案", None), ("网络营销公司", None),
             ("短视频营销", None), ("整合 营销", "另一个组")]
    g = group_keywords(pairs, tokenizer)
    core = next(t for t in g.topics if t.name == "核心词")
    assert core.source == SOURCE_CONFIG
    # 整合营销方案 contains the whole word 整合营销 of a configured keyword: it joins; the broad 营销
    # inside those keywords does not pull 网络营销公司 and 短视频营销 in.
    assert core.keywords == ("整合营销", "品牌营销策划", "整合营销方案") and core.joined == ("整合营销方案",)
    assert topics(g)["营销"] == (SOURCE_SHARED, ("网络营销公司", "短视频营销"))
    # The variant keeps the first spelling's group and is reported.
    assert [v.text for v in g.variants] == ["整合 营销"]
    assert "另一个组" not in topics(g)


def test_every_keyword_lands_in_exactly_one_topic(tokenizer):
    kws = [f"{city}{kind}" for city in ("北京", "上海", "广州") for kind in ("网络营销公司", "seo优化", "网站建设")]
    g = group_keywords([(k, None) for k in kws], tokenizer)
    placed = [k for t in g.topics for k in t.keywords]
    assert sorted(placed) == sorted(kws)
    assert all(len(t.keywords) >= 2 for t in g.topics if t.source == SOURCE_SHARED)
