"""The city datasets a course ships, described by their datasheets (NAME.toml beside NAME.csv)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

from .errors import ContentError
from .i18n import pick
from .lesson_file import _toml_line, _toml_message

FORMATS = ("csv", "csv.gz", "jsonl")
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


def load_datasets(datasets_dir: Path) -> tuple[dict[str, Dataset], list[ContentError]]:
    """Every datasheet in the folder, and the problems found in them."""
    found: dict[str, Dataset] = {}
    problems: list[ContentError] = []
    if not Path(datasets_dir).is_dir():
        return found, problems
    for sheet in sorted(Path(datasets_dir).glob("*.toml")):
        try:
            data = tomllib.loads(sheet.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            problems.append(ContentError(f"datasheet is not valid TOML: {_toml_message(exc)}", sheet, _toml_line(exc)))
            continue
        try:
            dataset = _dataset(sheet, data)
        except (KeyError, TypeError, ValueError) as exc:
            problems.append(ContentError(f"datasheet is incomplete: {exc}", sheet, 1))
            continue
        if not dataset.path.is_file():
            problems.append(ContentError(f"the data file {dataset.path.name} is missing", sheet, 1))
            continue
        found[dataset.id] = dataset
    return found, problems


def _dataset(sheet: Path, data: dict) -> Dataset:
    dataset_id = data["id"]
    if dataset_id != sheet.stem:
        raise ValueError(f"id {dataset_id!r} must equal the file name {sheet.stem!r}")
    fmt = data.get("format", "csv")
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}")
    columns = []
    for raw in data.get("column", []):
        if raw.get("type") not in TYPES:
            raise ValueError(f"column {raw.get('name')!r}: type must be one of {', '.join(TYPES)}")
        columns.append(DatasetColumn(raw["name"], raw["type"], raw.get("unit", ""), raw.get("description", {})))
    return Dataset(
        id=dataset_id,
        path=sheet.parent / data["file"],
        sheet=sheet,
        format=fmt,
        rows=int(data["rows"]),
        licence=data.get("licence", ""),
        audience=data.get("audience", "both"),
        needs=tuple(data.get("needs", [])),
        title=data["title"],
        grain=data.get("grain", {}),
        description=data.get("description", {}),
        columns=tuple(columns),
        calibration=tuple(data.get("calibration", [])),
        flaws=tuple(data.get("flaw", [])),
    )
