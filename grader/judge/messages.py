"""What a check says when it fails, in the learner's language: Python's own errors explained, a
run that crashed or ran too long, and the difference between what the code gave and what was
expected, written so a non-programmer can act on it.
"""

from __future__ import annotations

from typing import Any

from ..i18n import Translator
from ..run.evidence import describe
from ..run.jobs import RunError, RunResult
from .compare import Difference

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
    message = error.message.strip().rstrip(".")
    said = f"{error.type}: {message}." if message else f"{error.type}."
    return f"{where}:{shown} {said} {error_advice(tr, error.type)}"


def _error_text(error: RunError | None) -> str:
    if error is None:
        return "?"
    return f"{error.type}: {error.message}" + (f" (line {error.line})" if error.line else "")


def _show(value: Any) -> str:
    return describe(value)


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
            actual=_show(p["actual"]),
        )
    if diff.code == "value":
        return tr.t("{subject} should be {expected}, but your code gave {actual}.", subject=subject, expected=_show(p["expected"]), actual=_show(p["actual"]))
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
            expected=_show(p["expected"]),
            actual=_show(p["actual"]),
        )
    if diff.code == "too_large":
        return tr.t("{subject} is too large to compare. Did you keep the whole table instead of the result?", subject=subject)
    return tr.t("{subject} is not what was expected.", subject=subject)
