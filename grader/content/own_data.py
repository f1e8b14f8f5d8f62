"""The learner's own data: a table they brought, matched to a dataset's datasheet (column names in
three languages, units, numbers, dates and their time zones), said finding by finding, and
converted into the dataset's shape for lessons' code to explore, ungraded.

The learner's file is only read (:mod:`.own_file`); what lessons see is a new file in the
learner's home (``own-data/``), and a folder mirroring the course's datasets with it in place of
the bundled one. Checks and XP never look there: only :meth:`Engine.explore` does.
"""

from __future__ import annotations

import csv
import datetime as _dt
import gzip
import io
import json
import os
import re
import shutil
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import t
from ..i18n import Translator, pick
from .datasets import Dataset, DatasetColumn
from .own_file import OwnTable, read_table

OWN_DATA = "own-data"  # the folder in the learner's home
STATE = "using.json"
VIEW = "explore"  # own-data/explore/datasets: what an ungraded run sees
MISSING = {"", "-", "—", "–", "na", "n/a", "nan", "null", "none", "н/д", "нд", "нет данных", "жоқ", "#н/д", "#n/a"}
ALMATY_CLOCK_CHANGE = _dt.datetime(2024, 3, 1)  # UTC+6 before, UTC+5 from then (local clock)

#: Words a column goes by in downloaded files, besides its name and its datasheet's descriptions.
SYNONYMS = {
    "date": ("date", "day", "дата", "день", "сутки", "күн", "күні", "дата измерения"),
    "timestamp": ("timestamp", "time", "datetime", "date time", "дата и время", "время", "дата/время", "уақыт", "күні мен уақыты", "күн мен уақыт"),
    "station": ("station", "station code", "station id", "станция", "пост", "код станции", "бекет", "бекет коды"),
    "district": ("district", "район", "аудан"),
    "pm25": ("pm2.5", "pm 2.5", "рм2.5", "pm2,5"),
    "pm10": ("pm10", "pm 10", "рм10"),
    "no2": ("no2", "no₂", "диоксид азота", "азот диоксиді"),
}
TIME_WORDS = SYNONYMS["timestamp"] + SYNONYMS["date"]
UNIT_FACTORS = {("mg/m³", "µg/m³"): 1000.0, ("µg/m³", "mg/m³"): 0.001}


@dataclass(frozen=True)
class Finding:
    """One line of what Qala found in a learner's file: ``ok`` fits, ``bad`` does not, ``note`` is worth knowing."""

    mark: str
    key: str
    params: Mapping[str, Any] = field(default_factory=dict)
    translated: tuple[str, ...] = ()  # fields that are message keys themselves ("Windows-1251", "by name")

    def render(self, tr: Translator) -> str:
        params = {k: tr.t(v) if k in self.translated else v for k, v in self.params.items()}
        return tr.t(self.key, **params) if params else tr.t(self.key)

    def as_json(self, tr: Translator) -> dict:
        return {"mark": self.mark, "message": self.render(tr)}


@dataclass
class Match:
    column: DatasetColumn
    source: int | None  # the file's column index
    how: str = ""  # "name", "description", "unit", "map"
    factor: float = 1.0


@dataclass
class OwnDataReport:
    """What a learner's file holds against one dataset, and how to turn it into that dataset's shape."""

    dataset: str
    file: str
    table: OwnTable
    matches: list[Match]
    findings: list[Finding]
    decimal: str = "."
    rows: list[list[str]] = field(default_factory=list)  # the converted rows, in the datasheet's column order

    @property
    def fits(self) -> bool:
        return not any(f.mark == "bad" for f in self.findings)

    @property
    def usable(self) -> bool:
        return any(m.source is not None for m in self.matches) and bool(self.rows)

    def lines(self, tr: Translator) -> list[str]:
        return [f.render(tr) for f in self.findings]

    def as_json(self, tr: Translator) -> dict:
        return {
            "dataset": self.dataset,
            "file": self.file,
            "fits": self.fits,
            "rows": len(self.rows),
            "columns": {m.column.name: (self.table.header[m.source] if m.source is not None else None) for m in self.matches},
            "findings": [f.as_json(tr) for f in self.findings],
        }


