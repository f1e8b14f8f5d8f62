#!/usr/bin/env python3
"""Generate Qala's synthetic Almaty datasets, byte for byte the same on every machine.

    python lessons/datasets/generate.py           (re)write every data file beside this script
    python lessons/datasets/generate.py --check   exit 1 listing the files that differ from the committed ones

Standard library only (and openpyxl for the one spreadsheet, appeals_report.xlsx). Every draw comes from random.Random seeded with a fixed integer (one seed per
dataset), floats are rounded and formatted explicitly, lines end in "\\n", text is UTF-8 and gzip headers
carry no file name and mtime 0. Levels and shapes are calibrated to CITY-FACTS.md (the project's list of
published figures, quoted with its sources beside each constant); numbers marked "assumption" are ours.
The datasheets (NAME.toml) are written by hand and describe what this script plants on purpose; the
script only keeps their `rows = N` line in step with the data.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import gzip
import io
import itertools
import json
import math
import random
import re
import statistics
import sys
import zipfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

HERE = Path(__file__).resolve().parent
D = dt.date
DAY = dt.timedelta(days=1)
UTC = dt.UTC


# ----------------------------------------------------------------------------------------------------------
# Small helpers: formatting, dates, distributions
# ----------------------------------------------------------------------------------------------------------


@dataclass
class Table:
    """A CSV table: a header and rows of already-formatted cells (str or int, never float)."""

    columns: list[str]
    rows: list[list]


def fmt(x: float, decimals: int = 1) -> str:
    """A float with a fixed number of decimals and no negative zero."""
    s = f"{x:.{decimals}f}"
    return s[1:] if s.startswith("-") and float(s) == 0 else s


def boolean(flag: bool) -> str:
    return "true" if flag else "false"


def date_range(start: dt.date, end: dt.date):
    """Every date from start to end, both included."""
    d = start
    while d <= end:
        yield d
        d += DAY


def lognormal(rng: random.Random, sigma: float) -> float:
    """A multiplicative noise factor with mean 1."""
    return math.exp(rng.gauss(0.0, sigma) - sigma * sigma / 2)


def poisson(rng: random.Random, lam: float) -> int:
    if lam <= 0:
        return 0
    if lam > 40:  # normal approximation; exact enough for counts this large
        return max(0, round(rng.gauss(lam, math.sqrt(lam))))
    limit, k, p = math.exp(-lam), 0, rng.random()
    while p > limit:
        k += 1
        p *= rng.random()
    return k


def binomial(rng: random.Random, n: int, p: float) -> int:
    return sum(1 for _ in range(n) if rng.random() < p)


def apportion(total: int, weights: list[float]) -> list[int]:
    """Split an integer total in proportion to weights (largest remainder, ties by position)."""
    s = sum(weights)
    raw = [total * w / s for w in weights]
    out = [math.floor(r) for r in raw]
    order = sorted(range(len(raw)), key=lambda i: (-(raw[i] - out[i]), i))
    for i in order[: total - sum(out)]:
        out[i] += 1
    return out


def interpolate(anchors: list[tuple[dt.date, float]], d: dt.date) -> float:
    """Piecewise-linear value between (date, value) anchors, flat outside them."""
    if d <= anchors[0][0]:
        return anchors[0][1]
    for (d0, v0), (d1, v1) in zip(anchors, anchors[1:]):
        if d <= d1:
            return v0 + (v1 - v0) * (d - d0).days / (d1 - d0).days
    return anchors[-1][1]


def mid_month_position(d: dt.date) -> tuple[int, int, float]:
    """The two months (0-11) whose 15th days bracket d, and how far d has come from the first (0 to 1)."""
    mid = D(d.year, d.month, 15)
    if d >= mid:
        nxt = D(d.year + (d.month == 12), d.month % 12 + 1, 15)
        return d.month - 1, d.month % 12, (d - mid).days / (nxt - mid).days
    prev = D(d.year - (d.month == 1), (d.month - 2) % 12 + 1, 15)
    return (d.month - 2) % 12, d.month - 1, (d - prev).days / (mid - prev).days


def monthly_curve(values: tuple[float, ...], d: dt.date, log: bool = False) -> float:
    """A smooth daily curve through twelve monthly values placed on the 15th (log-linear between if log)."""
    i, j, frac = mid_month_position(d)
    if log:
        return math.exp(math.log(values[i]) * (1 - frac) + math.log(values[j]) * frac)
    return values[i] * (1 - frac) + values[j] * frac


def ar1(rng: random.Random, n: int, phi: float) -> list[float]:
    """A stationary AR(1) series with unit variance."""
    x, out, scale = rng.gauss(0, 1), [], math.sqrt(1 - phi * phi)
    for _ in range(n):
        out.append(x)
        x = phi * x + scale * rng.gauss(0, 1)
    return out


# Kazakhstan's fixed-date public holidays, treated like Sundays. Assumption: moveable holidays (Kurban ait)
# and transferred days off are ignored.
HOLIDAYS = {(1, 1), (1, 2), (3, 8), (3, 21), (3, 22), (3, 23), (5, 1), (5, 7), (5, 9), (7, 6), (8, 30), (10, 25), (12, 16)}


def is_day_off(d: dt.date) -> bool:
    return d.weekday() >= 5 or (d.month, d.day) in HOLIDAYS


# ----------------------------------------------------------------------------------------------------------
# The city: districts and streets
# ----------------------------------------------------------------------------------------------------------

# CITY-FACTS "The city": about 2.28 million people (late 2024), 682 km², eight districts, Bostandyk the most
# populous (about 18%), Medeu the largest by area, elevation 500-1,700 m, lat 43.03-43.40, lon 76.74-77.17.
# The split between districts is our assumption, chosen to respect those totals.
DISTRICTS = [
    # name,       ru,                    kk,            population, km²,  lat,    lon,    elevation m
    ("Alatau", "Алатауский район", "Алатау ауданы", 354_812, 122.4, 43.282, 76.820, 690),
    ("Almaly", "Алмалинский район", "Алмалы ауданы", 231_447, 16.6, 43.252, 76.912, 820),
    ("Auezov", "Ауэзовский район", "Әуезов ауданы", 344_903, 23.9, 43.228, 76.852, 830),
    ("Bostandyk", "Бостандыкский район", "Бостандық ауданы", 410_236, 97.6, 43.203, 76.905, 960),
    ("Medeu", "Медеуский район", "Медеу ауданы", 239_781, 228.1, 43.190, 77.010, 1080),
    ("Nauryzbay", "Наурызбайский район", "Наурызбай ауданы", 190_264, 67.9, 43.185, 76.790, 1010),
    ("Turksib", "Турксибский район", "Түрксіб ауданы", 268_119, 79.3, 43.335, 76.960, 670),
    ("Zhetysu", "Жетысуский район", "Жетісу ауданы", 240_338, 46.2, 43.290, 76.925, 720),
]
DISTRICT_NAMES = [row[0] for row in DISTRICTS]
POPULATION = {row[0]: row[3] for row in DISTRICTS}
CENTROID = {row[0]: (row[5], row[6]) for row in DISTRICTS}

# Real street and microdistrict (mkr) names, roughly by district, for stations, zones, crossings and addresses.
STREETS = {
    "Alatau": [
        "Rysqulov Ave",
        "Momyshuly St",
        "Kerey-Zhanibek Khans St",
        "Shanyrak-2 mkr",
        "Zhuldyz-1 mkr",
        "Akbulak mkr",
        "Zerdeli St",
        "Altynsarin Ave",
        "Sain St",
        "Shapagat St",
    ],
    "Almaly": [
        "Abay Ave",
        "Tole Bi St",
        "Kazybek Bi St",
        "Zheltoksan St",
        "Baitursynov St",
        "Shevchenko St",
        "Bogenbay Batyr St",
        "Aiteke Bi St",
        "Zhambyl St",
        "Karasai Batyr St",
        "Seifullin Ave",
        "Muratbayev St",
        "Abylai Khan Ave",
        "Makatayev St",
    ],
    "Auezov": [
        "Abay Ave",
        "Momyshuly St",
        "Tole Bi St",
        "Altynsarin Ave",
        "Sain St",
        "Zhubanov St",
        "Shalyapin St",
        "Utegen Batyr St",
        "Kabdolov St",
        "Zhandosov St",
        "Aksay-2 mkr",
        "Zhetysu-1 mkr",
        "Mamyr-4 mkr",
    ],
    "Bostandyk": [
        "Al-Farabi Ave",
        "Timiryazev St",
        "Satpayev St",
        "Rozybakiev St",
        "Zhandosov St",
        "Gagarin Ave",
        "Markov St",
        "Bukhar Zhyrau Blvd",
        "Orbita-1 mkr",
        "Koktem-1 mkr",
        "Mynbayev St",
        "Utepov St",
        "Abay Ave",
        "Navoi St",
        "Bayzakov St",
    ],
    "Medeu": [
        "Dostyk Ave",
        "Kabanbay Batyr St",
        "Zhibek Zholy Ave",
        "Pushkin St",
        "Kunayev St",
        "Samal-2 mkr",
        "Gornaya St",
        "Bayzakov St",
        "Kurmangazy St",
        "Zhamakayev St",
        "Ospanov St",
        "Lugansky St",
    ],
    "Nauryzbay": ["Kalkaman-2 mkr", "Shugyla mkr", "Zhandosov St", "Tastybulak St", "Otegen Batyr St", "Al-Farabi Ave", "Kalkaman St"],
    "Turksib": ["Suyunbay Ave", "Rysqulov Ave", "Kazybayev St", "Bekmakhanov St", "Mailin St", "Sholokhov St", "Zhansugurov St"],
    "Zhetysu": ["Rayimbek Ave", "Suyunbay Ave", "Seifullin Ave", "Bokeikhanov St", "Zhansugurov St", "Kuderin St", "Rysqulov Ave"],
}


def districts() -> Table:
    """The eight districts: a clean reference table for first lessons and for joins."""
    columns = ["district", "name_ru", "name_kk", "population", "area_km2", "lat", "lon", "elevation_m"]
    rows = [[name, ru, kk, pop, fmt(area), fmt(lat, 3), fmt(lon, 3), elev] for name, ru, kk, pop, area, lat, lon, elev in DISTRICTS]
    return Table(columns, rows)


def place_near(rng: random.Random, district: str, spread: float = 0.018) -> tuple[float, float]:
    """A point near a district's centre, kept inside the city's bounding box."""
    lat0, lon0 = CENTROID[district]
    lat = min(43.39, max(43.04, lat0 + rng.gauss(0, spread)))
    lon = min(77.16, max(76.75, lon0 + rng.gauss(0, spread * 1.3)))
    return lat, lon


def km_between(a: tuple[float, float], b: tuple[float, float]) -> float:
    dy = (a[0] - b[0]) * 111.2
    dx = (a[1] - b[1]) * 111.2 * math.cos(math.radians(43.25))
    return math.hypot(dx, dy)


def crossings(rng: random.Random, district: str, n: int) -> list[str]:
    """n distinct 'Street / Street' names in a district (streets only, not microdistricts)."""
    streets = [s for s in STREETS[district] if not s.endswith(" mkr")]
    pairs = [f"{a} / {b}" for i, a in enumerate(streets) for b in streets[i + 1 :]]
    if n > len(pairs):
        raise ValueError(f"{district} has too few streets for {n} crossings")
    rng.shuffle(pairs)
    return pairs[:n]


# ----------------------------------------------------------------------------------------------------------
# Weather (shared by air, heating and bikes)
# ----------------------------------------------------------------------------------------------------------

# CITY-FACTS "The city" (climate): January mean about -4.7 °C, July about 23.8 °C. The other months are usual
# Almaty normals (assumption); a daily curve runs through mid-month anchors.
TEMP_MONTHLY = (-4.7, -3.0, 3.4, 11.4, 16.5, 21.3, 23.8, 22.8, 17.4, 9.9, 2.4, -2.5)
WEATHER_START, WEATHER_END = D(2016, 1, 1), D(2025, 12, 31)
# Assumptions: day-to-day weather anomalies (°C) by month, their persistence, and the chance of a wet day.
TEMP_ANOMALY_SD = (4.2, 4.2, 3.8, 3.2, 2.8, 2.4, 2.2, 2.2, 2.6, 3.2, 3.8, 4.2)
TEMP_PERSISTENCE = 0.75
WET_DAY_CHANCE = (0.20, 0.25, 0.33, 0.38, 0.38, 0.28, 0.22, 0.15, 0.15, 0.25, 0.27, 0.22)
SEED_WEATHER = 1887_0001


@cache
def temp_anchors() -> tuple[float, ...]:
    """Mid-month anchors whose linear curve has the monthly means of TEMP_MONTHLY (a few fixed-point steps)."""
    anchors = list(TEMP_MONTHLY)
    for _ in range(12):
        for m in range(12):
            days_in = list(date_range(D(2023, m + 1, 1), D(2023 + (m == 11), (m + 1) % 12 + 1, 1) - DAY))
            mean = sum(monthly_curve(tuple(anchors), d) for d in days_in) / len(days_in)
            anchors[m] += TEMP_MONTHLY[m] - mean
    return tuple(round(a, 3) for a in anchors)


def temp_climate(d: dt.date) -> float:
    return monthly_curve(temp_anchors(), d)


@cache
def weather() -> dict[dt.date, tuple[float, float, float]]:
    """date -> (mean temperature °C, precipitation mm, standardised cold anomaly)."""
    rng = random.Random(SEED_WEATHER)
    dates = list(date_range(WEATHER_START, WEATHER_END))
    z = ar1(rng, len(dates), TEMP_PERSISTENCE)
    out = {}
    for d, zi in zip(dates, z):
        temp = temp_climate(d) + TEMP_ANOMALY_SD[d.month - 1] * zi
        wet = rng.random() < WET_DAY_CHANCE[d.month - 1] + (0.1 if zi < -1 else 0)
        precip = rng.expovariate(1 / (6.0 if d.month in (4, 5) else 4.0)) if wet else 0.0
        out[d] = (temp, precip, -zi)
    return out


# ----------------------------------------------------------------------------------------------------------
# Air quality: daily by station, hourly for one winter
# ----------------------------------------------------------------------------------------------------------

# CITY-FACTS "Air quality": monthly means 2021-2026, mostly Kazhydromet stations, µg/m³ (the real series
# agrees within a few percent; CITY-FACTS "Measured from the real series").
PM25_MONTHLY = (52, 54, 28, 17, 10, 11, 10, 10, 10, 17, 28, 38)
PM10_MONTHLY = (61, 64, 28, 18, 13, 14, 12, 11, 14, 24, 38, 57)
NO2_MONTHLY = (59, 65, 38, 32, 29, 29, 33, 33, 42, 50, 50, 56)
# PM10 includes PM2.5; the coarse part (PM10 - PM2.5) is at least this much (assumption: March's table
# values are equal, which a real pair of instruments never shows day by day).
MIN_COARSE = 1.0
COARSE_MONTHLY = tuple(max(b - a, MIN_COARSE) for a, b in zip(PM25_MONTHLY, PM10_MONTHLY))
# CITY-FACTS "Measured from the real series" (AirData.kz collection of the Kazhydromet stations,
# github.com/qazybekb/AirDatakz-OpenData; figures only): city annual PM2.5 2021-2025 and the fall of
# January from about 104 (2021) to about 20 (2025). The Januaries between are our assumption, on the way.
CITY_ANNUAL_PM25 = {2021: 35.8, 2022: 26.1, 2023: 20.5, 2024: 15.6, 2025: 15.0}
JANUARY_PM25 = {2021: 104.0, 2022: 58.0, 2023: 40.0, 2024: 28.0, 2025: 20.0}
# How much of a year's change lands on each month (1 = all of it, as in January; assumption: the heating
# months change most, the summer only with the year as a whole).
WINTER_WEIGHT = (1.0, 0.9, 0.4, 0.1, 0.0, 0.0, 0.0, 0.0, 0.0, 0.15, 0.35, 0.7)
# CITY-FACTS: north-eastern districts (Zhetysu, Turksib) about 31 vs southern (Medeu, Bostandyk) about
# 16 µg/m³ annual PM2.5 (Almaty Air Initiative 2024: a ratio of about 1.9; its levels come from another
# network and sit above the state stations'). CITY-FACTS "Measured from the real series": 11 automatic
# state stations, annual PM10 at the working ones 14-79 µg/m³ in 2024 (5.6-fold). Eight stations, one per
# district, as before, and three more: beside the TETs-2 plant and the coal-heated private houses of Alatau,
# a second one in Auezov, and one in the foothills of Medeu. Factors are our assumption within those figures.
AIR_STATIONS = [
    # station, district, PM factor, NO2 factor (NO2 follows traffic: assumption)
    ("AQ01", "Alatau", 1.12, 0.92),
    ("AQ02", "Almaly", 0.98, 1.20),
    ("AQ03", "Auezov", 1.05, 1.08),
    ("AQ04", "Bostandyk", 0.80, 1.05),
    ("AQ05", "Medeu", 0.70, 0.90),
    ("AQ06", "Nauryzbay", 0.89, 0.75),
    ("AQ07", "Turksib", 1.27, 1.00),
    ("AQ08", "Zhetysu", 1.34, 1.10),
    ("AQ09", "Alatau", 2.15, 0.95),
    ("AQ10", "Auezov", 1.10, 1.12),
    ("AQ11", "Medeu", 0.32, 0.55),
]
AIR_START, AIR_END = D(2021, 1, 1), D(2025, 12, 31)
# CITY-FACTS: day-to-day persistence (lag-1 autocorrelation of log anomalies) about 0.55; 90th-percentile
# January day about 104 (twice the January mean). A plain log-normal cannot give both that long upper tail
# and few clean winter days, so the city-wide level is a calm background times smog episodes (inversions)
# that come and go as a two-state chain. The numbers below are tuned to those figures (assumption).
EPISODE_CHANCE = (0.32, 0.32, 0.22, 0.16, 0.15, 0.15, 0.15, 0.15, 0.15, 0.18, 0.24, 0.30)
EPISODE_BOOST = (2.8, 2.8, 2.2, 1.9, 1.8, 1.8, 1.8, 1.8, 1.8, 1.9, 2.3, 2.8)
EPISODE_EXIT = 0.30  # an episode lasts about three days
BACKGROUND_LOG_SD = (0.36, 0.36, 0.36, 0.45, 0.45, 0.45, 0.45, 0.45, 0.45, 0.45, 0.36, 0.36)
BACKGROUND_PERSISTENCE = 0.50
STATION_LOG_SD = 0.20
AIR_PERSISTENCE = 0.55
COLD_COUPLING = 0.45  # winter smog goes with cold, still days (Kerimray et al. 2020)
# CITY-FACTS "Measured from the real series": city PM2.5 above PM10 on 5.5% of days. Two instruments
# measure the two sizes and disagree day by day; the spread of that disagreement is tuned to the 5.5%.
PM10_INSTRUMENT_SD = 0.20
# CITY-FACTS: hourly extremes near 1,000 µg/m³ in the record; daily means stay well below (assumption: daily
# PM2.5 above 350 is squeezed to a third of its excess).
DAILY_SOFT_CEILING = 350.0
DAILY_ABOVE_CEILING = 0.3
SEED_AIR = 2021_0101


def year_month_factor(year: int, month: int) -> float:
    """PM level of a month of a given year relative to the 2021-2025 monthly table.

    log factor = a + b * WINTER_WEIGHT[month]; b is found so that January lands on JANUARY_PM25 and the
    twelve months average to CITY_ANNUAL_PM25 (bisection: the annual mean falls as b grows)."""
    january, annual = JANUARY_PM25[year] / PM25_MONTHLY[0], CITY_ANNUAL_PM25[year]

    def annual_mean(b: float) -> float:  # with a chosen so that January is right: a = log(january) - b
        return statistics.fmean(p * january * math.exp(b * (w - 1)) for p, w in zip(PM25_MONTHLY, WINTER_WEIGHT))

    lo, hi = -6.0, 6.0
    for _ in range(80):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if annual_mean(mid) > annual else (lo, mid)
    b = (lo + hi) / 2
    return january * math.exp(b * (WINTER_WEIGHT[month - 1] - 1))


@cache
def air_truth() -> dict[tuple[str, dt.date], tuple[float, float, float]]:
    """(station, date) -> true daily (PM2.5, PM10, NO2) before any flaw or rounding.

    PM10 here is what the station's PM10 instrument reports on a working day: PM2.5 plus the coarse part,
    times that instrument's own daily disagreement with the PM2.5 one."""
    rng = random.Random(SEED_AIR)
    wx = weather()
    dates = list(date_range(AIR_START, AIR_END))
    background = ar1(rng, len(dates), BACKGROUND_PERSISTENCE)
    city, episode = [], False
    for d, u in zip(dates, background):
        m = d.month - 1
        enter = EPISODE_EXIT * EPISODE_CHANCE[m] / (1 - EPISODE_CHANCE[m])
        episode = rng.random() < (1 - EPISODE_EXIT if episode else enter)
        rho = COLD_COUPLING if d.month in (11, 12, 1, 2, 3) else 0.0
        calm = BACKGROUND_LOG_SD[m] * (rho * wx[d][2] + math.sqrt(1 - rho * rho) * u)
        city.append(calm + (math.log(EPISODE_BOOST[m]) if episode else 0.0))
    raw: dict[tuple[str, dt.date], list[float]] = {}
    instrument: dict[tuple[str, dt.date], float] = {}
    for station, _district, fpm, fno2 in AIR_STATIONS:
        s25 = ar1(rng, len(dates), AIR_PERSISTENCE)
        scoarse = ar1(rng, len(dates), 0.6)
        sno2 = ar1(rng, len(dates), 0.6)
        fcoarse = 0.85 + 0.3 * rng.random()
        for i, d in enumerate(dates):
            pm25 = monthly_curve(PM25_MONTHLY, d, log=True) * fpm * math.exp(city[i] + STATION_LOG_SD * s25[i])
            coarse = monthly_curve(COARSE_MONTHLY, d, log=True) * fpm * fcoarse * math.exp(0.4 * city[i] + 0.3 * scoarse[i])
            no2 = monthly_curve(NO2_MONTHLY, d, log=True) * fno2 * math.exp(0.35 * city[i] + 0.22 * sno2[i])
            raw[station, d] = [pm25, coarse, no2]
            instrument[station, d] = lognormal(rng, PM10_INSTRUMENT_SD)
    # Rescale so the city means (over all stations) match the targets: PM2.5 each month of each year (the
    # decline, which follows coal), the coarse dust and NO2 each calendar month pooled over the years (no
    # trend given for them in the sources: assumption).
    # The means are taken over the stations that report a real value that day (a city figure is computed
    # from the working stations), so the planted absent spans and dead sensors do not shift the levels.
    silent = {(s, d) for s, first, last in ABSENT_SPANS for d in date_range(first, last)}
    silent |= {(s, d) for s, _cols, first, last, _level, _how in DEAD_SENSORS for d in date_range(first, last)}
    for k, targets in enumerate((PM25_MONTHLY, COARSE_MONTHLY, NO2_MONTHLY)):
        groups: dict[tuple[int, int], list] = {}
        for key in raw:
            groups.setdefault((key[1].year if k == 0 else 0, key[1].month), []).append(key)
        for (year, month), keys in groups.items():
            target = targets[month - 1] * (year_month_factor(year, month) if year else 1.0)
            working = [key for key in keys if key not in silent]
            factor = target * len(working) / sum(raw[key][k] for key in working)
            for key in keys:
                raw[key][k] *= factor
    out = {}
    for key, (pm25, coarse, no2) in raw.items():
        # A few days of the smokiest winter (January 2021) would otherwise reach daily means near 1,000 at
        # the dirtiest station; the record holds such values for single hours only, so squeeze the top.
        squeeze = 1.0 if pm25 <= DAILY_SOFT_CEILING else (DAILY_SOFT_CEILING + (pm25 - DAILY_SOFT_CEILING) * DAILY_ABOVE_CEILING) / pm25
        out[key] = (pm25 * squeeze, (pm25 + coarse) * instrument[key] * squeeze, no2)
    return out


