"""Serve a built site on 127.0.0.1 with the MIME types Pyodide needs (wasm, ES modules, JSON).

`qala web serve` uses `serve_forever`; tests use `serving`, which runs the server in a thread and
stops it when the block ends.
"""

from __future__ import annotations

import functools
import http.server
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

HOST = "127.0.0.1"

#: Browsers refuse to compile wasm streamed with another type, and to import modules served as
#: anything but JavaScript; the rest keep JupyterLite's contents and wheels sniff-free.
MIME_TYPES = {
    ".wasm": "application/wasm",
    ".mjs": "text/javascript",
    ".js": "text/javascript",
    ".json": "application/json",
    ".ipynb": "application/json",
    ".map": "application/json",
    ".webmanifest": "application/manifest+json",
    ".whl": "application/zip",
    ".zip": "application/zip",
    ".csv": "text/csv",
    ".md": "text/markdown",
    ".svg": "image/svg+xml",
    ".woff2": "font/woff2",
}


class SiteHandler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, **MIME_TYPES}
    log: list[str] | None = None  # set per server: request lines, instead of printing to stderr

    def end_headers(self) -> None:
        # A rebuilt site must not be mixed with a cached old one, and a --pyodide URL on another
        # origin (a school's own server) needs CORS to be imported from.
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Access-Control-Allow-Origin", "*")
        super().end_headers()

    def log_message(self, format: str, *args: object) -> None:
        if self.log is None:
            super().log_message(format, *args)
        else:
            self.log.append(format % args)


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True


@dataclass
class Serving:
    """A running server: its URL and the request lines it has logged."""

    url: str
    port: int
    log: list[str] = field(default_factory=list)


def _server(directory: Path, port: int, log: list[str] | None) -> _Server:
    if not Path(directory, "index.html").is_file():
        raise FileNotFoundError(f"{directory} has no index.html: build the site first")
    handler = type("Handler", (SiteHandler,), {"log": log})
    return _Server((HOST, port), functools.partial(handler, directory=str(directory)))


@contextmanager
def serving(directory: Path, port: int = 0) -> Iterator[Serving]:
    """Serve `directory` on 127.0.0.1 (a free port unless given) in a thread, for a `with` block."""
    log: list[str] = []
    server = _server(Path(directory), port, log)
    thread = threading.Thread(target=server.serve_forever, name="qala-web-serve", daemon=True)
    thread.start()
    try:
        port = server.server_address[1]
        yield Serving(url=f"http://{HOST}:{port}/", port=port, log=log)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def serve_forever(directory: Path, port: int = 8000) -> None:
    """Serve `directory` until interrupted, logging requests to stderr."""
    server = _server(Path(directory), port, None)
    print(f"Serving {directory} at http://{HOST}:{server.server_address[1]}/ (Ctrl+C stops)", file=sys.stderr)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
