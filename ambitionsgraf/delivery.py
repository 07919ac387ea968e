"""`build.py leverera`: record a round year's delivery packages as delivered; `build.py verifiera`: was a file delivered?

Delivering builds first (with PDFs, into the build's own output, incrementally: what is current
is carried over), so the packages are current by construction and every answer file is valid.
The year's first delivery then fixes the year's comparison basis (basis.py) — the build that
follows compares with it, and renders nothing anew — and each package is checked and copied
into the archive (archive.py), as version 1, or as the next version when its data differ from
the latest one delivered. A package whose data equal the latest delivered is not delivered again.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field, replace
from pathlib import Path

import orjson

from . import layout
from .answers import answer_path
from .archive import Archive, Delivered, package_names, replaced_by, sha256
from .problems import ContentError, Problem
from .scoring import round_year
from .text import day_option


@dataclass
class Outcome:
    delivered: list[Delivered] = field(default_factory=list)
    unchanged: list[Delivered] = field(default_factory=list)  # the latest delivered version, whose data are current
    basis_fixed: bool = False  # this delivery fixed the year's comparison basis


def _problem(where, field_: str, message: str) -> ContentError:
    return ContentError([Problem(str(where), 1, field_, message)])


def _year_basis(opts, year: str) -> dict:
    """Every valid organisation with a round in `year`, as the comparison basis holds it."""
    from .answers import list_answer_files, load_organisations
    from .basis import snapshot
    from .instrument import load_instrument
    from .scoring import score_organisation, summarise

    ins = load_instrument(opts.project_dir / "content" / "instrument.yaml")
    files, problems = list_answer_files(opts.orgs_dir)
    orgs, found, _ = load_organisations(ins, files)
    if problems or found:  # the build has just accepted them all: a file changed meanwhile
        raise ContentError(problems + found)
    return snapshot([summarise(score_organisation(ins, o)) for o in orgs], year)


def packages_of(out_dir: Path, year: str) -> dict[str, dict]:
    """slug -> delivery JSON of every package in the build's leverans/ whose round is in `year`."""
    from .pipeline.output import read_manifest

    manifest = read_manifest(out_dir) or {"orgs": {}}
    out = {}
    for slug in sorted(manifest["orgs"]):
        path = out_dir / layout.DELIVERY / f"{slug}.json"
        if path.is_file():
            data = orjson.loads(path.read_bytes())
            if round_year(data["matningar"][-1]["datum"]) == year:
                out[slug] = data
    return out


def _checked_files(out_dir: Path, slug: str, data: dict) -> dict[str, bytes]:
    """The package's files, each checked to be what the build writes: all four there, the JSON this
    organisation's, the PDF a whole PDF 1.7 file and the workbook a zip."""
    files = {}
    for name in package_names(slug):
        path = out_dir / layout.DELIVERY / name
        if not path.is_file():
            raise _problem(path, "file", "is missing from the build's delivery packages (a build without PDFs?)")
        files[name] = path.read_bytes()
    pdf, xlsx = files[f"{slug}.pdf"], files[f"{slug}-handlingsplan.xlsx"]
    if (
        not (pdf.startswith(b"%PDF-1.7") and pdf.rstrip().endswith(b"%%EOF"))
        or not xlsx.startswith(b"PK\x03\x04")
        or data.get("slug") != slug
    ):
        raise _problem(out_dir / layout.DELIVERY / f"{slug}.pdf", "file", "is not a whole package as the build writes it; build again")
    return files


def _same(a: dict, b: dict) -> bool:
    return orjson.dumps(a, option=orjson.OPT_SORT_KEYS) == orjson.dumps(b, option=orjson.OPT_SORT_KEYS)


