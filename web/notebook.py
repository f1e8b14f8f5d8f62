"""The in-notebook API of a Qala site: `%%check`, `start()`, `hint()`, `progress()`, `export()`.

It runs inside the Pyodide kernel (standard library and Pyodide's own `js`/`pyodide` modules only)
and wires the engine to the course inside the kernel's `qala` wheel and to a progress file in the
browser's own storage. A learner's exercise cell starts with `%%check EXERCISE`: the cell itself
is graded, so what is checked is always exactly what the learner sees and ran.

Progress lives in IndexedDB through an IDBFS mount of Pyodide's file system (`/qala`): it survives
reloads and browser restarts, and, unlike JupyterLite's `/drive`, it works when the site comes
from a school server over plain http (no service worker there). IndexedDB can only be read and
written asynchronously, so a check is async (the `%%check` cell is rewritten into an `await`):
it reloads the file first (another tab may have written it), and it shows its result only once
the attempt is saved. Kernels in other tabs hear of each save on a BroadcastChannel and reload.
Beside the progress file, a small `summary.json` is kept for the site's landing page, which
reads it straight from IndexedDB without a kernel.
"""

from __future__ import annotations

import asyncio
import datetime as _dt
import importlib
import json
import os
import re
import sys
from pathlib import Path
from typing import Any

from qala.grader.engine import Engine, ExerciseKind, bundled_course_root, given_lines, step_budget
from qala.grader.errors import QalaError, UsageError
from qala.grader.i18n import Translator, normalise_language

from . import own_data
from .views import IN_PYODIDE, CheckResultView, ExportView, HintView, Message, ProgressCard, SolutionView, View, Welcome, not_ready

#: The IDBFS mount point, which is also the name of its IndexedDB database (the landing page opens it).
PROGRESS_MOUNT = "/qala"

PROGRESS_FILE = "progress.json"

SUMMARY_FILE = "summary.json"

#: Kernels (one per open notebook tab) and the landing page tell each other of saves here.
CHANNEL = "qala-progress"

#: Reference runs and other scratch: memory only, rebuilt per kernel (a rebuilt site may change them).
WORK_HOME = Path("/tmp/qala")

#: Lines the learner's code may run when it is also run in the notebook, like the grader's budget.
STEP_BUDGET = 5_000_000

CHECK_LINE = re.compile(r"^%%check(?:[ \t]+(?P<exercise>\S+))?[ \t]*$")

#: The course as the site's build parsed it, inside the kernel's wheel (see kernel_wheel.py):
#: unpickled in milliseconds, where parsing every lesson in every language takes most of a second.
PARSED_COURSE = "course/parsed.pickle"
#: What a parsed course depends on besides the course's texts: the code that parses them.
PARSER_MODULES = ("model.py", "lesson_file.py", "course_file.py", "translation_file.py", "markdown.py")

#: When the kernel's startup file began (ms since the epoch): Pyodide, its packages and IPython loaded.
started_at_ms: float | None = None
#: When this module and the grader were imported, in the startup file (ms since the epoch).
imported_at_ms: float | None = None


