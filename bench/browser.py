"""The browser build: the site's size, and opening a lesson to the first check result in Chromium.

The site is built the way a teacher builds it (`qala web build`, offline: the vendored Pyodide
core, no pandas). Its size is set beside an empty JupyterLite site with the same Pyodide
(`qala.web.site.build_site` with one empty notebook): what the platform costs before any lesson.

The lesson is opened as a learner does, in a fresh browser profile (nothing cached), served on
127.0.0.1 by `qala.web.serve`, in Debian's headless Chromium driven by Playwright — the setup of
the browser tests, imported from tests/web/browsing.py. The learner runs the start cell, writes
the first exercise's solution under its `%%check` line and presses Shift+Enter; the clock runs
from the page's navigation to the check's result in the cell's output. Loading Pyodide is the
time from the browser's request for pyodide.mjs to the moment the kernel's startup file began
(Pyodide, the kernel's packages and IPython loaded; Qala not yet imported), as the kernel records it.

The baseline is the bare kernel, measured in the same run and interleaved with the lessons: the
empty JupyterLite site with the same Pyodide, one notebook with `print(6 * 7)`, from navigating to
it to that cell's output (page, Pyodide, the kernel's packages, IPython; no Qala). From the course
map, the bare kernel is opened a second time in its own profile (everything it loads cached).
The site is also built as before issue 18.6 (`build_course_site(precompile=False)`: the kernel
compiles Qala's modules and IPython itself, and installs its own packages one after another) and
measured in the same run, so the table shows before and after.
"""

from __future__ import annotations

import importlib.util
import io
import json
import shutil
import sys
import tarfile
import tempfile
import time
from pathlib import Path

from .core import CACHE, REPO, Context, Figure, Skip, at_most, bench_env, qala_command, timed_run

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
    from qala.web.course_site import build_course_site
    from qala.web.site import build_site, code_cell, notebook

    before = ctx.tempdir("site-before") / "site"
    build_course_site(before, precompile=False)  # the switch for the old behaviour
    empty = ctx.tempdir("empty-site") / "site"
    build_site(empty, {BARE_NOTEBOOK: notebook([code_cell(BARE_CODE)])}, [])
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
    figures.extend(_first_check(ctx, site, before, empty))
    return figures


BARE_NOTEBOOK, BARE_CODE = "bare.ipynb", "print(6 * 7)"
#: Issue 18.6: the first check within 1.15x the bare kernel's first output.
TARGET = 1.15


