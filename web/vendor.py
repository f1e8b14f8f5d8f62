"""Fetch the outside pieces of the offline browser build, pinned by version and sha256.

`vendor.toml` beside this file names them: the core of the npm `pyodide` package, the
pure-Python wheels from PyPI that the kernel loads (at start, or on demand like ipywidgets), and
the wheels that carry a JupyterLab front-end extension (labextension) the site needs. They are fetched with npm and pip into
a cache folder, and anything whose checksum differs from its pin is refused.

    python -m qala.web.vendor [--dest DIR]          fetch what is missing (a no-op when complete)
    python -m qala.web.vendor --update-pins [--pyodide VERSION]
                                                    re-pin from the registries, rewrite vendor.toml
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from .lockfile import canonical_name, sha256_of

PINS_FILE = Path(__file__).with_name("vendor.toml")
ENV_DEST = "QALA_WEB_VENDOR"

#: The npm package's files that a site (and Node) needs: the rest are sources, maps and typings.
CORE_FILES = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip", "pyodide-lock.json")
#: Loaded through the lock when the kernel starts; their `depends` in the lock come along.
KERNEL_PACKAGES = ("micropip", "ipython", "jedi")
#: Installed by the kernel at start too, but absent from Pyodide's lock.
UNLOCKED_PACKAGES = ("comm", "ipython-pygments-lexers")
#: In the site's lock too, but loaded only when first needed (ipywidgets: when a widget is first shown).
ON_DEMAND_PACKAGES = ("ipywidgets",)
#: PyPI wheels whose labextension the site's JupyterLite carries (the widgets' front end); never in the kernel.
LABEXTENSION_WHEELS = ("jupyterlab-widgets",)


class VendorError(Exception):
    """A vendored piece could not be had; `exit_code` is what the command line exits with."""

    exit_code = 1


class ToolMissing(VendorError):
    """The program that fetches a piece (npm, pip) is not installed; `tool` names it."""

    exit_code = 2

    def __init__(self, tool: str, message: str):
        super().__init__(message)
        self.tool = tool


class ChecksumMismatch(VendorError):
    """A file's sha256 differs from its pin."""

    exit_code = 2


@dataclass(frozen=True)
class WheelPin:
    name: str
    version: str
    file: str
    sha256: str


@dataclass(frozen=True)
class Pins:
    pyodide_version: str
    python_version: str  # the Python inside that Pyodide, "3.14": what pip downloads wheels for
    tarball_sha256: str
    core: dict[str, str]  # file name -> sha256
    wheels: tuple[WheelPin, ...]
    labextensions: tuple[WheelPin, ...] = ()  # wheels holding a labextension, for the site's front end

    @classmethod
    def load(cls, path: Path = PINS_FILE) -> Pins:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        pyodide = data["pyodide"]
        return cls(
            pyodide_version=pyodide["version"],
            python_version=pyodide["python"],
            tarball_sha256=pyodide["tarball_sha256"],
            core=dict(pyodide["files"]),
            wheels=tuple(WheelPin(**wheel) for wheel in data.get("wheels", [])),
            labextensions=tuple(WheelPin(**wheel) for wheel in data.get("labextensions", [])),
        )

    def dump(self) -> str:
        lines = [
            "# Every outside piece the offline browser build needs, pinned by version and sha256.",
            "# Fetched into a cache by `python -m qala.web.vendor`; written by",
            "# `python -m qala.web.vendor --update-pins [--pyodide VERSION]` (see web/README.md).",
            "",
            "# The npm package `pyodide`: only its core files are used.",
            "[pyodide]",
            f'version = "{self.pyodide_version}"',
            f'python = "{self.python_version}"',
            f'tarball_sha256 = "{self.tarball_sha256}"',
            "",
            "[pyodide.files]",
            *(f'"{name}" = "{digest}"' for name, digest in self.core.items()),
            "",
            "# Pure-Python wheels from PyPI that the kernel loads at start (the versions Pyodide's",
            "# lock names, and what the lock lacks) or on demand (ipywidgets). Not byte-identical to",
            "# Pyodide's own builds.",
        ]
        for table, wheel in [("wheels", w) for w in self.wheels] + [("labextensions", w) for w in self.labextensions]:
            if table == "labextensions" and wheel == self.labextensions[0]:
                lines += [
                    "",
                    "# Wheels whose labextension (a JupyterLab front-end extension) the site carries: the",
                    "# widgets' front end. Their Python part never goes into the kernel.",
                ]
            lines += [
                "",
                f"[[{table}]]",
                f'name = "{wheel.name}"',
                f'version = "{wheel.version}"',
                f'file = "{wheel.file}"',
                f'sha256 = "{wheel.sha256}"',
            ]
        return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class Vendored:
    """The cache folder once complete: where a site or Node finds each piece."""

    root: Path
    pins: Pins

    @property
    def core_dir(self) -> Path:
        return self.root / f"pyodide-{self.pins.pyodide_version}"

    @property
    def wheel_dir(self) -> Path:
        return self.root / "wheels"

    @property
    def core_files(self) -> list[Path]:
        return [self.core_dir / name for name in self.pins.core]

    @property
    def wheels(self) -> list[Path]:
        return [self.wheel_dir / wheel.file for wheel in self.pins.wheels]

    @property
    def labextension_dir(self) -> Path:
        return self.root / "labextensions"

    @property
    def labextensions(self) -> list[Path]:
        return [self.labextension_dir / wheel.file for wheel in self.pins.labextensions]

    @property
    def lock(self) -> dict:
        return json.loads((self.core_dir / "pyodide-lock.json").read_text(encoding="utf-8"))


