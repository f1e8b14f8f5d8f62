"""The exercise kinds' widgets in the real terminal app at 80×24, by keyboard only: a wrong answer
gets its feedback (a choice's own misconception), a right one passes and earns XP."""

from __future__ import annotations

import pytest
from textual.widgets import Static

from qala.tui.screens.lesson import LessonScreen
from qala.tui.widgets.kinds import BlankInput, ChoiceAnswer, FillAnswer, ParsonsBoard, PredictAnswer, PredictField
from tests.kinds_lesson import make_kinds_course

SIZE = (80, 24)


@pytest.fixture
def kinds_course(tmp_path):
    return make_kinds_course(tmp_path / "kinds")


async def open_exercise(app, pilot, exercise: str) -> LessonScreen:
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, LessonScreen)
    while screen.exercise_id != exercise:
        await pilot.press("f8")
    await pilot.pause()
    return screen


def shown(screen_text, app) -> str:
    """The screen's words, lines joined (a message wraps at 80 columns)."""
    return " ".join(screen_text(app).replace("█", " ").split())


def xp(app) -> int:
    return app.engine.progress().xp


async def test_predict_shows_the_program_takes_a_prediction_and_then_the_real_output(make_app, kinds_course, wait_for_check, screen_text):
    app = make_app(lesson="kinds", course_root=kinds_course)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_exercise(app, pilot, "first-month")
        widget = screen.query_one(PredictAnswer)
        assert not screen.editor.display and isinstance(app.focused, PredictField)
        assert "print(pm25[0])" in screen_text(app)
        await pilot.press(*"54", "enter", *"3 months")
        await pilot.press("f5")
        await wait_for_check(pilot)
        assert "the program prints '52', you wrote '54'" in shown(screen_text, app)
        assert str(widget.query_one("#predict-output", Static).content) == "The program printed:\n52\n3 months"
        assert xp(app) == 0
        field = screen.query_one(PredictField)
        field.focus()
        await pilot.press("up", "home", "delete", "delete", *"52")
        assert widget.answer() == "52\n3 months"
        await pilot.press("f5")
        await wait_for_check(pilot)
        assert "Passed!" in screen_text(app)
    assert xp(app) > 0


async def test_choice_by_arrows_and_space_names_the_misconception_then_passes(make_app, kinds_course, wait_for_check, screen_text):
    app = make_app(lesson="kinds", course_root=kinds_course)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_exercise(app, pilot, "denominator")
        widget = screen.query_one(ChoiceAnswer)
        assert "a) 12, the months of the year" in screen_text(app)
        await pilot.press("enter")  # the first option: a
        assert widget.answer() == "a" and screen.editor.text == "a"
        await pilot.press("f5")
        await wait_for_check(pilot)
        assert "must not count in the denominator" in shown(screen_text, app)
        assert xp(app) == 0
        widget.focus()
        await pilot.press("down", "enter")
        assert widget.answer() == "b"
        await pilot.press("f5")
        await wait_for_check(pilot)
        assert "Passed!" in screen_text(app)
    assert xp(app) == 10  # not on the first try: no bonus


async def test_parsons_lines_are_placed_moved_and_indented_by_keys(make_app, kinds_course, wait_for_check, screen_text):
    app = make_app(lesson="kinds", course_root=kinds_course)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_exercise(app, pilot, "loop-total")
        board = screen.query_one(ParsonsBoard)
        assert app.focused is board
        words = shown(screen_text, app)
        assert "Lines to use" in words and "Your program" in words and "total = value" in words

        async def take(line: str) -> None:
            board.side = "pool"
            index = board.pool.index(line)
            await pilot.press("left", *(["up"] * 10), *(["down"] * index), "enter")

        for line in ("pm25 = [52, 54, 28]", "total = 0", "for value in pm25:", "total = value"):
            await take(line)
        await pilot.press("right", "tab")  # indent the last line into the loop
        assert board.answer() == "pm25 = [52, 54, 28]\ntotal = 0\nfor value in pm25:\n    total = value\n"
        await pilot.press("f5")
        await wait_for_check(pilot)
        assert "add every value inside the loop" in shown(screen_text, app)  # the distractor ran, and failed
        await pilot.press("enter")  # the distractor goes back to the pool
        await take("total = total + value")
        await pilot.press("right", "tab", "ctrl+up", "ctrl+down")
        assert board.answer().endswith("for value in pm25:\n    total = total + value\n")
        await pilot.press("f5")
        await wait_for_check(pilot)
        assert "Passed!" in screen_text(app)
    assert xp(app) == 10


async def test_fill_blanks_are_inputs_reached_with_tab(make_app, kinds_course, wait_for_check, screen_text):
    app = make_app(lesson="kinds", course_root=kinds_course)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_exercise(app, pilot, "fill-mean")
        widget = screen.query_one(FillAnswer)
        assert isinstance(app.focused, BlankInput)
        await pilot.press(*"sum", "tab", *"max")
        assert widget.answer() == "pm25 = [52, 54, 28]\nmean = sum(pm25) / max(pm25)"
        await pilot.press("f5")
        await wait_for_check(pilot)
        assert "sum divided by how many values" in shown(screen_text, app)
        await pilot.press(*["backspace"] * 3, *"len")
        await pilot.press("f5")
        await wait_for_check(pilot)
        assert "Passed!" in screen_text(app)
    assert xp(app) == 10
    # the answer is kept as the draft, and comes back in its widget
    assert app.engine.code_for("kinds", "fill-mean").endswith("sum(pm25) / len(pm25)")


async def test_the_widgets_speak_the_learners_language(make_app, kinds_course, wait_for_check, screen_text):
    app = make_app(language="ru", lesson="kinds", course_root=kinds_course)
    async with app.run_test(size=SIZE) as pilot:
        await open_exercise(app, pilot, "denominator")
        assert "a) на 12, число месяцев в году" in screen_text(app)
        await pilot.press("enter", "f5")
        await wait_for_check(pilot)
        assert "в знаменателе их быть не должно" in shown(screen_text, app)
        await pilot.press("f8")
        await pilot.pause()
        words = shown(screen_text, app)
        assert "Строки, которые можно взять" in words and "Ваша программа" in words
        app.engine.set_language("en")
        app.screen.refresh_content()  # as the settings screen does on a change of language
        await pilot.pause()
        assert "Lines to use" in shown(screen_text, app)
