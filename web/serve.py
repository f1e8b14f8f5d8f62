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
    #: Set per server by `serving`: (method, path, status) of each request, instead of stderr lines.
    requests: list[tuple[str, str, int]] | None = None

    def end_headers(self) -> None:
        # A rebuilt site must not be mixed with a cached old one, and a --pyodide URL on another
        # origin (a school's own server) needs CORS to be imported from.
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Access-Control-Allow-Origin", "*")
        super().end_headers()

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        if self.requests is None:
            super().log_request(code, size)
        else:
            self.requests.append((self.command, self.path, int(code)))

    def log_message(self, format: str, *args: object) -> None:
        if self.requests is None:
            super().log_message(format, *args)


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True


@dataclass
class Serving:
    """A running server: its URL and every request it has answered, as (method, path, status)."""

    url: str
    port: int
    requests: list[tuple[str, str, int]] = field(default_factory=list)


def _server(directory: Path, port: int, requests: list | None) -> _Server:
    if not Path(directory, "index.html").is_file():
        raise FileNotFoundError(f"{directory} has no index.html: build the site first")
    handler = type("Handler", (SiteHandler,), {"requests": requests})
    return _Server((HOST, port), functools.partial(handler, directory=str(directory)))


@contextmanager
def serving(directory: Path, port: int = 0) -> Iterator[Serving]:
    """Serve `directory` on 127.0.0.1 (a free port unless given) in a thread, for a `with` block."""
    requests: list[tuple[str, str, int]] = []
    server = _server(Path(directory), port, requests)
    thread = threading.Thread(target=server.serve_forever, name="qala-web-serve", daemon=True)
    thread.start()
    try:
        port = server.server_address[1]
        yield Serving(url=f"http://{HOST}:{port}/", port=port, requests=requests)
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
