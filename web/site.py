"""Build the static JupyterLite site: notebooks and files, a Pyodide kernel, offline by default.

`build_site` writes a throw-away lite folder (contents, settings, a Pyodide folder) and runs
`jupyter lite build` on it, so no build cache survives to drop settings from a later build. The
Pyodide folder is the vendored npm core plus the kernel's wheels (see vendor.py), or a full Pyodide
distribution given as a folder or URL; its lock is rewritten to match (see lockfile.py).
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.request
from collections.abc import Iterable, Mapping
from pathlib import Path, PurePosixPath

from . import vendor
from .lockfile import WheelInfo, canonical_name, rewrite_lock

log = logging.getLogger(__name__)

KERNEL_PLUGIN = "@jupyterlite/pyodide-kernel-extension:kernel"
KERNELSPEC = {"name": "python", "display_name": "Python (Pyodide)", "language": "python"}
#: Where a Pyodide lock for a `--pyodide URL` build lives in the site, beside the wheels it adds.
URL_LOCK_DIR = "static/qala-pyodide"
#: What the pyodide-kernel installs when it starts unless `loadPyodideOptions.packages` names it:
#: micropip, then piplite with micropip, then each of the rest with piplite, one after another.
#: Named there, they are loaded by Pyodide in one go instead, downloaded in parallel (issue 18.6).
KERNEL_PACKAGES = ("micropip", "piplite", "ipykernel", "comm", "pyodide-kernel", "jedi", "ipython")
#: The kernel's own wheels among them, shipped inside the pyodide-kernel extension (not on PyPI).
KERNEL_SHIMS = ("piplite", "ipykernel", "pyodide_kernel")
KERNEL_EXTENSION = "@jupyterlite/pyodide-kernel-extension"
#: JupyterLab's LaTeX typesetter: about 1 MB of script loaded with the first Markdown cell.
MATHJAX_PLUGIN = "@jupyterlab/mathjax-extension:plugin"
MATH = re.compile(r"\$|\\\(|\\\[|\\begin\{")


class SiteError(Exception):
    """The site could not be built; the message says why."""


def markdown_cell(source: str) -> dict:
    return {"cell_type": "markdown", "metadata": {}, "source": source}


def code_cell(source: str) -> dict:
    return {"cell_type": "code", "metadata": {}, "source": source, "outputs": [], "execution_count": None}


def notebook(cells: Iterable[dict], metadata: Mapping | None = None) -> dict:
    """An nbformat-4 notebook that opens with the Pyodide kernel."""
    return {
        "nbformat": 4,
        "nbformat_minor": 5,
        "metadata": {"kernelspec": KERNELSPEC, "language_info": {"name": "python"}, **(metadata or {})},
        "cells": [{"id": f"cell-{n}", **cell} for n, cell in enumerate(cells)],
    }


def build_site(
    out_dir: Path | str,
    notebooks: Mapping[str, dict],
    extra_wheels: Iterable[Path],
    files: Mapping[str, bytes] | None = None,
    pyodide: str | None = None,
    vendor_dir: Path | None = None,
    pages: Mapping[str, bytes] | None = None,
    kernel_env: Mapping[str, str] | None = None,
    preload_kernel: bool = False,
    kernel_wheels: Iterable[Path] = (),
) -> Path:
    """Build the site into `out_dir` (replaced if it holds an earlier site) and return its path.

    `notebooks` and `files` map paths inside the site's contents to nbformat-4 dicts and bytes.
    `extra_wheels` are preloaded in every kernel (our `qala` wheel). `pyodide` is None for the
    offline build, or a folder or http(s) URL of a full Pyodide distribution (numpy, pandas).
    `vendor_dir` is the vendor cache (see vendor.py), filled from the registries if incomplete.
    `pages` are written at the site's root after the build (`index.html` replaces JupyterLite's
    redirect to the lab: a landing page). `kernel_env` becomes the kernel's `os.environ`.
    `preload_kernel` has Pyodide load the kernel's own packages with the extra wheels, in one go,
    rather than the kernel installing them one after another (see KERNEL_PACKAGES).
    `kernel_wheels` replace the site's own wheels of the same projects (kernel_wheel.precompiled_wheels).
    """
    out = Path(out_dir).resolve()
    contents = _contents(notebooks, files or {})
    page_paths = {_content_path(path): bytes(data) for path, data in (pages or {}).items()}
    extra_wheels = [Path(w).resolve() for w in extra_wheels]
    for wheel in extra_wheels:
        if not wheel.is_file() or wheel.suffix != ".whl":
            raise SiteError(f"{wheel} is not a wheel file")
    vendored = vendor.ensure(vendor_dir)
    kernel_wheels = [Path(w).resolve() for w in kernel_wheels]
    replaced = {canonical_name(WheelInfo.read(w).name) for w in kernel_wheels}
    shims = [w for w in kernel_shim_wheels() if canonical_name(WheelInfo.read(w).name) not in replaced] if preload_kernel else []
    _clear_output(out)
    with tempfile.TemporaryDirectory(prefix="qala-lite-") as tmp:
        lite = Path(tmp)
        _write_contents(lite / "files", contents)
        preload = [canonical_name(WheelInfo.read(w).name) for w in extra_wheels]
        if preload_kernel:
            preload += [name for name in KERNEL_PACKAGES if name not in preload]
        extra_wheels = [*shims, *kernel_wheels, *extra_wheels]  # all the site carries beside Pyodide's own
        settings: dict = {"disablePyPIFallback": True, "loadPyodideOptions": {"packages": preload}}
        if kernel_env:
            settings["loadPyodideOptions"]["env"] = dict(kernel_env)
        url_lock_dir = None
        if pyodide is None:
            _offline_pyodide(lite / "static" / "pyodide", vendored, extra_wheels)
        elif re.match(r"^https?://", pyodide):
            base = re.sub(r"(pyodide\.mjs|pyodide-lock\.json)$", "", pyodide).rstrip("/") + "/"
            url_lock_dir = lite / "qala-pyodide"
            _remote_pyodide(url_lock_dir, base, vendored, extra_wheels)
            settings["pyodideUrl"] = base + "pyodide.mjs"
            settings["loadPyodideOptions"]["lockFileURL"] = f"./{URL_LOCK_DIR}/pyodide-lock.json"
        else:
            _folder_pyodide(lite / "static" / "pyodide", Path(pyodide), vendored, extra_wheels)
        config: dict = {
            "jupyter-lite-schema-version": 0,
            "jupyter-config-data": {"exposeAppInBrowser": True, "litePluginSettings": {KERNEL_PLUGIN: settings}},
        }
        if not any(has_math(nb) for nb in notebooks.values()):
            config["jupyter-config-data"]["disabledExtensions"] = [MATHJAX_PLUGIN]
        (lite / "jupyter-lite.json").write_text(json.dumps(config, indent=2), encoding="utf-8")
        # The widgets' front end: a labextension inside a vendored PyPI wheel, unpacked by the build.
        build_config = {"LiteBuildConfig": {"federated_extensions": [str(w) for w in vendored.labextensions]}}
        (lite / "jupyter_lite_config.json").write_text(json.dumps(build_config, indent=2), encoding="utf-8")
        _jupyter_lite_build(lite, out)
        # Browsers ask for /favicon.ico whatever the page says: answer rather than log a 404.
        shutil.copy2(out / "static" / "favicons" / "favicon.ico", out / "favicon.ico")
        if url_lock_dir is not None:
            shutil.copytree(url_lock_dir, out / URL_LOCK_DIR)
        for path, data in page_paths.items():
            target = out / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
    _check_settings(out, settings, local_pyodide=url_lock_dir is None)
    _check_labextensions(out, vendored)
    return out


def kernel_shim_wheels() -> list[Path]:
    """The pyodide-kernel extension's own wheels (piplite, the ipykernel shim, pyodide-kernel), from
    the installed extension whose copy `jupyter lite build` puts in the site."""
    from jupyter_core.paths import jupyter_path

    for base in jupyter_path("labextensions"):
        folder = Path(base) / KERNEL_EXTENSION / "static" / "pypi"
        found = [sorted(folder.glob(f"{name}-*.whl"))[-1:] for name in KERNEL_SHIMS]
        if all(found):
            return [wheels[0] for wheels in found]
    raise SiteError(f"the {KERNEL_EXTENSION} extension's wheels ({', '.join(KERNEL_SHIMS)}) are not installed")


def has_math(nb: Mapping) -> bool:
    """Whether a notebook's Markdown may hold LaTeX for MathJax ($…$, \\(…\\), \\[…\\], environments)."""
    for cell in nb.get("cells", []):
        source = cell.get("source", "")
        if cell.get("cell_type") == "markdown" and MATH.search(source if isinstance(source, str) else "".join(source)):
            return True
    return False


