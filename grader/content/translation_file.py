"""A lesson's translation (ID.ru.md, ID.kk.md): its words read beside the English lesson, section
by section and exercise by exercise, and the fingerprint of the English words it follows
(`qala translated` writes it; validate warns when the English changed after it).
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

from ..errors import t
from .kinds import split_option
from .lesson_file import (
    BULLET,
    EXERCISE_HEADING,
    LIST_ITEM,
    Problems,
    _intro_text,
    _list_items,
    _meta_line,
    _numbered_prose,
    _read_head,
    _section_title,
    _split_subsections,
    _text,
    lift_examples,
    split_sections,
)
from .model import CheckKind, Example, ExerciseText, Lesson, LessonText, Section, localize_code

TRANSLATION_KEYS = ("title", "summary", "translated_from", "code")

TRANSLATED_FROM = re.compile(r"^translated_from\s*=")


def english_fingerprint(lesson: Lesson) -> str:
    """Twelve hex digits that change whenever the English words a translation carries change
    (titles, summary, prose, tasks, hints, feedback); code, checks and line numbers do not count."""
    english = lesson.texts["en"]
    words = {
        "title": english.title,
        "summary": english.summary,
        "intro": english.intro,
        "sections": [[section.title, section.body] for section in english.sections],
        "exercises": {
            ex_id: [text.title, text.task, list(text.hints), dict(text.feedback)] + ([dict(text.options)] if text.options else [])
            for ex_id, text in english.exercises.items()
        },
    }
    data = json.dumps(words, ensure_ascii=False, sort_keys=True).encode("utf-8")
    return hashlib.sha256(data).hexdigest()[:12]


def _check_translated_from(value: Any, line: int, lesson: Lesson, language: str, problems: Problems, fingerprint: str | None = None) -> None:
    """Warn when a translation does not say which English it follows, or follows an older one."""
    if value is None:
        problems.warn(
            1,
            t("{language}: the translation does not say which English text it follows: once it is up to date, run `qala translated {lesson} {language}`"),
            language=language,
            lesson=lesson.id,
        )
    elif not isinstance(value, str):
        problems.error(line, t('translated_from must be the text `qala translated` writes, e.g. translated_from = "3f2a91c0b7d4"'))
    elif value != (fingerprint or english_fingerprint(lesson)):
        problems.warn(
            line,
            t(
                "{language}: the English of the lesson changed after this translation was made: bring it up to date, then run `qala translated {lesson} {language}`"
            ),
            language=language,
            lesson=lesson.id,
        )


def mark_translated(path: Path, fingerprint: str) -> bool:
    """Write ``translated_from = "FINGERPRINT"`` into a translation file's front matter (replacing
    the one there, or as its last line); the rest of the file stays byte for byte. Returns whether
    the file changed. Raises ValueError if the file has no front matter between '+++' lines."""
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "+++":
        raise ValueError("no front matter")
    end = next((n for n in range(1, len(lines)) if lines[n].strip() == "+++"), None)
    if end is None:
        raise ValueError("front matter is not closed")
    newline = "\r\n" if lines[0].endswith("\r\n") else "\n"
    stamp = f'translated_from = "{fingerprint}"{newline}'
    at = next((n for n in range(1, end) if TRANSLATED_FROM.match(lines[n])), None)
    if at is not None:
        if lines[at] == stamp:
            return False
        lines[at] = stamp
    else:
        # Above the first table (a [code] table ends the plain keys), else as the last line.
        table = next((n for n in range(1, end) if lines[n].lstrip().startswith("[")), end)
        lines.insert(table, stamp)
    path.write_text("".join(lines), encoding="utf-8", newline="")
    return True


def _check_example_marks(marks: tuple[Example, ...], expected: int, section: str, language: str, line: int, problems: Problems) -> None:
    """A translation marks each worked example's place with an empty ```python example fence (the
    code is the lesson's): as many as the English section has, or none (then they follow the prose)."""
    for mark in marks:
        if mark.code.strip():
            problems.error(
                mark.line,
                t("{language}: an example's code is written once, in the lesson file: leave the ```python example fence empty here"),
                language=language,
            )
    if marks and len(marks) != expected:
        problems.error(
            line,
            t("{language}: the section {section!r} marks {marks} examples, the lesson has {expected} there"),
            language=language,
            section=section,
            marks=len(marks),
            expected=expected,
        )


