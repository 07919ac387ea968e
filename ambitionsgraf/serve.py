"""`make serve`: build, serve output/site on localhost, and rebuild when sources change.

    python -m ambitionsgraf.serve [PORT] [OUT]

Rebuilds skip PDFs so a change shows in about a second; run `make` for the full build.
"""

from __future__ import annotations

import functools
import http.server
import sys
import threading
from pathlib import Path

from watchfiles import watch

from . import cli

PROJECT = Path(__file__).resolve().parent.parent
WATCHED = ("orgs", "content", "templates", "ambitionsgraf")


class _Args:
    orgs = PROJECT / "orgs"
    out = PROJECT / "output"
    no_pdf = True
    only = None
    keep_going = True
    site_url = None
    jobs = 0
    debug = False


def main(port: int = 8000, out: Path | None = None) -> int:
    if out is not None:
        _Args.out = out
    cli.build(_Args, PROJECT)
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(_Args.out / "site"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"serving http://127.0.0.1:{port}/ — rebuilding on changes in {', '.join(WATCHED)} (Ctrl-C stops)")
    try:
        for changes in watch(*(PROJECT / d for d in WATCHED)):
            print(f"{len(changes)} change(s); rebuilding")
            # The handler serves from a folder the build swaps; re-point it at the new one.
            cli.build(_Args, PROJECT)
            server.RequestHandlerClass = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(_Args.out / "site"))
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 8000, Path(sys.argv[2]) if len(sys.argv) > 2 else None))
