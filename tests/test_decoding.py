"""Page decoding: BOM, header, meta, detection; gb2312/gbk as gb18030; Big5; nothing dropped silently."""

import pytest

from seowatch.crawlers.decoding import canonical_encoding, decode_html, header_charset, meta_charset, parse_html

SIMPLIFIED = "<html><head><title>整合营销 关于我们</title></head><body>这是一个简体中文的网页，欢迎光临。镕</body></html>"
TRADITIONAL = "<html><head><title>台灣行銷網 關於我們</title></head><body>這是一個繁體中文的網頁，歡迎光臨。</body></html>"


@pytest.mark.parametrize("name, codec", [("GB2312", "gb18030"), ("gbk", "gb18030"), ("x-gbk", "gb18030"),
                                         ("Big5", "big5hkscs"), ("UTF8", "utf-8"), ("iso-8859-1", "cp1252"),
                                         ("nonsense", None), (None, None)])
def test_canonical_encoding(name, codec):
    assert canonical_encoding(name) == codec


def test_header_then_meta():
    assert header_charset({b"Content-Type": [b"text/html; charset=GBK"]}) == "gb18030"
    assert header_charset({"content-type": "text/html"}) is None
    assert meta_charset(b'<meta http-equiv="Content-Type" content="text/html; charset=gb2312">') == "gb18030"
    assert meta_charset(b"<meta charset='utf-8'>") == "utf-8"


def test_gb2312_label_with_gbk_only_characters_decodes_as_gb18030():
    body = SIMPLIFIED.replace("<head>", '<head><meta charset="gb2312">').encode("gbk")  # 镕 is not in GB2312
    d = decode_html(body)
    assert d.encoding == "gb18030" and "镕" in d.text and d.errors == 0


def test_a_wrong_declaration_is_not_trusted():
    body = SIMPLIFIED.replace("<head>", '<head><meta charset="utf-8">').encode("gbk")
    d = decode_html(body)
    assert d.encoding == "gb18030" and "整合营销" in d.text


@pytest.mark.parametrize("text, encoding, codec", [(SIMPLIFIED, "gbk", "gb18030"), (TRADITIONAL, "big5", "big5hkscs")])
def test_undeclared_chinese_pages_are_detected(text, encoding, codec):
    d = decode_html(text.encode(encoding))
    assert (d.encoding, d.source) == (codec, "detected") and d.text == text


def test_bom_wins_and_is_removed():
    d = decode_html(b"\xef\xbb\xbf" + SIMPLIFIED.encode(), {"Content-Type": "text/html; charset=gbk"})
    assert (d.encoding, d.source) == ("utf-8", "bom") and d.text.startswith("<html>")


def test_bytes_that_fit_no_encoding_are_counted_not_dropped():
    body = "<p>caf".encode() + b"\xff\xfe\xfa" + "é 整合</p>".encode()
    d = decode_html(body, {"Content-Type": "text/html; charset=utf-8"})
    if d.source == "fallback":  # replacement characters, and how many
        assert d.errors > 0 and d.text.count("\ufffd") == d.errors
    else:  # or a reading that loses nothing
        assert d.source == "detected" and d.errors == 0 and d.text.encode(d.encoding) == body


def test_parse_html_fast_path_and_mislabelled_slow_path():
    root, decoded, enc = parse_html(SIMPLIFIED.encode(), {"Content-Type": "text/html; charset=utf-8"})
    assert decoded is None and enc == "utf-8" and root.findtext(".//title") == "整合营销 关于我们"
    root, decoded, enc = parse_html(SIMPLIFIED.replace("<head>", '<head><meta charset="utf-8">').encode("gbk"))
    assert decoded is not None and enc == "gb18030" and root.findtext(".//title") == "整合营销 关于我们"


@pytest.mark.parametrize("body", [b"", b"\x00\x01\x02", b"\x89PNG\r\n\x1a\n" + bytes(range(256)), b"<html"])
def test_parse_html_never_raises(body):
    parse_html(body)