def _clear_output(out: Path) -> None:
    # Only ever delete what is plainly an earlier site, never a folder someone pointed us at by mistake.
    if out.exists():
        if not out.is_dir():
            raise SiteError(f"{out} exists and is not a folder")
        if any(out.iterdir()) and not (out / "jupyter-lite.json").is_file():
            raise SiteError(f"{out} is not empty and holds no earlier site: refusing to replace it")
        shutil.rmtree(out)


def _content_path(path: str) -> PurePosixPath:
    pure = PurePosixPath(path)
    if pure.is_absolute() or not pure.parts or ".." in pure.parts or "\\" in path:
        raise SiteError(f"{path!r} is not a relative path inside the site's contents")
    return pure


def _contents(notebooks: Mapping[str, dict], files: Mapping[str, bytes]) -> dict[PurePosixPath, bytes]:
    """The site's contents as bytes by path, or SiteError before anything is touched."""
    clash = set(notebooks) & set(files)
    if clash:
        raise SiteError(f"given both as a notebook and as a file: {sorted(clash)}")
    contents = {}
    for path, nb in notebooks.items():
        if not path.endswith(".ipynb") or nb.get("nbformat") != 4 or not isinstance(nb.get("cells"), list):
            raise SiteError(f"{path}: a notebook must be an nbformat-4 dict with cells, saved as .ipynb")
        contents[_content_path(path)] = (json.dumps(nb, indent=1, ensure_ascii=False) + "\n").encode()
    for path, data in files.items():
        contents[_content_path(path)] = bytes(data)
    return contents


