"""The course as data: tracks, lessons, exercises, checks, hints, rewards. No I/O here.

A lesson's code (starter, solution, checks) exists once; its words exist per language
(:class:`LessonText`), so translations can never change what is graded.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path
from typing import Any

from ..i18n import DEFAULT_LANGUAGE, pick

Localized = Mapping[str, str]

# The city systems a lesson can be about (front matter ``systems = ["air", ...]``).
SYSTEMS = ("air", "waste", "energy", "traffic", "transit", "bike", "parking", "cameras", "housing", "appeals", "budget", "open-data", "sensors")

# Where a learning path is meant to be followed first.
FRONT_ENDS = ("browser", "terminal")


class CheckKind(StrEnum):
    """What a ``[[check]]`` compares. Each kind has one :class:`KindSpec` in :data:`CHECK_SPECS`
    (what a lesson may write) and one judge in ``judge/checks.py`` (``JUDGES``); a test holds the
    three together."""

    VALUE = "value"  # a variable against the reference solution's
    FUNCTION = "function"  # a function called on hidden inputs
    OUTPUT = "output"  # printed text
    USES = "uses"  # code structure: names or keywords that must appear
    FORBIDS = "forbids"  # ... that must not
    NO_HARDCODED = "no_hardcoded"  # the answer was computed, not typed in
    ASSERT = "assert"  # a Python expression over the learner's variables
    CHART = "chart"  # what was drawn (plotting helper or pyplot): kind, categories, series, labels


@dataclass(frozen=True)
class KindSpec:
    """One check kind, as a lesson file writes it and as the grader runs it.

    ``target``: what the kind's own key holds — ``"name"`` (a variable or function), ``"names"``
    (a list of names), ``"expression"`` (Python, in a string) or ``"true"`` (``output = true``).
    ``options``: the other keys it takes. ``captures``: what the run must bring back for it —
    the named variable (``"target"``), the names an expression reads (``"expression-names"``),
    the results of hidden calls (``"calls"``), what it drew (``"charts"``) or nothing. ``compares_with_reference``: judged
    against the reference solution's run. ``takes_mistakes``: may list typical wrong programs.
    ``reads_code_only``: judged on the source itself, even when the code does not run.
    """

    target: str
    options: frozenset[str] = frozenset()
    captures: str | None = None
    compares_with_reference: bool = False
    takes_mistakes: bool = False
    reads_code_only: bool = False


_NUMBERS = frozenset({"tolerance", "rel_tolerance"})
CHECK_SPECS: Mapping[CheckKind, KindSpec] = {
    CheckKind.VALUE: KindSpec("name", _NUMBERS | {"ordered", "ignore_case", "strip", "reveal"}, "target", True, True),
    CheckKind.FUNCTION: KindSpec("name", _NUMBERS | {"calls", "ordered", "reveal"}, "calls", True, True),
    CheckKind.OUTPUT: KindSpec("true", frozenset({"match", "tolerance", "reveal"}), None, True, True),
    CheckKind.USES: KindSpec("names", reads_code_only=True),
    CheckKind.FORBIDS: KindSpec("names", reads_code_only=True),
    CheckKind.NO_HARDCODED: KindSpec("name", captures="target", compares_with_reference=True),
    CheckKind.ASSERT: KindSpec("expression", frozenset({"reveal"}), "expression-names"),
    CheckKind.CHART: KindSpec("true", frozenset({"labels", "title", "values", "tolerance", "reveal"}), "charts", True, True),
}
CHECK_KINDS = tuple(kind.value for kind in CheckKind)  # in the order a lesson's error message lists them


class ExerciseKind(StrEnum):
    """What a learner does in an exercise (``kind = "..."`` at the top of its checks block)."""

    CODE = "code"  # write code that produces a value (the default)
    PREDICT = "predict"  # read a program, type what it prints; judged against its real output
    CHOICE = "choice"  # pick one option (or several), each wrong one with its own feedback
    PARSONS = "parsons"  # put the given lines (and distractors) in order and indentation
    FILL = "fill"  # fill the blanks (___) of a program


EXERCISE_KINDS = tuple(kind.value for kind in ExerciseKind)


@dataclass(frozen=True)
class Mistake:
    """A typical wrong program: if the learner's value equals what it gives, say ``message``."""

    id: str
    code: str
    message: str
    line: int


