"""Runners: where learner code runs. One small interface (``run(job)``, ``close()``), three homes.

- :class:`ProcessRunner` (CPython): a fresh interpreter per run, hardened as sandbox.py and
  confine.py describe (docs/SECURITY.md has the whole picture);
- :class:`~qala.grader.worker.WorkerRunner` (CPython): the same sandbox, forked from a warm
  worker that has pandas loaded already — what :func:`default_runner` gives from the second run on;
- :class:`InProcessRunner` (Pyodide, where there are no processes): the same code in this
  interpreter with a step budget instead of a timer.

All return a :class:`RunResult` of plain, decoded evidence; the verdict is always reached here,
in the trusted process, never inside the sandbox.
"""

from __future__ import annotations

import json
import os
import selectors
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from . import evidence
from .errors import GradingError
from .sandbox import MAX_EVIDENCE_BYTES, REPORT_FD_ENV, STARTUP_SECONDS

MAX_RAW_OUTPUT = 64 * 1024  # bytes of output written past Python's print (kept for the teacher's detail)


@dataclass(frozen=True)
class Job:
    """What to run and what to bring back."""

    source: str
    setup: str = ""
    variables: tuple[str, ...] = ()
    calls: tuple[str, ...] = ()
    datasets_dir: Path | None = None
    needs: tuple[str, ...] = ()  # modules worth importing before the clock starts (e.g. pandas)
    timeout: float = 10.0

    def as_message(self) -> dict:
        return {"source": self.source, "setup": self.setup, "variables": list(self.variables), "calls": list(self.calls), "preload": list(self.needs)}


@dataclass(frozen=True)
class RunError:
    type: str
    message: str
    line: int | None
    text: str


@dataclass(frozen=True)
class CallResult:
    value: Any = None
    error: RunError | None = None


@dataclass
class RunResult:
    """Decoded evidence. status: ok, error, timeout, memory, killed, setup_error, crashed."""

    status: str
    error: RunError | None = None
    values: dict[str, Any] = field(default_factory=dict)
    calls: list[CallResult] = field(default_factory=list)
    stdout: str = ""
    stdout_dropped: int = 0
    duration_ms: int = 0
    detail: str = ""  # for the teacher/developer: what the runner saw (never shown as a verdict)
    raw: dict | None = None  # the evidence as received, for the reference cache
    walls: dict | None = None  # the sandbox walls that held around this run (see docs/SECURITY.md)

    @property
    def ok(self) -> bool:
        return self.status == "ok"


MISSING = object()


def decode_evidence(data: Any) -> RunResult:
    """Build a RunResult from what the sandbox sent; anything malformed becomes status 'crashed'."""
    try:
        if type(data) is not dict:
            raise evidence.BadEvidence("not an object")
        status = data.get("status")
        if status not in ("ok", "error", "timeout", "setup_error"):
            raise evidence.BadEvidence(f"unknown status {status!r}")
        values = {}
        raw_values = data.get("values", {})
        if type(raw_values) is not dict:
            raise evidence.BadEvidence("values")
        for name, value in raw_values.items():
            values[str(name)] = evidence.decode(value)
        calls = []
        for item in data.get("calls", []):
            if type(item) is not dict:
                raise evidence.BadEvidence("calls")
            if "ok" in item:
                calls.append(CallResult(value=evidence.decode(item["ok"])))
            else:
                calls.append(CallResult(error=_error(item.get("error"))))
        stdout = data.get("stdout", "")
        if type(stdout) is not str:
            raise evidence.BadEvidence("stdout")
        return RunResult(
            status=status,
            error=_error(data.get("error")) if data.get("error") else None,
            values=values,
            calls=calls,
            stdout=stdout,
            stdout_dropped=int(data.get("stdout_dropped", 0)),
            duration_ms=int(data.get("duration_ms", 0)),
            raw=data,
        )
    except (evidence.BadEvidence, TypeError, ValueError, AttributeError) as exc:
        return RunResult(status="crashed", detail=f"unreadable evidence: {exc}")


