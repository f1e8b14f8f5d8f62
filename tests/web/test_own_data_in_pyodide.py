"""`use_my_data()` in real Pyodide (the npm package under Node), with the very `qala` wheel a
site's kernel preloads: the pupil's own file from the file browser drives the notebook's cells,
ungraded, and a hostile file is one line (see in_pyodide/own_data_session.py)."""

from __future__ import annotations

import html
from pathlib import Path

import pytest

from qala.grader.content.course_file import bundled_course_root
from qala.grader.i18n import Translator
from qala.web.kernel_wheel import build_kernel_wheel

from .test_grader_in_pyodide import in_pyodide

OWN = "Дата;Станция;Район;PM2.5, мкг/м3;PM10, мкг/м3;NO2, мкг/м3\n" + "".join(f"{d:02d}.01.2024;AQ99;Медеу;{d},5;{d + 3},0;20\n" for d in range(1, 8))
ru = Translator("ru")


@pytest.fixture(scope="module")
def seen(tmp_path_factory, vendored) -> dict:
    wheel = build_kernel_wheel(bundled_course_root(), tmp_path_factory.mktemp("kernel-wheel")).path
    drive: Path = tmp_path_factory.mktemp("drive")
    (drive / "мой_воздух.csv").write_bytes(OWN.encode("cp1251"))
    (drive / "nul.csv").write_bytes(b"date,pm25\n\x00\x00\n")
    return in_pyodide("own_data_session.py", wheels=[wheel, *vendored.wheels], mounts={drive: "/drive"})


def test_the_helper_is_ready_in_the_kernel(seen):
    assert seen["platform"] == "emscripten" and seen["helper"]


def test_the_pupils_file_is_read_and_said_in_russian(seen):
    shown = html.unescape(seen["use"]["html"])
    assert seen["use"]["ok"], seen["use"]
    assert ru.t("Windows-1251") in shown and "✘" not in shown
    assert "datasets/air_daily.csv" in shown


def test_plain_cells_read_the_pupils_data_and_checks_stay_on_the_courses(seen):
    assert "'AQ99'] 7" in seen["after"]["stdout"] and "AQ99" not in seen["before"]["stdout"]
    assert seen["right"]["ok"] and 'data-passed="true"' in seen["right"]["html"]
    assert seen["explored"] == {"own": ["air_daily"], "output": "['AQ99'] 7\n", "error": "", "runner": "InProcessRunner"}


def test_a_hostile_file_is_one_line_and_reset_goes_back(seen):
    hostile = html.unescape(seen["hostile"]["html"])
    assert "NUL" in hostile and hostile.count("✘") == 1
    assert "AQ99" not in seen["back"]["stdout"] and seen["back"]["ok"]
