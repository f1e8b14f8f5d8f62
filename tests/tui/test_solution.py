"""The reference solution on the lesson screen: ctrl+s says what to do first until the last hint
is taken; then a first press warns, a second shows it; a pass after that earns no XP."""

from __future__ import annotations

from qala.tui.screens.lesson import LessonScreen


def _panel(screen: LessonScreen) -> str:
    return str(screen._feedback or "")


async def test_the_solution_after_the_last_hint_and_a_second_press(make_app, wait_for_check, screen_text):
    app = make_app(lesson="monthly-air")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, LessonScreen) and screen.exercise_id == "january"
        total = screen.exercise.hint_count
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "The solution is shown after the last hint" in _panel(screen)
        assert not app.engine.solution_seen("monthly-air", "january")
        for _ in range(total):
            await pilot.press("f6")
            await pilot.pause()
        assert "ctrl+s solution" in screen_text(app)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "Press ctrl+s again" in _panel(screen) and not app.engine.solution_seen("monthly-air", "january")
        await pilot.press("ctrl+s")
        await pilot.pause()
        shown = screen_text(app)
        assert "january = pm25[0]" in _panel(screen) and "The reference solution" in shown
        assert app.engine.solution_seen("monthly-air", "january")
        assert screen.editor.text != screen.exercise.solution  # the learner's own code stays in the editor
        screen.editor.load_text(screen.exercise.solution)
        await pilot.press("f5")
        await wait_for_check(pilot)
        assert app.engine.exercise_passed("monthly-air", "january") and app.engine.progress().xp == 0


async def test_in_russian_the_refusal_is_one_translated_line(make_app):
    app = make_app(language="ru", lesson="monthly-air")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        text = _panel(app.screen)
        assert "Решение открывается после последней подсказки" in text and "\n" not in text.strip()
