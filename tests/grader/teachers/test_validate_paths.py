"""`qala validate PATH` (issue 13, item 8): a lesson file outside the course's lessons/ folder is
validated (in a scratch copy of the course), a path that is not a lesson says why in one line
(exit 2), and a run that self-tested nothing says so instead of passing quietly."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import make_course, run_qala

IDIOMS = Path(__file__).parent / "fixtures" / "idioms"


def a_course_with_a_lesson(tmp_path: Path, home: Path) -> tuple[Path, Path]:
    course = make_course(tmp_path / "course", {})
    result = run_qala("import", str(IDIOMS / "nbgrader-autotest" / "bus-fares.ipynb"), "--track", "basics", "--course", str(course), "--json", home=home)
    assert result.returncode == 0, result.stderr
    return course, course / "lessons" / "basics" / "bus-fares.md"


def test_a_lesson_file_outside_lessons_is_validated_and_its_problems_point_at_it(tmp_path, home):
    course, lesson = a_course_with_a_lesson(tmp_path, home)
    drafts = tmp_path / "drafts"
    drafts.mkdir()
    good = drafts / "bus-fares.md"
    good.write_text(lesson.read_text(encoding="utf-8"), encoding="utf-8")
    passed = run_qala("validate", str(good), "--course", str(course), home=home)
    assert passed.returncode == 0 and "1 lesson, 1 exercise" in passed.stderr, passed.stdout + passed.stderr
    good.write_text(lesson.read_text(encoding="utf-8").replace("[[check]]", "[[check]]\nbogus = 1", 1), encoding="utf-8")
    failed = run_qala("validate", str(good), "--course", str(course), home=home)
    assert failed.returncode == 1 and f"{good}:" in failed.stdout and "unknown key 'bogus'" in failed.stdout, failed.stdout
    # from the lesson's own folder, with a relative path and --course relative too
    relative = run_qala("validate", "bus-fares.md", "--course", "../course", home=home, cwd=drafts)
    assert relative.returncode == 1 and "unknown key 'bogus'" in relative.stdout, relative.stdout + relative.stderr


def test_a_path_that_is_no_lesson_says_why_in_one_line(tmp_path, home):
    course, _ = a_course_with_a_lesson(tmp_path, home)
    notes = tmp_path / "notes.txt"
    notes.write_text("hello", encoding="utf-8")
    for path, words in ((notes, "not a lesson file"), (tmp_path / "missing.md", "no such file or folder")):
        result = run_qala("validate", str(path), "--course", str(course), home=home)
        assert result.returncode == 2 and words in result.stderr and result.stderr.count("\n") == 1, result.stderr
    wrong_course = run_qala("validate", "--course", str(tmp_path / "nowhere"), home=home)
    assert wrong_course.returncode == 2 and "not a course folder" in wrong_course.stderr


def test_validate_says_loudly_when_it_self_tested_nothing(tmp_path, home):
    course, lesson = a_course_with_a_lesson(tmp_path, home)
    lesson.write_text(lesson.read_text(encoding="utf-8").replace("needs = []", 'needs = ["no_such_module_qala"]'), encoding="utf-8")
    plain = run_qala("validate", str(lesson), home=home)
    assert "cannot self-test" in plain.stdout and "Nothing was self-tested" in plain.stderr
    strict = run_qala("validate", str(lesson), "--strict", home=home)
    assert strict.returncode == 1


def test_a_sandbox_failure_is_retried_once_then_names_the_lesson_and_the_run_goes_on(tmp_path, home):
    from qala.grader.errors import GradingError
    from qala.grader.run.runners import default_runner
    from qala.grader.teachers.validate import validate

    course, lesson = a_course_with_a_lesson(tmp_path, home)
    real = default_runner()

    class Flaky:
        def __init__(self, failures: int):
            self.failures = failures

        def run(self, job):
            if self.failures:
                self.failures -= 1
                raise GradingError("the sandbox ended without a report: no output")
            return real.run(job)

        def __getattr__(self, name):
            return getattr(real, name)

    try:
        once = validate(course, [lesson], runner=Flaky(1), cache_dir=tmp_path / "c1", jobs=1)
        assert once.errors == [] and once.exercises == 1
        always = validate(course, [lesson], runner=Flaky(10**6), cache_dir=tmp_path / "c2", jobs=1)
        assert [p.params.get("lesson") for p in always.errors] == ["bus-fares"] and "could not be self-tested" in str(always.errors[0])
    finally:
        real.close()


def test_strict_counts_the_warnings_as_errors_in_its_summary(tmp_path, home):
    course, lesson = a_course_with_a_lesson(tmp_path, home)  # no translations: warnings
    plain = run_qala("validate", str(lesson), home=home)
    assert plain.returncode == 0 and "0 errors, 2 warnings" in plain.stderr, plain.stderr
    strict = run_qala("validate", str(lesson), "--strict", home=home)
    assert strict.returncode == 1 and "2 errors, 0 warnings" in strict.stderr, strict.stderr
