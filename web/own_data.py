"""`use_my_data("my_air.csv", "air_daily")` in a lesson's notebook: the pupil's own file (put in
JupyterLite's file browser, or anywhere the kernel can read) turned into a dataset's shape, so that
the notebook's plain cells read it as ``datasets/NAME`` — ungraded. `%%check` cells are always
graded on the course's data; `use_my_data(reset=True)` goes back.
"""

from __future__ import annotations

import html
import os
from pathlib import Path

from qala.grader.engine import Engine, OwnDataReport
from qala.grader.errors import QalaError

#: Where JupyterLite's file browser keeps the pupil's files inside the kernel (when it can).
DRIVE = Path("/drive")
MARKS = {"ok": "✔", "bad": "✘", "note": "·"}
COLOURS = {"ok": "#2e7d32", "bad": "#c62828", "note": "#555"}


class OwnDataView:
    """What use_my_data() says: one line per finding, and what happens next."""

    def __init__(self, lines: list[tuple[str, str]], closing: str = "", kind: str = "info"):
        self.lines, self.closing, self.kind = lines, closing, kind

    def text(self) -> str:
        return "\n".join([f"{MARKS.get(mark, '·')} {line}" for mark, line in self.lines] + ([self.closing] if self.closing else []))

    def _repr_html_(self) -> str:
        items = "".join(f'<div style="color:{COLOURS.get(mark, "#555")}">{MARKS.get(mark, "·")} {html.escape(line)}</div>' for mark, line in self.lines)
        closing = f'<div style="margin-top:6px"><b>{html.escape(self.closing)}</b></div>' if self.closing else ""
        border = "#c62828" if self.kind == "error" else "#1565c0"
        return f'<div style="border-left:4px solid {border};padding:8px 12px;font-family:system-ui,sans-serif">{items}{closing}</div>'

    def __repr__(self) -> str:
        return self.text()


def find_file(name: str | os.PathLike) -> Path:
    """The pupil's file as named, else in JupyterLite's file browser."""
    path = Path(name)
    if path.is_file() or path.is_absolute():
        return path
    return DRIVE / path if (DRIVE / path).is_file() else path


def use(engine: Engine, file: str | os.PathLike | None, dataset: str | None, mapping: dict[str, str] | None, reset: bool) -> OwnDataView:
    """Check the file, keep it for exploring, and make this notebook's plain cells read it."""
    tr = engine.tr
    lessons = engine.course_root / "lessons"
    try:
        if reset:
            gone = engine.reset_own_data(dataset)
            if lessons.is_dir():
                os.chdir(lessons)
            return OwnDataView(
                [], tr.t("Back to the course's data for {datasets}.", datasets=", ".join(gone)) if gone else tr.t("Lessons already use the course's data.")
            )
        if file is None or not dataset:
            return OwnDataView([], tr.t('Say which file and which dataset, like this: use_my_data("my_air.csv", "air_daily")'))
        report: OwnDataReport = engine.use_own_data(find_file(file), dataset, mapping or {})
    except QalaError as error:
        return OwnDataView([("bad", str(error))], kind="error")
    lines = [(finding.mark, finding.render(tr)) for finding in report.findings]
    if not report.usable:
        return OwnDataView(lines, tr.t("Not used: nothing of it fits {dataset} yet.", dataset=report.dataset), kind="error")
    explore = engine.explore_datasets()
    os.chdir(explore.parent)
    return OwnDataView(
        lines,
        tr.t(
            "From now on, this notebook's cells read your data as datasets/{file}. %%check cells are still graded on the course's data; use_my_data(reset=True) goes back.",
            file=explore_file(engine, dataset),
        ),
    )


def explore_file(engine: Engine, dataset: str) -> str:
    found, _problems = engine.datasets()
    return found[dataset].path.name if dataset in found else dataset
