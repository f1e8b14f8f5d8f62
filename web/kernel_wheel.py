"""The `qala` wheel a site's kernel preloads: the grader, the in-notebook API and the course.

Written in process rather than with `pip wheel`, because the kernel needs a different wheel from
the one pip builds: only what runs in Pyodide (qala.grader, qala.web.notebook and its startup
file, the course with its datasets), and no dependencies at all — the project's own
dependencies (Textual, Rich, pandas) are for the terminal and must never be pulled into the
kernel. The wheel is reproducible: the same sources give the same bytes (sorted entries, fixed
timestamps and modes). Its file name carries a hash of its contents as a build tag, so a browser
never serves a cached wheel from an earlier build of the site (Pyodide would refuse its checksum).

With `precompile`, the wheel also carries what a kernel would otherwise work out at every start,
worked out by the site's own Pyodide run under Node at build time: every module compiled to
bytecode (`__pycache__/NAME.cpython-3XX.pyc` beside each `.py`, checked against the source by
hash, PEP 552), so a kernel imports the grader without compiling it (about three quarters of its
import time in Pyodide); and the course as parsed there (`qala/course/parsed.pickle`, with a hash
of the texts and the parser it came from: see notebook.parsed_course). A Pyodide of another Python
version ignores the bytecode and compiles the sources, and a kernel whose course or parser differs
from the hash parses the course itself; a build on a machine without Node ships neither.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path, PurePosixPath

from qala.grader import __version__

log = logging.getLogger(__name__)

#: What of qala.web runs in the kernel (the rest builds and serves the site).
KERNEL_WEB_FILES = ("__init__.py", "notebook.py", "views.py", "own_data.py", "icons.py", "kernel_startup.py", "widgets.py")
#: The kernel's startup file inside site-packages (IPython runs it through PYTHONSTARTUP).
STARTUP_FILE = "qala/web/kernel_startup.py"
#: Course files a learner's kernel does not need: code (the dataset generator), teachers' fixtures.
SKIPPED_SUFFIXES = (".py", ".pyc", ".cases.toml")
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
SUMMARY = "Qala in the browser: the grader, the in-notebook API and the course (built by qala web build)."


@dataclass(frozen=True)
class KernelWheel:
    path: Path
    version: str
    files: int
    compiled: int = 0  # files worked out at build time: modules' bytecode, the parsed course (see `precompile`)


def _package_dir(package: str) -> Path:
    return Path(str(files(package)))


def _tree(root: Path, keep) -> Iterator[tuple[PurePosixPath, Path]]:
    for path in sorted(root.rglob("*")):
        rel = PurePosixPath(path.relative_to(root).as_posix())
        if path.is_file() and "__pycache__" not in rel.parts and not any(p.startswith(".") for p in rel.parts) and keep(rel):
            yield rel, path


def _grader_file(rel: PurePosixPath) -> bool:
    return rel.suffix in (".py", ".po", ".mo", ".toml", ".json")


def _course_file(rel: PurePosixPath) -> bool:
    return not rel.name.endswith(SKIPPED_SUFFIXES)


def kernel_files(course_root: Path) -> dict[str, bytes]:
    """Every file of the kernel's `qala` package by its path inside the wheel."""
    contents: dict[str, bytes] = {}
    for rel, path in _tree(_package_dir("qala.grader"), _grader_file):
        contents[f"qala/grader/{rel}"] = path.read_bytes()
    web = _package_dir("qala.web")
    for name in KERNEL_WEB_FILES:
        contents[f"qala/web/{name}"] = (web / name).read_bytes()
    # The course sits where bundled_course_root() finds it: qala/course/course.toml, qala/lessons/.
    course_root = Path(course_root)
    for folder in ("course", "lessons"):
        for rel, path in _tree(course_root / folder, _course_file):
            contents[f"qala/{folder}/{rel}"] = path.read_bytes()
        contents[f"qala/{folder}/__init__.py"] = b""  # importlib.resources needs a package
    return contents


#: Run in Pyodide with the wheel's files under /src: compile every module for the Python that will
#: import it, as if it sat in site-packages (tracebacks name that path), checked by hash (no
#: timestamps involved); then install the files there and parse the course as the kernel would.
COMPILE_SCRIPT = """
import importlib, importlib.util, pathlib, pickle, py_compile, shutil, sysconfig
site = pathlib.Path(sysconfig.get_paths()["purelib"])
for path in sorted(pathlib.Path("/src").rglob("*.py")):
    rel = path.relative_to("/src").as_posix()
    py_compile.compile(str(path), cfile=importlib.util.cache_from_source(str(path)), dfile=str(site / rel),
                       doraise=True, invalidation_mode=py_compile.PycInvalidationMode.CHECKED_HASH)
shutil.copytree("/src/qala", site / "qala", dirs_exist_ok=True)
importlib.invalidate_caches()
from qala.grader.engine import bundled_course_root, load_course
from qala.web.notebook import PARSED_COURSE, course_fingerprint
root = bundled_course_root()
course, problems = load_course(root)
with open(f"/src/qala/{PARSED_COURSE}", "wb") as out:
    pickle.dump(course_fingerprint(root), out)
    pickle.dump(course, out)
"""
#: Where the parsed course sits in the wheel (web/notebook.py's PARSED_COURSE, under qala/).
PARSED_COURSE_FILE = "qala/course/parsed.pickle"


