"""A YAML node as an answer-file message shows it: what was written, and a hint where YAML or habit
misleads (`yes`, `1:30`, a quoted number, `03`, a near miss of the expected word)."""

from __future__ import annotations

import difflib
import re

from .text import ascii_key, show
from .yamlsource import MappingNode, Node, ScalarNode, SequenceNode, is_plain

_WHOLE = re.compile(r"[1-9][0-9]{0,5}")  # a score as it must be written: no sign, no leading zero
_LOOSE_INT = re.compile(r"[-+]?[0-9]{1,6}")
_DECIMAL = re.compile(r"[-+]?[0-9]*[.,][0-9]+|[-+]?[0-9]+[.,][0-9]*")
_SEXAGESIMAL = re.compile(r"[-+]?[0-9]+(:[0-5]?[0-9])+")
_NULL = "tag:yaml.org,2002:null"


def is_null(node: Node) -> bool:
    return isinstance(node, ScalarNode) and node.tag == _NULL and is_plain(node)


def describe(node: Node) -> str:
    if isinstance(node, MappingNode):
        return "a mapping" if node.value else "an empty mapping {}"
    if isinstance(node, SequenceNode):
        return "a list" if node.value else "an empty list []"
    if is_null(node):
        return "nothing"
    if not is_plain(node):  # quoted, or a | or > block
        return f"'{show(node.value)}'"
    return show(node.value)


def suggest(text: str, choices: tuple[str, ...]) -> str | None:
    """The choice `text` was probably meant to be, if one is close enough."""
    if len(text) > 60 or not choices:
        return None
    wanted = ascii_key(text)
    by_norm = {ascii_key(c): c for c in choices}
    if wanted in by_norm and by_norm[wanted] != text:
        return by_norm[wanted]
    close = difflib.get_close_matches(wanted, list(by_norm), n=1, cutoff=0.75)
    return by_norm[close[0]] if close and by_norm[close[0]] != text else None


def got(node: Node, choices: tuple[str, ...] = (), scale: tuple[int, ...] = ()) -> str:
    """What was written, with a hint where YAML or habit misleads (`scale`: the points a score may be)."""
    text = describe(node)
    if not isinstance(node, ScalarNode) or is_null(node):
        return text
    v = node.value
    if not is_plain(node):
        if _LOOSE_INT.fullmatch(v.strip()):
            return f"{text} (a quoted text; write the number without quotes)"
    elif _SEXAGESIMAL.fullmatch(v):
        return f"{text} (YAML 1.1 reads this as a base-60 number; write a single whole number)"
    elif _DECIMAL.fullmatch(v):
        return f"{text} (not a whole number)"
    elif _LOOSE_INT.fullmatch(v) and not _WHOLE.fullmatch(v) and int(v) in scale:
        return f"{text} (write {int(v)})"
    close = suggest(v, choices)
    if close:
        return f"{text} (did you mean {close}?)"
    return text
