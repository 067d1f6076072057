"""The sandbox scenario: what every stand-in engine and site serves, day by day.

A scenario is a JSON file (or the same structure as a dict). Keys starting with "_" in the fixed-key
objects (top level, a day, a keyword, a result, a card, a fault, a site page) are comments and ignored.

    {
      "default_total": 50,                 # organic results of a keyword the scenario does not list
      "days": {
        "1": {                             # day numbers >= 1; a missing day repeats the latest listed
                                           # day before it (before the first listed day: nothing listed)
          "serps": {
            "<engine>": {                  # baidu, baidu_mobile, bing, google, sogou, so360, duckduckgo,
                                           # yandex, serpapi
              "<keyword>": {
                "results": [               # organic results; a string is just the URL
                  "https://www.x.cn/a",
                  {"url": "https://www.y.cn/", "title": "...", "snippet": "...", "display_url": "...",
                   "position": 12,         # pinned absolute rank (items without one fill the lowest
                                           # free ranks, in order); filler results fill the rest
                   "carry_target": false}  # overrides the keyword's carry_target for this result
                ],
                "total": 50,               # organic results over all pages (default: default_total, or
                                           # the highest rank placed); 0 => the engine's no-results page
                "ads": ["https://ad.x.cn/landing", {"url": "...", "title": "..."}],  # top ads, page 1
                "cards": [{"kind": "baike", "title": "...", "url": "...", "before": 1}],
                                           # a special block shown just before organic result N
                                           # (absolute rank; default 1), kind from CARD_KINDS
                "related": ["相关搜索 1"],  # default: generated from the keyword
                "faults": [{"type": "captcha", "page": 1, "times": null}],
                                           # page: null = every page; times: the first N requests
                                           # fail, then the page is served; null = always. Several
                                           # faults on one page apply in list order (503 once, then
                                           # a timeout once, then OK).
                "carry_target": true,      # Baidu (mu), Baidu mobile (data-log mu), Sogou (direct
                                           # href), 360 (data-mdurl): whether the real URL is in the
                                           # page; false => only the engine's redirect link
                "encoding": "utf-8"        # how the HTML page is encoded (header and meta agree)
              }
            }
          },
          "sites": {                       # virtual hosts, served when the sandbox is used as an
                                           # HTTP proxy (request line in absolute form)
            "www.partner-a.cn": {
              "/links.html": {"status": 200, "headers": {}, "body": "<html>...", "encoding": "gbk"},
              "/robots.txt": "User-agent: *\\nAllow: /"   # a string is a 200 body
            }
          }
        }
      }
    }

A keyword that a day does not list for an engine gets deterministic filler results (see
`seowatch.sandbox.plan`). Errors name the file, the key path and what is wrong, all at once.
"""

from __future__ import annotations

import codecs
import json
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any
from urllib.parse import urlsplit

from seowatch.crawlers.engines import ENGINE_SPECS

FAULT_TYPES = (
    "captcha", "http_403", "http_429", "http_503", "timeout",
    "truncated", "dataloss", "garbage", "empty", "no_results",
)
CARD_KINDS = (
    "baike", "video", "news", "images", "knowledge_panel", "featured_snippet", "translate", "music",
    "tieba", "people_also_ask", "local", "shopping", "answer", "related", "health", "other",
)
DEFAULT_TOTAL = 50
MAX_TOTAL = 10_000


class ScenarioError(ValueError):
    """A scenario problem: the file, the key path and what is wrong (every problem found)."""

    def __init__(self, source: str, problems: list[str]):
        self.source = source
        self.problems = problems
        super().__init__("\n".join(f"{source}: {p}" for p in problems))


@dataclass(frozen=True, slots=True)
class Result:
    """One organic result the scenario places."""

    url: str
    title: str | None = None
    snippet: str | None = None
    display_url: str | None = None
    carry_target: bool | None = None  # None: the keyword's setting


@dataclass(frozen=True, slots=True)
class Ad:
    url: str
    title: str | None = None


