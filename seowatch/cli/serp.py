"""`seowatch serp parse`: read a saved result page the way the crawler would."""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from seowatch.cli import EXIT_FAILED, echo_json
from seowatch.crawlers.engines import search_url
from seowatch.crawlers.parsers import ENGINES, parse_serp
from seowatch.crawlers.parsers.model import SerpPage


@click.group()
def serp() -> None:
    """Result-page tools."""


@serp.command("parse")
@click.option("--engine", "-e", required=True, type=click.Choice(ENGINES), help="Which engine's parser to use.")
@click.option("--url", help="The URL the page was requested with (default: a search URL for an empty query).")
@click.option("--json", "as_json", is_flag=True, help="Print every parsed field as JSON.")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def parse_cmd(engine: str, url: str | None, as_json: bool, file: Path) -> None:
    """Parse a saved result page and print what seowatch reads from it: the tool to reach for
    when an engine changes its layout.

    Exits 1 when the page is blocked or its layout is not recognised.

    \b
    Example:
      seowatch serp parse --engine baidu saved/baidu-seo.html
      seowatch serp parse -e bing page.html --json | jq '.organic[0]'
    """
    page = parse_serp(engine, file.read_bytes(), url or search_url(engine, ""), None)
    if as_json:
        echo_json(page.to_dict())
    else:
        print_page(page, file.name)
    if not page.ok:
        raise SystemExit(EXIT_FAILED)


def print_page(page: SerpPage, name: str) -> None:
    console = Console(soft_wrap=False)
    status = (
        f"[red]blocked: {page.blocked}[/]" if page.blocked
        else f"[red]parse error: {page.parse_error}[/]" if page.parse_error
        else "[yellow]no results[/]" if page.no_results
        else "[green]ok[/]"
    )
    console.print(f"[bold]{name}[/] ({page.engine}) {status}  encoding={page.encoding}"
                  + (f" decode_errors={page.decode_errors}" if page.decode_errors else ""))
    console.print(f"query: {page.query!r}  organic: {len(page.organic)}  ads: {page.ads.count}"
                  f"  special: {len(page.special)}  next page: {'yes' if page.has_next else 'no'}")
    if page.organic:
        table = Table("pos", "block", "title", "url / link", "display", show_lines=False)
        for r in page.organic:
            table.add_row(str(r.position), str(r.block_position or ""), r.title, r.url or f"[dim]{r.link}[/]",
                          r.display_url or "")
        console.print(table)
    if page.special:
        table = Table("block", "kind", "title", "url", title="special blocks")
        for s in page.special:
            table.add_row(str(s.block_position or ""), s.kind, s.title or "", s.url or "")
        console.print(table)
    if page.ads.count:
        console.print(f"ads: {page.ads.count} ({', '.join(page.ads.domains) or 'domains not shown'})")
    if page.related_searches:
        console.print("related searches: " + " | ".join(page.related_searches))


COMMANDS = [serp]
