"""The built site, offline, in headless Chromium: a learner's notebook runs, and nothing leaves the site.

One page and one kernel serve every step (a kernel costs seconds of CPU), so the steps run in
order and share the page; each step also checks that no request so far went elsewhere or failed.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from playwright.sync_api import Browser

from qala.web.serve import Serving, serving
from qala.web.site import build_site, code_cell, markdown_cell, notebook

from .browsing import BROWSER_MARKS, Lab, Traffic

pytestmark = BROWSER_MARKS

CELLS = [
    "import hello_qala\nprint(hello_qala.greet('Алматы'))",
    "import csv, json, sqlite3, statistics, sys\n"
    "with open('datasets/air.csv', encoding='utf-8') as f:\n"
    "    pm25 = [float(row['pm25']) for row in csv.DictReader(f)]\n"
    "print(sys.platform, statistics.mean(pm25), sqlite3.connect(':memory:').execute('select 6*7').fetchone()[0])",
    "from pathlib import Path\nPath('progress.json').write_text(json.dumps({'xp': 10}))\nprint('saved in', Path.cwd())",
    "from pathlib import Path\nprint(Path('progress.json').read_text())",
]
NOTEBOOK = notebook([markdown_cell("# Сәлем, Алматы"), *map(code_cell, CELLS)])
AIR = "station,pm25\nМедеу,12\nТұрксіб,30\n".encode()


@pytest.fixture(scope="module")
def site(tmp_path_factory, vendored, tiny_wheel):
    return build_site(
        tmp_path_factory.mktemp("browser") / "site",
        {"hello.ipynb": NOTEBOOK},
        [tiny_wheel],
        files={"datasets/air.csv": AIR},
    )


@contextmanager
def opened(browser: Browser, *servers: Serving, path: str = "hello.ipynb") -> Iterator[Lab]:
    """A fresh browser profile with the notebook at `path` open and its kernel session started."""
    context = browser.new_context()
    try:
        traffic = Traffic(servers)
        traffic.watch(context)
        page = context.new_page()
        page.on("console", lambda m: m.type == "error" and traffic.console_errors.append(m.text))
        started = time.perf_counter()
        page.goto(f"{servers[0].url}notebooks/index.html?path={path}")
        lab = Lab(page, traffic, started)
        lab.wait_for_kernel()
        yield lab
    finally:
        context.close()


@pytest.fixture(scope="module")
def lab(site, browser, timings) -> Iterator[Lab]:
    with serving(site) as server, opened(browser, server) as lab:
        timings["page open to kernel session (s)"] = time.perf_counter() - lab.opened_at
        yield lab


def test_a_cell_imports_the_preloaded_wheel_and_prints(lab, timings):
    output = lab.run_cell(0)
    timings["page open to first cell output (s)"] = time.perf_counter() - lab.opened_at
    assert output.strip() == "Сәлем, Алматы!", lab.traffic.console_errors
    lab.traffic.assert_clean()


def test_the_standard_library_and_the_sites_datasets_work_offline(lab):
    assert lab.run_cell(1).split() == ["emscripten", "21.0", "42"]
    lab.traffic.assert_clean()


def test_a_file_saved_from_python_survives_a_page_reload(lab, timings):
    assert lab.run_cell(2).strip() == "saved in /drive"
    assert lab.read_from_drive("progress.json") == '{"xp": 10}'

    started = time.perf_counter()
    lab.page.reload()
    lab.wait_for_kernel()
    assert lab.read_from_drive("progress.json") == '{"xp": 10}'
    assert lab.run_cell(3).strip() == '{"xp": 10}'  # read back by a fresh kernel
    timings["reload to cell output (s)"] = time.perf_counter() - started
    lab.traffic.assert_clean()


def test_every_request_stayed_on_the_site_and_succeeded(lab):
    lab.traffic.assert_clean()
    assert any(url.endswith("/static/pyodide/pyodide.asm.wasm") for url in lab.traffic.urls)
    assert any("hello_qala-0.0.1" in url for url in lab.traffic.urls)


def test_a_site_built_for_a_pyodide_url_takes_pyodide_from_there(browser, full_distribution, tiny_wheel, tmp_path, timings):
    with serving(full_distribution) as remote:
        site = build_site(tmp_path / "site", {"hello.ipynb": notebook([code_cell(CELLS[0])])}, [tiny_wheel], pyodide=remote.url)
        with serving(site) as server, opened(browser, server, remote) as lab:
            assert lab.run_cell(0).strip() == "Сәлем, Алматы!", lab.traffic.console_errors
            timings["page open to first cell output, --pyodide URL (s)"] = time.perf_counter() - lab.opened_at
            lab.traffic.assert_clean()
    assert remote.url + "pyodide.asm.wasm" in lab.traffic.urls
    assert f"{server.url}static/qala-pyodide/{tiny_wheel.name}" in lab.traffic.urls
    assert not [url for url in lab.traffic.urls if "/static/pyodide/" in url]
