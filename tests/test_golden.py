"""The example organisation's public page, chart and data match the reviewed golden copy."""

from __future__ import annotations

import difflib

import pytest

from .golden import GOLDEN_DIR, GOLDEN_FILES, build_golden


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return build_golden(tmp_path_factory.mktemp("golden") / "output")


@pytest.mark.parametrize("name", GOLDEN_FILES)
def test_matches_golden(built, name):
    expected = (GOLDEN_DIR / name).read_bytes()
    if built[name] != expected:
        diff = "".join(
            difflib.unified_diff(
                expected.decode().splitlines(True), built[name].decode().splitlines(True), "golden/" + name, "built/" + name, n=2
            )
        )
        pytest.fail(f"{name} differs from the golden copy (run `make golden` if the change is intended):\n{diff[:4000]}")
