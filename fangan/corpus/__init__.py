"""Corpus outputs: per-document JSON, JSONL, errors, tables, the full-text index."""
