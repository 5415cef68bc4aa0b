"""Parts of an official document (公文) told by their form alone: the addressee line, the publication note, a
title that names one document of a numbered series, the party lines, and the sentences of the body.

One issuer's documents share these because that is how the issuer writes (every notice of a State Council office
opens with the same 主送 line and ends with （此件公开发布）; a county's annual plans are titled alike but for their
year), not because a site prints them around its pages. The learner of site chrome (`normalizers/batch.py`) never
calls `is_document_part` chrome, and the step that removes what it learned keeps `is_body_line` between the
headings (`normalizers/chrome.py`).
"""
from __future__ import annotations

import re

from fangan.lexicon.chrome import METADATA_LABELS
from fangan.lexicon.kinds import KIND_END
from fangan.lexicon.orgs import NAME_END
from fangan.lexicon.roles import LABEL_TAILS, ROLE_LABELS, alternation

# what ends a sentence of the body (a line ending so is prose, not a label, a link or a counter)
SENTENCE_FINAL = frozenset("。！？；!?;")
COLONS = frozenset("：:")

# 主送: the units a document is addressed to, listed with 、 or ，, then a colon (各有关单位：
# 各乡镇人民政府，县直各单位： 各省、自治区、直辖市人民政府，国务院各部委、各直属机构：)
_ADDRESSEE = re.compile(r"^[^。；：:！？!?]{2,80}[：:]$")
_UNIT_SEPARATORS = re.compile(r"[，、,\s]+")
_SPACES = re.compile(r"[\s\u3000]+")
# a metadata box's label alone on its line (发布机构：, 发 文 机 关：) ends like a unit but is chrome
_LABELS = frozenset(METADATA_LABELS)

# 附注: how the document may be published (（此件公开发布） （此件主动公开） （此件依申请公开） （此件发至县级）)
_PUBLICATION_NOTE = re.compile(r"^[（(]\s*此件[^（）()]{1,16}[）)]$")
_DIGIT = re.compile(r"\d")
# who does the task above: 责任单位：县教育局、县卫生健康局 (bracketed after a task, or a line of its own)
_PARTY_LINE = re.compile(r"^[（(【\[]?\s*" + alternation(ROLE_LABELS) + alternation(LABEL_TAILS) + r"?\s*[：:]")
_OPENING_BRACKETS = frozenset("（(【[")
_TRAIL_SEPARATORS = frozenset(">＞»›|")


def is_addressee_line(stripped: str) -> bool:
    """A 主送 line: unit names ending in a colon, the last one a unit (not a metadata label)."""
    if not stripped or stripped[-1] not in COLONS or not _ADDRESSEE.match(stripped):
        return False
    units = [u for u in _UNIT_SEPARATORS.split(stripped[:-1]) if u]
    return bool(units) and bool(NAME_END.search(units[-1])) and _SPACES.sub("", stripped[:-1]) not in _LABELS


def is_publication_note(stripped: str) -> bool:
    return bool(stripped) and stripped[-1] in "）)" and bool(_PUBLICATION_NOTE.match(stripped))


def is_numbered_title(stripped: str) -> bool:
    """A title that names a document (it ends in a kind: …工作方案, …的通知（试行）) and holds a number: the
    titles of a series (2019年…方案, 2020年…方案) share a line shape once their numbers are abstracted. (No colon:
    标题：2019年…方案 is a metadata box's line; no breadcrumb's separator: 首页 > 通知公告 > 2019年…方案.)"""
    return (bool(_DIGIT.search(stripped)) and bool(KIND_END.search(stripped))
            and not (COLONS | _TRAIL_SEPARATORS).intersection(stripped))


def is_party_line(stripped: str) -> bool:
    """A role label and its units: 责任单位：县教育局 (a site's footer says 主办单位：… the same way)."""
    return bool(_PARTY_LINE.match(stripped))


def is_document_part(stripped: str) -> bool:
    """An addressee line, a publication note, a numbered title or a bracketed party line, which follows a task
    (（责任单位：县教育局、县卫生健康局）) — a line stripped of its blanks."""
    return (is_addressee_line(stripped) or is_publication_note(stripped) or is_numbered_title(stripped)
            or (bool(stripped) and stripped[0] in _OPENING_BRACKETS and is_party_line(stripped)))


def is_sentence(stripped: str) -> bool:
    """A line of prose: it ends as a sentence does."""
    return bool(stripped) and stripped[-1] in SENTENCE_FINAL


def is_body_line(stripped: str) -> bool:
    """A sentence or a party line: between a plan's headings, the plan's own."""
    return is_sentence(stripped) or is_party_line(stripped)
