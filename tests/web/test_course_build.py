"""`qala web build` and `qala web serve` without a browser: the kernel's wheel, the notebooks made
from lesson files, the landing page, the kernel's settings, and one-line errors."""

from __future__ import annotations

import ast
import json
import re
import shutil
import subprocess
import sys
import urllib.request
import zipfile
from pathlib import Path

import pytest

from qala.web import notebook as in_notebook
from qala.web.course_site import build_course_site
from qala.web.kernel_wheel import build_kernel_wheel, precompiled_wheels
from qala.web.lockfile import WheelInfo, canonical_name
from qala.web.site import KERNEL_PACKAGES, KERNEL_PLUGIN, MATHJAX_PLUGIN
from tests.conftest import exercise_text, lesson_text, make_course, run_qala

AIR = "station,pm25\nМедеу,12\nТұрксіб,30\n"


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    """Two lessons: one on the standard library, one needing pandas (which the offline site lacks)."""
    two = exercise_text("total") + "\n" + exercise_text("again", setup="numbers = [1, 2, 3]")
    return make_course(
        tmp_path_factory.mktemp("course"),
        {"sums": lesson_text(exercises=two), "frames": lesson_text("frames", front='needs = ["pandas"]\n')},
        datasets={"air.csv": AIR},
    )


@pytest.fixture(scope="module")
def built(tmp_path_factory, course, vendored):
    return build_course_site(tmp_path_factory.mktemp("site") / "site", course_root=course)


def cells_of(site: Path, path: str) -> list[dict]:
    return json.loads((site / "files" / path).read_text(encoding="utf-8"))["cells"]


def source(cell: dict) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def test_the_kernel_wheel_is_reproducible_and_carries_only_what_runs_in_pyodide(course, tmp_path):
    first = build_kernel_wheel(course, tmp_path / "a").path
    second = build_kernel_wheel(course, tmp_path / "b").path
    assert first.name == second.name and first.read_bytes() == second.read_bytes()
    assert re.fullmatch(r"qala-[\d.]+-1[0-9a-f]{12}-py3-none-any\.whl", first.name)  # a content hash as build tag
    names = set(zipfile.ZipFile(first).namelist())
    for wanted in (
        "qala/grader/engine.py",
        "qala/grader/run/runners.py",
        "qala/web/notebook.py",
        "qala/web/kernel_startup.py",
        "qala/course/__init__.py",
        "qala/course/course.toml",
        "qala/lessons/basics/sums.md",
        "qala/lessons/datasets/air.csv",
    ):
        assert wanted in names
    assert not [n for n in names if n.startswith(("qala/tui/", "qala/web/site", "qala/web/vendor", "qala/web/command")) or n.endswith(".pyc")]
    info = WheelInfo.read(first)
    assert (info.name, info.requires) == ("qala", ())  # Textual, Rich and pandas stay out of the kernel

    edited = Path(shutil.copytree(course, tmp_path / "edited"))
    (edited / "lessons" / "basics" / "sums.md").write_text(lesson_text(intro="Changed."), encoding="utf-8")
    assert build_kernel_wheel(edited, tmp_path / "c").path.name != first.name  # so no browser serves a stale one


# Run first in Pyodide: every module compiled from source from then on is noted in `compiled`.
COUNT_COMPILES = """
import importlib._bootstrap_external as external, json, sys
compiled = []
original = external.SourceLoader.source_to_code
def counting(self, data, path, *args, **kwargs):
    compiled.append(path)
    return original(self, data, path, *args, **kwargs)
external.SourceLoader.source_to_code = counting
"""

COMPILED_IN_PYODIDE = (
    COUNT_COMPILES
    + """
from qala.web.notebook import start, hint, progress, export
import qala.grader.engine as engine
from qala.web.notebook import FolderStorage, Session
def parse_again(*args, **kwargs):
    raise AssertionError("the kernel parsed the course again")
engine.load_course = parse_again  # the course comes parsed in the wheel
session = Session(storage=FolderStorage("/tmp/progress"))
session.begin("sums", "ru")
await session.open()
view = await session.check("total", "numbers = [1, 2, 3]\\ntotal = sum(numbers)\\n")
print(json.dumps({
    "modules": sorted(name for name in sys.modules if name.startswith("qala")),
    "compiled": [path for path in compiled if "/qala/" in path],
    "filename": engine.Engine.__init__.__code__.co_filename,
    "lessons": sorted(session.engine.course.lessons),
    "passed": view.outcome.passed,
}))
"""
)


