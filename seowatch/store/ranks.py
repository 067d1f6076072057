"""Reading and writing rank checks: sites and keywords from the config, one check per key and day."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from typing import Any

from sqlalchemy import and_, bindparam, delete, func, insert
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from seowatch.store.database import chunks
from seowatch.store.models import (
    STATUS_UNKNOWN,
    Keyword,
    RankCheck,
    RankObservation,
    ResolvedLink,
    SerpPageRecord,
    SerpResult,
    Site,
)


@dataclass(slots=True)
class PageRow:
    """A fetched result page to store: the columns of SerpPageRecord (the check's id comes when stored).

    The crawl builds plain rows: building thousands of table objects cost more than storing them."""

    page_no: int
    url: str
    fetched_at: datetime
    http_status: int | None = None
    failure: str | None = None
    parse_error: str | None = None
    encoding: str | None = None
    organic_count: int = 0
    ads_count: int = 0
    ads_domains: list[str] = field(default_factory=list)
    related_searches: list[str] = field(default_factory=list)
    query_echo: str | None = None


@dataclass(slots=True)
class ResultRow:
    """A block seen on a page to store: the columns of SerpResult (the check's id comes when stored)."""

    page_no: int
    kind: str
    position: int | None = None
    page_position: int | None = None
    block_position: int | None = None
    url: str | None = None
    link: str | None = None
    domain: str | None = None
    display_url: str | None = None
    title: str | None = None
    snippet: str | None = None
    special_kind: str | None = None
    owner: str | None = None
    owner_name: str | None = None


@dataclass(slots=True)
class CheckRow:
    """A check to store: the columns of RankCheck (its id set when stored)."""

    keyword_id: int
    engine: str
    device: str
    day: date
    status: str
    depth: int
    fetched_at: datetime
    position: int | None = None
    block_position: int | None = None
    page: int | None = None
    url: str | None = None
    owner_kind: str | None = None
    depth_scanned: int = 0
    pages_fetched: int = 0
    unknown_reason: str | None = None
    unknown_detail: str | None = None
    id: int | None = None


@dataclass
class CheckOutcome:
    """Everything one (keyword, engine, device, day) check produced, written in one transaction.
    The check, pages and results are plain rows or table objects, as the caller likes."""

    check: CheckRow | RankCheck
    pages: list[PageRow | SerpPageRecord] = field(default_factory=list)
    results: list[ResultRow | SerpResult] = field(default_factory=list)


@dataclass
class KeywordSync:
    """What syncing a site's keyword list did: the active keywords, and variants folded into them."""

    keywords: list[Keyword]
    variants: list[tuple[str, str]]  # (as entered, the keyword it duplicates)
    deactivated: list[str]


def ensure_site(session: Session, domain: str, name: str | None = None) -> Site:
    site = session.exec(select(Site).where(Site.domain == domain)).first()
    if site is None:
        site = Site(domain=domain, name=name)
        session.add(site)
        session.flush()
    elif site.name != name:
        site.name = name
    return site


def sync_keywords(
    session: Session,
    site: Site,
    specs: Sequence,  # KeywordSpec-like: keyword, group, tags, engines, volume, target
    normalize: Callable[[str], str],
) -> KeywordSync:
    """Make the site's keyword rows match the config: add new ones, update attributes, deactivate
    removed ones (their history stays). Two entries with the same normalized form are one keyword;
    the later one is reported as a variant, never silently dropped.

    New keywords go in with one INSERT of many rows and are read back, and only attributes that
    changed are set: building or touching thousands of SQLModel objects one by one cost more than
    the rest of a crawl's start."""
    existing = {k.normalized: k for k in session.exec(select(Keyword).where(Keyword.site_id == site.id))}
    wanted: dict[str, dict[str, Any]] = {}
    variants: list[tuple[str, str]] = []
    for spec in specs:
        norm = normalize(spec.keyword)
        if not norm:
            continue
        if norm in wanted:
            variants.append((spec.keyword, wanted[norm]["text"]))
            continue
        wanted[norm] = {
            "text": spec.keyword, "group_name": spec.group, "tags": list(spec.tags), "engines": list(spec.engines),
            "volume": spec.volume, "target": spec.target, "active": True,
        }
    new = [{"site_id": site.id, "normalized": norm, **values} for norm, values in wanted.items() if norm not in existing]
    if new:
        session.execute(insert(Keyword.__table__), new)
        added = select(Keyword).where(Keyword.site_id == site.id, Keyword.normalized.in_(bindparam("norms", expanding=True)))
        for chunk in chunks([row["normalized"] for row in new], 500):
            existing.update((k.normalized, k) for k in session.exec(added, params={"norms": chunk}))
    for norm, values in wanted.items():
        row = existing[norm]
        for name, value in values.items():
            if getattr(row, name) != value:
                setattr(row, name, value)
    deactivated = []
    for norm, row in existing.items():
        if norm not in wanted and row.active:
            row.active = False
            deactivated.append(row.text)
    session.flush()
    return KeywordSync([existing[norm] for norm in wanted], variants, deactivated)


def save_check(session: Session, outcome: CheckOutcome) -> CheckRow | RankCheck:
    """Store one check; see `save_checks`."""
    return save_checks(session, [outcome])[0]


def save_checks(session: Session, outcomes: Sequence[CheckOutcome]) -> list[CheckRow | RankCheck]:
    """Store checks, each replacing that day's check for the same key (with its pages and results).

    The caller's transaction makes it all-or-nothing: never a duplicate, never a half-written check.
    A known result is also kept as an observation (re-runs of a day confirm or contradict it). An
    unknown re-run never overwrites a known result of the same day: it carries no information, and
    the known check is returned in its place.

    Rows are written a table at a time with plain INSERTs of many rows, not through the ORM's
    unit of work: a crawl stores thousands of checks, and per-row statements cost more than the
    crawl. Each check given is returned with its new id; page and result objects are left as given.
    """
    checks = [o.check for o in outcomes]
    keys = [(c.keyword_id, c.engine, c.device, c.day) for c in checks]
    if len(set(keys)) < len(keys):  # the same key twice: the later replaces the earlier, in order
        return [save_checks(session, [o])[0] for o in outcomes]
    st = _statements()
    existing: dict[tuple, list[tuple[int, str]]] = {}
    for chunk in chunks(sorted({c.keyword_id for c in checks}), 500):
        rows = session.execute(st.existing, {"keyword_ids": chunk, "days": sorted({c.day for c in checks})})
        for check_id, keyword_id, engine, device, day, status in rows:
            existing.setdefault((keyword_id, engine, device, day), []).append((check_id, status))
    out: list[CheckRow | RankCheck] = []
    written: list[CheckOutcome] = []
    old_ids: list[int] = []
    for outcome, key in zip(outcomes, keys):
        c = outcome.check
        before = existing.get(key, [])
        known = [check_id for check_id, status in before if status != STATUS_UNKNOWN]
        if c.status == STATUS_UNKNOWN and known:
            out.append(session.get(RankCheck, known[0]))
            continue
        old_ids.extend(check_id for check_id, _ in before)
        written.append(outcome)
        out.append(c)
    for chunk in chunks(old_ids, 500):
        for statement in st.deletes:
            session.execute(statement, {"ids": chunk})
    observations = [
        {"keyword_id": c.keyword_id, "engine": c.engine, "device": c.device, "day": c.day, "status": c.status,
         "position": c.position, "page": c.page, "depth_scanned": c.depth_scanned, "url": c.url,
         "fetched_at": c.fetched_at}
        for c in (o.check for o in written) if c.status != STATUS_UNKNOWN
    ]
    if observations:
        session.execute(st.observation, observations)
    if not written:
        return out
    session.execute(st.check, [_row(o.check, RankCheck) for o in written])
    ids: dict[tuple, int] = {}
    wanted = {(o.check.keyword_id, o.check.engine, o.check.device, o.check.day) for o in written}
    for chunk in chunks(sorted({o.check.keyword_id for o in written}), 500):
        rows = session.execute(st.existing, {"keyword_ids": chunk, "days": sorted({o.check.day for o in written})})
        for check_id, keyword_id, engine, device, day, _ in rows:
            if (keyword_id, engine, device, day) in wanted:
                ids[(keyword_id, engine, device, day)] = check_id
    pages, results = [], []
    for o in written:
        c = o.check
        c.id = ids[(c.keyword_id, c.engine, c.device, c.day)]
        pages.extend(_row(p, SerpPageRecord, c.id) for p in o.pages)
        results.extend(_values(r, SerpResult, c.id) for r in o.results)
    if pages:
        session.execute(st.page, pages)
    if results:
        _insert_values(session, SerpResult, results)
    return out


@dataclass(frozen=True)
class _Statements:
    existing: Any
    observation: Any
    deletes: tuple
    check: Any
    page: Any


@cache
def _statements() -> _Statements:
    """save_check's statements, built once: values go in as parameters, so each is compiled once."""
    checks = RankCheck.__table__
    ids = bindparam("ids", expanding=True)
    return _Statements(
        existing=select(
            checks.c.id, checks.c.keyword_id, checks.c.engine, checks.c.device, checks.c.day, checks.c.status,
        ).where(
            checks.c.keyword_id.in_(bindparam("keyword_ids", expanding=True)),
            checks.c.day.in_(bindparam("days", expanding=True)),
        ),
        observation=insert(RankObservation.__table__),
        deletes=(
            delete(SerpResult.__table__).where(SerpResult.__table__.c.check_id.in_(ids)),
            delete(SerpPageRecord.__table__).where(SerpPageRecord.__table__.c.check_id.in_(ids)),
            delete(checks).where(checks.c.id.in_(ids)),
        ),
        check=insert(checks),
        page=insert(SerpPageRecord.__table__),
    )


def _row(obj, model, check_id: int | None = None) -> dict:
    """The column values of a row or table object (its id left to the database, its check set)."""
    row = {name: getattr(obj, name) for name in _columns(model)}
    if check_id is not None:
        row["check_id"] = check_id
    return row


def _values(obj, model, check_id: int) -> tuple:
    """The column values of a row or table object, in `_columns` order, then its check's id."""
    return (*(getattr(obj, name) for name in _columns(model)), check_id)


def _insert_values(session: Session, model, rows: list[tuple]) -> None:
    """INSERT rows of `_values` straight through the database driver, as one executemany.

    For tables of plain integers and strings only (the result rows, ten or more per check): they
    need no conversion, and SQLAlchemy's per-row parameter handling cost more than the database's
    own insert. The statement is written in the driver's parameter style (SQLite's ?, psycopg's %s).
    """
    conn = session.connection()
    dialect = conn.dialect
    quote = dialect.identifier_preparer.quote
    names = (*_columns(model), "check_id")
    mark = "?" if dialect.paramstyle == "qmark" else "%s"
    sql = (f"INSERT INTO {quote(model.__tablename__)} ({', '.join(quote(n) for n in names)}) "
           f"VALUES ({', '.join(mark for _ in names)})")
    conn.exec_driver_sql(sql, rows)


@cache
def _columns(model) -> tuple[str, ...]:
    """The columns a row carries: all but the id and the check it belongs to."""
    return tuple(col.key for col in model.__table__.columns if col.key not in ("id", "check_id"))


def link_hash(link: str) -> str:
    return hashlib.sha1(link.encode("utf-8")).hexdigest()


def resolved_links(session: Session, links: Iterable[str]) -> dict[str, str]:
    """Cached targets of engine redirect links: {link: url} for those already resolved."""
    by_hash = {link_hash(link): link for link in links}
    if not by_hash:
        return {}
    rows = session.exec(select(ResolvedLink).where(ResolvedLink.link_hash.in_(list(by_hash))))
    return {by_hash[r.link_hash]: r.url for r in rows}


def remember_link(session: Session, engine: str, link: str, url: str, now: datetime) -> None:
    """Cache one resolved link (a link resolved concurrently elsewhere is kept as it is)."""
    h = link_hash(link)
    if session.get(ResolvedLink, h) is not None:
        return
    try:
        with session.begin_nested():
            session.add(ResolvedLink(link_hash=h, engine=engine, link=link, url=url, resolved_at=now))
    except IntegrityError:
        pass


def site_by_domain(session: Session, domain: str) -> Site | None:
    return session.exec(select(Site).where(Site.domain == domain)).first()


def keywords_of(session: Session, site_id: int, active_only: bool = True) -> list[Keyword]:
    q = select(Keyword).where(Keyword.site_id == site_id)
    if active_only:
        q = q.where(Keyword.active.is_(True))
    return list(session.exec(q.order_by(Keyword.id)))


def checks_on(session: Session, site_id: int, day: date) -> list[tuple[Keyword, RankCheck]]:
    """Every check of the site's keywords on `day`."""
    q = (
        select(Keyword, RankCheck)
        .join(RankCheck, RankCheck.keyword_id == Keyword.id)
        .where(Keyword.site_id == site_id, RankCheck.day == day)
        .order_by(Keyword.id, RankCheck.engine, RankCheck.device)
    )
    return [(k, c) for k, c in session.exec(q).all()]


def previous_known(session: Session, site_id: int, before: date) -> dict[tuple[int, str, str], RankCheck]:
    """For each (keyword, engine, device), the latest check before `before` that is not unknown.

    An unknown day is skipped, never compared: the previous *known* result is the baseline.
    """
    latest = (
        select(
            RankCheck.keyword_id,
            RankCheck.engine,
            RankCheck.device,
            func.max(RankCheck.day).label("day"),
        )
        .join(Keyword, Keyword.id == RankCheck.keyword_id)
        .where(Keyword.site_id == site_id, RankCheck.day < before, RankCheck.status != STATUS_UNKNOWN)
        .group_by(RankCheck.keyword_id, RankCheck.engine, RankCheck.device)
        .subquery()
    )
    q = select(RankCheck).join(
        latest,
        and_(
            RankCheck.keyword_id == latest.c.keyword_id,
            RankCheck.engine == latest.c.engine,
            RankCheck.device == latest.c.device,
            RankCheck.day == latest.c.day,
        ),
    )
    return {(c.keyword_id, c.engine, c.device): c for c in session.exec(q)}


def latest_day(session: Session, site_id: int, up_to: date | None = None) -> date | None:
    q = select(func.max(RankCheck.day)).join(Keyword, Keyword.id == RankCheck.keyword_id).where(Keyword.site_id == site_id)
    if up_to is not None:
        q = q.where(RankCheck.day <= up_to)
    return session.exec(q).one()


def results_of(session: Session, check_ids: Sequence[int]) -> dict[int, list[SerpResult]]:
    out: dict[int, list[SerpResult]] = {cid: [] for cid in check_ids}
    if not check_ids:
        return out
    q = select(SerpResult).where(SerpResult.check_id.in_(list(check_ids))).order_by(SerpResult.check_id, SerpResult.id)
    for r in session.exec(q):
        out[r.check_id].append(r)
    return out


def observations_on(session: Session, keyword_ids: Sequence[int], day: date) -> dict[tuple[int, str, str], list[RankObservation]]:
    """The known observations of `day` per (keyword, engine, device), oldest first."""
    out: dict[tuple[int, str, str], list[RankObservation]] = {}
    if not keyword_ids:
        return out
    q = (
        select(RankObservation)
        .where(RankObservation.keyword_id.in_(list(keyword_ids)), RankObservation.day == day)
        .order_by(RankObservation.fetched_at, RankObservation.id)
    )
    for o in session.exec(q):
        out.setdefault((o.keyword_id, o.engine, o.device), []).append(o)
    return out
