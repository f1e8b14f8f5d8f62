"""Fixtures for the browser build: the vendored pieces, a tiny wheel, one Chromium, timings shown after the run."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from qala.web import pyodide_node, vendor
from qala.web.lockfile import canonical_name, rewrite_lock

TIMINGS = pytest.StashKey[dict[str, float]]()
A11Y_NOTES = pytest.StashKey[list[str]]()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "browser: drives the built site in headless Chromium (slow)")
    config.stash[TIMINGS] = {}
    config.stash[A11Y_NOTES] = []


def pytest_terminal_summary(terminalreporter, exitstatus, config: pytest.Config) -> None:
    timings = config.stash.get(TIMINGS, {})
    if timings:
        terminalreporter.section("qala web timings")
        for name, seconds in timings.items():
            terminalreporter.write_line(f"{name}: {seconds:.1f}")
    notes = config.stash.get(A11Y_NOTES, [])
    if notes:
        terminalreporter.section("axe-core findings in JupyterLab's own page (not Qala's)")
        for note in notes:
            terminalreporter.write_line(note)


def _node_missing_in_one_line():
    # No Node.js: the Pyodide tests fail (never skip) with one line that says what to install.
    try:
        return (yield)
    except pyodide_node.NodeMissing as missing:
        pytest.fail(str(missing), pytrace=False)


pytest_runtest_setup = pytest.hookimpl(wrapper=True)(lambda item: (yield from _node_missing_in_one_line()))
pytest_runtest_call = pytest.hookimpl(wrapper=True)(lambda item: (yield from _node_missing_in_one_line()))


@pytest.fixture(scope="session")
def timings(pytestconfig: pytest.Config) -> dict[str, float]:
    """Measurements worth seeing after every run (seconds, MB): `timings[name] = value`."""
    return pytestconfig.stash[TIMINGS]


@pytest.fixture(scope="session")
def a11y_notes(pytestconfig: pytest.Config) -> list[str]:
    """What axe-core finds in JupyterLab's own page: shown after the run, `a11y_notes.append(line)`."""
    return pytestconfig.stash[A11Y_NOTES]


@pytest.fixture(scope="session")
def playwright() -> Iterator:
    from playwright.sync_api import sync_playwright

    from .browsing import CHROMIUM

    if CHROMIUM is None:
        pytest.fail("QALA_REQUIRE_BROWSER is set but chromium is not installed (apt-get install chromium)")
    with sync_playwright() as running:
        yield running


@pytest.fixture(scope="session")
def browser(playwright) -> Iterator:
    """One headless Chromium (Debian's, driven by Playwright) for the browser tests of the run."""
    from .browsing import CHROMIUM, CHROMIUM_ARGS

    browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture(scope="session")
def vendored() -> vendor.Vendored:
    """The pinned Pyodide core and kernel wheels, fetched once into the vendor cache."""
    return vendor.ensure()


@pytest.fixture(scope="session")
def tiny_wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A one-module pure-Python wheel, built for real from a minimal pyproject."""
    project = tmp_path_factory.mktemp("hello-qala")
    (project / "pyproject.toml").write_text(
        textwrap.dedent(
            """\
            [build-system]
            requires = ["setuptools>=70.1"]
            build-backend = "setuptools.build_meta"

            [project]
            name = "hello-qala"
            version = "0.0.1"
            requires-python = ">=3.11"
            dependencies = ["pexpect; sys_platform != 'emscripten'"]
            """
        ),
        encoding="utf-8",
    )
    package = project / "src" / "hello_qala"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text('def greet(city):\n    return f"Сәлем, {city}!"\n', encoding="utf-8")
    dist = project / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", "--wheel-dir", str(dist), str(project)],
        check=True,
    )
    shutil.rmtree(project / "build", ignore_errors=True)
    (wheel,) = dist.glob("*.whl")
    return wheel


@pytest.fixture(scope="session")
def full_distribution(tmp_path_factory: pytest.TempPathFactory, vendored: vendor.Vendored) -> Path:
    """A stand-in for a full Pyodide distribution (a CDN's, or one a school keeps on its server).

    The npm core and the kernel's wheels with a lock that matches them; like the real one, its
    lock lacks comm and ipython-pygments-lexers. It has an index.html so that it can be served.
    """
    folder = tmp_path_factory.mktemp("pyodide-full")
    for path in vendored.core_files:
        shutil.copy(path, folder / path.name)
    known = {canonical_name(name) for name in vendored.lock["packages"]}
    wheels = []
    for pin, path in zip(vendored.pins.wheels, vendored.wheels):
        if canonical_name(pin.name) in known:
            wheels.append(Path(shutil.copy(path, folder / path.name)))
    lock = rewrite_lock(vendored.lock, folder, wheels).lock
    (folder / "pyodide-lock.json").write_text(json.dumps(lock), encoding="utf-8")
    (folder / "index.html").write_text("<!doctype html><title>Pyodide</title>", encoding="utf-8")
    return folder
