"""`seowatch keywords normalize|tokenize|group|ideas` and `seowatch audit`: Chinese keywords and landing pages."""

from __future__ import annotations

import sys
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from seowatch.cli import EXIT_CONFIG, EXIT_FAILED, App, echo_json, fail, parse_day, pass_app
from seowatch.config import ConfigError, SiteConfig, read_keywords_file, site_keywords
from seowatch.keywords.normalize import normalize


def _tokenizer(app: App):
    """The process's tokenizer, configured from [keywords]; a bad user dictionary is a config error."""
    from seowatch.keywords.tokenize import TokenizerError, TokenizerOptions, get_tokenizer

    try:
        return get_tokenizer(TokenizerOptions.from_config(app.config))
    except TokenizerError as exc:
        fail(f"{app.config_path}: keywords.user_dict: {exc}", EXIT_CONFIG)


def _check_user_dict(app: App) -> None:
    from seowatch.keywords.tokenize import TokenizerError, read_user_dict

    try:
        read_user_dict(app.config.resolve_path(app.config.keywords.user_dict))
    except TokenizerError as exc:
        fail(f"{app.config_path}: keywords.user_dict: {exc}", EXIT_CONFIG)


def _site_specs(app: App, site_cfg: SiteConfig):
    try:
        return site_keywords(app.config, site_cfg)
    except ConfigError as exc:
        fail(str(exc), EXIT_CONFIG)


def _selected_sites(app: App, site: str | None) -> list[SiteConfig]:
    from seowatch.cli.crawl import selected_sites

    return selected_sites(app, site)


@click.group()
def keywords() -> None:
    """Chinese keyword tools: one normal form, jieba words, topics, and ideas from result pages."""


