"""The `qala` command line: a thin layer over the engine. People get Rich output, machines JSON.

Subcommands that belong to the front ends (`tui`, `web`) are found through the entry-point
group ``qala.commands``, so the core never imports a user interface.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Sequence

from .errors import ContentError, QalaError, UsageError
from .i18n import DEFAULT_LANGUAGE, LANGUAGES, Translator, pick, resolve_language


@contextmanager
def _argparse_speaks(tr: Translator):
    """argparse's own words ("usage:", "options", "the following arguments are required: …") in
    ``tr``'s language while the block runs.

    argparse looks them up with the module-level ``_`` and ``ngettext`` it imported from
    :mod:`gettext` (the default domain, which ships no translations); they are taken from Qala's
    catalogs instead, where grader/locale/argparse_messages.py marks them. argparse fills their
    %-fields itself, so the translation is handed over untouched.
    """
    saved = argparse._, argparse.ngettext
    argparse._ = lambda message: tr.t(message) if isinstance(message, str) and message else message
    argparse.ngettext = tr.ngettext
    try:
        yield
    finally:
        argparse._, argparse.ngettext = saved


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

    def error(self, message: str):  # type: ignore[override]
        text = self.tr.t("{message} (see `{command} --help`)", message=_one_line(message), command=self.prog)
        sys.stderr.write(_error_line(self.tr, text))
        sys.exit(2)


def _error_line(tr: Translator, text: str) -> str:
    """One line on stderr for a person: ``qala: error: …`` in their language."""
    return tr.t("qala: error: {message}", message=_one_line(text)) + "\n"


def _parser_class(tr: Translator) -> type[_Parser]:
    return type("_Parser", (_Parser,), {"tr": tr})


def _global_options(parser: argparse.ArgumentParser, suppress: bool, tr: Translator) -> None:
    default = argparse.SUPPRESS if suppress else None
    parser.add_argument("--home", type=Path, default=default, metavar=tr.t("HOME"), help=tr.t("folder for progress and caches (env QALA_HOME)"))
    parser.add_argument("--lang", choices=LANGUAGES, default=default, help=tr.t("language: en, ru or kk (env QALA_LANG)"))
    parser.add_argument("--course", type=Path, default=default, metavar=tr.t("COURSE"), help=tr.t("a course folder other than the bundled one"))


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


def build_parser(tr: Translator | None = None) -> argparse.ArgumentParser:
    """The `qala` command line, its help in ``tr``'s language (by default: QALA_LANG, then the system's)."""
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

    sub = command("progress", tr.t("XP, level, streak and badges"))
    sub.add_argument("--json", action="store_true", help=machine)
    sub.set_defaults(run=cmd_progress)

    sub = command("datasets", tr.t("the city datasets: titles, rows, columns with units, sources"))
    sub.add_argument("--json", action="store_true", help=machine)
    sub.set_defaults(run=cmd_datasets)

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
    lesson_sub = kinds.add_parser("lesson", help=tr.t("write lessons/TRACK/SLUG.md and list it in course.toml"), description=tr.t("write lessons/TRACK/SLUG.md (with comments that teach the format) and list it in course/course.toml"))
    _global_options(lesson_sub, suppress=True, tr=tr)
    lesson_sub.add_argument("track", metavar="TRACK", help=tr.t("a track id of course/course.toml"))
    lesson_sub.add_argument("slug", metavar="SLUG", help=tr.t("the lesson id: lower-case letters, digits and '-'"))
    lesson_sub.add_argument("--title", metavar=tr.t("TITLE"), help=tr.t("the lesson's title (default: from the slug)"))
    lesson_sub.set_defaults(run=cmd_new_lesson)
    course_sub = kinds.add_parser("course", help=tr.t("copy a course (the bundled one, or --course) into DIR, to make it your own"), description=tr.t("copy a course (the bundled one, or --course) into DIR: course/course.toml, the lessons and the datasets"))
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

    for name, register in _plugins(tr):
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
                sub.set_defaults(run=lambda args: _fail(tr.t("`qala {command}` is unavailable: {error}", command=_name, error=_exc)))

            yield entry.name, unavailable


def _fail(message: str) -> int:
    raise UsageError(message)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    tr = Translator(resolve_language(language_in(argv)))
    parser = build_parser(tr)
    args = parser.parse_args(argv)
    if args.command is None:
        args = parser.parse_args(argv + ["tui"])
    try:
        return int(args.run(args) or 0)
    except QalaError as exc:
        text = exc.render(tr) if isinstance(exc, ContentError) else str(exc)
        sys.stderr.write(_error_line(tr, text))
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


def _one_line(text: str) -> str:
    return " ".join(text.split())


def engine_from(args: argparse.Namespace):
    """The engine for these options (imported late: `qala --help` stays instant)."""
    from .engine import Engine

    return Engine(course_root=args.course, home=args.home, language=args.lang)


def _console():
    from rich.console import Console

    return Console(highlight=False, soft_wrap=False)


def _print_json(data: object) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


# ---------------------------------------------------------------- commands


STATUS_MARKS = {"done": "✔", "in_progress": "◐", "available": "○", "locked": "🔒"}


def cmd_lessons(args) -> int:
    engine = engine_from(args)
    lang = engine.language
    tr = engine.tr
    views = engine.course_map()
    passed = engine.progress_data().passed()
    if args.json:
        tracks = []
        for view in views:
            lessons = []
            for lv in view.lessons:
                text = lv.lesson.text(lang)
                exercises = []
                for exercise in lv.lesson.exercises:
                    item = {"id": exercise.id, "title": text.exercises[exercise.id].title, "passed": (lv.lesson.id, exercise.id) in passed, "hints": exercise.hint_count}
                    if args.with_solutions:
                        item |= {"starter": exercise.starter, "solution": exercise.solution, "setup": exercise.setup}
                    exercises.append(item)
                lessons.append({
                    "id": lv.lesson.id, "title": text.title, "summary": text.summary, "status": lv.status,
                    "audience": lv.lesson.audience, "minutes": lv.lesson.minutes, "datasets": list(lv.lesson.datasets),
                    "needs": list(lv.lesson.needs), "exercises": exercises,
                })
            tracks.append({"id": view.track.id, "title": view.track.title_in(lang), "description": pick(view.track.description, lang), "lessons": lessons})
        _print_json({"course": engine.course.info.id, "language": lang, "tracks": tracks})
        return 0
    from rich.tree import Tree

    console = _console()
    tree = Tree(f"[bold]{pick(engine.course.info.title, lang)}[/]")
    for view in views:
        branch = tree.add(f"[bold cyan]{view.track.title_in(lang)}[/] [dim]({view.track.id})[/]  {view.done}/{view.total}")
        for lv in view.lessons:
            text = lv.lesson.text(lang)
            node = branch.add(f"{STATUS_MARKS[lv.status]} {text.title} [dim]{lv.lesson.id}[/]  {lv.done}/{lv.total}")
            for exercise in lv.lesson.exercises:
                mark = "✔" if (lv.lesson.id, exercise.id) in passed else "·"
                node.add(f"{mark} {text.exercises[exercise.id].title} [dim]{exercise.id}[/]")
                if args.with_solutions:
                    from rich.syntax import Syntax

                    node.add(Syntax(exercise.solution, "python", theme="ansi_dark"))
    console.print(tree)
    for problem in engine.course.problems:
        console.print(f"[yellow]{tr.t('Skipped a broken lesson:')}[/] {_escape(_relative(problem, tr))}")
    return 0


def cmd_show(args) -> int:
    from rich.markdown import Markdown

    from .markdown import lesson_markdown

    engine = engine_from(args)
    lesson = engine.lesson(args.lesson)
    console = _console()
    console.print(Markdown(lesson_markdown(lesson, engine.tr)))
    ids = ", ".join(e.id for e in lesson.exercises)
    console.print(f"\n[dim]{engine.tr.t('Exercises: {ids}. Check one with: qala check {lesson} EXERCISE FILE', ids=ids, lesson=lesson.id)}[/]")
    return 0


def _read_source(path: str, tr: Translator) -> str:
    if path == "-":
        return sys.stdin.read()
    file = Path(path)
    if not file.is_file():
        raise UsageError(tr.t("no such file: {path}", path=path))
    try:
        return file.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise UsageError(tr.t("{path} is not UTF-8 text", path=path)) from None
    except OSError as exc:
        raise UsageError(tr.t("cannot read {path}: {error}", path=path, error=exc.strerror)) from None


def cmd_check(args) -> int:
    from .runner import default_runner, prepare_for_lesson

    # The sandbox first (its Python, the lesson's modules, its walls): it gets ready on another
    # core while the course is read here, and the check hands it the code when it is.
    runner = default_runner()
    prepare_for_lesson(runner, args.course, args.lesson)
    from .engine import Engine

    engine = Engine(course_root=args.course, home=args.home, language=args.lang, runner=runner)
    lesson = engine.lesson(args.lesson)
    engine.exercise(lesson, args.exercise)
    source = _read_source(args.file, engine.tr)
    outcome = engine.check(args.lesson, args.exercise, source)
    if args.json:
        _print_json(outcome.as_json())
    else:
        _print_outcome(outcome, engine)
    return 0 if outcome.passed else 1


def _print_outcome(outcome, engine) -> None:
    console = _console()
    tr = engine.tr
    for item in outcome.grade.feedback:
        mark = "[green]✔[/]" if item.passed else "[red]✘[/]"
        console.print(f"{mark} {_escape(item.message)}")
    if outcome.passed:
        console.print(f"\n[bold green]{tr.t('Passed!')}[/] " + (tr.t("+{xp} XP", xp=outcome.xp_gained) if outcome.xp_gained else tr.t("(already passed before: no new XP)")))
        if outcome.level_up:
            console.print(f"[bold magenta]{tr.t('Level up! You are now level {level}: {title}', level=outcome.level.number, title=pick(outcome.level.title, engine.language))}[/]")
        for badge in outcome.new_badges:
            console.print(f"[bold yellow]{badge.icon} {tr.t('New badge: {title}', title=pick(badge.title, engine.language))}[/]")
    else:
        console.print(f"\n[bold red]{tr.t('Not passed yet.')}[/] {tr.t('Fix what is marked ✘ and check again; `qala hint` gives a hint.')}")


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)


def cmd_hint(args) -> int:
    engine = engine_from(args)
    hint = engine.hint(args.lesson, args.exercise)
    console = _console()
    cost = engine.tr.nt("this hint cost {n} XP", "this hint cost {n} XP", hint.cost) if hint.cost else engine.tr.t("no XP cost")
    console.print(f"[bold]{engine.tr.t('Hint {number} of {total}', number=hint.number, total=hint.total)}[/] [dim]({cost})[/]")
    from rich.markdown import Markdown

    console.print(Markdown(hint.text))
    return 0


def cmd_progress(args) -> int:
    engine = engine_from(args)
    view = engine.progress()
    lang = engine.language
    tr = engine.tr
    if args.json:
        _print_json(view.as_json(lang))
        return 0
    console = _console()
    console.print(f"[bold]{tr.t('Level {level}: {title}', level=view.level.number, title=pick(view.level.title, lang))}[/]  {view.xp} XP" + (f"  [dim]({tr.t('{xp} XP to the next level', xp=view.next_level.xp - view.xp)})[/]" if view.next_level else ""))
    console.print(tr.nt("Streak: {n} day", "Streak: {n} days", view.streak) + "  " + tr.t("(longest: {days})", days=view.longest_streak))
    console.print(tr.t("Exercises passed: {done} of {total}", done=view.exercises_done, total=view.exercises_total))
    for badge_view in view.badges:
        badge = badge_view.badge
        if badge_view.earned_at:
            console.print(f"  {badge.icon} [bold]{pick(badge.title, lang)}[/] [dim]{tr.date(badge_view.earned_at[:10])}[/]")
        else:
            console.print(f"  [dim]· {pick(badge.title, lang)} — {pick(badge.description, lang)}[/]")
    return 0


def cmd_datasets(args) -> int:
    from .course_file import bundled_course_root
    from .datasets import load_datasets

    root = args.course or bundled_course_root()
    lang = resolve_language(args.lang)
    datasets, problems = load_datasets(Path(root) / "lessons" / "datasets")
    if args.json:
        _print_json({"datasets": [d.as_json(lang) for d in datasets.values()], "problems": [p.render(Translator(lang)) for p in problems]})
        return 0
    from rich.table import Table

    console = _console()
    tr = Translator(lang)
    table = Table(title=tr.t("City datasets"), show_lines=False)
    for header in (tr.t("id"), tr.t("title"), tr.t("rows"), tr.t("columns (units)")):
        table.add_column(header)
    for dataset in datasets.values():
        columns = ", ".join(f"{c.name}" + (f" ({c.unit})" if c.unit else "") for c in dataset.columns)
        table.add_row(dataset.id, pick(dataset.title, lang), tr.number(dataset.rows), columns)
    console.print(table)
    for problem in problems:
        console.print(f"[yellow]{_escape(_relative(problem, tr))}[/]")
    return 0


def cmd_glossary(args) -> int:
    from .course_file import bundled_course_root
    from .glossary import load_glossary

    lang = resolve_language(args.lang)
    tr = Translator(lang)
    glossary = load_glossary(Path(args.course or bundled_course_root()))
    terms = glossary.search(args.query or "", lang)
    if args.json:
        _print_json(glossary.as_json(lang) | {"terms": [t.as_json(lang) for t in terms]})
        return 0
    from rich.padding import Padding
    from rich.text import Text

    console = _console()
    if not glossary.terms:
        console.print(tr.t("This course has no glossary yet."))
    elif not terms:
        console.print(tr.t("No term matches “{query}”.", query=args.query))
    for term in terms:
        others = " · ".join(f"{code}: {term.names[code]}" for code in LANGUAGES if code != lang and code in term.names)
        console.print(f"[bold]{_escape(term.name(lang))}[/]  [dim]{_escape(others)}[/]")
        console.print(Padding(Text(term.definition(lang)), (0, 0, 0, 2), expand=False))
    for problem in glossary.problems:
        if not problem.warning:
            console.print(f"[yellow]{_escape(_relative(problem, tr))}[/]")
    return 0


def cmd_validate(args) -> int:
    from .course_file import bundled_course_root
    from .engine import default_home
    from .validate import find_course_root, validate

    tr = Translator(resolve_language(args.lang))
    paths = args.paths or None
    if args.course:
        root = args.course
    elif paths:
        for path in paths:
            if not path.exists():
                raise UsageError(tr.t("no such file or folder: {path}", path=path))
        root = find_course_root(paths[0]) or bundled_course_root()
    else:
        root = bundled_course_root()
    home = args.home or default_home()
    report = validate(Path(root), paths, cache_dir=Path(home) / "cache" / "reference", language=tr.language)
    for problem in report.problems:
        print(_relative(problem, tr))
    errors, warnings = len(report.errors), len(report.warnings)
    # TRANSLATORS: the summary of `qala validate`; each field is a number with its noun, e.g. "3 lessons".
    print(
        tr.t(
            "{lessons}, {exercises}, {cases} checked: {errors}, {warnings}",
            lessons=tr.nt("{n} lesson", "{n} lessons", report.lessons),
            exercises=tr.nt("{n} exercise", "{n} exercises", report.exercises),
            cases=tr.nt("{n} case", "{n} cases", report.cases),
            errors=tr.nt("{n} error", "{n} errors", errors),
            warnings=tr.nt("{n} warning", "{n} warnings", warnings),
        ),
        file=sys.stderr,
    )
    return 1 if errors or (args.strict and warnings) else 0


def _relative(problem: ContentError, tr: Translator) -> str:
    """FILE:LINE: message in ``tr``'s language, the file relative to the current folder when it is inside it."""
    if problem.file:
        try:
            rel = os.path.relpath(problem.file)
            if not rel.startswith(".."):
                problem = problem.with_file(rel)
        except ValueError:
            pass
    return problem.render(tr)


