"""`qala new lesson`: a teacher's first lesson validates at once, and every kind of mistake they
then make in it is reported as FILE:LINE: message."""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path

import pytest

from qala.grader.teachers.scaffold import add_lesson_to_track
from qala.grader.teachers.validate import validate
from tests.conftest import REPO, run_qala

TRACKS_TOML = """# A teacher's course: comments like this one must survive `qala new lesson`.
[course]
id = "school-7"
title = { en = "Grade 7 data club" }
languages = ["en", "ru", "kk"]

[[track]]
id = "air"             # the first track
title = { en = "Air [and sky]" }
lessons = []           # none yet

[[track]]
id = "transport"
title = { en = "Transport" }
lessons = [
    "buses",   # written last term
]

[[level]]
xp = 0
title = { en = "Newcomer" }
"""


@pytest.fixture
def course(tmp_path: Path) -> Path:
    root = tmp_path / "club"
    (root / "course").mkdir(parents=True)
    (root / "course" / "course.toml").write_text(TRACKS_TOML, encoding="utf-8")
    (root / "lessons" / "transport").mkdir(parents=True)
    (root / "lessons" / "datasets").mkdir(parents=True)
    shutil.copy(REPO / "lessons" / "first-steps" / "monthly-air.md", root / "lessons" / "transport" / "buses.md")
    text = (root / "lessons" / "transport" / "buses.md").read_text(encoding="utf-8")
    text = text.replace('id = "monthly-air"', 'id = "buses"').replace('track = "first-steps"', 'track = "transport"')
    (root / "lessons" / "transport" / "buses.md").write_text(text, encoding="utf-8")
    return root


def test_a_scaffolded_lesson_validates_at_once_and_is_listed_in_its_track(course, home):
    made = run_qala("new", "lesson", "air", "winter-smog", "--title", 'Winter "smog"', "--course", str(course), home=home)
    assert made.returncode == 0, made.stdout + made.stderr
    lesson = course / "lessons" / "air" / "winter-smog.md"
    assert lesson.is_file() and (course / "lessons" / "air" / "winter-smog.cases.toml").is_file()
    assert "It validates" in made.stdout
    checked = run_qala("validate", str(lesson), home=home)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "0 errors" in checked.stderr and "3 cases" in checked.stderr
    # The translations are written but not yet marked as up to date: only a warning; --strict counts them.
    assert "run `qala translated winter-smog ru`" in checked.stdout
    assert run_qala("validate", "--strict", str(lesson), home=home).returncode == 1
    toml = (course / "course" / "course.toml").read_text(encoding="utf-8")
    assert tomllib.loads(toml)["track"][0]["lessons"] == ["winter-smog"]
    assert "# A teacher's course" in toml and "# the first track" in toml and "# written last term" in toml
    assert 'title = "Winter \\"smog\\""' in lesson.read_text(encoding="utf-8")


def test_the_scaffold_teaches_the_format_in_comments_learners_never_see(course, home):
    run_qala("new", "lesson", "air", "winter-smog", "--course", str(course), home=home)
    text = (course / "lessons" / "air" / "winter-smog.md").read_text(encoding="utf-8")
    for words in ("```python starter", "```python solution", "```toml checks", "### Hints", "[[check.mistake]]", "no_hardcoded", "qala validate", "qala tui"):
        assert words in text
    shown = run_qala("show", "winter-smog", "--course", str(course), home=home)
    assert shown.returncode == 0, shown.stderr
    assert "Notes for you, the teacher" not in shown.stdout and "A week of rides" in shown.stdout


def test_new_lesson_refuses_to_overwrite_and_names_the_tracks_it_knows(course, home):
    assert run_qala("new", "lesson", "air", "winter-smog", "--course", str(course), home=home).returncode == 0
    again = run_qala("new", "lesson", "air", "winter-smog", "--course", str(course), home=home)
    assert again.returncode == 2 and "already exists" in again.stderr and again.stderr.count("\n") == 1
    unknown = run_qala("new", "lesson", "weather", "rain", "--course", str(course), home=home)
    assert unknown.returncode == 2 and unknown.stderr.count("\n") == 1
    assert "unknown track 'weather'" in unknown.stderr and "air, transport" in unknown.stderr
    taken = run_qala("new", "lesson", "air", "buses", "--course", str(course), home=home)
    assert taken.returncode == 2 and "already exists" in taken.stderr
    bad = run_qala("new", "lesson", "air", "Winter_Smog", "--course", str(course), home=home)
    assert bad.returncode == 2 and "lower-case" in bad.stderr


