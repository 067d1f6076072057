"""The one cached jieba tokenizer: dictionary loaded once, cache in the data directory, user words never
split, Chinese stop words, precise and search modes, and a clean switch between configurations."""

import json
import subprocess
import sys

import pytest

from seowatch.keywords.tokenize import (
    CACHE_FILE,
    TokenizerError,
    TokenizerOptions,
    chinese_stop_words,
    get_tokenizer,
    read_user_dict,
)


def test_traditional_text_is_normalized_before_segmentation(tokenizer):
    import jieba

    assert jieba.lcut("整合營銷") == ["整合", "營銷"]  # why we normalize first
    assert tokenizer.cut("整合營銷") == ["整合营销"]
    assert tokenizer.cut("整合營銷方案") == ["整合营销", "方案"]
    assert tokenizer.cut("ＳＥＯ优化，") == ["seo", "优化"]  # full-width folded, punctuation dropped


def test_precise_mode_counts_search_mode_matches(tokenizer):
    assert tokenizer.cut("网络营销公司") == ["网络营销", "公司"]
    assert tokenizer.cut_for_search("网络营销公司") == ["网络", "营销", "网络营销", "公司"]
    assert tokenizer.parts("网络营销") == ("网络", "营销", "网络营销")


def test_passages_keep_sentence_boundaries(tokenizer):
    assert tokenizer.cut_passage("我们提供整合營銷。方案免费") == ["我们", "提供", "整合营销", "方案", "免费"]


def test_user_words_from_the_config_never_split(jieba_cache_dir):
    plain = get_tokenizer(TokenizerOptions(str(jieba_cache_dir)))
    sentence = "连云港骐扬网络科技有限公司做抖音短视频营销"
    assert "骐扬网络" not in plain.cut(sentence) and "短视频营销" not in plain.cut(sentence)
    tok = get_tokenizer(TokenizerOptions(str(jieba_cache_dir), user_words=("骐扬网络", "短视频营销", "ＳＥＯ优化")))
    words = tok.cut(sentence)
    assert "骐扬网络" in words and "短视频营销" in words
    assert tok.cut("专业的SEO优化排名") == ["专业", "的", "seo优化", "排名"]  # user words are normalized too
    assert tok.user_words == ("骐扬网络", "短视频营销", "seo优化")


def test_user_dictionary_file_is_respected(jieba_cache_dir, tmp_path):
    path = tmp_path / "userdict.txt"
    path.write_text("# brands\n云推宝\n易企秀营销 50 nz\n\n", encoding="utf-8")
    assert read_user_dict(path) == [("云推宝", None), ("易企秀营销", 50)]
    tok = get_tokenizer(TokenizerOptions(str(jieba_cache_dir), user_dict=str(path)))
    assert "云推宝" in tok.cut("用云推宝做推广")
    assert "易企秀营销" in tok.cut("我们用易企秀营销做H5")


def test_switching_configuration_undoes_the_previous_words(jieba_cache_dir):
    a = get_tokenizer(TokenizerOptions(str(jieba_cache_dir), user_words=("云推宝",)))
    assert "云推宝" in a.cut("用云推宝做推广")
    b = get_tokenizer(TokenizerOptions(str(jieba_cache_dir)))
    assert "云推宝" not in b.cut("用云推宝做推广")
    assert get_tokenizer(TokenizerOptions(str(jieba_cache_dir))) is b  # same options: the cached object
    with pytest.raises(RuntimeError, match="replaced"):
        a.cut("云推宝")  # a stale tokenizer refuses instead of silently using other words


def test_a_bad_user_dictionary_is_reported_and_changes_nothing(jieba_cache_dir, tmp_path):
    before = get_tokenizer(TokenizerOptions(str(jieba_cache_dir), user_words=("云推宝",)))
    with pytest.raises(TokenizerError, match="not found"):
        get_tokenizer(TokenizerOptions(str(jieba_cache_dir), user_dict=str(tmp_path / "missing.txt")))
    bad = tmp_path / "gbk.txt"
    bad.write_bytes("云推宝\n".encode("gbk"))
    with pytest.raises(TokenizerError, match="not UTF-8"):
        read_user_dict(bad)
    assert before.cut("用云推宝做推广")[1] == "云推宝"  # still the active configuration


def test_chinese_stop_words_from_the_package_plus_the_config(jieba_cache_dir):
    base = chinese_stop_words()
    assert {"的", "了", "什么", "怎么"} <= base and len(base) > 500
    assert "营销" not in base and "公司" not in base
    tok = get_tokenizer(TokenizerOptions(str(jieba_cache_dir), stop_words=("哪家", "ＰＤＦ")))
    assert tok.is_stop("的") and tok.is_stop("哪家") and tok.is_stop("pdf")
    assert tok.terms("网络营销公司哪家好") == ["网络营销", "公司"]
    assert tok.terms("的") == ["的"]  # nothing but stop words: keep them rather than nothing


def test_tfidf_uses_our_stop_words(jieba_cache_dir):
    tok = get_tokenizer(TokenizerOptions(str(jieba_cache_dir), stop_words=("方案",)))
    text = "整合营销方案。整合营销方案哪家好。我们的整合营销方案。营销策划"
    tags = [t for t, _ in tok.extract_tags(text)]
    assert tags[0] == "整合营销" and "方案" not in tags and "的" not in tags


def test_dictionary_loads_once_with_its_cache_in_the_data_directory(tmp_path):
    """In a fresh process: the cache file is written to the data directory, and a second factory call
    with the same options neither reloads nor rebuilds anything."""
    data = tmp_path / "data"
    code = f"""
import json, time, jieba
from seowatch.keywords.tokenize import TokenizerOptions, get_tokenizer
opts = TokenizerOptions({str(data)!r}, user_words=("整合营销",))
calls = []
real = jieba.dt.initialize
jieba.dt.initialize = lambda *a, **k: (calls.append(1), real(*a, **k))[1]
t = time.perf_counter(); a = get_tokenizer(opts); first = time.perf_counter() - t
t = time.perf_counter(); b = get_tokenizer(opts); second = time.perf_counter() - t
print(json.dumps({{"same": a is b, "calls": len(calls), "tmp_dir": jieba.dt.tmp_dir, "first": first, "second": second}}))
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    got = json.loads(out.stdout.strip().splitlines()[-1])
    assert got["same"] and got["calls"] == 1 and got["tmp_dir"] == str(data)
    assert (data / CACHE_FILE).is_file()
    assert got["second"] < got["first"] / 100
    assert out.stderr.strip() == ""  # jieba's "Building prefix dict" chatter is silenced


def test_tfidf_weights_equal_jieba_analyse_with_the_same_stop_words(jieba_cache_dir):
    """extract_tags reads jieba.analyse's IDF table itself (no part-of-speech tables loaded) and must
    weigh words exactly as jieba.analyse.extract_tags does."""
    import jieba.analyse

    from seowatch.keywords.normalize import normalize_passage

    tok = get_tokenizer(TokenizerOptions(str(jieba_cache_dir)))
    text = ("整合营销方案。整合营销方案哪家好。我们的整合营销方案。营销策划 网络营销公司提供全网营销推广服务，"
            "整合营销传播方案 The best SEO tools for 2026")
    reference = jieba.analyse.TFIDF()
    reference.stop_words = set(reference.STOP_WORDS) | set(tok.stop_words)
    assert tok.extract_tags(text) == reference.extract_tags(normalize_passage(text), topK=20, withWeight=True)
