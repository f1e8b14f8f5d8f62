"""The sandbox's two processes, from the inside.

- the **supervisor** (trusted: it never runs learner code) puts up the operating-system walls
  of :mod:`~qala.grader.run.walls`, starts the learner's process, keeps its clock, kills it when
  time is up, and writes the run's report to the grader: what it saw itself (the envelope) and,
  unchecked, what the learner's process claimed (the evidence);
- the **learner's process** finishes the walls it must raise itself (its root, its user, its
  limits, seccomp, the audit guard), says it is ready, runs the teacher's setup, says how that
  went, runs the learner's code (:func:`~qala.grader.run.sandbox.execute`) and sends the
  evidence back to the supervisor — never to the grader, whose pipe it never holds.

The supervisor is started either as ``python -m qala.grader.run.supervisor`` (one run) or forked
from the warm worker (:mod:`~qala.grader.run.worker`). It reads two messages from the grader's job
pipe: first one line of *parameters* (the scratch folder, the datasets, the limits, the modules to
load), then the *job* (the code, what to bring back, the time limit) up to end-of-file. Everything
that does not depend on the job — namespaces, the view, the learner's process with every wall up —
is done between the two, so a sandbox can be started ahead of its job and wait, ready; the job then
pays only for running. A sandbox runs one job at most and is never reused; end-of-file instead of a
job takes it down, leaving nothing behind. Standard library only.
"""

from __future__ import annotations

import io
import json
import os
import signal
import struct
import sys
import time
from collections.abc import Callable
from typing import Any

from . import evidence
from .guard import REFUSED, install_guard
from .later import FRAME, CallsLater  # FRAME: kind, length — the learner process's messages to its supervisor
from .sandbox import execute

MAX_EVIDENCE_BYTES = 32 * 1024 * 1024
REPORT_FD_ENV = "QALA_REPORT_FD"
STARTUP_SECONDS = 60.0  # the interpreter, preloaded modules and the walls, before the learner's clock starts
WARM_UP_AFTER, WARM_UP_NEVER = 0.05, -1.0  # seconds a ready sandbox waits for its job before it warms up (see _warm_while_waiting)

# Qala's own modules that lesson code may import (standard library only, nothing of the grader's
# state): loaded before the walls go up, since Qala's files are not in the learner's view.
LEARNER_MODULES = ("qala.grader.plot",)