@dataclass(frozen=True)
class Check:
    """One thing an exercise checks. ``target`` is a variable, function, expression or names.

    kinds: value (a variable against the reference's), function (called on hidden inputs),
    output (printed text), uses / forbids (code structure), no_hardcoded (the answer was
    computed, not typed), assert (a Python expression over the learner's variables).
    """

    id: str
    kind: CheckKind
    target: Any
    options: Mapping[str, Any]
    message: str
    mistakes: tuple[Mistake, ...]
    line: int

    def option(self, name: str, default: Any = None) -> Any:
        return self.options.get(name, default)


@dataclass(frozen=True)
class Exercise:
    id: str
    starter: str
    solution: str
    setup: str
    checks: tuple[Check, ...]
    xp: int
    timeout: float
    line: int
    hint_count: int
    hidden_setup: str = ""  # the beginning of `setup` that learners never see (```python hidden-setup)
    kind: ExerciseKind = ExerciseKind.CODE
    answer: tuple[str, ...] = ()  # choice: the ids of the right options
    multiple: bool = False  # choice: more than one option may be chosen
    options: tuple[str, ...] = ()  # choice: the option ids, in the lesson's order
    distractors: tuple[str, ...] = ()  # parsons: given lines that do not belong in the program

    @property
    def shown_setup(self) -> str:
        """The part of the setup learners see: what runs before their code, less the hidden part."""
        if self.hidden_setup and self.setup.startswith(self.hidden_setup):
            return self.setup[len(self.hidden_setup) :].lstrip("\n")
        return self.setup


EXAMPLE_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})\s*python\s+example\s*$")  # opens a worked example
EXAMPLE_MARKER = "```python example\n```"  # an example's place in prose: its code is kept beside it


@dataclass(frozen=True)
class Example:
    """A worked example: runnable, editable, never graded. Its code is written once, in the
    English lesson; prose in every language keeps only its place (an empty ```python example fence)."""

    code: str
    line: int


def prose_parts(body: str, examples: tuple[Example, ...]) -> tuple[str | Example, ...]:
    """Prose split at its examples' places: Markdown text and :class:`Example` in reading order.
    The n-th empty example fence stands for the n-th example; examples without a place (a
    translation that marks none) come after the prose."""
    parts: list[str | Example] = []
    text: list[str] = []
    lines = body.splitlines()
    placed = 0
    i = 0
    while i < len(lines):
        found = EXAMPLE_FENCE.match(lines[i])
        if found is None:
            text.append(lines[i])
            i += 1
            continue
        close = found.group(1)
        i += 1
        while i < len(lines) and not (lines[i].strip().startswith(close) and set(lines[i].strip()) <= {close[0]}):
            i += 1  # the code of an example written in place (only the lesson's own fences are kept empty)
        i += 1
        if "\n".join(text).strip():
            parts.append("\n".join(text).strip("\n").rstrip())
        text = []
        if placed < len(examples):
            parts.append(examples[placed])
            placed += 1
    if "\n".join(text).strip():
        parts.append("\n".join(text).strip("\n").rstrip())
    parts.extend(examples[placed:])
    return tuple(parts)


@dataclass(frozen=True)
class Section:
    title: str
    body: str  # Markdown; each worked example's place is an empty ```python example fence
    line: int
    examples: tuple[Example, ...] = ()

    @property
    def parts(self) -> tuple[str | Example, ...]:
        """The body as text and worked examples, in reading order."""
        return prose_parts(self.body, self.examples)


@dataclass(frozen=True)
class ExerciseText:
    title: str
    task: str
    hints: tuple[str, ...]
    feedback: Mapping[str, str]  # check id (or "check-id.mistake-id", or a choice's option id) -> message
    line: int
    options: Mapping[str, str] = field(default_factory=dict)  # choice: option id -> its text
    examples: tuple[Example, ...] = ()  # worked examples in the task (their places: see Section)

    @property
    def parts(self) -> tuple[str | Example, ...]:
        """The task as text and worked examples, in reading order."""
        return prose_parts(self.task, self.examples)


