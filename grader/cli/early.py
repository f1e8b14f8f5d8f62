"""`qala check` starts its sandbox first of all, before the command line is parsed.

The sandbox's interpreter and its pandas import are most of a cold check; everything the
grader does meanwhile (its own imports, the parser with its help in three languages, the
course) happens on the other core. So :func:`start` reads a ``qala check LESSON EXERCISE FILE``
command line the plain way (the global options and ``--json`` only; anything else: nothing is
started early and the check starts its sandbox itself, as before), reads that lesson's front
matter for its needs and the datasets, and has the runner start the sandbox. The check then
:func:`take`\\ s that runner; one that no check takes is closed when the command ends.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

VALUED = ("--home", "--lang", "--course", "--path")  # the global options, each with a value
FLAGS = ("--json",)  # the check's own option without a value

_started: dict[str, Any] = {}


def check_target(argv: Sequence[str]) -> tuple[str | None, str] | None:
    """(the ``--course`` given or None, the lesson id) of a plain ``qala check`` command line;
    None for any other command line, or one this cannot read for certain."""
    course: str | None = None
    words: list[str] = []
    index = 0
    while index < len(argv):
        arg = argv[index]
        if arg.startswith("--"):
            name, equals, value = arg.partition("=")
            if name in VALUED:
                if not equals:
                    if index + 1 >= len(argv):
                        return None
                    index += 1
                    value = argv[index]
                if name == "--course":
                    course = value
            elif not (name in FLAGS and not equals and words[:1] == ["check"]):
                return None  # "--", --help, a misspelt option: the parser says what it means
        elif arg.startswith("-") and arg != "-":
            return None
        else:
            words.append(arg)
        index += 1
    if len(words) != 4 or words[0] != "check":
        return None
    return course, words[1]


def start(argv: Sequence[str]) -> None:
    """For a ``qala check`` command line: start the sandbox its lesson needs, now."""
    target = check_target(argv)
    if target is None:
        return
    course, lesson = target
    from ..content.course_file import lesson_needs
    from ..run.runners import default_runner

    found = lesson_needs(Path(course) if course else None, lesson)
    if found is None:
        return  # no such lesson, or unreadable front matter: the check says why, in its words
    runner = default_runner(one_check=found[0])
    runner.prepare(*found)
    _started.update(course=course, lesson=lesson, runner=runner)


def take(course: Path | None, lesson: str):
    """The runner :func:`start` started for this check (None if it started none for it)."""
    if _started and _started["lesson"] == lesson and (Path(_started["course"]) if _started["course"] else None) == course:
        runner = _started["runner"]
        _started.clear()
        return runner
    discard()
    return None


def discard() -> None:
    """Close a runner that was started and not taken (the command line was not what it seemed)."""
    runner = _started.pop("runner", None)
    _started.clear()
    if runner is not None:
        runner.close()
