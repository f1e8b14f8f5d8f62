"""Reading lesson files: one Markdown file per lesson, and its prose-only translations.

    +++                                  TOML front matter
    id = "monthly-air"
    ...
    +++
    # Title                              (optional; the front matter's title is used)
    Intro prose.
    ## A prose section
    ## Exercise mean-jan: The January average
    Task prose.
    ```python starter``` / ```python solution``` / ```python setup``` / ```toml checks```
    (```python hidden-setup```: runs before the setup, never shown to learners)
    ### Hints
    1. First hint.

A translation (``monthly-air.ru.md``) has the same headings with prose only, plus
``### Feedback`` lists (``- check-id: message``) under exercises, and in its front matter the
fingerprint of the English words it translates (``translated_from``, written by ``qala
translated``), so that validate can tell when the English changed after it. See docs/authoring.md.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ContentError, t
from .kinds import KIND_SETTINGS, REQUIRED_BLOCKS, kind_of, read_kind, split_option
from .model import (
    CHECK_KINDS,
    CHECK_SPECS,
    EXAMPLE_FENCE,
    EXAMPLE_MARKER,
    EXERCISE_KINDS,
    SYSTEMS,
    Check,
    CheckKind,
    Example,
    Exercise,
    ExerciseKind,
    ExerciseText,
    Lesson,
    LessonText,
    Mistake,
    Section,
)
from .toml_words import check_lines, toml_line, toml_message

EXERCISE_HEADING = re.compile(r"^##\s+Exercise\s+([A-Za-z0-9_-]+)\s*:\s*(.*?)\s*$")

SECTION_HEADING = re.compile(r"^##\s+(.*?)\s*#*\s*$")

SUBHEADING = re.compile(r"^###\s+(.*?)\s*#*\s*$")

FENCE = re.compile(r"^(\s{0,3})(`{3,}|~{3,})\s*([^`]*?)\s*$")

LIST_ITEM = re.compile(r"^(\d+)[.)]\s+(.*)$")

BULLET = re.compile(r"^[-*]\s+(.*)$")

ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")


CODE_ROLES = {"starter", "solution", "setup", "hidden-setup", "checks"}

HINTS_HEADINGS = {"hints"}

FEEDBACK_HEADINGS = {"feedback"}

OPTIONS_HEADINGS = {"options"}

AUDIENCES = {"school", "staff", "both"}


@dataclass
class Problems:
    """Collects every problem in a file instead of stopping at the first."""

    path: Path
    items: list[ContentError] = field(default_factory=list)
    warnings: list[ContentError] = field(default_factory=list)

    def error(self, line: int, message: str, /, **params: object) -> None:
        """A mistake at ``line``: ``message`` is the English template (marked ``t("…")``) of its fields."""
        self.items.append(ContentError(message, self.path, line, params=params))

    def warn(self, line: int, message: str, /, **params: object) -> None:
        self.warnings.append(ContentError(message, self.path, line, warning=True, params=params))


@dataclass
class _Block:
    role: str | None  # a code role, or None for prose lines
    info: str
    lines: list[str]
    line: int  # 1-based line of the block's first line (the fence, for code)


@dataclass
class _RawSection:
    heading: str | None
    line: int
    blocks: list[_Block]


def read_front_matter(text: str, problems: Problems) -> tuple[dict[str, Any], list[str], int]:
    """The TOML between the opening and closing ``+++``; the body lines and their first line number."""
    lines = text.splitlines()
    if not lines or lines[0].strip() != "+++":
        problems.error(1, t("the file must start with front matter between two '+++' lines"))
        return {}, lines, 1
    for end in range(1, len(lines)):
        if lines[end].strip() == "+++":
            break
    else:
        problems.error(1, t("front matter is not closed: add a '+++' line after it"))
        return {}, [], len(lines) + 1
    try:
        meta = tomllib.loads("\n".join(lines[1:end]))
    except tomllib.TOMLDecodeError as exc:
        problems.error(1 + _toml_line(exc, "\n".join(lines[1:end])), t("front matter is not valid TOML: {error}"), error=_toml_message(exc))
        meta = {}
    return meta, lines[end + 1 :], end + 2


def _toml_line(exc: tomllib.TOMLDecodeError, text: str | None = None) -> int:
    return toml_line(exc, text)


def _toml_message(exc: tomllib.TOMLDecodeError) -> str:
    return toml_message(exc)


def split_sections(lines: list[str], first_line: int, problems: Problems) -> list[_RawSection]:
    """Split the body at '## ' headings (outside code fences) into prose and code blocks."""
    sections = [_RawSection(None, first_line, [])]
    fence: tuple[str, _Block] | None = None
    for offset, raw in enumerate(lines):
        number = first_line + offset
        current = sections[-1]
        if fence is not None:
            marker, block = fence
            stripped = raw.strip()
            if stripped.startswith(marker[0] * len(marker)) and set(stripped) <= {marker[0]}:
                fence = None
                if block.role is None:
                    block.lines.append(raw)
            else:
                block.lines.append(raw)
            continue
        opened = FENCE.match(raw)
        if opened:
            words = opened.group(3).split()
            role = words[1] if len(words) >= 2 and words[1] in CODE_ROLES else None
            if role is None:
                block = _prose_block(current, number)
                block.lines.append(raw)
            else:
                block = _Block(role, words[0], [], number)
                current.blocks.append(block)
            fence = (opened.group(2), block)
            continue
        if raw.startswith("## "):
            sections.append(_RawSection(raw, number, []))
            continue
        _prose_block(current, number).lines.append(raw)
    if fence is not None:
        problems.error(fence[1].line, t("a code block is never closed: add a closing ``` line"))
    return sections


def _prose_block(section: _RawSection, number: int) -> _Block:
    if not section.blocks or section.blocks[-1].role is not None:
        section.blocks.append(_Block(None, "", [], number))
    return section.blocks[-1]


def _text(lines: list[str]) -> str:
    return "\n".join(lines).strip("\n").rstrip()


def _split_subsections(block_lines: list[tuple[int, str]]) -> tuple[list[str], dict[str, list[tuple[int, str]]]]:
    """Prose lines of an exercise, and its ### Hints / ### Feedback subsections."""
    prose: list[str] = []
    special: dict[str, list[tuple[int, str]]] = {}
    target: list | None = None
    for number, raw in block_lines:
        heading = SUBHEADING.match(raw)
        if heading and not raw.startswith("####"):
            name = heading.group(1).strip().lower()
            if name in HINTS_HEADINGS | FEEDBACK_HEADINGS | OPTIONS_HEADINGS:
                target = special.setdefault(name, [])
                target.append((number, ""))  # the heading's own line, for messages
                continue
            target = None
        if target is not None:
            target.append((number, raw))
        else:
            prose.append(raw)
    return prose, special


