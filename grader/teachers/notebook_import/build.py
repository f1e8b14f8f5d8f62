"""``qala import``: a notebook read, its questions turned into exercises whose checks are tried
against the notebook's own solution, and the lesson written.
"""

from __future__ import annotations

import ast
import re
import shutil
import sys
from collections.abc import Set as AbstractSet
from pathlib import Path

from ...content.lesson_file import ID
from ...errors import UsageError
from ...i18n import Translator
from ..scaffold import title_from_slug, toml_string
from .names import free_names, names_defined
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
from .prose import _demote, _title_and_task, _unique, id_slug
from .render import ExerciseDraft, render_lesson
from .tests_to_checks import TEST_MODULES, CheckDraft, convert_test
from .verify import _verify_all


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
    runner = runner or default_runner(many_at_once=True)
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
        raise UsageError(
            tr.t(
                "{notebook} has no nbgrader or otter-grader markers (### BEGIN SOLUTION, nbgrader cell metadata, or otter's '# BEGIN QUESTION' raw cells)",
                notebook=notebook,
            )
        )
    if tool == "otter-v0":
        raise UsageError(
            tr.t(
                "{notebook} uses otter's old (v0) format: convert it to v1 with raw '# BEGIN QUESTION' cells first (otter assign's docs show how)",
                notebook=notebook,
            )
        )
    notes = Notes(tr)
    model = parse_nbgrader(cells, notes) if tool == "nbgrader" else parse_otter(cells, notes)
    questions = [i for i in model.items if isinstance(i, Question)]
    if not questions:
        raise UsageError(tr.t("{notebook} has no autograded questions: nothing to turn into exercises", notebook=notebook))

    if out is not None:
        path = Path(out)
        if path.suffix != ".md" or path.name.count(".") > 1:
            raise UsageError(tr.t("--out {path}: a lesson file is ID.md (ID.ru.md and the like are translation files)", path=path))
        lesson_id = path.name.split(".")[0]
        if not ID.match(lesson_id) and id_slug(lesson_id) and ID.match(id_slug(lesson_id)):
            lesson_id = id_slug(lesson_id)  # the name the import would give it itself (ps1_problem1 -> ps1-problem1)
            path = path.with_name(f"{lesson_id}.md")
    else:
        lesson_id = id_slug(notebook.stem) or "imported"
        path = course_root / "lessons" / track / f"{lesson_id}.md"
    if not ID.match(lesson_id):
        raise UsageError(
            tr.t(
                "the lesson id {id} (from the file name) must be lower-case letters, digits and '-': use --out lessons/{track}/some-name.md",
                id=repr(lesson_id),
                track=track,
            )
        )
    if write and path.exists():
        raise UsageError(tr.t("{path} already exists: choose another name with --out, or delete it first", path=path))

    datasets_dir = course_root / "lessons" / "datasets"
    sheets, _ = load_datasets(datasets_dir)
    exercises: list[ExerciseDraft] = []
    taken: set[str] = set()
    history: list[_Entry] = []  # code that ran before, in the notebook's order: demo cells and answers
    any_hidden: list[int] = []
    datasets: list[str] = []
    needs: set[str] = set()
    per_exercise = info.xp.per_exercise
    kept_items: list[Kept] = []
    layout: list = []  # ("exercise", ExerciseDraft) | ("prose", text)
    between: list[str] = []  # the notebook's text and demo code since the last exercise
    local_modules = {p.stem for p in notebook.parent.glob("*.py")}
    copier = _DataFiles(notebook.parent, datasets_dir, sheets, lesson_id, notes, write)

    def flush_between(into_task: bool) -> str:
        """Text between questions stays where the author put it: a section of its own if it has a
        heading, else the lead-in of the next exercise's task."""
        text = "\n\n".join(b.strip() for b in between if b.strip())
        between.clear()
        if not text:
            return ""
        if into_task and not re.match(r"^\s*(---+\s*\n\s*)?#{1,6}\s", text):
            return text
        layout.append(("prose", text))
        return ""

    for item in model.items:
        if isinstance(item, Kept):
            kept_items.append(item)
            notes.append(
                Note(
                    item.cells[0],
                    "kept",
                    tr.t("{reason}: kept as a comment at the top of the lesson", reason=item.note or item.reason),
                    marker=f"From cell {', '.join(map(str, item.cells))}:",
                )
            )
            continue
        if isinstance(item, tuple) and item[0] == "code":
            cell, code = item[1], item[2]
            between.append(f"```python\n{code}\n```")
            history.extend(_Entry(cell.number, part) for part in _statements(code))
            continue
        if isinstance(item, tuple) and item[0] == "prose":
            between.append(item[1])
            continue
        question: Question = item
        number = len(exercises) + 1
        if not any(p.strip() for p in question.prompt) and between:
            # The question's words came before the notebook's demo code (nbgrader): they are its prompt.
            markdown = [b for b in between if not b.lstrip().startswith("```")]
            question.prompt = markdown
            between[:] = [b for b in between if b.lstrip().startswith("```")]
        title, task = _title_and_task(question.prompt, f"Question {question.name}")
        name = question.name if not RANDOM_NAME.match(question.name) else (title if title != f"Question {question.name}" else "")
        exercise_id = _unique(id_slug(name), taken, f"exercise-{number}")
        after = "\n\n".join(a.strip() for a in question.after if a.strip())
        if after:
            task = (task + "\n\n" + _demote(after)).strip()
        solution = "\n\n".join(s.reference.strip("\n") for s in question.solutions).strip("\n")
        starter = (
            question.starter_override if question.starter_override is not None else "\n\n".join(s.student.strip("\n") for s in question.solutions).strip("\n")
        )
        everything = "\n\n".join(e.code for e in history)
        names = names_defined(everything + "\n" + solution)
        names.own = names_defined(solution).all
        drafts: list[CheckDraft] = []
        kept: list[tuple[int, list[str]]] = []
        helpers: list[str] = []
        for test in question.tests:
            if test.hidden:
                any_hidden.append(test.cell.number)
            made, not_made, helper = convert_test(test, names, model.tool, notes)
            for draft in made:
                if test.hidden:
                    draft.reveal = False
                    if draft.fallback is not None:
                        draft.fallback.reveal = False
            drafts.extend(made)
            if helper:
                helpers.append(helper)
            if not_made:
                kept.append((test.cell.number, not_made))
        # What this answer and its tests read that earlier cells made: those cells, in order, hidden.
        wanted = (
            free_names(solution) | free_names("\n\n".join(helpers)) | set().union(*(free_names(c) for d in drafts for c in d.calls))
            if drafts or helpers
            else free_names(solution)
        )
        wanted -= names_defined(solution).functions
        chosen = _needed(history, wanted)
        parts, last_cell = [], None
        for e in chosen:
            if e.cell == last_cell and not e.answer:
                parts[-1] += "\n" + e.code
            else:
                parts.append(f"# From notebook cell {e.cell}" + (" (the reference solution of an earlier question)" if e.answer else "") + f"\n{e.code}")
            last_cell = e.cell
        hidden_setup = "\n\n".join(parts + [h for h in helpers])
        missing_imports = [
            ALIASES[m]
            for m in sorted(set().union(*(free_names(c) for d in drafts for c in d.calls)) if drafts else set())
            if m in ALIASES and m not in names_defined(hidden_setup + "\n" + solution).all
        ]
        if missing_imports:
            hidden_setup = "\n".join(missing_imports) + ("\n\n" + hidden_setup if hidden_setup else "")
        earlier_answers = sorted({e.label for e in chosen if e.answer})
        if earlier_answers:
            notes.append(
                Note(
                    question.cells[0],
                    "info",
                    tr.t(
                        "exercise {exercise} builds on {others}: their reference solutions run in its hidden setup (learners never see them)",
                        exercise=exercise_id,
                        others=", ".join(earlier_answers),
                    ),
                )
            )
        hidden_setup, starter, solution = copier.fix([hidden_setup, starter, solution], question.cells[0], datasets)
        code_needs = _third_party(hidden_setup + "\n" + solution, local_modules)
        needs |= code_needs
        lead = flush_between(into_task=True)
        history.append(_Entry(question.cells[0], solution, answer=True, label=exercise_id))
        xp = None
        if question.points is not None:
            xp = int(round(question.points * per_exercise))
        exercise = ExerciseDraft(exercise_id, title, task, "", starter, solution, drafts, kept, xp, question.points, question, hidden_setup)
        exercise.lead = lead
        exercises.append(exercise)
        layout.append(("exercise", exercise))
    flush_between(into_task=False)
    # Every check is tried on the notebook's own solution, all exercises in one sandbox run.
    _verify_all(exercises, runner, datasets_dir, tuple(sorted(needs)), notes)
    final_layout: list = []
    for kind, thing in layout:
        if kind != "exercise":
            final_layout.append((kind, thing))
            continue
        exercise = thing
        if not exercise.checks:
            question = exercise.question
            notes.append(
                Note(
                    question.cells[0],
                    "kept",
                    tr.t(
                        "question {name}: none of its tests could become a check that passes the notebook's solution, so it is kept as text (the reasons are above)",
                        name=question.name,
                    ),
                )
            )
            final_layout.append(("prose", "\n\n".join(p for p in [exercise.lead, f"### {exercise.title}", exercise.task] if p)))
            kept_items.append(
                Kept(question.cells, f"question {question.name}: no test became a working check; its solution", f"```python\n{exercise.solution}\n```", "")
            )
            continue
        if exercise.lead:
            exercise.task = (exercise.lead + "\n\n" + exercise.task).strip()
        final_layout.append(("exercise", exercise))
        notes.append(
            Note(
                exercise.question.cells[0],
                "todo",
                tr.t("exercise {exercise}: hints are required; a TODO hint was written", exercise=exercise.id),
                marker=f"## Exercise {exercise.id}:",
                then=TODO_HINT,
            )
        )
    layout = final_layout
    exercises = [e for e in exercises if e.checks]
    if not exercises:
        raise UsageError(
            tr.t(
                "{notebook}: none of its autograded questions has a test Qala could turn into a check that passes the notebook's own solution",
                notebook=notebook,
            )
        )
    distributions = sorted({DISTRIBUTIONS.get(n.split(".")[0], n.split(".")[0]) for n in needs})
    if needs:
        notes.append(
            Note(
                None,
                "info",
                tr.t(
                    "the lesson needs {modules}: install with pip install {distributions}",
                    modules=", ".join(sorted(needs)),
                    distributions=" ".join(distributions),
                ),
            )
        )
    if any_hidden:
        notes.append(
            Note(
                any_hidden[0],
                "info",
                tr.t(
                    "hidden tests (cells {cells}) became checks with reveal = false: learners never see their code, and a failing one does not show what was expected",
                    cells=", ".join(map(str, sorted(set(any_hidden)))),
                ),
            )
        )
    title = _lesson_title(model.intro) or title_from_slug(lesson_id)
    for image in _local_images("\n".join(model.intro) + "".join(e.task for e in exercises) + "".join(t for k, t in layout if k == "prose")):
        source, target = notebook.parent / image, path.parent / image
        inside = target.resolve().is_relative_to(path.parent.resolve()) and source.resolve().is_relative_to(notebook.parent.resolve())
        if write and inside and source.is_file() and not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
            notes.append(Note(None, "info", tr.t("the image {image} was copied beside the lesson file", image=repr(image))))
        elif not (inside and target.is_file()):
            notes.append(Note(None, "todo", tr.t("the text shows a local image {image}: copy it beside the lesson file, or remove it", image=repr(image))))
    text = render_lesson(lesson_id, track, title, notebook.name, model, exercises, layout, kept_items, datasets, sorted(needs), per_exercise)
    for literal, (_source, name) in copier.copies.items():
        text = _replace_literal(text, literal, f"datasets/{name}")  # the demo code in the text opens them there too
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


