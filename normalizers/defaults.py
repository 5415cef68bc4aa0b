"""The default order of normalization steps. Importing this module registers every built-in step."""
from __future__ import annotations

from . import canonical, pinyin, script  # noqa: F401  (registration side effects)

# Order matters: encoding first (everything else reads characters), annotations before script
# conversion (OpenCC would not touch them, but counts are clearer on the source script),
# punctuation last so patterns above can rely on either form.
DEFAULT_STEPS: list[str] = [
    "canonicalize_whitespace",
    "strip_pinyin_annotations",
    "convert_script",
    "canonicalize_punctuation",
]
