"""Hidden variants (issue 14.1): realistic, seeded changes of an exercise's inputs, and the
grading that uses them — in the grader, the engine's seed per learner, the progress store, the
export and the class report's regrade."""

from __future__ import annotations

import csv
import json

from qala.grader.content.course_file import load_course
from qala.grader.engine import Engine
from qala.grader.i18n import Translator
from qala.grader.judge.grading import Grader
from qala.grader.judge.variants import dataset_folder, make_variant, nudge, seed_for
from qala.grader.run.launch import ProcessRunner
from qala.grader.teachers.report import build_report
from tests.conftest import exercise_text, lesson_text, make_course

AIR = """\
    date,station,pm25,pm10
    2024-01-01,AQ01,52.3,61.0
    2024-01-02,AQ01,-999,60.5
    2024-01-03,AQ01,,58.1
    2024-01-04,AQ01,35,40.2
    2024-01-04,AQ01,35,40.2
"""

SHEET = """\
    id = "air"
    file = "air.csv"
    format = "csv"
    rows = 5
    licence = "CC0-1.0"
    audience = "both"
    needs = []
    title = { en = "Air" }
    grain = { en = "one row per day" }
    description = { en = "Air." }

    [[column]]
    name = "date"
    type = "date"
    unit = ""
    description = { en = "Day." }

    [[column]]
    name = "station"
    type = "str"
    unit = ""
    description = { en = "Station." }

    [[column]]
    name = "pm25"
    type = "float"
    unit = "µg/m³"
    description = { en = "PM2.5." }

    [[column]]
    name = "pm10"
    type = "float"
    unit = "µg/m³"
    description = { en = "PM10." }
"""


def course_with(tmp_path, **exercise):
    make_course(
        tmp_path, {"sums": lesson_text(exercises=exercise_text(**exercise), front='datasets = ["air"]\n')}, datasets={"air.csv": AIR, "air.toml": SHEET}
    )
    course, problems = load_course(tmp_path)
    assert [p for p in problems if not p.warning] == []
    return course, course.lessons["sums"]


def test_a_number_changes_realistically_and_sentinels_stay():
    seed = seed_for("learner", "monthly-air", "january")
    for value in (52, 10, 3, 17.5, 0.42, 1234.56):
        new = nudge(value, seed, "k")
        assert new != value and abs(new - value) <= max(1, 0.21 * value), (value, new)  # small whole numbers move by one
        assert type(new) is type(value)
    assert [nudge(v, seed, "k") for v in (0, -999, -1.5, True, 2024)] == [0, -999, -1.5, True, 2024]
    assert nudge(35, seed, "k", keep=frozenset({35})) == 35  # a number the exercise's code names
    assert nudge(52, seed, "k") == nudge(52, seed, "k")  # equal values change equally


def test_seeds_differ_per_learner_and_exercise():
    seeds = {seed_for(learner, "monthly-air", exercise) for learner in ("a", "b") for exercise in ("january", "yearly-mean")}
    assert len(seeds) == 4
    assert seed_for("a", "monthly-air", "january") == seed_for("a", "monthly-air", "january")


def test_a_given_list_is_replaced_on_the_same_lines_in_any_program(tmp_path):
    course, lesson = course_with(tmp_path)
    exercise = lesson.exercises[0]
    variant = make_variant(exercise, "0123456789abcdef")
    assert variant is not None and set(variant.inputs) == {"numbers"}
    given, changed = variant.inputs["numbers"]
    assert given == [1, 2, 3] and changed != given and len(changed) == 3
    code = "numbers = [\n    1,\n    2,\n    3,\n]  # the list\ntotal = sum(numbers)\n"
    rewritten = variant.rewrite(code)
    assert rewritten.count("\n") == code.count("\n") and rewritten.endswith("]  # the list\ntotal = sum(numbers)\n".replace("]", ")"))
    namespace: dict = {}
    exec(rewritten, namespace)
    assert namespace["numbers"] == changed
    # A list that is not the given one (its own numbers) is the learner's own: left alone.
    assert variant.rewrite("numbers = [1, 2, 4]\n") == "numbers = [1, 2, 4]\n"


def test_a_dataset_variant_keeps_its_flaws_and_is_made_once_per_seed(tmp_path):
    course, lesson = course_with(tmp_path, solution="import csv\nrows = list(csv.DictReader(open('datasets/air.csv')))\ntotal = len(rows)")
    variant = make_variant(lesson.exercises[0], "fedcba9876543210", lesson.datasets)
    folder = dataset_folder(variant, course.datasets_dir, tmp_path / "variants")
    assert dataset_folder(variant, course.datasets_dir, tmp_path / "variants") == folder
    rows = list(csv.reader((folder / "air.csv").open(encoding="utf-8")))
    assert rows[0] == ["date", "station", "pm25", "pm10"]
    assert [r[0] for r in rows[1:]] == ["2024-01-01", "2024-01-02", "2024-01-03", "2024-01-04", "2024-01-04"]  # small: no row left out
    assert rows[2][2] == "-999" and rows[3][2] == "" and rows[4] == rows[5]  # sentinel, empty cell, duplicate
    assert rows[1][2] != "52.3" and len(rows[1][2].split(".")[1]) == 1  # a reading changed, written the same way
    assert (course.datasets_dir / "air.csv").read_text(encoding="utf-8") == "".join(line.strip() + "\n" for line in AIR.splitlines())


def test_a_typed_answer_fails_on_the_variant_with_a_reason(tmp_path):
    course, lesson = course_with(tmp_path)
    grader = Grader(course, ProcessRunner(), tmp_path / "cache")
    exercise = lesson.exercises[0]
    typed = grader.grade(lesson, exercise, "numbers = [1, 2, 3]\ntotal = 6", Translator("en"))
    assert not typed.passed
    message = next(f.message for f in typed.feedback if f.check == "total")
    assert message.startswith("`total` is right for these data, but not when the data change")
    assert grader.grade(lesson, exercise, "numbers = [1, 2, 3]\ntotal = 0\nfor n in numbers:\n    total += n", Translator("en")).passed
    off = Grader(course, ProcessRunner(), tmp_path / "cache", variants=False)
    assert off.grade(lesson, exercise, "numbers = [1, 2, 3]\ntotal = 6", Translator("en")).passed  # what variants change


def test_the_seed_is_kept_exported_and_used_by_the_regrade(tmp_path):
    course_root = tmp_path / "course"
    course_with(course_root)
    engine = Engine(course_root=course_root, home=tmp_path / "home", language="en", runner=ProcessRunner())
    seed = engine.variant_seed("sums", "total")
    assert seed == engine.variant_seed("sums", "total") and len(seed) == 16
    engine.check("sums", "total", "numbers = [1, 2, 3]\ntotal = sum(numbers)")
    attempt = engine.attempts()[-1]
    assert attempt.passed and attempt.seed == seed
    exported = engine.export("Aigerim")
    assert exported["attempts"][-1]["seed"] == seed
    engine.store.close()
    # Another learner's engine has another seed.
    other = Engine(course_root=course_root, home=tmp_path / "other", language="en", runner=ProcessRunner())
    assert other.variant_seed("sums", "total") != seed
    other.store.close()
    # The regrade grades the attempt on the seed it carries: the same verdict.
    path = tmp_path / "aigerim.json"
    path.write_text(json.dumps(exported), encoding="utf-8")
    course = load_course(course_root)[0]
    report = build_report(course, Grader(course, ProcessRunner(), tmp_path / "cache"), [path], Translator("en"), jobs=1)
    assert report.disagreements == [] and report.learners[0].attempts == 1
