"""The CSV export: one row per keyword x engine x device, stable columns, BOM, no formulas from crawled text."""

from __future__ import annotations

import csv
import io
from dataclasses import replace

from seowatch.reports.model import SeenResult
from seowatch.reports.render_csv import COLUMNS, ENCODING, cell, render_csv


def _read(report, tmp_path):
    path = tmp_path / "r.csv"
    path.write_text(render_csv(report), encoding=ENCODING, newline="")
    data = path.read_bytes()
    return data, list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_every_row_with_stable_columns_and_a_bom(sample_report, tmp_path):
    data, rows = _read(sample_report, tmp_path)
    assert data.startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 Chinese only with the BOM
    assert data.decode("utf-8-sig").splitlines()[0] == ",".join(COLUMNS)
    assert len(rows) == len(sample_report.rows)
    assert [(r["keyword"], r["engine"], r["device"]) for r in rows] == [
        (r.keyword, r.engine, r.device) for r in sample_report.rows
    ]


def test_row_values(sample_report, tmp_path):
    _, rows = _read(sample_report, tmp_path)
    by = {r["keyword"]: r for r in rows}
    drop = by["整合营销"]
    assert (drop["status"], drop["position"], drop["baseline_position"], drop["change"], drop["drop"]) == (
        "ranked", "13", "3", "-10", "confirmed")
    assert drop["categories"] == "out_of_top3|out_of_top10|out_of_page1|dropped"
    assert (drop["since"], drop["taken_by_domain"], drop["taken_by_position"]) == ("2026-11-23", "rival.cn", "3")
    assert drop["date"] == "2026-11-24" and drop["site"] == "示例网络 example.com" and drop["volume"] == "2400"
    unknown = by["内容营销"]
    assert (unknown["status"], unknown["unknown_reason"], unknown["position"], unknown["previous_position"]) == (
        "unknown", "captcha", "", "4")
    assert by["品牌策划"]["own_urls"] == "https://m.example.com/brand-new https://m.example.com/brand"
    assert by["品牌策划"]["device"] == "mobile"


def test_not_checked_rows_are_kept(sample_report, tmp_path):
    sample_report.rows[0] = replace(sample_report.rows[0], today=None)
    _, rows = _read(sample_report, tmp_path)
    assert rows[0]["status"] == "not_checked" and rows[0]["position"] == ""


def test_crawled_text_never_becomes_a_formula(sample_report, tmp_path):
    r = sample_report.rows[0]
    sample_report.rows[0] = replace(r, taken_by=SeenResult(3, "https://x.cn/", "x.cn", '=HYPERLINK("http://evil","点我")'),
                                    group="+SUM(A1)", keyword="@整合营销")
    _, rows = _read(sample_report, tmp_path)
    assert rows[0]["taken_by_title"] == "'=HYPERLINK(\"http://evil\",\"点我\")"
    assert rows[0]["group"] == "'+SUM(A1)" and rows[0]["keyword"] == "'@整合营销"
    assert rows[0]["change"] == "-10"  # numbers stay numbers


def test_cell():
    assert cell(None) == "" and cell(-3) == -3 and cell(1.5) == 1.5
    assert cell("-1") == "'-1" and cell("\t=x") == "'=x" and cell("多\n行") == "多 行"
