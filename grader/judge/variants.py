"""Hidden variants: the same exercise on inputs changed under the learner's code.

A check that only compares values can be passed by typing the reference's values in. So every
value, function and output check is also judged on a *variant*: the exercise's inputs changed in
a realistic way, the learner's code and the reference run on it, and their results must agree
there too. Inputs are

- the datasets the exercise opens: another sample of them — 5 to 12 % of the days (or of the
  rows, where a table is not one row per day and place) left out, the decimal readings scaled by
  one factor of 6 to 20 % up or down, so that every relation between them holds. Planted flaws
  stay as they are: an empty cell, a -999, a rare zero, a duplicated row, a row holding a rare
  text the exercise's code names (a date, a station), a number it names (a threshold such as 35).
  Whole counts are not scaled (totals and subtotals must still add up). Written once per seed
  into a folder of their own;
- the literal lists, tuples and dicts a starter (or setup) gives by name (``pm25 = [52, ...]``):
  an assignment of exactly that literal, in any program graded for the exercise, gets the
  variant's literal in its place (same lines, so errors still point at the learner's line);
- the numbers in a function check's hidden calls (``aqi(35.5)`` → ``aqi(38.1)``).

Everything is decided by a seed (per learner and exercise, kept with each attempt), so a regrade
reproduces the very same variant. Standard library only (it runs in the browser as well).
"""

from __future__ import annotations

import ast
import csv
import datetime as _dt
import gzip
import hashlib
import io
import os
import re
import shutil
import threading
import tomllib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..content.model import Exercise

# Numeric columns that are not measures: identifiers, calendar fields, coordinates, categories.
_NOT_MEASURES = re.compile(r"(^|_)(id|year|years|built|tier|month|day|hour|floors?|code|number|lat|lon|lng|latitude|longitude|rows|line)$")

_NUMBER_IN_TEXT = re.compile(r"(?<![\d.])\d+(?:\.\d+)?(?![\d.])")

_DECIMAL_IN_LINE = re.compile(r"(?<![\w.:-])\d+\.\d+(?![\w.])")

_DATE_IN_TEXT = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})(?=$|[T ]\d{2}:\d{2}|[^\d])")

_CONSECUTIVE = re.compile(r"\.(rolling|shift|diff|resample|asfreq|pct_change|expanding|ewm)\(")

MIN_ROWS_TO_THIN = 100

VARIANTS_FORMAT = 3  # bump when a seed would give another variant (cached reference runs then expire)  # smaller tables (districts, tariffs) keep every row


def seed_for(learner: str, lesson: str, exercise: str) -> str:
    """The variant seed of one learner on one exercise (16 hex digits)."""
    return hashlib.sha256(f"qala-variant\0{learner}\0{lesson}\0{exercise}".encode()).hexdigest()[:16]


