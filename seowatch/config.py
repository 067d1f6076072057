"""seowatch.toml: loading and validation into typed, frozen values.

Every error names the file, the key path and what is wrong. Unknown keys are errors, so a
typo never passes silently. Secrets are never stored here: the config names the environment
variables that hold them (`api_key_env`, `password_env`).
"""

from __future__ import annotations

import csv
import io
import re
import tomllib
from collections.abc import Iterable
from email.utils import parseaddr
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from seowatch.crawlers.parsers import ENGINES

DEVICES = ("desktop", "mobile")
KEYWORD_COLUMNS = ("keyword", "group", "tags", "engines", "volume", "target")


class ConfigError(Exception):
    """A configuration problem, phrased for the user: file, key path, what is wrong."""

    def __init__(self, path: Path | str, problems: list[str]):
        self.path = str(path)
        self.problems = problems
        super().__init__("\n".join(f"{self.path}: {p}" for p in problems))


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


Engine = Literal[ENGINES]  # type: ignore[valid-type]
Device = Literal["desktop", "mobile"]


class KeywordSpec(_Strict):
    """One tracked keyword with its optional grouping and volume."""

    keyword: Annotated[str, Field(min_length=1)]
    group: str | None = None
    tags: tuple[str, ...] = ()
    engines: tuple[Engine, ...] = ()  # empty: the site's engines
    volume: Annotated[int, Field(ge=0)] | None = None
    target: str | None = None  # the page of ours meant to rank (optional)

    @field_validator("keyword")
    @classmethod
    def _strip(cls, v: str) -> str:
        v = v.strip()
        if not v:
            raise ValueError("keyword is empty")
        return v


class PartnerSpec(_Strict):
    """A link-exchange partner: where our link should be, and what it should say."""

    page: str  # the partner page URL where our link should be
    target: str | None = None  # our URL it must link to; None: any URL on our domain
    anchor: str | None = None  # the agreed anchor text
    our_page: str | None = None  # our page that links to them (the other direction)
    note: str | None = None
    contact: str | None = None  # who to write to at the partner (email, QQ, WeChat ...)

    @field_validator("page", "target", "our_page")
    @classmethod
    def _http(cls, v: str | None) -> str | None:
        if v is not None:
            v = v.strip()
        if v is not None and not v.lower().startswith(("http://", "https://")):
            raise ValueError(f"must be an http(s) URL, got {v!r}")
        if v is not None and not urlsplit(v).hostname:
            raise ValueError(f"must be an http(s) URL with a host, got {v!r}")
        return v

    @field_validator("anchor", "note", "contact")
    @classmethod
    def _blank_is_none(cls, v: str | None) -> str | None:
        return v.strip() or None if v is not None else None


ALERT_RULES = (
    "coverage", "confirmed_drop", "out_of_top3", "out_of_top10", "out_of_page1", "lost", "url_changed",
    "partner_lost", "partner_nofollow",
)
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_ADDRESS = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")


def _env_name(v: str) -> str:
    # Never echo the value: someone who pastes the secret itself here must not see it in a log.
    if not _ENV_NAME.match(v):
        raise ValueError("must be the name of an environment variable (like SEOWATCH_SMTP_PASSWORD), not the value")
    return v


def _address(v: str) -> str:
    """An email address, bare or as 'Name <address>'."""
    v = v.strip()
    if not _ADDRESS.match(parseaddr(v)[1] or "") or ("<" in v) != (">" in v):
        raise ValueError(f"not an email address: {v!r}")
    return v


Address = Annotated[str, AfterValidator(_address)]
EnvName = Annotated[str, AfterValidator(_env_name)]


class SiteConfig(_Strict):
    """A tracked site: how to recognise it, who it competes with, what to track where."""

    domain: Annotated[str, Field(min_length=3)]
    name: str | None = None
    match: Literal["domain", "host"] = "domain"
    assets: tuple[str, ...] = ()  # URL patterns of our own pages elsewhere (百家号, 知乎专栏 ...)
    competitors: tuple[str, ...] = ()
    engines: tuple[Engine, ...] = ("baidu",)
    devices: tuple[Device, ...] = ("desktop",)
    depth: Annotated[int, Field(ge=1, le=200)] = 50
    keywords: tuple[KeywordSpec, ...] = ()  # strings or tables in the file
    keywords_file: str | None = None
    partners: tuple[PartnerSpec, ...] = ()
    partners_file: str | None = None
    recipients: tuple[Address, ...] = ()  # alert emails for this site (default: email.recipients)

    @field_validator("domain")
    @classmethod
    def _domain(cls, v: str) -> str:
        v = v.strip().lower().rstrip("/")
        if "://" in v or "/" in v or " " in v:
            raise ValueError(f"must be a bare domain such as 'example.com', got {v!r}")
        return v

    @field_validator("keywords", mode="before")
    @classmethod
    def _keyword_strings(cls, v: Any) -> Any:
        if isinstance(v, (list, tuple)):
            return [{"keyword": k} if isinstance(k, str) else k for k in v]
        return v

    @property
    def label(self) -> str:
        return self.name or self.domain