def cmd_translated(args) -> int:
    """Write the English text's fingerprint into the lesson's translation files, so that validate
    can tell when the English changes after them."""
    from .course_file import load_course
    from .i18n import LANGUAGES
    from .lesson_file import english_fingerprint, mark_translated

    tr = Translator(resolve_language(args.lang))
    course, _ = load_course(_teacher_course(args))
    lesson = course.lesson(args.lesson)
    if lesson is None:
        raise UsageError(tr.t("there is no lesson {lesson!r}; `qala lessons` lists them", lesson=args.lesson))
    for language in args.languages:
        if language not in LANGUAGES or language == "en":
            raise UsageError(tr.t("{language!r} is not a language of translations (ru, kk)", language=language))
    languages = args.languages or [lang for lang in LANGUAGES if lang != "en" and lesson.path.with_name(f"{lesson.id}.{lang}.md").is_file()]
    if not languages:
        raise UsageError(tr.t("{lesson} has no translation files yet ({name})", lesson=args.lesson, name=f"{lesson.id}.ru.md"))
    fingerprint = english_fingerprint(lesson)
    for language in languages:
        path = lesson.path.with_name(f"{lesson.id}.{language}.md")
        if not path.is_file():
            raise UsageError(tr.t("no such file or folder: {path}", path=_rel(path)))
        try:
            changed = mark_translated(path, fingerprint)
        except ValueError:
            raise UsageError(tr.t("{path} has no front matter between two '+++' lines", path=_rel(path))) from None
        if changed:
            print(tr.t("{path}: marked as the translation of the English text as it is now ({fingerprint}).", path=_rel(path), fingerprint=fingerprint))
        else:
            print(tr.t("{path}: already marked as up to date ({fingerprint}).", path=_rel(path), fingerprint=fingerprint))
    return 0


