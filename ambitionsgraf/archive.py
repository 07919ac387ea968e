"""The delivery archive: each package exactly as it was delivered, and the register of what was sent.

    arkiv/leveranser/                     beside orgs/ (the project's own: <project>/arkiv/leveranser)
        .gitignore                        `*`: git never sees a delivered package
        register.json, register.csv       every delivery: organisation, round, version, date, diarienummer, files' SHA-256
        <year>/jamforelsegrund.json       the round year as it stood at its first delivery (what later packages compare with)
        <year>/<slug>/v<n>/…              the package's files, as delivered

Folders are 0700 and files 0600: the packages hold unpublished organisations' results. Builds read
the archive (the comparison basis, what was delivered) and never write it; only `build.py leverera`
adds to it, and it never changes or removes what is there.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import re
from dataclasses import dataclass
from pathlib import Path

import orjson

from . import atomic
from .problems import ContentError, Problem
from .text import ISO_DATE

REGISTER_JSON, REGISTER_CSV, BASIS = "register.json", "register.csv", "jamforelsegrund.json"
CSV_COLUMNS = (
    "organisation",
    "slug",
    "matningsar",
    "matning",
    "version",
    "levererad",
    "diarienummer",
    "fil",
    "sha256",
    "ersatt_av_version",
)
_YEAR = re.compile(r"\d{4}")
_HEX = re.compile(r"[0-9a-f]{64}")


def package_names(slug: str) -> tuple[str, ...]:
    """The files of an organisation's delivery package, as the build writes them to leverans/."""
    return (f"{slug}.pdf", f"{slug}.json", f"{slug}-handlingsplan.csv", f"{slug}-handlingsplan.xlsx")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def default_root(orgs_dir: Path) -> Path:
    """The archive beside the answer files' folder: <project>/arkiv/leveranser for the project's orgs/."""
    return Path(os.path.abspath(orgs_dir)).parent / "arkiv" / "leveranser"


@dataclass(frozen=True)
class Delivered:
    """One package as the register lists it."""

    slug: str
    organisation: str  # its name when delivered
    year: str  # the round year
    round_date: str  # the round the package reports
    version: int
    date: str  # delivered, YYYY-MM-DD
    diarienummer: str
    files: tuple[tuple[str, str], ...]  # (file name, SHA-256)

    @property
    def folder(self) -> str:
        return f"{self.year}/{self.slug}/v{self.version}"

    def as_json(self) -> dict:
        return {
            "organisation": self.organisation,
            "slug": self.slug,
            "matningsar": self.year,
            "matning": self.round_date,
            "version": self.version,
            "levererad": self.date,
            "diarienummer": self.diarienummer,
            "mapp": self.folder,
            "filer": [{"fil": n, "sha256": h} for n, h in self.files],
        }


def _delivered_from_json(v, where: str) -> Delivered:
    def need(ok: bool, field: str) -> None:
        if not ok:
            raise ContentError([Problem(where, 1, field, "is not as `build.py leverera` writes it; restore the register from a backup")])

    need(isinstance(v, dict), "entry")
    for key in ("organisation", "slug", "matningsar", "matning", "levererad", "diarienummer"):
        need(isinstance(v.get(key), str), key)
    need(_YEAR.fullmatch(v["matningsar"]) is not None and ISO_DATE.fullmatch(v["matning"]) is not None, "matning")
    need(ISO_DATE.fullmatch(v["levererad"]) is not None, "levererad")
    need(type(v.get("version")) is int and v["version"] >= 1, "version")
    need(isinstance(v.get("filer"), list) and v["filer"], "filer")
    files = []
    for f in v["filer"]:
        need(
            isinstance(f, dict)
            and isinstance(f.get("fil"), str)
            and "/" not in f["fil"]
            and isinstance(f.get("sha256"), str)
            and _HEX.fullmatch(f["sha256"]) is not None,
            "filer",
        )
        files.append((f["fil"], f["sha256"]))
    return Delivered(
        v["slug"], v["organisation"], v["matningsar"], v["matning"], v["version"], v["levererad"], v["diarienummer"], tuple(files)
    )


