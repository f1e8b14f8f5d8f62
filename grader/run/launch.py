"""One sandbox seen from the grader: start it (its parameters on the job pipe), hand it one job,
read its report back, and take it down, leaving nothing behind.

Used by the one-shot :class:`~qala.grader.run.runners.ProcessRunner` and by the warm worker
(:mod:`qala.grader.run.worker`), which forks the same supervisors from a warm interpreter.
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
import threading
import time
import weakref
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import GradingError
from . import evidence
from .jobs import (
    MAX_RAW_OUTPUT,
    Job,
    RunResult,
    SandboxNotReady,
    SandboxUnavailable,
    decode_evidence,
    error_from,
)
from .supervisor import MAX_EVIDENCE_BYTES, REPORT_FD_ENV, STARTUP_SECONDS

_UNREAPED: list = []  # one-shot supervisors that have reported and are finishing their clean-up


def _reap_finished() -> None:
    for child in list(_UNREAPED):
        if child.poll() is not None:
            try:
                _UNREAPED.remove(child)
            except ValueError:
                pass


@dataclass
class Launch:
    """A started sandbox supervisor: its process id (also its process group), and how to reap it.

    The warm worker forks the supervisor when it gets to the request and writes its process id
    to ``reply_fd``; until then ``pid`` is None.
    """

    pid: int | None
    wait: Any  # () -> None: reap it (or let the worker do so)
    reply_fd: int = -1
    child: Any = None  # the supervisor's Popen, when this process started it

    def reap_later(self) -> None:
        """It has reported and is finishing its clean-up: reap it when it is done, without waiting."""
        if self.child is not None and self.child.poll() is None:
            _UNREAPED.append(self.child)

    def resolve(self, block: bool = True) -> int | None:
        """The supervisor's process id; None if it was never started (or, not blocking, not yet)."""
        if self.pid is None and self.reply_fd >= 0:
            import select

            deadline = time.monotonic() + (30.0 if block else 0.0)
            data = b""
            try:
                while not data.endswith(b"\n"):
                    left = max(0.0, deadline - time.monotonic())
                    if not select.select([self.reply_fd], [], [], left)[0]:
                        if not block and not data:
                            return None  # not forked yet: ask again later
                        break
                    chunk = os.read(self.reply_fd, 64)
                    if not chunk:
                        break
                    data += chunk
            except OSError:
                pass
            os.close(self.reply_fd)
            self.reply_fd = -1
            try:
                self.pid = int(data)
            except ValueError:
                self.pid = None
        return self.pid

    def forget(self) -> None:
        if self.reply_fd >= 0:
            os.close(self.reply_fd)
            self.reply_fd = -1


@dataclass
class Sandbox:
    """One sandbox seen from the grader: its scratch folder and the grader's ends of its pipes.

    Started by :func:`start_sandbox` (its parameters already written on the job pipe), then
    either given one job by :func:`run_in_sandbox` or taken down by :func:`discard_sandbox`.
    """

    scratch: Path
    job_w: int
    report_r: int
    output_r: int
    datasets: str | None  # what it shows at /work/datasets
    loaded: frozenset  # the modules it imported before its walls went up
    launched: Launch
    ahead: bool = False  # started before its job (a prepared sandbox)
    on_exit: Any = None  # the finalizer that takes it down if the grader exits first

    def fits(self, datasets_dir: Path | None, needs: tuple[str, ...]) -> bool:
        """Whether a job with these datasets and needs runs here exactly as in a fresh sandbox."""
        return self.datasets == _datasets_key(datasets_dir) and set(needs) <= self.loaded

    def close_fds(self) -> None:
        if self.on_exit is not None:
            self.on_exit.detach()
            self.on_exit = None
        for name in ("job_w", "report_r", "output_r"):
            fd = getattr(self, name)
            if fd >= 0:
                try:
                    os.close(fd)
                except OSError:
                    pass
                setattr(self, name, -1)


def _datasets_key(datasets_dir: Path | str | None) -> str | None:
    return str(Path(datasets_dir).resolve()) if datasets_dir is not None and Path(datasets_dir).is_dir() else None


