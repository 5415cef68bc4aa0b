"""The words of a corpus's full-text index, for tests. The index is contentless (fangan.corpus.search): what it
holds is read from FTS5's own vocabulary table, not from columns."""
from __future__ import annotations

import sqlite3
from pathlib import Path

from fangan.corpus import search


def index_vocabulary(root: Path) -> list[tuple]:
    """Every word of the index and where, sorted: (doc id, word, column, position). Words left under a rowid no
    document has (a replaced or removed one whose words FTS5 was not given back exactly) show as 'gone:<rowid>'."""
    con = sqlite3.connect(search.db_path(root))
    try:
        con.execute("CREATE VIRTUAL TABLE temp.vocab USING fts5vocab(main, documents_fts, instance)")
        return sorted(con.execute("SELECT coalesce(d.doc_id, 'gone:' || v.doc), v.term, v.col, v.offset "
                                  "FROM temp.vocab v LEFT JOIN documents d ON d.rowid = v.doc"))
    finally:
        con.close()


def vocabulary_indexed_at_once(root: Path, scratch: Path) -> list[tuple]:
    """`index_vocabulary` of an index made at once, in `scratch`, from the records in `root`."""
    (scratch / "documents").mkdir(parents=True)
    for p in (root / "documents").glob("*.json"):
        (scratch / "documents" / p.name).write_bytes(p.read_bytes())
    search.build_index(scratch)
    return index_vocabulary(scratch)