def _write_contents(root: Path, contents: Mapping[PurePosixPath, bytes]) -> None:
    root.mkdir(parents=True)
    for path, data in contents.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


def _place(source: Path | str, target: Path | str) -> None:
    """Hard-link (cheap: the build copies it again) or else copy `source` to `target`."""
    if os.path.lexists(target):
        os.unlink(target)
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def _write_lock(folder: Path, lock: dict, wheels: list[Path], base_url: str | None = None) -> None:
    rewritten = rewrite_lock(lock, folder, wheels, base_url=base_url)
    for unmet in rewritten.unmet:
        log.warning("pyodide-lock.json: dropped a dependency no package provides: %s", unmet)
    target = folder / "pyodide-lock.json"
    target.unlink(missing_ok=True)  # it may be a hard link to the distribution's own lock
    target.write_text(json.dumps(rewritten.lock, indent=1), encoding="utf-8")


def _offline_pyodide(folder: Path, vendored: vendor.Vendored, extra_wheels: list[Path]) -> None:
    folder.mkdir(parents=True)
    for path in vendored.core_files:
        if path.name != "pyodide-lock.json":
            _place(path, folder / path.name)
    wheels = []
    replaced = {canonical_name(WheelInfo.read(w).name) for w in extra_wheels}
    own = [w for pin, w in zip(vendored.pins.wheels, vendored.wheels) if canonical_name(pin.name) not in replaced]
    for path in [*own, *extra_wheels]:
        _place(path, folder / path.name)
        wheels.append(folder / path.name)
    _write_lock(folder, vendored.lock, wheels)


