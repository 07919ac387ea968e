"""What a build is asked to do, and what it reports."""

from __future__ import annotations

import contextlib
import signal
from dataclasses import dataclass, field
from pathlib import Path

from ..problems import Problem
from ..settings import FILE_NAME
from .plan import BuildPlan


class Interrupted(BaseException):
    """The build was told to stop (Ctrl-C, SIGTERM)."""

    def __init__(self, signum: int):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


class Interruption:
    """Ctrl-C and SIGTERM as a build takes them.

    Until the swap, a signal stops the build at once (its staging folder is removed). A library
    may catch the exception on the way (WeasyPrint catches everything while it draws an image, and
    a PDF would be finished without its chart), so the build also asks `check()` before it swaps.
    During the swap and the cache write a signal is held, and the build finishes: `signum` then
    says that it came, after the new output was in place.
    """

    def __init__(self):
        self.signum: int | None = None
        self._holding = False

    def install(self) -> None:
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, self._handle)

    def _handle(self, signum, frame) -> None:
        self.signum = signum
        if not self._holding:
            raise Interrupted(signum)

    def check(self) -> None:
        if self.signum is not None:
            raise Interrupted(self.signum)

    @contextlib.contextmanager
    def held(self):
        self._holding = True
        try:
            yield
        finally:
            self._holding = False


@dataclass(frozen=True)
class BuildOptions:
    project_dir: Path
    orgs_dir: Path
    out_dir: Path
    make_pdf: bool = True
    only: str | None = None
    keep_going: bool = False
    site_url: str | None = None  # overrides the settings file's address (the Pages workflow passes it)
    settings_file: Path | None = None  # default: <project>/installningar.yaml
    jobs: int = 0  # 0: one worker per core
    progress: bool = False
    cache_dir: Path | None = None  # default: <project>/.cache/build
    interruption: Interruption | None = None  # signals as the command line installed them
    search: bool = True  # build the search index (the benchmark measures what it costs with False)
    archive_dir: Path | None = None  # the delivery archive (read only); default: archive.default_root(orgs_dir)
    strict: bool = False  # an answer file still the untouched template of `new` is an error, not a note

    @property
    def settings_path(self) -> Path:

        return self.settings_file if self.settings_file is not None else self.project_dir / FILE_NAME

    @property
    def archive_folder(self) -> Path:
        from ..archive import default_root

        return self.archive_dir if self.archive_dir is not None else default_root(self.orgs_dir)

    @property
    def cache_folder(self) -> Path:
        return self.cache_dir if self.cache_dir is not None else self.project_dir / ".cache" / "build"


@dataclass
class BuildSummary:
    organisations: int = 0
    published: int = 0
    pages: int = 0  # HTML pages written this build
    pdfs: int = 0  # PDFs written this build
    rendered: int = 0  # organisations with a part rendered this time
    reused: int = 0  # organisations whose files were all carried over
    seconds: float = 0.0
    unchanged: bool = False  # nothing at all had changed: the output was left as it was
    documents_kept: int = 0  # PDFs and action-plan workbooks carried over by a build without PDFs
    documents_removed: int = 0  # PDFs and action-plan workbooks removed as out of date by a build without PDFs
    stale: list[str] = field(default_factory=list)  # --only: organisations carried over out of date
    missing: list[str] = field(default_factory=list)  # --only: organisations whose files the output lacks
    parsed: list[str] = field(default_factory=list)  # slugs of the answer files validated and scored (not from the cache)
    processes: int = 1  # worker processes forked (1: the serial twin)
    leftovers: list[str] = field(default_factory=list)  # what killed builds of ours left beside --out, and what became of it
    notes: list[str] = field(default_factory=list)  # one-line notes for the user (e.g. a cache set aside)
    no_address: bool = False  # built without the site's address: said once, after the summary
    not_measured: list[str] = field(default_factory=list)  # answer files still the untouched template of `new`: left out
    problems: list[Problem] = field(default_factory=list)
    invalid: list[str] = field(default_factory=list)
    stages: dict[str, float] = field(default_factory=dict)
    plan: BuildPlan | None = None  # the BuildPlan carried out
