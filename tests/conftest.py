"""Shared fixtures: the real instrument, and throw-away projects built from dicts."""

from __future__ import annotations

from pathlib import Path

import pytest

from ambitionsgraf.instrument import load_instrument

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def instrument():
    return load_instrument(ROOT / "content" / "instrument.yaml")