def test_the_sites_kernel_neither_compiles_qala_nor_parses_the_course(built, vendored):
    """The site's wheel carries each module's bytecode, compiled by the site's own Pyodide and
    checked by hash, and the course parsed there: in that Pyodide, importing the in-notebook API
    compiles none of Qala's modules, and a learner's first check reads the course without parsing it."""
    from qala.web import pyodide_node

    wheel = built.path / "static" / "pyodide" / built.wheel
    tag = "cpython-" + "".join(vendored.lock["info"]["python"].split(".")[:2])
    names = set(zipfile.ZipFile(wheel).namelist())
    sources = sorted(n for n in names if n.endswith(".py"))
    assert sources and all(f"{n.rsplit('/', 1)[0]}/__pycache__/{n.rsplit('/', 1)[1][:-3]}.{tag}.pyc" in names for n in sources)
    done = pyodide_node.run(COMPILED_IN_PYODIDE, wheels=[wheel])
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert len(found["modules"]) > 20 and "qala.grader.judge.checks" in found["modules"]
    assert found["compiled"] == []
    assert found["filename"].endswith("/site-packages/qala/grader/engine.py")  # tracebacks name the installed file
    assert found["lessons"] == ["frames", "sums"] and found["passed"] is True


IPYTHON_FROM_BYTECODE = (
    COUNT_COMPILES
    + """
before = set(sys.modules)
import IPython, jedi
print(json.dumps({"modules": len(set(sys.modules) - before), "from_source": [p for p in compiled if "site-packages" in p], "file": IPython.__file__}))
"""
)


def test_the_kernels_other_wheels_carry_the_bytecode_of_what_a_kernel_imports(built, vendored, tmp_path, monkeypatch):
    """IPython and the rest come with bytecode (compiled once, by the site's Pyodide): in that
    Pyodide, importing IPython from the site's very wheels compiles none of its modules, and the
    wheels keep every file PyPI's hold, byte for byte, under a name that tells them apart."""
    from qala.web import pyodide_node

    folder = built.path / "static" / "pyodide"
    lock = json.loads((folder / "pyodide-lock.json").read_text(encoding="utf-8"))["packages"]
    for pin, original in zip(vendored.pins.wheels, vendored.wheels):
        carried = folder / lock[canonical_name(pin.name)]["file_name"]
        assert carried.name != original.name and re.fullmatch(rf"{re.escape(original.name.split('-')[0])}-[^-]+-1[0-9a-f]{{12}}-.+\.whl", carried.name)
        with zipfile.ZipFile(original) as theirs, zipfile.ZipFile(carried) as ours:
            for name in theirs.namelist():
                if not name.endswith(("/", "RECORD")):
                    assert ours.read(name) == theirs.read(name), name
    wheels = [folder / entry["file_name"] for entry in lock.values() if entry["file_name"].endswith(".whl") and entry["name"] != "qala"]
    done = pyodide_node.run(IPYTHON_FROM_BYTECODE, wheels=wheels)
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found["modules"] > 100 and found["from_source"] == [], found["from_source"][:10]
    assert found["file"].endswith("/site-packages/IPython/__init__.py")
    # Compiled once per machine: a second build finds them in the vendor cache, even with no Node at all.
    cache = vendored.root / "compiled" / vendored.core_dir.name

    def no_node() -> str:
        raise pyodide_node.NodeMissing("no node here")

    monkeypatch.setattr(pyodide_node, "node_executable", no_node)
    again = precompiled_wheels(vendored.wheels, cache, vendored.core_dir)
    assert [w.name for w in again] == [lock[canonical_name(pin.name)]["file_name"] for pin in vendored.pins.wheels]
    # ... and where none is cached and Node cannot run, the wheels as PyPI ships them.
    assert precompiled_wheels(vendored.wheels[:2], tmp_path / "empty-cache", vendored.core_dir) == vendored.wheels[:2]


