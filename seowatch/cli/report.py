"""`seowatch report`: build a site's daily report from the store and write it as HTML, Markdown, CSV, JSON."""

from __future__ import annotations

import gc
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import click

from seowatch.cli import EXIT_CONFIG, EXIT_FAILED, App, fail, pass_app
from seowatch.cli.crawl import selected_sites
from seowatch.config import SiteConfig
from seowatch.reports.build import build_report
from seowatch.reports.model import Report
from seowatch.reports.partner_changes import partner_news
from seowatch.reports.render_csv import ENCODING as CSV_ENCODING
from seowatch.reports.render_csv import render_csv
from seowatch.reports.render_html import render_html
from seowatch.reports.render_json import render_json
from seowatch.reports.render_markdown import render_markdown, summary
from seowatch.reports.suggestion_data import report_suggestions
from seowatch.store.database import session_scope
from seowatch.store.ranks import latest_day, site_by_domain

# format name -> (file extension, renderer, encoding), in the order files are written.
FORMATS: dict[str, tuple[str, Callable[[Report], str], str]] = {
    "html": ("html", render_html, "utf-8"),
    "md": ("md", render_markdown, "utf-8"),
    "csv": ("csv", render_csv, CSV_ENCODING),
    "json": ("json", render_json, "utf-8"),
}
ALIASES = {"markdown": "md", "htm": "html"}


def parse_formats(value: str) -> list[str]:
    names = []
    for part in value.split(","):
        name = ALIASES.get(part.strip().lower(), part.strip().lower())
        if not name:
            continue
        if name not in FORMATS:
            fail(f"--format: unknown format {part.strip()!r} (choose from {', '.join(FORMATS)})", EXIT_CONFIG)
        if name not in names:
            names.append(name)
    if not names:
        fail(f"--format: no format given (choose from {', '.join(FORMATS)})", EXIT_CONFIG)
    return names


def report_path(out_dir: Path, domain: str, day: date, fmt: str) -> Path:
    return out_dir / f"{domain}-{day.isoformat()}.{FORMATS[fmt][0]}"


@contextmanager
def collections_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a report is built or written.

    A report of thousands of keywords allocates about a million small objects that all live until
    it is written; the collector would scan them again and again with nothing to free (a quarter of
    the report's time at 10,000 keywords). Reference counting still frees what is dropped.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def write_report(rep: Report, out_dir: Path, domain: str, formats: Sequence[str] = tuple(FORMATS)) -> list[Path]:
    """Write the report in each format; the paths written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    with collections_paused():
        for fmt in formats:
            _, render, encoding = FORMATS[fmt]
            path = report_path(out_dir, domain, rep.run_date, fmt)
            path.write_text(render(rep), encoding=encoding, newline="")
            paths.append(path)
    return paths


def build_site_report(app: App, site_cfg: SiteConfig, day: str | None) -> Report | str:
    """The site's report for `day` (default: its latest day with checks), or why there is none."""
    tokenizer = _tokenizer(app)  # jieba's dictionary loads faster before the report fills the heap
    with collections_paused(), session_scope(app.engine) as session:
        site = site_by_domain(session, site_cfg.domain)
        if site is None:
            return f"{site_cfg.label}: nothing stored yet (run `seowatch crawl` first)"
        if day:
            try:
                run_date = date.fromisoformat(day)
            except ValueError:
                fail(f"--date must be YYYY-MM-DD, got {day!r}", EXIT_CONFIG)
            last = latest_day(session, site.id, run_date)
            if last != run_date:
                hint = f" (the latest day before it with checks is {last.isoformat()})" if last else ""
                return f"{site_cfg.label}: no checks stored for {run_date.isoformat()}{hint}"
        else:
            run_date = latest_day(session, site.id, app.today())
            if run_date is None:
                today = app.today().isoformat()
                return f"{site_cfg.label}: no checks stored up to {today} (run `seowatch crawl` first)"
        news = partner_news(session, site.id, run_date)
        rep = build_report(session, site_cfg, site.id, run_date, app.config.report, app.now(), partners=news.changes)
        rep.suggestions = report_suggestions(session, site.id, rep, app.config.report, news.lost_links, tokenizer)
        return rep


def _tokenizer(app: App):
    """The process's jieba tokenizer, configured from [keywords]; a bad user dictionary is a config error."""
    from seowatch.keywords.tokenize import TokenizerError, TokenizerOptions, get_tokenizer

    try:
        return get_tokenizer(TokenizerOptions.from_config(app.config))
    except TokenizerError as exc:
        fail(f"{app.config_path}: keywords.user_dict: {exc}", EXIT_CONFIG)


@click.command()
@click.option("--site", "-s", help="Only this site (its domain or name); default: every configured site.")
@click.option("--date", "day", help="The day to report (YYYY-MM-DD). Default: the latest day with stored checks, "
                                    "not today, so a report run after midnight still covers the day crawled.")
@click.option("--format", "-f", "formats", default="html,md,csv,json", show_default=True,
              help="Comma-separated formats to write: html, md, csv, json.")
@click.option("--out", "-o", "out", type=click.Path(file_okay=False, path_type=Path),
              help="Directory to write into (default: [report] output_dir of the config).")
@click.option("--quiet", "-q", is_flag=True, help="Print only the paths written, not the summary.")
@click.option("--limit", default=5, show_default=True, type=click.IntRange(1), help="Rows per section in the summary.")
@pass_app
def report(app: App, site: str | None, day: str | None, formats: str, out: Path | None, quiet: bool, limit: int) -> None:
    """Build the daily report of each site and write it as HTML, Markdown, CSV and JSON.

    A report for a day uses only data up to that day, so a past report can be rebuilt exactly.
    Files are named <domain>-<YYYY-MM-DD>.<ext>; each path is printed, then (unless --quiet)
    a short summary. Exit status 1 when a site has no stored checks for the day.

    \b
    Example:
      seowatch report
      seowatch report --site example.com --date 2026-11-24 --format html,csv --out /tmp/reports
    """
    wanted = parse_formats(formats)
    sites = selected_sites(app, site)
    out_dir = out if out is not None else app.config.resolve_path(app.config.report.output_dir)
    code = 0
    for site_cfg in sites:
        rep = build_site_report(app, site_cfg, day)
        if isinstance(rep, str):
            click.echo(f"seowatch: {rep}", err=True)
            code = EXIT_FAILED
            continue
        try:
            for path in write_report(rep, out_dir, site_cfg.domain, wanted):
                click.echo(str(path))
        except OSError as exc:
            fail(f"cannot write the report to {out_dir}: {exc.strerror or exc}", EXIT_FAILED)
        if not quiet:
            click.echo("")
            _print_summary(summary(rep, limit))
    sys.exit(code)


def _print_summary(text: str) -> None:
    """The Markdown summary, rendered by rich on a terminal and as plain Markdown when piped."""
    if sys.stdout.isatty():
        from rich.console import Console
        from rich.markdown import Markdown

        Console().print(Markdown(text))
    else:
        click.echo(text)


COMMANDS = [report]