def _error(data: Any) -> RunError:
    if type(data) is not dict:
        raise evidence.BadEvidence("error")
    line = data.get("line")
    return RunError(
        type=str(data.get("type", "Error"))[:100],
        message=str(data.get("message", ""))[:500],
        line=line if type(line) is int else None,
        text=str(data.get("text", ""))[:200],
    )


class Runner(Protocol):
    def run(self, job: Job) -> RunResult: ...

    def close(self) -> None: ...


# ---------------------------------------------------------------- CPython: a supervised child process


@dataclass(frozen=True)
class _Launch:
    """A started sandbox supervisor: its process id (and process group), and how to wait for it."""

    pid: int
    wait: Any  # () -> None: reap it (or let the worker do so)


def sandbox_job(job: Job, scratch: Path, memory_bytes: int, file_bytes: int, skip_walls: tuple[str, ...] = ()) -> dict:
    """The message the sandbox supervisor reads: the job plus where and under which limits to run it."""
    datasets = str(Path(job.datasets_dir).resolve()) if job.datasets_dir is not None and Path(job.datasets_dir).is_dir() else None
    hide = []
    if datasets:
        lessons = Path(datasets).parent
        hide = [str(lessons), str(lessons.parent / "course")]
    return job.as_message() | {
        "scratch": str(scratch),
        "datasets": datasets,
        "hide": hide,
        "timeout": job.timeout,
        "limits": {"memory_bytes": memory_bytes, "file_bytes": file_bytes},
        "skip_walls": list(skip_walls),
    }


def run_supervised(job: Job, launch, memory_bytes: int, file_bytes: int, skip_walls: tuple[str, ...] = ()) -> RunResult:
    """One run through a sandbox supervisor started by ``launch(job_r, report_w, output_w) -> _Launch``.

    The scratch folder, the pipes and the deadline live here; the supervisor does the rest.
    Whatever happens, the folder is removed and no process of the run is left when this returns.
    """
    scratch = Path(tempfile.mkdtemp(prefix="qala-run-"))
    os.chmod(scratch, 0o755)
    fds: list[int] = []
    try:
        job_r, job_w = os.pipe()
        report_r, report_w = os.pipe()
        output_r, output_w = os.pipe()
        fds = [job_r, job_w, report_r, report_w, output_r, output_w]
        message = json.dumps(sandbox_job(job, scratch, memory_bytes, file_bytes, skip_walls)).encode("utf-8")
        try:
            launched = launch(job_r, report_w, output_w)
        finally:
            for fd in (job_r, report_w, output_w):
                os.close(fd)
                fds.remove(fd)
        # The supervisor reports on its own clock; this deadline is only the backstop for a
        # supervisor that cannot (the machine stalls, or something outside Qala kills it).
        deadline = time.monotonic() + STARTUP_SECONDS + job.timeout + 5.0
        report, output, timed_out = _collect(job_w, message, report_r, output_r, deadline)
        fds = [fd for fd in fds if fd not in (job_w, report_r, output_r)]
        if timed_out:
            _kill_group(launched.pid)
        launched.wait()
        if timed_out:
            return RunResult(status="timeout", detail="the sandbox did not report in time")
        return _result_from_report(report, output)
    finally:
        for fd in fds:
            try:
                os.close(fd)
            except OSError:
                pass
        _remove(scratch)