def parse_translation(path: Path, lesson: Lesson, language: str, fingerprint: str | None = None) -> tuple[LessonText | None, Problems]:
    """Parse ``LESSON.LANG.md`` against its lesson; report what is missing or does not match.
    ``fingerprint``: the lesson's :func:`english_fingerprint`, if already known (one per lesson)."""
    problems = Problems(path)
    head = _read_head(path, None, problems)
    if head is None:
        return None, problems
    text, meta, body, first = head
    for key in meta:
        if key not in TRANSLATION_KEYS:
            problems.error(
                _meta_line(text, key), t("a translation's front matter has only 'title', 'summary', 'translated_from' and a [code] table, not {key!r}"), key=key
            )
    _check_translated_from(meta.get("translated_from"), _meta_line(text, "translated_from"), lesson, language, problems, fingerprint)
    code = _code_table(meta.get("code"), text, lesson, language, problems)
    english = lesson.texts["en"]
    title = meta.get("title", "") if isinstance(meta.get("title"), str) else ""
    summary = meta.get("summary", "") if isinstance(meta.get("summary"), str) else ""
    if not title:
        problems.warn(1, t("{language}: the title is not translated"), language=language)
    if english.summary and not summary:
        problems.warn(1, t("{language}: the summary is not translated"), language=language)
    sections = split_sections(body, first, problems)
    intro = _intro_text(sections[0])
    if english.intro and not intro:
        problems.warn(first, t("{language}: the introduction is not translated"), language=language)
    prose: list[Section] = []
    exercises: dict[str, ExerciseText] = {}
    # Prose sections are matched in order between the same exercises: a missing one is named,
    # instead of shifting the next one's words under the wrong heading.
    slots: dict[str | None, list[int]] = {}
    after: str | None = None
    for part, ref in lesson.outline:
        if part == "section":
            slots.setdefault(after, []).append(int(ref))
        else:
            after = str(ref)
    placed: dict[int, Section] = {}
    seen_in_slot: dict[str | None, int] = {}
    slot: str | None = None
    for raw in sections[1:]:
        for block in raw.blocks:
            if block.role is not None:
                problems.error(block.line, t("code blocks belong in the lesson file only, not in a translation ('{role}')"), role=block.role)
        heading = EXERCISE_HEADING.match(raw.heading or "")
        if heading is None:
            lifted, marks = lift_examples(_numbered_prose(raw))
            prose_text = _text([line for _, line in lifted])
            position, expected = seen_in_slot.get(slot, 0), slots.get(slot, [])
            seen_in_slot[slot] = position + 1
            index = expected[position] if position < len(expected) else None
            en_section = english.sections[index] if index is not None and index < len(english.sections) else None
            if en_section is None or index is None:
                where = t("after exercise {exercise!r}").format(exercise=slot) if slot else t("before the first exercise")
                problems.error(
                    raw.line,
                    t("{language}: the section {section!r} ({where}) has no section of the lesson to translate there"),
                    language=language,
                    section=_section_title(raw),
                    where=where,
                )
                continue
            _check_example_marks(marks, len(en_section.examples), en_section.title, language, raw.line, problems)
            if not prose_text and en_section.body:
                problems.warn(raw.line, t("{language}: the section {section!r} is not translated"), language=language, section=en_section.title)
                prose_text = en_section.body  # shown in English rather than empty
            placed[index] = Section(_section_title(raw), prose_text, raw.line)
            continue
        ex_id, ex_title = heading.group(1), heading.group(2)
        slot = ex_id
        en_ex = english.exercises.get(ex_id)
        if en_ex is None:
            problems.error(raw.line, t("exercise {exercise!r} is not in the lesson {lesson!r}"), exercise=ex_id, lesson=lesson.id)
            continue
        lifted, marks = lift_examples(_numbered_prose(raw))
        _check_example_marks(marks, len(en_ex.examples), en_ex.title, language, raw.line, problems)
        task_lines, special = _split_subsections(lifted)
        hints = [h for _, h in _list_items(special.get("hints", []), LIST_ITEM)]
        feedback: dict[str, str] = {}
        for number, item in _list_items(special.get("feedback", []), BULLET):
            key, sep, message = item.partition(":")
            key = key.strip().strip("`")
            if not sep or key not in en_ex.feedback:
                if en_ex.feedback:
                    problems.error(
                        number,
                        t("feedback item must be '- check-id: message' with a check id of {exercise!r} that has a message (known: {known})"),
                        exercise=ex_id,
                        known=", ".join(sorted(en_ex.feedback)),
                    )
                else:
                    problems.error(
                        number,
                        t("feedback item must be '- check-id: message' with a check id of {exercise!r} that has a message, but none of its checks has one"),
                        exercise=ex_id,
                    )
                continue
            if not message.strip():  # reported below as not translated; English is shown
                continue
            feedback[key] = message.strip()
        options: dict[str, str] = {}
        for number, item in _list_items(special.get("options", []), BULLET):
            found = split_option(item)
            if found is None or found[0] not in en_ex.options:
                problems.error(
                    number,
                    t("option item must be '- id: text' with an option id of {exercise!r} (known: {known})"),
                    exercise=ex_id,
                    known=", ".join(en_ex.options) or "-",
                )
            elif found[1]:
                options[found[0]] = found[1]
        for key in en_ex.options:
            if key not in options:
                problems.warn(raw.line, t("{language}: option {key!r} of exercise {exercise!r} is not translated"), language=language, key=key, exercise=ex_id)
        if not ex_title:
            problems.warn(raw.line, t("{language}: the title of exercise {exercise!r} is not translated"), language=language, exercise=ex_id)
        if any(not hint.strip() for hint in hints):
            problems.warn(raw.line, t("{language}: exercise {exercise!r} has an empty hint"), language=language, exercise=ex_id)
        if len(hints) != len(en_ex.hints):
            problems.warn(
                raw.line,
                t("{language}: exercise {exercise!r} has {hints} hints, the lesson has {expected}"),
                language=language,
                exercise=ex_id,
                hints=len(hints),
                expected=len(en_ex.hints),
            )
        for key in en_ex.feedback:
            if key not in feedback:
                problems.warn(
                    raw.line, t("{language}: feedback {key!r} of exercise {exercise!r} is not translated"), language=language, key=key, exercise=ex_id
                )
        if not _text(task_lines) and en_ex.task:
            problems.warn(raw.line, t("{language}: the task of exercise {exercise!r} is not translated"), language=language, exercise=ex_id)
        exercises[ex_id] = ExerciseText(ex_title, _text(task_lines), tuple(hints), feedback, raw.line, options)
    for ex_id in english.exercises:
        if ex_id not in exercises:
            problems.warn(first, t("{language}: exercise {exercise!r} is not translated"), language=language, exercise=ex_id)
    for index, en_section in enumerate(english.sections):
        if index not in placed:
            problems.error(
                first,
                t(
                    "{language}: the section {section!r} is missing: add its '## ' heading in the same place (prose sections are matched in order between exercises)"
                ),
                language=language,
                section=en_section.title,
            )
    prose = [placed[i] for i in sorted(placed)]
    if problems.items:
        return None, problems
    return LessonText(language, title, summary, intro, tuple(prose), exercises, path, code), problems