def _unit(seed: str, key: str) -> float:
    """A number in [0, 1) fixed by the seed and the key."""
    digest = hashlib.blake2b(f"{seed}\0{key}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64


def _factor(seed: str, key: str) -> float:
    """A change of 6–20 % up or down."""
    u = _unit(seed, key)
    size = 0.06 + 0.14 * (u * 2 % 1)
    return 1 + size if u < 0.5 else 1 - size


def nudge(value: Any, seed: str, key: str, keep: frozenset = frozenset()) -> Any:
    """A number changed realistically; zeros, negatives (sentinels such as -999), booleans, years
    and numbers the exercise names stay as they are. Equal numbers change equally."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0 or value in keep:
        return value
    if isinstance(value, int):
        if 1900 <= value <= 2100:
            return value  # a year
        new = round(value * _factor(seed, f"{key}:{value!r}"))
        if new == value:
            new = value + (1 if _unit(seed, f"{key}:{value!r}:s") < 0.5 else -1)
        return new if new > 0 else value + 1
    if value != value or value in (float("inf"), float("-inf")):
        return value
    decimals = _decimals(repr(value))
    moved = round(value * _factor(seed, f"{key}:{value!r}"), decimals)
    return moved if moved != value else round(value + 10**-decimals, decimals)


def _decimals(text: str) -> int:
    if "e" in text.lower() or "." not in text:
        return 0 if "e" not in text.lower() else 6
    return len(text.split(".", 1)[1])


def _nudged_literal(value: Any, seed: str, key: str, keep: frozenset) -> Any:
    if isinstance(value, list):
        return [_nudged_literal(v, seed, key, keep) for v in value]
    if isinstance(value, tuple):
        return tuple(_nudged_literal(v, seed, key, keep) for v in value)
    if isinstance(value, dict):
        return {k: _nudged_literal(v, seed, key, keep) for k, v in value.items()}
    return nudge(value, seed, key, keep)


def _has_number(value: Any) -> bool:
    if isinstance(value, (list, tuple, set, frozenset)):
        return any(_has_number(v) for v in value)
    if isinstance(value, dict):
        return any(_has_number(v) for v in value.values())
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0


def _flat(value: Any) -> bool:
    """Data, not a table of rules: a flat list of readings or a flat dict (a nested table, such as
    AQI breakpoints, is the exercise's rule and stays)."""
    items = value.values() if isinstance(value, dict) else value
    return not any(isinstance(v, (list, tuple, dict, set)) for v in items)


def _parse(code: str) -> ast.Module | None:
    try:
        return ast.parse(code)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


def _literal(node: ast.AST) -> tuple[bool, Any]:
    try:
        return True, ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return False, None


def _given_inputs(code: str) -> dict[str, Any]:
    """Names a program's top level gives a literal container with numbers in it."""
    tree = _parse(code)
    found: dict[str, Any] = {}
    for node in tree.body if tree else []:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            if isinstance(node.value, (ast.List, ast.Tuple, ast.Dict)):
                ok, value = _literal(node.value)
                if ok and _has_number(value) and _flat(value):
                    found.setdefault(node.targets[0].id, value)
    return found


def code_numbers(codes: Iterable[str]) -> frozenset:
    """The numbers a piece of code names outside literal containers (thresholds, limits): kept."""
    numbers: set = set()
    for code in codes:
        tree = _parse(code)
        if tree is None:
            continue
        inside: set[int] = set()
        for node in ast.walk(tree):
            if isinstance(node, (ast.List, ast.Tuple, ast.Dict, ast.Set)):
                inside.update(id(n) for n in ast.walk(node) if n is not node)
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool) and id(node) not in inside:
                numbers.add(node.value)
    return frozenset(numbers)


def code_texts(codes: Iterable[str]) -> frozenset:
    """The texts a piece of code names (a station "AQ02", a date): rows holding one are kept."""
    texts: set = set()
    for code in codes:
        tree = _parse(code)
        if tree is not None:
            texts.update(n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str) and n.value.strip())
    return frozenset(texts)


@dataclass(frozen=True)
class Variant:
    """One variant of an exercise's inputs."""

    seed: str
    inputs: dict[str, tuple[Any, Any]] = field(default_factory=dict)  # name -> (given, variant)
    keep: frozenset = frozenset()  # numbers the exercise's code names: never changed
    texts: frozenset = frozenset()  # texts the exercise's code names: rows holding one stay
    every_day: bool = False  # the exercise works on consecutive days (rolling, shift…): no day is left out
    datasets: tuple[str, ...] = ()  # the datasets changed (when the lesson opens any)

    def rewrite(self, code: str) -> str:
        """``code`` with each top-level assignment of a given input's exact literal replaced by
        the variant's literal, on the same lines."""
        if not self.inputs or not code:
            return code
        tree = _parse(code)
        if tree is None:
            return code
        lines = code.splitlines(keepends=True)
        edits = []
        for node in tree.body:
            if not (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)):
                continue
            pair = self.inputs.get(node.targets[0].id)
            if pair is None:
                continue
            ok, value = _literal(node.value)
            if not ok or value != pair[0] or type(value) is not type(pair[0]):
                continue
            value_node = node.value
            if value_node.end_lineno is None or value_node.end_col_offset is None:
                continue
            edits.append((value_node.lineno, value_node.col_offset, value_node.end_lineno, value_node.end_col_offset, pair[1]))
        for start, col, end, end_col, value in reversed(edits):
            first = lines[start - 1].encode("utf-8")
            last = lines[end - 1].encode("utf-8")
            text = "(" + repr(value) + "\n" * (end - start) + ")"
            joined = first[:col].decode("utf-8") + text + last[end_col:].decode("utf-8")
            lines[start - 1 : end] = [joined]
        return "".join(lines)

    def call(self, call: str) -> str:
        """A hidden call with its numbers nudged (the same numbers, the same way)."""
        try:
            tree = ast.parse(call, mode="eval")
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return call
        changed = False
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                for arg in list(node.args) + [k.value for k in node.keywords]:
                    for inner in ast.walk(arg):
                        if isinstance(inner, ast.Constant) and isinstance(inner.value, (int, float, str)) and not isinstance(inner.value, bool):
                            new = self._text(inner.value) if isinstance(inner.value, str) else nudge(inner.value, self.seed, "call")
                            if new != inner.value:
                                inner.value = new
                                changed = True
        return ast.unparse(tree) if changed else call

    def _text(self, text: str) -> str:
        """Numbers written inside a text (a reading "56.26", a zone code "7002") nudged, as
        many digits as before; one- and two-digit runs (hours, days, "07:45") stay."""

        def one(match: re.Match) -> str:
            whole = match.group(0)
            if "." not in whole and len(whole) < 3:
                return whole
            number: Any = float(whole) if "." in whole else int(whole)
            new = nudge(number, self.seed, "text")
            if isinstance(number, float):
                return f"{new:.{_decimals(whole)}f}"
            return str(new).zfill(len(whole))[-len(whole) :] if len(str(new)) <= len(whole) else whole

        shifted = _DATE_IN_TEXT.sub(self._date, text)
        if shifted != text:
            return shifted  # a timestamp: its date moves, its clock stays (digits are not nudged)
        return _NUMBER_IN_TEXT.sub(one, text)

    def _date(self, match: re.Match) -> str:
        """A date a few days to four weeks later — the same shift for every date of the variant."""
        try:
            day = _dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        except ValueError:
            return match.group(0)
        return (day + _dt.timedelta(days=1 + int(_unit(self.seed, "date") * 27))).isoformat()


