"""The terminal app as a learner and a teacher use it: the real app, driven by keys through Pilot."""

from __future__ import annotations

import subprocess
import sys

import pytest
from rich.cells import cell_len
from textual.widgets import DataTable, Markdown, OptionList, Static, TextArea

from qala.grader.cli.main import main as qala
from qala.grader.engine import Engine
from qala.tui.screens.data import DataScreen
from qala.tui.screens.lesson import LessonScreen
from qala.tui.screens.map import MapScreen
from qala.tui.screens.profile import ProfileScreen
from qala.tui.screens.settings import SettingsScreen


async def open_first_exercise(pilot) -> LessonScreen:
    await pilot.press("c")  # continue where you left off
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, LessonScreen)
    return screen


async def answer_january(pilot, index: str) -> None:
    """Edit the starter's `january = ...` line into `january = pm25[INDEX]`, key by key."""
    await pilot.press("down", "end", "backspace", "backspace", "backspace")
    await pilot.press(*"pm25[", *index, "]")


async def test_the_map_is_the_first_screen(make_app, screen_text):
    app = make_app()
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, MapScreen)
        shown = screen_text(app)
        assert "First steps with city data" in shown
        assert "The air we breathe" in shown
        assert "Lessons coming soon" in shown
        assert "Start here: A year of Almaty's air in twelve numbers · The first month" in shown
        assert "Level 1: Newcomer" in shown
        assert "0 of 5 exercises" in shown
        assert "🔒 A second look at the smoky months" in shown  # needs monthly-air first
        assert app.focused is app.screen.query_one("#lessons", OptionList)


async def test_a_correct_solution_passes_and_earns_xp(make_app, wait_for_check, screen_text):
    app = make_app()
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await pilot.pause()
        assert "0 / 50 XP" in screen_text(app)
        screen = await open_first_exercise(pilot)
        assert app.focused is screen.editor
        assert "Put January's value" in screen.query_one("#text", Markdown).source
        await answer_january(pilot, "0")
        assert screen.editor.text.endswith("january = pm25[0]")
        await pilot.pause(1.5)  # the draft is saved
        with app.engine_lock:  # hold the engine, so the check is caught in the middle
            await pilot.press("f5")
            assert screen.checking
            assert "Checking your code" in screen_text(app)
        await wait_for_check(pilot)
        shown = screen_text(app)
        assert "Passed!" in shown and "+15 XP" in shown
        assert "✔ january is right." in shown
        assert "✔ passed" in shown
        await pilot.press("escape", "escape")  # out of the editor, back to the map
        await pilot.pause()
        assert isinstance(app.screen, MapScreen)
        shown = screen_text(app)
        assert "15 / 50 XP" in shown
        assert "1 of 5 exercises" in shown
        assert "The average year" in shown  # the continue button moved on
    assert app.engine.progress().xp == 15


async def test_a_wrong_answer_gets_the_lessons_feedback(make_app, wait_for_check, screen_text):
    app = make_app()
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await pilot.pause()
        await open_first_exercise(pilot)
        await answer_january(pilot, "1")
        await pilot.press("ctrl+r")
        await wait_for_check(pilot)
        shown = screen_text(app)
        assert "Not passed yet" in shown
        assert "February's value" in shown
        assert "✘" in shown
    assert app.engine.progress().xp == 0


async def test_a_hint_is_shown_and_its_cost_is_said(make_app, screen_text):
    app = make_app()
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await pilot.pause()
        screen = await open_first_exercise(pilot)
        cost = app.engine.next_hint_cost("monthly-air", "january")
        assert cost > 0
        assert f"F6 next hint: costs {cost} XP" in screen_text(app)
        await pilot.press("f6")
        await pilot.pause()
        shown = screen_text(app)
        assert "Hint 1 of 2" in shown
        assert f"(cost {cost} XP)" in shown
        assert "Square brackets after a list's name pick one item" in shown
        assert "Your hints" in screen.query_one("#text", Markdown).source
        assert app.engine.hints_taken("monthly-air", "january") == 1


