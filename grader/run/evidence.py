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
import re
import sys
from collections import Counter
from dataclasses import dataclass
from typing import Any

CHARTS = "<charts>"  # a job's variable name for what its program drew (never a Python name)
MAX_NODES = 200_000  # values in one encoded object (a 20,000 × 10 table)
MAX_TEXT = 20_000  # characters kept of one string
MAX_DEPTH = 40
MAX_SAME_HASH = 8  # keys of one dict or set that may share a hash (more: forged to make decoding quadratic)
JSON_NODES_PER_NODE = 4  # JSON values per encoded value at most: a dict entry is a [key, value] list, a tag an object


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
        flat = value.ravel()
        bulk = _bulk(flat)
        if bulk is not None:
            budget.left -= len(bulk) + 1
            values = bulk
        else:
            values = _encode(_flat(flat.tolist()), budget, depth + 1)
        return {"$": "array", "shape": list(value.shape), "dtype": str(value.dtype), "values": values}
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
    """A Series' or an Index's values, encoded: in bulk where its dtype allows, else one by one."""
    bulk = _bulk(series)
    if bulk is not None:
        budget.left -= len(bulk)
        if budget.left < 0:
            raise _TooLarge
        return bulk
    return [_encode(_plain(v), budget, depth + 1) for v in series.tolist()]


_PLAIN_NUMBERS = frozenset((int, float, bool))
_NUMBER_KINDS = frozenset("biuf")


def _bulk(values: Any) -> list | None:
    """Encode a one-dimensional pandas object's values in bulk, exactly as value by value would.

    For numbers, booleans, naive datetimes and all-text columns (most of what lessons return),
    numpy converts the whole column to Python values at once and only the few values that need
    a tag (NaN, infinities, datetimes) are touched one by one. None: use the careful path. The
    output is checked by exact type, so an object that lies about its dtype only gets itself
    the careful path.
    """
    numpy = sys.modules.get("numpy")
    if numpy is None:
        return None
    try:
        # numpy dtypes convert exactly; of pandas' own, only text (checked below): the others
        # (nullable integers, time zones, ...) become something else in numpy.
        native = isinstance(values.dtype, numpy.dtype)
        if not native and type(values.dtype).__name__ not in ("StringDtype", "CategoricalDtype"):
            return None
        array = numpy.asarray(values)
        if type(array) is not numpy.ndarray or array.ndim != 1:
            return None
        kind = array.dtype.kind
        if kind != "O" and not native:
            return None
        if kind in _NUMBER_KINDS:
            if kind == "u" and array.size and int(array.max()) >= 2**63:
                return None
            items = array.tolist()
            if type(items) is not list or not set(map(type, items)) <= _PLAIN_NUMBERS:
                return None
            if kind == "f" and not bool(numpy.isfinite(array).all()):
                return [v if math.isfinite(v) else {"$": "float", "v": repr(v)} for v in items]
            return items
        if kind == "M" and array.dtype.str.endswith(("[ns]", "[us]")):
            return _bulk_datetimes(numpy, array)
        if kind == "O":
            items = array.tolist()
            if type(items) is list and set(map(type, items)) <= {str} and (not items or max(map(len, items)) <= MAX_TEXT):
                return items
    except Exception:  # whatever went wrong here, the careful path decides
        return None
    return None


def _bulk_datetimes(numpy: Any, array: Any) -> list | None:
    """Naive datetimes as the careful path encodes them (pandas.Timestamp → datetime, NaT → None)."""
    if array.dtype.str.endswith("[ns]"):
        ticks = array.view("i8")
        missing = numpy.isnat(array)
        if bool(((ticks % 1000 != 0) & ~missing).any()):
            return None  # nanoseconds: the careful path keeps them as text
    items = array.astype("datetime64[us]").tolist()
    out: list[dict[str, str] | None] = []
    for item in items:
        if item is None:
            out.append(None)
        elif type(item) is _dt.datetime:
            out.append({"$": "datetime", "v": item.isoformat()})
        else:
            return None
    return out


def _index(index: Any, budget: _Budget, depth: int) -> Any:
    pandas = sys.modules["pandas"]
    if isinstance(index, pandas.RangeIndex) and index.start == 0 and index.step == 1:
        return {"default": len(index)}
    names = [_encode(_plain(n), budget, depth + 1) for n in index.names]
    if index.nlevels == 1:
        levels = [_column(index, budget, depth)]
    else:
        levels = [_column(index.get_level_values(i), budget, depth) for i in range(index.nlevels)]
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


_STRING = re.compile(rb'"(?:[^"\\]++|\\.)*+"')


def json_nodes(text: bytes) -> int:
    """An upper bound on the values ``json.loads(text)`` would build, counted without building
    any: every value but the first follows a ``[``, a ``,`` or a ``:`` outside the strings.

    So the trusted side can refuse evidence that is small in bytes but huge in objects (32 MiB
    of ``[],`` are ten million lists, over a gigabyte) before it decodes it.
    """
    bare = _STRING.sub(b'""', text)
    return 1 + bare.count(b"[") + bare.count(b",") + bare.count(b":")


