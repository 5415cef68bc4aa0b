"""The JSON Schema of the record, generated from the pydantic models.

    python -m fangan.schema            # rewrite fangan/schemas/*.schema.json
    python -m fangan.schema --check    # exit 1 when the checked-in files are stale (a test runs this)
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from fangan.model import SCHEMA_VERSION, Document, ErrorRecord

SCHEMA_DIR = Path(__file__).resolve().parent / "schemas"
SCHEMAS = {"document.schema.json": Document, "error.schema.json": ErrorRecord}


def generate() -> dict[str, str]:
    out = {}
    for name, model in SCHEMAS.items():
        schema = model.model_json_schema()
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        schema["$id"] = f"https://fangan.dev/schema/{SCHEMA_VERSION}/{name}"
        schema["x-schema-version"] = SCHEMA_VERSION
        out[name] = json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    return out


def stale() -> list[str]:
    return [n for n, text in generate().items() if not (SCHEMA_DIR / n).exists() or (SCHEMA_DIR / n).read_text(encoding="utf-8") != text]


def main(argv: list[str]) -> int:
    if "--check" in argv:
        bad = stale()
        if bad:
            print(f"stale: {', '.join(bad)}; run `python -m fangan.schema`", file=sys.stderr)
            return 1
        return 0
    SCHEMA_DIR.mkdir(exist_ok=True)
    for name, text in generate().items():
        (SCHEMA_DIR / name).write_text(text, encoding="utf-8")
        print(SCHEMA_DIR / name)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