def cmd_export(args) -> int:
    engine = engine_from(args)
    name = args.name or engine.store.setting("learner_name")
    if not name:
        raise UsageError(engine.tr.t("say who you are: qala export --name \"Your Name\""))
    engine.store.set_setting("learner_name", name)
    data = engine.export(name)
    out = args.out or Path(f"qala-export-{_slug(name)}.json")
    out.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    print(engine.tr.t("Wrote {path}: {n} attempts.", path=out, n=len(data["attempts"])))
    return 0


def _teacher_course(args, near: Path | None = None) -> Path:
    """The course a teacher's command works on: --course, else the course ``near`` (or the current
    folder) is in, else the bundled one."""
    from .course_file import bundled_course_root
    from .validate import find_course_root

    if args.course:
        if not (Path(args.course) / "course" / "course.toml").is_file():
            raise UsageError(Translator(resolve_language(args.lang)).t("{path} is not a course folder (it has no course/course.toml)", path=args.course))
        return Path(args.course)
    for place in (near, Path.cwd()):
        found = find_course_root(place) if place is not None and place.exists() else None
        if found:
            return found
    return bundled_course_root()


def _print_problems(problems, tr: Translator) -> None:
    """FILE:LINE: message, one per line and never wrapped, so editors can jump to them."""
    for problem in problems:
        print(_relative(problem, tr), flush=True)