@dataclass(frozen=True)
class ExploreOutcome:
    """An ungraded run of a lesson's code: what it printed (charts are text there), and its error if any."""

    output: str
    error: str  # one line in the learner's language, empty when the code ran through
    own: tuple[str, ...]  # the datasets it saw as the learner's own


# ---------------------------------------------------------------- names and units


def _key(text: str) -> str:
    return re.sub(r"[^0-9a-zа-яёәғқңөұүһі]", "", text.lower().replace("ё", "е").replace(",", "."))


def _split_unit(header: str) -> tuple[str, str]:
    """'PM2.5, мкг/м³' -> ('PM2.5', 'мкг/м³'); 'pm10 (ug/m3)' -> ('pm10', 'ug/m3'); 'PM10 мкг/м3' -> ('PM10', 'мкг/м3')."""
    match = re.match(r"^(.*?)\s*[\(\[]([^\)\]]*)[\)\]]\s*$", header)
    if match:
        return match.group(1), match.group(2)
    match = re.match(r"^(.*\S)\s*,(?!\d)\s*([^,]*[/°%³][^,]*)$", header)  # a comma before a digit is a decimal comma (PM2,5)
    if match:
        return match.group(1), match.group(2)
    match = re.match(r"^(.*\S)\s+(\S*[/°%³]\S*)$", header)  # 'PM2,5 мкг/м3': the unit after a space
    if match:
        return match.group(1), match.group(2)
    return header, ""


def unit_key(unit: str) -> str:
    unit = unit.strip().lower().replace(" ", "").replace("μ", "µ")
    for old, new in (("мкг", "µg"), ("mcg", "µg"), ("ug", "µg"), ("мг", "mg"), ("м³", "m³"), ("м3", "m³"), ("m3", "m³"), ("°с", "°c"), ("градc", "°c")):
        unit = unit.replace(old, new)
    return unit


def _stems(text: str) -> set[str]:
    return {word[:5] for word in re.findall(r"[0-9a-zа-яёәғқңөұүһі]+", text.lower()) if len(word) > 1}


def _first_clause(text: str) -> str:
    return re.split(r"[(,:;—]", text, maxsplit=1)[0]


