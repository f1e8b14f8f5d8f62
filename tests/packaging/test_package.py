"""Qala as a real package: the sdist and the wheel built from it, the wheel installed alone in a
clean virtual environment (its own dependencies from the index or pip's cache, no source tree), and
the set-up `make run` does, in which `qala web build` works.

Slow by nature (two virtual environments, a lesson of each kind of needs validated): about two
minutes on two cores with a warm pip cache. Nothing here is timed.
"""

from __future__ import annotations

import email.parser
import json
import os
import shutil
import subprocess
import sys
import tarfile
import venv
import zipfile
from pathlib import Path

import pytest

from tests.conftest import REPO

pytestmark = pytest.mark.timeout(1200)

LESSON, EXERCISE = "pandas-groupby-districts", "district-means"


def run(command: list, *, cwd: Path, env: dict | None = None, timeout: float = 900) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("QALA_", "PYTHON", "VIRTUAL_ENV"))}
    environment.update(env or {})
    return subprocess.run([str(c) for c in command], cwd=cwd, env=environment, capture_output=True, text=True, timeout=timeout)


def new_venv(path: Path) -> Path:
    venv.create(path, with_pip=True, symlinks=True)
    return path / "bin"


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> dict[str, Path]:
    """`python -m build` of this checkout: the sdist, then the wheel built from that sdist."""
    out = tmp_path_factory.mktemp("dist")
    done = run([sys.executable, "-m", "build", "--outdir", out, REPO], cwd=out)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    (wheel,) = out.glob("qala-*.whl")
    (sdist,) = out.glob("qala-*.tar.gz")
    return {"wheel": wheel, "sdist": sdist}


@pytest.fixture(scope="module")
def installed(tmp_path_factory, dist) -> dict[str, Path]:
    """The wheel alone in a clean venv, with the dependencies it declares and nothing else."""
    root = tmp_path_factory.mktemp("wheel-venv")
    bin_dir = new_venv(root / "venv")
    done = run([bin_dir / "python", "-m", "pip", "install", "--quiet", dist["wheel"]], cwd=root)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return {"bin": bin_dir, "root": root}


def qala_in(installed, *args: str, language: str = "en") -> subprocess.CompletedProcess:
    # Run from an empty folder, so nothing of the checkout can be imported by accident.
    return run([installed["bin"] / "qala", *args], cwd=installed["root"], env={"QALA_HOME": str(installed["root"] / "home"), "QALA_LANG": language})


def test_the_metadata_is_complete(dist):
    with zipfile.ZipFile(dist["wheel"]) as wheel:
        (name,) = [n for n in wheel.namelist() if n.endswith(".dist-info/METADATA")]
        metadata = email.parser.Parser().parsestr(wheel.read(name).decode())
        licences = [n for n in wheel.namelist() if n.endswith("/licenses/LICENSE")]
    assert metadata["License-Expression"] == "MIT" and licences
    assert metadata["Requires-Python"] == ">=3.11"
    classifiers = metadata.get_all("Classifier")
    tested = f"Programming Language :: Python :: {sys.version_info.major}.{sys.version_info.minor}"
    assert tested in classifiers and "Intended Audience :: Education" in classifiers
    assert not metadata.get_all("Project-URL")  # none until Qala has a public home: never a made-up one
    assert any(r.startswith("jupyterlite-core") and 'extra == "web"' in r for r in metadata.get_all("Requires-Dist"))


def test_the_sdist_carries_the_course_licence_and_readme(dist):
    with tarfile.open(dist["sdist"]) as sdist:
        names = {n.split("/", 1)[1] for n in sdist.getnames() if "/" in n}
    for wanted in (
        "LICENSE",
        "README.md",
        "pyproject.toml",
        "course/course.toml",
        "lessons/first-steps/monthly-air.md",
        "lessons/first-steps/monthly-air.kk.md",
        "lessons/datasets/README.md",
        "grader/locale/kk/LC_MESSAGES/qala.po",
        "web/landing/index.html",
        "tui/qala.tcss",
    ):
        assert wanted in names, wanted


