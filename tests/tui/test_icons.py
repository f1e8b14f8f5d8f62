"""Icons in the terminal: emoji where the terminal draws them, plain symbols on the Linux console
(or wherever a learner chooses them in the settings), with nothing on screen moving."""

from __future__ import annotations

import re

from rich.cells import cell_len

from qala.tui import icons
from qala.tui.screens.profile import ProfileScreen

from .test_app import answer_january, open_first_exercise

#: Pictographs that need a colour emoji font (and the variation selector that asks for one).
EMOJI = re.compile("[\U0001f000-\U0001faff\u2b50\ufe0f\u23f1\u2705\u274c]")


def test_the_linux_console_gets_plain_symbols_by_default():
    assert icons.default_choice({"TERM": "linux"}) == icons.PLAIN
    assert icons.default_choice({"TERM": "xterm-256color"}) == icons.EMOJI
    assert icons.default_choice({}) == icons.EMOJI


def test_a_plain_symbol_takes_the_cells_of_its_emoji():
    for emoji in [*icons.PLAIN_SYMBOLS, "🌬️", "📡"]:  # a course's own badge emoji too
        plain = icons.plain(emoji)
        assert plain.isascii() and plain.strip(), emoji
        assert cell_len(plain) == cell_len(emoji.replace("\ufe0f", "")), emoji
    assert icons.in_text("Fix what is marked ✘ and check again.", icons.PLAIN) == "Fix what is marked x and check again."
    assert icons.in_text("Well done! 🎉", icons.EMOJI) == "Well done! 🎉"


async def test_on_the_linux_console_no_emoji_is_shown(make_app, wait_for_check, screen_text, monkeypatch):
    monkeypatch.setenv("TERM", "linux")
    app = make_app()
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await pilot.pause()
        shown = screen_text(app)
        assert "#  A second look at the smoky months" in shown  # locked: "#" (two cells, as 🔒) instead of 🔒
        assert "*  Streak: 0 days" in shown
        assert not EMOJI.search(shown), EMOJI.findall(shown)
        await open_first_exercise(pilot)
        await answer_january(pilot, "0")
        await pilot.press("f5")
        await wait_for_check(pilot)
        await pilot.pause(1.0)  # the celebration on the status line is over
        shown = screen_text(app)
        assert "*  Passed!" in shown and "+ january is right." in shown
        assert "New badge: First step" in shown
        assert not EMOJI.search(shown), EMOJI.findall(shown)
        await pilot.press("f4")
        await pilot.pause()
        assert isinstance(app.screen, ProfileScreen)
        shown = screen_text(app)
        assert "First step" in shown
        assert not EMOJI.search(shown), EMOJI.findall(shown)


async def test_the_icons_are_chosen_in_settings_and_remembered(make_app, screen_text, monkeypatch):
    monkeypatch.setenv("TERM", "linux")
    app = make_app()
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await pilot.pause()
        await pilot.press("f9")
        await pilot.pause()
        assert "Plain symbols" in screen_text(app)
        await pilot.click("#icons-emoji")
        await pilot.pause(0.3)
        assert app.icon_choice == icons.EMOJI
        await pilot.press("f2")
        await pilot.pause()
        assert "🔒 A second look at the smoky months" in screen_text(app)
    again = make_app()  # still on the Linux console: the learner's choice wins over the default
    async with again.run_test(size=(100, 30), notifications=True) as pilot:
        await pilot.pause()
        assert again.icon_choice == icons.EMOJI
        assert "🔥 Streak: 0 days" in screen_text(again)
