"""`build.py serve` (`make serve`): build, serve the site on 127.0.0.1, rebuild when sources change.

It builds into a folder of its own (by default `.cache/serve`), never into output/, so a
preview cannot replace or half-update the real build. Rebuilds skip PDFs so a change shows
in about a second; run `make` for the full build.

What the last build found wrong is shown in the browser until it is mended, as Hugo and Vite show
build errors: a banner on every page lists each problem (file, line, field, message), and an
organisation whose answer file has a problem gets a page of its own problems where its page would
be. The built files themselves never carry them. A note (no site address, files not measured yet)
is said once a session, not on every rebuild.
"""

from __future__ import annotations

import errno
import html
import http.server
import re
import sys
import threading
from pathlib import Path

from watchfiles import watch

from . import layout
from .answers import SLUG, display_path
from .buildreport import report_build
from .pipeline.options import Interrupted
from .text import plural

SOURCES = ("content", "templates", "ambitionsgraf")  # besides the answer files


class Status:
    """The problems the last build found, read by the server's threads."""

    def __init__(self):
        self._lock = threading.Lock()
        self._problems: tuple = ()

    @property
    def problems(self) -> tuple:
        with self._lock:
            return self._problems

    @problems.setter
    def problems(self, found) -> None:
        with self._lock:
            self._problems = tuple(sorted(set(found)))


_BANNER_STYLE = (
    "position:relative;z-index:100;margin:0;padding:.75rem 1rem;background:#fbe3e1;color:#1a1a1a;"
    "border-bottom:4px solid #a4000f;font:1rem/1.5 system-ui,sans-serif"
)


def banner(problems) -> str:
    """The problems as the banner every served page begins with (only `serve` shows it)."""
    items = "".join(f"<li><code>{html.escape(str(p))}</code></li>" for p in problems)
    return (
        f'<div role="alert" class="serve-problems" style="{_BANNER_STYLE}"><p style="margin:0"><strong>'
        f"build.py serve: {len(problems)} fel i det senaste bygget.</strong> "
        "Sidorna visar det som byggdes utan dem; rätta och spara, så byggs de om.</p>"
        f'<ul style="margin:.25rem 0 0;padding-left:1.25rem;overflow-wrap:anywhere">{items}</ul></div>'
    )


def problem_page(slug: str, problems) -> bytes:
    """Where an organisation's page would be while its answer file has problems."""
    return (
        '<!doctype html><html lang="sv"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, '
        f'initial-scale=1"><title>Fel i svarsfilen för {html.escape(slug)}</title></head><body style="margin:0">'
        f'{banner(problems)}<main style="padding:1rem;font:1rem/1.5 system-ui,sans-serif"><h1>Sidan för '
        f"{html.escape(slug)} byggs när svarsfilen är rättad</h1><p>Felen står ovan: fil, rad, fält och vad som "
        'väntades.</p><p><a href="/">Till startsidan</a></p></main></body></html>'
    ).encode()


_ORG_PAGE = re.compile("^/" + layout.organisation_path(f"({SLUG.pattern})") + r"(?:index\.html)?$")
_BODY = re.compile(rb"<body[^>]*>")


def _handler(site: Path, status: Status):
    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(site), **kwargs)

        def do_GET(self):
            problems = status.problems
            if problems and self._with_problems(problems):
                return
            super().do_GET()

        def _with_problems(self, problems) -> bool:
            """Serve the page with the banner, or an organisation's problems in place of its page."""
            url = self.path.split("?", 1)[0].split("#", 1)[0]
            target = Path(self.translate_path(url))
            if target.is_dir():
                target = target / "index.html"
            if target.suffix == ".html" and target.is_file():
                page = target.read_bytes()
                body = _BODY.search(page)
                if body is None:
                    return False
                data = page[: body.end()] + banner(problems).encode("utf-8") + page[body.end() :]
                self._send(200, data)
                return True
            wrong = _ORG_PAGE.match(url)
            stem = wrong.group(1) if wrong else None
            own = [p for p in problems if Path(p.path).stem == stem]
            if stem is not None and own:
                self._send(404, problem_page(stem, own))
                return True
            return False

        def _send(self, code: int, data: bytes) -> None:
            self.send_response(code)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    return Handler


