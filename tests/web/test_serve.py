"""The local server: loopback only, and the MIME types without which Pyodide will not start."""

from __future__ import annotations

import urllib.error
import urllib.request

import pytest

from qala.web.serve import serving


@pytest.fixture
def site(tmp_path):
    (tmp_path / "index.html").write_text("<!doctype html><title>Qala</title>", encoding="utf-8")
    (tmp_path / "static").mkdir()
    for name in ["pyodide.asm.wasm", "pyodide.mjs", "pyodide-lock.json", "hello.ipynb", "x-1.0-py3-none-any.whl"]:
        (tmp_path / "static" / name).write_bytes(b"{}")
    return tmp_path


@pytest.mark.parametrize(
    "name, mime",
    [
        ("pyodide.asm.wasm", "application/wasm"),
        ("pyodide.mjs", "text/javascript"),
        ("pyodide-lock.json", "application/json"),
        ("hello.ipynb", "application/json"),
        ("x-1.0-py3-none-any.whl", "application/zip"),
    ],
)
def test_files_are_served_with_the_types_browsers_insist_on(site, name, mime):
    with serving(site) as server, urllib.request.urlopen(f"{server.url}static/{name}") as response:
        assert response.headers.get_content_type() == mime
        assert response.read() == b"{}"


def test_it_listens_on_loopback_and_records_every_request(site):
    with serving(site) as server:
        assert server.url == f"http://127.0.0.1:{server.port}/"
        urllib.request.urlopen(server.url).read()
        with pytest.raises(urllib.error.HTTPError):
            urllib.request.urlopen(server.url + "missing.js")
    assert server.requests == [("GET", "/", 200), ("GET", "/missing.js", 404)]


def test_a_folder_that_is_not_a_site_is_refused(tmp_path):
    with pytest.raises(FileNotFoundError, match="index.html"):
        with serving(tmp_path):
            pass