def course_fingerprint(root: Path) -> str:
    """A hash of what the course at `root` is parsed from: its texts (paths and bytes) and the parser."""
    import hashlib

    import qala.grader

    content = Path(qala.grader.__file__).parent / "content"
    texts = sorted(p for folder in ("course", "lessons") for p in (root / folder).rglob("*") if p.suffix in (".md", ".toml") and p.is_file())
    digest = hashlib.sha256()
    for path in [*(content / name for name in PARSER_MODULES), *texts]:
        digest.update(path.as_posix().encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def parsed_course(root: Path):
    """The course at `root` as the build parsed it for this very wheel; None if there is none, or
    if anything it was parsed from differs (then the engine parses the course itself)."""
    import pickle

    try:
        with open(root / PARSED_COURSE, "rb") as stream:
            if pickle.load(stream) != course_fingerprint(root):
                return None
            return pickle.load(stream)
    except Exception:  # noqa: BLE001 - no cache, or an unreadable one: parse instead
        return None


def check_cell_body(exercise) -> str:
    """What an exercise's %%check cell holds at first: the starter; the mixed lines of a Parsons
    problem; nothing for a prediction or a choice (the learner types the answer)."""
    if exercise.kind is ExerciseKind.PARSONS:
        return "\n".join(given_lines(exercise))
    if exercise.kind in (ExerciseKind.PREDICT, ExerciseKind.CHOICE):
        return ""
    return exercise.starter


class FolderStorage:
    """Progress in an ordinary folder: Pyodide under Node (tests), CPython, or a browser without IndexedDB."""

    def __init__(self, folder: Path | str):
        self.folder = Path(folder)
        self.ready = False

    async def open(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        self.ready = True

    async def refresh(self) -> None:
        pass

    async def save(self) -> None:
        pass

    def on_change(self, callback) -> None:
        pass


class BrowserStorage:
    """Progress in the browser's IndexedDB, through Pyodide's IDBFS mounted at `PROGRESS_MOUNT`."""

    def __init__(self, mountpoint: str = PROGRESS_MOUNT):
        self.folder = Path(mountpoint)
        self.ready = False
        self._channel: Any = None  # a BroadcastChannel (a JavaScript object) in the browser
        self._handlers: list = []

    async def open(self) -> None:
        if self.ready:
            return
        import js
        from pyodide_js import FS

        if not FS.analyzePath(str(self.folder)).exists:
            FS.mkdirTree(str(self.folder))
        FS.mount(FS.filesystems.IDBFS, js.Object.new(), str(self.folder))
        await self._sync(populate=True)
        if hasattr(js, "BroadcastChannel"):
            from pyodide.ffi import create_proxy

            self._channel = js.BroadcastChannel.new(CHANNEL)
            self._listener = create_proxy(lambda event: [handler() for handler in self._handlers])
            self._channel.addEventListener("message", self._listener)
        self.ready = True

    async def refresh(self) -> None:
        await self._sync(populate=True)

    async def save(self) -> None:
        await self._sync(populate=False)
        if self._channel is not None:
            self._channel.postMessage("saved")

    def on_change(self, callback) -> None:
        self._handlers.append(callback)

    async def _sync(self, populate: bool) -> None:
        from pyodide.ffi import create_once_callable
        from pyodide_js import FS

        future = asyncio.get_event_loop().create_future()

        def done(error=None):
            if future.done():
                return
            if error:
                future.set_exception(OSError(f"the browser's storage (IndexedDB) failed: {error}"))
            else:
                future.set_result(None)

        FS.syncfs(populate, create_once_callable(done))
        await future


def default_storage():
    if IN_PYODIDE:
        import js

        if hasattr(js, "indexedDB"):
            return BrowserStorage()
    from qala.grader.engine import default_home

    return FolderStorage(default_home())


class Session:
    """The learner's side of one kernel: the course, the progress file, the lesson open here."""

    def __init__(self, course_root: Path | None = None, storage=None, work_home: Path = WORK_HOME):
        self.course_root = Path(course_root) if course_root else None
        self.storage = storage if storage is not None else default_storage()
        self.work_home = Path(work_home)
        self.lesson_id: str | None = None
        self.language: str | None = None
        self.unsaved_reason: str | None = None  # set when the browser refuses to keep progress
        self._engine: Engine | None = None
        self._opening: asyncio.Future | None = None
        self._lock: asyncio.Lock | None = None

    # -- opening

    @property
    def ready(self) -> bool:
        return self._engine is not None

    @property
    def progress_path(self) -> Path:
        return self.storage.folder / PROGRESS_FILE

    @property
    def engine(self):
        if self._engine is None:
            raise RuntimeError("the session is not open yet: await session.open() first")
        return self._engine

    @property
    def lock(self) -> asyncio.Lock:
        if self._lock is None:
            self._lock = asyncio.Lock()
        return self._lock

    def tr(self) -> Translator:
        return self._engine.tr if self._engine is not None else Translator(self.language or "en")

    async def open(self) -> None:
        """Open the saved progress and the course (once; later calls wait for the first)."""
        if self._opening is None:
            self._opening = asyncio.ensure_future(self._open())
        await self._opening

    async def _open(self) -> None:
        try:
            await self.storage.open()
        except Exception as error:  # e.g. a private window that refuses IndexedDB
            self.unsaved_reason = str(error)
            self.storage = FolderStorage(self.work_home / "unsaved")
            await self.storage.open()
        self.storage.on_change(self._changed_elsewhere)
        self._engine = self._new_engine()
        if self.lesson_id:
            self._enter_lesson()

    def _new_engine(self):

        # The home is a memory-only folder, not the progress folder: reference runs cached there
        # would be persisted, and reused by a rebuilt site whose lessons changed.
        root = self.course_root or bundled_course_root()
        engine = Engine(root, home=self.work_home, language=self.language, progress_file=self.progress_path, course=parsed_course(root))
        self.course_root = engine.course_root
        return engine

    def _reload(self) -> None:
        self.engine.reread_progress()

    def _changed_elsewhere(self) -> None:
        asyncio.ensure_future(self._refresh())

    async def _refresh(self) -> None:
        async with self.lock:
            try:
                await self._reread()
            except QalaError:
                pass  # a damaged file: the next check says so, with the learner's words

    async def _reread(self) -> None:
        """The progress file as another tab may have left it (else as this kernel has it)."""
        try:
            await self.storage.refresh()
        except OSError as error:
            self.unsaved_reason = str(error)
        self._reload()

    async def _save(self) -> None:
        self._write_summary()
        try:
            await self.storage.save()
        except OSError as error:  # e.g. the browser's storage is full: say so in every verdict from now on
            self.unsaved_reason = str(error)

    def _save_soon(self) -> None:
        async def save():
            async with self.lock:
                await self._save()

        self._write_summary()
        asyncio.ensure_future(save())

    def _write_summary(self) -> None:
        path = self.storage.folder / SUMMARY_FILE
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("format") != "qala-summary":
                raise ValueError
        except (OSError, ValueError):
            data = {"format": "qala-summary", "version": 1, "courses": {}}
        data["courses"][self.engine.course.info.id] = summary(self.engine)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, path)

    # -- the lesson open in this notebook

    def begin(self, lesson_id: str, language: str | None) -> None:
        self.lesson_id = lesson_id
        self.language = normalise_language(language) or self.language
        if self._engine is not None:
            self._enter_lesson()

    def _enter_lesson(self) -> None:
        """The lesson's language for every message, and its folder as the working folder."""
        engine = self.engine
        if self.language and self.language != engine.language:
            remember = engine.settings.language != self.language
            engine.set_language(self.language, remember=remember)
            if remember:
                self._save_soon()
        lessons = engine.course_root / "lessons"
        if lessons.is_dir():
            os.chdir(lessons)  # where learner code finds datasets/NAME.csv, as when it is checked

    async def load_needs(self, lesson, code: str = "") -> None:
        """Load what the lesson needs (pandas…) from the site's Pyodide, where it has it."""
        if not IN_PYODIDE:
            return
        import pyodide_js

        for text in ("\n".join(f"import {name}" for name in lesson.needs), code):
            if text.strip():
                try:
                    await pyodide_js.loadPackagesFromImports(text)
                except Exception:
                    pass  # a package the site lacks: the grader then says so kindly
        importlib.invalidate_caches()

    def find(self, exercise_id: str, lesson_id: str | None = None):
        """The (lesson, exercise) an id names: in the lesson open here first, else anywhere in the course."""
        engine = self.engine
        tr = engine.tr
        if "/" in exercise_id and lesson_id is None:
            lesson_id, exercise_id = exercise_id.split("/", 1)
        lesson_id = lesson_id or self.lesson_id
        if lesson_id:
            lesson = engine.lesson(lesson_id)
            if lesson.exercise(exercise_id) is not None or lesson_id != self.lesson_id:
                return lesson, engine.exercise(lesson, exercise_id)
        found = [lesson for lesson in engine.course.ordered_lessons() if lesson.exercise(exercise_id) is not None]
        if len(found) == 1:
            lesson = engine.lesson(found[0].id)  # its code in the learner's language
            return lesson, lesson.exercise(exercise_id)
        if found:
            raise UsageError(tr.t("Several lessons have an exercise {exercise}: run the first code cell of your lesson, then this one.", exercise=exercise_id))
        raise UsageError(tr.t("There is no exercise {exercise} in this course: check its name in the line %%check {exercise}.", exercise=exercise_id))

    # -- what learners do

    async def check(self, exercise_id: str | None, code: str) -> View:
        tr = self.tr()
        if not exercise_id:
            return Message(tr.t("Write the exercise's name after %%check, like this: %%check january"), kind="info")
        await self.open()
        try:
            async with self.lock:
                await self._reread()
                lesson, exercise = self.find(exercise_id)
                tr = self.engine.tr
                if code.strip() == check_cell_body(exercise).strip() and exercise.kind not in (ExerciseKind.PREDICT, ExerciseKind.CHOICE):
                    return Message(tr.t("This is still the starting code: change it to solve the exercise, then run the cell again."), kind="info")
                await self.load_needs(lesson, code)
                if self.engine.missing_modules(lesson):
                    # The engine's own kind message, and no attempt kept: it is not the learner's doing.
                    grade = self.engine.try_without_keeping(lesson.id, exercise.id, code)
                    return CheckResultView(self, lesson, exercise, grade=grade)
                outcome = self.engine.check(lesson.id, exercise.id, code)
                await self._save()
        except QalaError as error:
            return Message(str(error), kind="error")
        return CheckResultView(self, lesson, exercise, outcome=outcome)

    def hint(self, exercise_id: str, lesson_id: str | None = None) -> View:
        if not self.ready:
            return not_ready(self)
        try:
            lesson, exercise = self.find(exercise_id, lesson_id)
            outcome = self.engine.hint(lesson.id, exercise.id)
        except QalaError as error:
            return Message(str(error), kind="error")
        self._save_soon()
        offered = outcome.number == outcome.total and self.engine.solution_refusal(lesson.id, exercise.id) is None
        return HintView(self, outcome, f'solution("{exercise.id}")' if offered else "")

    def solution(self, exercise_id: str, lesson_id: str | None = None) -> View:
        if not self.ready:
            return not_ready(self)
        try:
            lesson, exercise = self.find(exercise_id, lesson_id)
            code = self.engine.solution(lesson.id, exercise.id)
        except QalaError as error:
            return Message(str(error), kind="error")
        self._save_soon()
        return SolutionView(self, code)

    def progress(self) -> View:
        return ProgressCard(self) if self.ready else not_ready(self)

    def export(self, name: str) -> View:
        if not self.ready:
            return not_ready(self)
        tr = self.engine.tr
        if not isinstance(name, str) or not name.strip():
            return Message(tr.t('Write your name in the brackets, as your teacher knows it: export("Aigerim S.")'), kind="info")
        self.engine.change_settings(learner_name=name.strip())
        self._save_soon()
        return ExportView(self, self.engine.export(name.strip()))


def summary(engine) -> dict:
    """What the landing page shows, computed by the engine (the page has no Python of its own)."""
    view = engine.progress()
    progress = engine.progress_data()
    passed = progress.passed()
    lessons = {}
    for track in engine.course_map():
        for item in track.lessons:
            lessons[item.lesson.id] = {
                "status": item.status,
                "done": item.done,
                "total": item.total,
                "passed": [e.id for e in item.lesson.exercises if (item.lesson.id, e.id) in passed],
            }
    return {
        "xp": view.xp,
        "level": view.level.number,
        "next_level_xp": view.next_level.xp if view.next_level else None,
        "exercises_done": view.exercises_done,
        "exercises_total": view.exercises_total,
        "badges": {b.badge.id: b.earned_at for b in view.badges if b.earned_at},
        "pass_days": sorted({a.local_date for a in progress.attempts if a.passed}),
        "longest_streak": view.longest_streak,
        "lessons": lessons,
        "language": engine.language,
        "updated_at": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
    }


_session: Session | None = None


def session() -> Session:
    """This kernel's session (made on first use)."""
    global _session
    if _session is None:
        _session = Session()
    return _session


def use_session(new: Session) -> Session:
    """Make `new` this kernel's session (tests, or a course other than the wheel's)."""
    global _session
    _session = new
    return new


def start(lesson: str, language: str | None = None) -> Welcome:
    """Open `lesson` in `language` in this notebook: `await start("monthly-air", "ru")`."""
    _ensure_extension()
    current = session()
    current.begin(lesson, language)
    return Welcome(current)


def hint(exercise: str, lesson: str | None = None) -> View:
    """The next hint for an exercise of this lesson (hints cost a little XP, shown first)."""
    return session().hint(exercise, lesson)


def solution(exercise: str, lesson: str | None = None) -> View:
    """The reference solution of an exercise, once its last hint was taken (it then gives no XP)."""
    return session().solution(exercise, lesson)


def progress() -> View:
    """XP, level, streak, badges and the course map."""
    return session().progress()


def export(name: str) -> View:
    """Your progress and attempts as a file to send to your teacher (`qala report` reads it)."""
    return session().export(name)


def use_my_data(file: str | None = None, dataset: str | None = None, map: dict[str, str] | None = None, reset: bool = False):
    """Explore with your own file, ungraded: `use_my_data("my_air.csv", "air_daily")`; `use_my_data(reset=True)` goes back."""
    current = session()
    return own_data.use(current.engine, file, dataset, map, reset) if current.ready else not_ready(current)


async def check(exercise: str, code: str) -> View:
    """Grade `code` for an exercise: what `%%check EXERCISE` does with its cell."""
    return await session().check(exercise, code)


async def check_cell(exercise: str | None, code: str) -> None:
    """Run by a `%%check` cell: grade it, run it in the notebook too if it ran cleanly, show the verdict."""
    current = session()
    from .widgets import answer_form  # buttons for a kind's cell run as handed out (ipywidgets loads then)

    form = await answer_form(current, exercise, code, handed_out=check_cell_body, run_in_notebook=_run_in_notebook)
    if form is not None:
        _display(form)
        return
    view = await current.check(exercise, code)
    if isinstance(view, CheckResultView) and view.ran:
        _run_in_notebook(current, view.exercise, code)
    _display(view)


def _run_in_notebook(current: Session, exercise, code: str) -> None:
    """Run the checked code again in the notebook, so that its printout shows and its variables
    stay for the next cells; under the same step budget, so nothing here can freeze the tab."""
    try:
        from IPython import get_ipython

        shell = get_ipython()
    except ImportError:
        shell = None
    namespace = shell.user_ns if shell is not None else {"__name__": "__main__"}
    cwd = os.getcwd()
    lessons = current.engine.course_root / "lessons"
    try:
        if lessons.is_dir():
            os.chdir(lessons)
        sys.settrace(step_budget(STEP_BUDGET))
        if exercise.setup:
            exec(compile(exercise.setup, "<setup>", "exec"), namespace)
        exec(compile(code, "<your code>", "exec"), namespace)
    except KeyboardInterrupt:
        raise
    except BaseException:
        pass  # the verdict above already says what went wrong
    finally:
        sys.settrace(None)
        try:
            os.chdir(cwd)
        except OSError:
            pass


def _display(view) -> None:
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:
        print(view.text())
        return
    if get_ipython() is None:
        print(view.text())
    else:
        display(view)


def transform_check_cell(lines: list[str]) -> list[str]:
    """IPython input transformer: a cell starting with `%%check EXERCISE` becomes an awaited check
    of the rest of the cell (a cell magic could not wait for the browser's storage)."""
    if not lines:
        return lines
    match = CHECK_LINE.match(lines[0].rstrip("\r\n"))
    if match is None:
        return lines
    code = "".join(lines[1:])
    call = f"await __import__('qala.web.notebook', fromlist=['check_cell']).check_cell({match['exercise']!r}, {code!r})\n"
    return [call]


def load_ipython_extension(shell) -> None:
    """`%load_ext qala.web.notebook` (the site's kernels do it at start): %%check and the helpers."""
    if transform_check_cell not in shell.input_transformers_cleanup:
        shell.input_transformers_cleanup.append(transform_check_cell)
    for name, function in (("start", start), ("hint", hint), ("solution", solution), ("progress", progress), ("export", export), ("use_my_data", use_my_data)):
        shell.user_ns.setdefault(name, function)
    if IN_PYODIDE:
        asyncio.ensure_future(_open_quietly())


def _ensure_extension() -> None:
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is not None and transform_check_cell not in shell.input_transformers_cleanup:
        load_ipython_extension(shell)


async def _open_quietly() -> None:
    try:
        await session().open()
    except Exception as error:  # shown again, with the learner's words, at the first check
        print(f"qala: could not open the saved progress yet: {error}", file=sys.__stderr__)


def kernel_started(at_ms: float | None = None) -> None:
    """Called by the kernel's startup file (begun at `at_ms`): note when, and get %%check ready."""
    global started_at_ms, imported_at_ms
    if IN_PYODIDE:
        import js

        imported_at_ms = float(js.performance.timeOrigin) + float(js.performance.now())
        started_at_ms = at_ms if at_ms is not None else imported_at_ms
    from IPython import get_ipython

    shell = get_ipython()
    if shell is not None:
        load_ipython_extension(shell)