LAYOUTS = {
    "empty list": ("lessons = []", ["new"]),
    "one line": ('lessons = ["a"]  # keep me', ["a", "new"]),
    "trailing comma": ('lessons = ["a",]', ["a", "new"]),
    "one per line": ('lessons = [\n    "a",  # first\n    "b",\n]', ["a", "b", "new"]),
    "one per line, no trailing comma": ('lessons = [\n    "a",\n    "b"  # last\n]', ["a", "b", "new"]),
    "comment only": ("lessons = [  # none yet\n]", ["new"]),
    "no lessons key": ("", ["new"]),
}


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_listing_a_lesson_edits_course_toml_without_losing_anything(tmp_path, layout):
    lessons, expected = LAYOUTS[layout]
    text = f'# top\n[[track]]\nid = "x"\n{lessons}\n\n[[track]]\nid = "air"  # ours\ntitle = {{ en = "[a] b" }}\n{lessons}\n\n[[badge]]\nid = "air"\n'
    path = tmp_path / "course.toml"
    path.write_text(text, encoding="utf-8")
    listing = add_lesson_to_track(path, "air", "new")
    assert listing.added, listing
    after = path.read_text(encoding="utf-8")
    data = tomllib.loads(after)
    assert data["track"][1]["lessons"] == expected
    assert data["track"][0].get("lessons", []) == tomllib.loads(text)["track"][0].get("lessons", [])
    for line in text.splitlines():
        if "#" in line:
            assert line.split("#", 1)[1] in after  # every comment survives
    assert add_lesson_to_track(path, "air", "new").already


def test_when_course_toml_cannot_be_edited_safely_the_teacher_gets_the_line_to_add(tmp_path):
    path = tmp_path / "course.toml"
    path.write_text('[[track]]\nid = "air"\nlessons = ["a"]\n', encoding="utf-8")
    listing = add_lesson_to_track(path, "weather", "new")
    assert not listing.added and 'lessons = [..., "new"]' in listing.instruction and '"weather"' in listing.instruction
    assert path.read_text(encoding="utf-8") == '[[track]]\nid = "air"\nlessons = ["a"]\n'


def _line_of(text: str, needle: str, after: str = "") -> int:
    start = text.index(after) if after else 0
    return text[: text.index(needle, start)].count("\n") + 1


MISTAKES = {
    # name: (how the teacher broke the scaffold, the line to blame (found by text), words)
    "the starter already passes": (
        lambda t: t.replace(
            "rides = [41200, 40800, 41900, 42300, 44100, 31500, 27600]\ntotal_rides = 0",
            "rides = [41200, 40800, 41900, 42300, 44100, 31500, 27600]\ntotal_rides = sum(rides)",
            1,
        ),
        ("## Exercise weekly-total", ""),
        "starter code already passes",
    ),
    "a check fails on the solution": (
        lambda t: t.replace('no_hardcoded = "total_rides"  #', 'forbids = ["sum"]  #'),
        ("[[check]]\nforbids = [", ""),
        "fails on the reference solution",
    ),
    "hints forgotten": (
        lambda t: t.replace("1. `sum(...)` adds up every number in a list.\n2. Write the name of the list inside the brackets: `sum(rides)`.\n", ""),
        ("### Hints\n", ""),
        "needs at least one hint",
    ),
    "a typo in a check option": (
        lambda t: t.replace('value = "total_rides"        #', 'value = "total_rides"\ntolerence = 0.1  #'),
        ("tolerence = 0.1", ""),  # the faulty line, not its [[check]]
        "unknown key 'tolerence'",
    ),
    "a syntax error in the solution": (
        lambda t: t.replace("total_rides = sum(rides)\n```", "total_rides = sum(rides\n```"),
        ("total_rides = sum(rides\n", "```python solution"),
        "syntax error",
    ),
    "the checks block is not TOML": (
        lambda t: t.replace('message = "Add up all seven days', "message = Add up all seven days"),
        ("message = Add up", ""),
        "not valid TOML",
    ),
    "an assert check without a message": (
        lambda t: t.replace('[[check]]\nno_hardcoded = "total_rides"', '[[check]]\nassert = "total_rides > 0"'),
        ('[[check]]\nassert = "total_rides > 0"', ""),
        "needs a 'message'",
    ),
    "the file renamed but not its id": (
        lambda t: t,
        ('id = "winter-smog"', ""),
        "must match the file name",
    ),
}


@pytest.mark.parametrize("name", sorted(MISTAKES))
def test_each_kind_of_mistake_in_a_scaffolded_lesson_gets_file_and_line(course, home, name):
    run_qala("new", "lesson", "air", "winter-smog", "--course", str(course), home=home)
    path = course / "lessons" / "air" / "winter-smog.md"
    (course / "lessons" / "air" / "winter-smog.cases.toml").unlink()
    break_it, (needle, after), words = MISTAKES[name]
    text = break_it(path.read_text(encoding="utf-8"))
    if name == "the file renamed but not its id":
        path.unlink()
        path = path.with_name("smog.md")
    path.write_text(text, encoding="utf-8")
    line = _line_of(text, needle, after)
    report = validate(course, [path], cache_dir=home / "cache")
    messages = [str(p) for p in report.errors]
    assert any(m.startswith(f"{path}:{line}:") and words in m for m in messages), (line, messages)


def test_a_broken_case_is_reported_at_its_line_in_the_cases_file(course, home):
    run_qala("new", "lesson", "air", "winter-smog", "--course", str(course), home=home)
    cases = course / "lessons" / "air" / "winter-smog.cases.toml"
    text = cases.read_text(encoding="utf-8").replace('feedback = "all seven days"', 'feedback = "divide by seven"')
    cases.write_text(text, encoding="utf-8")
    result = run_qala("validate", str(course / "lessons" / "air" / "winter-smog.md"), home=home)
    assert result.returncode == 1
    line = text[: text.index('name = "the weekend only"')].count("\n") - 1  # its [[case]] header
    assert f"winter-smog.cases.toml:{line}:" in result.stdout and "divide by seven" in result.stdout, result.stdout