def _list_items(lines: list[tuple[int, str]], pattern: re.Pattern) -> list[tuple[int, str]]:
    items: list[tuple[int, list[str]]] = []
    for number, raw in lines[1:]:
        found = pattern.match(raw)
        if found:
            items.append((number, [found.group(found.lastindex or 1)]))
        elif items and (raw.startswith((" ", "\t")) or not raw.strip()):
            items[-1][1].append(raw.strip())
    return [(number, "\n".join(parts).strip()) for number, parts in items]


def _read_head(path: Path, text: str | None, problems: Problems) -> tuple[str, dict[str, Any], list[str], int] | None:
    """A lesson or translation file's text (read from ``path`` unless given), front matter, body
    lines and the body's first line number; None, with the problem recorded, if it cannot be read."""
    if text is None:
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            problems.error(1, t("the file is not UTF-8 text"))
            return None
    meta, body, first = read_front_matter(text, problems)
    if problems.items:
        return None
    return text, meta, body, first


def parse_lesson(path: Path, text: str | None = None, track_folder: str | None = None) -> tuple[Lesson | None, Problems]:
    """Parse a lesson file. Returns (lesson or None, problems); never raises for content mistakes."""
    problems = Problems(path)
    head = _read_head(path, text, problems)
    if head is None:
        return None, problems
    text, meta, body, first = head
    lesson_id = _meta_str(meta, "id", problems, required=True)
    track = _meta_str(meta, "track", problems, required=True)
    title = _meta_str(meta, "title", problems, required=True)
    summary = _meta_str(meta, "summary", problems)
    audience = _meta_str(meta, "audience", problems) or "both"
    if audience not in AUDIENCES:
        problems.error(
            _meta_line(text, "audience"), t("audience must be one of {known}, not {audience!r}"), known=", ".join(sorted(AUDIENCES)), audience=audience
        )
    if lesson_id and not ID.match(lesson_id):
        problems.error(_meta_line(text, "id"), t("lesson id {lesson!r} must be lower-case letters, digits and '-'"), lesson=lesson_id)
    if lesson_id and path.name.split(".")[0] != lesson_id:
        problems.error(_meta_line(text, "id"), t("lesson id {lesson!r} must match the file name {name!r}"), lesson=lesson_id, name=path.name)
    if track and track_folder and track != track_folder:
        problems.error(_meta_line(text, "track"), t("track {track!r} does not match the folder {folder!r}"), track=track, folder=track_folder)
    xp = _meta_int(meta, "xp", problems, text, default=0)
    minutes = _meta_int(meta, "minutes", problems, text, default=10)
    datasets = _meta_list(meta, "datasets", problems, text)
    needs = _meta_list(meta, "needs", problems, text)
    requires = _meta_list(meta, "requires", problems, text)
    systems = _meta_list(meta, "systems", problems, text)
    for system in systems:
        if system not in SYSTEMS:
            problems.error(_meta_line(text, "systems"), t("unknown system {system!r} (known: {known})"), system=system, known=", ".join(SYSTEMS))
    reviews = _meta_list(meta, "reviews", problems, text)
    known = {"id", "track", "title", "summary", "audience", "xp", "minutes", "datasets", "needs", "requires", "systems", "reviews"}
    for key in meta:
        if key not in known:
            problems.error(_meta_line(text, key), t("unknown front-matter key {key!r} (known: {known})"), key=key, known=", ".join(sorted(known)))

    sections = split_sections(body, first, problems)
    intro = _intro_text(sections[0])
    _no_examples_in_intro(sections[0], problems)
    prose_sections: list[Section] = []
    exercises: list[Exercise] = []
    exercise_texts: dict[str, ExerciseText] = {}
    outline: list[tuple[str, int | str]] = []
    for raw in sections[1:]:
        heading = EXERCISE_HEADING.match(raw.heading or "")
        if heading is None:
            if raw.heading and raw.heading.lower().startswith("## exercise"):
                problems.error(raw.line, t("an exercise heading must read '## Exercise some-id: Title'"))
            for block in raw.blocks:
                if block.role is not None:
                    problems.error(block.line, t("a '{role}' code block must be inside an exercise section"), role=block.role)
            outline.append(("section", len(prose_sections)))
            prose, examples = lift_examples(_numbered_prose(raw))
            for example in examples:
                _check_syntax(example.code, example.line, problems)
            prose_sections.append(Section(_section_title(raw), _text([line for _, line in prose]), raw.line, examples))
            continue
        parsed = _parse_exercise(raw, heading.group(1), heading.group(2), meta, problems)
        if parsed is None:
            continue
        exercise, ex_text = parsed
        if exercise.id in exercise_texts:
            problems.error(raw.line, t("duplicate exercise id {exercise!r}"), exercise=exercise.id)
            continue
        exercises.append(exercise)
        exercise_texts[exercise.id] = ex_text
        outline.append(("exercise", exercise.id))
    if not exercises and not problems.items:
        problems.error(first, t("a lesson needs at least one exercise ('## Exercise some-id: Title')"))
    if problems.items:
        return None, problems
    english = LessonText("en", title, summary, intro, tuple(prose_sections), exercise_texts, path)
    lesson = Lesson(
        id=lesson_id,
        track=track,
        path=path,
        xp=xp,
        minutes=minutes,
        audience=audience,
        datasets=tuple(datasets),
        needs=tuple(needs),
        requires=tuple(requires),
        exercises=tuple(exercises),
        texts={"en": english},
        outline=tuple(outline),
        systems=tuple(systems),
        reviews=tuple(reviews),
    )
    return lesson, problems


