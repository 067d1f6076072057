"""The one jieba tokenizer of the process: dictionary loaded once, user words and Chinese stop words applied.

jieba keeps its dictionary in module-level state (`jieba.dt`), and `jieba.analyse` is bound to that
default tokenizer, so seowatch configures it here and nowhere else:

- the prefix dictionary is loaded once per process, its cache file in the data directory (not /tmp);
- user words (config `[keywords] user_words` and the `user_dict` file) are added with a frequency high
  enough that jieba never splits them; applying another configuration first restores what the previous
  one changed, so one process can switch (the tests do) and a stale `Tokenizer` refuses to run;
- stop words: the Chinese list of the `stopwordsiso` package plus the config's own.

Text is normalized first (`normalize` for keywords, `normalize_passage` for pages): jieba segments
traditional text worse than simplified (整合營銷 splits into 整合/營銷, 整合营销 stays one word).
Precise mode is for counting; search mode (precise words plus the dictionary words inside them) is
for matching.
"""

from __future__ import annotations

import logging
import re
import threading
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from seowatch.keywords.normalize import normalize, normalize_passage

CACHE_FILE = "jieba.cache"
# jieba's own user-dictionary line format: "word [freq] [tag]".
_USERDICT_LINE = re.compile(r"^(.+?)( [0-9]+)?( [a-z]+)?$")
_WORDLIKE = re.compile(r"\w")
_CACHE_LIMIT = 200_000


class TokenizerError(ValueError):
    """A problem with the tokenizer's inputs (a user dictionary that cannot be read), in the user's terms."""