def match_columns(dataset: Dataset, header: list[str], mapping: Mapping[str, str]) -> tuple[list[Match], list[Finding]]:
    findings: list[Finding] = []
    taken: set[int] = set()
    matches = {c.name: Match(c, None) for c in dataset.columns}
    parts = [_split_unit(h) for h in header]
    keys = [_key(name) for name, _unit in parts]
    for new, old in mapping.items():
        if new not in matches:
            findings.append(
                Finding(
                    "bad", t("--map {new}={old}: the dataset has no column {new!r} (it has: {known})"), {"new": new, "old": old, "known": ", ".join(matches)}
                )
            )
            continue
        found = [i for i, h in enumerate(header) if h == old] or [i for i, k in enumerate(keys) if k == _key(old)]
        if not found:
            findings.append(Finding("bad", t("--map {new}={old}: your file has no column {old!r}"), {"new": new, "old": old}))
            continue
        matches[new].source, matches[new].how = found[0], "map"
        taken.add(found[0])

    def claim(column: DatasetColumn, how: str, test) -> None:
        match = matches[column.name]
        if match.source is not None:
            return
        for index, key in enumerate(keys):
            if index not in taken and key and test(index, key):
                match.source, match.how = index, how
                taken.add(index)
                return

    for column in dataset.columns:
        names = {_key(column.name), _key(column.name.replace("_", " "))} | {_key(s) for s in SYNONYMS.get(column.name, ())}
        claim(column, "name", lambda i, k, names=names: k in names)
    for column in dataset.columns:
        clauses = [_stems(_first_clause(text)) for text in column.description.values()]
        claim(column, "description", lambda i, k, clauses=clauses: any(_stems(parts[i][0]) and _stems(parts[i][0]) <= c for c in clauses))
    for column in dataset.columns:
        if column.type in ("date", "datetime"):
            words = {_key(w) for w in TIME_WORDS}
            claim(column, "name", lambda i, k, words=words: k in words)
    for column in dataset.columns:
        if column.unit:
            same = [c for c in dataset.columns if unit_key(c.unit) == unit_key(column.unit) and matches[c.name].source is None]
            candidates = [i for i, (_n, u) in enumerate(parts) if i not in taken and u and unit_key(u) == unit_key(column.unit)]
            if len(same) == 1 and len(candidates) == 1:
                matches[column.name].source, matches[column.name].how = candidates[0], "unit"
                taken.add(candidates[0])
    for match in matches.values():
        if match.source is None:
            continue
        unit = parts[match.source][1]
        if unit and match.column.unit and unit_key(unit) != unit_key(match.column.unit):
            factor = UNIT_FACTORS.get((unit_key(unit), unit_key(match.column.unit)))
            if factor is None:
                findings.append(
                    Finding(
                        "bad",
                        t("column “{header}” is in {unit}, but the datasheet's {column} is in {expected}"),
                        {"header": header[match.source], "unit": unit, "column": match.column.name, "expected": match.column.unit},
                    )
                )
            else:
                match.factor = factor
                findings.append(
                    Finding(
                        "note",
                        t("column “{header}” is in {unit}: its values are multiplied by {factor} to be in {expected}, as the datasheet's {column}"),
                        {"header": header[match.source], "unit": unit, "factor": factor, "expected": match.column.unit, "column": match.column.name},
                    )
                )
    return list(matches.values()), findings


# ---------------------------------------------------------------- values

DATE_PATTERNS = (
    (
        "iso",
        re.compile(
            r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})(?:[T ](?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:\.\d+)?)?)?\s*(?P<z>Z|UTC|[+-]\d{2}:?\d{2})?$"
        ),
    ),
    (
        "dots",
        re.compile(r"^(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>\d{4})(?:[ T,]+(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?)?\s*(?P<z>Z|UTC|[+-]\d{2}:?\d{2})?$"),
    ),
    (
        "slashes",
        re.compile(r"^(?P<a>\d{1,2})/(?P<b>\d{1,2})/(?P<y>\d{4})(?:[ T,]+(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?)?\s*(?P<z>Z|UTC|[+-]\d{2}:?\d{2})?$"),
    ),
)
LABELS = {"iso": "yyyy-mm-dd", "dots": "dd.mm.yyyy", "slashes": "dd/mm/yyyy", "slashes-us": "mm/dd/yyyy"}


def _offset(text: str | None) -> _dt.timezone | None:
    if not text:
        return None
    if text in ("Z", "UTC"):
        return _dt.UTC
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    return _dt.timezone(sign * _dt.timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))


def almaty_offset(moment: _dt.datetime) -> _dt.timezone:
    """Almaty's clock: UTC+6 until 1 March 2024, UTC+5 since."""
    return _dt.timezone(_dt.timedelta(hours=6 if moment < ALMATY_CLOCK_CHANGE else 5))


