"""Heading trees over the shared corpora: nothing heading-like is lost, flattened copies give the same
tree, and the real documents named in issue #16 get their structure. Skips without ../shared."""
from __future__ import annotations

from pathlib import Path

import pytest

from fangan.lexicon.markers import match_marker
from fangan.model import Document, iter_sections
from fangan.normalizers import normalize
from fangan.pipeline import StageError, process_file
from fangan.structure import build_structure


def _records(folder: Path) -> list[Document]:
    docs = []
    for path in sorted(folder.iterdir()):
        if path.name == "MANIFEST.tsv" or path.is_dir():
            continue
        try:
            docs.append(process_file(path))
        except StageError:  # image-only pages and scans: nothing to structure
            continue
    return docs


@pytest.fixture(scope="module")
def dev_docs(shared_dir):
    return _records(shared_dir / "corpus" / "dev")


@pytest.fixture(scope="module")
def real_docs(real_dir):
    return {Path(d.source.path).name: d for d in _records(real_dir)}


def lost_heading_lines(doc: Document) -> list[str]:
    """Lines that open with a marker and are neither a section's heading line, nor text of an
    attachment (whose numbered lines the record's `attachment_items` warning explains), nor named by
    a `heading_rejected` warning."""
    heads = set()
    # each line the tree refused is named in a heading_rejected warning
    explained = {ex for w in doc.warnings if w.code == "heading_rejected" for ex in w.examples}
    for sec, _ in iter_sections(doc.sections + doc.attachments):
        heads.add(sec.text.split("\n", 1)[0])
        if sec.marker.startswith("附") and any(w.code == "attachment_items" for w in doc.warnings):
            explained.update(sec.text.split("\n")[1:])
    return [ln for ln in doc.text.split("\n")
            if match_marker(ln) and ln not in heads and ln not in explained and ln[:40] not in explained]


def test_no_heading_line_is_lost_in_dev_and_real(dev_docs, real_docs):
    lost = {d.source.path: lines for d in dev_docs + list(real_docs.values()) if (lines := lost_heading_lines(d))}
    assert lost == {}


def test_no_heading_line_is_lost_in_bulk(shared_dir):
    docs = _records(shared_dir / "corpus" / "bulk")
    lost = {d.source.path: lines for d in docs if (lines := lost_heading_lines(d))}
    print(f"bulk: {sum(len(v) for v in lost.values())} heading-looking lines lost in {len(docs)} documents")
    assert lost == {}


def _tree(sections) -> list[tuple[tuple[str, ...], str]]:
    out = []

    def walk(ss, path):
        for s in ss:
            out.append((path + (s.marker,), s.title))
            walk(s.children, path + (s.marker,))

    walk(sections, ())
    return out


def test_flattened_copies_give_the_same_tree(dev_docs):
    """All line breaks of each multi-level dev document replaced by spaces, then normalized and
    structured again: the same sections under the same parents, and (nearly) the same titles."""
    titled = same = 0
    for doc in dev_docs:
        ref = _tree(doc.sections)
        if not any(len(path) > 1 for path, _ in ref):
            continue
        flat = doc.title + "\n" + " ".join(doc.text.split("\n"))
        got = _tree(build_structure(normalize(flat), title_candidates=[doc.title]).sections)
        assert [p for p, _ in got] == [p for p, _ in ref], doc.source.path
        for (_, a), (_, b) in zip(ref, got):
            titled += bool(a)
            same += bool(a) and a == b
    assert titled > 100 and same / titled >= 0.99


def test_central_no1_document_has_all_27_subsections(real_docs):
    for name in ("central_no1_document_2026.docx", "central_no1_document_2026.pdf"):
        doc = real_docs[name]
        chapters = [(s.marker, [c.marker for c in s.children]) for s in doc.sections]
        assert [m for m, _ in chapters] == ["一、", "二、", "三、", "四、", "五、", "六、"], name
        assert [len(children) for _, children in chapters] == [6, 4, 4, 6, 4, 3], name
        numbers = [c for _, children in chapters for c in children]
        assert numbers[6] == "（七）" and numbers[-1] == "（二十七）", name


def test_hainan_attachment_is_not_under_the_last_chapter(real_docs):
    doc = real_docs["hainan_farm_machinery_subsidy_plan.pdf"]
    assert doc.sections[-1].marker == "七、" and [s.marker for s in doc.attachments] == ["附件"]
    assert all(not c.marker.startswith("附") for c in doc.sections[-1].children)


def test_markdown_plans_get_their_heading_levels(real_docs):
    doc = real_docs["tw_taipei_neihu_urban_plan_disaster_prevention.md"]
    top = [s.title for s in doc.sections]
    assert top[:2] == ["主要灾害特性及分布", "防灾圈"]
    assert [c.title for c in doc.sections[0].children] == ["台洪灾害", "坡地灾害", "土石流潜势溪流", "地震灾害"]
    assert "![" not in doc.text and "<td" not in doc.text and "<table" not in doc.text
    budget = real_docs["tw_taipei_neihu_urban_plan_schedule_budget.md"]
    assert budget.sections[0].marker == "玖、" and budget.sections[0].title == "实施进度及经费"
