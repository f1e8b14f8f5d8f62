"""Rewriting pyodide-lock.json for a site: only what is there, checksums recomputed, new wheels added."""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path

import pytest

from qala.web.lockfile import WheelInfo, canonical_name, rewrite_lock


def make_wheel(folder: Path, name: str, version: str, requires=(), modules=("",), top_level=True) -> Path:
    """A small but well-formed wheel written with zipfile."""
    dist = f"{name.replace('-', '_')}-{version}"
    path = folder / f"{dist}-py3-none-any.whl"
    package = name.replace("-", "_").lower()
    with zipfile.ZipFile(path, "w") as wheel:
        for module in modules:
            wheel.writestr(f"{package}/{module or '__init__'}.py", "VALUE = 1\n")
        metadata = ["Metadata-Version: 2.1", f"Name: {name}", f"Version: {version}"]
        metadata += [f"Requires-Dist: {r}" for r in requires]
        wheel.writestr(f"{dist}.dist-info/METADATA", "\n".join(metadata) + "\n")
        wheel.writestr(f"{dist}.dist-info/WHEEL", "Wheel-Version: 1.0\nRoot-Is-Purelib: true\n")
        if top_level:
            wheel.writestr(f"{dist}.dist-info/top_level.txt", package + "\n")
        wheel.writestr(f"{dist}.dist-info/RECORD", "")
    return path


def entry(name: str, file_name: str, depends=(), sha256="0" * 64) -> dict:
    return {
        "name": name,
        "version": "1.0",
        "file_name": file_name,
        "install_dir": "site",
        "sha256": sha256,
        "package_type": "package",
        "imports": [name.lower()],
        "depends": list(depends),
        "unvendored_tests": False,
        "tool": {},
    }


LOCK = {
    "info": {"arch": "wasm32", "python": "3.14.2", "platform": "emscripten_5_0_3"},
    "packages": {
        "ipython": entry("ipython", "ipython-9.12.0-py3-none-any.whl", ["prompt_toolkit", "Pygments"]),
        "prompt-toolkit": entry("prompt_toolkit", "prompt_toolkit-3.0.52-py3-none-any.whl"),
        "pygments": entry("Pygments", "pygments-2.20.0-py3-none-any.whl"),
        "numpy": entry("numpy", "numpy-2.3.5-cp314-cp314-pyemscripten_2026_0_wasm32.whl"),
        "libopenblas": {**entry("libopenblas", "libopenblas-0.3.26.zip"), "package_type": "shared_library"},
    },
    "tool": {},
}


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def folder(tmp_path) -> Path:
    """A site's Pyodide folder holding PyPI's ipython stack, but no numpy."""
    make_wheel(tmp_path, "ipython", "9.12.0", requires=["pygments>=2.4", "ipython-pygments-lexers"])
    make_wheel(tmp_path, "prompt_toolkit", "3.0.52")
    make_wheel(tmp_path, "pygments", "2.20.0")
    return tmp_path


def test_entries_without_files_are_dropped_and_the_rest_get_real_checksums(folder):
    rewritten = rewrite_lock(LOCK, folder)
    packages = rewritten.lock["packages"]
    assert sorted(packages) == ["ipython", "prompt-toolkit", "pygments"]
    assert rewritten.dropped == ("libopenblas", "numpy")
    for item in packages.values():
        assert item["sha256"] == sha(folder / item["file_name"])
    assert rewritten.lock["info"] == LOCK["info"]
    assert LOCK["packages"]["ipython"]["sha256"] == "0" * 64  # the input is left alone