def test_a_parsed_course_is_used_only_for_exactly_what_it_was_parsed_from(course, tmp_path):
    import pickle

    from qala.grader.engine import load_course

    root = Path(shutil.copytree(course, tmp_path / "course"))
    with open(root / in_notebook.PARSED_COURSE, "wb") as out:
        pickle.dump(in_notebook.course_fingerprint(root), out)
        pickle.dump(load_course(root)[0], out)
    assert sorted(in_notebook.parsed_course(root).lessons) == ["frames", "sums"]
    assert in_notebook.parsed_course(course) is None  # none was made for this one
    (root / "lessons" / "basics" / "sums.md").write_text(lesson_text(intro="Changed."), encoding="utf-8")
    assert in_notebook.parsed_course(root) is None  # then the engine parses the course itself
    (root / in_notebook.PARSED_COURSE).write_bytes(b"damaged")
    assert in_notebook.parsed_course(root) is None


def test_the_wheel_is_built_without_bytecode_where_pyodide_cannot_run(course, tmp_path, monkeypatch, caplog):
    from qala.web import pyodide_node

    def no_node() -> str:
        raise pyodide_node.NodeMissing("no node here")

    monkeypatch.setattr(pyodide_node, "node_executable", no_node)
    wheel = build_kernel_wheel(course, tmp_path, precompile=True)
    assert wheel.compiled == 0 and not [n for n in zipfile.ZipFile(wheel.path).namelist() if n.endswith((".pyc", ".pickle"))]
    assert "not precompiled" in caplog.text and "no node here" in caplog.text


def test_each_lesson_is_a_notebook_in_each_language(built):
    site = built.path
    assert built.notebooks == 6 and built.lessons == 2
    for language in ("en", "ru", "kk"):
        cells = cells_of(site, f"{language}/sums.ipynb")
        assert cells[0]["cell_type"] == "markdown" and source(cells[0]).startswith("# Lesson sums")
        assert "%%check" in source(cells[0])  # how it works, before anything runs
        start = next(c for c in cells if c["cell_type"] == "code")
        assert source(start).endswith(f'await start("sums", "{language}")')
        checks = [source(c) for c in cells if c["cell_type"] == "code" and source(c).startswith("%%check")]
        assert checks == ["%%check total\nnumbers = [1, 2, 3]\ntotal = 0\n", "%%check again\nnumbers = [1, 2, 3]\ntotal = 0\n"]
        assert source(cells[-1]) == "progress()"
    cells = cells_of(site, "en/sums.ipynb")
    assert any("This code runs before yours" in source(c) and "numbers = [1, 2, 3]" in source(c) for c in cells)
    prose = [c for c in cells if c["cell_type"] == "markdown"]
    assert all(c["metadata"]["editable"] is False for c in prose)
    exercise_cells = [c for c in cells if source(c).startswith("%%check")]
    assert all(c["metadata"]["deletable"] is False and "editable" not in c["metadata"] for c in exercise_cells)


def test_a_lesson_needing_what_the_site_lacks_says_so_at_its_top(built):
    assert built.unavailable == {"frames": ["pandas"]}
    banner = source(cells_of(built.path, "en/frames.ipynb")[1])
    assert banner.startswith("> ⚠ ") and "needs pandas" in banner
    assert not any("needs pandas" in source(c) for c in cells_of(built.path, "en/sums.ipynb"))


