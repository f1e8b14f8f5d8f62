"""Explore with your data in the terminal app: a learner's own file (Windows-1251, `;`, decimal
commas, Russian column names with units) drives the lesson's code on F10, ungraded, while F5
still checks against the course's data."""

from __future__ import annotations

import asyncio

from textual.widgets import Static

from qala.grader.engine import Engine
from qala.tui.screens.lesson import LessonScreen

from .conftest import COURSE, NOW

OWN = "Дата;Станция;PM2.5, мкг/м3;Температура, °C\n" + "".join(f"{day:02d}.01.2024;AQ09;{day},5;-3,0\n" for day in range(1, 11))
CODE = """import csv
rows = list(csv.DictReader(open("datasets/air_tiny.csv", encoding="utf-8")))
values = [float(r["pm25"]) for r in rows if r["pm25"]]
print("stations:", sorted({r["station"] for r in rows}))
print("mean:", round(sum(values) / len(values), 2))
"""


async def _explore(pilot, screen: LessonScreen) -> str:
    await pilot.press("f10")
    for _ in range(600):
        await asyncio.sleep(0.05)
        if not screen.exploring:
            break
    await pilot.pause()
    return str(screen.query_one("#feedback", Static).render())


async def test_f10_runs_the_code_on_the_learners_own_file_and_keeps_nothing(make_app, home, tmp_path):
    own = tmp_path / "мой_воздух.csv"
    own.write_bytes(OWN.encode("cp1251"))
    before = own.read_bytes()
    engine = Engine(course_root=COURSE, home=home, clock=lambda: NOW)
    try:
        report = engine.use_own_data(own, "air_tiny")
        assert report.usable and report.fits, report.lines(engine.tr)
    finally:
        engine.close()

    app = make_app(lesson="second-look")
    async with app.run_test(size=(110, 34), notifications=True) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, LessonScreen)
        screen.editor.load_text(CODE)
        shown = await _explore(pilot, screen)
        assert "Your data (air_tiny), not graded" in shown
        assert "stations: ['AQ09']" in shown  # the learner's station, not the course's AQ01
        assert "mean: 6.0" in shown  # 1.5 … 10.5 read from decimal commas
    assert app.engine.attempts() == []  # exploring keeps no attempt and gives no XP
    assert app.engine.progress().xp == 0
    assert own.read_bytes() == before  # the learner's file is never changed


async def test_after_reset_f10_runs_on_the_courses_data_and_says_how_to_bring_yours(make_app, home, tmp_path):
    own = tmp_path / "own.csv"
    own.write_bytes(OWN.encode("cp1251"))
    engine = Engine(course_root=COURSE, home=home, clock=lambda: NOW)
    try:
        engine.use_own_data(own, "air_tiny")
        assert engine.reset_own_data() == ["air_tiny"]
    finally:
        engine.close()
    app = make_app(lesson="second-look", language="ru")
    async with app.run_test(size=(110, 34), notifications=True) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, LessonScreen)
        screen.editor.load_text(CODE)
        shown = await _explore(pilot, screen)
        assert "stations: ['AQ01']" in shown
        assert "qala datasets use" in shown
        assert app.engine.tr.t("The course's data, not graded: bring your own with `qala datasets use FILE --as DATASET`.")[:20] in shown
