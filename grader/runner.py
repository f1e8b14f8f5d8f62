"""Runners: where learner code runs. One small interface, two homes.

- :class:`ProcessRunner` (CPython): a separate, resource-limited child process per run;
  the hardened sandbox builds on it.
- :class:`InProcessRunner` (Pyodide, where there are no processes): the same code in this
  interpreter with a step budget instead of a timer.

Both return a :class:`RunResult` of plain, decoded evidence.
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

MAX_EVIDENCE_BYTES = 32 * 1024 * 1024
MAX_RAW_OUTPUT = 64 * 1024


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


# ---------------------------------------------------------------- CPython: a child process


def _limit_child(memory_bytes: int, cpu_seconds: int, file_bytes: int) -> None:
    """Runs in the child between fork and exec: its own process group and resource limits."""
    import resource

    os.setsid()
    for limit, value in (
        (resource.RLIMIT_AS, memory_bytes),
        (resource.RLIMIT_CPU, cpu_seconds),
        (resource.RLIMIT_FSIZE, file_bytes),
        (resource.RLIMIT_CORE, 0),
    ):
        try:
            resource.setrlimit(limit, (value, value))
        except (ValueError, OSError):
            pass


@dataclass
class ProcessRunner:
    """Each run in a fresh child process with its own process group, limits and scratch folder."""

    memory_bytes: int = 2 * 1024**3
    file_bytes: int = 10 * 1024**2
    python: str = sys.executable

    def run(self, job: Job) -> RunResult:
        scratch = Path(tempfile.mkdtemp(prefix="qala-run-"))
        try:
            if job.datasets_dir is not None and Path(job.datasets_dir).is_dir():
                os.symlink(Path(job.datasets_dir).resolve(), scratch / "datasets")
            return self._run_in(job, scratch)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)

    def _run_in(self, job: Job, scratch: Path) -> RunResult:
        read_fd, write_fd = os.pipe()
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(scratch),
            "TMPDIR": str(scratch),
            "LANG": "C.UTF-8",
            "PYTHONIOENCODING": "utf-8",
            "PYTHONHASHSEED": "0",
            "OPENBLAS_NUM_THREADS": "1",
            "OMP_NUM_THREADS": "1",
            "MPLBACKEND": "Agg",
            "QALA_EVIDENCE_FD": str(write_fd),
        }
        cpu = int(job.timeout) + 2
        started = time.monotonic()
        try:
            child = subprocess.Popen(
                [self.python, "-I", "-X", "utf8", "-m", "qala.grader.sandbox"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                cwd=scratch,
                env=env,
                pass_fds=(write_fd,),
                preexec_fn=lambda: _limit_child(self.memory_bytes, cpu, self.file_bytes),
            )
        except OSError as exc:
            os.close(read_fd)
            os.close(write_fd)
            raise GradingError(f"could not start Python to run the code: {exc}") from exc
        os.close(write_fd)
        message = job.as_message() | {"cwd": str(scratch)}
        try:
            child.stdin.write(json.dumps(message).encode("utf-8"))
            child.stdin.close()
        except BrokenPipeError:
            pass
        # The clock for the learner starts once the interpreter (and pandas, when preloaded) is up;
        # allow for that start-up on a slow machine.
        deadline = started + job.timeout + (8.0 if job.needs else 3.0)
        evidence_bytes, raw_output, timed_out, overflow = _collect(child, read_fd, deadline)
        if timed_out or overflow:
            _kill_group(child)
        returncode = child.wait()
        if timed_out:
            return RunResult(status="timeout", detail="wall-clock limit")
        if overflow:
            return RunResult(status="crashed", detail="evidence larger than allowed")
        if returncode < 0 and -returncode in (signal.SIGXCPU, signal.SIGKILL):
            return RunResult(status="timeout", detail=f"signal {-returncode}")
        if not evidence_bytes:
            text = raw_output.decode("utf-8", "replace")
            status = "memory" if "MemoryError" in text else "killed"
            return RunResult(status=status, detail=f"exit {returncode}: {text[-500:]}")
        try:
            data = json.loads(evidence_bytes.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            return RunResult(status="crashed", detail=f"evidence is not JSON: {exc}")
        return decode_evidence(data)

    def close(self) -> None:
        pass


def _collect(child: subprocess.Popen, evidence_fd: int, deadline: float) -> tuple[bytes, bytes, bool, bool]:
    """Read the evidence pipe and the child's raw output until both close or time runs out."""
    selector = selectors.DefaultSelector()
    selector.register(evidence_fd, selectors.EVENT_READ, "evidence")
    selector.register(child.stdout.fileno(), selectors.EVENT_READ, "output")
    chunks: dict[str, list[bytes]] = {"evidence": [], "output": []}
    sizes = {"evidence": 0, "output": 0}
    open_streams = 2
    timed_out = overflow = False
    try:
        while open_streams:
            left = deadline - time.monotonic()
            if left <= 0:
                timed_out = True
                break
            for key, _ in selector.select(timeout=min(left, 0.5)):
                data = os.read(key.fd, 65536)
                if not data:
                    selector.unregister(key.fd)
                    open_streams -= 1
                    continue
                sizes[key.data] += len(data)
                if key.data == "evidence" and sizes["evidence"] > MAX_EVIDENCE_BYTES:
                    overflow = True
                    return b"", b"", False, True
                if sizes[key.data] <= (MAX_EVIDENCE_BYTES if key.data == "evidence" else MAX_RAW_OUTPUT):
                    chunks[key.data].append(data)
    finally:
        selector.close()
        os.close(evidence_fd)
        child.stdout.close()
    return b"".join(chunks["evidence"]), b"".join(chunks["output"]), timed_out, overflow


def _kill_group(child: subprocess.Popen) -> None:
    try:
        os.killpg(child.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        child.kill()
    except ProcessLookupError:
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


def default_runner() -> Runner:
    if sys.platform == "emscripten":
        return InProcessRunner()
    return ProcessRunner()
