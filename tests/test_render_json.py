"""The JSON export against its documented schema (docs/report-schema.json)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator, FormatChecker

from seowatch.reports import model
from seowatch.reports.render_json import SCHEMA_VERSION, render_json, to_dict
from tests.conftest import HOSTILE_TITLE, make_sample_report

SCHEMA_PATH = Path(__file__).resolve().parent.parent / "docs" / "report-schema.json"


@pytest.fixture(scope="module")
def validator():
    schema = json.loads(SCHEMA_PATH.read_text("utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=FormatChecker())


def _errors(validator, doc):
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(doc)]


@pytest.mark.parametrize("hostile", [False, True])
def test_output_follows_the_schema(validator, hostile):
    doc = json.loads(render_json(make_sample_report(hostile=hostile)))
    assert _errors(validator, doc) == []


def test_the_schema_rejects_what_it_should(validator, sample_report):
    doc = to_dict(sample_report)
    doc["rows"][0].pop("today")
    doc["rows"][1]["categories"] = ["lost", "fell"]
    doc["metrics"]["visibility"] = 140
    doc["trend"][0]["day"] = "24/11/2026"
    doc["extra"] = 1
    errors = _errors(validator, doc)
    assert any("'today' is a required property" in e for e in errors)
    assert any(e.startswith("rows/1/categories/1") for e in errors)
    assert any(e.startswith("metrics/visibility") for e in errors)
    assert any(e.startswith("trend/0/day") for e in errors)
    assert any("'extra' was unexpected" in e for e in errors)


def test_the_schema_knows_every_category_and_drop_state(validator):
    schema = json.loads(SCHEMA_PATH.read_text("utf-8"))
    categories = set(schema["$defs"]["category"]["enum"])
    constants = {getattr(model, n) for n in ("LOST", "OUT_OF_TOP3", "OUT_OF_TOP10", "OUT_OF_PAGE1", "DROPPED",
                                              "IMPROVED", "NEW", "URL_CHANGED", "CANNIBALIZED", "RECOVERED", "UNKNOWN")}
    assert categories == constants
    assert set(schema["$defs"]["row"]["properties"]["drop"]["enum"]) == {None, model.WATCHING, model.CONFIRMED}
    assert schema["properties"]["schema_version"]["const"] == SCHEMA_VERSION


def test_the_whole_report_is_there(sample_report):
    doc = json.loads(render_json(sample_report))
    assert doc["site"] == "示例网络 example.com" and doc["run_date"] == "2026-11-24"
    assert doc["generated_at"] == "2026-11-24T23:40:00+00:00"
    assert len(doc["rows"]) == len(sample_report.rows)
    drop = doc["rows"][0]
    assert (drop["keyword"], drop["today"]["position"], drop["baseline"]["position"], drop["drop"]) == ("整合营销", 13, 3, "confirmed")
    assert drop["taken_by"]["domain"] == "rival.cn" and drop["history"][-1] == {"day": "2026-11-24", "position": 13}
    assert doc["compare"]["month"] is None and doc["compare"]["previous"]["day"] == "2026-11-23"
    assert doc["counts"] == {"categories": doc["counts"]["categories"], "confirmed_drops": 1, "watching": 1}
    assert doc["counts"]["categories"]["unknown"] == 1
    assert [s["impact"] for s in doc["suggestions"]] == sorted((s["impact"] for s in doc["suggestions"]), reverse=True)
    assert any(p["visibility"] is None for p in doc["trend"])  # a blind day stays null, never 0
    assert doc["metrics"]["coverage_line"] == sample_report.metrics.coverage_line
    assert "整合营销" in render_json(sample_report)  # not \\u-escaped


def test_hostile_strings_are_kept_verbatim_as_data():
    doc = json.loads(render_json(make_sample_report(hostile=True)))
    assert doc["rows"][0]["taken_by"]["title"] == HOSTILE_TITLE  # JSON is data; escaping is the reader's job