@dataclass(frozen=True)
class LessonText:
    """Everything a person reads in a lesson, in one language."""

    language: str
    title: str
    summary: str
    intro: str
    sections: tuple[Section, ...]
    exercises: Mapping[str, ExerciseText]
    path: Path | None = None
    code: Mapping[str, str] = field(default_factory=dict)  # English string in the code -> its translation ([code] table)


@dataclass(frozen=True)
class Lesson:
    id: str
    track: str
    path: Path
    xp: int
    minutes: int
    audience: str
    datasets: tuple[str, ...]
    needs: tuple[str, ...]
    requires: tuple[str, ...]
    exercises: tuple[Exercise, ...]
    texts: Mapping[str, LessonText]  # "en" always present
    outline: tuple[tuple[str, int | str], ...] = ()  # ("section", index) and ("exercise", id) in file order
    systems: tuple[str, ...] = ()  # city systems (SYSTEMS) the lesson is about
    reviews: tuple[str, ...] = ()  # traps (course.toml [[trap]] ids) it brings back as planned review

    def text(self, language: str) -> LessonText:
        """The lesson in ``language``, English wherever the translation is missing."""
        english = self.texts[DEFAULT_LANGUAGE]
        other = self.texts.get(language)
        if other is None or language == DEFAULT_LANGUAGE:
            return english
        # Code is written once: a translated section shows the English lesson's examples at its places,
        # with the language's code strings ([code]) put in.
        table = self.code_strings(language)

        def examples(found: tuple[Example, ...]) -> tuple[Example, ...]:
            return tuple(replace(example, code=localize_code(example.code, table)) for example in found) if table else found

        sections = tuple(replace(other.sections[i], examples=examples(s.examples)) if i < len(other.sections) else s for i, s in enumerate(english.sections))
        exercises = {}
        for ex_id, en_ex in english.exercises.items():
            tr = other.exercises.get(ex_id)
            if tr is None:
                exercises[ex_id] = en_ex
                continue
            hints = tuple(tr.hints[i] if i < len(tr.hints) and tr.hints[i] else h for i, h in enumerate(en_ex.hints))
            exercises[ex_id] = ExerciseText(
                title=tr.title or en_ex.title,
                task=tr.task or en_ex.task,
                hints=hints,
                feedback={**en_ex.feedback, **tr.feedback},
                line=tr.line,
                options={**en_ex.options, **{k: v for k, v in tr.options.items() if k in en_ex.options and v}},
                examples=examples(en_ex.examples),
            )
        return LessonText(
            language=language,
            title=other.title or english.title,
            summary=other.summary or english.summary,
            intro=other.intro or english.intro,
            sections=sections,
            exercises=exercises,
            path=other.path,
            code=other.code,
        )

    def code_strings(self, language: str) -> Mapping[str, str]:
        """The ``[code]`` table of ``language``'s translation (empty for English or none)."""
        other = self.texts.get(language)
        return other.code if other is not None and language != DEFAULT_LANGUAGE else {}

    def localize(self, code: str, language: str) -> str:
        """``code`` with ``language``'s code strings put in (comments, printed sentences)."""
        return localize_code(code, self.code_strings(language))

    def in_language(self, language: str) -> Lesson:
        """The lesson as learners of ``language`` see it and are graded: every code block (starter,
        solution, setup, mistakes, asserts and calls) with that language's code strings."""
        table = self.code_strings(language)
        if not table:
            return self
        return replace(self, exercises=tuple(_localized_exercise(exercise, table) for exercise in self.exercises))

    def exercise(self, exercise_id: str) -> Exercise | None:
        return next((e for e in self.exercises if e.id == exercise_id), None)


def localize_code(code: str, table: Mapping[str, str]) -> str:
    """Replace every English string of ``table`` in ``code`` by its translation, in one pass (a
    translation is never replaced again); longer strings first, so a sentence wins over its part."""
    if not table or not code:
        return code
    keys = sorted((key for key in table if key), key=len, reverse=True)
    pattern = re.compile("|".join(re.escape(key) for key in keys))
    return pattern.sub(lambda found: table[found.group(0)], code)


