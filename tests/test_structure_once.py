"""The structure stage reads each line's marker once and makes each section's model once: what it
hands on is what the plain path (match_marker on every line, a pydantic Section per heading) gives."""
from __future__ import annotations

from pathlib import Path

import pytest

from fangan.lexicon.markers import match_marker
from fangan.model import Section
from fangan.structure import build_structure
from fangan.structure.runin import split_run_in
from fangan.structure.tree import TreeBuilder

FIXTURES = sorted((Path(__file__).parent / "fixtures" / "structure").glob("*.txt"))


def _lines(path: Path) -> list[str]:
    lines = [ln.strip() for ln in path.read_text(encoding="utf-8").split("\n") if ln.strip()]
    return split_run_in(lines)[0]


def _walk(nodes):
    for n in nodes:
        yield n
        yield from _walk(n.children)


def _plain(node) -> dict:
    """The section as a pydantic Section made from the node's fields, dumped."""
    return Section(id=node.id, marker=node.marker, level=node.level, title=node.title, text=node.text,
                   children=[Section(**_plain(c)) for c in node.children]).model_dump()


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.stem)
def test_tree_nodes_become_the_sections_they_hold(path):
    tree = TreeBuilder()
    for i, line in enumerate(_lines(path)):
        tree.add_line(line, i)
    nodes = list(tree.roots)
    result = tree.finish()
    assert [s.model_dump() for s in result.sections] == [_plain(n) for n in nodes]
    assert all(isinstance(s, Section) for s in result.sections)
    for node in _walk(nodes):
        if "\n" not in node.text:  # a heading with no body: its marker is its text's
            assert node.opened_by == match_marker(node.text), node.text
    assert len(list(_walk(nodes))) > 3


def test_whole_sentence_heading_titled_from_its_marker():
    st = build_structure("壹、总则\n正文。\n贰、本实施计划如有未尽事宜，得适时修订之。\n叁、本计划未尽事宜，另行通知。")
    assert [s.title for s in st.sections] == ["总则", "本实施计划如有未尽事宜，得适时修订之", "本计划未尽事宜，另行通知"]