def _intro_text(section: _RawSection) -> str:
    lines = _block_text(section).splitlines()
    # A leading '# Title' is there for readers on a code-hosting site; the title comes from the front matter.
    while lines and not lines[0].strip():
        lines.pop(0)
    if lines and lines[0].startswith("# "):
        lines.pop(0)
    return "\n".join(lines).strip()


def lift_examples(lines: list[tuple[int, str]]) -> tuple[list[tuple[int, str]], tuple[Example, ...]]:
    """Take the worked examples (```python example fences) out of numbered prose lines: the
    prose keeps an empty fence at each one's place (:data:`EXAMPLE_MARKER`), the examples their
    code and the line of their opening fence."""
    kept: list[tuple[int, str]] = []
    examples: list[Example] = []
    index = 0
    while index < len(lines):
        number, raw = lines[index]
        found = EXAMPLE_FENCE.match(raw)
        index += 1
        if found is None:
            kept.append((number, raw))
            continue
        close, code = found.group(1), []
        while index < len(lines):
            stripped = lines[index][1].strip()
            index += 1
            if stripped.startswith(close) and set(stripped) <= {close[0]}:
                break
            code.append(lines[index - 1][1])
        opening, closing = EXAMPLE_MARKER.splitlines()
        kept += [(number, opening), (number, closing)]
        examples.append(Example(_text(code), number))
    return kept, tuple(examples)


