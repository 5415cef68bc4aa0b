"""The checked-in JSON Schema is what the models generate, and records validate against the contract."""
from __future__ import annotations

import json

from fangan import schema
from fangan.model import SCHEMA_VERSION, Document

CONTRACT_FIELDS = [
    "id", "schema_version", "source", "title", "issuer", "addressee", "doc_number", "date", "year", "script", "text",
    "sections", "goals", "phases", "deadlines", "responsible_parties", "repairs", "removed", "warnings",
]


def test_checked_in_schema_is_fresh():
    assert schema.stale() == [], "run `python -m fangan.schema` and commit fangan/schemas/"


def test_schema_keeps_every_contract_field():
    doc_schema = json.loads((schema.SCHEMA_DIR / "document.schema.json").read_text(encoding="utf-8"))
    assert set(CONTRACT_FIELDS) <= set(doc_schema["properties"])
    assert doc_schema["x-schema-version"] == SCHEMA_VERSION
    source = doc_schema["$defs"]["Source"]["properties"]
    assert {"path", "url", "format", "sha256", "encoding", "site"} <= set(source)
    section = doc_schema["$defs"]["Section"]["properties"]
    assert {"id", "marker", "level", "title", "text", "children"} <= set(section)


def test_minimal_record_round_trips():
    doc = Document(id="abc", source={"path": "x.txt", "format": "txt", "sha256": "0" * 64}, text="正文")
    again = Document.model_validate_json(doc.model_dump_json())
    assert again == doc and again.schema_version == SCHEMA_VERSION
