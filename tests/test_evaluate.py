"""`fangan evaluate` prints the project scorer's figures (../shared/eval/score.py) and refuses to score nothing."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from fangan.cli import app
from fangan.evaluate import EvaluationError, evaluate, f1, mean, score_record
from fangan.pipeline import build

runner = CliRunner()


def test_an_empty_gold_folder_is_refused(tmp_path):
    (tmp_path / "gold").mkdir()
    (tmp_path / "corpus").mkdir()
    result = runner.invoke(app, ["evaluate", "--gold", str(tmp_path / "gold"), "--corpus", str(tmp_path / "corpus")])
    assert result.exit_code == 2
    assert "no *.gold.json files" in result.output and "F1" not in result.output
    with pytest.raises(EvaluationError):
        evaluate(tmp_path / "gold", tmp_path / "corpus")
    result = runner.invoke(app, ["evaluate", "--gold", str(tmp_path / "nothing"), "--corpus", str(tmp_path / "corpus")])
    assert result.exit_code == 2 and "does not exist" in result.output


def test_definitions_on_a_small_case(tmp_path):
    assert f1([], []) == (1.0, 1.0, 1.0) and f1(["a"], [])[2] == 0.0 and f1(["a", "a"], ["a"])[2] == pytest.approx(2 / 3)
    gold = {"doc": "x.txt", "title": "工作方案", "clean_text": "一、目标\n达到100%。", "boilerplate": ["返回首页"],
            "sections": [{"marker": "一、", "title": "目标", "children": []}],
            "goals": [{"targets": [{"value": 100, "unit": "%"}]}], "phases": [], "deadlines": [],
            "responsible_parties": []}
    rec = {"title": "工作方案。", "text": "一、目标 达到100％。", "sections": [{"marker": "一", "title": "目标", "children": []}],
           "goals": [{"targets": [{"value": 100, "unit": "%"}]}], "phases": [], "deadlines": [], "responsible_parties": []}
    s = score_record(gold, rec)
    assert (s["title"], s["cer"], s["sec_f1"], s["sec_title_acc"], s["target_f1"]) == (1.0, 0.0, 1.0, 1.0, 1.0)


@pytest.mark.shared
def test_on_the_dev_set_it_agrees_with_the_scorer(shared_dir, tmp_path):
    corpus = tmp_path / "dev"
    build([shared_dir / "corpus" / "dev"], corpus)
    gold = shared_dir / "gold" / "dev"
    scorer = subprocess.run([sys.executable, str(shared_dir / "eval" / "score.py"), str(gold), str(corpus), "--json"],
                            capture_output=True, text=True, check=True).stdout.splitlines()
    ours = runner.invoke(app, ["evaluate", "--gold", str(gold), "--corpus", str(corpus)])
    assert ours.exit_code == 0, ours.output
    assert ours.output.splitlines() == scorer[:-1]  # the same rows and MEAN row, character for character
    theirs = json.loads(scorer[-1])
    m = mean(evaluate(gold, corpus))
    assert {k: round(v, 9) for k, v in m.items()} == {k: round(v, 9) for k, v in theirs.items()}
