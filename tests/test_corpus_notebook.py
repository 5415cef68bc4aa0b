"""The analyst notebook (notebooks/walkthrough.ipynb) runs top to bottom on data/samples, and its answers
(deadlines per party, deadlines by month) agree with the records themselves."""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("matplotlib")

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "walkthrough.ipynb"

REPORT = """import json
print("REPORT" + json.dumps({
    "corpus": str(CORPUS),
    "documents": len(corpus.documents),
    "parties_by_deadlines": {k: int(v) for k, v in parties_by_deadlines.items()},
    "deadlines_by_month": {int(k): int(v) for k, v in deadlines_by_month.items()},
}, ensure_ascii=False))"""


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    nb = nbformat.read(NOTEBOOK, as_version=4)
    n_cells = len(nb.cells)
    nb.cells.append(nbformat.v4.new_code_cell(REPORT))
    client = nbclient.NotebookClient(nb, timeout=600, kernel_name="python3",
                                     resources={"metadata": {"path": str(NOTEBOOK.parent)}})
    # the notebook builds its corpus in a temporary folder it leaves for the reader to open: under pytest's own
    # temporary folder here, which pytest clears, not in the system's (every run left 0.7 MB there)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TMPDIR", str(tmp_path_factory.mktemp("notebook-tmp")))
        client.execute()  # raises CellExecutionError on the first failing cell
    text = "".join(o.get("text", "") for o in nb.cells[-1].outputs if o.output_type == "stream")
    report = json.loads(text.split("REPORT", 1)[1])
    return nb.cells[:n_cells], report


def test_notebook_runs_and_plots(executed):
    cells, report = executed
    outputs = [o for c in cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    assert any("image/png" in o.get("data", {}) for o in outputs)  # the deadlines-by-month plot
    assert report["documents"] == 5  # data/samples: five plans and one broken download


def test_notebook_answers_agree_with_the_records(executed):
    _, report = executed
    records = [json.loads(p.read_text(encoding="utf-8")) for p in (Path(report["corpus"]) / "documents").glob("*.json")]
    per_party: Counter = Counter()
    per_month: Counter = Counter()
    for rec in records:
        for d in rec["deadlines"]:
            owners = {d["party"]} if d.get("party") else {
                p["name"] for p in rec["responsible_parties"] if p.get("section_id") == d.get("section_id")}
            per_party.update(owners)
            if d["due"].get("month"):
                per_month[d["due"]["month"]] += 1
    assert report["parties_by_deadlines"] == dict(per_party)
    assert report["deadlines_by_month"] == {str(m): per_month.get(m, 0) for m in range(1, 13)}  # JSON keys
    assert sum(per_month.values()) > 0  # the food-safety sample has dated deadlines (7月15日前 …)
    counts = list(report["parties_by_deadlines"].values())
    assert counts == sorted(counts, reverse=True)
