"""The six reference solutions that went wrong on Almaty's real series (issue 16), run on small files shaped
like it, one flaw each: a feed on another zone's clock, a dead sensor beside a week in mg/m³, dead-sensor
values below 1, a dead sensor wobbling in the last digit, jitter between near-zero values, and days missing
as whole rows.

Each test writes its own `datasets/` folder, runs the lesson's setup and reference solution in it (as the
sandbox does, from the lesson file itself, so the test follows the lesson), and compares with numbers worked
out by hand for the fixture. Each fixture also shows the old, naive answer would be wrong on it.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import io
import itertools
import json
from pathlib import Path

import pytest

from qala.grader.content.lesson_file import parse_lesson

LESSONS = Path(__file__).resolve().parents[3] / "lessons"
UTC = dt.UTC


def reference(lesson: str, exercise: str) -> str:
    """The setup and reference solution of one exercise, as the lesson file has them."""
    parsed, problems = parse_lesson(LESSONS / lesson)
    assert parsed is not None, problems
    found = next(e for e in parsed.exercises if e.id == exercise)
    return found.setup + "\n" + found.solution


def run(code: str, folder: Path, monkeypatch) -> dict:
    monkeypatch.chdir(folder)
    namespace: dict = {"__name__": "__main__"}
    exec(compile(code, "<solution>", "exec"), namespace)  # noqa: S102 - the course's own reference code
    return namespace


def write_csv(path: Path, header: list[str], rows: list[list]) -> None:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    data = buf.getvalue().encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(gzip.compress(data) if path.name.endswith(".gz") else data)


HOURLY = ["timestamp", "station", "district", "pm25", "pm10", "no2"]


# ---------------------------------------------------------------- hour-of-day: a feed on Los Angeles time


def smog(hour: int) -> float:
    """A winter day as the state stations show it: worst at 22, cleanest at 8."""
    return {22: 100.0, 8: 10.0}.get(hour, 40.0)


def test_hour_of_day_reads_a_foreign_clock_as_almaty_time(tmp_path, monkeypatch):
    rows = []
    start = dt.datetime(2023, 12, 31, 18, tzinfo=UTC)  # 1 January 2024, 00:00 in Almaty (UTC+6)
    for i in range(3 * 24):
        moment = start + dt.timedelta(hours=i)
        almaty = moment.astimezone(dt.timezone(dt.timedelta(hours=6)))
        los_angeles = moment.astimezone(dt.timezone(dt.timedelta(hours=-8)))  # PST in January
        value = smog(almaty.hour)
        rows.append([almaty.isoformat(), "AQ02", "Almaly", value, value * 1.5, 50])
        rows.append([los_angeles.isoformat(), "AQ08", "Zhetysu", value, value * 1.5, 50])
    write_csv(tmp_path / "datasets" / "air_hourly.csv.gz", HOURLY, rows)

    result = run(reference("air/air-winter-nights.md", "hour-of-day"), tmp_path, monkeypatch)

    assert result["peak_hour"] == 22 and result["quiet_hour"] == 8
    assert result["by_hour"][22] == pytest.approx(100.0) and result["by_hour"][13] == pytest.approx(40.0)
    # the flaw is there: the hour cut from the text puts AQ08's evening smoke at 8 in the morning
    assert {r[0][11:13] for r in rows if r[1] == "AQ08" and r[3] == 100.0} == {"08"}


# ---------------------------------------------------------------- mg-week: a dead sensor beside a week in mg/m³


def test_mg_week_repairs_the_unit_and_leaves_the_dead_sensor_out(tmp_path, monkeypatch):
    rows = []
    first = dt.datetime(2024, 1, 1, 0, tzinfo=dt.timezone(dt.timedelta(hours=6)))
    for i in range(30):  # 10 good hours, 10 with a dead PM2.5 sensor, 10 written in mg/m³
        t = (first + dt.timedelta(hours=i)).isoformat()
        if i < 10:
            rows.append([t, "AQ04", "Bostandyk", 50.0, 80.0, 40])
        elif i < 20:
            rows.append([t, "AQ04", "Bostandyk", 0.4 if i % 2 else 0.41, 75.0, 40])
        else:
            rows.append([t, "AQ04", "Bostandyk", 0.07, 0.11, 40])
    write_csv(tmp_path / "datasets" / "air_hourly.csv.gz", HOURLY, rows)

    result = run(reference("air/air-clocks-and-instruments.md", "mg-week"), tmp_path, monkeypatch)

    assert result["rows_fixed"] == 10 and result["rows_dead"] == 10
    assert result["january_fixed"] == pytest.approx((10 * 50 + 10 * 70) / 20)
    naive = (10 * 50 + 5 * 400 + 5 * 410 + 10 * 70) / 30  # every value below 1 multiplied by 1,000
    assert abs(naive - result["january_fixed"]) > 50


# ---------------------------------------------------------------- error-codes: dead-sensor values below 1


def test_error_codes_counts_dead_sensor_values_as_missing(tmp_path, monkeypatch):
    cells = ["10.0", "", "-999", "0.41", "0.0", "30.0", "0.4", "20.0"]
    rows = [[f"2024-01-0{i + 1}", "AQ10", "Auezov", cell, "", ""] for i, cell in enumerate(cells)]
    write_csv(tmp_path / "datasets" / "air_daily.csv", ["date", "station", "district", "pm25", "pm10", "no2"], rows)

    result = run(reference("pro/pandas-first-look.md", "error-codes"), tmp_path, monkeypatch)

    assert result["n_dead"] == 3
    assert result["n_missing"] == 5
    assert result["mean_pm25"] == pytest.approx(20.0)
    assert (10 + 0.41 + 0 + 30 + 0.4 + 20) / 6 < 11  # left in, the dead values halve the mean


# ---------------------------------------------------------------- stuck-sensor and spikes (iot messages)


def message(moment: dt.datetime, topic: str, payload: dict) -> str:
    return json.dumps({"received_at": moment.strftime("%Y-%m-%dT%H:%M:%SZ"), "topic": topic, "payload": json.dumps(payload, separators=(",", ":"))}) + "\n"


def sensor_community(p1: float, p2: float) -> dict:
    return {
        "esp8266id": "3310587",
        "sensordatavalues": [
            {"value_type": "SDS_P1", "value": f"{p1:.2f}"},
            {"value_type": "SDS_P2", "value": f"{p2:.2f}"},
            {"value_type": "BME280_temperature", "value": "-3.10"},
            {"value_type": "BME280_humidity", "value": "80.00"},
        ],
    }


def test_stuck_sensor_finds_a_dead_sensor_that_wobbles_in_the_last_digit(tmp_path, monkeypatch):
    start = dt.datetime(2025, 12, 11, 22, tzinfo=UTC)
    readings = [
        (30.2, 25.1),
        (31.7, 26.0),
        (21.47, 18.02),
        (21.48, 18.02),
        (21.47, 18.03),
        (21.48, 18.02),
        (21.47, 18.02),
        (21.48, 18.03),
        (33.0, 28.4),
        (33.0, 28.4),
        (35.2, 29.9),
    ]
    lines = [
        message(start + dt.timedelta(seconds=145 * i), "almaty/sensor.community/esp8266-3310587", sensor_community(*pair)) for i, pair in enumerate(readings)
    ]
    (tmp_path / "datasets").mkdir()
    (tmp_path / "datasets" / "iot_messages.jsonl").write_text("".join(lines), encoding="utf-8")

    result = run(reference("sensors/sensor-sanity-checks.md", "stuck-sensor"), tmp_path, monkeypatch)

    assert result["longest_run"] == 6
    assert result["stuck_from"] == "2025-12-11T22:04:50Z"  # the third message
    assert result["stuck_to"] == "2025-12-11T22:16:55Z"  # the eighth
    # exact repeats alone would find the two 33.0 messages, not the wobbling dead run
    exact = max(len(list(g)) for _k, g in itertools.groupby(readings))
    assert exact == 2


def test_spikes_ignores_jitter_between_near_zero_values(tmp_path, monkeypatch):
    start = dt.datetime(2025, 12, 12, 4, tzinfo=UTC)
    pm02 = [0, 0, 3, 0, 0, 1, 0, 48, 1, 0, 40, 42, 39]  # a dead stretch, one real spike, then real air
    lines = [
        message(start + dt.timedelta(seconds=145 * i), "almaty/airgradient/school-47", {"serialno": "a1b2", "pm02": str(v), "rhum": "70", "boot": str(i)})
        for i, v in enumerate(pm02)
    ]
    (tmp_path / "datasets").mkdir()
    (tmp_path / "datasets" / "iot_messages.jsonl").write_text("".join(lines), encoding="utf-8")

    result = run(reference("sensors/sensor-sanity-checks.md", "spikes"), tmp_path, monkeypatch)

    spikes = result["spikes"]
    assert spikes([0.02, 0.31, 0.01, 0.02], 10) == []
    assert spikes([0.4, 45, 0.5, 0.4], 10) == [1]
    assert spikes([50, 52, 600, 55, 51], 10) == [2]
    assert result["spike_times"] == [(start + dt.timedelta(seconds=145 * 7)).strftime("%Y-%m-%dT%H:%M:%SZ")]
    # compared with the raw neighbours, the dead stretch's 3 and 1 (between 0s) would count as spikes too
    raw_rule = [i for i in range(1, len(pm02) - 1) if pm02[i] > 10 * pm02[i - 1] and pm02[i] > 10 * pm02[i + 1]]
    assert raw_rule == [2, 5, 7]


# ---------------------------------------------------------------- air-gaps: days missing as whole rows


def test_air_gaps_counts_the_days_with_no_row(tmp_path, monkeypatch):
    rows, day = [], dt.date(2023, 1, 1)
    absent = {dt.date(2023, 11, 14) + dt.timedelta(days=k) for k in range(6)}
    while day.year == 2023:
        if day not in absent:
            cell = {dt.date(2023, 2, 1): "", dt.date(2023, 2, 2): "", dt.date(2023, 5, 5): "-999"}.get(day, "12.5")
            rows.append([day.isoformat(), "AQ05", "Medeu", cell, "", ""])
        rows.append([day.isoformat(), "AQ02", "Almaly", "20.0", "", ""])
        day += dt.timedelta(days=1)
    write_csv(tmp_path / "datasets" / "air_daily.csv", ["date", "station", "district", "pm25", "pm10", "no2"], rows)

    result = run(reference("first-steps/air-gaps.md", "count-holes"), tmp_path, monkeypatch)

    assert (result["empty_cells"], result["sentinels"], result["missing_rows"]) == (2, 1, 6)
    assert len(result["cells"]) == 359  # no empty cell marks the six absent days
