"""Shared fixtures. Tests use only files inside the repository (examples/, tests/data/)."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
SEEDS = sorted(EXAMPLES.glob("0*.txt"))
DATA = Path(__file__).resolve().parent / "data"
NEWSWEAVE = str(Path(sys.executable).with_name("newsweave"))


@pytest.fixture(scope="session")
def seed_paths() -> list[Path]:
    assert len(SEEDS) == 2
    return SEEDS


@pytest.fixture()
def db_path(tmp_path) -> str:
    return str(tmp_path / "test.db")


@pytest.fixture(scope="session")
def cli_env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("NEWSWEAVE_DB", None)
    return env