def sandbox_params(
    scratch: Path,
    datasets_dir: Path | None,
    needs: tuple[str, ...],
    memory_bytes: int,
    file_bytes: int,
    skip_walls: tuple[str, ...] = (),
    warm_after: float | None = None,
) -> dict:
    """The first message a sandbox supervisor reads: where and under which limits it will run,
    and which modules to load before its walls go up. Nothing of any job. ``warm_after``: how
    long a sandbox waiting for its job stays idle before it warms up (see sandbox.WARM_UP_AFTER)."""
    datasets = _datasets_key(datasets_dir)
    hide = []
    if datasets:
        lessons = Path(datasets).parent
        hide = [str(lessons), str(lessons.parent / "course")]
    return {
        "scratch": str(scratch),
        "datasets": datasets,
        "hide": hide,
        "limits": {"memory_bytes": memory_bytes, "file_bytes": file_bytes},
        "skip_walls": list(skip_walls),
        "preload": list(needs),
    } | ({"warm_after": float(warm_after)} if warm_after is not None else {})


def sandbox_job(job: Job) -> dict:
    """The second message: the job itself (the supervisor hands it to the learner's process)."""
    return job.as_message() | {"timeout": job.timeout}


def start_sandbox(
    launch,
    datasets_dir: Path | None,
    needs: tuple[str, ...],
    memory_bytes: int,
    file_bytes: int,
    skip_walls: tuple[str, ...] = (),
    ahead: bool = False,
    loaded: tuple[str, ...] = (),
    warm_after: float | None = None,
) -> Sandbox:
    """Start a sandbox supervisor through ``launch(job_r, report_w, output_w) -> Launch``.

    The scratch folder and the pipes are made here; the sandbox's parameters go down the job
    pipe at once, so the supervisor can put up every wall while its job does not exist yet.
    ``loaded``: modules its process has imported already (the warm worker's).
    """
    _reap_finished()
    scratch = Path(tempfile.mkdtemp(prefix="qala-run-"))
    fds: list[int] = []
    try:
        os.chmod(scratch, 0o755)
        job_r, job_w = os.pipe()
        report_r, report_w = os.pipe()
        output_r, output_w = os.pipe()
        fds = [job_r, job_w, report_r, report_w, output_r, output_w]
        params = sandbox_params(scratch, datasets_dir, needs, memory_bytes, file_bytes, skip_walls, warm_after)
        _write_fully(job_w, json.dumps(params).encode("utf-8") + b"\n")  # a few hundred bytes: the pipe holds them
        try:
            launched = launch(job_r, report_w, output_w)
        finally:
            for fd in (job_r, report_w, output_w):
                os.close(fd)
                fds.remove(fd)
    except BaseException:
        for fd in fds:
            os.close(fd)
        _remove(scratch)
        raise
    return Sandbox(scratch, job_w, report_r, output_r, params["datasets"], frozenset(needs) | frozenset(loaded), launched, ahead)


