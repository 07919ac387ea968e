"""--map and --write-map: a YAML file naming what a survey export's headings are."""

from __future__ import annotations

from pathlib import Path

from ..answers import display_path
from ..instrument import Instrument
from ..problems import ContentError, Problem
from ..safe_read import MAX_YAML, read_or_refuse
from ..text import quote, show
from ..yamlsource import read_source
from .cells import clean, column_letter, fold
from .columns import Columns, ColumnUse, How


def read_map(ins: Instrument, path: Path) -> dict[str, str]:
    """A --map file: YAML, one `"heading": target` a line, target a column name (organisation,
    slug, namn, typ, roll, datum, kommentar), a question id, <id>_<tillagg>, or drop.
    An empty target leaves the heading to be recognised as usual; a file of only comments is an
    empty map. Raise ContentError."""
    import yaml

    shown = display_path(path)
    data = read_or_refuse(path, shown, "file", MAX_YAML, "a map file")  # a pipe or /dev/zero: refused unopened
    try:
        if not data.decode("utf-8-sig").strip():
            return {}
    except UnicodeDecodeError:
        raise ContentError([Problem(shown, 1, "file", "expected UTF-8 text")]) from None
    # Composed as answer files are (iteratively, depth and size bounded, no aliases or tags):
    # a map nested 50 000 deep is a problem on its line, never a RecursionError.
    source, problems = read_source(shown, data, "a map file", empty_ok=True)
    if problems:
        raise ContentError(problems)
    root = source.root
    if root is None:  # only comments, or only "---": an empty map, as an empty file is
        return {}
    if not isinstance(root, yaml.MappingNode):
        line = root.start_mark.line + 1 if root is not None else 1
        raise ContentError([Problem(shown, line, "file", 'expected lines of "heading": target')])
    columns = Columns(ins)
    mapping: dict[str, str] = {}
    problems = []
    for key, value in root.value:
        line = key.start_mark.line + 1
        if not isinstance(key, yaml.ScalarNode) or not isinstance(value, yaml.ScalarNode):
            problems.append(Problem(shown, line, "file", 'expected lines of "heading": target'))
            continue
        heading, target = clean(key.value), clean(value.value)
        if not target or target in ("~", "null"):
            continue
        if fold(target) != "drop" and columns.target(target) is None:
            problems.append(
                Problem(
                    shown,
                    line,
                    show(heading),
                    f"expected organisation, slug, namn, typ, roll, datum, kommentar, "
                    f"a question id (v1_mal, …), <id>_<tillagg> or drop; got '{show(target)}'",
                )
            )
            continue
        mapping[heading] = "drop" if fold(target) == "drop" else target
    if problems:
        raise ContentError(problems)
    return mapping


def map_text(uses: list[ColumnUse], source: str) -> str:
    """A --map file to start from: every heading with what it was read as; unknown ones empty."""

    lines = [
        f"# How the columns of {show(source, 80)} are read by build.py import (--map FILE).",
        '# Each line: "heading": organisation, slug, namn, typ, roll, datum, kommentar, a question id,',
        "# <id>_<tillagg> (v3_uppfoljning_omfattning) or drop. Fill in the empty ones.",
    ]
    for u in uses:
        target = "organisation" if u.how == How.ORGANISATION else (u.target or ("drop" if u.dropped else ""))
        note = u.how.value
        lines.append(f"{quote(u.heading)}: {target}".rstrip() + f"  # column {column_letter(u.index)}: {note}")
    return "\n".join(lines) + "\n"