async def test_switching_language_changes_the_screen_at_once_and_is_remembered(make_app, screen_text):
    app = make_app()
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await pilot.pause()
        await pilot.press("f9")
        await pilot.pause()
        assert isinstance(app.screen, SettingsScreen)
        await pilot.click("#lang-ru")
        await pilot.pause()
        assert app.language == "ru"
        assert app.title == "Qala: читаем данные Алматы"
        await pilot.press("f2")
        await pilot.pause()
        shown = screen_text(app)
        assert "Первые шаги с данными города" in shown
        assert "Ещё раз о дымных месяцах" in shown  # a lesson title from its translation
        assert "Новичок" in shown  # the level's name
        assert "First steps with city data" not in shown
        await pilot.press("f9")
        await pilot.pause()
        await pilot.click("#lang-kk")
        await pilot.press("f2")
        await pilot.pause()
        assert "Қала деректерімен алғашқы қадамдар" in screen_text(app)  # Kazakh letters too
        await pilot.press("f9")
        await pilot.pause()
        await pilot.click("#lang-ru")
        await pilot.pause()

    again = make_app()  # a restart, same home, no --lang
    async with again.run_test(size=(100, 30), notifications=True) as pilot:
        await pilot.pause()
        assert again.language == "ru"
        assert "Первые шаги с данными города" in screen_text(again)


async def test_the_editors_text_survives_a_restart(make_app, home, wait_for_check):
    app = make_app()
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await pilot.pause()
        screen = await open_first_exercise(pilot)
        await answer_january(pilot, "11")
        typed = screen.editor.text
        await pilot.pause(1.5)  # the draft is saved a moment after typing stops, no quitting needed
        other = Engine(course_root=app.engine.course_root, home=home)
        try:
            assert other.code_for("monthly-air", "january") == typed
        finally:
            other.close()
        await pilot.press("f8")  # on to the next exercise...
        await pilot.pause()
        await pilot.press(*"# my notes")
        await pilot.press("ctrl+q")  # ...and quitting at once keeps that too
    again = make_app()
    async with again.run_test(size=(100, 30), notifications=True) as pilot:
        await pilot.pause()
        again.open_lesson("monthly-air", "january")
        await pilot.pause()
        assert again.screen.query_one("#editor", TextArea).text == typed
        await pilot.press("f8")
        await pilot.pause()
        assert again.screen.editor.text.startswith("# my notes")


async def test_next_previous_and_reset(make_app, screen_text):
    app = make_app()
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await pilot.pause()
        screen = await open_first_exercise(pilot)
        assert "Exercise 1 of 4" in screen_text(app)
        await pilot.press("f8")
        await pilot.pause()
        assert screen.exercise_id == "yearly-mean"
        assert "Exercise 2 of 4" in screen_text(app)
        await pilot.press(*"oops")
        assert screen.editor.text.startswith("oops")
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert screen.editor.text == screen.exercise.starter
        assert "The starter code is back" in str(screen.query_one("#feedback", Static).render())  # in the panel, not a note on top
        await pilot.press("ctrl+z")
        assert screen.editor.text.startswith("oops")  # reset can be undone
        await pilot.press("f7")
        await pilot.pause()
        assert screen.exercise_id == "january"


async def test_a_locked_lesson_does_not_open_and_says_why(make_app, screen_text):
    app = make_app()
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await pilot.pause()
        lessons = app.screen.query_one("#lessons", OptionList)
        lessons.highlighted = lessons.get_option_index("second-look")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, MapScreen)
        assert "This lesson opens when you" in screen_text(app)  # …finish “A year of Almaty's air…”


async def test_opening_a_lesson_directly(make_app):
    app = make_app(lesson="second-look")
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, LessonScreen)
        assert app.screen.lesson_id == "second-look"
        await pilot.press("escape", "escape")
        await pilot.pause()
        assert isinstance(app.screen, MapScreen)


async def test_a_teacher_reloads_an_edited_lesson(make_app, course, screen_text):
    app = make_app(course_root=course, lesson="second-look")
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await pilot.pause()
        screen = app.screen
        await pilot.press(*"# mine")
        path = course / "lessons" / "first-steps" / "second-look.md"
        path.write_text(path.read_text(encoding="utf-8").replace("Put the highest monthly value", "Store the largest monthly value"), encoding="utf-8")
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert "Store the largest monthly value" in screen.query_one("#text", Markdown).source
        assert screen.editor.text.startswith("# mine")  # the learner's code stays
        path.write_text('+++\nid = "second-look"\n', encoding="utf-8")  # a broken edit
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert isinstance(app.screen, MapScreen)
        assert "Some lessons have mistakes" in screen_text(app)


async def test_the_data_screen_shows_datasheet_table_and_chart(make_app, screen_text):
    app = make_app()
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await pilot.pause()
        await pilot.press("f3")
        await pilot.pause()
        assert isinstance(app.screen, DataScreen)
        sheet = app.screen.query_one("#datasheet", Markdown).source
        assert "Two winter months at one station" in sheet
        assert "µg/m³" in sheet and "One day has no PM2.5" in sheet
        await pilot.press("f6")
        await pilot.pause(0.3)
        table = app.screen.query_one("#rows", DataTable)
        assert table.row_count == 60
        await pilot.press("f7")
        await pilot.pause(0.3)
        assert "pm25: mean per day" in screen_text(app)