def _no_examples_in_intro(section: _RawSection, problems: Problems) -> None:
    for number, raw in _numbered_prose(section):
        if EXAMPLE_FENCE.match(raw):
            problems.error(number, t("a worked example belongs in a '## ' section or an exercise's task, not in the introduction"))


def _section_title(section: _RawSection) -> str:
    """A prose section's title: its '## ' heading without the hashes."""
    found = SECTION_HEADING.match(section.heading or "")
    return found.group(1) if found else (section.heading or "").lstrip("#").strip()


def _block_text(section: _RawSection) -> str:
    return _text([line for block in section.blocks if block.role is None for line in block.lines])


def _numbered_prose(section: _RawSection) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []
    for block in section.blocks:
        if block.role is None:
            out.extend((block.line + i, line) for i, line in enumerate(block.lines))
    return out


def _parse_exercise(raw: _RawSection, ex_id: str, title: str, meta: dict, problems: Problems):
    if not ID.match(ex_id):
        problems.error(raw.line, t("exercise id {exercise!r} must be lower-case letters, digits and '-'"), exercise=ex_id)
    if not title:
        problems.error(raw.line, t("exercise {exercise!r} needs a title after the colon"), exercise=ex_id)
    code: dict[str, _Block] = {}
    for block in raw.blocks:
        if block.role is None:
            continue
        if block.role in code:
            problems.error(block.line, t("exercise {exercise!r} has two '{role}' blocks"), exercise=ex_id, role=block.role)
        expected_lang = "toml" if block.role == "checks" else "python"
        if block.info != expected_lang:
            problems.error(block.line, t("a '{role}' block must be written as ```{language} {role}"), role=block.role, language=expected_lang)
        code[block.role] = block
    settings, checks = _parse_checks(code["checks"], ex_id, problems) if "checks" in code else ({}, [])
    kind = kind_of(settings)
    if kind is None:
        problems.error(code["checks"].line, t("kind must be one of {known}, not {kind!r}"), known=", ".join(EXERCISE_KINDS), kind=settings.get("kind"))
        kind = ExerciseKind.CODE
    for role in REQUIRED_BLOCKS[kind]:
        if role not in code:
            problems.error(
                raw.line,
                t("exercise {exercise!r} has no '{role}' block (```{language} {role})"),
                exercise=ex_id,
                role=role,
                language="toml" if role == "checks" else "python",
            )
    numbered, examples = lift_examples(_numbered_prose(raw))
    for example in examples:
        _check_syntax(example.code, example.line, problems)
    prose, special = _split_subsections(numbered)
    hints_lines = special.get("hints", [])
    hints = _list_items(hints_lines, LIST_ITEM)
    if not hints:
        problems.error(
            hints_lines[0][0] if hints_lines else raw.line,
            t("exercise {exercise!r} needs at least one hint (a numbered list under '### Hints')"),
            exercise=ex_id,
        )
    if "feedback" in special:
        problems.error(special["feedback"][0][0], t("'### Feedback' belongs in translation files; write English feedback as 'message' in the checks block"))
    options = read_options(special.get("options", []), problems)
    for number, source in ((b.line, _text(b.lines)) for b in code.values() if b.info == "python"):
        if not (kind is ExerciseKind.FILL and code.get("starter") is not None and number == code["starter"].line):
            _check_syntax(source, number, problems)
    if any(role not in code for role in REQUIRED_BLOCKS[kind]):
        return None
    texts = {role: _text(block.lines) for role, block in code.items()}
    kind_fields = read_kind(settings, kind, bool(checks), options, texts, code["checks"].line, problems)
    feedback = {c.id: c.message for c in checks if c.message}
    feedback.update({f"{c.id}.{m.id}": m.message for c in checks for m in c.mistakes})
    feedback.update(kind_fields.pop("feedback", {}))
    xp_default = meta.get("xp") if isinstance(meta.get("xp"), int) else 0
    exercise = Exercise(
        id=ex_id,
        starter=texts.get("starter", ""),
        solution=texts.get("solution", ""),
        setup="\n\n".join(_text(code[r].lines) for r in ("hidden-setup", "setup") if r in code),
        hidden_setup=_text(code["hidden-setup"].lines) if "hidden-setup" in code else "",
        checks=tuple(checks),
        xp=int(settings.get("xp", xp_default) or 0),
        timeout=float(settings.get("timeout", 10)),
        line=raw.line,
        hint_count=len(hints),
        **kind_fields,
    )
    text = ExerciseText(title, _text(prose), tuple(h for _, h in hints), feedback, raw.line, options=options, examples=examples)
    return exercise, text


