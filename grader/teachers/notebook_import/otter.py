"""otter-grader's notebooks: ``# BEGIN QUESTION`` blocks with their YAML-ish config, ``# SOLUTION``
lines, prompts, and test cells.
"""

from __future__ import annotations

import re
from typing import Any

from .notebook import (
    Cell,
    Kept,
    Model,
    Note,
    Notes,
    Question,
    SolutionCell,
    TestCell,
    _clean_code,
    _expression_only,
    _first_comment,
    _points,
    _points_text,
)
from .prose import id_slug

OT_LINE = re.compile(r"^(?P<code>.*?)[ \t]*#[ \t]*SOLUTION(?P<noprompt>[ \t]+NO PROMPT)?[ \t]*$")

OT_SEED = re.compile(r"^(?P<code>.*?)[ \t]*#[ \t]*SEED[ \t]*$")

OT_BEGIN = re.compile(r"^[ \t]*#[ \t]*BEGIN SOLUTION(?P<noprompt>[ \t]+NO PROMPT)?[ \t]*$")

OT_END = re.compile(r"^[ \t]*#[ \t]*END SOLUTION[ \t]*$")

OT_PROMPT_BEGIN = re.compile(r"^[ \t]*(\"\"\"|''')[ \t]*#[ \t]*BEGIN PROMPT[ \t]*$")

OT_PROMPT_END = re.compile(r"^[ \t]*(\"\"\"|''')[ \t]*;?[ \t]*#[ \t]*END PROMPT[ \t]*$")

OT_ASSIGNMENT = re.compile(r"^(?P<target>[ \t]*[A-Za-z_][A-Za-z0-9_.\[\]'\" ]*?[ \t]*(?<![=!<>])=)(?!=)")


def otter_versions(source: str) -> tuple[str, str, bool]:
    """(reference, student, seeded) for an otter solution cell, with otter assign's rules: a line
    ending in `# SOLUTION` becomes `...` (only the right-hand side of an assignment); `# SOLUTION
    NO PROMPT` and `# SEED` lines go; BEGIN/END SOLUTION regions become `...` (or go, NO PROMPT);
    a `\"\"\" # BEGIN PROMPT` string appears only in the student version."""
    reference, student = [], []
    region: str | None = None  # "solution", "noprompt", "prompt"
    seeded = False
    ignoring = False
    for line in source.split("\n"):
        if re.match(r"^[ \t]*#[ \t]*BEGIN IGNORE[ \t]*$", line):
            ignoring = True
            continue
        if re.match(r"^[ \t]*#[ \t]*END IGNORE[ \t]*$", line):
            ignoring = False
            continue
        if ignoring or re.search(r"#[ \t]*IGNORE[ \t]*$", line):
            continue  # otter assign leaves these lines out of every version
        if region == "prompt":
            if OT_PROMPT_END.match(line):
                region = None
            else:
                student.append(line)
            continue
        if OT_PROMPT_BEGIN.match(line):
            region = "prompt"
            continue
        begin = OT_BEGIN.match(line)
        if begin:
            region = "noprompt" if begin.group("noprompt") else "solution"
            if region == "solution":
                leading = re.match(r"^[ \t]*", line)
                assert leading is not None  # a pattern of only `*` matches every string
                student.append(leading.group(0) + "...")
            continue
        if OT_END.match(line):
            region = None
            continue
        if region is not None:
            reference.append(line)
            continue
        seed = OT_SEED.match(line)
        if seed:
            seeded = True
            reference.append(seed.group("code"))
            continue
        marked = OT_LINE.match(line)
        if marked:
            code = marked.group("code")
            reference.append(code)
            if marked.group("noprompt"):
                continue
            assignment = OT_ASSIGNMENT.match(code)
            if assignment:
                student.append(assignment.group("target") + " ...")
            else:
                leading = re.match(r"^[ \t]*", code)
                assert leading is not None  # a pattern of only `*` matches every string
                student.append(leading.group(0) + "...")
            continue
        reference.append(line)
        student.append(line)
    return "\n".join(reference), "\n".join(student), seeded