def _read_times(values: list[str]) -> tuple[str, list[_dt.datetime | None], int, int]:
    """The columns' date format, each value read (None where missing or unreadable), the count of
    unreadable values, and the line index of the first."""
    kinds: dict[str, int] = {}
    for value in values[:2000]:
        for kind, pattern in DATE_PATTERNS:
            if pattern.match(value.strip()):
                kinds[kind] = kinds.get(kind, 0) + 1
                break
    if not kinds:
        return "", [None] * len(values), sum(1 for v in values if v.strip().lower() not in MISSING), 0
    kind = max(kinds, key=lambda k: kinds[k])
    pattern = dict(DATE_PATTERNS)[kind]
    us = False
    if kind == "slashes":
        firsts = [int(m["a"]) for v in values[:2000] if (m := pattern.match(v.strip()))]
        seconds = [int(m["b"]) for v in values[:2000] if (m := pattern.match(v.strip()))]
        us = max(seconds, default=0) > 12 and max(firsts, default=0) <= 12
    read: list[_dt.datetime | None] = []
    bad, first_bad = 0, -1
    for index, value in enumerate(values):
        text = value.strip()
        m = pattern.match(text)
        if not m:
            read.append(None)
            if text.lower() not in MISSING:
                bad += 1
                first_bad = index if first_bad < 0 else first_bad
            continue
        parts = m.groupdict()
        if kind == "slashes":
            parts["m"], parts["d"] = (parts["a"], parts["b"]) if us else (parts["b"], parts["a"])
        try:
            moment = _dt.datetime(
                int(parts["y"]), int(parts["m"]), int(parts["d"]), int(parts["H"] or 0), int(parts["M"] or 0), int(parts["S"] or 0), tzinfo=_offset(parts["z"])
            )
        except ValueError:
            read.append(None)
            bad += 1
            first_bad = index if first_bad < 0 else first_bad
            continue
        read.append(moment)
    label = LABELS["slashes-us" if us else kind]
    if any(m is not None and (m.hour or m.minute or m.second) for m in read):
        label += " HH:MM"
    return label, read, bad, first_bad


def _number(text: str, decimal: str) -> float | None:
    cleaned = text.strip().replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    if decimal == ",":
        cleaned = cleaned.replace(".", "").replace(",", ".") if "," in cleaned else cleaned
    try:
        return float(cleaned)
    except ValueError:
        return None


def _decimal_mark(values: list[str]) -> str:
    commas = sum(1 for v in values if re.fullmatch(r"\s*-?[\d\s\u00a0]*\d,\d+\s*", v))
    dots = sum(1 for v in values if re.fullmatch(r"\s*-?\d+\.\d+\s*", v))
    return "," if commas > dots else "."


def _shown_number(value: float) -> str:
    text = repr(round(value, 6))
    return text[:-2] if text.endswith(".0") else text


# ---------------------------------------------------------------- the whole file


def sample_value(dataset: Dataset, column: str) -> str:
    """The first value of a column in the bundled file: its shape is what lessons' code expects."""
    opener = gzip.open if dataset.format == "csv.gz" else open
    try:
        with opener(dataset.path, "rt", encoding="utf-8", newline="") as file:
            for row in csv.DictReader(file):
                return row.get(column) or ""
    except (OSError, csv.Error, EOFError):
        pass
    return ""


