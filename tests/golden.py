"""Golden output for one example organisation: `make golden` refreshes it.

Review the diff of tests/golden/ like code: it is what a reader would see change.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

from .conftest import ROOT, TEST_SITE_URL, run_build

GOLDEN_DIR = ROOT / "tests" / "golden"
GOLDEN_FILES = (
    "site/organisationer/norrvik/index.html",
    "site/organisationer/norrvik/ambitionsgraf.svg",
    "site/organisationer/norrvik/ambitionsgraf-mobil.svg",
    "site/data/norrvik.json",
    "site/index.html",
    "leverans/norrvik.json",
)


def build_golden(out: Path) -> dict[str, bytes]:
    run_build(ROOT / "orgs", out, site_url=TEST_SITE_URL)
    return {name: (out / name).read_bytes() for name in GOLDEN_FILES}


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        files = build_golden(Path(tmp) / "output")
    shutil.rmtree(GOLDEN_DIR, ignore_errors=True)
    for name, data in files.items():
        target = GOLDEN_DIR / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    print(f"refreshed {len(files)} golden files in {GOLDEN_DIR.relative_to(ROOT)}; review with git diff")
    return 0


if __name__ == "__main__":
    sys.exit(main())
