"""The Pyodide lock file (pyodide-lock.json) of a site: rewritten to list what the site carries.

Pyodide loads a package only through its lock, and checks each file against the lock's sha256.
A site carries a few wheels, some of them not byte-identical to Pyodide's own builds (PyPI's) and
some unknown to the lock (comm, our own wheels), so the lock is rewritten: entries whose files are
absent are dropped, checksums are recomputed, and the given wheels replace or extend the entries.
"""

from __future__ import annotations

import copy
import email.parser
import hashlib
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

#: The environment Pyodide presents to PEP 508 markers, for a wheel's Requires-Dist.
PYODIDE_MARKERS = {
    "os_name": "posix",
    "sys_platform": "emscripten",
    "platform_system": "Emscripten",
    "platform_machine": "wasm32",
    "implementation_name": "cpython",
    "platform_python_implementation": "CPython",
}


def canonical_name(name: str) -> str:
    """A project name as PEP 503 compares it: `Prompt_Toolkit` and `prompt-toolkit` are one."""
    return re.sub(r"[-_.]+", "-", name).lower()


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass(frozen=True)
class WheelInfo:
    """What a lock entry needs to know about a wheel, read from the wheel itself."""

    name: str
    version: str
    requires: tuple[str, ...]  # Requires-Dist lines, markers included
    imports: tuple[str, ...]  # top-level import names

    @classmethod
    def read(cls, path: Path) -> WheelInfo:
        with zipfile.ZipFile(path) as wheel:
            names = wheel.namelist()
            dist_info = {n.split("/", 1)[0] for n in names if n.split("/", 1)[0].endswith(".dist-info")}
            if len(dist_info) != 1:
                raise ValueError(f"{path.name}: not a wheel (expected one .dist-info folder)")
            (info_dir,) = dist_info
            metadata = email.parser.Parser().parsestr(wheel.read(f"{info_dir}/METADATA").decode())
            if f"{info_dir}/top_level.txt" in names:
                imports = wheel.read(f"{info_dir}/top_level.txt").decode().split()
            else:
                imports = _top_level_imports(names)
        return cls(
            name=metadata["Name"],
            version=metadata["Version"],
            requires=tuple(metadata.get_all("Requires-Dist") or ()),
            imports=tuple(sorted(set(imports))),
        )


def _top_level_imports(names: list[str]) -> list[str]:
    found = set()
    for name in names:
        first, *rest = PurePosixPath(name).parts
        if first.endswith((".dist-info", ".data")):
            continue
        if rest:
            if name.endswith(".py") or "__init__" in name:
                found.add(first)
        elif first.endswith(".py"):
            found.add(first[:-3])
    return sorted(found)


def runtime_requirements(info: WheelInfo, python_version: str) -> list[str]:
    """The projects `info` needs under Pyodide: Requires-Dist with markers evaluated, no extras."""
    from packaging.requirements import (
        Requirement,  # build-time only: never imported in Pyodide
    )

    environment = {
        **PYODIDE_MARKERS,
        "python_version": ".".join(python_version.split(".")[:2]),
        "python_full_version": python_version,
        "implementation_version": python_version,
        "extra": "",
    }
    needed = []
    for line in info.requires:
        requirement = Requirement(line)
        if requirement.marker is None or requirement.marker.evaluate(environment):
            needed.append(canonical_name(requirement.name))
    return needed


#: Projects that carry only a notebook's front end (a JupyterLab or classic-notebook extension):
#: a kernel never imports them, so a requirement on them (ipywidgets names both) is no dependency.
FRONT_END_ONLY = frozenset({"jupyterlab-widgets", "widgetsnbextension"})


@dataclass(frozen=True)
class Rewritten:
    lock: dict
    dropped: tuple[str, ...]  # lock entries whose files the site does not carry
    unmet: tuple[str, ...]  # "package -> dependency" pairs dropped because nothing provides them


def rewrite_lock(
    lock: dict,
    folder: Path,
    wheels: Iterable[Path] = (),
    *,
    base_url: str | None = None,
) -> Rewritten:
    """Rewrite `lock` for a site whose Pyodide packages live in `folder`.

    `wheels` (files inside `folder`) replace the lock's entries of the same project or become new
    entries, with `depends` read from their metadata. Without `base_url` every other entry is kept
    only if its file is in `folder`, with its sha256 recomputed from that file. With `base_url`
    (a full distribution elsewhere) every other entry is kept as it is, its file named by absolute
    URL under `base_url`. Dependencies nothing provides are dropped and reported, since one unknown
    name makes Pyodide refuse to load the whole set.
    """
    python_version = lock.get("info", {}).get("python", "3")
    by_name: dict[str, dict] = {}
    dropped: list[str] = []
    for key, entry in lock.get("packages", {}).items():
        entry = copy.deepcopy(entry)
        if base_url is not None:
            if not re.match(r"^[a-z]+://", entry["file_name"]):
                entry["file_name"] = base_url.rstrip("/") + "/" + entry["file_name"]
        else:
            path = folder / entry["file_name"]
            if not path.is_file():
                dropped.append(key)
                continue
            entry["sha256"] = sha256_of(path)
        by_name[canonical_name(key)] = entry

    requirements: dict[str, list[str]] = {}
    for wheel in wheels:
        wheel = Path(wheel)
        if wheel.parent.resolve() != Path(folder).resolve():
            raise ValueError(f"{wheel} is not inside {folder}")
        info = WheelInfo.read(wheel)
        key = canonical_name(info.name)
        old = by_name.get(key, {})
        by_name[key] = {
            "name": info.name,
            "version": info.version,
            "file_name": wheel.name,
            "install_dir": "site",
            "sha256": sha256_of(wheel),
            "package_type": "package",
            "imports": old.get("imports") or list(info.imports),
            "depends": list(old.get("depends", [])),
            "unvendored_tests": False,
            "tool": old.get("tool", {}),
        }
        if key in dropped:
            dropped.remove(key)
        requirements[key] = [r for r in runtime_requirements(info, python_version) if r not in FRONT_END_ONLY]

    unmet: list[str] = []
    for key, entry in by_name.items():
        depends = list(entry.get("depends", []))
        known = {canonical_name(d) for d in depends}
        for needed in requirements.get(key, []):
            if needed not in known:
                depends.append(needed)
                known.add(needed)
        kept = []
        for dependency in depends:
            if canonical_name(dependency) in by_name:
                kept.append(dependency)
            else:
                unmet.append(f"{key} -> {dependency}")
        entry["depends"] = kept

    rewritten = {k: v for k, v in lock.items() if k != "packages"}
    rewritten["packages"] = dict(sorted(by_name.items()))
    return Rewritten(rewritten, tuple(sorted(dropped)), tuple(unmet))
