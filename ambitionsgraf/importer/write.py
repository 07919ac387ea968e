"""Writing what an import planned: answer-file text (the text itself is answerfile's) and the files.

A new file is answerfile.answer_file; an existing one gets the new rounds inserted after the last
entry of its `matningar:` list, every existing byte kept (never a re-dump). The files are written
all or nothing: every one staged first (atomic.stage), then each put in place (atomic.place).

Between the two, a journal in the answer files' folder (JOURNAL) lists each staged file and its
target. A Ctrl-C or SIGTERM waits for the files to be in place; a process killed outright (SIGKILL,
a power cut) leaves the journal, and the next command run on the folder finishes the import from it
(finish_interrupted): every staged file still there is put in place, so the folder holds the whole
import, never part of it.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import orjson

from .. import answerfile, atomic
from ..instrument import Instrument, Question
from ..problems import ContentError, Problem
from ..text import show
from .model import FileChange, ImportedAnswer, ImportedRound


def _answer(ins: Instrument, q: Question, answer: ImportedAnswer) -> answerfile.Answer:
    shown = ins.dont_know if answer.value is None else answer.value
    return {"svar": shown, q.extra: answer.option} if answer.option and q.extra else shown


def _round(ins: Instrument, r: ImportedRound, source: str) -> answerfile.Round:
    rows = f"row {r.rows[0]}" if len(r.rows) == 1 else f"rows {', '.join(str(n) for n in r.rows)}"
    note = r.note if r.note is not None else f"Imported by build.py import from {show(source, 80)} ({rows})."
    respondents = [
        answerfile.Respondent(
            resp.role, {q.id: _answer(ins, q, resp.answers[q.id]) for q in ins.questions if q.id in resp.answers}, resp.comment or None
        )
        for resp in r.respondents
    ]
    return answerfile.Round(r.date, respondents, note=note)


def round_lines(ins: Instrument, r: ImportedRound, source: str) -> list[str]:
    """One assessment as list-item lines, indented relative to the item's dash at column 0."""
    return answerfile.round_lines(_round(ins, r, source))


def render_new_file(ins: Instrument, name: str, type_: str, rounds: list[ImportedRound], source: str, code: str | None = None) -> str:
    return answerfile.answer_file(name, type_, [_round(ins, r, source) for r in rounds], published=False, code=code)


class CannotExtend(Exception):
    pass


def extend_text(ins: Instrument, text: str, rounds: list[ImportedRound], source: str) -> str:
    """`text` with the rounds inserted after the last entry of its `matningar:` list.

    The file was validated already, so composing it with PyYAML is safe; only
    the marks (where the list starts and ends) are used, never a re-dump.
    """
    import yaml

    bom = "\ufeff" if text.startswith("\ufeff") else ""
    body = text[len(bom) :]
    root = yaml.compose(body, Loader=yaml.SafeLoader)
    assert root is not None  # a valid answer file is a mapping
    seq = next(v for k, v in root.value if k.value == "matningar")
    if seq.flow_style:
        raise CannotExtend("matningar is written as a [flow] list; write it as a block list (one '- datum:' per entry) to import into it")
    dash = seq.start_mark.column
    item = seq.value[0].start_mark.column  # where the item's keys start ("- datum": dash + 2)
    newline = "\r\n" if "\r\n" in body else "\n"
    end = seq.end_mark.index  # where the next token starts, or the end of the file
    if not body[end:].strip():  # the list runs to the end of the file
        if body and not body.endswith("\n"):
            body += newline
        position = len(body)
    else:
        position = body.rfind("\n", 0, end) + 1  # the start of the next key's line
    # Blank lines and column-0 comments just before the next key (or the end) stay after the new round.
    while position > seq.start_mark.index:
        previous = body.rfind("\n", 0, position - 1) + 1
        line = body[previous:position]
        if line.strip() and not line.startswith("#"):
            break
        position = previous
    pad = " " * dash
    inner = " " * (item - dash - 2)  # "-   datum:" keeps its extra spaces
    out: list[str] = []
    for r in rounds:
        for line in round_lines(ins, r, source):
            if line.startswith("- "):
                out.append(pad + "- " + inner + line[2:])
            else:
                out.append(pad + (inner if not line.startswith("#") else "") + line)
    inserted = newline.join(out) + newline
    return bom + body[:position] + inserted + body[position:]


