"""The teacher's commands: validate, mark translations, scaffold a lesson or a course, import a
notebook, regrade a class's exports, and the earned badges as Open Badges credentials.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from ..errors import UsageError
from ..i18n import LANGUAGES, Translator, resolve_language
from .output import (
    error_line,
    escape_markup,
    one_line,
    print_json,
    problem_line,
    progress_bar,
    rich_console,
)


def cmd_validate(args) -> int:
    from ..content.course_file import bundled_course_root
    from ..engine import default_home
    from ..teachers.validate import find_course_root, lesson_track, outside_lessons, validate, validate_file_outside

    tr = Translator(resolve_language(args.lang))
    paths = args.paths or None
    for path in paths or ():
        if not path.exists():
            raise UsageError(tr.t("no such file or folder: {path}", path=path))
    if args.course:
        root = Path(args.course)
        if not (root / "course" / "course.toml").is_file():
            raise UsageError(tr.t("{path} is not a course folder (it has no course/course.toml)", path=args.course))
    elif paths:
        root = find_course_root(paths[0]) or find_course_root(Path.cwd()) or bundled_course_root()
    else:
        root = find_course_root(Path.cwd()) or bundled_course_root()
    home = args.home or default_home()
    options: dict[str, Any] = {"cache_dir": Path(home) / "cache" / "reference", "language": tr.language}
    inside = [p for p in paths or () if not (p.is_file() and outside_lessons(p, root))]
    outside = [p for p in paths or () if p.is_file() and outside_lessons(p, root)]
    for path in outside:
        if path.suffix != ".md" or path.name.count(".") > 1:
            raise UsageError(
                tr.t("{path} is not a lesson file (ID.md), and it is not in the lessons/ folder of {course}: nothing to validate", path=path, course=root)
            )
        if lesson_track(path) is None:
            raise UsageError(tr.t('{path} has no track in its front matter (track = "..."): it cannot be validated as a lesson', path=path))
    for path in inside:
        if (
            path.is_dir()
            and outside_lessons(path / "x.md", root)
            and not (path / "course" / "course.toml").is_file()
            and path.resolve() != Path(root).resolve()
        ):
            raise UsageError(
                tr.t("{path} is not in the lessons/ folder of {course}: give a lesson file, or --course with the course it belongs to", path=path, course=root)
            )
    report = None
    if inside or not outside:
        with progress_bar(tr, tr.t("Self-testing the lessons")) as on_progress:
            report = validate(Path(root), inside or None, on_progress=on_progress, **options)
    for path in outside:
        extra = validate_file_outside(path, Path(root), **options)
        if report is None:
            report = extra
        else:
            report.problems.extend(extra.problems)
            report.lessons, report.exercises, report.cases = report.lessons + extra.lessons, report.exercises + extra.exercises, report.cases + extra.cases
    assert report is not None  # some lessons were inside the course or outside it
    for problem in report.problems:
        print(problem_line(problem, tr))
    errors, warnings = len(report.errors), len(report.warnings)
    if args.strict:  # --strict: the warnings are errors, and the summary counts them so
        errors, warnings = errors + warnings, 0
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
    if not report.lessons and not errors:
        sys.stderr.write(error_line(tr, tr.t("no lesson found to validate in {paths}", paths=", ".join(map(str, paths or [root])))))
        return 2
    if not report.exercises and not errors:
        # Loud: a lesson whose exercises were not run (a module it needs is missing) proves nothing.
        print(tr.t("Nothing was self-tested: no exercise's solution and checks could be run (see the warnings above)."), file=sys.stderr)
        return 1 if args.strict else 0
    return 1 if errors else 0


def cmd_translated(args) -> int:
    """Write the English text's fingerprint into the lesson's translation files, so that validate
    can tell when the English changes after them."""
    from ..content.course_file import load_course
    from ..content.translation_file import english_fingerprint, mark_translated

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


def _teacher_course(args, near: Path | None = None) -> Path:
    """The course a teacher's command works on: --course, else the course ``near`` (or the current
    folder) is in, else the bundled one."""
    from ..content.course_file import bundled_course_root
    from ..teachers.validate import find_course_root

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
        print(problem_line(problem, tr), flush=True)


def cmd_new_lesson(args) -> int:
    from ..engine import default_home
    from ..teachers.scaffold import new_lesson
    from ..teachers.validate import validate

    tr = Translator(resolve_language(args.lang))
    root = _teacher_course(args)
    made = new_lesson(root, args.track, args.slug, args.title, tr)
    console = rich_console()
    console.print(tr.t("Wrote {lesson} and {cases}.", lesson=_rel(made.lesson), cases=_rel(made.cases)))
    if made.translations:
        console.print(tr.t("Wrote its translations, to change with the English: {files}.", files=", ".join(_rel(p) for p in made.translations)))
    toml_path = _rel(root / "course" / "course.toml")
    if made.listing.added:
        console.print(tr.t("Listed {lesson} in the track {track} of {path}.", lesson=args.slug, track=args.track, path=toml_path))
    elif not made.listing.already:
        console.print(
            f"[yellow]{escape_markup(tr.t('Could not edit {path} safely; do it by hand: {instruction}', path=toml_path, instruction=made.listing.instruction))}[/]"
        )
    report = validate(root, [made.lesson], cache_dir=Path(args.home or default_home()) / "cache" / "reference", language=tr.language)
    _print_problems(report.problems, tr)
    if report.errors:
        console.print(f"[red]{tr.t('The new lesson does not validate: please report this as a bug.')}[/]")
        return 1
    console.print(
        tr.t(
            "It validates. Next: edit it, then run `qala validate {path}` and preview it with `qala tui --course {course} --lesson {lesson}`.",
            path=_rel(made.lesson),
            course=_rel(root),
            lesson=args.slug,
        )
    )
    return 0


def cmd_new_course(args) -> int:
    from ..content.course_file import bundled_course_root
    from ..teachers.scaffold import new_course

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
    from ..engine import default_home
    from ..teachers.notebook_import import import_notebook
    from ..teachers.scaffold import add_lesson_to_track
    from ..teachers.validate import validate

    tr = Translator(resolve_language(args.lang))
    try:
        root = _teacher_course(args, near=args.out.parent if args.out else None)
        with progress_bar(tr, tr.t("Importing the notebook (its solutions run to prove each check)"), quiet=args.json):
            result = import_notebook(args.notebook, root, args.track, args.out, tr=tr)
    except UsageError as refusal:
        if args.json:  # a program reading --json gets JSON, refusal included
            print_json({"error": str(refusal), "notebook": str(args.notebook)})
            sys.stderr.write(error_line(tr, str(refusal)))
            return 2
        raise
    in_course = result.path.resolve().parent == (root / "lessons" / args.track).resolve()
    listing = add_lesson_to_track(root / "course" / "course.toml", args.track, result.lesson_id) if in_course else None
    report = None
    if in_course:
        with progress_bar(tr, tr.t("Self-testing the new lesson"), quiet=args.json) as on_progress:
            report = validate(
                root, [result.path], cache_dir=Path(args.home or default_home()) / "cache" / "reference", language=tr.language, on_progress=on_progress
            )
    errors = report.errors if report else []
    if args.json:
        data = result.as_json() | {
            "listed": bool(listing and (listing.added or listing.already)),
            "list_by_hand": listing.instruction if listing else "",
            "validated": report is not None,
            "errors": [p.render(tr) for p in errors],
            "warnings": [p.render(tr) for p in report.warnings] if report else [],
        }
        print_json(data)
        return 1 if errors else 0
    from rich.table import Table

    console = rich_console()
    console.print(
        tr.t(
            "Imported {notebook} ({tool}): {n} exercises in {path}.", notebook=args.notebook, tool=result.tool, n=len(result.exercises), path=_rel(result.path)
        )
    )
    for exercise in result.exercises:
        xp = tr.t("{xp} XP", xp=exercise.xp) if exercise.xp is not None else tr.t("the course's XP")
        console.print(f"  • {escape_markup(exercise.id)}: {escape_markup(exercise.title)} — " + tr.nt("{n} check", "{n} checks", exercise.checks) + f", {xp}")
    if result.notes:
        table = Table(title=tr.t("What to look at (cell = position in the notebook, line = in the lesson)"), title_justify="left")
        for header in (tr.t("cell"), tr.t("line"), tr.t("what"), tr.t("note")):
            table.add_column(header)
        labels = {"todo": f"[red]{tr.t('to do')}[/]", "kept": f"[yellow]{tr.t('kept')}[/]", "info": f"[dim]{tr.t('info')}[/]"}
        for note in result.notes:
            table.add_row(str(note.cell or "—"), str(note.line or ""), labels[note.kind], escape_markup(note.message))
        console.print(table)
    if listing is not None:
        if listing.added:
            console.print(tr.t("Listed {lesson} in the track {track} of course.toml.", lesson=result.lesson_id, track=args.track))
        elif not listing.already:
            console.print(
                f"[yellow]{escape_markup(tr.t('Could not edit course.toml safely; do it by hand: {instruction}', instruction=listing.instruction))}[/]"
            )
    if report is None:
        console.print(
            f"[yellow]{tr.t('Not validated: the file is not in lessons/{track}/ of a course. Move it there and run `qala validate` on it.', track=args.track)}[/]"
        )
        return 0
    _print_problems(report.problems, tr)
    todo = len(result.todos)
    if errors:
        console.print(
            f"[red]{tr.t('The lesson does not validate yet: fix the errors above (FILE:LINE), then run `qala validate {path}`.', path=_rel(result.path))}[/]"
        )
        return 1
    console.print(
        tr.t("It validates. Before publishing, do the {n} items marked to do or kept (search the file for TODO).", n=todo) if todo else tr.t("It validates.")
    )
    return 0


def cmd_report(args) -> int:
    from ..content.course_file import load_course
    from ..engine import default_home
    from ..judge.grading import Grader
    from ..run.runners import default_runner
    from ..teachers.report import build_report, shown
    from ..teachers.report_page import render_html
    from ..teachers.report_text import print_report

    tr = Translator(resolve_language(args.lang))
    root = _teacher_course(args)
    if args.jobs is not None and args.jobs < 1:
        raise UsageError(tr.t("--jobs must be 1 or more"))
    course, _ = load_course(root)
    runner = default_runner()
    try:
        grader = Grader(course, runner, Path(args.home or default_home()) / "cache" / "reference")
        with progress_bar(tr, tr.t("Regrading the class's work"), quiet=args.json) as on_progress:
            report = build_report(course, grader, list(args.files), tr, jobs=args.jobs, on_progress=on_progress)
    finally:
        runner.close()
    if not report.learners and report.problems:
        for file, error in report.problems:
            sys.stderr.write(error_line(tr, f"{one_line(shown(file))}: {shown(error)}"))
        return 2
    if args.html:
        args.html.write_text(render_html(report, tr), encoding="utf-8")
    if args.json:
        print_json(report.as_json())
    else:
        console = rich_console()
        print_report(report, tr, console)
        if args.html:
            console.print(tr.t("Wrote {path}.", path=_rel(args.html)))
    return 1 if report.problems or report.stopped else 0