def make_variant(exercise: Exercise, seed: str, lesson_datasets: Iterable[str] = ()) -> Variant | None:
    """The variant of ``exercise`` for ``seed``; None when it has nothing that could change."""
    given = _given_inputs(exercise.setup)
    solution = _given_inputs(exercise.solution)
    for name, value in _given_inputs(exercise.starter).items():
        if solution.get(name) == value:
            given.setdefault(name, value)
    codes = [exercise.solution, exercise.setup] + [str(c.target) for c in exercise.checks if c.kind == "assert"]
    keep = code_numbers(codes)
    inputs = {}
    for name, value in given.items():
        new = _nudged_literal(value, seed, f"input:{name}", keep)
        if new != value:
            inputs[name] = (value, new)
    calls = any(c.kind == "function" and c.option("calls") for c in exercise.checks)
    # Only the datasets the exercise opens are changed (the rest are linked as they are).
    opened = tuple(d for d in lesson_datasets if d in exercise.solution or d in exercise.setup)
    datasets = opened or tuple(lesson_datasets)
    if not inputs and not datasets and not calls:
        return None
    every_day = bool(_CONSECUTIVE.search("\n".join(codes)))
    return Variant(seed, inputs, keep, code_texts(codes), every_day=every_day, datasets=datasets)


# ------------------------------------------------------------------------------------ datasets