# Flaws of the real series (CITY-FACTS "Measured from the real series"): only 67% of station-hours present,
# 478 gaps of a day or more, the longest 2.2 years; 13% of hourly values below 1 µg/m³ from dead sensors,
# three stations with 33-39% of their values below 1, one PM10 sensor with a median of 1.3 for four years;
# 0.7% exact zeros. The stations, dates and levels below are our choice within those figures.
DEAD_SENSORS = [
    # station, columns, first day, last day, level it sits at, how it wanders
    ("AQ03", ("pm10",), D(2022, 1, 1), D(2025, 12, 31), 1.3, "drift"),
    ("AQ10", ("pm25", "pm10"), D(2021, 3, 1), D(2022, 10, 31), 0.4, "jitter"),
    ("AQ11", ("pm25", "pm10"), D(2025, 1, 15), D(2025, 12, 31), 0.6, "jitter"),
]
DEAD_ZERO_SHARE = 0.12  # a dead sensor that writes exactly 0.0 now and then
ABSENT_SPANS = [  # whole rows missing (the station sent nothing), planted where lessons look
    ("AQ06", D(2023, 7, 10), D(2023, 7, 24)),
    ("AQ05", D(2023, 11, 14), D(2023, 11, 19)),  # six winter days gone from Medeu's 2023
    ("AQ11", D(2021, 3, 1), D(2023, 5, 10)),  # the longest gap: 2.2 years
]
# Holes planted where lessons look (the Almaly station's 2024, read by the first-steps and AQI lessons),
# beside the random ones.
PLANTED_EMPTY = [("AQ02", D(2024, 3, 11), D(2024, 3, 19))]
PLANTED_SENTINELS = [("AQ02", D(2024, 1, 23)), ("AQ02", D(2024, 6, 14)), ("AQ02", D(2024, 11, 19))]
PLANTED_ON_THE_LINE = [("AQ02", D(2024, 2, 21), "35.0")]  # PM2.5 exactly on Kazakhstan's daily limit
RANDOM_GAP_STATIONS = ("AQ01", "AQ03", "AQ06", "AQ07", "AQ09", "AQ10")  # more absent spans, by chance
RANDOM_GAPS_PER_STATION = 6
RANDOM_GAP_MEAN_DAYS = 14


def dead_reading(rng: random.Random, level: float, how: str) -> str:
    """What a dead sensor writes: a constant that jitters in the second decimal, or drifts around a level."""
    if rng.random() < DEAD_ZERO_SHARE and how == "jitter":
        return "0.0"
    if how == "drift":
        return fmt(level * lognormal(rng, 0.35), 2)
    return fmt(level + rng.choice((-0.01, 0.0, 0.0, 0.01)), 2)


def air_daily() -> Table:
    """Daily means at eleven state stations, 2021-2025, with the kinds of flaws the real series has."""
    rng = random.Random(SEED_AIR + 1)
    truth = air_truth()
    absent = {(s, d) for s, first, last in ABSENT_SPANS for d in date_range(first, last)}
    total_days = (AIR_END - AIR_START).days
    for station in RANDOM_GAP_STATIONS:
        for _ in range(RANDOM_GAPS_PER_STATION):
            start = AIR_START + dt.timedelta(days=rng.randrange(total_days))
            length = 1 + min(120, int(rng.expovariate(1 / RANDOM_GAP_MEAN_DAYS)))
            absent |= {(station, start + dt.timedelta(days=k)) for k in range(length)}
    # Flaw: outages that leave the row but empty cells (about 1% of rows, in runs of 1-8 days).
    empty: set[tuple[str, dt.date]] = set()
    while len(empty) < 0.01 * len(truth):
        station = rng.choice(AIR_STATIONS)[0]
        start = AIR_START + dt.timedelta(days=rng.randrange(total_days))
        for k in range(rng.randint(1, 8)):
            empty.add((station, start + dt.timedelta(days=k)))
    empty |= {(s, d) for s, first, last in PLANTED_EMPTY for d in date_range(first, last)}
    sentinels = set(PLANTED_SENTINELS)
    dead = {}
    for station, columns, first, last, level, how in DEAD_SENSORS:
        for d in date_range(first, last):
            dead[station, d] = (columns, level, how)
    rows = []
    for d in date_range(AIR_START, AIR_END):
        for station, district, _fpm, _fno2 in AIR_STATIONS:
            if (station, d) in absent:
                continue
            pm25, pm10, no2 = truth[station, d]
            cells = [fmt(pm25), fmt(pm10), fmt(no2)]
            if (station, d) in empty:
                cells = ["", "", ""]
            elif (station, d) in sentinels or rng.random() < 0.004:  # Flaw: error code -999 (about 0.4%)
                cells[0] = "-999"
            elif rng.random() < 0.005:  # Flaw: the NO2 analyser alone missing (about 0.5%)
                cells[2] = ""
            for planted_station, planted_day, text in PLANTED_ON_THE_LINE:
                if (station, d) == (planted_station, planted_day):
                    cells[0] = text
            if (station, d) in dead and cells[1]:  # Flaw: a dead sensor keeps writing small numbers
                columns, level, how = dead[station, d]
                for column in columns:
                    cells[("pm25", "pm10").index(column)] = dead_reading(rng, level, how)
            rows.append([d.isoformat(), station, district] + cells)
    return Table(["date", "station", "district", "pm25", "pm10", "no2"], rows)


# CITY-FACTS "Measured from the real series": winter PM10 by hour relative to the daily mean, state
# stations, winters 2024-26: 1.18 at 00 h, 0.78 at 08 h, 0.97 at 14 h, 1.21 at 22 h, the evening rise
# starting 16-19 h; NO2 in winter peaks at 1.09 at 22 h with no morning bump (0.98 at 10 h), daily range
# 1.25. The published literature (CITY-FACTS "Air quality": PM10 1.31 at midnight, 0.75 at 08:00, about 0.9
# in the afternoon; NO2 1.16 at 10:00) describes older, partly low-cost data: these datasets follow the state
# series, and the datasheet says so. The hours in between are our smooth fill; each profile averages 1.
PM_HOURLY_PROFILE = (
    1.18,
    1.13,
    1.07,
    1.01,
    0.95,
    0.89,
    0.84,
    0.80,
    0.78,
    0.79,
    0.84,
    0.90,
    0.94,
    0.96,
    0.97,
    0.96,
    0.95,
    0.98,
    1.04,
    1.10,
    1.15,
    1.19,
    1.21,
    1.20,
)
NO2_HOURLY_PROFILE = (
    1.07,
    1.04,
    1.00,
    0.96,
    0.92,
    0.89,
    0.87,
    0.88,
    0.92,
    0.96,
    0.98,
    0.98,
    0.97,
    0.95,
    0.94,
    0.94,
    0.96,
    1.00,
    1.04,
    1.07,
    1.08,
    1.08,
    1.09,
    1.08,
)
# CITY-FACTS: Almaty moved from UTC+6 to UTC+5 on 1 March 2024 (at local midnight, so 23:00 on 29 February
# happened twice).
CLOCK_CHANGE_UTC = dt.datetime(2024, 2, 29, 18, tzinfo=UTC)
HOURLY_STATIONS = ("AQ02", "AQ04", "AQ08")
HOURLY_FIRST_UTC = dt.datetime(2023, 11, 30, 18, tzinfo=UTC)  # 2023-12-01 00:00 at UTC+6
HOURLY_LAST_UTC = dt.datetime(2024, 3, 31, 18, tzinfo=UTC)  # 2024-03-31 23:00 at UTC+5
# CITY-FACTS "Measured from the real series": timestamps written with America/Los_Angeles offsets (US
# daylight-saving jumps) in the aqicn.org feed; here AQ08 comes from that feed.
FOREIGN_OFFSET_STATION = "AQ08"
# CITY-FACTS "Measured from the real series": across the 2024 clock change, most stations repeated their
# previous readings. Here the second 23:00 of 29 February copies the first at these stations.
COPIED_AT_CHANGE = ("AQ02", "AQ04")
# CITY-FACTS: hourly extremes near 1,000 µg/m³ in the record; here New Year fireworks in the centre.
NEW_YEAR_PEAK_PM10 = 960.0
SEED_AIR_HOURLY = 2024_0301


def almaty_offset(t: dt.datetime) -> dt.timezone:
    return dt.timezone(dt.timedelta(hours=6 if t < CLOCK_CHANGE_UTC else 5))


def local_time(t: dt.datetime) -> dt.datetime:
    return t.astimezone(almaty_offset(t))


def nth_sunday(year: int, month: int, n: int) -> dt.date:
    first = D(year, month, 1)
    return first + dt.timedelta(days=(6 - first.weekday()) % 7 + 7 * (n - 1))