class PolitenessConfig(_Strict):
    """How hard seowatch may knock on each engine."""

    delay: Annotated[float, Field(ge=0)] = 4.0  # seconds between requests to one engine
    randomize_delay: bool = True  # 0.5x to 1.5x the delay, as Scrapy does
    concurrency_per_engine: Annotated[int, Field(ge=1, le=16)] = 1
    retries: Annotated[int, Field(ge=0, le=10)] = 3
    timeout: Annotated[float, Field(gt=0)] = 30.0
    autothrottle: bool = True
    user_agents: tuple[str, ...] = ()
    mobile_user_agents: tuple[str, ...] = ()
    proxies: tuple[str, ...] = ()


class EngineConfig(_Strict):
    """Per-engine overrides: a base URL (sandbox, mirror, proxy) and, for SerpApi, the key's variable."""

    base_url: str | None = None
    api_key_env: str | None = None
    params: dict[str, str] = {}  # extra query parameters (SerpApi: engine, gl, hl, location ...)

    @field_validator("base_url")
    @classmethod
    def _url(cls, v: str | None) -> str | None:
        if v is not None and not v.lower().startswith(("http://", "https://")):
            raise ValueError(f"must be an http(s) URL, got {v!r}")
        return v.rstrip("/") if v else v


class KeywordsConfig(_Strict):
    """Chinese keyword handling: words that must never split, extra stop words."""

    user_words: tuple[str, ...] = ()
    user_dict: str | None = None  # a jieba user dictionary file
    stop_words: tuple[str, ...] = ()


class DropThresholds(_Strict):
    """How far a position must move to count as a drop (or a gain), by where it was."""

    top10: Annotated[int, Field(ge=1)] = 3  # positions 1-10
    top30: Annotated[int, Field(ge=1)] = 5  # positions 11-30
    beyond: Annotated[int, Field(ge=1)] = 10  # positions 31 and worse

    def for_position(self, position: int) -> int:
        return self.top10 if position <= 10 else self.top30 if position <= 30 else self.beyond


class ReportConfig(_Strict):
    """The daily report: thresholds, drop confirmation, where reports are written."""

    drop_threshold: DropThresholds = DropThresholds()
    # "recheck": run-daily re-checks dropped keywords the same day; a drop is confirmed by that second
    # observation or by the next check. "next_check": only the next scheduled check confirms.
    confirm_drops: Literal["recheck", "next_check"] = "recheck"
    output_dir: str = "reports"
    # Chinese characters of a title each engine shows (a Latin letter or digit counts half).
    title_max_chars: dict[str, int] = {"baidu": 30, "baidu_mobile": 30, "sogou": 30, "so360": 30, "bing": 30,
                                       "google": 30}
    top_results: Annotated[int, Field(ge=1, le=10)] = 3  # competitors' pages compared in suggestions


class PartnersConfig(_Strict):
    """Link-exchange checks: how long a transient failure is tolerated, how often partners are checked."""

    failures_before_lost: Annotated[int, Field(ge=1, le=30)] = 2  # consecutive timeouts / 5xx before "lost"
    every_days: Annotated[int, Field(ge=1, le=365)] = 7  # the run-daily cadence of partner checks


class AlertsConfig(_Strict):
    """Which changes alert, when a blocked crawl holds rank alerts back, and what the digest links to."""

    rules: tuple[Literal[ALERT_RULES], ...] = ALERT_RULES  # type: ignore[valid-type]
    coverage_floor: Annotated[float, Field(ge=0, le=1)] = 0.8  # share of tracked checks that must be known
    report_url: str | None = None  # e.g. "https://seo.example.com/reports/{domain}/{date}.html"
    attach_report: bool = False  # attach the full HTML report to the email
    max_attempts: Annotated[int, Field(ge=1, le=1000)] = 10  # deliveries tried before a digest is marked failed

    @field_validator("report_url")
    @classmethod
    def _template(cls, v: str | None) -> str | None:
        if v is None:
            return v
        if not v.lower().startswith(("http://", "https://")):
            raise ValueError(f"must be an http(s) URL, got {v!r}")
        try:
            v.format(site="s", domain="d", date="2026-01-01")
        except (KeyError, IndexError, ValueError) as exc:
            raise ValueError(f"unknown placeholder {exc} (use {{site}}, {{domain}} and {{date}})") from None
        return v