def _first_check(ctx: Context, site: Path, before: Path, empty: Path) -> list[Figure]:
    browsing = _browsing()
    if browsing.CHROMIUM is None:
        raise Skip("Debian's chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    from qala.grader.content.course_file import bundled_course_root, load_course
    from qala.web.serve import serving

    course, _ = load_course(bundled_course_root())
    solution = course.lesson(LESSON).exercise(EXERCISE).solution
    runs: dict[str, list[dict]] = {"after": [], "before": [], "bare": [], "after_map": [], "before_map": [], "bare_warm": []}
    with serving(site) as server, serving(before) as old_server, serving(empty) as bare_server, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=browsing.CHROMIUM, headless=True, args=browsing.CHROMIUM_ARGS)
        try:
            _open_bare(browser, browsing, bare_server)  # not counted: the browser's own first-use costs
            order = [
                ("bare", lambda: _open_bare(browser, browsing, bare_server)),
                ("before", lambda: _open_and_check(browser, browsing, old_server, solution)),
                ("after", lambda: _open_and_check(browser, browsing, server, solution)),
            ]
            for rep in range(ctx.reps(2, 1)):  # interleaved, each rep in another order: a busy moment hits all three
                for key, measure in order[rep % 3 :] + order[: rep % 3]:
                    runs[key].append(measure())
        finally:
            browser.close()
        for _ in range(ctx.reps(2, 1)):
            # A profile on disk (a real browser's cache), the course map first, as a pupil comes.
            for key, where in (("bare_warm", bare_server), ("before_map", old_server), ("after_map", server)):
                with tempfile.TemporaryDirectory(prefix="qala-bench-profile-") as profile:
                    context = playwright.chromium.launch_persistent_context(
                        profile, executable_path=browsing.CHROMIUM, headless=True, args=browsing.CHROMIUM_ARGS
                    )
                    try:
                        if key == "bare_warm":
                            _open_bare(None, browsing, where, context=context)  # fills the cache
                            runs[key].append(_open_bare(None, browsing, where, context=context))
                        else:
                            runs[key].append(_open_and_check(None, browsing, where, solution, context=context))
                    finally:
                        context.close()

    def median(found: list[dict]) -> dict:
        return sorted(found, key=lambda r: r["result_s"])[len(found) // 2]  # the median run (of 1 or 2: the first)

    (CACHE / "browser-runs.json").write_text(json.dumps(runs, indent=1), encoding="utf-8")  # kept whatever follows
    m = {key: median(found) for key, found in runs.items()}
    ids = {"after": "first_check", "before": "first_check_before", "after_map": "first_check_from_map", "before_map": "first_check_from_map_before"}

    def figure(key: str, bare: str, title: str, notes: str) -> Figure:
        value, baseline = m[key]["result_s"], m[bare]["result_s"]
        return Figure(
            f"browser.{ids[key]}",
            title,
            value,
            "s",
            "the bare kernel's first output" + (" (2nd visit, cached)" if bare == "bare_warm" else " (fresh profile)"),
            baseline,
            targets=[at_most(value / baseline, TARGET, f"≤ {TARGET}× the bare kernel")],
            notes=notes.format(**m[key])
            + f"; after the kernel's startup file began {m[key]['after_kernel_s']:.2f} s (Qala imported in {m[key]['import_s']:.2f} s;"
            f" the check cell itself {m[key]['check_cell_s']:.2f} s)",
            details={"runs": runs[key], "bare_runs": runs[bare]},
        )

    return [
        figure(
            "after",
            "bare",
            f"browser: open a lesson → first check result ({LESSON}/{EXERCISE}), fresh profile",
            "Pyodide's load (to the startup file) {pyodide_s:.1f} s of it; kernel session at {kernel_s:.1f} s",
        ),
        figure(
            "before",
            "bare",
            "… the same, the site built as before 18.6 (modules not precompiled)",
            "Pyodide's load {pyodide_s:.1f} s of it; kernel session at {kernel_s:.1f} s",
        ),
        figure(
            "after_map",
            "bare_warm",
            f"browser: from the course map (its prefetch served) → first check result ({LESSON}/{EXERCISE})",
            "clock from the click on the lesson; {prefetch_s:.1f} s on the map until its prefetch was served; Pyodide's load {pyodide_s:.1f} s of it",
        ),
        figure(
            "before_map",
            "bare_warm",
            "… the same, the site built as before 18.6 (modules not precompiled)",
            "{prefetch_s:.1f} s on the map; Pyodide's load {pyodide_s:.1f} s of it",
        ),
    ]


def _served(server, path: str, since: int) -> bool:
    return any(p == path and status == 200 for method, p, status in server.requests[since:])


def _open_bare(browser, browsing, server, context=None) -> dict:
    """The bare kernel: the empty site's notebook opened, its one cell run; navigation → output."""
    own = context is None
    context = context or browser.new_context()
    try:
        traffic = browsing.Traffic((server,))
        traffic.watch(context)
        page = context.pages[0] if context.pages else context.new_page()
        started = time.perf_counter()
        page.goto(f"{server.url}notebooks/index.html?path={BARE_NOTEBOOK}")
        lab = browsing.Lab(page, traffic, started)
        lab.wait_for_kernel()
        kernel_s = time.perf_counter() - started
        output = lab.run_cell(0)
        result_s = time.perf_counter() - started
        if "42" not in output:
            raise RuntimeError(f"the bare kernel did not answer: {output[:300]!r}")
        traffic.assert_clean()
        page.goto("about:blank")  # a second visit in this context starts a new kernel
        return {"result_s": result_s, "kernel_s": kernel_s, "requests": len(traffic.urls)}
    finally:
        if own:
            context.close()


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
        navigated_at = time.time()
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
        probe = lab.add_cell("from qala.web import notebook as _n; print(_n.started_at_ms, _n.imported_at_ms)")
        started_at_ms, imported_at_ms = map(float, lab.run_cell(probe).split())
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
            "pyodide_requested_s": requested["pyodide.mjs"] / 1000 - navigated_at,
            "import_s": (imported_at_ms - started_at_ms) / 1000,
            # What follows the bare kernel's part: Qala imported, the start cell, the solution typed, the check.
            "after_kernel_s": result_s - (started_at_ms / 1000 - navigated_at),
            "requests": len(traffic.urls),
        }
    finally:
        if not from_map:
            context.close()
