"""Reading a table a learner brought: a CSV in any common encoding, delimiter and decimal mark, or
an XLSX read with the standard library only (an XLSX is a zip of XML), all under fixed caps.

A pupil's file may be hostile on purpose (a sheet that inflates to gigabytes, a header of millions
of columns, NUL bytes, two encodings in one file): every cap is checked while reading, so each such
file ends in one :class:`UnreadableFile` (a message key and its fields, said in the learner's
language by whoever shows it) after reading at most ``MAX_FILE_BYTES`` from disk and
``MAX_XML_BYTES`` from a zip. The file itself is only ever opened for reading.
"""

from __future__ import annotations

import codecs
import csv
import datetime as _dt
import io
import re
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import UsageError, t
from ..i18n import Translator

if TYPE_CHECKING:  # imported where a workbook is read: it costs a tenth of a second in Pyodide
    from xml.etree import ElementTree

MAX_FILE_BYTES = 32 * 1024 * 1024  # what is read from disk at most
MAX_XML_BYTES = 64 * 1024 * 1024  # what an XLSX may inflate to, all its parts together
MAX_COLUMNS = 500
MAX_ROWS = 1_000_000
MAX_CELLS = 2_000_000  # cells of a table kept in memory at most
MAX_CELL_CHARS = 10_000
DELIMITERS = (",", ";", "\t", "|")
KAZAKH_LETTERS = set("ӘәҒғҚқҢңӨөҰұҮүҺһ")
SERBIAN_LETTERS = set("ЂђЉљЊњЋћЏџЌќ")  # what Kazakh text read as Windows-1251 turns into
CHUNK = 64 * 1024
#: UTF-8 Cyrillic as Windows-1251 shows it: "Р" or "С" then a character made of a UTF-8 continuation byte, thrice in a row.
MOJIBAKE = re.compile("(?:[РС][" + re.escape(bytes(range(0x80, 0xC0)).decode("cp1251", errors="ignore")) + "]){3}")


class UnreadableFile(UsageError):
    """A learner's file Qala cannot read, as a message key and fields: ``render(tr)`` says it."""

    def __init__(self, key: str, **params: object):
        super().__init__(Translator("en").t(key, **params))
        self.key, self.params = key, params

    def render(self, tr: Translator) -> str:
        return tr.t(self.key, **self.params)


@dataclass
class OwnTable:
    """A learner's table as text cells, and how it was read."""

    name: str
    header: list[str]
    rows: list[list[str]]
    kind: str  # "csv" or "xlsx"
    encoding: str = ""  # csv: the codec used
    encoding_guessed: bool = False  # csv: the file did not say (no BOM, not UTF-8)
    delimiter: str = ","
    notes: list[tuple[str, dict[str, Any]]] = field(default_factory=list)  # (message key, fields) worth saying
    first_line: int = 1  # the header's line (csv) or row (xlsx) number


def read_table(path: Path) -> OwnTable:
    """The table in ``path`` (CSV or XLSX, by its content, not its name)."""
    path = Path(path)
    if not path.exists():
        raise UnreadableFile(t("no such file: {path}"), path=str(path))
    if not path.is_file():
        raise UnreadableFile(t("{path} is not a file"), path=str(path))
    try:
        with open(path, "rb") as file:
            data = file.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise UnreadableFile(t("cannot read {path}: {error}"), path=str(path), error=exc.strerror or str(exc)) from None
    if len(data) > MAX_FILE_BYTES:
        raise UnreadableFile(
            t("{name} is larger than {mb} MB, more than Qala reads: keep only the rows you need (a shorter period, fewer stations) and try again"),
            name=path.name,
            mb=MAX_FILE_BYTES // (1024 * 1024),
        )
    if data.startswith(b"PK\x03\x04"):
        return read_xlsx(path.name, data)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise UnreadableFile(t("{name} is an old Excel file (.xls): open it in a spreadsheet and save it as .xlsx or CSV"), name=path.name)
    return read_csv(path.name, data)


# ---------------------------------------------------------------- CSV