class EmailConfig(_Strict):
    """The SMTP server digests go through; the user name and password stay in the environment."""

    host: Annotated[str, Field(min_length=1)]
    port: Annotated[int, Field(ge=1, le=65535)] | None = None  # default: 587 starttls, 465 ssl, 25 none
    security: Literal["starttls", "ssl", "none"] = "starttls"
    username_env: EnvName | None = None
    password_env: EnvName | None = None
    sender: Address
    recipients: tuple[Address, ...] = ()  # sites without their own `recipients` get these
    timeout: Annotated[float, Field(gt=0)] = 30.0

    @model_validator(mode="after")
    def _login_pair(self) -> EmailConfig:
        if bool(self.username_env) != bool(self.password_env):
            raise ValueError("username_env and password_env go together (both, or neither for no login)")
        return self

    @property
    def effective_port(self) -> int:
        return self.port or {"starttls": 587, "ssl": 465, "none": 25}[self.security]


class ChatConfig(_Strict):
    """Chat channels (DingTalk, WeCom, Feishu, Slack, Telegram ...) as Apprise URLs held in environment variables."""

    urls_env: tuple[EnvName, ...] = ()
    # A chat message found half-sent after a crash has no Message-ID to deduplicate on: by default it is
    # marked unknown_delivery and shown by `seowatch alerts list` rather than sent a second time.
    resend_unknown: bool = False


def _timezone(v: str) -> str:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(v)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {v!r} (an IANA name such as 'Asia/Shanghai')") from None
    return v


TimeZone = Annotated[str, AfterValidator(_timezone)]


class Settings(_Strict):
    data_dir: str = "data"
    database: str | None = None
    timezone: TimeZone = "Asia/Shanghai"


SCHEDULE_COMMANDS = ("run-daily", "crawl", "partners", "report", "alerts")
GROUP_COMMANDS = ("run-daily", "crawl")  # the commands that can check one keyword group


class ScheduledJob(_Strict):
    """One job of `seowatch schedule`: a seowatch command, when (crontab), for which site or keyword group."""

    name: Annotated[str, Field(min_length=1, max_length=100)]  # names the job in the log and the job store
    command: Literal[SCHEDULE_COMMANDS] = "run-daily"  # type: ignore[valid-type]
    cron: str  # "0 6 * * *": minute hour day-of-month month weekday, read as cron reads it
    site: str | None = None  # a site's domain or name; default: every site
    group: str | None = None  # a keyword group (run-daily and crawl only)
    args: tuple[str, ...] = ()  # more options for the command, e.g. ["--fast"] against the sandbox

    @field_validator("cron")
    @classmethod
    def _cron(cls, v: str) -> str:
        from seowatch.crontab import CronError, parse_crontab

        try:
            return parse_crontab(v).text
        except CronError as exc:
            raise ValueError(str(exc)) from None

    @model_validator(mode="after")
    def _group(self) -> ScheduledJob:
        if self.group is not None and self.command not in GROUP_COMMANDS:
            raise ValueError(f"group: only {' and '.join(GROUP_COMMANDS)} check one keyword group, not {self.command}")
        return self


class ScheduleConfig(_Strict):
    """`seowatch schedule`: its jobs, their time zone, and how late a run may still start."""

    timezone: TimeZone | None = None  # default: settings.timezone
    misfire_grace_seconds: Annotated[int, Field(ge=1)] = 6 * 3600  # later than this, a run is skipped and logged
    jobs: tuple[ScheduledJob, ...] = ()


