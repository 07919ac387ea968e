"""Content problems: what is wrong in which file, on which line, in which field."""

from __future__ import annotations

import dataclasses
import enum
from dataclasses import dataclass


class Kind(enum.Enum):
    """What a problem is, where code must act on it (never on its wording)."""

    EMPTY_ANSWERS = "a respondent's `svar:` left empty"
    UNTOUCHED = "an empty `svar:` in a file where no respondent has answers: `build.py new`'s template"


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    field: str
    message: str
    kind: Kind | None = dataclasses.field(default=None, compare=False)  # for code that must tell problems apart; None: no one needs to

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.field}: {self.message}"


def read_yaml(path, field: str):
    """A content file's YAML (the instrument, the reference list's metadata), plainly parsed; a file
    that cannot be read or parsed is a ContentError naming it, and so is a key given twice in one
    mapping (PyYAML would keep the last silently), as the answer and settings files' readers refuse it."""
    import yaml

    class Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
        def construct_mapping(self, node, deep=False):
            seen: dict[str, int] = {}
            for key, _ in node.value:
                if isinstance(key, yaml.ScalarNode) and key.value in seen:
                    line = key.start_mark.line + 1
                    message = f"given twice, on lines {seen[key.value]} and {line}; keep one"
                    raise ContentError([Problem(str(path), line, key.value, message)])
                if isinstance(key, yaml.ScalarNode):
                    seen[key.value] = key.start_mark.line + 1
            return super().construct_mapping(node, deep=deep)

    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=Loader)
    except (OSError, yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ContentError([Problem(str(path), 1, field, f"cannot be read: {exc}")]) from exc


class ContentError(Exception):
    """Raised with every problem found, so the user can fix them all at once."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(set(problems))
        super().__init__("\n".join(str(p) for p in self.problems))