def read_options(lines: list[tuple[int, str]], problems: Problems) -> dict[str, str]:
    """A choice's ``### Options`` list: ``- a: text`` items, in order."""
    options: dict[str, str] = {}
    for number, item in _list_items(lines, BULLET):
        found = split_option(item)
        if found is None or not found[1]:
            problems.error(number, t("an option must be written '- a: its text' (an id, a colon, the text)"))
        elif found[0] in options:
            problems.error(number, t("two options have the id {option!r}"), option=found[0])
        else:
            options[found[0]] = found[1]
    return options


def _check_syntax(source: str, fence_line: int, problems: Problems) -> None:
    try:
        compile(source, "<lesson>", "exec", dont_inherit=True)
    except SyntaxError as exc:
        problems.error(fence_line + (exc.lineno or 1), t("Python syntax error in the code block: {error}"), error=exc.msg)


EXERCISE_SETTINGS = {"xp", "timeout"}

OUTPUT_MATCHES = {"lines", "exact", "numbers", "contains"}


def _parse_checks(block: _Block, ex_id: str, problems: Problems) -> tuple[dict, list[Check]]:
    source = "\n".join(block.lines)
    try:
        data = tomllib.loads(source)
    except tomllib.TOMLDecodeError as exc:
        problems.error(block.line + _toml_line(exc, source), t("the checks block is not valid TOML: {error}"), error=_toml_message(exc))
        return {}, []
    header_lines = [block.line + 1 + i for i, line in enumerate(block.lines) if line.strip() == "[[check]]"]
    top_lines, check_key_lines = check_lines(block.lines, block.line + 1)  # a problem names the line of its key
    settings = {k: v for k, v in data.items() if k != "check"}
    for key in settings:
        if key not in EXERCISE_SETTINGS | KIND_SETTINGS:
            problems.error(
                top_lines.get(key, block.line),
                t("unknown key {key!r} in the checks block (known: {known})"),
                key=key,
                known=", ".join(["check", *sorted(EXERCISE_SETTINGS | KIND_SETTINGS)]),
            )
    if "xp" in settings and not (isinstance(settings["xp"], int) and settings["xp"] >= 0):
        problems.error(block.line, t("xp must be a whole number of 0 or more"))
    if "timeout" in settings and not (isinstance(settings["timeout"], (int, float)) and 0 < settings["timeout"] <= 120):
        problems.error(block.line, t("timeout must be a number of seconds between 0 and 120"))
    raw_checks = data.get("check", [])
    if not isinstance(raw_checks, list):
        problems.error(block.line, t("checks must be written as [[check]] tables"))
        return settings, []
    if not raw_checks and data.get("kind") not in (ExerciseKind.PREDICT, ExerciseKind.CHOICE):
        problems.error(block.line, t("exercise {exercise!r} has no [[check]] in its checks block"), exercise=ex_id)
    checks: list[Check] = []
    seen: set[str] = set()
    for index, raw in enumerate(raw_checks):
        line = header_lines[index] if index < len(header_lines) else block.line
        check = _parse_check(raw, line, problems, check_key_lines[index] if index < len(check_key_lines) else None)
        if check is None:
            continue
        if check.id in seen:
            problems.error(line, t("two checks in exercise {exercise!r} have the id {check!r}; give one an 'id'"), exercise=ex_id, check=check.id)
            continue
        seen.add(check.id)
        checks.append(check)
    return settings, checks