class Config(_Strict):
    """The whole configuration, with paths resolved against the config file's folder."""

    settings: Settings = Settings()
    politeness: PolitenessConfig = PolitenessConfig()
    engines: dict[Engine, EngineConfig] = {}
    keywords: KeywordsConfig = KeywordsConfig()
    report: ReportConfig = ReportConfig()
    partners: PartnersConfig = PartnersConfig()
    alerts: AlertsConfig = AlertsConfig()
    email: EmailConfig | None = None
    chat: ChatConfig = ChatConfig()
    schedule: ScheduleConfig = ScheduleConfig()
    sites: tuple[SiteConfig, ...] = ()

    # Not from the file: where it came from.
    source: str = ""

    @model_validator(mode="after")
    def _unique_sites(self) -> Config:
        seen: set[str] = set()
        for site in self.sites:
            if site.label in seen:
                raise ValueError(f"site {site.label!r} is configured twice")
            seen.add(site.label)
        return self

    @model_validator(mode="after")
    def _schedule_jobs(self) -> Config:
        from pydantic_core import InitErrorDetails, PydanticCustomError

        problems: list[InitErrorDetails] = []

        def problem(i: int, key: str, value: str, message: str) -> None:
            problems.append(InitErrorDetails(type=PydanticCustomError("value_error", message),
                                             loc=("schedule", "jobs", i, key), input=value))

        names: set[str] = set()
        known = {s.label for s in self.sites} | {s.domain for s in self.sites}
        for i, job in enumerate(self.schedule.jobs):
            if job.name in names:
                problem(i, "name", job.name, f"job {job.name!r} is configured twice")
            names.add(job.name)
            if job.site is not None and job.site not in known:
                sites = ", ".join(s.label for s in self.sites) or "none"
                problem(i, "site", job.site, f"no site {job.site!r} in the config (sites: {sites})")
        if problems:
            raise ValidationError.from_exception_data("Config", problems)
        return self

    @property
    def schedule_timezone(self) -> str:
        return self.schedule.timezone or self.settings.timezone

    @property
    def base_dir(self) -> Path:
        return Path(self.source).resolve().parent if self.source else Path.cwd()

    def resolve_path(self, value: str) -> Path:
        p = Path(value).expanduser()
        return p if p.is_absolute() else self.base_dir / p

    @property
    def data_dir(self) -> Path:
        return self.resolve_path(self.settings.data_dir)

    @property
    def database_url(self) -> str:
        if self.settings.database:
            return self.settings.database
        return f"sqlite:///{self.data_dir / 'seowatch.db'}"

    def site(self, label: str) -> SiteConfig:
        for s in self.sites:
            if label in (s.label, s.domain):
                return s
        known = ", ".join(s.label for s in self.sites) or "none"
        raise ConfigError(self.source, [f"no site {label!r} in the config (sites: {known})"])

    def engine(self, name: str) -> EngineConfig:
        return self.engines.get(name, EngineConfig())


