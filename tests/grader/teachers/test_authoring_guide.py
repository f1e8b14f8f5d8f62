"""docs/authoring.md stays true: its commands parse, its checks blocks are valid checks, its
course.toml and front matter use real keys, and `qala new course` gives a teacher a course."""

from __future__ import annotations

import re
import shlex
import tomllib

import pytest

from qala.grader.cli.parser import build_parser
from qala.grader.content.lesson_file import parse_lesson
from tests.conftest import REPO, exercise_text, lesson_text, make_course, run_qala

GUIDE = (REPO / "docs" / "authoring.md").read_text(encoding="utf-8")
BLOCKS = re.findall(r"^```(\w+)[^\n]*\n(.*?)^```\s*$", GUIDE, flags=re.M | re.S)


def commands() -> list[str]:
    found = []
    for language, body in BLOCKS:
        if language != "sh":
            continue
        for line in body.splitlines():
            line = line.split("  #")[0].strip()
            if line.startswith("qala ") and " web " not in f" {line} ":
                found.append(line.split(" > ")[0])
    return found


@pytest.mark.parametrize("command", commands())
def test_every_command_in_the_guide_is_one_qala_understands(command):
    args = build_parser().parse_args(shlex.split(command)[1:])
    assert getattr(args, "run", None) is not None, command


CHECKS = [body for language, body in BLOCKS if language == "toml" and body.lstrip().startswith("[[check]]")]


@pytest.mark.parametrize("checks", CHECKS, ids=[re.search(r"^(\w+) =", c, re.M).group(1) for c in CHECKS])
def test_every_checks_example_in_the_guide_is_a_valid_checks_block(tmp_path, checks):
    path = tmp_path / "example.md"
    path.write_text(lesson_text("example", exercise_text(checks=checks.strip())), encoding="utf-8")
    lesson, problems = parse_lesson(path)
    assert lesson is not None and problems.items == [], [str(p) for p in problems.items]


def test_the_guides_course_toml_and_front_matter_use_real_keys():
    course = next(body for language, body in BLOCKS if language == "toml" and "[course]" in body)
    data = tomllib.loads(course)
    assert set(data) == {"course", "xp", "track", "path", "level", "badge"}
    assert set(data["path"][0]) == {"id", "title", "description", "front_end", "lessons"}
    assert set(data["xp"]) == {"per_exercise", "first_try_bonus", "hint_cost", "min_share"}
    front = re.search(r"^\+\+\+\n(.*?)^\+\+\+", GUIDE, flags=re.M | re.S).group(1)
    known = {"id", "track", "title", "summary", "audience", "xp", "minutes", "datasets", "needs", "requires", "systems"}
    assert set(tomllib.loads(front)) == known
    cases = next(body for language, body in BLOCKS if language == "toml" and "[[case]]" in body)
    assert {tuple(sorted(c)) for c in tomllib.loads(cases)["case"]} == {
        ("code", "exercise", "expect", "name"),
        ("code", "exercise", "expect", "failing", "feedback", "name"),
    }


def test_new_course_copies_a_course_for_a_teacher_and_never_overwrites(tmp_path, home):
    source = make_course(tmp_path / "colleague", {"sums": lesson_text()}, datasets={"trips.csv": "day,trips\n1,5\n"})
    (source / "lessons" / "__init__.py").write_text("", encoding="utf-8")
    made = run_qala("new", "course", str(tmp_path / "mine"), "--course", str(source), home=home)
    assert made.returncode == 0, made.stderr
    mine = tmp_path / "mine"
    assert (mine / "course" / "course.toml").is_file() and (mine / "lessons" / "basics" / "sums.md").is_file()
    assert (mine / "lessons" / "datasets" / "trips.csv").is_file() and not (mine / "lessons" / "__init__.py").exists()
    assert run_qala("validate", "--course", str(mine), home=home).returncode == 0
    again = run_qala("new", "course", str(mine), "--course", str(source), home=home)
    assert again.returncode == 2 and "already exists" in again.stderr
