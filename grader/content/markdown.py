"""A lesson as Markdown in one language, for every front end that shows it (terminal, browser)."""

from __future__ import annotations

from ..i18n import Translator
from .kinds import given_lines
from .model import Exercise, ExerciseKind, Lesson


def exercise_markdown(lesson: Lesson, exercise: Exercise, tr: Translator, heading: str = "##", options: bool = True) -> str:
    """An exercise's title and task (with a choice's options, unless ``options`` is false: a
    front end that shows them in a widget of its own)."""
    text = lesson.text(tr.language).exercises[exercise.id]
    parts = [f"{heading} {text.title}", text.task]
    if options and text.options:  # a choice exercise's options, under its question
        parts.append("\n".join(f"- **{option})** {words}" for option, words in text.options.items()))
    if exercise.shown_setup:
        parts.append(tr.t("This code runs before yours:") + f"\n\n```python\n{exercise.shown_setup}\n```")
    return "\n\n".join(p for p in parts if p)


def lesson_markdown(lesson: Lesson, tr: Translator, with_starters: bool = True) -> str:
    """The whole lesson: title, introduction, sections and exercises in file order."""
    text = lesson.text(tr.language)
    parts = [f"# {text.title}"]
    if text.intro:
        parts.append(text.intro)
    for kind, key in lesson.outline:
        if kind == "section":
            section = text.sections[int(key)]
            parts.append(f"## {section.title}\n\n{section.body}".rstrip())
        elif (exercise := lesson.exercise(str(key))) is not None:
            parts.append(exercise_markdown(lesson, exercise, tr))
            shown = shown_code(exercise) if with_starters else ""
            if shown:
                parts.append(f"```python\n{shown}\n```")
    return "\n\n".join(parts) + "\n"


def shown_code(exercise: Exercise) -> str:
    """The code a reader of the lesson gets for an exercise: the starter; the program to read of a
    prediction; the mixed lines of a Parsons problem; none for a choice."""
    if exercise.kind is ExerciseKind.PREDICT:
        return exercise.solution
    if exercise.kind is ExerciseKind.PARSONS:
        return "\n".join(given_lines(exercise))
    return exercise.starter