def _path(loc: Iterable[Any]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif str(part).startswith(("literal[", "function-")):
            continue  # pydantic's validator labels are noise to a user
        else:
            out += f".{part}" if out else str(part)
    return out or "(top level)"


_SECRET_HINTS = {
    "api_key": "put the key in an environment variable and name it with api_key_env",
    "password": "put the password in an environment variable and name it with password_env",
    "username": "put the user name in an environment variable and name it with username_env",
    "urls": "put each Apprise URL in an environment variable and list their names in urls_env",
}


def _describe(err: dict[str, Any]) -> str:
    kind = err["type"]
    last = err["loc"][-1] if err["loc"] else ""
    if kind == "extra_forbidden":
        hint = _SECRET_HINTS.get(str(last))
        return f"unknown key{'; ' + hint if hint else ''}"
    if kind == "literal_error":
        return f"{err['input']!r} is not allowed; expected {err['ctx']['expected']}"
    if kind == "missing":
        return "required key is missing"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return "expected a table" + (" or a keyword string" if "keywords" in err["loc"] else "")
    msg = err["msg"]
    return msg.removeprefix("Value error, ")


def format_errors(exc: ValidationError) -> list[str]:
    """pydantic's errors as 'key.path: what is wrong', one per problem, duplicates from unions merged."""
    lines: list[str] = []
    for err in exc.errors(include_url=False):
        line = f"{_path(err['loc'])}: {_describe(err)}"
        if line not in lines:
            lines.append(line)
    return lines


def parse_config(text: str, source: str = "seowatch.toml") -> Config:
    """Validate TOML text; ConfigError lists every problem."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(source, [f"not valid TOML: {exc}"]) from None
    raw["source"] = source
    try:
        return Config.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(source, format_errors(exc)) from None


def load_config(path: Path | str) -> Config:
    path = Path(path)
    try:
        text = path.read_text("utf-8")
    except FileNotFoundError:
        raise ConfigError(path, ["file not found (create one with `seowatch init`)"]) from None
    except UnicodeDecodeError as exc:
        raise ConfigError(path, [f"not UTF-8 text: {exc}"]) from None
    return parse_config(text, str(path))


def site_keywords(config: Config, site: SiteConfig) -> list[KeywordSpec]:
    """The site's keywords: inline ones, then the keywords file's rows, as KeywordSpec."""
    out = list(site.keywords)
    if site.keywords_file:
        out.extend(read_keywords_file(config.resolve_path(site.keywords_file)))
    return out


def _split(cell: str | None) -> tuple[str, ...]:
    if not cell:
        return ()
    for sep in ("|", ";", "，", ","):
        if sep in cell:
            return tuple(p.strip() for p in cell.split(sep) if p.strip())
    return (cell.strip(),) if cell.strip() else ()


def _rows_from_file(path: Path) -> list[dict[str, Any]]:
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        import openpyxl

        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
        rows = list(wb.active.iter_rows(values_only=True))
        wb.close()
        if not rows:
            return []
        header = [str(h or "").strip().lower() for h in rows[0]]
        return [dict(zip(header, ("" if v is None else str(v) for v in r))) for r in rows[1:]]
    data = path.read_bytes()
    text = data.decode("utf-8-sig") if not data.startswith(b"\xff\xfe") else data.decode("utf-16")
    reader = csv.DictReader(io.StringIO(text))
    if reader.fieldnames:
        reader.fieldnames = [f.strip().lower() for f in reader.fieldnames]
    return list(reader)


def read_keywords_file(path: Path) -> list[KeywordSpec]:
    """Keywords from CSV or XLSX with columns keyword, group, tags, engines, volume (optional), target."""
    try:
        rows = _rows_from_file(path)
    except FileNotFoundError:
        raise ConfigError(path, ["keywords file not found"]) from None
    except (UnicodeDecodeError, csv.Error, OSError) as exc:
        raise ConfigError(path, [f"cannot read keywords file: {exc}"]) from None
    problems: list[str] = []
    if rows and "keyword" not in rows[0]:
        raise ConfigError(path, [f"no 'keyword' column (columns: {', '.join(rows[0])})"])
    unknown = sorted(set(rows[0]) - set(KEYWORD_COLUMNS)) if rows else []
    if unknown:
        problems.append(f"unknown columns {', '.join(unknown)} (expected {', '.join(KEYWORD_COLUMNS)})")
    out: list[KeywordSpec] = []
    for i, row in enumerate(rows, start=2):
        if not (row.get("keyword") or "").strip():
            continue
        volume = (row.get("volume") or "").strip().replace(",", "")
        try:
            out.append(
                KeywordSpec(
                    keyword=row["keyword"],
                    group=(row.get("group") or "").strip() or None,
                    tags=_split(row.get("tags")),
                    engines=_split(row.get("engines")),
                    volume=int(float(volume)) if volume else None,
                    target=(row.get("target") or "").strip() or None,
                )
            )
        except (ValidationError, ValueError) as exc:
            detail = format_errors(exc) if isinstance(exc, ValidationError) else [str(exc)]
            problems.extend(f"row {i}: {d}" for d in detail)
    if problems:
        raise ConfigError(path, problems)
    return out


PARTNER_COLUMNS = ("page", "target", "anchor", "our_page", "note", "contact")


def site_partners(config: Config, site: SiteConfig) -> list[PartnerSpec]:
    """The site's partners: inline ones, then the partners file's rows."""
    out = list(site.partners)
    if site.partners_file:
        out.extend(read_partners_file(config.resolve_path(site.partners_file)))
    return out


def read_partners_file(path: Path) -> list[PartnerSpec]:
    """Partners from CSV or XLSX with columns page, target, anchor, our_page, note, contact (only page required)."""
    try:
        rows = _rows_from_file(path)
    except FileNotFoundError:
        raise ConfigError(path, ["partners file not found"]) from None
    except (UnicodeDecodeError, csv.Error, OSError) as exc:
        raise ConfigError(path, [f"cannot read partners file: {exc}"]) from None
    if rows and "page" not in rows[0]:
        raise ConfigError(path, [f"no 'page' column (columns: {', '.join(str(c) for c in rows[0])})"])
    problems: list[str] = []
    unknown = sorted(str(c) for c in set(rows[0]) - set(PARTNER_COLUMNS)) if rows else []
    if unknown:
        problems.append(f"unknown columns {', '.join(unknown)} (expected {', '.join(PARTNER_COLUMNS)})")
    out: list[PartnerSpec] = []
    for i, row in enumerate(rows, start=2):
        if not (row.get("page") or "").strip():
            if any((v or "").strip() for v in row.values() if isinstance(v, str)):
                problems.append(f"row {i}: page: required (the partner page URL where our link should be)")
            continue
        values = {k: (row.get(k) or "").strip() or None for k in PARTNER_COLUMNS}
        try:
            out.append(PartnerSpec(**values))
        except ValidationError as exc:
            problems.extend(f"row {i}: {d}" for d in format_errors(exc))
    if problems:
        raise ConfigError(path, problems)
    return out