def _frame(kind: bytes, payload: bytes) -> bytes:
    return FRAME.pack(kind, len(payload)) + payload


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _learner_process(params: dict, job_fd: int, channel: int, output: int, isolated: bool, nobody: bool, walls, calls_fd: int = -1) -> None:
    """The learner's process, from fork to exit: every wall first, then — once the job is
    there — the teacher's setup, then learner code. Nothing of the job exists in this process
    before its walls are up; a sandbox started ahead of its job waits for it here."""
    from . import confine

    try:
        os.dup2(output, 1)
        os.dup2(output, 2)
        null = os.open("/dev/null", os.O_RDONLY)
        os.dup2(null, 0)
        keep = {0, 1, 2, channel, job_fd, calls_fd}
        for fd in _open_fds():
            if fd not in keep:
                try:
                    os.close(fd)
                except OSError:
                    pass
        sys.dont_write_bytecode = True
        limits = confine.Limits(**params.get("limits", {}))
        confine.set_limits(limits, walls, processes=nobody)
        _preload([*params.get("preload", []), *LEARNER_MODULES])
        confine.keep_freed_memory()
        view = confine.View(params["scratch"], params.get("datasets"), tuple(params.get("hide", ())))
        if isolated:
            confine.enter_view(view, walls)
            work, tmp = confine.WORK, "/tmp"
            datasets = [confine.WORK + "/datasets"]
        else:
            os.chdir(params["scratch"])
            work, tmp = params["scratch"], params["scratch"]
            datasets = [os.path.realpath(params["datasets"])] if params.get("datasets") else []
        os.environ.clear()
        os.environ.update(
            {
                "HOME": work,
                "TMPDIR": tmp,
                "PATH": "/usr/bin:/bin",
                "LANG": "C.UTF-8",
                "PYTHONIOENCODING": "utf-8",
                "OPENBLAS_NUM_THREADS": "1",
                "OMP_NUM_THREADS": "1",
                "MKL_NUM_THREADS": "1",
                "MPLBACKEND": "Agg",
            }
        )
        import tempfile

        tempfile.tempdir = tmp
        skip = set(params.get("skip_walls", ()))
        confine.drop_privileges(walls, to_nobody=nobody)
        if "seccomp" in skip:
            walls.lack("seccomp", "switched off")
        else:
            confine.install_seccomp(walls)
        reads = datasets + confine.View.python_paths() + confine.View.system_paths() + ["/dev/null", "/dev/zero", "/dev/urandom", "/dev/random"]
        if "audit-hook" in skip:
            walls.lack("audit-hook", "switched off")
        else:
            _forget_native()
            install_guard(reads, [work, tmp], os.getpid(), read_only=datasets)
            walls.add("audit-hook")
        dumps = json.dumps
        ready = _frame(b"R", dumps({"walls": walls.as_json()}).encode())
        # Every wall is up; only the CPU limit waits for the job's time limit. A sandbox started
        # ahead of its job waits here (warming pandas in its own memory meanwhile).
        job = _await_job(job_fd, float(params.get("warm_after", WARM_UP_AFTER)))
        if job is None:  # end-of-file instead of a job: the sandbox is being taken down
            os._exit(0)
        confine.limit_cpu(float(job.get("timeout", 10.0)) + 1.0)  # a lowering: the guard allows it
        _write_all(channel, ready)

        def after_setup(error: dict | None) -> None:
            _write_all(channel, _frame(b"S", dumps({"error": error}).encode()))

        def calls_later(so_far: dict) -> list[str]:
            # The hidden calls are not in this process while learner code runs (its frames reach
            # everything here): the supervisor sends them for the evidence so far, and takes the
            # values and printout from that, whatever the code learns afterwards.
            _write_all(channel, _frame(b"V", dumps(so_far, allow_nan=False).encode("utf-8")))
            os.set_blocking(calls_fd, True)  # learner code may have made it non-blocking
            chunks = []
            while chunk := os.read(calls_fd, 1 << 16):
                chunks.append(chunk)
            calls = json.loads(b"".join(chunks) or b"[]")
            return calls if type(calls) is list and all(type(c) is str for c in calls) else []

        result = execute(job, after_setup=after_setup, calls_later=calls_later if job.pop("calls_later", False) else None)
        if result.get("status") != "setup_error":
            data = dumps(result, allow_nan=False).encode("utf-8")
            _write_all(channel, _frame(b"E", data))
        # Done: hang up first, so the supervisor can report while this process's memory is
        # being taken down (exiting a forked pandas process takes a few milliseconds).
        for fd in (channel, 0, 1, 2):
            os.close(fd)
    except BaseException:
        os._exit(3)
    os._exit(0)


def _preload(modules: list[str]) -> None:
    for module in modules:
        if module not in sys.modules:
            try:
                __import__(module)
            except Exception:
                pass  # the learner's own import will say what is wrong


def _await_job(fd: int, warm_after: float = WARM_UP_AFTER) -> dict | None:
    """The job, read from the supervisor up to end-of-file; None if it sends none."""
    _warm_while_waiting(fd, warm_after)
    chunks = []
    while True:
        chunk = os.read(fd, 1 << 16)
        if not chunk:
            break
        chunks.append(chunk)
    os.close(fd)
    return json.loads(b"".join(chunks)) if chunks else None