async def test_the_data_screen_without_datasets_says_so(make_app, course, screen_text):
    for path in (course / "lessons" / "datasets").iterdir():
        path.unlink()
    (course / "lessons" / "first-steps" / "second-look.md").unlink()
    (course / "lessons" / "first-steps" / "second-look.ru.md").unlink()
    app = make_app(course_root=course)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.pause()
        await pilot.press("f3")
        await pilot.pause()
        assert "No datasets yet" in screen_text(app)


async def test_a_slow_check_looks_busy_and_a_quick_one_changes_only_the_status(make_app, wait_for_check, screen_text):
    app = make_app()
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await pilot.pause()
        screen = await open_first_exercise(pilot)
        work = screen.query_one("#work")
        with app.engine_lock:  # the check waits for the engine: a slow one
            await pilot.press("f5")
            await pilot.pause()
            assert "Checking your code" in screen_text(app)
            assert not work.has_class("-checking") and screen.active_bindings["f6"].enabled  # not yet
            await pilot.pause(0.5)
            assert work.has_class("-checking")  # the editor's border says so
            assert not screen.active_bindings["f6"].enabled  # hint and reset are dimmed meanwhile
        await wait_for_check(pilot)
        assert not work.has_class("-checking") and screen.active_bindings["f6"].enabled
        assert "Not passed yet" in screen_text(app)


async def test_a_check_keeps_the_code_as_the_draft(make_app, home, wait_for_check):
    """The check's worker saves the draft (the screen's thread writes nothing on F5); and code
    checked and left at once is kept all the same."""
    app = make_app()
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await pilot.pause()
        screen = await open_first_exercise(pilot)
        await answer_january(pilot, "3")
        checked = screen.editor.text
        await pilot.press("f5")  # at once: the draft's timer has not fired
        await wait_for_check(pilot)
        assert app.engine.code_for("monthly-air", "january") == checked
        assert "draft saved" in str(screen.query_one("#status", Static).render())
        await pilot.press("end", *"  # and more", "f5", "escape", "escape")  # checked, and off to the map at once
        await pilot.pause()
    again = make_app()
    async with again.run_test(size=(100, 30), notifications=True) as pilot:
        await pilot.pause()
        again.open_lesson("monthly-air", "january")
        await pilot.pause()
        assert again.screen.query_one("#editor", TextArea).text == checked + "  # and more"


def cells(line: str, start: int, width: int) -> str:
    """The part of a line of screen text from column ``start``, ``width`` columns wide (wide
    characters such as emoji take two)."""
    out, column = [], 0
    for character in line:
        if start <= column < start + width:
            out.append(character)
        column += cell_len(character)
    return "".join(out)


@pytest.mark.parametrize("size", [(80, 24), (100, 30), (120, 40), (160, 50)])
async def test_the_verdict_is_seen_at_once_never_under_a_note(make_app, wait_for_check, screen_text, size):
    """Right after a pass that earns a badge, with notes on the screen, "Passed!" is drawn in the
    feedback panel and nothing covers it; the badge's news is in the panel too."""
    app = make_app()
    async with app.run_test(size=size, notifications=True) as pilot:
        await pilot.pause()
        screen = await open_first_exercise(pilot)
        await pilot.press(*"oops", "ctrl+o")  # the reset's note
        app.notify("A note from elsewhere, long enough to need a second line in a narrow terminal.", title="Note", timeout=30)
        app.notify("And another one.", timeout=30)
        await answer_january(pilot, "0")
        await pilot.press("f5")
        await wait_for_check(pilot)

        feedback = screen.query_one("#feedback", Static)
        said = str(feedback.render())
        assert said.startswith("🎉 Passed!") and "New badge: First step" in said
        box = screen.query_one("#feedback-box")
        toasts = list(screen.query("Toast"))
        assert toasts, "the notes are on the screen"
        for toast in toasts:
            assert not toast.region.overlaps(box.region), f"a note covers the feedback at {size}"
        for y in range(box.region.y, box.region.bottom):  # nothing else is drawn over the panel
            for x in range(box.region.x, box.region.right):
                widget, _ = screen.get_widget_at(x, y)
                assert widget is box or box in widget.ancestors, f"{widget} over the feedback at ({x}, {y})"
        first_line = screen_text(app).splitlines()[feedback.region.y]
        assert "Passed!" in cells(first_line, feedback.region.x, feedback.region.width)


