"""Snapshots of the main screens: the SVG Textual exports, compared with tests/tui/snapshots/.

A change that is meant (new layout, new wording, a new translation catalog) is accepted with

    QALA_UPDATE_SNAPSHOTS=1 python -m pytest tests/tui/test_snapshots.py

and reviewed like any other change: open the SVG files in a browser. On a mismatch the test
writes what it saw beside the snapshot as NAME.actual.svg (not committed).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from qala.tui.screens.lesson import LessonScreen

SNAPSHOTS = Path(__file__).parent / "snapshots"
SOLUTION = "pm25 = [52, 54, 28, 17, 10, 11, 10, 10, 10, 17, 28, 38]\njanuary = pm25[0]\n"


def _normalise(svg: str) -> str:
    # The export names its CSS classes after a hash of the picture; the picture itself is compared.
    return re.sub(r"terminal-\d+", "terminal", svg)


def assert_snapshot(app, name: str) -> None:
    actual = _normalise(app.export_screenshot(title="Qala"))
    path = SNAPSHOTS / f"{name}.svg"
    failed = path.with_suffix(".actual.svg")
    if os.environ.get("QALA_UPDATE_SNAPSHOTS") == "1":
        SNAPSHOTS.mkdir(exist_ok=True)
        path.write_text(actual, encoding="utf-8")
        failed.unlink(missing_ok=True)
        return
    if not path.exists():
        failed.write_text(actual, encoding="utf-8")
        pytest.fail(f"no snapshot {path.name} yet: look at {failed}, then run with QALA_UPDATE_SNAPSHOTS=1")
    if path.read_text(encoding="utf-8") != actual:
        failed.write_text(actual, encoding="utf-8")
        pytest.fail(f"the screen differs from {path.name}: compare it with {failed.name} in a browser")
    failed.unlink(missing_ok=True)


async def settle(pilot) -> None:
    """Let toasts, timers and the editor's cursor come to rest before a picture is taken."""
    app = pilot.app
    await pilot.pause(1.2)  # the celebration's stars are done
    app.clear_notifications()
    if isinstance(app.screen, LessonScreen):
        app.screen.editor.cursor_blink = False
    await pilot.pause()


async def pass_january(pilot, wait_for_check) -> None:
    await pilot.press("c")
    await pilot.pause()
    pilot.app.screen.editor.load_text(SOLUTION)
    await pilot.press("f5")
    await wait_for_check(pilot)


async def test_snapshot_map_80x24(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        assert_snapshot(app, "map-80x24")


async def test_snapshot_map_in_russian_after_a_pass(make_app, wait_for_check):
    app = make_app(language="ru")
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await pass_january(pilot, wait_for_check)
        await pilot.press("escape", "escape")
        await settle(pilot)
        assert_snapshot(app, "map-ru-100x30")


async def test_snapshot_lesson_80x24(make_app):
    app = make_app(lesson="monthly-air")
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        assert_snapshot(app, "lesson-80x24")


async def test_snapshot_lesson_passed_wide(make_app, wait_for_check):
    app = make_app()
    async with app.run_test(size=(140, 40), notifications=True) as pilot:
        await pass_january(pilot, wait_for_check)
        await settle(pilot)
        assert_snapshot(app, "lesson-passed-140x40")


async def test_snapshot_data_chart(make_app):
    app = make_app()
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await pilot.press("f3")
        await pilot.press("f7")
        await settle(pilot)
        assert_snapshot(app, "data-chart-100x30")


async def test_snapshot_profile_after_a_pass(make_app, wait_for_check):
    app = make_app()
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await pass_january(pilot, wait_for_check)
        await pilot.press("f4")
        await settle(pilot)
        assert_snapshot(app, "profile-100x30")


async def test_snapshot_light_theme(make_app):
    app = make_app(lesson="monthly-air")
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        app.set_theme_choice("light")
        await settle(pilot)
        assert_snapshot(app, "lesson-light-100x30")
