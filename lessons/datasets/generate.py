#!/usr/bin/env python3
"""Generate Qala's synthetic Almaty datasets, byte for byte the same on every machine.

    python lessons/datasets/generate.py           (re)write every data file beside this script
    python lessons/datasets/generate.py --check   exit 1 listing the files that differ from the committed ones

Standard library only. Every draw comes from random.Random seeded with a fixed integer (one seed per
dataset), floats are rounded and formatted explicitly, lines end in "\\n", text is UTF-8 and gzip headers
carry no file name and mtime 0. Levels and shapes are calibrated to CITY-FACTS.md (the project's list of
published figures, quoted with its sources beside each constant); numbers marked "assumption" are ours.
The datasheets (NAME.toml) are written by hand and describe what this script plants on purpose.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import gzip
import io
import json
import math
import random
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

HERE = Path(__file__).resolve().parent
D = dt.date
DAY = dt.timedelta(days=1)
UTC = dt.timezone.utc


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


def monthly_curve(values: tuple[float, ...], d: dt.date) -> float:
    """A smooth daily curve through monthly values placed at mid-month (log-linear in between)."""
    mid = D(d.year, d.month, 15)
    if d >= mid:
        nxt = D(d.year + (d.month == 12), d.month % 12 + 1, 15)
        a, b, frac = values[d.month - 1], values[d.month % 12], (d - mid).days / (nxt - mid).days
    else:
        prev = D(d.year - (d.month == 1), (d.month - 2) % 12 + 1, 15)
        a, b, frac = values[(d.month - 2) % 12], values[d.month - 1], (d - prev).days / (mid - prev).days
    return math.exp(math.log(a) * (1 - frac) + math.log(b) * frac)


def ar1(rng: random.Random, n: int, phi: float) -> list[float]:
    """A stationary AR(1) series with unit variance."""
    x, out, scale = rng.gauss(0, 1), [], math.sqrt(1 - phi * phi)
    for _ in range(n):
        out.append(x)
        x = phi * x + scale * rng.gauss(0, 1)
    return out


# Kazakhstan's public holidays (Labour Code, art. 84): fixed dates used for weekend-like days. Assumption:
# moveable holidays (Kurban ait) and transferred days off are ignored.
HOLIDAYS = {(1, 1), (1, 2), (3, 8), (3, 21), (3, 22), (3, 23), (5, 1), (5, 7), (5, 9), (7, 6), (8, 30),
            (10, 25), (12, 16)}


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
    ("Alatau",    "Алатауский район",    "Алатау ауданы",    354_812, 122.4, 43.282, 76.820, 690),
    ("Almaly",    "Алмалинский район",   "Алмалы ауданы",    231_447, 16.6, 43.252, 76.912, 820),
    ("Auezov",    "Ауэзовский район",    "Әуезов ауданы",    344_903, 23.9, 43.228, 76.852, 830),
    ("Bostandyk", "Бостандыкский район", "Бостандық ауданы", 410_236, 97.6, 43.203, 76.905, 960),
    ("Medeu",     "Медеуский район",     "Медеу ауданы",     239_781, 228.1, 43.190, 77.010, 1080),
    ("Nauryzbay", "Наурызбайский район", "Наурызбай ауданы", 190_264, 67.9, 43.185, 76.790, 1010),
    ("Turksib",   "Турксибский район",   "Түрксіб ауданы",   268_119, 79.3, 43.335, 76.960, 670),
    ("Zhetysu",   "Жетысуский район",    "Жетісу ауданы",    240_338, 46.2, 43.290, 76.925, 720),
]
DISTRICT_NAMES = [row[0] for row in DISTRICTS]
POPULATION = {row[0]: row[3] for row in DISTRICTS}
CENTROID = {row[0]: (row[5], row[6]) for row in DISTRICTS}

# Real street names, roughly by district (used to name stations, zones, intersections and addresses).
STREETS = {
    "Alatau": ["Rysqulov Ave", "Momyshuly St", "Kerey-Zhanibek Khans St", "Shanyrak-2 mkr", "Zhuldyz-1 mkr",
               "Akbulak mkr", "Zerdeli St", "Altynsarin Ave"],
    "Almaly": ["Abay Ave", "Tole Bi St", "Kazybek Bi St", "Zheltoksan St", "Baitursynov St", "Shevchenko St",
               "Bogenbay Batyr St", "Aiteke Bi St", "Zhambyl St", "Karasai Batyr St", "Seifullin Ave",
               "Muratbayev St", "Abylai Khan Ave", "Makatayev St"],
    "Auezov": ["Abay Ave", "Momyshuly St", "Tole Bi St", "Altynsarin Ave", "Sain St", "Zhubanov St",
               "Shalyapin St", "Aksay-2 mkr", "Zhetysu-1 mkr", "Mamyr-4 mkr"],
    "Bostandyk": ["Al-Farabi Ave", "Timiryazev St", "Satpayev St", "Rozybakiev St", "Zhandosov St",
                  "Gagarin Ave", "Markov St", "Bukhar Zhyrau Blvd", "Orbita-1 mkr", "Koktem-1 mkr",
                  "Mynbayev St", "Utepov St"],
    "Medeu": ["Dostyk Ave", "Kabanbay Batyr St", "Zhibek Zholy Ave", "Pushkin St", "Kunayev St",
              "Samal-2 mkr", "Gornaya St", "Bayzakov St", "Kurmangazy St"],
    "Nauryzbay": ["Kalkaman-2 mkr", "Shugyla mkr", "Zhandosov St", "Tastybulak St", "Otegen Batyr St"],
    "Turksib": ["Suyunbay Ave", "Rysqulov Ave", "Kazybayev St", "Bekmakhanov St", "Mailin St",
                "Sholokhov St", "Zhansugurov St"],
    "Zhetysu": ["Rayimbek Ave", "Suyunbay Ave", "Seifullin Ave", "Bokeikhanov St", "Zhansugurov St",
                "Kuderin St", "Rysqulov Ave"],
}

SEED_DISTRICTS = 2024_0001


def districts() -> Table:
    """The eight districts: a clean reference table for first lessons and for joins."""
    columns = ["district", "name_ru", "name_kk", "population", "area_km2", "lat", "lon", "elevation_m"]
    rows = [[name, ru, kk, pop, fmt(area), fmt(lat, 3), fmt(lon, 3), elev]
            for name, ru, kk, pop, area, lat, lon, elev in DISTRICTS]
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
    """n distinct 'Street / Street' names in a district."""
    streets = STREETS[district]
    pairs = [f"{a} / {b}" for i, a in enumerate(streets) for b in streets[i + 1:]]
    rng.shuffle(pairs)
    return pairs[:n]


# ----------------------------------------------------------------------------------------------------------
# Weather (shared by air, heating and bikes)
# ----------------------------------------------------------------------------------------------------------

# CITY-FACTS "Climate": January mean about -4.7 °C, July about 23.8 °C. A cosine through them gives the
# seasonal curve (assumption); 0.988 undoes the damping of averaging a cosine over a month.
TEMP_JAN, TEMP_JUL = -4.7, 23.8
TEMP_MEAN = (TEMP_JAN + TEMP_JUL) / 2
TEMP_AMPLITUDE = (TEMP_JUL - TEMP_JAN) / 2 / 0.988
WEATHER_START, WEATHER_END = D(2016, 1, 1), D(2025, 12, 31)
# Assumptions: day-to-day weather anomalies (°C) by month, their persistence, and the chance of a wet day.
TEMP_ANOMALY_SD = (4.2, 4.2, 3.8, 3.2, 2.8, 2.4, 2.2, 2.2, 2.6, 3.2, 3.8, 4.2)
TEMP_PERSISTENCE = 0.75
WET_DAY_CHANCE = (0.20, 0.25, 0.33, 0.38, 0.38, 0.28, 0.22, 0.15, 0.15, 0.25, 0.27, 0.22)
SEED_WEATHER = 1887_0001


def temp_climate(d: dt.date) -> float:
    doy = d.timetuple().tm_yday
    return TEMP_MEAN - TEMP_AMPLITUDE * math.cos(2 * math.pi * (doy - 16) / 365.25)


@lru_cache(maxsize=None)
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

# CITY-FACTS "Air quality": monthly means 2021-2026, mostly Kazhydromet stations, µg/m³.
PM25_MONTHLY = (52, 54, 28, 17, 10, 11, 10, 10, 10, 17, 28, 38)
PM10_MONTHLY = (61, 64, 28, 18, 13, 14, 12, 11, 14, 24, 38, 57)
NO2_MONTHLY = (59, 65, 38, 32, 29, 29, 33, 33, 42, 50, 50, 56)
# PM10 includes PM2.5; the coarse part (PM10 - PM2.5) is at least this much (assumption: March's table
# values are equal, which a real pair of instruments never shows day by day).
MIN_COARSE = 1.0
COARSE_MONTHLY = tuple(max(b - a, MIN_COARSE) for a, b in zip(PM25_MONTHLY, PM10_MONTHLY))
# CITY-FACTS: north-eastern districts (Zhetysu, Turksib) about 31 vs southern (Medeu, Bostandyk) about
# 16 µg/m³ annual PM2.5 (Almaty Air Initiative 2024). With the monthly table's annual mean of 23.75, the
# NE pair averages 31/23.75 = 1.305 and the southern pair 16/23.75 = 0.674; the rest share what is left.
AIR_STATIONS = [
    # station, district, PM2.5 factor, NO2 factor (NO2 follows traffic: assumption)
    ("AQ01", "Alatau", 1.12, 0.92),
    ("AQ02", "Almaly", 0.98, 1.20),
    ("AQ03", "Auezov", 1.05, 1.08),
    ("AQ04", "Bostandyk", 0.69, 1.05),
    ("AQ05", "Medeu", 0.66, 0.90),
    ("AQ06", "Nauryzbay", 0.89, 0.75),
    ("AQ07", "Turksib", 1.27, 1.00),
    ("AQ08", "Zhetysu", 1.34, 1.10),
]
AIR_START, AIR_END = D(2021, 1, 1), D(2025, 12, 31)
# CITY-FACTS: day-to-day persistence (lag-1 autocorrelation of log anomalies) about 0.55; 90th-percentile
# January day about 104 (twice the January mean); 164 days under 15 µg/m³ in 2024. A plain log-normal
# cannot give both that long upper tail and so few clean winter days, so the city-wide level is a calm
# background times smog episodes (inversions) that come and go as a two-state chain. The numbers below are
# tuned to the three figures above (assumption).
EPISODE_CHANCE = (0.32, 0.32, 0.22, 0.16, 0.15, 0.15, 0.15, 0.15, 0.15, 0.18, 0.24, 0.30)
EPISODE_BOOST = (2.8, 2.8, 2.2, 1.9, 1.8, 1.8, 1.8, 1.8, 1.8, 1.9, 2.3, 2.8)
EPISODE_EXIT = 0.30              # an episode lasts about three days
BACKGROUND_LOG_SD = (0.36, 0.36, 0.36, 0.45, 0.45, 0.45, 0.45, 0.45, 0.45, 0.45, 0.36, 0.36)
# Some years are smokier than others (assumption; the monthly table above still holds over 2021-2025).
YEAR_FACTOR = {2021: 1.04, 2022: 0.99, 2023: 0.92, 2024: 1.08, 2025: 0.97}
BACKGROUND_PERSISTENCE = 0.50
STATION_LOG_SD = 0.20
AIR_PERSISTENCE = 0.55
COLD_COUPLING = 0.45  # winter smog goes with cold, still days (Kerimray et al. 2020)
SEED_AIR = 2021_0101


@lru_cache(maxsize=None)
def air_truth() -> dict[tuple[str, dt.date], tuple[float, float, float]]:
    """(station, date) -> true daily (PM2.5, PM10, NO2) before any flaw or rounding."""
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
        city.append(calm + (math.log(EPISODE_BOOST[m]) if episode else 0.0) + math.log(YEAR_FACTOR[d.year]))
    raw: dict[tuple[str, dt.date], list[float]] = {}
    for station, _district, f25, fno2 in AIR_STATIONS:
        s25 = ar1(rng, len(dates), AIR_PERSISTENCE)
        scoarse = ar1(rng, len(dates), 0.6)
        sno2 = ar1(rng, len(dates), 0.6)
        fcoarse = 0.85 + 0.3 * rng.random()
        for i, d in enumerate(dates):
            pm25 = monthly_curve(PM25_MONTHLY, d) * f25 * math.exp(city[i] + STATION_LOG_SD * s25[i])
            coarse = monthly_curve(COARSE_MONTHLY, d) * fcoarse * math.exp(0.4 * city[i] + 0.3 * scoarse[i])
            no2 = monthly_curve(NO2_MONTHLY, d) * fno2 * math.exp(0.35 * city[i] + 0.22 * sno2[i])
            raw[station, d] = [pm25, coarse, no2]
    # Rescale each calendar month (pooled over years and stations) so the city means match the table.
    for k, targets in enumerate((PM25_MONTHLY, COARSE_MONTHLY, NO2_MONTHLY)):
        for month in range(1, 13):
            keys = [key for key in raw if key[1].month == month]
            factor = targets[month - 1] * len(keys) / sum(raw[key][k] for key in keys)
            for key in keys:
                raw[key][k] *= factor
    return {key: (v[0], v[0] + v[1], v[2]) for key, v in raw.items()}


def air_daily() -> Table:
    """Daily means at eight state stations, 2021-2025, with a few planted gaps and sentinels."""
    rng = random.Random(SEED_AIR + 1)
    truth = air_truth()
    # Flaw: a station offline for two weeks leaves no rows at all (a missing row is not a missing value).
    absent = {("AQ06", d) for d in date_range(D(2023, 7, 10), D(2023, 7, 24))}
    # Flaw: outages that leave the row but empty cells (about 1% of rows, in runs of 1-8 days).
    empty: set[tuple[str, dt.date]] = set()
    total_days = (AIR_END - AIR_START).days
    while len(empty) < 0.01 * len(truth):
        station = rng.choice(AIR_STATIONS)[0]
        start = AIR_START + dt.timedelta(days=rng.randrange(total_days))
        for k in range(rng.randint(1, 8)):
            empty.add((station, start + dt.timedelta(days=k)))
    rows = []
    for d in date_range(AIR_START, AIR_END):
        for station, district, _f25, _fno2 in AIR_STATIONS:
            if (station, d) in absent:
                continue
            pm25, pm10, no2 = truth[station, d]
            cells = [fmt(pm25), fmt(pm10), fmt(no2)]
            if (station, d) in empty:
                cells = ["", "", ""]
            elif rng.random() < 0.004:  # Flaw: the logger's error code -999 in PM2.5 (about 0.4%)
                cells[0] = "-999"
            elif rng.random() < 0.005:  # Flaw: the NO2 analyser alone missing (about 0.5%)
                cells[2] = ""
            rows.append([d.isoformat(), station, district] + cells)
    return Table(["date", "station", "district", "pm25", "pm10", "no2"], rows)


# CITY-FACTS: winter hour of day, PM10 relative to the daily mean: 1.31 at midnight, lowest 0.75 at 08:00,
# about 0.9 through the afternoon, 1.34 by 22:00. NO2 peaks at rush hours: 1.16 at 10:00, 1.21 at 21-23.
# The hours in between are our smooth fill; each profile averages 1.
PM_HOURLY_PROFILE = (1.31, 1.24, 1.16, 1.06, 0.97, 0.89, 0.82, 0.77, 0.75, 0.77, 0.81, 0.85,
                     0.89, 0.90, 0.90, 0.90, 0.91, 0.93, 1.00, 1.08, 1.18, 1.27, 1.34, 1.30)
NO2_HOURLY_PROFILE = (1.10, 0.98, 0.89, 0.88, 0.80, 0.78, 0.82, 0.93, 1.05, 1.13, 1.16, 1.10,
                      1.00, 0.91, 0.86, 0.84, 0.86, 0.95, 1.04, 1.12, 1.17, 1.21, 1.21, 1.21)
# CITY-FACTS: Almaty moved from UTC+6 to UTC+5 on 1 March 2024 (at local midnight, so 23:00 on 29 February
# happened twice).
CLOCK_CHANGE_UTC = dt.datetime(2024, 2, 29, 18, tzinfo=UTC)
HOURLY_STATIONS = ("AQ02", "AQ04", "AQ08")
HOURLY_FIRST_UTC = dt.datetime(2023, 11, 30, 18, tzinfo=UTC)  # 2023-12-01 00:00 at UTC+6
HOURLY_LAST_UTC = dt.datetime(2024, 3, 31, 18, tzinfo=UTC)    # 2024-03-31 23:00 at UTC+5
# CITY-FACTS: hourly extremes near 1,000 µg/m³ in the record; here New Year fireworks in the centre.
NEW_YEAR_PEAK_PM10 = 960.0
SEED_AIR_HOURLY = 2024_0301


def almaty_offset(t: dt.datetime) -> dt.timezone:
    return dt.timezone(dt.timedelta(hours=6 if t < CLOCK_CHANGE_UTC else 5))


def local_time(t: dt.datetime) -> dt.datetime:
    return t.astimezone(almaty_offset(t))


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
        for utc, local, pm25, pm10, no2 in hourly_pm(rng, station, HOURLY_FIRST_UTC, hours):
            if local.date() == D(2024, 1, 1) and local.hour in fireworks:
                peak = NEW_YEAR_PEAK_PM10 * (1.0 if station == "AQ02" else 0.45)
                boost = max(1.0, peak * fireworks[local.hour] / pm10)
                pm10, pm25 = pm10 * boost, pm25 * boost * 0.92
            naive = local.replace(tzinfo=None)
            # Flaw: a single missing hour here and there at AQ02 (the row is absent).
            if station == "AQ02" and rng.random() < 0.004:
                continue
            cells = [fmt(pm25), fmt(pm10), fmt(no2)]
            # Flaw: a week in which AQ04's logger wrote PM in mg/m³ instead of µg/m³.
            if station == "AQ04" and dt.datetime(2024, 1, 22, 10) <= naive < dt.datetime(2024, 1, 29, 10):
                cells[:2] = [fmt(pm25 / 1000, 3), fmt(pm10 / 1000, 3)]
            # Flaw: a six-hour power cut at AQ08 (rows present, cells empty).
            if station == "AQ08" and dt.datetime(2024, 2, 10, 2) <= naive < dt.datetime(2024, 2, 10, 8):
                cells = ["", "", ""]
            rows.append([local.isoformat(), station, district] + cells)
    return Table(["timestamp", "station", "district", "pm25", "pm10", "no2"], rows)