def check_file(path: Path, dataset: Dataset, mapping: Mapping[str, str] | None = None) -> OwnDataReport:
    """Read ``path`` against ``dataset``'s datasheet; raises :class:`~.own_file.UnreadableFile`."""
    table = read_table(path)
    findings: list[Finding] = []
    if dataset.format not in ("csv", "csv.gz"):
        findings.append(
            Finding(
                "bad",
                t("{dataset} is not a table (its format is {format}): your own data can stand in only for a CSV dataset"),
                {"dataset": dataset.id, "format": dataset.format},
            )
        )
    if table.kind == "csv":
        how = {
            "utf-8": t("UTF-8"),
            "utf-8-sig": t("UTF-8 with a BOM"),
            "utf-16": t("UTF-16"),
            "cp1251": t("Windows-1251"),
            "kz1048": t("Windows-1251 (Kazakh, KZ-1048)"),
        }[table.encoding]
        delimiter = {",": t("commas"), ";": t("semicolons"), "\t": t("tabs"), "|": t("vertical bars")}[table.delimiter]
        key = (
            t("read {file}: {encoding} (a guess: the file does not say its encoding), columns separated by {delimiter}; rows: {n}")
            if table.encoding_guessed
            else t("read {file}: {encoding}, columns separated by {delimiter}; rows: {n}")
        )
        findings.append(Finding("note", key, {"file": table.name, "encoding": how, "delimiter": delimiter, "n": len(table.rows)}, ("encoding", "delimiter")))
    else:
        findings.append(Finding("note", t("read {file}: an Excel workbook; rows: {n}"), {"file": table.name, "n": len(table.rows)}))
    findings.extend(Finding("note", key, params) for key, params in table.notes)
    matches, matched = match_columns(dataset, table.header, mapping or {})
    findings.extend(matched)
    report = OwnDataReport(dataset.id, table.name, table, matches, findings)
    numeric = [m for m in matches if m.source is not None and m.column.type in ("int", "float")]
    report.decimal = _decimal_mark([row[m.source] for m in numeric for row in table.rows[:2000] if m.source is not None and m.source < len(row)])
    if report.decimal == ",":
        findings.append(Finding("note", t("numbers are written with a decimal comma (1,5): read as 1.5")))
    columns: list[list[str]] = []
    for match in matches if dataset.format in ("csv", "csv.gz") else ():  # only a table can stand in for a table
        columns.append(_convert_column(dataset, match, table, report))
    report.rows = [list(row) for row in zip(*columns, strict=True)] if columns else []
    used = {m.source for m in matches if m.source is not None}
    extra = [h or f"#{i + 1}" for i, h in enumerate(table.header) if i not in used]
    if extra:
        findings.append(
            Finding(
                "note", t("not in the datasheet, left out: {columns}"), {"columns": ", ".join(f"“{h}”" for h in extra[:8]) + (" …" if len(extra) > 8 else "")}
            )
        )
    missing = [m.column.name for m in matches if m.source is None]
    if not any(m.source is not None for m in matches):
        findings.append(
            Finding(
                "bad",
                t("none of your columns matches the datasheet of {dataset} ({known}): name them with --map COLUMN=YOUR_COLUMN"),
                {"dataset": dataset.id, "known": ", ".join(c.name for c in dataset.columns)},
            )
        )
    elif missing:
        findings.append(
            Finding(
                "bad",
                t("the datasheet's {columns} not found in your file: code that uses them finds them empty (or name them with --map COLUMN=YOUR_COLUMN)"),
                {"columns": ", ".join(missing)},
            )
        )
    if report.fits:
        findings.append(Finding("ok", t("it fits: every column of {dataset} is there and every value reads"), {"dataset": dataset.id}))
    return report


def _convert_column(dataset: Dataset, match: Match, table: OwnTable, report: OwnDataReport) -> list[str]:
    column, findings = match.column, report.findings
    if match.source is None:
        return [""] * len(table.rows)
    index = match.source
    header = table.header[index] or f"#{index + 1}"
    values = [row[index] if index < len(row) else "" for row in table.rows]
    how = {"name": t("by name"), "description": t("by its description"), "unit": t("by its unit only: check it"), "map": t("as you said with --map")}[match.how]
    unit = f" ({column.unit})" if column.unit else ""
    findings.append(
        Finding(
            "note" if match.how == "unit" else "ok",
            t("column “{header}” → {column}{unit}, {how}"),
            {"header": header, "column": column.name, "unit": unit, "how": how},
            ("how",),
        )
    )
    first = table.first_line + 1

    def bad_values(count: int, at: int) -> None:
        findings.append(
            Finding(
                "bad",
                t("column “{header}”: {count} values are not {kind} (the first on line {line}: “{value}”)"),
                {"header": header, "count": count, "kind": kind_word, "line": first + at, "value": values[at][:40]},
                ("kind",),
            )
        )

    if column.type in ("int", "float", "bool"):
        kind_word = t("numbers") if column.type != "bool" else t("yes/no values")
        out, bad, first_bad = [], 0, -1
        for at, value in enumerate(values):
            if value.strip().lower() in MISSING:
                out.append("")
                continue
            if column.type == "bool":
                word = value.strip().lower()
                flag = {
                    "true": "true",
                    "1": "true",
                    "yes": "true",
                    "да": "true",
                    "иә": "true",
                    "false": "false",
                    "0": "false",
                    "no": "false",
                    "нет": "false",
                    "жоқ": "false",
                }.get(word)
                if flag is None:
                    bad, first_bad = bad + 1, at if first_bad < 0 else first_bad
                out.append(flag or "")
                continue
            number = _number(value, report.decimal)
            if number is None:
                bad, first_bad = bad + 1, at if first_bad < 0 else first_bad
                out.append("")
                continue
            number *= match.factor
            out.append(str(round(number)) if column.type == "int" and number == round(number) else _shown_number(number))
        if bad:
            bad_values(bad, first_bad)
        return out
    if column.type in ("date", "datetime"):
        kind_word = t("dates")
        label, moments, bad, first_bad = _read_times(values)
        if not label:
            findings.append(
                Finding("bad", t("column “{header}”: no dates Qala knows (yyyy-mm-dd, dd.mm.yyyy, dd/mm/yyyy, with HH:MM or without)"), {"header": header})
            )
            return [""] * len(values)
        findings.append(Finding("ok", t("column “{header}”: dates written as {format}"), {"header": header, "format": label}))
        if bad:
            bad_values(bad, first_bad)
        return _times_out(column, moments, header, findings, sample_value(dataset, column.name))
    return [v.strip() for v in values]


