"""The warm worker: one long-lived process with pandas loaded that forks a fresh sandbox per run.

The worker (``python -I -m qala.grader.run.worker``) imports numpy and pandas once — with every
thread pool pinned to one thread first, so it stays single-threaded and safe to fork — runs a
little pandas to load its lazy parts, reads the course's datasets once so their pages are in
the operating system's cache, and then waits. For each run the grader hands it, over a Unix
socket, four pipe ends (never the job itself: the worker never holds anyone's code, so nothing
of one run can leak into the next); the worker forks, and the child becomes the sandbox
supervisor of supervisor.py with exactly those pipes. The worker never runs learner code and is
never reused dirty: every run starts from a fresh fork of the same clean process, and a run
hit by a limit simply dies with its fork.

:class:`WorkerRunner` is the grader's side: it starts the worker when it pays (from the second
run, or at once after :meth:`WorkerRunner.warm_up`), restarts it transparently if it dies, and
falls back to one-shot runs if it cannot start at all. It keeps sandboxes *ready*: forked,
walled and waiting for their job (supervisor.py), started at warm-up (or on :meth:`prepare`) and then
as soon as each job is handed over, so a check pays only for running the code. A ready sandbox
takes one job and is gone; the next one is a fresh fork. A sandbox shows one datasets folder, and
a check alternates two (the course's and its hidden variant's, judge/variants.py): up to
``keep_ready`` sandboxes wait, one per folder, the oldest going when another is needed.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import weakref
from dataclasses import dataclass, field
from pathlib import Path

from .jobs import Job, RunResult, SandboxUnavailable
from .launch import (
    Launch,
    ProcessRunner,
    Sandbox,
    discard_at_exit,
    discard_sandbox,
    run_in_sandbox,
    sandbox_env,
    start_sandbox,
)

READY = b"ready\n"
LOADED = ("numpy", "pandas")  # what the worker imports (see warm): every fork of it has them
START_SECONDS = 60.0  # for the worker's imports on a slow machine


class WorkerGone(SandboxUnavailable):
    """The worker process is not there (died, or never started): restart it or run one-shot."""


# Walls a run must have had for the next sandbox to be started while the grader waits: with
# them, a ready sandbox's files, processes and network are its own (see docs/SECURITY.md).
AHEAD_NEEDS = frozenset(("namespaces", "filesystem-view"))


# ---------------------------------------------------------------- the grader's side


@dataclass
class WorkerRunner:
    """Runs jobs in sandboxes forked from a warm worker. Thread-safe: runs may overlap."""

    memory_bytes: int = 2 * 1024**3
    file_bytes: int = 10 * 1024**2
    python: str = sys.executable
    datasets_dir: Path | None = None  # whose pages to warm; any job's datasets work regardless
    cold_runs: int = 1  # runs done one-shot before the worker is worth starting
    skip_walls: tuple[str, ...] = ()  # for tests only, as in ProcessRunner
    ahead: bool = True  # keep a sandbox ready for the next run
    warm_after: float | None = None  # idle seconds before the ready sandbox warms up (None: sandbox.WARM_UP_AFTER)
    refill: bool = True  # after a run, get the next sandbox ready (False: one check from the shell, no next run)
    keep_ready: int = 2  # ready sandboxes kept at most (each for other datasets or needs)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _process: subprocess.Popen | None = field(default=None, repr=False)
    _socket: socket.socket | None = field(default=None, repr=False)
    _ready: bool = field(default=False, repr=False)
    _runs: int = field(default=0, repr=False)
    _broken: str = field(default="", repr=False)
    _seen_datasets: Path | None = field(default=None, repr=False)
    _seen_needs: tuple[str, ...] = field(default=(), repr=False)
    _waiting: list[Sandbox] = field(default_factory=list, repr=False)  # the ready sandboxes, oldest first
    _walls_seen: bool = field(default=False, repr=False)  # a run here had its own namespaces and view
    _no_ahead: str = field(default="", repr=False)  # why sandboxes are no longer started ahead
    _active: int = field(default=0, repr=False)  # runs going on in the worker now
    restarts: int = 0

    def __post_init__(self) -> None:
        self._oneshot = ProcessRunner(self.memory_bytes, self.file_bytes, self.python, self.skip_walls)
        self._finalizer: weakref.finalize | None = None

    # -- lifecycle

    def warm_up(self) -> None:
        """Start the worker now, in the background (returns at once), and a sandbox in it for
        the datasets it knows of."""
        stale = None
        with self._lock:
            if self._process is None and not self._broken:
                self._spawn()
            datasets = self.datasets_dir or self._seen_datasets
            if datasets is not None:
                stale = self._prepare_locked(datasets, self._seen_needs)
        if stale is not None:
            discard_sandbox(stale)

    def prepare(self, needs: tuple[str, ...] = (), datasets_dir: Path | None = None) -> None:
        """Get a sandbox ready for the next run (returns at once): forked from the worker if the
        next run will use it, else a one-shot interpreter started now (``qala check``)."""
        with self._lock:
            if datasets_dir is not None:
                self._seen_datasets = Path(datasets_dir)
            self._seen_needs = tuple(needs)
            in_worker = not self._broken and (self._process is not None or self._runs + 1 > self.cold_runs)
            stale = self._prepare_locked(datasets_dir, tuple(needs)) if in_worker else None
        if stale is not None:
            discard_sandbox(stale)
        if not in_worker:
            self._oneshot.prepare(needs, datasets_dir)

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    @property
    def prepared(self) -> Sandbox | None:
        """The sandbox made ready last, if any (for tests and benchmarks)."""
        return self._waiting[-1] if self._waiting else None

    def _fitting(self, datasets_dir: Path | None, needs: tuple[str, ...]) -> Sandbox | None:
        return next((box for box in self._waiting if box.fits(datasets_dir, needs)), None)

    def _discard_all(self) -> None:
        with self._lock:
            waiting, self._waiting = self._waiting, []
        for sandbox in waiting:
            discard_sandbox(sandbox)

    def _spawn(self) -> None:
        parent, child = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        args = [self.python, "-I", "-X", "utf8", "-m", "qala.grader.run.worker", str(child.fileno())]
        datasets = self.datasets_dir or self._seen_datasets
        if datasets is not None:
            args.append(str(datasets))
        try:
            self._process = subprocess.Popen(
                args,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                pass_fds=(child.fileno(),),
                env=sandbox_env(),
                cwd="/",
                start_new_session=True,
            )
        except OSError as exc:
            parent.close()
            self._broken = f"cannot start the worker: {exc}"
            return
        finally:
            child.close()
        self._socket = parent
        self._ready = False
        if self._finalizer is not None:
            self._finalizer.detach()
        self._finalizer = weakref.finalize(self, _stop, self._process, parent)

    def _wait_ready(self) -> None:
        assert self._socket is not None and self._process is not None
        self._socket.settimeout(START_SECONDS)
        try:
            line = b""
            while not line.endswith(b"\n"):
                chunk = self._socket.recv(1024)
                if not chunk:
                    raise WorkerGone(f"the worker exited while starting (code {self._process.poll()})")
                line += chunk
        except (TimeoutError, OSError) as exc:
            raise WorkerGone(f"the worker did not start: {exc}") from exc
        finally:
            self._socket.settimeout(None)
        if line != READY:
            raise WorkerGone(f"the worker could not start: {line.decode('utf-8', 'replace').strip()}")
        self._ready = True

    def _stop_current(self) -> None:
        if self._finalizer is not None:
            self._finalizer()
            self._finalizer = None
        self._process, self._socket, self._ready = None, None, False

    def close(self) -> None:
        self._discard_all()
        with self._lock:
            self._stop_current()
        self._oneshot.close()

    # -- the ready sandbox

    def _prepare_locked(self, datasets_dir: Path | None, needs: tuple[str, ...]) -> Sandbox | None:
        """With the lock held: make sure a sandbox for ``datasets_dir`` is ready in the worker.
        Returns the oldest ready sandbox if one had to make room (``keep_ready``), for the caller
        to discard outside the lock.

        A sandbox is started beside a run only once a run here has shown that sandboxes get
        their own namespaces and filesystem view (then the two share no files, processes or
        network); with no run going on, it can always be started.
        """
        if self._fitting(datasets_dir, needs) is not None:
            return None
        if not self.ahead or self._no_ahead or self._broken or (self._active and not self._walls_seen):
            return None
        if self._process is not None and self._process.poll() is not None:  # it died: start another
            self._stop_current()
            self.restarts += 1
        if self._process is None:
            self._spawn()
            if self._process is None:
                return None
        try:
            ready = start_sandbox(
                self._send,
                datasets_dir,
                needs,
                self.memory_bytes,
                self.file_bytes,
                self.skip_walls,
                ahead=True,
                loaded=LOADED,
                warm_after=self.warm_after,
            )
        except (OSError, WorkerGone):
            return None
        discard_at_exit(self, ready)
        self._waiting.append(ready)
        return self._waiting.pop(0) if len(self._waiting) > max(1, self.keep_ready) else None

    def _take_ready(self, job: Job) -> Sandbox | None:
        """With the lock held: a ready sandbox that suits ``job`` (taken), or None.

        One that does not suit it stays for the run it was made for: the check's other run (the
        hidden variant's, or the original's) may come next."""
        ready = self._fitting(job.datasets_dir, job.needs)
        if ready is not None:
            self._waiting.remove(ready)
        return ready

    def _prepare_next(self, job: Job) -> None:
        """Start the sandbox for the next run like this one, if none is ready for it (see
        :meth:`_prepare_locked` for when one may get ready while this job runs)."""
        with self._lock:
            if self._process is None or not self.refill:
                return
            stale = self._prepare_locked(job.datasets_dir, job.needs)
        if stale is not None:
            discard_sandbox(stale)

    def _after_run(self, job: Job, result: RunResult | None) -> None:
        """Learn from the run's walls whether sandboxes may be started ahead here; if so, make
        sure one is (the first run, or one whose next sandbox could not be started)."""
        if result is not None and result.walls is not None:
            missing = AHEAD_NEEDS - set(result.walls.get("held", ()))
            if missing:
                self._no_ahead = f"the sandbox had no {', '.join(sorted(missing))} here"
                self._discard_all()
            else:
                self._walls_seen = True
        self._prepare_next(job)

    # -- running

    def run(self, job: Job) -> RunResult:
        with self._lock:
            self._runs += 1
            if job.datasets_dir is not None:
                self._seen_datasets = Path(job.datasets_dir)
            self._seen_needs = job.needs
            use_worker = not (self._broken or (self._process is None and self._runs <= self.cold_runs))
            ready = self._take_ready(job) if use_worker else None
            self._active += use_worker
        if not use_worker:
            return self._oneshot.run(job)
        result = None
        try:
            for attempt in range(2):
                try:
                    sandbox = ready if ready is not None else self._fresh(job)
                    ready = None
                    # Once the job is handed over, the next sandbox starts to get ready beside it.
                    result = run_in_sandbox(sandbox, job, lambda: self._fresh(job), lambda: self._prepare_next(job))
                    return result
                except SandboxUnavailable as exc:
                    with self._lock:
                        self._stop_current()
                        self.restarts += 1
                        if attempt == 1:
                            self._broken = str(exc)
            result = self._oneshot.run(job)
            return result
        finally:
            if use_worker:
                with self._lock:
                    self._active -= 1
                self._after_run(job, result)

    def _fresh(self, job: Job) -> Sandbox:
        return start_sandbox(self._launch, job.datasets_dir, job.needs, self.memory_bytes, self.file_bytes, self.skip_walls, loaded=LOADED)

    def _launch(self, job_r: int, report_w: int, output_w: int) -> Launch:
        """A sandbox forked for a run now: starts (or restarts) the worker and waits for it."""
        with self._lock:
            if self._process is None or self._process.poll() is not None:
                if self._process is not None:
                    self._stop_current()
                    self.restarts += 1
                self._spawn()
                if self._process is None:
                    raise WorkerGone(self._broken)
            if not self._ready:
                self._wait_ready()
            return self._send(job_r, report_w, output_w)

    def _send(self, job_r: int, report_w: int, output_w: int) -> Launch:
        """Ask the worker (with the lock held) to fork a sandbox supervisor with these pipe ends.

        Does not wait: a worker still warming up forks it when it gets there, and writes the
        supervisor's process id to the reply pipe (see :meth:`Launch.resolve`).
        """
        assert self._socket is not None
        reply_r, reply_w = os.pipe()
        try:
            socket.send_fds(self._socket, [b"run"], [job_r, report_w, output_w, reply_w])
        except OSError as exc:
            os.close(reply_r)
            raise WorkerGone(f"the worker is gone: {exc}") from exc
        finally:
            os.close(reply_w)
        return Launch(None, lambda: None, reply_r)  # the worker reaps its children


def _stop(process: subprocess.Popen, sock: socket.socket) -> None:
    """End a worker: closing its socket tells it to go; it is killed if it does not."""
    try:
        sock.close()
    except OSError:
        pass
    try:
        process.wait(timeout=2)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        process.wait()


# ---------------------------------------------------------------- the worker process


def warm(datasets: Path | None) -> None:
    """Load pandas' lazy parts and put the datasets' pages into the operating system's cache."""
    try:
        import numpy  # noqa: F401
        import pandas as pd
    except ImportError:
        return
    from .supervisor import warm_up_steps

    for step in warm_up_steps(pd):
        step()
    if datasets is not None and datasets.is_dir():
        for path in sorted(datasets.iterdir()):
            if path.is_file():
                try:
                    with open(path, "rb") as handle:
                        while handle.read(1 << 20):
                            pass
                except OSError:
                    pass