def cmd_new_lesson(args) -> int:
    from .engine import default_home
    from .scaffold import new_lesson
    from .validate import validate

    tr = Translator(resolve_language(args.lang))
    root = _teacher_course(args)
    made = new_lesson(root, args.track, args.slug, args.title, tr)
    console = _console()
    console.print(tr.t("Wrote {lesson} and {cases}.", lesson=_rel(made.lesson), cases=_rel(made.cases)))
    toml_path = _rel(root / "course" / "course.toml")
    if made.listing.added:
        console.print(tr.t("Listed {lesson} in the track {track} of {path}.", lesson=args.slug, track=args.track, path=toml_path))
    elif not made.listing.already:
        console.print(f"[yellow]{_escape(tr.t('Could not edit {path} safely; do it by hand: {instruction}', path=toml_path, instruction=made.listing.instruction))}[/]")
    report = validate(root, [made.lesson], cache_dir=Path(args.home or default_home()) / "cache" / "reference", language=tr.language)
    _print_problems(report.problems, tr)
    if report.errors:
        console.print(f"[red]{tr.t('The new lesson does not validate: please report this as a bug.')}[/]")
        return 1
    console.print(tr.t("It validates. Next: edit it, then run `qala validate {path}` and preview it with `qala tui --course {course} --lesson {lesson}`.", path=_rel(made.lesson), course=_rel(root), lesson=args.slug))
    return 0