def _parse_check(raw: dict, line: int, problems: Problems, key_lines: dict[str, int] | None = None) -> Check | None:
    def at(key: str) -> int:  # the line of a key of this check (from check_lines), else its [[check]]
        return (key_lines or {}).get(key, line)

    kinds = [k for k in CHECK_KINDS if k in raw]
    if len(kinds) != 1:
        problems.error(line, t("each [[check]] needs exactly one of: {kinds}"), kinds=", ".join(CHECK_KINDS))
        return None
    kind = CheckKind(kinds[0])
    spec = CHECK_SPECS[kind]
    target = raw[kind]
    allowed = spec.options | {kind, "id", "message", "mistake"}
    for key in raw:
        if key not in allowed:
            problems.error(at(key), t("unknown key {key!r} for a {kind} check (known: {known})"), key=key, kind=kind, known=", ".join(sorted(allowed - {kind})))
    if "reveal" in raw and not isinstance(raw["reveal"], bool):
        problems.error(at("reveal"), t("reveal must be true or false (false: a failing check does not show its expected values)"))
    if spec.target == "name":
        if not (isinstance(target, str) and target.isidentifier()):
            problems.error(at(kind), t("{kind} must name a Python variable or function, not {target!r}"), kind=kind, target=target)
            return None
    elif spec.target == "names":
        if isinstance(target, str):
            target = [target]
        if not (isinstance(target, list) and target and all(isinstance(t, str) and t for t in target)):
            problems.error(at(kind), t('{kind} must be a list of names, e.g. {kind} = ["for", "sum"]'), kind=kind)
            return None
        target = tuple(target)
    elif spec.target == "expression":
        if not isinstance(target, str):
            problems.error(at(kind), t("assert must be a Python expression in a string"))
            return None
        try:
            compile(target, "<assert>", "eval", dont_inherit=True)
        except SyntaxError as exc:
            problems.error(at(kind), t("assert is not a valid Python expression: {error}"), error=exc.msg)
            return None
        if not raw.get("message"):
            problems.error(line, t("an assert check needs a 'message' saying what went wrong"))
    elif spec.target == "true" and kind is CheckKind.CHART:
        if target is not True:
            problems.error(at(kind), t("write 'chart = true' to compare what the code draws with the solution's drawing"))
            return None
        for key in ("labels", "title", "values"):
            if key in raw and not isinstance(raw[key], bool):
                problems.error(at(key), t("{key} must be true or false"), key=key)
    elif spec.target == "true":
        match = raw.get("match", "lines")
        if target is not True:
            problems.error(at(kind), t("write 'output = true' to compare printed output with the solution's"))
            return None
        if match not in OUTPUT_MATCHES:
            problems.error(at("match"), t("match must be one of {known}"), known=", ".join(sorted(OUTPUT_MATCHES)))
    if spec.captures == "calls":
        calls = raw.get("calls")
        if not (isinstance(calls, list) and calls and all(isinstance(c, str) for c in calls)):
            problems.error(at("calls"), t('a function check needs calls = ["f(1, 2)", ...]: the hidden inputs'))
            return None
        for call in calls:
            try:
                compile(call, "<call>", "eval", dont_inherit=True)
            except SyntaxError as exc:
                problems.error(at("calls"), t("call {call!r} is not a valid Python expression: {error}"), call=call, error=exc.msg)
                return None
    for key in ("tolerance", "rel_tolerance"):
        if key in raw and not (isinstance(raw[key], (int, float)) and raw[key] >= 0):
            problems.error(at(key), t("{key} must be a number of 0 or more"), key=key)
    check_id = raw.get("id") or _default_check_id(kind, target)
    if not isinstance(check_id, str) or not ID.match(check_id.replace("_", "-").lower()):
        problems.error(at("id"), t("check id {check!r} must be letters, digits, '-' or '_'"), check=check_id)
        return None
    mistakes = []
    raw_mistakes = raw.get("mistake", [])
    if raw_mistakes and not spec.takes_mistakes:
        problems.error(line, t("mistakes can only be given for value, function and output checks"))
    for n, m in enumerate(raw_mistakes if isinstance(raw_mistakes, list) else [], start=1):
        if not (isinstance(m, dict) and isinstance(m.get("code"), str) and isinstance(m.get("message"), str)):
            problems.error(at(f"mistake.{n}"), t("each [[check.mistake]] needs 'code' (a wrong program) and 'message'"))
            continue
        try:
            compile(m["code"], "<mistake>", "exec", dont_inherit=True)
        except SyntaxError as exc:
            problems.error(at(f"mistake.{n}"), t("mistake {number}'s code has a syntax error: {error}"), number=n, error=exc.msg)
            continue
        mistakes.append(Mistake(str(m.get("id", n)), m["code"].strip("\n"), m["message"], line))
    options = {k: v for k, v in raw.items() if k not in (kind, "id", "message", "mistake")}
    return Check(check_id, kind, target, options, raw.get("message", ""), tuple(mistakes), line)


