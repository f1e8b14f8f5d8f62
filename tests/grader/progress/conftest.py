"""Helpers for the progress-store tests: real processes writing real SQLite files."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

# How every test here records an attempt. It has the real shape of Engine.check's: XP only for the
# first pass of an exercise, a badge once ten attempts are kept — both decided inside the
# attempt's own transaction. Kept as source so the child processes run exactly the same rule.
RECORD = textwrap.dedent(
    """
    import random, time

    from qala.grader.progress.store import NewAttempt

    def record(store, exercise, comment="", pause=0.0, padding=""):
        def decide(progress):
            if pause:
                time.sleep(random.random() * pause)  # be killed in the middle of the transaction
            first = not any(a.passed and a.exercise == exercise for a in progress.attempts)
            badges = ["ten"] if len(progress.attempts) + 1 >= 10 and "ten" not in progress.badges else []
            return (10 if first else 0), badges

        code = comment + "x = 1\\n" * 50 + padding
        feedback = [{"check": "runs", "passed": True, "message": "ok"}]
        store.record_attempt(NewAttempt("c", "l", exercise, code, True, feedback, 5, "2024-05-01T10:00:00+00:00", "2024-05-01"), decide)
    """
)
_namespace: dict = {}
exec(RECORD, _namespace)
record = _namespace["record"]

# A child process that records attempts as fast as it can, printing each one it has committed.
RECORDER = RECORD + textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from qala.grader.progress.store import SQLiteStore

    path, name, count, pause = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
    store = SQLiteStore(path)
    random.seed(name)
    for i in range(count):
        record(store, f"e{random.randrange(10)}", f"# {name} {i}\\n", pause)
        print(f"{name} {i}", flush=True)
    """
)


def start_recorder(path: Path, name: str, count: int, pause: float = 0.0) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", RECORDER, str(path), name, str(count), str(pause)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def assert_consistent(path: Path) -> list[tuple]:
    """The file is whole, and every rule the recorder decides with holds in what was kept."""
    db = sqlite3.connect(path)
    try:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if "attempts" not in tables:  # killed before the first transaction: an empty store is a whole one
            assert tables == set(), tables
            return []
        rows = db.execute("SELECT exercise, passed, xp, code, feedback FROM attempts ORDER BY id").fetchall()
        badges = [b for (b,) in db.execute("SELECT badge FROM badges")]
    finally:
        db.close()
    first_passes = {}
    for exercise, _passed, xp, code, feedback in rows:
        assert code.count("x = 1") == 50, "an attempt was kept half-written"
        assert json.loads(feedback)[0]["check"] == "runs"
        expected = 0 if exercise in first_passes else 10
        first_passes.setdefault(exercise, True)
        assert xp == expected, (exercise, xp)
    assert ("ten" in badges) == (len(rows) >= 10), (len(rows), badges)
    return rows