def _sheet(sheet: Path) -> tuple[set[str], bool]:
    """A datasheet's measure columns (decimal readings: pm25, tonnes, °C — not ids, years,
    coordinates, nor whole counts, whose totals and subtotals must still add up), and whether
    its first column is a day or a time (the table's grain: it then loses whole days)."""
    try:
        data = tomllib.loads(sheet.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return set(), False
    columns = [c for c in data.get("column", []) if isinstance(c, dict)]
    measures = {str(c.get("name")) for c in columns if c.get("type") == "float" and not _NOT_MEASURES.search(str(c.get("name", "")).lower())}
    return measures, bool(columns) and columns[0].get("type") in ("date", "datetime")


def _scaled(text: str, factor: float, keep: frozenset, memo: dict) -> str:
    """A reading written in a cell, scaled and written with as many decimals as before; an empty
    cell, a zero, a negative (a sentinel such as -999) or a number the code names stays."""
    found = memo.get(text)
    if found is None:
        found = text
        stripped = text.strip()
        try:
            number = float(stripped) if stripped else None
        except ValueError:
            number = None
        if number is not None and number > 0 and number not in keep and number == number and number != float("inf"):
            decimals = _decimals(stripped)
            new = round(number * factor, decimals)
            found = f"{(new if new != number else number + 10**-decimals):.{decimals}f}"
        memo[text] = found
    return found


def _thinning(seed: str, name: str) -> float:
    """The share of a table a variant leaves out: 5–12 % of its days (or rows) — another sample."""
    return 0.05 + 0.07 * _unit(seed, f"thin:{name}")


def _is_zero(text: str) -> bool:
    return text in ("0", "0.0", "0.00")


def _flaw_columns(header: list[str], body: list[list[str]]) -> set[tuple[int, str]]:
    """Where an empty cell or a zero is a planted flaw: columns where it is rare (under 20 % of
    rows; an optional column, empty in most rows, plants nothing)."""
    flaws = set()
    for i in range(len(header)):
        cells = [row[i].strip() for row in body if i < len(row)]
        for kind, test in (("empty", lambda t: not t), ("zero", _is_zero)):
            found = sum(1 for c in cells if test(c))
            if 0 < found < 0.2 * len(cells):
                flaws.add((i, kind))
    return flaws


def _kept_whole(row: list[str], seen: Counter, rare: frozenset, flawed: set | None) -> bool:
    """A row a variant never leaves out (nor its day): a duplicated one (or one equal to another
    but for its first column), one with a planted flaw (a
    rare empty cell or zero, a negative number such as -999), or one holding a rare text the
    exercise's code names (a date, a station's bad day)."""
    if seen[tuple(row)] > 1 or (flawed is not None and seen[("\x00",) + tuple(row[1:])] > 1):
        return True
    for i, cell in enumerate(row):
        text = cell.strip()
        if text in rare:
            return True
        if flawed is not None and (text.startswith("-") or (not text and (i, "empty") in flawed) or (_is_zero(text) and (i, "zero") in flawed)):
            return True
    return False


def _left_out(header: list[str], body: list[list[str]], by_day: bool, variant: Variant, name: str) -> set[str]:
    """Which days (or rows, by their text) the variant leaves out of a table."""
    if len(body) < MIN_ROWS_TO_THIN or (by_day and variant.every_day):
        return set()  # a day left out would break a run of consecutive days (a 7-day window)
    share = _thinning(variant.seed, name)
    # Duplicates, and rows equal but for their first column (a republished copy under another
    # id, a stuck sensor's same readings on another day), stay together.
    seen = Counter(tuple(row) for row in body) + Counter(("\x00",) + tuple(row[1:]) for row in body)
    # A text the code names keeps its rows when it is rare (a date, a station's one bad day);
    # a common one ("OSI", a district) would keep nearly every row, and does not.
    named = Counter(cell for row in body for cell in row if cell in variant.texts)
    rare = frozenset(text for text, n in named.items() if n <= max(3, len(body) // 100))
    # A table by day loses whole days, flaws and all (most days hold one somewhere; the others
    # keep theirs), but never a day with a duplicated row or a rare text the code names.
    flawed = None if by_day else _flaw_columns(header, body)
    keys = {_row_key(row, by_day) for row in body}
    keys -= {_row_key(row, by_day) for row in body if _kept_whole(row, seen, rare, flawed)}
    if by_day:
        # A day the exercise's code names ("2024-01-15") is the one it reads: it stays.
        keys = {k for k in keys if not any(text.startswith(k) for text in variant.texts)}
        # Every table by day of the variant loses the same days, so that tables joined by their
        # day or hour (traffic and NO2) still find each other's rows.
        share = _thinning(variant.seed, "days")
        return {k for k in keys if k and _unit(variant.seed, f"out:day:{k}") < share}
    return {k for k in keys if k and _unit(variant.seed, f"out:{name}:{k}") < share}


def _row_key(row: list[str], by_day: bool) -> str:
    return (row[0][:10] if row else "") if by_day else "\x1f".join(row)


def _vary_lines(source: Path, target: Path, variant: Variant) -> None:
    """A JSON-lines file with a few ordinary lines left out and its readings scaled (every line
    otherwise kept as written)."""
    lines = source.read_text(encoding="utf-8").splitlines(keepends=True)
    if len(lines) < MIN_ROWS_TO_THIN:
        shutil.copyfile(source, target)
        return
    share = _thinning(variant.seed, source.name)
    seen = Counter(lines)
    kept = [line for line in lines if seen[line] > 1 or not line.strip() or _unit(variant.seed, f"row:{source.name}:{line}") >= share]
    memo: dict = {}
    factor = _factor(variant.seed, f"scale:{source.name}")

    def reading(match: re.Match) -> str:
        return _scaled(match.group(0), factor, variant.keep, memo)

    # Readings written with decimals ("56.26"; "-3.60" stays: negatives are kept) are scaled;
    # whole numbers (ids, counters, "wifi":"-69") stay.
    target.write_text(_DECIMAL_IN_LINE.sub(reading, "".join(kept)), encoding="utf-8")


def _vary_csv(source: Path, target: Path, sheet: Path, variant: Variant, thin_rows: bool = True) -> None:
    """A table with some days (or rows) left out and its readings scaled by one factor, so that
    every relation between them holds (PM10 below PM2.5 stays below it, parts still add up).
    ``thin_rows``: a table not by day may lose rows (only the exercise's largest such table: the
    others are what it looks things up in, such as the stations its trips start from)."""
    measures, by_day = _sheet(sheet)
    opener = gzip.open if source.suffix == ".gz" else open
    with opener(source, "rt", encoding="utf-8", newline="") as f:
        text = f.read()
    rows = csv.reader(io.StringIO(text))
    header = next(rows, None)
    if header is None:
        shutil.copyfile(source, target)
        return
    body = list(rows)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n" if "\r\n" in text[:4096] else "\n")
    writer.writerow(header)
    varied = [i for i, name in enumerate(header) if name in measures]
    left_out = _left_out(header, body, by_day, variant, source.name) if by_day or thin_rows else set()
    factor = _factor(variant.seed, f"scale:{source.name}")
    memos: dict[int, dict] = {i: {} for i in varied}
    for row in body:
        if left_out and _row_key(row, by_day) in left_out:
            continue
        for i in varied:
            if i < len(row):
                row[i] = _scaled(row[i], factor, variant.keep, memos[i])
        writer.writerow(row)
    data = out.getvalue().encode("utf-8")
    if source.suffix == ".gz":
        data = gzip.compress(data, compresslevel=1, mtime=0)
    target.write_bytes(data)


def dataset_folder(variant: Variant, datasets_dir: Path, root: Path) -> Path:
    """A folder laid out like ``datasets_dir`` with the variant's datasets changed (made once per
    seed and kept under ``root``); the other files are linked, or copied where links fail."""
    keep_key = hashlib.sha256(repr((sorted(map(repr, variant.keep)), sorted(variant.texts), variant.every_day)).encode()).hexdigest()[:8]
    folder = root / f"{VARIANTS_FORMAT}-{variant.seed}-{keep_key}" / "datasets"
    if (folder / ".complete").is_file():
        return folder
    tmp = root / f".{VARIANTS_FORMAT}-{variant.seed}-{keep_key}.{os.getpid()}-{threading.get_ident()}" / "datasets"  # two threads may make it at once
    shutil.rmtree(tmp.parent, ignore_errors=True)
    tmp.mkdir(parents=True)
    tables = [p for p in sorted(datasets_dir.iterdir()) if p.is_file() and p.name.split(".")[0] in variant.datasets and p.name.endswith((".csv", ".csv.gz"))]
    not_by_day = [p for p in tables if not _sheet(datasets_dir / f"{p.name.split('.')[0]}.toml")[1]]
    thinned = max(not_by_day, key=lambda p: p.stat().st_size, default=None)
    for path in sorted(datasets_dir.iterdir()):
        if not path.is_file():
            continue
        name = path.name.split(".")[0]
        if name in variant.datasets and path.name.endswith((".csv", ".csv.gz")):
            _vary_csv(path, tmp / path.name, datasets_dir / f"{name}.toml", variant, thin_rows=path == thinned)
            continue
        if name in variant.datasets and path.name.endswith(".jsonl"):
            _vary_lines(path, tmp / path.name, variant)
            continue
        _link_or_copy(path, tmp / path.name)
    (tmp / ".complete").write_text(variant.seed, encoding="utf-8")
    folder.parent.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.replace(tmp.parent, folder.parent)
    except OSError:  # another process made it first
        shutil.rmtree(tmp.parent, ignore_errors=True)
    return folder


def _link_or_copy(source: Path, target: Path) -> None:
    """A file the variant does not change: a hard link, else (Pyodide has no os.link) a symbolic
    link, else a copy."""
    for make in (getattr(os, "link", None), getattr(os, "symlink", None)):
        if make is None:
            continue
        try:
            make(source, target)
            return
        except OSError:
            continue
    shutil.copyfile(source, target)
