"""The warm worker: one long-lived process with pandas loaded that forks a fresh sandbox per run.

The worker (``python -I -m qala.grader.worker``) imports numpy and pandas once — with every
thread pool pinned to one thread first, so it stays single-threaded and safe to fork — runs a
little pandas to load its lazy parts, reads the course's datasets once so their pages are in
the operating system's cache, and then waits. For each run the grader hands it, over a Unix
socket, four pipe ends (never the job itself: the worker never holds anyone's code, so nothing
of one run can leak into the next); the worker forks, and the child becomes the sandbox
supervisor of sandbox.py with exactly those pipes. The worker never runs learner code and is
never reused dirty: every run starts from a fresh fork of the same clean process, and a run
hit by a limit simply dies with its fork.

:class:`WorkerRunner` is the grader's side: it starts the worker when it pays (from the second
run, or at once after :meth:`WorkerRunner.warm_up`), restarts it transparently if it dies, and
falls back to one-shot runs if it cannot start at all.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import weakref
from dataclasses import dataclass, field
from pathlib import Path

from .errors import GradingError
from .runner import Job, ProcessRunner, RunResult, _Launch, run_supervised, sandbox_env

READY = b"ready\n"
START_SECONDS = 60.0  # for the worker's imports on a slow machine


class WorkerGone(Exception):
    """The worker process is not there (died, or never started): restart it or run one-shot."""


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
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _process: subprocess.Popen | None = field(default=None, repr=False)
    _socket: socket.socket | None = field(default=None, repr=False)
    _ready: bool = field(default=False, repr=False)
    _runs: int = field(default=0, repr=False)
    _broken: str = field(default="", repr=False)
    _seen_datasets: Path | None = field(default=None, repr=False)
    restarts: int = 0

    def __post_init__(self) -> None:
        self._oneshot = ProcessRunner(self.memory_bytes, self.file_bytes, self.python, self.skip_walls)
        self._finalizer = None

    # -- lifecycle

    def warm_up(self) -> None:
        """Start the worker now, in the background (returns at once)."""
        with self._lock:
            if self._process is None and not self._broken:
                self._spawn()

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    def _spawn(self) -> None:
        parent, child = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        args = [self.python, "-I", "-X", "utf8", "-m", "qala.grader.worker", str(child.fileno())]
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
        except (OSError, socket.timeout) as exc:
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
        with self._lock:
            self._stop_current()

    # -- running

    def run(self, job: Job) -> RunResult:
        with self._lock:
            self._runs += 1
            if job.datasets_dir is not None:
                self._seen_datasets = Path(job.datasets_dir)
            if self._broken or (self._process is None and self._runs <= self.cold_runs):
                use_worker = False
            else:
                use_worker = True
        if not use_worker:
            return self._oneshot.run(job)
        for attempt in range(2):
            try:
                return run_supervised(job, self._launch, self.memory_bytes, self.file_bytes, self.skip_walls)
            except WorkerGone as exc:
                with self._lock:
                    self._stop_current()
                    self.restarts += 1
                    if attempt == 1:
                        self._broken = str(exc)
        return self._oneshot.run(job)

    def _launch(self, job_r: int, report_w: int, output_w: int) -> _Launch:
        reply_r, reply_w = os.pipe()
        try:
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
                try:
                    socket.send_fds(self._socket, [b"run"], [job_r, report_w, output_w, reply_w])
                except OSError as exc:
                    raise WorkerGone(f"the worker is gone: {exc}") from exc
            os.close(reply_w)
            reply_w = -1
            pid = _read_pid(reply_r)
        finally:
            os.close(reply_r)
            if reply_w >= 0:
                os.close(reply_w)
        if pid is None:
            raise WorkerGone("the worker did not start the run")
        return _Launch(pid, lambda: None)  # the worker reaps its children


def _read_pid(fd: int) -> int | None:
    import select

    data = b""
    deadline = time.monotonic() + 30.0
    while not data.endswith(b"\n"):
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([fd], [], [], left)[0]:
            return None
        chunk = os.read(fd, 64)
        if not chunk:
            return None
        data += chunk
    try:
        return int(data)
    except ValueError:
        return None


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
    import io

    try:
        import numpy  # noqa: F401
        import pandas as pd
    except ImportError:
        return
    frame = pd.read_csv(io.StringIO("when,district,value\n2024-01-01,Almaly,1.5\n2024-01-02,Bostandyq,2.5\n"), parse_dates=["when"])
    frame.groupby("district")["value"].agg(["mean", "median", "count"])
    frame.sort_values("value").merge(frame, on="district").pivot_table(index="district", values="value_x")
    frame.set_index("when").resample("D").mean(numeric_only=True)
    frame.describe()
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
    from . import confine, sandbox  # noqa: F401  (loaded now, so every fork has them)

    for module in sandbox.LEARNER_MODULES:
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
    from .sandbox import supervise

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
        chunks = []
        while True:
            chunk = os.read(job_r, 1 << 16)
            if not chunk:
                break
            chunks.append(chunk)
        os.close(job_r)
        job = json.loads(b"".join(chunks))
        supervise(job, report_w, output_w)
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
    sys.exit(main())
