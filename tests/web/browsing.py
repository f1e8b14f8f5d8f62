"""Driving a built site in headless Chromium as a learner would: what the browser tests share.

Every request is recorded; `Traffic.assert_clean()` fails if one left the site (or its --pyodide
URL), failed, or got a status of 400 or more — from the browser's view and the server's.
"""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass, field

import pytest
from playwright.sync_api import BrowserContext, Locator, Page, expect

from qala.web.serve import Serving

CHROMIUM = shutil.which("chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Skipped without chromium, except where QALA_REQUIRE_BROWSER is set (CI): there they fail.
REQUIRED = bool(os.environ.get("QALA_REQUIRE_BROWSER"))
BROWSER_MARKS = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None and not REQUIRED, reason="Debian's chromium is not installed (apt-get install chromium)"),
]
OUTPUT_GRACE_MS = 3000  # how long an empty output may take to appear after its run
TIMEOUT_MS = 120_000

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
INSERT_CELL_AT_END = """async () => {
  const panel = window.jupyterapp.shell.currentWidget;
  panel.content.activeCellIndex = panel.content.widgets.length - 1;
  await window.jupyterapp.commands.execute('notebook:insert-cell-below');
  await window.jupyterapp.commands.execute('notebook:change-cell-to-code');
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
        context.on("requestfailed", self._failed)
        context.on("response", lambda r: r.status >= 400 and self.problems.append(f"HTTP {r.status}: {r.url}"))

    def _failed(self, request) -> None:
        # Cancelled by the page itself (a reload while the favicon was on its way): not a failure.
        if request.failure != "net::ERR_ABORTED":
            self.problems.append(f"failed: {request.url} ({request.failure})")

    def _request(self, request) -> None:
        self.urls.append(request.url)
        if not request.url.startswith((*(server.url for server in self.servers), "data:", "blob:")):
            self.problems.append(f"off the site: {request.method} {request.url}")

    def assert_clean(self) -> None:
        served_badly = [
            f"{server.url} answered {status}: {method} {path}" for server in self.servers for method, path, status in server.requests if status >= 400
        ]
        assert not self.problems + served_badly, "\n".join(self.problems + served_badly)


@dataclass
class Lab:
    """A notebook open in a page: run its code cells with Shift+Enter, as a learner would."""

    page: Page
    traffic: Traffic
    opened_at: float

    def code_cell(self, index: int) -> Locator:
        return self.page.locator(".jp-Notebook:visible .jp-CodeCell").nth(index)

    def code_cells(self) -> int:
        return self.page.locator(".jp-Notebook:visible .jp-CodeCell").count()

    def type_code(self, index: int, code: str) -> None:
        """Replace the cell's code (inserted as text: no auto-indent or auto-closed brackets)."""
        self.code_cell(index).locator(".cm-content").click()
        self.page.keyboard.press("Control+a")
        self.page.keyboard.insert_text(code)

    def run_cell(self, index: int) -> str:
        """Click into code cell `index`, press Shift+Enter, wait for its new result, return its output."""
        cell = self.code_cell(index)
        prompt = cell.locator(".jp-InputPrompt")
        before = prompt.inner_text()
        cell.locator(".cm-content").click()
        self.page.keyboard.press("Shift+Enter")
        if re.search(r"\[\d+\]", before):  # run before: wait for this run's number, not the last one
            expect(prompt).not_to_have_text(before, timeout=TIMEOUT_MS)
        expect(prompt).to_have_text(re.compile(r"\[\d+\]"), timeout=TIMEOUT_MS)
        # The run's number can be drawn a moment before its output (HTML is rendered after the
        # kernel's reply): give an empty output area a few seconds to fill before reading it.
        area = cell.locator(".jp-OutputArea")
        text, waited = area.inner_text(), 0
        while not text.strip() and waited < OUTPUT_GRACE_MS:
            self.page.wait_for_timeout(100)
            waited += 100
            text = area.inner_text()
        return text

    def add_cell(self, code: str) -> int:
        """A new code cell at the end of the notebook holding `code`; its index."""
        self.page.evaluate(INSERT_CELL_AT_END)
        index = self.code_cells() - 1
        self.type_code(index, code)
        return index

    def wait_for_kernel(self) -> None:
        # A Shift+Enter sent before the session has a kernel is dropped silently.
        self.page.wait_for_function(KERNEL_READY, timeout=TIMEOUT_MS)

    def read_from_drive(self, path: str) -> str:
        return self.page.evaluate(READ_FROM_DRIVE, path)
