"""The city's datasets: each one's datasheet, its first rows as a table, and a chart over time."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import (
    DataTable,
    Footer,
    Header,
    Markdown,
    OptionList,
    Select,
    Static,
    TabbedContent,
    TabPane,
)
from textual.widgets.option_list import Option

from qala.grader.engine import Dataset
from qala.grader.i18n import pick

from .. import dataset_preview
from ..i18n import t
from ..widgets.visuals import ColumnChart
from .base import QalaScreen

PREVIEW_ROWS = 200


class DataScreen(QalaScreen):
    """Browse a dataset: what it is (datasheet), what it looks like (table), how it moves (chart)."""

    CSS_PATH = "data.tcss"
    BINDINGS = [
        Binding("f5", "show_tab('sheet')", t("Datasheet"), id="data.sheet", tooltip=t("What the dataset is: columns, units, known flaws")),
        Binding("f6", "show_tab('table')", t("Table"), id="data.table", tooltip=t("The first rows of the dataset")),
        Binding("f7", "show_tab('chart')", t("Chart"), id="data.chart", tooltip=t("A column over time")),
    ]

    @dataclass
    class Loaded(Message):
        dataset: str
        rows: list[list[str]] | None
        series: dataset_preview.Series | None
        error: str | None

    def __init__(self) -> None:
        super().__init__()
        self.datasets: dict[str, Dataset] = {}
        self.problems: list = []
        self.current: str | None = None
        self._rows: dict[str, list[list[str]]] = {}
        self._table_for: str | None = None

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        with Horizontal(id="data-body"):
            yield OptionList(id="datasets")
            with Vertical(id="data-main"):
                yield Static(id="data-empty")
                with TabbedContent(id="data-tabs", initial="sheet"):
                    with TabPane("Datasheet", id="sheet"):
                        with VerticalScroll():
                            yield Markdown(id="datasheet")
                    with TabPane("Table", id="table"):
                        yield DataTable(id="rows", zebra_stripes=True)
                    with TabPane("Chart", id="chart"):
                        with Horizontal(id="chart-controls"):
                            yield Static(id="chart-label")
                            yield Select([], id="chart-column")
                        yield ColumnChart(id="chart-plot")
                        yield Static(id="chart-note")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.datasets, self.problems = self.qala.engine.datasets()

    # -- drawing

    def refresh_content(self) -> None:
        app = self.qala
        tabs = self.query_one(TabbedContent)
        tabs.get_tab("sheet").label = app.t("Datasheet")
        tabs.get_tab("table").label = app.t("Table")
        tabs.get_tab("chart").label = app.t("Chart")
        listing = self.query_one("#datasets", OptionList)
        options: list[Option | None] = []
        for dataset in self.datasets.values():
            if options:
                options.append(None)  # a separator line: long titles wrap
            options.append(Option(pick(dataset.title, app.language) or dataset.id, id=dataset.id))
        listing.set_options(options)
        empty = not self.datasets
        self.set_class(empty, "-empty")
        if empty:
            message = Text()
            message.append(app.t("No datasets yet") + "\n\n", style="bold")
            message.append(app.t("The city's datasets appear here once they are in the course's lessons/datasets folder, each with its datasheet (NAME.toml)."))
            for problem in self.problems:
                message.append(f"\n\n{app.icon('⚠')} {problem}", style="yellow")
            self.query_one("#data-empty", Static).update(message)
            return
        if self.current not in self.datasets:
            self.current = next(iter(self.datasets))
        listing.highlighted = listing.get_option_index(self.current)
        if self.focused is None:
            listing.focus()
        self._show(self.current)

    def after_reload(self) -> None:
        self.datasets, self.problems = self.qala.engine.datasets()
        self._rows.clear()
        self._table_for = None
        super().after_reload()

    def _show(self, dataset_id: str) -> None:
        self.current = dataset_id
        dataset = self.datasets[dataset_id]
        self.query_one("#datasheet", Markdown).update(self._datasheet(dataset))
        numeric = dataset_preview.numeric_columns(dataset)
        select = self.query_one("#chart-column", Select)
        if dataset_preview.time_column(dataset) is not None:
            choices = [(self.qala.t("number of rows"), dataset_preview.ROWS)] + [
                (self.qala.t("mean of {column}", column=self._column_label(dataset, n)), n) for n in numeric
            ]
            first = numeric[0] if numeric else dataset_preview.ROWS
            with select.prevent(Select.Changed):
                select.set_options(choices)
                select.value = first
            select.display = True
            self.query_one("#chart-label", Static).update(self.qala.t("Draw"))
            self._load(dataset, first)
        else:
            select.display = False
            self.query_one("#chart-label", Static).update("")
            self.query_one("#chart-plot", ColumnChart).show([], [])
            self.query_one("#chart-note", Static).update(self.qala.t("This dataset has no dates, so there is nothing to draw over time."))
            self._load(dataset, None)

    def _column_label(self, dataset: Dataset, name: str) -> str:
        column = next(c for c in dataset.columns if c.name == name)
        return f"{name} ({column.unit})" if column.unit else name

    def _datasheet(self, dataset: Dataset) -> str:
        app = self.qala
        lang = app.language
        out = [f"# {pick(dataset.title, lang)}"]
        if dataset.description:
            out.append(pick(dataset.description, lang))
        facts = [
            app.t("**File:** `{path}` — open it in your code with this path", path=dataset.relative_path),
            app.t("**Rows:** {rows}", rows=dataset.rows),
        ]
        if dataset.grain:
            facts.append(app.t("**One row is:** {grain}", grain=pick(dataset.grain, lang)))
        if dataset.licence:
            facts.append(app.t("**Licence:** {licence}", licence=dataset.licence))
        out.append("\n".join(f"- {f}" for f in facts))
        out.append("## " + app.t("Columns"))
        table = [f"| {app.t('column')} | {app.t('type')} | {app.t('unit')} | {app.t('meaning')} |", "|---|---|---|---|"]
        for column in dataset.columns:
            meaning = pick(column.description, lang).replace("|", "\\|").replace("\n", " ")
            table.append(f"| `{column.name}` | {column.type} | {column.unit or '—'} | {meaning} |")
        out.append("\n".join(table))
        if dataset.flaws:
            out.append("## " + app.t("Known flaws"))
            out.append("\n".join(f"- {pick(f.get('description'), lang)}" for f in dataset.flaws))
        if dataset.calibration:
            out.append("## " + app.t("Where the numbers come from"))
            out.append("\n".join(f"- {c.get('fact', '')} ({c.get('source', '')})" for c in dataset.calibration))
        return "\n\n".join(out) + "\n"

    # -- reading (in a thread: a dataset can be large)

    @work(thread=True, exclusive=True, group="data", exit_on_error=False)
    def _load(self, dataset: Dataset, column: str | None) -> None:
        try:
            rows = self._rows.get(dataset.id) or dataset_preview.head(dataset, PREVIEW_ROWS)
            series = dataset_preview.series(dataset, column) if column else None
        except (OSError, ValueError, UnicodeDecodeError) as exc:
            self.post_message(self.Loaded(dataset.id, None, None, str(exc)))
        else:
            self.post_message(self.Loaded(dataset.id, rows, series, None))

    def on_data_screen_loaded(self, message: Loaded) -> None:
        if message.dataset != self.current:
            return
        app = self.qala
        dataset = self.datasets[message.dataset]
        if message.error:
            self.notify(app.t("Could not read {file}: {error}", file=dataset.path.name, error=message.error), severity="error")
            return
        self._rows[dataset.id] = message.rows or []
        if self._table_for != dataset.id:
            self._table_for = dataset.id
            table = self.query_one("#rows", DataTable)
            table.clear(columns=True)
            for column in dataset.columns:
                table.add_column(self._column_label(dataset, column.name), key=column.name)
            right = [c.type in dataset_preview.NUMERIC for c in dataset.columns]
            table.add_rows([Text(cell, justify="right") if r else cell for cell, r in zip(row, right)] for row in message.rows or [])
        if message.series is not None:
            self._draw(message.series, dataset)

    def _draw(self, series: dataset_preview.Series, dataset: Dataset) -> None:
        app = self.qala
        self.query_one("#chart-plot", ColumnChart).show(series.values, series.labels)
        unit = next((c.unit for c in dataset.columns if c.name == series.column), "")
        low, high = _rounded(min(series.values)), _rounded(max(series.values))  # written the language's way by t()
        if series.column == dataset_preview.ROWS:
            if series.period == "day":
                note = app.t("rows per day: fewest {low}, most {high}", low=low, high=high)
            else:
                note = app.t("rows per month: fewest {low}, most {high}", low=low, high=high)
        elif series.period == "day":
            note = app.t("{column}: mean per day, lowest {low}, highest {high} {unit}", column=series.column, low=low, high=high, unit=unit)
        else:
            note = app.t("{column}: mean per month, lowest {low}, highest {high} {unit}", column=series.column, low=low, high=high, unit=unit)
        if not series.complete:
            note += " " + app.t("(first {rows} rows)", rows=series.rows_read)
        self.query_one("#chart-note", Static).update(note)

    # -- acting

    @on(OptionList.OptionHighlighted, "#datasets")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option.id and event.option.id != self.current:
            self._show(event.option.id)

    @on(Select.Changed, "#chart-column")
    def _column_changed(self, event: Select.Changed) -> None:
        if self.current and isinstance(event.value, str):  # ROWS is "", a str too
            self._load(self.datasets[self.current], event.value)

    def action_show_tab(self, tab: str) -> None:
        if self.datasets:
            self.query_one(TabbedContent).active = tab


def _rounded(value: float) -> float | int:
    """A number as short as it can be read (as visuals.number rounds it), left a number so that
    the message writes it the way the learner's language does (1 204 and 35,2 in Russian)."""
    if abs(value) >= 100 or float(value).is_integer():
        return int(round(value))
    return round(value, 1 if abs(value) >= 10 else 2)
