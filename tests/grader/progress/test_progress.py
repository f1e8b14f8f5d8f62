"""The progress store with real SQLite files and real processes, through the engine."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3

import pytest

from qala.grader.engine import Engine
from qala.grader.errors import StoreError
from qala.grader.progress.store import JsonStore, SQLiteStore
from tests.conftest import exercise_text, lesson_text, make_course, run_qala

RIGHT = "numbers = [1, 2, 3]\ntotal = sum(numbers)"
WRONG = "numbers = [1, 2, 3]\ntotal = 1"


@pytest.fixture
def course(tmp_path):
    two = exercise_text("total") + "\n" + exercise_text("again")
    return make_course(tmp_path / "course", {"sums": lesson_text(exercises=two)})


def clock_at(day: str):
    return lambda: dt.datetime.fromisoformat(f"{day}T12:00:00+05:00")


def test_every_attempt_is_kept_with_its_code_and_verdict(course, home):
    engine = Engine(course, home)
    engine.check("sums", "total", WRONG)
    outcome = engine.check("sums", "total", RIGHT)
    assert outcome.passed and outcome.xp_gained == 10  # second try: no first-try bonus
    attempts = engine.attempts()
    assert [(a.code, a.passed, a.xp) for a in attempts] == [(WRONG, False, 0), (RIGHT, True, 10)]
    assert attempts[0].feedback[1]["check"] == "total" and not attempts[0].feedback[1]["passed"]
    db = sqlite3.connect(home / "progress.sqlite")
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_xp_level_and_badges_after_a_first_try(course, home):
    engine = Engine(course, home)
    outcome = engine.check("sums", "total", RIGHT)
    assert (outcome.xp_gained, [b.id for b in outcome.new_badges]) == (15, ["first-step"])
    second = engine.check("sums", "again", RIGHT)
    assert second.xp_gained == 15 and second.total_xp == 30
    assert [b.id for b in second.new_badges] == ["basics-done"]
    assert second.level_up and second.level.number == 2
    again = engine.check("sums", "again", RIGHT)
    assert again.xp_gained == 0 and again.new_badges == ()


def test_a_hint_is_recorded_and_costs_xp(course, home):
    engine = Engine(course, home)
    hint = engine.hint("sums", "total")
    assert (hint.text, hint.number, hint.total, hint.cost) == ("Use sum().", 1, 1, 2)
    assert engine.check("sums", "total", RIGHT).xp_gained == 8


def test_a_second_process_sees_what_the_first_wrote(course, home, tmp_path):
    solution = tmp_path / "right.py"
    solution.write_text(RIGHT, encoding="utf-8")
    first = run_qala("check", "sums", "total", str(solution), "--course", str(course), home=home)
    assert first.returncode == 0, first.stderr
    second = run_qala("progress", "--json", "--course", str(course), home=home)
    data = json.loads(second.stdout)
    assert data["xp"] == 15 and [b["id"] for b in data["badges"]] == ["first-step"]
    assert Engine(course, home).progress().xp == 15


def test_streak_uses_the_learners_local_dates(course, home):
    Engine(course, home, clock=clock_at("2026-11-24")).check("sums", "total", RIGHT)
    engine = Engine(course, home, clock=clock_at("2026-11-25"))
    engine.check("sums", "again", RIGHT)
    assert engine.progress().streak == 2


def test_drafts_survive_a_restart(course, home):
    engine = Engine(course, home)
    assert engine.code_for("sums", "total") == "numbers = [1, 2, 3]\ntotal = 0"
    engine.save_draft("sums", "total", "total = 'half-written'")
    engine.close()
    assert Engine(course, home).code_for("sums", "total") == "total = 'half-written'"


def test_the_language_choice_is_remembered(course, home, monkeypatch):
    monkeypatch.delenv("QALA_LANG", raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    engine = Engine(course, home)
    assert engine.language == "en"
    engine.set_language("kk")
    assert Engine(course, home).language == "kk"
    assert Engine(course, home, language="ru").language == "ru"


def test_a_corrupt_store_is_reported_and_kept(course, home):
    Engine(course, home).check("sums", "total", RIGHT)
    path = home / "progress.sqlite"
    for extra in home.glob("progress.sqlite-*"):
        extra.unlink()
    data = bytearray(path.read_bytes())
    data[100:4096] = b"\x00garbage" * 499
    path.write_bytes(bytes(data))
    with pytest.raises(StoreError) as raised:
        SQLiteStore(path)
    assert "damaged" in str(raised.value)
    backups = list(home.glob("progress.sqlite.damaged-*"))
    assert backups and backups[0].read_bytes() == bytes(data)
    assert path.read_bytes() == bytes(data)  # never silently reset
    result = run_qala("progress", "--course", str(course), home=home)
    assert result.returncode == 2 and result.stderr.count("\n") == 1 and "damaged" in result.stderr


def test_a_store_from_a_newer_qala_is_refused_untouched(course, home):
    path = home / "progress.sqlite"
    db = sqlite3.connect(path)
    db.execute("PRAGMA user_version = 99")
    db.close()
    before = path.read_bytes()
    with pytest.raises(StoreError, match="newer Qala"):
        SQLiteStore(path)
    assert path.read_bytes() == before


def test_the_browser_store_keeps_the_same_things(course, tmp_path):
    file = tmp_path / "browser" / "progress.json"
    engine = Engine(course, home=file.parent, store=JsonStore(file))
    engine.check("sums", "total", WRONG)
    engine.hint("sums", "total")
    outcome = engine.check("sums", "total", RIGHT)
    assert outcome.xp_gained == 8
    reopened = Engine(course, home=file.parent, store=JsonStore(file))
    assert [a.passed for a in reopened.attempts()] == [False, True]
    assert reopened.progress().xp == 8
    file.write_text("{not json", encoding="utf-8")
    with pytest.raises(StoreError, match="damaged"):
        JsonStore(file)
    assert list(file.parent.glob("progress.json.damaged-*"))


def test_progress_read_again_sees_what_another_process_wrote(course, home, tmp_path):
    engine = Engine(course, home)
    assert engine.progress().xp == 0  # read (and kept) once
    solution = tmp_path / "right.py"
    solution.write_text(RIGHT, encoding="utf-8")
    assert run_qala("check", "sums", "total", str(solution), "--course", str(course), home=home).returncode == 0
    assert engine.progress().xp == 15  # another process's write is seen
    engine.check("sums", "again", RIGHT)
    assert engine.progress().xp == 30  # and so is this connection's own