def decode(name: str, data: bytes) -> tuple[str, str, bool]:
    """The text, the codec and whether it was a guess: a BOM, else UTF-8, else Windows-1251 (or its Kazakh cousin)."""
    if data.startswith(codecs.BOM_UTF8):
        return _decoded(name, data[3:], "utf-8"), "utf-8-sig", False
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _decoded(name, data, "utf-16"), "utf-16", False
    if b"\x00" in data:
        raise UnreadableFile(
            t("{name} has NUL bytes (the first at byte {at}): it is not a text table; if it came from a spreadsheet, save it again as CSV"),
            name=name,
            at=data.index(b"\x00") + 1,
        )
    try:
        return data.decode("utf-8"), "utf-8", False
    except UnicodeDecodeError as exc:
        bad_at = exc.start
    good_before = data[:bad_at]
    if re.search(rb"[\xd0\xd1\xd2\xd3][\x80-\xbf]", good_before):
        # Cyrillic in UTF-8 first, then bytes that are not: two files glued together, or an edit in another program.
        line = good_before.count(b"\n") + 1
        raise UnreadableFile(
            t("{name} mixes two encodings: it is UTF-8 up to line {line}, then not; save the whole file again as UTF-8 (or Windows-1251)"),
            name=name,
            line=line,
        )
    text = _decoded(name, data, "cp1251")
    glued = MOJIBAKE.search(text)
    if glued is not None:
        # UTF-8 Cyrillic read as Windows-1251 ("Р°" for "а"): a file that is Windows-1251 first, UTF-8 later.
        raise UnreadableFile(
            t("{name} mixes two encodings: line {line} is UTF-8, other lines are not; save the whole file again as UTF-8 (or Windows-1251)"),
            name=name,
            line=text.count("\n", 0, glued.start()) + 1,
        )
    kazakh = _decoded(name, data, "kz1048")
    if sum(ch in KAZAKH_LETTERS for ch in kazakh) > sum(ch in SERBIAN_LETTERS for ch in text):
        return kazakh, "kz1048", True
    return text, "cp1251", True


def _decoded(name: str, data: bytes, codec: str) -> str:
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise UnreadableFile(t("{name} is not text Qala can read (line {line}): save it as CSV in UTF-8"), name=name, line=line) from None
    if "\x00" in text:
        raise UnreadableFile(t("{name} has NUL characters: it is not a text table; if it came from a spreadsheet, save it again as CSV"), name=name)
    return text


def read_csv(name: str, data: bytes) -> OwnTable:
    text, codec, guessed = decode(name, data)
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if line.strip()), None)
    if start is None:
        raise UnreadableFile(t("{name} is empty"), name=name)
    widest = max(lines[start].count(d) for d in DELIMITERS) + 1
    if widest > MAX_COLUMNS:
        raise UnreadableFile(
            t("the first line of {name} has {n} columns, more than the {most} Qala reads: is it really a table with a header?"),
            name=name,
            n=widest,
            most=MAX_COLUMNS,
        )
    delimiter, skip = _layout(lines[start : start + 30])
    notes: list[tuple[str, dict[str, Any]]] = []
    if skip:
        # a title or a source note above the header, as portals write them
        notes.append((t("the table starts at line {line}; the lines above it (a title?) are left out"), {"line": start + skip + 1}))
        start += skip
    body = io.StringIO("\n".join(lines[start:]))
    del text, lines  # the body alone is kept while the rows are read
    reader = csv.reader(body, delimiter=delimiter)
    try:
        header = [cell.strip() for cell in next(reader)][: MAX_COLUMNS + 1]
        if len(header) > MAX_COLUMNS:
            raise UnreadableFile(
                t("the first line of {name} has {n} columns, more than the {most} Qala reads: is it really a table with a header?"),
                name=name,
                n=len(header),
                most=MAX_COLUMNS,
            )
        rows: list[list[str]] = []
        cells = 0
        for row in reader:
            cells += len(row)
            if len(rows) >= MAX_ROWS or cells > MAX_CELLS:
                raise UnreadableFile(t("{name} has more than {most} rows, more than Qala reads: keep only the rows you need"), name=name, most=MAX_ROWS)
            if len(row) > MAX_COLUMNS:
                raise UnreadableFile(
                    t("line {line} of {name} has {n} columns, more than the {most} Qala reads"),
                    name=name,
                    line=start + len(rows) + 2,
                    n=len(row),
                    most=MAX_COLUMNS,
                )
            if any(cell.strip() for cell in row):
                rows.append(row)
    except csv.Error:
        raise UnreadableFile(
            t('{name} cannot be read as CSV near line {line}: is a quote (") left open, or a cell very long?'), name=name, line=reader.line_num + start
        ) from None
    return OwnTable(name, header, rows, "csv", codec, guessed, delimiter, notes, first_line=start + 1)


