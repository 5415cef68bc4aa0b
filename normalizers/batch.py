"""Learning site chrome from a corpus: lines (or line shapes) that recur across many documents of
one site are the site's, not the plans'. The `remove_learned_boilerplate` step asks `is_chrome`.

The statistics are those of every document the corpus has ever seen, not of one run, so the same
set of inputs gives the same records however a build was split, ordered or interrupted:

* `BoilerplateStats` counts, per site, how many documents hold each line shape. A document counts
  once (by id), whatever order documents arrive in, so the counts are a function of the set only.
  `fangan.pipeline.build` stores them with the corpus (DIR/learner.jsonl, see `LearnerLog`) and
  reads every new input into them before it builds any document.
* `LearnedBoilerplate` is what the statistics decide: per site, the shapes that are chrome. It is
  small, so it is sent to each worker once. `for_document()` gives a view that records which shapes
  one document asked about and which of them were chrome; the build stores that decision, and a
  document whose decision changes when later documents arrive is rebuilt.

Shapes are kept as 64-bit hashes: a corpus of thousands of documents stores a few bytes per line.
An issuer's signature and date lines are never chrome: one issuer's documents share them because
that is how the issuer signs, and they are the body (`fangan.lexicon.orgs.is_org_line`). So are its
addressee line, its publication note, the titles of a numbered series and its bracketed party lines
(`fangan.lexicon.parts.is_document_part`).
"""
from __future__ import annotations

import hashlib
import os
import re
from itertools import islice
from operator import itemgetter
from collections import Counter, defaultdict
from pathlib import Path
from typing import Iterable, Iterator, Optional

import orjson

from fangan.gates import first_chars
from fangan.normalizers import lines_of
from fangan.lexicon.dates import SIGNATURE_DATE_LINE
from fangan.lexicon.markers import LINE_MARKER
from fangan.lexicon.orgs import ORG_SUFFIXES, is_org_line
from fangan.lexicon.parts import is_document_part


# a run of digits (written \d\d*, the same matches as \d+: a pattern that opens with a class is scanned for along the
# text at C speed, one that opens with a repeat is tried at every position)
_DIGITS = re.compile(r"\d\d*")
MAX_LINE = 200  # longer lines are paragraphs, never chrome
MIN_DOCUMENTS = 3  # a shape must recur in at least this many documents …
MIN_SHARE = 0.5  # … and in at least this share of its site's documents


def line_shape(line: str) -> str:
    """A line with its numbers abstracted: `第3页 / 共5页` and `第4页 / 共5页` share a shape."""
    return _DIGITS.sub("#", line.strip())


def shape_key(shape: str) -> str:
    return hashlib.blake2b(shape.encode("utf-8"), digest_size=8).hexdigest()


def document_shapes(text: str) -> list[str]:
    """The keys of the line shapes one document contributes to the statistics (sorted, unique)."""
    return sorted({shape_key(line_shape(ln)) for ln in text.split("\n") if 0 < len(ln.strip()) <= MAX_LINE})


def may_be_chrome(line: str) -> bool:
    """Whether statistics may call this line chrome at all (headings, dates and signatures never)."""
    stripped = line.strip()
    return bool(stripped) and _may_be_chrome_stripped(stripped)


# exact gates (most lines fail them): a signature date opens with one of these characters (read off its pattern),
# and a line of unit names ends as a unit name does, in a suffix or the bracket after one
_DATE_FIRST = first_chars(SIGNATURE_DATE_LINE)
_ORG_LAST = frozenset(s[-1] for s in ORG_SUFFIXES) | {"）", ")"}


def _may_be_chrome_stripped(stripped: str) -> bool:
    """`may_be_chrome` of a line, given the line stripped and not empty."""
    if LINE_MARKER.match(stripped):
        return False  # 一、指导思想 recurs across plans because plans share an outline, not a site
    # one issuer's documents share a signature and a date shape: that is the body
    if (_DATE_FIRST is None or stripped[0] in _DATE_FIRST) and SIGNATURE_DATE_LINE.match(stripped):
        return False
    if stripped[-1] in _ORG_LAST and is_org_line(stripped):
        return False
    # nor what it addresses, how it may be published, a numbered series' titles, its bracketed party lines (lexicon.parts)
    return not is_document_part(stripped)