# The modules a test may use by their usual names without importing them (the notebook did, earlier).
ALIASES = {
    "np": "import numpy as np",
    "pd": "import pandas as pd",
    "math": "import math",
    "plt": "import matplotlib.pyplot as plt",
    "sm": "import statsmodels.api as sm",
    "stats": "from scipy import stats",
    "scipy": "import scipy",
    "sns": "import seaborn as sns",
}

RANDOM_NAME = re.compile(r"^(cell-[0-9a-f]{6,}|question-\d+)$")

# Import names whose distribution on PyPI has another name.
DISTRIBUTIONS = {
    "sklearn": "scikit-learn",
    "PIL": "pillow",
    "cv2": "opencv-python",
    "skimage": "scikit-image",
    "yaml": "pyyaml",
    "bs4": "beautifulsoup4",
    "dateutil": "python-dateutil",
    "mpl_toolkits": "matplotlib",
    "Bio": "biopython",
}

NOT_NEEDED = {"nose", "otter", "pytest", "ipywidgets", "IPython", "ipykernel", "nbgrader", "google", "tqdm"}


class _Entry:
    """Code that ran before a question, with the names it makes or changes and the names it reads."""

    def __init__(self, cell: int, code: str, answer: bool = False, label: str = ""):
        self.cell, self.code, self.answer, self.label = cell, _without_widgets(code), answer, label
        code = self.code
        defined = names_defined(code)
        self.defines = defined.all | _touched(code)
        self.modules = defined.modules
        self.free = free_names(code)