EXAMPLE_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})\s*python\s+example\s*$")


def example_code(prose: str) -> list[str]:
    """The code of the worked examples (```python example fences) in a piece of English prose."""
    found: list[str] = []
    fence: str | None = None
    lines: list[str] = []
    for line in prose.splitlines():
        if fence is None:
            opened = EXAMPLE_FENCE.match(line)
            if opened:
                fence, lines = opened.group(1), []
        elif line.strip().startswith(fence) and set(line.strip()) <= {fence[0]}:
            found.append("\n".join(lines))
            fence = None
        else:
            lines.append(line)
    return [code for code in found if code.strip()]


def lesson_code(lesson: Lesson) -> list[tuple[str, str, bool]]:
    """Every piece of a lesson's code as (exercise id, code, is Python to compile): starters,
    solutions, setups, mistakes, asserts, hidden calls and worked examples."""
    english = lesson.texts["en"]
    prose = [("example", english.intro), *(("example", section.body) for section in english.sections)]
    prose += [(exercise_id, text.task) for exercise_id, text in english.exercises.items()]
    pieces: list[tuple[str, str, bool]] = [(where, code, True) for where, body in prose for code in example_code(body)]
    pieces += [("example", example.code, True) for section in english.sections for example in section.examples]
    pieces += [(exercise_id, example.code, True) for exercise_id, text in english.exercises.items() for example in text.examples]
    for exercise in lesson.exercises:
        pieces += [(exercise.id, code, True) for code in (exercise.starter, exercise.solution, exercise.setup) if code]
        for check in exercise.checks:
            pieces += [(exercise.id, mistake.code, True) for mistake in check.mistakes]
            if check.kind is CheckKind.ASSERT:
                pieces.append((exercise.id, str(check.target), False))
            pieces += [(exercise.id, str(call), False) for call in check.options.get("calls", []) or []]
    return pieces


