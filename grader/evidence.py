"""Evidence: what a run sends back, as plain JSON data — never pickles or live objects.

``encode`` runs inside the sandbox and turns learner values (including pandas and numpy ones)
into tagged JSON; ``decode`` runs in the trusted process and rebuilds plain Python values and
small frozen records (:class:`Table`, :class:`Column`, :class:`Other`). Nothing learner-made
survives the trip, so comparisons in the trusted process cannot be fooled by custom ``__eq__``.
Standard library only: the sandbox child and Pyodide import this module.
"""

from __future__ import annotations

import datetime as _dt
import math
import sys
from dataclasses import dataclass
from typing import Any

MAX_NODES = 200_000  # values in one encoded object (a 20,000 × 10 table)
MAX_TEXT = 20_000  # characters kept of one string
MAX_DEPTH = 40


# ------------------------------------------------------------------ encoding (in the sandbox)


class _Budget:
    def __init__(self, nodes: int):
        self.left = nodes


def encode(value: Any, max_nodes: int = MAX_NODES) -> Any:
    """A learner value as tagged JSON data. Never raises: what cannot be encoded becomes 'other'."""
    budget = _Budget(max_nodes)
    try:
        return _encode(value, budget, 0)
    except _TooLarge:
        return {"$": "toolarge", "type": _type_name(value)}
    except RecursionError:
        return {"$": "other", "type": _type_name(value), "repr": "(nested too deeply)"}


class _TooLarge(Exception):
    pass


def _type_name(value: Any) -> str:
    kind = type(value)
    module = getattr(kind, "__module__", "") or ""
    name = getattr(kind, "__qualname__", "?")
    return name if module in ("builtins", "__main__", "") else f"{module.split('.')[0]}.{name}"


def _encode(value: Any, budget: _Budget, depth: int) -> Any:
    budget.left -= 1
    if budget.left < 0:
        raise _TooLarge
    if depth > MAX_DEPTH:
        return {"$": "other", "type": _type_name(value), "repr": "(nested too deeply)"}
    kind = type(value)
    # Exact types first: a subclass of int with its own __eq__ must not pass as an int.
    if value is None or kind is bool or kind is str and len(value) <= MAX_TEXT:
        return value
    if kind is int:
        return value if abs(value) < 2**63 else {"$": "bigint", "v": _int_text(value)}
    if kind is float:
        return value if math.isfinite(value) else {"$": "float", "v": repr(value)}
    if kind is str:
        return {"$": "str", "v": value[:MAX_TEXT], "truncated": len(value)}
    if kind is list:
        return [_encode(v, budget, depth + 1) for v in value]
    if kind is tuple:
        return {"$": "tuple", "items": [_encode(v, budget, depth + 1) for v in value]}
    if kind in (set, frozenset):
        items = [_encode(v, budget, depth + 1) for v in value]
        return {"$": "set", "items": sorted(items, key=repr)}
    if kind is dict:
        return {"$": "dict", "items": [[_encode(k, budget, depth + 1), _encode(v, budget, depth + 1)] for k, v in value.items()]}
    if kind in (range,):
        return [_encode(v, budget, depth + 1) for v in value]
    if kind is _dt.datetime:
        return {"$": "datetime", "v": value.isoformat()}
    if kind is _dt.date:
        return {"$": "date", "v": value.isoformat()}
    if kind is _dt.timedelta:
        return {"$": "timedelta", "v": value.total_seconds()}
    numeric = _numpy_scalar(value)
    if numeric is not _NOT:
        return _encode(numeric, budget, depth)
    # Subclasses of the basic types keep only their real value: their own __eq__ stays behind.
    if isinstance(value, bool):
        return bool(int.__index__(value))
    if isinstance(value, int):
        return _encode(int(int.__repr__(value)), budget, depth)
    if isinstance(value, float):
        return _encode(float(float.__repr__(value)), budget, depth)
    if isinstance(value, str):
        return _encode(str.__str__(value), budget, depth)
    # Counter, defaultdict, OrderedDict, namedtuples and list subclasses: their contents, read
    # with the base type's own methods, so an overridden items() or __iter__ cannot lie.
    if isinstance(value, dict):
        return _encode(dict(dict.items(value)), budget, depth)
    if isinstance(value, list):
        return _encode(list.copy(value), budget, depth)
    if isinstance(value, tuple):
        return _encode(tuple(tuple.__iter__(value)), budget, depth)
    table = _pandas(value, budget, depth)
    if table is not None:
        return table
    try:
        text = repr(value)
    except Exception:  # a learner's __repr__ may raise anything
        text = "(no text form)"
    return {"$": "other", "type": _type_name(value), "repr": text[:300]}


