"""Declared schemas for the project's own YAML files, and their problems as `file:line: field: message`.

A schema is a pydantic model of the file as written (Swedish keys, as the file has them). `validate`
checks a file's plain data against it and turns every error into a Problem on the line that holds the
offending key or value, found in the file's node tree (yamlsource keeps the lines). So a renamed key
reads `instrument.yaml:84: omraden.strategi_planering.fragor.0.fraga: missing`, never a KeyError.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from .problems import ContentError, Problem
from .yamlsource import MappingNode, SequenceNode, line_of

Model = TypeVar("Model", bound=BaseModel)


class Strict(BaseModel):
    """A mapping of the file: every key declared, no other key allowed, no value coerced from another type."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


def _node_at(root, loc: tuple) -> Any:
    """The deepest node of the tree that `loc` (a pydantic error location) reaches."""
    node = root
    for part in loc:
        if isinstance(node, MappingNode):
            nxt = next((v for k, v in node.value if getattr(k, "value", None) == str(part)), None)
            if nxt is None:
                return node
            node = nxt
        elif isinstance(node, SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
            node = node.value[part]
        else:
            return node
    return node


def _message(error: dict) -> str:
    kind, msg = error["type"], error["msg"]
    if kind == "missing":
        return "missing"
    if kind == "extra_forbidden":
        return "unknown key; check its spelling (the keys a file may hold are declared beside its loader)"
    value = error.get("input")
    shown = repr(value) if isinstance(value, (str, int, float, bool)) or value is None else type(value).__name__
    return f"{msg[0].lower() + msg[1:]}, got {shown}"


def load(path: Path, model: type[Model], field: str) -> Model:
    """The file at `path` as `model`; ContentError with every problem, each on its own line."""
    try:
        text = path.read_text(encoding="utf-8")
        data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        root = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except (OSError, yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ContentError([Problem(str(path), 1, field, f"cannot be read: {exc}")]) from exc
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            loc = tuple(p for p in error["loc"] if not (isinstance(p, str) and p.startswith(("function-", "union["))))
            node = _node_at(root, loc)
            line = line_of(node) if node is not None else 1
            problems.append(Problem(str(path), line, ".".join(str(p) for p in loc) or field, _message(error)))
        raise ContentError(problems) from None
