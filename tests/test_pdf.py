"""PDF parsing: running headers/footers and page numbers removed, wrapped lines joined, headings kept,
tables as rows, scans and encrypted files reported. Fixtures are drawn with reportlab's built-in CID font
STSong-Light, so no font file is needed."""
from __future__ import annotations

import io
import json

import pytest

from fangan.ingest import SourceItem
from fangan.parsers import ParseError, parse

pytest.importorskip("reportlab")
from rapidfuzz.distance import Levenshtein  # noqa: E402

PLAN_TITLE = "县卫生健康局关于开展2024年夏季食品安全专项整治的工作方案"
HEADER = "县卫生健康局文件"
PLAN_PARAS = [
    ("p", "各乡镇卫生院、县直各医疗卫生单位："),
    ("p", "为切实加强夏季食品安全监管，有效预防和控制食源性疾病的发生，保障人民群众身体健康和生命安全，根据上级有关文件精神，"
          "结合我县实际，县卫生健康局决定在全县范围内开展2024年夏季食品安全专项整治工作，现制定如下实施方案。"),
    ("h", "一、工作目标"),
    ("p", "通过专项整治，进一步落实食品生产经营单位主体责任，集体食堂监督检查覆盖率达到100%，从业人员健康证持证率达到100%，"
          "食源性疾病监测报告及时率达到95%以上，全县不发生重大食品安全事故，群众满意度明显提升。"),
    ("h", "二、工作措施"),
    ("h", "（一）开展拉网式排查"),
    ("p", "各乡镇卫生院要组织专门力量，对辖区内学校食堂、建筑工地食堂、养老机构食堂和农村集体聚餐场所开展全面排查，"
          "建立工作台账，做到底数清、情况明。排查中发现的问题要当场反馈，限期整改，整改不到位的要依法依规严肃处理。"
          "对存在严重安全隐患的单位，要及时报告县卫生健康局，并会同市场监管部门联合处置。"),
    ("h", "（二）强化监督抽检"),
    ("p", "抽检按照GB 14881-2013《食品生产通用卫生规范》和GB 31654-2021 Food Safety Standard的要求进行，"
          "检测项目包括菌落总数、大肠菌群和沙门氏菌等指标。"),
    ("p", "县疾病预防控制中心要按照年度监测计划，重点对凉拌菜、熟肉制品、冷饮和桶装饮用水等高风险食品开展抽样检测，"
          "每月不少于两次，检测结果及时通报有关单位。对检测不合格的产品，要追根溯源，查明原因，督促落实整改措施。"),
    ("h", "（三）加强宣传培训"),
    ("p", "各单位要利用广播、宣传栏、微信公众号等多种形式，广泛宣传夏季食品安全知识，提高群众自我防护意识和能力。"
          "7月15日前，各乡镇卫生院要完成对辖区集体食堂从业人员的集中培训，培训率达到100%，培训情况于7月20日前报县卫生健康局。"),
    ("h", "三、工作步骤"),
    ("p", "第一阶段为动员部署阶段，时间为5月下旬至6月上旬，主要任务是制定方案、召开会议、部署工作。"
          "第二阶段为集中整治阶段，时间为6月中旬至8月下旬，主要任务是全面排查、抽样检测和问题整改。"
          "第三阶段为总结验收阶段，时间为9月上旬至9月底，主要任务是总结经验、巩固成果、建立长效机制。"),
    ("h", "四、工作要求"),
    ("h", "（一）加强组织领导"),
    ("p", "县卫生健康局成立夏季食品安全专项整治工作领导小组，局长任组长，分管副局长任副组长，各股室负责人为成员，"
          "领导小组办公室设在局医政股，负责日常工作的组织协调和督促检查。各单位主要负责人是本单位专项整治工作的第一责任人，"
          "要亲自安排部署，确保各项措施落到实处。"),
    ("h", "（二）严格责任追究"),
    ("p", "对工作不力、措施不实、造成食品安全事故的单位和个人，要严肃追究相关责任。各单位要于每月25日前将工作进展情况报送领导小组办公室，"
          "9月30日前报送工作总结。"),
]