def test_the_landing_page_replaces_jupyterlites_root_page_and_keeps_its_config(built):
    page = (built.path / "index.html").read_text(encoding="utf-8")
    assert '<script id="jupyter-config-data" type="application/json" data-jupyter-lite-root=".">{}</script>' in page
    data = json.loads(re.search(r'<script id="qala-data" type="application/json">(.*?)</script>', page, re.S).group(1))
    assert data["languages"] == ["en", "ru", "kk"]
    assert data["course"]["title"]["ru"] == "Тестовый курс"
    assert data["storage"] == {
        "database": in_notebook.PROGRESS_MOUNT,
        "store": "FILE_DATA",
        "key": f"{in_notebook.PROGRESS_MOUNT}/{in_notebook.SUMMARY_FILE}",
        "channel": in_notebook.CHANNEL,
    }
    assert data["lessons"]["frames"]["missing"] == ["pandas"]
    assert data["lessons"]["sums"]["notebook"]["kk"] == "notebooks/index.html?path=kk/sums.ipynb"
    assert data["initial"]["xp"] == 0 and data["initial"]["lessons"]["sums"]["status"] == "available"
    assert data["initial"]["language"] is None and data["default_language"] is None
    assert set(data["ui"]["ru"]) == set(data["ui"]["en"])
    assert (built.path / "qala" / "landing.js").is_file() and (built.path / "qala" / "landing.css").is_file()
    # What a lesson's kernel loads first, prefetched from the course map: all of it in the site.
    assert "static/pyodide/pyodide.asm.wasm" in data["prefetch"] and f"static/pyodide/{built.wheel}" in data["prefetch"]
    assert all((built.path / href).is_file() for href in data["prefetch"])
    # Icons are drawings carried in the page, one for every emoji the course's badges name.
    assert all(svg.startswith("<svg") and "currentColor" in svg for svg in data["icons"].values())


def test_the_kernel_preloads_the_wheel_without_dependencies_and_runs_its_startup_file(built, vendored):
    config = json.loads((built.path / "jupyter-lite.json").read_text(encoding="utf-8"))["jupyter-config-data"]
    options = config["litePluginSettings"][KERNEL_PLUGIN]["loadPyodideOptions"]
    python = ".".join(vendored.lock["info"]["python"].split(".")[:2])
    # The kernel's own packages are preloaded with the course's wheel (one parallel load, not one
    # install after another), so every one of them, and what they depend on, is in the lock and the site.
    assert options == {"packages": ["qala", *KERNEL_PACKAGES], "env": {"PYTHONSTARTUP": f"/lib/python{python}/site-packages/qala/web/kernel_startup.py"}}
    lock = json.loads((built.path / "static" / "pyodide" / "pyodide-lock.json").read_text(encoding="utf-8"))["packages"]
    assert lock["qala"]["depends"] == [] and lock["qala"]["file_name"] == built.wheel
    assert lock["ipykernel"]["depends"] == ["pyodide-kernel"] and set(lock["pyodide-kernel"]["depends"]) == {"comm", "ipython"}
    for name in [*KERNEL_PACKAGES, *(d for entry in lock.values() for d in entry["depends"])]:
        assert (built.path / "static" / "pyodide" / lock[canonical_name(name)]["file_name"]).is_file(), name
    # No lesson writes LaTeX: MathJax (about 1 MB of script) is not loaded with the first Markdown cell.
    assert config["disabledExtensions"] == [MATHJAX_PLUGIN]
    assert (built.path / "static" / "pyodide" / built.wheel).is_file()
    assert (built.path / "files" / "datasets" / "air.csv").read_text(encoding="utf-8") == AIR
    assert (built.path / "files" / "datasets" / "air.csv").read_text(encoding="utf-8") == AIR


def test_a_check_cell_becomes_an_awaited_check_of_the_rest_of_the_cell():
    code = 'name = "Алматы"\nprint(f"{name}\\t\'ok\'")\n'
    (line,) = in_notebook.transform_check_cell(["%%check january\n", *code.splitlines(True)])
    tree = ast.parse(line)
    call = tree.body[0].value
    assert isinstance(call, ast.Await) and call.value.func.attr == "check_cell"
    assert [ast.literal_eval(a) for a in call.value.args] == ["january", code]
    (line,) = in_notebook.transform_check_cell(["%%check  \n", "x = 1\n"])
    assert "check_cell(None, 'x = 1\\n')" in line
    for untouched in (["x = 1\n"], ["%%checks x\n", "y\n"], ["# %%check x\n"], []):
        assert in_notebook.transform_check_cell(untouched) == untouched


