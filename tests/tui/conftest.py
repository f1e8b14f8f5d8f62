"""The terminal app under test: the real app, a real engine and SQLite file in a fresh home,
and a small frozen course (tests/tui/course) so new lessons in the bundled course change nothing here."""

from __future__ import annotations

import asyncio
import datetime as dt
import inspect
import io
import shutil
from pathlib import Path

import pytest
from rich.console import Console

from qala.grader.engine import Engine
from qala.tui.app import QalaApp
from qala.tui.screens.lesson import LessonScreen

COURSE = Path(__file__).parent / "course"
NOW = dt.datetime(2025, 3, 14, 10, 30, tzinfo=dt.timezone(dt.timedelta(hours=5)))  # Almaty time


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem):
    """Run ``async def`` tests in a fresh event loop (no asyncio plugin needed)."""
    if inspect.iscoroutinefunction(pyfuncitem.obj):
        arguments = {name: pyfuncitem.funcargs[name] for name in pyfuncitem._fixtureinfo.argnames}
        asyncio.run(pyfuncitem.obj(**arguments))
        return True
    return None


@pytest.fixture(autouse=True)
def _no_language_from_the_machine(monkeypatch):
    monkeypatch.delenv("QALA_LANG", raising=False)
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    monkeypatch.delenv("LANGUAGE", raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    monkeypatch.setenv("TERM", "xterm-256color")  # emoji icons, as in a desktop terminal (not the Linux console)


@pytest.fixture
def home(tmp_path) -> Path:
    return tmp_path / "home"


@pytest.fixture
def course(tmp_path) -> Path:
    """A copy of the test course that a test may edit (as a teacher would)."""
    target = tmp_path / "course"
    shutil.copytree(COURSE, target)
    return target


@pytest.fixture
def make_app(home):
    """Build the app as `qala tui` does; every engine is closed after the test."""
    engines: list[Engine] = []

    def make(language: str | None = None, lesson: str | None = None, course_root: Path = COURSE, at_home: Path | None = None) -> QalaApp:
        engine = Engine(course_root=course_root, home=at_home or home, language=language, clock=lambda: NOW)
        engines.append(engine)
        return QalaApp(engine, lesson=lesson)

    yield make
    for engine in engines:
        engine.close()


@pytest.fixture
def wait_for_check():
    """``await wait_for_check(pilot)``: until the lesson screen's check has reported back."""

    async def wait(pilot, seconds: float = 30.0) -> LessonScreen:
        screen = pilot.app.screen
        assert isinstance(screen, LessonScreen)
        await pilot.pause()
        for _ in range(int(seconds / 0.05)):
            if not screen.checking:
                await pilot.pause()
                return screen
            await asyncio.sleep(0.05)
        raise AssertionError("the check did not finish")

    return wait


@pytest.fixture
def screen_text():
    """``screen_text(app)``: everything the terminal shows now, as plain text."""

    def render(app) -> str:
        width, height = app.size
        console = Console(
            width=width, height=height, file=io.StringIO(), force_terminal=True, color_system="truecolor", record=True, legacy_windows=False, safe_box=False
        )
        console.print(app.screen._compositor.render_update(full=True, screen_stack=app._background_screens))
        return console.export_text()

    return render
