"""Long commands show a progress bar on a terminal, translated, and nothing when their output is
piped or read as JSON (the real `qala` in a real pseudo-terminal)."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
from pathlib import Path

from tests.conftest import exercise_text, lesson_text, make_course, run_qala


def _course(tmp_path: Path) -> Path:
    exercises = "\n".join(exercise_text(name) for name in ("total", "again", "more"))
    return make_course(tmp_path / "course", {"sums": lesson_text(exercises=exercises)})


def _in_a_terminal(args: list[str], home: Path, language: str = "en") -> str:
    """What `qala ARGS` writes to its stderr when that stderr is a terminal."""
    master, slave = pty.openpty()
    env = os.environ | {"QALA_HOME": str(home), "TERM": "xterm-256color", "COLUMNS": "100", "QALA_LANG": language}
    process = subprocess.Popen([sys.executable, "-m", "qala.grader.cli", *args], stdout=subprocess.DEVNULL, stderr=slave, stdin=subprocess.DEVNULL, env=env)
    os.close(slave)
    seen = b""
    while True:
        ready, _, _ = select.select([master], [], [], 120)
        if not ready:
            break
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the other end closed: the command is done
            break
        if not chunk:
            break
        seen += chunk
    process.wait(timeout=120)
    os.close(master)
    return seen.decode("utf-8", "replace")


def test_validate_shows_a_bar_with_counts_on_a_terminal(tmp_path, home):
    course = _course(tmp_path)
    shown = _in_a_terminal(["validate", "--course", str(course)], home)
    assert "Self-testing the lessons" in shown
    assert "3 of 3" in shown  # the count of exercises self-tested
    assert "time left:" in shown


def test_the_bar_speaks_the_learners_language(tmp_path, home):
    course = _course(tmp_path)
    shown = _in_a_terminal(["validate", "--course", str(course)], home, language="ru")
    assert "Самопроверка уроков" in shown and "3 из 3" in shown


def test_no_bar_when_piped(tmp_path, home):
    course = _course(tmp_path)
    result = run_qala("validate", "--course", str(course), home=home)
    assert result.returncode == 0, result.stderr
    assert "Self-testing" not in result.stderr and "\x1b[" not in result.stderr
    assert "3 exercises" in result.stderr  # the summary is still there


def _an_export(tmp_path: Path, course: Path) -> Path:
    learner = tmp_path / "learner-home"
    answer = tmp_path / "answer.py"
    answer.write_text("numbers = [1, 2, 3]\ntotal = sum(numbers)", encoding="utf-8")
    assert run_qala("check", "sums", "total", str(answer), "--course", str(course), home=learner).returncode == 0
    out = tmp_path / "aigerim.json"
    assert run_qala("export", "--name", "Aigerim", "--out", str(out), "--course", str(course), home=learner).returncode == 0
    return out


def test_report_shows_a_bar_on_a_terminal_and_none_with_json(tmp_path, home):
    course = _course(tmp_path)
    export = _an_export(tmp_path, course)
    shown = _in_a_terminal(["report", str(export), "--course", str(course)], home)
    assert "Regrading the class's work" in shown and "1 of 1" in shown
    quiet = _in_a_terminal(["report", str(export), "--course", str(course), "--json"], home)
    assert "Regrading" not in quiet and " of 1" not in quiet
