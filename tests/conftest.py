"""Shared fixtures. Tests that read ../shared (seeds, real documents, gold) skip cleanly without it."""
from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def repo_dir() -> Path:
    return REPO


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    return FIXTURES


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not (SHARED / "corpus").is_dir():
        pytest.skip("../shared is absent")
    return SHARED


@pytest.fixture(scope="session")
def seeds_dir(shared_dir: Path) -> Path:
    return shared_dir / "corpus" / "seeds"


@pytest.fixture(scope="session")
def real_dir(shared_dir: Path) -> Path:
    return shared_dir / "corpus" / "real"


@pytest.fixture(scope="session")
def gold_dir(shared_dir: Path) -> Path:
    return shared_dir / "gold" / "seeds"
