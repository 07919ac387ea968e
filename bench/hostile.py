"""The import's budget against hostile files (issue 22): the worst file within the limits, and the
small files that would cost minutes or gigabytes without them, each imported (`--dry-run`) in a
fresh process whose CPU time and peak memory are measured."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUDGET_CPU = 5.0  # seconds of CPU for the worst file within the limits
BUDGET_MB = 500
REFUSED_CPU = 1.0  # a file past a limit is refused in under a second

_MEASURE = """
import json, resource, subprocess, sys
r = subprocess.run([sys.executable, 'build.py', 'import', sys.argv[1], '--datum', '2026-03-01', '--dry-run', '--orgs', sys.argv[2]],
                   capture_output=True, text=True)
c = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"cpu": c.ru_utime + c.ru_stime, "peak_mb": c.ru_maxrss / 1024, "rc": r.returncode,
                  "said": (r.stderr.strip().splitlines() or [""])[0], "lines": len(r.stderr.splitlines())}))
"""


def measure(path: Path, orgs: Path) -> dict:
    out = subprocess.run([sys.executable, "-c", _MEASURE, str(path), str(orgs)], capture_output=True, text=True, cwd=ROOT, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def cases():
    from ambitionsgraf.instrument import load_instrument
    from tests import hostile_exports as h
    from tests.survey_exports import google_csv, xlsx

    busy = h.busy_rows(load_instrument(ROOT / "content" / "instrument.yaml"))
    return [
        ("a Microsoft Forms export at the cell limit, a new organisation every four rows", xlsx(busy), "budget"),
        ("the same as a Google Forms CSV", google_csv(busy), "budget"),
        ("the worst workbook within the limits (cells, a formula, no dimension, styles, shared strings)", h.worst_xlsx(), "budget"),
        ("the worst CSV within the limits (1 000 columns, rows up to the cell limit)", h.worst_csv(), "budget"),
        ("14 million empty cells, no dimension", h.empty_cells(), "refused"),
        ("a styles bomb (500 000 cell formats)", h.styles_bomb(), "refused"),
        ("three million shared strings", h.shared_strings_bomb(), "refused"),
        ("a CSV of two million columns", h.csv_columns(), "refused"),
    ]


def bench_hostile(tmp: Path) -> list[str]:
    lines = [
        f"## Hostile survey exports, `build.py import --dry-run` (budget: {BUDGET_CPU:.0f} s CPU and {BUDGET_MB} MB "
        f"within the limits; refused in under {REFUSED_CPU:.0f} s past them)"
    ]
    for i, (label, data, kind) in enumerate(cases()):
        path = tmp / f"hostile-{i}.{'csv' if 'CSV' in label else 'xlsx'}"
        path.write_bytes(data)
        m = measure(path, tmp / "hostile-orgs")
        if kind == "budget":
            ok = m["cpu"] < BUDGET_CPU and m["peak_mb"] < BUDGET_MB
        else:
            ok = m["rc"] == 1 and "this is not a survey export" in m["said"] and m["cpu"] < REFUSED_CPU and m["lines"] == 2
        verdict = "within budget" if ok else "OVER BUDGET"
        lines.append(
            f"- {label}, {len(data) / 1e3:,.0f} kB: {m['cpu']:.2f} s CPU, peak {m['peak_mb']:.0f} MB, "
            f"{m['lines']} line(s) on stderr: **{verdict}**"
        )
    return lines
