"""What a check says when it fails, in the learner's language: Python's own errors explained, a
run that crashed or ran too long, and the difference between what the code gave and what was
expected, written so a non-programmer can act on it.
"""

from __future__ import annotations

import datetime as _dt
import math
import re
from collections.abc import Iterable
from typing import Any

from ..i18n import Translator
from ..run.evidence import Array, Column, Other, Table, TooLarge, describe
from ..run.jobs import RunError, RunResult
from .compare import Difference
from .diagnose import Diagnosis
from .explain import explain
from .patterns import CERTAIN_PATTERNS, Pattern

ERROR_ADVICE = {
    "NameError": "Check the spelling (names are case-sensitive) and that the name is created before this line.",
    "SyntaxError": "Python could not read this line: look for a missing bracket, quote, colon or comma.",
    "IndentationError": "The spaces at the start of the line do not line up: indent the lines of one block by the same amount.",
    "TabError": "Tabs and spaces are mixed at the start of a line: use spaces only.",
    "TypeError": "An operation got the wrong kind of value, for example text where a number was needed.",
    "KeyError": "There is no such key or column. Names must match exactly, capitals and spaces included.",
    "IndexError": "A position is outside the list: positions start at 0 and end one before its length.",
    "ZeroDivisionError": "Something was divided by zero: is a count or a total empty?",
    "ValueError": "A value has the right kind but the wrong content, for example text that is not a number.",
    "AttributeError": "This value has no such method or attribute: check the name and what kind of value it is.",
    "FileNotFoundError": "No such file. The datasets are in the folder datasets/, for example datasets/districts.csv.",
    "ModuleNotFoundError": "This module is not available here.",
    "ImportError": "This cannot be imported here.",
    "PermissionError": "That is not allowed while your code is being checked.",
    "RecursionError": "A function calls itself without end: check the case where it should stop.",
    "MemoryError": "Your code used too much memory.",
    "SystemExit": "Your code stopped itself (exit() or sys.exit()): let it run to the end instead.",
    "AssertionError": "An assert in your code failed.",
    "UnicodeDecodeError": 'A file could not be read as text: open it with encoding="utf-8".',
}


def error_advice(tr: Translator, error_type: str) -> str:
    advice = ERROR_ADVICE.get(error_type)
    return tr.t(advice) if advice else tr.t("Read the message and look at that line.")


def run_message(run: RunResult, tr: Translator) -> str:
    if run.status == "ok":
        return tr.t("Your code ran without errors.")
    if run.status == "timeout":
        return tr.t("Your code took too long and was stopped. Is there a loop that never ends?")
    if run.status == "memory":
        return tr.t("Your code used too much memory and was stopped. Are you building a huge list by accident?")
    if run.status == "setup_error":
        return tr.t(
            "The exercise itself failed to start ({error}). This is a mistake in the lesson, not in your code: tell your teacher.", error=_error_text(run.error)
        )
    if run.status in ("killed", "crashed"):
        return tr.t("Your code stopped before it finished, so there was nothing to check. Did it call exit() or crash Python?")
    error = run.error or RunError("Error", "", None, "")
    where = tr.t("Line {line}", line=error.line) if error.line else tr.t("Your code")
    shown = f" `{error.text}`" if error.text else ""
    return f"{where}:{shown} {error_said(tr, error.type, error.message)}"


def error_said(tr: Translator, error_type: str, message: str) -> str:
    """An error of the learner's code, in their language: Python's message (in English) or its
    explanation (in Russian and Kazakh), then what to do."""
    explained = explain(tr, error_type, message)
    message = message.strip().rstrip(".")
    if tr.language != "en" and explained:
        return f"{error_type}: {explained}"
    said = f"{error_type}: {message}." if message else f"{error_type}."
    return f"{said} {explained or error_advice(tr, error_type)}"


def _error_text(error: RunError | None) -> str:
    if error is None:
        return "?"
    return f"{error.type}: {error.message}" + (f" (line {error.line})" if error.line else "")


def _show(value: Any, tr: Translator | None = None) -> str:
    return show(value, tr) if tr is not None else describe(value)