@dataclass(frozen=True)
class TokenizerOptions:
    """Everything that configures the tokenizer, as plain values (read from the config by the caller)."""

    cache_dir: str  # where jieba's prefix-dictionary cache file goes (the data directory)
    user_words: tuple[str, ...] = ()
    user_dict: str | None = None  # a jieba user dictionary file: "word [freq] [tag]" per line
    stop_words: tuple[str, ...] = ()

    @classmethod
    def from_config(cls, config: Any) -> TokenizerOptions:
        """Options from a loaded `seowatch.config.Config` (paths resolved against the config file)."""
        kw = config.keywords
        return cls(
            cache_dir=str(config.data_dir),
            user_words=tuple(kw.user_words),
            user_dict=str(config.resolve_path(kw.user_dict)) if kw.user_dict else None,
            stop_words=tuple(kw.stop_words),
        )

    def to_dict(self) -> dict[str, Any]:
        """For a child process's spec (JSON)."""
        return {"cache_dir": self.cache_dir, "user_words": list(self.user_words), "user_dict": self.user_dict,
                "stop_words": list(self.stop_words)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TokenizerOptions:
        return cls(str(data["cache_dir"]), tuple(data.get("user_words") or ()), data.get("user_dict"),
                   tuple(data.get("stop_words") or ()))


def read_user_dict(path: str | Path) -> list[tuple[str, int | None]]:
    """(word, frequency or None) from a jieba user dictionary; TokenizerError names the file and line."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        raise TokenizerError(f"{p}: user dictionary not found") from None
    except OSError as exc:
        raise TokenizerError(f"{p}: cannot read the user dictionary: {exc.strerror or exc}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise TokenizerError(f"{p}: the user dictionary is not UTF-8 (byte {exc.start})") from None
    out: list[tuple[str, int | None]] = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        m = _USERDICT_LINE.match(line)
        word, freq = m.group(1).strip(), m.group(2)
        out.append((word, int(freq) if freq else None))
    return out


def chinese_stop_words() -> frozenset[str]:
    """The Chinese stop-word list of the stopwordsiso package, normalized like our text."""
    import stopwordsiso

    return frozenset(w for w in (normalize(s) for s in stopwordsiso.stopwords("zh")) if w)


class Tokenizer:
    """Segmentation of normalized text with seowatch's dictionary and stop words. Get it from `get_tokenizer`."""

    def __init__(self, dt: Any, options: TokenizerOptions, user_words: tuple[str, ...], stop_words: frozenset[str]):
        self._dt = dt
        self.options = options
        self.user_words = user_words  # normalized, as added to the dictionary
        self.stop_words = stop_words
        self._subwords: dict[str, tuple[str, ...]] = {}

    def _check(self) -> None:
        if _STATE.tokenizer is not self:
            raise RuntimeError("this Tokenizer was replaced by get_tokenizer() with other options; get it again")

    # --- the segmentation API ---

    def cut(self, text: str) -> list[str]:
        """Precise-mode words of a keyword or short text, normalized; spaces and punctuation dropped."""
        self._check()
        return [w for w in self._dt.cut(normalize(text)) if _is_word(w)]

    def cut_passage(self, text: str) -> list[str]:
        """Precise-mode words of page text (sentence boundaries kept, so no word spans two sentences)."""
        self._check()
        return [w for w in self._dt.cut(normalize_passage(text)) if _is_word(w)]

    def cut_for_search(self, text: str) -> list[str]:
        """Search-mode words: each precise word preceded by the dictionary words inside it."""
        return [s for w in self.cut(text) for s in self.parts(w)]

    def parts(self, word: str) -> tuple[str, ...]:
        """A precise word and the dictionary words of 2 and 3 characters inside it (jieba's search mode)."""
        got = self._subwords.get(word)
        if got is None:
            freq = self._dt.FREQ
            subs: list[str] = []
            for n in (2, 3):
                if len(word) > n:
                    subs.extend(g for i in range(len(word) - n + 1) if freq.get(g := word[i:i + n]))
            if len(self._subwords) >= _CACHE_LIMIT:
                self._subwords.clear()  # a long-running process meets new words forever
            got = self._subwords[word] = (*subs, word)
        return got

    def terms(self, text: str) -> list[str]:
        """The content words of a keyword: precise words without stop words (all words if that leaves none)."""
        words = self.cut(text)
        kept = [w for w in words if w not in self.stop_words]
        return kept or words

    def is_stop(self, word: str) -> bool:
        return word in self.stop_words

    def is_known(self, word: str) -> bool:
        """Whether the word is in the dictionary (else jieba guessed it, and may segment it otherwise elsewhere)."""
        return bool(self._dt.FREQ.get(word))

    def extract_tags(self, text: str, top_k: int = 20) -> list[tuple[str, float]]:
        """TF-IDF keywords of a text, as jieba.analyse.extract_tags computes them (jieba's IDF table, the
        median IDF for unknown words, words under two characters dropped) but with our stop words:
        [(word, weight)], best first."""
        self._check()
        idf, median = _idf_table()
        freq: dict[str, float] = {}
        for w in self._dt.cut(normalize_passage(text)):
            if len(w.strip()) < 2 or w.lower() in self.stop_words or w.lower() in _JIEBA_STOP_WORDS:
                continue
            freq[w] = freq.get(w, 0.0) + 1.0
        total = sum(freq.values())
        weights = {w: n * idf.get(w, median) / total for w, n in freq.items()}
        return sorted(weights.items(), key=lambda kv: kv[1], reverse=True)[:top_k]


# jieba.analyse's own stop words (English function words), kept beside ours as it keeps them.
_JIEBA_STOP_WORDS = frozenset(("the", "of", "is", "and", "to", "in", "that", "we", "for", "an", "are", "by", "be",
                               "as", "on", "with", "can", "if", "from", "which", "you", "it", "this", "then", "at",
                               "have", "all", "not", "one", "has", "or"))


@cache
def _idf_table() -> tuple[dict[str, float], float]:
    """jieba.analyse's IDF table (the idf.txt it ships) and its median, read once.

    Read here rather than through `import jieba.analyse`: that import also loads the part-of-speech
    tables of jieba.posseg and a second copy of this table (0.9 s and 70 MB), which TF-IDF does
    not use."""
    import jieba

    path = Path(jieba.__file__).parent / "analyse" / "idf.txt"
    table: dict[str, float] = {}
    for line in path.read_text("utf-8").splitlines():
        word, _, value = line.strip().rpartition(" ")
        if word:
            table[word] = float(value)
    values = sorted(table.values())
    return table, values[len(values) // 2]


_WORD_CACHE: dict[str, bool] = {}


def _is_word(token: str) -> bool:
    got = _WORD_CACHE.get(token)
    if got is None:
        got = bool(_WORDLIKE.search(token)) and not token.isspace()
        if len(_WORD_CACHE) < _CACHE_LIMIT:
            _WORD_CACHE[token] = got
    return got


@dataclass
class _State:
    options: TokenizerOptions | None = None
    tokenizer: Tokenizer | None = None
    restore: dict[str, int | None] | None = None  # word -> frequency before we changed it (None: absent)


_STATE = _State()
_LOCK = threading.Lock()


def get_tokenizer(options: TokenizerOptions) -> Tokenizer:
    """The process's tokenizer for `options`; the dictionary is loaded on the first call only."""
    tok = _STATE.tokenizer
    if tok is not None and _STATE.options == options:
        return tok
    with _LOCK:
        if _STATE.tokenizer is not None and _STATE.options == options:
            return _STATE.tokenizer
        return _configure(options)


def _configure(options: TokenizerOptions) -> Tokenizer:
    import jieba

    entries: list[tuple[str, int | None]] = [(w, None) for w in options.user_words]
    if options.user_dict:
        entries.extend(read_user_dict(options.user_dict))  # before touching jieba: a bad file changes nothing
    dt = jieba.dt
    jieba.setLogLevel(logging.WARNING)  # "Building prefix dict ..." is not for our users' terminals
    if not dt.initialized:
        cache_dir = Path(options.cache_dir)
        cache_dir.mkdir(parents=True, exist_ok=True)
        dt.tmp_dir = str(cache_dir)
        dt.cache_file = CACHE_FILE
        dt.initialize()
    _undo(dt)
    restore: dict[str, int | None] = {}
    added: list[str] = []
    for raw, freq in entries:
        word = normalize(raw).replace(" ", "")
        if not word or word in restore:
            continue
        restore[word] = dt.FREQ.get(word) or None
        suggested = dt.suggest_freq(word, False)
        _set_freq(dt, word, max(freq or 0, suggested))
        added.append(word)
    stop = chinese_stop_words() | {w for w in (normalize(s) for s in options.stop_words) if w}
    tok = Tokenizer(dt, options, tuple(added), frozenset(stop))
    _STATE.options, _STATE.tokenizer, _STATE.restore = options, tok, restore
    return tok


def _set_freq(dt: Any, word: str, freq: int) -> None:
    """jieba's add_word without its side effects on the HMM force-split table."""
    old = dt.FREQ.get(word) or 0
    dt.FREQ[word] = freq
    dt.total += freq - old
    for i in range(1, len(word)):
        dt.FREQ.setdefault(word[:i], 0)


def _undo(dt: Any) -> None:
    """Put back the frequencies the previous configuration changed."""
    if not _STATE.restore:
        return
    for word, freq in _STATE.restore.items():
        _set_freq(dt, word, freq or 0)
    _STATE.restore = None
    _STATE.tokenizer = None
    _STATE.options = None