def test_a_wheel_the_lock_lacks_gets_an_entry_with_depends_from_its_metadata(folder):
    lexers = make_wheel(folder, "ipython-pygments-lexers", "1.1.1", requires=["pygments"])
    ours = make_wheel(
        folder,
        "hello-qala",
        "0.1.0",
        top_level=False,
        modules=("", "checks"),
        requires=[
            "ipython",
            "pexpect>4.3; sys_platform != 'emscripten'",
            "colorama; sys_platform == 'win32'",
            "pytest; extra == 'test'",
            "textual==8.2.8",
        ],
    )
    rewritten = rewrite_lock(LOCK, folder, [lexers, ours])
    added = rewritten.lock["packages"]["hello-qala"]
    assert added["name"] == "hello-qala" and added["version"] == "0.1.0"
    assert added["file_name"] == ours.name and added["sha256"] == sha(ours)
    assert added["imports"] == ["hello_qala"]
    assert added["depends"] == ["ipython"]  # textual is not in the site: dropped, and said so
    assert rewritten.unmet == ("hello-qala -> textual",)
    assert rewritten.lock["packages"]["ipython-pygments-lexers"]["depends"] == ["pygments"]


def test_a_replaced_wheel_keeps_the_lock_depends_and_adds_what_its_metadata_needs(folder):
    lexers = make_wheel(folder, "ipython-pygments-lexers", "1.1.1")
    ipython = folder / "ipython-9.12.0-py3-none-any.whl"
    rewritten = rewrite_lock(LOCK, folder, [ipython, lexers])
    depends = rewritten.lock["packages"]["ipython"]["depends"]
    assert depends == ["prompt_toolkit", "Pygments", "ipython-pygments-lexers"]
    assert rewritten.lock["packages"]["ipython"]["imports"] == ["ipython"]  # the lock's, kept


def test_a_dependency_nobody_provides_is_dropped_so_loading_still_works(folder):
    lock = {**LOCK, "packages": {**LOCK["packages"]}}
    lock["packages"]["pygments"] = entry("Pygments", "pygments-2.20.0-py3-none-any.whl", ["numpy"])
    rewritten = rewrite_lock(lock, folder)
    assert rewritten.lock["packages"]["pygments"]["depends"] == []
    assert rewritten.unmet == ("pygments -> numpy",)


def test_with_a_base_url_remote_entries_become_absolute_and_local_wheels_stay_relative(tmp_path):
    comm = make_wheel(tmp_path, "comm", "0.2.3")
    base = "https://pyodide.school.example/v314.0.7/full/"
    rewritten = rewrite_lock(LOCK, tmp_path, [comm], base_url=base)
    packages = rewritten.lock["packages"]
    assert packages["numpy"]["file_name"] == base + LOCK["packages"]["numpy"]["file_name"]
    assert packages["numpy"]["sha256"] == LOCK["packages"]["numpy"]["sha256"]
    assert packages["comm"]["file_name"] == comm.name
    assert rewritten.dropped == ()


def test_wheels_must_already_be_inside_the_folder(tmp_path, folder):
    elsewhere = tmp_path.parent / "elsewhere"
    elsewhere.mkdir(exist_ok=True)
    stray = make_wheel(elsewhere, "comm", "0.2.3")
    with pytest.raises(ValueError, match="not inside"):
        rewrite_lock(LOCK, folder, [stray])


def test_wheel_metadata_is_read_from_the_wheel(tmp_path):
    wheel = make_wheel(tmp_path, "Stack_Data", "0.6.3", requires=["executing>=1.2.0"], top_level=False)
    info = WheelInfo.read(wheel)
    assert (info.name, info.version, info.requires, info.imports) == ("Stack_Data", "0.6.3", ("executing>=1.2.0",), ("stack_data",))
    assert canonical_name(info.name) == "stack-data"


def test_a_requirement_on_a_front_end_only_project_is_no_dependency_in_the_kernel(folder):
    """ipywidgets names widgetsnbextension and jupyterlab_widgets, which hold only the notebook's
    front end: its lock entry leaves them out without reporting anything unmet."""
    make_wheel(folder, "comm", "0.2.3")
    widgets = make_wheel(folder, "ipywidgets", "8.1.9", requires=["comm>=0.1.3", "ipython>=6.1.0", "widgetsnbextension~=4.0.16", "jupyterlab_widgets~=3.0.17"])
    rewritten = rewrite_lock(LOCK, folder, [folder / "comm-0.2.3-py3-none-any.whl", widgets])
    assert rewritten.lock["packages"]["ipywidgets"]["depends"] == ["comm", "ipython"]
    assert rewritten.unmet == ()