def show(value: Any, tr: Translator, limit: int = 80) -> str:
    """A short, readable form of a value, written the way the learner's language writes numbers
    and dates (2 279 900 and 14,5 in Russian; 14.03.2025, never ``datetime.date(...)``)."""
    if isinstance(value, Table):
        rows, cols = value.shape
        names = ", ".join(str(c) for c in value.columns[:6]) + (", …" if cols > 6 else "")
        return tr.t("a table of {rows} × {cols} ({names})", rows=rows, cols=cols, names=names)
    if isinstance(value, Column):
        items = _local(list(value.values[:8]), tr) + (" …" if len(value.values) > 8 else "")
        return _cut(tr.nt("a series of {n} value: {items}", "a series of {n} values: {items}", len(value.values), items=items), limit)
    if isinstance(value, Array):
        return _cut(tr.t("an array {shape}: {items}", shape="×".join(map(str, value.shape)), items=_local(list(value.values[:8]), tr)), limit)
    if isinstance(value, (Other, TooLarge)):
        return describe(value, limit)
    return _cut(_local(value, tr), limit)


def _local(value: Any, tr: Translator) -> str:
    language = tr.language
    if isinstance(value, bool) or value is None:
        return repr(value)
    if isinstance(value, (int, float)):
        text = describe(value, 200)
        if language == "en" or (isinstance(value, float) and not math.isfinite(value)):
            return text
        return text.replace(",", "\x00").replace(".", ",").replace("\x00", "\xa0")
    if isinstance(value, _dt.datetime):
        clock = value.strftime("%H:%M" if not value.second else "%H:%M:%S")
        return (value.strftime("%Y-%m-%d ") if language == "en" else value.strftime("%d.%m.%Y ")) + clock
    if isinstance(value, _dt.date):
        return value.isoformat() if language == "en" else value.strftime("%d.%m.%Y")
    if isinstance(value, _dt.timedelta):
        return _duration(value, tr)
    # In Russian and Kazakh a comma is the decimal point: items are separated by a semicolon.
    sep = ", " if language == "en" else "; "
    if isinstance(value, list):
        return "[" + sep.join(_local(v, tr) for v in value[:10]) + (sep + "…" if len(value) > 10 else "") + "]"
    if isinstance(value, tuple):
        return "(" + sep.join(_local(v, tr) for v in value[:10]) + (sep + "…" if len(value) > 10 else "") + ("," if len(value) == 1 else "") + ")"
    if isinstance(value, dict):
        items = list(value.items())
        return "{" + sep.join(f"{_local(k, tr)}: {_local(v, tr)}" for k, v in items[:6]) + (sep + "…" if len(items) > 6 else "") + "}"
    if isinstance(value, frozenset):
        return "{" + sep.join(sorted(_local(v, tr) for v in list(value)[:10])) + "}"
    return describe(value, 200)


