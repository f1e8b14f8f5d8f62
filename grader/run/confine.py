"""The operating-system walls around learner code (Linux), applied in the sandbox's own processes.

Each wall is tried, and the ones this machine allows are used; :class:`Walls` records which
held, so the runner can report them and the tests can insist on them. In order:

- **namespaces** (``unshare``; as root directly, otherwise inside a new user namespace): a
  private mount table, PID, network, IPC and host-name namespace for every run;
- **a filesystem view**: a fresh tmpfs root holding only the Python installation (read-only),
  the system libraries (read-only), the course's datasets (read-only, at ``/work/datasets``),
  an empty ``/work`` and ``/tmp`` (writable, size-capped) and ``/dev/null`` and friends; the
  course's lessons and Qala's own package are masked even where they sit inside site-packages;
- **a different user** (``nobody``) when started as root, so nothing of the real user's is writable;
- **no privileges**: capabilities dropped, ``no_new_privs``, not dumpable, killed with its parent;
- **seccomp**: a BPF filter, assembled here in pure Python, that refuses new processes, exec,
  sockets, signals to other processes, ptrace, mounts, namespaces, io_uring, keyrings, BPF,
  kernel modules and similar (x86-64 only; elsewhere this wall is absent and reported so);
- **resource limits**: memory (address space), CPU seconds, file size, open files, no core files.

Standard library only, imported lazily and only in CPython on POSIX: Pyodide never loads it.
"""

from __future__ import annotations

import functools
import os
import resource
import stat
import struct
import sys
from dataclasses import dataclass, field
from pathlib import Path

NOBODY = 65534
WORK = "/work"  # the learner's folder inside the view; datasets/ sits in it
TMPFS_BYTES = 64 * 1024 * 1024  # everything a run may write, /work and /tmp together (half each)

# linux/sched.h
CLONE_NEWNS = 0x00020000
CLONE_NEWUTS = 0x04000000
CLONE_NEWIPC = 0x08000000
CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000
CLONE_THREAD = 0x00010000
# linux/mount.h
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_REMOUNT, MS_NOATIME, MS_NODIRATIME, MS_BIND, MS_REC = 32, 1024, 2048, 4096, 16384
MS_PRIVATE, MS_RELATIME = 1 << 18, 1 << 21
# linux/prctl.h
PR_SET_PDEATHSIG, PR_SET_DUMPABLE, PR_SET_NO_NEW_PRIVS, PR_SET_SECCOMP = 1, 4, 38, 22
SECCOMP_MODE_FILTER = 2


class WallError(OSError):
    """A wall could not be put up (the caller decides whether to go on without it)."""


@dataclass
class Walls:
    """Which walls hold around one run, in the words of docs/SECURITY.md."""

    held: list[str] = field(default_factory=list)
    missing: dict[str, str] = field(default_factory=dict)  # wall -> why not

    def add(self, name: str) -> None:
        if name not in self.held:
            self.held.append(name)

    def lack(self, name: str, why: object) -> None:
        self.missing[name] = str(why)[:200]

    def as_json(self) -> dict:
        return {"held": list(self.held), "missing": dict(self.missing)}


# ---------------------------------------------------------------- libc


_libc = None


def _c():
    """libc through ctypes, loaded once (in the trusted part of the process, before learner code)."""
    global _libc
    if _libc is None:
        if not sys.platform.startswith("linux"):
            raise WallError(0, "not Linux")
        import ctypes

        _libc = ctypes.CDLL(None, use_errno=True)
    return _libc


def _check(result: int, what: str) -> int:
    if result == -1:
        import ctypes

        errno = ctypes.get_errno()
        raise WallError(errno, f"{what}: {os.strerror(errno)}")
    return result


def _mount(source: str | None, target: str, fstype: str | None, flags: int, data: str | None = None) -> None:
    enc = lambda s: None if s is None else os.fsencode(s)  # noqa: E731
    _check(_c().mount(enc(source), enc(target), enc(fstype), flags, enc(data)), f"mount {target}")


def _prctl(option: int, value: int) -> None:
    import ctypes

    _check(_c().prctl(option, ctypes.c_ulong(value), ctypes.c_ulong(0), ctypes.c_ulong(0), ctypes.c_ulong(0)), f"prctl {option}")


