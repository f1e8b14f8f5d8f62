"""What every command shares: the engine from the options, one-line errors, and printing for a
person (Rich, with the learner's text escaped) or as JSON."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import ContentError, UsageError
from ..i18n import Translator


def fail(message: str) -> int:
    raise UsageError(message)


def one_line(text: str) -> str:
    return " ".join(text.split())


def error_line(tr: Translator, text: str) -> str:
    """One line on stderr for a person: ``qala: error: …`` in their language."""
    return tr.t("qala: error: {message}", message=one_line(text)) + "\n"


def course_here() -> Path | None:
    """The course folder the current folder is in (the nearest with course/course.toml, as git
    finds its repository), or None outside one and in the course that ships with Qala."""
    try:
        here = Path.cwd().resolve()
    except OSError:  # the current folder was deleted
        return None
    for folder in (here, *here.parents):
        if (folder / "course" / "course.toml").is_file():
            from ..content.course_file import bundled_course_root

            return None if folder == bundled_course_root().resolve() else folder
    return None


def engine_from(args: argparse.Namespace):
    """The engine for these options (imported late: `qala --help` stays instant)."""
    from ..engine import Engine

    engine = Engine(course_root=args.course, home=args.home, language=args.lang, course_cache=True)
    if getattr(args, "path", None):  # --path: follow that learning path from now on
        engine.choose_path(args.path)
    return engine


def rich_console():
    from rich.console import Console

    return Console(highlight=False, soft_wrap=False)


def print_json(data: object) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def escape_markup(text: str) -> str:
    from rich.markup import escape

    return escape(text)


def problem_line(problem: ContentError, tr: Translator) -> str:
    """FILE:LINE: message in ``tr``'s language, the file relative to the current folder when it is inside it."""
    if problem.file:
        try:
            rel = os.path.relpath(problem.file)
            if not rel.startswith(".."):
                problem = problem.with_file(rel)
        except ValueError:
            pass
    return problem.render(tr)


def file_slug(name: str) -> str:
    """A learner's name made safe for a file name, in any alphabet (Айгерім stays Айгерім); ids of
    lessons and exercises are ASCII instead (notebook_import.prose.id_slug)."""
    return "".join(ch if ch.isalnum() else "-" for ch in name.strip().lower()).strip("-") or "learner"


Progress = Callable[[int, int], None]  # (done, total): how a long task says how far it is


@contextmanager
def progress_bar(tr: Translator, label: str, quiet: bool = False) -> Iterator[Progress]:
    """A progress bar on stderr while a long task runs, the way pip and Rich show one: what is
    being done, a bar, "12 of 300" and the time left. Nothing when stderr is not a terminal (piped,
    redirected, CI) or when ``quiet`` (``--json``): the caller's output stays clean."""
    if quiet or not sys.stderr.isatty() or os.environ.get("TERM") == "dumb":
        yield lambda done, total: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, ProgressColumn, Task, TextColumn, TimeRemainingColumn
    from rich.progress import Progress as Bar
    from rich.text import Text

    class Counted(ProgressColumn):
        """ "12 of 300", in the reader's language."""

        def render(self, task: Task) -> Text:
            total = int(task.total or 0)
            return Text(tr.t("{done} of {total}", done=int(task.completed), total=total) if total else "")

    columns = (TextColumn("{task.description}"), BarColumn(), Counted(), TextColumn(tr.t("time left:")), TimeRemainingColumn())
    with Bar(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(label, total=None)

        def report(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield report
