"""Running one job — teacher setup, then learner code — and collecting its evidence as plain data.

This is what executes *inside* a sandbox: in CPython in the learner's process that
:mod:`~qala.grader.run.supervisor` starts behind every wall; in Pyodide, where there are no
processes, in the kernel itself under a step budget. Standard library only; nothing from the
trusted side but :mod:`~qala.grader.run.evidence`.
"""

from __future__ import annotations

import io
import sys
import time
from collections.abc import Callable
from typing import Any

from . import evidence

LEARNER_FILE = "<your code>"

SETUP_FILE = "<setup>"

MAX_OUTPUT = 64_000  # characters of printed output kept


class StepBudgetExceeded(BaseException):
    """Raised inside learner code (Pyodide) when it ran too many lines."""


class _Capped(io.TextIOBase):
    """A stdout that keeps the first ``limit`` characters and counts the rest."""

    def __init__(self, limit: int):
        self.limit = limit
        self.parts: list[str] = []
        self.kept = 0
        self.dropped = 0

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        if not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        room = self.limit - self.kept
        if room > 0:
            self.parts.append(text[:room])
            self.kept += min(room, len(text))
        self.dropped += max(0, len(text) - max(room, 0))
        return len(text)

    def getvalue(self) -> str:
        return "".join(self.parts)


def describe_error(exc: BaseException, source: str, filename: str = LEARNER_FILE) -> dict:
    """An exception as plain data, pointing at the learner's own line."""
    line = None
    if isinstance(exc, SyntaxError) and exc.filename == filename:
        line = exc.lineno
    else:
        tb = exc.__traceback__
        while tb is not None:
            if tb.tb_frame.f_code.co_filename == filename:
                line = tb.tb_lineno
            tb = tb.tb_next
    lines = source.splitlines()
    text = lines[line - 1].strip() if line and 0 < line <= len(lines) else ""
    try:
        message = str(exc.msg if isinstance(exc, SyntaxError) else exc)
    except Exception:
        message = ""
    return {"type": type(exc).__name__, "message": message[:500], "line": line if type(line) is int else None, "text": text[:200]}


def execute(
    job: dict,
    step_budget: int | None = None,
    after_setup: Callable[[dict | None], None] | None = None,
    calls_later: Callable[[dict], list[str]] | None = None,
) -> dict:
    """Run a job in this process and return its evidence (a JSON-ready dict).

    ``after_setup`` is told how the teacher's setup went (None: fine) before any learner code runs.
    ``calls_later``: the job's hidden calls are not in it; once learner code has run, this is
    handed the evidence so far (values, printout) and returns them (see supervisor: the
    supervisor keeps whatever learner code learns from then on out of those values and printout).
    What is printed during the hidden calls is never kept, under either way of running.
    """
    started = time.perf_counter()
    source = job.get("source", "")
    result: dict[str, Any] = {"status": "ok", "error": None, "values": {}, "calls": []}
    namespace: dict[str, Any] = {"__name__": "__main__", "__builtins__": __builtins__}
    out = _Capped(int(job.get("max_output", MAX_OUTPUT)))
    real_stdout, real_stderr = sys.stdout, sys.stderr
    sys.stdout = sys.stderr = out
    tracer = step_tracer(step_budget) if step_budget else None
    encode = evidence.encode  # taken before learner code runs
    if evidence.CHARTS in job.get("variables", ()):
        _forget_drawings()
    try:
        if job.get("setup"):
            try:
                exec(compile(job["setup"], SETUP_FILE, "exec", dont_inherit=True), namespace)
            except BaseException as exc:  # the lesson's own setup failed: not the learner's fault
                result["status"] = "setup_error"
                result["error"] = describe_error(exc, job["setup"], SETUP_FILE)
                if after_setup:
                    after_setup(result["error"])
                return _finish(result, out, started)
        if after_setup:
            after_setup(None)
        try:
            code = compile(source, LEARNER_FILE, "exec", dont_inherit=True)
        except SyntaxError as exc:
            result["status"] = "error"
            result["error"] = describe_error(exc, source)
            return _finish(result, out, started)
        if tracer:
            sys.settrace(tracer)
        try:
            exec(code, namespace)
        except StepBudgetExceeded:
            result["status"] = "timeout"
        except SystemExit as exc:
            result["status"] = "error"
            result["error"] = describe_error(exc, source) | {"type": "SystemExit"}
        except BaseException as exc:
            result["status"] = "error"
            result["error"] = describe_error(exc, source)
        finally:
            if tracer:
                sys.settrace(None)
        if result["status"] == "ok":
            _collect(job, namespace, source, result, tracer, encode, out, calls_later)
    finally:
        sys.stdout, sys.stderr = real_stdout, real_stderr
    return _finish(result, out, started)


def _collect(job: dict, namespace: dict, source: str, result: dict, tracer, encode, out: _Capped, calls_later) -> None:
    for name in job.get("variables", []):
        if name == evidence.CHARTS:
            result["values"][name] = encode(_drawings())
        elif name in namespace:
            result["values"][name] = encode(namespace[name])
    result["stdout"], result["stdout_dropped"] = out.getvalue(), out.dropped  # the printout: before any hidden call
    # Each result names its call: the grader matches them to the calls it asked for.
    for call in calls_later(result) if calls_later is not None else job.get("calls", []):
        if tracer:
            sys.settrace(tracer)
        try:
            value = eval(compile(call, "<check>", "eval", dont_inherit=True), namespace)
            result["calls"].append({"call": call, "ok": encode(value)})
        except StepBudgetExceeded:
            result["calls"].append({"call": call, "error": {"type": "Timeout", "message": "", "line": None, "text": ""}})
        except BaseException as exc:
            result["calls"].append({"call": call, "error": describe_error(exc, source)})
        finally:
            if tracer:
                sys.settrace(None)


def _forget_drawings() -> None:
    plot = sys.modules.get("qala.grader.plot")
    if plot is not None:
        plot.forget_drawings()
    elif "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")


def _drawings() -> list:
    """What the program drew with the course's plotting helper or matplotlib's pyplot."""
    plot = sys.modules.get("qala.grader.plot")
    if plot is None and "matplotlib.pyplot" in sys.modules:
        try:
            from .. import plot
        except ImportError:
            return []
    try:
        return list(plot.drawings()) if plot is not None else []
    except Exception:
        return []


def _finish(result: dict, out: _Capped, started: float) -> dict:
    result.setdefault("stdout", out.getvalue())
    result.setdefault("stdout_dropped", out.dropped)
    result["duration_ms"] = int((time.perf_counter() - started) * 1000)
    return result


def step_tracer(budget: int):
    """A trace function that stops learner code after ``budget`` lines, and keeps stopping it
    (for ``sys.settrace``: the grader in Pyodide, and the notebook's own run of checked code)."""
    left = [budget]

    def trace(frame, event, arg):
        if event == "line":
            left[0] -= 1
            if left[0] < 0:
                raise StepBudgetExceeded()
        return trace

    return trace