# ---------------------------------------------------------------- the view of the filesystem


@dataclass(frozen=True)
class View:
    """What the learner's process may see, described on the trusted side and built in the sandbox."""

    root: str  # an empty host folder that becomes the view's root (the run's scratch folder)
    datasets: str | None  # the course's datasets folder, shown read-only at /work/datasets
    hide: tuple[str, ...] = ()  # folders to mask if they fall inside a shown folder

    @staticmethod
    @functools.lru_cache(maxsize=1)
    def python_paths() -> list[str]:
        """The folders the Python installation needs: standard library, extensions, site-packages."""
        import site
        import sysconfig

        found: list[str] = []
        candidates = [sysconfig.get_paths().get(k) for k in ("stdlib", "platstdlib", "purelib", "platlib")]
        candidates += list(getattr(site, "getsitepackages", lambda: [])())
        prefixes = {os.path.realpath(p) for p in (sys.prefix, sys.base_prefix, sys.exec_prefix)}
        candidates += [p for p in sys.path if p and any(os.path.realpath(p).startswith(pre + os.sep) for pre in prefixes)]
        for path in candidates:
            if path and os.path.isdir(path):
                real = os.path.realpath(path)
                if not any(real == f or real.startswith(f + os.sep) for f in found):
                    found = [f for f in found if not f.startswith(real + os.sep)] + [real]
        return found

    @staticmethod
    @functools.lru_cache(maxsize=1)
    def system_paths() -> list[str]:
        """Shared libraries the interpreter and extension modules load, and the time-zone files."""
        return [p for p in ("/lib", "/lib64", "/usr/lib", "/usr/lib64", "/usr/local/lib", "/usr/share/zoneinfo", "/etc/localtime") if os.path.lexists(p)]


def _statvfs_flags(path: str) -> int:
    """The mount flags a read-only re-mount must keep (a user namespace may not drop them)."""
    try:
        f = os.statvfs(path).f_flag
    except OSError:
        return 0
    flags = f & (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC)
    if f & os.ST_NOATIME:
        flags |= MS_NOATIME
    if f & os.ST_NODIRATIME:
        flags |= MS_NODIRATIME
    if f & getattr(os, "ST_RELATIME", 4096):
        flags |= MS_RELATIME
    return flags


def _bind_readonly(source: str, target: str) -> None:
    try:
        _mount(source, target, None, MS_BIND)
    except WallError:
        _mount(source, target, None, MS_BIND | MS_REC)  # a user namespace may insist on the submounts
    _mount(None, target, None, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV | _statvfs_flags(source))


def _make_path(root: str, inside: str, like: str) -> str:
    """Create ``inside`` under ``root`` as a mount point of the same kind as ``like`` (folder or file)."""
    target = root + inside
    if os.path.isdir(like):
        os.makedirs(target, mode=0o755, exist_ok=True)
    else:
        os.makedirs(os.path.dirname(target), mode=0o755, exist_ok=True)
        if not os.path.lexists(target):
            os.close(os.open(target, os.O_CREAT | os.O_WRONLY, 0o644))
    return target


def enter_namespaces(walls: Walls, as_root: bool) -> bool:
    """Unshare mount, PID, network, IPC and UTS namespaces (in a new user namespace unless root).

    Called by the sandbox supervisor: it stays outside the new PID namespace, and its next
    child — the learner's process — becomes that namespace's first process, so every process
    in it dies with it.
    """
    flags = CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS
    try:
        if as_root:
            _check(_c().unshare(flags), "unshare")
        else:
            uid, gid = os.geteuid(), os.getegid()
            _check(_c().unshare(flags | CLONE_NEWUSER), "unshare")
            _write("/proc/self/setgroups", "deny")
            _write("/proc/self/uid_map", f"0 {uid} 1")
            _write("/proc/self/gid_map", f"0 {gid} 1")
            walls.add("user-namespace")
        _mount(None, "/", None, MS_REC | MS_PRIVATE)  # nothing mounted from here on reaches the host
    except (WallError, OSError) as exc:
        walls.lack("namespaces", exc)
        return False
    walls.add("namespaces")
    return True


def _write(path: str, text: str) -> None:
    fd = os.open(path, os.O_WRONLY)
    try:
        os.write(fd, text.encode())
    finally:
        os.close(fd)


