"""The course as a site: one notebook per lesson and language, a landing page, the kernel's wheel.

`build_course_site` is what `qala web build` does. Notebooks are made per language, in folders
`en/`, `ru/`, `kk/`, so the prose is ordinary Markdown that shows (and can be read) before the
kernel has even started; the landing page links to the notebooks of the language chosen there, so
switching needs no rebuild, and the page remembers the choice. Each exercise is one code cell
starting with `%%check EXERCISE` (see notebook.py). Lessons whose `needs` the site's Pyodide
cannot provide (pandas on the offline core) say so at their top and on the landing page.
"""

from __future__ import annotations

import html
import json
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path

from qala.grader.engine import Course, Engine, ExerciseKind, Lesson, Part, as_markdown, bundled_course_root, exercise_parts, load_course, section_parts
from qala.grader.errors import ContentError, UsageError
from qala.grader.i18n import LANGUAGE_NAMES, LANGUAGES, Translator, pick

from . import icons, vendor
from .kernel_wheel import STARTUP_FILE, build_kernel_wheel, precompiled_wheels
from .notebook import CHANNEL, PROGRESS_MOUNT, SUMMARY_FILE, check_cell_body, summary
from .site import SiteError, build_site, code_cell, kernel_shim_wheels, markdown_cell, notebook

LANDING = Path(str(files("qala.web"))) / "landing"
NOTEBOOK_APP = "notebooks/index.html?path="
#: What Pyodide's IDBFS calls its object store (the landing page reads the summary from it).
IDBFS_STORE = "FILE_DATA"


@dataclass
class CourseSite:
    """What was built: the folder, its size, and what a teacher should know about it."""

    path: Path
    lessons: int
    notebooks: int
    wheel: str
    seconds: float
    unavailable: dict[str, list[str]] = field(default_factory=dict)  # lesson -> modules the site lacks
    problems: list[str] = field(default_factory=list)  # broken lessons left out

    @property
    def size_bytes(self) -> int:
        return sum(p.stat().st_size for p in self.path.rglob("*") if p.is_file())


# ---------------------------------------------------------------- what the site's Pyodide can load