def _default_check_id(kind: CheckKind, target: Any) -> str:
    if kind in (CheckKind.VALUE, CheckKind.FUNCTION):
        return str(target)
    if kind is CheckKind.NO_HARDCODED:
        return f"computed-{target}"
    if kind is CheckKind.CHART:
        return "chart"
    if CHECK_SPECS[kind].target == "names":
        return f"{kind}-" + "-".join(re.sub(r"[^A-Za-z0-9_]+", "", name) or "x" for name in target)
    return kind


def _meta_line(text: str, key: str) -> int:
    for number, line in enumerate(text.splitlines(), start=1):
        if re.match(rf"^\s*{re.escape(key)}\s*=", line):
            return number
    return 1


def _meta_str(meta: dict, key: str, problems: Problems, required: bool = False) -> str:
    value = meta.get(key)
    if value is None:
        if required:
            problems.error(1, t("front matter needs '{key}'"), key=key)
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        problems.error(1, t("front matter '{key}' must be a non-empty string"), key=key)
        return ""
    return value.strip()


def _meta_int(meta: dict, key: str, problems: Problems, text: str, default: int) -> int:
    value = meta.get(key, default)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        problems.error(_meta_line(text, key), t("front matter '{key}' must be a whole number of 0 or more"), key=key)
        return default
    return value


def _meta_list(meta: dict, key: str, problems: Problems, text: str) -> list[str]:
    value = meta.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        problems.error(_meta_line(text, key), t('front matter \'{key}\' must be a list of strings, e.g. {key} = ["a", "b"]'), key=key)
        return []
    return value