OTTER_PLUMBING = re.compile(r"^\s*(import otter\b|grader\s*=\s*otter\.Notebook|grader\.(check|check_all|export)\s*\(|otter\.)")


def _is_otter_plumbing(source: str) -> bool:
    lines = [line for line in source.split("\n") if line.strip() and not line.strip().startswith("#")]
    return bool(lines) and all(OTTER_PLUMBING.match(line) for line in lines)


def _yaml_lines(text: str, cell: int, notes: Notes) -> dict:
    """The simple `key: value` YAML that question and test configs use."""
    config: dict[str, Any] = {}
    last = None
    for line in text.split("\n"):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.startswith("- ") and last is not None and isinstance(config.get(last), (list, type(None))):
            config[last] = (config.get(last) or []) + [_yaml_value(stripped[2:].strip())]  # a block list
            continue
        key, sep, value = stripped.partition(":")
        last = key.strip() if sep else None
        if not sep:
            notes.append(Note(cell, "info", notes.tr.t("config line not understood and left out: {line}", line=repr(stripped))))
            continue
        config[key.strip()] = _yaml_value(value.strip())
    return config


def _yaml_value(value: str) -> Any:
    value = re.sub(r"\s+#.*$", "", value)
    lowered = value.lower()
    if lowered in ("true", "yes"):
        return True
    if lowered in ("false", "no"):
        return False
    if lowered in ("null", "~", ""):
        return None
    try:
        return int(value)
    except ValueError:
        pass
    try:
        return float(value)
    except ValueError:
        pass
    if value.startswith("[") and value.endswith("]"):
        return [_yaml_value(v.strip()) for v in value[1:-1].split(",") if v.strip()]
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value


TEST_CONFIG = re.compile(
    r"^[ \t]*(\"\"\"|''')[ \t]*#[ \t]*BEGIN TEST CONFIG[ \t]*\n(?P<body>.*?)^[ \t]*(\"\"\"|''')[ \t]*;?[ \t]*#[ \t]*END TEST CONFIG[ \t]*$\n?", re.M | re.S
)