def _int_text(value: int) -> str:
    try:
        return str(value)
    except ValueError:  # longer than sys.get_int_max_str_digits()
        return f"(an integer with about {int(value.bit_length() * 0.30103)} digits)"


_NOT = object()


def _numpy_scalar(value: Any) -> Any:
    numpy = sys.modules.get("numpy")
    if numpy is None:
        return _NOT
    if isinstance(value, numpy.bool_):
        return bool(value)
    if isinstance(value, numpy.integer):
        return int(value)
    if isinstance(value, numpy.floating):
        return float(value)
    if isinstance(value, numpy.datetime64):
        return str(value)
    return _NOT


def _pandas(value: Any, budget: _Budget, depth: int) -> Any:
    """DataFrames, Series, Index, ndarrays and pandas scalars as tagged JSON; None if it is none of them."""
    numpy = sys.modules.get("numpy")
    pandas = sys.modules.get("pandas")
    if numpy is not None and isinstance(value, numpy.ndarray):
        if value.size > budget.left:
            raise _TooLarge
        return {"$": "array", "shape": list(value.shape), "dtype": str(value.dtype), "values": _encode(_flat(value.ravel().tolist()), budget, depth + 1)}
    if pandas is None:
        return None
    if isinstance(value, pandas.DataFrame):
        rows, cols = value.shape
        if rows * (cols + value.index.nlevels) > budget.left:
            raise _TooLarge
        return {
            "$": "frame",
            "columns": [_encode(_plain(c), budget, depth + 1) for c in value.columns],
            "dtypes": [str(t) for t in value.dtypes],
            "data": [_column(value.iloc[:, i], budget, depth) for i in range(cols)],
            "index": _index(value.index, budget, depth),
        }
    if isinstance(value, pandas.Series):
        if len(value) * 2 > budget.left:
            raise _TooLarge
        return {
            "$": "series",
            "name": _encode(_plain(value.name), budget, depth + 1),
            "dtype": str(value.dtype),
            "values": _column(value, budget, depth),
            "index": _index(value.index, budget, depth),
        }
    if isinstance(value, pandas.Index):
        return {"$": "tuple", "items": [_encode(_plain(v), budget, depth + 1) for v in value.tolist()]}
    if isinstance(value, pandas.Timestamp):
        return {"$": "datetime", "v": value.isoformat()}
    if isinstance(value, pandas.Timedelta):
        return {"$": "timedelta", "v": value.total_seconds()}
    if value is pandas.NaT or value is getattr(pandas, "NA", _NOT):
        return None
    return None


def _flat(values: list) -> list:
    return [_plain(v) for v in values]


def _plain(v: Any) -> Any:
    """Missing values (NaN, NaT, pd.NA) and pandas/numpy scalars as plain Python."""
    numeric = _numpy_scalar(v)
    if numeric is not _NOT:
        v = numeric
    pandas = sys.modules.get("pandas")
    if pandas is not None:
        if v is pandas.NaT or v is getattr(pandas, "NA", _NOT):
            return None
        if isinstance(v, pandas.Timestamp):
            return v.to_pydatetime() if v.nanosecond == 0 else v.isoformat()
        if isinstance(v, pandas.Timedelta):
            return v.to_pytimedelta()
    return v