def precompiled(contents: dict[str, bytes], pyodide_dir: Path | None = None) -> dict[str, bytes]:
    """What the kernel would otherwise work out at every start, worked out by Pyodide under Node:
    every module's bytecode and the parsed course, by path in the wheel; empty (and a warning
    logged) where Node or that Pyodide cannot run."""
    from . import pyodide_node

    with tempfile.TemporaryDirectory(prefix="qala-pyc-") as tmp:
        root = Path(tmp)
        for name, data in contents.items():
            target = root / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        try:
            done = pyodide_node.run(COMPILE_SCRIPT, mounts={root: "/src"}, pyodide_dir=pyodide_dir, timeout=300)
        except (pyodide_node.NodeMissing, OSError, RuntimeError) as error:
            log.warning("the kernel's wheel is not precompiled (Pyodide under Node cannot run here): %s", error)
            return {}
        if done.returncode != 0:
            log.warning("the kernel's wheel is not precompiled: %s", (done.stderr or done.stdout).strip()[-300:])
            return {}
        made = sorted([*root.rglob("*.pyc"), root / PARSED_COURSE_FILE])
        return {path.relative_to(root).as_posix(): path.read_bytes() for path in made}


#: Run in Pyodide with wheels unpacked under /src/N (one folder each): install them, import what a
#: kernel imports when it starts, and compile those modules (only: most of Pygments' lexers, say,
#: are never imported) for the Python that will import them, as installed in site-packages, checked
#: by hash (see COMPILE_SCRIPT).
COMPILE_WHEELS_SCRIPT = """
import importlib, importlib.util, pathlib, py_compile, shutil, sys, sysconfig
site = pathlib.Path("/" + sysconfig.get_paths()["purelib"].lstrip("/"))  # "//lib/..." in Pyodide
folders = sorted(pathlib.Path("/src").iterdir())
for folder in folders:
    shutil.copytree(folder, site, dirs_exist_ok=True)
importlib.invalidate_caches()
for name in ("micropip", "piplite.piplite", "ipykernel", "IPython", "jedi", "pyodide_kernel"):
    try:
        importlib.import_module(name)
    except BaseException:
        pass  # under Node, not in a kernel: what it did import is compiled all the same
used = {"/" + m.__file__.lstrip("/") for m in list(sys.modules.values()) if isinstance(getattr(m, "__file__", None), str)}
for folder in folders:
    for path in sorted(folder.rglob("*.py")):
        installed = site / path.relative_to(folder)
        if str(installed) in used:
            py_compile.compile(str(path), cfile=importlib.util.cache_from_source(str(path)), dfile=str(installed),
                               doraise=True, invalidation_mode=py_compile.PycInvalidationMode.CHECKED_HASH)
"""


def precompiled_wheels(wheels: Iterable[Path], cache_dir: Path, pyodide_dir: Path | None = None) -> list[Path]:
    """The kernel's other wheels (IPython and the rest, as PyPI ships them: sources only) with the
    bytecode of each module a kernel imports when it starts added, compiled by the Pyodide in
    `pyodide_dir` under Node, so that no kernel compiles IPython again at every start (about half of
    its import time); else, where Node cannot run, the wheels themselves.

    Each is named with a build tag from a hash of its contents (a browser never mixes it up with
    PyPI's or another build's file), and kept in `cache_dir` by the original's checksum: one compile
    per machine. Only files are added; what the original holds is kept as it is."""
    from . import pyodide_node

    wheels = [Path(w) for w in wheels]
    cache_dir = Path(cache_dir)
    made: dict[Path, Path | None] = {}
    for wheel in wheels:
        folder = cache_dir / hashlib.sha256(wheel.read_bytes()).hexdigest()[:24]
        made[wheel] = next(iter(sorted(folder.glob("*.whl"))), None)
    todo = [w for w in wheels if made[w] is None]
    if todo:
        with tempfile.TemporaryDirectory(prefix="qala-pyc-") as tmp:
            root = Path(tmp)
            for n, wheel in enumerate(todo):
                with zipfile.ZipFile(wheel) as archive:
                    archive.extractall(root / str(n))
            try:
                done = pyodide_node.run(COMPILE_WHEELS_SCRIPT, mounts={root: "/src"}, pyodide_dir=pyodide_dir, timeout=600)
            except (pyodide_node.NodeMissing, OSError, RuntimeError) as error:
                log.warning("the kernel's other wheels are not precompiled (Pyodide under Node cannot run here): %s", error)
                return wheels
            if done.returncode != 0:
                log.warning("the kernel's other wheels are not precompiled: %s", (done.stderr or done.stdout).strip()[-300:])
                return wheels
            for n, wheel in enumerate(todo):
                folder = cache_dir / hashlib.sha256(wheel.read_bytes()).hexdigest()[:24]
                made[wheel] = _with_bytecode(wheel, root / str(n), folder)
    return [made[w] or w for w in wheels]


