"""A build's inputs: the answer files' bytes, the code's fingerprint, the project, and the previous
build's manifest as the planner reads it (checked against the disk)."""

from __future__ import annotations

import hashlib
import os
import re
import stat
from pathlib import Path

import orjson

from .. import VERSION
from ..answers import SLUG, list_answer_files, read_files
from ..content import load_guidance
from ..instrument import load_instrument
from ..problems import Problem
from ..project import Project
from ..render import environment
from ..search import FILE
from . import parts
from .plan import PreviousPart


def read_answer_files(orgs_dir: Path) -> tuple[dict[Path, bytes], list[Problem]]:
    """Every answer file's bytes, read once, and a problem for each entry named like one that cannot be read."""
    files, problems = list_answer_files(orgs_dir)
    data, read_problems = read_files(files)
    return data, problems + read_problems


def code_fingerprint(project_dir: Path, settings: bytes = b"") -> str:
    """Everything besides the answer files that shapes the output: code, templates, content and
    the settings file's bytes (which every page may show: address, contact, licence)."""
    h = hashlib.sha256(VERSION.encode() + b"\0" + settings + b"\0")
    for base in ("ambitionsgraf", "templates", "content", "constraints.txt"):
        root = project_dir / base
        for p in sorted(root.rglob("*")) if root.is_dir() else [root]:
            if p.is_file() and "__pycache__" not in p.parts:
                h.update(str(p.relative_to(project_dir)).encode() + b"\0" + p.read_bytes() + b"\0")
    return h.hexdigest()


def inputs_fingerprint(code: str, options: list, data: dict[Path, bytes]) -> str:
    """Of every input: a build whose fingerprint equals the previous one's has nothing to do."""
    h = hashlib.sha256(orjson.dumps([code, options]))
    for p, content in sorted(data.items()):
        h.update(p.name.encode() + b"\0" + content + b"\0")
    return h.hexdigest()


def data_digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def _parts_of(entry, slug: str) -> dict:
    """An organisation's parts as a manifest lists them. A manifest written before parts had
    keys lists one set of files: they are sorted into parts with no key, so that --only keeps
    them and every other build renders them again; one written before the public PDF was a
    part of its own has it in `site`, and one written before the action-plan workbook came with
    the delivery PDF has it in `leverans`: such a file is sorted into its part, which loses its key."""
    if not isinstance(entry, dict):
        return {}
    if isinstance(entry.get("files"), list):
        entry = {"site": {"key": None, "files": entry["files"]}}
    found: dict = {}
    for name, part in entry.items():
        if not (isinstance(part, dict) and isinstance(part.get("files"), list) and all(isinstance(f, str) for f in part["files"])):
            continue
        key = part.get("key") if isinstance(part.get("key"), str) else None
        for f in part["files"]:
            kind = parts.organisation_part_of_file(f, slug)  # as the layout has it
            moved = kind != name
            entry_ = found.setdefault(kind, {"key": None if moved else key, "files": []})
            if moved:
                entry_["key"] = None
            entry_["files"].append(f)
    return found


def _present(out_dir: Path, relpath: str, folders: dict) -> bool:
    """The file is a regular file inside the output, reached through real folders only: a
    symbolic link anywhere on the way could make a carried-over file one from elsewhere."""
    parts = relpath.split("/")
    folder = out_dir
    for name in parts[:-1]:
        folder = folder / name
        if folder not in folders:
            try:
                folders[folder] = stat.S_ISDIR(os.lstat(folder).st_mode)
            except OSError:
                folders[folder] = False
        if not folders[folder]:
            return False
    try:
        return stat.S_ISREG(os.lstat(folder / parts[-1]).st_mode)
    except OSError:
        return False


