"""One canonical form per keyword: simplified, half-width, lower-case, spaces and punctuation folded."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# A run of whitespace or punctuation (ASCII and CJK) becomes one space first. '+' and '#'
# stay: they carry meaning in keywords such as "c++ 教程" and "c# 入门".
_SEPARATORS = re.compile(r"[\s\u3000\u00a0!-\"$-*,-/:-@\[-`{-~·、。，；：？！…—–‘’“”《》〈〉「」『』【】〔〕（）]+")
_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f"
_SPACE_NEAR_CJK = re.compile(rf"(?<=[{_CJK}]) | (?=[{_CJK}])")


@lru_cache(maxsize=1)
def _t2s():
    """The one OpenCC converter of the process (traditional to simplified)."""
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    return _t2s().convert(text)


def normalize(text: str) -> str:
    """整合營銷, 整合营销, 整合 营销 and ＳＥＯ优化 all become one form ('整合营销', 'seo优化').

    Spaces between Latin words stay (one), spaces next to a Chinese character go.
    """
    if not text:
        return ""
    s = unicodedata.normalize("NFKC", text)
    if not s.isascii():  # OpenCC leaves ASCII as it is
        s = to_simplified(s)
    s = s.lower()
    if s.isalnum():  # no space or punctuation to fold (the common case): skip the regexes
        return s
    s = _SEPARATORS.sub(" ", s).strip()
    return _SPACE_NEAR_CJK.sub("", s) if " " in s else s


# Page text keeps its sentence boundaries: a keyword phrase never matches across 。，！？ or a line break.
_BOUNDARY = re.compile(r"[\n\r\u2028\u2029。、，,；;！!？?|]")
# _SEPARATORS without the line break, and the spaces around line breaks (whole-text passes: pages are long).
_INLINE_SEPARATORS = re.compile(r"(?:[^\S\n]|[\u3000\u00a0!-\"$-*,-/:-@\[-`{-~·、。，；：？！…—–‘’“”《》〈〉「」『』【】〔〕（）])+")
_LINE_BREAKS = re.compile(r" *\n[ \n]*")
_CJK_CHAR = re.compile(f"[{_CJK}]")


def normalize_passage(text: str) -> str:
    """Page text in the keywords' form (simplified, half-width, lower-case, spaces next to Chinese
    folded), one line per sentence or clause, so phrase search cannot cross a boundary."""
    if not text:
        return ""
    s = to_simplified(unicodedata.normalize("NFKC", text)).lower()
    s = _INLINE_SEPARATORS.sub(" ", _BOUNDARY.sub("\n", s))
    s = _LINE_BREAKS.sub("\n", s).strip(" \n")
    return _SPACE_NEAR_CJK.sub("", s)


def chinese_char_count(text: str) -> int:
    """Chinese characters (CJK ideographs) in `text`: how Chinese text is measured, not in words."""
    return len(_CJK_CHAR.findall(text)) if text else 0
