"""The query side of full-text search: ONE translation of a user's query, used by every way in.

The index (fangan.corpus.search) stores jieba words separated by U+001F in an ordinary FTS5 table with
SQLite's own ascii tokenizer. A query has to be cut the same way before FTS5 sees it. Rather than
an FTS5 tokenizer (which every client would have to load before it could even open the table: the
sqlite3 shell, DuckDB, a plain Datasette would all fail with "no such tokenizer"), the translation is a
set of SQL functions that any connection can register:

    fangan_match(q)        the FTS5 MATCH expression for a free-text query
    fangan_like(s)         a LIKE pattern "contains s" (simplified script, % and _ escaped with \\)
    fangan_snippet(q, text) the passage of `text` that holds the most query words, each marked

and one SQL statement, `SEARCH_SQL`, that ranks and filters. `fangan.search()` / `fangan search` run it
through Python's sqlite3; `fangan serve` registers the same functions in Datasette (prepare_connection
hook of fangan.corpus.datasette_plugin) and publishes the same statement as the canned query
/corpus/search, so the same query gives the same hits in the same order everywhere.
"""
from __future__ import annotations

import sqlite3
from typing import Iterable, Optional, Sequence

from fangan.lexicon.script import converter
from fangan.lexicon.segment import Segmenter, get_segmenter

# the index's word separator: ASCII's unit separator, which FTS5's tokenizers split on like any control character; one
# byte where U+200B took three, it made the index 7 % smaller and its inserts 0.08 CPU s faster on the 20 MB
# benchmark. Snippets are shown without it (and without a text's own U+001F, if it has one).
SEP = "\x1f"
WEIGHTS = (4.0, 1.0, 0.5)  # bm25 weights of title, body, extra
MAX_QUERY_CHARS = 1000  # longer is not a search but a pasted document; cutting 100 KB would take minutes
MAX_TERMS = 64  # whitespace-separated terms: each becomes an AND group in FTS5
MAX_LIMIT = 10_000
SNIPPET_CHARS = 60  # a snippet's window on the text (FTS5's snippet() of 24 tokens, before index version 5: 59–61)
SNIPPET_LEAD = 15  # characters shown before the window's first query word, unless a line starts nearer
MAX_SNIPPET_HITS = 2000  # occurrences of one word a snippet looks at (a common word in a 5 MB plan has more)


NOTHING = '"\ue000\ue001fangan"'  # an FTS5 phrase no text holds (private-use characters): matches no row


class QueryError(ValueError):
    """A search input that cannot be used as given (the message says what to change)."""


def to_simplified(text: str) -> str:
    return converter("t2s").convert(text)


# ---------------------------------------------------------------- validation


def check_text(value: Optional[str], what: str, max_chars: int = MAX_QUERY_CHARS) -> str:
    """`value` as a clean str ('' for None); QueryError when it is not valid UTF-8 or too long."""
    if value is None:
        return ""
    if isinstance(value, bytes):
        try:
            value = value.decode("utf-8")
        except UnicodeDecodeError:
            raise QueryError(f"the {what} is not valid UTF-8; type it again or pass it as UTF-8 text") from None
    value = str(value)
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates: the bytes on the command line were not UTF-8
        raise QueryError(f"the {what} is not valid UTF-8; type it again or pass it as UTF-8 text") from None
    if len(value) > max_chars:
        raise QueryError(f"the {what} is {len(value):,} characters long; give at most {max_chars:,}")
    if "\x00" in value:
        raise QueryError(f"the {what} contains a NUL character; remove it")
    return value


def _whole_number(value, what: str, lo: int, hi: int, hint: str) -> int:
    """`value` as an int in [lo, hi], or a QueryError that says what to give instead."""
    try:
        n = int(value)
    except (TypeError, ValueError):
        raise QueryError(f"{what} {value!r} is not a number; give {hint}") from None
    if not lo <= n <= hi:
        raise QueryError(f"{what} {n} is out of range; give {hint}")
    return n


def check_years(year: int | str | Iterable[int | str] | None) -> list[int]:
    if year is None:
        return []
    years = [year] if isinstance(year, (int, str)) else list(year)
    return [_whole_number(y, "year", 1, 9999, "a year between 1 and 9999, such as 2024") for y in years]


def check_month(month: Optional[int | str]) -> Optional[int]:
    if month is None or month == "":
        return None
    return _whole_number(month, "deadline month", 1, 12, "1 to 12")


def check_limit(limit: int) -> int:
    try:
        n = int(limit)
    except (TypeError, ValueError):
        raise QueryError(f"limit {limit!r} is not a number; give a count such as 20") from None
    if not 0 <= n <= MAX_LIMIT:
        raise QueryError(f"limit {n} is out of range; give 0 to {MAX_LIMIT:,}")
    return n


# ---------------------------------------------------------------- query → FTS5


def _is_token(w: str) -> bool:
    """Is `w` a word to search for (it holds a letter or digit)? A punctuation mark or symbol is not: jieba yields
    each as a word of its own, which the index's ascii tokenizer keeps as a token (unicode61 dropped it)."""
    return any(ch.isalnum() for ch in w)