def build_view(view: View, walls: Walls, owner: int | None) -> bool:
    """Mount the learner's filesystem view at ``view.root`` (inside the private mount namespace).

    The root itself is a tmpfs made read-only at the end; /work and /tmp are two small
    writable tmpfs mounts, so everything a run writes lives in memory and vanishes with it.
    """
    root = view.root
    try:
        _mount("qala", root, "tmpfs", MS_NOSUID | MS_NODEV, "size=1048576,mode=0755")
        # /work and /tmp first: a Python installed under /tmp (a venv) is then bound inside them.
        for folder, mode in ((WORK, 0o700), ("/tmp", 0o1777 if owner is None else 0o700)):
            os.makedirs(root + folder, mode=0o755)
            # noexec: a library the learner writes here cannot be mapped as code (no native extensions of their own)
            _mount("qala-" + folder.strip("/"), root + folder, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, f"size={TMPFS_BYTES // 2},mode={mode:o}")
            if owner is not None:
                os.chown(root + folder, owner, owner)
        shown: list[str] = []
        for path in View.system_paths():
            if os.path.islink(path):  # /lib -> usr/lib on merged-/usr systems
                os.makedirs(os.path.dirname(root + path), mode=0o755, exist_ok=True)
                os.symlink(os.readlink(path), root + path)
                continue
            _bind_readonly(path, _make_path(root, path, path))
            shown.append(path)
        for path in View.python_paths():
            if not any(path == s or path.startswith(s + os.sep) for s in shown):
                _bind_readonly(path, _make_path(root, path, path))
                shown.append(path)
        if view.datasets and os.path.isdir(view.datasets):
            _bind_readonly(os.path.realpath(view.datasets), _make_path(root, WORK + "/datasets", view.datasets))
        for device in ("/dev/null", "/dev/zero", "/dev/random", "/dev/urandom"):
            if os.path.exists(device):
                _mount(device, _make_path(root, device, device), None, MS_BIND)
        # Mask what must stay secret even where it sits inside a shown folder (a course or
        # Qala installed into site-packages carries the lessons, solutions included).
        secrets = {os.path.realpath(h) for h in view.hide if h}
        for folder in shown:
            candidate = os.path.join(folder, "qala")
            if os.path.isdir(candidate):
                secrets.add(os.path.realpath(candidate))
        for secret in sorted(secrets):
            if os.path.isdir(secret) and any(secret == s or secret.startswith(s + os.sep) for s in shown):
                _mount("qala-hidden", root + secret, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=4096,mode=0555")
        _mount(None, root, None, MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV, None)
    except (WallError, OSError) as exc:
        walls.lack("filesystem-view", exc)
        return False
    walls.add("filesystem-view")
    return True


def enter_view(view: View, walls: Walls) -> None:
    """In the learner's process: make the view its root and /work its folder."""
    os.chroot(view.root)
    os.chdir(WORK)
    walls.add("chroot")


# ---------------------------------------------------------------- the process itself


M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3  # glibc's malloc.h


def keep_freed_memory() -> None:
    """Tune this process's malloc as a long-running interpreter's tunes itself after its first
    large allocations: blocks up to 32 MiB come from the heap and freed memory is kept for the
    next ones, instead of being mapped and unmapped (and zero-filled by the kernel) each time.
    In a fresh fork that makes pandas code as fast as in a warmed-up interpreter. Only speed
    changes (the address-space limit counts both); glibc only, elsewhere nothing happens.
    """
    try:
        libc = _c()
        libc.mallopt(M_MMAP_THRESHOLD, 32 << 20)
        libc.mallopt(M_TRIM_THRESHOLD, 128 << 20)
    except (WallError, OSError, AttributeError):
        pass


@dataclass(frozen=True)
class Limits:
    memory_bytes: int = 2 * 1024**3
    file_bytes: int = 10 * 1024**2
    open_files: int = 64
    processes: int = 64  # only binds a non-root user: see drop_privileges


def set_limits(limits: Limits, walls: Walls, processes: bool) -> None:
    """Resource limits that hold for the whole run (CPU is set separately, just before learner code)."""
    wanted = [
        (resource.RLIMIT_AS, limits.memory_bytes),
        (resource.RLIMIT_FSIZE, limits.file_bytes),
        (resource.RLIMIT_NOFILE, limits.open_files),
        (resource.RLIMIT_CORE, 0),
    ]
    if processes:
        wanted.append((resource.RLIMIT_NPROC, limits.processes))
    for which, value in wanted:
        try:
            soft, hard = resource.getrlimit(which)
            value = value if hard == resource.RLIM_INFINITY else min(value, hard)
            resource.setrlimit(which, (value, value))
        except (ValueError, OSError) as exc:
            walls.lack(f"rlimit-{which}", exc)
    walls.add("rlimits")


def limit_cpu(seconds: float) -> None:
    """From now on, at most ``seconds`` more of CPU time (SIGXCPU, then SIGKILL a second later)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    used = usage.ru_utime + usage.ru_stime
    soft = int(used + seconds) + 1
    try:
        resource.setrlimit(resource.RLIMIT_CPU, (soft, soft + 1))
    except (ValueError, OSError):
        pass


def nobody_can_use(paths: list[str]) -> bool:
    """Whether user nobody could reach these folders (without namespaces it sees the real ones)."""
    for path in paths:
        p = Path(path).resolve()
        for part in [p, *p.parents]:
            try:
                mode = part.stat().st_mode
            except OSError:
                return False
            if not mode & stat.S_IXOTH or (part == p and not mode & stat.S_IROTH):
                return False
    return True


def drop_privileges(walls: Walls, to_nobody: bool) -> None:
    """Become nobody (when root), drop every capability, and stay unprivileged for good."""
    if to_nobody:
        try:
            os.setgroups([])
            os.setgid(NOBODY)
            os.setuid(NOBODY)
            walls.add("nobody")
        except OSError as exc:
            walls.lack("nobody", exc)
    try:
        import ctypes

        header = (ctypes.c_uint32 * 2)(0x20080522, 0)  # _LINUX_CAPABILITY_VERSION_3, this process
        data = (ctypes.c_uint32 * 6)()  # effective, permitted, inheritable, twice: all empty
        _check(_c().capset(header, data), "capset")
        walls.add("no-capabilities")
    except (WallError, OSError) as exc:
        walls.lack("no-capabilities", exc)
    for option, value, name in (
        (PR_SET_NO_NEW_PRIVS, 1, "no-new-privileges"),
        (PR_SET_DUMPABLE, 0, "not-dumpable"),
        (PR_SET_PDEATHSIG, 9, "dies-with-supervisor"),  # after setuid, which clears it
    ):
        try:
            _prctl(option, value)
            walls.add(name)
        except (WallError, OSError) as exc:
            walls.lack(name, exc)


# ---------------------------------------------------------------- seccomp


AUDIT_ARCH_X86_64 = 0xC000003E
RET_KILL_PROCESS = 0x80000000
RET_ALLOW = 0x7FFF0000
EPERM, ENOSYS = 1, 38
TIOCSTI = 0x5412

# x86-64 system call numbers refused outright.
X86_64_REFUSED = {
    "fork": 57,
    "vfork": 58,
    "execve": 59,
    "execveat": 322,
    "socket": 41,
    "socketpair": 53,
    "ptrace": 101,
    "process_vm_readv": 310,
    "process_vm_writev": 311,
    "kcmp": 312,
    "tkill": 200,
    "pidfd_open": 434,
    "pidfd_send_signal": 424,
    "pidfd_getfd": 438,
    "setsid": 112,
    "setpgid": 109,
    "mount": 165,
    "umount2": 166,
    "pivot_root": 155,
    "chroot": 161,
    "unshare": 272,
    "setns": 308,
    "open_tree": 428,
    "move_mount": 429,
    "fsopen": 430,
    "fsconfig": 431,
    "fsmount": 432,
    "fspick": 433,
    "mount_setattr": 442,
    "bpf": 321,
    "perf_event_open": 298,
    "userfaultfd": 323,
    "io_uring_setup": 425,
    "io_uring_enter": 426,
    "io_uring_register": 427,
    "keyctl": 250,
    "add_key": 248,
    "request_key": 249,
    "init_module": 175,
    "finit_module": 313,
    "delete_module": 176,
    "kexec_load": 246,
    "kexec_file_load": 320,
    "reboot": 169,
    "swapon": 167,
    "swapoff": 168,
    "acct": 163,
    "quotactl": 179,
    "syslog": 103,
    "vhangup": 153,
    "settimeofday": 164,
    "clock_settime": 227,
    "adjtimex": 159,
    "clock_adjtime": 305,
    "sethostname": 170,
    "setdomainname": 171,
    "iopl": 172,
    "ioperm": 173,
    "open_by_handle_at": 304,
    "name_to_handle_at": 303,
    "personality": 135,
    "mknod": 133,
    "mknodat": 259,
    "fanotify_init": 300,
    "lookup_dcookie": 212,
}
X86_64 = {"clone": 56, "clone3": 435, "kill": 62, "tgkill": 234, "rt_sigqueueinfo": 129, "rt_tgsigqueueinfo": 297, "ioctl": 16}


def _bpf(code: int, k: int, jt: int = 0, jf: int = 0) -> bytes:
    return struct.pack("=HBBI", code, jt, jf, k & 0xFFFFFFFF)


def _load(offset: int) -> bytes:  # BPF_LD | BPF_W | BPF_ABS
    return _bpf(0x20, offset)


def _jeq(k: int, jt: int, jf: int) -> bytes:  # BPF_JMP | BPF_JEQ | BPF_K
    return _bpf(0x15, k, jt, jf)


def _ret(k: int) -> bytes:  # BPF_RET | BPF_K
    return _bpf(0x06, k)


def seccomp_program(own_pid: int) -> bytes:
    """The filter: x86-64 only; refuse process creation, exec, sockets, signals to others, and the rest."""
    nr, arch = 0, 4
    arg = lambda i: 16 + 8 * i  # noqa: E731  (low 32 bits on little-endian)
    deny = _ret(0x00050000 | EPERM)
    prog = [_load(arch), _jeq(AUDIT_ARCH_X86_64, 1, 0), _ret(RET_KILL_PROCESS), _load(nr)]
    prog += [_bpf(0x35, 0x40000000, 0, 1), deny]  # BPF_JGE: the x32 ABI's numbers
    for number in sorted(X86_64_REFUSED.values()):
        prog += [_jeq(number, 0, 1), deny]
    prog += [_jeq(X86_64["clone3"], 0, 1), _ret(0x00050000 | ENOSYS)]  # glibc falls back to clone
    # clone: threads yes (CLONE_THREAD), processes no.
    prog += [_jeq(X86_64["clone"], 0, 4), _load(arg(0)), _bpf(0x45, CLONE_THREAD, 1, 0), deny, _ret(RET_ALLOW)]
    # Signals only to itself.
    for name in ("kill", "tgkill", "rt_sigqueueinfo", "rt_tgsigqueueinfo"):
        prog += [_jeq(X86_64[name], 0, 4), _load(arg(0)), _jeq(own_pid, 1, 0), deny, _ret(RET_ALLOW)]
    # ioctl: no typing into the terminal (TIOCSTI).
    prog += [_jeq(X86_64["ioctl"], 0, 4), _load(arg(1)), _jeq(TIOCSTI, 0, 1), deny, _load(nr)]
    prog += [_ret(RET_ALLOW)]
    return b"".join(prog)


def install_seccomp(walls: Walls) -> None:
    """Load the filter into this process (needs no_new_privs or CAP_SYS_ADMIN). x86-64 Linux only."""
    import platform

    if platform.machine() not in ("x86_64", "AMD64", "amd64"):
        walls.lack("seccomp", f"no filter for {platform.machine()}")
        return
    try:
        import ctypes

        program = seccomp_program(os.getpid())
        buffer = ctypes.create_string_buffer(program, len(program))

        class SockFprog(ctypes.Structure):
            _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]

        fprog = SockFprog(len(program) // 8, ctypes.addressof(buffer))
        _check(_c().prctl(PR_SET_SECCOMP, ctypes.c_ulong(SECCOMP_MODE_FILTER), ctypes.byref(fprog), ctypes.c_ulong(0), ctypes.c_ulong(0)), "seccomp")
        walls.add("seccomp")
    except (WallError, OSError, AttributeError) as exc:
        walls.lack("seccomp", exc)
