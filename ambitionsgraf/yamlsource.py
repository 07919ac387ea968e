"""Read a YAML file into nodes that keep their line, without running anything.

PyYAML's constructors turn `yes` into True, `1:30` into 5400 and silently keep
the last of two equal keys. We stop before construction: libyaml composes the
node tree (fast, with line marks, and never builds Python objects from tags),
and the validators interpret each scalar themselves.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml

from .problems import Problem

try:
    _Loader = yaml.CSafeLoader
except AttributeError:  # PyYAML built without libyaml
    _Loader = yaml.SafeLoader

MAX_BYTES = 1_000_000
_STANDARD_TAGS = {
    "tag:yaml.org,2002:" + t
    for t in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq")
}

Node = yaml.Node
MappingNode = yaml.MappingNode
SequenceNode = yaml.SequenceNode
ScalarNode = yaml.ScalarNode


def is_plain(node: Node) -> bool:
    """An unquoted scalar (libyaml reports its style as '', pure PyYAML as None)."""
    return node.style in (None, "")


def line_of(node: Node) -> int:
    return node.start_mark.line + 1


@dataclass(frozen=True)
class Source:
    """One YAML file's node tree, or None when it could not be read."""

    path: str
    text: str | None
    root: Node | None


def read_source(path: str, data: bytes) -> tuple[Source, list[Problem]]:
    """Decode and compose one file; return the tree and any problems found."""
    if len(data) > MAX_BYTES:
        return Source(path, None, None), [
            Problem(path, 1, "file", f"is {len(data):,} bytes; an answer file is at most {MAX_BYTES:,}".replace(",", " "))
        ]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return Source(path, None, None), [
            Problem(path, line, "encoding", f"not UTF-8 (byte 0x{data[exc.start]:02X}); save the file as UTF-8")
        ]
    text = text.removeprefix("\ufeff")
    problems = _tab_problems(path, text)
    if problems:
        return Source(path, text, None), problems
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        what = exc.problem or "could not be read"
        if "expected a single document" in (exc.context or ""):
            what = "more than one YAML document (a second '---'); keep one organisation per file"
        return Source(path, text, None), [Problem(path, line, "syntax", f"invalid YAML: {what}")]
    except yaml.YAMLError as exc:
        return Source(path, text, None), [Problem(path, 1, "syntax", f"invalid YAML: {exc}")]
    except RecursionError:
        return Source(path, text, None), [Problem(path, 1, "syntax", "nested too deeply")]
    if root is None:
        return Source(path, text, None), [
            Problem(path, 1, "file", "is empty; expected namn, typ, publicerad and matningar")
        ]
    problems = _structure_problems(path, root)
    return Source(path, text, None if problems else root), problems


_TAB_INDENT = re.compile(r"^ *\t", re.MULTILINE)


def _tab_problems(path: str, text: str) -> list[Problem]:
    return [
        Problem(path, text.count("\n", 0, m.start()) + 1, "indentation", "tab character used for indentation; indent with spaces")
        for m in _TAB_INDENT.finditer(text)
    ]


def _structure_problems(path: str, root: Node) -> list[Problem]:
    """Refuse aliases (reused nodes) and non-standard tags anywhere in the tree.

    libyaml shares an aliased node instead of copying it, so a "billion laughs"
    file costs no memory here; we stop at the first node seen twice.
    """
    problems: list[Problem] = []
    seen: set[int] = set()
    stack: list[tuple[Node, int]] = [(root, line_of(root))]
    while stack:
        node, line = stack.pop()
        if id(node) in seen:
            problems.append(Problem(path, line, "alias", "anchors and aliases (&name, *name) are not allowed; write the value out"))
            continue
        seen.add(id(node))
        if node.tag not in _STANDARD_TAGS:
            problems.append(Problem(path, line_of(node), "tag", f"the tag {node.tag} is not allowed"))
            continue
        if isinstance(node, MappingNode):
            for key, value in node.value:
                stack.append((value, line_of(key)))
                stack.append((key, line_of(key)))
        elif isinstance(node, SequenceNode):
            for item in node.value:
                stack.append((item, line_of(item)))
    return problems
