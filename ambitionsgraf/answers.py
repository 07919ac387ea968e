"""Answer files (orgs/*.yaml): found, read once, validated from the node tree into frozen data,
and checked across files (one name, one code per organisation).

Every problem in a file is collected with its line and field; nothing is guessed. Scalars are
interpreted by the validator (answercheck.py), not by PyYAML, so `yes`, `1:30` or a quoted number
are reported instead of silently becoming something else. Messages say what was expected and what
was written (answernodes.py), and where a typo is likely, what was probably meant. A valid file
becomes the values of answermodel.py, which this module hands on to every caller.
"""

from __future__ import annotations

import difflib
import errno
import os
from collections.abc import Iterable, Mapping
from pathlib import Path

from .answercheck import FileChecker
from .answermodel import SLUG, SLUG_RULE, Answer, Assessment, Organisation, Respondent  # noqa: F401  (callers take the values from here)
from .instrument import Instrument
from .problems import Kind, Problem
from .safe_read import cannot_read as _cannot_read
from .safe_read import entry_problem as _entry_problem
from .safe_read import read_regular  # every answer file is read with it: a regular file within safe_read.MAX_YAML
from .text import name_key, show, slug_for
from .yamlsource import MappingNode, ScalarNode, line_of, read_source


def display_path(path: Path) -> str:
    """The path as the user will recognise it: relative to here when possible."""
    return display_paths([path])[path]


def display_paths(paths: list[Path]) -> dict[Path, str]:
    """display_path of many files, resolving each folder once (resolving every file costs a
    few system calls per folder level: a fifth of a second for 4 000 files)."""
    here = Path.cwd().resolve()
    folders: dict[Path, Path] = {}
    shown = {}
    for path in paths:
        try:
            linked = path.name in ("", ".", "..") or path.is_symlink()
        except OSError:  # e.g. a folder without search permission: resolve() does not mind, is_symlink() does
            linked = True
        if linked:
            try:
                full = path.resolve()
                broken = not os.path.exists(full)
            except (OSError, RuntimeError):  # a loop of links (RuntimeError before Python 3.13)
                broken = True
            if broken:  # the link itself, not the nowhere it leads to
                full = path.parent.resolve() / path.name
        else:
            if path.parent not in folders:
                folders[path.parent] = path.parent.resolve()
            full = folders[path.parent] / path.name
        try:
            shown[path] = str(full.relative_to(here))
        except ValueError:
            shown[path] = str(path)
    return shown


def check_slug(path: Path, shown: str) -> list[Problem]:
    if SLUG.fullmatch(path.stem) and path.suffix == ".yaml":
        return []
    suggestion = slug_for(path.stem)
    hint = f"; rename it {suggestion}.yaml" if suggestion else ""
    if SLUG.fullmatch(path.stem):
        return [Problem(shown, 1, "file name", f"expected a name ending in .yaml, got {show(path.name, 60)!r}{hint}")]
    return [Problem(shown, 1, "file name", f"expected a slug of {SLUG_RULE}, before .yaml, got {show(path.name, 60)!r}{hint}")]


def not_measured(problems: list[Problem]) -> bool:
    """Whether a file's problems are only respondents without answers, and no respondent in it has
    any: the untouched template of `build.py new`, written ahead of the interviews. A build leaves
    such a file out with a note (an error with --strict); `check` reports it as the error it is."""
    return bool(problems) and all(p.kind is Kind.UNTOUCHED for p in problems)


def parse_organisation(
    ins: Instrument, path: Path, data: bytes, shown: str | None = None, notes: list[Problem] | None = None
) -> tuple[Organisation | None, list[Problem]]:
    """Validate one answer file's bytes; return the organisation or the problems. `notes`, when
    given, gets what is worth saying but no problem (questions left out, characters removed)."""
    shown = shown or display_path(path)
    problems = check_slug(path, shown)
    source, read_problems = read_source(shown, data)
    problems += read_problems
    if source.root is None:
        return None, problems
    checker = FileChecker(ins, shown, want_notes=notes is not None)
    org = checker.organisation(source.root, path.stem)
    if notes is not None:
        notes += checker.notes
    problems = sorted(problems, key=lambda p: p.line) + checker.all_problems()
    return (org if not problems else None), problems


ANSWER_SUFFIXES = (".yaml", ".yml")


def answer_path(orgs_dir: Path, slug: str) -> Path:
    """Where an organisation's answer file is: its slug and .yaml, the name `new` and `import` write."""
    return orgs_dir / f"{slug}{ANSWER_SUFFIXES[0]}"


def list_answer_files(orgs_dir: Path) -> tuple[list[Path], list[Problem]]:
    """The answer files in a folder, and a problem for every entry named like one (x.yaml,
    x.yml; hidden ones aside) that is not a readable regular file, so that a broken link or a
    folder named x.yaml stops the build instead of silently dropping an organisation."""
    try:
        with os.scandir(orgs_dir) as it:
            entries = [e for e in it if e.name.endswith(ANSWER_SUFFIXES) and not e.name.startswith(".")]
    except FileNotFoundError:
        return [], [Problem(str(orgs_dir), 1, "--orgs", "no such folder of answer files")]
    except NotADirectoryError:
        return [], [Problem(str(orgs_dir), 1, "--orgs", "is a file, not a folder of answer files")]
    except OSError as exc:
        return [], [Problem(display_path(orgs_dir), 1, "--orgs", _cannot_read(exc))]
    files: list[Path] = []
    problems: list[Problem] = []
    for entry in entries:
        path = orgs_dir / entry.name
        try:
            plain = entry.is_file(follow_symlinks=False)  # from the folder listing: no system call
        except OSError:
            plain = False
        problem = None if plain else _entry_problem(path)
        if problem is None and not os.access(path, os.R_OK):
            problem = f"cannot be read: {os.strerror(errno.EACCES)}"  # what reading it would say
        if problem is None:
            files.append(path)
        else:
            problems.append(Problem(display_path(path), 1, "file", problem))
    return sorted(files), sorted(problems)


