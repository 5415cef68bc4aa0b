"""The CLI mirrors the Python API: each documented example runs and prints what the API returns."""
from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from fangan.cli import app
from fangan.pipeline import process_file

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"
runner = CliRunner()


def test_build_then_show_a_built_record(tmp_path):
    result = runner.invoke(app, ["build", str(SAMPLES), "--out", str(tmp_path), "--timings"])
    assert result.exit_code == 0, result.output
    assert "errors 1" in result.output and "normalize" in result.output
    assert (tmp_path / "corpus.jsonl").exists() and (tmp_path / "errors.jsonl").exists()
    record = next((tmp_path / "documents").glob("*.json"))
    shown = runner.invoke(app, ["show", str(record), "--json"])
    assert shown.exit_code == 0
    assert json.loads(shown.output)["id"] == record.stem
    again = runner.invoke(app, ["build", str(SAMPLES), "--out", str(tmp_path)])
    assert "built 0" in again.output


def test_show_an_input_file_matches_process_file():
    path = SAMPLES / "county_summer_food_safety_plan_utf16.txt"
    result = runner.invoke(app, ["show", str(path)])
    assert result.exit_code == 0, result.output
    doc = process_file(path)
    assert doc.title in result.output
    for s in doc.sections:
        assert f"{s.marker} {s.title}" in result.output


def test_show_reports_a_bad_input_with_its_reason():
    result = runner.invoke(app, ["show", str(SAMPLES / "truncated_download.txt")])
    assert result.exit_code == 1
    assert "not_text" in result.output


def test_normalize_explain_lists_each_step():
    result = runner.invoke(app, ["normalize", str(SAMPLES / "district_cdc_school_health_plan_traditional_pinyin.txt"), "--explain"])
    assert result.exit_code == 0, result.output
    assert "健康教育进校园" in result.output
    assert "strip_pinyin_annotations" in result.output and "convert_script" in result.output
    assert "'(wèi)' → ''" in result.output