def _layout(lines: list[str]) -> tuple[str, int]:
    """The delimiter that splits the first lines most steadily into two columns or more, and how
    many lines above the header to skip (the first line with the usual number of columns)."""
    best, best_score, best_skip = ",", (0, 0), 0
    for candidate in DELIMITERS:
        counts = []
        for line in lines:
            try:
                counts.append(len(next(csv.reader([line], delimiter=candidate), [])))
            except csv.Error:
                counts.append(0)
        wide = [n for n in counts if n >= 2]
        if not wide:
            continue
        width, steady = Counter(wide).most_common(1)[0]
        if (steady, width) > best_score:
            best, best_score, best_skip = candidate, (steady, width), counts.index(width)
    return best, best_skip


# ---------------------------------------------------------------- XLSX

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main", "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships"}
MAIN = "{" + NS["m"] + "}"
DATE_FORMATS = set(range(14, 23)) | {45, 46, 47}
EPOCH = _dt.datetime(1899, 12, 30)


class _Budget:
    """The bytes an XLSX may still inflate to, spent while its parts are streamed."""

    def __init__(self, name: str):
        self.name, self.left = name, MAX_XML_BYTES

    def spend(self, n: int) -> None:
        self.left -= n
        if self.left < 0:
            raise UnreadableFile(
                t("{name} unpacks to more than {mb} MB, more than Qala reads: keep only the sheet and rows you need"),
                name=self.name,
                mb=MAX_XML_BYTES // (1024 * 1024),
            )


def _stream(archive: zipfile.ZipFile, member: str, budget: _Budget, name: str):
    """Parse one XML part of the zip, yielding finished elements; it is never inflated whole."""
    from xml.etree import ElementTree

    parser: ElementTree.XMLPullParser = ElementTree.XMLPullParser(events=("start", "end"))
    try:
        with archive.open(member) as part:
            first = True
            while chunk := part.read(CHUNK):
                budget.spend(len(chunk))
                if first and b"<!DOCTYPE" in chunk.upper():
                    raise UnreadableFile(t("{name} is not a spreadsheet Qala can read: save it again as .xlsx or CSV"), name=name)
                first = False
                parser.feed(chunk)
                yield from parser.read_events()
        parser.close()
        yield from parser.read_events()
    except (ElementTree.ParseError, zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, RuntimeError, NotImplementedError):
        raise UnreadableFile(t("{name} is damaged (in {part}): open it in a spreadsheet and save it again"), name=name, part=member) from None