def _line_judgement(line: str) -> tuple[Optional[str], Optional[str]]:
    """(its shape key when the line counts in the statistics, its shape key when statistics may call it chrome) of one
    line, None for either when it does not: what `DocumentLearner.is_chrome` records of the line. (A digit is never
    blank, so abstracting the numbers and stripping commute.)"""
    stripped = line.strip()
    if not stripped:
        return None, None
    short = len(stripped) <= MAX_LINE
    maybe = _may_be_chrome_stripped(stripped)
    if not (short or maybe):
        return None, None
    key = shape_key(_DIGITS.sub("#", stripped))
    return (key if short else None), (key if maybe else None)


# the judgements of the lines seen last (a line recurs: chrome, headings, list items), remembered by line in a plain
# dict read through `map(dict.get)`: a hit costs the line's hash and one lookup, several times less than a call through
# an lru_cache. Bounded: a line longer than MAX_LINE (a paragraph, seldom repeated) is not kept, so the dict holds a few
# MB at most; when full, the older half is dropped
_JUDGED: dict[str, tuple[Optional[str], Optional[str]]] = {}
JUDGED_MAX = 32768
# the longer lines judged last, in a dict of their own bounded by their characters (a paragraph recurs less often than
# a short line, but a template's or a reposted plan's does, and each costs a strip, a digit scan, a hash and the gates
# again): when the next one would pass JUDGED_LONG_CHARS, the dict is emptied
_JUDGED_LONG: dict[str, tuple[Optional[str], Optional[str]]] = {}
JUDGED_LONG_CHARS = 1 << 20
_long_chars = 0


