"""Shared fixtures: the real spaCy pipeline and gazetteer, loaded once per test session."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def nlp() -> Any:
    from sitrep.nlp import load_nlp

    return load_nlp()


@pytest.fixture(scope="session")
def gazetteer() -> Any:
    from sitrep.geo import load_gazetteer

    return load_gazetteer()


@pytest.fixture(scope="session")
def shared() -> Path:
    if not (SHARED / "eval" / "seed.txt").exists():
        pytest.skip(f"{SHARED} is absent: the seed and dev corpus are read from there, never copied")
    return SHARED
