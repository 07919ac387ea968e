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
from ..answers import list_answer_files, read_files
from ..problems import Problem
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


def _parts_of(entry) -> dict:
    """An organisation's parts as a manifest lists them. A manifest written before parts had
    keys lists one set of files: they are sorted into parts with no key, so that --only keeps
    them and every other build renders them again; one written before the public PDF was a
    part of its own has it in `site`, and one written before the action-plan workbook came with
    the delivery PDF has it in `leverans`: such a file is sorted into its part, which loses its key."""
    if not isinstance(entry, dict):
        return {}
    if isinstance(entry.get("files"), list):
        entry = {"site": {"key": None, "files": entry["files"]}}
    parts: dict = {}
    for name, part in entry.items():
        if not (isinstance(part, dict) and isinstance(part.get("files"), list) and all(isinstance(f, str) for f in part["files"])):
            continue
        key = part.get("key") if isinstance(part.get("key"), str) else None
        for f in part["files"]:
            kind = ("site-pdf" if f.endswith(".pdf") else "site") if f.startswith("site/") else \
                   ("leverans-pdf" if f.endswith((".pdf", ".xlsx")) else "leverans")  # as site.part_files has them
            moved = kind != name
            entry_ = parts.setdefault(kind, {"key": None if moved else key, "files": []})
            if moved:
                entry_["key"] = None
            entry_["files"].append(f)
    return parts


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


def previous_parts(out_dir: Path, manifest: dict | None) -> dict[str, dict[str, PreviousPart]]:
    """The previous build's parts, each marked present when all its files are still there.

    A manifest only says which parts an organisation had and their keys: the files of a part
    are always `site.part_files`, so a manifest that names others (outside the output, someone
    else's, a shared page) is taken to list no files for that part, which is then rendered again.
    """
    from ..answers import SLUG
    from ..site import part_files

    out: dict[str, dict[str, PreviousPart]] = {}
    folders: dict = {}
    for slug, entry in (manifest or {}).get("orgs", {}).items():
        if not (isinstance(slug, str) and SLUG.fullmatch(slug)):
            continue
        for part, e in _parts_of(entry).items():
            if part not in ("site", "site-pdf", "leverans", "leverans-pdf"):
                continue
            files = part_files(slug, part)
            as_listed = sorted(e["files"]) == sorted(files)
            present = as_listed and all(_present(out_dir, f, folders) for f in files)
            out.setdefault(slug, {})[part] = PreviousPart(e["key"] if as_listed else None, files, present)
    return out


def previous_national(out_dir: Path, manifest: dict | None) -> dict[str, dict[str, PreviousPart]]:
    """The previous build's national follow-up parts, by round year, each marked present when all
    its files are still there. As for an organisation's parts, only the files a part may hold
    (`site.national_files`) are ever believed: a manifest naming any other has that part's key
    and files ignored, and the part is rendered again."""
    from ..site import national_files

    out: dict[str, dict[str, PreviousPart]] = {}
    folders: dict = {}
    national = (manifest or {}).get("national")
    for year, parts in (national.items() if isinstance(national, dict) else ()):
        if not (isinstance(year, str) and re.fullmatch(r"[0-9]{4}", year) and isinstance(parts, dict)):
            continue
        for part, e in parts.items():
            if part not in ("national", "national-pdf") or not isinstance(e, dict):
                continue
            allowed = national_files(year, part)
            files = e.get("files")
            listed = isinstance(files, list) and all(isinstance(f, str) for f in files) and len(set(files)) == len(files) \
                and set(files) <= set(allowed) and allowed[0] in files
            key = e.get("key") if listed and isinstance(e.get("key"), str) else None
            files = tuple(sorted(files)) if listed else allowed
            present = listed and all(_present(out_dir, f, folders) for f in files)
            out.setdefault(year, {})[part] = PreviousPart(key, files, present)
    return out


def previous_search(out_dir: Path, manifest: dict | None) -> PreviousPart | None:
    """The previous build's search index, marked present when all its files are still there. A
    manifest that names a file Pagefind does not write for us (`search.FILE`) lists no index."""
    from ..search import FILE

    entry = (manifest or {}).get("search")
    if not isinstance(entry, dict):
        return None
    files, key = entry.get("files"), entry.get("key")
    if not (isinstance(files, list) and files and isinstance(key, str)
            and all(isinstance(f, str) and FILE.fullmatch(f) for f in files) and len(set(files)) == len(files)):
        return None
    folders: dict = {}
    return PreviousPart(key, tuple(sorted(files)), all(_present(out_dir, f, folders) for f in files))


def load_project(project_dir: Path, settings, guidance=None):
    """The instrument, guidance, templates and styles; `guidance` when a cache has the pages converted already."""
    from ..content import load_guidance
    from ..instrument import load_instrument
    from ..render import environment
    from ..site import Project

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