def test_command_line_mistakes_are_one_line_errors(tmp_path):
    (tmp_path / "stuff").mkdir()
    (tmp_path / "stuff" / "notes.txt").write_text("mine", encoding="utf-8")
    cases = [
        (["web", "build", "--course", str(tmp_path), "--out", str(tmp_path / "out")], "is not a course folder"),
        (["web", "build", "--pyodide", str(tmp_path / "nowhere"), "--out", str(tmp_path / "out")], "no such folder"),
        (["web", "build", "--out", str(tmp_path / "stuff")], "refusing to replace it"),
        (["web", "serve", "--dir", str(tmp_path / "stuff")], "holds no built site"),
    ]
    for args, message in cases:
        done = run_qala(*args, home=tmp_path / "home")
        assert done.returncode == 2, (args, done.stdout, done.stderr)
        assert done.stderr.startswith("qala: error: ") and message in done.stderr and done.stderr.count("\n") == 1, done.stderr
    assert (tmp_path / "stuff" / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_qala_web_serve_serves_a_built_site_on_loopback(built):
    server = subprocess.Popen(
        [sys.executable, "-m", "qala.grader.cli", "web", "serve", "--port", "0", "--dir", str(built.path)],
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = server.stderr.readline()
        url = re.search(r"at (http://127\.0\.0\.1:\d+/)", line).group(1)
        with urllib.request.urlopen(url + "index.html", timeout=30) as response:
            assert response.status == 200 and b'id="qala-data"' in response.read()
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_with_a_pyodide_that_has_pandas_no_lesson_is_flagged(tmp_path, course, full_distribution):
    folder = Path(shutil.copytree(full_distribution, tmp_path / "pyodide"))
    lock = json.loads((folder / "pyodide-lock.json").read_text(encoding="utf-8"))
    wheel = "pandas-2.3.1-cp314-cp314-pyodide_2026_0_wasm32.whl"
    (folder / wheel).write_bytes(b"a stand-in: only its lock entry matters here")
    lock["packages"]["pandas"] = {
        "name": "pandas",
        "version": "2.3.1",
        "file_name": wheel,
        "install_dir": "site",
        "sha256": "",
        "package_type": "package",
        "imports": ["pandas"],
        "depends": [],
    }
    (folder / "pyodide-lock.json").write_text(json.dumps(lock), encoding="utf-8")
    site = build_course_site(tmp_path / "site", course_root=course, pyodide=str(folder))
    assert site.unavailable == {}
    assert not any("needs pandas" in source(c) for c in cells_of(site.path, "en/frames.ipynb"))
    page = (site.path / "index.html").read_text(encoding="utf-8")
    assert '"missing":["pandas"]' not in page


def test_a_school_can_build_its_own_course_with_its_language_first(tmp_path, course, vendored):
    done = run_qala("web", "build", "--lang", "kk", "--course", str(course), "--out", str(tmp_path / "site"), home=tmp_path / "home")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "2 lessons, 6 notebooks" in done.stdout and "frames needs pandas" in done.stdout
    page = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert '"default_language":"kk"' in page


def test_without_npm_a_first_build_says_what_to_install_in_one_line(tmp_path, course):
    # An empty vendor cache and no npm on the PATH (only this Python's folder).
    env = {"QALA_WEB_VENDOR": str(tmp_path / "cache"), "PATH": str(Path(sys.executable).parent)}
    for language, words in (("en", "install Node.js and npm"), ("ru", "установите Node.js и npm"), ("kk", "Node.js пен npm орнатыңыз")):
        done = run_qala("--lang", language, "web", "build", "--course", str(course), "--out", str(tmp_path / "site"), home=tmp_path / "home", env=env)
        assert done.returncode == 2, done.stdout + done.stderr
        *notes, error = done.stderr.splitlines()  # notes: what the vendoring was about to fetch
        assert error.startswith("qala:") and words in error and "Traceback" not in done.stderr, done.stderr
        assert all(note.startswith("qala.web.vendor: fetching") for note in notes), done.stderr