def _with_bytecode(wheel: Path, unpacked: Path, out_dir: Path) -> Path:
    """A copy of `wheel` with the .pyc files found in `unpacked` added (and listed in its RECORD)."""
    with zipfile.ZipFile(wheel) as archive:
        entries = [(name, archive.read(name)) for name in archive.namelist() if not name.endswith("/")]
    pycs = sorted((p.relative_to(unpacked).as_posix(), p.read_bytes()) for p in unpacked.rglob("*.pyc"))
    digest = hashlib.sha256()
    for name, data in sorted([*entries, *pycs]):
        digest.update(name.encode() + b"\0" + hashlib.sha256(data).digest())
    record = next((i for i, (name, _) in enumerate(entries) if name.endswith(".dist-info/RECORD")), None)
    if record is not None:
        name, data = entries[record]
        lines = data.decode().rstrip("\n").split("\n")
        last = [line for line in lines if line.startswith(name + ",")]
        body = [line for line in lines if not line.startswith(name + ",")]
        entries[record] = (name, ("\n".join([*body, *(_record_line(n, d) for n, d in pycs), *last]) + "\n").encode())
    parts = wheel.name[: -len(".whl")].split("-")
    # name-version[-build]-python-abi-platform: the build tag (it must start with a digit) names these contents.
    tagged = "-".join([parts[0], parts[1], "1" + digest.hexdigest()[:12], *parts[-3:]]) + ".whl"
    out_dir.mkdir(parents=True, exist_ok=True)
    tmp = out_dir / (tagged + ".tmp")
    with zipfile.ZipFile(tmp, "w") as archive:
        _zip_entries(archive, [*entries, *pycs])
    return tmp.replace(out_dir / tagged)


def _record_line(name: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}"


def _zip_entries(archive: zipfile.ZipFile, entries: Iterable[tuple[str, bytes]]) -> None:
    for name, data in entries:
        info = zipfile.ZipInfo(name, ZIP_DATE)
        info.external_attr = 0o644 << 16
        info.compress_type = zipfile.ZIP_DEFLATED
        archive.writestr(info, data, compresslevel=9)


def build_kernel_wheel(course_root: Path, out_dir: Path, precompile: bool = False, pyodide_dir: Path | None = None) -> KernelWheel:
    """Write the kernel's wheel for the course at `course_root` into `out_dir` and return it.

    `precompile` adds the modules' bytecode for the Pyodide in `pyodide_dir` (default: the vendored one)."""
    contents = kernel_files(course_root)
    compiled = precompiled(contents, pyodide_dir) if precompile else {}
    contents |= compiled
    digest = hashlib.sha256()
    for name in sorted(contents):
        digest.update(name.encode() + b"\0" + hashlib.sha256(contents[name]).digest())
    build_tag = "1" + digest.hexdigest()[:12]  # a build tag must start with a digit
    dist_info = f"qala-{__version__}.dist-info"
    # No Requires-Dist on purpose: see the module docstring.
    metadata = f"Metadata-Version: 2.1\nName: qala\nVersion: {__version__}\nSummary: {SUMMARY}\nRequires-Python: >=3.11\n"
    wheel = f"Wheel-Version: 1.0\nGenerator: qala.web.kernel_wheel\nRoot-Is-Purelib: true\nTag: py3-none-any\nBuild: {build_tag}\n"
    entries = sorted(contents.items())
    entries += [(f"{dist_info}/METADATA", metadata.encode()), (f"{dist_info}/WHEEL", wheel.encode()), (f"{dist_info}/top_level.txt", b"qala\n")]
    record = "\n".join([*(_record_line(n, d) for n, d in entries), f"{dist_info}/RECORD,,"]) + "\n"
    entries.append((f"{dist_info}/RECORD", record.encode()))
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"qala-{__version__}-{build_tag}-py3-none-any.whl"
    with zipfile.ZipFile(path, "w") as archive:
        _zip_entries(archive, entries)
    return KernelWheel(path, __version__, len(contents), len(compiled))
