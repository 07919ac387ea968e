"""Shared fixtures: the real instrument, and throw-away projects built from dicts."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from ambitionsgraf.instrument import load_instrument

ROOT = Path(__file__).resolve().parent.parent
TEST_CACHE = Path(tempfile.gettempdir()) / "ambitionsgraf-test-cache"  # not the project's .cache: tests make hundreds


@pytest.fixture(scope="session")
def instrument():
    return load_instrument(ROOT / "content" / "instrument.yaml")


# The address tests build for where they need one (sitemap, links in PDFs); `make` builds without.
TEST_SITE_URL = "https://upphandlingsmyndigheten.github.io/ambitionsgraf/"


def project_settings(site_url: str | None = TEST_SITE_URL):
    """The project's own installningar.yaml, with `site_url` as --site-url would set it."""
    from ambitionsgraf.settings import FILE_NAME, load_settings

    return load_settings(ROOT / FILE_NAME)[0].with_site_url(site_url)


def run_build(orgs_dir: Path, out_dir: Path, *, pdf: bool = False, **kw):
    """Build in-process with the project's real content and templates, as the Pages workflow
    builds: with the site's address (tests of a build without one pass site_url=None)."""
    from ambitionsgraf.pipeline import BuildOptions, build

    kw.setdefault("cache_dir", TEST_CACHE)
    kw.setdefault("site_url", TEST_SITE_URL)
    return build(BuildOptions(project_dir=ROOT, orgs_dir=orgs_dir, out_dir=out_dir, make_pdf=pdf, **kw))


def write_orgs(folder: Path, files: dict[str, str | bytes]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        (folder / name).write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return folder


def tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def run_cli(*args: str, cwd: Path | None = None, timeout: float | None = None):
    """build.py with these arguments, in this process (the fast way: no interpreter to start, the
    package imported once), with what it prints and its exit code. A test that needs a process of
    its own (a signal, a time limit) gives a timeout, or calls run_cli_process."""
    if timeout is not None:
        return run_cli_process(*args, cwd=cwd, timeout=timeout)
    return _in_process(list(args), cwd or ROOT)


def run_cli_process(*args: str, cwd: Path | None = None, timeout: float | None = None):
    import subprocess
    import sys

    return subprocess.run([sys.executable, str(ROOT / "build.py"), *args], capture_output=True, text=True, cwd=cwd or ROOT, timeout=timeout)


def _in_process(argv: list[str], cwd: Path):
    import contextlib
    import importlib.util
    import io
    import os
    import signal
    import subprocess

    spec = importlib.util.spec_from_file_location("_build_py", ROOT / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    out, err = io.StringIO(), io.StringIO()
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    before = os.getcwd()
    try:
        os.chdir(cwd)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = module.main(argv)
            except SystemExit as exc:  # argparse: --help, or a usage error
                code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
    finally:
        os.chdir(before)
        for sig, handler in handlers.items():  # main() installs its own: give the test process its own back
            signal.signal(sig, handler)
    return subprocess.CompletedProcess(["build.py", *argv], code, out.getvalue(), err.getvalue())


@pytest.fixture(scope="session")
def example_build(tmp_path_factory):
    """The example organisations built once, with PDFs, for tests that only read."""
    out = tmp_path_factory.mktemp("example") / "output"
    run_build(ROOT / "orgs", out, pdf=True, site_url=TEST_SITE_URL)
    return out


@pytest.fixture(scope="session")
def fixture_build(tmp_path_factory):
    """The organisations of tests/report_fixtures.py built once, with PDFs, for tests that only read."""
    from .report_fixtures import FILES

    base = tmp_path_factory.mktemp("fixtures")
    out = base / "output"
    run_build(write_orgs(base / "orgs", FILES), out, pdf=True)
    return out


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium, driven by Playwright (no browser download)."""
    from playwright.sync_api import sync_playwright

    from .browser import CHROMIUM, CHROMIUM_ARGS

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


# -- the fast tier (`make test-fast`): every test but the slow kinds ------------------------------
#
# A test is slow when it renders PDFs or drives a browser (the fixtures below), runs a whole build
# with PDFs, starts build.py as a process of its own, or belongs to a module of such tests. The
# fast tier is everything else, under a minute on one core; `make test` runs both.
SLOW_FIXTURES = {"browser", "example_build", "fixture_build"}
SLOW_MODULES = {
    "test_accessibility",
    "test_browser",
    "test_pdf",
    "test_pdf_layout",
    "test_build_rules",
    "test_robust_build",
    "test_phone",
    "test_golden",
    "test_search",
    "test_selfassessment",
    "test_workbook_print",
    "test_delivery",
    "test_archive",
    "test_national",
    "test_opendata",
    "test_privacy",
    "test_display",
    "test_report_wording",
    "test_serve",
    "test_incremental",
    "test_build",
    "test_leftovers",
    "test_private_files",
    "test_settings",
    "test_cli",
    "test_handtyped",
    "test_hostile_input",
    "test_import_surveys",
}


def pytest_collection_modifyitems(config, items):
    for item in items:
        module = item.module.__name__.rsplit(".", 1)[-1] if item.module else ""
        if module in SLOW_MODULES or SLOW_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)