def _warm_while_waiting(fd: int, after: float = WARM_UP_AFTER) -> None:
    """Until the job arrives, run :func:`warm_up_steps` and a trivial job of Qala's own here.

    The warm worker ran the same steps before it forked, but a fresh fork pays again for the
    memory its first run touches; paying now, while nothing waits, takes that off the next
    check. Only after ``after`` seconds idle; a learner's checks come one at a time, so with a core
    to spare the grader asks for 0; for many at once (validate) for never (< 0): ~50 ms
    of CPU taken from busy runs to save each a millisecond or two (runner.default_runner). It
    stops between steps as soon as the job (or end-of-file) is there.
    """
    import select
    import warnings

    if after < 0 or select.select([fd], [], [], after)[0]:
        return

    pandas, numpy = sys.modules.get("pandas"), sys.modules.get("numpy")
    steps: list[Callable[[], Any]] = [lambda: json.loads(json.dumps(execute({"source": "x = [1, 2.5, 'a']\nprint(x)", "variables": ["x"]})))]
    if pandas is not None:
        steps[1:1] = warm_up_steps(pandas)
    if numpy is not None:  # 16 MiB of heap written and freed, kept for the job (see confine.keep_freed_memory)
        steps.insert(min(4, len(steps)), lambda: [numpy.ones(1 << 18) for _ in range(8)])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for step in steps:
            if select.select([fd], [], [], 0)[0]:
                return
            try:
                step()
            except Exception:  # a warm-up that fails costs speed, never a run
                return


def warm_up_steps(pandas: Any) -> list[Callable[[], Any]]:
    """Small pandas operations that most lessons use, on made-up data, in short steps (each a
    millisecond or two in a fresh fork), the commonest first.

    The warm worker runs them once before it forks (loading pandas' lazy parts), and every
    sandbox waiting for its job runs them again in its own memory, as far as it gets before the
    job arrives. Qala's own code on data of its own: never a lesson's, never a job's; no files,
    no threads.
    """

    text = "when,district,value,count\n2024-01-01,Almaly,1.5,3\n2024-01-02,Bostandyq,2.5,4\n2024-01-03,Almaly,-999,5\n2024-01-03,Almaly,-999,5\n"
    made: dict[str, Any] = {}

    def read() -> None:
        made["frame"] = pandas.read_csv(io.StringIO(text), parse_dates=["when"], na_values=[-999])

    def read_some() -> None:
        pandas.read_csv(io.StringIO(text), usecols=["district", "value"], dtype={"district": str})

    def group() -> None:
        made["means"] = made["frame"].groupby("district")["value"].mean()

    def pick() -> None:
        means = made["means"]
        means.idxmax(), means.idxmin(), means.round(1).sort_values(ascending=False)

    def show() -> None:
        str(made["means"].round(1)), str(made["frame"])

    def encode() -> None:
        json.dumps(evidence.encode(made["means"])), json.dumps(evidence.encode(made["frame"]))

    def aggregate() -> None:
        made["frame"].groupby("district")["value"].agg(["mean", "median", "count"])

    def by_year() -> None:
        frame = made["frame"]
        frame.groupby(["district", frame["when"].dt.year])["count"].sum()

    def clean() -> None:
        frame = made["frame"]
        unique = frame.drop_duplicates()
        unique[unique["value"] > 2], frame["value"].fillna(0).sum(), frame.isna().sum()

    def count() -> None:
        made["frame"]["district"].value_counts()
        _ = pandas.to_datetime(made["frame"]["when"].astype(str)).dt.month  # warms the .dt accessor

    def merge() -> None:
        frame = made["frame"]
        frame.sort_values("value").merge(frame, on="district")

    def pivot() -> None:
        frame = made["frame"]
        frame.pivot_table(index="district", values="value")
        frame.set_index("when").resample("D").mean(numeric_only=True)

    def summarise() -> None:
        made["frame"].describe()

    return [read, read_some, group, pick, show, encode, aggregate, by_year, clean, count, merge, pivot, summarise]


