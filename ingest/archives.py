"""Archive members as SourceItems (zip; tar and 7z when available). Filled in by the archives issue."""
from __future__ import annotations


def handler_for(lower_path: str):
    """The expander for this archive path, or None when it is not an archive we read."""
    return None
