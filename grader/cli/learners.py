"""The learner's commands: the course, a lesson, a check, a hint, progress, datasets, the glossary
and the export for a teacher. Each talks to the :class:`~qala.grader.engine.Engine` only.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import UsageError
from ..i18n import LANGUAGES, Translator, pick, resolve_language

if TYPE_CHECKING:
    from ..engine import Engine
    from ..outcomes import CheckOutcome

from .output import (
    engine_from,
    escape_markup,
    file_slug,
    print_json,
    problem_line,
    rich_console,
)

STATUS_MARKS = {"done": "✔", "in_progress": "◐", "available": "○", "locked": "🔒"}


def cmd_lessons(args) -> int:
    engine = engine_from(args)
    lang = engine.language
    tr = engine.tr
    passed = engine.progress_data().passed()
    views = engine.course_map(whole=args.json)
    if args.json:
        tracks = []
        for view in views:
            lessons = []
            for lv in view.lessons:
                text = lv.lesson.text(lang)
                exercises = []
                for exercise in lv.lesson.exercises:
                    item = {
                        "id": exercise.id,
                        "kind": exercise.kind.value,
                        "title": text.exercises[exercise.id].title,
                        "passed": (lv.lesson.id, exercise.id) in passed,
                        "hints": exercise.hint_count,
                    }
                    if args.with_solutions:
                        item |= {"starter": exercise.starter, "solution": exercise.solution, "setup": exercise.setup}
                    exercises.append(item)
                lessons.append(
                    {
                        "id": lv.lesson.id,
                        "title": text.title,
                        "summary": text.summary,
                        "status": lv.status,
                        "audience": lv.lesson.audience,
                        "minutes": lv.lesson.minutes,
                        "datasets": list(lv.lesson.datasets),
                        "needs": list(lv.lesson.needs),
                        "requires": list(lv.lesson.requires),
                        "systems": list(lv.lesson.systems),
                        "reviews": list(lv.lesson.reviews),
                        "exercises": exercises,
                    }
                )
            tracks.append({"id": view.track.id, "title": view.track.title_in(lang), "description": pick(view.track.description, lang), "lessons": lessons})
        paths = [
            {
                "id": path.id,
                "title": path.title_in(lang),
                "description": pick(path.description, lang),
                "front_end": path.front_end,
                "lessons": [lesson.id for lesson in engine.course.path_lessons(path.id)],
            }
            for path in engine.course.paths
        ]
        chosen = engine.path.id if engine.path else None
        print_json({"course": engine.course.info.id, "language": lang, "path": chosen, "paths": paths, "tracks": tracks})
        return 0
    from rich.tree import Tree

    console = rich_console()
    chosen = engine.path
    tree = Tree(f"[bold]{pick(engine.course.info.title, lang)}[/]" + (f" · {escape_markup(chosen.title_in(lang))} [dim]({chosen.id})[/]" if chosen else ""))
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
        console.print(f"[yellow]{tr.t('Skipped a broken lesson:')}[/] {escape_markup(problem_line(problem, tr))}")
    return 0


def cmd_show(args) -> int:
    from rich.markdown import Markdown

    from ..content.markdown import lesson_markdown

    engine = engine_from(args)
    lesson = engine.lesson(args.lesson)
    console = rich_console()
    console.print(Markdown(lesson_markdown(lesson, engine.tr)))
    ids = ", ".join(e.id for e in lesson.exercises)
    # The whole command, with the options this one was given, so it works as it is copied.
    command = f"qala check {lesson.id} EXERCISE FILE" + (f" --course {args.course}" if args.course else "") + (f" --home {args.home}" if args.home else "")
    console.print(f"\n[dim]{escape_markup(engine.tr.t('Exercises: {ids}. Check one with: {command}', ids=ids, command=command))}[/]")
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
    from ..content.course_file import lesson_needs
    from ..run.runners import default_runner
    from .early import take

    # The sandbox first (its Python, the lesson's modules, its walls): it gets ready on another
    # core while the course is read here, and the check hands it the code when it is. Only the
    # lesson's front matter is read for that; if it is not there, the engine says why below.
    # From the shell it was started before the command line was even parsed (early.py).
    runner = take(args.course, args.lesson)
    if runner is None:
        found = lesson_needs(args.course, args.lesson)
        runner = default_runner(one_check=found[0] if found is not None else None)
        if found is not None:
            runner.prepare(*found)
    from ..engine import Engine

    engine = Engine(course_root=args.course, home=args.home, language=args.lang, runner=runner, course_cache=True)
    lesson = engine.lesson(args.lesson)
    engine.exercise(lesson, args.exercise)
    source = _read_source(args.file, engine.tr)
    outcome = engine.check(args.lesson, args.exercise, source)
    if args.json:
        print_json(outcome.as_json())
    else:
        _print_outcome(outcome, engine)
    return 0 if outcome.passed else 1


def _print_outcome(outcome: CheckOutcome, engine: Engine) -> None:
    """The verdict's lines (engine-composed), styled for a terminal: checks first, then the news."""
    from ..outcomes import Line

    console = rich_console()
    lines = outcome.verdict(engine.tr)
    for line in lines:
        if line.kind is Line.CHECK:
            mark = "[green]✔[/]" if line.passed else "[red]✘[/]"
            console.print(f"{mark} {escape_markup(line.text)}")
    for line in lines:
        if line.kind is Line.PASSED:
            console.print(f"\n[bold green]{escape_markup(line.text)}[/] {escape_markup(line.detail)}")
        elif line.kind is Line.LEVEL_UP:
            console.print(f"[bold magenta]{escape_markup(line.text)} {escape_markup(line.detail)}[/]")
        elif line.kind is Line.BADGE:
            console.print(f"[bold yellow]{line.icon} {escape_markup(line.text)}[/]")
        elif line.kind is Line.NOT_PASSED:
            console.print(f"\n[bold red]{escape_markup(line.text)}[/] {escape_markup(line.detail)} {engine.tr.t('`qala hint` gives a hint.')}")