def read_xlsx(name: str, data: bytes) -> OwnTable:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise UnreadableFile(t("{name} is damaged (in {part}): open it in a spreadsheet and save it again"), name=name, part="zip") from None
    if "xl/workbook.xml" not in members:
        raise UnreadableFile(t("{name} is a zip file but not an Excel workbook (.xlsx)"), name=name)
    budget = _Budget(name)
    sheet, sheet_name = _first_sheet(archive, members, budget, name)
    strings = _shared_strings(archive, members, budget, name)
    dates = _date_styles(archive, members, budget, name)
    grid: list[list[str]] = []
    notes: list[tuple[str, dict[str, Any]]] = []
    if sheet_name:
        notes.append((t("read the first sheet, “{sheet}”"), {"sheet": sheet_name}))
    merged: list[str] = []
    cells = 0
    parents: list[ElementTree.Element] = []
    row: dict[int, str] = {}
    for event, element in _stream(archive, sheet, budget, name):
        tag = element.tag
        if event == "start":
            parents.append(element)
            if tag == MAIN + "row":
                row = {}
            continue
        parents.pop()
        if tag == MAIN + "c":
            cells += 1
            column = _column_index(element.get("r", ""), len(row))
            if column >= MAX_COLUMNS:
                raise UnreadableFile(t("the sheet in {name} has a row with more than {most} columns, more than Qala reads"), name=name, most=MAX_COLUMNS)
            row[column] = _cell_text(element, strings, dates)
        elif tag == MAIN + "row":
            if len(grid) >= MAX_ROWS or cells > MAX_CELLS:
                raise UnreadableFile(t("{name} has more than {most} rows, more than Qala reads: keep only the rows you need"), name=name, most=MAX_ROWS)
            number = _row_number(element.get("r", ""), len(grid) + 1)
            while len(grid) < number - 1:
                grid.append([])
            grid.append([row.get(i, "") for i in range(max(row) + 1)] if row else [])
        elif tag == MAIN + "mergeCell":
            merged.append(element.get("ref", ""))
        if parents and tag in (MAIN + "c", MAIN + "row", MAIN + "mergeCell"):
            parents[-1].remove(element)  # a finished cell or row is not kept in the tree: memory stays flat
    filled = [sum(bool(c.strip()) for c in row) for row in grid[:30]]
    start = next((i for i, n in enumerate(filled) if n >= 1), None)
    if start is None:
        raise UnreadableFile(t("{name} is empty"), name=name)
    wide = [n for n in filled if n >= 2]
    if wide:  # a title above the header (often merged across it): the header is the first row as wide as most
        header_at = filled.index(Counter(wide).most_common(1)[0][0])
        if header_at > start:
            notes.append((t("the table starts at line {line}; the lines above it (a title?) are left out"), {"line": header_at + 1}))
            start = header_at
    header_merges = [ref for ref in merged if _merge_touches_row(ref, start + 1)]
    if header_merges:
        notes.append(
            (
                t("the header has merged cells ({cells}): each column is named by its own cell, so unmerge them if a name is missing"),
                {"cells": ", ".join(header_merges[:5])},
            )
        )
    header = [c.strip() for c in grid[start]]
    width = len(header)
    rows = [(row + [""] * width)[: max(width, len(row))] for row in grid[start + 1 :] if any(c.strip() for c in row)]
    return OwnTable(name, header, rows, "xlsx", notes=notes, first_line=start + 1)


def _first_sheet(archive: zipfile.ZipFile, members: set[str], budget: _Budget, name: str) -> tuple[str, str]:
    sheets = [
        (e.get("name", ""), e.get("{" + NS["r"] + "}id", ""))
        for ev, e in _stream(archive, "xl/workbook.xml", budget, name)
        if ev == "end" and e.tag == MAIN + "sheet"
    ]
    targets = {}
    if "xl/_rels/workbook.xml.rels" in members:
        for event, element in _stream(archive, "xl/_rels/workbook.xml.rels", budget, name):
            if event == "end" and element.tag.endswith("Relationship"):
                target = element.get("Target", "").lstrip("/")
                targets[element.get("Id", "")] = target if target.startswith("xl/") else "xl/" + target
    for sheet_name, rid in sheets:
        if targets.get(rid) in members:
            return targets[rid], sheet_name
    fallback = sorted(m for m in members if m.startswith("xl/worksheets/") and m.endswith(".xml"))
    if not fallback:
        raise UnreadableFile(t("{name} has no sheet with data"), name=name)
    return fallback[0], ""