def _forget_native() -> None:
    """Make native escapes a little harder to reach from learner code (seccomp holds regardless).

    ``subprocess`` stays importable (libraries such as matplotlib import it), but its one
    unaudited door, ``_fork_exec``, is replaced, and ``_posixsubprocess`` cannot be imported afresh.
    """
    try:
        import subprocess

        def refuse(*args: Any, **kwargs: Any) -> None:
            raise PermissionError(REFUSED["processes"])

        subprocess._fork_exec = refuse  # type: ignore[attr-defined]
    except ImportError:
        pass
    keep = {"qala", "qala.grader", *LEARNER_MODULES}
    for name in [m for m in sys.modules if m in ("ctypes", "_ctypes", "_posixsubprocess", "readline") or m.startswith(("ctypes.", "qala.")) and m not in keep]:
        del sys.modules[name]
    internal = sys.modules.get("numpy._core._internal") or sys.modules.get("numpy.core._internal")
    if internal is not None and hasattr(internal, "ctypes"):
        try:
            internal.ctypes = None  # type: ignore[attr-defined]  # numpy sets it when ctypes is there
        except Exception:
            pass


def _open_fds() -> list[int]:
    try:
        return [int(n) for n in os.listdir("/proc/self/fd")]
    except OSError:
        import resource

        return list(range(3, min(resource.getrlimit(resource.RLIMIT_NOFILE)[0], 4096)))


def supervise(job_fd: int, report_fd: int, output_fd: int) -> None:
    """Put up a sandbox, wait for its job on ``job_fd``, run it under every wall this machine
    allows, and write the report to ``report_fd``. Never returns.

    Whatever happens — the job runs, the grader closes the pipe without one, the learner's
    process dies while waiting, this supervisor fails — its learner's process is gone and its
    scratch folder removed when it exits; it runs one job at most.
    """
    from . import confine

    walls = confine.Walls()
    header: dict[str, Any] = {"setup": None, "ready": False, "timed_out": False, "overflow": False, "garbled": False, "exit": None, "job": False}
    run: dict[str, Any] = {"pid": None, "reaped": False, "scratch": None, "report": True, "evidence": b"", "started": time.monotonic()}
    try:
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.signal(signal.SIGPIPE, signal.SIG_IGN)
        _prepare_and_run(job_fd, report_fd, output_fd, walls, header, run)
    except BaseException as exc:  # the supervisor itself failed: say so, never pretend
        header["failure"] = f"{type(exc).__name__}: {exc}"[:500]
    try:
        pid = run["pid"]
        if pid is not None and not run["reaped"]:
            try:
                os.kill(pid, signal.SIGKILL)  # it has nothing left to do: see _watch
                if not header.get("done"):
                    os.waitpid(pid, 0)
                    run["reaped"] = True
            except (OSError, ChildProcessError):
                pass
        _let_go_of_output(output_fd)  # the learner's process is gone (or going): its output ends here
        if run["report"]:
            header["wall_ms"] = int((time.monotonic() - run["started"]) * 1000)
            header.setdefault("walls", walls.as_json())
            payload = json.dumps(header).encode()
            try:
                _write_all(report_fd, struct.pack(">I", len(payload)) + payload + run["evidence"])
            except OSError:
                pass
        try:
            os.close(report_fd)  # the grader has its answer now; the clean-up below is ours
        except OSError:
            pass
        if pid is not None and not run["reaped"]:
            try:
                os.waitpid(pid, 0)
            except ChildProcessError:
                pass
        _remove_scratch(run["scratch"])  # the grader removes it too; this covers a grader that was killed
    finally:
        os._exit(0)