@dataclass(frozen=True, slots=True)
class Card:
    """A special block (answer card, baike, video ...) shown before organic result `before`."""

    kind: str
    title: str
    url: str | None = None
    before: int = 1


@dataclass(frozen=True, slots=True)
class Fault:
    type: str
    page: int | None = None  # None: every page
    times: int | None = None  # None: always


@dataclass(frozen=True)
class KeywordPlan:
    """Everything one engine shows for one keyword on one day."""

    placed: Mapping[int, Result] = field(default_factory=lambda: MappingProxyType({}))  # rank -> result
    total: int = DEFAULT_TOTAL
    ads: tuple[Ad, ...] = ()
    cards: tuple[Card, ...] = ()
    related: tuple[str, ...] | None = None  # None: generated from the keyword
    faults: tuple[Fault, ...] = ()
    carry_target: bool = True
    encoding: str = "utf-8"
    listed: bool = True  # False: a filler keyword the scenario does not mention


@dataclass(frozen=True, slots=True)
class SitePage:
    """One page of a virtual host, body already encoded."""

    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes


@dataclass(frozen=True)
class Day:
    number: int
    serps: Mapping[str, Mapping[str, KeywordPlan]]
    sites: Mapping[str, Mapping[str, SitePage]]
    # engine -> normalized keyword -> keyword as listed (lookup tolerant of width/case/space)
    _aliases: Mapping[str, Mapping[str, str]] = field(default_factory=dict, repr=False)

    def keyword(self, engine: str, keyword: str) -> KeywordPlan | None:
        plans = self.serps.get(engine)
        if not plans:
            return None
        plan = plans.get(keyword)
        if plan is None:
            listed = self._aliases.get(engine, {}).get(normalize_keyword(keyword))
            plan = plans.get(listed) if listed is not None else None
        return plan

    def site(self, host: str) -> Mapping[str, SitePage] | None:
        return self.sites.get(normalize_host(host))


EMPTY_DAY = Day(0, MappingProxyType({}), MappingProxyType({}))


@dataclass(frozen=True)
class Scenario:
    """A validated scenario; immutable, so servers and renderers can share and cache it."""

    days: tuple[Day, ...] = ()  # sorted by number
    default_total: int = DEFAULT_TOTAL
    source: str = "<scenario>"

    def day(self, number: int) -> Day:
        """The day in force on day `number`: the latest listed day not after it."""
        chosen = EMPTY_DAY
        for day in self.days:
            if day.number > number:
                break
            chosen = day
        return chosen

    def filler(self) -> KeywordPlan:
        return _filler_plan(self.default_total)


_FILLER_PLANS: dict[int, KeywordPlan] = {}


def _filler_plan(total: int) -> KeywordPlan:
    plan = _FILLER_PLANS.get(total)
    if plan is None:
        plan = _FILLER_PLANS[total] = KeywordPlan(total=total, listed=False)
    return plan


def normalize_keyword(keyword: str) -> str:
    """Width, case and whitespace folded: the tolerant form used to find a listed keyword."""
    return " ".join(unicodedata.normalize("NFKC", keyword).casefold().split())


def normalize_host(host: str) -> str:
    host = host.strip().lower().rstrip(".")
    if host.endswith(":80"):
        host = host[:-3]
    return host


def load_scenario(source: Path | str | Mapping[str, Any], *, name: str | None = None) -> Scenario:
    """Read and validate a scenario from a JSON file path or an already-parsed structure."""
    if not isinstance(source, (str, Path)):
        return _Validator(name or "<scenario>").scenario(source)
    path = Path(source)
    label = name or str(path)
    try:
        text = path.read_text("utf-8")
    except OSError as exc:
        raise ScenarioError(label, [f"cannot read the file: {exc.strerror or exc}"]) from None
    except UnicodeDecodeError:
        raise ScenarioError(label, ["the file is not UTF-8 text"]) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ScenarioError(label, [f"line {exc.lineno} column {exc.colno}: not valid JSON: {exc.msg}"]) from None
    return _Validator(label).scenario(data)