def installed_course(installed) -> Path:
    done = run(
        [installed["bin"] / "python", "-c", "import qala.course, pathlib; print(pathlib.Path(qala.course.__file__).parent.parent)"], cwd=installed["root"]
    )
    assert done.returncode == 0, done.stderr
    return Path(done.stdout.strip())


def test_the_installed_wheel_carries_every_file_of_the_course_unchanged(installed):
    """Every file of course/ and lessons/ in the repository, byte for byte (the whole course is
    self-tested in the checkout by tests/grader/cli/test_cli.py; what the wheel adds is the copy)."""
    tracked = subprocess.run(["git", "ls-files", "course", "lessons"], cwd=REPO, capture_output=True, text=True, check=True).stdout.split()
    assert len(tracked) > 100
    root = installed_course(installed)
    missing = [name for name in tracked if not (root / name).is_file()]
    changed = [name for name in tracked if name not in missing and (root / name).read_bytes() != (REPO / name).read_bytes()]
    assert not missing and not changed, (missing, changed)


def test_the_installed_wheel_validates_a_lesson_of_each_kind_of_needs(installed):
    """The self-test runs from the wheel, with the dependencies it declares: one lesson for each
    set of modules the course's lessons need (none; pandas; pandas and openpyxl ...)."""
    from qala.grader.content.course_file import load_course

    course, _ = load_course(REPO)
    smallest: dict[tuple[str, ...], tuple[int, str, Path]] = {}
    for lesson in course.lessons.values():
        key = tuple(sorted(lesson.needs))
        smallest[key] = min(smallest.get(key, (10**6, "", Path())), (len(lesson.exercises), lesson.id, lesson.path))
    assert len(smallest) >= 3, smallest
    root = installed_course(installed)
    chosen = [str(root / path.relative_to(REPO)) for _, _, path in smallest.values()]
    done = qala_in(installed, "validate", "--strict", *chosen)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert f"{len(chosen)} lessons" in done.stderr and " 0 errors, 0 warnings" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr


def test_the_installed_wheel_checks_an_answer_with_its_own_dependencies(installed):
    lessons = qala_in(installed, "lessons", "--json", "--with-solutions")
    assert lessons.returncode == 0, lessons.stderr
    exercises = {(lesson["id"], e["id"]): e for track in json.loads(lessons.stdout)["tracks"] for lesson in track["lessons"] for e in lesson["exercises"]}
    answer = installed["root"] / "answer.py"
    answer.write_text(exercises[LESSON, EXERCISE]["solution"], encoding="utf-8")
    done = qala_in(installed, "check", LESSON, EXERCISE, str(answer), "--json")
    assert done.returncode == 0, done.stdout + done.stderr
    result = json.loads(done.stdout)
    assert result["passed"] is True and result["xp"] > 0


def test_without_the_web_extra_web_build_says_what_to_install_in_one_line(installed):
    for language, words in (("en", "not installed here"), ("ru", "не установлены"), ("kk", "орнатылмаған")):
        done = qala_in(installed, "web", "build", "--out", str(installed["root"] / "site"), language=language)
        assert done.returncode == 2, done.stdout + done.stderr
        assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr, done.stderr
        assert 'pip install "qala[web]"' in done.stderr and "jupyterlite-core" in done.stderr, done.stderr
        assert words in done.stderr, done.stderr
    assert not (installed["root"] / "site").exists()


def test_after_make_runs_set_up_the_site_builds(tmp_path):
    """`make run`'s own set-up (its `app-env` step) in a new venv; then the README's next command."""
    make = shutil.which("make")
    assert make, "make is not installed"
    venv_dir = tmp_path / "venv"
    done = run([make, "--no-print-directory", "-C", REPO, "app-env", f"VENV={venv_dir}", f"PYTHON={sys.executable}"], cwd=tmp_path)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    built = run(
        [venv_dir / "bin" / "qala", "web", "build", "--out", tmp_path / "site"], cwd=tmp_path, env={"QALA_HOME": str(tmp_path / "home"), "QALA_LANG": "en"}
    )
    assert built.returncode == 0, built.stdout + built.stderr
    assert (tmp_path / "site" / "index.html").is_file() and (tmp_path / "site" / "jupyter-lite.json").is_file()
