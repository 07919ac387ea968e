"""Which answer file an organisation's name belongs to, for every source alike: an existing file with
that namn (compared by text.name_key, as `check` and `new` compare names), else the slug
`build.py new` would give it (text.slug_for)."""

from __future__ import annotations

from pathlib import Path

from ..answers import SLUG, display_path, list_answer_files, parse_organisation, read_files
from ..instrument import Instrument
from ..text import name_key, slug_for


def existing_names(ins: Instrument, orgs_dir: Path) -> dict[str, str]:
    """The valid answer files in `orgs_dir` by folded name: how an import finds the file an
    organisation's name belongs to. A file that cannot be read is skipped here; it is reported
    by name if an imported row's slug leads to it."""
    names: dict[str, str] = {}
    files, _ = list_answer_files(orgs_dir) if orgs_dir.is_dir() else ([], [])  # the files the build reads
    data, _ = read_files(files)  # a pipe or a device among them never blocks the import
    for path in sorted(data):
        org, _ = parse_organisation(ins, path, data[path], display_path(path))
        if org is not None:
            names.setdefault(name_key(org.name), path.stem)
    return names


class Organisations:
    """The answer files of `orgs_dir` by name, read when first asked."""

    def __init__(self, ins: Instrument, orgs_dir: Path):
        self.ins = ins
        self.orgs_dir = orgs_dir
        self._names: dict[str, str] | None = None

    def slug_of(self, name: str) -> str | None:
        """The slug of the file `name` belongs to; None when the name gives no valid file name."""
        if self._names is None:
            self._names = existing_names(self.ins, self.orgs_dir)
        slug = self._names.get(name_key(name)) or slug_for(name)
        return slug if slug and SLUG.fullmatch(slug) else None
