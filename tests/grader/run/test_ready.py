"""Sandboxes started ahead of their job: walled before any code exists, used once, never left behind.

A runner keeps a sandbox *ready* (docs/SECURITY.md, "Ready sandboxes"): the warm worker's runner
forks the next one as soon as a job is handed over, and ``prepare()`` starts one on request (``qala check`` does so
before it reads the course). These tests show that such a sandbox has every wall up while it
waits, runs exactly one job and is replaced, is never used for a job it does not fit, and leaves
no process and no folder when the grader closes, exits or is killed.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from qala.grader import cli
from qala.grader.content.course_file import lesson_needs
from qala.grader.run.jobs import Job
from qala.grader.run.launch import ProcessRunner
from qala.grader.run.worker import WorkerRunner
from tests.grader.run.conftest import SOLUTION, alive, left_behind, ready_sandbox, scratch_folders, settled_descendants


def children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            if int(stat[stat.rindex(")") + 2 :].split()[1]) == pid:
                found.append(int(entry))
    return found


def status(pid: int) -> dict[str, str]:
    lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    return {line.split(":", 1)[0]: line.split(":", 1)[1].strip() for line in lines}


def waiting_learner(supervisor: int, seconds: float = 30.0) -> int:
    """The learner's process of a ready sandbox, once its walls are up (seccomp is the last)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for pid in children(supervisor):
            try:
                if status(pid).get("Seccomp") == "2":
                    return pid
            except OSError:
                pass
        time.sleep(0.02)
    raise AssertionError(f"the ready sandbox {supervisor} did not get its walls up")


def air_job(course: Path, source: str = SOLUTION, **kwargs) -> Job:
    return Job(source=source, variables=("mean_pm25",), datasets_dir=course / "lessons" / "datasets", needs=("pandas",), **kwargs)


def settle(runner, course: Path) -> int:
    """Run one job so the runner has a ready sandbox for the course, and return its supervisor."""
    assert runner.run(air_job(course, "mean_pm25 = 1.0")).ok
    return ready_sandbox(runner)


@pytest.fixture
def runner(course):
    runner = WorkerRunner(cold_runs=0, datasets_dir=course / "lessons" / "datasets")
    runner.warm_up()
    yield runner
    runner.close()


def test_a_ready_sandbox_waits_with_every_wall_up_and_no_code_in_it(course, runner):
    marker = "QALA-SECRET-" + os.urandom(8).hex()
    assert runner.run(air_job(course, SOLUTION + f"\nsecret = {marker!r}.lower()\n")).ok
    supervisor = ready_sandbox(runner)
    learner = waiting_learner(supervisor)
    walls = status(learner)
    assert walls["Seccomp"] == "2" and walls["NoNewPrivs"] == "1" and int(walls["CapEff"], 16) == 0
    assert walls["NSpid"].split()[-1] == "1"  # the first process of its own PID namespace
    if os.geteuid() != 0:
        return
    assert walls["Uid"].split() == ["65534"] * 4
    assert os.readlink(f"/proc/{learner}/root") == str(runner.prepared.scratch)  # already inside its view
    needle = marker.encode()
    for pid in (supervisor, learner):  # forked from the worker, which never held the last job
        with open(f"/proc/{pid}/maps") as maps, open(f"/proc/{pid}/mem", "rb", 0) as mem:
            for line in maps:
                span, perms = line.split()[:2]
                start, end = (int(x, 16) for x in span.split("-"))
                if not perms.startswith("r") or end - start > 1 << 30:
                    continue
                try:
                    mem.seek(start)
                    assert needle not in mem.read(end - start), f"a ready sandbox holds the last job's code ({line.strip()})"
                except OSError:
                    continue