def cmd_hint(args) -> int:
    engine = engine_from(args)
    hint = engine.hint(args.lesson, args.exercise)
    console = rich_console()
    cost = engine.tr.nt("this hint cost {n} XP", "this hint cost {n} XP", hint.cost) if hint.cost else engine.tr.t("no XP cost")
    console.print(f"[bold]{engine.tr.t('Hint {number} of {total}', number=hint.number, total=hint.total)}[/] [dim]({cost})[/]")
    from rich.markdown import Markdown

    console.print(Markdown(hint.text))
    if hint.number == hint.total and engine.solution_refusal(args.lesson, args.exercise) is None:
        said = engine.tr.t(
            "That was the last hint. `qala solution {lesson} {exercise}` shows the reference solution (the exercise then gives no XP).",
            lesson=args.lesson,
            exercise=args.exercise,
        )
        console.print(f"[dim]{escape_markup(said)}[/]")
    return 0


def cmd_solution(args) -> int:
    engine = engine_from(args)
    code = engine.solution(args.lesson, args.exercise)
    console = rich_console()
    console.print(f"[bold]{escape_markup(engine.tr.t('The reference solution: passing this exercise now gives no XP.'))}[/]")
    from rich.syntax import Syntax

    console.print(Syntax(code, "python", theme="ansi_dark", background_color="default"))
    return 0


def cmd_progress(args) -> int:
    engine = engine_from(args)
    view = engine.progress()
    lang = engine.language
    tr = engine.tr
    if args.json:
        print_json(view.as_json(lang))
        return 0
    console = rich_console()
    console.print(
        f"[bold]{tr.t('Level {level}: {title}', level=view.level.number, title=pick(view.level.title, lang))}[/]  {view.xp} XP"
        + (f"  [dim]({tr.t('{xp} XP to the next level', xp=view.next_level.xp - view.xp)})[/]" if view.next_level else "")
    )
    console.print(tr.nt("Streak: {n} day", "Streak: {n} days", view.streak) + "  " + tr.t("(longest: {days})", days=view.longest_streak))
    console.print(tr.t("Exercises passed: {done} of {total}", done=view.exercises_done, total=view.exercises_total))
    if view.solutions_seen:
        seen = ", ".join(f"{lesson} {exercise}" for lesson, exercise in view.solutions_seen)
        console.print(f"[yellow]{escape_markup(tr.t('Seen the solution (no XP for these): {exercises}', exercises=seen))}[/]")
    for badge_view in view.badges:
        badge = badge_view.badge
        if badge_view.earned_at:
            console.print(f"  {badge.icon} [bold]{pick(badge.title, lang)}[/] [dim]{tr.date(badge_view.earned_at[:10])}[/]")
        else:
            console.print(f"  [dim]· {pick(badge.title, lang)} — {pick(badge.description, lang)}[/]")
    return 0