def _code_table(raw: Any, text: str, lesson: Lesson, language: str, problems: Problems) -> dict[str, str]:
    """A translation's ``[code]`` table: each English string must occur in the lesson's code, and
    the code must still be Python once the translations are put in."""
    if raw is None:
        return {}
    lines = text.splitlines()
    header = next((n for n, line in enumerate(lines, start=1) if line.strip() == "[code]"), _meta_line(text, "code"))
    if not isinstance(raw, dict) or not all(isinstance(v, str) for v in raw.values()):
        problems.error(header, t('[code] must map English strings of the code to their translations, e.g. "# The mean" = "# Среднее"'))
        return {}
    pieces = lesson_code(lesson)

    def line_of(key: str) -> int:
        quoted = json.dumps(key, ensure_ascii=False)
        return next((n for n, line in enumerate(lines, start=1) if n > header and (line.lstrip().startswith(quoted) or key in line)), header)

    table: dict[str, str] = {}
    for key, value in raw.items():
        if not key.strip():
            problems.error(header, t("[code]: an empty string cannot be translated"))
        elif not any(key in code for _, code, _ in pieces):
            problems.error(line_of(key), t("[code]: {key!r} does not occur in the code of the lesson"), key=key)
        elif not value.strip():
            problems.warn(line_of(key), t("{language}: [code] {key!r} is not translated"), language=language, key=key)
        else:
            table[key] = value
    broken: set[str] = set()
    for exercise_id, code, python in pieces:
        localized = localize_code(code, table)
        if localized == code or exercise_id in broken:
            continue
        try:
            compile(localized, "<code>", "exec" if python else "eval", dont_inherit=True)
        except SyntaxError as exc:
            broken.add(exercise_id)
            problems.error(
                header, t("[code]: the code of exercise {exercise!r} is no longer Python with these translations: {error}"), exercise=exercise_id, error=exc.msg
            )
    if table:
        for exercise in lesson.exercises:
            for comment in _english_comments(localize_code(exercise.starter, table)):
                problems.warn(
                    header,
                    t("{language}: a comment of the starter of exercise {exercise!r} is not in [code]: {comment}"),
                    language=language,
                    exercise=exercise.id,
                    comment=comment,
                )
    return table


def _english_comments(code: str) -> list[str]:
    """Comment lines of ``code`` that are words (not commented-out code) and that [code] left in English."""
    found = []
    for line in code.splitlines():
        comment = line.strip()
        if not comment.startswith("#"):
            continue
        words = comment.lstrip("#").strip()
        if not re.search(r"[A-Za-z]{3,}", words) or re.search(r"[\u0400-\u04ff]", words):
            continue  # no English word, or already in Cyrillic
        try:
            compile(words, "<comment>", "exec", dont_inherit=True)
            continue  # commented-out code
        except SyntaxError:
            found.append(comment)
    return found
