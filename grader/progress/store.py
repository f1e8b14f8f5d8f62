"""The progress store: every attempt with its code, hints taken, badges, drafts and settings.

One interface, two backends: :class:`SQLiteStore` (WAL, one transaction per attempt) for the
terminal, :class:`JsonStore` (one file, replaced atomically) for the browser. Damage is
reported with a backup kept, never silently reset.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import shutil
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn, Protocol

from ..errors import StoreError
from .rewards import AttemptSummary, Progress

SCHEMA_VERSION = 2  # 2: attempts keep their variant seed; the solutions table (reference solutions shown after the last hint)

Decide = Callable[[Progress], tuple[int, list[str]]]


@dataclass(frozen=True)
class NewAttempt:
    """One press of 'check', about to be kept: the code and the verdict. The store adds the XP
    (decided in its transaction, from the progress as it is then) and the hints used so far."""

    course: str
    lesson: str
    exercise: str
    code: str
    passed: bool
    feedback: list
    duration_ms: int
    at: str  # UTC, ISO 8601
    local_date: str  # the learner's calendar day, for streaks
    seed: str = ""  # the hidden variant it was graded on (judge/variants.py): a regrade uses it


@dataclass(frozen=True)
class Attempt:
    """One press of 'check', as kept: the code and the verdict."""

    id: int
    course: str
    lesson: str
    exercise: str
    code: str
    passed: bool
    feedback: list
    xp: int
    hints_used: int
    at: str
    local_date: str
    duration_ms: int
    seed: str = ""

    def as_json(self) -> dict:
        return {
            "lesson": self.lesson,
            "exercise": self.exercise,
            "code": self.code,
            "passed": self.passed,
            "feedback": self.feedback,
            "xp": self.xp,
            "hints_used": self.hints_used,
            "at": self.at,
            "local_date": self.local_date,
            "duration_ms": self.duration_ms,
            "seed": self.seed,
        }


class ProgressStore(Protocol):
    def progress(self, course: str) -> Progress: ...

    def record_attempt(self, attempt: NewAttempt, decide: Decide) -> tuple[int, list[str]]: ...

    def record_hint(self, course: str, lesson: str, exercise: str, at: str) -> int: ...

    def record_solution(self, course: str, lesson: str, exercise: str, at: str) -> None: ...

    def attempts(self, course: str) -> list[Attempt]: ...

    def draft(self, course: str, lesson: str, exercise: str) -> str | None: ...

    def save_draft(self, course: str, lesson: str, exercise: str, code: str, at: str) -> None: ...

    def setting(self, key: str) -> str | None: ...

    def set_setting(self, key: str, value: str) -> None: ...

    def close(self) -> None: ...


def _backup(path: Path) -> Path:
    """Copy a damaged progress file aside (once: an identical earlier copy is reused). Raises OSError."""
    import hashlib

    def digest(file: Path) -> str:
        h = hashlib.sha256()
        with open(file, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                h.update(block)
        return h.hexdigest()

    mine = digest(path)
    for earlier in sorted(path.parent.glob(f"{path.name}.damaged-*")):
        try:
            if earlier.is_file() and earlier.stat().st_size == path.stat().st_size and digest(earlier) == mine:
                return earlier
        except OSError:
            continue
    stamp = _dt.datetime.now(_dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    backup = path.with_name(f"{path.name}.damaged-{stamp}")
    n = 1
    while backup.exists():
        n += 1
        backup = path.with_name(f"{path.name}.damaged-{stamp}-{n}")
    try:
        shutil.copy2(path, backup)
    except OSError:
        try:
            backup.unlink()  # never leave a half-copied backup that looks like a whole one
        except OSError:
            pass
        raise
    return backup


def _kept(path: Path) -> str:
    """'; a copy was kept as …' — or why no copy could be made (the original is never touched)."""
    if not path.is_file():
        return ""
    try:
        return f"; a copy was kept as {_backup(path)}"
    except OSError as exc:
        return f"; no copy could be made ({exc.strerror or exc}), so leave the file where it is"


# ---------------------------------------------------------------- SQLite (terminal)

SCHEMA = """
CREATE TABLE IF NOT EXISTS attempts (
    id INTEGER PRIMARY KEY,
    course TEXT NOT NULL,
    lesson TEXT NOT NULL,
    exercise TEXT NOT NULL,
    code TEXT NOT NULL,
    passed INTEGER NOT NULL,
    feedback TEXT NOT NULL,
    xp INTEGER NOT NULL,
    hints_used INTEGER NOT NULL,
    at TEXT NOT NULL,
    local_date TEXT NOT NULL,
    duration_ms INTEGER NOT NULL,
    seed TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS attempts_by_exercise ON attempts (course, lesson, exercise);
CREATE TABLE IF NOT EXISTS hints (
    course TEXT NOT NULL, lesson TEXT NOT NULL, exercise TEXT NOT NULL,
    taken INTEGER NOT NULL, at TEXT NOT NULL,
    PRIMARY KEY (course, lesson, exercise)
);
CREATE TABLE IF NOT EXISTS badges (
    course TEXT NOT NULL, badge TEXT NOT NULL, at TEXT NOT NULL,
    PRIMARY KEY (course, badge)
);
CREATE TABLE IF NOT EXISTS drafts (
    course TEXT NOT NULL, lesson TEXT NOT NULL, exercise TEXT NOT NULL,
    code TEXT NOT NULL, at TEXT NOT NULL,
    PRIMARY KEY (course, lesson, exercise)
);
CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS solutions (
    course TEXT NOT NULL, lesson TEXT NOT NULL, exercise TEXT NOT NULL, at TEXT NOT NULL,
    PRIMARY KEY (course, lesson, exercise)
);
"""


class SQLiteStore:
    """Progress in one SQLite file. Safe across processes: WAL, and one transaction per attempt."""

    def __init__(self, path: Path):
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot create the folder for progress {self.path.parent}: {exc.strerror}") from exc
        if self.path.exists() and not self.path.is_file():
            raise StoreError(f"the progress file {self.path} is not a file; move it away or use --home to choose another folder")
        self.db: sqlite3.Connection = None  # type: ignore[assignment]  # set by _open, before any use
        # progress() is read several times per check: keep it until this connection writes or
        # SQLite's data_version says another process has.
        self._cached: dict[str, tuple[int, Progress]] = {}
        deadline = time.monotonic() + 15
        while True:
            try:
                self._open()
                return
            except sqlite3.OperationalError as exc:  # the file is fine, the machine is not: full, busy, read-only
                self._close_quietly()
                busy = "locked" in str(exc).lower() or "busy" in str(exc).lower()
                if busy and time.monotonic() < deadline:
                    # Another program is creating or recovering the file: some of those steps
                    # answer "busy" at once instead of waiting, so wait here.
                    time.sleep(0.05)
                    continue
                raise self._operational(exc, "open") from exc
            except sqlite3.DatabaseError as exc:
                self._damaged(exc)

    def _open(self) -> None:
        existed = self.path.exists() and self.path.stat().st_size > 0
        self.db = sqlite3.connect(self.path, timeout=15, isolation_level=None, check_same_thread=False)
        self.db.execute("PRAGMA busy_timeout = 15000")
        if existed:
            self._check_health()
        version = self.db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:  # before anything writes to it, even the journal mode
            self.db.close()
            raise StoreError(
                f"the progress file {self.path} was written by a newer Qala (format {version}, this Qala reads {SCHEMA_VERSION}); "
                "update Qala — your progress has not been touched"
            )
        self.db.execute("PRAGMA journal_mode = WAL")
        self.db.execute("PRAGMA synchronous = FULL")
        if version < SCHEMA_VERSION:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                if self.db.execute("PRAGMA user_version").fetchone()[0] < SCHEMA_VERSION:
                    self._create(self.db)
                self.db.execute("COMMIT")
            except BaseException:
                self._rollback()
                raise

    def _check_health(self) -> None:
        """Read the whole file once: anything but "ok" (busy aside) means it cannot be trusted."""
        try:
            result = self.db.execute("PRAGMA quick_check").fetchone()[0]
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc).lower() or "busy" in str(exc).lower():
                raise
            self._damaged(exc)
        if result != "ok":
            self._damaged(sqlite3.DatabaseError(result))

    def _close_quietly(self) -> None:
        try:
            if self.db is not None:
                self.db.close()
        except Exception:
            pass

    def _operational(self, exc: sqlite3.OperationalError, doing: str) -> StoreError:
        text = str(exc).lower()
        if "full" in text:
            return StoreError(f"the disk is full: the attempt was not saved and nothing was half-written ({self.path})")
        if "disk i/o error" in text:
            return StoreError(f"the disk could not be written (is it full, or failing?): the attempt was not saved and nothing was half-written ({self.path})")
        if "locked" in text or "busy" in text:
            return StoreError(f"the progress file is busy in another program; try again ({self.path})")
        if "readonly" in text or "read-only" in text:
            return StoreError(f"the progress file {self.path} cannot be written (read-only); your progress is unchanged")
        verb = "open" if doing == "open" else "write progress to"
        return StoreError(f"cannot {verb} {self.path}: {exc}")

    def _damaged(self, exc: Exception) -> NoReturn:
        self._close_quietly()
        raise StoreError(
            f"the progress file {self.path} is damaged ({exc}){_kept(self.path)}. Nothing was deleted: "
            f"move the damaged file away to start afresh, or use --home to choose another folder"
        ) from exc

    @staticmethod
    def _create(db: sqlite3.Connection) -> None:
        for statement in SCHEMA.split(";"):
            if statement.strip():
                db.execute(statement)
        if "seed" not in {row[1] for row in db.execute("PRAGMA table_info(attempts)")}:  # a format-1 file
            db.execute("ALTER TABLE attempts ADD COLUMN seed TEXT NOT NULL DEFAULT ''")
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def _write(self, work: Callable[[sqlite3.Connection], Any]) -> Any:
        """Run ``work`` in one write transaction: all of it is saved, or none of it."""
        self._cached.clear()
        try:
            self.db.execute("BEGIN IMMEDIATE")
            result = work(self.db)
            self.db.execute("COMMIT")
            return result
        except sqlite3.OperationalError as exc:
            self._rollback()
            raise self._operational(exc, "write") from exc
        except sqlite3.DatabaseError as exc:
            self._rollback()
            self._damaged(exc)
        except BaseException:
            self._rollback()
            raise

    def _rollback(self) -> None:
        try:
            self.db.execute("ROLLBACK")
        except sqlite3.Error:
            pass

    def _read(self, sql: str, params: tuple = ()) -> list[tuple]:
        try:
            return self.db.execute(sql, params).fetchall()
        except sqlite3.OperationalError as exc:
            raise self._operational(exc, "read") from exc
        except sqlite3.DatabaseError as exc:
            self._damaged(exc)

    @staticmethod
    def _progress(db: sqlite3.Connection, course: str) -> Progress:
        attempts = tuple(
            AttemptSummary(lesson, e, bool(p), xp, h, at, d)
            for lesson, e, p, xp, h, at, d in db.execute(
                "SELECT lesson, exercise, passed, xp, hints_used, at, local_date FROM attempts WHERE course = ? ORDER BY id", (course,)
            )
        )
        hints = {(lesson, e): n for lesson, e, n in db.execute("SELECT lesson, exercise, taken FROM hints WHERE course = ?", (course,))}
        badges = dict(db.execute("SELECT badge, at FROM badges WHERE course = ?", (course,)).fetchall())
        solutions = {(lesson, e): at for lesson, e, at in db.execute("SELECT lesson, exercise, at FROM solutions WHERE course = ?", (course,))}
        return Progress(attempts, hints, badges, solutions)

    def progress(self, course: str) -> Progress:
        try:
            version = self.db.execute("PRAGMA data_version").fetchone()[0]
            cached = self._cached.get(course)
            if cached is not None and cached[0] == version:
                return cached[1]
            progress = self._progress(self.db, course)
            self._cached[course] = (version, progress)
            return progress
        except sqlite3.OperationalError as exc:
            raise self._operational(exc, "read") from exc
        except sqlite3.DatabaseError as exc:
            self._damaged(exc)

    def record_attempt(self, attempt: NewAttempt, decide: Decide) -> tuple[int, list[str]]:
        a = attempt

        def work(db):
            before = self._progress(db, a.course)
            xp, badges = decide(before)
            hints = before.hints.get((a.lesson, a.exercise), 0)
            db.execute(
                "INSERT INTO attempts (course, lesson, exercise, code, passed, feedback, xp, hints_used, at, local_date, duration_ms, seed) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    a.course,
                    a.lesson,
                    a.exercise,
                    a.code,
                    int(a.passed),
                    json.dumps(a.feedback, ensure_ascii=False),
                    xp,
                    hints,
                    a.at,
                    a.local_date,
                    a.duration_ms,
                    a.seed,
                ),
            )
            db.executemany("INSERT OR IGNORE INTO badges (course, badge, at) VALUES (?,?,?)", [(a.course, b, a.at) for b in badges])
            return xp, badges

        return self._write(work)

    def record_hint(self, course, lesson, exercise, at) -> int:
        def work(db):
            db.execute(
                "INSERT INTO hints (course, lesson, exercise, taken, at) VALUES (?,?,?,1,?) "
                "ON CONFLICT (course, lesson, exercise) DO UPDATE SET taken = taken + 1, at = excluded.at",
                (course, lesson, exercise, at),
            )
            return db.execute("SELECT taken FROM hints WHERE course=? AND lesson=? AND exercise=?", (course, lesson, exercise)).fetchone()[0]

        return self._write(work)

    def record_solution(self, course, lesson, exercise, at) -> None:
        """Keep that the reference solution was shown (the first time counts)."""
        self._write(lambda db: db.execute("INSERT OR IGNORE INTO solutions (course, lesson, exercise, at) VALUES (?,?,?,?)", (course, lesson, exercise, at)))

    def attempts(self, course: str) -> list[Attempt]:
        rows = self._read(
            "SELECT id, course, lesson, exercise, code, passed, feedback, xp, hints_used, at, local_date, duration_ms, seed FROM attempts WHERE course = ? ORDER BY id",
            (course,),
        )
        return [Attempt(r[0], r[1], r[2], r[3], r[4], bool(r[5]), json.loads(r[6]), r[7], r[8], r[9], r[10], r[11], r[12]) for r in rows]

    def draft(self, course, lesson, exercise):
        rows = self._read("SELECT code FROM drafts WHERE course=? AND lesson=? AND exercise=?", (course, lesson, exercise))
        return rows[0][0] if rows else None

    def save_draft(self, course, lesson, exercise, code, at) -> None:
        self._write(
            lambda db: db.execute("INSERT OR REPLACE INTO drafts (course, lesson, exercise, code, at) VALUES (?,?,?,?,?)", (course, lesson, exercise, code, at))
        )

    def setting(self, key):
        rows = self._read("SELECT value FROM settings WHERE key = ?", (key,))
        return rows[0][0] if rows else None

    def set_setting(self, key, value) -> None:
        self._write(lambda db: db.execute("INSERT OR REPLACE INTO settings (key, value) VALUES (?,?)", (key, value)))

    def close(self) -> None:
        try:
            self.db.close()
        except sqlite3.Error:
            pass


# ---------------------------------------------------------------- JSON (browser)

_JSON_RECORDS = {
    "attempts": {"course", "lesson", "exercise", "passed", "xp", "hints_used", "at", "local_date"},
    "hints": {"course", "lesson", "exercise", "taken"},
    "badges": {"course", "badge", "at"},
    "drafts": {"course", "lesson", "exercise", "code"},
    "solutions": {"course", "lesson", "exercise", "at"},
}


def _check_shape(data: dict) -> None:
    """A progress file that parses but is not shaped like one is damaged too (ValueError)."""
    for key, needed in _JSON_RECORDS.items():
        records = data.get(key, [])
        if not isinstance(records, list) or not all(isinstance(r, dict) and needed <= r.keys() for r in records):
            raise ValueError(f"its {key} are not in Qala's format")
    if not isinstance(data.get("settings", {}), dict):
        raise ValueError("its settings are not in Qala's format")


class JsonStore:
    """Progress in one JSON file, replaced atomically on every write (the browser has one tab
    writing at a time; persistence to the browser's storage is the web layer's job)."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.data = self._load()

    def _empty(self) -> dict:
        return {"format": "qala-progress", "schema": SCHEMA_VERSION, "attempts": [], "hints": [], "badges": [], "drafts": [], "settings": {}, "solutions": []}

    def _load(self) -> dict:
        if not self.path.exists():
            return self._empty()
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            if not isinstance(data, dict) or data.get("format") != "qala-progress":
                raise ValueError("not a Qala progress file")
            _check_shape(data)
        except (ValueError, UnicodeDecodeError) as exc:
            raise StoreError(f"the progress file {self.path} is damaged ({exc}){_kept(self.path)}. Nothing was deleted") from exc
        except OSError as exc:
            raise StoreError(f"cannot read the progress file {self.path}: {exc.strerror or exc}") from exc
        if int(data.get("schema", 0)) > SCHEMA_VERSION:
            raise StoreError(f"the progress file {self.path} was written by a newer Qala; update Qala — your progress has not been touched")
        data.setdefault("solutions", [])  # schema 1 had none
        data["schema"] = SCHEMA_VERSION
        return data

    def _save(self) -> None:
        tmp = self.path.with_name(self.path.name + ".tmp")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp.write_text(json.dumps(self.data, ensure_ascii=False), encoding="utf-8")
            os.replace(tmp, self.path)
        except OSError as exc:
            try:
                tmp.unlink()
            except OSError:
                pass
            raise StoreError(f"cannot save progress to {self.path}: {exc.strerror or exc}") from exc

    def progress(self, course: str) -> Progress:
        attempts = tuple(
            AttemptSummary(a["lesson"], a["exercise"], a["passed"], a["xp"], a["hints_used"], a["at"], a["local_date"])
            for a in self.data["attempts"]
            if a["course"] == course
        )
        hints = {(h["lesson"], h["exercise"]): h["taken"] for h in self.data["hints"] if h["course"] == course}
        badges = {b["badge"]: b["at"] for b in self.data["badges"] if b["course"] == course}
        solutions = {(s["lesson"], s["exercise"]): s["at"] for s in self.data["solutions"] if s["course"] == course}
        return Progress(attempts, hints, badges, solutions)

    def record_attempt(self, attempt: NewAttempt, decide: Decide) -> tuple[int, list[str]]:
        a = attempt
        before = self.progress(a.course)
        xp, badges = decide(before)
        snapshot = json.dumps(self.data)
        self.data["attempts"].append(
            {
                "id": len(self.data["attempts"]) + 1,
                "course": a.course,
                "lesson": a.lesson,
                "exercise": a.exercise,
                "code": a.code,
                "passed": a.passed,
                "feedback": a.feedback,
                "xp": xp,
                "hints_used": before.hints.get((a.lesson, a.exercise), 0),
                "at": a.at,
                "local_date": a.local_date,
                "duration_ms": a.duration_ms,
                "seed": a.seed,
            }
        )
        self.data["badges"].extend({"course": a.course, "badge": b, "at": a.at} for b in badges if b not in before.badges)
        self._save_or_restore(snapshot)
        return xp, badges

    def _save_or_restore(self, snapshot: str) -> None:
        try:
            self._save()
        except StoreError:
            self.data = json.loads(snapshot)
            raise

    def record_hint(self, course, lesson, exercise, at) -> int:
        snapshot = json.dumps(self.data)
        for hint in self.data["hints"]:
            if (hint["course"], hint["lesson"], hint["exercise"]) == (course, lesson, exercise):
                hint["taken"] += 1
                hint["at"] = at
                break
        else:
            hint = {"course": course, "lesson": lesson, "exercise": exercise, "taken": 1, "at": at}
            self.data["hints"].append(hint)
        self._save_or_restore(snapshot)
        return hint["taken"]

    def record_solution(self, course, lesson, exercise, at) -> None:
        if any((s["course"], s["lesson"], s["exercise"]) == (course, lesson, exercise) for s in self.data["solutions"]):
            return
        snapshot = json.dumps(self.data)
        self.data["solutions"].append({"course": course, "lesson": lesson, "exercise": exercise, "at": at})
        self._save_or_restore(snapshot)

    def attempts(self, course: str) -> list[Attempt]:
        return [
            Attempt(
                a["id"],
                a["course"],
                a["lesson"],
                a["exercise"],
                a["code"],
                a["passed"],
                a["feedback"],
                a["xp"],
                a["hints_used"],
                a["at"],
                a["local_date"],
                a["duration_ms"],
                str(a.get("seed", "")),
            )
            for a in self.data["attempts"]
            if a["course"] == course
        ]

    def draft(self, course, lesson, exercise):
        return next((d["code"] for d in self.data["drafts"] if (d["course"], d["lesson"], d["exercise"]) == (course, lesson, exercise)), None)

    def save_draft(self, course, lesson, exercise, code, at) -> None:
        snapshot = json.dumps(self.data)
        self.data["drafts"] = [d for d in self.data["drafts"] if (d["course"], d["lesson"], d["exercise"]) != (course, lesson, exercise)]
        self.data["drafts"].append({"course": course, "lesson": lesson, "exercise": exercise, "code": code, "at": at})
        self._save_or_restore(snapshot)

    def setting(self, key):
        return self.data["settings"].get(key)

    def set_setting(self, key, value) -> None:
        snapshot = json.dumps(self.data)
        self.data["settings"][key] = value
        self._save_or_restore(snapshot)

    def close(self) -> None:
        pass