def _unknown_to(lock: dict, vendored: vendor.Vendored) -> list[Path]:
    """The vendored wheels for projects `lock` does not know (comm, ipython-pygments-lexers)."""
    known = {canonical_name(key) for key in lock.get("packages", {})}
    return [w for pin, w in zip(vendored.pins.wheels, vendored.wheels) if canonical_name(pin.name) not in known]


def _folder_pyodide(folder: Path, source: Path, vendored: vendor.Vendored, extra_wheels: list[Path]) -> None:
    if not (source / "pyodide.mjs").is_file() or not (source / "pyodide-lock.json").is_file():
        raise SiteError(f"{source} is not a Pyodide distribution (no pyodide.mjs and pyodide-lock.json)")
    shutil.copytree(source, folder, copy_function=_place)
    lock = json.loads((source / "pyodide-lock.json").read_text(encoding="utf-8"))
    wheels = []
    for path in [*_unknown_to(lock, vendored), *extra_wheels]:
        _place(path, folder / path.name)
        wheels.append(folder / path.name)
    _write_lock(folder, lock, wheels)


def _remote_pyodide(folder: Path, base: str, vendored: vendor.Vendored, extra_wheels: list[Path]) -> None:
    try:
        with urllib.request.urlopen(base + "pyodide-lock.json", timeout=60) as response:
            lock = json.load(response)
    except OSError as error:
        raise SiteError(f"cannot read {base}pyodide-lock.json: {error}") from None
    folder.mkdir(parents=True)
    wheels = []
    for path in [*_unknown_to(lock, vendored), *extra_wheels]:
        _place(path, folder / path.name)
        wheels.append(folder / path.name)
    _write_lock(folder, lock, wheels, base_url=base)


def _jupyter_lite_build(lite: Path, out: Path) -> None:
    command = [
        sys.executable,
        "-m",
        "jupyterlite_core",
        "build",
        "--lite-dir",
        str(lite),
        "--output-dir",
        str(out),
        "--no-sourcemaps",
    ]
    done = subprocess.run(command, cwd=lite, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-20:])
        raise SiteError(f"jupyter lite build failed ({done.returncode}):\n{tail}")


def _check_settings(out: Path, settings: dict, local_pyodide: bool) -> None:
    # The trap this guards: a build that quietly skips merging our jupyter-lite.json.
    config = json.loads((out / "jupyter-lite.json").read_text(encoding="utf-8"))["jupyter-config-data"]
    built = config.get("litePluginSettings", {}).get(KERNEL_PLUGIN, {})
    expected_url = "./static/pyodide/pyodide.mjs" if local_pyodide else settings.get("pyodideUrl")
    problems = [f"{key} is {built.get(key)!r}, not {value!r}" for key, value in [*settings.items(), ("pyodideUrl", expected_url)] if built.get(key) != value]
    if str(config.get("exposeAppInBrowser")).lower() != "true":
        problems.append("exposeAppInBrowser is not set")
    if problems:
        raise SiteError("the built jupyter-lite.json lost settings: " + "; ".join(problems))


#: The labextension each vendored front-end wheel brings (its name in the site's `extensions/`).
LABEXTENSION_NAMES = {"jupyterlab-widgets": "@jupyter-widgets/jupyterlab-manager"}


def _check_labextensions(out: Path, vendored: vendor.Vendored) -> None:
    """Fail unless each vendored labextension is in the site and named in its jupyter-lite.json."""
    config = json.loads((out / "jupyter-lite.json").read_text(encoding="utf-8"))["jupyter-config-data"]
    listed = {entry.get("name") for entry in config.get("federated_extensions", [])}
    for pin in vendored.pins.labextensions:
        name = LABEXTENSION_NAMES.get(canonical_name(pin.name))
        if name is None:
            continue
        if name not in listed or not (out / "extensions" / name / "package.json").is_file():
            raise SiteError(f"the built site lacks the labextension {name} (from {pin.file})")
