"""Bad lesson or course files never crash the app: a broken lesson is reported and skipped."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qala.grader.engine import Engine
from tests.conftest import exercise_text, lesson_text, make_course, run_qala

BROKEN = {
    "bad-toml": '+++\nid = "bad-toml"\ntrack = [unclosed\n+++\n\nIntro.\n',
    "no-front": "# Just a heading\n\nNo front matter here.\n",
    "empty": "",
    "no-solution": lesson_text("no-solution", exercise_text().replace("```python solution", "```python nothing")),
    "bad-checks": lesson_text("bad-checks", exercise_text(checks="[[check]\nvalue = ")),
    "unknown-kind": lesson_text("unknown-kind", exercise_text(checks='[[check]]\nfrobnicate = "total"')),
}
RUNS_BADLY = {
    "crashing-solution": lesson_text("crashing-solution", exercise_text(solution="total = 1 / 0")),
    "looping-solution": lesson_text("looping-solution", exercise_text(solution="while True:\n    pass", checks='timeout = 1\n[[check]]\nvalue = "total"')),
    "failing-setup": lesson_text("failing-setup", exercise_text(setup="numbers = open('datasets/missing.csv').read()")),
}


@pytest.fixture
def course(tmp_path) -> Path:
    root = make_course(tmp_path / "course", {"good": lesson_text("good"), **BROKEN, **RUNS_BADLY})
    (root / "lessons" / "basics" / "binary.md").write_bytes(b"\xff\xfe\x00garbage\x89PNG\r\n")
    return root


@pytest.fixture
def solution(tmp_path) -> Path:
    path = tmp_path / "solution.py"
    path.write_text("numbers = [1, 2, 3]\ntotal = sum(numbers)\n")
    return path


def one_line_error(result) -> str:
    assert result.returncode == 2, (result.stdout, result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("qala: error: ") and "Traceback" not in result.stderr, result.stderr
    return lines[0]


def test_broken_lessons_are_skipped_and_reported_and_the_rest_works(course, tmp_path):
    engine = Engine(course_root=course, home=tmp_path / "home", language="en")
    try:
        reported = {Path(p.file).stem for p in engine.course.problems if not p.warning}
        assert set(BROKEN) | {"binary"} <= reported
        assert set(engine.course.lessons) == {"good", *RUNS_BADLY}
        assert engine.check("good", "total", "numbers = [1, 2, 3]\ntotal = sum(numbers)").passed
    finally:
        engine.close()
    listing = run_qala("lessons", "--json", "--course", str(course), home=tmp_path / "home")
    assert listing.returncode == 0, listing.stderr
    shown = [lesson["id"] for track in json.loads(listing.stdout)["tracks"] for lesson in track["lessons"]]
    assert "good" in shown and not set(BROKEN) & set(shown)


def test_checking_an_exercise_of_a_broken_lesson_is_a_one_line_error(course, solution, tmp_path):
    for lesson in ("bad-toml", "no-solution", "binary"):
        line = one_line_error(run_qala("check", lesson, "total", str(solution), "--course", str(course), home=tmp_path / "home"))
        assert "mistake" in line or "no lesson" in line


@pytest.mark.parametrize("lesson", sorted(RUNS_BADLY))
def test_a_reference_solution_or_setup_that_fails_is_a_one_line_error_not_a_crash(course, solution, tmp_path, lesson):
    home = tmp_path / "home"
    line = one_line_error(run_qala("check", lesson, "total", str(solution), "--json", "--course", str(course), home=home))
    assert lesson in line
    progress = json.loads(run_qala("progress", "--json", "--course", str(course), home=home).stdout)
    assert progress["xp"] == 0  # nothing was recorded for a check that could not be graded


def test_validate_names_every_broken_file_with_its_line(course, tmp_path):
    result = run_qala("validate", "--course", str(course), home=tmp_path / "home")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    errors = [line for line in result.stdout.splitlines() if ": warning:" not in line]
    for name in [*BROKEN, *RUNS_BADLY, "binary"]:
        assert any(f"{name}.md:" in line and line.split(":")[1].isdigit() for line in errors), (name, result.stdout)


@pytest.mark.parametrize(
    "text",
    ['[course]\nid = "x"\ntitle = { en = "X" \n', "", "\x00\x01binary", '[[track]]\nid = "Bad Id"\n'],
    ids=["unclosed table", "empty", "binary", "no course table"],
)
def test_a_broken_course_file_never_crashes_a_command(tmp_path, solution, text):
    course = make_course(tmp_path / "course", {"good": lesson_text("good")})
    (course / "course" / "course.toml").write_text(text, encoding="utf-8")
    for command in (["lessons"], ["progress"], ["check", "good", "total", str(solution)]):
        result = run_qala(*command, "--course", str(course), home=tmp_path / "home")
        assert "Traceback" not in result.stderr, result.stderr
        if result.returncode == 2:  # unusable: said in one line, with the file
            assert "course.toml" in one_line_error(result) or command[0] == "check"
        else:  # usable with its problems reported: what works, works
            assert result.returncode == 0, (command, result.stdout, result.stderr)
    check = run_qala("validate", "--course", str(course), home=tmp_path / "home")
    assert check.returncode == 1 and "Traceback" not in check.stderr
    assert any("course.toml:" in line and line.split("course.toml:")[1].split(":")[0].isdigit() for line in (check.stdout + check.stderr).splitlines()), check
