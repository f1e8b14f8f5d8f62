"""The tools teachers use today, installed from PyPI into their own virtual environment.

otter-grader and nbgrader pull in JupyterLab, nbconvert and friends, which Qala's environment
does not need, so they live in ``bench/.venv-baselines`` (git-ignored), made on the first run
and reused while the pins below are unchanged. pandas and numpy are pinned to the versions Qala
runs with, so every tool executes the learners' code with the same library.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from .core import BASELINES_VENV, Skip

OTTER = "otter-grader==7.0.0"
NBGRADER = "nbgrader==0.9.6"


def requirements() -> list[str]:
    pins = [OTTER, NBGRADER, "ipykernel"]
    for name in ("pandas", "numpy"):
        try:
            pins.append(f"{name}=={version(name)}")
        except PackageNotFoundError:
            pins.append(name)
    return pins


def bin_dir() -> Path:
    return BASELINES_VENV / "bin"


def env() -> dict[str, str]:
    """The environment the baseline tools run in: their venv first on PATH (nbgrader calls `alembic`)."""
    environment = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "QALA_HOME")}
    environment["PATH"] = f"{bin_dir()}{os.pathsep}{os.environ.get('PATH', '')}"
    environment["VIRTUAL_ENV"] = str(BASELINES_VENV)
    environment["PYTHONUNBUFFERED"] = "1"
    environment["JUPYTER_PLATFORM_DIRS"] = "1"
    return environment


def ensure(log) -> dict:
    """Make (or reuse) the baselines' venv; returns what is installed. Raises Skip if it cannot."""
    stamp = BASELINES_VENV / "qala-bench.json"
    wanted = requirements()
    if stamp.is_file():
        try:
            recorded = json.loads(stamp.read_text(encoding="utf-8"))
        except ValueError:
            recorded = {}
        if recorded.get("requirements") == wanted and (bin_dir() / "otter").is_file() and (bin_dir() / "nbgrader").is_file():
            return recorded
    log(f"bench: installing the baselines into {BASELINES_VENV} (first run only): {' '.join(wanted)}")
    started = time.perf_counter()
    try:
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(BASELINES_VENV)], check=True, capture_output=True, text=True, timeout=300)
        result = subprocess.run(
            [str(bin_dir() / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", *wanted],
            capture_output=True,
            text=True,
            timeout=1800,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        raise Skip(f"could not make the baselines' venv: {exc}") from None
    if result.returncode != 0:
        raise Skip(f"pip could not install {' '.join(wanted)}: {result.stderr.strip().splitlines()[-1:]}")
    installed = {}
    listing = subprocess.run([str(bin_dir() / "python"), "-m", "pip", "list", "--format=json"], capture_output=True, text=True)
    for item in json.loads(listing.stdout or "[]"):
        if item["name"].lower() in ("otter-grader", "nbgrader", "pandas", "numpy", "ipykernel", "nbconvert", "nbclient", "jupyter-client"):
            installed[item["name"].lower()] = item["version"]
    recorded = {"requirements": wanted, "installed": installed, "install_seconds": round(time.perf_counter() - started, 1)}
    stamp.write_text(json.dumps(recorded, indent=1), encoding="utf-8")
    return recorded