def _believed(unit: str, part: parts.Part, entry: dict, out_dir: Path, folders: dict) -> PreviousPart:
    """One part as the previous manifest lists it. Only the files the layout gives the part are ever
    believed: a manifest that names others (outside the output, someone else's, a shared page) is
    taken to list no key for that part, which is then rendered again. An organisation's part must
    list its files exactly; a year's page lists the charts its view drew, a subset of all it may hold."""
    assert part.files is not None  # a part of an organisation or a year: it has a layout
    allowed = part.files(unit, part.name)
    files = entry.get("files")
    if part.scope == parts.ORGANISATION:
        listed = isinstance(files, list) and sorted(files) == sorted(allowed)
    else:
        listed = (
            isinstance(files, list)
            and all(isinstance(f, str) for f in files)
            and len(set(files)) == len(files)
            and set(files) <= set(allowed)
            and allowed[0] in files
        )
    key = entry.get("key") if listed and isinstance(entry.get("key"), str) else None
    files = tuple(sorted(files) if listed and part.scope != parts.ORGANISATION else allowed)  # type: ignore[arg-type]  # listed: files is a list
    return PreviousPart(key, files, listed and all(_present(out_dir, f, folders) for f in files))


_UNIT = {parts.ORGANISATION: SLUG, parts.YEAR: re.compile(r"[0-9]{4}")}  # what names an organisation or a year


def previous_of(out_dir: Path, manifest: dict | None, scope: str) -> dict[str, dict[str, PreviousPart]]:
    """The previous build's parts of one scope (organisations, or the national follow-up's years), by
    slug or year and part, each marked present when all its files are still there."""
    section = next(p.manifest for p in parts.PARTS if p.scope == scope)
    names = {p.name: p for p in parts.PARTS if p.scope == scope}
    entries = (manifest or {}).get(section)
    out: dict[str, dict[str, PreviousPart]] = {}
    folders: dict = {}
    for unit, entry in entries.items() if isinstance(entries, dict) else ():
        if not (isinstance(unit, str) and _UNIT[scope].fullmatch(unit)):
            continue
        listed = _parts_of(entry, unit) if scope == parts.ORGANISATION else entry if isinstance(entry, dict) else {}
        for name, e in listed.items():
            if name in names and isinstance(e, dict):
                out.setdefault(unit, {})[name] = _believed(unit, names[name], e, out_dir, folders)
    return out


def previous_parts(out_dir: Path, manifest: dict | None) -> dict[str, dict[str, PreviousPart]]:
    """The previous build's organisations' parts (see previous_of)."""
    return previous_of(out_dir, manifest, parts.ORGANISATION)


def previous_national(out_dir: Path, manifest: dict | None) -> dict[str, dict[str, PreviousPart]]:
    """The previous build's national follow-up parts, by round year (see previous_of)."""
    return previous_of(out_dir, manifest, parts.YEAR)


def previous_search(out_dir: Path, manifest: dict | None) -> PreviousPart | None:
    """The previous build's search index, marked present when all its files are still there. A
    manifest that names a file Pagefind does not write for us (`search.FILE`) lists no index."""

    entry = (manifest or {}).get("search")
    if not isinstance(entry, dict):
        return None
    files, key = entry.get("files"), entry.get("key")
    if not (
        isinstance(files, list)
        and files
        and isinstance(key, str)
        and all(isinstance(f, str) and FILE.fullmatch(f) for f in files)
        and len(set(files)) == len(files)
    ):
        return None
    folders: dict = {}
    return PreviousPart(key, tuple(sorted(files)), all(_present(out_dir, f, folders) for f in files))


def load_project(project_dir: Path, settings, guidance=None):
    """The instrument, guidance, templates and styles; `guidance` when a cache has the pages converted already."""

    content = project_dir / "content"
    templates = project_dir / "templates"
    ins = load_instrument(content / "instrument.yaml")
    return Project(
        ins=ins,
        guidance=guidance if guidance is not None else load_guidance(ins, content),
        env=environment(templates),
        site_css=(templates / "assets" / "site.css").read_text(encoding="utf-8"),
        print_css=(templates / "print" / "report.css").read_text(encoding="utf-8"),
        settings=settings,
    )