def _shared_strings(archive: zipfile.ZipFile, members: set[str], budget: _Budget, name: str) -> list[str]:
    strings: list[str] = []
    if "xl/sharedStrings.xml" in members:
        for event, element in _stream(archive, "xl/sharedStrings.xml", budget, name):
            if event == "end" and element.tag == MAIN + "si":
                if len(strings) >= MAX_CELLS:
                    raise UnreadableFile(t("{name} has more than {most} rows, more than Qala reads: keep only the rows you need"), name=name, most=MAX_ROWS)
                strings.append("".join(text.text or "" for text in element.iter(MAIN + "t"))[:MAX_CELL_CHARS])
                element.clear()
    return strings


def _date_styles(archive: zipfile.ZipFile, members: set[str], budget: _Budget, name: str) -> set[int]:
    """The cell styles (indexes into cellXfs) that show a number as a date or time."""
    if "xl/styles.xml" not in members:
        return set()
    custom: dict[int, str] = {}
    styles: list[int] = []
    in_cell_xfs = False
    for event, element in _stream(archive, "xl/styles.xml", budget, name):
        if event == "start":
            continue
        if element.tag == MAIN + "numFmt":
            custom[int(element.get("numFmtId", "0"))] = element.get("formatCode", "")
        elif element.tag == MAIN + "xf":
            styles.append(int(element.get("numFmtId", "0")))
        elif element.tag == MAIN + "cellXfs":
            in_cell_xfs = True
            break
        elif element.tag == MAIN + "cellStyleXfs":
            styles = []  # those were the cell *style* formats; the cells' own come next
    if not in_cell_xfs:
        return set()

    def is_date(fmt: int) -> bool:
        code = re.sub(r'"[^"]*"|\[[^\]]*\]', "", custom.get(fmt, "")).lower()
        return fmt in DATE_FORMATS or bool(re.search(r"[dmyh]", code) and not re.fullmatch(r"[#0.,%\s]*", code))

    return {index for index, fmt in enumerate(styles) if is_date(fmt)}


def _column_index(ref: str, default: int) -> int:
    letters = re.match(r"[A-Z]+", ref)
    if not letters:
        return default
    index = 0
    for letter in letters.group():
        index = index * 26 + ord(letter) - 64
        if index > MAX_COLUMNS:
            return MAX_COLUMNS
    return index - 1


def _row_number(ref: str, default: int) -> int:
    """A row's number as the sheet says, kept within the row cap (a pupil may write r="999999999")."""
    number = int(ref) if ref.isdigit() else default
    if number > MAX_ROWS + 1:
        raise UnreadableFile(t("the sheet's rows go beyond row {most}, more than Qala reads"), most=MAX_ROWS)
    return max(number, default)


def _merge_touches_row(ref: str, row: int) -> bool:
    numbers = [int(n) for n in re.findall(r"\d+", ref)]
    return len(numbers) == 2 and numbers[0] <= row <= numbers[1]


def _cell_text(cell: ElementTree.Element, strings: list[str], dates: set[int]) -> str:
    kind = cell.get("t", "n")
    value = cell.find(MAIN + "v")
    raw = value.text if value is not None and value.text else ""
    if kind == "s":
        index = int(raw) if raw.isdigit() else -1
        return strings[index] if 0 <= index < len(strings) else ""
    if kind == "inlineStr":
        return "".join(text.text or "" for text in cell.iter(MAIN + "t"))[:MAX_CELL_CHARS]
    if kind == "b":
        return "true" if raw == "1" else "false"
    if kind in ("str", "e"):
        return raw[:MAX_CELL_CHARS]
    style = int(cell.get("s", "0") or 0)
    if raw and style in dates:
        try:
            moment = EPOCH + _dt.timedelta(days=float(raw))
        except (ValueError, OverflowError):
            return raw
        moment = moment.replace(microsecond=0) + _dt.timedelta(seconds=round(moment.microsecond / 1e6))
        if moment.time() == _dt.time(0):
            return moment.date().isoformat()
        return moment.isoformat(timespec="minutes" if moment.second == 0 else "seconds")
    if raw.endswith(".0"):
        raw = raw[:-2]
    return raw[:MAX_CELL_CHARS]