def parse_otter(cells: list[Cell], notes: Notes) -> Model:
    tr = notes.tr
    intro: list[str] = []
    items: list = []
    pending: list[str] = []
    current: Question | None = None
    manual: Kept | None = None
    block: str | None = None
    seen_question = False
    test_count = 0

    def close_question() -> None:
        nonlocal current, manual, block
        current, manual, block = None, None, None

    for cell in cells:
        if cell.kind == "raw":
            word = _first_comment(cell.source)
            body = "\n".join(cell.source.split("\n")[1:]) if cell.source.strip() else ""
            if word == "assignment config":
                config = _yaml_lines(body, cell.number, notes)
                if config:
                    notes.append(
                        Note(
                            cell.number,
                            "info",
                            tr.t("otter's assignment config is not needed in Qala and was left out ({keys})", keys=", ".join(sorted(config))),
                        )
                    )
                if config.get("files"):
                    notes.append(Note(cell.number, "todo", tr.t("the assignment ships extra files: put data files in lessons/datasets/ with a datasheet")))
                continue
            if word == "begin question":
                close_question()
                if not seen_question:
                    intro.extend(pending)
                    pending.clear()
                seen_question = True
                config = _yaml_lines(body, cell.number, notes)
                name = str(config.get("name") or f"q{sum(isinstance(i, Question) for i in items) + 1}")
                if config.get("manual"):
                    points = _points_text(config.get("points"))
                    manual = Kept(
                        [cell.number],
                        f"question {name} is graded by hand in otter ({points}): Qala grades code by its tests",
                        "",
                        tr.t("question {name} is graded by hand in otter ({points}): Qala grades code by its tests", name=name, points=points),
                    )
                    items.append(manual)
                    continue
                current = Question(name, [cell.number], points=_points(config.get("points")))
                test_count = 0
                items.append(current)
                continue
            if word == "end question":
                close_question()
                continue
            if word in ("begin solution", "begin tests", "begin prompt"):
                block = word.split()[1]
                continue
            if word in ("end solution", "end tests", "end prompt"):
                block = None
                continue
            target = manual if manual is not None else None
            if target is not None:
                target.cells.append(cell.number)
                target.text += "\n\n" + cell.source
                continue
            items.append(Kept([cell.number], "a raw cell otter does not use for questions", cell.source, tr.t("a raw cell otter does not use for questions")))
            continue
        if manual is not None:
            manual.cells.append(cell.number)
            manual.text = (manual.text + "\n\n" + (cell.source if cell.kind == "markdown" else f"```python\n{cell.source}\n```")).strip()
            continue
        if cell.kind == "markdown":
            if current is None and seen_question:
                items.append(("prose", cell.source))  # the text stays where the author put it
            elif current is None:
                pending.append(cell.source)
            elif current.solutions or current.tests:
                current.after.append(cell.source)
            else:
                current.prompt.append(cell.source)
            continue
        # code
        if _is_otter_plumbing(cell.source):
            notes.append(Note(cell.number, "info", tr.t("otter's own cell (grader.check, export) left out: Qala checks the exercise itself")))
            continue
        source = _clean_code(cell, notes)
        if current is not None and block == "solution":
            reference, student, seeded = otter_versions(source)
            if seeded:
                notes.append(
                    Note(
                        cell.number,
                        "todo",
                        tr.t(
                            "the solution sets a random seed (# SEED) that the starter leaves out: make the task say which seed to use, or the learner's values cannot match"
                        ),
                    )
                )
            current.solutions.append(SolutionCell(cell, reference, student))
            current.cells.append(cell.number)
            continue
        if current is not None and block == "tests":
            test_count += 1
            test_source, config = _otter_test_config(source, cell.number, notes)
            hidden = bool(config.get("hidden")) or _first_comment(source) == "hidden"
            current.tests.append(
                TestCell(
                    cell,
                    test_source,
                    f"{id_slug(current.name)}-{'hidden' if hidden else 'test'}-{test_count}",
                    _points(config.get("points")),
                    hidden,
                    str(config.get("failure_message") or ""),
                )
            )
            current.cells.append(cell.number)
            continue
        if current is not None and block == "prompt":
            current.starter_override = source
            current.cells.append(cell.number)
            continue
        if not source.strip():
            continue
        if current is not None and _expression_only(source):
            current.after.append(f"```python\n{source}\n```")
            continue
        items.append(("code", cell, source))
    if not seen_question:
        intro.extend(pending)
    elif pending:
        items.append(("prose", "\n\n".join(pending)))
    merged: list = []
    last: Question | None = None
    for item in items:
        if isinstance(item, Question) and not item.solutions and item.tests and last is not None:
            # A question with tests and no answer grades an earlier answer (data 88e's q3_1..q3_3).
            last.tests.extend(item.tests)
            last.cells.extend(item.cells)
            if item.points is not None:
                last.points = (last.points or 0) + item.points
            notes.append(
                Note(
                    item.cells[0], "info", tr.t("question {name} has tests and no answer: its tests became checks of {other}", name=item.name, other=last.name)
                )
            )
            if item.prompt:
                last.after.extend(item.prompt)
            continue
        if isinstance(item, Question) and not item.tests:
            text = "\n\n".join(item.prompt + [f"```python\n{s.reference}\n```" for s in item.solutions])
            merged.append(
                Kept(
                    item.cells,
                    f"question {item.name} has no tests in otter: nothing to check it by",
                    text,
                    tr.t("question {name} has no tests in otter: nothing to check it by", name=item.name),
                )
            )
            continue
        if isinstance(item, Question):
            last = item
        merged.append(item)
    items[:] = merged
    for question in (i for i in items if isinstance(i, Question)):
        if question.points is None:
            test_points = [t.points for t in question.tests if t.points is not None]
            question.points = sum(test_points) if test_points else None
    return Model("otter", intro, items, notes)


def _otter_test_config(source: str, cell: int, notes: Notes) -> tuple[str, dict]:
    found = TEST_CONFIG.search(source)
    if not found:
        return source, {}
    config = _yaml_lines(found.group("body"), cell, notes)
    return source[: found.start()] + source[found.end() :], config