def write_changes(changes: list[FileChange]) -> None:
    """Write every file, each atomically; new files are never written over one that appeared meanwhile.

    A file keeps its permissions (and, where allowed, its owner and group); a new one gets the
    permissions the umask gives. A symbolic link is written through: the file it leads to gets
    the new text and the link stays. Refused before anything is written, as a ContentError: a
    link that leads nowhere, a file with other names (hard links), one changed since it was read.
    """
    targets = [_target(change) for change in changes]  # every refusal before the first byte
    staged: list[tuple[Path, FileChange, Path]] = []
    journal = _journal_path(changes)
    try:
        for change, (target, st) in zip(changes, targets):
            try:
                tmp = atomic.stage(target, change.new.encode("utf-8"), mode=atomic.umask_mode() if st is None else None)
                staged.append((tmp, change, target))
                if st is not None:
                    _same_permissions(tmp, st)
            except OSError as exc:  # nothing is in place yet
                raise ContentError([Problem(change.shown, 1, "file", f"cannot be written: {exc.strerror or exc}")]) from None
        if journal is not None:
            entries = [
                {"staged": str(tmp), "target": str(_placed_at(change, target)), "new": change.old is None} for tmp, change, target in staged
            ]
            atomic.write(journal, orjson.dumps(entries), replace=False)
        for tmp, change, target in staged:
            atomic.place(tmp, _placed_at(change, target), replace=change.old is not None)
    finally:
        for tmp, _, _ in staged:
            tmp.unlink(missing_ok=True)
        if journal is not None:
            journal.unlink(missing_ok=True)  # every file in place, or an error on the way: nothing staged is left to finish


JOURNAL = ".import-pagar.json"  # hidden: never read as an answer file


def _placed_at(change: FileChange, target: Path) -> Path:
    return change.path if change.old is None else target


def _journal_path(changes: list[FileChange]) -> Path | None:
    """The journal of an import of more than one file (one file is put in place with one rename)."""
    return changes[0].path.parent / JOURNAL if len(changes) > 1 else None


def finish_interrupted(orgs_dir: Path) -> str | None:
    """Finish an import that was killed while putting its files in place (see the module's note);
    a note saying so, or None when there was nothing to finish. ContentError when it cannot be."""
    journal = orgs_dir / JOURNAL
    try:
        entries = orjson.loads(journal.read_bytes())
    except (FileNotFoundError, NotADirectoryError):  # no journal, or no folder: the command says what is wrong
        return None
    except (OSError, orjson.JSONDecodeError) as exc:
        raise ContentError(
            [Problem(str(journal), 1, "file", f"an interrupted import's journal cannot be read: {exc}; remove it and import again")]
        ) from None
    placed = 0
    for entry in entries:
        staged, target = Path(entry["staged"]), Path(entry["target"])
        if not staged.exists():
            continue  # put in place before the import stopped
        if entry["new"] and target.exists():
            if target.read_bytes() != staged.read_bytes():
                raise ContentError(
                    [Problem(str(target), 1, "file", f"appeared after an import was stopped; compare it with {staged} and remove one")]
                )
            staged.unlink()  # linked in place, not yet tidied
            continue
        atomic.place(staged, target)
        placed += 1
    journal.unlink()
    return f"{journal}: finished an import that was stopped while writing its files ({placed} of {len(entries)} put in place now)"


def _target(change: FileChange) -> tuple[Path, os.stat_result | None]:
    """The file a change is written to (where a symbolic link leads), and its status (None: a new file)."""

    def refuse(message: str) -> ContentError:
        return ContentError([Problem(change.shown, 1, "file", message)])

    if change.old is None:
        if os.path.islink(change.path):
            raise refuse(
                f"is a symbolic link to {show(os.readlink(change.path), 80)} that does not exist; "
                "remove it, or make it lead to the answer file, and import again"
            )
        return change.path, None
    target = Path(os.path.realpath(change.path))
    try:
        st = os.stat(target)
        current = target.read_bytes() if stat.S_ISREG(st.st_mode) else None
    except OSError as exc:
        raise refuse(f"cannot be read again before writing: {exc.strerror or exc}") from None
    if current is None:
        raise refuse("is no longer a regular file")
    if st.st_nlink > 1:
        raise refuse(
            f"has {st.st_nlink} names (hard links); a new version would leave the others with the old text: "
            "replace them with symbolic links, or import into a copy"
        )
    if current != change.old.encode("utf-8"):
        raise refuse("changed while importing; run the import again")
    return target, st


def _same_permissions(tmp: Path, st: os.stat_result) -> None:
    """Give a staged file the permissions (and, where allowed, the owner and group) of the file it replaces."""
    fd = os.open(tmp, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    try:
        if (st.st_uid, st.st_gid) != (os.fstat(fd).st_uid, os.fstat(fd).st_gid):
            for uid in (st.st_uid, -1):  # the owner only root may give; the group, a member of it
                try:
                    os.fchown(fd, uid, st.st_gid)
                    break
                except OSError:
                    pass
        os.fchmod(fd, stat.S_IMODE(st.st_mode))  # after chown, which may clear set-id bits
    finally:
        os.close(fd)
