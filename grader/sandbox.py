"""Running one job — teacher setup, then learner code — and collecting evidence as plain data.

This module is what executes *inside* the sandbox. In CPython that is two processes per run:

- the **supervisor** (trusted: it never runs learner code) puts up the operating-system walls
  of ``confine.py``, starts the learner's process, keeps its clock, kills it when time is up,
  and writes the run's report to the grader: what it saw itself (the envelope) and, unchecked,
  what the learner's process claimed (the evidence);
- the **learner's process** finishes the walls it must raise itself (its root, its user, its
  limits, seccomp, the audit guard), says it is ready, runs the teacher's setup, says how that
  went, runs the learner's code and sends the evidence back to the supervisor — never to the
  grader, whose pipe it never holds.

The supervisor is started either as ``python -m qala.grader.sandbox`` (one run) or forked from
the warm worker (``worker.py``). In Pyodide there are no processes: ``execute`` runs in the
kernel itself under a step budget. Standard library only; nothing from the trusted side but
evidence.py (and confine.py, which is standard library too).
"""

from __future__ import annotations

import io
import json
import os
import signal
import struct
import sys
import time
from typing import Any, Callable

from . import evidence

LEARNER_FILE = "<your code>"
SETUP_FILE = "<setup>"
MAX_OUTPUT = 64_000  # characters of printed output kept
MAX_EVIDENCE_BYTES = 32 * 1024 * 1024
REPORT_FD_ENV = "QALA_REPORT_FD"
EVIDENCE_FD_ENV = REPORT_FD_ENV  # the old name, for anything that still reads it
STARTUP_SECONDS = 60.0  # the interpreter, preloaded modules and the walls, before the learner's clock starts
# Qala's own modules that lesson code may import (standard library only, nothing of the grader's
# state): loaded before the walls go up, since Qala's files are not in the learner's view.
LEARNER_MODULES = ("qala.grader.plot",)
FRAME = struct.Struct(">cI")  # kind, length: the learner process's messages to its supervisor


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


def execute(job: dict, step_budget: int | None = None, after_setup: Callable[[dict | None], None] | None = None) -> dict:
    """Run a job in this process and return its evidence (a JSON-ready dict).

    ``after_setup`` is told how the teacher's setup went (None: fine) before any learner code runs.
    """
    started = time.perf_counter()
    source = job.get("source", "")
    result: dict[str, Any] = {"status": "ok", "error": None, "values": {}, "calls": []}
    namespace: dict[str, Any] = {"__name__": "__main__", "__builtins__": __builtins__}
    out = _Capped(int(job.get("max_output", MAX_OUTPUT)))
    real_stdout, real_stderr = sys.stdout, sys.stderr
    sys.stdout = sys.stderr = out
    tracer = _step_tracer(step_budget) if step_budget else None
    encode = evidence.encode  # taken before learner code runs
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
            _collect(job, namespace, source, result, tracer, encode)
    finally:
        sys.stdout, sys.stderr = real_stdout, real_stderr
    return _finish(result, out, started)


def _collect(job: dict, namespace: dict, source: str, result: dict, tracer, encode) -> None:
    for name in job.get("variables", []):
        if name in namespace:
            result["values"][name] = encode(namespace[name])
    for call in job.get("calls", []):
        if tracer:
            sys.settrace(tracer)
        try:
            value = eval(compile(call, "<check>", "eval", dont_inherit=True), namespace)
            result["calls"].append({"ok": encode(value)})
        except StepBudgetExceeded:
            result["calls"].append({"error": {"type": "Timeout", "message": "", "line": None, "text": ""}})
        except BaseException as exc:
            result["calls"].append({"error": describe_error(exc, source)})
        finally:
            if tracer:
                sys.settrace(None)


def _finish(result: dict, out: _Capped, started: float) -> dict:
    result["stdout"] = out.getvalue()
    result["stdout_dropped"] = out.dropped
    result["duration_ms"] = int((time.perf_counter() - started) * 1000)
    return result


