"""Building the site: what lands in it and in its settings, for each kind of Pyodide. No browser."""

from __future__ import annotations

import hashlib
import json
import logging
import time
from pathlib import Path

import pytest

from qala.web.serve import serving
from qala.web.site import KERNEL_PLUGIN, SiteError, build_site, code_cell, has_math, markdown_cell, notebook

NOTEBOOK = notebook([markdown_cell("# Сәлем"), code_cell("import hello_qala")])


def settings_of(site: Path) -> dict:
    config = json.loads((site / "jupyter-lite.json").read_text(encoding="utf-8"))["jupyter-config-data"]
    return config["litePluginSettings"][KERNEL_PLUGIN] | {"exposeAppInBrowser": config["exposeAppInBrowser"]}


def lock_of(folder: Path) -> dict:
    return json.loads((folder / "pyodide-lock.json").read_text(encoding="utf-8"))["packages"]


@pytest.fixture(scope="module")
def offline_site(tmp_path_factory, vendored, tiny_wheel, timings) -> Path:
    started = time.perf_counter()
    site = build_site(
        tmp_path_factory.mktemp("offline") / "site",
        {"lessons/hello.ipynb": NOTEBOOK},
        [tiny_wheel],
        files={"datasets/air.csv": "station,pm25\nМедеу,12\n".encode()},
    )
    timings["site build, offline (s)"] = time.perf_counter() - started
    return site


def test_the_offline_site_loads_pyodide_from_itself_and_never_from_pypi(offline_site):
    settings = settings_of(offline_site)
    assert settings["pyodideUrl"] == "./static/pyodide/pyodide.mjs"
    assert settings["disablePyPIFallback"] is True
    assert settings["loadPyodideOptions"] == {"packages": ["hello-qala"]}
    assert settings["exposeAppInBrowser"] is True


def test_the_offline_lock_lists_exactly_the_files_present_with_their_real_checksums(offline_site, vendored):
    folder = offline_site / "static" / "pyodide"
    packages = lock_of(folder)
    wheels = {p.name for p in folder.glob("*.whl")}
    assert {p["file_name"] for p in packages.values()} == wheels
    assert wheels == {p.name for p in vendored.wheels} | {"hello_qala-0.0.1-py3-none-any.whl"}
    for package in packages.values():
        assert package["sha256"] == hashlib.sha256((folder / package["file_name"]).read_bytes()).hexdigest()
    assert "ipython-pygments-lexers" in packages["ipython"]["depends"]  # PyPI's ipython needs it
    assert packages["hello-qala"]["depends"] == []  # its pexpect is for other platforms only
    for name in vendored.pins.core:
        assert (folder / name).is_file()


def test_the_site_carries_the_widgets_front_end_and_ipywidgets_only_on_demand(offline_site):
    config = json.loads((offline_site / "jupyter-lite.json").read_text(encoding="utf-8"))["jupyter-config-data"]
    extension = next(e for e in config["federated_extensions"] if e["name"] == "@jupyter-widgets/jupyterlab-manager")
    assert (offline_site / "extensions" / extension["name"] / extension["load"]).is_file()
    packages = lock_of(offline_site / "static" / "pyodide")
    assert packages["ipywidgets"]["depends"] == ["comm", "ipython", "traitlets"]  # no front-end projects
    assert not {"jupyterlab-widgets", "widgetsnbextension"} & set(packages)
    assert "ipywidgets" not in settings_of(offline_site)["loadPyodideOptions"]["packages"]  # not at start


def test_notebooks_and_files_are_the_sites_contents(offline_site):
    saved = json.loads((offline_site / "files" / "lessons" / "hello.ipynb").read_text(encoding="utf-8"))
    assert saved == NOTEBOOK
    assert (offline_site / "files" / "datasets" / "air.csv").read_text(encoding="utf-8").startswith("station")
    listing = json.loads((offline_site / "api" / "contents" / "lessons" / "all.json").read_text(encoding="utf-8"))
    assert [item["name"] for item in listing["content"]] == ["hello.ipynb"]


def test_the_build_leaves_no_cache_behind_and_answers_the_favicon(offline_site):
    assert not list(offline_site.rglob(".jupyterlite.doit.db"))
    assert (offline_site / "favicon.ico").is_file()