def kernel_python_and_imports(pyodide: str | None, vendored: vendor.Vendored) -> tuple[str, set[str]]:
    """The Python version inside the site's Pyodide, and every module its packages provide."""
    if pyodide is None:
        lock = vendored.lock
        present = {path.name for path in vendored.wheels}
        entries = [e for e in lock["packages"].values() if e["file_name"] in present]
    elif pyodide.startswith(("http://", "https://")):
        base = pyodide.removesuffix("pyodide.mjs").removesuffix("pyodide-lock.json").rstrip("/") + "/"
        try:
            with urllib.request.urlopen(base + "pyodide-lock.json", timeout=60) as response:
                lock = json.load(response)
        except OSError as error:
            raise SiteError(f"cannot read {base}pyodide-lock.json: {error}") from None
        entries = list(lock["packages"].values())
    else:
        folder = Path(pyodide)
        try:
            lock = json.loads((folder / "pyodide-lock.json").read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise SiteError(f"{folder} is not a Pyodide distribution (no readable pyodide-lock.json): {error}") from None
        entries = [e for e in lock["packages"].values() if (folder / e["file_name"]).is_file()]
    imports = {name for entry in entries for name in entry.get("imports", [])}
    return lock.get("info", {}).get("python", "3.14"), imports


def missing_needs(lesson: Lesson, imports: set[str]) -> list[str]:
    return [name for name in lesson.needs if name.split(".")[0] not in imports and name.split(".")[0] not in sys.stdlib_module_names]


# ---------------------------------------------------------------- notebooks


FIXED = {"editable": False, "deletable": False}


def how_to(tr: Translator) -> str:
    return tr.t(
        "**How it works.** First run the code cell below: click it, then press Shift+Enter (on a phone or tablet, "
        "tap it, then the ▶ button at the top of the notebook). "
        "Each exercise has a code cell that starts with `%%check` and the exercise's name: write your code "
        "under that line and run the cell the same way. The checker says what is right and what to fix, and gives you "
        'XP and badges. Stuck? `hint("exercise-name")` in a new cell shows a hint (it costs a little XP). '
        '`progress()` shows your progress, and `export("Your Name")` makes a file for your teacher.'
    )


def needs_banner(tr: Translator, modules: list[str]) -> str:
    return tr.t(
        "This lesson needs {modules}, which this copy of the course does not include, so its exercises cannot be "
        "checked here. You can still read it; ask your teacher for the full version of the course.",
        modules=", ".join(modules),
    )


def prose_cells(parts: list[Part]) -> list[dict]:
    """Prose as fixed Markdown cells, each worked example a normal code cell at its place (the
    learner may change and run it; nothing checks it)."""
    cells: list[dict] = []
    text: list[Part] = []
    for part in [*parts, None]:
        if isinstance(part, str):
            text.append(part)
            continue
        if text:
            cells.append(markdown_cell(as_markdown(text)) | {"metadata": dict(FIXED)})
            text = []
        if part is not None:
            cells.append(code_cell(part.code + "\n") | {"metadata": {"qala": {"role": "example"}}})
    return cells


def lesson_notebook(lesson: Lesson, language: str, missing: list[str]) -> dict:
    """A lesson as a notebook in one language: prose as Markdown, each exercise a `%%check` cell."""
    tr = Translator(language)
    lesson = lesson.in_language(language)  # starters with the language's code strings ([code])
    text = lesson.text(language)
    head = [f"# {text.title}"]
    if text.summary:
        head.append(f"*{text.summary}*")
    head.append(how_to(tr))
    cells = [markdown_cell("\n\n".join(head)) | {"metadata": dict(FIXED)}]
    if missing:
        cells.append(markdown_cell(f"> ⚠ **{needs_banner(tr, missing)}**") | {"metadata": dict(FIXED)})
    start = f'from qala.web.notebook import start, hint, solution, progress, export\nawait start("{lesson.id}", "{language}")'
    cells.append(code_cell(start) | {"metadata": {**FIXED, "qala": {"role": "start", "lesson": lesson.id}}})
    if text.intro:
        cells.append(markdown_cell(text.intro) | {"metadata": dict(FIXED)})
    for kind, key in lesson.outline:
        if kind == "section":
            cells += prose_cells(section_parts(text.sections[key]))
        else:
            exercise = lesson.exercise(key)
            cells += prose_cells([*exercise_parts(lesson, exercise, tr), *kind_words(exercise, tr)])
            code = f"%%check {exercise.id}\n{check_cell_body(exercise).rstrip()}\n"
            cells.append(code_cell(code) | {"metadata": {"deletable": False, "qala": {"exercise": exercise.id}}})
    cells.append(markdown_cell(f"## {tr.t('Your progress')}") | {"metadata": dict(FIXED)})
    cells.append(code_cell("progress()") | {"metadata": {**FIXED, "qala": {"role": "progress"}}})
    return notebook(cells, {"qala": {"lesson": lesson.id, "language": language}})


# ---------------------------------------------------------------- the landing page


def kind_words(exercise, tr: Translator) -> list[str]:
    """What a notebook adds to an exercise that is not code: the program to read, how to answer
    (typed under the %%check line, or with the buttons the cell shows when run as it is)."""
    words = _typed_words(exercise, tr)
    if words:
        words[-1] += " " + tr.t("Or run the cell as it is: buttons to answer with appear under it.")
    return words


def _typed_words(exercise, tr: Translator) -> list[str]:
    if exercise.kind is ExerciseKind.PREDICT:
        return [
            f"```python\n{exercise.solution}\n```",
            tr.t("Type what this program prints under the %%check line below, then run the cell: you will see it run."),
        ]
    if exercise.kind is ExerciseKind.CHOICE:
        return [tr.t("Type the letter of your answer under the %%check line below (for several: a, c), then run the cell.")]
    if exercise.kind is ExerciseKind.PARSONS:
        return [
            tr.t(
                "Under the %%check line below are the lines to use, mixed up, and some that do not belong: put the ones you need in order, indent them, then run the cell."
            )
        ]
    if exercise.kind is ExerciseKind.FILL:
        return [tr.t("Replace each ___ in the cell below with what is missing, then run the cell.")]
    return []


def ui_strings(tr: Translator) -> dict[str, str]:
    """The landing page's words in one language (placeholders in braces are filled in by the page)."""
    return {
        "language": tr.t("Language"),
        "level": tr.t("Level {level}: {title}"),
        "xp": tr.t("{xp} XP"),
        "to_next": tr.t("{xp} XP to the next level"),
        "streak": tr.t("Days in a row: {days}"),
        "passed": tr.t("Exercises passed: {done} of {total}"),
        "badges": tr.t("Badges"),
        "badges_to_earn": tr.t("Badges to earn"),
        "no_badges": tr.t("No badges yet: pass an exercise to earn the first one."),
        "open": tr.t("Open"),
        "continue": tr.t("Continue"),
        "review": tr.t("Review"),
        "continue_here": tr.t("Continue where you stopped: {lesson}"),
        "requires": tr.t("Finish {lessons} first"),
        "needs": tr.t("Needs {modules}: this copy of the course cannot check it"),
        "coming_soon": tr.t("Coming soon"),
        "minutes": tr.t("{minutes} min"),
        "status_done": tr.t("Done"),
        "status_in_progress": tr.t("In progress"),
        "status_available": tr.t("Not started"),
        "status_locked": tr.t("Locked"),
        "hand_in": tr.t(
            'Your progress is kept in this browser. To hand in your work, run export("Your Name") in any lesson and send the file it makes to your teacher.'
        ),
        "all_files": tr.t("All files and datasets (JupyterLab)"),
        "choose_path": tr.t("Your path"),
        "path_lessons": tr.t("Lessons: {n}"),
        "whole_course": tr.t("The whole course"),
        "whole_course_about": tr.t("Every lesson, track by track."),
        "run_by_keys": tr.t("In a lesson, click a code cell and press Shift+Enter to run it; a cell that starts with %%check is checked when it runs."),
        "run_by_touch": tr.t(
            "In a lesson, tap a code cell, then the ▶ button at the top of the notebook to run it; a cell that starts with %%check is checked when it runs."
        ),
        "no_storage": tr.t("This browser does not let the course keep progress (a private window?): what you do will not be saved."),
    }


def kernel_downloads(pyodide: str | None, wheels: list[Path]) -> list[str]:
    """What a lesson's kernel fetches first from the site itself: Pyodide's core and the wheels it
    loads (the kernel's and the course's). The landing page prefetches them; none for a Pyodide on
    another server."""
    if pyodide is not None and pyodide.startswith(("http://", "https://")):
        return []
    return [f"static/pyodide/{name}" for name in [*vendor.CORE_FILES, *(path.name for path in wheels)]]


def landing_data(
    course: Course,
    languages: list[str],
    initial: dict,
    unavailable: dict[str, list[str]],
    default_language: str | None = None,
    prefetch: list[str] | None = None,
) -> dict:
    info = course.info
    lessons = {}
    for lesson in course.ordered_lessons():
        lessons[lesson.id] = {
            "title": {lang: lesson.text(lang).title for lang in languages},
            "summary": {lang: lesson.text(lang).summary for lang in languages},
            "minutes": lesson.minutes,
            "track": lesson.track,
            "exercises": len(lesson.exercises),
            "requires": list(lesson.requires),
            "missing": unavailable.get(lesson.id, []),
            "notebook": {lang: f"{NOTEBOOK_APP}{lang}/{lesson.id}.ipynb" for lang in languages},
        }
    return {
        "format": "qala-site",
        "course": {"id": info.id, "title": {lang: pick(info.title, lang) for lang in languages}},
        "languages": languages,
        "language_names": {lang: LANGUAGE_NAMES[lang] for lang in languages},
        # The school's language (qala --lang kk web build): before the browser's own, after the pupil's choice.
        "default_language": default_language if default_language in languages else None,
        "storage": {"database": PROGRESS_MOUNT, "store": IDBFS_STORE, "key": f"{PROGRESS_MOUNT}/{SUMMARY_FILE}", "channel": CHANNEL},
        "tracks": [
            {
                "id": t.id,
                "title": {lang: pick(t.title, lang) for lang in languages},
                "description": {lang: pick(t.description, lang) for lang in languages},
                "lessons": [lesson_id for lesson_id in t.lessons if lesson_id in lessons],
            }
            for t in info.tracks
        ],
        # Learning paths, those meant for the browser first (the school's): the page lists the chosen one's lessons.
        "paths": [
            {
                "id": p.id,
                "title": {lang: pick(p.title, lang) for lang in languages},
                "description": {lang: pick(p.description, lang) for lang in languages},
                "front_end": p.front_end,
                "lessons": [lesson_id for lesson_id in p.lessons if lesson_id in lessons],
            }
            for p in sorted(info.paths, key=lambda p: p.front_end != "browser")
        ],
        "lessons": lessons,
        "levels": [{"number": level.number, "xp": level.xp, "title": {lang: pick(level.title, lang) for lang in languages}} for level in info.levels],
        "badges": [
            {
                "id": b.id,
                "icon": b.icon,
                "title": {lang: pick(b.title, lang) for lang in languages},
                "description": {lang: pick(b.description, lang) for lang in languages},
            }
            for b in info.badges
        ],
        "initial": initial,
        "prefetch": list(prefetch or []),
        "icons": icons.all_svgs(),
        "emoji_icons": icons.EMOJI,
        "ui": {lang: ui_strings(Translator(lang)) for lang in languages},
    }


def landing_pages(data: dict) -> dict[str, bytes]:
    """index.html (the course map, its data inline) and its script and style."""
    template = (LANDING / "index.html").read_text(encoding="utf-8")
    first = data["languages"][0]
    inline = json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")
    page = template.replace("{{LANG}}", first).replace("{{TITLE}}", html.escape(data["course"]["title"][first])).replace("{{DATA}}", inline)
    return {
        "index.html": page.encode("utf-8"),
        "qala/landing.js": (LANDING / "landing.js").read_bytes(),
        "qala/landing.css": (LANDING / "landing.css").read_bytes(),
    }


def initial_summary(course_root: Path) -> dict:
    """The landing page's view of a learner with no progress yet (computed by the engine itself)."""
    with tempfile.TemporaryDirectory(prefix="qala-empty-") as tmp:
        engine = Engine(course_root, home=Path(tmp), language="en", in_process=True, progress_file=Path(tmp) / "progress.json")
        try:
            return summary(engine) | {"language": None}  # no pupil has chosen one yet
        finally:
            engine.close()


# ---------------------------------------------------------------- the build


def build_course_site(
    out_dir: Path | str,
    course_root: Path | None = None,
    pyodide: str | None = None,
    vendor_dir: Path | None = None,
    default_language: str | None = None,
    precompile: bool = True,
) -> CourseSite:
    """Build the course's site into `out_dir` (see site.build_site for `pyodide` and `vendor_dir`).

    `default_language` is the landing page's language until a pupil picks one (else the browser's).
    `precompile` ships the kernel's modules as bytecode for the offline Pyodide (see kernel_wheel.py)
    and has Pyodide load the kernel's own packages with the course's in one go (site.KERNEL_PACKAGES);
    False builds the site as before issue 18.6, for the benchmark's comparison.
    """
    started = time.perf_counter()
    course_root = Path(course_root) if course_root else bundled_course_root()
    if not (course_root / "course" / "course.toml").is_file():
        raise UsageError(f"{course_root} is not a course folder (it has no course/course.toml)")
    try:
        course, _ = load_course(course_root)
    except ContentError as error:
        raise UsageError(f"the course cannot be read: {error}") from None
    lessons = course.ordered_lessons()
    if not lessons:
        raise UsageError(f"the course at {course_root} has no lessons that can be read")
    vendored = vendor.ensure(vendor_dir)
    python, imports = kernel_python_and_imports(pyodide, vendored)
    languages = [lang for lang in course.info.languages if lang in LANGUAGES] or ["en"]
    unavailable = {lesson.id: missing for lesson in lessons if (missing := missing_needs(lesson, imports))}
    notebooks = {f"{lang}/{lesson.id}.ipynb": lesson_notebook(lesson, lang, unavailable.get(lesson.id, [])) for lesson in lessons for lang in languages}
    datasets = {
        f"datasets/{path.name}": path.read_bytes()
        for path in sorted(course.datasets_dir.glob("*"))
        if path.is_file() and path.suffix in (".csv", ".gz", ".jsonl", ".xlsx", ".toml")
    }
    site_packages = f"/lib/python{'.'.join(python.split('.')[:2])}/site-packages"
    with tempfile.TemporaryDirectory(prefix="qala-wheel-") as tmp:
        # Compiled by the site's own Pyodide where it is here (none for a distribution at a URL).
        compiler = vendored.core_dir if pyodide is None else None if pyodide.startswith(("http://", "https://")) else Path(pyodide)
        wheel = build_kernel_wheel(course_root, Path(tmp), precompile=precompile and compiler is not None, pyodide_dir=compiler)
        # The kernel's own packages, loaded with the course's wheel in one go (as before 18.6, without
        # `precompile`, the kernel installs them one after another); offline, with their bytecode.
        shims = kernel_shim_wheels() if precompile else []
        carried = [*vendored.wheels, *shims] if pyodide is None else shims
        kernel_wheels = precompiled_wheels(carried, vendored.root / "compiled" / vendored.core_dir.name, compiler) if precompile and pyodide is None else []
        prefetch = kernel_downloads(pyodide, [*(kernel_wheels or carried), wheel.path])
        pages = landing_pages(landing_data(course, languages, initial_summary(course_root), unavailable, default_language, prefetch))
        path = build_site(
            out_dir,
            notebooks,
            [wheel.path],
            files=datasets,
            pyodide=pyodide,
            vendor_dir=vendor_dir,
            pages=pages,
            kernel_env={"PYTHONSTARTUP": f"{site_packages}/{STARTUP_FILE}"},
            preload_kernel=precompile,
            kernel_wheels=kernel_wheels,
        )
    return CourseSite(
        path=path,
        lessons=len(lessons),
        notebooks=len(notebooks),
        wheel=wheel.path.name,
        seconds=time.perf_counter() - started,
        unavailable=unavailable,
        problems=[str(p) for p in course.problems],
    )