def _step_tracer(budget: int):
    """A trace function that stops learner code after ``budget`` lines, and keeps stopping it."""
    left = [budget]

    def trace(frame, event, arg):
        if event == "line":
            left[0] -= 1
            if left[0] < 0:
                raise StepBudgetExceeded()
        return trace

    return trace


# ---------------------------------------------------------------- the audit guard (defence in depth)


REFUSED = {
    "processes": "starting other programs or processes is not allowed while your code is being checked",
    "network": "the network is not available while your code is being checked",
    "native": "ctypes and other native code are not allowed while your code is being checked",
    "signals": "sending signals to other programs is not allowed while your code is being checked",
    "read": "your code may read only the datasets folder (datasets/...) and its own files while it is being checked: {path}",
    "write": "your code may write only in its own folder while it is being checked: {path}",
    "datasets": "the datasets are read-only: copy what you need into a variable and change that instead ({path})",
    "internals": "looking into or changing the checker itself is not allowed",
    "limits": "changing the resource limits is not allowed while your code is being checked",
}
_PROCESS_EVENTS = frozenset(
    ("os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.fork", "os.forkpty", "subprocess.Popen", "pty.spawn", "os.startfile", "webbrowser.open")
)
_NETWORK_EVENTS = frozenset(
    ("urllib.Request", "http.client.connect", "http.client.send", "ftplib.connect", "smtplib.connect", "poplib.connect", "imaplib.open", "nntplib.connect", "telnetlib.Telnet.open")
)
_INTERNAL_EVENTS = frozenset(("sys.addaudithook", "gc.get_objects", "gc.get_referrers", "gc.get_referents", "sys._current_frames", "sqlite3.enable_load_extension", "sqlite3.load_extension"))
_DENIED_MODULES = frozenset(("ctypes", "_ctypes", "cffi", "_cffi_backend", "_posixsubprocess", "_xxsubinterpreters", "_testcapi", "_testinternalcapi", "_testbuffer", "_testmultiphase"))
_WRITE_EVENTS = {  # event -> positions of the paths written
    "os.remove": (0,), "os.rmdir": (0,), "os.mkdir": (0,), "os.rename": (0, 1), "os.link": (1,), "os.symlink": (1,),
    "os.chmod": (0,), "os.chown": (0,), "os.utime": (0,), "os.truncate": (0,), "os.chflags": (0,), "os.lchflags": (0,),
    "os.setxattr": (0,), "os.removexattr": (0,), "shutil.rmtree": (0,), "shutil.move": (0, 1), "shutil.copyfile": (1,),
    "shutil.copymode": (1,), "shutil.copystat": (1,), "shutil.copytree": (1,), "shutil.chown": (0,), "shutil.unpack_archive": (1,),
    "shutil.make_archive": (0,), "sqlite3.connect": (0,),
}
_READ_EVENTS = {"os.listdir": (0,), "os.scandir": (0,), "os.link": (0,), "shutil.copyfile": (0,), "shutil.copytree": (0,)}