def cmd_datasets(args) -> int:
    if getattr(args, "own_run", None) is not None:  # `qala datasets check|use …`: the learner's own file
        return int(args.own_run(args))
    from ..content.course_file import bundled_course_root
    from ..content.datasets import load_datasets

    root = args.course or bundled_course_root()
    lang = resolve_language(args.lang)
    datasets, problems = load_datasets(Path(root) / "lessons" / "datasets")
    if args.json:
        print_json({"datasets": [d.as_json(lang) for d in datasets.values()], "problems": [p.render(Translator(lang)) for p in problems]})
        return 0
    from rich.table import Table

    console = rich_console()
    tr = Translator(lang)
    table = Table(title=tr.t("City datasets"), show_lines=False)
    for header in (tr.t("id"), tr.t("title"), tr.t("rows"), tr.t("columns (units)")):
        table.add_column(header)
    for dataset in datasets.values():
        columns = ", ".join(f"{c.name}" + (f" ({c.unit})" if c.unit else "") for c in dataset.columns)
        table.add_row(dataset.id, pick(dataset.title, lang), tr.number(dataset.rows), columns)
    console.print(table)
    for problem in problems:
        console.print(f"[yellow]{escape_markup(problem_line(problem, tr))}[/]")
    from .own_data import own_data_note

    if note := own_data_note(args, tr):
        console.print(f"[cyan]{escape_markup(note)}[/]")
    return 0


def cmd_glossary(args) -> int:
    from ..content.course_file import bundled_course_root
    from ..content.glossary import load_glossary

    lang = resolve_language(args.lang)
    tr = Translator(lang)
    glossary = load_glossary(Path(args.course or bundled_course_root()))
    terms = glossary.search(args.query or "", lang)
    if args.json:
        print_json(glossary.as_json(lang) | {"terms": [t.as_json(lang) for t in terms]})
        return 0
    from rich.padding import Padding
    from rich.text import Text

    console = rich_console()
    if not glossary.terms:
        console.print(tr.t("This course has no glossary yet."))
    elif not terms:
        console.print(tr.t("No term matches “{query}”.", query=args.query))
    for term in terms:
        others = " · ".join(f"{code}: {term.names[code]}" for code in LANGUAGES if code != lang and code in term.names)
        console.print(f"[bold]{escape_markup(term.name(lang))}[/]  [dim]{escape_markup(others)}[/]")
        console.print(Padding(Text(term.definition(lang)), (0, 0, 0, 2), expand=False))
    for problem in glossary.problems:
        if not problem.warning:
            console.print(f"[yellow]{escape_markup(problem_line(problem, tr))}[/]")
    return 0


def cmd_export(args) -> int:
    engine = engine_from(args)
    name = args.name or engine.settings.learner_name
    if not name:
        raise UsageError(engine.tr.t('say who you are: qala export --name "Your Name"'))
    engine.change_settings(learner_name=name)
    data = engine.export(name)
    out = args.out or Path(f"qala-export-{file_slug(name)}.json")
    out.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    print(engine.tr.t("Wrote {path}: {n} attempts.", path=out, n=len(data["attempts"])))
    return 0


def cmd_badges(args) -> int:
    from ..progress.open_badges import write_credentials

    engine = engine_from(args)
    tr = engine.tr
    lang = engine.language
    earned = [(b.badge, b.earned_at) for b in engine.progress().badges if b.earned_at]
    if not args.open_badges:
        if args.json:
            print_json({"badges": [{"id": b.id, "title": pick(b.title, lang), "icon": b.icon, "earned_at": at} for b, at in earned]})
            return 0
        console = rich_console()
        if not earned:
            console.print(tr.t("No badges yet: pass an exercise to earn the first one."))
        for badge, at in earned:
            console.print(
                f"{badge.icon} [bold]{escape_markup(pick(badge.title, lang))}[/] [dim]{tr.date(at[:10])}[/] — {escape_markup(pick(badge.description, lang))}"
            )
        return 0
    name = args.name or engine.settings.learner_name
    if not name:
        raise UsageError(tr.t('say who you are: qala badges --open-badges --name "Your Name"'))
    engine.change_settings(learner_name=name)
    out = args.out or Path("qala-badges")
    written = write_credentials(engine.course.info, earned, name, lang, out)
    if args.json:
        print_json({"written": [str(p) for p in written], "signed": False})
        return 0
    if not written:
        print(tr.t("No badges yet, so no credentials were written."))
        return 0
    print(tr.nt("Wrote {n} Open Badges 3.0 credential to {path}.", "Wrote {n} Open Badges 3.0 credentials to {path}.", len(written), path=out))
    print(tr.t("They are not signed (Qala has no keys): a wallet shows them as self-asserted until your school signs them."))
    return 0