def _times_out(column: DatasetColumn, moments: list[_dt.datetime | None], header: str, findings: list[Finding], sample: str) -> list[str]:
    """Dates and times in the dataset's own shape, each time zone decision said once."""
    offsets = sorted({m.utcoffset() for m in moments if m is not None and m.tzinfo is not None}, key=lambda o: o or _dt.timedelta())
    naive = any(m is not None and m.tzinfo is None for m in moments)
    wants_offset = bool(re.search(r"(Z|[+-]\d{2}:\d{2})$", sample))
    shown = ", ".join(_offset_text(o) for o in offsets if o is not None)
    if column.type == "date":
        if any(m is not None and (m.hour or m.minute) for m in moments):
            findings.append(
                Finding(
                    "note",
                    t("column “{header}” has times, the datasheet's {column} only days: the times are dropped"),
                    {"header": header, "column": column.name},
                )
            )
        return [m.date().isoformat() if m is not None else "" for m in moments]
    if offsets and naive:
        findings.append(
            Finding(
                "bad",
                t("column “{header}”: some times have an offset ({offsets}) and some have none: which clock the others are on cannot be told"),
                {"header": header, "offsets": shown},
            )
        )
    elif len(offsets) > 1:
        findings.append(
            Finding(
                "note",
                t(
                    "column “{header}”: the times carry several UTC offsets ({offsets}): a clock change, or another feed's clock; the moments are kept as written"
                ),
                {"header": header, "offsets": shown},
            )
        )
    elif offsets:
        foreign = offsets[0] not in (_dt.timedelta(hours=5), _dt.timedelta(hours=6))
        key = (
            t(
                "column “{header}”: the times carry the offset {offsets}, which is not Almaty's (+05:00, +06:00 before March 2024): another zone's clock; the moments are kept as written"
            )
            if foreign
            else t("column “{header}”: the times carry Almaty's offset {offsets}")
        )
        findings.append(Finding("note" if foreign else "ok", key, {"header": header, "offsets": shown}))
    elif naive and wants_offset:
        findings.append(
            Finding(
                "note",
                t("column “{header}”: the times have no UTC offset: read as Almaty clock time (+06:00 before 1 March 2024, +05:00 after)"),
                {"header": header},
            )
        )
    out = []
    for moment in moments:
        if moment is None:
            out.append("")
            continue
        if wants_offset and moment.tzinfo is None:
            moment = moment.replace(tzinfo=almaty_offset(moment))
        elif not wants_offset and moment.tzinfo is not None:
            utc = moment.astimezone(_dt.UTC).replace(tzinfo=None)
            moment = utc + _dt.timedelta(hours=6)
            if moment >= ALMATY_CLOCK_CHANGE:
                moment = utc + _dt.timedelta(hours=5)
        out.append(moment.isoformat(timespec="seconds"))
    if offsets and not wants_offset:
        findings.append(
            Finding(
                "note",
                t("column “{header}”: the times are turned into Almaty clock time without an offset, as the datasheet's {column}"),
                {"header": header, "column": column.name},
            )
        )
    return out


