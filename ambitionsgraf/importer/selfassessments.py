"""Answer files downloaded from the self-assessment page, read into imported rounds.

Each file is one person's answers with their role, read by the one reader of answer files
(answers.parse_organisation): the files for one organisation become the respondents of one round.
A problem is reported at the file and line it is about; a row is a file's place in the list
(1 = the first). What they give goes through the shared steps (plan.py) as a survey's rows do:
the same refusals, the same diff.
"""

from __future__ import annotations

import datetime
import os
from pathlib import Path

from .. import answerfile
from ..answers import Organisation, display_path, field_line, parse_organisation
from ..instrument import Instrument
from ..problems import Problem
from ..safe_read import read_regular
from ..text import plural, show
from .model import Imported, ImportedAnswer, ImportedRespondent, ImportedRound
from .recognise import Organisations

_AS_ANSWER_FILE = "sjalvskattning.yaml"  # the name a file is checked under: any name a browser gives it is fine


def read_self_assessments(ins: Instrument, files: list[Path], orgs_dir: Path, default_date: datetime.date | None) -> Imported:
    """The round each organisation's files make together (dated --datum, else the day they were made)."""
    return _Files(ins, files, Organisations(ins, orgs_dir), default_date).read()


class _Files:
    def __init__(self, ins: Instrument, files: list[Path], orgs: Organisations, default_date: datetime.date | None):
        self.ins = ins
        self.files = [(path, display_path(path)) for path in files]
        self.orgs = orgs
        self.default_date = default_date
        self.lines: dict[int, dict[str, int]] = {}  # row → field → its line in that file
        self.imported = Imported(", ".join(shown for _, shown in self.files), self.at)
        self.rounds: dict[str, ImportedRound] = {}
        self.dates: dict[str, list[tuple[datetime.date, int]]] = {}
        self.contents: dict[bytes, str] = {}  # a file's bytes → the first file that held them

    def at(self, row: int, field: str, message: str) -> Problem:
        return Problem(self.files[row - 1][1], self.lines.get(row, {}).get(field, 1), field, message)

    def problem(self, row: int, field: str, message: str) -> None:
        self.imported.problem(row, field, message)

    def read(self) -> Imported:
        seen: dict[str, str] = {}
        for row, (path, shown) in enumerate(self.files, 1):
            real = os.path.realpath(path)
            if real in seen:
                self.imported.problems.append(Problem(shown, 1, "file", f"given twice (also as {seen[real]}); give each file once"))
                continue
            seen[real] = shown
            org = self.organisation(row, path, shown)
            if org is not None:
                self.person(row, org)
        self.same_day()
        for r in self.rounds.values():
            names = ", ".join(show(self.files[row - 1][0].name, 60) for row in r.rows)
            r.note = f"Imported by build.py import from self-assessments: {names}."
        if self.imported.problems:
            self.imported.identities = {}
        else:
            self.imported.rounds = list(self.rounds.values())
        return self.imported

    def organisation(self, row: int, path: Path, shown: str) -> Organisation | None:
        """The file read as an answer file, with the lines of the fields a problem may be about."""
        data, problem = read_regular(path)
        if data is None:
            self.imported.problems.append(Problem(shown, 1, "file", str(problem)))
            return None
        same = self.contents.setdefault(data, shown)
        if same != shown:  # "norrviks-kommun (1).yaml", saved twice: one person would count twice
            message = (
                f"holds exactly what {same} holds: the same download given twice would count one person twice; "
                "give it once (two people who answered exactly alike: write a kommentar in one of the files)"
            )
            self.imported.problems.append(Problem(shown, 1, "file", message))
            return None
        # Checked as check does, but for its name: a downloaded file's name says nothing (the organisation
        # is found by namn), and each person's download has the same one, saved as "norrviks-kommun (1).yaml".
        org, found = parse_organisation(self.ins, path.with_name(_AS_ANSWER_FILE), data, shown)
        if org is None:
            self.imported.problems.extend(found)
            return None
        self.lines[row] = {key: field_line(shown, data, key) for key in ("namn", "typ")}
        if org.assessments:
            a = org.assessments[0]
            self.lines[row].update({"datum": a.line, "matningar": a.line, "kommentar": a.line})
            if a.respondents:
                self.lines[row]["roll"] = a.respondents[0].line
        return org

    def person(self, row: int, org: Organisation) -> None:
        """One person's answers as a respondent of their organisation's round."""
        people = [r for a in org.assessments for r in a.respondents]
        if len(org.assessments) != 1 or len(people) != 1:
            self.problem(
                row,
                "matningar",
                f"{plural(len(org.assessments), 'round')} with {plural(len(people), 'respondent')}; a self-assessment "
                "file holds one person's answers (one round, one respondent). Import a survey "
                "export, or add rounds to an answer file by hand",
            )
            return
        a, person = org.assessments[0], people[0]
        if a.comment is not None:
            self.problem(
                row,
                "kommentar",
                "a comment on the round: the files make one round together, which keeps no "
                "file's round comment; move it to the respondent, or remove it",
            )
        if org.name == answerfile.SELF_ASSESSMENT_DEFAULT_NAME:
            self.problem(
                row,
                "namn",
                f"'{org.name}' is what the self-assessment page writes when no organisation was "
                "named; write the organisation's name in namn and import again",
            )
            return
        slug = self.orgs.slug_of(org.name)
        if slug is None:
            self.problem(row, "namn", f"'{show(org.name)}' gives no file name (a–z, 0–9 and hyphens); rename the organisation")
            return
        if not self.imported.identify(row, slug, org.name, org.type, lambda first: self.files[first - 1][1]):
            return
        self.dates.setdefault(slug, []).append((a.date, row))
        answers = {
            qid: ImportedAnswer(answer.value, answer.option) if answer is not None else ImportedAnswer(None)
            for qid, answer in person.answers
            if answer is not None or qid in person.dont_know
        }
        r = self.rounds.setdefault(slug, ImportedRound(slug, self.default_date or a.date, row))
        r.rows.append(row)
        r.respondents.append(ImportedRespondent(row, person.role, answers, person.comment))

    def same_day(self) -> None:
        """Without --datum, the files of one round must have been made on one day."""
        if self.default_date is not None:
            return
        for made in self.dates.values():
            first_day, first_row = made[0]
            for day, row in made[1:]:
                if day != first_day:
                    self.problem(
                        row,
                        "datum",
                        f"{day.isoformat()}, but {self.files[first_row - 1][1]} was made on "
                        f"{first_day.isoformat()}; give --datum YYYY-MM-DD for the round they make together",
                    )