def los_angeles_time(t: dt.datetime) -> dt.datetime:
    """US Pacific time (the 2007 rule: daylight time from 02:00 on the second Sunday of March to 02:00 on the
    first Sunday of November), computed here so the output does not depend on the machine's tz database."""
    start = dt.datetime.combine(nth_sunday(t.year, 3, 2), dt.time(10), UTC)  # 02:00 PST
    end = dt.datetime.combine(nth_sunday(t.year, 11, 1), dt.time(9), UTC)  # 02:00 PDT
    return t.astimezone(dt.timezone(dt.timedelta(hours=-7 if start <= t < end else -8)))


def hourly_pm(rng: random.Random, station: str, first: dt.datetime, hours: int):
    """Yield (utc, local, pm25, pm10, no2) for consecutive hours, shaped around the station's daily truth."""
    truth = air_truth()
    noise_pm = ar1(rng, hours, 0.8)
    noise_no2 = ar1(rng, hours, 0.8)
    for i in range(hours):
        utc = first + dt.timedelta(hours=i)
        local = local_time(utc)
        pm25_d, pm10_d, no2_d = truth[station, local.date()]
        shape = PM_HOURLY_PROFILE[local.hour] * math.exp(0.22 * noise_pm[i] - 0.0242)
        no2 = no2_d * NO2_HOURLY_PROFILE[local.hour] * math.exp(0.15 * noise_no2[i] - 0.0112)
        yield utc, local, pm25_d * shape, pm10_d * shape, no2