def _offset_text(offset: _dt.timedelta) -> str:
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


# ---------------------------------------------------------------- in the learner's home


def converted_bytes(report: OwnDataReport, dataset: Dataset) -> bytes:
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow([c.name for c in dataset.columns])
    writer.writerows(report.rows)
    data = text.getvalue().encode("utf-8")
    return gzip.compress(data, mtime=0) if dataset.format == "csv.gz" else data


def save(home: Path, report: OwnDataReport, dataset: Dataset, source: Path) -> Path:
    """Write the converted file into ``home``/own-data and remember that lessons explore with it."""
    folder = Path(home) / OWN_DATA
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / dataset.path.name
    tmp = target.with_name(target.name + ".tmp")
    tmp.write_bytes(converted_bytes(report, dataset))
    os.replace(tmp, target)
    state = using(home)
    state[dataset.id] = {"file": target.name, "source": str(Path(source).resolve()), "rows": len(report.rows)}
    _write_state(home, state)
    return target


def using(home: Path) -> dict[str, dict]:
    """The datasets the learner explores with their own data: id -> {file, source, rows}."""
    try:
        data = json.loads((Path(home) / OWN_DATA / STATE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return (
        {k: v for k, v in data.items() if isinstance(v, dict) and (Path(home) / OWN_DATA / str(v.get("file", ""))).is_file()} if isinstance(data, dict) else {}
    )


def _write_state(home: Path, state: dict) -> None:
    path = Path(home) / OWN_DATA / STATE
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(state, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, path)


def reset(home: Path, dataset: str | None = None) -> list[str]:
    """Back to the course's data (for one dataset, or all); the learner's own files stay untouched."""
    state = using(home)
    gone = [dataset] if dataset in state else ([] if dataset else list(state))
    for name in gone:
        entry = state.pop(name)
        try:
            (Path(home) / OWN_DATA / entry["file"]).unlink()
        except OSError:
            pass
    if (Path(home) / OWN_DATA).is_dir():
        _write_state(home, state)
    shutil.rmtree(Path(home) / OWN_DATA / VIEW, ignore_errors=True)
    return gone


def explore_view(home: Path, datasets_dir: Path) -> Path:
    """A datasets folder for ungraded runs: the course's files, the learner's own in place of theirs."""
    state = using(home)
    view = Path(home) / OWN_DATA / VIEW / "datasets"
    view.mkdir(parents=True, exist_ok=True)
    own = {entry["file"] for entry in state.values()}
    wanted = set()
    for source in sorted(Path(datasets_dir).iterdir()):
        if not source.is_file():
            continue
        wanted.add(source.name)
        target = view / source.name
        origin = Path(home) / OWN_DATA / source.name if source.name in own else source
        stat = origin.stat()
        try:
            current = target.stat()
            if current.st_size == stat.st_size and current.st_mtime_ns == stat.st_mtime_ns:
                continue
            target.unlink()
        except FileNotFoundError:
            pass
        shutil.copy2(origin, target)
    for stale in view.iterdir():
        if stale.name not in wanted:
            stale.unlink()
    return view


def describe(home: Path, datasets: Mapping[str, Dataset], language: str) -> list[tuple[str, str, int]]:
    """(dataset id, its title, rows) of each dataset explored with the learner's own data."""
    return [(name, pick(datasets[name].title, language) if name in datasets else name, int(entry.get("rows", 0))) for name, entry in using(home).items()]