def test_a_second_build_replaces_the_first(offline_site, tiny_wheel, tmp_path):
    site = tmp_path / "site"
    build_site(site, {"a.ipynb": NOTEBOOK}, [tiny_wheel])
    build_site(site, {"b.ipynb": NOTEBOOK}, [])
    assert not (site / "files" / "a.ipynb").exists() and (site / "files" / "b.ipynb").is_file()
    assert settings_of(site)["loadPyodideOptions"] == {"packages": []}
    assert "hello-qala" not in lock_of(site / "static" / "pyodide")


def test_a_folder_that_is_not_a_site_is_never_replaced(tmp_path):
    (tmp_path / "thesis.docx").write_bytes(b"years of work")
    with pytest.raises(SiteError, match="refusing"):
        build_site(tmp_path, {"a.ipynb": NOTEBOOK}, [])
    assert (tmp_path / "thesis.docx").read_bytes() == b"years of work"


@pytest.mark.parametrize(
    "notebooks, files, problem",
    [
        ({"../escape.ipynb": NOTEBOOK}, {}, "relative path"),
        ({"a.ipynb": {"cells": []}}, {}, "nbformat-4"),
        ({"a.txt": NOTEBOOK}, {}, "ipynb"),
        ({"a.ipynb": NOTEBOOK}, {"a.ipynb": b""}, "both"),
        ({}, {"/etc/passwd": b""}, "relative path"),
    ],
)
def test_bad_contents_are_refused_before_anything_is_built(tmp_path, notebooks, files, problem):
    with pytest.raises(SiteError, match=problem):
        build_site(tmp_path / "site", notebooks, [], files=files)


def test_a_full_pyodide_folder_is_carried_whole_with_what_its_lock_lacks(tmp_path, full_distribution, tiny_wheel):
    before = {p.name: p.read_bytes() for p in full_distribution.iterdir()}
    site = build_site(tmp_path / "site", {"a.ipynb": NOTEBOOK}, [tiny_wheel], pyodide=str(full_distribution))
    assert {p.name: p.read_bytes() for p in full_distribution.iterdir()} == before  # left as it was
    folder = site / "static" / "pyodide"
    assert (folder / "index.html").is_file()  # everything in the distribution comes along
    packages = lock_of(folder)
    assert {"comm", "ipython-pygments-lexers", "hello-qala", "ipython", "micropip"} <= set(packages)
    assert settings_of(site)["pyodideUrl"] == "./static/pyodide/pyodide.mjs"


def test_a_pyodide_url_is_used_for_the_core_and_its_packages(tmp_path, full_distribution, vendored, tiny_wheel, caplog):
    with serving(full_distribution) as remote, caplog.at_level(logging.WARNING):
        site = build_site(tmp_path / "site", {"a.ipynb": NOTEBOOK}, [tiny_wheel], pyodide=remote.url)
    settings = settings_of(site)
    assert settings["pyodideUrl"] == remote.url + "pyodide.mjs"
    assert settings["loadPyodideOptions"]["lockFileURL"] == "./static/qala-pyodide/pyodide-lock.json"
    assert not (site / "static" / "pyodide").exists()
    folder = site / "static" / "qala-pyodide"
    packages = lock_of(folder)
    (ipython,) = [w.file for w in vendored.pins.wheels if w.name == "ipython"]
    assert packages["ipython"]["file_name"] == remote.url + ipython  # the distribution's, by URL
    (comm,) = [w.file for w in vendored.pins.wheels if w.name == "comm"]
    assert packages["comm"]["file_name"] == comm  # carried by the site, which the lock lacks
    assert (folder / packages["comm"]["file_name"]).is_file()
    assert (folder / tiny_wheel.name).is_file()
    assert not [r for r in caplog.records if "hello-qala" in r.getMessage()]


def test_mathjax_is_left_out_only_where_no_notebook_writes_latex():
    prose = notebook([markdown_cell("# Air\nPM2.5 in µg/m³, 100 ₸ a ride: [a link](https://example.org)"), code_cell("print('$5')")])
    assert not has_math(prose)  # a dollar sign in code is not Markdown
    for latex in ("the mean $\\bar x$", "$$\\sum_i x_i$$", "\\(x^2\\)", "\\[x\\]", "\\begin{align}x\\end{align}"):
        assert has_math(notebook([markdown_cell("Text"), markdown_cell(latex)])), latex
    assert has_math({"cells": [{"cell_type": "markdown", "source": ["a ", "$x$"]}]})  # nbformat's list of lines
