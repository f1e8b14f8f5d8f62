"""`qala check` reads its own command line before the parser exists, to start its sandbox first
(cli/early.py): only command lines it can read for certain; the parser decides everything."""

from __future__ import annotations

import json

import pytest

from qala.grader import cli
from qala.grader.cli import early
from qala.grader.cli.early import check_target


@pytest.mark.parametrize(
    ("argv", "target"),
    [
        (["check", "lesson-a", "ex", "answer.py"], (None, "lesson-a")),
        (["check", "lesson-a", "ex", "-", "--json"], (None, "lesson-a")),
        (["--course", "c", "--home", "h", "check", "lesson-a", "ex", "f.py"], ("c", "lesson-a")),
        (["--lang=kk", "check", "--course=c", "lesson-a", "--json", "ex", "f.py"], ("c", "lesson-a")),
        (["check", "lesson-a", "ex", "f.py", "--home", "check"], (None, "lesson-a")),
        (["hint", "lesson-a", "ex"], None),
        (["lessons", "--json"], None),
        (["check", "lesson-a", "ex"], None),  # no file: the parser says so
        (["check", "lesson-a", "ex", "f.py", "extra"], None),
        (["check", "lesson-a", "ex", "f.py", "--jsn"], None),
        (["check", "--help"], None),
        (["--json", "check", "lesson-a", "ex", "f.py"], None),  # --json belongs after the command
        (["check", "lesson-a", "ex", "f.py", "--course"], None),
        (["check", "-x", "lesson-a", "ex", "f.py"], None),
        (["--", "check", "lesson-a", "ex", "f.py"], None),
        ([], None),
    ],
)
def test_only_a_plain_check_command_line_is_read(argv, target):
    assert check_target(argv) == target


def test_a_check_of_an_unknown_lesson_starts_nothing_early_and_says_why(tmp_path, capsys):
    code = tmp_path / "answer.py"
    code.write_text("x = 1\n")
    assert cli.main(["--home", str(tmp_path / "home"), "--lang", "en", "check", "no-such-lesson", "ex", str(code)]) == 2
    assert "no-such-lesson" in capsys.readouterr().err
    assert not early._started


def test_a_runner_started_for_another_command_line_is_closed(monkeypatch, tmp_path):
    closed = []

    class Runner:
        def close(self):
            closed.append(True)

    early._started.update(course=None, lesson="lesson-a", runner=Runner())
    assert early.take(None, "lesson-b") is None and closed == [True] and not early._started
    early._started.update(course=str(tmp_path), lesson="lesson-a", runner=Runner())
    assert isinstance(early.take(tmp_path, "lesson-a"), Runner) and not early._started


def test_a_check_from_the_shell_uses_the_runner_started_first(tmp_path, monkeypatch, capsys):
    from qala.grader.content.course_file import bundled_course_root, load_course

    course, _ = load_course(bundled_course_root())
    lesson = next(lesson for lesson in course.ordered_lessons() if not lesson.needs and lesson.datasets == ())
    exercise = next(e for e in lesson.exercises if e.kind.value == "code")
    code = tmp_path / "answer.py"
    code.write_text(exercise.solution + "\n# mine\n")
    taken = []
    real_take = early.take

    def take(course_root, lesson_id):
        runner = real_take(course_root, lesson_id)
        taken.append(runner)
        return runner

    monkeypatch.setattr(early, "take", take)
    monkeypatch.setenv("QALA_RUNNER", "oneshot")
    assert cli.main(["--home", str(tmp_path / "home"), "--lang", "en", "check", lesson.id, exercise.id, str(code), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["passed"] is True
    assert len(taken) == 1 and taken[0] is not None and not early._started


def test_a_check_reads_no_package_metadata_and_imports_no_pandas_itself(tmp_path):
    """The front ends' commands are found in every installed package's metadata: a check needs
    none of them. Pandas is the sandbox's to import, never the grader's."""
    import subprocess
    import sys

    from qala.grader.content.course_file import bundled_course_root, load_course

    course, _ = load_course(bundled_course_root())
    lesson = course.lesson("pandas-groupby-districts")
    code = tmp_path / "answer.py"
    code.write_text(lesson.exercise("district-means").solution + "\n# mine\n")
    script = (
        "import sys\nfrom qala.grader.cli import main\n"
        f"code = main(['--home', {str(tmp_path / 'home')!r}, '--lang', 'en', 'check', 'pandas-groupby-districts', 'district-means', {str(code)!r}, '--json'])\n"
        "print('RESULT', code, 'importlib.metadata' in sys.modules, 'pandas' in sys.modules)\n"
        "code = main(['--home', " + repr(str(tmp_path / "home")) + ", 'lessons', '--json'])\n"
        "print('RESULT', code, 'importlib.metadata' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    results = [line.split()[1:] for line in done.stdout.splitlines() if line.startswith("RESULT")]
    assert results == [["0", "False", "False"], ["0", "True"]], done.stdout[-2000:] + done.stderr[-2000:]
