"""The terminal app's own words in Russian and Kazakh, switched at once; and the glossary screen."""

from __future__ import annotations

from textual.widgets import Input, OptionList, Static

from qala.tui.screens.glossary import GlossaryScreen
from qala.tui.screens.lesson import LessonScreen
from qala.tui.screens.map import MapScreen
from qala.tui.screens.settings import SettingsScreen

GLOSSARY = """
[[term]]
id = "mean"
en = "mean (average)"
ru = "среднее"
kk = "орташа мән"
definition = { en = "The total divided by how many values there are.", ru = "Сумма, делённая на количество значений.", kk = "Қосындыны мәндер санына бөлгендегі нәтиже." }

[[term]]
id = "median"
en = "median"
ru = "медиана"
kk = "медиана"
definition = { en = "The middle value once the values are sorted.", ru = "Среднее по порядку значение после сортировки.", kk = "Мәндерді сұрыптағаннан кейінгі ортадағы мән." }

[[term]]
id = "total"
en = "total (sum)"
ru = "сумма"
kk = "қосынды"
definition = { en = "All the values added together.", ru = "Все значения, сложенные вместе.", kk = "Барлық мәндерді қосқандағы нәтиже." }
"""


async def test_the_interface_speaks_russian(make_app, screen_text):
    app = make_app(language="ru")
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await pilot.pause()
        shown = screen_text(app)
        assert "Уровень 1: Новичок" in shown
        assert "Серия: 0 дней" in shown
        assert "▶ Начните здесь:" in shown
        assert "упражнения: 0 из 5" in shown
        assert "Продолжить" in shown and "Глоссарий" in shown and "Настройки" in shown  # the footer
        assert "Level" not in shown and "Settings" not in shown


async def test_switching_to_kazakh_translates_the_interface_at_once_and_is_remembered(make_app, screen_text):
    app = make_app()
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await pilot.pause()
        assert "Start here" in screen_text(app)
        await pilot.press("f9")
        await pilot.pause()
        assert isinstance(app.screen, SettingsScreen)
        await pilot.click("#lang-kk")
        await pilot.pause()
        shown = screen_text(app)
        assert "Тіл" in shown and "Тақырып" in shown and "Қараңғы" in shown  # the settings screen, redrawn
        assert "Курс" in shown and "Деректер" in shown and "Төсбелгілер" in shown  # the footer's keys
        await pilot.press("f2")
        await pilot.pause()
        shown = screen_text(app)
        assert "1-деңгей: Жаңа бастаушы" in shown
        assert "Осы жерден бастаңыз" in shown
        assert "Қатарынан: 0 күн" in shown

    again = make_app()  # a restart, same home
    async with again.run_test(size=(100, 30), notifications=True) as pilot:
        await pilot.pause()
        assert "Осы жерден бастаңыз" in screen_text(again)


async def test_a_failing_check_is_explained_in_kazakh(make_app, wait_for_check, screen_text):
    app = make_app(language="kk")
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await pilot.pause()
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, LessonScreen)
        await pilot.press("down", "end", "backspace", "backspace", "backspace", *"pm25[1]")
        await pilot.press("f5")
        await wait_for_check(pilot)
        shown = screen_text(app)
        assert "Әзірге орындалмады" in shown
        assert "✘" in shown and "✔ Кодыңыз қатесіз орындалды." in shown
        assert "Жаттығу 1/4" in shown
        assert "Тексеру" in shown and "Кеңес" in shown  # the footer


async def test_the_command_palette_speaks_the_learners_language(make_app):
    app = make_app(language="ru")
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await pilot.pause()
        titles = [command.title for command in app.get_system_commands(app.screen)]
        for title in ("Продолжить", "Глоссарий", "Данные", "Перечитать курс", "Язык: English", "Язык: Қазақша", "Тема", "Выход"):
            assert title in titles, titles
        switch = next(c for c in app.get_system_commands(app.screen) if c.title == "Язык: Қазақша")
        switch.callback()
        await pilot.pause()
        assert app.language == "kk"
        assert "Глоссарий" in [c.title for c in app.get_system_commands(app.screen)]
        assert "Тіл: English" in [c.title for c in app.get_system_commands(app.screen)]


async def test_the_glossary_shows_every_term_in_three_languages(make_app, course, screen_text):
    (course / "course" / "glossary.toml").write_text(GLOSSARY, encoding="utf-8")
    app = make_app(language="ru", course_root=course)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await pilot.pause()
        await pilot.press("f12")
        await pilot.pause()
        assert isinstance(app.screen, GlossaryScreen)
        assert app.focused is app.screen.query_one("#glossary-search", Input)
        shown = screen_text(app)
        assert "среднее" in shown and "медиана" in shown and "сумма" in shown
        assert "Сумма, делённая на количество значений." in shown  # the first term, in Russian
        assert "English: mean (average)" in shown and "Қазақша: орташа мән" in shown
        assert "Поиск: слово на английском, русском или казахском" in shown  # the search box's hint

        await pilot.press(*"косынды")  # Kazakh typed on a Russian keyboard
        await pilot.pause()
        terms = app.screen.query_one("#terms", OptionList)
        assert [terms.get_option_at_index(i).id for i in range(terms.option_count)][0] == "total"
        assert "Все значения, сложенные вместе." in screen_text(app)

        app.set_language("kk")
        await pilot.pause()
        shown = screen_text(app)
        assert "қосынды" in shown and "Барлық мәндерді қосқандағы нәтиже." in shown
        assert "Русский: сумма" in shown


async def test_the_glossary_opens_from_a_lesson_and_ctrl_f_searches(make_app, course, screen_text):
    (course / "course" / "glossary.toml").write_text(GLOSSARY, encoding="utf-8")
    app = make_app(course_root=course, lesson="monthly-air")
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, LessonScreen)
        await pilot.press("f12")
        await pilot.pause()
        assert isinstance(app.screen, GlossaryScreen)
        await pilot.press(*"zzz")
        await pilot.pause()
        assert "No term matches “zzz”." in str(app.screen.query_one("#term", Static).render())
        await pilot.press("tab")  # to the list
        await pilot.press("ctrl+f")  # and back to the search box, its text selected
        await pilot.press(*"median")
        await pilot.pause()
        assert app.screen.query_one("#glossary-search", Input).value == "median"
        assert "The middle value once the values are sorted." in screen_text(app)
        await pilot.press("f2")  # back to the lesson where we were
        await pilot.pause()
        assert isinstance(app.screen, LessonScreen)


async def test_the_glossary_of_a_course_without_one_says_so(make_app, screen_text):
    app = make_app(language="kk")
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+f")
        await pilot.pause()
        assert isinstance(app.screen, GlossaryScreen)
        assert "Бұл курста әзірге глоссарий жоқ." in screen_text(app)
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.screen, MapScreen)


async def test_the_glossary_search_takes_keys_that_arrive_together_in_order(make_app, course):
    """As the lesson's editor (test_app.py): a slow machine reads several keys at once."""
    from textual import events

    (course / "course" / "glossary.toml").write_text(GLOSSARY, encoding="utf-8")
    app = make_app(course_root=course)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("f12")
        await pilot.pause()
        assert isinstance(app.screen, GlossaryScreen)
        burst = [(c, c) for c in "medx"] + [("backspace", None), ("left", None), ("right", None)] + [(c, c) for c in "ian"]
        for key, character in burst:  # all queued before the app handles the first one
            app.post_message(events.Key(key, character))
        await pilot.pause()
        await pilot.pause()
        assert app.screen.query_one("#glossary-search", Input).value == "median"
