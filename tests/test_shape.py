"""The code's shape, as the developers' guide measures it: no module of the package, the build
script or the benchmark over 500 lines, no function over 80. A module or function that grows past
them is split before it is merged, so that a rule keeps one home the next engineer can find."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MAX_MODULE_LINES = 500
MAX_FUNCTION_LINES = 80


def _sources() -> list[Path]:
    return [ROOT / "build.py", *sorted((ROOT / "ambitionsgraf").rglob("*.py")), *sorted((ROOT / "bench").rglob("*.py"))]


def _too_long(path: Path, root: Path = ROOT) -> list[str]:
    text = path.read_text(encoding="utf-8")
    where = path.relative_to(root)
    found = []
    lines = text.count("\n")
    if lines > MAX_MODULE_LINES:
        found.append(f"{where}: {lines} lines (at most {MAX_MODULE_LINES})")
    for node in ast.walk(ast.parse(text, filename=str(where))):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            length = (node.end_lineno or node.lineno) - node.lineno + 1
            if length > MAX_FUNCTION_LINES:
                found.append(f"{where}:{node.lineno}: {node.name} is {length} lines (at most {MAX_FUNCTION_LINES})")
    return found


def test_no_module_or_function_is_past_the_limits():
    found = [problem for path in _sources() for problem in _too_long(path)]
    assert not found, "split these:\n" + "\n".join(found)


@pytest.mark.parametrize(
    "body_lines, modules_lines, expected",
    [
        (MAX_FUNCTION_LINES - 1, 0, 0),  # def line + body: exactly at the limit
        (MAX_FUNCTION_LINES, 0, 1),
        (1, MAX_MODULE_LINES - 2, 0),  # with the def and its line: 500 lines
        (1, MAX_MODULE_LINES - 1, 1),
    ],
)
def test_the_measure_counts_from_the_def_to_the_last_line(tmp_path, body_lines, modules_lines, expected):
    path = tmp_path / "probe.py"
    path.write_text("def f():\n" + "    x = 1\n" * body_lines + "y = 2\n" * modules_lines)
    assert len(_too_long(path, tmp_path)) == expected