def _column(series: Any, budget: _Budget, depth: int) -> list:
    return [_encode(_plain(v), budget, depth + 1) for v in series.tolist()]


def _index(index: Any, budget: _Budget, depth: int) -> Any:
    pandas = sys.modules["pandas"]
    if isinstance(index, pandas.RangeIndex) and index.start == 0 and index.step == 1:
        return {"default": len(index)}
    names = [_encode(_plain(n), budget, depth + 1) for n in index.names]
    if index.nlevels == 1:
        levels = [[_encode(_plain(v), budget, depth + 1) for v in index.tolist()]]
    else:
        levels = [[_encode(_plain(v), budget, depth + 1) for v in index.get_level_values(i).tolist()] for i in range(index.nlevels)]
    return {"names": names, "levels": levels}


# ------------------------------------------------------------------ decoding (trusted)


@dataclass(frozen=True)
class Column:
    """A one-dimensional labelled result (a pandas Series, or an array)."""

    name: Any
    values: tuple
    index: tuple[tuple, ...] | None  # index levels; None for 0..n-1
    index_names: tuple
    dtype: str

    def __len__(self) -> int:
        return len(self.values)


@dataclass(frozen=True)
class Table:
    """A table result (a pandas DataFrame): named columns of plain values."""

    columns: tuple
    data: tuple[tuple, ...]  # one tuple of values per column
    index: tuple[tuple, ...] | None
    index_names: tuple
    dtypes: tuple[str, ...]

    @property
    def shape(self) -> tuple[int, int]:
        return (len(self.data[0]) if self.data else (len(self.index[0]) if self.index else 0), len(self.columns))

    def __len__(self) -> int:
        return self.shape[0]

    def column(self, name: Any) -> tuple:
        return self.data[self.columns.index(name)]


@dataclass(frozen=True)
class Array:
    shape: tuple[int, ...]
    dtype: str
    values: tuple


@dataclass(frozen=True)
class Other:
    """A value Qala cannot compare (a learner's own class, a file, a module): its type and text."""

    type: str
    text: str


@dataclass(frozen=True)
class TooLarge:
    type: str


class BadEvidence(ValueError):
    """The evidence is not in Qala's format (the sandbox misbehaved or was tampered with)."""


def decode(data: Any, depth: int = 0) -> Any:
    """Tagged JSON back into plain Python values. Raises BadEvidence on anything unexpected."""
    if depth > MAX_DEPTH + 10:
        raise BadEvidence("nested too deeply")
    kind = type(data)
    if data is None or kind in (bool, int, float, str):
        return data
    if kind is list:
        return [decode(v, depth + 1) for v in data]
    if kind is not dict:
        raise BadEvidence(f"unexpected {kind.__name__}")
    tag = data.get("$")
    try:
        if tag == "float":
            return float(_text(data["v"]))
        if tag == "bigint":
            text = _text(data["v"])
            return int(text) if text.lstrip("-").isdigit() else Other("int", text)
        if tag == "str":
            return _text(data["v"])
        if tag == "tuple":
            return tuple(decode(v, depth + 1) for v in _list(data["items"]))
        if tag == "set":
            items = [decode(v, depth + 1) for v in _list(data["items"])]
            return frozenset(_hashable(v) for v in items)
        if tag == "dict":
            out = {}
            for pair in _list(data["items"]):
                key, value = _list(pair)
                out[_hashable(decode(key, depth + 1))] = decode(value, depth + 1)
            return out
        if tag == "datetime":
            return _dt.datetime.fromisoformat(_text(data["v"]))
        if tag == "date":
            return _dt.date.fromisoformat(_text(data["v"]))
        if tag == "timedelta":
            return _dt.timedelta(seconds=float(data["v"]))
        if tag == "array":
            return Array(tuple(int(n) for n in _list(data["shape"])), _text(data["dtype"]), tuple(decode(data["values"], depth + 1)))
        if tag == "series":
            index, names = _decode_index(data["index"], depth)
            return Column(_hashable(decode(data["name"], depth + 1)), tuple(decode(data["values"], depth + 1)), index, names, _text(data["dtype"]))
        if tag == "frame":
            index, names = _decode_index(data["index"], depth)
            columns = tuple(_hashable(decode(c, depth + 1)) for c in _list(data["columns"]))
            columns_data = tuple(tuple(decode(c, depth + 1)) for c in _list(data["data"]))
            dtypes = tuple(_text(t) for t in _list(data["dtypes"]))
            if len(columns_data) != len(columns) or len({len(c) for c in columns_data}) > 1:
                raise BadEvidence("a table whose columns do not line up")
            return Table(columns, columns_data, index, names, dtypes)
        if tag == "other":
            return Other(_text(data["type"]), _text(data["repr"]))
        if tag == "toolarge":
            return TooLarge(_text(data["type"]))
    except (KeyError, TypeError, ValueError, OverflowError) as exc:
        raise BadEvidence(f"malformed {tag!r}: {exc}") from None
    raise BadEvidence(f"unknown tag {tag!r}")


