"""Reading a few rows of a city dataset, and one column as a time series, for the Data screen.

UI-free and standard library only (no pandas at startup): CSV, gzipped CSV and JSON lines, as
the datasheets describe them; a spreadsheet (.xlsx) through openpyxl, imported only for one.
"""

from __future__ import annotations

import csv
import gzip
import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

from qala.grader.engine import Dataset

NUMERIC = ("int", "float")
TIME = ("date", "datetime")


def _records(dataset: Dataset) -> Iterator[list[str]]:
    """Every row as a list of strings in the datasheet's column order (the header skipped)."""
    names = [c.name for c in dataset.columns]
    if dataset.format == "jsonl":
        with open(dataset.path, encoding="utf-8") as handle:
            for line in handle:
                if line.strip():
                    item = json.loads(line)
                    yield ["" if item.get(n) is None else str(item.get(n)) for n in names]
        return
    if dataset.format == "xlsx":
        yield from _spreadsheet_rows(dataset, len(names))
        return
    opener = gzip.open if dataset.format == "csv.gz" else open
    with opener(dataset.path, "rt", encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader, [])
        order = [header.index(n) if n in header else None for n in names] if names else list(range(len(header)))
        for row in reader:
            yield [row[i] if i is not None and i < len(row) else "" for i in order]


def _spreadsheet_rows(dataset: Dataset, width: int) -> Iterator[list[str]]:
    """A spreadsheet's sheet as Excel opens it, row by row as it is (titles, header rows and
    footnotes included: that is what a lesson on such files reads); empty without openpyxl."""
    try:
        from openpyxl import load_workbook
    except ImportError:
        return
    try:
        book = load_workbook(dataset.path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError) as exc:  # not a workbook: the screen says it could not read it
        raise ValueError(str(exc)) from None
    try:
        for row in book.active.iter_rows(values_only=True):
            cells = ["" if cell is None else str(cell) for cell in row]
            yield (cells + [""] * width)[: max(width, 1)]
    finally:
        book.close()


def head(dataset: Dataset, limit: int = 200) -> list[list[str]]:
    """The first ``limit`` rows."""
    rows = []
    for row in _records(dataset):
        rows.append(row)
        if len(rows) >= limit:
            break
    return rows


def time_column(dataset: Dataset) -> str | None:
    return next((c.name for c in dataset.columns if c.type in TIME), None)


def numeric_columns(dataset: Dataset) -> list[str]:
    """Columns worth averaging (an id is a number, but not a measurement)."""
    return [c.name for c in dataset.columns if c.type in NUMERIC and c.name != "id" and not c.name.endswith("_id")]


ROWS = ""  # series() of ROWS counts the rows per period instead of averaging a column


@dataclass(frozen=True)
class Series:
    """A column's mean (or the number of rows) per day or month, in time order."""

    column: str  # ROWS for a count
    period: str  # "day" or "month"
    labels: tuple[str, ...]
    values: tuple[float, ...]
    rows_read: int
    complete: bool  # False when the file was longer than the rows read


def series(dataset: Dataset, column: str, max_rows: int = 400_000) -> Series | None:
    """``column``'s mean (or, for ROWS, the number of rows) per day, or per month when there
    are more than 120 days."""
    when = time_column(dataset)
    names = [c.name for c in dataset.columns]
    if when is None or (column != ROWS and column not in names):
        return None
    t_index = names.index(when)
    v_index = names.index(column) if column != ROWS else None
    sums: dict[str, list[float]] = {}
    read = 0
    complete = True
    for row in _records(dataset):
        if read >= max_rows:
            complete = False
            break
        read += 1
        day = row[t_index][:10]
        if not day:
            continue
        try:
            value = 1.0 if v_index is None else float(row[v_index])
        except ValueError:
            continue  # a missing value
        if value != value:  # NaN
            continue
        total = sums.setdefault(day, [0.0, 0])
        total[0] += value
        total[1] += 1
    if not sums:
        return None
    period = "day"
    if len(sums) > 120:
        period = "month"
        months: dict[str, list[float]] = {}
        for day, (day_total, count) in sums.items():
            month = months.setdefault(day[:7], [0.0, 0])
            month[0] += day_total
            month[1] += count
        sums = months
    labels = tuple(sorted(sums))
    values = tuple(sums[k][0] if column == ROWS else sums[k][0] / sums[k][1] for k in labels)
    return Series(column, period, labels, values, read, complete)
