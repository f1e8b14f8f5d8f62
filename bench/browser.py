"""The browser build: the site's size, and opening a lesson to the first check result in Chromium.

The site is built the way a teacher builds it (`qala web build`, offline: the vendored Pyodide
core, no pandas). Its size is set beside an empty JupyterLite site with the same Pyodide
(`qala.web.site.build_site` with one empty notebook): what the platform costs before any lesson.

The lesson is opened as a learner does, in a fresh browser profile (nothing cached), served on
127.0.0.1 by `qala.web.serve`, in Debian's headless Chromium driven by Playwright — the setup of
the browser tests, imported from tests/web/browsing.py. The learner runs the start cell, writes
the first exercise's solution under its `%%check` line and presses Shift+Enter; the clock runs
from the page's navigation to the check's result in the cell's output. Loading Pyodide is the
time from the browser's request for pyodide.mjs to the moment the kernel's startup file ran
(Pyodide, the kernel's packages and IPython loaded), as the kernel itself records it.
"""

from __future__ import annotations

import importlib.util
import io
import shutil
import sys
import tarfile
import tempfile
import time
from pathlib import Path

from .core import CACHE, REPO, Context, Figure, Skip, bench_env, qala_command, timed_run

LESSON, EXERCISE = "monthly-air", "january"


