"""The grader in real Pyodide — the interpreter the browser runs — through Node and the npm package.

Three runs, each in a fresh Pyodide with the very `qala` wheel a site's kernel preloads:
the grader's own tests (checks, rewards, evidence, lesson files, the JSON progress file) under
pytest; `qala validate` on the course's first track; and a learner's session with the
in-notebook API in a real IPython shell. The scripts they run are in `in_pyodide/`.
"""

from __future__ import annotations

import html
import importlib.util
import json
import shutil
from pathlib import Path

import pytest

from qala.grader.content.course_file import bundled_course_root, load_course
from qala.grader.engine import Engine
from qala.grader.i18n import Translator
from qala.grader.progress.store import JsonStore
from qala.web import pyodide_node, views
from qala.web.kernel_wheel import build_kernel_wheel

IN_PYODIDE = Path(__file__).with_name("in_pyodide")
REPO = Path(__file__).resolve().parents[2]
RESULT = "QALA-RESULT "
#: pytest and what it imports, pure Python: copied from this environment into Pyodide (pygments
#: comes from the vendored kernel wheels). Copied, not mounted: the rest of site-packages is CPython's.
PYTEST_PACKAGES = ("pytest", "_pytest", "pluggy", "iniconfig", "packaging", "py")
#: The grader's tests that matter in the browser. The terminal's SQLite store and the command line
#: are left out; tests/grader/progress/test_progress.py has one test of the browser's JSON store.
GRADER_TESTS = [
    "tests/grader/judge/test_checks.py",
    "tests/grader/judge/test_charts.py",
    "tests/grader/progress/test_rewards.py",
    "tests/grader/run/test_evidence.py",
    "tests/grader/content/test_lesson_file.py",
    "tests/grader/progress/test_progress.py::test_the_browser_store_keeps_the_same_things",
]
MUST_ALL_PASS = ("test_checks.py", "test_charts.py", "test_rewards.py", "test_evidence.py")
#: The learner's session runs in Russian: what it shows is compared with the same catalog's words.
LANGUAGE = "ru"
tr = Translator(LANGUAGE)


def in_pyodide(script: str, *, wheels, mounts=None, env=None) -> dict:
    """Run in_pyodide/`script` under Pyodide; return what it printed after QALA-RESULT."""
    done = pyodide_node.run((IN_PYODIDE / script).read_text(encoding="utf-8"), wheels=wheels, mounts=mounts, env=env)
    lines = [line for line in done.stdout.splitlines() if line.startswith(RESULT)]
    assert done.returncode == 0 and lines, f"{script} exited {done.returncode}:\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}"
    return json.loads(lines[-1][len(RESULT) :])


@pytest.fixture(scope="module")
def kernel_wheel(tmp_path_factory) -> Path:
    """The wheel exactly as a site ships it: with its bytecode and the parsed course."""
    wheel = build_kernel_wheel(bundled_course_root(), tmp_path_factory.mktemp("kernel-wheel"), precompile=True)
    assert wheel.compiled > 0
    return wheel.path