def _write_fully(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def run_in_sandbox(sandbox: Sandbox, job: Job, fresh=None, handed_over=None) -> RunResult:
    """Give ``job`` to a started sandbox and collect its report. The sandbox is used up: whatever
    happens, its folder is removed when this returns, and its processes have ended or are
    ending (a supervisor that has reported reaps its learner's process and exits; one that does
    not report in time is killed with its group).

    A prepared sandbox that ended before it got ready (nothing of the job ran) is replaced by
    ``fresh()`` once. ``handed_over()`` is called once the job is on its way, while it runs.
    """
    try:
        return _finish(sandbox, job, handed_over)
    except SandboxNotReady:
        if not sandbox.ahead or fresh is None:
            raise
    return _finish(fresh(), job)


def _finish(sandbox: Sandbox, job: Job, handed_over=None) -> RunResult:
    try:
        pid = sandbox.launched.resolve()
        if pid is None:
            raise SandboxUnavailable("the sandbox was never started")
        message = json.dumps(sandbox_job(job)).encode("utf-8")
        # The supervisor reports on its own clock; this deadline is only the backstop for a
        # supervisor that cannot (the machine stalls, or something outside Qala kills it).
        deadline = time.monotonic() + STARTUP_SECONDS + job.timeout + 5.0
        job_w, report_r, output_r = sandbox.job_w, sandbox.report_r, sandbox.output_r
        sandbox.job_w = sandbox.report_r = sandbox.output_r = -1  # _collect closes them
        os.set_blocking(job_w, False)
        try:
            message = message[os.write(job_w, message) :]  # usually all of it: the pipe holds 64 KiB
        except BlockingIOError:
            pass
        except BrokenPipeError:
            message = b""  # the sandbox is gone: its report (or its absence) says why
        if not message:
            os.close(job_w)
            job_w = -1
        if handed_over is not None:
            handed_over()
        report, output, timed_out = _collect(job_w, message, report_r, output_r, deadline)
        if timed_out:
            _kill_group(pid)
            sandbox.launched.wait()
            return RunResult(status="timeout", detail="the sandbox did not report in time")
        sandbox.launched.reap_later()  # the answer is in: its supervisor exits on its own, right after
        return _result_from_report(report, output, job)
    finally:
        sandbox.launched.forget()
        sandbox.close_fds()
        _remove(sandbox.scratch)


def discard_sandbox(sandbox: Sandbox, wait: float = 2.0) -> None:
    """Take down a sandbox that will get no job; nothing of it is left when this returns.

    Closing the job pipe alone would do (the supervisor takes itself down at end-of-file, as it
    does when the grader is killed); killing its process group is quicker. If the warm worker has
    not forked it yet, it never builds anything: its supervisor finds the pipe closed and the
    folder gone, and exits.
    """
    try:
        if sandbox.job_w >= 0:
            os.close(sandbox.job_w)
            sandbox.job_w = -1
        pid = sandbox.launched.resolve(block=False)
        if pid is not None:
            if not _ended(sandbox.report_r, 0.0):
                _kill_group(pid)  # still there, so the process id is still its own
            deadline = time.monotonic() + wait
            _ended(sandbox.report_r, max(0.0, deadline - time.monotonic()))
            _ended(sandbox.output_r, max(0.0, deadline - time.monotonic()))
            sandbox.launched.wait()
    finally:
        sandbox.launched.forget()
        sandbox.close_fds()
        _remove(sandbox.scratch)


def _ended(fd: int, wait: float) -> bool:
    """Read (and drop) what is in a pipe until its writers are all gone; False if ``wait`` ran out."""
    import select

    deadline = time.monotonic() + wait
    try:
        while True:
            if not select.select([fd], [], [], max(0.0, deadline - time.monotonic()))[0]:
                return False
            if not os.read(fd, 65536):
                return True
    except OSError:
        return True


def run_supervised(job: Job, launch, memory_bytes: int, file_bytes: int, skip_walls: tuple[str, ...] = ()) -> RunResult:
    """One run in a sandbox started for it through ``launch`` (see :func:`start_sandbox`)."""
    return run_in_sandbox(start_sandbox(launch, job.datasets_dir, job.needs, memory_bytes, file_bytes, skip_walls), job)


def _collect(job_w: int, message: bytes, report_r: int, output_r: int, deadline: float) -> tuple[bytes, bytes, bool]:
    """Write the job, read the report and the raw output until the report closes or time runs out."""
    selector = selectors.DefaultSelector()
    if job_w >= 0:
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


def _strict_json(data: bytes, max_nodes: int) -> Any:
    """JSON as plain data: no NaN or Infinity literals, nothing but str/int/float/bool/None/list/dict,
    and no more than ``max_nodes`` values (counted before any is built)."""

    def refuse(name: str) -> Any:
        raise ValueError(f"{name} is not allowed in evidence")

    if evidence.json_nodes(data) > max_nodes:
        raise ValueError("more values than the run could have sent")
    return json.loads(data.decode("utf-8"), parse_constant=refuse)


def _result_from_report(report: bytes, output: bytes, job: Job) -> RunResult:
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
        failed = SandboxNotReady if not header.get("ready") else GradingError
        raise failed(f"the sandbox failed: {header['failure']}")
    if header.get("timed_out"):
        return result("timeout", "wall-clock limit")
    if header.get("startup_timeout") or not header.get("ready"):
        raise SandboxNotReady(f"the sandbox did not get ready to run the code (exit {exit_code}): {text[-300:].strip()}")
    setup = header.get("setup")
    if type(setup) is dict and setup.get("error"):
        try:
            return result("setup_error", "the lesson's setup code failed", error=error_from(setup["error"]))
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
    if not body or (exit_code != 0 and not header.get("done")):
        status = "memory" if "MemoryError" in text else "killed"
        return result(status, f"exit {exit_code} without evidence: {text[-500:]}")
    try:
        data = _strict_json(body, evidence.nodes_allowed(len(job.variables) + len(job.calls)))
    except (ValueError, UnicodeDecodeError, RecursionError, MemoryError) as exc:
        return result("crashed", f"evidence is not plain JSON: {str(exc)[:200]}")
    run = decode_evidence(data, job.calls)
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
    """Remove a run's scratch folder if it is still there, whatever the learner did to the
    permissions inside it. Nothing outside the folder is ever touched (its parent is /tmp)."""
    try:
        os.rmdir(scratch)  # the usual case: empty here, the run's files were in its own memory
        return
    except FileNotFoundError:
        return  # the supervisor removed it already
    except OSError:
        pass
    _remove_tree(str(scratch))


def _remove_tree(root: str) -> None:
    """``shutil.rmtree`` that makes folders inside ``root`` writable when it must, and nothing else."""

    def retry(function, path, _exc_info):
        if not os.path.lexists(path):
            return
        try:
            parent = os.path.dirname(path)
            if path != root and (parent == root or parent.startswith(root + os.sep)):
                os.chmod(parent, 0o700)
            if os.path.isdir(path) and not os.path.islink(path):
                os.chmod(path, 0o700)
            function(path)
        except OSError:
            pass

    shutil.rmtree(root, onerror=retry)


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


def discard_at_exit(owner: Any, sandbox: Sandbox) -> None:
    """Take ``sandbox`` down when the interpreter exits (or ``owner`` is collected), unless it
    was used or discarded by then: a prepared sandbox never outlives its grader."""

    def take_down(box: Sandbox = sandbox) -> None:
        if box.job_w >= 0 or box.report_r >= 0:
            discard_sandbox(box)

    sandbox.on_exit = weakref.finalize(owner, take_down)


@dataclass
class ProcessRunner:
    """Each run in a fresh interpreter: ``python -I -m qala.grader.run.supervisor``, its own session,
    then the supervisor and the learner's process described in supervisor.py. Cheapest for one
    check from the shell — all the more after :meth:`prepare`, which starts that interpreter
    (and its imports, and its walls) while the grader is still reading the course; the warm
    worker (worker.py) is faster for the second check onwards."""

    memory_bytes: int = 2 * 1024**3
    file_bytes: int = 10 * 1024**2
    python: str = sys.executable
    skip_walls: tuple[str, ...] = ()  # for tests that prove each wall alone: "namespaces", "seccomp", "audit-hook"
    _ahead: Sandbox | None = field(default=None, init=False, repr=False, compare=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False, compare=False)

    def prepare(self, needs: tuple[str, ...] = (), datasets_dir: Path | None = None) -> None:
        """Start a sandbox for the next run now, with ``needs`` imported; returns at once."""
        sandbox = start_sandbox(self._launch, datasets_dir, tuple(needs), self.memory_bytes, self.file_bytes, self.skip_walls, ahead=True)
        with self._lock:
            old, self._ahead = self._ahead, sandbox
        discard_at_exit(self, sandbox)
        if old is not None:
            discard_sandbox(old)

    def run(self, job: Job) -> RunResult:
        with self._lock:
            ready, self._ahead = self._ahead, None
        if ready is not None and not ready.fits(job.datasets_dir, job.needs):
            discard_sandbox(ready)
            ready = None

        def fresh() -> Sandbox:
            return start_sandbox(self._launch, job.datasets_dir, job.needs, self.memory_bytes, self.file_bytes, self.skip_walls)

        return run_in_sandbox(ready if ready is not None else fresh(), job, fresh)

    @property
    def prepared(self) -> Sandbox | None:
        """The sandbox waiting for the next run, if any (for tests and benchmarks)."""
        return self._ahead

    def _launch(self, job_r: int, report_w: int, output_w: int) -> Launch:
        env = sandbox_env() | {REPORT_FD_ENV: str(report_w)}
        try:
            child = subprocess.Popen(
                [self.python, "-I", "-X", "utf8", "-m", "qala.grader.run.supervisor"],
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
        return Launch(child.pid, child.wait, child=child)

    def close(self) -> None:
        with self._lock:
            ready, self._ahead = self._ahead, None
        if ready is not None:
            discard_sandbox(ready)
