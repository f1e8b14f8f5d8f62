"""The parsed course, kept between runs in the learner's home (``cache/course-*.pickle``).

Parsing every lesson in every language is most of what a cold ``qala check`` does before it can
judge anything; the parsed course, unpickled, takes a few milliseconds. The cache is used only
while nothing it was parsed from has changed: the same course folder, every file the parser
reads there (``course/course.toml``, ``lessons/TRACK/*.md``: names, sizes and modification
times, as Python checks its own bytecode), the parser's code and Qala's and Python's versions.
Anything else (a lesson edited, added or removed; Qala upgraded) parses the course afresh and
writes the cache again. A cache that cannot be read or written is only slower, never wrong.

The pickle is in the learner's own home, written by Qala for that learner; nothing of a
learner's code or of anyone else's files goes into it.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
from pathlib import Path

from .. import __version__
from .course_file import load_course
from .model import Course

CACHE_FORMAT = 1  # bump when what is pickled changes in a way the stamp would not show


def course_stamp(root: Path) -> str:
    """What a parsed course depends on, cheaply: the files the parser reads and the parser."""
    root = Path(root)
    parts = [f"{CACHE_FORMAT}", __version__, sys.version, os.path.abspath(root)]
    files = [root / "course" / "course.toml"]
    lessons = root / "lessons"
    if lessons.is_dir():
        for track in sorted(p for p in lessons.iterdir() if p.is_dir() and p.name != "datasets"):
            files.extend(sorted(track.glob("*.md")))
    here = Path(__file__).parent
    files.extend(sorted(here.glob("*.py")))
    files.append(here.parent / "i18n.py")
    for path in files:
        try:
            stat = path.stat()
            parts.append(f"{path}:{stat.st_size}:{stat.st_mtime_ns}")
        except OSError:
            parts.append(f"{path}:-")
    return hashlib.sha256("\n".join(parts).encode("utf-8", "surrogateescape")).hexdigest()


def cache_file(root: Path, cache_dir: Path) -> Path:
    """Where the parsed course at ``root`` is kept (one file per course folder)."""
    key = hashlib.sha256(f"{root}\0{os.path.abspath(root)}".encode("utf-8", "surrogateescape")).hexdigest()[:16]
    return Path(cache_dir) / f"course-{key}.pickle"


def load_course_cached(root: Path, cache_dir: Path | None) -> Course:
    """The course at ``root``: unpickled from ``cache_dir`` if nothing changed since it was kept
    there, else parsed (:func:`~qala.grader.content.course_file.load_course`) and kept."""
    root = Path(root)
    if cache_dir is None:
        return load_course(root)[0]
    stamp = course_stamp(root)
    path = cache_file(root, cache_dir)
    try:
        with open(path, "rb") as stream:
            if pickle.load(stream) == stamp:
                course = pickle.load(stream)
                if isinstance(course, Course):
                    return course
    except Exception:  # noqa: BLE001 - no cache yet, or an unreadable one: parse instead
        pass
    course = load_course(root)[0]
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(tmp, "wb") as stream:
            pickle.dump(stamp, stream, protocol=pickle.HIGHEST_PROTOCOL)
            pickle.dump(course, stream, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except Exception:  # noqa: BLE001 - no cache is slower, not wrong
        try:
            tmp.unlink()
        except OSError:
            pass
    return course