def air_hourly() -> Table:
    """Hourly values at three stations, December 2023 - March 2024, across the clock change."""
    rng = random.Random(SEED_AIR_HOURLY)
    hours = int((HOURLY_LAST_UTC - HOURLY_FIRST_UTC).total_seconds() // 3600) + 1
    fireworks = {0: 0.55, 1: 1.0, 2: 0.6, 3: 0.3}  # share of the peak, by local hour on 1 January 2024
    rows = []
    for station in HOURLY_STATIONS:
        district = next(s[1] for s in AIR_STATIONS if s[0] == station)
        before_change = None
        for utc, local, pm25, pm10, no2 in hourly_pm(rng, station, HOURLY_FIRST_UTC, hours):
            if local.date() == D(2024, 1, 1) and local.hour in fireworks:
                peak = NEW_YEAR_PEAK_PM10 * (1.0 if station == "AQ02" else 0.45)
                boost = max(1.0, peak * fireworks[local.hour] / pm10)
                pm10, pm25 = pm10 * boost, pm25 * boost * 0.92
            naive = local.replace(tzinfo=None)
            # Flaw: a single missing hour here and there at AQ02 (the row is absent).
            if station == "AQ02" and rng.random() < 0.004:
                continue
            # Flaw: the feed carrying AQ08 was down for two days (no rows).
            if station == "AQ08" and dt.datetime(2024, 1, 17) <= naive < dt.datetime(2024, 1, 19):
                continue
            cells = [fmt(pm25), fmt(pm10), fmt(no2)]
            # Flaw: AQ04's PM2.5 sensor died for a week: tiny, nearly constant values; PM10 still works.
            if station == "AQ04" and dt.datetime(2024, 1, 5, 14) <= naive < dt.datetime(2024, 1, 12, 11):
                cells[0] = fmt(0.4 + rng.choice((-0.01, 0.0, 0.0, 0.01)), 2)
            # Flaw: a week in which AQ04's logger wrote PM in mg/m³ instead of µg/m³.
            if station == "AQ04" and dt.datetime(2024, 1, 22, 10) <= naive < dt.datetime(2024, 1, 29, 10):
                cells[:2] = [fmt(pm25 / 1000, 3), fmt(pm10 / 1000, 3)]
            # Flaw: a six-hour power cut at AQ08 (rows present, cells empty).
            if station == "AQ08" and dt.datetime(2024, 2, 10, 2) <= naive < dt.datetime(2024, 2, 10, 8):
                cells = ["", "", ""]
            # Flaw: the second 23:00 of 29 February repeats the first one's readings.
            if naive == dt.datetime(2024, 2, 29, 23):
                if before_change is None:
                    before_change = cells
                elif station in COPIED_AT_CHANGE:
                    cells = before_change
            stamp = los_angeles_time(utc) if station == FOREIGN_OFFSET_STATION else local
            rows.append([stamp.isoformat(), station, district] + cells)
    return Table(["timestamp", "station", "district", "pm25", "pm10", "no2"], rows)


# CITY-FACTS "Measured from the real series": state-station times about 6 h off before November 2023
# (winter peaks at 02-04 h), visible only from the shape of the day; only 67% of station-hours present.
# Here the source stamped every hour 6 h late until 1 November 2023 00:00 (true local time); from then on it
# is right, and the six late stamps that collide with right ones were overwritten by them.
AUTUMN_FIRST_UTC = dt.datetime(2023, 9, 30, 18, tzinfo=UTC)  # 2023-10-01 00:00 at UTC+6
AUTUMN_HOURS = 61 * 24  # October and November
SOURCE_FIXED_UTC = dt.datetime(2023, 10, 31, 18, tzinfo=UTC)  # 2023-11-01 00:00 at UTC+6
SOURCE_SHIFT = dt.timedelta(hours=6)
AUTUMN_PRESENT = 0.76  # share of hours kept outside the long gaps (assumption, with them about 67%)
SEED_AIR_AUTUMN = 2023_1101


def air_autumn_hourly() -> Table:
    """Hourly PM10 and NO2 at the eleven state stations, October-November 2023, as the source wrote them."""
    rng = random.Random(SEED_AIR_AUTUMN)
    dead = {s: (cols, level, how) for s, cols, first, last, level, how in DEAD_SENSORS if first <= D(2023, 11, 30) and last >= D(2023, 10, 1)}
    rows = []
    for station, district, _fpm, _fno2 in AIR_STATIONS:
        # Absent hours come in runs: a station sends for a while, then nothing for a while.
        present, up = [], True
        while len(present) < AUTUMN_HOURS:
            run = 1 + int(rng.expovariate(1 / (30 if up else 12)))
            present += [up] * run
            up = not up if rng.random() < 0.9 else up
        if station == "AQ11":  # the long gap of air_daily
            present = [False] * AUTUMN_HOURS
        stamps: dict[str, list[str]] = {}
        for i, (utc, local, _pm25, pm10, no2) in enumerate(hourly_pm(rng, station, AUTUMN_FIRST_UTC, AUTUMN_HOURS)):
            if not present[i] or rng.random() > AUTUMN_PRESENT / 0.8:
                continue
            cells = [fmt(pm10), fmt(no2)]
            if station in dead and "pm10" in dead[station][0]:
                cells[0] = dead_reading(rng, dead[station][1], dead[station][2])
            written = local + SOURCE_SHIFT if utc < SOURCE_FIXED_UTC else local
            stamps[written.isoformat()] = [written.isoformat(), station, district] + cells
        rows += [stamps[k] for k in sorted(stamps)]
    return Table(["timestamp", "station", "district", "pm10", "no2"], rows)


# ----------------------------------------------------------------------------------------------------------
# IoT: a day of raw messages from low-cost sensors, with a reference station beside two of them
# ----------------------------------------------------------------------------------------------------------

# CITY-FACTS "Sensors (IoT)": sensor.community devices send JSON every ~145 s with values as strings;
# SDS_P1 is PM10 and SDS_P2 is PM2.5; other devices (AirGradient, the schools network since late 2025)
# report pm02, rhum, atmp and a boot counter that a restart resets. Readings inflate above ~75% relative
# humidity; stuck values, negative values, -999 sentinels, spikes over 10x and dropouts happen.
IOT_FIRST_UTC = dt.datetime(2025, 12, 11, 19, tzinfo=UTC)  # 2025-12-12 00:00 in Almaty (UTC+5)
IOT_HOURS = 24
IOT_INTERVAL_S = 145
# CITY-FACTS: the US EPA correction for the PMS5003 family: PM2.5 = 0.524·raw − 0.0862·RH + 5.75.
EPA_SLOPE, EPA_RH, EPA_OFFSET = 0.524, -0.0862, 5.75
IOT_DEVICES = [
    # topic,                                   family, district, what goes wrong
    ("almaty/sensor.community/esp8266-1469021", "sc", "Almaly", "beside the reference station"),
    ("almaty/sensor.community/esp8266-2871344", "sc", "Zhetysu", "SDS_P1 and SDS_P2 swapped"),
    ("almaty/sensor.community/esp8266-3310587", "sc", "Auezov", "stuck, negative and -999 values"),
    ("almaty/airgradient/school-12", "ag", "Almaly", "beside the reference station"),
    ("almaty/airgradient/school-47", "ag", "Turksib", "dropout, restart and spikes"),
]
IOT_REFERENCE_STATION = "AQ02"  # the Almaly state station
SEED_IOT = 2025_1212


def humidity_growth(rh: float, onset: float) -> float:
    """How much wet particles swell an optical PM reading (1 = not at all); steep near saturation."""
    return 1 + 0.25 * max(0.0, rh - onset) / max(100 - rh, 4.0)


def iot_messages() -> list[dict]:
    """A day of MQTT messages (topic + raw JSON payload) from five sensors and the reference station."""
    rng = random.Random(SEED_IOT)
    wobble = random.Random(SEED_IOT + 1)
    station_of: dict[str, str] = {}
    for station, district, _a, _b in AIR_STATIONS:  # the first station of each district
        station_of.setdefault(district, station)
    day_temp = weather()[local_time(IOT_FIRST_UTC).date()][0]
    hourly = {}  # district -> list of (pm25, pm10) by hour since IOT_FIRST_UTC
    for district in sorted({dev[2] for dev in IOT_DEVICES}):
        series = hourly_pm(rng, station_of[district], IOT_FIRST_UTC, IOT_HOURS)
        hourly[district] = [(pm25, pm10) for _u, _l, pm25, pm10, _n in series]

    def relative_humidity(local: dt.datetime, offset: float) -> float:
        h = local.hour + local.minute / 60
        fog = 5.0 if 2 <= h < 9 else 0.0  # a foggy night
        return min(99.0, 79 + 13 * math.cos(2 * math.pi * (h - 5) / 24) + fog + offset + rng.gauss(0, 1.2))

    messages = []
    for topic, family, district, quirk in IOT_DEVICES:
        serial = topic.rsplit("-", 1)[-1] if family == "sc" else f"{rng.getrandbits(48):012x}"
        rh_offset, boot = rng.uniform(-3, 3), rng.randint(300, 900)
        t = IOT_FIRST_UTC + dt.timedelta(seconds=rng.randint(0, IOT_INTERVAL_S - 1))
        end = IOT_FIRST_UTC + dt.timedelta(hours=IOT_HOURS)
        stuck = None
        while t < end:
            local = local_time(t)
            i = int((t - IOT_FIRST_UTC).total_seconds() // 3600)
            pm25, pm10 = hourly[district][i]
            noise = lognormal(rng, 0.08)
            rh = relative_humidity(local, rh_offset)
            temp = day_temp + 3.5 * math.cos(2 * math.pi * (local.hour - 15) / 24) + rng.gauss(0, 0.3)
            if family == "sc":
                grow = humidity_growth(rh, 70) * noise
                p2, p1 = pm25 * 1.1 * grow, pm10 * 1.1 * grow
                if "swapped" in quirk:
                    p1, p2 = p2, p1
                values = [fmt(p1, 2), fmt(p2, 2)]
                if "stuck" in quirk:
                    if dt.time(3, 10) <= local.time() < dt.time(8, 20):
                        # Stuck, as dead sensors are in the real series: the same reading, wobbling in the
                        # last digit (its own generator, so the other devices' draws stay as they were).
                        stuck = stuck or values
                        values = [fmt(float(v) + wobble.choice((0.0, 0.0, 0.01)), 2) for v in stuck]
                    elif rng.random() < 0.012:
                        values = ["-999", "-999"]
                    elif rng.random() < 0.01:
                        values[1] = fmt(-rng.uniform(0.1, 2.0), 2)
                payload = {
                    "esp8266id": serial,
                    "software_version": "NRZ-2024-135",
                    "sensordatavalues": [
                        {"value_type": "SDS_P1", "value": values[0]},
                        {"value_type": "SDS_P2", "value": values[1]},
                        {"value_type": "BME280_temperature", "value": fmt(temp, 2)},
                        {"value_type": "BME280_humidity", "value": fmt(rh, 2)},
                    ],
                }
            else:
                if "dropout" in quirk and dt.time(13, 0) <= local.time() < dt.time(15, 10):
                    t += dt.timedelta(seconds=IOT_INTERVAL_S)
                    boot = 0  # the device comes back after a restart
                    continue
                # the EPA formula inverted, so that correcting a dry-air reading gives the truth back
                raw = (pm25 * humidity_growth(rh, 75) * noise - EPA_OFFSET - EPA_RH * rh) / EPA_SLOPE
                if "spikes" in quirk and rng.random() < 0.012:
                    raw *= rng.uniform(12, 20)
                payload = {
                    "serialno": serial,
                    "wifi": str(rng.randint(-78, -52)),
                    "pm01": str(round(raw * 0.68)),
                    "pm02": str(round(raw)),
                    "pm10": str(round(raw * 1.12 * pm10 / pm25)),
                    "atmp": fmt(temp, 2),
                    "rhum": str(round(rh)),
                    "boot": str(boot),
                }
                boot += 1
            messages.append((t, topic, payload))
            t += dt.timedelta(seconds=IOT_INTERVAL_S + rng.randint(-4, 4))
    for i in range(IOT_HOURS):  # the reference station publishes each hour's mean a few minutes later
        hour = IOT_FIRST_UTC + dt.timedelta(hours=i)
        pm25, pm10 = hourly["Almaly"][i]
        payload = {
            "station": IOT_REFERENCE_STATION,
            "hour_start": hour.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "pm25": fmt(pm25 * lognormal(rng, 0.03)),
            "pm10": fmt(pm10 * lognormal(rng, 0.03)),
        }
        messages.append((hour + dt.timedelta(minutes=63), f"almaty/kazhydromet/{IOT_REFERENCE_STATION}", payload))
    messages.sort(key=lambda m: (m[0], m[1]))
    return [
        {"received_at": t.strftime("%Y-%m-%dT%H:%M:%SZ"), "topic": topic, "payload": json.dumps(payload, separators=(",", ":"))}
        for t, topic, payload in messages
    ]


# ----------------------------------------------------------------------------------------------------------
# Public transport: metro stations and Onay validations by route
# ----------------------------------------------------------------------------------------------------------

# CITY-FACTS "Transport": metro 11 stations; about 45-50k riders a day before 2022, over 120k a day by
# late 2025, record 117k on 2 September 2025. The trend between is our assumption.
METRO_START, METRO_END = D(2021, 1, 1), D(2025, 12, 31)
METRO_STATIONS = [
    # station, share of riders (assumption), first day in the data
    ("Raiymbek Batyr", 0.12, METRO_START),
    ("Zhibek Zholy", 0.10, METRO_START),
    ("Almaly", 0.10, METRO_START),
    ("Abay", 0.13, METRO_START),
    ("Baikonur", 0.08, METRO_START),
    ("Auezov Theatre", 0.07, METRO_START),
    ("Alatau", 0.09, METRO_START),
    ("Sayran", 0.08, METRO_START),
    ("Moskva", 0.13, METRO_START),
    # the two western stations opened at the very end of 2022; their data starts with 2023
    ("Saryarka", 0.05, D(2023, 1, 1)),
    ("Bauyrzhan Momyshuly", 0.07, D(2023, 1, 1)),
]
METRO_TREND = [
    (D(2021, 1, 1), 46_000),
    (D(2021, 12, 31), 48_000),
    (D(2022, 12, 31), 58_000),
    (D(2023, 12, 31), 80_000),
    (D(2024, 12, 31), 95_000),
    (D(2025, 9, 2), 101_500),
    (D(2025, 12, 31), 113_000),
]
METRO_RECORD_DAY, METRO_RECORD = D(2025, 9, 2), 117_000
# Weekly and seasonal rhythm of riders (assumption; each averages about 1).
WEEKDAY_FACTOR = (1.07, 1.07, 1.07, 1.07, 1.10, 0.88, 0.74)
SEASON_FACTOR = (0.97, 1.00, 1.00, 1.00, 0.98, 0.95, 0.90, 0.92, 1.06, 1.06, 1.05, 1.04)
SEED_METRO = 2011_1201


def day_factor(d: dt.date) -> float:
    weekday = WEEKDAY_FACTOR[6] if (d.month, d.day) in HOLIDAYS else WEEKDAY_FACTOR[d.weekday()]
    return weekday * SEASON_FACTOR[d.month - 1]


@cache
def metro_truth() -> dict[dt.date, dict[str, int]]:
    """date -> station -> entries, before any flaw."""
    rng = random.Random(SEED_METRO)
    totals = {d: interpolate(METRO_TREND, d) * day_factor(d) * lognormal(rng, 0.035) for d in date_range(METRO_START, METRO_END)}
    for d in totals:  # nothing before the record day beats it
        if d < METRO_RECORD_DAY:
            totals[d] = min(totals[d], METRO_RECORD * 0.985 * (1 - 0.01 * rng.random()))
    totals[METRO_RECORD_DAY] = METRO_RECORD + rng.randint(0, 400)
    out = {}
    for d, total in totals.items():
        open_ = [(name, share * lognormal(rng, 0.05)) for name, share, first in METRO_STATIONS if d >= first]
        out[d] = dict(zip([n for n, _ in open_], apportion(round(total), [w for _, w in open_])))
    return out


def metro_daily() -> Table:
    """Entries per metro station per day, 2021-2025."""
    rng = random.Random(SEED_METRO + 1)
    truth = metro_truth()
    dates = list(truth)
    # Flaw: a few station-days lost (rows absent).
    lost = {(dates[rng.randrange(len(dates))], rng.choice(METRO_STATIONS[:9])[0]) for _ in range(6)}
    # Flaw: turnstile counters offline for a day, written as 0 (the station was open).
    zeros = {(D(2023, 11, 5), "Alatau"), (D(2024, 9, 14), "Sayran")}
    rows = []
    for d, stations in truth.items():
        for name, entries in stations.items():
            if (d, name) in lost:
                continue
            # Flaw: from April 2024 the export spells Baikonur as Baykonur.
            shown = "Baykonur" if name == "Baikonur" and d >= D(2024, 4, 1) else name
            rows.append([d.isoformat(), shown, 0 if (d, name) in zeros else entries])
    return Table(["date", "station", "entries"], rows)


# CITY-FACTS: Onay card fares 80 ₸ (2012), 100 ₸ from 21 Aug 2023, 120 ₸ cashless-only from August 2024
# (we use 1 August 2024); about 1.5 million trips a day in 2023 and 1.6 million in 2025; BRT about
# 120k passengers a day; fleet about 2,940 vehicles in service in December 2025, 154 of them trolleybuses.
FARES = [(D(2012, 1, 1), 80), (D(2023, 8, 21), 100), (D(2024, 8, 1), 120)]
ONAY_START, ONAY_END = D(2023, 1, 1), D(2025, 12, 31)
# The levels below sit about 1.5% above the published ones because holidays and the dips after fare rises
# pull the yearly means down by about that much.
ONAY_TREND = [(ONAY_START, 1_500_000), (ONAY_END, 1_655_000)]
BRT_DAILY = 122_000
TROLLEYBUS_DAILY = 92_000  # assumption
FLEET_TREND = [(ONAY_START, 2_660), (ONAY_END, 2_950)]  # vehicles out on a working day
TROLLEYBUS_FLEET = [(ONAY_START, 140), (ONAY_END, 155)]
BRT_FLEET = 84  # assumption
# After each fare rise riders dip a little and come back over a couple of months (assumption).
FARE_DIP, FARE_DIP_DAYS = 0.04, 45
TROLLEYBUS_ROUTES = ["1", "5", "11", "12", "16", "19"]
BUS_ROUTES = [
    "2",
    "12",
    "18",
    "25",
    "29",
    "32",
    "37",
    "45",
    "48",
    "59",
    "63",
    "66",
    "70",
    "73",
    "79",
    "86",
    "92",
    "95",
    "98",
    "99",
    "106",
    "112",
    "118",
    "121",
    "126",
    "127",
    "141",
    "145",
    "201",
    "205",
    "208",
    "227",
    "229",
    "242",
]
SEED_ONAY = 2023_0821


def fare_on(d: dt.date) -> int:
    return [fare for start, fare in FARES if start <= d][-1]


def onay_daily() -> Table:
    """Onay card validations per route per day, 2023-2025, with the fare in force."""
    rng = random.Random(SEED_ONAY)
    metro = metro_truth()
    order = BUS_ROUTES[:]
    rng.shuffle(order)
    bus_weight = {route: 1 / (rank + 3) ** 0.8 for rank, route in enumerate(order)}
    trolley_weight = {route: 0.7 + 0.6 * rng.random() for route in TROLLEYBUS_ROUTES}
    outage, padded = D(2024, 6, 18), (D(2024, 2, 1), D(2024, 2, 29))
    rows = []
    for d in date_range(ONAY_START, ONAY_END):
        rise = max(start for start, _ in FARES if start <= d)
        dip = 1 - FARE_DIP * math.exp(-(d - rise).days / FARE_DIP_DAYS) if rise > D(2020, 1, 1) else 1
        common = day_factor(d) * dip * lognormal(rng, 0.02)
        total = interpolate(ONAY_TREND, d) * common
        metro_total = sum(metro[d].values())
        brt = BRT_DAILY * common * lognormal(rng, 0.03)
        trolley = TROLLEYBUS_DAILY * common * lognormal(rng, 0.03)
        bus = total - metro_total - brt - trolley
        working = 1.0 if not is_day_off(d) else 0.85
        fleet = interpolate(FLEET_TREND, d) * working
        trolley_fleet = interpolate(TROLLEYBUS_FLEET, d) * working
        bus_fleet = fleet - trolley_fleet - BRT_FLEET * working
        day_rows = [["Metro", "metro", metro_total, ""], ["BRT", "brt", round(brt), round(BRT_FLEET * working)]]
        tw, bw = sum(trolley_weight.values()), sum(bus_weight.values())
        for route in TROLLEYBUS_ROUTES:
            share = trolley_weight[route] / tw
            day_rows.append([route, "trolleybus", round(trolley * share * lognormal(rng, 0.05)), round(trolley_fleet * share)])
        for route in BUS_ROUTES:
            share = bus_weight[route] / bw
            name = route.zfill(3) if padded[0] <= d <= padded[1] else route  # Flaw: zero-padded codes
            day_rows.append([name, "bus", round(bus * share * lognormal(rng, 0.05)), max(1, round(bus_fleet * share * lognormal(rng, 0.02)))])
        for route, mode, validations, vehicles in day_rows:
            if d == outage and rng.random() < 0.6:  # Flaw: the upload failed for most routes that day
                continue
            row = [d.isoformat(), route, mode, validations, vehicles, fare_on(d)]
            rows.append(row)
            if rng.random() < 0.003:  # Flaw: a batch uploaded twice
                rows.append(row[:])
    return Table(["date", "route", "mode", "validations", "vehicles", "fare_tenge"], rows)


# ----------------------------------------------------------------------------------------------------------
# Bike sharing
# ----------------------------------------------------------------------------------------------------------

# CITY-FACTS "Transport": Almaty Bike, a pilot in 2014, planned 300 stations and about 2,400 bikes;
# 2,500-4,000 rentals a day around 2019; first 30 minutes free; season roughly April to first snow.
BIKE_START, BIKE_END = D(2016, 1, 1), D(2019, 12, 31)
BIKE_LEVEL = {2016: 1_900, 2017: 2_400, 2018: 2_850, 2019: 3_300}  # mean rentals per open day (assumption)
BIKE_SEASON = {4: 0.72, 5: 0.98, 6: 1.12, 7: 1.12, 8: 1.12, 9: 1.06, 10: 0.88, 11: 0.62, 12: 0.5}
BIKE_STATIONS_BY_DISTRICT = {
    "Almaly": 52,
    "Bostandyk": 48,
    "Medeu": 40,
    "Auezov": 26,
    "Zhetysu": 12,
    "Turksib": 8,
    "Alatau": 6,
    "Nauryzbay": 4,
}  # 196 stations (assumption)
BIKE_FLEET = 1_900  # assumption
BIKE_WEEK = (D(2019, 6, 10), D(2019, 6, 16))
SEED_BIKE = 2014_0901


def snow_day(d: dt.date) -> bool:
    temp, precip, _ = weather()[d]
    return precip > 0 and temp <= 1.0


@cache
def bike_season(year: int) -> tuple[dt.date, dt.date]:
    """First and last open day: opens on the first April day warmer than 5 °C, closes with the first snow."""
    wx = weather()
    first = next(d for d in date_range(D(year, 4, 1), D(year, 5, 31)) if wx[d][0] > 5)
    snow = next((d for d in date_range(D(year, 10, 1), D(year, 12, 31)) if snow_day(d)), D(year, 12, 16))
    return first, snow - DAY


@cache
def bike_days() -> dict[dt.date, int]:
    """Rentals on every day of 2016-2019 (0 when the system is closed)."""
    rng = random.Random(SEED_BIKE)
    out = {}
    for d in date_range(BIKE_START, BIKE_END):
        first, last = bike_season(d.year)
        if not first <= d <= last:
            out[d] = 0
            continue
        temp, precip, _ = weather()[d]
        rain = 0.55 if precip > 5 else 0.8 if precip > 0 else 1.0
        cold = 0.7 if temp < 8 else 1.0
        weekend = 1.1 if is_day_off(d) else 0.96
        out[d] = round(BIKE_LEVEL[d.year] * BIKE_SEASON[d.month] * rain * cold * weekend * lognormal(rng, 0.1))
    return out


def bike_daily() -> Table:
    """Rentals per day with the weather, 2016-2019; closed days are kept with 0 rentals."""
    wx = weather()
    rows = []
    for d, rentals in bike_days().items():
        first, last = bike_season(d.year)
        temp, precip, _ = wx[d]
        rows.append([d.isoformat(), boolean(first <= d <= last), rentals, fmt(temp), fmt(precip), boolean(snow_day(d))])
    return Table(["date", "open", "rentals", "temp_c", "precip_mm", "snow"], rows)


@cache
def bike_station_list() -> list[tuple[str, str, str, float, float, int, int]]:
    """(id, name, district, lat, lon, docks, year opened)."""
    rng = random.Random(SEED_BIKE + 1)
    stations, n = [], 0
    for district, count in BIKE_STATIONS_BY_DISTRICT.items():
        for name in crossings(rng, district, count):
            n += 1
            lat, lon = place_near(rng, district, 0.012)
            opened = rng.choices([2016, 2017, 2018, 2019], [0.45, 0.25, 0.18, 0.12])[0]
            stations.append((f"B{n:03d}", name, district, lat, lon, rng.choice([10, 12, 12, 15, 15, 20]), opened))
    return stations


def bike_stations() -> Table:
    rows = [[sid, name, district, fmt(lat, 5), fmt(lon, 5), docks, opened] for sid, name, district, lat, lon, docks, opened in bike_station_list()]
    return Table(["station_id", "name", "district", "lat", "lon", "docks", "opened"], rows)


# Start times by hour (assumption): commuting peaks on working days, afternoons at weekends.
BIKE_HOURS_WORKDAY = (0, 0, 0, 0, 0, 0, 2, 5, 9, 6, 4, 4, 5, 6, 5, 5, 6, 8, 10, 9, 7, 5, 3, 1)
BIKE_HOURS_WEEKEND = (0, 0, 0, 0, 0, 0, 1, 1, 2, 4, 6, 7, 8, 8, 8, 8, 8, 8, 9, 9, 8, 6, 4, 2)


def bike_trips() -> Table:
    """Every trip in one June week of 2019 (as many per day as bike_daily says)."""
    rng = random.Random(SEED_BIKE + 2)
    stations = [s for s in bike_station_list() if s[6] <= 2019]
    where = {s[0]: (s[3], s[4]) for s in stations}
    pull = [s[5] * (1.4 if s[2] in ("Almaly", "Bostandyk", "Medeu") else 1.0) for s in stations]
    pull_cumulative = list(itertools.accumulate(pull))
    rentals = bike_days()
    # where a trip from each station goes: popular stations nearby (assumption)
    destinations = {}
    for origin in stations:
        near = [s for s in stations if s is not origin]
        weights = [p * math.exp(-km_between(where[origin[0]], where[s[0]]) / 1.8) for p, s in zip(pull, stations) if s is not origin]
        destinations[origin[0]] = (near, list(itertools.accumulate(weights)))
    rows, trip_id = [], 4_180_000
    for d in date_range(*BIKE_WEEK):
        hours = BIKE_HOURS_WEEKEND if is_day_off(d) else BIKE_HOURS_WORKDAY
        trips = []
        for _ in range(rentals[d]):
            start = dt.datetime.combine(d, dt.time(rng.choices(range(24), hours)[0])) + dt.timedelta(seconds=rng.randrange(3600))
            origin = rng.choices(stations, cum_weights=pull_cumulative)[0]
            kind = rng.random()
            if kind < 0.025:  # an undock-and-redock false start
                dest, seconds = origin, rng.randint(8, 59)
            elif kind < 0.10:  # a round trip
                dest, seconds = origin, rng.lognormvariate(math.log(26 * 60), 0.5)
            else:
                near, cumulative = destinations[origin[0]]
                dest = rng.choices(near, cum_weights=cumulative)[0]
                km = km_between(where[origin[0]], where[dest[0]]) * 1.3
                seconds = (km / 11 * 3600 + 120) * rng.lognormvariate(0, 0.4)
            trips.append((start, origin[0], dest[0], seconds))
        trips.sort()
        for start, origin, dest, seconds in trips:
            trip_id += 1
            end = start + dt.timedelta(seconds=round(seconds))
            end_station, end_text = dest, end.isoformat()
            flaw = rng.random()
            if flaw < 0.003:  # Flaw: the dock's clock was off, the trip ends before it starts
                end_text = (start - dt.timedelta(minutes=rng.randint(1, 50))).isoformat()
            elif flaw < 0.006:  # Flaw: never docked properly; closed by staff the next day
                end_text = (start + dt.timedelta(hours=rng.uniform(12, 30))).replace(microsecond=0).isoformat()
            elif flaw < 0.010:  # Flaw: the bike never came back (no end at all)
                end_station, end_text = "", ""
            user = "subscriber" if rng.random() < 0.7 else "one_time"
            rows.append([trip_id, start.isoformat(), end_text, origin, end_station, f"K{rng.randint(1, BIKE_FLEET):04d}", user])
    return Table(["trip_id", "start_time", "end_time", "start_station", "end_station", "bike_id", "user_type"], rows)


# ----------------------------------------------------------------------------------------------------------
# Paid parking
# ----------------------------------------------------------------------------------------------------------

# CITY-FACTS "Transport": 100 ₸ an hour (150 ₸ at the Green Bazaar), charged 08:00-19:00; zones by district
# (Almaly 27 zones / 6,504 spaces, Medeu 12 / 4,828, Bostandyk 9 / 710, ...); over 18,000 spaces in 2025;
# pay by app or by SMS in the form zone*plate*hours. The districts after "..." are our assumption.
PARKING_ZONES = {  # district: (zones, spaces, first zone number)
    "Almaly": (27, 6_504, 1001),
    "Medeu": (12, 4_828, 2001),
    "Bostandyk": (9, 710, 3001),
    "Auezov": (7, 2_410, 4001),
    "Zhetysu": (5, 1_590, 5001),
    "Turksib": (4, 1_220, 6001),
    "Alatau": (3, 760, 7001),
    "Nauryzbay": (2, 420, 8001),
}
PARKING_TARIFF, GREEN_BAZAAR_TARIFF = 100, 150
# The Green Bazaar's zone sits at the bazaar itself (Zhibek Zholy Ave at Pushkin St, Medeu district;
# its coordinates on OpenStreetMap), not at a random point of its district: 9 km away, it was wrong.
GREEN_BAZAAR_AT = (43.2624, 76.9533)
PAID_FROM, PAID_UNTIL = 8, 19
PARKING_WEEK = (D(2025, 10, 13), D(2025, 10, 19))
SESSIONS_PER_SPACE = (0.22, 0.22, 0.22, 0.22, 0.23, 0.16, 0.10)  # by weekday (assumption)
# District names as different clerks and systems typed them (flaw).
DISTRICT_SPELLINGS = {
    "Almaly": ["Алмалинский", "almaly", "Almaly district", "Алмалы"],
    "Medeu": ["Медеуский", "medeu", "Medeu district", "Medeo"],
    "Bostandyk": ["Бостандыкский", "bostandyk", "Bostandyq", "Bostandykskiy"],
    "Auezov": ["Ауэзовский", "auezov", "Auezovsky", "Әуезов"],
    "Zhetysu": ["Жетысуский", "zhetysu", "Zhetisu", "Jetisu"],
    "Turksib": ["Турксибский", "turksib", "Turksib district", "Түрксіб"],
    "Alatau": ["Алатауский", "alatau", "Alatau district", "Алатау"],
    "Nauryzbay": ["Наурызбайский", "nauryzbay", "Nauryzbai", "Наурызбай"],
}
SEED_PARKING = 2025_1013


@cache
def parking_zone_list() -> list[tuple[str, str, str, int, int, float, float]]:
    """(zone id, name, district, spaces, tariff, lat, lon)."""
    rng = random.Random(SEED_PARKING)
    zones = []
    for district, (count, spaces, first) in PARKING_ZONES.items():
        names = crossings(rng, district, count)
        if district == "Medeu":
            names[0] = "Green Bazaar (Zhibek Zholy Ave / Pushkin St)"
        sizes = apportion(spaces, [rng.lognormvariate(0, 0.5) for _ in range(count)])
        for k, (name, size) in enumerate(zip(names, sizes)):
            tariff = GREEN_BAZAAR_TARIFF if name.startswith("Green Bazaar") else PARKING_TARIFF
            lat, lon = place_near(rng, district, 0.01)  # drawn for every zone, so the others stay where they were
            if name.startswith("Green Bazaar"):
                lat, lon = GREEN_BAZAAR_AT
            zones.append((str(first + k), name, district, size, tariff, lat, lon))
    return zones


def parking_zones() -> Table:
    rows = [
        [zid, name, district, spaces, tariff, f"{PAID_FROM:02d}:00", f"{PAID_UNTIL:02d}:00", fmt(lat, 5), fmt(lon, 5)]
        for zid, name, district, spaces, tariff, lat, lon in parking_zone_list()
    ]
    return Table(["zone_id", "name", "district", "spaces", "tariff_tenge_per_hour", "paid_from", "paid_until", "lat", "lon"], rows)


def kz_plate(rng: random.Random) -> str:
    """A made-up Kazakh plate: three digits, three letters, region 02 (Almaty)."""
    return f"{rng.randint(1, 999):03d}{''.join(rng.choice('ABCDEFHKLMNOPRSTUXYZ') for _ in range(3))}02"


def parking_sessions() -> Table:
    """Every paid session in one October week of 2025."""
    rng = random.Random(SEED_PARKING + 1)
    start_hours = (0, 0, 0, 0, 0, 0, 0, 2, 9, 10, 10, 10, 10, 9, 9, 8, 8, 7, 5, 0, 0, 0, 0, 0)
    rows, session_id = [], 5_000_000
    for d in date_range(*PARKING_WEEK):
        sessions = []
        for zid, _name, district, spaces, tariff, _lat, _lon in parking_zone_list():
            for _ in range(poisson(rng, spaces * SESSIONS_PER_SPACE[d.weekday()])):
                hour = rng.choices(range(24), start_hours)[0]
                start = dt.datetime.combine(d, dt.time(hour, rng.randrange(60)))
                hours = rng.choices([1, 2, 3, 4, 5, 6, 8], [55, 25, 10, 5, 2, 2, 1])[0]
                hours = max(1, min(hours, PAID_UNTIL + 1 - hour))
                sessions.append((start, zid, district, hours, tariff))
        sessions.sort()
        for start, zid, district, hours, tariff in sessions:
            session_id += 1
            if tariff == GREEN_BAZAAR_TARIFF and rng.random() < 0.1:
                tariff = PARKING_TARIFF  # Flaw: an app version charged the ordinary rate at the Green Bazaar
            shown = rng.choice(DISTRICT_SPELLINGS[district]) if rng.random() < 0.1 else district  # Flaw
            channel, sms = ("app", "") if rng.random() < 0.8 else ("sms", f"{zid}*{kz_plate(rng)}*{hours}")
            if sms and rng.random() < 0.06:  # Flaw: SMS typed loosely
                sms = rng.choice([sms.lower(), sms.replace("*", " * "), sms.replace("*", "-"), " " + sms])
            row = [session_id, zid, shown, start.isoformat(), hours, hours * tariff, channel, sms]
            rows.append(row)
            if rng.random() < 0.005:  # Flaw: a payment retried and logged twice
                rows.append(row[:])
    return Table(["session_id", "zone_id", "district", "start_time", "hours", "amount_tenge", "channel", "sms_text"], rows)


# ----------------------------------------------------------------------------------------------------------
# Road safety cameras (Sergek)
# ----------------------------------------------------------------------------------------------------------

# CITY-FACTS "Transport" (traffic and cameras): Sergek went live on 1 January 2020 with 400 camera sets at 100
# intersections, 2,564 violations in its first 8 days. Intersections per district and the mix of
# violation types are our assumption, as is a slow decline as drivers adapt.
SERGEK_START, SERGEK_END = D(2020, 1, 1), D(2021, 12, 31)
SERGEK_INTERSECTIONS = {"Almaly": 20, "Bostandyk": 18, "Auezov": 15, "Medeu": 13, "Alatau": 10, "Zhetysu": 9, "Turksib": 9, "Nauryzbay": 6}
SERGEK_CAMERA_SETS = 400
SERGEK_FIRST_WEEK = (D(2020, 1, 8), 2_564)  # violations from the start to this day, inclusive
VIOLATION_MIX = {"speeding": 0.55, "red_light": 0.15, "stop_line": 0.20, "no_seatbelt": 0.10}
SERGEK_DAILY = [(SERGEK_START, 320.0), (SERGEK_END, 240.0)]
SEED_SERGEK = 2020_0101


@cache
def sergek_camera_list() -> list[tuple[str, str, str, float, float, int, float]]:
    """(intersection id, name, district, lat, lon, camera sets, busyness weight)."""
    rng = random.Random(SEED_SERGEK)
    sites = []
    for district, count in SERGEK_INTERSECTIONS.items():
        for name in crossings(rng, district, count):
            lat, lon = place_near(rng, district, 0.015)
            sites.append([name, district, lat, lon])
    sets = [SERGEK_CAMERA_SETS // len(sites)] * len(sites)
    for _ in range(60):  # move camera sets between sites, keeping the total
        a, b = rng.randrange(len(sets)), rng.randrange(len(sets))
        if sets[a] > 2 and sets[b] < 6:
            sets[a] -= 1
            sets[b] += 1
    return [
        (f"S{k + 1:03d}", name, district, lat, lon, n, n * rng.lognormvariate(0, 0.4)) for k, ((name, district, lat, lon), n) in enumerate(zip(sites, sets))
    ]


def sergek_cameras() -> Table:
    rows = [[sid, name, district, fmt(lat, 5), fmt(lon, 5), sets, SERGEK_START.isoformat()] for sid, name, district, lat, lon, sets, _w in sergek_camera_list()]
    return Table(["intersection_id", "name", "district", "lat", "lon", "camera_sets", "live_from"], rows)


def sergek_violations() -> Table:
    """Violations per intersection per day by type, 2020-2021, with a total column."""
    rng = random.Random(SEED_SERGEK + 1)
    sites = sergek_camera_list()
    weight_sum = sum(s[6] for s in sites)
    counts = {}
    for d in date_range(SERGEK_START, SERGEK_END):
        level = interpolate(SERGEK_DAILY, d) * (0.9 if is_day_off(d) else 1.04)
        for sid, *_rest, w in sites:
            lam = level * w / weight_sum
            counts[d, sid] = [poisson(rng, lam * share) for share in VIOLATION_MIX.values()]
    # The first eight days add up to the published figure exactly: add or remove single violations.
    first = [key for key in counts if key[0] <= SERGEK_FIRST_WEEK[0]]
    gap = SERGEK_FIRST_WEEK[1] - sum(sum(counts[k]) for k in first)
    while gap:
        cell = counts[rng.choice(first)]
        kind = rng.choices(range(len(VIOLATION_MIX)), list(VIOLATION_MIX.values()))[0]
        if gap > 0 or cell[kind] > 0:
            cell[kind] += 1 if gap > 0 else -1
            gap += -1 if gap > 0 else 1
    # Flaw: cameras offline for days at a time; those intersection-days have no row (not zeros).
    offline = set()
    for _ in range(30):
        sid, start = rng.choice(sites)[0], SERGEK_FIRST_WEEK[0] + dt.timedelta(days=rng.randrange(700))
        offline |= {(start + dt.timedelta(days=k), sid) for k in range(rng.randint(2, 10))}
    glitch = (D(2020, 10, 7), rng.choice(sites)[0])
    bug = (D(2021, 3, 15), D(2021, 3, 21))
    rows = []
    for (d, sid), cells in counts.items():
        if (d, sid) in offline:
            continue
        cells = cells[:]
        if (d, sid) == glitch:
            cells[0] = 4_732  # Flaw: a radar out of calibration for a day
        total = sum(cells) + (cells[1] if bug[0] <= d <= bug[1] else 0)  # Flaw: red_light counted twice
        rows.append([d.isoformat(), sid] + cells + [total])
    return Table(["date", "intersection_id", *VIOLATION_MIX, "total"], rows)


# ----------------------------------------------------------------------------------------------------------
# Housing: apartment buildings and how they are managed
# ----------------------------------------------------------------------------------------------------------

# CITY-FACTS "Services and open government": about 8,900 apartment buildings; management moved from KSK
# cooperatives to owners' associations (OSI) and simple partnerships from 2022. Shares by district, era and
# form are assumptions.
HOUSING_BY_DISTRICT = {
    "Almaly": 1_450,
    "Auezov": 1_700,
    "Bostandyk": 1_750,
    "Medeu": 1_050,
    "Zhetysu": 900,
    "Turksib": 800,
    "Alatau": 850,
    "Nauryzbay": 400,
}  # 8,900 buildings
HOUSING_ERA = {  # district: weights for (1950s, 1960-75, 1976-91, 1992-2005, 2006-2025)
    "Almaly": (0.12, 0.30, 0.30, 0.13, 0.15),
    "Auezov": (0.02, 0.20, 0.50, 0.13, 0.15),
    "Bostandyk": (0.04, 0.22, 0.34, 0.15, 0.25),
    "Medeu": (0.08, 0.25, 0.30, 0.15, 0.22),
    "Zhetysu": (0.06, 0.30, 0.35, 0.12, 0.17),
    "Turksib": (0.08, 0.30, 0.32, 0.12, 0.18),
    "Alatau": (0.01, 0.05, 0.14, 0.20, 0.60),
    "Nauryzbay": (0.0, 0.02, 0.08, 0.20, 0.70),
}
FORM_2025_FROM_KSK = {"OSI": 0.78, "simple partnership": 0.15, "KSK": 0.04, "none": 0.03}
FORM_2025_FROM_NONE = {"OSI": 0.40, "simple partnership": 0.30, "none": 0.30}
FORM_SPELLINGS = {"OSI": ["ОСИ", "osi", "O.S.I.", "OSI "], "simple partnership": ["ПТ", "Simple partnership", "simple_partnership"]}
SEED_HOUSING = 2022_0101


def building_era(rng: random.Random, district: str) -> tuple[int, int, str]:
    """(year built, floors, wall material) for one building."""
    era = rng.choices(range(5), HOUSING_ERA[district])[0]
    if era == 0:
        return rng.randint(1950, 1959), rng.choice([2, 3, 4]), "brick"
    if era == 1:
        return rng.randint(1960, 1975), rng.choice([4, 5, 5, 5]), rng.choice(["panel", "brick"])
    if era == 2:
        return rng.randint(1976, 1991), rng.choice([5, 9, 9, 12]), rng.choice(["panel", "panel", "brick"])
    if era == 3:
        return rng.randint(1992, 2005), rng.choice([5, 6, 9]), rng.choice(["brick", "block"])
    return rng.randint(2006, 2025), rng.choice([9, 12, 12, 16, 20]), rng.choice(["monolith", "monolith", "block"])


def housing_buildings() -> Table:
    rng = random.Random(SEED_HOUSING)
    change_start = D(2022, 1, 10)
    rows, seen, n = [], set(), 0
    for district, count in HOUSING_BY_DISTRICT.items():
        for _ in range(count):
            while True:
                street = rng.choice(STREETS[district])
                number = f"{rng.randint(1, 260)}{rng.choice(['', '', '', '', 'A', 'B'])}"
                address = f"{street} {number}"
                if address not in seen:
                    seen.add(address)
                    break
            year, floors, wall = building_era(rng, district)
            apartments = floors * rng.randint(1, 6) * rng.choice([3, 4, 4])
            if year >= 2022:  # not there yet in 2021: founded straight as an OSI
                form_2021, form_2025 = "", "OSI"
                changed = D(year, rng.randint(3, 12), rng.randint(1, 28))
            else:
                form_2021 = "KSK" if rng.random() < 0.83 else "none"
                table = FORM_2025_FROM_KSK if form_2021 == "KSK" else FORM_2025_FROM_NONE
                form_2025 = rng.choices(list(table), list(table.values()))[0]
                # most switched in 2022-2023, a tail in 2024 (triangular, assumption)
                changed = change_start + dt.timedelta(days=round(rng.triangular(0, 1080, 200)))
            n += 1
            shown_year = str(year)
            if rng.random() < 0.03:  # Flaw: year unknown
                shown_year = ""
            elif rng.random() < 0.004:  # Flaw: 0 typed for unknown
                shown_year = "0"
            shown_form = form_2025
            if form_2025 in FORM_SPELLINGS and rng.random() < 0.06:  # Flaw: the same form spelled differently
                shown_form = rng.choice(FORM_SPELLINGS[form_2025])
            row = [
                f"H{n:05d}",
                district,
                address,
                shown_year,
                floors,
                apartments,
                wall,
                form_2021,
                shown_form,
                changed.isoformat() if form_2025 != form_2021 else "",
            ]
            rows.append(row)
    # Flaw: about 45 buildings entered a second time, under a new id and with the address in capitals.
    for row in rng.sample(rows, 45):
        n += 1
        rows.append([f"H{n:05d}", row[1], row[2].upper()] + row[3:])
    return Table(
        ["building_id", "district", "address", "year_built", "floors", "apartments", "wall_material", "form_2021", "form_2025", "form_changed_on"], rows
    )


# ----------------------------------------------------------------------------------------------------------
# Citizen appeals (Open Almaty)
# ----------------------------------------------------------------------------------------------------------

# CITY-FACTS "Services and open government": Open Almaty, Jan-Sep 2025: 173,518 appeals, 69% resolved on the
# spot; by category, of the coded ones: public transport 21%, utility networks 13%, road repair 13%,
# cleaning 11%, greening 8%, lighting 5%. The category counts sum to far fewer than the total.
APPEALS_START, APPEALS_END = D(2025, 1, 1), D(2025, 9, 30)
APPEALS_TOTAL = 173_518
RESOLVED_ON_SPOT = 0.69
CATEGORY_SHARES = {
    "public_transport": 0.21,
    "utility_networks": 0.13,
    "road_repair": 0.13,
    "cleaning": 0.11,
    "greening": 0.08,
    "lighting": 0.05,
    "other_coded": 0.29,
}
CODED_SHARE = 0.55  # assumption: how many appeals get a category at all
APPEALS_WEEKDAY = (1.15, 1.10, 1.10, 1.10, 1.05, 0.80, 0.70)
APPEALS_MONTH = (1.15, 1.10, 1.00, 1.00, 0.95, 0.95, 0.95, 0.95, 1.00)
# Seasons move the mix a little: greening and road repair in spring and summer, utilities in winter.
CATEGORY_SEASON = {
    "utility_networks": (1.3, 1.25, 1.1, 0.9, 0.85, 0.85, 0.85, 0.9, 1.0),
    "road_repair": (0.8, 0.8, 1.0, 1.15, 1.15, 1.1, 1.05, 1.0, 0.95),
    "greening": (0.5, 0.5, 0.9, 1.4, 1.4, 1.3, 1.2, 1.0, 0.9),
}
APPEALS_OUTAGE = D(2025, 6, 17)  # the portal's export has no rows that day; they arrive the next day
SEED_APPEALS = 2025_0930
SEED_APPEALS_REPORT = 2024_0930


def appeals_daily() -> Table:
    """Appeals per district per day, Jan-Sep 2025: total, resolved on the spot, and coded categories."""
    rng = random.Random(SEED_APPEALS)
    keys, weights = [], []
    for d in date_range(APPEALS_START, APPEALS_END):
        for district in DISTRICT_NAMES:
            keys.append((d, district))
            weights.append(APPEALS_WEEKDAY[d.weekday()] * APPEALS_MONTH[d.month - 1] * POPULATION[district] * lognormal(rng, 0.12))
    counts = dict(zip(keys, apportion(APPEALS_TOTAL, weights)))
    for district in DISTRICT_NAMES:
        counts[APPEALS_OUTAGE + DAY, district] += counts.pop((APPEALS_OUTAGE, district))
    rows = []
    for (d, district), n in counts.items():
        season = {c: s * CATEGORY_SEASON.get(c, [1] * 9)[d.month - 1] for c, s in CATEGORY_SHARES.items()}
        coded, left, cats = binomial(rng, n, CODED_SHARE), sum(season.values()), []
        for s in season.values():  # a multinomial draw, one category at a time
            k = binomial(rng, coded, min(1.0, s / left))
            cats.append(k)
            coded, left = coded - k, left - s
        rows.append([d.isoformat(), district, n, binomial(rng, n, RESOLVED_ON_SPOT)] + cats)
    for i in sorted(rng.sample(range(len(rows)), 3), reverse=True):  # Flaw: three rows exported twice
        rows.insert(i + 1, rows[i][:])
    return Table(["date", "district", "appeals", "resolved_on_spot", *CATEGORY_SHARES], rows)


# ----------------------------------------------------------------------------------------------------------
# An office spreadsheet: the appeals report as a district akimat's clerk receives it (.xlsx)
# ----------------------------------------------------------------------------------------------------------

# The same appeals as appeals_daily (Jan-Sep 2025, 173,518 in all: CITY-FACTS "Services and open government"),
# summed per district the way a monthly report does, beside the same months of 2024. The 2024 figures, the
# 2024 share resolved on the spot and the appeals without a district are our assumptions (no published table).
APPEALS_2024_GROWTH = {  # assumption: 2025 over 2024, per district (the newer districts grow fastest)
    "Alatau": 1.21,
    "Almaly": 1.04,
    "Auezov": 1.09,
    "Bostandyk": 1.07,
    "Medeu": 1.05,
    "Nauryzbay": 1.26,
    "Turksib": 1.12,
    "Zhetysu": 1.08,
}
APPEALS_2024_RESOLVED = 0.64  # assumption: the 2024 share resolved on the spot
APPEALS_2024_NO_DISTRICT = 2_291  # assumption: 2024 appeals sent without an address (none since the app requires one)
REPORT_TIME = dt.datetime(2025, 10, 6, 9, 30)  # the file's own timestamps, fixed so its bytes never change
REPORT_SHEET = "Районы"
REPORT_ROWS = 10  # the table's rows between its header and its footnotes: the total, 8 districts, "no district"


def thousands(n: int) -> str:
    """A whole number as a text with spaces between thousands, as reports pasted from other systems hold it."""
    return f"{n:,}".replace(",", " ")


def appeals_report_rows() -> list[list]:
    """The report's table: [name, code, 2024 received, 2024 resolved, 2025 received, 2025 resolved]."""
    seen, received, resolved = set(), dict.fromkeys(DISTRICT_NAMES, 0), dict.fromkeys(DISTRICT_NAMES, 0)
    for row in appeals_daily().rows:
        if (row[0], row[1]) in seen:  # the daily export's rows exported twice are counted once in a report
            continue
        seen.add((row[0], row[1]))
        received[row[1]] += row[2]
        resolved[row[1]] += row[3]
    rng = random.Random(SEED_APPEALS_REPORT)
    body = []
    for i, (name, ru, *_rest) in enumerate(DISTRICTS, start=1):
        before = round(received[name] / (APPEALS_2024_GROWTH[name] + rng.uniform(-0.015, 0.015)))
        body.append([ru, f"{i:02d}", before, binomial(rng, before, APPEALS_2024_RESOLVED), received[name], resolved[name]])
    body.append(["Район не указан", "09", APPEALS_2024_NO_DISTRICT, 0, 0, 0])
    total = ["Всего по городу", "00"] + [sum(r[k] for r in body) for k in range(2, 6)]
    return [total] + body


def appeals_report() -> bytes:
    """appeals_report.xlsx: title rows, a units line, a two-level merged header, the city total first, numbers
    of 2025 stored as text with spaces, "-" for none, a hidden code column, footnotes, a notes sheet first."""
    from openpyxl import Workbook  # only this file needs openpyxl; every other dataset is standard library only
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    notes = wb.active
    notes.title = "Пояснения"
    for line in (
        "Сведения об обращениях граждан, поступивших через сервис Open Almaty",
        "Таблица по районам — на листе «Районы».",
        "Курсовой файл Qala: форма как у настоящих отчётов, числа синтетические (2025 год — по набору appeals_daily).",
    ):
        notes.append([line])
    ws = wb.create_sheet(REPORT_SHEET)
    ws.append(["Сведения об обращениях граждан в разрезе районов города Алматы"])
    ws.append(["за январь–сентябрь 2024 и 2025 годов"])
    ws.append([None, None, None, None, None, "(единиц)"])
    ws.append(["Район", "Код", 2024, None, 2025, None])
    ws.append([None, None, "Поступило", "Решено на месте", "Поступило", "Решено на месте"])
    for name, code, *numbers in appeals_report_rows():
        cells = [n if k < 2 else thousands(n) for k, n in enumerate(numbers)]  # 2025 was pasted in as text
        ws.append([name, code] + ["-" if n in (0, "0") else n for n in cells])
    ws.append([])
    ws.append(["Примечание: «-» — обращений не было."])
    ws.append(["Данные за 2025 год оперативные."])
    ws.append(["Источник: сервис Open Almaty (курсовые данные Qala)."])
    for cells in ("A1:F1", "A2:F2", "A4:A5", "B4:B5", "C4:D4", "E4:F4"):
        ws.merge_cells(cells)
    for row in (1, 2):
        ws.cell(row, 1).font = Font(bold=True)
        ws.cell(row, 1).alignment = Alignment(horizontal="center")
    for col in range(1, 7):
        ws.cell(4, col).alignment = ws.cell(5, col).alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.cell(4, col).font = ws.cell(5, col).font = Font(bold=True)
    ws.cell(6, 1).font = Font(bold=True)
    for row in range(6, 6 + REPORT_ROWS):
        for col in (3, 4):
            ws.cell(row, col).number_format = "# ##0"
    ws.column_dimensions["A"].width = 24
    ws.column_dimensions["B"].hidden = True  # a code column the clerk's screen does not show, but pandas reads
    for letter in "CDEF":
        ws.column_dimensions[letter].width = 14
    wb.active = 1
    wb.properties.creator = "Qala"
    wb.properties.created = wb.properties.modified = REPORT_TIME
    wb.properties.lastModifiedBy = "Qala"
    raw = io.BytesIO()
    wb.save(raw)
    return stable_zip(raw.getvalue())


def stable_zip(data: bytes) -> bytes:
    """The same archive with fixed entry dates and attributes, so the file's bytes depend on its content only."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for entry in source.infolist():
            info = zipfile.ZipInfo(entry.filename, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type, info.external_attr, info.create_system = zipfile.ZIP_DEFLATED, 0o644 << 16, 3
            content = source.read(entry.filename)
            if entry.filename == "docProps/core.xml":  # openpyxl stamps the time of saving here, whatever we set
                stamp = REPORT_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
                content = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + stamp, content)
            target.writestr(info, content, compresslevel=GZIP_LEVEL)
    return out.getvalue()


# ----------------------------------------------------------------------------------------------------------
# The city budget
# ----------------------------------------------------------------------------------------------------------

# CITY-FACTS "Services and open government": the city budget was about 1.26 trillion ₸ (2023); legal budget
# tables state amounts in thousands of tenge. The split into groups and programmes is our assumption.
BUDGET_TOTAL_THOUSANDS = 1_260_000_000
BUDGET = [
    # (group code, share, (en, ru, kk), [(weight, (en, ru, kk)), ...])
    (
        1,
        0.035,
        ("General public services", "Государственные услуги общего характера", "Жалпы сипаттағы мемлекеттік қызметтер"),
        [
            (0.50, ("City akim's office", "Обеспечение деятельности акима города", "Қала әкімінің қызметін қамтамасыз ету")),
            (0.05, ("City maslikhat", "Обеспечение деятельности маслихата города", "Қала мәслихатының қызметін қамтамасыз ету")),
            (0.30, ("District akims' offices", "Обеспечение деятельности акимов районов", "Аудан әкімдерінің қызметін қамтамасыз ету")),
            (0.15, ("Digital public services", "Цифровизация государственных услуг", "Мемлекеттік қызметтерді цифрландыру")),
        ],
    ),
    (
        2,
        0.015,
        ("Defence and civil protection", "Оборона и гражданская защита", "Қорғаныс және азаматтық қорғау"),
        [
            (0.60, ("Mudflow and flood protection", "Защита от селей и паводков", "Сел мен су тасқынынан қорғау")),
            (
                0.40,
                ("Emergency prevention and response", "Предупреждение и ликвидация чрезвычайных ситуаций", "Төтенше жағдайлардың алдын алу және оларды жою"),
            ),
        ],
    ),
    (
        3,
        0.030,
        ("Public order and safety", "Общественный порядок и безопасность", "Қоғамдық тәртіп және қауіпсіздік"),
        [
            (0.45, ("Road safety cameras (Sergek)", "Система видеонаблюдения на дорогах (Sergek)", "Жолдардағы бейнебақылау жүйесі (Sergek)")),
            (0.35, ("Traffic lights and road signs", "Светофоры и дорожные знаки", "Бағдаршамдар мен жол белгілері")),
            (0.20, ("Public order support", "Обеспечение общественного порядка", "Қоғамдық тәртіпті қамтамасыз ету")),
        ],
    ),
    (
        4,
        0.240,
        ("Education", "Образование", "Білім беру"),
        [
            (0.22, ("Preschool education", "Дошкольное воспитание и обучение", "Мектепке дейінгі тәрбие мен оқыту")),
            (0.48, ("General secondary education", "Общее среднее образование", "Жалпы орта білім беру")),
            (0.18, ("Building and rebuilding schools", "Строительство и реконструкция школ", "Мектептерді салу және қайта жаңарту")),
            (0.08, ("Technical and vocational education", "Техническое и профессиональное образование", "Техникалық және кәсіптік білім беру")),
            (0.04, ("After-school activities for children", "Дополнительное образование детей", "Балаларға қосымша білім беру")),
        ],
    ),
    (
        5,
        0.040,
        ("Health", "Здравоохранение", "Денсаулық сақтау"),
        [
            (0.55, ("Building clinics and hospitals", "Строительство объектов здравоохранения", "Денсаулық сақтау нысандарын салу")),
            (0.25, ("Ambulance service", "Скорая медицинская помощь", "Жедел медициналық жәрдем")),
            (0.20, ("Public health programmes", "Программы охраны общественного здоровья", "Қоғамдық денсаулықты сақтау бағдарламалары")),
        ],
    ),
    (
        6,
        0.060,
        ("Social assistance", "Социальная помощь и социальное обеспечение", "Әлеуметтік көмек және әлеуметтік қамсыздандыру"),
        [
            (0.35, ("Targeted social assistance", "Адресная социальная помощь", "Атаулы әлеуметтік көмек")),
            (0.15, ("Housing assistance", "Жилищная помощь", "Тұрғын үй көмегі")),
            (0.30, ("Support for people with disabilities", "Поддержка лиц с инвалидностью", "Мүгедектігі бар адамдарды қолдау")),
            (0.20, ("Help finding work", "Содействие занятости", "Жұмыспен қамтуға жәрдемдесу")),
        ],
    ),
    (
        7,
        0.180,
        ("Housing and utilities", "Жилищно-коммунальное хозяйство", "Тұрғын үй-коммуналдық шаруашылық"),
        [
            (0.30, ("Housing construction", "Строительство жилья", "Тұрғын үй салу")),
            (0.18, ("Water supply and sewerage", "Водоснабжение и водоотведение", "Сумен жабдықтау және су бұру")),
            (0.14, ("Heating networks", "Развитие тепловых сетей", "Жылу желілерін дамыту")),
            (0.06, ("Street lighting", "Освещение улиц", "Көшелерді жарықтандыру")),
            (0.17, ("Greening and public spaces", "Озеленение и благоустройство", "Көгалдандыру және абаттандыру")),
            (0.10, ("Street cleaning and waste collection", "Санитария и вывоз отходов", "Санитария және қалдықтарды шығару")),
            (0.05, ("Moving the TETs-2 plant to gas", "Перевод ТЭЦ-2 на газ", "ЖЭО-2-ні газға көшіру")),
        ],
    ),
    (
        8,
        0.040,
        ("Culture, sport and tourism", "Культура, спорт и туризм", "Мәдениет, спорт және туризм"),
        [
            (0.30, ("Theatres and concert halls", "Театры и концертные организации", "Театрлар мен концерттік ұйымдар")),
            (0.45, ("Sports grounds and events", "Спортивные объекты и мероприятия", "Спорт нысандары мен іс-шаралар")),
            (0.15, ("Libraries and museums", "Библиотеки и музеи", "Кітапханалар мен мұражайлар")),
            (0.10, ("Tourism", "Развитие туризма", "Туризмді дамыту")),
        ],
    ),
    (
        10,
        0.020,
        ("Environment and land", "Охрана окружающей среды и земельные отношения", "Қоршаған ортаны қорғау және жер қатынастары"),
        [
            (0.40, ("Clean air: monitoring and protection", "Мониторинг и охрана атмосферного воздуха", "Атмосфералық ауаны бақылау және қорғау")),
            (0.30, ("Land relations", "Земельные отношения", "Жер қатынастары")),
            (0.30, ("Rivers and parks", "Охрана рек и парков", "Өзендер мен саябақтарды қорғау")),
        ],
    ),
    (
        11,
        0.040,
        ("Architecture and urban planning", "Архитектура и градостроительство", "Сәулет және қала құрылысы"),
        [
            (0.30, ("Urban planning documents", "Градостроительная документация", "Қала құрылысы құжаттамасы")),
            (
                0.70,
                (
                    "Pipes, roads and power for new neighbourhoods",
                    "Инженерная инфраструктура новых микрорайонов",
                    "Жаңа шағын аудандардың инженерлік инфрақұрылымы",
                ),
            ),
        ],
    ),
    (
        12,
        0.200,
        ("Transport and communications", "Транспорт и коммуникации", "Көлік және коммуникация"),
        [
            (0.40, ("Building and repairing roads", "Строительство и ремонт дорог", "Жолдарды салу және жөндеу")),
            (0.25, ("Public transport subsidies", "Субсидирование общественного транспорта", "Қоғамдық көлікті субсидиялау")),
            (0.20, ("Metro construction", "Строительство метрополитена", "Метрополитен салу")),
            (0.08, ("BRT and bus lanes", "BRT и выделенные полосы", "BRT және бөлінген жолақтар")),
            (0.02, ("Bike lanes and bike sharing", "Велодорожки и велопрокат", "Веложолдар мен велопрокат")),
            (0.05, ("Parking management", "Управление парковочным пространством", "Автотұрақтарды басқару")),
        ],
    ),
    (
        13,
        0.030,
        ("Other", "Прочие", "Басқалар"),
        [
            (0.60, ("Support for small business", "Поддержка предпринимательства", "Кәсіпкерлікті қолдау")),
            (0.40, ("Akimat reserve", "Резерв местного исполнительного органа", "Жергілікті атқарушы органның резерві")),
        ],
    ),
    (
        14,
        0.010,
        ("Debt service", "Обслуживание долга", "Борышқа қызмет көрсету"),
        [(1.00, ("Interest on the city's debt", "Обслуживание долга местного исполнительного органа", "Жергілікті атқарушы органның борышына қызмет көрсету"))],
    ),
    (
        15,
        0.060,
        ("Transfers", "Трансферты", "Трансферттер"),
        [(1.00, ("Withdrawals to the national budget", "Бюджетные изъятия в республиканский бюджет", "Республикалық бюджетке бюджеттік алып қоюлар"))],
    ),
]
SEED_BUDGET = 2023_0001


def thousands_with_spaces(n: int) -> str:
    return f"{n:,}".replace(",", " ")


def budget_2023() -> Table:
    """The 2023 city budget: programme lines under group subtotals, in thousands of tenge."""
    rng = random.Random(SEED_BUDGET)
    lines = [(g, share * w * lognormal(rng, 0.05)) for g, share, _n, progs in BUDGET for w, _p in progs]
    plans = iter(apportion(BUDGET_TOTAL_THOUSANDS, [w for _g, w in lines]))
    spaced = {"07-211-011", "12-276-031"}  # Flaw: amounts pasted with thousands separators
    rows = []
    for group, _share, names, programmes in BUDGET:
        admin = 120 + 13 * group
        block = []
        for k, (_w, pnames) in enumerate(programmes):
            plan = next(plans)
            executed = round(plan * rng.uniform(0.86, 0.995))
            block.append([f"{group:02d}-{admin}-{10 * k + 11:03d}", *pnames, plan, executed])
        if group == 12:
            block[1][5] = round(block[1][4] * 1.07)  # a line that spent more than planned
        # Flaw for the unwary: each group's subtotal row sits above its programmes in the same columns.
        rows.append(["group", f"{group:02d}", "", *names, sum(r[4] for r in block), sum(r[5] for r in block)])
        for code, en, ru, kk, plan, executed in block:
            shown = thousands_with_spaces(plan) if code in spaced else plan
            rows.append(["programme", f"{group:02d}", code, en, ru, kk, shown, executed])
    return Table(["line_type", "function_group", "programme_code", "name_en", "name_ru", "name_kk", "plan_thousand_tenge", "executed_thousand_tenge"], rows)


# ----------------------------------------------------------------------------------------------------------
# Waste
# ----------------------------------------------------------------------------------------------------------

# CITY-FACTS "Waste and energy": about 1,500 t of municipal waste a day; composition roughly food 48%,
# paper 13%, plastic 10%, glass 10%, textile 5%, metal 1%, other 14%.
WASTE_PER_DAY = 1_500
WASTE_COMPOSITION = {"food": 0.48, "paper": 0.13, "plastic": 0.10, "glass": 0.10, "textile": 0.05, "metal": 0.01, "other": 0.14}
WASTE_YEAR = 2024
# Assumptions: shops and offices add to the centre's waste; summer fruit adds to everyone's.
WASTE_DISTRICT_FACTOR = {"Almaly": 1.30, "Medeu": 1.20, "Bostandyk": 1.05, "Auezov": 0.95, "Alatau": 0.85, "Nauryzbay": 0.85, "Turksib": 0.95, "Zhetysu": 0.95}
WASTE_SEASON = (0.93, 0.92, 0.96, 1.00, 1.03, 1.06, 1.08, 1.10, 1.06, 1.00, 0.95, 0.93)
WASTE_WEEKDAY = (1.12, 1.02, 1.00, 1.00, 1.02, 0.98, 0.86)
SEED_WASTE = 2024_0601


def waste_daily() -> Table:
    """Tonnes of municipal waste collected per district per day in 2024."""
    rng = random.Random(SEED_WASTE)
    base = {d: POPULATION[d] * WASTE_DISTRICT_FACTOR[d] for d in DISTRICT_NAMES}
    scale = WASTE_PER_DAY / sum(base.values()) / (sum(WASTE_SEASON) / 12) / (sum(WASTE_WEEKDAY) / 7)
    kilograms = {(D(2024, 3, 12), "Auezov"), (D(2024, 8, 27), "Almaly")}  # Flaw: typed in kg, not tonnes
    gap = set(date_range(D(2024, 5, 6), D(2024, 5, 11)))  # Flaw: a week of Nauryzbay missing
    rows = []
    for d in date_range(D(WASTE_YEAR, 1, 1), D(WASTE_YEAR, 12, 31)):
        for district in DISTRICT_NAMES:
            t = base[district] * scale * WASTE_SEASON[d.month - 1] * WASTE_WEEKDAY[d.weekday()] * lognormal(rng, 0.06)
            cell = fmt(t * 1000 if (d, district) in kilograms else t)
            if district == "Nauryzbay" and d in gap:
                cell = ""
            rows.append([d.isoformat(), district, cell])
    return Table(["date", "district", "tonnes"], rows)


def waste_composition() -> Table:
    """A sorting survey: bags of waste weighed by fraction, two per district in four seasons of 2024."""
    rng = random.Random(SEED_WASTE + 1)
    rows, sample = [], 0
    for month in (1, 4, 7, 10):
        for district in DISTRICT_NAMES:
            for _ in range(2):
                sample += 1
                day = D(WASTE_YEAR, month, rng.randint(8, 24))
                mass = rng.uniform(80, 120)
                weights = {f: s * lognormal(rng, 0.18) for f, s in WASTE_COMPOSITION.items()}
                total = sum(weights.values())
                for fraction, w in weights.items():
                    rows.append([f"W{sample:03d}", day.isoformat(), district, fraction, fmt(mass * w / total, 2)])
    return Table(["sample_id", "date", "district", "fraction", "kg"], rows)


# ----------------------------------------------------------------------------------------------------------
# Energy and heating
# ----------------------------------------------------------------------------------------------------------

# CITY-FACTS "The city" (climate): heating season from 15 October until daily means stay above +8 °C
# (early April).
# CITY-FACTS "Waste and energy": TETs-2 burns about 1.5 Mt of coal a season; heat about 7,500 ₸/Gcal (2025);
# electricity about 36 ₸/kWh, tiered by use per person.
HEATING_START = (10, 15)
HEATING_END_TEMP, HEATING_END_RUN = 8.0, 5  # off once 5 days in a row are warmer than +8 °C (our reading)
HEATING_EARLIEST_END = (3, 15)
COAL_PER_SEASON_T = 1_500_000
COAL_OFF_SEASON_T = 1_800  # a day of coal for electricity alone (assumption)
HEAT_GCAL_PER_DEGREE_DAY = 1_650  # assumption
HOT_WATER_GCAL = 3_000  # a day, all year (assumption)
SEED_HEATING = 2021_1015


@cache
def heating_days() -> dict[dt.date, bool]:
    """date -> whether the central heating is on (from 15 October; off once spring stays above +8 °C)."""
    wx = weather()
    out = {}
    for d in date_range(WEATHER_START, WEATHER_END):
        out[d] = d >= D(d.year, *HEATING_START)
    for year in range(WEATHER_START.year, WEATHER_END.year + 1):
        end = next(
            d
            for d in date_range(D(year, *HEATING_EARLIEST_END), D(year, 5, 31))
            if all(wx[d + dt.timedelta(days=k)][0] > HEATING_END_TEMP for k in range(HEATING_END_RUN))
        )
        for d in date_range(D(year, 1, 1), end - DAY):
            out[d] = True
    return out


def heating_daily() -> Table:
    """City temperature, heating on or off, heat supplied and coal burnt at TETs-2, per day 2021-2025."""
    rng = random.Random(SEED_HEATING)
    wx, on = weather(), heating_days()
    dates = list(date_range(AIR_START, AIR_END))
    degree_days = {d: max(0.0, 18 - wx[d][0]) if on[d] else 0.0 for d in dates}
    # each season's coal follows its degree-days: a colder winter burns more (mean season = 1.5 Mt)
    seasons = {}
    for d in dates:
        if on[d]:
            seasons.setdefault(d.year if d.month >= 10 else d.year - 1, []).append(d)
    full = [s for s in seasons if D(s, 10, 15) in degree_days and D(s + 1, 3, 1) in degree_days]
    mean_dd = sum(sum(degree_days[d] for d in seasons[s]) for s in full) / len(full)
    coal_per_dd = COAL_PER_SEASON_T / mean_dd
    summer_gap = set(date_range(D(2022, 7, 18), D(2022, 7, 22)))  # Flaw: the thermometer feed was down
    rows = []
    for d in dates:
        coal = COAL_OFF_SEASON_T * lognormal(rng, 0.08)
        if on[d]:
            coal = degree_days[d] * coal_per_dd * lognormal(rng, 0.05)
        coal_cell = fmt(coal / 1000, 1) if (d.year, d.month) == (2023, 1) else str(round(coal))  # Flaw: kt
        heat = HOT_WATER_GCAL + HEAT_GCAL_PER_DEGREE_DAY * degree_days[d]
        rows.append([d.isoformat(), "" if d in summer_gap else fmt(wx[d][0]), boolean(on[d]), round(heat * lognormal(rng, 0.03)), coal_cell])
    return Table(["date", "temp_c", "heating_on", "heat_supplied_gcal", "coal_tets2_t"], rows)


# The history before 2025 is our assumption (a steady climb to the 2025 figures above).
TARIFFS = [
    # valid from, utility, tier, from, to (kWh per person a month), unit, price ₸
    *[(D(y, 7, 1), "heat", "", "", "", "Gcal", p) for y, p in [(2021, 5_210.0), (2022, 5_640.0), (2023, 6_480.0), (2024, 7_050.0), (2025, 7_500.0)]],
    *[
        (D(y, 1, 1), "electricity", str(tier), lo, hi, "kWh", p)
        for y, prices in [
            (2021, (20.95, 26.18, 31.42)),
            (2022, (22.84, 28.55, 34.26)),
            (2023, (27.11, 33.89, 40.67)),
            (2024, (31.65, 39.56, 47.47)),
            (2025, (36.00, 45.00, 54.00)),
        ]
        for tier, lo, hi, p in zip((1, 2, 3), ("0", "70", "140"), ("70", "140", ""), prices)
    ],
]


def energy_tariffs() -> Table:
    rows = [[d.isoformat(), utility, tier, lo, hi, unit, fmt(price, 2)] for d, utility, tier, lo, hi, unit, price in TARIFFS]
    return Table(["valid_from", "utility", "tier", "from_kwh_per_person", "to_kwh_per_person", "unit", "price_tenge"], rows)


# ----------------------------------------------------------------------------------------------------------
# The open data portal's catalogue
# ----------------------------------------------------------------------------------------------------------

# CITY-FACTS "Services and open government": the national portal holds over 3,000 datasets, with
# transliterated Kazakh names.
# Topics, regions and publishers are real kinds of things; every entry is made up.
PORTAL_REGIONS = [
    # English, Russian genitive ("... of X"), Kazakh genitive
    ("Almaty", "г. Алматы", "Алматы қаласының"),
    ("Astana", "г. Астаны", "Астана қаласының"),
    ("Shymkent", "г. Шымкента", "Шымкент қаласының"),
    ("Abai Region", "области Абай", "Абай облысының"),
    ("Akmola Region", "Акмолинской области", "Ақмола облысының"),
    ("Aktobe Region", "Актюбинской области", "Ақтөбе облысының"),
    ("Almaty Region", "Алматинской области", "Алматы облысының"),
    ("Atyrau Region", "Атырауской области", "Атырау облысының"),
    ("West Kazakhstan Region", "Западно-Казахстанской области", "Батыс Қазақстан облысының"),
    ("Zhambyl Region", "Жамбылской области", "Жамбыл облысының"),
    ("Zhetysu Region", "области Жетісу", "Жетісу облысының"),
    ("Karaganda Region", "Карагандинской области", "Қарағанды облысының"),
    ("Kostanay Region", "Костанайской области", "Қостанай облысының"),
    ("Kyzylorda Region", "Кызылординской области", "Қызылорда облысының"),
    ("Mangystau Region", "Мангистауской области", "Маңғыстау облысының"),
    ("Pavlodar Region", "Павлодарской области", "Павлодар облысының"),
    ("North Kazakhstan Region", "Северо-Казахстанской области", "Солтүстік Қазақстан облысының"),
    ("Turkistan Region", "Туркестанской области", "Түркістан облысының"),
    ("Ulytau Region", "области Ұлытау", "Ұлытау облысының"),
    ("East Kazakhstan Region", "Восточно-Казахстанской области", "Шығыс Қазақстан облысының"),
]
PORTAL_TOPICS = [
    # Russian title, Kazakh title, category, publishing department (Russian), editions: once, yearly, quarterly
    ("Список общеобразовательных школ", "жалпы білім беретін мектептер тізімі", "education", "Управление образования", "once"),
    ("Список детских садов", "балабақшалар тізімі", "education", "Управление образования", "once"),
    ("Список колледжей", "колледждер тізімі", "education", "Управление образования", "once"),
    ("Численность учащихся школ", "мектеп оқушыларының саны", "education", "Управление образования", "yearly"),
    ("Список поликлиник", "емханалар тізімі", "health", "Управление здравоохранения", "once"),
    ("Список аптек", "дәріханалар тізімі", "health", "Управление здравоохранения", "once"),
    ("Коечный фонд больниц", "ауруханалардың төсек қоры", "health", "Управление здравоохранения", "yearly"),
    ("Численность населения", "халық саны", "demography", "Департамент статистики", "yearly"),
    ("Рождаемость и смертность", "туу және өлім көрсеткіштері", "demography", "Департамент статистики", "yearly"),
    ("Маршруты общественного транспорта", "қоғамдық көлік маршруттары", "transport", "Управление транспорта", "once"),
    ("Остановки общественного транспорта", "қоғамдық көлік аялдамалары", "transport", "Управление транспорта", "once"),
    ("Платные парковки", "ақылы автотұрақтары", "transport", "Управление транспорта", "once"),
    ("Дорожно-транспортные происшествия", "жол-көлік оқиғалары", "transport", "Департамент полиции", "quarterly"),
    ("Ремонт автомобильных дорог", "автомобиль жолдарын жөндеу жұмыстары", "transport", "Управление дорог", "yearly"),
    ("Велодорожки", "веложолдары", "transport", "Управление транспорта", "once"),
    ("Мониторинг качества атмосферного воздуха", "атмосфералық ауа сапасының мониторингі", "environment", "Управление экологии", "quarterly"),
    ("Вывоз твердых бытовых отходов", "қатты тұрмыстық қалдықтарды шығару көлемі", "environment", "Управление экологии", "yearly"),
    ("Зеленые насаждения", "жасыл желектері", "environment", "Управление экологии", "once"),
    ("Пункты приема вторсырья", "қайталама шикізат қабылдау пункттері", "environment", "Управление экологии", "once"),
    ("Многоквартирные жилые дома", "көппәтерлі тұрғын үйлері", "housing", "Управление жилищной политики", "once"),
    ("Объединения собственников имущества", "мүлік иелерінің бірлестіктері", "housing", "Управление жилищной политики", "once"),
    ("Аварийное жилье", "апатты тұрғын үйлері", "housing", "Управление жилищной политики", "yearly"),
    ("Исполнение местного бюджета", "жергілікті бюджеттің атқарылуы", "budget", "Управление финансов", "quarterly"),
    ("Бюджетные программы", "бюджеттік бағдарламалары", "budget", "Управление финансов", "yearly"),
    ("Государственные закупки", "мемлекеттік сатып алулары", "budget", "Управление государственных закупок", "yearly"),
    ("Обращения граждан", "азаматтар өтініштері", "government", "Аппарат акима", "quarterly"),
    ("Перечень государственных услуг", "мемлекеттік қызметтер тізбесі", "government", "Аппарат акима", "once"),
    ("Список государственных учреждений", "мемлекеттік мекемелер тізімі", "government", "Аппарат акима", "once"),
    ("Спортивные объекты", "спорт нысандары", "culture", "Управление спорта", "once"),
    ("Библиотеки", "кітапханалары", "culture", "Управление культуры", "once"),
    ("Музеи и театры", "мұражайлары мен театрлары", "culture", "Управление культуры", "once"),
    ("Объекты туризма", "туристік нысандары", "culture", "Управление туризма", "once"),
    ("Тарифы на коммунальные услуги", "коммуналдық қызметтер тарифтері", "utilities", "Управление энергетики", "yearly"),
    ("Потребление электроэнергии", "электр энергиясын тұтыну көлемі", "utilities", "Управление энергетики", "yearly"),
    ("Тепловые сети", "жылу желілері", "utilities", "Управление энергетики", "once"),
    ("Водопроводные сети", "су құбыры желілері", "utilities", "Управление энергетики", "once"),
    ("Уличное освещение", "көше жарығы", "utilities", "Управление энергетики", "once"),
    ("Зарегистрированные юридические лица", "тіркелген заңды тұлғалары", "economy", "Департамент юстиции", "yearly"),
    ("Рынки и торговые центры", "базарлары мен сауда орталықтары", "economy", "Управление предпринимательства", "once"),
    ("Средняя заработная плата", "орташа жалақысы", "economy", "Департамент статистики", "yearly"),
    ("Земельные участки", "жер учаскелері", "land", "Управление земельных отношений", "once"),
    ("Адресный регистр", "мекенжай тіркелімі", "land", "Управление архитектуры", "once"),
    ("Камеры видеонаблюдения", "бейнебақылау камералары", "safety", "Департамент полиции", "once"),
    ("Пожарные части", "өрт сөндіру бөлімдері", "safety", "Департамент по чрезвычайным ситуациям", "once"),
    ("Получатели адресной социальной помощи", "атаулы әлеуметтік көмек алушылары", "social", "Управление занятости и социальных программ", "yearly"),
]
# Kazakh Cyrillic in Latin letters: the 2021 alphabet, and the plain ASCII that older ids used.
LATIN_2021 = dict(
    zip(
        "аәбвгғдеёжзийкқлмнңоөпрстуұүфхһцчшщъыіьэюя",
        [
            "a",
            "ä",
            "b",
            "v",
            "g",
            "ğ",
            "d",
            "e",
            "io",
            "j",
            "z",
            "i",
            "i",
            "k",
            "q",
            "l",
            "m",
            "n",
            "ñ",
            "o",
            "ö",
            "p",
            "r",
            "s",
            "t",
            "u",
            "ū",
            "ü",
            "f",
            "h",
            "h",
            "ts",
            "ch",
            "ş",
            "şş",
            "",
            "y",
            "ı",
            "",
            "e",
            "iu",
            "ia",
        ],
    )
)
ASCII_OLD = dict(
    zip(
        "аәбвгғдеёжзийкқлмнңоөпрстуұүфхһцчшщъыіьэюя",
        [
            "a",
            "a",
            "b",
            "v",
            "g",
            "g",
            "d",
            "e",
            "yo",
            "zh",
            "z",
            "i",
            "y",
            "k",
            "k",
            "l",
            "m",
            "n",
            "n",
            "o",
            "o",
            "p",
            "r",
            "s",
            "t",
            "u",
            "u",
            "u",
            "f",
            "kh",
            "h",
            "ts",
            "ch",
            "sh",
            "sch",
            "",
            "y",
            "i",
            "",
            "e",
            "yu",
            "ya",
        ],
    )
)
PORTAL_FORMATS = {"xlsx": 35, "csv": 30, "json": 20, "xls": 10, "xml": 5}
SEED_PORTAL = 2016_0401


def transliterate(text: str, table: dict[str, str]) -> str:
    out = []
    for ch in text:
        low = ch.lower()
        latin = table.get(low, ch)
        out.append(latin.capitalize() if ch != low and latin else latin)
    return "".join(out)


def slug(text: str) -> str:
    kept = "".join(ch if ch.isascii() and ch.isalnum() else " " for ch in text.lower())
    return "_".join(kept.split())


def portal_catalogue() -> Table:
    """The national open data portal's catalogue: titles in Russian and Kazakh, publishers, formats, dates."""
    rng = random.Random(SEED_PORTAL)
    rows, ids = [], set()
    for topic_ru, topic_kk, category, department, editions in PORTAL_TOPICS:
        for region, region_ru, region_kk in PORTAL_REGIONS:
            if rng.random() < 0.1 and region != "Almaty":
                continue  # not every region publishes every topic
            if editions == "once":
                periods = [(None, None)]
            else:
                years = sorted(rng.sample(range(2016, 2025), rng.randint(3, 8)))
                quarters = (1, 2, 3, 4) if editions == "quarterly" else (None,)
                periods = [(year, q) for year in years for q in quarters]
            for year, quarter in periods:
                title_ru, title_kk = f"{topic_ru} {region_ru}", f"{region_kk} {topic_kk}"
                if quarter:
                    roman = "I II III IV".split()[quarter - 1]
                    title_ru += f" за {roman} квартал {year} года"
                    title_kk += f", {year} ж. {roman} тоқсан"
                elif year:
                    title_ru += f" за {year} год"
                    title_kk += f", {year} ж."
                old_style = rng.random() < 0.7
                table = ASCII_OLD if old_style else {**ASCII_OLD, "қ": "q"}
                ident = slug(transliterate(f"{region_kk} {topic_kk}", table))[:48].rstrip("_")
                ident += (f"_{year}" if year else "") + (f"_q{quarter}" if quarter else "")
                while ident in ids:
                    ident += "_1"
                ids.add(ident)
                shown_kk = title_kk
                flaw = rng.random()
                if flaw < 0.12:  # Flaw: no Kazakh title
                    shown_kk = ""
                elif flaw < 0.18:  # Flaw: the Russian title copied into the Kazakh field
                    shown_kk = title_ru
                elif flaw < 0.28:  # Flaw: Kazakh written in the 2021 Latin alphabet
                    shown_kk = transliterate(title_kk, LATIN_2021)
                shown_region = region
                if region == "Almaty" and rng.random() < 0.12:  # Flaw: the city named three ways
                    shown_region = rng.choice(["г. Алматы", "Almaty city"])
                if quarter:
                    quarter_end = D(year + (quarter == 4), quarter % 4 * 3 + 1, 10)
                    updated = quarter_end + dt.timedelta(days=rng.randrange(60))
                elif year:
                    updated = D(year + 1, 1, 10) + dt.timedelta(days=rng.randrange(200))
                else:
                    updated = D(2016, 6, 1) + dt.timedelta(days=rng.randrange(3450))
                size = "" if rng.random() < 0.1 else str(round(rng.lognormvariate(5, 1.6)) + 1)
                rows.append(
                    [
                        ident,
                        title_ru,
                        shown_kk,
                        f"{department} {region_ru}",
                        shown_region,
                        category,
                        rng.choices(list(PORTAL_FORMATS), list(PORTAL_FORMATS.values()))[0],
                        updated.isoformat(),
                        size,
                    ]
                )
    rng.shuffle(rows)
    for row in rng.sample(rows, 30):  # Flaw: published twice, under a second id
        rows.append([row[0] + "_2"] + row[1:])
    return Table(["dataset_id", "title_ru", "title_kk", "publisher", "region", "category", "format", "updated", "rows"], rows)


# ----------------------------------------------------------------------------------------------------------
# Traffic detectors (ITS) and NO2 by the hour
# ----------------------------------------------------------------------------------------------------------

# No published per-detector counts for Almaty exist that we may bundle: every number here is an assumption,
# shaped like loop-detector counts on a main avenue (two peaks on weekdays, a late flat hump at weekends, a
# night floor about a tenth of the peak). Two weeks of December 2025, Monday 8 to Sunday 21.
TRAFFIC_FIRST = D(2025, 12, 8)
TRAFFIC_LAST = D(2025, 12, 21)
# detector id, street (where it counts), scale: vehicles per 15 minutes at the weekday evening peak
TRAFFIC_DETECTORS = (
    ("TD-01", "Al-Farabi Ave", 520),
    ("TD-02", "Abay Ave", 430),
    ("TD-03", "Rayimbek Ave", 380),
    ("TD-04", "Sain St", 300),
)
# Share of the evening peak, hour by hour (assumption).
TRAFFIC_WEEKDAY = (
    0.10, 0.07, 0.05, 0.05, 0.06, 0.12, 0.30, 0.68, 0.92, 0.85, 0.70, 0.66,
    0.68, 0.70, 0.68, 0.72, 0.82, 0.95, 1.00, 0.86, 0.62, 0.44, 0.30, 0.18,
)  # fmt: skip
TRAFFIC_WEEKEND = (
    0.14, 0.10, 0.07, 0.06, 0.05, 0.06, 0.10, 0.18, 0.30, 0.42, 0.52, 0.58,
    0.62, 0.64, 0.64, 0.63, 0.62, 0.60, 0.58, 0.52, 0.44, 0.36, 0.27, 0.19,
)  # fmt: skip
# CITY-FACTS / the law on holidays: 16 December, Independence Day, a day off (a Tuesday in 2025). Here it
# looks like a quiet Sunday (assumption: 0.8 of a weekend day).
TRAFFIC_HOLIDAY = D(2025, 12, 16)
# Flaw: a detector that stopped counting and kept sending its last value (stuck), on Wednesday morning.
STUCK_DETECTOR = "TD-03"
STUCK_FROM = dt.datetime(2025, 12, 10, 9, 0)
STUCK_INTERVALS = 24  # six hours of 15-minute intervals
# Flaw: the NO2 analyser missed a few hours (blank cells).
NO2_GAP_HOURS = (
    dt.datetime(2025, 12, 12, 3),
    dt.datetime(2025, 12, 12, 4),
    dt.datetime(2025, 12, 18, 14),
    dt.datetime(2025, 12, 20, 9),
    dt.datetime(2025, 12, 20, 10),
)
SEED_TRAFFIC = 2025_1216


def traffic_shape(d: dt.date) -> tuple[float, ...]:
    if d == TRAFFIC_HOLIDAY:
        return tuple(0.8 * x for x in TRAFFIC_WEEKEND)
    return TRAFFIC_WEEKEND if d.weekday() >= 5 else TRAFFIC_WEEKDAY


def traffic_counts() -> Table:
    """Vehicles per 15 minutes at four road detectors, two weeks of December 2025."""
    rng = random.Random(SEED_TRAFFIC)
    rows = []
    for d in date_range(TRAFFIC_FIRST, TRAFFIC_LAST):
        shape = traffic_shape(d)
        day_noise = {det: lognormal(rng, 0.05) for det, _street, _scale in TRAFFIC_DETECTORS}
        for quarter in range(96):
            t = dt.datetime(d.year, d.month, d.day, quarter // 4, 15 * (quarter % 4))
            level = shape[quarter // 4]
            for det, street, scale in TRAFFIC_DETECTORS:
                rows.append([t.isoformat(timespec="minutes"), det, street, poisson(rng, scale * level * day_noise[det])])
    by_key = {(r[0], r[1]): r for r in rows}
    stuck_value = by_key[(STUCK_FROM.isoformat(timespec="minutes"), STUCK_DETECTOR)][3]
    for k in range(STUCK_INTERVALS):
        t = STUCK_FROM + dt.timedelta(minutes=15 * k)
        by_key[(t.isoformat(timespec="minutes"), STUCK_DETECTOR)][3] = stuck_value
    return Table(["time", "detector", "street", "vehicles"], rows)


def traffic_no2() -> Table:
    """Hourly NO2 at a roadside station near the detectors, the same two weeks."""
    rng = random.Random(SEED_TRAFFIC + 1)
    mean_weekday = statistics.fmean(TRAFFIC_WEEKDAY)

    def mix(shape: tuple[float, ...], hour: int) -> float:
        return 0.5 * NO2_HOURLY_PROFILE[hour] + 0.5 * (0.35 + 0.65 * shape[(hour - 1) % 24] / mean_weekday)

    typical = statistics.fmean(mix(TRAFFIC_WEEKDAY, h) for h in range(24))
    days = list(date_range(TRAFFIC_FIRST, TRAFFIC_LAST))
    spells = ar1(rng, len(days), 0.6)  # calm and windy spells, centred so the fortnight keeps the month's level
    weather = [math.exp(0.22 * (x - statistics.fmean(spells))) for x in spells]
    rows = []
    for d, calm in zip(days, weather, strict=True):
        shape = traffic_shape(d)
        for hour in range(24):
            t = dt.datetime(d.year, d.month, d.day, hour)
            # CITY-FACTS: NO2 in December about 56 µg/m³; in winter it peaks late in the evening (1.09 at 22 h,
            # no morning bump), when the air is still: part traffic, part weather.
            no2 = NO2_MONTHLY[11] * calm * mix(shape, hour) / typical * lognormal(rng, 0.10)
            rows.append([t.isoformat(timespec="minutes"), "" if t in NO2_GAP_HOURS else fmt(no2)])
    return Table(["hour", "no2"], rows)


# ----------------------------------------------------------------------------------------------------------
# Writing and checking the files
# ----------------------------------------------------------------------------------------------------------

DATASETS = {  # file name -> the function that makes it
    "districts.csv": districts,
    "air_daily.csv": air_daily,
    "air_hourly.csv.gz": air_hourly,
    "air_autumn_hourly.csv.gz": air_autumn_hourly,
    "iot_messages.jsonl": iot_messages,
    "onay_daily.csv.gz": onay_daily,
    "metro_daily.csv.gz": metro_daily,
    "bike_daily.csv": bike_daily,
    "bike_stations.csv": bike_stations,
    "bike_trips.csv.gz": bike_trips,
    "parking_zones.csv": parking_zones,
    "parking_sessions.csv.gz": parking_sessions,
    "sergek_cameras.csv": sergek_cameras,
    "sergek_violations.csv.gz": sergek_violations,
    "housing_buildings.csv.gz": housing_buildings,
    "appeals_daily.csv": appeals_daily,
    "appeals_report.xlsx": appeals_report,
    "budget_2023.csv": budget_2023,
    "waste_daily.csv": waste_daily,
    "waste_composition.csv": waste_composition,
    "heating_daily.csv": heating_daily,
    "energy_tariffs.csv": energy_tariffs,
    "portal_catalogue.csv.gz": portal_catalogue,
    "traffic_counts.csv": traffic_counts,
    "traffic_no2.csv": traffic_no2,
}
GZIP_LEVEL = 9


def csv_text(table: Table) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(table.columns)
    for row in table.rows:
        if len(row) != len(table.columns) or any(isinstance(cell, float) for cell in row):
            raise ValueError(f"bad row (floats must be formatted first): {row!r}")
        writer.writerow(row)
    return buf.getvalue()


def gzip_bytes(data: bytes) -> bytes:
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, compresslevel=GZIP_LEVEL, mtime=0) as gz:
        gz.write(data)
    return buf.getvalue()


def render(name: str) -> bytes:
    """The exact bytes of one data file."""
    made = DATASETS[name]()
    if name.endswith(".xlsx"):
        return made  # a spreadsheet makes its own bytes
    if name.endswith(".jsonl"):
        text = "".join(json.dumps(obj, ensure_ascii=False, separators=(",", ":")) + "\n" for obj in made)
    else:
        text = csv_text(made)
    data = text.encode("utf-8")
    return gzip_bytes(data) if name.endswith(".gz") else data


def build_all() -> dict[str, bytes]:
    return {name: render(name) for name in DATASETS}


def same_content(name: str, committed: bytes, fresh: bytes) -> bool:
    """Equal bytes; for .gz, equal content also counts (another zlib build may compress differently)."""
    if committed == fresh:
        return True
    if name.endswith(".gz"):
        try:
            return gzip.decompress(committed) == gzip.decompress(fresh)
        except OSError:
            return False
    if name.endswith(".xlsx"):  # a zip archive: the same entries with the same bytes
        return zip_entries(committed) == zip_entries(fresh)
    return False


def zip_entries(data: bytes) -> list[tuple[str, bytes]] | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return [(entry.filename, archive.read(entry.filename)) for entry in archive.infolist()]
    except (zipfile.BadZipFile, OSError):
        return None


def row_count(name: str, data: bytes) -> int:
    """Records in a rendered file (no embedded newlines: every line is a record, after the CSV header)."""
    if name.endswith(".xlsx"):
        return REPORT_ROWS
    lines = (gzip.decompress(data) if name.endswith(".gz") else data).count(b"\n")
    return lines if name.endswith(".jsonl") else lines - 1


ROWS_LINE = re.compile(r"^rows = \d+$", re.MULTILINE)


def datasheet_with_rows(name: str, rows: int) -> tuple[Path, str, str] | None:
    """The datasheet beside a data file: its path, its text, and its text with `rows = N` up to date."""
    path = HERE / f"{name.split('.')[0]}.toml"
    if not path.exists():
        return None
    text = path.read_text(encoding="utf-8")
    return path, text, ROWS_LINE.sub(f"rows = {rows}", text, count=1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="regenerate in memory and exit 1 if any committed file differs")
    args = parser.parse_args(argv)
    files = build_all()
    if args.check:
        stale = []
        for name, fresh in files.items():
            path = HERE / name
            if not path.exists():
                stale.append(f"{name}: missing")
                continue
            committed = path.read_bytes()
            if not same_content(name, committed, fresh):
                stale.append(f"{name}: differs")
            elif committed != fresh:
                print(f"{name}: same content, compressed differently by this zlib", file=sys.stderr)
            sheet = datasheet_with_rows(name, row_count(name, fresh))
            if sheet and sheet[1] != sheet[2]:
                stale.append(f"{sheet[0].name}: rows = differs from the data")
        for line in stale:
            print(line)
        return 1 if stale else 0
    for name, data in files.items():
        (HERE / name).write_bytes(data)
        rows = row_count(name, data)
        sheet = datasheet_with_rows(name, rows)
        if sheet and sheet[1] != sheet[2]:  # keep the hand-written datasheet's row count in step
            sheet[0].write_text(sheet[2], encoding="utf-8")
        print(f"{name:28} {rows:>7} rows {len(data):>9} bytes")
    print(f"{'total':28} {'':>12} {sum(map(len, files.values())):>9} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
