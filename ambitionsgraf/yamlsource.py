"""Read a YAML file into nodes that keep their line, without running anything.

PyYAML's constructors turn `yes` into True, `1:30` into 5400 and silently keep
the last of two equal keys. We stop before construction: libyaml parses the
file into a stream of events (fast, with line marks, never building Python
objects from tags), we compose the node tree from those events ourselves,
and the validators interpret each scalar themselves.

Composing here rather than with `yaml.compose` lets us refuse what an answer
file never needs before it can cost anything: aliases (a "billion laughs"
file is refused at its first alias, nothing is expanded), explicit tags
(`!!python/object/apply:…` is reported, never constructed), nesting deeper
than any answer file needs (libyaml's own composer recurses and crashes on
100 000 nested brackets), and absurd numbers of values. The walk is
iterative, so no input can exhaust the Python stack.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml
from yaml.resolver import Resolver

from .problems import Problem
from .safe_read import MAX_YAML
from .text import grouped, show

try:
    _Loader = yaml.CSafeLoader
except AttributeError:  # PyYAML built without libyaml
    _Loader = yaml.SafeLoader

MAX_BYTES = MAX_YAML  # safe_read refuses a larger file before it is read
MAX_DEPTH = 20  # an answer file nests 7 deep (file › matningar › … › {svar, omfattning})
MAX_NODES = 100_000  # a large answer file has a few thousand values
MAX_REFUSED = 10  # aliases and tags listed one by one before the rest are counted

Node = yaml.Node
MappingNode = yaml.MappingNode
SequenceNode = yaml.SequenceNode
ScalarNode = yaml.ScalarNode

_MAP_TAG = "tag:yaml.org,2002:map"
_SEQ_TAG = "tag:yaml.org,2002:seq"
_YAML_TAG_PREFIX = "tag:yaml.org,2002:"


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


def read_source(
    path: str, data: bytes, what: str = "an answer file", keys: str = "namn, typ, publicerad and matningar", empty_ok: bool = False
) -> tuple[Source, list[Problem]]:
    """Decode and compose one file; return the tree and any problems found (`what`: the kind of file,
    `keys`: what it holds at its top, for messages). A file with no document (empty, or only
    comments) is a problem unless `empty_ok`, where its root is None."""
    if len(data) > MAX_BYTES:
        size = grouped(len(data))
        limit = grouped(MAX_BYTES)
        return Source(path, None, None), [Problem(path, 1, "file", f"expected at most {limit} bytes, got {size}; this is not {what}")]
    text, problem = _decode(path, data)
    if text is None:
        return Source(path, None, None), [problem]
    problems = _tab_problems(path, text)
    if problems:
        return Source(path, text, None), problems
    root = _compose_fast(text)
    problems = []
    if root is None:
        root, problems = _compose(path, text, what)
    if problems:
        return Source(path, text, None), problems
    if root is None or (isinstance(root, ScalarNode) and root.value == "" and is_plain(root)):
        if empty_ok:
            return Source(path, text, None), []
        return Source(path, text, None), [Problem(path, 1, "file", f"expected {keys}, got an empty file")]
    return Source(path, text, root), []


# -- decoding ---------------------------------------------------------------

_UTF16_32_BOMS = (
    (b"\xff\xfe\x00\x00", "UTF-32"),
    (b"\x00\x00\xfe\xff", "UTF-32"),
    (b"\xff\xfe", "UTF-16"),
    (b"\xfe\xff", "UTF-16"),
)


def _decode(path: str, data: bytes) -> tuple[str | None, Problem | None]:
    for bom, name in _UTF16_32_BOMS:
        if data.startswith(bom):
            return None, Problem(path, 1, "encoding", f"expected UTF-8, got {name}; save the file as UTF-8")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        byte = data[exc.start]
        guess = ""
        if byte >= 0x80:
            try:
                char = bytes([byte]).decode("cp1252")
                if char.isprintable():
                    guess = f" ({char} in Windows-1252)"
            except UnicodeDecodeError:
                pass
        return None, Problem(path, line, "encoding", f"expected UTF-8, got byte 0x{byte:02X}{guess}; save the file as UTF-8")
    # One kind of line break, so that every line count here agrees with libyaml's.
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n"), None


_ODD_INDENT = re.compile(r"^ *([\t\u00a0])", re.MULTILINE)


def _tab_problems(path: str, text: str) -> list[Problem]:
    """Tabs (and non-breaking spaces pasted from a word processor) in indentation."""
    what = {"\t": "tab character", "\u00a0": "non-breaking space"}
    return [
        Problem(path, text.count("\n", 0, m.start()) + 1, "indentation", f"{what[m[1]]} used for indentation; indent with ordinary spaces")
        for m in _ODD_INDENT.finditer(text)
    ]


# -- composing ----------------------------------------------------------------


class _Frame:
    """A collection being composed, and the field name its children report under."""

    __slots__ = ("field", "key", "node")

    def __init__(self, node: Node, field: str):
        self.node = node
        self.field = field
        self.key: Node | None = None  # a mapping's key waiting for its value


# libyaml's own composer recurses in C and crashed between 20 000 and 50 000
# nesting levels. Every level costs at least one of these characters, so a
# file with fewer of them than this cannot come near that depth.
_FAST_MAX_STRUCTURE = 15_000
_FAST_MAX_CHARS = 200_000  # well under MAX_NODES values: no need to count them


def _compose_fast(text: str) -> Node | None:
    """libyaml's C composer for ordinary files: no tags, anchors or aliases, bounded depth.

    Returns None whenever the careful event walker below must decide instead:
    anything unusual, and every error, so that its messages stay exact.
    """
    if _Loader is not getattr(yaml, "CSafeLoader", None) or len(text) > _FAST_MAX_CHARS or "!" in text or "&" in text or "*" in text:
        return None
    if sum(text.count(c) for c in "[{-?:\n") >= _FAST_MAX_STRUCTURE:
        return None
    try:
        return yaml.compose(text, Loader=_FastLoader)
    except yaml.YAMLError:
        return None


class _FastLoader(_Loader):
    """libyaml's composer, with the tag of each plain value looked up once per distinct value.

    Resolving is a pure function of (kind, value, implicit) for a loader without path
    resolvers, and answer files repeat the same few values thousands of times.
    """

    _resolved: dict = {}

    def resolve(self, kind, value, implicit):
        key = (kind, value, implicit)
        tag = self._resolved.get(key)
        if tag is None:
            tag = super().resolve(kind, value, implicit)
            if len(self._resolved) < 10_000:
                self._resolved[key] = tag
        return tag

    def descend_resolver(self, current_node, current_index):  # no path resolvers: nothing to track
        pass

    def ascend_resolver(self):
        pass


def _short_tag(tag: str) -> str:
    return "!!" + tag[len(_YAML_TAG_PREFIX) :] if tag.startswith(_YAML_TAG_PREFIX) else tag


def _compose(path: str, text: str, what: str = "an answer file") -> tuple[Node | None, list[Problem]]:
    """Compose the single document in `text` from parser events, refusing what we never need."""
    return _Composer(path, text, what).compose()


class _Stop(Exception):
    """The file cannot be composed: its one problem says why."""

    def __init__(self, problem: Problem):
        self.problem = problem


class _Composer:
    """Builds the node tree event by event, counting values and depth, so that a hostile file is
    refused at the limit instead of being composed whole."""

    def __init__(self, path: str, text: str, what: str):
        self.path, self.text, self.what = path, text, what
        self.resolver = Resolver()
        self.problems: list[Problem] = []
        self.refused = 0
        self.anchors: dict[str, int] = {}
        self.aliases_seen: set[tuple[int, str]] = set()
        self.stack: list[_Frame] = []
        self.root: Node | None = None
        self.nodes = 0
        self.documents = 0

    def compose(self) -> tuple[Node | None, list[Problem]]:
        path, text = self.path, self.text
        events = yaml.parse(text, Loader=_Loader)
        try:
            for event in events:
                self._event(event)
        except _Stop as stop:
            return None, [stop.problem]
        except yaml.reader.ReaderError as exc:
            return None, [_reader_problem(path, text, exc)]
        except yaml.MarkedYAMLError as exc:
            return None, [_syntax_problem(path, text, exc)]
        except yaml.YAMLError as exc:
            return None, [Problem(path, 1, "syntax", f"invalid YAML: {show(str(exc), 120)}")]
        finally:
            events.close()
        problems = self.problems
        if self.refused > MAX_REFUSED:
            more = self.refused - MAX_REFUSED
            problems.append(Problem(path, problems[-1].line, "file", f"{more} more aliases or tags not listed; answer files use neither"))
        return (None if problems else self.root), problems

    def _refuse(self, line: int, field: str, message: str) -> None:
        self.refused += 1
        if self.refused <= MAX_REFUSED:
            self.problems.append(Problem(self.path, line, field, message))

    def _field_here(self) -> str:
        """The field a node arriving now belongs to (for messages)."""
        if not self.stack:
            return "file"
        top = self.stack[-1]
        if isinstance(top.node, MappingNode) and top.key is not None and isinstance(top.key, ScalarNode) and top.key.value.strip():
            return show(top.key.value)
        return top.field

    def _attach(self, node: Node) -> None:
        if not self.stack:
            self.root = node
            return
        top = self.stack[-1]
        if isinstance(top.node, SequenceNode):
            top.node.value.append(node)
        elif top.key is None:
            top.key = node
        else:
            top.node.value.append((top.key, node))
            top.key = None

    def _event(self, event) -> None:
        if isinstance(event, yaml.DocumentStartEvent):
            self.documents += 1
            if self.documents > 1:
                line = event.start_mark.line + 1
                raise _Stop(
                    Problem(self.path, line, "syntax", "expected one YAML document, got a second '---'; keep one organisation per file")
                )
            return
        if isinstance(event, (yaml.StreamStartEvent, yaml.StreamEndEvent, yaml.DocumentEndEvent)):
            return
        if isinstance(event, yaml.CollectionEndEvent):
            self._attach(self.stack.pop().node)
            return
        line = event.start_mark.line + 1
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise _Stop(
                Problem(self.path, line, "file", f"expected at most {grouped(MAX_NODES)} values, got more; this is not {self.what}")
            )
        if isinstance(event, yaml.AliasEvent):
            self._alias(event, line)
            return
        if event.anchor is not None:
            self.anchors.setdefault(event.anchor, line)
        if event.tag is not None:
            self._refuse(line, self._field_here(), f"the tag {show(_short_tag(event.tag))} is not allowed; write a plain value without it")
        if isinstance(event, yaml.ScalarEvent):
            tag = self.resolver.resolve(ScalarNode, event.value, event.implicit) if event.tag is None else event.tag
            self._attach(ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style))
            return
        if len(self.stack) >= MAX_DEPTH:
            message = f"expected lists and mappings nested at most {MAX_DEPTH} deep, got more; this is not {self.what}"
            raise _Stop(Problem(self.path, line, "syntax", message))
        if isinstance(event, yaml.SequenceStartEvent):
            node: Node = SequenceNode(_SEQ_TAG, [], event.start_mark, None, event.flow_style)
        else:
            node = MappingNode(_MAP_TAG, [], event.start_mark, None, event.flow_style)
        self.stack.append(_Frame(node, self._field_here()))

    def _alias(self, event, line: int) -> None:
        field = self._field_here()  # before _attach() moves on to the next key
        self._attach(ScalarNode("tag:yaml.org,2002:null", "", event.start_mark, event.end_mark, ""))
        if (line, event.anchor) in self.aliases_seen:
            return  # one line per alias and line is enough
        self.aliases_seen.add((line, event.anchor))
        if event.anchor in self.anchors:
            at = self.anchors[event.anchor]
            self._refuse(
                line, field, f"*{show(event.anchor)} repeats the value anchored on line {at}; aliases are not allowed, write the value out"
            )
        else:
            self._refuse(line, field, "a value cannot start with '*'; put the text in quotes")


def _reader_problem(path: str, text: str, exc: yaml.reader.ReaderError) -> Problem:
    position = exc.position if isinstance(exc.position, int) else 0
    line = text.count("\n", 0, position) + 1
    char = exc.character if isinstance(exc.character, int) else ord(str(exc.character)[:1] or "?")
    return Problem(path, line, "syntax", f"invalid character U+{char:04X} (a control character); delete it")


def _syntax_problem(path: str, text: str, exc: yaml.MarkedYAMLError) -> Problem:
    """libyaml's message, made actionable, on the line where the fix belongs."""
    problem = (exc.problem or "").strip()
    context = (exc.context or "").strip()
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark else 1
    context_line = exc.context_mark.line + 1 if exc.context_mark else line
    column = mark.column if mark else 0
    lines = text.splitlines()
    source_line = lines[line - 1] if 0 < line <= len(lines) else ""
    char = source_line[column] if 0 <= column < len(source_line) else ""

    indent = len(source_line) - len(source_line.lstrip(" "))
    before = source_line[indent:column].lstrip("- ")
    if source_line.lstrip().startswith(": ") or source_line.strip() == ":":
        what = "expected a name before ':', got none"
    elif problem == "could not find expected ':'":
        line = context_line
        what = "expected 'key: value' (a colon and a space), got a line without them"
    elif problem == "mapping values are not allowed in this context":
        if ": " in before or before.endswith(":"):
            what = "a second ': ' on the line; put a text that contains ': ' in quotes"
        else:
            what = "unexpected 'key:' here; check the indentation of this line and the one above"
    elif problem == "did not find expected key" and column > indent:
        what = f"unexpected text after the value (from {show(source_line[column:], 20)!r}); quote a text as a whole"
    elif problem in ("did not find expected key", "did not find expected '-' indicator"):
        what = "this line does not line up with the lines above it; check its indentation"
    elif "quoted scalar" in context and "end of stream" in problem:
        line = context_line
        what = "a quoted text starts on this line but is never closed"
    elif "quoted scalar" in context and ("escape" in problem or "hexdecimal" in problem):
        what = "a backslash in a \"double-quoted\" text starts an escape; use 'single quotes' instead"
    elif context.startswith("while parsing a flow") and problem.startswith("did not find expected ','"):
        line = context_line
        closing = problem[-2]
        what = f"expected ',' between the items or a closing '{closing}' in the brackets opened on this line"
    elif problem == "found character that cannot start any token" and char == "\t":
        what = "a tab character is not allowed here; use spaces"
    elif problem == "found character that cannot start any token" and char:
        what = f"a value cannot start with {char!r}; put the text in quotes"
    elif "scanning an alias" in context:
        what = "a value cannot start with '*'; put the text in quotes"
    elif "scanning an anchor" in context:
        what = "a value cannot start with '&'; put the text in quotes"
    elif "block scalar" in context:
        what = "a value cannot start with '|' or '>' followed by text; put the text in quotes"
    elif problem == "block sequence entries are not allowed in this context":
        what = "unexpected '- ' (a list item); check the indentation, or put a text starting with '-' in quotes"
    elif problem == "mapping keys are not allowed in this context":
        what = "a value cannot start with '? '; put the text in quotes"
    elif "tab" in problem:
        what = "tab character used for indentation; indent with ordinary spaces"
    elif "directive" in context or "directive" in problem:
        what = "a line cannot start with '%'; put the text in quotes"
    elif "tag" in context or "URI" in problem:
        what = "a value cannot start with '!'; put the text in quotes"
    elif problem == "did not find expected node content":
        what = "expected a value here; look for a stray bracket, comma or '-'"
    elif problem == "did not find expected <document start>":
        what = "unexpected text after the end of the data; look for a stray quote or bracket"
    else:
        what = show(problem or context or "could not be read", 120)
    line = max(1, min(line, len(lines)))  # libyaml places the end of the file on a line of its own
    if "\u00a0" in (lines[line - 1] if 0 < line <= len(lines) else ""):
        what += " (the line contains a non-breaking space; use ordinary spaces)"
    return Problem(path, line, "syntax", f"invalid YAML: {what}")