def _prepare_and_run(job_fd: int, report_fd: int, output_fd: int, walls, header: dict, run: dict) -> None:
    """The supervisor's work: the walls, the learner's process, the job handed over, the run watched."""
    from . import confine

    pipe = _JobPipe(job_fd)
    params = pipe.params()
    if params is None:
        run["report"] = False
        return
    run["scratch"] = params.get("scratch")
    if pipe.ended() or not os.path.isdir(str(params.get("scratch"))):
        run["report"] = False  # taken down before it was built: nothing to build
        return
    as_root = os.geteuid() == 0
    skip = set(params.get("skip_walls", ()))
    view = confine.View(params["scratch"], params.get("datasets"), tuple(params.get("hide", ())))
    if "namespaces" in skip:
        walls.lack("namespaces", "switched off")
        isolated = False
    else:
        isolated = confine.enter_namespaces(walls, as_root) and confine.build_view(view, walls, confine.NOBODY if as_root else None)
    if not isolated and "namespaces" in walls.held:
        try:
            confine._check(confine._c().umount2(os.fsencode(view.root), 2), "umount")  # MNT_DETACH a half-built view
        except OSError:
            pass
    nobody = as_root and (isolated or _nobody_fits(params))
    if as_root and not nobody:
        walls.lack("nobody", "user nobody cannot read the Python installation or the datasets here")
    if not isolated:
        if params.get("datasets"):
            os.symlink(os.path.realpath(params["datasets"]), os.path.join(params["scratch"], "datasets"))
        if nobody:
            os.chown(params["scratch"], confine.NOBODY, confine.NOBODY)
    channel_r, channel_w = os.pipe()
    job_r, job_w = os.pipe()
    calls_r, calls_w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(channel_r)
        os.close(job_w)
        os.close(calls_w)
        os.close(report_fd)
        _learner_process(params, job_r, channel_w, output_fd, isolated, nobody, walls, calls_r)
    run["pid"] = pid
    os.close(channel_w)
    os.close(job_r)
    os.close(calls_r)
    try:
        pidfd = os.pidfd_open(pid)
    except (AttributeError, OSError):
        pidfd = None
    try:
        data = pipe.job(pid, pidfd)
        if data is None:  # the learner's process ended before its job: nothing of the job ran
            header["lost"] = True
            status, usage = os.wait4(pid, 0)[1:]
            run["reaped"] = True
            header["exit"] = os.waitstatus_to_exitcode(status)
            return
        if not data:  # end-of-file and no job: the grader does not need this sandbox
            run["report"] = False
            return
        run["started"] = time.monotonic()
        header["job"] = True
        job = json.loads(data)
        # The hidden calls stay here until learner code has run (see calls_later in _learner_process).
        calls = job.pop("calls", None) or []
        if calls:
            job["calls_later"] = True
            data = json.dumps(job).encode("utf-8")
        try:
            _write_all(job_w, data)
        except OSError:
            pass  # the learner's process is gone: the watch below says so
        os.close(job_w)
        job_w = -1
        later = CallsLater(calls_w, json.dumps(calls).encode("utf-8"), _take_frame) if calls else None
        calls_w = -1 if later else calls_w
        evidence = _watch(pid, channel_r, float(job.get("timeout", 10.0)), float(job.get("startup", STARTUP_SECONDS)), header, pidfd, later)
        run["evidence"] = later.merged(evidence, header) if later else evidence
        run["reaped"] = not header.get("done")
    finally:
        if job_w >= 0:
            os.close(job_w)
        if calls_w >= 0:
            os.close(calls_w)
        if pidfd is not None:
            os.close(pidfd)