def _duration(value: _dt.timedelta, tr: Translator) -> str:
    """A duration as '2 days 3:05' ('2 дня 3:05'), never ``datetime.timedelta(...)``."""
    sign = "-" if value < _dt.timedelta(0) else ""
    value = abs(value)
    hours, rest = divmod(value.seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    clock = f"{hours}:{minutes:02d}" + (f":{seconds:02d}" if seconds or value.microseconds else "")
    if not value.days:
        return sign + clock
    days = tr.nt("{n} day", "{n} days", value.days)
    return sign + (days if not value.seconds and not value.microseconds else f"{days} {clock}")


def _cut(text: str, limit: int) -> str:
    text = re.sub(r"[ \t\r\n]+", " ", text).strip()  # a no-break space between digits stays
    return text if len(text) <= limit else text[: limit - 1] + "…"


def difference_message(diff: Difference, tr: Translator, subject: str) -> str:
    """One sentence saying how ``subject`` differs from what was expected."""
    p = diff.params
    if diff.code == "type":
        if p["actual"] is None:
            return tr.t(
                "{subject} should be a {expected_kind}, but your code gave None (nothing). Did a function forget to return its result?",
                subject=subject,
                expected_kind=tr.t(p["expected_kind"]),
            )
        return tr.t(
            "{subject} should be a {expected_kind}, but your code gave a {actual_kind}: {actual}.",
            subject=subject,
            expected_kind=tr.t(p["expected_kind"]),
            actual_kind=tr.t(p["actual_kind"]),
            actual=_show(p["actual"], tr),
        )
    if diff.code == "value":
        return tr.t(
            "{subject} should be {expected}, but your code gave {actual}.", subject=subject, expected=_show(p["expected"], tr), actual=_show(p["actual"], tr)
        )
    if diff.code == "length":
        return tr.nt(
            "{subject} should have {expected} item, but yours has {actual}.",
            "{subject} should have {expected} items, but yours has {actual}.",
            p["expected"],
            subject=subject,
            expected=p["expected"],
            actual=p["actual"],
        )
    if diff.code == "order":
        return tr.t(
            "{subject} has the right items in a different order (the first difference is at position {position}). Check how you sort or line them up.",
            subject=subject,
            position=p["position"] - 1,
        )
    if diff.code == "item":
        inner = difference_message(p["inner"], tr, tr.t("the item at position {position}", position=p["position"] - 1))
        return tr.t("In {subject}: {inner}", subject=subject, inner=inner)
    if diff.code == "entry":
        inner = difference_message(p["inner"], tr, tr.t("the value for {key}", key=repr(p["key"])))
        return tr.t("In {subject}: {inner}", subject=subject, inner=inner)
    if diff.code == "keys":
        parts = []
        if p["missing"]:
            parts.append(tr.t("missing: {items}", items=", ".join(map(repr, p["missing"]))))
        if p["extra"]:
            parts.append(tr.t("not expected: {items}", items=", ".join(map(repr, p["extra"]))))
        return tr.t("{subject} does not have the right {what} ({details}).", subject=subject, what=tr.t(p["what"]), details="; ".join(parts))
    if diff.code == "columns":
        return tr.t(
            "{subject} should have the columns {expected}, but yours has {actual}.",
            subject=subject,
            expected=", ".join(map(str, p["expected"])),
            actual=", ".join(map(str, p["actual"])),
        )
    if diff.code == "rows":
        return tr.nt(
            "{subject} should have {expected} row, but yours has {actual}. Check your filter or grouping.",
            "{subject} should have {expected} rows, but yours has {actual}. Check your filter or grouping.",
            p["expected"],
            subject=subject,
            expected=p["expected"],
            actual=p["actual"],
        )
    if diff.code == "cell":
        return tr.t(
            "In {subject}, row {row}, column {column}: expected {expected}, your code gave {actual}.",
            subject=subject,
            row=p["row"],
            column=p["column"] if p["column"] is not None else "—",
            expected=_show(p["expected"], tr),
            actual=_show(p["actual"], tr),
        )
    if diff.code == "too_large":
        return tr.t("{subject} is too large to compare. Did you keep the whole table instead of the result?", subject=subject)
    return tr.t("{subject} is not what was expected.", subject=subject)


def diagnosis_message(diagnosis: Diagnosis, tr: Translator) -> str:
    """What a relation between the learner's value and the expected one says about the method."""
    code, p = diagnosis.code, diagnosis.params
    if code == "rounded" and p["places"] == 0:
        return tr.t("Your method is right: your value is the expected one rounded to a whole number. Keep the whole value (round only where the task asks).")
    if code == "rounded":
        return tr.nt(
            "Your method is right: your value is the expected one rounded to {n} decimal place. Keep the whole value (round only where the task asks).",
            "Your method is right: your value is the expected one rounded to {n} decimal places. Keep the whole value (round only where the task asks).",
            p["places"],
        )
    if code == "rounding_asked":
        return tr.nt(
            "Your value is right, only not rounded the way the task asks: round it to {n} decimal place, for example round(x, {n}).",
            "Your value is right, only not rounded the way the task asks: round it to {n} decimal places, for example round(x, {n}).",
            p["places"],
        )
    if code == "floored":
        return tr.t("That is the right value without its decimal part: `//`, int() or round() made it a whole number. Divide with / and keep the decimals.")
    if code == "times100":
        return tr.t("Your value is 100 times too large: a percentage where a share (from 0 to 1) is wanted? Do not multiply by 100.")
    if code == "div100":
        return tr.t("Your value is 100 times too small: a share where a percentage is wanted? Multiply by 100.")
    if code == "times1000":
        return tr.t("Your value is 1000 times too large: check the units (grams and kilograms, metres and kilometres, tenge and thousands of tenge).")
    if code == "div1000":
        return tr.t("Your value is 1000 times too small: check the units (grams and kilograms, metres and kilometres, tenge and thousands of tenge).")
    if code == "times60":
        return tr.t("Your value is 60 times too large: minutes where hours are wanted (or seconds for minutes)?")
    if code == "div60":
        return tr.t("Your value is 60 times too small: hours where minutes are wanted (or minutes for seconds)?")
    if code == "leap":
        return tr.t("Your value is off by the ratio 366 to 365: count the days of the year from the data (a leap year has 366).")
    if code == "negated":
        return tr.t("Your value has the wrong sign: subtract the other way round.")
    if code == "reciprocal":
        return tr.t("Your value is upside down (1 divided by the right one): swap what you divide by what.")
    if code == "divisor":
        if p["sign"] < 0:
            return tr.t(
                "Your value is a total divided by {wrong} instead of {n}: divide by the number of items, len(...), not one less.", wrong=p["n"] - 1, n=p["n"]
            )
        return tr.t(
            "Your value is a total divided by {wrong} instead of {n}: divide by the number of items, len(...), not one more.", wrong=p["n"] + 1, n=p["n"]
        )
    if code == "text_number":
        return tr.t("This number is kept as text ({text}): turn it into a number with int() or float().", text=repr(p["text"]))
    return ""


def pattern_message(pattern: Pattern, tr: Translator) -> str:
    """A code pattern found at a line, said as a thing to look at."""
    code, p, line = pattern.code, pattern.params, pattern.line
    if code == "text_compare":
        return tr.t(
            "Line {line} compares with the text {text}, not the number {number}: remove the quotes (and convert text read from a file with float()).",
            line=line,
            text=p["text"],
            number=p["number"],
        )
    if code == "thrown_away":
        return tr.t(
            "Line {line} computes `{code}` and throws the result away: it gives a new value and leaves the old one as it was. Keep it, for example x = x.method(...).",
            line=line,
            code=p["code"],
        )
    if code == "none_kept":
        return tr.t(
            "Line {line} keeps the result of `.{method}()`, which changes the list itself and gives None. Call it on its own line, without =.",
            line=line,
            method=p["method"],
        )
    if code == "remove_in_loop":
        return tr.t(
            "Line {line} removes items from `{name}` while a loop walks over it, so the loop skips items. Build a new list of the items to keep instead.",
            line=line,
            name=p["name"],
        )
    if code == "return_in_loop":
        return tr.t(
            "The return on line {line} is inside the loop of line {loop}, so the function stops at the first item. Move it out of the loop (indent it less).",
            line=line,
            loop=p["loop"],
        )
    if code == "print_in_loop":
        return tr.t(
            "The print on line {line} is inside the loop of line {loop}, so it prints once per item. To print one result, move it out of the loop (indent it less).",
            line=line,
            loop=p["loop"],
        )
    if code == "float_index":
        return tr.t(
            "Line {line} uses a division result as a position (`{code}`): / always gives a number with a decimal point. Use // for a whole number.",
            line=line,
            code=p["code"],
        )
    return ""


def cascade_message(tr: Translator, subject: str, earlier: list[str]) -> str:
    """A value wrong perhaps only because a value it is computed from is wrong."""
    return tr.nt(
        "{subject} is computed from {names}, which is not right yet: fix that first, and this may come right by itself.",
        "{subject} is computed from {names}, which are not right yet: fix those first, and this may come right by itself.",
        len(earlier),
        subject=subject,
        names=", ".join(f"`{name}`" for name in earlier),
    )


def _then(main: str, mistake: str | None, advice: str) -> str:
    extra = mistake or advice
    return f"{main} {extra}".strip() if extra else main


def explained(
    tr: Translator,
    main: str,
    mistake: str | None,
    advice: str,
    diagnosis: Diagnosis | None = None,
    patterns: Iterable[Pattern] = (),
    cascade: str = "",
) -> str:
    """A failing check's message: what differs, then the most specific reason known — the
    teacher's typical mistake, a wrong value it was computed from, a relation between the values,
    a code pattern at a line — then the teacher's advice (left out when the method is right)."""
    pattern = next(iter(patterns), None)
    at_line = f" {pattern_message(pattern, tr)}" if pattern is not None else ""
    if mistake:  # the teacher's words win; a pattern at a line may say where it happened
        return f"{_then(main, mistake, '')}{at_line}"
    if cascade:
        return f"{main} {cascade}"
    if diagnosis is not None:
        said = f"{main} {diagnosis_message(diagnosis, tr)}"
        return said if diagnosis.method_right else _then(f"{said}{at_line}", None, advice)
    return _then(f"{main}{at_line}", None, advice)


def crash_pattern(run: RunResult, patterns: list[Pattern], tr: Translator) -> str | None:
    """A beginner's code pattern on the line where the code crashed: often the cause."""
    error = run.error
    if run.status != "error" or error is None or not error.line:
        return None
    found = next((p for p in patterns if p.line == error.line and p.code in CERTAIN_PATTERNS), None)
    if found is None and "NoneType" in error.message:  # x = items.sort() on one line, x used on another
        found = next((p for p in patterns if p.code == "none_kept"), None)
    return pattern_message(found, tr) if found else None
