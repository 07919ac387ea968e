"""`build.py serve` (`make serve`): build, serve the site on 127.0.0.1, rebuild when sources change.

It builds into a folder of its own (by default `.cache/serve`), never into output/, so a
preview cannot replace or half-update the real build. Rebuilds skip PDFs so a change shows
in about a second; run `make` for the full build.
"""

from __future__ import annotations

import errno
import functools
import http.server
import sys
import threading
from pathlib import Path
from types import SimpleNamespace

from watchfiles import watch

from . import cli
from .pipeline.options import Interrupted
from .answers import display_path

SOURCES = ("content", "templates", "ambitionsgraf")  # besides the answer files


def _handler(site: Path):
    return functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site))


def _bind(port: int, site: Path) -> http.server.ThreadingHTTPServer | None:
    """The server, bound to the port but not yet listening (so no request waits on the first
    build); None, with one line said why, if the port cannot be had."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), _handler(site), bind_and_activate=False)
    try:
        server.server_bind()
        return server
    except OSError as exc:
        server.server_close()
        if exc.errno == errno.EADDRINUSE:
            print(f"build.py serve: port {port} is already in use on 127.0.0.1; "
                  f"choose another with --port (e.g. build.py serve --port {port + 1 if port < 65535 else 8000})", file=sys.stderr)
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
            print(f"{out}:1: --out: is inside {display_path(folder)}, which is watched for changes; "
                  "choose a folder outside it", file=sys.stderr)
            return 1
    from .pipeline.output import check_out_dir

    refused = check_out_dir(out, orgs, project)  # never serve, or build into, a folder that is not ours
    if refused:
        for problem in refused:
            print(problem, file=sys.stderr)
        return 1
    server = _bind(port, out / "site")  # before building: a taken port is known at once
    if server is None:
        return 1
    args = SimpleNamespace(orgs=orgs, out=out, no_pdf=True, only=None, keep_going=True, site_url=None, settings=None, jobs=0, debug=False,
                           explain=False, interruption=None)
    with server:
        try:
            cli.build(args, project)
        except (KeyboardInterrupt, Interrupted):
            print("build.py serve: stopped", file=sys.stderr)
            return 0
        if not (out / "site").is_dir():  # the build said why (an --out that is not its own, say)
            print("build.py serve: nothing to serve; fix the problem above and start again", file=sys.stderr)
            return 1
        server.server_activate()
        threading.Thread(target=server.serve_forever, daemon=True).start()
        print(f"serving {display_path(out / 'site')} on http://127.0.0.1:{port}/ — rebuilding without PDFs on changes in "
              f"{', '.join(display_path(w) for w in watched)} (Ctrl-C stops)", flush=True)
        try:
            for changes in watch(*watched):
                print(f"{len(changes)} change(s); rebuilding", flush=True)
                cli.build(args, project)  # the handler goes by path, so it serves the swapped-in folder
        except (KeyboardInterrupt, Interrupted):
            print("build.py serve: stopped", file=sys.stderr)
        finally:
            server.shutdown()
    return 0


if __name__ == "__main__":
    print("use `build.py serve [--port N] [--out DIR] [--orgs DIR]` (or `make serve`)", file=sys.stderr)
    sys.exit(2)