def test_a_ready_sandbox_runs_one_job_then_a_new_one_is_ready(course, runner):
    for job in (air_job(course, "import time\ntime.sleep(0.4)\n" + SOLUTION), air_job(course, "while True: pass", timeout=1)):
        supervisor = settle(runner, course)
        learner = waiting_learner(supervisor)
        folder = runner.prepared.scratch.name
        seen: dict[str, set] = {}
        folders, worker_children = scratch_folders(), set(children(runner.pid))

        def look(seen: dict[str, set] = seen, worker_children: set = worker_children) -> None:
            time.sleep(0.2)
            seen["during"] = scratch_folders()
            seen["forked"] = set(children(runner.pid)) - worker_children

        looking = threading.Thread(target=look)
        looking.start()
        result = runner.run(job)
        looking.join()
        assert result.ok if "sleep" in job.source else result.status == "timeout"
        # The job ran in the sandbox that was waiting; the only other one is the next, which
        # started to get ready as soon as the job was handed over.
        following = ready_sandbox(runner)
        assert following not in (None, supervisor) and runner.prepared.scratch.name != folder
        assert folder in seen["during"] and seen["during"] - folders == {runner.prepared.scratch.name}
        assert seen["forked"] == {following}
        deadline = time.monotonic() + 2
        while (alive(supervisor) or alive(learner)) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert not alive(supervisor) and not alive(learner), "a used sandbox is still there"
        assert folder not in scratch_folders()
    honest = runner.run(air_job(course))  # the sandbox that replaced the one a limit hit
    assert honest.ok and isinstance(honest.values["mean_pm25"], float)


def test_a_ready_sandbox_is_not_used_for_a_job_it_does_not_fit(course, runner, tmp_path):
    """A job for other datasets (a hidden variant's) or other modules gets a sandbox of its own;
    the one that did not fit waits for a job it fits, until ``keep_ready`` newer ones push it out."""
    other = tmp_path / "lessons" / "datasets"
    other.mkdir(parents=True)
    (other / "air.csv").write_text("pm25\n1.0\n3.0\n")
    for_course = settle(runner, course)
    on_other = Job(
        source="import pandas as pd\nmean_pm25 = float(pd.read_csv('datasets/air.csv')['pm25'].mean())",
        variables=("mean_pm25",),
        datasets_dir=other,
        needs=("pandas",),
    )
    result = runner.run(on_other)
    assert result.ok and result.values["mean_pm25"] == 2.0  # not the course's air.csv: a sandbox that fits
    assert alive(for_course), "the course's ready sandbox was thrown away"
    for_other = ready_sandbox(runner)
    assert for_other not in (None, for_course)
    result = runner.run(air_job(course))  # the course's sandbox takes it, the other one keeps waiting
    assert result.ok and result.values["mean_pm25"] != 2.0
    deadline = time.monotonic() + 2
    while alive(for_course) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not alive(for_course), "a used sandbox is still there"
    assert alive(for_other)
    # A module neither loaded: a third kind of sandbox, and the oldest waiting one goes (keep_ready = 2).
    result = runner.run(Job(source="import decimal\nmean_pm25 = float(decimal.Decimal('2.5'))", variables=("mean_pm25",), needs=("decimal",)))
    assert result.ok and result.values["mean_pm25"] == 2.5
    deadline = time.monotonic() + 2
    while alive(for_other) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not alive(for_other), "more sandboxes wait than keep_ready allows"
    assert len(runner._waiting) == runner.keep_ready


def test_no_sandbox_is_started_ahead_where_the_private_view_is_missing(course):
    runner = WorkerRunner(cold_runs=0, skip_walls=("namespaces",))
    try:
        result = runner.run(air_job(course))
        assert result.ok and "namespaces" not in result.walls["held"]
        assert runner.prepared is None
        assert runner.run(air_job(course)).ok and runner.prepared is None
    finally:
        runner.close()