def default_dest() -> Path:
    if os.environ.get(ENV_DEST):
        return Path(os.environ[ENV_DEST])
    import platformdirs

    return Path(platformdirs.user_cache_dir("qala")) / "web-vendor"


def verify(path: Path, expected: str) -> None:
    """Raise ChecksumMismatch unless `path` has the sha256 `expected`."""
    actual = sha256_of(path)
    if actual != expected:
        raise ChecksumMismatch(f"checksum mismatch for {path.name}: pinned {expected}, got {actual}")


def _log(message: str) -> None:
    print(message, file=sys.stderr)


def _run(command: list[str], cwd: Path) -> str:
    try:
        done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise ToolMissing(command[0], f"{command[0]} is not installed (install Node.js and npm, e.g. `sudo apt-get install nodejs npm`)") from None
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["(no output)"])[-1]
        raise VendorError(f"{' '.join(command[:3])} failed ({done.returncode}): {last}")
    return done.stdout


def npm_pack(version: str, into: Path, package: str = "pyodide") -> Path:
    """The npm registry's tarball of `package@version` (Pyodide's by default), fetched by npm into `into`."""
    out = _run(["npm", "pack", f"{package}@{version}", "--json", "--pack-destination", str(into)], into)
    return into / json.loads(out)[0]["filename"]


def pip_download(requirements: list[str], python_version: str, into: Path) -> list[Path]:
    """Pure-Python wheels for Pyodide's Python, fetched by pip into `into`, no dependencies."""
    _run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--quiet",
            "--no-deps",
            "--only-binary=:all:",
            "--python-version",
            python_version,
            "--dest",
            str(into),
            *requirements,
        ],
        into,
    )
    return sorted(into.glob("*.whl"))


def _extract_core(tarball: Path, names: Iterable[str], into: Path) -> None:
    with tarfile.open(tarball, "r:gz") as archive:
        for name in names:
            member = archive.getmember(f"package/{name}")
            source = archive.extractfile(member)
            if source is None:
                raise VendorError(f"{tarball.name}: package/{name} is not a file")
            with source, open(into / name, "wb") as target:
                shutil.copyfileobj(source, target)


def _missing(vendored: Vendored) -> tuple[list[str], list[WheelPin], list[WheelPin]]:
    """What the cache lacks, after dropping (with a note) any file whose checksum is off."""

    def good(path: Path, expected: str) -> bool:
        if not path.is_file():
            return False
        try:
            verify(path, expected)
            return True
        except ChecksumMismatch as mismatch:
            _log(f"qala.web.vendor: {mismatch}; fetching it again")
            path.unlink()
            return False

    pins = vendored.pins
    core = [name for name, digest in pins.core.items() if not good(vendored.core_dir / name, digest)]
    wheels = [w for w in pins.wheels if not good(vendored.wheel_dir / w.file, w.sha256)]
    labextensions = [w for w in pins.labextensions if not good(vendored.labextension_dir / w.file, w.sha256)]
    return core, wheels, labextensions