def read_files(paths: list[Path]) -> tuple[dict[Path, bytes], list[Problem]]:
    """Each file's bytes, read once, so validation and caching see the same content; a path
    that is not a readable regular file (a folder, a pipe, a broken link) is a problem."""
    data: dict[Path, bytes] = {}
    problems: list[Problem] = []
    for path in sorted(paths):
        content, problem = read_regular(path)
        if content is not None:  # read_regular gives the bytes or the reason
            data[path] = content
        else:
            problems.append(Problem(display_path(path), 1, "file", problem or "cannot be read"))
    return data, problems


def load_organisations(
    ins: Instrument, paths: list[Path], data: dict[Path, bytes] | None = None, notes: list[Problem] | None = None
) -> tuple[list[Organisation], list[Problem], list[str]]:
    """Validate every file, and that no two name the same organisation; return the valid
    organisations, all problems, and the invalid files. `notes`: as parse_organisation's."""
    if data is None:
        data, problems = read_files(paths)
    else:
        problems = []
    orgs: list[Organisation] = []
    invalid: list[str] = [p.path for p in problems]
    shown_as = display_paths(sorted(p for p in paths if p in data))
    for path in sorted(paths):
        if path not in data:
            continue
        shown = shown_as[path]
        org, found = parse_organisation(ins, path, data[path], shown, notes)
        problems += found
        if org is None:
            invalid.append(shown)
        else:
            orgs.append(org)
    by_shown = {shown_as[p]: data[p] for p in shown_as}
    clashes = duplicate_names([(o.path, o.name) for o in orgs], by_shown) + duplicate_codes([(o.path, o.code) for o in orgs], by_shown)
    if clashes:
        clashing = {p.path for p in clashes}
        orgs = [o for o in orgs if o.path not in clashing]
        problems += clashes
        invalid += sorted(clashing)
    return orgs, problems, invalid


# -- across files ------------------------------------------------------------------------


def field_line(shown: str, data: bytes | None, field: str) -> int:
    """The line of a top-level key (`namn:`, `kod:`) in a valid file (only looked up for the few files that clash)."""
    root = read_source(shown, data)[0].root if data is not None else None
    if isinstance(root, MappingNode):
        for key, _value in root.value:
            if isinstance(key, ScalarNode) and key.value == field:
                return line_of(key)
    return 1


def duplicate_names(named: Iterable[tuple[str, str]], data: Mapping[str, bytes]) -> list[Problem]:
    """A problem on every file whose namn another file also has, naming the other files.

    `named`: (the file as messages show it, its namn) of each valid file; `data`: the files'
    bytes by the same paths, read only for the files that clash. Both `check` and the build
    call this, over every file they read, so they report a clash alike."""
    groups: dict[str, dict[str, str]] = {}
    for path, name in named:
        groups.setdefault(name_key(name), {})[path] = name  # a file given twice is one file
    problems = []
    for group in groups.values():
        if len(group) < 2:
            continue
        for path, name in sorted(group.items()):
            others = " and ".join(p + ("" if n == name else f" (written '{show(n, 80)}')") for p, n in sorted(group.items()) if p != path)
            problems.append(
                Problem(
                    path,
                    field_line(path, data.get(path), "namn"),
                    "namn",
                    f"'{show(name, 80)}' is also the name in {others}; each organisation needs a name of its own",
                )
            )
    return problems


def duplicate_codes(coded: Iterable[tuple[str, str | None]], data: Mapping[str, bytes]) -> list[Problem]:
    """A problem on every file whose kod another file also has, naming the other files: one place,
    one file (two files for one municipality would count it twice in every national figure).

    Same shape as duplicate_names: `coded` is (the file as messages show it, its kod or None) of
    each valid file, `data` the files' bytes by the same paths. `check` and the build call both."""
    groups: dict[str, set[str]] = {}
    for path, code in coded:
        if code is not None:
            groups.setdefault(code, set()).add(path)  # a file given twice is one file
    problems = []
    for code, paths in groups.items():
        if len(paths) < 2:
            continue
        for path in sorted(paths):
            others = " and ".join(p for p in sorted(paths) if p != path)
            problems.append(
                Problem(
                    path,
                    field_line(path, data.get(path), "kod"),
                    "kod",
                    f'"{code}" is also the code in {others}; one place needs one file (put its rounds under matningar: in one of them)',
                )
            )
    return problems


def closest_slug(slug: str, slugs: Iterable[str]) -> str | None:
    """The slug `slug` was probably meant to be, among `slugs`, if one is close enough."""
    choices = sorted(set(slugs) - {slug})
    if not choices or len(slug) > 100:
        return None
    wanted = slug_for(slug) or slug
    if wanted in choices:
        return wanted
    close = difflib.get_close_matches(wanted, choices, n=1, cutoff=0.6)
    return close[0] if close else None


def did_you_mean(slug: str, slugs: Iterable[str]) -> str:
    """'; did you mean norrvik?' when a slug is probably a typo for one of `slugs`, else ''."""
    close = closest_slug(slug, slugs)
    return f"; did you mean {close}?" if close else ""