def _statements(code: str) -> list[str]:
    """A demo cell's top-level statements, so that a later exercise takes only what it needs from
    it (not the plot beside the import). A cell that seeds a random generator stays whole."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return [code]
    if "seed(" in code or len(tree.body) < 2:
        return [code]
    lines = code.split("\n")
    return ["\n".join(lines[s.lineno - 1 : s.end_lineno]) for s in tree.body]


def _without_widgets(code: str) -> str:
    """Imports of what only an interactive notebook has (ipywidgets, IPython's display) left out of
    code that runs before an exercise: nothing graded needs them."""
    lines = code.split("\n")
    out = [line for line in lines if not re.match(rf"^\s*(import|from)\s+({'|'.join(sorted(NOT_NEEDED))})\b", line)]
    return "\n".join(out)


def _touched(code: str) -> set[str]:
    """Names a cell changes without assigning them: `df["x"] = ...`, `df.drop(..., inplace=True)`, `xs.append(1)`."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return set()
    out = set()
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, (ast.AugAssign, ast.AnnAssign)) else []
        for target in targets:
            while isinstance(target, (ast.Subscript, ast.Attribute)):
                target = target.value
            if isinstance(target, ast.Name):
                out.add(target.id)
        if (
            isinstance(node, ast.Expr)
            and isinstance(node.value, ast.Call)
            and isinstance(node.value.func, ast.Attribute)
            and isinstance(node.value.func.value, ast.Name)
        ):
            out.add(node.value.func.value.id)
    return out


