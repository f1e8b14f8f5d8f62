"""What the school-path lessons of this round promise about their data really holds: the portal
export budget-school writes is Windows-1251 with semicolons and decimal commas, and the traffic
data has the frozen detector and the holiday the traffic-detectors lesson teaches."""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

from qala.grader.content.course_file import bundled_course_root, load_course

ROOT = bundled_course_root()
COURSE, _PROBLEMS = load_course(ROOT)
DATA = ROOT / "lessons" / "datasets"


def lesson(lesson_id: str):
    return next(item for item in COURSE.ordered_lessons() if item.id == lesson_id)


def run_hidden_setup(exercise, folder: Path) -> bytes:
    """Run an exercise's hidden setup in a fresh folder that sees the datasets; return the export it wrote."""
    (folder / "datasets").symlink_to(DATA)
    cwd = os.getcwd()
    try:
        os.chdir(folder)
        exec(compile(exercise.hidden_setup, "<hidden-setup>", "exec"), {"__name__": "__main__"})
    finally:
        os.chdir(cwd)
    return (folder / "budget_export.csv").read_bytes()


def test_the_budget_export_is_what_a_portal_gives(tmp_path):
    exercises = lesson("budget-school").exercises
    raw = run_hidden_setup(exercises[0], tmp_path)
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        raise AssertionError("the export must not be readable as UTF-8")
    rows = list(csv.reader(io.StringIO(raw.decode("cp1251"), newline=""), delimiter=";"))
    assert rows[0] == ["Код программы", "Наименование", "План, млн тг", "Исполнено, млн тг"]
    assert raw.count(b"\r\n") == len(rows)  # Windows line endings
    programmes = rows[1:]
    assert len(programmes) == 47 and all(len(row) == 4 for row in programmes)
    assert all("," in row[2] and "." not in row[2] for row in programmes)  # a decimal comma
    plan = sum(float(row[2].replace(",", ".")) for row in programmes)
    assert abs(plan - 1_260_000) < 10  # millions of tenge: the published 1.26 trillion


def test_every_budget_exercise_writes_the_same_export(tmp_path):
    exports = []
    for n, exercise in enumerate(lesson("budget-school").exercises):
        folder = tmp_path / str(n)
        folder.mkdir()
        exports.append(run_hidden_setup(exercise, folder))
    assert len(exports) == 3 and exports[0] == exports[1] == exports[2]


def traffic() -> list[dict]:
    with (DATA / "traffic_counts.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_one_detector_froze_for_six_hours_and_no_other_repeats_for_long():
    longest = {}
    for detector in ("TD-01", "TD-02", "TD-03", "TD-04"):
        values = [r["vehicles"] for r in traffic() if r["detector"] == detector]
        run = best = 1
        for before, now in zip(values, values[1:], strict=False):
            run = run + 1 if now == before else 1
            best = max(best, run)
        longest[detector] = best
    assert longest["TD-03"] == 24
    assert max(v for d, v in longest.items() if d != "TD-03") <= 4


def test_no2_rises_with_traffic_but_not_perfectly():
    import statistics

    hourly: dict[str, int] = {}
    for r in traffic():
        hourly[r["time"][:13]] = hourly.get(r["time"][:13], 0) + int(r["vehicles"])
    with (DATA / "traffic_no2.csv").open(encoding="utf-8", newline="") as f:
        pairs = [(hourly[r["hour"][:13]], float(r["no2"])) for r in csv.DictReader(f) if r["no2"]]
    r = statistics.correlation([c for c, _ in pairs], [n for _, n in pairs])
    assert 0.4 < r < 0.8  # related, and far from a proof
