"""The learning path in the terminal app: asked at the first start (keyboard only, 80×24),
switched in Settings, and followed by the course map."""

from __future__ import annotations

import shutil

from textual.widgets import OptionList

from qala.tui.screens.map import MapScreen
from qala.tui.screens.path_choice import PathChoiceScreen
from qala.tui.screens.settings import SettingsScreen

from .conftest import COURSE

PATHS = """
[[path]]
id = "school"
title = { en = "School path", ru = "Школьный путь", kk = "Мектеп жолы" }
description = { en = "For pupils, in the browser.", ru = "Для школьников, в браузере.", kk = "Оқушыларға, браузерде." }
front_end = "browser"
lessons = ["monthly-air", "second-look"]

[[path]]
id = "staff"
title = { en = "Staff path", ru = "Путь сотрудника", kk = "Қызметкер жолы" }
description = { en = "For city staff, in the terminal.", ru = "Для сотрудников, в терминале.", kk = "Қызметкерлерге, терминалда." }
front_end = "terminal"
lessons = ["monthly-air"]
"""


def course_with_paths(tmp_path):
    root = tmp_path / "course-with-paths"
    shutil.copytree(COURSE, root)
    toml = root / "course" / "course.toml"
    toml.write_text(toml.read_text(encoding="utf-8") + PATHS, encoding="utf-8")
    return root


def lesson_order(app) -> list[str]:
    options = app.screen.query_one("#lessons", OptionList)
    return [
        options.get_option_at_index(i).id for i in range(options.option_count) if not str(options.get_option_at_index(i).id).startswith(("track:", "empty:"))
    ]


async def test_the_first_start_asks_for_a_path_and_the_map_follows_it(make_app, tmp_path, screen_text):
    root = course_with_paths(tmp_path)
    app = make_app(course_root=root)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, PathChoiceScreen)
        shown = screen_text(app)
        assert "Which path will you follow?" in shown and "School path" in shown and "Staff path" in shown
        await pilot.press("enter")  # the first path (school) is highlighted
        await pilot.pause()
        assert isinstance(app.screen, MapScreen)
        assert app.engine.settings.path == "school"
        assert lesson_order(app) == ["monthly-air", "second-look"]
        assert "School path" in screen_text(app)

    again = make_app(course_root=root)  # a restart: the choice is remembered, no question
    async with again.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(again.screen, MapScreen)
        assert again.engine.path.id == "school"


async def test_the_path_is_chosen_with_arrows_or_left_for_later(make_app, tmp_path):
    root = course_with_paths(tmp_path)
    app = make_app(course_root=root)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("down", "enter")
        await pilot.pause()
        assert app.engine.path.id == "staff"
        assert lesson_order(app) == ["monthly-air"]  # the path's lessons only

    later = make_app(course_root=root, at_home=tmp_path / "other-home")
    async with later.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(later.screen, MapScreen) and later.engine.path is None
        assert lesson_order(later) == ["monthly-air", "second-look"]  # the whole course by track


async def test_the_path_is_switched_in_settings(make_app, tmp_path, screen_text):
    root = course_with_paths(tmp_path)
    app = make_app(course_root=root)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("enter")  # school
        await pilot.pause()
        await pilot.press("f9")
        await pilot.pause()
        assert isinstance(app.screen, SettingsScreen)
        assert "Learning path" in screen_text(app)
        await pilot.click("#path-staff")
        await pilot.pause()
        assert app.engine.settings.path == "staff"
        await pilot.press("f2")
        await pilot.pause()
        assert lesson_order(app) == ["monthly-air"]
        assert "Staff path" in screen_text(app)


async def test_a_course_without_paths_asks_nothing(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, MapScreen)