def _browsing():
    """tests/web/browsing.py: the browser tests' Chromium, flags and page helpers."""
    path = REPO / "tests" / "web" / "browsing.py"
    if not path.is_file():
        raise Skip("tests/web/browsing.py (the browser tests' Playwright setup) is not there yet")
    spec = importlib.util.spec_from_file_location("qala_bench_browsing", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def _gzipped(folder: Path) -> int:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz", compresslevel=6) as archive:
        archive.add(folder, arcname=folder.name)
    return buffer.tell()


def run(ctx: Context) -> list[Figure]:
    probe = timed_run([*qala_command(), "web", "build", "--help"], env=bench_env())
    if probe.returncode != 0:
        raise Skip(f"`qala web build` is not available yet: {(probe.stderr or probe.stdout).strip()[-200:]}")
    site = CACHE / "site"
    shutil.rmtree(site, ignore_errors=True)
    site.parent.mkdir(parents=True, exist_ok=True)
    build = timed_run([*qala_command(), "web", "build", "--out", str(site)], env=bench_env(), timeout=600)
    if build.returncode != 0:
        raise RuntimeError(f"qala web build failed (exit {build.returncode}): {build.stderr[-500:]}")
    empty = ctx.tempdir("empty-site") / "site"
    from qala.web.site import build_site, notebook

    build_site(empty, {"empty.ipynb": notebook([])}, [])
    site_bytes, empty_bytes = _size(site), _size(empty)
    pyodide_bytes = _size(site / "static" / "pyodide") if (site / "static" / "pyodide").is_dir() else 0
    figures = [
        Figure(
            "browser.site_size",
            "browser build: the site on disk (offline)",
            site_bytes / 1e6,
            "MB",
            "empty JupyterLite site, same Pyodide",
            empty_bytes / 1e6,
            notes=f"as .tar.gz {_gzipped(site) / 1e6:.1f} MB; Pyodide core + wheels {pyodide_bytes / 1e6:.1f} MB; built in {build.seconds:.1f} s",
            details={
                "site_bytes": site_bytes,
                "empty_site_bytes": empty_bytes,
                "pyodide_bytes": pyodide_bytes,
                "build_seconds": build.seconds,
                "files": sum(1 for p in site.rglob("*") if p.is_file()),
            },
        )
    ]
    figures.extend(_first_check(ctx, site))
    return figures


def _first_check(ctx: Context, site: Path) -> list[Figure]:
    browsing = _browsing()
    if browsing.CHROMIUM is None:
        raise Skip("Debian's chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    from qala.grader.content.course_file import bundled_course_root, load_course
    from qala.web.serve import serving

    course, _ = load_course(bundled_course_root())
    solution = course.lesson(LESSON).exercise(EXERCISE).solution
    runs, from_map = [], []
    with serving(site) as server, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=browsing.CHROMIUM, headless=True, args=browsing.CHROMIUM_ARGS)
        try:
            for _ in range(ctx.reps(2, 1)):
                runs.append(_open_and_check(browser, browsing, server, solution))
        finally:
            browser.close()
        for _ in range(ctx.reps(2, 1)):
            # A profile on disk (a real browser's cache), the course map first, as a pupil comes.
            with tempfile.TemporaryDirectory(prefix="qala-bench-profile-") as profile:
                context = playwright.chromium.launch_persistent_context(profile, executable_path=browsing.CHROMIUM, headless=True, args=browsing.CHROMIUM_ARGS)
                try:
                    from_map.append(_open_and_check(None, browsing, server, solution, context=context))
                finally:
                    context.close()

    def median(found: list[dict]) -> dict:
        return sorted(found, key=lambda r: r["result_s"])[len(found) // 2]  # the median run (of 1 or 2: the first)

    best, warm = median(runs), median(from_map)
    return [
        Figure(
            "browser.first_check",
            f"browser: open a lesson → first check result ({LESSON}/{EXERCISE})",
            best["result_s"],
            "s",
            "of which loading Pyodide",
            best["pyodide_s"],
            baseline_is_part=True,
            notes=f"kernel session at {best['kernel_s']:.1f} s; the check cell itself {best['check_cell_s']:.2f} s; fresh browser profile",
            details={"runs": runs},
        ),
        Figure(
            "browser.first_check_from_map",
            f"browser: from the course map (downloads prefetched there) → first check result ({LESSON}/{EXERCISE})",
            warm["result_s"],
            "s",
            "of which loading Pyodide",
            warm["pyodide_s"],
            baseline_is_part=True,
            notes=f"clock from the click on the lesson; {warm['prefetch_s']:.1f} s on the map until its prefetch was served; "
            f"kernel session at {warm['kernel_s']:.1f} s; fresh profile on disk",
            details={"runs": from_map},
        ),
    ]


def _served(server, path: str, since: int) -> bool:
    return any(p == path and status == 200 for method, p, status in server.requests[since:])


def _open_and_check(browser, browsing, server, solution: str, context=None) -> dict:
    """A lesson's notebook opened straight away in a new context; or, given a (persistent) context,
    the course map first, the lesson clicked once the map's prefetch has been served."""
    from_map = context is not None
    context = context or browser.new_context()
    requested: dict[str, float] = {}

    def note(request) -> None:
        name = request.url.rsplit("/", 1)[-1]
        if name in ("pyodide.mjs", "pyodide.asm.wasm") and name not in requested:
            requested[name] = time.time() * 1000

    try:
        traffic = browsing.Traffic((server,))
        traffic.watch(context)
        context.on("request", note)
        page = context.pages[0] if context.pages else context.new_page()
        prefetch_s = 0.0
        if from_map:
            since = len(server.requests)
            on_map = time.perf_counter()
            page.goto(f"{server.url}index.html")
            while not _served(server, "/static/pyodide/pyodide.asm.wasm", since) and time.perf_counter() - on_map < 120:
                page.wait_for_timeout(50)
            prefetch_s = time.perf_counter() - on_map
            requested.clear()  # the prefetch is not the lesson's request for Pyodide
        started = time.perf_counter()
        if from_map:
            page.click(f"[data-lesson='{LESSON}'].lesson a.open")
        else:
            page.goto(f"{server.url}notebooks/index.html?path=en/{LESSON}.ipynb")
        lab = browsing.Lab(page, traffic, started)
        lab.wait_for_kernel()
        kernel_s = time.perf_counter() - started
        lab.run_cell(0)  # the start cell, as the notebook asks
        lab.type_code(1, f"%%check {EXERCISE}\n{solution.rstrip()}\n")
        began = time.perf_counter()
        output = lab.run_cell(1)
        result_s = time.perf_counter() - started
        check_cell_s = time.perf_counter() - began
        probe = lab.add_cell("from qala.web import notebook as _n; print(_n.started_at_ms)")
        started_at_ms = float(lab.run_cell(probe).strip())
        if "Passed" not in output:
            raise RuntimeError(f"the reference solution did not pass in the browser: {output[:300]!r}")
        if "pyodide.mjs" not in requested:
            raise RuntimeError("the page never requested pyodide.mjs")
        traffic.assert_clean()
        return {
            "result_s": result_s,
            "kernel_s": kernel_s,
            "check_cell_s": check_cell_s,
            "prefetch_s": prefetch_s,
            "pyodide_s": (started_at_ms - requested["pyodide.mjs"]) / 1000,
            "requests": len(traffic.urls),
        }
    finally:
        if not from_map:
            context.close()
