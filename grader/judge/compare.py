"""Comparing a learner's value with the expected one: pure functions over decoded evidence.

The answer is a :class:`Difference` (what differs, with the values to show) or None. Wording
lives in checks.py, so every message is translated whole.
"""

from __future__ import annotations

import datetime as _dt
import math
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from ..run.evidence import Array, Column, Other, Table, TooLarge


@dataclass(frozen=True)
class Difference:
    code: str  # e.g. "type", "value", "length", "item", "keys", "columns", "rows", "cell"
    params: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Tolerance:
    absolute: float = 1e-9
    relative: float = 1e-9
    ordered: bool = True
    ignore_case: bool = False
    strip: bool = False

    @classmethod
    def from_options(cls, options: dict) -> Tolerance:
        return cls(
            absolute=float(options.get("tolerance", 1e-9)),
            relative=float(options.get("rel_tolerance", 1e-9)),
            ordered=bool(options.get("ordered", True)),
            ignore_case=bool(options.get("ignore_case", False)),
            strip=bool(options.get("strip", False)),
        )


def kind_of(value: Any) -> str:
    """The learner-facing name of a value's kind: number, text, list, table…"""
    if value is None:
        return "nothing (None)"
    if isinstance(value, bool):
        return "True/False"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, (list, tuple, Array)):
        return "list"
    if isinstance(value, frozenset):
        return "set"
    if isinstance(value, dict):
        return "dictionary"
    if isinstance(value, Table):
        return "table"
    if isinstance(value, Column):
        return "series"
    if isinstance(value, (_dt.date, _dt.datetime)):
        return "date"
    if isinstance(value, Other):
        return value.type
    return type(value).__name__


def is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def is_missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def numbers_close(expected: float, actual: float, tol: Tolerance) -> bool:
    if is_missing(expected) or is_missing(actual):
        return is_missing(expected) and is_missing(actual)
    if _infinite(expected) or _infinite(actual):
        return expected == actual
    try:
        return math.isclose(expected, actual, rel_tol=tol.relative, abs_tol=tol.absolute)
    except OverflowError:  # an integer beyond a float's range (10**400): the same rule, exactly
        e, a = Fraction(expected), Fraction(actual)
        return abs(e - a) <= max(Fraction(tol.relative) * max(abs(e), abs(a)), Fraction(tol.absolute))


def _infinite(value: float) -> bool:
    return isinstance(value, float) and math.isinf(value)


def compare(expected: Any, actual: Any, tol: Tolerance = Tolerance()) -> Difference | None:
    """None when ``actual`` matches ``expected`` within the tolerance; else the first difference."""
    if isinstance(actual, TooLarge):
        return Difference("too_large", {"kind": actual.type})
    if isinstance(expected, (Table, Column)) or isinstance(actual, (Table, Column)):
        return _compare_tables(expected, actual, tol)
    if isinstance(expected, Array):
        expected = list(expected.values)
    if isinstance(actual, Array):
        actual = list(actual.values)
    if is_missing(expected) and is_missing(actual):
        return None
    if is_number(expected):
        if not is_number(actual):
            return _type_difference(expected, actual)
        return None if numbers_close(expected, actual, tol) else Difference("value", {"expected": expected, "actual": actual})
    if isinstance(expected, bool) or expected is None:
        if actual is expected:
            return None
        if type(actual) is not type(expected):
            return _type_difference(expected, actual)
        return Difference("value", {"expected": expected, "actual": actual})
    if isinstance(expected, str):
        if not isinstance(actual, str):
            return _type_difference(expected, actual)
        e, a = expected, actual
        if tol.strip:
            e, a = e.strip(), a.strip()
        if tol.ignore_case:
            e, a = e.casefold(), a.casefold()
        return None if e == a else Difference("value", {"expected": expected, "actual": actual})
    if isinstance(expected, (list, tuple)):
        if not isinstance(actual, (list, tuple)):
            return _type_difference(expected, actual)
        return _compare_sequences(list(expected), list(actual), tol)
    if isinstance(expected, frozenset):
        if not isinstance(actual, frozenset):
            return _type_difference(expected, actual)
        missing = sorted(expected - actual, key=repr)
        extra = sorted(actual - expected, key=repr)
        if missing or extra:
            return Difference("keys", {"missing": missing[:5], "extra": extra[:5], "what": "items"})
        return None
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return _type_difference(expected, actual)
        missing = [k for k in expected if k not in actual]
        extra = [k for k in actual if k not in expected]
        if missing or extra:
            return Difference("keys", {"missing": missing[:5], "extra": extra[:5], "what": "keys"})
        for key in expected:
            found = compare(expected[key], actual[key], tol)
            if found:
                return Difference("entry", {"key": key, "inner": found})
        return None
    if isinstance(expected, (_dt.date, _dt.timedelta)):
        if type(actual) is not type(expected):
            return _type_difference(expected, actual)
        return None if expected == actual else Difference("value", {"expected": expected, "actual": actual})
    if isinstance(expected, Other):
        if isinstance(actual, Other) and actual.type == expected.type and actual.text == expected.text:
            return None
        return Difference("value", {"expected": expected, "actual": actual})
    return None if expected == actual else Difference("value", {"expected": expected, "actual": actual})