def cmd_new_course(args) -> int:
    from .course_file import bundled_course_root
    from .scaffold import new_course

    tr = Translator(resolve_language(args.lang))
    source = _teacher_course(args) if args.course else bundled_course_root()
    target = new_course(args.dir, source, tr)
    print(tr.t("Copied the course into {path}. Next: cd {path} and run `qala validate --course .`, then `qala new lesson TRACK SLUG`.", path=_rel(target)))
    return 0


def _rel(path: Path) -> str:
    try:
        rel = os.path.relpath(path)
        return rel if not rel.startswith("..") else str(path)
    except ValueError:
        return str(path)


def cmd_import(args) -> int:
    from .engine import default_home
    from .notebook_import import import_notebook
    from .scaffold import add_lesson_to_track
    from .validate import validate

    tr = Translator(resolve_language(args.lang))
    root = _teacher_course(args, near=args.out.parent if args.out else None)
    result = import_notebook(args.notebook, root, args.track, args.out, tr=tr)
    in_course = result.path.resolve().parent == (root / "lessons" / args.track).resolve()
    listing = add_lesson_to_track(root / "course" / "course.toml", args.track, result.lesson_id) if in_course else None
    report = validate(root, [result.path], cache_dir=Path(args.home or default_home()) / "cache" / "reference", language=tr.language) if in_course else None
    errors = report.errors if report else []
    if args.json:
        data = result.as_json() | {
            "listed": bool(listing and (listing.added or listing.already)),
            "list_by_hand": listing.instruction if listing else "",
            "validated": report is not None,
            "errors": [p.render(tr) for p in errors],
            "warnings": [p.render(tr) for p in report.warnings] if report else [],
        }
        _print_json(data)
        return 1 if errors else 0
    from rich.table import Table

    console = _console()
    console.print(tr.t("Imported {notebook} ({tool}): {n} exercises in {path}.", notebook=args.notebook, tool=result.tool, n=len(result.exercises), path=_rel(result.path)))
    for exercise in result.exercises:
        xp = tr.t("{xp} XP", xp=exercise.xp) if exercise.xp is not None else tr.t("the course's XP")
        console.print(f"  • {_escape(exercise.id)}: {_escape(exercise.title)} — " + tr.nt("{n} check", "{n} checks", exercise.checks) + f", {xp}")
    if result.notes:
        table = Table(title=tr.t("What to look at (cell = position in the notebook, line = in the lesson)"), title_justify="left")
        for header in (tr.t("cell"), tr.t("line"), tr.t("what"), tr.t("note")):
            table.add_column(header)
        labels = {"todo": f"[red]{tr.t('to do')}[/]", "kept": f"[yellow]{tr.t('kept')}[/]", "info": f"[dim]{tr.t('info')}[/]"}
        for note in result.notes:
            table.add_row(str(note.cell or "—"), str(note.line or ""), labels[note.kind], _escape(note.message))
        console.print(table)
    if listing is not None:
        if listing.added:
            console.print(tr.t("Listed {lesson} in the track {track} of course.toml.", lesson=result.lesson_id, track=args.track))
        elif not listing.already:
            console.print(f"[yellow]{_escape(tr.t('Could not edit course.toml safely; do it by hand: {instruction}', instruction=listing.instruction))}[/]")
    if report is None:
        console.print(f"[yellow]{tr.t('Not validated: the file is not in lessons/{track}/ of a course. Move it there and run `qala validate` on it.', track=args.track)}[/]")
        return 0
    _print_problems(report.problems, tr)
    todo = len(result.todos)
    if errors:
        console.print(f"[red]{tr.t('The lesson does not validate yet: fix the errors above (FILE:LINE), then run `qala validate {path}`.', path=_rel(result.path))}[/]")
        return 1
    console.print(tr.t("It validates. Before publishing, do the {n} items marked to do or kept (search the file for TODO).", n=todo) if todo else tr.t("It validates."))
    return 0


