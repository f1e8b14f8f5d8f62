"""``qala import``: a notebook read, its questions turned into exercises whose checks are tried
against the notebook's own solution, and the lesson written.
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

from ...content.lesson_file import ID
from ...errors import UsageError
from ...i18n import Translator
from ..scaffold import title_from_slug
from .nbgrader import parse_nbgrader
from .notebook import (
    DATA_SUFFIXES,
    TODO_HINT,
    ImportedExercise,
    ImportResult,
    Kept,
    Note,
    Notes,
    Question,
    detect_tool,
    read_notebook,
)
from .otter import parse_otter
from .prose import _demote, _slug, _title_and_task, _unique
from .render import ExerciseDraft, _is_literal, render_lesson
from .tests_to_checks import (
    CheckDraft,
    Names,
    Probe,
    convert_test,
    free_names,
    names_defined,
)


def import_notebook(
    notebook: Path,
    course_root: Path,
    track: str,
    out: Path | None = None,
    runner=None,
    write: bool = True,
    tr: Translator | None = None,
) -> ImportResult:
    """Convert ``notebook`` into a lesson of ``track`` in the course at ``course_root``.

    Writes the lesson (never over an existing file) unless ``write`` is false. The notebook's
    solutions run (in the sandbox) to prove each conversion. Raises UsageError for a notebook it
    cannot read or a track the course does not have."""
    from ...run.runners import default_runner

    own = runner is None
    runner = runner or default_runner()
    try:
        return _import_notebook(Path(notebook), Path(course_root), track, out, runner, write, tr or Translator("en"))
    finally:
        if own:
            runner.close()

def _import_notebook(notebook: Path, course_root: Path, track: str, out: Path | None, runner, write: bool, tr: Translator) -> ImportResult:
    from ...content.course_file import read_course_info
    from ...content.datasets import load_datasets

    info, problems = read_course_info(course_root)
    if info is None:
        raise UsageError(str(problems.items[0]))
    tracks = [t.id for t in info.tracks]
    if track not in tracks:
        raise UsageError(tr.t("unknown track {track}: the tracks in {path} are {tracks}", track=repr(track), path=info.path, tracks=", ".join(tracks) or "—"))
    cells = read_notebook(notebook, tr)
    tool = detect_tool(cells)
    if tool is None:
        raise UsageError(tr.t("{notebook} has no nbgrader or otter-grader markers (### BEGIN SOLUTION, nbgrader cell metadata, or otter's '# BEGIN QUESTION' raw cells)", notebook=notebook))
    if tool == "otter-v0":
        raise UsageError(tr.t("{notebook} uses otter's old (v0) format: convert it to v1 with raw '# BEGIN QUESTION' cells first (otter assign's docs show how)", notebook=notebook))
    notes = Notes(tr)
    model = parse_nbgrader(cells, notes) if tool == "nbgrader" else parse_otter(cells, notes)
    questions = [i for i in model.items if isinstance(i, Question)]
    if not questions:
        raise UsageError(tr.t("{notebook} has no autograded questions: nothing to turn into exercises", notebook=notebook))

    if out is not None:
        path = Path(out)
        lesson_id = path.name.split(".")[0]
    else:
        lesson_id = _slug(notebook.stem) or "imported"
        path = course_root / "lessons" / track / f"{lesson_id}.md"
    if not ID.match(lesson_id):
        raise UsageError(tr.t("the lesson id {id} (from the file name) must be lower-case letters, digits and '-': use --out lessons/{track}/some-name.md", id=repr(lesson_id), track=track))
    if write and path.exists():
        raise UsageError(tr.t("{path} already exists: choose another name with --out, or delete it first", path=path))

    datasets_dir = course_root / "lessons" / "datasets"
    sheets, _ = load_datasets(datasets_dir)
    exercises: list[ExerciseDraft] = []
    taken: set[str] = set()
    setup_pool: list[tuple[int, str]] = []
    earlier: list[tuple[str, str, Names]] = []  # (exercise id, reference solution, its names)
    any_hidden: list[int] = []
    datasets: list[str] = []
    needs: set[str] = set()
    per_exercise = info.xp.per_exercise
    kept_items: list[Kept] = []
    layout: list = []  # ("exercise", ExerciseDraft) | ("prose", text)
    for item in model.items:
        if isinstance(item, Kept):
            kept_items.append(item)
            notes.append(Note(item.cells[0], "kept", tr.t("{reason}: kept as a comment at the top of the lesson", reason=item.note or item.reason), marker=f"From cell {', '.join(map(str, item.cells))}:"))
            continue
        if isinstance(item, tuple) and item[0] == "code":
            setup_pool.append((item[1].number, item[2]))
            continue
        if isinstance(item, tuple) and item[0] == "prose":
            layout.append(("prose", item[1]))
            continue
        question: Question = item
        number = len(exercises) + 1
        exercise_id = _unique(_slug(question.name), taken, f"exercise-{number}")
        title, task = _title_and_task(question.prompt, f"Question {question.name}")
        after = "\n\n".join(a.strip() for a in question.after if a.strip())
        if after:
            task = (task + "\n\n" + _demote(after)).strip()
        solution = "\n\n".join(s.reference.strip("\n") for s in question.solutions).strip("\n")
        starter = question.starter_override if question.starter_override is not None else "\n\n".join(s.student.strip("\n") for s in question.solutions).strip("\n")
        setup_parts = [f"# From notebook cell {n}\n{code}" for n, code in setup_pool]
        setup = "\n\n".join(setup_parts)
        # An answer that builds on an earlier one (Part B calls Part A's function) gets that
        # earlier reference solution in its setup, so it runs on its own.
        tests_text = "\n".join(t.source for t in question.tests)
        wanted = free_names(solution + "\n" + tests_text) - names_defined(setup).all - names_defined(solution).all
        for other_id, other_solution, other_names in reversed(earlier):
            if wanted & other_names.all:
                setup = (setup + "\n\n" if setup else "") + f"# The reference solution of exercise {other_id}, which this one builds on\n{other_solution}"
                notes.append(Note(question.cells[0], "info", tr.t("exercise {exercise} uses {names} from exercise {other}: its reference solution is in the setup (shown to learners read-only)", exercise=exercise_id, names=", ".join(sorted(wanted & other_names.all)), other=other_id)))
                wanted -= other_names.all
                wanted |= free_names(other_solution) - names_defined(setup).all
        names = names_defined(setup + "\n" + solution)
        drafts: list[CheckDraft] = []
        kept: list[tuple[int, list[str]]] = []
        for test in question.tests:
            if test.hidden:
                any_hidden.append(test.cell.number)
            made, not_made = convert_test(test, names, model.tool, notes)
            if test.hidden:
                for draft in made:
                    draft.reveal = False
                    if draft.fallback is not None:
                        draft.fallback.reveal = False
            drafts.extend(made)
            if not_made:
                kept.append((test.cell.number, not_made))
        setup, starter, solution, drafts = _fix_datasets(setup, starter, solution, drafts, datasets_dir, sheets, datasets, notes, question.cells[0])
        needs |= _third_party(setup + "\n" + solution + "\n" + tests_text)
        _verify(drafts, kept, setup, solution, runner, datasets_dir, tuple(sorted(needs)), notes, question, exercise_id)
        xp = None
        if question.points is not None:
            xp = int(round(question.points * per_exercise))
        exercise = ExerciseDraft(exercise_id, title, task, setup, starter, solution, drafts, kept, xp, question.points, question)
        exercises.append(exercise)
        layout.append(("exercise", exercise))
        earlier.append((exercise_id, solution, names_defined(solution)))
        if not drafts:
            notes.append(Note(question.cells[0], "todo", tr.t("exercise {exercise} has no test Qala could convert: add at least one [[check]] to its checks block (suggestions are commented there)", exercise=exercise_id), marker=f"TODO: exercise {exercise_id} needs a [[check]]"))
        generated = [d for d in drafts if d.generated_message]
        if generated:
            notes.append(Note(question.cells[0], "todo", tr.nt("exercise {exercise}: {n} assert check got a generated message: say what the learner should look at", "exercise {exercise}: {n} assert checks got a generated message: say what the learner should look at", len(generated), exercise=exercise_id), marker=f"TODO: a message for exercise {exercise_id}"))
        notes.append(Note(question.cells[0], "todo", tr.t("exercise {exercise}: hints are required; a TODO hint was written", exercise=exercise_id), marker=f"## Exercise {exercise_id}:", then=TODO_HINT))
    if any_hidden:
        notes.append(Note(any_hidden[0], "info", tr.t("hidden tests (cells {cells}) became checks with reveal = false: learners never see their code, and a failing one does not show what was expected", cells=", ".join(map(str, sorted(set(any_hidden)))))))
    title = _lesson_title(model.intro) or title_from_slug(lesson_id)
    for image in _local_images("\n".join(model.intro) + "".join(e.task for e in exercises)):
        notes.append(Note(None, "todo", tr.t("the text shows a local image {image}: copy it beside the lesson file, or remove it", image=repr(image))))
    text = render_lesson(lesson_id, track, title, notebook.name, model, exercises, layout, kept_items, datasets, sorted(needs), per_exercise)
    lines = text.split("\n")
    for note in notes:
        if note.marker:
            note.line = next((n for n, line in enumerate(lines, start=1) if note.marker in line), None)
            if note.line and note.then:
                note.line = next((n for n, line in enumerate(lines[note.line :], start=note.line + 1) if note.then in line), note.line)
    notes.sort(key=lambda n: (n.cell or 0, {"todo": 0, "kept": 1, "info": 2}[n.kind]))
    if write:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    summary = [ImportedExercise(e.id, e.title, len(e.checks), e.xp, e.question.cells) for e in exercises]
    return ImportResult(model.tool, notebook, lesson_id, path, text, summary, notes)

def _lesson_title(intro: list[str]) -> str:
    for block in intro:
        for line in block.split("\n"):
            found = re.match(r"^#\s+(.*?)\s*#*\s*$", line)
            if found:
                return found.group(1)
    return ""

def _local_images(markdown: str) -> list[str]:
    found = re.findall(r"!\[[^\]]*\]\(\s*<?([^)\s>]+)", markdown)
    return sorted({f for f in found if not re.match(r"^(https?:|data:)", f)})

def _third_party(code: str) -> set[str]:
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return set()
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module.split(".")[0])
    return {m for m in found if m not in sys.stdlib_module_names}

def _fix_datasets(setup, starter, solution, drafts, datasets_dir: Path, sheets: dict, datasets: list[str], notes: Notes, cell: int):
    """Data files the notebook opens: course datasets are opened as datasets/NAME in Qala."""
    texts = [setup, starter, solution]
    found: set[str] = set()
    for code in texts:
        try:
            tree = ast.parse(code)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.lower().endswith(DATA_SUFFIXES) and "\n" not in node.value:
                found.add(node.value)
    for literal in sorted(found):
        name = Path(literal).name
        if literal == f"datasets/{name}" and (datasets_dir / name).is_file():
            wanted = literal
        elif (datasets_dir / name).is_file():
            wanted = f"datasets/{name}"
            texts = [t.replace(f'"{literal}"', f'"{wanted}"').replace(f"'{literal}'", f"'{wanted}'") for t in texts]
            notes.append(Note(cell, "info", notes.tr.t("{literal} is the course dataset {name}: the code now opens {wanted}", literal=repr(literal), name=name, wanted=repr(wanted))))
        else:
            notes.append(Note(cell, "todo", notes.tr.t("the code opens {literal}, which is not among the course's datasets: add the file to lessons/datasets/ with a datasheet and open it as 'datasets/{name}'", literal=repr(literal), name=name)))
            continue
        dataset_id = name.split(".")[0]
        if dataset_id in sheets:
            if dataset_id not in datasets:
                datasets.append(dataset_id)
        else:
            notes.append(Note(cell, "todo", notes.tr.t("lessons/datasets/{name} has no datasheet ({id}.toml): write one, then list {id} in the lesson's datasets", name=name, id=dataset_id)))
    return texts[0], texts[1], texts[2], drafts

def _verify(drafts: list[CheckDraft], kept: list[tuple[int, list[str]]], setup: str, solution: str, runner, datasets_dir: Path, needs: tuple[str, ...], notes: Notes, question: Question, exercise_id: str) -> None:
    """Run the notebook's own solution and keep only conversions that mean what the test meant."""
    from ...judge.compare import Tolerance, compare
    from ...run.jobs import Job

    def run(probes: list[Probe]):
        job = Job(source=solution, setup=setup, calls=tuple(p.call for p in probes), datasets_dir=datasets_dir if datasets_dir.is_dir() else None, needs=needs, timeout=30)
        return runner.run(job)

    def failed_to_run(result) -> None:
        error = result.error
        reason = f"{error.type}: {error.message}" + (f" (line {error.line})" if error.line else "") if error else result.status
        notes.append(Note(question.cells[0], "todo", notes.tr.t("the notebook's solution of exercise {exercise} does not run in Qala ({reason}), so its tests could not be checked against it: fix the setup or solution", exercise=exercise_id, reason=reason)))

    pending = [d for d in drafts if d.resolve is not None]
    if pending:
        result = run([d.probes[0] for d in pending])
        if not result.ok:
            failed_to_run(result)
            return
        for draft, got in zip(pending, result.calls):
            made = draft.resolve(got.value) if got.error is None and _is_literal(got.value) else None
            if made is None:
                notes.append(Note(draft.cell, "kept", notes.tr.t("the test {test} has no recorded output and its value in the solution is not plain data: kept as a comment", test=repr(draft.target)), marker=f"Not converted, from cell {draft.cell}"))
                kept.append((draft.cell, [draft.target]))
                drafts.remove(draft)
            else:
                made.origin = [f"{draft.target}  (the notebook's solution gives {got.value!r})"]
                made.reveal = draft.reveal
                if made.fallback is not None:
                    made.fallback.reveal = draft.reveal
                drafts[drafts.index(draft)] = made
    if not drafts:
        return
    result = run([p for d in drafts for p in d.probes])
    if not result.ok:
        failed_to_run(result)
        return
    calls = iter(result.calls)
    for draft in list(drafts):
        agreed = True
        for probe in draft.probes:
            got = next(calls, None)
            if got is None:
                agreed = False
            elif probe.expect == "equals":
                agreed = agreed and got.error is None and compare(probe.value, got.value, Tolerance.from_options(dict(draft.options))) is None
            elif probe.expect == "raises":
                agreed = agreed and got.error is not None
            elif probe.expect == "true":
                agreed = agreed and got.error is None and got.value is True
        if not agreed:
            notes.append(Note(draft.cell, "todo", notes.tr.t("the notebook's own solution fails its test {test} ({code}): the check keeps the notebook's meaning, so `qala validate` will report it until the solution or the test is fixed", test=repr(draft.test_name), code="; ".join(draft.origin)[:120])))
            if draft.fallback is not None:
                drafts[drafts.index(draft)] = draft.fallback
