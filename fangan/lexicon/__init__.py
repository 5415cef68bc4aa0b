"""One home for what fangan knows about the Chinese of plan documents.

Every stage imports its vocabulary from here and defines no copy of its own (data flows one way:
`fangan.lexicon` imports nothing from the stages). One submodule per kind of knowledge, so that a
change to one list is one edit in one place:

* `segment`  — the word segmenter (jieba's cuts, through rjieba when installed), one loaded copy.
* `script`   — the OpenCC converters (t2s, tw2s, hk2s; never tw2sp).
* `chars`    — character classes and the language model that says how much a string reads like
               Chinese (encoding detection, mojibake repair, archive member names).
* `markers`  — heading-marker styles (一、 （一） 1、 1. （1） ① 第一阶段 壹、) and numerals.
* `orgs`     — organisation suffixes, group words, role labels and responsibility verbs.
* `quantities` — comparator words (with negation) and units.
* `dates`    — date expressions: years, months, days, parts of months, ranges, deadline words.
* `chrome`   — labels and words of site chrome (breadcrumbs, metadata boxes, share widgets).

Import the submodule you need (`from fangan.lexicon.segment import cut`); this package module
re-exports nothing, so importing it costs nothing.
"""
