"""robots.txt as Baiduspider and Googlebot read it, with the deciding line kept as evidence.

RFC 9309 semantics, which Google and Baidu both follow: the group whose user-agent names the
crawler's product token (case-insensitive; groups naming it twice are merged) applies, else the
`*` group; within it the longest matching Allow/Disallow path wins, Allow on a tie; `*` matches
any run of characters and a trailing `$` anchors the end. An empty Disallow allows everything.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import unquote, urlsplit, urlunsplit

AGENTS = ("baiduspider", "googlebot")

_FIELD = re.compile(r"^\s*([A-Za-z-]+(?:\s+[A-Za-z-]+)?)\s*:\s*(.*?)\s*$")
_FIELD_NAMES = {
    "user-agent": "user-agent", "useragent": "user-agent", "user agent": "user-agent",
    "allow": "allow", "disallow": "disallow", "dissallow": "disallow", "dissalow": "disallow",
    "disalow": "disallow", "diasllow": "disallow", "disallaw": "disallow",
}


@dataclass(frozen=True, slots=True)
class Rule:
    allow: bool
    path: str  # the pattern as written
    line_no: int
    line: str  # the line as written


@dataclass(frozen=True, slots=True)
class Group:
    agents: tuple[str, ...]  # lower case
    rules: tuple[Rule, ...]
    line_no: int  # of its first User-agent line


@dataclass(frozen=True, slots=True)
class Verdict:
    """Whether `agent` may fetch a URL, and the line that decided it (None: no rule matched)."""

    agent: str
    allowed: bool
    rule: Rule | None
    group_agents: tuple[str, ...]  # the group that applied ('*' or the agent), empty if none

    @property
    def evidence(self) -> str:
        if self.rule is None:
            return f"no rule for {self.agent}"
        who = ", ".join(self.group_agents)
        return f"robots.txt line {self.rule.line_no}: {self.rule.line} (User-agent: {who})"


@dataclass(frozen=True)
class RobotsRules:
    groups: tuple[Group, ...]

    def verdict(self, url: str, agent: str) -> Verdict:
        token = agent.lower()
        named = [g for g in self.groups if token in g.agents]
        if not named:
            named = [g for g in self.groups if "*" in g.agents]
        agents = tuple(sorted({a for g in named for a in g.agents if a in (token, "*")}))
        target = _path_of(url)
        best: Rule | None = None
        best_len = -1
        for group in named:
            for rule in group.rules:
                if not rule.path:
                    continue  # "Disallow:" with no path allows everything
                if _pattern(rule.path).match(target):
                    length = len(rule.path)
                    if length > best_len or (length == best_len and rule.allow and best is not None and not best.allow):
                        best, best_len = rule, length
        return Verdict(agent, best is None or best.allow, best, agents)

    def blocked(self, url: str, agents: tuple[str, ...] = AGENTS) -> list[Verdict]:
        """The verdicts of the agents that may not fetch `url`."""
        return [v for v in (self.verdict(url, a) for a in agents) if not v.allowed]


def robots_url(page_url: str) -> str:
    parts = urlsplit(page_url)
    return urlunsplit((parts.scheme, parts.netloc, "/robots.txt", "", ""))


def decode_robots(body: bytes) -> str:
    """robots.txt is UTF-8 by the RFC; Chinese sites sometimes save it as GBK."""
    if body.startswith(b"\xef\xbb\xbf"):
        body = body[3:]
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return body.decode("gb18030", errors="replace")


def parse_robots(text: str) -> RobotsRules:
    """Groups of a robots.txt; lines it cannot read are skipped, as crawlers do."""
    groups: list[Group] = []
    agents: list[str] = []
    rules: list[Rule] = []
    start = 0
    in_rules = False
    for line_no, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0]
        m = _FIELD.match(line)
        if not m:
            continue
        name = _FIELD_NAMES.get(" ".join(m.group(1).lower().split()))
        value = m.group(2)
        if name == "user-agent":
            if in_rules:
                groups.append(Group(tuple(agents), tuple(rules), start))
                agents, rules, in_rules = [], [], False
            if not agents:
                start = line_no
            token = value.split("/", 1)[0].strip().lower()
            if token:
                agents.append(token)
        elif name in ("allow", "disallow"):
            if not agents:
                continue  # a rule before any User-agent belongs to no group
            in_rules = True
            rules.append(Rule(name == "allow", value, line_no, raw.strip()))
    if agents:
        groups.append(Group(tuple(agents), tuple(rules), start))
    return RobotsRules(tuple(groups))


def _path_of(url: str) -> str:
    parts = urlsplit(url)
    path = parts.path or "/"
    return _normalize(path + (f"?{parts.query}" if parts.query else ""))


def _normalize(path: str) -> str:
    """Percent-escapes decoded (except those of reserved characters), so /%E5%8F%8B and /友 match."""
    return unquote(path.replace("%2F", "%252F").replace("%2f", "%252f"))


@lru_cache(maxsize=1024)
def _pattern(path: str) -> re.Pattern[str]:
    anchored = path.endswith("$")
    body = _normalize(path[:-1] if anchored else path)
    regex = ".*".join(re.escape(part) for part in body.split("*"))
    return re.compile(regex + ("$" if anchored else ""), re.DOTALL)