def serve(control: socket.socket, datasets: Path | None) -> None:
    """The worker's loop: for each request, fork a sandbox supervisor. Returns when the grader goes."""
    from . import confine, supervisor  # noqa: F401  (loaded now, so every fork has them)

    for module in supervisor.LEARNER_MODULES:
        try:
            __import__(module)
        except ImportError:
            pass

    try:
        confine._c()
    except OSError:
        pass
    confine.View.python_paths(), confine.View.system_paths()  # found once, inherited by every fork
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped by the kernel
    control.sendall(READY)
    while True:
        try:
            message, fds, _, _ = socket.recv_fds(control, 64, 8)
        except (OSError, ValueError):
            return
        if not message:
            return
        if message != b"run" or len(fds) != 4:
            for fd in fds:
                os.close(fd)
            continue
        job_r, report_w, output_w, reply_w = fds
        pid = os.fork()
        if pid == 0:
            _supervisor_child(control, job_r, report_w, output_w, reply_w)
        for fd in fds:
            os.close(fd)


def _supervisor_child(control: socket.socket, job_r: int, report_w: int, output_w: int, reply_w: int) -> None:
    """In the fork: a new session, then the sandbox supervisor with the grader's pipes."""
    from .supervisor import supervise

    try:
        control.close()
        os.setsid()
        os.write(reply_w, b"%d\n" % os.getpid())
        os.close(reply_w)
        os.dup2(output_w, 1)
        os.dup2(output_w, 2)
        null = os.open("/dev/null", os.O_RDONLY)
        os.dup2(null, 0)
        os.close(null)
        supervise(job_r, report_w, output_w)
    finally:
        os._exit(70)


def _thread_count() -> int:
    """Threads of this process, native ones (OpenBLAS, OpenMP) included where Linux tells."""
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        return threading.active_count()


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    control = socket.socket(fileno=int(argv[0]))
    datasets = Path(argv[1]) if len(argv) > 1 else None
    try:
        warm(datasets)
    except Exception as exc:  # a broken pandas is the lesson's problem, not the worker's
        sys.stderr.write(f"warming up failed: {exc}\n")
    threads = _thread_count()
    if threads != 1:
        control.sendall(f"error: {threads} threads after warming up: not safe to fork\n".encode())
        return 1
    serve(control, datasets)
    return 0


if __name__ == "__main__":
    # Nothing here needs saving or flushing (its output goes nowhere): leave at once, without
    # the interpreter's teardown of pandas, so that a grader waiting for it is not kept waiting.
    os._exit(main())