# --- validation ---------------------------------------------------------------------------------


class _Validator:
    """Walks the raw structure, collecting every problem with its key path."""

    def __init__(self, source: str):
        self.source = source
        self.problems: list[str] = []

    def fail(self, path: str, problem: str) -> None:
        self.problems.append(f"{path}: {problem}" if path else problem)

    # generic checks

    def obj(self, value: Any, path: str, allowed: tuple[str, ...], required: tuple[str, ...] = ()) -> dict | None:
        if not isinstance(value, Mapping):
            self.fail(path, f"must be an object, got {_kind(value)}")
            return None
        for key in value:
            if not isinstance(key, str):
                self.fail(path, f"keys must be strings, got {key!r}")
            elif key not in allowed and not key.startswith("_"):
                self.fail(_join(path, key), f"unknown key (expected one of: {', '.join(allowed)})")
        for key in required:
            if key not in value:
                self.fail(path, f"missing required key {key!r}")
        return dict(value)

    def integer(self, value: Any, path: str, low: int, high: int | None = None, *, null: bool = False) -> int | None:
        if value is None and null:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(path, f"must be an integer{' or null' if null else ''}, got {_kind(value)}")
            return None
        if value < low or (high is not None and value > high):
            bound = f"between {low} and {high}" if high is not None else f">= {low}"
            self.fail(path, f"must be {bound}, got {value}")
            return None
        return value

    def string(self, value: Any, path: str, *, null: bool = False, empty: bool = False) -> str | None:
        if value is None and null:
            return None
        if not isinstance(value, str):
            self.fail(path, f"must be a string{' or null' if null else ''}, got {_kind(value)}")
            return None
        if not empty and not value.strip():
            self.fail(path, "must not be empty")
            return None
        return value

    def boolean(self, value: Any, path: str) -> bool | None:
        if not isinstance(value, bool):
            self.fail(path, f"must be true or false, got {_kind(value)}")
            return None
        return value

    def http_url(self, value: Any, path: str) -> str | None:
        url = self.string(value, path)
        if url is None:
            return None
        url = url.strip()
        try:
            parts = urlsplit(url)
        except ValueError:
            parts = None
        if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
            self.fail(path, f"must be an http(s) URL with a host, got {value!r}")
            return None
        return url

    def encoding(self, value: Any, path: str) -> str | None:
        name = self.string(value, path)
        if name is None:
            return None
        try:
            codecs.lookup(name)
        except LookupError:
            self.fail(path, f"unknown encoding {name!r}")
            return None
        return name

    def array(self, value: Any, path: str) -> list | None:
        if not isinstance(value, list):
            self.fail(path, f"must be a list, got {_kind(value)}")
            return None
        return value

    # the scenario

    def scenario(self, data: Any) -> Scenario:
        top = self.obj(data, "", ("days", "default_total", "description"), required=("days",))
        days: list[Day] = []
        default_total = DEFAULT_TOTAL
        if top is not None:
            if "default_total" in top:
                default_total = self.integer(top["default_total"], "default_total", 0, MAX_TOTAL) or 0
            raw_days = top.get("days")
            if raw_days is not None and not isinstance(raw_days, Mapping):
                self.fail("days", f"must be an object keyed by day number, got {_kind(raw_days)}")
            elif raw_days is not None:
                seen: set[int] = set()
                for key, raw in raw_days.items():
                    number = _day_number(key)
                    path = _join("days", str(key))
                    if number is None:
                        self.fail(path, "day keys must be whole numbers >= 1, such as \"1\"")
                        continue
                    if number in seen:
                        self.fail(path, f"day {number} is listed twice")
                        continue
                    seen.add(number)
                    day = self.day(raw, path, number, default_total)
                    if day is not None:
                        days.append(day)
        if self.problems:
            raise ScenarioError(self.source, self.problems)
        days.sort(key=lambda d: d.number)
        return Scenario(days=tuple(days), default_total=default_total, source=self.source)

    def day(self, raw: Any, path: str, number: int, default_total: int) -> Day | None:
        body = self.obj(raw, path, ("serps", "sites", "description"))
        if body is None:
            return None
        serps: dict[str, Mapping[str, KeywordPlan]] = {}
        aliases: dict[str, Mapping[str, str]] = {}
        raw_serps = body.get("serps", {})
        if not isinstance(raw_serps, Mapping):
            self.fail(_join(path, "serps"), f"must be an object keyed by engine, got {_kind(raw_serps)}")
            raw_serps = {}
        for engine, keywords in raw_serps.items():
            epath = _join(path, "serps", str(engine))
            if engine not in ENGINE_SPECS:
                self.fail(epath, f"unknown engine (known: {', '.join(ENGINE_SPECS)})")
                continue
            if not isinstance(keywords, Mapping):
                self.fail(epath, f"must be an object keyed by keyword, got {_kind(keywords)}")
                continue
            plans: dict[str, KeywordPlan] = {}
            folded: dict[str, str] = {}
            for keyword, raw_plan in keywords.items():
                kpath = _join(epath, str(keyword))
                if not isinstance(keyword, str) or not keyword.strip():
                    self.fail(kpath, "a keyword must be a non-empty string")
                    continue
                plan = self.keyword(raw_plan, kpath, engine, default_total)
                if plan is None:
                    continue
                name = keyword.strip()
                if name in plans:
                    self.fail(kpath, "keyword listed twice (after trimming spaces)")
                    continue
                plans[name] = plan
                folded.setdefault(normalize_keyword(name), name)
            serps[engine] = MappingProxyType(plans)
            aliases[engine] = MappingProxyType(folded)
        sites = self.sites(body.get("sites", {}), _join(path, "sites"))
        return Day(number, MappingProxyType(serps), MappingProxyType(sites), MappingProxyType(aliases))

    def keyword(self, raw: Any, path: str, engine: str, default_total: int) -> KeywordPlan | None:
        body = self.obj(raw, path, (
            "results", "total", "ads", "cards", "related", "faults", "carry_target", "encoding", "description",
        ))
        if body is None:
            return None
        before = len(self.problems)
        placed = self.results(body.get("results", []), _join(path, "results"))
        highest = max(placed, default=0)
        if "total" in body:
            total = self.integer(body["total"], _join(path, "total"), 0, MAX_TOTAL)
            if total is not None and highest > total:
                self.fail(_join(path, "total"), f"is {total} but a result is placed at rank {highest}")
        else:
            total = max(default_total, highest)
        total = total if total is not None else 0
        ads = tuple(self.ads(body.get("ads", []), _join(path, "ads")))
        cards = tuple(self.cards(body.get("cards", []), _join(path, "cards"), total))
        related = None
        if "related" in body:
            items = self.array(body["related"], _join(path, "related"))
            if items is not None:
                related = tuple(
                    s for i, v in enumerate(items)
                    if (s := self.string(v, f"{_join(path, 'related')}[{i}]")) is not None
                )
        faults = tuple(self.faults(body.get("faults", []), _join(path, "faults")))
        carry = True
        if "carry_target" in body:
            carry = self.boolean(body["carry_target"], _join(path, "carry_target"))
        encoding = "utf-8"
        if "encoding" in body:
            encoding = self.encoding(body["encoding"], _join(path, "encoding")) or "utf-8"
            if engine == "serpapi" and codecs.lookup(encoding).name != "utf-8":
                self.fail(_join(path, "encoding"), "SerpApi answers JSON, always UTF-8")
        if len(self.problems) > before:
            return None
        return KeywordPlan(
            placed=MappingProxyType(placed), total=total, ads=ads, cards=cards, related=related,
            faults=faults, carry_target=bool(carry), encoding=encoding,
        )

    def results(self, raw: Any, path: str) -> dict[int, Result]:
        items = self.array(raw, path)
        if items is None:
            return {}
        pinned: dict[int, Result] = {}
        floating: list[Result] = []
        for i, item in enumerate(items):
            ipath = f"{path}[{i}]"
            if isinstance(item, str):
                url = self.http_url(item, ipath)
                if url is not None:
                    floating.append(Result(url))
                continue
            body = self.obj(item, ipath, ("url", "title", "snippet", "display_url", "position", "carry_target"),
                            required=("url",))
            if body is None or "url" not in body:
                continue
            url = self.http_url(body["url"], _join(ipath, "url"))
            title = self.string(body.get("title"), _join(ipath, "title"), null=True)
            snippet = self.string(body.get("snippet"), _join(ipath, "snippet"), null=True, empty=True)
            display = self.string(body.get("display_url"), _join(ipath, "display_url"), null=True)
            carry = None
            if body.get("carry_target") is not None:
                carry = self.boolean(body["carry_target"], _join(ipath, "carry_target"))
            if url is None:
                continue
            result = Result(url, title, snippet, display, carry)
            if body.get("position") is None:
                floating.append(result)
                continue
            rank = self.integer(body["position"], _join(ipath, "position"), 1, MAX_TOTAL)
            if rank is None:
                continue
            if rank in pinned:
                self.fail(_join(ipath, "position"), f"rank {rank} is already taken by {pinned[rank].url}")
                continue
            pinned[rank] = result
        rank = 1
        for result in floating:
            while rank in pinned:
                rank += 1
            pinned[rank] = result
            rank += 1
        return dict(sorted(pinned.items()))

    def ads(self, raw: Any, path: str) -> list[Ad]:
        items = self.array(raw, path)
        out: list[Ad] = []
        for i, item in enumerate(items or ()):
            ipath = f"{path}[{i}]"
            if isinstance(item, str):
                url = self.http_url(item, ipath)
                if url is not None:
                    out.append(Ad(url))
                continue
            body = self.obj(item, ipath, ("url", "title"), required=("url",))
            if body is None or "url" not in body:
                continue
            url = self.http_url(body["url"], _join(ipath, "url"))
            title = self.string(body.get("title"), _join(ipath, "title"), null=True)
            if url is not None:
                out.append(Ad(url, title))
        return out

    def cards(self, raw: Any, path: str, total: int) -> list[Card]:
        items = self.array(raw, path)
        out: list[Card] = []
        for i, item in enumerate(items or ()):
            ipath = f"{path}[{i}]"
            body = self.obj(item, ipath, ("kind", "title", "url", "before"), required=("kind", "title"))
            if body is None or "kind" not in body or "title" not in body:
                continue
            kind = self.string(body["kind"], _join(ipath, "kind"))
            if kind is not None and kind not in CARD_KINDS:
                self.fail(_join(ipath, "kind"), f"unknown card kind {kind!r} (known: {', '.join(CARD_KINDS)})")
                kind = None
            title = self.string(body["title"], _join(ipath, "title"))
            url = self.http_url(body["url"], _join(ipath, "url")) if body.get("url") is not None else None
            before = self.integer(body.get("before", 1), _join(ipath, "before"), 1, max(total, 1))
            if kind and title and before is not None and (url is not None or body.get("url") is None):
                out.append(Card(kind, title, url, before))
        return out

    def faults(self, raw: Any, path: str) -> list[Fault]:
        items = self.array(raw, path)
        out: list[Fault] = []
        for i, item in enumerate(items or ()):
            ipath = f"{path}[{i}]"
            body = self.obj(item, ipath, ("type", "page", "times"), required=("type",))
            if body is None or "type" not in body:
                continue
            kind = self.string(body["type"], _join(ipath, "type"))
            if kind is not None and kind not in FAULT_TYPES:
                self.fail(_join(ipath, "type"), f"unknown fault type {kind!r} (known: {', '.join(FAULT_TYPES)})")
                continue
            page = self.integer(body.get("page"), _join(ipath, "page"), 1, null=True)
            times = self.integer(body.get("times"), _join(ipath, "times"), 1, null=True)
            bad_page = body.get("page") is not None and page is None
            bad_times = body.get("times") is not None and times is None
            if kind is not None and not bad_page and not bad_times:
                out.append(Fault(kind, page, times))
        return out

    def sites(self, raw: Any, path: str) -> dict[str, Mapping[str, SitePage]]:
        if not isinstance(raw, Mapping):
            self.fail(path, f"must be an object keyed by host name, got {_kind(raw)}")
            return {}
        out: dict[str, Mapping[str, SitePage]] = {}
        for host, pages in raw.items():
            hpath = _join(path, str(host))
            name = normalize_host(host) if isinstance(host, str) else ""
            if not name or "/" in name or " " in name:
                self.fail(hpath, "must be a host name such as 'www.partner-a.cn' (optionally with :port)")
                continue
            if not isinstance(pages, Mapping):
                self.fail(hpath, f"must be an object keyed by path, got {_kind(pages)}")
                continue
            site: dict[str, SitePage] = {}
            for page_path, spec in pages.items():
                ppath = _join(hpath, str(page_path))
                if not isinstance(page_path, str) or not page_path.startswith("/"):
                    self.fail(ppath, "a page path must start with '/'")
                    continue
                page = self.site_page(spec, ppath)
                if page is not None:
                    site[page_path] = page
            out[name] = MappingProxyType(site)
        return out

    def site_page(self, raw: Any, path: str) -> SitePage | None:
        if isinstance(raw, str):
            raw = {"body": raw}
        body = self.obj(raw, path, ("status", "headers", "body", "encoding"))
        if body is None:
            return None
        status = self.integer(body.get("status", 200), _join(path, "status"), 100, 599)
        encoding = self.encoding(body.get("encoding", "utf-8"), _join(path, "encoding"))
        text = self.string(body.get("body", ""), _join(path, "body"), empty=True)
        headers: list[tuple[str, str]] = []
        raw_headers = body.get("headers", {})
        if not isinstance(raw_headers, Mapping):
            self.fail(_join(path, "headers"), f"must be an object of header: value, got {_kind(raw_headers)}")
        else:
            for name, value in raw_headers.items():
                if not isinstance(value, str) or not isinstance(name, str) or not name.strip():
                    self.fail(_join(path, "headers", str(name)), "header names and values must be strings")
                    continue
                if "\n" in value or "\r" in value:
                    self.fail(_join(path, "headers", name), "a header value cannot contain a line break")
                    continue
                headers.append((name.strip(), value))
        if status is None or encoding is None or text is None:
            return None
        try:
            data = text.encode(encoding)
        except UnicodeEncodeError as exc:
            self.fail(_join(path, "body"), f"cannot be encoded as {encoding}: {exc.reason} at {exc.object[exc.start:exc.end]!r}")
            return None
        if not any(n.lower() == "content-type" for n, _ in headers):
            ctype = "text/plain" if text.lstrip()[:1] not in ("<", "") else "text/html"
            headers.insert(0, ("Content-Type", f"{ctype}; charset={encoding}"))
        return SitePage(status, tuple(headers), data)


def _join(path: str, *keys: str) -> str:
    """A key path: days.1.serps.baidu.整合营销.results[0].url, sites["www.x.cn"]["/a.html"]."""
    out = path
    for key in keys:
        if key.isidentifier() or key.isdigit():
            out = f"{out}.{key}" if out else key
        else:
            out = f"{out}[{json.dumps(key, ensure_ascii=False)}]"
    return out


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return f"a number ({value})"
    if isinstance(value, str):
        return f"a string ({value!r})" if len(value) < 40 else "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, Mapping):
        return "an object"
    return type(value).__name__


def _day_number(key: Any) -> int | None:
    if isinstance(key, bool):
        return None
    if isinstance(key, int):
        return key if key >= 1 else None
    if isinstance(key, str) and key.strip().isdigit():
        number = int(key.strip())
        return number if number >= 1 else None
    return None
