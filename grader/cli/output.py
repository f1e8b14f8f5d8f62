"""What every command shares: the engine from the options, one-line errors, and printing for a
person (Rich, with the learner's text escaped) or as JSON."""

from __future__ import annotations

import argparse
import json
import os
import sys

from ..errors import ContentError, UsageError
from ..i18n import Translator


def fail(message: str) -> int:
    raise UsageError(message)


def one_line(text: str) -> str:
    return " ".join(text.split())


def error_line(tr: Translator, text: str) -> str:
    """One line on stderr for a person: ``qala: error: …`` in their language."""
    return tr.t("qala: error: {message}", message=one_line(text)) + "\n"


def engine_from(args: argparse.Namespace):
    """The engine for these options (imported late: `qala --help` stays instant)."""
    from ..engine import Engine

    return Engine(course_root=args.course, home=args.home, language=args.lang)


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
    return "".join(ch if ch.isalnum() else "-" for ch in name.strip().lower()).strip("-") or "learner"
