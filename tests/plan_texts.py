"""The plan texts the extraction shortcut tests run their fast and plain paths over: the extraction fixtures, and up
to 60 dev and 60 seed texts of ../shared when it is there (the tests then cover real plans as well)."""
from __future__ import annotations

from pathlib import Path

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED_CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"


def sample_plan_texts(per_set: int = 60) -> list[str]:
    texts = [p.read_text(encoding="utf-8") for p in sorted((FIXTURES / "extract").glob("*.txt"))]
    for name in ("dev", "seeds"):
        if (SHARED_CORPUS / name).is_dir():
            texts += [p.read_text(encoding="utf-8", errors="replace")
                      for p in sorted((SHARED_CORPUS / name).glob("*.txt"))[:per_set]]
    return texts
