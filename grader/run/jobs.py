"""What a run is, seen from the grader: the job handed to a sandbox, its decoded result, and the
small :class:`Runner` interface every home of learner code offers (``run``, ``prepare``, ``close``).

Standard library only; imported by the judge, the runners and the in-browser kernel alike.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from ..errors import GradingError
from . import evidence
from .sandbox import MAX_OUTPUT

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


def decode_evidence(data: Any, calls: tuple[str, ...] | list[str]) -> RunResult:
    """Build a RunResult from what the sandbox sent; anything malformed becomes status 'crashed'.

    ``calls`` are the calls the job asked for: an evidence that ran must bring back one result
    for each, in order, each naming its call. The evidence is a claim the learner's code can
    forge or trim; it never decides how many results get compared.
    """
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
        results = data.get("calls", [])
        if type(results) is not list:
            raise evidence.BadEvidence("calls")
        if status == "ok" and len(results) != len(calls):
            raise evidence.BadEvidence(f"{len(results)} call results for {len(calls)} calls")
        decoded = []
        for asked, item in zip(calls, results, strict=False):  # counted above when it ran
            if type(item) is not dict or item.get("call") != asked:
                raise evidence.BadEvidence("a call result that is not the call's")
            if "ok" in item:
                decoded.append(CallResult(value=evidence.decode(item["ok"])))
            else:
                decoded.append(CallResult(error=error_from(item.get("error"))))
        stdout = data.get("stdout", "")
        if type(stdout) is not str or len(stdout) > MAX_OUTPUT:
            raise evidence.BadEvidence("stdout")
        return RunResult(
            status=status,
            error=error_from(data.get("error")) if data.get("error") else None,
            values=values,
            calls=decoded,
            stdout=stdout,
            stdout_dropped=int(data.get("stdout_dropped", 0)),
            duration_ms=int(data.get("duration_ms", 0)),
            raw=data,
        )
    except (evidence.BadEvidence, TypeError, ValueError, AttributeError, RecursionError, MemoryError) as exc:
        return RunResult(status="crashed", detail=f"unreadable evidence: {str(exc)[:200]}")


def error_from(data: Any) -> RunError:
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

    def prepare(self, needs: tuple[str, ...] = (), datasets_dir: Path | None = None) -> None:
        """Get a sandbox ready for the next run now (returns at once); a hint, never required."""
        ...

    def close(self) -> None: ...


class SandboxUnavailable(GradingError):
    """The process that was to start a sandbox is not there (the warm worker died): start another."""


class SandboxNotReady(GradingError):
    """The sandbox ended before its learner process said "ready": none of the job's code ran."""