def _localized_exercise(exercise: Exercise, table: Mapping[str, str]) -> Exercise:
    def check(one: Check) -> Check:
        target = localize_code(one.target, table) if one.kind is CheckKind.ASSERT else one.target
        options = dict(one.options)
        if isinstance(options.get("calls"), list):
            options["calls"] = [localize_code(call, table) for call in options["calls"]]
        mistakes = tuple(replace(m, code=localize_code(m.code, table)) for m in one.mistakes)
        return replace(one, target=target, options=options, mistakes=mistakes)

    return replace(
        exercise,
        starter=localize_code(exercise.starter, table),
        solution=localize_code(exercise.solution, table),
        setup=localize_code(exercise.setup, table),
        hidden_setup=localize_code(exercise.hidden_setup, table),
        checks=tuple(check(c) for c in exercise.checks),
    )


@dataclass(frozen=True)
class LearningPath:
    """An ordered list of lessons for one kind of learner (course.toml ``[[path]]``)."""

    id: str
    title: Localized
    description: Localized
    front_end: str  # browser | terminal: where it is meant to be followed first
    lessons: tuple[str, ...]
    line: int

    def title_in(self, language: str) -> str:
        return pick(self.title, language)


@dataclass(frozen=True)
class Track:
    id: str
    title: Localized
    description: Localized
    lessons: tuple[str, ...]
    requires: tuple[str, ...]
    line: int

    def title_in(self, language: str) -> str:
        return pick(self.title, language)


@dataclass(frozen=True)
class XpRules:
    per_exercise: int = 10
    first_try_bonus: int = 5
    hint_cost: float = 0.25  # share of the exercise's XP each hint costs
    min_share: float = 0.25  # a pass is always worth at least this share


@dataclass(frozen=True)
class Level:
    number: int
    xp: int
    title: Localized


@dataclass(frozen=True)
class Badge:
    id: str
    title: Localized
    description: Localized  # how to earn it, in the learner's words
    icon: str
    rule: Mapping[str, Any]
    line: int


@dataclass(frozen=True)
class Trap:
    """A data trap the course teaches once (``taught_in``) and brings back on purpose in the lessons
    whose front matter says ``reviews = ["its-id"]`` (course.toml ``[[trap]]``)."""

    id: str
    title: Localized
    taught_in: str  # the lesson that explains it as new
    line: int


@dataclass(frozen=True)
class CourseInfo:
    """What course.toml says, before any lesson is read."""

    id: str
    title: Localized
    languages: tuple[str, ...]
    tracks: tuple[Track, ...]
    xp: XpRules
    levels: tuple[Level, ...]
    badges: tuple[Badge, ...]
    path: Path
    paths: tuple[LearningPath, ...] = ()
    show_solution: bool = True  # [course] show_solution: a learner may see the reference after the last hint
    traps: tuple[Trap, ...] = ()


@dataclass
class Course:
    """A course folder: course/course.toml, lessons/TRACK/*.md, lessons/datasets/."""

    root: Path
    info: CourseInfo
    lessons: dict[str, Lesson] = field(default_factory=dict)
    problems: list = field(default_factory=list)  # ContentErrors of lessons that were skipped

    @property
    def tracks(self) -> tuple[Track, ...]:
        return self.info.tracks

    @property
    def lessons_dir(self) -> Path:
        return self.root / "lessons"

    @property
    def datasets_dir(self) -> Path:
        return self.root / "lessons" / "datasets"

    def track(self, track_id: str) -> Track | None:
        return next((t for t in self.info.tracks if t.id == track_id), None)

    def ordered_lessons(self) -> list[Lesson]:
        """Lessons in course order, skipping any that failed to load."""
        return [self.lessons[lesson_id] for t in self.info.tracks for lesson_id in t.lessons if lesson_id in self.lessons]

    def lesson(self, lesson_id: str) -> Lesson | None:
        return self.lessons.get(lesson_id)

    @property
    def paths(self) -> tuple[LearningPath, ...]:
        return self.info.paths

    def path(self, path_id: str | None) -> LearningPath | None:
        return next((p for p in self.info.paths if p.id == path_id), None)

    def path_lessons(self, path_id: str | None) -> list[Lesson]:
        """A path's lessons in its order (those that loaded); the whole course by track for no path."""
        found = self.path(path_id)
        if found is None:
            return self.ordered_lessons()
        return [self.lessons[lesson_id] for lesson_id in found.lessons if lesson_id in self.lessons]