def _bind(port: int, site: Path, status: Status) -> http.server.ThreadingHTTPServer | None:
    """The server, bound to the port but not yet listening (so no request waits on the first
    build); None, with one line said why, if the port cannot be had."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), _handler(site, status), bind_and_activate=False)
    try:
        server.server_bind()
        return server
    except OSError as exc:
        server.server_close()
        if exc.errno == errno.EADDRINUSE:
            print(
                f"build.py serve: port {port} is already in use on 127.0.0.1; "
                f"choose another with --port (e.g. build.py serve --port {port + 1 if port < 65535 else 8000})",
                file=sys.stderr,
            )
        else:
            print(f"build.py serve: cannot listen on 127.0.0.1:{port}: {exc.strerror or exc}; choose another with --port", file=sys.stderr)
        return None


def serve(project: Path, port: int = 8000, out: Path | None = None, orgs: Path | None = None) -> int:
    out = out if out is not None else project / ".cache" / "serve"
    orgs = orgs if orgs is not None else project / "orgs"
    if not orgs.is_dir():  # the watcher needs it; say so the way the build would
        print(f"{orgs}:1: --orgs: no such folder of answer files", file=sys.stderr)
        return 1
    from .settings import FILE_NAME

    watched = [orgs, *(project / d for d in SOURCES)]
    if (project / FILE_NAME).is_file():  # missing, the build says so
        watched.append(project / FILE_NAME)
    for folder in watched:
        if out.resolve().is_relative_to(folder.resolve()):  # each build would set off the next
            print(
                f"{out}:1: --out: is inside {display_path(folder)}, which is watched for changes; choose a folder outside it",
                file=sys.stderr,
            )
            return 1
    from .pipeline.output import check_out_dir

    refused = check_out_dir(out, orgs, project)  # never serve, or build into, a folder that is not ours
    if refused:
        for problem in refused:
            print(problem, file=sys.stderr)
        return 1
    status = Status()
    server = _bind(port, out / layout.PUBLIC, status)  # before building: a taken port is known at once
    if server is None:
        return 1
    from .pipeline import BuildOptions

    opts = BuildOptions(project_dir=project, orgs_dir=orgs, out_dir=out, make_pdf=False, keep_going=True)
    said: set[str] = set()  # notes said this session: each once

    def rebuild() -> None:
        status.problems = report_build(opts, said=said)[1]

    with server:
        try:
            rebuild()
        except (KeyboardInterrupt, Interrupted):
            print("build.py serve: stopped", file=sys.stderr)
            return 0
        if not (out / layout.PUBLIC).is_dir():  # the build said why (an --out that is not its own, say)
            print("build.py serve: nothing to serve; fix the problem above and start again", file=sys.stderr)
            return 1
        server.server_activate()
        threading.Thread(target=server.serve_forever, daemon=True).start()
        print(
            f"serving {display_path(out / 'site')} on http://127.0.0.1:{port}/ — rebuilding without PDFs on changes in "
            f"{', '.join(display_path(w) for w in watched)} (Ctrl-C stops)",
            flush=True,
        )
        try:
            for changes in watch(*watched):
                print(f"{plural(len(changes), 'change')}; rebuilding", flush=True)
                rebuild()  # the handler goes by path, so it serves the swapped-in folder
        except (KeyboardInterrupt, Interrupted):
            print("build.py serve: stopped", file=sys.stderr)
        finally:
            server.shutdown()
    return 0


if __name__ == "__main__":
    print("use `build.py serve [--port N] [--out DIR] [--orgs DIR]` (or `make serve`)", file=sys.stderr)
    sys.exit(2)