@keywords.command("normalize")
@click.argument("texts", nargs=-1)
@click.option("--file", "-f", "path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Keywords from a file: CSV or XLSX with a 'keyword' column, or plain text, one per line.")
@click.option("--site", "-s", help="With no TEXT and no --file: only this site's configured keywords.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_app
def normalize_cmd(app: App, texts: tuple[str, ...], path: Path | None, site: str | None, as_json: bool) -> None:
    """Show the one form seowatch identifies a keyword by: traditional to simplified, full-width to
    half-width, Latin lower-cased, spaces and punctuation folded (整合營銷, 整合营销 and 整合 营销 are
    one keyword). Spellings that fold into a keyword already listed are reported as variants.

    With no TEXT and no --file, the keywords configured for each site are checked.

    \b
    Example:
      seowatch keywords normalize 整合營銷 "整合 营销" ＳＥＯ优化
      seowatch keywords normalize --file keywords.csv
      seowatch keywords normalize --site example.com
    """
    from seowatch.keywords.grouping import dedupe

    lists: list[tuple[str, list[str]]] = []
    if texts:
        lists.append(("", list(texts)))
    if path is not None:
        if path.suffix.lower() in (".csv", ".xlsx", ".xlsm"):
            try:
                lists.append((str(path), [k.keyword for k in read_keywords_file(path)]))
            except ConfigError as exc:
                fail(str(exc), EXIT_CONFIG)
        else:
            try:
                lines = path.read_text("utf-8-sig").splitlines()
            except UnicodeDecodeError:
                fail(f"{path}: not UTF-8 text", EXIT_CONFIG)
            lists.append((str(path), [line.strip() for line in lines if line.strip()]))
    if not lists:
        for site_cfg in _selected_sites(app, site):
            lists.append((site_cfg.label, [k.keyword for k in _site_specs(app, site_cfg)]))
    out = []
    for label, items in lists:
        report = dedupe(items)
        variant_of = {v.text: v.kept for v in report.variants}
        rows = [{"keyword": k, "normalized": normalize(k), "variant_of": variant_of.get(k)} for k in items]
        out.append({"source": label, "keywords": rows, "distinct": len(report.keywords),
                    "variants": len(report.variants)})
    if as_json:
        echo_json(out if len(out) > 1 or out[0]["source"] else out[0]["keywords"])
        return
    console = Console(soft_wrap=False)
    for block in out:
        table = Table("keyword", "normalized", "note", title=block["source"] or None)
        for r in block["keywords"]:
            note = f"variant of {r['variant_of']!r}" if r["variant_of"] is not None else ""
            if r["normalized"] == "":
                note = "empty after normalization: ignored"
            table.add_row(r["keyword"], r["normalized"], f"[yellow]{note}[/]" if note else "")
        console.print(table)
        label = f"{block['source']}: " if block["source"] else ""
        click.echo(f"{label}{len(block['keywords'])} entered, {block['distinct']} distinct, "
                   f"{block['variants']} variant{'s' if block['variants'] != 1 else ''} folded")


@keywords.command("tokenize")
@click.argument("texts", nargs=-1, required=True)
@click.option("--mode", type=click.Choice(["precise", "search"]), default="precise", show_default=True,
              help="precise: the words counted; search: each word and the dictionary words inside it (for matching).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_app
def tokenize_cmd(app: App, texts: tuple[str, ...], mode: str, as_json: bool) -> None:
    """Split keywords or sentences into words the way seowatch does: normalized first, jieba with the
    config's user words ([keywords] user_words, user_dict) that must never split. Stop words (the
    Chinese list plus [keywords] stop_words) are marked with a '*'.

    \b
    Example:
      seowatch keywords tokenize 整合營銷方案 "抖音短视频营销公司哪家好"
      seowatch keywords tokenize --mode search 网络营销公司
    """
    tok = _tokenizer(app)
    rows = []
    for text in texts:
        words = tok.cut(text) if mode == "precise" else tok.cut_for_search(text)
        rows.append({"text": text, "normalized": normalize(text), "words": words,
                     "stop_words": [w for w in words if tok.is_stop(w)]})
    if as_json:
        echo_json(rows)
        return
    for r in rows:
        shown = " / ".join(f"{w}*" if w in r["stop_words"] else w for w in r["words"])
        click.echo(f"{r['text']}  →  {shown}")


@keywords.command("group")
@click.option("--site", "-s", help="Only this site.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_app
def group_cmd(app: App, site: str | None, as_json: bool) -> None:
    """Group a site's keywords into topics by the head terms they share (整合营销方案 and 整合营销公司
    under 整合营销). A `group` given to a keyword in the config always wins, and keywords containing a
    whole word of a configured group's keywords join it. Variants are folded first and reported.

    \b
    Example:
      seowatch keywords group
      seowatch keywords group --site example.com --json
    """
    from seowatch.keywords.grouping import SOURCE_CONFIG, SOURCE_SHARED, group_keywords

    tok = _tokenizer(app)
    result = []
    for site_cfg in _selected_sites(app, site):
        specs = _site_specs(app, site_cfg)
        grouping = group_keywords([(k.keyword, k.group) for k in specs], tok)
        result.append((site_cfg, grouping))
    if as_json:
        echo_json([
            {"site": s.label, "topics": [
                {"topic": t.name, "source": t.source, "head_term": t.head, "keywords": list(t.keywords),
                 "joined": list(t.joined)} for t in g.topics],
             "variants": [{"keyword": v.text, "variant_of": v.kept} for v in g.variants]}
            for s, g in result
        ])
        return
    console = Console(soft_wrap=False)
    for site_cfg, grouping in result:
        table = Table("topic", "keywords", "why", title=f"{site_cfg.label}: topics")
        for t in grouping.topics:
            if t.source == SOURCE_CONFIG:
                why = "group in the config" + (f" (+{len(t.joined)} sharing its words)" if t.joined else "")
            elif t.source == SOURCE_SHARED:
                why = f"share the head term {t.head!r}"
            else:
                why = "shares no head term"
            table.add_row(t.name, "、".join(t.keywords), why)
        console.print(table)
        for v in grouping.variants:
            click.echo(f"note: {v.text!r} is a variant of {v.kept!r} (both are {v.normalized!r})")
        n = sum(len(t.keywords) for t in grouping.topics)
        by = Counter(t.source for t in grouping.topics)
        click.echo(f"{site_cfg.label}: {n} keywords in {len(grouping.topics)} topics: {by[SOURCE_CONFIG]} from the "
                   f"config, {by[SOURCE_SHARED]} by shared head terms, {by['single']} alone")


@keywords.command("ideas")
@click.option("--site", "-s", help="Only this site.")
@click.option("--keyword", "-k", "only", multiple=True, help="Only the result pages of these tracked keywords.")
@click.option("--date", "day", help="Use the checks up to this day (default: today).")
@click.option("--page", "pages", multiple=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Read saved result pages instead of the store (repeatable).")
@click.option("--engine", "-e", default="baidu", show_default=True, help="The engine of the --page files.")
@click.option("--limit", "-n", default=30, show_default=True, help="How many ideas to show.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_app
def ideas_cmd(app: App, site: str | None, only: tuple[str, ...], day: str | None, pages: tuple[Path, ...],
              engine: str, limit: int, as_json: bool) -> None:
    """Keyword ideas from what the engines showed for your keywords: their related searches, and the
    TF-IDF terms of the top results' titles and snippets (jieba.analyse with our stop words). Keywords
    already tracked are left out. Each idea shows its evidence: on how many engines, in how many
    related-search lists and in how many results it appeared.

    By default the result pages stored by the latest `seowatch crawl` are read; --page reads saved
    pages instead (the keywords of the config are still left out).

    \b
    Example:
      seowatch keywords ideas --site example.com
      seowatch keywords ideas --page saved/baidu-整合营销.html --engine baidu
    """
    from seowatch.crawlers.engines import search_url
    from seowatch.crawlers.parsers import ENGINES, parse_serp
    from seowatch.keywords.ideas import evidence_from_page, keyword_ideas

    tok = _tokenizer(app)
    tracked = [k.keyword for s in app.config.sites for k in _site_specs(app, s)]
    if pages:
        if engine not in ENGINES:
            fail(f"--engine: unknown engine {engine!r} (known: {', '.join(ENGINES)})", EXIT_CONFIG)
        evidence = []
        for p in pages:
            page = parse_serp(engine, p.read_bytes(), search_url(engine, ""), None)
            if not page.ok:
                click.echo(f"warning: {p}: {page.blocked or page.parse_error}; related searches only", err=True)
            evidence.append(evidence_from_page(page))
        _print_ideas(keyword_ideas(evidence, tok, tracked, limit=limit), "saved pages", as_json)
        return
    from seowatch.store.database import session_scope
    from seowatch.store.ideas import serp_evidence
    from seowatch.store.ranks import site_by_domain

    run_day = parse_day(day, app)
    wanted = {normalize(k) for k in only}
    for site_cfg in _selected_sites(app, site):
        with session_scope(app.engine) as session:
            site_row = site_by_domain(session, site_cfg.domain)
            evidence = serp_evidence(session, site_row.id, run_day, wanted or None) if site_row else []
        if not evidence:
            click.echo(f"{site_cfg.label}: no result pages stored up to {run_day.isoformat()} "
                       "(run `seowatch crawl` first)", err=True)
            continue
        _print_ideas(keyword_ideas(evidence, tok, tracked, limit=limit), site_cfg.label, as_json)


def _print_ideas(ideas: list, label: str, as_json: bool) -> None:
    if as_json:
        echo_json([i.to_dict() for i in ideas])
        return
    table = Table("idea", "from", "engines", "related lists", "results", "tf-idf", "for keyword",
                  title=f"{label}: keyword ideas")
    for i in ideas:
        table.add_row(i.text, " + ".join(sorted(i.sources)), ", ".join(sorted(i.engines)), str(i.related_pages),
                      str(i.results), f"{i.weight:.2f}" if i.weight else "", "、".join(sorted(i.queries)))
    Console(soft_wrap=False).print(table)
    click.echo(f"{label}: {len(ideas)} ideas")


# --- seowatch audit ---------------------------------------------------------------------------------


def run_audit_crawl(app: App, jobs: list, day: date, *, fast: bool, show_progress: bool) -> int:
    """Run the audit spider in a child process with a progress bar; returns its exit status."""
    from urllib.parse import urlsplit

    from seowatch.cli.childcrawl import run_spider
    from seowatch.keywords.tokenize import TokenizerOptions

    failed = Counter()

    def on_audit(event: dict[str, Any]) -> str:
        if event.get("status") is None:
            failed["unreachable"] += 1
        return f"{failed['unreachable']} unreachable" if failed else ""

    args = {"jobs": [j.to_dict() for j in jobs], "day": day.isoformat(),
            "tokenizer": TokenizerOptions.from_config(app.config).to_dict()}
    return run_spider(app, "audit", {urlsplit(j.url).hostname or j.url for j in jobs}, args, fast=fast,
                      total=len(jobs), item_event="audit", on_item=on_audit, show_progress=show_progress, label="audit")


def _cut(text: str | None, n: int = 36) -> str:
    if not text:
        return ""
    return text if len(text) <= n else text[: n - 1] + "…"


def _coverage_cell(cov: dict[str, Any] | None, field: str) -> str:
    if not cov:
        return ""
    f = cov["fields"].get(field)
    if f is None:
        return ""
    n = len(cov["tokens"])
    if f["phrase"]:
        return "[green]✓ phrase[/]"
    if not f["found"]:
        return "[red]✗[/]"
    return f"[yellow]{len(f['found'])}/{n} words[/] (no {'、'.join(f['missing'])})" if f["missing"] else f"{n}/{n} words"


AUDIT_ROWS = (
    "URL", "status", "response", "title", "meta description", "H1", "H2", "canonical", "robots", "text",
    "links in / out", "images without alt", "structured data", "keyword in title", "… in H1", "… in description",
    "… in first 200 chars", "… in body", "keyword density", "findings",
)


def audit_rows(r) -> dict[str, str]:
    """The findings of one stored audit, as the cells of the comparison table."""
    from seowatch.crawlers.matching import canonical_url

    if r.status is None:
        status = f"[red]unreachable: {r.error}[/]"
    else:
        status = f"[red]{r.status}[/]" if r.status >= 400 else str(r.status)
        if r.final_url and canonical_url(r.final_url) != canonical_url(r.url):
            status += f" → {_cut(r.final_url, 40)}"
    cov = r.coverage or {}
    if r.canonical is None:
        canonical = "none"
    elif canonical_url(r.canonical) == canonical_url(r.final_url or r.url):
        canonical = "self"
    else:
        canonical = f"[red]elsewhere: {_cut(r.canonical, 40)}[/]"
    reachable = r.status is not None and r.status < 400
    rows = {
        "URL": r.url,
        "status": status,
        "response": f"{r.response_ms} ms" if r.response_ms is not None else "",
    }
    if reachable:
        rows.update({
            "title": f"{_cut(r.title)} ({len(r.title)} chars)" if r.title else "[red]missing[/]",
            "meta description": f"{len(r.description)} chars" if r.description else "[red]missing[/]",
            "H1": (_cut(r.h1[0]) + (f" (+{len(r.h1) - 1})" if len(r.h1) > 1 else "")) if r.h1 else "[red]missing[/]",
            "H2": str(len(r.h2)),
            "canonical": canonical,
            "robots": f"[red]noindex[/] ({_cut(r.noindex_evidence, 40)})" if r.noindex else "index",
            "text": f"{r.body_chars} chars ({r.chinese_chars} Chinese)",
            "links in / out": f"{r.internal_links} / {r.outbound_links}",
            "images without alt": f"{r.images_without_alt} / {r.images}",
            "structured data": ", ".join(r.structured_data) or "none",
            "keyword in title": _coverage_cell(cov, "title"),
            "… in H1": _coverage_cell(cov, "h1"),
            "… in description": _coverage_cell(cov, "description"),
            "… in first 200 chars": _coverage_cell(cov, "lead"),
            "… in body": _coverage_cell(cov, "body"),
            "keyword density": (f"{cov['density']:.1%} ({cov['occurrences']}/{cov['body_words']} words, "
                                f"phrase ×{cov['phrase_count']})") if cov else "",
        })
    rows["findings"] = ", ".join(f["code"] for f in r.findings) or "[green]none[/]"
    return {label: rows.get(label, "") for label in AUDIT_ROWS}


def _column_title(r) -> str:
    if r.role == "ours":
        return f"ours ({r.engine} #{r.rank})" if r.engine else "ours"
    if r.role == "target":
        return "our target page"
    return f"#{r.rank} {r.owner_name or ''}".strip()


def print_audit(kw_text: str, records: list, changes: dict[int, list], day: date) -> None:
    console = Console(soft_wrap=False)
    cells = [audit_rows(r) for r in records]
    table = Table("", *[_column_title(r) for r in records], title=f"{kw_text} — {day.isoformat()}",
                  show_lines=False)
    for label in AUDIT_ROWS:
        table.add_row(label, *[c[label] for c in cells])
    console.print(table)
    for r in records:
        for ch in changes.get(r.id, []):
            who = "our page" if r.role != "competitor" else (r.owner_name or r.url)
            console.print(f"  [bold]changed[/] ({who}): {ch.message}", highlight=False)
    ours = [r for r in records if r.role != "competitor"]
    for r in ours:
        for f in r.findings:
            console.print(f"  [yellow]our page[/]: {f['message']}", highlight=False)


@click.command()
@click.option("--site", "-s", help="Only this site (its domain or name).")
@click.option("--keyword", "-k", "only", multiple=True, help="Only these keywords (repeatable).")
@click.option("--date", "day", help="Record the audits under this day (YYYY-MM-DD; default today).")
@click.option("--stored", is_flag=True, help="Fetch nothing: show the audits stored for the day.")
@click.option("--fast", is_flag=True, help="No politeness delays: for the local sandbox only.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar and no tables; a summary line per site.")
@click.option("--json", "as_json", is_flag=True, help="Print the audits as JSON.")
@pass_app
def audit(app: App, site: str | None, only: tuple[str, ...], day: str | None, stored: bool, fast: bool,
          quiet: bool, as_json: bool) -> None:
    """Audit each keyword's landing page beside the top competitors' pages.

    For every tracked keyword: our page that ranks in the latest `seowatch crawl` (or the keyword's
    configured target), and the top organic results that are not ours, are fetched and audited: status
    and final URL, title, meta description, H1/H2, canonical, meta robots and X-Robots-Tag, text length
    in characters, internal and outbound links, images without alt, structured data, response time,
    and how the page covers the keyword. Audits are stored per day, and what changed since the last
    audit (title changed, canonical changed, noindex added, page now 404 ...) is shown.

    \b
    Example:
      seowatch audit
      seowatch audit --site example.com --keyword 整合营销
      seowatch audit --stored --date 2026-11-24 --json
    """
    from seowatch.cli.crawl import sync_site
    from seowatch.crawlers.auditchanges import audit_changes
    from seowatch.store.audits import audit_jobs, audits_on, previous_audits
    from seowatch.store.database import session_scope

    run_day = parse_day(day, app)
    if not stored and app.config.keywords.user_dict:
        _check_user_dict(app)  # a bad user dictionary fails here, not in the child
    overall = 0
    out_json: list[dict[str, Any]] = []
    for site_cfg in _selected_sites(app, site):
        site_row, synced = sync_site(app, site_cfg)
        kws = synced.keywords
        if only:
            wanted = {normalize(k) for k in only}
            kws = [k for k in kws if k.normalized in wanted]
            if not kws:
                fail(f"none of the keywords {', '.join(only)} is tracked for {site_cfg.label}", EXIT_CONFIG)
        if not stored:
            with session_scope(app.engine) as session:
                jobs = audit_jobs(session, kws, run_day, site_cfg.engines, app.config.report.top_results)
            if not jobs:
                click.echo(f"{site_cfg.label}: nothing to audit: no rank check stored up to {run_day.isoformat()} "
                           "and no keyword has a target page (run `seowatch crawl` first)", err=True)
                continue
            code = run_audit_crawl(app, jobs, run_day, fast=fast, show_progress=not quiet and sys.stderr.isatty())
            if code != 0:
                overall = EXIT_FAILED
        with session_scope(app.engine) as session:
            records = audits_on(session, site_row.id, run_day, [k.id for k in kws])
            previous = previous_audits(session, site_row.id, run_day)
        by_kw: dict[int, list] = {}
        for r in records:
            by_kw.setdefault(r.keyword_id, []).append(r)
        changes = {r.id: audit_changes(previous[(r.keyword_id, r.url_hash)], r)
                   for r in records if (r.keyword_id, r.url_hash) in previous}
        texts = {k.id: k.text for k in kws}
        if as_json:
            for r in records:
                d = r.model_dump(exclude={"id", "url_hash"})
                d["keyword"] = texts.get(r.keyword_id)
                d["site"] = site_cfg.label
                prev = previous.get((r.keyword_id, r.url_hash))
                d["previous_day"] = prev.day.isoformat() if prev else None
                d["changes"] = [{"code": c.code, "message": c.message} for c in changes.get(r.id, [])]
                out_json.append(d)
            continue
        if not records:
            click.echo(f"{site_cfg.label}: no audits stored for {run_day.isoformat()}")
            continue
        if not quiet:
            for kw_id, recs in by_kw.items():
                print_audit(texts.get(kw_id, str(kw_id)), recs, changes, run_day)
        ours = [r for r in records if r.role != "competitor"]
        problems = sum(1 for r in ours if r.findings)
        changed = sum(1 for r in records if changes.get(r.id))
        unreachable = sum(1 for r in records if r.status is None)
        click.echo(f"{site_cfg.label}: {len(by_kw)} keywords, {len(records)} pages audited "
                   f"({len(ours)} ours, {len(records) - len(ours)} competitors); {problems} of our pages with findings; "
                   f"{changed} pages changed since their last audit" + (f"; {unreachable} unreachable" if unreachable else ""))
    if as_json:
        echo_json(out_json)
    sys.exit(overall)


COMMANDS = [keywords, audit]
