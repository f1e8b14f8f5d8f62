"""A small pandas course, both CPython runners, and the promises every hostile check must keep.

Each hostile test grades one submission through the real Engine (real SQLite progress, real
sandbox processes) and then calls :meth:`Arena.assert_harmless`, which checks that the run
ended "not passed" with a message, and left no process, no scratch folder, no changed dataset
and no progress beyond its own failed attempt — and that a legitimate solution still passes
afterwards. What an attack reports (it prints ``WORKED: …`` when a step succeeds) is checked
too: a verdict alone cannot show that an attack failed, only that the answer was wrong.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from qala.grader.engine import Engine
from qala.grader.run.launch import ProcessRunner
from qala.grader.run.worker import WorkerRunner
from tests.conftest import exercise_text, lesson_text, make_course

TIMEOUT = 2  # the exercise's time limit, seconds
MEMORY = 1024**3  # a smaller limit than the default, so memory bombs end fast

SOLUTION = """import pandas as pd
air = pd.read_csv("datasets/air.csv")
mean_pm25 = air["pm25"].mean()
by_district = air.groupby("district")["pm25"].mean()
"""

CHECKS = f"""timeout = {TIMEOUT}

[[check]]
value = "mean_pm25"
tolerance = 0.01
message = "Take the mean of the pm25 column."

[[check]]
value = "by_district"
tolerance = 0.01
message = "Group by district, then take the mean."
"""


BAND_SOLUTION = """def band(pm25):
    if pm25 <= 12:
        return "good"
    if pm25 <= 55:
        return "moderate"
    return "high"
"""

BAND_CALLS = ("band(5.0)", "band(30.0)", "band(80.0)")

BAND_CHECKS = f"""timeout = {TIMEOUT}

[[check]]
function = "band"
calls = {list(BAND_CALLS)!r}
message = "Compare with 12, then with 55."
""".replace("'", '"')


def _air_csv() -> str:
    rows = ["day,district,pm25"]
    for day in range(1, 29):
        for n, district in enumerate(("Almaly", "Auezov", "Bostandyq", "Medeu", "Nauryzbay", "Turksib")):
            rows.append(f"2024-02-{day:02d},{district},{(day * 7 + n * 13) % 90 + 5.5}")
    return "\n".join(rows) + "\n"


@pytest.fixture(scope="session")
def course(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("course")
    exercise = exercise_text(
        ex_id="mean",
        starter='import pandas as pd\nair = pd.read_csv("datasets/air.csv")\nmean_pm25 = 0',
        solution=SOLUTION.strip(),
        checks=CHECKS,
        hints="1. air['pm25'].mean()",
    )
    band = exercise_text(
        ex_id="band", starter="def band(pm25):\n    return None", solution=BAND_SOLUTION.strip(), checks=BAND_CHECKS, hints="1. if pm25 <= 12:"
    )
    make_course(root, {"city-air": lesson_text("city-air", exercise + "\n" + band, front='needs = ["pandas"]\n')}, datasets={"air.csv": _air_csv()})
    return root


@pytest.fixture(scope="session")
def warm_runner():
    runner = WorkerRunner(memory_bytes=MEMORY, cold_runs=0)
    runner.warm_up()
    yield runner
    runner.close()


@pytest.fixture(scope="session")
def oneshot_runner():
    return ProcessRunner(memory_bytes=MEMORY)


def sha_of_tree(folder: Path) -> dict[str, tuple[str, int]]:
    found = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            found[str(path.relative_to(folder))] = (hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns)
        else:
            found[str(path.relative_to(folder))] = ("dir", path.stat().st_mode)
    return found


def _subreaper() -> None:
    """Make this test process the reaper of its orphans: whatever a run leaves stays in sight."""
    if sys.platform.startswith("linux"):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER


def descendants(allowed: set[int] | None = None, below: set[int] | None = None) -> list[str]:
    """Live processes below this one (orphans included, see _subreaper), minus ``allowed`` and
    minus the processes ``below`` (and including) the ones in ``below``."""
    parents: dict[int, int] = {}
    lines: dict[int, str] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            cmdline = Path(f"/proc/{entry}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        if fields[0] in ("Z", "X"):
            continue
        parents[int(entry)] = int(fields[1])
        lines[int(entry)] = cmdline[:100]
    me = os.getpid()
    found = []
    skip = below or set()
    for pid in parents:
        chain, seen = pid, set()
        while chain in parents and chain not in seen and chain != me and chain not in skip:
            seen.add(chain)
            chain = parents[chain]
        if chain == me and pid != me and pid not in (allowed or set()):
            found.append(f"{pid} {lines[pid]}")
    return sorted(found)


def settled_descendants() -> list[str]:
    """:func:`descendants` once nothing is starting or ending (a runner of another test may be
    forking its ready sandbox just now): two looks 50 ms apart that agree, within a second."""
    seen = descendants()
    deadline = time.monotonic() + 1.0
    while time.monotonic() < deadline:
        time.sleep(0.05)
        now = descendants()
        if now == seen:
            break
        seen = now
    return seen


def left_behind(before: list[str], wait: float = 2.0) -> set[str]:
    """Processes below this test that were not there ``before``, after waiting up to ``wait``
    seconds for them to end (a supervisor that has reported is still removing its folder)."""
    deadline = time.monotonic() + wait
    while True:
        extra = set(descendants()) - set(before)
        if not extra or time.monotonic() >= deadline:
            return extra
        time.sleep(0.05)


def ready_sandbox(runner) -> int | None:
    """The supervisor of the sandbox a runner keeps ready for its next job (None: no such sandbox)."""
    prepared = getattr(runner, "prepared", None)
    return prepared.launched.resolve() if prepared is not None else None


def alive(pid: int) -> bool:
    """Whether a process runs (a zombie does not; one re-parented to this test is reaped here)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    if state == "Z":
        try:
            os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            pass
        return False
    return True