def _let_go_of_output(output_fd: int) -> None:
    """Point this process's stdout and stderr away from the run's output pipe and close it."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, 1)
        os.dup2(null, 2)
        os.close(null)
        if output_fd > 2:
            os.close(output_fd)
    except OSError:
        pass


class _JobPipe:
    """The grader's job pipe, as the supervisor reads it: one line of the sandbox's parameters
    (JSON, written when the sandbox is started), then the job (JSON) up to end-of-file."""

    def __init__(self, fd: int):
        self.fd = fd
        self.buffer = bytearray()
        self.eof = False

    def _fill(self) -> None:
        chunk = os.read(self.fd, 1 << 16)
        if chunk:
            self.buffer += chunk
        else:
            self.eof = True

    def params(self) -> dict | None:
        while b"\n" not in self.buffer:
            if self.eof:
                return None
            self._fill()
        line, _, rest = bytes(self.buffer).partition(b"\n")
        self.buffer = bytearray(rest)
        params = json.loads(line)
        if type(params) is not dict:
            raise ValueError("the sandbox's parameters are not an object")
        return params

    def ended(self) -> bool:
        """Whether the grader has closed the pipe without a job already (does not wait)."""
        import select

        while not self.eof and select.select([self.fd], [], [], 0)[0]:
            self._fill()
        return self.eof and not self.buffer

    def job(self, pid: int, pidfd: int | None) -> bytes | None:
        """The job once all of it is there (empty: end-of-file, no job), or None if the
        learner's process ended before that."""
        import select

        while not self.eof:
            waitables = [self.fd] + ([pidfd] if pidfd is not None else [])
            ready = select.select(waitables, [], [], None if pidfd is not None else 0.05)[0]
            if self.fd in ready:
                self._fill()
            elif pidfd in ready or (pidfd is None and os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None):
                return None
        return bytes(self.buffer)


def _remove_scratch(path: str | None) -> None:
    """Take the run's view down (in this private mount namespace) and remove its folder."""
    if not path or not os.path.isabs(path) or not os.path.basename(path).startswith("qala-run-"):
        return
    try:
        from . import confine

        confine._c().umount2(os.fsencode(path), 2)  # MNT_DETACH; fails harmlessly without a view
    except (OSError, AttributeError):
        pass
    if not os.path.lexists(path):
        return  # the grader removed it already
    import shutil

    def retry(function, target, _exc_info):
        if not os.path.lexists(target):
            return
        try:
            parent = os.path.dirname(target)
            if target != path and (parent == path or parent.startswith(path + os.sep)):
                os.chmod(parent, 0o700)  # inside the folder only: its parent is /tmp
            function(target)
        except OSError:
            pass

    shutil.rmtree(path, onerror=retry)


def _nobody_fits(params: dict) -> bool:
    from . import confine

    needed = confine.View.python_paths() + ([params["datasets"]] if params.get("datasets") else [])
    return confine.nobody_can_use(needed)