def _needed(history: list[_Entry], wanted: set[str]) -> list[_Entry]:
    """The earlier cells that make what ``wanted`` names (and what those read), in notebook order.
    Every earlier cell that makes or changes a wanted name is taken: notebook state is followed."""
    modules = set().union(*(e.modules for e in history)) if history else set()
    want = set(wanted)
    chosen: set[int] = set()
    for index in range(len(history) - 1, -1, -1):
        entry = history[index]
        makes = entry.defines - (modules - entry.modules)
        if makes & want:
            chosen.add(index)
            want |= entry.free
    return [history[i] for i in sorted(chosen)]


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


def _third_party(code: str, local_modules: AbstractSet[str] = frozenset()) -> set[str]:
    """The modules beyond the standard library the code imports, without the notebook's own helper
    files and test-only modules. A submodule stays dotted (`matplotlib.pyplot`, `statsmodels.api`):
    the sandbox loads what `needs` names before its walls go up, and some submodules (scipy's,
    under statsmodels) cannot be loaded after."""
    found = set()
    for node in _walk_code(code):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
    found = {
        m
        for m in found
        if m.split(".")[0] not in sys.stdlib_module_names
        and m.split(".")[0] not in local_modules
        and m.split(".")[0] not in NOT_NEEDED
        and not m.startswith("_")
        and m not in TEST_MODULES
    }
    return {m for m in found if not any(other.startswith(m + ".") for other in found)}


def _walk_code(code: str):
    try:
        return list(ast.walk(ast.parse(code)))
    except SyntaxError:
        return []


DATA_FILE_SUFFIXES = DATA_SUFFIXES + (".npy", ".npz", ".png", ".jpg", ".jpeg", ".gif", ".dat", ".xls", ".pkl")