@pytest.mark.parametrize("kind", ["warm", "oneshot"])
@pytest.mark.parametrize("ending", ["close", "exit", "kill"])
def test_a_prepared_sandbox_leaves_nothing_behind(course, open_tmp, kind, ending):
    """Closed, at the grader's normal exit, or with the grader killed (kill -9): once the
    prepared sandbox is fully up, nothing of it outlives the grader."""
    runner = "WorkerRunner(cold_runs=0)" if kind == "warm" else "ProcessRunner()"
    script = textwrap.dedent(
        f"""
        import sys, time
        from pathlib import Path
        from qala.grader.run.launch import ProcessRunner
        from qala.grader.run.worker import WorkerRunner
        runner = {runner}
        runner.prepare(needs=("pandas",), datasets_dir=Path({str(course / "lessons" / "datasets")!r}))
        print(runner.prepared.launched.resolve(), runner.prepared.scratch, flush=True)
        sys.stdin.readline()
        if {ending!r} == "close":
            runner.close()
            print("closed", flush=True)
        if {ending!r} == "kill":
            time.sleep(60)
        """
    )
    before = settled_descendants()
    scratch = open_tmp / "scratch"
    scratch.mkdir()
    scratch.chmod(0o755)
    grader = subprocess.Popen(
        [sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=os.environ | {"TMPDIR": str(scratch)}
    )
    try:
        supervisor, folder = grader.stdout.readline().split()
        learner = waiting_learner(int(supervisor))
        assert Path(folder).parent == scratch and Path(folder).is_dir()
        if ending == "kill":
            grader.kill()
        else:
            grader.stdin.write("go\n")
            grader.stdin.flush()
            if ending == "close":
                assert grader.stdout.readline().strip() == "closed"
                # close() returns once it is all gone
                assert not alive(int(supervisor)) and not alive(learner) and not Path(folder).exists()
        grader.wait(timeout=30)
        if ending == "exit":  # the grader's own exit took it down
            assert not alive(int(supervisor)) and not alive(learner) and not Path(folder).exists()
    finally:
        if grader.poll() is None:
            grader.kill()
            grader.wait()
    assert not left_behind(before, wait=5.0), "a process outlived its grader"
    assert list(scratch.iterdir()) == [], "a scratch folder outlived its grader"


def test_qala_check_starts_its_sandbox_before_it_reads_the_course(course, open_tmp, monkeypatch, capsys):
    """From the shell, the worker of the check is started first (its Python and pandas get
    ready, and the sandbox forked from it puts its walls up, while the course is read); the
    code then runs in that sandbox. Nothing else is started: no second interpreter."""
    import qala.grader.content.course_cache as engine_module

    events: list[str] = []
    real_popen, real_load = subprocess.Popen, engine_module.load_course

    class Popen(real_popen):  # records what is started, then starts it
        def __init__(self, args, *rest, **kwargs):
            events.append("start " + " ".join(str(a) for a in args[args.index("-m") :]))
            super().__init__(args, *rest, **kwargs)

    def load_course(*args, **kwargs):
        events.append("read the course")
        return real_load(*args, **kwargs)

    monkeypatch.setattr(subprocess, "Popen", Popen)
    monkeypatch.setattr(engine_module, "load_course", load_course)
    monkeypatch.delenv("QALA_RUNNER", raising=False)
    code = open_tmp / "answer.py"
    code.write_text(SOLUTION.strip())  # the reference solution itself: one run in all
    before = scratch_folders()
    exit_code = cli.main(["--course", str(course), "--home", str(open_tmp / "home"), "--lang", "en", "check", "city-air", "mean", str(code), "--json"])
    verdict = json.loads(capsys.readouterr().out)
    assert exit_code == 0 and verdict["passed"] is True, verdict
    assert [e.split()[:3] for e in events] == [["start", "-m", "qala.grader.run.worker"], ["read", "the", "course"]], events
    assert scratch_folders() == before


def prepare_for_lesson(runner, course, lesson_id):
    """As `qala check` does before it reads the course: the lesson's needs from its front matter."""
    if (found := lesson_needs(course, lesson_id)) is not None:
        runner.prepare(*found)


def test_prepare_for_lesson_reads_only_what_it_needs(course, tmp_path):
    runner = ProcessRunner()
    try:
        assert lesson_needs(course, "no-such-lesson") is None
        prepare_for_lesson(runner, course, "no-such-lesson")
        assert runner.prepared is None  # nothing started: the engine will say what is wrong
        prepare_for_lesson(runner, course, "city-air")
        prepared = runner.prepared
        assert prepared is not None and prepared.loaded == {"pandas"}
        assert prepared.datasets == str((course / "lessons" / "datasets").resolve())
        result = runner.run(air_job(course))
        assert result.ok and runner.prepared is None and not prepared.scratch.exists()
    finally:
        runner.close()


def test_the_engines_check_runs_in_the_prepared_sandbox(course, tmp_path):
    from qala.grader.engine import Engine

    engine = Engine(course_root=course, home=tmp_path / "home", language="en", runner=ProcessRunner())
    try:
        prepare_for_lesson(engine.runner, course, "city-air")
        prepared = engine.runner.prepared
        assert prepared is not None and prepared.loaded == {"pandas"}
        assert engine.check("city-air", "mean", SOLUTION + "\n# mine\n").passed  # the reference's run, then the learner's
        assert engine.runner.prepared is None and not prepared.scratch.exists()
    finally:
        engine.close()


def cpu_ticks(pid: int) -> int:
    """User and system CPU time a process has used, in clock ticks."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def test_a_ready_sandbox_warms_up_at_once_only_when_told(course):
    """A learner's checks come one at a time, so the engine's runner has the ready sandbox warm
    pandas up at once (on the core the current run leaves free); a regrade's keeps it idle until
    it has waited a while, so that its warm-up never takes CPU from the runs beside it."""
    from qala.grader.engine import Engine

    spent = {}
    for after in (0.0, 60.0):
        runner = WorkerRunner(cold_runs=0, warm_after=after, datasets_dir=course / "lessons" / "datasets")
        try:
            runner.warm_up()
            supervisor = ready_sandbox(runner)
            assert supervisor is not None
            deadline = time.monotonic() + 30
            while not children(supervisor) and time.monotonic() < deadline:
                time.sleep(0.05)
            learner = children(supervisor)[0]
            time.sleep(1.0)  # walls up, and a warm-up (if any) done
            settled = cpu_ticks(learner)
            time.sleep(1.0)
            spent[after] = (settled, cpu_ticks(learner) - settled)
        finally:
            runner.close()
    (warmed, _), (idle, idle_later) = spent[0.0], spent[60.0]
    assert idle_later == 0, spent  # waiting for its job, it uses no CPU at all
    assert warmed > idle, spent  # the warm-up: pandas operations, some 20–30 ms (ticks of 10 ms)
    engine = Engine(course_root=course, language="en")
    try:
        if isinstance(engine.runner, WorkerRunner):
            assert engine.runner.warm_after == (0.0 if (os.cpu_count() or 1) >= 2 else None)
    finally:
        engine.close()


def test_a_ready_sandbox_that_died_before_its_job_is_replaced_by_a_fresh_one(course):
    """Its learner's process is killed while it waits: nothing of the job ran, so the job runs in a
    fresh sandbox, once, and passes (no file is written anywhere on the way)."""
    runner = ProcessRunner()
    try:
        runner.prepare(("pandas",), course / "lessons" / "datasets")
        supervisor = ready_sandbox(runner)
        os.kill(waiting_learner(supervisor), signal.SIGKILL)
        result = runner.run(air_job(course))
        assert result.ok and result.values["mean_pm25"] > 0, (result.status, result.detail)
    finally:
        runner.close()


def _cpu_ticks(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


def test_a_ready_sandbox_warms_up_for_a_learner_but_not_when_many_checks_come_at_once(course):
    """A learner's next check finds its sandbox warmed up (pandas' first steps taken while nobody
    waits); for `qala validate` and a regrade (``many_at_once``) every core is busy with runs, so a
    waiting sandbox takes no CPU time from them."""
    from qala.grader.run.runners import default_runner

    spent = {}
    for name, made in (("learner", lambda: default_runner(one_at_a_time=True)), ("many", lambda: default_runner(many_at_once=True))):
        runner = made()
        try:
            runner.warm_up()
            for _ in range(3):  # past the one-shot runs: the worker keeps a sandbox ready
                assert runner.run(air_job(course)).ok
            learner = waiting_learner(ready_sandbox(runner))
            before = _cpu_ticks(learner)
            time.sleep(1.5)
            spent[name] = _cpu_ticks(learner) - before
        finally:
            runner.close()
    ticks = os.sysconf("SC_CLK_TCK")
    assert spent["learner"] >= ticks * 0.02, spent  # the warm-up's pandas steps ran (~50 ms idle here)
    assert spent["many"] <= ticks * 0.01, spent  # it only waited
