"""One `qala check` from the shell: one warm worker, both runs of the check forked from it.

A check is two runs — the learner's code on the lesson's inputs and on a hidden variant — and
a cold check from the shell starts one interpreter that imports pandas once and forks a sandbox
for each (run/runners.py, ``default_runner(one_check=...)``). These tests show that nothing
else is started, that the variant really runs (a typed-in answer fails), that both runs keep
every wall, and that nothing of the check outlives it.
"""

from __future__ import annotations

import json
import subprocess
import textwrap

import pytest

from qala.grader import cli
from qala.grader.engine import Engine
from qala.grader.run.launch import ProcessRunner
from qala.grader.run.runners import default_runner
from qala.grader.run.worker import WorkerRunner
from tests.grader.run.conftest import SOLUTION, left_behind, scratch_folders, settled_descendants

LEARNERS = SOLUTION + "# my own answer\n"  # not byte-identical to the reference: it is run


@pytest.fixture
def started(monkeypatch) -> list[list[str]]:
    """Every process the grader starts (its command line), then started as asked."""
    found: list[list[str]] = []
    real_popen = subprocess.Popen

    class Popen(real_popen):
        def __init__(self, args, *rest, **kwargs):
            found.append([str(a) for a in args])
            super().__init__(args, *rest, **kwargs)

    monkeypatch.setattr(subprocess, "Popen", Popen)
    monkeypatch.delenv("QALA_RUNNER", raising=False)
    monkeypatch.delenv("QALA_VARIANTS", raising=False)
    return found


def check(course, home, code_file, capsys) -> tuple[int, dict]:
    argv = ["--course", str(course), "--home", str(home), "--lang", "en", "check", "city-air", "mean", str(code_file), "--json"]
    exit_code = cli.main(argv)
    return exit_code, json.loads(capsys.readouterr().out)


def test_the_runner_of_one_check_is_the_worker_without_refills():
    runner = default_runner(one_check=("pandas",))
    try:
        if not isinstance(runner, WorkerRunner):
            pytest.skip("no warm worker on this platform")
        assert runner.cold_runs == 0 and runner.refill is False
    finally:
        runner.close()
    # A lesson without pandas keeps the one-shot runs: a plain interpreter starts faster.
    plain = default_runner(one_check=())
    try:
        assert not (isinstance(plain, WorkerRunner) and plain.cold_runs == 0)
    finally:
        plain.close()


def test_both_runs_of_a_check_come_from_one_worker_and_nothing_outlives_it(course, open_tmp, started, capsys):
    code = open_tmp / "answer.py"
    code.write_text(LEARNERS)
    home = open_tmp / "home"
    before, scratch = settled_descendants(), scratch_folders()
    exit_code, verdict = check(course, home, code, capsys)
    assert exit_code == 0 and verdict["passed"] is True, verdict
    # One process started in all: the worker, whose forks ran the learner's inputs and the variant.
    assert [args[args.index("-m") + 1] for args in started] == ["qala.grader.run.worker"], started
    assert not left_behind(before, wait=5.0), "a process outlived the check"
    assert scratch_folders() == scratch, "a scratch folder outlived the check"


def test_the_hidden_variant_still_runs_so_a_typed_in_answer_fails(course, open_tmp, started, capsys):
    reference = Engine(course_root=course, home=open_tmp / "home", language="en", runner=ProcessRunner())
    lesson = reference.lesson("city-air")
    value = reference.grader.reference(lesson, lesson.exercise("mean")).values["mean_pm25"]
    started.clear()
    typed = open_tmp / "typed.py"
    typed.write_text(f"import pandas as pd\nair = pd.read_csv('datasets/air.csv')\nmean_pm25 = {value!r}\n")
    exit_code, verdict = check(course, open_tmp / "home", typed, capsys)
    assert exit_code == 1 and verdict["passed"] is False, verdict
    failed = [f for f in verdict["feedback"] if not f["passed"]]
    assert failed and all(f["message"].strip() for f in failed)
    assert [args[args.index("-m") + 1] for args in started] == ["qala.grader.run.worker"], started


def test_both_runs_keep_every_wall(course, open_tmp, started, capsys):
    """Code that gets the right answer only where every door is shut: it passes only if its
    run on the inputs and its run on the variant were both refused everything."""
    secret = open_tmp / "secret.txt"
    secret.write_text("48.3")
    marker = open_tmp / "was-here"
    tries = textwrap.dedent(
        f"""
        import socket, subprocess
        opened = []
        for name, action in [
            ("read outside", lambda: open({str(secret)!r}).read()),
            ("read the course", lambda: open({str(course / "course" / "course.toml")!r}).read()),
            ("write outside", lambda: open({str(marker)!r}, "w").write("x")),
            ("write the datasets", lambda: open("datasets/air.csv", "a").write("x")),
            ("subprocess", lambda: subprocess.run(["/usr/bin/touch", {str(marker)!r}])),
            ("network", lambda: socket.create_connection(("127.0.0.1", 9), timeout=1)),
        ]:
            try:
                action()
                opened.append(name)
            except BaseException:
                pass
        if opened:
            mean_pm25 = -1.0  # a wrong answer on whichever run got through
            print("WORKED:", opened)
        """
    )
    code = open_tmp / "answer.py"
    code.write_text(SOLUTION + tries)
    home = open_tmp / "home"
    exit_code, verdict = check(course, home, code, capsys)
    assert "WORKED" not in verdict["output"], verdict["output"]
    assert exit_code == 0 and verdict["passed"] is True, verdict  # so the variant's run got through nothing either
    assert not marker.exists()
    assert [args[args.index("-m") + 1] for args in started] == ["qala.grader.run.worker"], started


def test_the_sandbox_made_for_the_inputs_waits_for_them_while_the_variant_runs_first(course, open_tmp):
    """The two runs of a check start side by side: the variant's (other datasets) may reach the
    runner first. It runs in a fresh fork and leaves the sandbox made for the inputs to them;
    after both, nothing is kept ready."""
    import shutil

    from qala.grader.run.jobs import Job

    datasets = course / "lessons" / "datasets"
    variant = open_tmp / "variant" / "datasets"
    shutil.copytree(datasets, variant)
    runner = WorkerRunner(cold_runs=0, refill=False)
    try:
        runner.prepare(("pandas",), datasets)
        made = runner.prepared
        assert made is not None
        on_variant = runner.run(Job(source=SOLUTION, variables=("mean_pm25",), datasets_dir=variant, needs=("pandas",)))
        assert on_variant.ok and runner.prepared is made  # still there, for the inputs
        on_inputs = runner.run(Job(source=SOLUTION, variables=("mean_pm25",), datasets_dir=datasets, needs=("pandas",)))
        assert on_inputs.ok and on_inputs.values == on_variant.values
        assert runner.prepared is None and not made.scratch.exists()  # used, and no other made
    finally:
        runner.close()
