"""`build.py new`: the arguments checked; the text itself is answerfile.template."""

from __future__ import annotations

import dataclasses
import datetime
import os
import re
from pathlib import Path

from . import answerfile, atomic
from .answers import SLUG, SLUG_RULE, answer_path, display_path, display_paths, duplicate_names, list_answer_files, read_files
from .instrument import Instrument
from .problems import ContentError, Problem
from .text import check_name, day_option, slug_for
from .yamlsource import MappingNode, ScalarNode, read_source


def new_answer_file(
    ins: Instrument, orgs_dir: Path, slug: str, name: str, type_: str, day: str | None, notes: list[Problem] | None = None
) -> tuple[Path, str, str | None]:
    """The new file's path and text, and what was said about its kod: filled in when the name is
    one municipality's or region's in the reference list (content/kommuner.csv)."""
    path = answer_path(orgs_dir, slug)
    shown = display_path(path)
    problems = []
    if not SLUG.fullmatch(slug):
        better = slug_for(slug) or slug_for(name)
        hint = f"; did you mean {better}?" if better else ""
        problems.append(Problem(shown, 1, "slug", f"{slug!r} is not a valid slug: use {SLUG_RULE}{hint}"))
    if type_ not in {t.id for t in ins.types}:
        problems.append(Problem(shown, 1, "typ", f"expected {', '.join(t.id for t in ins.types)}, got {type_!r}"))
    # What `check` would refuse in the file is refused here, before there is a file: the same rule.
    name, refusals, removed = check_name(name, in_file=False)
    problems += [Problem(shown, 1, "namn", message) for message in refusals]
    if notes is not None:
        notes += [Problem(shown, 1, "namn", f"note: {message}") for message in removed]
    if day is None:
        day = datetime.date.today().isoformat()
    else:
        why = day_option(day)[1]
        if why:
            problems.append(Problem(shown, 1, "datum", why))
    if os.path.lexists(path):  # a link to nowhere too; and never an error for a name too long
        problems.append(Problem(shown, 1, "file", "already exists; edit it, or choose another slug"))
    elif not refusals:
        problems += [dataclasses.replace(p, line=1) for p in _same_name(orgs_dir, shown, name)]
    if problems:
        raise ContentError(problems)
    code, said = ins.reference.code_for_name(name, type_)
    return path, answerfile.template(ins, name, type_, day, code), said


def _same_name(orgs_dir: Path, shown: str, name: str) -> list[Problem]:
    """The problem `check` would find once the new file is there: another file with its name.
    Files still being filled in (as `new` leaves them) count too, so only their names are read."""
    files, _ = list_answer_files(orgs_dir)  # none in a folder not made yet; unreadable ones are check's business
    data, _ = read_files(files)
    shown_as = display_paths(sorted(data))
    named = [(shown, name)]
    for path, content in data.items():
        name_there = _name_in(shown_as[path], content)
        if name_there:
            named.append((shown_as[path], name_there))
    clashes = duplicate_names(named, {shown_as[p]: content for p, content in data.items()})
    return [p for p in clashes if p.path == shown]


_NAME_LINE = re.compile(rb"^namn:[^\n]*$", re.MULTILINE)


def _name_in(shown: str, data: bytes) -> str | None:
    """A file's namn as check would read it, if it has one: from its `namn:` line alone when
    that line says it all (reading a few thousand whole files would make `new` slow)."""
    line = _NAME_LINE.search(data)
    return (line and _namn_of(read_source(shown, line[0])[0].root)) or _namn_of(read_source(shown, data)[0].root)


def _namn_of(root) -> str | None:
    if isinstance(root, MappingNode):
        for key, value in root.value:
            if isinstance(key, ScalarNode) and key.value == "namn" and isinstance(value, ScalarNode):
                text, refused, _ = check_name(value.value)
                return text if not refused else None
    return None


def write_new_file(path: Path, data: bytes) -> None:
    """Write a file that must not exist yet, whole or not at all, never over a file that appeared
    meanwhile (atomic.write with replace=False), with the mode the umask gives. Whatever fails,
    nothing is left behind; the reason is raised as a ContentError."""
    shown = display_path(path)
    try:
        atomic.write(path, data, replace=False, mode=atomic.umask_mode())
    except FileExistsError:
        raise ContentError([Problem(shown, 1, "file", "already exists; edit it, or choose another slug")]) from None
    except OSError as exc:
        raise ContentError([Problem(shown, 1, "file", f"cannot be written: {exc.strerror or exc}")]) from None