@pytest.fixture(scope="module")
def grader_tests(tmp_path_factory, kernel_wheel, vendored) -> dict:
    root = tmp_path_factory.mktemp("pytest-in-pyodide")
    lib = root / "lib"
    lib.mkdir()
    for name in PYTEST_PACKAGES:
        spec = importlib.util.find_spec(name)
        assert spec is not None and spec.origin, f"{name} is not installed (pip install -e '.[test]')"
        if spec.submodule_search_locations:
            shutil.copytree(spec.submodule_search_locations[0], lib / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(spec.origin, lib / f"{name}.py")
    repo = root / "repo"
    (repo / "tests").mkdir(parents=True)
    shutil.copy(REPO / "tests" / "conftest.py", repo / "tests" / "conftest.py")
    shutil.copytree(REPO / "tests" / "grader", repo / "tests" / "grader", ignore=shutil.ignore_patterns("__pycache__"))
    pygments = [w for w in vendored.wheels if w.name.startswith("pygments-")]
    return in_pyodide(
        "grader_tests.py",
        wheels=[kernel_wheel, *pygments],
        mounts={root: "/work"},
        env={"QALA_PYTEST_LIB": "/work/lib", "QALA_REPO": "/work/repo", "QALA_PYTEST_ARGS": json.dumps(GRADER_TESTS)},
    )


def test_the_graders_own_tests_pass_under_pyodide(grader_tests):
    results = grader_tests["results"]
    failed = {node: r["message"] for node, r in results.items() if r["outcome"] == "failed"}
    assert not failed, json.dumps(failed, indent=1, ensure_ascii=False)
    assert grader_tests["status"] == 0
    for file in MUST_ALL_PASS:
        ran = {node: r for node, r in results.items() if f"/{file}::" in node}
        assert ran, f"no test of {file} ran under Pyodide"
        # Skipped only by their own choice (as on CPython: no pandas, no catalogs), never for want of processes.
        no_processes = {node for node, r in ran.items() if r["outcome"] == "skipped" and "starts a process" in r["message"]}
        assert not no_processes, no_processes
    assert any("test_the_browser_store_keeps_the_same_things" in node and r["outcome"] == "passed" for node, r in results.items())


def test_the_first_track_validates_under_pyodide(kernel_wheel):
    course = bundled_course_root()
    report = in_pyodide(
        "validate_course.py",
        wheels=[kernel_wheel],
        mounts={course / "course": "/course/course", course / "lessons": "/course/lessons"},
        env={"QALA_COURSE": "/course", "QALA_ONLY": "lessons/first-steps"},
    )
    assert report["platform"] == "emscripten"
    assert report["errors"] == [], json.dumps(report["errors"], indent=1, ensure_ascii=False)
    assert report["not_self_tested"] == []  # the first track needs nothing beyond the standard library
    assert report["lessons"] >= 1 and report["exercises"] >= 4


def test_the_whole_school_path_passes_under_pyodide(kernel_wheel):
    """The pupils' path runs on the offline build: every exercise of its lessons, graded as a
    pupil's check is (in-process, hidden variants on, in Kazakh), passes with its reference."""
    course_root = bundled_course_root()
    course, problems = load_course(course_root)
    assert problems == []
    school = course.path_lessons("school")
    assert len(school) >= 22 and all(not lesson.needs for lesson in school)
    report = in_pyodide(
        "school_path.py",
        wheels=[kernel_wheel],
        mounts={course_root / "course": "/course/course", course_root / "lessons": "/course/lessons"},
        env={"QALA_COURSE": "/course", "QALA_LANGUAGE": "kk"},
    )
    assert report["platform"] == "emscripten" and report["problems"] == 0
    assert report["lessons"] == len(school) and report["graded"] >= 3 * len(school)
    assert report["failed"] == []


# ---------------------------------------------------------------- the in-notebook API


@pytest.fixture(scope="module")
def progress_folder(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("browser-progress")


@pytest.fixture(scope="module")
def seen(kernel_wheel, vendored, progress_folder) -> dict:
    """What a learner saw, cell by cell (see in_pyodide/notebook_session.py)."""
    return in_pyodide(
        "notebook_session.py",
        wheels=[kernel_wheel, *vendored.wheels],
        mounts={progress_folder: "/progress"},
        env={"QALA_PROGRESS": "/progress", "QALA_LANGUAGE": LANGUAGE},
    )


def check_of(page: str, check: str) -> str | None:
    import re

    found = re.search(rf'data-check="{re.escape(check)}" data-passed="(true|false)"', page)
    return found.group(1) if found else None


def text_of(step: dict) -> str:
    return html.unescape(step["html"])


def test_the_kernels_startup_file_makes_check_and_the_helpers_ready(seen):
    assert seen["platform"] == "emscripten"
    assert seen["startup_names"] == ["export", "hint", "progress", "start"]
    assert seen["transformer"] is True
    assert 'data-qala="welcome"' in seen["start"]["html"]
    assert "Новичок" in seen["start"]["html"]  # the level's title in the lesson's language (course data)


def test_the_unchanged_starter_is_not_graded_and_costs_nothing(seen):
    assert tr.t("This is still the starting code: change it to solve the exercise, then run the cell again.") in text_of(seen["starter"])
    assert seen["attempts_after_starter"] == 0


def test_a_wrong_answer_gets_feedback_and_the_offer_of_a_hint(seen):
    wrong = seen["wrong"]
    assert wrong["ok"] and 'data-qala="check" data-passed="false"' in wrong["html"]
    assert check_of(wrong["html"], "runs") == "true" and check_of(wrong["html"], "january") == "false"
    assert "54" in wrong["html"]  # what the code gave
    assert 'hint("january")' in text_of(wrong)
    assert wrong["stdout"] == "january is 54\n"  # it also ran in the notebook, printout and all


def test_a_right_answer_passes_with_xp_and_the_first_badge(seen):
    right = seen["right"]
    assert 'data-qala="check" data-passed="true"' in right["html"]
    assert tr.t("+{xp} XP", xp=10) in text_of(right)  # 10, not 15: the first try was wrong
    assert 'data-badge="first-step"' in right["html"]
    assert right["stdout"] == "january is 52\n"
    assert seen["variable_kept"]["stdout"] == "104\n"  # the learner's variables stay for the next cells


def test_an_endless_loop_ends_with_a_message_and_the_kernel_lives_on(seen):
    loop = seen["loop"]
    assert check_of(loop["html"], "runs") == "false"
    assert tr.t("Your code took too long and was stopped. Is there a loop that never ends?") in text_of(loop)
    assert loop["seconds"] < 30
    assert seen["after_loop"]["stdout"] == "still alive\n"


def test_unknown_or_missing_exercise_names_are_explained(seen):
    unknown = "There is no exercise {exercise} in this course: check its name in the line %%check {exercise}."
    assert tr.t(unknown, exercise="no-such-exercise") in text_of(seen["unknown"])
    assert tr.t("Write the exercise's name after %%check, like this: %%check january") in text_of(seen["no_name"])


def test_hints_come_one_at_a_time_with_their_cost(seen):
    for step, number, cost in (("hint1", 1, 2), ("hint2", 2, 3)):
        cost_text = tr.nt("this hint cost {n} XP", "this hint cost {n} XP", cost)
        assert seen[step]["markdown"].startswith(f"**{tr.t('Hint {number} of {total}', number=number, total=2)}** ({cost_text})")


def test_progress_shows_the_level_xp_and_badges(seen):
    page = text_of(seen["progress"])
    assert tr.t("{xp} XP", xp=10) in page and 'data-badge="first-step"' in page
    assert 'data-lesson="monthly-air"' in page
    assert tr.t("{xp} XP", xp=10) in html.unescape(seen["other_tab_progress"])  # another kernel on the same storage


def test_a_lesson_needing_pandas_says_so_kindly_and_keeps_no_attempt(seen):
    assert seen["needs_pandas_lesson"], "the course has no lesson needing pandas to try"
    page = text_of(seen["needs_pandas"])
    kind = tr.t(
        "This lesson needs {modules}, which is not installed here, so it cannot be checked. "
        "In the browser, ask your teacher for the full build; in a terminal, install it: `{command}`.",
        modules="pandas",
        command="pip install pandas",
    )
    assert html.unescape(views._inline(kind)) in page and 'data-passed="false"' in page  # `code` shown as code
    assert seen["attempts_after_needs_pandas"] == 0


def test_the_progress_file_is_the_engines_json_store_and_export_is_qala_exports_file(seen, progress_folder):
    engine = Engine(bundled_course_root(), home=progress_folder / "cpython", language="ru", store=JsonStore(progress_folder / "progress.json"))
    try:
        assert engine.progress().xp == 10
        assert [(a.exercise, a.passed) for a in engine.attempts()] == [("january", False), ("january", True), ("yearly-mean", False)]
        assert {b.badge.id for b in engine.progress().badges if b.earned_at} == {"first-step"}
        exported = seen["export_data"]
        expected = engine.export("Айгерим С.")
        assert {k: v for k, v in exported.items() if k != "exported_at"} == {k: v for k, v in expected.items() if k != "exported_at"}
    finally:
        engine.close()
    assert seen["export_file"] == "qala-export-айгерим-с.json"


def test_the_landing_pages_summary_is_kept_beside_the_progress(seen):
    course = seen["summary"]["courses"]["qala-almaty"]
    assert course["xp"] == 10 and list(course["badges"]) == ["first-step"]
    assert course["lessons"]["monthly-air"] == {"status": "in_progress", "done": 1, "total": 5, "passed": ["january"]}


def test_nothing_of_the_terminal_is_loaded_in_the_kernel(seen):
    assert seen["heavy_modules"] == []