class Archive:
    def __init__(self, root: Path):
        self.root = root
        self._register: list[Delivered] | None = None

    # -- reading ----------------------------------------------------------------------------------

    def deliveries(self) -> list[Delivered]:
        if self._register is None:
            path = self.root / REGISTER_JSON
            try:
                raw = path.read_bytes()
            except FileNotFoundError:
                self._register = []
                return self._register
            try:
                data = orjson.loads(raw)
            except orjson.JSONDecodeError as exc:
                raise ContentError([Problem(str(path), 1, "register", f"is not JSON ({exc}); restore it from a backup")]) from None
            if not isinstance(data, dict) or not isinstance(data.get("leveranser"), list):
                raise ContentError([Problem(str(path), 1, "leveranser", "is missing; restore the register from a backup")])
            self._register = [_delivered_from_json(v, str(path)) for v in data["leveranser"]]
        return self._register

    def versions(self, year: str, slug: str) -> list[Delivered]:
        return sorted((d for d in self.deliveries() if d.year == year and d.slug == slug), key=lambda d: d.version)

    def years(self) -> list[str]:
        return sorted({d.year for d in self.deliveries()})

    def file(self, d: Delivered, name: str) -> bytes:
        return (self.root / d.folder / name).read_bytes()

    def basis(self, year: str) -> dict | None:
        """The round year as it stood at its first delivery: {slug: summary data}, or None before one."""
        path = self.root / year / BASIS
        try:
            data = orjson.loads(path.read_bytes())
        except FileNotFoundError:
            return None
        except orjson.JSONDecodeError as exc:
            raise ContentError([Problem(str(path), 1, "jamforelsegrund", f"is not JSON ({exc}); restore it from a backup")]) from None
        if not isinstance(data, dict) or not isinstance(data.get("organisationer"), dict):
            raise ContentError([Problem(str(path), 1, "organisationer", "is missing; restore it from a backup")])
        return data["organisationer"]

    def digest(self) -> str:
        """Of everything a build reads here: the register and each year's comparison basis."""
        h = hashlib.sha256()
        for path in [self.root / REGISTER_JSON] + sorted(self.root.glob(f"*/{BASIS}")):
            try:
                h.update(str(path.relative_to(self.root)).encode() + b"\0" + path.read_bytes() + b"\0")
            except FileNotFoundError:
                h.update(b"-\0")
        return h.hexdigest()

    def by_slug(self) -> dict[str, list[tuple[str, int, str, str, str]]]:
        """slug -> its deliveries as (round year, version, date, folder, SHA-256 of its JSON), oldest first:
        what a build needs."""
        out: dict = {}
        for d in sorted(self.deliveries(), key=lambda d: (d.year, d.version)):
            data = dict(d.files).get(f"{d.slug}.json", "")
            out.setdefault(d.slug, []).append((d.year, d.version, d.date, d.folder, data))
        return out

    def find(self, digest: str) -> list[Delivered]:
        return [d for d in self.deliveries() if any(h == digest for _, h in d.files)]

    # -- writing (build.py leverera only) ------------------------------------------------------------

    def _folder(self, path: Path) -> None:
        """A private folder, and every folder above it up to the archive's root."""
        if not self.root.exists():
            self.root.mkdir(mode=0o700, parents=True)
            os.chmod(self.root, 0o700)
            gitignore = self.root / ".gitignore"
            atomic.write(gitignore, "# Delivered packages hold unpublished organisations' results: never in git.\n*\n", mode=0o600)
        current = self.root
        for part in path.relative_to(self.root).parts:
            current = current / part
            current.mkdir(mode=0o700, exist_ok=True)
            os.chmod(current, 0o700)

    def save_basis(self, year: str, summaries: dict) -> None:
        path = self.root / year / BASIS
        if path.exists():
            raise RuntimeError(f"{path} exists: a year's comparison basis is written once, at its first delivery")
        self._folder(path.parent)
        atomic.write(path, orjson.dumps({"matningsar": year, "organisationer": summaries}, option=orjson.OPT_SORT_KEYS), mode=0o600)

    def store(self, d: Delivered, files: dict[str, bytes]) -> None:
        """The package's files into their own new folder (never over one that exists)."""
        folder = self.root / d.folder
        if folder.exists():
            raise ContentError(
                [
                    Problem(
                        str(folder),
                        1,
                        "version",
                        "exists but the register does not list it (a delivery that was "
                        "stopped?); check it, move it aside and deliver again",
                    )
                ]
            )
        self._folder(folder.parent)
        staging = folder.parent / f".v{d.version}.incomplete"
        if staging.exists():
            for f in staging.iterdir():
                f.unlink()
        else:
            staging.mkdir(mode=0o700)
        for name, data in files.items():
            atomic.write(staging / name, data, mode=0o600)
        os.rename(staging, folder)  # the version appears whole

    def record(self, added: list[Delivered]) -> None:
        """Add deliveries to the register: JSON and CSV, each written whole."""
        self._folder(self.root)
        everything = sorted(self.deliveries() + added, key=lambda d: (d.year, d.slug, d.version))
        atomic.write(
            self.root / REGISTER_JSON,
            orjson.dumps({"leveranser": [d.as_json() for d in everything]}, option=orjson.OPT_INDENT_2),
            mode=0o600,
        )
        atomic.write(self.root / REGISTER_CSV, register_csv(everything), mode=0o600)
        self._register = everything