def _case_variants(w: str) -> list[str]:
    """`w`, and `w` lower- and upper-cased when it holds a non-ASCII letter with case (Ü, Σ, Ⅱ): the index's ascii
    tokenizer folds only ASCII's case, and jieba yields such a letter as a word of its own, so these alternatives find
    what a tokenizer that folds every case (unicode61) found. A mapping that changes the length (ß → SS) is left
    out."""
    if all(ch.isascii() or ch.lower() == ch.upper() for ch in w):
        return [w]
    return list(dict.fromkeys(v for v in (w, w.lower(), w.upper()) if len(v) == len(w)))


def _quote(w: str) -> str:
    return '"' + w.replace('"', '""') + '"'


def _terms(query: str) -> list[str]:
    terms = to_simplified(check_text(query, "query")).split()
    if len(terms) > MAX_TERMS:
        raise QueryError(f"the query has {len(terms)} words; give at most {MAX_TERMS}")
    return terms


def fts_query(query: str, tok: Segmenter) -> str:
    """An FTS5 MATCH expression for a free-text query ('' when it has no searchable word).

    Whitespace-separated terms and the words jieba finds in them are ANDed; each word also matches
    its dictionary sub-words (知晓率 → "知晓率" OR "知晓").
    """
    groups = []
    for term in _terms(query):
        cut = tok.cut(term)
        words = [w for w in cut if _is_token(w)]
        parts = []
        for w in words:
            alts = list(dict.fromkeys([v for a in (w, *tok.subwords(w)) for v in _case_variants(a)]))
            parts.append("(" + " OR ".join(_quote(a) for a in alts) + ")" if len(alts) > 1 else _quote(w))
        if len(words) > 1:  # 健康教育 → the phrase "健康 教育" ranks first, the words anywhere also match
            # the phrase holds the term's punctuation too (健康，教育): the index has a token for it, between
            # the words
            groups.append(f"({_quote(' '.join(w for w in cut if not w.isspace()))} OR ({' AND '.join(parts)}))")
        elif parts:
            groups.append(parts[0])
    return " AND ".join(groups)


def query_words(query: str, tok: Segmenter) -> list[str]:
    """The query's words and their dictionary sub-words, longest first (what a snippet marks)."""
    words = {a for term in _terms(query) for w in tok.cut(term) if _is_token(w) for a in [w, *tok.subwords(w)]}
    return sorted(words, key=lambda w: (-len(w), w))


def like_contains(value: str) -> str:
    """A LIKE pattern (ESCAPE '\\') matching names that contain `value` literally, in simplified script."""
    v = to_simplified(check_text(value, "filter"))
    return "%" + v.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


# ---------------------------------------------------------------- snippets


def highlight(frag: str, words: list[str], marks: Sequence[str]) -> str:
    marked = [False] * len(frag)
    for w in words:
        i = frag.find(w)
        while i >= 0:
            marked[i:i + len(w)] = [True] * len(w)
            i = frag.find(w, i + 1)
    out, inside = [], False
    for ch, m in zip(frag, marked):
        if m != inside:
            out.append(marks[0] if m else marks[1])
            inside = m
        out.append(ch)
    if inside:
        out.append(marks[1])
    return "".join(out)


def snippet_window(text: str, words: Sequence[str], width: int = SNIPPET_CHARS) -> tuple[int, int]:
    """The span of `text`, `width` characters long, that holds the most distinct query words, then the most
    occurrences of them (the first such span; what FTS5's snippet() chose among tokens, chosen among characters): it
    starts SNIPPET_LEAD characters before its first word, or at the start of that word's line if nearer."""
    hits = []  # (start, end, word)
    for i, w in enumerate(words):
        if not w:
            continue  # ("" is found everywhere)
        p, n = text.find(w), 0
        while p >= 0 and n < MAX_SNIPPET_HITS:
            hits.append((p, p + len(w), i))
            p, n = text.find(w, p + len(w)), n + 1
    if not hits:
        return 0, min(len(text), width)
    hits.sort()
    counts: dict[int, int] = {}
    best, span, j = (-1, -1), (0, width), 0
    for i, (pos, _, _) in enumerate(hits):  # each hit as the first one of a window; the window ends only move on
        start = max(0, pos - SNIPPET_LEAD)
        start = max(start, text.rfind("\n", start, pos) + 1)
        end = start + width
        while j < len(hits) and hits[j][1] <= end:
            counts[hits[j][2]] = counts.get(hits[j][2], 0) + 1
            j += 1
        if j > i:
            score = (len(counts), j - i)
            if score > best:
                best, span = score, (start, min(len(text), end))
            w = hits[i][2]
            counts[w] -= 1
            if not counts[w]:
                del counts[w]
        else:
            j = i + 1  # (a word longer than the window: it is shown from its start)
            if best < (1, 1):
                best, span = (1, 1), (pos, min(len(text), pos + width))
    return span