def archive_place_problem(archive_dir: Path, out_dir: Path, orgs_dir: Path) -> ContentError | None:
    """The archive must lie apart from the build's output (which the next build replaces whole, and
    whose site/ is published) and from the answer files (which go where they go: into git)."""
    archive, shown = archive_dir.resolve(), str(archive_dir)
    for folder, what, why in (
        (out_dir.resolve(), "the build's output folder", "the next build replaces that folder whole, and its site/ is published"),
        (orgs_dir.resolve(), "the answer files' folder", "the delivered packages hold unpublished organisations' results"),
    ):
        if archive == folder or folder in archive.parents:
            return _problem(shown, "--arkiv", f"is inside {what} {folder}: {why}; choose a folder of its own")
        if archive in folder.parents:
            return _problem(shown, "--arkiv", f"holds {what} {folder}; choose a folder of its own")
    return None


def deliver(opts, year: str, only: list[str] | None, diarienummer: str, day: str) -> Outcome:
    """Build, fix the year's comparison basis at its first delivery, and archive the packages."""
    from .pipeline import build

    opts = replace(opts, make_pdf=True, only=None, keep_going=False)
    misplaced = archive_place_problem(opts.archive_folder, opts.out_dir, opts.orgs_dir)
    if misplaced is not None:  # before anything is built or written
        raise misplaced
    archive = Archive(opts.archive_folder)
    archive.deliveries()  # a damaged register stops the delivery before anything is built
    outcome = Outcome()
    build(opts)
    if archive.basis(year) is None:
        if not packages_of(opts.out_dir, year):
            raise _problem(opts.orgs_dir, "år", f"no organisation's latest round is in {year}: nothing to deliver")
        archive.save_basis(year, _year_basis(opts, year))
        outcome.basis_fixed = True
        build(opts)  # compares with the basis now: the same values, so it carries everything over
    packages = packages_of(opts.out_dir, year)
    wanted = sorted(set(only)) if only else sorted(packages)
    unknown = [s for s in wanted if s not in packages]
    if unknown:
        raise ContentError(
            [
                Problem(
                    str(answer_path(opts.orgs_dir, s)),
                    1,
                    "--only",
                    f"has no delivery package for {year} (no valid answer file, or its latest round is another year)",
                )
                for s in unknown
            ]
        )
    if not wanted:
        raise _problem(opts.orgs_dir, "år", f"no organisation's latest round is in {year}: nothing to deliver")
    checked = {slug: _checked_files(opts.out_dir, slug, packages[slug]) for slug in wanted}
    for slug in wanted:
        versions = archive.versions(year, slug)
        if versions and _same(orjson.loads(archive.file(versions[-1], f"{slug}.json")), packages[slug]):
            outcome.unchanged.append(versions[-1])
            continue
        data = packages[slug]
        d = Delivered(
            slug,
            data["namn"],
            year,
            data["matningar"][-1]["datum"],
            (versions[-1].version if versions else 0) + 1,
            day,
            diarienummer,
            tuple((name, sha256(content)) for name, content in checked[slug].items()),
        )
        archive.store(d, checked[slug])
        outcome.delivered.append(d)
    if outcome.delivered:
        archive.record(outcome.delivered)
        build(opts)  # the public pages of corrected organisations say so; no document changes
    return outcome


def parse_day(text: str | None) -> str:
    if text is None:
        return datetime.date.today().isoformat()
    day, why = day_option(text)
    if day is None:
        raise _problem(text, "--datum", str(why))
    return day.isoformat()


def verify(archive: Archive, data: bytes) -> list[str]:
    """What the register says of a file with these bytes, a line per delivery that holds it; empty if none."""
    digest = sha256(data)
    everything = archive.deliveries()
    lines = []
    for d in archive.find(digest):
        name = next(n for n, h in d.files if h == digest)
        said = f"delivered to {d.organisation} ({d.slug}): {name}, round {d.round_date}, version {d.version}, delivered {d.date}" + (
            f", diarienummer {d.diarienummer}" if d.diarienummer else ""
        )
        later = replaced_by(d, everything)
        if later is None:
            said += "; the current version"
        else:
            newest = archive.versions(d.year, d.slug)[-1]
            said += f"; replaced by version {later}, delivered {newest.date}"
        lines.append(said)
    return lines
