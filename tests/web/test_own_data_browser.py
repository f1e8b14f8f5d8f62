"""A pupil's own file in the real course site, in headless Chromium: the file goes into the
JupyterLite file browser the way an upload puts it there (the contents service), and
`use_my_data()` in the lesson's notebook reads it from the kernel's /drive; plain cells then
read it as the dataset, while `%%check` stays graded on the course's data."""

from __future__ import annotations

import base64
import time
from collections.abc import Iterator

import pytest

from qala.web.serve import serving

from .browsing import BROWSER_MARKS, Lab, Traffic
from .test_course_site import RIGHT, Visit, site  # noqa: F401  (the site fixture: the bundled course, built offline)

pytestmark = BROWSER_MARKS

OWN = "Дата;Станция;Район;PM2.5, мкг/м3;PM10, мкг/м3;NO2, мкг/м3\n" + "".join(f"{d:02d}.01.2024;AQ99;Медеу;{d},5;{d + 3},0;20\n" for d in range(1, 8))
UPLOAD = """async ([name, content]) => {
  await window.jupyterapp.serviceManager.contents.save(name, {type: 'file', format: 'base64', content});
}"""
READ = 'import csv\nrows = list(csv.DictReader(open("datasets/air_daily.csv", encoding="utf-8")))\nprint("stations:", sorted({r["station"] for r in rows}), len(rows))\n'


@pytest.fixture(scope="module")
def lab(site, playwright, tmp_path_factory) -> Iterator[Lab]:  # noqa: F811
    with serving(site) as server:
        visit = Visit(playwright, tmp_path_factory.mktemp("chromium-profile"), server, Traffic((server,)))
        visit.start_browser()
        try:
            visit.course_map()
            visit.lesson_opened_at = time.perf_counter()
            visit.page.click("[data-lesson='monthly-air'].lesson a.open")
            visit.page.wait_for_url("**/notebooks/index.html?path=en/monthly-air.ipynb")
            visit.lab = Lab(visit.page, visit.traffic, visit.lesson_opened_at)
            visit.lab.wait_for_kernel()
            visit.lab.run_cell(visit.exercise_cell("from qala.web.notebook import"))
            yield visit.lab
        finally:
            visit.close_browser()


def test_an_uploaded_file_drives_the_notebooks_cells_ungraded(lab):
    lab.page.evaluate(UPLOAD, ["my_air.csv", base64.b64encode(OWN.encode("cp1251")).decode()])
    said = lab.run_cell(lab.add_cell('use_my_data("my_air.csv", "air_daily")'))
    assert "Windows-1251 (a guess" in said and "✘" not in said
    assert "datasets/air_daily.csv" in said
    assert "stations: ['AQ99'] 7" in lab.run_cell(lab.add_cell(READ))
    checked = lab.run_cell(lab.add_cell(RIGHT))
    assert "Passed!" in checked
    back = lab.run_cell(lab.add_cell("use_my_data(reset=True)"))
    assert "air_daily" in back
    assert "AQ99" not in lab.run_cell(lab.add_cell(READ))
    lab.traffic.assert_clean()