def make_snippet(words: Sequence[str], text: Optional[str], marks: Sequence[str]) -> str:
    """The snippet shown for a hit: the passage of the document's text that holds the most query words
    (`snippet_window`), each marked; the text's start when there is no query word (a filter-only search, or a
    document matched by its title alone). The index keeps no copy of the text (a contentless FTS5 table): the
    snippet is made from documents.text, for the hits shown only."""
    text = text or ""
    start, end = snippet_window(text, words)  # (no query word: the text's start)
    snip = ("…" if start else "") + highlight(text[start:end], words, marks) + ("…" if end < len(text) else "")
    return " ".join(snip.split())


# ---------------------------------------------------------------- SQL


def _sql_literal(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def search_sql(marks: Sequence[str] = ("[", "]")) -> str:
    """The one search statement. Named parameters: q, year (comma-separated), issuer, site, deadline_month,
    party, limit; '' means "not given" (as Datasette passes an empty form field)."""
    w = ", ".join(str(x) for x in WEIGHTS)
    # hits: the FTS5 matches (none for an empty query); candidates: the hits, or every document when q is
    # empty; ranked: the filtered, ordered, limited rows; the readable snippet is made for those rows only
    return f"""with hits as (
  select rowid, bm25(documents_fts, {w}) as rank
  from documents_fts where documents_fts match fangan_match(:q)
),
candidates as (
  select rowid, rank from hits
  union all
  select rowid, null from documents where trim(:q) = ''
),
ranked as (
  select d.rowid as id, c.rank
  from candidates c join documents d on d.rowid = c.rowid
  where (:year = '' or instr(',' || replace(:year, ' ', '') || ',', ',' || d.year || ',') > 0)
    and (:issuer = '' or d.issuer like fangan_like(:issuer) escape '\\')
    and (:site = '' or lower(d.site) = lower(trim(:site)))
    and (:deadline_month = '' or exists (select 1 from deadlines x
         where x.doc_id = d.doc_id and x.due_month = cast(:deadline_month as integer)))
    and (:party = '' or exists (select 1 from parties p where p.doc_id = d.doc_id and p.name like fangan_like(:party) escape '\\')
         or exists (select 1 from deadlines x where x.doc_id = d.doc_id and x.party like fangan_like(:party) escape '\\'))
  order by c.rank, d.year desc, d.doc_id
  limit max(0, cast(coalesce(nullif(trim(:limit), ''), 20) as integer))
)
select d.doc_id, d.title, d.path, d.year, d.issuer, d.site,
  coalesce(-r.rank, 0.0) as score,
  fangan_snippet(:q, d.text, {_sql_literal(marks[0])}, {_sql_literal(marks[1])}) as snippet
from ranked r join documents d on d.rowid = r.id
order by r.rank, d.year desc, d.doc_id"""


SEARCH_SQL = search_sql()
SEARCH_PARAMS = ("q", "year", "issuer", "site", "deadline_month", "party", "limit")


def search_params(query: str = "", *, year=None, issuer=None, site=None, deadline_month=None, party=None,
                  limit: int = 20) -> dict[str, str]:
    """Validated parameters for `SEARCH_SQL` (raises QueryError naming the bad input)."""
    check_text(query, "query")
    _terms(query)
    month = check_month(deadline_month)
    return {
        "q": query or "",
        "year": ",".join(str(y) for y in check_years(year)),
        "issuer": check_text(issuer, "issuer filter", 200),
        "site": check_text(site, "site filter", 200),
        "deadline_month": "" if month is None else str(month),
        "party": check_text(party, "party filter", 200),
        "limit": str(check_limit(limit)),
    }


def register_functions(con: sqlite3.Connection, tokenizer: str = "auto") -> None:
    """Make `fangan_match`, `fangan_like` and `fangan_snippet` callable in SQL on `con`."""
    tok = get_segmenter(tokenizer)

    def match(q):
        # FTS5 refuses an empty or NULL expression: a query with no word (punctuation, '') matches nothing
        return fts_query(str(q or ""), tok) or NOTHING

    def like(s):
        return None if s is None else like_contains(str(s))

    def snippet(q, text, open_mark="[", close_mark="]"):
        return make_snippet(query_words(str(q or ""), tok), text, (open_mark, close_mark))

    def snippet_v4(q, fts_snippet, text, open_mark="[", close_mark="]"):  # SQL written for index versions up to 4
        return snippet(q, text, open_mark, close_mark)

    con.create_function("fangan_match", 1, match, deterministic=True)
    con.create_function("fangan_like", 1, like, deterministic=True)
    con.create_function("fangan_snippet", 2, snippet, deterministic=True)
    con.create_function("fangan_snippet", 4, snippet, deterministic=True)
    con.create_function("fangan_snippet", 3, snippet_v4, deterministic=True)
    con.create_function("fangan_snippet", 5, snippet_v4, deterministic=True)


def index_tokenizer(con: sqlite3.Connection) -> Optional[str]:
    """The segmenter that built this index ('jieba'/'rjieba'), or None when `con` is not a fangan corpus."""
    try:
        row = con.execute("select value from _fangan_meta where key = 'tokenizer'").fetchone()
    except sqlite3.Error:
        return None
    return row[0] if row else "auto"