async def test_badges_and_profile(make_app, wait_for_check, screen_text):
    app = make_app()
    async with app.run_test(size=(100, 40), notifications=True) as pilot:
        await pilot.pause()
        await open_first_exercise(pilot)
        await answer_january(pilot, "0")
        await pilot.press("f5")
        await wait_for_check(pilot)
        assert "New badge!" in screen_text(app)  # the celebration's note
        await pilot.press("f4")
        await pilot.pause()
        assert isinstance(app.screen, ProfileScreen)
        shown = screen_text(app)
        assert "First step" in shown and "earned Mar 14, 2025" in shown
        assert "Pass every exercise of one lesson." in shown  # a locked badge says how to earn it
        assert "Streak: 1 day" in shown
        assert "03-14 ███" in shown  # today's XP in the history


async def test_the_theme_is_chosen_in_settings_and_remembered(make_app):
    app = make_app()
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await pilot.pause()
        assert app.theme == "textual-dark"
        await pilot.press("f9")
        await pilot.pause()
        await pilot.click("#theme-light")
        await pilot.pause(0.3)
        assert app.theme == "textual-light"
    again = make_app()
    async with again.run_test(size=(100, 30), notifications=True) as pilot:
        await pilot.pause()
        assert again.theme == "textual-light"


async def test_the_command_palette_lists_the_screens_actions(make_app):
    app = make_app(lesson="monthly-air")
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await pilot.pause()
        titles = [command.title for command in app.get_system_commands(app.screen)]
        for title in ("Check", "Hint", "Next", "Previous", "Reset", "Data", "Badges", "Settings", "Reload course", "Language: Русский", "Quit"):
            assert title in titles


async def test_every_screen_fits_80_by_24(make_app, screen_text):
    app = make_app(lesson="monthly-air")
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.pause()
        editor = app.screen.query_one("#editor", TextArea)
        assert editor.region.height >= 5 and editor.region.width >= 60
        assert "Check" in screen_text(app)
        for key, screen in (("f3", DataScreen), ("f4", ProfileScreen), ("f9", SettingsScreen), ("f2", LessonScreen)):
            await pilot.press(key)
            await pilot.pause()
            assert isinstance(app.screen, screen)


def test_qala_tui_with_an_unknown_lesson_is_a_usage_error(home, capsys):
    from pathlib import Path

    course = Path(__file__).parent / "course"
    assert qala(["tui", "--lesson", "no-such-lesson", "--course", str(course), "--home", str(home)]) == 2
    assert "no lesson 'no-such-lesson'" in capsys.readouterr().err


def test_the_engine_never_imports_textual():
    code = "import sys, qala.grader.engine, qala.grader.cli; assert 'textual' not in sys.modules, 'textual imported'"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_the_app_starts_without_pandas():
    code = "import sys, qala.tui.app, qala.tui.command; assert 'pandas' not in sys.modules, 'pandas imported'"
    subprocess.run([sys.executable, "-c", code], check=True)


async def test_keys_that_arrive_together_edit_in_the_order_they_were_typed(make_app):
    """A slow machine reads several keys at once from the terminal. Textual runs a TextArea's
    bound keys (arrows, End, Backspace) only once they bubble up to the app, after the letters
    behind them were typed in (Textual issue #6605); the lesson's editor runs its own keys at once."""
    from textual import events

    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = await open_first_exercise(pilot)
        starter = screen.editor.text
        assert starter.splitlines()[1] == "january = ..."
        burst = [("down", None), ("end", None), ("backspace", None), ("backspace", None), ("backspace", None)]
        burst += [(character, character) for character in "pm25[0"] + [("left", None), ("right", None), ("right_square_bracket", "]")]
        for key, character in burst:  # all queued before the app handles the first one
            app.post_message(events.Key(key, character))
        await pilot.pause()
        await pilot.pause()
        lines = screen.editor.text.splitlines()
        assert lines[0] == starter.splitlines()[0] and lines[1] == "january = pm25[0]", lines[:2]


async def test_code_typed_just_before_the_app_is_closed_is_kept(make_app, home):
    """Closed at once after typing (not through ctrl+q, which saves first): the lesson screen
    saves the draft as it is taken down, without touching its widgets, which may be gone."""
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = await open_first_exercise(pilot)
        await answer_january(pilot, "7")
        typed = screen.editor.text
        assert screen._dirty  # the draft's one-second timer has not fired
    other = Engine(course_root=app.engine.course_root, home=home)
    try:
        assert other.code_for("monthly-air", "january") == typed
    finally:
        other.close()