def _collect(job_w: int, message: bytes, report_r: int, output_r: int, deadline: float) -> tuple[bytes, bytes, bool]:
    """Write the job, read the report and the raw output until the report closes or time runs out."""
    selector = selectors.DefaultSelector()
    os.set_blocking(job_w, False)
    selector.register(job_w, selectors.EVENT_WRITE, "job")
    selector.register(report_r, selectors.EVENT_READ, "report")
    selector.register(output_r, selectors.EVENT_READ, "output")
    report: list[bytes] = []
    output: list[bytes] = []
    sizes = {"report": 0, "output": 0}
    pending = memoryview(message)
    report_open = True
    timed_out = False
    try:
        while report_open:
            left = deadline - time.monotonic()
            if left <= 0:
                timed_out = True
                break
            for key, _ in selector.select(timeout=min(left, 1.0)):
                if key.data == "job":
                    try:
                        pending = pending[os.write(job_w, pending[:65536]) :]
                    except (BrokenPipeError, BlockingIOError) as exc:
                        if isinstance(exc, BrokenPipeError):
                            pending = pending[:0]
                    if not pending:
                        selector.unregister(job_w)
                        os.close(job_w)
                        job_w = -1
                    continue
                data = os.read(key.fd, 65536)
                if not data:
                    selector.unregister(key.fd)
                    if key.data == "report":
                        report_open = False
                    continue
                sizes[key.data] += len(data)
                if key.data == "report":
                    if sizes["report"] <= MAX_EVIDENCE_BYTES + 65536:
                        report.append(data)
                elif sizes["output"] <= MAX_RAW_OUTPUT:
                    output.append(data)  # beyond that, learner output is read and dropped
        # A little more of the raw output, for the teacher's detail; never waited on for long.
        end = time.monotonic() + 0.05
        while not timed_out and time.monotonic() < end and any(k.data == "output" for k in selector.get_map().values()):
            events = selector.select(timeout=max(0.0, end - time.monotonic()))
            if not events:
                break
            for key, _ in events:
                if key.data != "output":
                    selector.unregister(key.fd)
                    continue
                data = os.read(key.fd, 65536)
                if not data:
                    selector.unregister(key.fd)
                elif sum(len(o) for o in output) <= MAX_RAW_OUTPUT:
                    output.append(data)
    finally:
        selector.close()
        for fd in (job_w, report_r, output_r):
            if fd >= 0:
                try:
                    os.close(fd)
                except OSError:
                    pass
    return b"".join(report), b"".join(output), timed_out


def _strict_json(data: bytes) -> Any:
    """JSON as plain data: no NaN or Infinity literals, nothing but str/int/float/bool/None/list/dict."""

    def refuse(name: str) -> Any:
        raise ValueError(f"{name} is not allowed in evidence")

    return json.loads(data.decode("utf-8"), parse_constant=refuse)


def _result_from_report(report: bytes, output: bytes) -> RunResult:
    """The supervisor's report (trusted envelope) and the learner process's evidence (a claim)."""
    text = output.decode("utf-8", "replace")
    # The report's header comes from the supervisor, which runs no learner code, and nothing of
    # the learner's runs before the supervisor has heard "ready": if the header is missing or
    # says the sandbox failed, the runner failed — that is never the learner's verdict.
    if len(report) < 4:
        raise GradingError(f"the sandbox ended without a report: {text[-300:].strip() or 'no output'}")
    size = int.from_bytes(report[:4], "big")
    try:
        header = json.loads(report[4 : 4 + size].decode("utf-8"))
        if type(header) is not dict:
            raise ValueError("not an object")
    except (ValueError, UnicodeDecodeError) as exc:
        raise GradingError(f"the sandbox's report is unreadable: {exc}") from None
    body = report[4 + size :]
    walls = header.get("walls") if type(header.get("walls")) is dict else None
    duration = int(header.get("wall_ms") or 0)

    def result(status: str, detail: str = "", **extra) -> RunResult:
        return RunResult(status=status, detail=detail, duration_ms=duration, walls=walls, **extra)

    exit_code = header.get("exit")
    if header.get("failure"):
        raise GradingError(f"the sandbox failed: {header['failure']}")
    if header.get("timed_out"):
        return result("timeout", "wall-clock limit")
    if header.get("startup_timeout") or not header.get("ready"):
        raise GradingError(f"the sandbox did not get ready to run the code (exit {exit_code}): {text[-300:].strip()}")
    setup = header.get("setup")
    if type(setup) is dict and setup.get("error"):
        try:
            return result("setup_error", "the lesson's setup code failed", error=_error(setup["error"]))
        except evidence.BadEvidence:
            return result("crashed", "unreadable setup report")
    if header.get("overflow"):
        return result("crashed", "evidence larger than allowed")
    if exit_code == -signal.SIGXCPU or (exit_code == -signal.SIGKILL and header.get("cpu_exceeded")):
        return result("timeout", f"CPU limit (signal {-exit_code})")
    if exit_code == -signal.SIGKILL:  # not the supervisor, not the CPU limit: the kernel's out-of-memory killer
        return result("memory", "killed by the system, most likely for lack of memory")
    if header.get("garbled"):
        return result("crashed", "the evidence was not in Qala's format (tampered with?)")
    if not body or exit_code != 0:
        status = "memory" if "MemoryError" in text else "killed"
        return result(status, f"exit {exit_code} without evidence: {text[-500:]}")
    try:
        data = _strict_json(body)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        return result("crashed", f"evidence is not plain JSON: {str(exc)[:200]}")
    run = decode_evidence(data)
    if run.status == "setup_error":  # the setup went fine (the supervisor saw it): a forgery
        return result("crashed", "the evidence claims a setup error the supervisor did not see")
    run.duration_ms = duration
    run.walls = walls
    return run


