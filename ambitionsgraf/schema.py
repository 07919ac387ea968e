"""Declared schemas for the project's own YAML files, and their problems as `file:line: field: message`.

A schema is a pydantic model of the file as written (Swedish keys, as the file has them). `load`
checks a file's plain data against it and turns every error into a Problem on the line that holds the
offending key or value, found in the file's node tree (yamlsource keeps the lines). So a renamed key
reads `instrument.yaml:84: omraden.strategi_planering.fragor.0.fraga: missing`, never a KeyError.

`load` reads the file with PyYAML's safe loader (problems.read_yaml, as for the reference list's
metadata; the instrument: numbers, booleans and lists typed by YAML). `parse` reads bytes with
yamlsource's careful reader and hands every scalar to the model as the text it is written as (the
settings: an address, a date or a telephone number is checked as written, never turned into a date or a
number by YAML first); the model's field validators check that text.
"""

from __future__ import annotations

import types
from pathlib import Path
from typing import Any, TypeVar, Union, get_args, get_origin

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from .problems import ContentError, Problem, read_yaml
from .text import or_list
from .yamlsource import MappingNode, Node, ScalarNode, SequenceNode, line_of, read_source

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


def _key_at(root, loc: tuple) -> Any:
    """The key node of the mapping entry `loc` ends on (an unknown key's own line), else its value's node."""
    parent = _node_at(root, loc[:-1])
    if loc and isinstance(parent, MappingNode):
        key = next((k for k, _ in parent.value if getattr(k, "value", None) == str(loc[-1])), None)
        if key is not None:
            return key
    return _node_at(root, loc)


def _model_at(model: type[BaseModel], loc: tuple) -> type[BaseModel] | None:
    """The declared model that the value at `loc` must be, or None where `loc` leaves the models."""
    kind: Any = model
    for part in loc:
        kind = _unwrap(kind)
        if isinstance(kind, type) and issubclass(kind, BaseModel):
            field = next((f for name, f in kind.model_fields.items() if (f.alias or name) == part), None)
            if field is None:
                return None
            kind = field.annotation
        elif get_origin(kind) in (dict, list):
            kind = get_args(kind)[-1]
        else:
            return None
    kind = _unwrap(kind)
    return kind if isinstance(kind, type) and issubclass(kind, BaseModel) else None


def _unwrap(kind: Any) -> Any:
    """`X | None` → X."""
    if get_origin(kind) in (Union, types.UnionType):
        args = [a for a in get_args(kind) if a is not type(None)]
        return args[0] if len(args) == 1 else kind
    return kind


def _keys(model: type[BaseModel] | None) -> str | None:
    return or_list([f.alias or name for name, f in model.model_fields.items()]) if model is not None else None


def _message(error: Any, model: type[BaseModel]) -> str:
    kind, msg = error["type"], error["msg"]
    if kind == "missing":
        return "missing"
    if kind == "value_error":  # a field validator's own sentence, as the project writes its messages
        return str(error["ctx"]["error"])
    if kind == "extra_forbidden":
        keys = _keys(_model_at(model, tuple(error["loc"])[:-1]))
        return f"unknown key; expected {keys}" if keys else "unknown key; check its spelling"
    value = error.get("input")
    shown = repr(value) if isinstance(value, (str, int, float, bool)) or value is None else type(value).__name__
    if kind == "model_type":
        keys = _keys(_model_at(model, tuple(error["loc"])))
        if keys:
            return f"expected {keys} under it, got {shown}"
    return f"{msg[0].lower() + msg[1:]}, got {shown}"


def _problems(path: str, root: Node | None, model: type[BaseModel], exc: ValidationError, field: str) -> list[Problem]:
    problems = []
    for error in exc.errors():
        loc = tuple(p for p in error["loc"] if not (isinstance(p, str) and p.startswith(("function-", "union["))))
        node = _key_at(root, loc) if error["type"] == "extra_forbidden" else _node_at(root, loc)
        line = line_of(node) if node is not None else 1
        problems.append(Problem(path, line, ".".join(str(p) for p in loc) or field, _message(error, model)))
    return problems


def load(path: Path, model: type[Model], field: str) -> Model:
    """The file at `path` as `model`; ContentError with every problem, each on its own line."""
    data = read_yaml(path, field)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        # The lines only when there is something to say: the file's node tree, composed again.
        root = yaml.compose(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        raise ContentError(_problems(str(path), root, model, exc, field)) from None


def parse(path: str, data: bytes, model: type[Model], what: str) -> Model:
    """The file `path` holding `data` as `model`, every scalar given to it as written (see the module's
    note); ContentError with every problem, each on its own line. `what`: the kind of file, for messages."""
    source, problems = read_source(path, data, what, _keys(model) or "")
    if problems:
        raise ContentError(problems)
    plain = _plain(path, source.root, "", problems)
    try:
        value = model.model_validate(plain)
    except ValidationError as exc:
        problems += _problems(path, source.root, model, exc, "file")
    if problems:
        raise ContentError(sorted(problems, key=lambda p: p.line))
    return value


def _plain(path: str, node: Node | None, field: str, problems: list[Problem]) -> Any:
    """The node tree as dicts, lists and the scalars' text; a key given twice is a problem (the first stands)."""
    if isinstance(node, ScalarNode):
        return node.value
    if isinstance(node, SequenceNode):
        return [_plain(path, item, f"{field}.{i}" if field else str(i), problems) for i, item in enumerate(node.value)]
    if not isinstance(node, MappingNode):
        return None
    out: dict[str, Any] = {}
    for key, value in node.value:
        name = key.value if isinstance(key, ScalarNode) else None
        shown = f"{field}.{name}" if field else str(name)
        if name is None:
            problems.append(Problem(path, line_of(key), field or "file", "expected a key in words, got a list or mapping as a key"))
        elif name in out:
            problems.append(Problem(path, line_of(key), shown, "given twice; keep one"))
        else:
            out[name] = _plain(path, value, shown, problems)
    return out