def make_plan_pdf(header: bool = True, page_numbers: bool = True, encrypt: str | None = None,
                  justify: bool = False) -> bytes:
    """A multi-page plan: title 18pt, headings 14pt, body 12pt with first-line indent, wrapped by reportlab."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    body = ParagraphStyle("body", fontName="STSong-Light", fontSize=12, leading=20, firstLineIndent=24, wordWrap="CJK",
                          alignment=4 if justify else 0)
    head = ParagraphStyle("head", parent=body, fontSize=14, leading=24, firstLineIndent=0, spaceBefore=4)
    title = ParagraphStyle("title", parent=body, fontSize=18, leading=28, firstLineIndent=0, alignment=1, spaceAfter=12)

    def decorate(canvas, doc):
        canvas.saveState()
        w, h = A4
        if header:
            canvas.setFont("STSong-Light", 9)
            canvas.drawCentredString(w / 2, h - 15 * mm, HEADER)
            canvas.line(25 * mm, h - 17 * mm, w - 25 * mm, h - 17 * mm)
        if page_numbers:
            canvas.setFont("STSong-Light", 10)
            canvas.drawCentredString(w / 2, 12 * mm, f"— {doc.page} —")
        canvas.restoreState()

    buf = io.BytesIO()
    kwargs = {}
    if encrypt:
        from reportlab.lib import pdfencrypt

        kwargs["encrypt"] = pdfencrypt.StandardEncryption(encrypt, canPrint=1)
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=25 * mm, rightMargin=25 * mm, topMargin=25 * mm,
                            bottomMargin=25 * mm, title="", **kwargs)
    story = [Paragraph(PLAN_TITLE, title), Spacer(1, 6)]
    # repeat the body so the document runs over several pages
    for rep in range(2):
        for kind, text in PLAN_PARAS:
            story.append(Paragraph(text, head if kind == "h" else body))
    doc.build(story, onFirstPage=decorate, onLaterPages=decorate)
    return buf.getvalue()


def source_text() -> str:
    return "\n".join([PLAN_TITLE] + [t for _ in range(2) for _, t in PLAN_PARAS])


def cer(got: str, want: str) -> float:
    return Levenshtein.distance(got, want) / max(1, len(want))


@pytest.fixture(scope="module")
def plan_pdf() -> bytes:
    return make_plan_pdf()


def _parse(data: bytes, name: str = "plan.pdf"):
    return parse(SourceItem(name, data))


def test_cer_against_source_and_no_running_lines(plan_pdf):
    doc = _parse(plan_pdf)
    assert doc.format == "pdf"
    text = doc.text
    assert int(doc.metadata["pages"]) >= 3
    rate = cer(text, source_text())
    print(f"CER {rate:.4f}")
    assert rate <= 0.02, rate
    lines = text.split("\n")
    assert HEADER not in text
    assert not any("—" in ln and ln.strip("— 0123456789") == "" for ln in lines)
    # one block per source paragraph: wrapped lines were joined back
    assert len(doc.blocks) == 1 + 2 * len(PLAN_PARAS)
    assert any(code == "pdf_running_lines_removed" for code, _ in doc.warnings)


def test_headings_kept_separate_with_levels(plan_pdf):
    doc = _parse(plan_pdf)
    assert doc.title_hint == PLAN_TITLE
    heads = [b for b in doc.blocks if b.kind == "heading" and b.level]
    assert [b.text for b in heads[:4]] == ["一、工作目标", "二、工作措施", "（一）开展拉网式排查", "（二）强化监督抽检"]
    assert {b.level for b in heads} == {1}  # all 14 pt: one level, the title is not a level
    assert doc.heading_hints["一、工作目标"] == 1


def test_justified_body():
    doc = _parse(make_plan_pdf(justify=True))
    assert cer(doc.text, source_text()) <= 0.02
    assert len(doc.blocks) == 1 + 2 * len(PLAN_PARAS)


def test_without_header_only_page_numbers_go():
    doc = _parse(make_plan_pdf(header=False))
    assert cer(doc.text, source_text()) <= 0.02
    assert "—" not in doc.text.replace("2024", "")


def test_page_number_patterns():
    from fangan.parsers.pdf import _PAGE_NUMBER

    for s in ["— 3 —", "-3-", "- 12 -", "3", "第3页", "第 3 页 共 9 页", "3/9", "Page 3 of 9", "－3－"]:
        assert _PAGE_NUMBER.match(s), s
    for s in ["一、工作目标", "2024年5月20日", "第三阶段", "3月底前完成"]:
        assert not _PAGE_NUMBER.match(s), s


def test_encrypted_pdf_is_reported():
    data = make_plan_pdf(encrypt="secret")
    with pytest.raises(ParseError) as e:
        _parse(data)
    assert e.value.error == "encrypted_pdf"


def _image_only_pdf(watermark: str | None) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    # a tiny grey bitmap stretched over the page stands in for a scan
    png = io.BytesIO()
    try:
        from PIL import Image

        Image.new("L", (40, 60), 200).save(png, format="PNG")
    except ImportError:
        pytest.skip("Pillow missing")
    png.seek(0)
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    for _ in range(3):
        c.drawImage(ImageReader(png), 0, 0, width=A4[0], height=A4[1])
        if watermark:
            c.setFont("STSong-Light", 13)
            c.drawString(A4[0] - 120, 20, watermark)
        c.showPage()
    c.save()
    return buf.getvalue()


@pytest.mark.parametrize("watermark", [None, "扫描全能王 创建"])
def test_scans_need_ocr(watermark):
    with pytest.raises(ParseError) as e:
        _parse(_image_only_pdf(watermark))
    assert e.value.error == "needs_ocr"
    assert "OCR" in e.value.reason


def test_ruled_table_rows():
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    st = ParagraphStyle("b", fontName="STSong-Light", fontSize=12, leading=18, wordWrap="CJK")
    rows = [["阶段", "时间", "责任单位"], ["动员部署", "5月下旬", "县卫生健康局"], ["集中整治", "6月至8月", "各乡镇卫生院"]]
    t = Table(rows)
    t.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), "STSong-Light"), ("GRID", (0, 0), (-1, -1), 0.5, (0, 0, 0))]))
    buf = io.BytesIO()
    SimpleDocTemplate(buf, pagesize=A4).build([Paragraph("三、工作步骤", st), t, Paragraph("四、工作要求", st)])
    doc = _parse(buf.getvalue())
    kinds = [(b.kind, b.text) for b in doc.blocks]
    assert kinds == [("paragraph", "三、工作步骤"), ("table_row", "阶段 | 时间 | 责任单位"),
                     ("table_row", "动员部署 | 5月下旬 | 县卫生健康局"), ("table_row", "集中整治 | 6月至8月 | 各乡镇卫生院"),
                     ("paragraph", "四、工作要求")]


def test_not_a_pdf():
    with pytest.raises(ParseError) as e:
        _parse(b"%PDF-1.4\n garbage with no xref \n%%EOF")
    assert e.value.error in ("corrupt_pdf", "needs_ocr")


# ---------------------------------------------------------------- the real documents in ../shared


@pytest.mark.shared
@pytest.mark.parametrize("name", ["central_no1_document_2026.pdf", "hainan_farm_machinery_subsidy_plan.pdf"])
def test_real_pdfs_build_with_heading_tree(real_dir, name, tmp_path):
    from fangan.pipeline import build

    report = build([real_dir / name], tmp_path / "out")
    assert not report.errors, report.errors
    (doc_path,) = (tmp_path / "out" / "documents").glob("*.json")
    doc = json.loads(doc_path.read_text(encoding="utf-8"))
    top = [s["marker"] for s in doc["sections"]]
    assert top[:3] == ["一、", "二、", "三、"]
    assert any(s["children"] for s in doc["sections"])
    # wrapped lines joined: no body line ends mid-sentence at a page-width
    assert "坚持产量产能、生产生态" in doc["text"] or "全面贯彻党的二十大和二十届二中全会精神" in doc["text"]


@pytest.mark.shared
def test_real_scan_needs_ocr(real_dir):
    item = SourceItem("scan.pdf", (real_dir / "farm_machinery_subsidy_opinion_scanned.pdf").read_bytes())
    with pytest.raises(ParseError) as e:
        parse(item)
    assert e.value.error == "needs_ocr"