class _DataFiles:
    """Files the notebook's code opens, found beside it: copied into the course's datasets folder
    (a stub datasheet for a table), and the code made to open them as datasets/NAME."""

    def __init__(self, folder: Path, datasets_dir: Path, sheets: dict, lesson_id: str, notes: Notes, write: bool):
        self.folder, self.datasets_dir, self.sheets, self.lesson_id, self.notes, self.write = folder, datasets_dir, sheets, lesson_id, notes, write
        self.copies: dict[str, tuple[Path, str]] = {}  # literal -> (source file, name in datasets/)
        self.reported: set[str] = set()
        self.done: set[str] = set()

    def fix(self, texts: list[str], cell: int, datasets: list[str]) -> list[str]:
        found: set[str] = set()
        for code in texts:
            for node in _walk_code(code):
                if (
                    isinstance(node, ast.Constant)
                    and isinstance(node.value, str)
                    and node.value.lower().endswith(DATA_FILE_SUFFIXES)
                    and "\n" not in node.value
                    and not re.match(r"^[a-z]+://", node.value)
                ):
                    found.add(node.value)
        for literal in sorted(found):
            name = Path(literal).name
            if literal.startswith("datasets/") and (self.datasets_dir / name).is_file():
                wanted = literal
            else:
                source = self.folder / literal
                if literal not in self.copies:
                    if (self.datasets_dir / name).is_file() and not source.is_file():
                        self.copies[literal] = (self.datasets_dir / name, name)
                    elif source.is_file():
                        target = name
                        existing = self.datasets_dir / target
                        if existing.is_file() and existing.read_bytes() != source.read_bytes():
                            target = f"{self.lesson_id.replace('-', '_')}_{name}"
                        self.copies[literal] = (source, target)
                    else:
                        if literal not in self.reported:
                            self.reported.add(literal)
                            self.notes.append(
                                Note(
                                    cell,
                                    "todo",
                                    self.notes.tr.t(
                                        "the code opens {literal}, which is neither beside the notebook nor among the course's datasets: add it to lessons/datasets/ and open it as 'datasets/{name}'",
                                        literal=repr(literal),
                                        name=name,
                                    ),
                                )
                            )
                        continue
                wanted = f"datasets/{self.copies[literal][1]}"
                texts = [_replace_literal(t, literal, wanted) for t in texts]
                name = self.copies[literal][1]
            dataset_id = name.split(".")[0]
            if name.lower().endswith((".csv", ".csv.gz", ".jsonl")) and dataset_id not in datasets:
                datasets.append(dataset_id)
        if self.write:
            self.commit()  # now: the solution is tried on them before the lesson is written
        return texts

    def commit(self) -> None:
        """Copy the files (never over a different one) and write a stub datasheet beside each table."""
        for literal, (source, name) in self.copies.items():
            target = self.datasets_dir / name
            if name in self.done:
                continue
            self.done.add(name)
            self.datasets_dir.mkdir(parents=True, exist_ok=True)
            if source.resolve() != target.resolve() and not target.exists():
                shutil.copyfile(source, target)
                self.notes.append(
                    Note(
                        None,
                        "todo",
                        self.notes.tr.t(
                            "{file} was copied from beside the notebook to lessons/datasets/{name}: say where it comes from and under which licence",
                            file=repr(literal),
                            name=name,
                        ),
                    )
                )
            dataset_id = name.split(".")[0]
            sheet = self.datasets_dir / f"{dataset_id}.toml"
            if name.lower().endswith((".csv", ".csv.gz", ".jsonl")) and not sheet.exists():
                sheet.write_text(_stub_datasheet(target, dataset_id), encoding="utf-8")
                self.notes.append(
                    Note(
                        None,
                        "todo",
                        self.notes.tr.t(
                            "lessons/datasets/{id}.toml is a stub datasheet: complete its title, description, licence and column descriptions", id=dataset_id
                        ),
                    )
                )


def _replace_literal(code: str, literal: str, wanted: str) -> str:
    for quote in ('"', "'"):
        code = code.replace(f"{quote}{literal}{quote}", f"{quote}{wanted}{quote}")
    return code


def _stub_datasheet(path: Path, dataset_id: str) -> str:
    """A datasheet with what can be read from the file (rows, columns, their types); the words are TODO."""
    import csv
    import gzip

    fmt = "csv.gz" if path.name.endswith(".csv.gz") else path.suffix.lstrip(".")
    columns: list[tuple[str, str]] = []
    rows = 0
    if fmt in ("csv", "csv.gz"):
        raw = gzip.open(path, "rt", encoding="utf-8", errors="replace") if fmt == "csv.gz" else open(path, encoding="utf-8", errors="replace", newline="")
        with raw as handle:
            reader = csv.reader(handle)
            header = next(reader, [])
            kinds = ["int"] * len(header)
            for row in reader:
                rows += 1
                for i, value in enumerate(row[: len(header)]):
                    if kinds[i] == "str" or value == "":
                        continue
                    try:
                        int(value)
                    except ValueError:
                        try:
                            float(value)
                            kinds[i] = "float"
                        except ValueError:
                            kinds[i] = "str"
            columns = [(name or f"Unnamed: {i}", kind) for i, (name, kind) in enumerate(zip(header, kinds))]
    else:
        with open(path, encoding="utf-8", errors="replace") as handle:
            rows = sum(1 for _ in handle)
    out = [
        f"id = {toml_string(dataset_id)}",
        f"file = {toml_string(path.name)}",
        f"format = {toml_string(fmt)}",
        f"rows = {rows}",
        'licence = "TODO: where the data comes from and its licence"',
        'audience = "both"',
        "needs = []",
        f"title = {{ en = {toml_string('TODO: a title for ' + path.name)} }}",
        'grain = { en = "TODO: what one row is" }',
        'description = { en = "TODO: what the data is, where it comes from, what to watch out for" }',
    ]
    for name, kind in columns:
        out += ["", "[[column]]", f"name = {toml_string(name)}", f"type = {toml_string(kind)}", 'unit = ""', 'description = { en = "TODO" }']
    return "\n".join(out) + "\n"