def _judge_lines(parts: list[str]) -> list[tuple[Optional[str], Optional[str]]]:
    """`_line_judgement` of each line, from the remembered judgements where there are some."""
    global _long_chars
    found = list(map(_JUDGED.get, parts))
    if None not in found:
        return found
    for i in [i for i, f in enumerate(found) if f is None]:
        line = parts[i]
        if len(line) > MAX_LINE:
            judged = _JUDGED_LONG.get(line)
            if judged is None:
                judged = _line_judgement(line)
                if _long_chars + len(line) > JUDGED_LONG_CHARS:
                    _JUDGED_LONG.clear()
                    _long_chars = 0
                if len(line) <= JUDGED_LONG_CHARS:
                    _JUDGED_LONG[line] = judged
                    _long_chars += len(line)
            found[i] = judged
            continue
        found[i] = judged = _line_judgement(line)
        if len(_JUDGED) >= JUDGED_MAX:
            for old in list(islice(_JUDGED, JUDGED_MAX // 2)):
                del _JUDGED[old]
        _JUDGED[line] = judged
    return found


class BoilerplateStats:
    """Per site: documents seen, and for each shape the number of documents that hold it."""

    def __init__(self) -> None:
        self.site_of: dict[str, str] = {}  # doc id → site key
        self.docs_per_site: Counter[str] = Counter()
        self.shape_docs: dict[str, Counter[str]] = defaultdict(Counter)
        self.frequent: dict[str, set[str]] = defaultdict(set)  # shapes in ≥ MIN_DOCUMENTS documents: the only candidates
        # each site's chrome as `learned` last made it, and the shapes of each site counted since: a build asks for the
        # learned chrome after every batch, and remaking every site's from all its frequent shapes cost 7 ms a build at
        # 1,000 documents (adding one document: a tenth of its time), growing with the corpus
        self._chrome: dict[str, frozenset] = {}
        self._counted: Optional[dict[str, set[str]]] = None  # None: every site, whole (counts set from outside)

    def __contains__(self, doc_id: str) -> bool:
        return doc_id in self.site_of

    def add(self, doc_id: str, site: Optional[str], shapes: Iterable[str]) -> bool:
        """Count one document (once: a document already counted is ignored). True if it was new."""
        if doc_id in self.site_of:
            return False
        key = site or ""
        self.site_of[doc_id] = key
        self.docs_per_site[key] += 1
        counts = self.shape_docs[key]
        counts.update(shapes)  # C-accelerated counting
        self.frequent[key].update(s for s in shapes if counts[s] >= MIN_DOCUMENTS)
        if self._counted is not None:
            since = self._counted.get(key)
            if since is None:
                self._counted[key] = set(shapes)
            else:
                since.update(shapes)
        return True

    def restore_chrome(self, chrome: dict[str, frozenset]) -> None:
        """Take each site's chrome as `learned` made it from the counts this object holds (a snapshot kept it), so
        that `learned` remakes only the sites counted from now on."""
        self._chrome, self._counted = dict(chrome), {}

    def learned(self) -> "LearnedBoilerplate":
        if self._counted is None:
            for key in self.docs_per_site:
                self._remake(key, None)
        else:
            for key, since in self._counted.items():
                self._remake(key, since)
        self._counted = {}
        return LearnedBoilerplate(dict(self._chrome))

    def _remake(self, key: str, since: Optional[set[str]]) -> None:
        """The chrome of site `key` from its counts: from all its frequent shapes (`since` None), or from the chrome it
        had and the shapes counted `since` then. A shape not counted since kept its count while the site's documents
        grew in number, so its share fell: it may have left the chrome, never joined it."""
        n = self.docs_per_site[key]
        counts, frequent = self.shape_docs[key], self.frequent[key]
        if n < MIN_DOCUMENTS:
            chrome: Iterable[str] = ()
        elif since is None:
            chrome = frozenset(s for s in frequent if counts[s] / n >= MIN_SHARE)
        else:
            kept = {s for s in self._chrome.get(key, ()) if s not in since and counts[s] / n >= MIN_SHARE}
            kept.update(s for s in since if s in frequent and counts[s] / n >= MIN_SHARE)
            chrome = frozenset(kept)
        if chrome:
            self._chrome[key] = chrome
        else:
            self._chrome.pop(key, None)


class LearnedBoilerplate:
    """The chrome shapes per site; `is_chrome` is what the normalization step asks."""

    def __init__(self, sites: Optional[dict[str, frozenset]] = None) -> None:
        self.sites = sites or {}

    def __eq__(self, other: object) -> bool:
        return isinstance(other, LearnedBoilerplate) and self.sites == other.sites

    def is_chrome(self, line: str, site: Optional[str] = None) -> bool:
        chrome = self.sites.get(site or "")
        return bool(chrome) and may_be_chrome(line) and shape_key(line_shape(line)) in chrome

    def decision(self, site: Optional[str], asked: Iterable[str]) -> list[str]:
        """Which of the shapes a document asked about are chrome now (sorted)."""
        chrome = self.sites.get(site or "")
        return sorted(chrome.intersection(asked)) if chrome else []  # (asked holds each shape once)

    def for_document(self) -> "DocumentLearner":
        return DocumentLearner(self)


class DocumentLearner:
    """One document's view of the learned chrome: answers like `LearnedBoilerplate` and records the
    shapes asked about (only lines the statistics could decide), so the build can tell later whether
    new statistics would change this document."""

    def __init__(self, learned: LearnedBoilerplate) -> None:
        self.learned = learned
        self.asked: set[str] = set()
        self.site: Optional[str] = None
        # the shapes of every line the step saw: what this document contributes to the statistics. They
        # are taken here, not from the parsed text, because the steps before this one (generic chrome)
        # may already have cut or trimmed lines: the statistics must count the lines they judge.
        self.lines: set[str] = set()

    def is_chrome(self, line: str, site: Optional[str] = None) -> bool:
        self.site = site or ""
        if 0 < len(line.strip()) <= MAX_LINE:
            self.lines.add(shape_key(line_shape(line)))
        if not may_be_chrome(line):
            return False
        key = shape_key(line_shape(line))
        self.asked.add(key)
        return key in self.learned.sites.get(site or "", ())

    def chrome_flags(self, text: str, site: Optional[str] = None) -> list[bool]:
        """`is_chrome` for each line of `text` (`text.split("\\n")`), with the same records, in one pass: each line
        judged once by `_line_judgement` (a pure function of the line, remembered: chrome, headings and list items
        recur within a site), so a recurring line costs a lookup instead of a strip, a digit scan, a hash and the
        `may_be_chrome` gates."""
        keys, chrome = self._judged_keys(text, site)
        if not chrome or chrome.isdisjoint(keys):
            return [False] * len(keys)  # (a site with no learned chrome, or a text holding none of it: no line is)
        return [key is not None and key in chrome for key in keys]

    def chrome_lines(self, text: str, site: Optional[str] = None) -> list[int]:
        """The indexes of the lines `chrome_flags` flags, in order, with the same records: a text holding none of the
        site's learned chrome (most) is told by one C-level test of its keys, not a flag per line."""
        keys, chrome = self._judged_keys(text, site)
        if not chrome or chrome.isdisjoint(keys):
            return []
        return [i for i, key in enumerate(keys) if key is not None and key in chrome]

    def _judged_keys(self, text: str, site: Optional[str]) -> tuple[list[Optional[str]], frozenset]:
        """(each line's key as `is_chrome` asks it, None for a line statistics never call chrome; the site's learned
        chrome), with the document's records of `text` taken as `is_chrome` line by line takes them."""
        self.site = site or ""
        chrome = self.learned.sites.get(self.site) or frozenset()
        if not isinstance(chrome, (set, frozenset)):
            chrome = frozenset(chrome)
        found = _judge_lines(lines_of(text))
        self.lines.update(filter(None, map(itemgetter(0), found)))
        keys = list(map(itemgetter(1), found))
        self.asked.update(filter(None, keys))
        return keys, chrome

    def shapes(self) -> tuple[str, list[str]]:
        """(site, the shape keys of the document's lines as the step saw them), for the statistics."""
        return self.site or "", sorted(self.lines)

    def decision(self) -> tuple[str, list[str], list[str]]:
        """(site, asked shapes, chrome shapes), sorted: what the build stores for this document."""
        asked = sorted(self.asked)
        return self.site or "", asked, self.learned.decision(self.site, asked)


class BatchLearner:
    """The learner over an in-memory batch (`add` each text, then ask `is_chrome`), for callers that
    normalize a handful of texts without a corpus; the build uses `BoilerplateStats` + `LearnerLog`."""

    def __init__(self) -> None:
        self.stats = BoilerplateStats()
        self._learned: Optional[LearnedBoilerplate] = None

    def add(self, text: str, site: Optional[str] = None, doc_id: Optional[str] = None) -> None:
        self.stats.add(doc_id or hashlib.sha256(text.encode("utf-8")).hexdigest()[:16], site, document_shapes(text))
        self._learned = None

    def is_chrome(self, line: str, site: Optional[str] = None) -> bool:
        if self._learned is None:
            self._learned = self.stats.learned()
        return self._learned.is_chrome(line, site)


# ---------------------------------------------------------------- stored with the corpus

LOG_NAME = "learner.jsonl"
SNAPSHOT_NAME = "learner.snapshot.json"
SNAPSHOT_VERSION = 1
SNAPSHOT_EVERY = 256  # log lines appended past the snapshot before a build writes a new one …
SNAPSHOT_SHARE = 4  # … and at least a 1/SNAPSHOT_SHARE of the lines it covers: its rewrite is amortized over many builds
_EDGE = 4096  # bytes of the log, at its start and before the snapshot's end, that the snapshot's digest covers


class LearnerLog:
    """DIR/learner.jsonl, append-only: what the learner knows about every document of the corpus.

        {"learn": id, "site": s, "shapes": [...]}              a document's shapes, counted in the statistics
        {"built": id, "site": s, "asked": [...], "chrome": [...]}  the decision its record was built with
        {"unbuilt": id}                                        its record may not match the last decision

    Appending one document writes a few KB; a torn last line (a killed build) is ignored and cut off.
    When rebuilds have left more superseded lines than live ones, loading compacts the file.

    DIR/learner.snapshot.json is the state the log's first bytes give (statistics and decisions), so a
    build replays only the lines after it: replaying a 4,000-document log was 60 ms of every build, and
    that grows with the corpus. The snapshot is a cache: it names the log size it covers and a digest of
    the log's first bytes and of the bytes before that size, and anything that does not match (a log
    compacted, cut after a power loss, or replaced) is ignored and the whole log replayed.
    """

    def __init__(self, root: str | os.PathLike) -> None:
        self.path = Path(root) / LOG_NAME
        self.snapshot_path = Path(root) / SNAPSHOT_NAME
        self.stats = BoilerplateStats()
        self.built: dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]] = {}
        self.lines = 0  # whole lines in the log
        self.snapshot_lines = 0  # of them, those the snapshot on disk covers
        self.appended = 0  # lines this process appended
        # what `stale` found last: the documents whose record disagrees with the chrome it was asked about (`_checked`,
        # per site), and the documents whose decision was logged since. A build asks twice, at its start and its end,
        # and a document's answer changes only with its decision or its site's chrome: asking every document again
        # cost 6 ms a build at 1,000 documents (adding one: a tenth of its time). The snapshot keeps them
        self._mismatch: Optional[set[str]] = None  # None: not known, every document is asked
        self._checked: dict[str, frozenset] = {}
        self._unchecked: set[str] = set()
        self._load()

    def _forget_found(self) -> None:
        """Forget what `stale` found: it asks every document next time."""
        self._mismatch, self._checked, self._unchecked = None, {}, set()

    def _entries(self, start: int = 0) -> Iterator[tuple[int, dict]]:
        """(byte offset, entry) for every whole line from byte `start` (a line's start)."""
        if not self.path.exists():
            return
        good = start
        with open(self.path, "rb") as f:
            f.seek(start)
            for raw in f:
                if not raw.endswith(b"\n"):
                    break  # torn by a kill: the rest is rewritten by the run that resumes
                try:
                    entry = orjson.loads(raw)  # the same values as json.loads, several times faster on a long log
                except ValueError:
                    break
                yield good, entry
                good += len(raw)
        if good != self.path.stat().st_size:
            with open(self.path, "r+b") as f:
                f.truncate(good)

    def _live(self) -> int:
        """Lines of the log that still say something: each document's first "learn" line (the statistics
        count a document once) and its last "built" line not followed by an "unbuilt" one."""
        return len(self.stats.site_of) + len(self.built)

    def _load(self) -> None:
        if self._load_snapshot():
            if self.lines <= 2 * self._live() + 64:
                return
            self.stats, self.built, self.lines = BoilerplateStats(), {}, 0  # compaction is due: it needs every line's offset
            self._forget_found()
        keep: set[int] = set()  # offsets of the lines that still say something
        last_built: dict[str, int] = {}
        lines = 0
        for offset, e in self._entries():
            lines += 1
            if "learn" in e and e["learn"] not in self.stats:
                keep.add(offset)
            elif "built" in e:
                last_built[e["built"]] = offset
            elif "unbuilt" in e:
                last_built.pop(e["unbuilt"], None)
            self._apply(e)
        keep.update(last_built.values())
        self.lines = lines
        if lines > 2 * len(keep) + 64:
            self._compact(keep)
            self.lines = len(keep)

    # ---------------------------------------------------------------- the snapshot

    def _digest(self, size: int) -> Optional[str]:
        """A digest of the log's first bytes and of the bytes before `size`; None when the log is shorter."""
        try:
            with open(self.path, "rb") as f:
                if os.fstat(f.fileno()).st_size < size:
                    return None
                head = f.read(min(_EDGE, size))
                f.seek(max(0, size - _EDGE))
                tail = f.read(size - max(0, size - _EDGE))
        except OSError:
            return None
        return hashlib.sha256(b"%d\0%s\0%s" % (size, head, tail)).hexdigest()

    def _load_snapshot(self) -> bool:
        """Restore the snapshot's state and replay the lines after it; False (nothing restored) when there is
        no snapshot that matches the log."""
        try:
            snap = orjson.loads(self.snapshot_path.read_bytes())
            if snap.get("version") != SNAPSHOT_VERSION or self._digest(snap["log_size"]) != snap["digest"]:
                return False
            stats = BoilerplateStats()
            stats.site_of = snap["site_of"]
            stats.docs_per_site = Counter(snap["docs_per_site"])
            stats.shape_docs = defaultdict(Counter, {k: Counter(v) for k, v in snap["shape_docs"].items()})
            stats.frequent = defaultdict(set, {k: set(v) for k, v in snap["frequent"].items()})
            built = {d: (b[0], tuple(b[1]), tuple(b[2])) for d, b in snap["built"].items()}
            lines, start = int(snap["lines"]), int(snap["log_size"])
            # (a snapshot of an older version has neither of these: both are made again once)
            if "chrome" in snap:
                stats.restore_chrome({k: frozenset(v) for k, v in snap["chrome"].items()})
            found = (set(snap["mismatch"]), {k: frozenset(v) for k, v in snap["checked"].items()},
                     set(snap["unchecked"])) if "mismatch" in snap else None
        except (OSError, ValueError, KeyError, TypeError, AttributeError, IndexError):
            return False
        self.stats, self.built, self.lines, self.snapshot_lines = stats, built, lines, lines
        if found is not None:
            self._mismatch, self._checked, self._unchecked = found
        for _, e in self._entries(start):
            self.lines += 1
            self._apply(e)
        return True

    def save_snapshot(self, force: bool = False) -> bool:
        """Write the snapshot of the state the whole log gives, when enough lines were appended since the last
        one (`SNAPSHOT_EVERY`, `SNAPSHOT_SHARE`) or `force`; True if written. A build calls it at its end."""
        grown = self.lines - self.snapshot_lines
        # (never when this process appended nothing: a build that changes nothing writes nothing, even to a corpus
        # whose log has no snapshot yet)
        if not force and (not self.appended or grown < SNAPSHOT_EVERY or grown * SNAPSHOT_SHARE < self.snapshot_lines):
            return False
        try:
            size = self.path.stat().st_size
            with open(self.path, "rb") as f:  # (a log that does not end a line is not the state held here)
                if size:
                    f.seek(size - 1)
                    if f.read(1) != b"\n":
                        return False
        except OSError:
            return False
        digest = self._digest(size)
        if digest is None:
            return False
        s = self.stats
        state = {
            "version": SNAPSHOT_VERSION, "log_size": size, "digest": digest, "lines": self.lines,
            "site_of": s.site_of, "docs_per_site": s.docs_per_site, "shape_docs": s.shape_docs,
            "frequent": {k: sorted(v) for k, v in s.frequent.items()}, "built": self.built,
            "chrome": {k: sorted(v) for k, v in s.learned().sites.items()}}
        if self._mismatch is not None:
            state.update(mismatch=sorted(self._mismatch), unchecked=sorted(self._unchecked),
                         checked={k: sorted(v) for k, v in self._checked.items()})
        data = orjson.dumps(state)
        tmp = self.snapshot_path.with_name(f".{self.snapshot_path.name}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, self.snapshot_path)  # a cache: no fsync (a torn or stale one is ignored)
        self.snapshot_lines = self.lines
        return True

    def _compact(self, keep: set[int]) -> None:
        """Rewrite the log with only its live lines (streaming; the state it gives is the same). The snapshot
        goes first: it describes the log's old bytes."""
        self.snapshot_path.unlink(missing_ok=True)
        self.snapshot_lines = 0
        tmp = self.path.with_name(f".{self.path.name}.tmp")
        with open(self.path, "rb") as src, open(tmp, "wb") as out:
            offset = 0
            for raw in src:
                if offset in keep:
                    out.write(raw)
                offset += len(raw)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, self.path)

    def _apply(self, e: dict) -> None:
        if "learn" in e:
            self.stats.add(e["learn"], e.get("site"), e.get("shapes", ()))
        elif "built" in e:
            self.built[e["built"]] = (e.get("site") or "", tuple(e.get("asked", ())), tuple(e.get("chrome", ())))
            self._unchecked.add(e["built"])
        elif "unbuilt" in e:
            self.built.pop(e["unbuilt"], None)
            self._unchecked.add(e["unbuilt"])

    def append(self, entries: list[dict]) -> None:
        """Append entries. No fsync: after a power loss, a document whose entry is lost has no
        recorded decision, so the next build rebuilds it — the log can lag, never mislead."""
        if not entries:
            return
        # orjson writes what json.dumps(e, ensure_ascii=False, separators=(",", ":")) does for these entries
        # (strings, lists of strings), without an encoder built per line
        data = b"".join(orjson.dumps(e) + b"\n" for e in entries)
        with open(self.path, "ab") as f:
            f.write(data)
        for e in entries:
            self._apply(e)
        self.lines += len(entries)
        self.appended += len(entries)

    @staticmethod
    def learn_entry(doc_id: str, site: Optional[str], shapes: list[str]) -> dict:
        return {"learn": doc_id, "site": site or "", "shapes": shapes}

    @staticmethod
    def built_entry(doc_id: str, site: str, asked: list[str], chrome: list[str]) -> dict:
        return {"built": doc_id, "site": site, "asked": asked, "chrome": chrome}

    def stale(self, learned: LearnedBoilerplate, doc_ids: Iterable[str]) -> set[str]:
        """Documents (of `doc_ids`, the records on disk) whose record was built with another decision
        than `learned` gives now, or with none recorded."""
        built = self.built
        if self._mismatch is None:
            ask: Iterable[str] = built
            self._mismatch = set()
        else:  # the documents whose decision was logged since, and those of the sites whose chrome changed
            ask = self._unchecked
            sites = {k for k in self._checked.keys() | learned.sites.keys() if self._checked.get(k) != learned.sites.get(k)}
            if sites:
                ask = ask | {d for d, b in built.items() if b[0] in sites}
        mismatch = self._mismatch
        for doc_id in ask:
            b = built.get(doc_id)
            if b is not None and tuple(learned.decision(b[0], b[1])) != b[2]:
                mismatch.add(doc_id)
            else:
                mismatch.discard(doc_id)
        self._checked, self._unchecked = {k: frozenset(v) for k, v in learned.sites.items()}, set()
        return {d for d in doc_ids if d not in built or d in mismatch}