def install_guard(read_roots: list[str], write_roots: list[str], own_pid: int, read_only: list[str] = ()) -> None:
    """An audit hook (PEP 578) refusing what learner code may not do, with a message it can read.

    Defence in depth, and the only wall where the operating system gives none: an audit hook
    lives inside the process it watches, so native code could remove it — which is why ctypes
    is refused here and the kernel walls (seccomp, namespaces) do the real holding. Everything
    the hook uses is bound now, so patching ``os`` or ``posixpath`` later changes nothing.
    """
    reads = tuple(r.rstrip("/") or "/" for r in read_roots + write_roots)
    writes = tuple(w.rstrip("/") or "/" for w in write_roots)
    frozen = tuple(r.rstrip("/") or "/" for r in read_only)
    lstat, readlink, getcwd, fspath, is_link = os.lstat, os.readlink, os.getcwd, os.fspath, _is_link
    PermissionError_ = PermissionError
    str_, bytes_, int_, isinstance_, type_, len_, any_, bool_, tuple_ = str, bytes, int, isinstance, type, len, any, bool, tuple
    fsdecode = os.fsdecode
    write_flags = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
    messages = dict(REFUSED)
    process_events, network_events, internal_events = _PROCESS_EVENTS, _NETWORK_EVENTS, _INTERNAL_EVENTS
    denied_modules, write_events, read_events = _DENIED_MODULES, dict(_WRITE_EVENTS), dict(_READ_EVENTS)

    def resolve(path: Any) -> str | None:
        if isinstance_(path, int_) or path is None:
            return None
        try:
            text = fspath(path)
        except TypeError:
            return None
        if isinstance_(text, bytes_):
            text = fsdecode(text)
        parts = text.split("/") if text.startswith("/") else getcwd().split("/") + text.split("/")
        resolved: list[str] = []
        hops = 0
        while parts:
            part = parts.pop(0)
            if part in ("", "."):
                continue
            if part == "..":
                if resolved:
                    resolved.pop()
                continue
            candidate = "/" + "/".join(resolved + [part])
            try:
                if is_link(lstat(candidate).st_mode) and hops < 40:
                    hops += 1
                    target = readlink(candidate)
                    parts = (target.split("/") if target.startswith("/") else resolved + target.split("/")) + parts
                    if target.startswith("/"):
                        resolved = []
                    continue
            except OSError:
                pass
            resolved.append(part)
        return "/" + "/".join(resolved)

    def inside(path: str, roots: tuple) -> bool:
        for root in roots:
            if root == "/" or path == root or path.startswith(root + "/"):
                return True
        return False

    def check(path: Any, write: bool) -> None:
        real = resolve(path)
        if real is None:
            return
        shown = fspath(path) if not isinstance_(path, int_) else path
        if write and inside(real, frozen):
            raise PermissionError_(messages["datasets"].format(path=shown))
        if not inside(real, writes if write else reads):
            raise PermissionError_(messages["write" if write else "read"].format(path=shown))

    def hook(event: str, args: tuple) -> None:
        if event == "open":
            path, mode, flags = (tuple_(args) + (None, None, None))[:3]
            wants_write = (type_(flags) is int_ and flags & write_flags) or (isinstance_(mode, str_) and any_(c in mode for c in "wax+"))
            check(path, bool_(wants_write))
        elif event in write_events:
            for i in write_events[event]:
                if i < len_(args):
                    check(args[i], True)
            for i in read_events.get(event, ()):
                if i < len_(args):
                    check(args[i], False)
        elif event in read_events:
            for i in read_events[event]:
                check(args[i] if i < len_(args) and args[i] is not None else ".", False)
        elif event in process_events:
            raise PermissionError_(messages["processes"])
        elif event.startswith("socket.") or event in network_events:
            raise PermissionError_(messages["network"])
        elif event.startswith("ctypes."):
            raise PermissionError_(messages["native"])
        elif event == "import":
            if args and args[0] in denied_modules:
                raise PermissionError_(messages["native" if args[0] != "_posixsubprocess" else "processes"])
        elif event == "os.kill":
            if not args or args[0] != own_pid:
                raise PermissionError_(messages["signals"])
        elif event == "os.killpg":
            raise PermissionError_(messages["signals"])
        elif event in internal_events:
            raise PermissionError_(messages["internals"])
        elif event == "object.__setattr__":
            if len_(args) > 1 and args[1] in ("__code__", "__globals__", "__closure__", "__defaults__", "__kwdefaults__"):
                raise PermissionError_(messages["internals"])
        elif event in ("resource.setrlimit", "resource.prlimit"):
            raise PermissionError_(messages["limits"])
        elif event == "fcntl.ioctl":
            if len_(args) > 1 and args[1] == 0x5412:  # TIOCSTI: typing into the terminal
                raise PermissionError_(messages["processes"])
        elif event.startswith("syslog."):
            raise PermissionError_(messages["network"])

    sys.addaudithook(hook)


def _is_link(mode: int) -> bool:
    return (mode & 0o170000) == 0o120000