def nodes_allowed(things: int) -> int:
    """The JSON values allowed in the evidence of a run that brings back ``things`` values and
    call results (each encoded within MAX_NODES), plus its printed output and error."""
    return JSON_NODES_PER_NODE * MAX_NODES * max(things, 1) + 1000


_HASHABLE = frozenset((type(None), bool, int, float, str, _dt.datetime, _dt.date, _dt.timedelta))


_PLAIN = frozenset((type(None), bool, int, float, str))


def decode(data: Any, depth: int = 0) -> Any:
    """Tagged JSON back into plain Python values. Raises BadEvidence on anything unexpected."""
    if depth > MAX_DEPTH + 10:
        raise BadEvidence("nested too deeply")
    kind = type(data)
    if kind in _PLAIN:
        return data
    if kind is list:
        if set(map(type, data)) <= _PLAIN:  # a column of plain values: nothing to rebuild
            return list(data)
        return [decode(v, depth + 1) for v in data]
    if kind is not dict:
        raise BadEvidence(f"unexpected {kind.__name__}")
    tag = data.get("$")
    build = _TAGS.get(tag) if type(tag) is str else None
    if build is None:
        raise BadEvidence(f"unknown tag {tag!r}")
    try:
        return build(data, depth)
    except (KeyError, TypeError, ValueError, OverflowError) as exc:
        if isinstance(exc, BadEvidence):
            raise
        raise BadEvidence(f"malformed {tag!r}: {exc}") from None


def _decode_bigint(data: dict, depth: int) -> Any:
    text = _text(data["v"])
    return int(text) if text.lstrip("-").isdigit() else Other("int", text)


def _decode_dict(data: dict, depth: int) -> dict:
    pairs = []
    for pair in _list(data["items"]):
        key, value = _list(pair)
        pairs.append((_hashable(decode(key, depth + 1)), decode(value, depth + 1)))
    _spread([key for key, _ in pairs])
    return dict(pairs)


def _decode_set(data: dict, depth: int) -> frozenset:
    items = [_hashable(decode(v, depth + 1)) for v in _list(data["items"])]
    _spread(items)
    return frozenset(items)


def _spread(keys: list) -> None:
    """Refuse keys forged to share one hash (every multiple of 2**61 - 1 hashes to 0): put in a
    dict or a set, n of them cost n² comparisons. Their hashes are counted in a Counter, where
    they cannot collide (a hash's own hash is itself)."""
    if len(keys) > MAX_SAME_HASH:
        buckets = Counter(hash(k) for k in keys)
        if max(buckets.values()) > MAX_SAME_HASH:
            raise BadEvidence("keys forged to share one hash")


def _decode_frame(data: dict, depth: int) -> Table:
    index, names = _decode_index(data["index"], depth)
    columns = tuple(_hashable(decode(c, depth + 1)) for c in _list(data["columns"]))
    columns_data = tuple(tuple(decode(_list(c), depth + 1)) for c in _list(data["data"]))
    dtypes = tuple(_text(t) for t in _list(data["dtypes"]))
    if len(columns_data) != len(columns) or len({len(c) for c in columns_data}) > 1:
        raise BadEvidence("a table whose columns do not line up")
    if index is not None and columns_data and len(index[0]) != len(columns_data[0]):
        raise BadEvidence("a table whose index does not line up with its columns")
    _spread(list(columns))
    return Table(columns, columns_data, index, names, dtypes)


def _decode_series(data: dict, depth: int) -> Column:
    index, names = _decode_index(data["index"], depth)
    values = tuple(decode(_list(data["values"]), depth + 1))
    if index is not None and len(index[0]) != len(values):
        raise BadEvidence("a series whose index does not line up with its values")
    return Column(_hashable(decode(data["name"], depth + 1)), values, index, names, _text(data["dtype"]))


_TAGS: dict[str, Any] = {
    "float": lambda data, depth: float(_text(data["v"])),
    "bigint": _decode_bigint,
    "str": lambda data, depth: _text(data["v"]),
    "tuple": lambda data, depth: tuple(decode(v, depth + 1) for v in _list(data["items"])),
    "set": _decode_set,
    "dict": _decode_dict,
    "datetime": lambda data, depth: _dt.datetime.fromisoformat(_text(data["v"])),
    "date": lambda data, depth: _dt.date.fromisoformat(_text(data["v"])),
    "timedelta": lambda data, depth: _dt.timedelta(seconds=float(data["v"])),
    "array": lambda data, depth: Array(tuple(int(n) for n in _list(data["shape"])), _text(data["dtype"]), tuple(decode(_list(data["values"]), depth + 1))),
    "series": _decode_series,
    "frame": _decode_frame,
    "other": lambda data, depth: Other(_text(data["type"]), _text(data["repr"])),
    "toolarge": lambda data, depth: TooLarge(_text(data["type"])),
}


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
    levels = []
    for level in _list(data["levels"]):
        values = decode(_list(level), depth + 1)
        levels.append(tuple(values) if set(map(type, values)) <= _HASHABLE else tuple(_hashable(v) for v in values))
    names = tuple(_hashable(decode(n, depth + 1)) for n in _list(data["names"]))
    if not levels or len({len(level) for level in levels}) > 1 or len(names) != len(levels):
        raise BadEvidence("an index whose levels do not line up")
    return tuple(levels), names


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
