"""Two (or more) programs writing progress at once: every attempt kept, XP counted once."""

from __future__ import annotations

import json
import threading

from tests.conftest import lesson_text, make_course, run_qala
from tests.grader.progress.conftest import assert_consistent, start_recorder


def test_four_writers_at_once_keep_every_attempt_and_award_xp_once(tmp_path):
    path = tmp_path / "progress.sqlite"
    writers = [start_recorder(path, f"w{n}", 40) for n in range(4)]
    for writer in writers:
        out, err = writer.communicate(timeout=120)
        assert writer.returncode == 0, err
        assert len(out.splitlines()) == 40
    rows = assert_consistent(path)  # each exercise's XP went to exactly one first pass
    assert len(rows) == 160
    assert sum(xp for _, _, xp, _, _ in rows) == 10 * len({exercise for exercise, *_ in rows})


def test_two_checks_of_the_same_exercise_at_the_same_moment(tmp_path):
    course = make_course(tmp_path / "course", {"sums": lesson_text()})
    solution = tmp_path / "solution.py"
    solution.write_text("numbers = [1, 2, 3]\ntotal = sum(numbers)\n")
    home = tmp_path / "home"
    alone = run_qala("check", "sums", "total", str(solution), "--json", "--course", str(course), home=tmp_path / "alone")
    xp_of_one_pass = json.loads(alone.stdout)["xp"]
    assert xp_of_one_pass > 0
    results = []

    def check() -> None:
        results.append(run_qala("check", "sums", "total", str(solution), "--json", "--course", str(course), home=home))

    threads = [threading.Thread(target=check) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [r.returncode for r in results] == [0, 0], [r.stderr for r in results]
    gained = sorted(json.loads(r.stdout)["xp"] for r in results)
    assert gained == [0, xp_of_one_pass]  # one of them was first; the other saw it
    progress = json.loads(run_qala("progress", "--json", "--course", str(course), home=home).stdout)
    assert progress["xp"] == xp_of_one_pass
    export = run_qala("export", "--name", "Aru", "--out", str(tmp_path / "export.json"), "--course", str(course), home=home)
    assert export.returncode == 0, export.stderr
    assert len(json.loads((tmp_path / "export.json").read_text())["attempts"]) == 2
