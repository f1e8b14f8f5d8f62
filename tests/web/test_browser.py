"""The built site, offline, in headless Chromium: a learner's notebook runs, and nothing leaves the site.

One page and one kernel serve every step (a kernel costs seconds of CPU), so the steps run in
order and share the page; each step also checks that no request so far went elsewhere or failed.
"""

from __future__ import annotations

import os
import re
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

from qala.web.serve import Serving, serving
from qala.web.site import build_site, code_cell, markdown_cell, notebook

CHROMIUM = shutil.which("chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
# Skipped without chromium, except where QALA_REQUIRE_BROWSER is set (CI): there they fail.
REQUIRED = bool(os.environ.get("QALA_REQUIRE_BROWSER"))
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        CHROMIUM is None and not REQUIRED, reason="Debian's chromium is not installed (apt-get install chromium)"
    ),
]

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

KERNEL_READY = """() => {
  const widget = window.jupyterapp && window.jupyterapp.shell.currentWidget;
  return !!(widget && widget.sessionContext && widget.sessionContext.session
            && widget.sessionContext.session.kernel);
}"""
READ_FROM_DRIVE = """async (path) => {
  const model = await window.jupyterapp.serviceManager.contents.get(path, {content: true});
  return model.format === 'base64' ? atob(model.content)
       : typeof model.content === 'string' ? model.content : JSON.stringify(model.content);
}"""


@dataclass
class Traffic:
    """Every request the browser made, and what was wrong with any of them."""

    servers: tuple[Serving, ...]  # the only places requests may go: the site (and its --pyodide URL)
    urls: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)

    def watch(self, context: BrowserContext) -> None:
        context.on("request", self._request)
        context.on("requestfailed", lambda r: self.problems.append(f"failed: {r.url} ({r.failure})"))
        context.on("response", lambda r: r.status >= 400 and self.problems.append(f"HTTP {r.status}: {r.url}"))

    def _request(self, request) -> None:
        self.urls.append(request.url)
        if not request.url.startswith((*(server.url for server in self.servers), "data:", "blob:")):
            self.problems.append(f"off the site: {request.method} {request.url}")

    def assert_clean(self) -> None:
        served_badly = [
            f"{server.url} answered {status}: {method} {path}"
            for server in self.servers
            for method, path, status in server.requests
            if status >= 400
        ]
        assert not self.problems + served_badly, "\n".join(self.problems + served_badly)


@dataclass
class Lab:
    page: Page
    traffic: Traffic
    opened_at: float

    def run_cell(self, index: int) -> str:
        """Click into code cell `index`, press Shift+Enter as a learner would, return its output."""
        cell = self.page.locator(".jp-Notebook:visible .jp-CodeCell").nth(index)
        cell.locator(".cm-content").click()
        self.page.keyboard.press("Shift+Enter")
        expect(cell.locator(".jp-InputPrompt")).to_have_text(re.compile(r"\[\d+\]"), timeout=120_000)
        return cell.locator(".jp-OutputArea").inner_text()

    def wait_for_kernel(self) -> None:
        # A Shift+Enter sent before the session has a kernel is dropped silently.
        self.page.wait_for_function(KERNEL_READY, timeout=120_000)

    def read_from_drive(self, path: str) -> str:
        return self.page.evaluate(READ_FROM_DRIVE, path)


@pytest.fixture(scope="module")
def site(tmp_path_factory, vendored, tiny_wheel):
    return build_site(
        tmp_path_factory.mktemp("browser") / "site", {"hello.ipynb": NOTEBOOK}, [tiny_wheel],
        files={"datasets/air.csv": AIR},
    )


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if CHROMIUM is None:
        pytest.fail("QALA_REQUIRE_BROWSER is set but chromium is not installed (apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


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


def test_a_site_built_for_a_pyodide_url_takes_pyodide_from_there(
    browser, full_distribution, tiny_wheel, tmp_path, timings
):
    with serving(full_distribution) as remote:
        site = build_site(
            tmp_path / "site", {"hello.ipynb": notebook([code_cell(CELLS[0])])}, [tiny_wheel], pyodide=remote.url
        )
        with serving(site) as server, opened(browser, server, remote) as lab:
            assert lab.run_cell(0).strip() == "Сәлем, Алматы!", lab.traffic.console_errors
            timings["page open to first cell output, --pyodide URL (s)"] = time.perf_counter() - lab.opened_at
            lab.traffic.assert_clean()
    assert remote.url + "pyodide.asm.wasm" in lab.traffic.urls
    assert f"{server.url}static/qala-pyodide/{tiny_wheel.name}" in lab.traffic.urls
    assert not [url for url in lab.traffic.urls if "/static/pyodide/" in url]
