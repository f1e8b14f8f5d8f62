"""The city datasets a course ships, described by their datasheets (NAME.toml beside NAME.csv)."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import ContentError, t
from ..i18n import pick
from .lesson_file import _toml_line, _toml_message

FORMATS = ("csv", "csv.gz", "jsonl", "xlsx")  # xlsx: a spreadsheet as offices send it (read with pandas + openpyxl)
TYPES = ("int", "float", "str", "date", "datetime", "bool")


@dataclass(frozen=True)
class DatasetColumn:
    name: str
    type: str
    unit: str
    description: Mapping[str, str]


@dataclass(frozen=True)
class Dataset:
    id: str
    path: Path  # the data file
    sheet: Path  # the datasheet
    format: str
    rows: int
    licence: str
    audience: str
    needs: tuple[str, ...]
    title: Mapping[str, str]
    grain: Mapping[str, str]
    description: Mapping[str, str]
    columns: tuple[DatasetColumn, ...]
    calibration: tuple[Mapping[str, Any], ...]
    flaws: tuple[Mapping[str, Any], ...]

    @property
    def relative_path(self) -> str:
        """How learner code opens it: the datasets folder sits beside their code."""
        return f"datasets/{self.path.name}"

    def as_json(self, language: str) -> dict:
        return {
            "id": self.id,
            "title": pick(self.title, language),
            "file": self.relative_path,
            "format": self.format,
            "rows": self.rows,
            "bytes": self.path.stat().st_size if self.path.exists() else None,
            "grain": pick(self.grain, language),
            "description": pick(self.description, language),
            "columns": [{"name": c.name, "type": c.type, "unit": c.unit, "description": pick(c.description, language)} for c in self.columns],
            "source_notes": [{"fact": c.get("fact", ""), "source": c.get("source", "")} for c in self.calibration],
            "flaws": [pick(f.get("description"), language) for f in self.flaws],
            "licence": self.licence,
            "needs": list(self.needs),
        }


def load_datasets(datasets_dir: Path, languages: Sequence[str] = ()) -> tuple[dict[str, Dataset], list[ContentError]]:
    """Every datasheet in the folder, and the problems found in them. With ``languages`` (the
    course's), a text a datasheet does not give in one of them is a warning too."""
    found: dict[str, Dataset] = {}
    problems: list[ContentError] = []
    if not Path(datasets_dir).is_dir():
        return found, problems
    for sheet in sorted(Path(datasets_dir).glob("*.toml")):
        try:
            text = sheet.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            problems.append(ContentError(t("the datasheet is not UTF-8 text"), sheet, 1))
            continue
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            problems.append(ContentError(t("datasheet is not valid TOML: {error}"), sheet, _toml_line(exc, text), params={"error": _toml_message(exc)}))
            continue
        try:
            dataset = _dataset(sheet, data)
        except _Invalid as invalid:
            problems.append(ContentError(invalid.message, sheet, _line_of(text, invalid.where), params=invalid.params))
            continue
        except (KeyError, TypeError, ValueError, AttributeError) as exc:  # a shape the checks above did not foresee
            problems.append(ContentError(t("datasheet is incomplete: {error}"), sheet, 1, params={"error": str(exc)}))
            continue
        if not dataset.path.is_file():
            problems.append(ContentError(t("the data file {name} is missing"), sheet, _line_of(text, "file"), params={"name": dataset.path.name}))
            continue
        found[dataset.id] = dataset
        problems.extend(_untranslated(dataset, text, languages))
    return found, problems


class _Invalid(Exception):
    """What is wrong with a datasheet, as a message template, its fields and where to look (a key or a table)."""

    def __init__(self, message: str, where: str = "", **params: object):
        super().__init__(message)
        self.message, self.where, self.params = message, where, params


REQUIRED = ("id", "file", "rows", "title")


def _dataset(sheet: Path, data: dict) -> Dataset:
    for key in REQUIRED:
        if key not in data:
            raise _Invalid(t("datasheet is incomplete: {key!r} is missing"), key=key)
    dataset_id = data["id"]
    if dataset_id != sheet.stem:
        raise _Invalid(t("datasheet is incomplete: id {id!r} must equal the file name {name!r}"), "id", id=dataset_id, name=sheet.stem)
    if not isinstance(data["file"], str) or not data["file"]:
        raise _Invalid(t("the datasheet's {key!r} must be the name of its data file"), "file", key="file")
    if isinstance(data["rows"], bool) or not isinstance(data["rows"], int) or data["rows"] < 0:
        raise _Invalid(t("the datasheet's {key!r} must be a whole number of 0 or more"), "rows", key="rows")
    fmt = data.get("format", "csv")
    if fmt not in FORMATS:
        raise _Invalid(t("datasheet is incomplete: format must be one of {known}"), "format", known=", ".join(FORMATS))
    raw_columns = data.get("column", [])
    if not isinstance(raw_columns, list) or not all(isinstance(raw, dict) for raw in raw_columns):
        raise _Invalid(t("the datasheet's columns must be [[column]] tables"), "[[column]]")
    columns = []
    for raw in raw_columns:
        if not isinstance(raw.get("name"), str) or not raw["name"]:
            raise _Invalid(t("each [[column]] of a datasheet needs a 'name'"), "[[column]]")
        if raw.get("type") not in TYPES:
            raise _Invalid(
                t("datasheet is incomplete: column {column!r}: type must be one of {known}"), "[[column]]", column=raw.get("name"), known=", ".join(TYPES)
            )
        columns.append(DatasetColumn(raw["name"], raw["type"], raw.get("unit", ""), _texts(raw.get("description", {}))))
    return Dataset(
        id=dataset_id,
        path=sheet.parent / data["file"],
        sheet=sheet,
        format=fmt,
        rows=int(data["rows"]),
        licence=data.get("licence", ""),
        audience=data.get("audience", "both"),
        needs=tuple(data.get("needs", [])),
        title=_texts(data["title"]),
        grain=_texts(data.get("grain", {})),
        description=_texts(data.get("description", {})),
        columns=tuple(columns),
        calibration=tuple(data.get("calibration", [])),
        flaws=tuple(data.get("flaw", [])),
    )


def _texts(value: Any) -> Mapping[str, str]:
    """A text given in several languages ({en = "…", ru = "…"}); a plain string is English."""
    if isinstance(value, str):
        return {"en": value}
    if isinstance(value, Mapping):
        return {k: v for k, v in value.items() if isinstance(v, str)}
    return {}


def _line_of(text: str, where: str) -> int:
    """The line of a key (``rows = …``) or the first table (``[[column]]``) of a datasheet; 1 if it has none."""
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if where.startswith("[") and stripped == where:
            return number
        if where and not where.startswith("[") and re.match(rf"{re.escape(where)}\s*=", stripped):
            return number
    return 1


def _untranslated(dataset: Dataset, text: str, languages: Sequence[str]) -> list[ContentError]:
    """A warning for each text of the datasheet (title, grain, description, column and flaw
    descriptions) that a language lacks: the learner sees it in English."""
    warnings: list[ContentError] = []
    lines = text.splitlines()
    column_lines = [n for n, line in enumerate(lines, start=1) if line.strip() == "[[column]]"]
    flaw_lines = [n for n, line in enumerate(lines, start=1) if line.strip() == "[[flaw]]"]

    def warn(line: int, message: str, **params: object) -> None:
        warnings.append(ContentError(message, dataset.sheet, line, warning=True, params=params))

    for language in languages:
        if language == "en":
            continue

        def missing(value: Any, language: str = language) -> bool:
            texts = _texts(value)
            return bool(texts.get("en", "").strip()) and not texts.get(language, "").strip()

        if missing(dataset.title):
            warn(_line_of(text, "title"), t("{language}: the title of the datasheet is not translated"), language=language)
        if missing(dataset.grain):
            warn(_line_of(text, "grain"), t("{language}: the grain of the datasheet (what one row is) is not translated"), language=language)
        if missing(dataset.description):
            warn(_line_of(text, "description"), t("{language}: the description of the datasheet is not translated"), language=language)
        for index, column in enumerate(dataset.columns):
            if missing(column.description):
                line = column_lines[index] if index < len(column_lines) else 1
                warn(line, t("{language}: the description of column {column!r} is not translated"), language=language, column=column.name)
        for index, flaw in enumerate(dataset.flaws):
            if isinstance(flaw, Mapping) and missing(flaw.get("description")):
                line = flaw_lines[index] if index < len(flaw_lines) else 1
                warn(line, t("{language}: the description of flaw {number} is not translated"), language=language, number=index + 1)
    return warnings
