"""The crawl's child process (crawlers/runner.py): started ahead of its spec, then run or cancelled;
a child whose command goes away before handing it a spec does not crawl."""

from __future__ import annotations

import pytest

from seowatch.crawlers.runner import CrawlChild


def test_a_child_whose_command_goes_away_before_its_spec_exits_without_crawling():
    child = CrawlChild.start("partners")
    child.proc.stdin.close()  # what the child sees when the command that started it dies
    assert child.proc.wait(timeout=60) == 0
    assert child.proc.stdout.read() == ""  # no event, no output: nothing was crawled
    child.proc.stdout.close()


def test_a_cancelled_child_is_stopped_and_cannot_be_run_afterwards():
    with CrawlChild.start("serp") as child:
        pass
    assert child.proc.returncode is not None
    with pytest.raises(RuntimeError, match="runs once"):
        child.run({"settings": {}, "spider_args": {}}, lambda event: None)


def test_an_unknown_spider_is_refused_before_anything_starts():
    with pytest.raises(ValueError, match="unknown spider 'serps'"):
        CrawlChild.start("serps")