# ---------------------------------------------------------------- the learner's process


def _frame(kind: bytes, payload: bytes) -> bytes:
    return FRAME.pack(kind, len(payload)) + payload


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _learner_process(job: dict, channel: int, output: int, isolated: bool, nobody: bool, walls) -> None:
    """The learner's process, from fork to exit: walls first, then setup, then learner code."""
    from . import confine

    try:
        os.dup2(output, 1)
        os.dup2(output, 2)
        null = os.open("/dev/null", os.O_RDONLY)
        os.dup2(null, 0)
        keep = {0, 1, 2, channel}
        for fd in _open_fds():
            if fd not in keep:
                try:
                    os.close(fd)
                except OSError:
                    pass
        sys.dont_write_bytecode = True
        limits = confine.Limits(**job.get("limits", {}))
        confine.set_limits(limits, walls, processes=nobody)
        for module in [*job.get("preload", []), *LEARNER_MODULES]:
            try:
                __import__(module)
            except ImportError:
                pass  # the learner's own import will say what is missing
        view = confine.View(job["scratch"], job.get("datasets"), tuple(job.get("hide", ())))
        if isolated:
            confine.enter_view(view, walls)
            work, tmp = confine.WORK, "/tmp"
            datasets = [confine.WORK + "/datasets"]
        else:
            os.chdir(job["scratch"])
            work, tmp = job["scratch"], job["scratch"]
            datasets = [os.path.realpath(job["datasets"])] if job.get("datasets") else []
        os.environ.clear()
        os.environ.update(
            {
                "HOME": work, "TMPDIR": tmp, "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "PYTHONIOENCODING": "utf-8",
                "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "MPLBACKEND": "Agg",
            }
        )
        import tempfile

        tempfile.tempdir = tmp
        skip = set(job.get("skip_walls", ()))
        confine.drop_privileges(walls, to_nobody=nobody)
        if "seccomp" in skip:
            walls.lack("seccomp", "switched off")
        else:
            confine.install_seccomp(walls)
        confine.limit_cpu(float(job.get("timeout", 10.0)) + 1.0)
        reads = datasets + confine.View.python_paths() + confine.View.system_paths() + ["/dev/null", "/dev/zero", "/dev/urandom", "/dev/random"]
        if "audit-hook" in skip:
            walls.lack("audit-hook", "switched off")
        else:
            _forget_native()
            install_guard(reads, [work, tmp], os.getpid(), read_only=datasets)
            walls.add("audit-hook")
        dumps = json.dumps
        _write_all(channel, _frame(b"R", dumps({"walls": walls.as_json()}).encode()))

        def after_setup(error: dict | None) -> None:
            _write_all(channel, _frame(b"S", dumps({"error": error}).encode()))

        result = execute(job, after_setup=after_setup)
        if result.get("status") != "setup_error":
            data = dumps(result, allow_nan=False).encode("utf-8")
            _write_all(channel, _frame(b"E", data))
    except BaseException:
        os._exit(3)
    os._exit(0)


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
    for name in [m for m in sys.modules if m in ("ctypes", "_ctypes", "_posixsubprocess") or m.startswith(("ctypes.", "qala.")) and m not in keep]:
        del sys.modules[name]
    internal = sys.modules.get("numpy._core._internal") or sys.modules.get("numpy.core._internal")
    if internal is not None and hasattr(internal, "ctypes"):
        try:
            internal.ctypes = None
        except Exception:
            pass


def _open_fds() -> list[int]:
    try:
        return [int(n) for n in os.listdir("/proc/self/fd")]
    except OSError:
        import resource

        return list(range(3, min(resource.getrlimit(resource.RLIMIT_NOFILE)[0], 4096)))


# ---------------------------------------------------------------- the supervisor