def cmd_report(args) -> int:
    from .course_file import load_course
    from .engine import default_home
    from .grading import Grader
    from .report import build_report, print_report, render_html
    from .runner import default_runner

    tr = Translator(resolve_language(args.lang))
    root = _teacher_course(args)
    if args.jobs is not None and args.jobs < 1:
        raise UsageError(tr.t("--jobs must be 1 or more"))
    course, _ = load_course(root)
    runner = default_runner()
    try:
        grader = Grader(course, runner, Path(args.home or default_home()) / "cache" / "reference")
        report = build_report(course, grader, list(args.files), tr, jobs=args.jobs)
    finally:
        runner.close()
    if not report.learners and report.problems:
        for file, error in report.problems:
            sys.stderr.write(_error_line(tr, f"{_one_line(file)}: {error}"))
        return 2
    if args.html:
        args.html.write_text(render_html(report, tr), encoding="utf-8")
    if args.json:
        _print_json(report.as_json())
    else:
        console = _console()
        print_report(report, tr, console)
        if args.html:
            console.print(tr.t("Wrote {path}.", path=_rel(args.html)))
    return 1 if report.problems else 0


def cmd_badges(args) -> int:
    from .open_badges import write_credentials

    engine = engine_from(args)
    tr = engine.tr
    lang = engine.language
    earned = [(b.badge, b.earned_at) for b in engine.progress().badges if b.earned_at]
    if not args.open_badges:
        if args.json:
            _print_json({"badges": [{"id": b.id, "title": pick(b.title, lang), "icon": b.icon, "earned_at": at} for b, at in earned]})
            return 0
        console = _console()
        if not earned:
            console.print(tr.t("No badges yet: pass an exercise to earn the first one."))
        for badge, at in earned:
            console.print(f"{badge.icon} [bold]{_escape(pick(badge.title, lang))}[/] [dim]{tr.date(at[:10])}[/] — {_escape(pick(badge.description, lang))}")
        return 0
    name = args.name or engine.store.setting("learner_name")
    if not name:
        raise UsageError(tr.t("say who you are: qala badges --open-badges --name \"Your Name\""))
    engine.store.set_setting("learner_name", name)
    out = args.out or Path("qala-badges")
    written = write_credentials(engine.course.info, earned, name, lang, out)
    if args.json:
        _print_json({"written": [str(p) for p in written], "signed": False})
        return 0
    if not written:
        print(tr.t("No badges yet, so no credentials were written."))
        return 0
    print(tr.nt("Wrote {n} Open Badges 3.0 credential to {path}.", "Wrote {n} Open Badges 3.0 credentials to {path}.", len(written), path=out))
    print(tr.t("They are not signed (Qala has no keys): a wallet shows them as self-asserted until your school signs them."))
    return 0


def _slug(name: str) -> str:
    return "".join(ch if ch.isalnum() else "-" for ch in name.strip().lower()).strip("-") or "learner"


if __name__ == "__main__":
    sys.exit(main())
