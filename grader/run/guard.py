"""The audit-hook wall: a ``sys.addaudithook`` guard installed in the learner's process, last of
its walls. It refuses processes, the network, the grader's internals and native escapes, and any
read or write outside the folders the sandbox may see. Where user namespaces are missing it is
the only file wall (docs/SECURITY.md says what holds where).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import Any

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
    "folders": "opening a folder as a file is not allowed while your code is being checked: use os.listdir or os.scandir with its name ({path})",
}

_PROCESS_EVENTS = frozenset(
    ("os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.fork", "os.forkpty", "subprocess.Popen", "pty.spawn", "os.startfile", "webbrowser.open")
)

_NETWORK_EVENTS = frozenset(
    (
        "urllib.Request",
        "http.client.connect",
        "http.client.send",
        "ftplib.connect",
        "smtplib.connect",
        "poplib.connect",
        "imaplib.open",
        "nntplib.connect",
        "telnetlib.Telnet.open",
    )
)

_INTERNAL_EVENTS = frozenset(
    (
        "sys.addaudithook",
        "gc.get_objects",
        "gc.get_referrers",
        "gc.get_referents",
        "sys._current_frames",
        "sqlite3.enable_load_extension",
        "sqlite3.load_extension",
    )
)

# readline reads and writes history and init files in C, raising no audit event.
_DENIED_MODULES = frozenset(
    (
        "ctypes",
        "_ctypes",
        "cffi",
        "_cffi_backend",
        "_posixsubprocess",
        "_xxsubinterpreters",
        "_testcapi",
        "_testinternalcapi",
        "_testbuffer",
        "_testmultiphase",
        "readline",
    )
)

_WRITE_EVENTS = {  # event -> positions of the paths written
    "os.remove": (0,),
    "os.rmdir": (0,),
    "os.mkdir": (0,),
    "os.rename": (0, 1),
    "os.link": (1,),
    "os.symlink": (1,),
    "os.chmod": (0,),
    "os.chown": (0,),
    "os.utime": (0,),
    "os.truncate": (0,),
    "os.chflags": (0,),
    "os.lchflags": (0,),
    "os.setxattr": (0,),
    "os.removexattr": (0,),
    "shutil.rmtree": (0,),
    "shutil.move": (0, 1),
    "shutil.copyfile": (1,),
    "shutil.copymode": (1,),
    "shutil.copystat": (1,),
    "shutil.copytree": (1,),
    "shutil.chown": (0,),
    "shutil.unpack_archive": (1,),
    "shutil.make_archive": (0,),
    "sqlite3.connect": (0,),
}

_READ_EVENTS = {"os.listdir": (0,), "os.scandir": (0,), "os.link": (0,), "shutil.copyfile": (0,), "shutil.copytree": (0,)}


def install_guard(read_roots: list[str], write_roots: list[str], own_pid: int, read_only: Sequence[str] = ()) -> None:
    """An audit hook (PEP 578) refusing what learner code may not do, with a message it can read.

    Defence in depth, and the only wall where the operating system gives none: an audit hook
    lives inside the process it watches, so native code could remove it — which is why ctypes
    is refused here and the kernel walls (seccomp, namespaces) do the real holding. Everything
    the hook uses is bound now, so patching ``os`` or ``posixpath`` later changes nothing.
    """
    reads = tuple(r.rstrip("/") or "/" for r in read_roots + write_roots)
    writes = tuple(w.rstrip("/") or "/" for w in write_roots)
    frozen = tuple(r.rstrip("/") or "/" for r in read_only)
    lstat, readlink, getcwd, fspath, is_link, stat = os.lstat, os.readlink, os.getcwd, os.fspath, _is_link, os.stat
    PermissionError_, ImportError_ = PermissionError, ImportError
    str_, bytes_, int_, isinstance_, type_, len_, any_, bool_, tuple_ = str, bytes, int, isinstance, type, len, any, bool, tuple
    function_type, getattr_ = type(install_guard), getattr
    fsdecode = os.fsdecode
    import resource

    getrlimit, unlimited, zip_, Exception_ = resource.getrlimit, resource.RLIM_INFINITY, zip, Exception
    write_flags = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
    # A folder's descriptor would let learner code resolve paths against it (os.open(..., dir_fd=fd),
    # os.listdir(fd)), where this hook, which sees only the path, cannot follow: no folder is
    # opened as a descriptor at all. O_TMPFILE names a folder but makes a file in it.
    folder_flags = getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_PATH", 0)
    tmpfile_flag = getattr(os, "O_TMPFILE", -1)
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

    def check(path: Any, write: bool, opening: int | None = None) -> None:
        if isinstance_(path, int_):  # a descriptor: only files are ever opened as one (see folder_flags)
            return
        real = resolve(path)
        if real is None:
            return
        shown = fspath(path)
        if write and inside(real, frozen):
            raise PermissionError_(messages["datasets"].format(path=shown))
        if not inside(real, writes if write else reads):
            raise PermissionError_(messages["write" if write else "read"].format(path=shown))
        if opening is not None and opening & tmpfile_flag != tmpfile_flag:
            folder = bool_(opening & folder_flags)
            if not folder:
                try:
                    folder = stat(real).st_mode & 0o170000 == 0o040000
                except OSError:
                    pass
            if folder:
                raise PermissionError_(messages["folders"].format(path=shown))

    def lowers(args: tuple) -> bool:
        """Whether a setrlimit call only tightens this process's limits (anyone may do that)."""
        try:
            which, limits = args
            if type_(which) is not int_ or type_(limits) is not tuple_ or len_(limits) != 2:
                return False
            for new, old in zip_(limits, getrlimit(which)):
                if type_(new) is not int_ or new == unlimited and old != unlimited or (old != unlimited and new > old) or new < 0 and new != unlimited:
                    return False
            return True
        except Exception_:
            return False

    def fresh_namedtuple_new(target: Any) -> bool:
        """``collections.namedtuple(..., defaults=...)`` (and ``typing.NamedTuple`` with defaults, in
        matplotlib, PIL...) gives the ``__new__`` it has just made from a string its first defaults:
        a function that has none yet, compiled from ``<string>``, is nobody's but the importer's."""
        if type_(target) is not function_type:
            return False
        try:
            code = getattr_(target, "__code__")
            return getattr_(target, "__defaults__") is None and code.co_filename == "<string>" and code.co_name == "<lambda>"
        except Exception_:
            return False

    def hook(event: str, args: tuple) -> None:
        if event == "open":
            path, mode, flags = (tuple_(args) + (None, None, None))[:3]
            wants_write = (type_(flags) is int_ and flags & write_flags) or (isinstance_(mode, str_) and any_(c in mode for c in "wax+"))
            # os.open raises this event with no mode; open() (which never hands out a folder's
            # descriptor: it refuses folders) with its mode, and its opener's os.open raises its own.
            check(path, bool_(wants_write), flags if mode is None and type_(flags) is int_ else None)
        elif event in write_events:
            for i in write_events[event]:
                if i < len_(args):
                    check(args[i], True)
            for i in read_events.get(event, ()):
                if i < len_(args):
                    check(args[i], False)
        elif event in read_events:
            for i in read_events[event]:
                path = args[i] if i < len_(args) and args[i] is not None else "."
                if isinstance_(path, int_):  # os.listdir(fd), os.scandir(fd): by name only
                    raise PermissionError_(messages["read"].format(path=path))
                check(path, False)
        elif event in process_events:
            raise PermissionError_(messages["processes"])
        elif event.startswith("socket.") or event in network_events:
            raise PermissionError_(messages["network"])
        elif event.startswith("ctypes."):
            raise PermissionError_(messages["native"])
        elif event == "import":
            if args and args[0] in denied_modules:
                # An ImportError, so that a library's own `try: import ctypes / except ImportError`
                # (dateutil's Windows time zones, imported by matplotlib) takes its other way.
                raise ImportError_(messages["native" if args[0] != "_posixsubprocess" else "processes"], name=args[0])
        elif event == "os.kill":
            if not args or args[0] != own_pid:
                raise PermissionError_(messages["signals"])
        elif event == "os.killpg":
            raise PermissionError_(messages["signals"])
        elif event in internal_events:
            raise PermissionError_(messages["internals"])
        elif event == "object.__setattr__":
            if len_(args) > 1 and args[1] in ("__code__", "__globals__", "__closure__", "__defaults__", "__kwdefaults__"):
                if not (args[1] == "__defaults__" and fresh_namedtuple_new(args[0])):
                    raise PermissionError_(messages["internals"])
        elif event == "resource.setrlimit":
            if not lowers(args):
                raise PermissionError_(messages["limits"])
        elif event == "resource.prlimit":
            raise PermissionError_(messages["limits"])
        elif event == "fcntl.ioctl":
            if len_(args) > 1 and args[1] == 0x5412:  # TIOCSTI: typing into the terminal
                raise PermissionError_(messages["processes"])
        elif event.startswith("syslog."):
            raise PermissionError_(messages["network"])

    # shutil.rmtree would walk folders by descriptor (refused above): by name, it works as before.
    import shutil

    shutil._use_fd_functions = False  # type: ignore[attr-defined]
    sys.addaudithook(hook)


def _is_link(mode: int) -> bool:
    return (mode & 0o170000) == 0o120000