def sandbox_processes(worker_pid: int | None = None) -> list[str]:
    """Processes a run could have left: this session's descendants other than the warm worker."""
    return [line for line in descendants({worker_pid} if worker_pid else set()) if not line.startswith(f"{worker_pid} ")]


@pytest.fixture(scope="session", autouse=True)
def private_scratch(tmp_path_factory):
    """Runs of this session keep their scratch folders where no other program's can appear."""
    _subreaper()
    folder = Path(tempfile.mkdtemp(prefix="qala-tests-"))
    folder.chmod(0o755)
    before, tempfile.tempdir = tempfile.tempdir, str(folder)
    yield folder
    tempfile.tempdir = before
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def open_tmp():
    """A temporary folder user nobody can reach. Not pytest's tmp_path: any other pytest run on
    the machine resets /tmp/pytest-of-root to 0700, which would lock nobody out halfway."""
    path = Path(tempfile.mkdtemp(prefix="qala-nobody-"))
    path.chmod(0o755)
    yield path
    shutil.rmtree(path, ignore_errors=True)


def scratch_folders() -> set[str]:
    return {name for name in os.listdir(tempfile.gettempdir()) if name.startswith("qala-run-")}


@dataclass
class Arena:
    """One engine on the test course, with what must stay the same around a hostile check."""

    kind: str
    course: Path
    home: Path
    engine: Engine
    worker_pid: int | None
    outside: Path  # a folder outside the sandbox that hostile code tries to reach
    before: dict = field(default_factory=dict)
    exercise: str = "mean"

    def processes(self) -> tuple[int | None, list[str]]:
        """The runner's ready sandbox (waiting for the next job: see docs/SECURITY.md), and every
        other process below this test."""
        ready = ready_sandbox(self.engine.runner)
        return ready, descendants(below={ready} if ready else None)

    @property
    def datasets(self) -> Path:
        return self.course / "lessons" / "datasets"

    @property
    def lesson_file(self) -> Path:
        return self.course / "lessons" / "basics" / "city-air.md"

    @property
    def progress_file(self) -> Path:
        return self.home / "progress.sqlite"

    def snapshot(self) -> dict:
        progress = self.engine.progress_data()
        ready, processes = self.processes()
        return {
            "xp": progress.xp,
            "badges": dict(progress.badges),
            "attempts": len(progress.attempts),
            "datasets": sha_of_tree(self.datasets),
            "lesson": sha_of_tree(self.lesson_file.parent),
            "outside": sorted(p.name for p in self.outside.iterdir()),
            "scratch": scratch_folders(),
            "ready": ready,
            "ready_scratch": self.engine.runner.prepared.scratch.name if ready else None,
            "processes": processes,
        }

    def check(self, code: str, exercise: str = "mean"):
        """Grade ``code`` as a learner would (the second value is kept for the tests' signature:
        how long it took is never asserted; pytest-timeout stops a run that hangs)."""
        self.before = self.snapshot()
        self.exercise = exercise
        outcome = self.engine.check("city-air", exercise, code)
        return outcome, None

    def assert_harmless(self, outcome, elapsed=None, *, reason: str | None = None) -> None:
        """The promises of issue 4 for one hostile check."""
        assert not outcome.passed, [f.as_json() for f in outcome.grade.feedback]
        assert outcome.xp_gained == 0 and outcome.new_badges == ()
        assert all(f.message.strip() for f in outcome.grade.feedback), "a verdict without a sentence"
        assert "WORKED" not in outcome.grade.output, outcome.grade.output
        runs = next(f for f in outcome.grade.feedback if f.check == "runs")
        if reason is not None:
            assert reason in runs.message, runs.message
        after = self.snapshot()
        deadline = time.monotonic() + 2.0
        while not set(after["processes"]) <= set(self.before["processes"]) and time.monotonic() < deadline:
            time.sleep(0.05)
            after["processes"] = self.processes()[1]
        # Nothing new may be left; "before" may hold the previous run's supervisor, just exiting.
        assert set(after["processes"]) <= set(self.before["processes"]), "a process was left behind"
        if self.before["ready"] is not None:
            # The sandbox that was ready ran this check and is gone; the one ready now is new.
            assert after["ready"] != self.before["ready"] and not alive(self.before["ready"]), "a ready sandbox was used twice"
            assert self.before["ready_scratch"] not in after["scratch"]
        # Scratch folders: the same as before, but for the ready sandbox's (a new one replaced the old).
        expected = (self.before["scratch"] - {self.before["ready_scratch"]}) | ({after["ready_scratch"]} if after["ready"] else set())
        assert after["scratch"] == expected, "a scratch folder was left behind"
        assert after["datasets"] == self.before["datasets"], "the datasets changed"
        assert after["lesson"] == self.before["lesson"], "the lesson files changed"
        assert after["outside"] == self.before["outside"], "something was written outside the sandbox"
        assert after["xp"] == self.before["xp"] and after["badges"] == self.before["badges"]
        assert after["attempts"] == self.before["attempts"] + 1  # its own failed attempt, nothing else
        attempts = self.engine.attempts()
        assert not attempts[-1].passed and attempts[-1].xp == 0
        assert self.progress_file.is_file()
        # ...and the sandbox still works for an honest learner.
        honest = self.engine.check("city-air", self.exercise, SOLUTION if self.exercise == "mean" else BAND_SOLUTION)
        assert honest.passed, [f.as_json() for f in honest.grade.feedback]


@pytest.fixture(params=["warm", "oneshot"])
def arena(request, course, tmp_path) -> Arena:
    runner = request.getfixturevalue(f"{request.param}_runner")
    home = tmp_path / "home"
    outside = tmp_path / "outside"
    outside.mkdir()
    engine = Engine(course_root=course, home=home, language="en", runner=runner)
    lesson = engine.lesson("city-air")
    for exercise in lesson.exercises:
        engine.grader.reference(lesson, exercise)  # so a check runs the learner's code only
    worker_pid = runner.pid if isinstance(runner, WorkerRunner) else None
    yield Arena(request.param, course, home, engine, worker_pid, outside)
    engine.store.close()  # the runner is shared by the session