def keep_as_delivered(leverans: Path, slugs, archive: Archive) -> list[str]:
    """In a build's leverans/ folder, the packages of these organisations whose data are the latest
    delivered version's, file by file as delivered: a build never hands out other bytes for a delivered
    package (a change of code or of the site's address would render it anew). Returns the files replaced."""
    replaced = []
    for slug in slugs:
        try:
            current = sha256((leverans / f"{slug}.json").read_bytes())
        except OSError:
            continue
        year = None
        for d in archive.deliveries():
            if d.slug == slug and dict(d.files).get(f"{slug}.json") == current:
                year = d.year
        versions = archive.versions(year, slug) if year else []
        if not versions or dict(versions[-1].files).get(f"{slug}.json") != current:
            continue  # never delivered, or corrected since (its next version)
        for name, digest in versions[-1].files:
            target = leverans / name
            try:
                if sha256(target.read_bytes()) == digest:
                    continue
            except OSError:
                continue  # a build without PDFs: the document is not in this output
            data = archive.file(versions[-1], name)
            target.unlink()  # it may be a hard link to the previous build: never write through it
            target.write_bytes(data)
            replaced.append(f"leverans/{name}")
    return replaced


def replaced_by(d: Delivered, everything: list[Delivered]) -> int | None:
    """The latest version that replaced this delivery, or None if it is the current one."""
    later = [e.version for e in everything if e.year == d.year and e.slug == d.slug and e.version > d.version]
    return max(later) if later else None


def register_csv(everything: list[Delivered]) -> bytes:
    """One row a file, for an archivist's spreadsheet: UTF-8 with BOM and semicolons, as Swedish Excel opens it."""
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=";", lineterminator="\r\n")
    w.writerow(CSV_COLUMNS)
    for d in everything:
        later = replaced_by(d, everything)
        for name, digest in d.files:
            w.writerow(
                [
                    _cell(d.organisation),
                    d.slug,
                    d.year,
                    d.round_date,
                    d.version,
                    d.date,
                    _cell(d.diarienummer),
                    name,
                    digest,
                    "" if later is None else later,
                ]
            )
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def _cell(text: str) -> str:
    """A cell a spreadsheet shows as text, never runs as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
