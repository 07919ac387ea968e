"""The steps every source shares: its rounds planned against each organisation's answer file.

A new file is rendered whole (unpublished); an existing one is extended textually (write.py),
after its name, type and dates are checked against what the source says. Every generated file
must be valid and read back as exactly the answers imported, or nothing is written.
"""

from __future__ import annotations

import datetime
import os
from pathlib import Path

from ..answers import Organisation, answer_path, display_path, parse_organisation
from ..instrument import Instrument
from ..safe_read import read_regular
from ..text import name_key, show
from .model import FileChange, Identity, Imported, ImportedRound, ImportPlan
from .write import CannotExtend, extend_text, render_new_file


def plan(ins: Instrument, imported: Imported, orgs_dir: Path) -> ImportPlan:
    """Every file the import would write, and every problem (then no file): the shared path of every source."""
    changes = [] if imported.problems else _Planner(ins, imported, orgs_dir).changes()
    return ImportPlan([] if imported.problems else changes, imported.problems, imported.columns)


class _Planner:
    def __init__(self, ins: Instrument, imported: Imported, orgs_dir: Path):
        self.ins = ins
        self.imported = imported
        self.orgs_dir = orgs_dir

    def problem(self, row: int, column: str, message: str) -> None:
        self.imported.problem(row, column, message)

    @property
    def failed(self) -> bool:
        return bool(self.imported.problems)

    def changes(self) -> list[FileChange]:
        rounds = self.imported.rounds
        changes = []
        for slug in sorted({r.slug for r in rounds}):
            mine = sorted((r for r in rounds if r.slug == slug), key=lambda r: r.date)
            change = self.file_change(slug, mine, self.imported.identities[slug])
            if change is not None:
                changes.append(change)
        return changes

    def file_change(self, slug: str, rounds: list[ImportedRound], identity: Identity) -> FileChange | None:
        path = answer_path(self.orgs_dir, slug)
        if not path.exists():
            return self.new_file(path, slug, rounds, identity)
        shown = display_path(path)
        data, problem = read_regular(path)
        if data is None:
            self.problem(identity.row, "slug", f"{shown} {problem}")
            return None
        org, problems = parse_organisation(self.ins, path, data, shown)
        if org is None:
            self.problem(
                identity.row,
                "slug",
                f"{shown} has problems of its own ({len(problems)}); run `build.py check {shown}` and fix them before importing into it",
            )
            self.imported.problems.extend(problems)
            return None
        self.check_against(org, shown, rounds, identity)
        if self.failed:
            return None
        text = data.decode("utf-8")  # parse_organisation accepted it, so it is UTF-8
        try:
            new = extend_text(self.ins, text, rounds, source=self.imported.source)
        except CannotExtend as exc:
            self.problem(identity.row, "slug", f"{shown}: {exc}")
            return None
        reference = self.ins.reference
        code, _ = reference.code_for_name(org.name, org.type) if org.code is None else (None, None)
        place = reference.get(code) if code else None
        said = f'its name is {reference.describe(place)}: add kod: "{code}" to it' if place else None
        return self.checked(FileChange(path, shown, text, new, rounds, said))

    def new_file(self, path: Path, slug: str, rounds: list[ImportedRound], identity: Identity) -> FileChange | None:
        shown = display_path(path)
        name, type_, first_row = identity
        missing = [f for f, v in (("namn", name), ("typ", type_)) if not v]
        for f in missing:
            self.problem(first_row, f, f"missing; {shown} does not exist yet, so the first row for {slug} needs its {f}")
        if missing:
            return None
        code, said = self.ins.reference.code_for_name(name, type_)
        text = render_new_file(self.ins, name, type_, rounds, source=self.imported.source, code=code)
        return self.checked(FileChange(path, shown, None, text, rounds, said))

    def check_against(self, org: Organisation, shown: str, rounds: list[ImportedRound], identity: Identity) -> None:
        """The name and type the source gives must be the file's, and no round's date may be in it already."""
        name, type_, first_row = identity
        if name and name_key(name) != name_key(org.name):
            self.problem(
                first_row,
                "namn",
                f"'{show(name)}', but {shown} has namn '{show(org.name)}'; is the slug right? Correct the row, or leave namn empty",
            )
        if type_ and type_ != org.type:
            self.problem(
                first_row, "typ", f"{type_}, but {shown} has typ {org.type}; is the slug right? Correct the row, or leave typ empty"
            )
        existing = {a.date: a.line for a in org.assessments}
        for r in rounds:
            if r.date in existing:
                self.problem(
                    r.first_row,
                    "datum",
                    f"{shown} already has an assessment on {r.date.isoformat()} (line {existing[r.date]}); "
                    "was this file imported before? Nothing was written",
                )

    def checked(self, change: FileChange) -> FileChange | None:
        """The generated file must be valid and read back as exactly the imported answers."""
        org, problems = parse_organisation(self.ins, change.path, change.new.encode("utf-8"), change.shown)
        if org is None:
            self.imported.problems.extend(problems)
            self.problem(
                change.rounds[0].first_row, "slug", f"the generated {change.shown} would not be valid (see above); nothing was written"
            )
            return None
        for r in change.rounds:
            if _as_read(self.ins, org, r.date) != _as_imported(self.ins, r):
                self.problem(
                    r.first_row,
                    "slug",
                    f"the round {r.date.isoformat()} in the generated {change.shown} does not read back as imported; nothing was written",
                )
                return None
        if change.old is not None and not _keeps(change.old, change.new):
            self.problem(
                change.rounds[0].first_row, "slug", f"{change.shown} would be changed beyond the appended round; nothing was written"
            )
            return None
        return change


def _keeps(old: str, new: str) -> bool:
    """`new` is `old` with text inserted at one place."""
    prefix = len(os.path.commonprefix([old, new]))
    return len(new) >= len(old) and new.endswith(old[prefix:])


def _as_imported(ins: Instrument, r: ImportedRound) -> list:
    out = []
    for resp in r.respondents:
        answers: dict[str, tuple[str | None, str | None]] = {}
        for q in ins.questions:
            a = resp.answers.get(q.id)
            if a is None or a.value is None:
                answers[q.id] = (None, q.id if a is not None else None)
            else:
                answers[q.id] = (a.value, a.option)
        out.append((resp.role, answers, resp.comment))
    return out


def _as_read(ins: Instrument, org: Organisation, day: datetime.date) -> list:
    assessment = next(a for a in org.assessments if a.date == day)
    out = []
    for resp in assessment.respondents:
        answers: dict[str, tuple[str | None, str | None]] = {}
        for q in ins.questions:
            a = resp.answer(q.id)
            answers[q.id] = (None, q.id if q.id in resp.dont_know else None) if a is None else (a.value, a.option)
        out.append((resp.role, answers, resp.comment))
    return out
