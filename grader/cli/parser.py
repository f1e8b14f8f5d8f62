"""The command line's grammar: every subcommand and option, argparse speaking the reader's language,
and the subcommands that live outside the core (found by entry point).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from contextlib import contextmanager
from pathlib import Path

from ..i18n import DEFAULT_LANGUAGE, LANGUAGES, Translator, resolve_language
from .learners import (
    cmd_badges,
    cmd_check,
    cmd_datasets,
    cmd_export,
    cmd_glossary,
    cmd_hint,
    cmd_lessons,
    cmd_progress,
    cmd_show,
    cmd_solution,
)
from .output import (
    error_line,
    fail,
    one_line,
)
from .own_data import add_subcommands as own_data_commands
from .teachers import (
    cmd_import,
    cmd_new_course,
    cmd_new_lesson,
    cmd_report,
    cmd_translated,
    cmd_validate,
)


@contextmanager
def _argparse_speaks(tr: Translator):
    """argparse's own words ("usage:", "options", "the following arguments are required: …") in
    ``tr``'s language while the block runs.

    argparse looks them up with the module-level ``_`` and ``ngettext`` it imported from
    :mod:`gettext` (the default domain, which ships no translations); they are taken from Qala's
    catalogs instead, where grader/locale/argparse_messages.py marks them. argparse fills their
    %-fields itself, so the translation is handed over untouched.
    """
    saved = argparse._, argparse.ngettext  # type: ignore[attr-defined]
    argparse._ = lambda message: tr.t(message) if isinstance(message, str) and message else message  # type: ignore[attr-defined]
    argparse.ngettext = tr.ngettext  # type: ignore[attr-defined]
    try:
        yield
    finally:
        argparse._, argparse.ngettext = saved  # type: ignore[attr-defined]


class _Parser(argparse.ArgumentParser):
    """argparse with a one-line error, exit code 2, and every word in the user's language.

    ``tr`` is set on the class that :func:`_parser_class` makes for a language, so that
    subcommands' parsers (made by argparse from ``type(parser)``) speak it too.
    """

    tr = Translator(DEFAULT_LANGUAGE)

    def __init__(self, *args, **kwargs):
        with _argparse_speaks(self.tr):
            super().__init__(*args, **kwargs)

    def parse_args(self, args=None, namespace=None):
        with _argparse_speaks(self.tr):
            return super().parse_args(args, namespace)

    def parse_known_args(self, args=None, namespace=None):
        with _argparse_speaks(self.tr):
            return super().parse_known_args(args, namespace)

    def format_usage(self) -> str:
        with _argparse_speaks(self.tr):
            return super().format_usage()

    def format_help(self) -> str:
        with _argparse_speaks(self.tr):
            return super().format_help()

    def error(self, message: str):
        text = self.tr.t("{message} (see `{command} --help`)", message=one_line(message), command=self.prog)
        sys.stderr.write(error_line(self.tr, text))
        sys.exit(2)


def _parser_class(tr: Translator) -> type[_Parser]:
    return type("_Parser", (_Parser,), {"tr": tr})


def _global_options(parser: argparse.ArgumentParser, suppress: bool, tr: Translator) -> None:
    default = argparse.SUPPRESS if suppress else None
    parser.add_argument("--home", type=Path, default=default, metavar=tr.t("HOME"), help=tr.t("folder for progress and caches (env QALA_HOME)"))
    parser.add_argument("--lang", choices=LANGUAGES, default=default, help=tr.t("language: en, ru or kk (env QALA_LANG)"))
    parser.add_argument("--course", type=Path, default=default, metavar=tr.t("COURSE"), help=tr.t("a course folder other than the bundled one"))
    parser.add_argument(
        "--path",
        default=default,
        metavar=tr.t("LEARNING-PATH"),
        help=tr.t("follow a learning path from now on: school or staff (`qala lessons --json` lists them)"),
    )


def language_in(argv: Sequence[str]) -> str | None:
    """The value of --lang in a command line, read before the parser exists (its help is in that language)."""
    for index, arg in enumerate(argv):
        if arg == "--":
            break
        if arg == "--lang" and index + 1 < len(argv):
            return argv[index + 1]
        if arg.startswith("--lang="):
            return arg.partition("=")[2]
    return None


def build_parser(tr: Translator | None = None, plugins: bool = True) -> argparse.ArgumentParser:
    """The `qala` command line, its help in ``tr``'s language (by default: QALA_LANG, then the system's).
    ``plugins=False``: without the front ends' commands (a `qala check` needs none of them, and
    finding them means reading every installed package's metadata)."""
    tr = tr or Translator(resolve_language())
    parser_class = _parser_class(tr)
    parser = parser_class(prog="qala", description=tr.t("Qala: learn to read your city's data. With no command, opens the terminal app."))
    _global_options(parser, suppress=False, tr=tr)
    commands = parser.add_subparsers(dest="command", metavar=tr.t("COMMAND"), parser_class=parser_class)

    def command(name: str, help: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help, description=help)
        _global_options(sub, suppress=True, tr=tr)
        return sub

    machine = tr.t("machine-readable output")

    sub = command("lessons", tr.t("the course: tracks, lessons and exercises"))
    sub.add_argument("--json", action="store_true", help=machine)
    sub.add_argument("--with-solutions", action="store_true", help=tr.t("add starter and solution code (for teachers)"))
    sub.set_defaults(run=cmd_lessons)

    sub = command("show", tr.t("print a lesson"))
    sub.add_argument("lesson", metavar=tr.t("LESSON"), help=tr.t("a lesson id (`qala lessons` lists them)"))
    sub.set_defaults(run=cmd_show)

    sub = command("check", tr.t("grade a file: exit 0 passed, 1 not passed, 2 bad usage or input"))
    sub.add_argument("lesson", metavar=tr.t("LESSON"), help=tr.t("a lesson id (`qala lessons` lists them)"))
    sub.add_argument("exercise", metavar=tr.t("EXERCISE"), help=tr.t("an exercise id of that lesson"))
    sub.add_argument("file", metavar=tr.t("FILE"), help=tr.t("your code; - reads it from standard input"))
    sub.add_argument("--json", action="store_true", help=machine)
    sub.set_defaults(run=cmd_check)

    sub = command("hint", tr.t("the next hint for an exercise (hints cost a little XP)"))
    sub.add_argument("lesson", metavar=tr.t("LESSON"), help=tr.t("a lesson id (`qala lessons` lists them)"))
    sub.add_argument("exercise", metavar=tr.t("EXERCISE"), help=tr.t("an exercise id of that lesson"))
    sub.set_defaults(run=cmd_hint)

    sub = command("solution", tr.t("the reference solution of an exercise, after its last hint (that exercise then gives no XP)"))
    sub.add_argument("lesson", metavar=tr.t("LESSON"), help=tr.t("a lesson id (`qala lessons` lists them)"))
    sub.add_argument("exercise", metavar=tr.t("EXERCISE"), help=tr.t("an exercise id of that lesson"))
    sub.set_defaults(run=cmd_solution)

    sub = command("progress", tr.t("XP, level, streak and badges"))
    sub.add_argument("--json", action="store_true", help=machine)
    sub.set_defaults(run=cmd_progress)

    sub = command("datasets", tr.t("the city datasets: titles, rows, columns with units, sources"))
    sub.add_argument("--json", action="store_true", help=machine)
    sub.set_defaults(run=cmd_datasets)
    own_data_commands(sub, parser_class, lambda sub: _global_options(sub, suppress=True, tr=tr), tr)

    sub = command("glossary", tr.t("the data words the lessons use, in English, Russian and Kazakh"))
    sub.add_argument("query", nargs="?", metavar=tr.t("WORD"), help=tr.t("only terms whose name or definition contains this (in any language)"))
    sub.add_argument("--json", action="store_true", help=machine)
    sub.set_defaults(run=cmd_glossary)

    sub = command("validate", tr.t("lint and self-test lessons; exit 1 with FILE:LINE: messages"))
    sub.add_argument("paths", nargs="*", type=Path, metavar=tr.t("PATH"), help=tr.t("lesson files or folders (default: the whole course)"))
    sub.add_argument("--strict", action="store_true", help=tr.t("count warnings (e.g. missing translations) as errors"))
    sub.set_defaults(run=cmd_validate)

    sub = command("translated", tr.t("teachers: mark a lesson's translations as up to date with its English text"))
    sub.add_argument("lesson", metavar=tr.t("LESSON"), help=tr.t("a lesson id (`qala lessons` lists them)"))
    sub.add_argument("languages", nargs="*", metavar=tr.t("LANGUAGE"), help=tr.t("ru, kk (default: every translation the lesson has)"))
    sub.set_defaults(run=cmd_translated)

    sub = command("export", tr.t("progress and submissions in one file, for a teacher"))
    sub.add_argument("--out", type=Path, metavar=tr.t("OUT"), help=tr.t("where to write (default: qala-export-NAME.json)"))
    sub.add_argument("--name", metavar=tr.t("NAME"), help=tr.t("your name as your teacher knows it"))
    sub.set_defaults(run=cmd_export)

    sub = command("new", tr.t("teachers: start a new lesson from a template that already validates"))
    kinds = sub.add_subparsers(dest="what", metavar=tr.t("WHAT"), parser_class=parser_class, required=True)
    lesson_sub = kinds.add_parser(
        "lesson",
        help=tr.t("write lessons/TRACK/SLUG.md and list it in course.toml"),
        description=tr.t("write lessons/TRACK/SLUG.md (with comments that teach the format) and list it in course/course.toml"),
    )
    _global_options(lesson_sub, suppress=True, tr=tr)
    lesson_sub.add_argument("track", metavar="TRACK", help=tr.t("a track id of course/course.toml"))
    lesson_sub.add_argument("slug", metavar="SLUG", help=tr.t("the lesson id: lower-case letters, digits and '-'"))
    lesson_sub.add_argument("--title", metavar=tr.t("TITLE"), help=tr.t("the lesson's title (default: from the slug)"))
    lesson_sub.set_defaults(run=cmd_new_lesson)
    course_sub = kinds.add_parser(
        "course",
        help=tr.t("copy a course (the bundled one, or --course) into DIR, to make it your own"),
        description=tr.t("copy a course (the bundled one, or --course) into DIR: course/course.toml, the lessons and the datasets"),
    )
    _global_options(course_sub, suppress=True, tr=tr)
    course_sub.add_argument("dir", type=Path, metavar="DIR", help=tr.t("a new folder for the course"))
    course_sub.set_defaults(run=cmd_new_course)

    sub = command("import", tr.t("teachers: turn an nbgrader or otter-grader notebook into a lesson"))
    sub.add_argument("notebook", type=Path, metavar="NOTEBOOK.ipynb", help=tr.t("the assignment's notebook (with its solutions)"))
    sub.add_argument("--track", required=True, metavar="TRACK", help=tr.t("the track the lesson joins"))
    sub.add_argument("--out", type=Path, metavar=tr.t("OUT"), help=tr.t("where to write (default: lessons/TRACK/NOTEBOOK-NAME.md in the course)"))
    sub.add_argument("--json", action="store_true", help=machine)
    sub.set_defaults(run=cmd_import)

    sub = command("report", tr.t("teachers: regrade exported files and summarise the class"))
    sub.add_argument("files", nargs="+", type=Path, metavar=tr.t("FILE"), help=tr.t("the learners' files from `qala export` or the browser's export()"))
    sub.add_argument("--html", type=Path, metavar=tr.t("OUT"), help=tr.t("also write a self-contained web page with charts"))
    sub.add_argument("--json", action="store_true", help=machine)
    sub.add_argument("--jobs", type=int, metavar="N", help=tr.t("programs regraded at once (default: one per CPU core)"))
    sub.set_defaults(run=cmd_report)

    sub = command("badges", tr.t("your earned badges; --open-badges writes them as Open Badges 3.0 credentials"))
    sub.add_argument("--open-badges", action="store_true", help=tr.t("write each earned badge as an Open Badges 3.0 credential (JSON-LD)"))
    sub.add_argument("--out", type=Path, metavar=tr.t("OUT"), help=tr.t("folder for the credentials (default: qala-badges)"))
    sub.add_argument("--name", metavar=tr.t("NAME"), help=tr.t("your name as it should appear on the credentials"))
    sub.add_argument("--json", action="store_true", help=machine)
    sub.set_defaults(run=cmd_badges)

    for _name, register in _plugins(tr) if plugins else ():
        register(commands, lambda sub: _global_options(sub, suppress=True, tr=tr), tr=tr)
    return parser


def _plugins(tr: Translator):
    """Front-end subcommands, registered through the entry-point group qala.commands:
    ``register(commands, add_globals, tr=Translator)``."""
    from importlib.metadata import entry_points

    for entry in sorted(entry_points(group="qala.commands"), key=lambda e: e.name):
        try:
            yield entry.name, entry.load()
        except ImportError as exc:  # e.g. Textual missing: the core commands still work

            def unavailable(commands, add_globals, tr, _name=entry.name, _exc=exc):
                sub = commands.add_parser(_name, help=tr.t("(unavailable: {error})", error=_exc))
                add_globals(sub)
                sub.set_defaults(run=lambda args: fail(tr.t("`qala {command}` is unavailable: {error}", command=_name, error=_exc)))

            yield entry.name, unavailable