def ensure(
    dest: Path | None = None,
    pins: Pins | None = None,
    *,
    fetch_tarball: Callable[[str, Path], Path] | None = None,
    fetch_wheels: Callable[[list[str], str, Path], list[Path]] | None = None,
) -> Vendored:
    """Make the cache at `dest` complete and checked; fetch only what is missing.

    The fetchers default to `npm_pack` and `pip_download` (tests pass fakes).
    """
    fetch_tarball = fetch_tarball or npm_pack
    fetch_wheels = fetch_wheels or pip_download
    pins = pins or Pins.load()
    vendored = Vendored(Path(dest) if dest else default_dest(), pins)
    core, wheels, labextensions = _missing(vendored)
    if core:
        vendored.core_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=vendored.root, prefix=".fetch-") as tmp:
            _log(f"qala.web.vendor: fetching pyodide@{pins.pyodide_version} with npm")
            tarball = fetch_tarball(pins.pyodide_version, Path(tmp))
            verify(tarball, pins.tarball_sha256)
            _extract_core(tarball, core, Path(tmp))
            for name in core:
                verify(Path(tmp) / name, pins.core[name])
                os.replace(Path(tmp) / name, vendored.core_dir / name)
    for missing, folder in ((wheels, vendored.wheel_dir), (labextensions, vendored.labextension_dir)):
        if not missing:
            continue
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=vendored.root, prefix=".fetch-") as tmp:
            _log(f"qala.web.vendor: fetching {len(missing)} wheels with pip")
            fetch_wheels([f"{w.name}=={w.version}" for w in missing], pins.python_version, Path(tmp))
            for wheel in missing:
                got = Path(tmp) / wheel.file
                if not got.is_file():
                    raise VendorError(f"pip did not deliver {wheel.file}")
                verify(got, wheel.sha256)
                os.replace(got, folder / wheel.file)
    return vendored


def kernel_closure(lock: dict, roots: Iterable[str] = KERNEL_PACKAGES) -> list[dict]:
    """The lock entries of `roots` and everything they depend on, by canonical name."""
    packages = {canonical_name(key): entry for key, entry in lock["packages"].items()}
    seen: dict[str, dict] = {}
    todo = [canonical_name(root) for root in roots]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        if name not in packages:
            raise VendorError(f"pyodide-lock.json has no package {name!r}")
        seen[name] = packages[name]
        todo += [canonical_name(d) for d in packages[name]["depends"]]
    return [seen[name] for name in sorted(seen)]


def update_pins(pyodide_version: str, path: Path = PINS_FILE) -> Pins:
    """Pin `pyodide_version` and the wheels its lock names (latest of the unlocked ones)."""
    with tempfile.TemporaryDirectory(prefix="qala-pins-") as scratch:
        tmp = Path(scratch)
        tarball = npm_pack(pyodide_version, tmp)
        _extract_core(tarball, CORE_FILES, tmp)
        lock = json.loads((tmp / "pyodide-lock.json").read_text(encoding="utf-8"))
        python = ".".join(lock["info"]["python"].split(".")[:2])
        wanted = {canonical_name(e["name"]): e["version"] for e in kernel_closure(lock)}
        wheel_dir = tmp / "wheels"
        wheel_dir.mkdir()
        requirements = [f"{name}=={version}" for name, version in wanted.items()]
        pip_download(requirements + list(UNLOCKED_PACKAGES) + list(ON_DEMAND_PACKAGES), python, wheel_dir)
        labextension_dir = tmp / "labextensions"
        labextension_dir.mkdir()
        pip_download(list(LABEXTENSION_WHEELS), python, labextension_dir)

        def pinned(folder: Path) -> tuple[WheelPin, ...]:
            found = []
            for wheel in sorted(folder.glob("*.whl")):
                name, version = wheel.name.split("-")[:2]
                found.append(WheelPin(canonical_name(name), version, wheel.name, sha256_of(wheel)))
            return tuple(found)

        wheels = pinned(wheel_dir)
        pins = Pins(
            pyodide_version=pyodide_version,
            python_version=python,
            tarball_sha256=sha256_of(tarball),
            core={name: sha256_of(tmp / name) for name in CORE_FILES},
            wheels=wheels,
            labextensions=pinned(labextension_dir),
        )
    Path(path).write_text(pins.dump(), encoding="utf-8")
    return pins


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m qala.web.vendor", description=__doc__.split("\n\n")[0])
    parser.add_argument("--dest", type=Path, help=f"cache folder (default: ${ENV_DEST} or the user cache)")
    parser.add_argument("--pins", type=Path, default=PINS_FILE, help="pins file (default: web/vendor.toml)")
    parser.add_argument("--update-pins", action="store_true", help="re-pin from the registries first")
    parser.add_argument("--pyodide", metavar="VERSION", help="with --update-pins: the npm pyodide version")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    try:
        if args.update_pins:
            version = args.pyodide or Pins.load(args.pins).pyodide_version
            update_pins(version, args.pins)
            _log(f"qala.web.vendor: pinned pyodide@{version} in {args.pins}")
        vendored = ensure(args.dest, Pins.load(args.pins))
    except VendorError as error:
        print(f"qala.web.vendor: {error}", file=sys.stderr)
        return error.exit_code
    _log(f"qala.web.vendor: {vendored.root} complete ({time.perf_counter() - started:.2f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
