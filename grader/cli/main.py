"""``qala``: one entry point, one line of error in the reader's language, never a traceback."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from . import early

# The commands that read a course as a learner does; the teachers' find theirs themselves (cli/teachers.py).
LEARNER_COMMANDS = frozenset({"lessons", "show", "check", "hint", "solution", "progress", "datasets", "glossary", "export", "badges", "tui"})


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        early.start(argv)  # `qala check`: its sandbox first, the rest of Qala meanwhile (see early.py)
        return _run(argv)
    finally:
        early.discard()


def _run(argv: list[str]) -> int:
    from ..errors import ContentError, QalaError
    from ..i18n import Translator, resolve_language
    from .output import course_here, error_line
    from .parser import build_parser, language_in

    tr = Translator(resolve_language(language_in(argv)))
    parser = build_parser(tr, plugins=early.check_target(argv) is None)
    args = parser.parse_args(argv)
    if args.command is None:
        args = parser.parse_args(argv + ["tui"])
    if args.command in LEARNER_COMMANDS and getattr(args, "course", None) is None:
        args.course = course_here()  # inside a course folder of one's own, as git finds its repository
    try:
        return int(args.run(args) or 0)
    except QalaError as exc:
        text = exc.render(tr) if isinstance(exc, ContentError) else str(exc)
        sys.stderr.write(error_line(tr, text))
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