def supervise(job: dict, report_fd: int, output_fd: int) -> None:
    """Run one job under every wall this machine allows, and write the report. Never returns."""
    from . import confine

    started = time.monotonic()
    walls = confine.Walls()
    header: dict[str, Any] = {"setup": None, "ready": False, "timed_out": False, "overflow": False, "garbled": False, "exit": None}
    evidence_bytes = b""
    try:
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.signal(signal.SIGPIPE, signal.SIG_IGN)
        as_root = os.geteuid() == 0
        skip = set(job.get("skip_walls", ()))
        view = confine.View(job["scratch"], job.get("datasets"), tuple(job.get("hide", ())))
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
        nobody = as_root and (isolated or _nobody_fits(job))
        if as_root and not nobody:
            walls.lack("nobody", "user nobody cannot read the Python installation or the datasets here")
        if not isolated:
            if job.get("datasets"):
                os.symlink(os.path.realpath(job["datasets"]), os.path.join(job["scratch"], "datasets"))
            if nobody:
                os.chown(job["scratch"], confine.NOBODY, confine.NOBODY)
        channel_r, channel_w = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(channel_r)
            os.close(report_fd)
            _learner_process(job, channel_w, output_fd, isolated, nobody, walls)
        os.close(channel_w)
        evidence_bytes = _watch(pid, channel_r, float(job.get("timeout", 10.0)), float(job.get("startup", STARTUP_SECONDS)), header)
    except BaseException as exc:  # the supervisor itself failed: say so, never pretend
        header["failure"] = f"{type(exc).__name__}: {exc}"[:500]
    header["wall_ms"] = int((time.monotonic() - started) * 1000)
    header.setdefault("walls", walls.as_json())
    payload = json.dumps(header).encode()
    try:
        _write_all(report_fd, struct.pack(">I", len(payload)) + payload + evidence_bytes)
    except OSError:
        pass
    _remove_scratch(job.get("scratch"))  # the grader removes it too; this covers a grader that was killed
    os._exit(0)


def _remove_scratch(path: str | None) -> None:
    """Take the run's view down (in this private mount namespace) and remove its folder."""
    if not path or not os.path.isabs(path) or not os.path.basename(path).startswith("qala-run-"):
        return
    try:
        from . import confine

        confine._c().umount2(os.fsencode(path), 2)  # MNT_DETACH; fails harmlessly without a view
    except (OSError, AttributeError):
        pass
    import shutil

    def retry(function, target, _exc_info):
        try:
            os.chmod(os.path.dirname(target), 0o700)
            function(target)
        except OSError:
            pass

    shutil.rmtree(path, onerror=retry)


def _nobody_fits(job: dict) -> bool:
    from . import confine

    needed = confine.View.python_paths() + ([job["datasets"]] if job.get("datasets") else [])
    return confine.nobody_can_use(needed)


def _watch(pid: int, channel: int, timeout: float, startup: float, header: dict) -> bytes:
    """Read the learner process's frames, keep its clock, reap it. Returns the evidence bytes."""
    import select

    buffer = bytearray()
    deadline = time.monotonic() + startup
    frames: list[tuple[bytes, bytes]] = []
    open_channel = True
    exited = None
    try:
        pidfd = os.pidfd_open(pid)
    except (AttributeError, OSError):
        pidfd = None
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
            else:
                buffer += chunk
                if len(buffer) > limit:
                    header["overflow"] = True
                    break
                if len(frames) < 2 and _take_early_frames(buffer, frames, header):
                    deadline = time.monotonic() + timeout  # "ready": the learner's clock starts now
        if pidfd is None or pidfd in ready or not open_channel:
            done, status, usage = os.wait4(pid, os.WNOHANG)
            if done:
                exited = (status, usage)
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
    if pidfd is not None:
        os.close(pidfd)
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
    """One-run entry (``python -I -m qala.grader.sandbox``): the job on stdin, the report to a pipe."""
    report_fd = int(os.environ[REPORT_FD_ENV])
    job = json.loads(sys.stdin.buffer.read())
    null = os.open("/dev/null", os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    supervise(job, report_fd, output_fd=1)
    return 0  # not reached


if __name__ == "__main__":
    sys.exit(main())