def _watch(pid: int, channel: int, timeout: float, startup: float, header: dict, pidfd: int | None, later: CallsLater | None = None) -> bytes:
    """Read the learner process's frames, keep its clock, reap it. Returns the evidence bytes."""
    import select

    buffer = bytearray()
    deadline = time.monotonic() + startup
    frames: list[tuple[bytes, bytes]] = []
    open_channel = True
    exited = None
    limit = MAX_EVIDENCE_BYTES + 16384
    while exited is None:
        left = deadline - time.monotonic()
        if left <= 0:
            header["timed_out"] = header["ready"]
            header["startup_timeout"] = not header["ready"]
            break
        waitables = ([channel] if open_channel else []) + ([pidfd] if pidfd is not None else [])
        ready, _, _ = select.select(waitables, [], [], min(left, 0.05 if pidfd is None else left))
        if channel in ready:
            chunk = os.read(channel, 1 << 16)
            if not chunk:
                open_channel = False
                if len(frames) == 2 and _whole_evidence(buffer):
                    # It sent its evidence and hung up: it is done, and whatever is left of it
                    # (its memory being taken down; or learner code that sent a frame of its
                    # own and closed the channel, which could as well have exited) is killed
                    # and reaped after the report.
                    header["done"] = True
                    os.kill(pid, signal.SIGKILL)
                    break
            else:
                buffer += chunk
                if len(buffer) > limit:
                    header["overflow"] = True
                    break
                if len(frames) < 2 and _take_early_frames(buffer, frames, header):
                    deadline = time.monotonic() + timeout  # "ready": the learner's clock starts now
                if len(frames) == 2 and later is not None:
                    later.take(buffer)
        if pidfd is None or pidfd in ready or not open_channel:
            done, status, usage = os.wait4(pid, os.WNOHANG)
            if done:
                exited = (status, usage)
    if header.get("done"):
        os.close(channel)
        frame = _take_frame(buffer)
        assert frame is not None  # "done" means a whole evidence frame is in the buffer (_whole_evidence)
        return bytes(frame[1])
    if exited is None:
        os.kill(pid, signal.SIGKILL)
        exited = os.wait4(pid, 0)[1:]
    elif open_channel and not header["overflow"]:
        # It has exited: what it wrote last may still sit in the pipe. Nothing else holds the
        # pipe (it could not start processes), so this ends; non-blocking in case something does.
        os.set_blocking(channel, False)
        try:
            while len(buffer) <= limit:
                chunk = os.read(channel, 1 << 16)
                if not chunk:
                    break
                buffer += chunk
        except BlockingIOError:
            pass
        if len(buffer) > limit:
            header["overflow"] = True
        elif len(frames) < 2:
            _take_early_frames(buffer, frames, header)
    status, usage = exited
    header["exit"] = os.waitstatus_to_exitcode(status)
    header["cpu_ms"] = int((usage.ru_utime + usage.ru_stime) * 1000)
    header["cpu_exceeded"] = usage.ru_utime + usage.ru_stime >= timeout
    header["max_rss_kb"] = usage.ru_maxrss
    os.close(channel)
    if header["overflow"] or header["timed_out"]:
        return b""
    # What is left after the two frames the learner's process sent before running learner code
    # is its evidence: exactly one E frame, and nothing after it.
    rest = _take_frame(buffer)
    if rest is None:
        if buffer:
            header["garbled"] = True
        return b""
    kind, body = rest
    if kind != b"E" or buffer:
        header["garbled"] = True
        return b""
    return bytes(body)


def _whole_evidence(buffer: bytearray) -> bool:
    """Whether ``buffer`` holds exactly one whole E frame and nothing after it."""
    if len(buffer) < FRAME.size:
        return False
    kind, length = FRAME.unpack_from(buffer)
    return kind == b"E" and len(buffer) == FRAME.size + length


def _take_early_frames(buffer: bytearray, frames: list, header: dict) -> bool:
    """Take the "ready" and "setup" frames — sent before any learner code ran — off the buffer.

    Returns True when "ready" has just arrived.
    """
    became_ready = False
    while len(frames) < 2:
        frame = _take_frame(buffer)
        if frame is None:
            break
        frames.append(frame)
        kind, body = frame
        if kind == b"R" and len(frames) == 1:
            header["ready"] = became_ready = True
            try:
                header["walls"] = json.loads(body)["walls"]
            except (ValueError, KeyError, TypeError):
                header["garbled"] = True
        elif kind == b"S" and len(frames) == 2:
            try:
                header["setup"] = json.loads(body)
            except ValueError:
                header["garbled"] = True
        else:
            header["garbled"] = True
    return became_ready


def _take_frame(buffer: bytearray) -> tuple[bytes, bytes] | None:
    if len(buffer) < FRAME.size:
        return None
    kind, length = FRAME.unpack_from(buffer)
    if len(buffer) < FRAME.size + length:
        return None
    body = bytes(buffer[FRAME.size : FRAME.size + length])
    del buffer[: FRAME.size + length]
    return kind, body


def main() -> int:
    """One-run entry (``python -I -m qala.grader.run.supervisor``): the job pipe on stdin, the report to a pipe."""
    report_fd = int(os.environ[REPORT_FD_ENV])
    supervise(0, report_fd, output_fd=1)
    return 0  # not reached


if __name__ == "__main__":
    sys.exit(main())