def _kill_group(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _remove(scratch: Path) -> None:
    """Remove a run's scratch folder, whatever the learner did to its permissions."""

    def retry(function, path, _exc_info):
        try:
            os.chmod(os.path.dirname(path), 0o700)
            os.chmod(path, 0o700)
            function(path)
        except OSError:
            pass

    shutil.rmtree(scratch, onerror=retry)


def sandbox_env() -> dict[str, str]:
    """The environment a sandbox supervisor starts with: nothing of the user's but PATH."""
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "LANG": "C.UTF-8",
        "PYTHONIOENCODING": "utf-8",
        "PYTHONHASHSEED": "0",
        "PYTHONDONTWRITEBYTECODE": "1",
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "NUMEXPR_NUM_THREADS": "1",
        "MPLBACKEND": "Agg",
    }


@dataclass
class ProcessRunner:
    """Each run in a fresh interpreter: ``python -I -m qala.grader.sandbox``, its own session,
    then the supervisor and the learner's process described in sandbox.py. Cheapest for one
    check from the shell; the warm worker (worker.py) is faster for the second check onwards."""

    memory_bytes: int = 2 * 1024**3
    file_bytes: int = 10 * 1024**2
    python: str = sys.executable
    skip_walls: tuple[str, ...] = ()  # for tests that prove each wall alone: "namespaces", "seccomp", "audit-hook"

    def run(self, job: Job) -> RunResult:
        return run_supervised(job, self._launch, self.memory_bytes, self.file_bytes, self.skip_walls)

    def _launch(self, job_r: int, report_w: int, output_w: int) -> _Launch:
        env = sandbox_env() | {REPORT_FD_ENV: str(report_w)}
        try:
            child = subprocess.Popen(
                [self.python, "-I", "-X", "utf8", "-m", "qala.grader.sandbox"],
                stdin=job_r,
                stdout=output_w,
                stderr=output_w,
                cwd="/",
                env=env,
                pass_fds=(report_w,),
                start_new_session=True,
            )
        except OSError as exc:
            raise GradingError(f"could not start Python to run the code: {exc}") from exc
        return _Launch(child.pid, child.wait)

    def close(self) -> None:
        pass


# ---------------------------------------------------------------- Pyodide: in this interpreter


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
        return decode_evidence(json.loads(json.dumps(data)))

    def close(self) -> None:
        pass


def default_runner(warm: bool | None = None) -> Runner:
    """The runner for this platform.

    In Pyodide, the in-process runner. Elsewhere, a :class:`~qala.grader.worker.WorkerRunner`:
    its first run is one-shot (a single ``qala check`` from the shell is fastest that way) and
    the warm worker starts from the second run on — the terminal app, ``qala validate`` and
    ``qala report`` all get there at once. ``warm=True`` starts the worker now; ``warm=False``
    (or ``QALA_RUNNER=oneshot``) never does.
    """
    if sys.platform == "emscripten":
        return InProcessRunner()
    choice = os.environ.get("QALA_RUNNER", "").strip().lower()
    if warm is False or choice == "oneshot":
        return ProcessRunner()
    from .worker import WorkerRunner

    runner = WorkerRunner()
    if warm or choice == "warm":
        runner.warm_up()
    return runner