def _text(value: Any) -> str:
    if type(value) is not str:
        raise BadEvidence("expected text")
    return value


def _list(value: Any) -> list:
    if type(value) is not list:
        raise BadEvidence("expected a list")
    return value


def _hashable(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_hashable(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted(((repr(k), _hashable(v)) for k, v in value.items())))
    return value


def _decode_index(data: Any, depth: int) -> tuple[tuple[tuple, ...] | None, tuple]:
    if type(data) is not dict:
        raise BadEvidence("malformed index")
    if "default" in data:
        return None, ()
    levels = tuple(tuple(_hashable(v) for v in decode(level, depth + 1)) for level in _list(data["levels"]))
    names = tuple(_hashable(decode(n, depth + 1)) for n in _list(data["names"]))
    return levels, names


# ------------------------------------------------------------------ showing values to people


def describe(value: Any, limit: int = 80) -> str:
    """A short, readable form of a value for feedback: numbers rounded, long things cut."""
    if isinstance(value, Table):
        rows, cols = value.shape
        names = ", ".join(str(c) for c in value.columns[:6]) + (", …" if cols > 6 else "")
        return f"table {rows}×{cols} ({names})"
    if isinstance(value, Column):
        return _cut(f"series of {len(value.values)}: " + _short(list(value.values[:8])) + (" …" if len(value.values) > 8 else ""), limit)
    if isinstance(value, Array):
        return _cut(f"array {value.shape}: " + _short(list(value.values[:8])), limit)
    if isinstance(value, Other):
        return _cut(f"{value.type} {value.text}", limit)
    if isinstance(value, TooLarge):
        return f"a {value.type} too large to compare"
    return _cut(_short(value), limit)


def _short(value: Any) -> str:
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if 1e6 <= abs(value) < 1e15:  # 1,960,784.31 reads better than 1.96078e+06
            return f"{value:,.2f}".rstrip("0").rstrip(".")
        return f"{value:.6g}" if abs(value) < 1e15 else repr(value)
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 100_000:
        return f"{value:,}"
    if isinstance(value, list):
        return "[" + ", ".join(_short(v) for v in value[:10]) + (", …" if len(value) > 10 else "") + "]"
    if isinstance(value, tuple):
        return "(" + ", ".join(_short(v) for v in value[:10]) + (", …" if len(value) > 10 else "") + ("," if len(value) == 1 else "") + ")"
    if isinstance(value, dict):
        items = list(value.items())
        return "{" + ", ".join(f"{_short(k)}: {_short(v)}" for k, v in items[:6]) + (", …" if len(items) > 6 else "") + "}"
    return repr(value)


def _cut(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
