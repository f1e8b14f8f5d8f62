"""Runners: where learner code runs. One small interface (``run(job)``, ``prepare(...)``,
``close()``), three homes.

- :class:`ProcessRunner` (CPython): a fresh interpreter per run, hardened as the supervisor and
  the walls describe (docs/SECURITY.md has the whole picture);
- :class:`~qala.grader.run.worker.WorkerRunner` (CPython): the same sandbox, forked from a warm
  worker that has pandas loaded already — what :func:`default_runner` gives from the second run on;
- :class:`InProcessRunner` (Pyodide, where there are no processes): the same code in this
  interpreter with a step budget instead of a timer.

All return a :class:`~qala.grader.run.jobs.RunResult` of plain, decoded evidence; the verdict is
always reached in the trusted process, never inside the sandbox.

``prepare(needs, datasets_dir)`` starts a sandbox before its job exists — its interpreter, the
modules the lesson needs, every wall — so that the next ``run`` only runs the code. A prepared
sandbox takes one job at most: it is used by the next run whose datasets and modules it has, and
thrown away otherwise (the warm worker's runner lets up to two wait, see worker.py); one that is
never used is taken down by ``close()`` or when the grader exits, and takes itself down (scratch
folder included) if the grader is killed.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from .jobs import Job, Runner, RunResult, decode_evidence
from .launch import ProcessRunner
from .supervisor import WARM_UP_NEVER


@dataclass
class InProcessRunner:
    """For Pyodide: run in this interpreter, stopping learner code after ``step_budget`` lines.

    It gives no protection beyond the step budget: the browser tab is the learner's own.
    """

    step_budget: int = 5_000_000

    def run(self, job: Job) -> RunResult:
        from .sandbox import execute

        cwd = os.getcwd()
        message = job.as_message()
        try:
            if job.datasets_dir is not None:
                os.chdir(Path(job.datasets_dir).parent)
            data = execute(message, step_budget=self.step_budget)
        finally:
            os.chdir(cwd)
        # The same trip as across a process boundary, so both runners give identical results.
        return decode_evidence(json.loads(json.dumps(data)), job.calls)

    def prepare(self, needs: tuple[str, ...] = (), datasets_dir: Path | None = None) -> None:
        pass  # nothing to start: runs happen in this interpreter

    def close(self) -> None:
        pass


def default_runner(warm: bool | None = None, one_at_a_time: bool = False, one_check: tuple[str, ...] | None = None, many_at_once: bool = False) -> Runner:
    """The runner for this platform.

    In Pyodide, the in-process runner. Elsewhere, a :class:`~qala.grader.run.worker.WorkerRunner`:
    its first two runs — one check: the learner's inputs and a hidden variant — are one-shot and
    the warm worker starts from the third run on — the terminal app, ``qala validate`` and
    ``qala report`` all get there at once. ``warm=True`` starts the worker now; ``warm=False``
    (or ``QALA_RUNNER=oneshot``) never does. ``one_at_a_time``: runs come one at a time (a
    learner's checks), so with two cores or more the sandbox kept ready for the next one warms
    up at once, on the core the current run leaves free.

    ``one_check``: the runner makes one check and ends (``qala check`` from the shell), for a
    lesson with these needs. If it needs what the worker imports (pandas), the worker starts at
    once and both runs of the check are forked from it, so pandas is imported once, not once per
    run; no sandbox is kept ready after them. A lesson that needs none of that keeps the two
    one-shot runs (a plain interpreter starts faster than the worker).

    ``many_at_once``: runs come side by side without a pause (``qala validate``, an
    import's self-test): the sandboxes kept ready never warm up while they wait, since that
    would take CPU time from the runs beside them (see supervisor._warm_while_waiting).
    """
    if sys.platform == "emscripten":
        return InProcessRunner()
    choice = os.environ.get("QALA_RUNNER", "").strip().lower()
    if warm is False or choice == "oneshot":
        return ProcessRunner()
    from .worker import LOADED, WorkerRunner

    if one_check is not None and set(one_check) & set(LOADED):
        return WorkerRunner(cold_runs=0, refill=False)
    # A check is two runs (the learner's inputs and a hidden variant, side by side): the first
    # check's both are one-shot, and the worker starts with the second check, as before variants.
    if many_at_once:
        warm_after: float | None = WARM_UP_NEVER
    else:
        warm_after = 0.0 if one_at_a_time and (os.cpu_count() or 1) >= 2 else None
    runner = WorkerRunner(warm_after=warm_after, cold_runs=2)
    if warm or choice == "warm":
        runner.warm_up()
    return runner
