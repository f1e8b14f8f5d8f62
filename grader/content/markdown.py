"""A lesson as Markdown in one language, for every front end that shows it (terminal, browser)."""

from __future__ import annotations

from ..i18n import Translator
from .kinds import given_lines
from .model import Example, Exercise, ExerciseKind, Lesson, Section

Part = str | Example  # Markdown, or a worked example to show as code that runs


def as_markdown(parts: tuple[Part, ...] | list[Part]) -> str:
    """Parts as one Markdown text: each worked example a plain ```python block."""
    return "\n\n".join(p if isinstance(p, str) else f"```python\n{p.code}\n```" for p in parts if p)


def section_parts(section: Section) -> list[Part]:
    """A prose section: its heading, then its text and worked examples in reading order."""
    return [f"## {section.title}", *section.parts]


def exercise_parts(lesson: Lesson, exercise: Exercise, tr: Translator, heading: str = "##", options: bool = True) -> list[Part]:
    """An exercise's title and task (text and worked examples; a choice's options, unless ``options``
    is false: a front end that shows them in a widget of its own) and the setup the learner sees."""
    text = lesson.text(tr.language).exercises[exercise.id]
    parts: list[Part] = [f"{heading} {text.title}", *text.parts]
    if options and text.options:  # a choice exercise's options, under its question
        parts.append("\n".join(f"- **{option})** {words}" for option, words in text.options.items()))
    if exercise.shown_setup:
        parts.append(tr.t("This code runs before yours:") + f"\n\n```python\n{exercise.shown_setup}\n```")
    return parts


def exercise_markdown(lesson: Lesson, exercise: Exercise, tr: Translator, heading: str = "##", options: bool = True) -> str:
    return as_markdown(exercise_parts(lesson, exercise, tr, heading, options))


def lesson_markdown(lesson: Lesson, tr: Translator, with_starters: bool = True) -> str:
    """The whole lesson: title, introduction, sections and exercises in file order."""
    text = lesson.text(tr.language)
    parts = [f"# {text.title}"]
    if text.intro:
        parts.append(text.intro)
    for kind, key in lesson.outline:
        if kind == "section":
            section = text.sections[int(key)]
            parts.append(as_markdown(section_parts(section)))
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
