"""Linear building blocks of the build (no timings here: speed is measured in benchmarks/)."""
from __future__ import annotations

import random

from spacy.util import get_words_and_spaces

from fangan.extract.nlp import load_pipeline, run, segmented, words_and_spaces
from fangan.lexicon.segment import get_segmenter
from fangan.normalizers.script import detect_script


def test_linear_alignment_gives_spacys_words_and_spaces():
    seg = get_segmenter()
    rng = random.Random(12)
    alphabet = ["中", "文", "。", " ", "  ", "\n", " \n", "\t", "a", "b", "1"]
    cases = ["中文\n\n测试 abc  d\n", " 中文", "中文 ", "a  b", "中 \n文", "", "\n\n"]
    cases += ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40))) for _ in range(3000)]
    for text in cases:
        words = seg.cut(text)
        assert words_and_spaces(words, text) == get_words_and_spaces([w for w in words if not w.isspace()], text), text


def test_a_document_over_spacys_default_limit_is_extracted_whole():
    line = "各乡镇于7月15日前完成摸底排查工作。（责任单位：县卫生监督所）\n"
    text = line * (1_000_000 // len(line) + 10)
    assert len(text) > 1_000_000
    doc = run(text, [])
    assert doc.text == text
    found = doc.user_data["fangan"]
    assert len(found["deadlines"]) == text.count("7月15日前")
    assert found["parties"] and found["parties"][-1][1] <= len(text)
    assert segmented(text) is not None  # the index reuses this cut instead of segmenting again


def test_components_read_the_text_the_tokenizer_was_given():
    nlp = load_pipeline()
    doc = nlp.make_doc("到2025年底，覆盖率达到95%以上。")
    assert doc.user_data["fangan_text"] == doc.text


def test_script_is_read_from_chinese_characters_only():
    taiwan_md = "# 臺北市內湖區都市計畫\n\n**Disaster prevention** plan, see https://example.tw/a_b?c=d\n\n| 項目 | 經費 |\n|---|---|\n| 防災 | NT$ 100 |\n"
    assert detect_script(taiwan_md) == "traditional"
    assert detect_script("县卫生健康局2024年夏季食品安全专项整治工作方案") == "simplified"
    assert detect_script("Only Latin text, 2024.") == "unknown"
    assert detect_script("衛生局" * 5 + "卫生局" * 5) == "mixed"


def test_the_record_dict_of_the_build_is_the_record_file_read_back(fixtures_dir):
    """A record is written from the model (`document_bytes`) and, when records are read back, from the dict
    (`record_bytes`): the dict must be the one pydantic's JSON reads back, and both ways must give the bytes
    pydantic writes (numbers in exponent form aside), or the tables, the JSONL line and documents/<id>.json
    would drift apart."""
    import json

    from fangan.corpus.store import document_bytes, pretty_document, record_bytes
    from fangan.pipeline import StageError, process_file

    files = sorted(p for sub in ("structure", "extract", "web", "markdown") for p in (fixtures_dir / sub).glob("*.*"))
    checked = 0
    for path in files:
        try:
            doc = process_file(path)
        except StageError:
            continue
        record = doc.model_dump(mode="json")
        assert record == json.loads(doc.model_dump_json()), path
        assert record_bytes(record) == doc.model_dump_json().encode("utf-8") == document_bytes(doc), path
        assert record_bytes(record) == json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode("utf-8"), path
        assert pretty_document(doc) == doc.model_dump_json(indent=2), path
        checked += 1
    assert checked >= 5


def test_document_bytes_write_a_huge_target_and_a_lone_surrogate_as_the_dict_does():
    """pydantic's serializer writes a float of 1e16 or more as 1e+16 where the record's dict, written by orjson,
    has 1e16: a document holding one is written the dict's way, so its bytes do not depend on which way made
    them. A string JSON cannot hold fails as it did."""
    import pytest

    from fangan.corpus.store import document_bytes, record_bytes
    from fangan.model import Document, Goal, Source, Target

    def doc_with(value: float, text: str = "正文") -> Document:
        target = Target(indicator="投资", comparator=">=", value=value, unit="元", raw="投资")
        return Document(id="0" * 16, source=Source(path="a.txt", format="txt", sha256="0" * 64), text=text,
                        goals=[Goal(text="投资", targets=[target])])

    for value in (1e16, -3e22, 1.2345678901234568e17, 9999999999999998.0, 1e-7, 0.1 + 0.2, 2.5, float("inf")):
        doc = doc_with(value)
        assert document_bytes(doc) == record_bytes(doc.model_dump(mode="json")), value
    assert b'"value":1e16,' in document_bytes(doc_with(1e16))
    assert doc_with(1e16).__pydantic_serializer__.to_json(doc_with(1e16)) != document_bytes(doc_with(1e16))  # (why)
    with pytest.raises(TypeError):  # orjson's error, as before
        document_bytes(doc_with(2.5, text="坏\ud800字"))


def test_record_bytes_escape_like_pydantic_and_write_exponents_one_way():
    """Control characters, quotes and line separators are escaped as pydantic escapes them; a number in
    exponent form is written the shortest way in the record (which is its JSONL line) and a compacted line
    alike, whether the record was written compact or indented (by an earlier version)."""
    import json

    import orjson

    from fangan.corpus.store import jsonl_line, record_bytes

    text = "".join(map(chr, range(0x20))) + '"\\ \u2028\u2029\ufeff\ufffd 方案 😀'
    record = {"id": "0" * 16, "text": text, "values": [0.1, 2.5, 1e-07, 1e16, 123456789.0]}
    line = record_bytes(record)
    assert json.loads(line) == record and b"\n" not in line
    assert b"1e-7" in line and b"1e16" in line
    indented = orjson.dumps(record, option=orjson.OPT_INDENT_2)
    assert jsonl_line(line) == jsonl_line(indented) == jsonl_line(indented.decode("utf-8")) == line  # compaction writes what appending wrote
    assert json.dumps(record, ensure_ascii=False, separators=(",", ":")).replace("1e-07", "1e-7").replace(
        "1e+16", "1e16").encode("utf-8") == line


def test_line_cache_remembers_short_lines_only():
    from fangan.line_cache import line_cache

    calls = []

    @line_cache(maxsize=8, max_line=5)
    def shape(line: str) -> int:
        calls.append(line)
        return len(line)

    assert [shape("短行"), shape("短行"), shape("一行太长了的文字"), shape("一行太长了的文字")] == [2, 2, 8, 8]
    assert calls == ["短行", "一行太长了的文字", "一行太长了的文字"]  # the long line is computed each time
    assert shape.cache_info().currsize == 1
    assert shape.__name__ == "shape" and shape.__wrapped__("短行") == 2

    # a function of the line and more arguments: the same bound, the extra arguments part of the key
    @line_cache(maxsize=8, max_line=5)
    def cut(line: str, at: int, *, keep: bool = False) -> str:
        calls.append((line, at, keep))
        return line[:at] if keep else line[at:]

    calls.clear()
    assert [cut("短行", 1), cut("短行", 1), cut("短行", 0), cut("短行", 1, keep=True)] == ["行", "行", "短行", "短"]
    assert [cut("一行太长了的文字", 6), cut("一行太长了的文字", 6)] == ["文字", "文字"]
    assert calls == [("短行", 1, False), ("短行", 0, False), ("短行", 1, True),
                     ("一行太长了的文字", 6, False), ("一行太长了的文字", 6, False)]
    assert cut.cache_info().currsize == 3


def test_remember_keeps_short_lines_and_starts_again_when_full():
    from fangan.line_cache import remember

    memo: dict = {}
    assert remember(memo, "短行", 1, max_lines=2, max_line=5) == 1
    assert remember(memo, "一行太长了的文字", 2, max_lines=2, max_line=5) == 2  # given back, not kept
    assert memo == {"短行": 1}
    remember(memo, "二", 3, max_lines=2, max_line=5)
    assert memo == {"短行": 1, "二": 3}
    remember(memo, "三", 4, max_lines=2, max_line=5)  # full: started again
    assert memo == {"三": 4}


def test_marker_cache_keeps_short_lines_only():
    """match_marker remembers its answers for lines of a page's usual length; a long flattened line is
    matched afresh each time (the same answer) and never pinned in the cache."""
    from fangan.lexicon.markers import _match_marker, match_marker
    from fangan.line_cache import MAX_CACHED_LINE

    long_line = "一、工作目标" + "推进" * MAX_CACHED_LINE
    _match_marker.cache_clear()
    first, again = match_marker(long_line), match_marker(long_line)
    assert first is not None and first.text == again.text == "一、" and first.end == 2
    assert _match_marker.cache_info().currsize == 0
    assert match_marker("二、保障措施").text == "二、" and _match_marker.cache_info().currsize == 1
