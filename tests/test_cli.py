"""The CLI mirrors the Python API: each documented example runs and prints what the API returns."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
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
    # the file is compact (it is also the record's corpus.jsonl line); `show --json` indents it for a person
    assert json.loads(shown.output) == json.loads(record.read_bytes()) and b"\n" not in record.read_bytes()
    assert shown.output.startswith('{\n  "id": ')
    assert record.read_bytes() + b"\n" in (tmp_path / "corpus.jsonl").read_bytes()
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


# ------------------------------------------------------------------ mistakes: one line, what to do, non-zero


def _one_error_line(result) -> str:
    lines = [x for x in result.output.splitlines() if x.strip()]
    errors = [x for x in lines if x.startswith("error: ")]
    assert len(errors) == 1, result.output
    assert "Traceback" not in result.output and "[red]" not in result.output
    return errors[0]


def test_build_a_path_that_does_not_exist(tmp_path):
    result = runner.invoke(app, ["build", str(tmp_path / "nonexistent"), "--out", str(tmp_path / "X")])
    assert result.exit_code == 2
    assert "does not exist" in _one_error_line(result)
    assert not (tmp_path / "X").exists()


def test_build_an_empty_folder(tmp_path):
    (tmp_path / "empty").mkdir()
    result = runner.invoke(app, ["build", str(tmp_path / "empty"), "--out", str(tmp_path / "X")])
    assert result.exit_code == 2
    assert "no files in" in _one_error_line(result)


def test_build_out_naming_a_file(tmp_path):
    (tmp_path / "corpus.txt").write_text("x", encoding="utf-8")
    result = runner.invoke(app, ["build", str(SAMPLES), "--out", str(tmp_path / "corpus.txt")])
    assert result.exit_code == 2
    assert "is a file; give a folder" in _one_error_line(result)


def test_a_failed_input_is_reported_with_its_name_as_written(tmp_path):
    bad = tmp_path / "in" / "plan[bold]x[i].txt"  # a name that rich would read as markup
    bad.parent.mkdir()
    bad.write_bytes((SAMPLES / "truncated_download.txt").read_bytes())
    result = runner.invoke(app, ["build", str(bad.parent), "--out", str(tmp_path / "X")])
    assert result.exit_code == 0  # a failed input is a result: its entry is in errors.jsonl
    line = _one_error_line(result)
    assert "plan[bold]x[i].txt" in line and "not_text" in line
    assert (tmp_path / "X" / "errors.jsonl").read_text(encoding="utf-8").count("not_text") == 1


@pytest.mark.parametrize("command, module, extra", [
    (["serve", "CORPUS"], "uvicorn", "serve"), (["serve", "CORPUS"], "datasette", "serve"),
    (["scrape", "https://example.gov.cn/", "--archive", "ARCHIVE"], "scrapy", "web"),
    (["scrape", "https://example.gov.cn/", "--archive", "ARCHIVE"], "warcio", "web"),
])
def test_a_missing_extra_names_the_pip_command(monkeypatch, tmp_path, command, module, extra):
    monkeypatch.setitem(sys.modules, module, None)  # `import module` now raises ImportError
    args = [str(tmp_path / "a") if a in ("CORPUS", "ARCHIVE") else a for a in command]
    result = runner.invoke(app, args)
    assert result.exit_code == 1
    assert f"pip install 'fangan[{extra}]'" in _one_error_line(result)


def test_search_inputs_are_validated(tmp_path):
    corpus = tmp_path / "corpus"
    assert runner.invoke(app, ["build", str(SAMPLES), "--out", str(corpus)]).exit_code == 0
    cases = [
        (["\udcff\udcfe"], "not valid UTF-8"),  # bytes that were not UTF-8 on the command line
        (["知晓率", "--year", "99999999999999999999"], "out of range"),
        (["知晓率", "--limit", "-1"], "limit -1 is out of range"),
        (["健康" * 50_000], "characters long"),  # 100 KB: refused at once, not cut for a minute
        (["知晓率", "--party", "\udcff"], "not valid UTF-8"),
    ]
    for args, message in cases:
        result = runner.invoke(app, ["search", *args, "--corpus", str(corpus)])
        assert result.exit_code == 2, (args[0][:20], result.output)
        assert message in _one_error_line(result)
    result = runner.invoke(app, ["search", "x", "--corpus", str(tmp_path / "nothing")])
    assert result.exit_code == 2 and "is not a folder" in _one_error_line(result)


def test_like_wildcards_in_filters_are_literal(tmp_path):
    corpus = tmp_path / "corpus"
    runner.invoke(app, ["build", str(SAMPLES), "--out", str(corpus)])
    import fangan

    assert fangan.search("", corpus, issuer="卫生")  # a real substring matches
    for wildcard in ("%", "_", "卫生%", "_生"):
        assert fangan.search("", corpus, issuer=wildcard) == []
        assert fangan.search("", corpus, party=wildcard) == []


def test_help_shows_readable_metavars():
    for command in ("build", "show", "normalize", "evaluate", "search", "serve", "scrape"):
        result = runner.invoke(app, [command, "--help"])
        assert result.exit_code == 0
        assert "<" not in result.output.replace("<id>", "").replace("<input name>", ""), result.output
        assert "{" not in result.output and "[[" not in result.output


def test_piped_output_is_not_wrapped(tmp_path):
    corpus = tmp_path / ("a-long-folder-name-" * 6) / "corpus"
    result = runner.invoke(app, ["build", str(SAMPLES), "--out", str(corpus)])
    assert f"→ {corpus}" in result.output  # the whole path on one line
    result = runner.invoke(app, ["search", "健康", "--corpus", str(corpus)])
    assert any(len(line) > 80 for line in result.output.splitlines())


def test_normalize_explain_runs_the_build_front_half(monkeypatch, tmp_path):
    import fangan.pipeline as P

    calls = []
    real = P.parse_and_normalize

    def spy(*args, **kwargs):
        calls.append(args[0].path)
        return real(*args, **kwargs)

    monkeypatch.setattr(P, "parse_and_normalize", spy)
    path = SAMPLES / "district_cdc_school_health_plan_traditional_pinyin.txt"
    result = runner.invoke(app, ["normalize", str(path), "--explain"])
    assert result.exit_code == 0, result.output
    assert calls == [str(path)]
    doc = P.process_file(path)
    assert calls == [str(path), str(path)]  # the pipeline runs the same function
    explained = real(next(P.iter_inputs([path]))).explained
    assert explained.repairs and all(f"{r.step}: {r.count}" in result.output for r in explained.repairs)
    assert [(r.step, r.count) for r in explained.repairs] == [(r.step, r.count) for r in doc.repairs][:len(explained.repairs)]
    assert result.output.count("removed (") == len(doc.removed) > 0


def test_time_limit_reaches_the_build(tmp_path, monkeypatch):
    """--time-limit is Limits.max_seconds: documents that take longer get timeout entries (here each
    takes 0.3 s to parse, against 0.05 s and 30 s per MB of its 80 bytes); 0 is no limit; a negative
    limit is refused."""
    import time

    from fangan import pipeline

    real_parse = pipeline.parse

    def slow_parse(item, *args, **kwargs):
        time.sleep(0.3)
        return real_parse(item, *args, **kwargs)

    monkeypatch.setattr(pipeline, "parse", slow_parse)
    src = tmp_path / "in"
    src.mkdir()
    for i in range(3):
        (src / f"plan_{i}.txt").write_text(f"某县2024年第{i}项工作方案\n一、工作目标\n完成第{i}项任务。\n", encoding="utf-8")
    r = runner.invoke(app, ["build", str(src), "--out", str(tmp_path / "out"), "--time-limit", "0.05", "--jobs", "1"])
    assert r.exit_code == 0, r.output
    errors = [json.loads(ln) for ln in (tmp_path / "out" / "errors.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [(e["stage"], e["error"]) for e in errors] == [("parse", "timeout")] * 3, r.output
    r = runner.invoke(app, ["build", str(src), "--out", str(tmp_path / "out2"), "--time-limit", "-1"])
    assert r.exit_code == 2 and "negative" in r.output
    r = runner.invoke(app, ["build", str(src), "--out", str(tmp_path / "out3"), "--time-limit", "0", "--jobs", "1"])
    assert r.exit_code == 0 and "built 3" in r.output