def _type_difference(expected: Any, actual: Any) -> Difference:
    return Difference("type", {"expected_kind": kind_of(expected), "actual_kind": kind_of(actual), "actual": actual, "expected": expected})


def _sort_key(value: Any) -> tuple:
    """Orders mixed plain values deterministically (numbers before text, missing last)."""
    if is_missing(value):
        return (3, 0, "")
    if is_number(value) or isinstance(value, bool):
        return (0, value, "")  # not float(value): an integer may be beyond a float's range
    if isinstance(value, str):
        return (1, 0, value)
    if isinstance(value, (list, tuple)):
        return (2, 0, repr(tuple(_sort_key(v) for v in value)))
    return (2, 0, repr(value))


def _compare_sequences(expected: list, actual: list, tol: Tolerance) -> Difference | None:
    if len(expected) != len(actual):
        return Difference("length", {"expected": len(expected), "actual": len(actual)})
    if not tol.ordered:
        expected = sorted(expected, key=_sort_key)
        actual = sorted(actual, key=_sort_key)
    for position, (e, a) in enumerate(zip(expected, actual), start=1):
        found = compare(e, a, tol)
        if found:
            if tol.ordered and _same_items(expected, actual, tol):
                return Difference("order", {"position": position})
            return Difference("item", {"position": position, "inner": found})
    return None


def _same_items(expected: list, actual: list, tol: Tolerance) -> bool:
    e = sorted(expected, key=_sort_key)
    a = sorted(actual, key=_sort_key)
    return all(compare(x, y, Tolerance(tol.absolute, tol.relative, True, tol.ignore_case, tol.strip)) is None for x, y in zip(e, a))


def records(value: Any) -> tuple[tuple, list[tuple]] | None:
    """A table-like value as (column names, rows). Named index levels become leading columns;
    unnamed row labels (0, 1, 2 or what filtering left) are not part of the data."""
    if isinstance(value, Table):
        index_cols, index_names = _named_levels(value.index, value.index_names)
        names = index_names + tuple(value.columns)
        return names, list(zip(*index_cols, *value.data)) if names else []
    if isinstance(value, Column):
        index_cols, index_names = _named_levels(value.index, value.index_names)
        names = index_names + (value.name,)
        return names, list(zip(*index_cols, value.values))
    if isinstance(value, Array) and len(value.shape) == 1:
        return (None,), [(v,) for v in value.values]
    if isinstance(value, (list, tuple)):
        return (None,), [(v,) for v in value]
    if isinstance(value, dict) and all(not isinstance(v, (list, tuple, dict)) for v in value.values()):
        return (None, None), list(value.items())
    return None


def _named_levels(index, names) -> tuple[tuple, tuple]:
    if index is None:
        return (), ()
    kept = [(level, name) for level, name in zip(index, names) if name is not None]
    return tuple(level for level, _ in kept), tuple(name for _, name in kept)


def _compare_tables(expected: Any, actual: Any, tol: Tolerance) -> Difference | None:
    exp = records(expected)
    act = records(actual)
    if exp is None or act is None:
        return _type_difference(expected, actual)
    exp_names, exp_rows = exp
    act_names, act_rows = act
    if isinstance(expected, Table) and isinstance(actual, Table):
        if set(map(repr, exp_names)) != set(map(repr, act_names)):
            missing = [n for n in exp_names if n not in act_names]
            extra = [n for n in act_names if n not in exp_names]
            return Difference("columns", {"expected": list(exp_names), "actual": list(act_names), "missing": missing, "extra": extra})
        order = [act_names.index(n) for n in exp_names]
        act_rows = [tuple(row[i] for i in order) for row in act_rows]
    elif len(exp_names) != len(act_names):
        # A labelled series against a plain list (or the other way round): compare the values only.
        if len(act_names) == 1:
            exp_names, exp_rows = exp_names[-1:], [row[-1:] for row in exp_rows]
        elif len(exp_names) == 1:
            act_names, act_rows = act_names[-1:], [row[-1:] for row in act_rows]
        else:
            return Difference("columns", {"expected": list(exp_names), "actual": list(act_names), "missing": [], "extra": []})
    if len(exp_rows) != len(act_rows):
        return Difference("rows", {"expected": len(exp_rows), "actual": len(act_rows)})
    if not tol.ordered:
        exp_rows = sorted(exp_rows, key=lambda r: tuple(_sort_key(v) for v in r))
        act_rows = sorted(act_rows, key=lambda r: tuple(_sort_key(v) for v in r))
    for number, (e_row, a_row) in enumerate(zip(exp_rows, act_rows), start=1):
        for column, e, a in zip(exp_names, e_row, a_row):
            found = compare(e, a, tol)
            if found:
                if tol.ordered and _same_items(exp_rows, act_rows, tol):
                    return Difference("order", {"position": number})
                return Difference("cell", {"column": column, "row": number, "expected": e, "actual": a})
    return None
