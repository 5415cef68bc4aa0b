"""The default order of normalization steps. Importing this module registers every built-in step."""
from __future__ import annotations

from . import canonical, chrome, encoding, lexical, pages, pinyin, script, years  # noqa: F401  (registration)

# Order matters: characters first (codec repair, before whitespace: Latin-1 debris holds NBSP bytes), then annotations and script, so that later
# patterns see simplified text; punctuation is canonicalized after the page steps have rejoined
# lines (a bracket pair split by a page break is only a pair again then), and chrome/page patterns
# accept both widths.
DEFAULT_STEPS: list[str] = [
    "repair_mojibake",
    "flag_irrecoverable",
    "canonicalize_whitespace",
    "strip_pinyin_annotations",
    "convert_script",
    "remove_site_chrome",
    "remove_learned_boilerplate",
    "remove_page_markers",
    "split_space_separated_paragraphs",
    "canonicalize_punctuation",
    "repair_lexical_damage",
    "flag_template_years",
]
