"""Chart checks: what a program drew (the course's plotting helper, or matplotlib's pyplot, read
in the sandbox) against what the reference solution drew, and one sentence on the first thing
that differs: the kind of chart, its categories, its number of series, its axis labels (its
title and values when the check asks).

A drawing arrives as plain data: ``{"kind", "x", "series": [{"label", "values"}], "title",
"x_label", "y_label"}`` (see ``qala.grader.plot``).
"""

from __future__ import annotations

from typing import Any

from ..content.model import Check
from ..i18n import Translator
from ..run.evidence import CHARTS
from ..run.jobs import RunResult
from .compare import Tolerance, numbers_close

SHOWN = 3  # categories named in a message


def charts_of(run: RunResult) -> list[dict[str, Any]]:
    """The drawings a run brought back, well-formed ones only."""
    found = run.values.get(CHARTS)
    if not isinstance(found, list):
        return []
    return [c for c in found if isinstance(c, dict) and isinstance(c.get("kind"), str) and isinstance(c.get("series"), list)]


def _kind_name(kind: str, tr: Translator) -> str:
    names = {"bar": tr.t("a bar chart"), "line": tr.t("a line chart"), "hist": tr.t("a histogram"), "scatter": tr.t("a scatter plot")}
    return names.get(kind, kind)


def _some(categories: list[str]) -> str:
    shown = ", ".join(str(c) for c in categories[:SHOWN])
    return shown + ("…" if len(categories) > SHOWN else "")


def chart_difference(expected: list[dict[str, Any]], mine: list[dict[str, Any]], check: Check, tr: Translator) -> str | None:
    """The first difference between the drawings, as one sentence; None when they agree."""
    if not expected:
        return None
    if not mine:
        return tr.t("Your code drew no chart. Draw it with the course's plotting helper, e.g. bar_chart(labels, values).")
    if len(mine) != len(expected):
        return tr.nt(
            "Your code drew {n} chart; {expected} are expected.", "Your code drew {n} charts; {expected} are expected.", len(mine), expected=len(expected)
        )
    for reference, drawn in zip(expected, mine, strict=True):
        difference = _one(reference, drawn, check, tr)
        if difference is not None:
            return difference
    return None


def _one(reference: dict[str, Any], drawn: dict[str, Any], check: Check, tr: Translator) -> str | None:
    kind = reference["kind"]
    if drawn["kind"] != kind:
        return tr.t("You drew {mine}; {expected} is expected here.", mine=_kind_name(drawn["kind"], tr), expected=_kind_name(kind, tr))
    want, got = list(reference.get("x") or []), list(drawn.get("x") or [])
    if want and got != want:
        if sorted(got) == sorted(want):
            return tr.t("Your chart has the right categories in another order: {mine}, not {expected}.", mine=_some(got), expected=_some(want))
        x_named = reference.get("x_label") and drawn.get("x_label") and reference["x_label"] != drawn["x_label"]
        mine_words = str(drawn["x_label"]) if x_named else _some(got) or tr.t("nothing")
        expected_words = str(reference["x_label"]) if x_named else _some(want)
        if kind == "bar":
            return tr.t("Your bars are {mine}, not {expected}.", mine=mine_words, expected=expected_words)
        return tr.t("Your points are {mine}, not {expected}.", mine=mine_words, expected=expected_words)
    if len(drawn["series"]) != len(reference["series"]):
        return tr.nt(
            "Your chart shows {n} series; {expected} are expected.",
            "Your chart shows {n} series; {expected} are expected.",
            len(drawn["series"]),
            expected=len(reference["series"]),
        )
    if check.option("labels", True) is not False:
        for key, axis in (("x_label", tr.t("the x axis")), ("y_label", tr.t("the y axis"))):
            if reference.get(key) and str(drawn.get(key, "")).strip().lower() != str(reference[key]).strip().lower():
                return tr.t("The label of {axis} is “{mine}”, not “{expected}”.", axis=axis, mine=drawn.get(key) or "", expected=reference[key])
    if check.option("title", False) and str(drawn.get("title", "")).strip().lower() != str(reference.get("title", "")).strip().lower():
        return tr.t("The chart's title is “{mine}”, not “{expected}”.", mine=drawn.get("title") or "", expected=reference.get("title") or "")
    if check.option("values", False):
        tolerance = Tolerance(absolute=float(check.option("tolerance", 0) or 0) or 1e-9, relative=1e-9)
        for want_series, got_series in zip(reference["series"], drawn["series"], strict=True):
            a, b = list(want_series.get("values") or []), list(got_series.get("values") or [])
            if len(a) != len(b) or not all(_close(x, y, tolerance) for x, y in zip(a, b, strict=False)):
                return tr.t("Your chart draws other values than expected: look at what you give it to draw.")
    return None


def _close(expected: Any, actual: Any, tolerance: Tolerance) -> bool:
    if expected is None or actual is None:
        return expected is None and actual is None
    return numbers_close(float(expected), float(actual), tolerance)
