"""Evidence crosses from the sandbox as plain data, and comparisons understand pandas results."""

from __future__ import annotations

import json
import math

import pytest

from qala.grader.judge.compare import Tolerance, compare
from qala.grader.run import evidence


def trip(value):
    return evidence.decode(json.loads(json.dumps(evidence.encode(value), allow_nan=False)))


def test_plain_values_survive_the_trip():
    value = {"a": [1, 2.5, None, True], "b": (1, "x"), "c": {3, 4}, 5: float("nan")}
    back = trip(value)
    assert back["a"] == [1, 2.5, None, True] and back["b"] == (1, "x") and back["c"] == frozenset({3, 4})
    assert math.isnan(back[5])


def test_hostile_objects_become_inert_descriptions():
    class AlwaysEqual:
        def __eq__(self, other):
            return True

        def __repr__(self):
            return "<looks right>"

    class SneakyInt(int):
        def __eq__(self, other):
            return True

    back = trip([AlwaysEqual(), SneakyInt(3)])
    assert isinstance(back[0], evidence.Other) and back[0].type.endswith("AlwaysEqual")
    assert compare(42, back[0]) is not None
    assert type(back[1]) is int and back[1] == 3  # the real value, without its __eq__
    assert compare(42, back[1]) is not None


def test_malformed_evidence_is_refused():
    for bad in ({"$": "nope"}, {"$": "tuple", "items": "x"}, {"$": "frame", "columns": ["a"], "data": [], "dtypes": [], "index": {"default": 0}}):
        with pytest.raises(evidence.BadEvidence):
            evidence.decode(bad)


def test_pandas_results_compare_by_values_and_labels():
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame({"district": ["Medeu", "Almaly", "Medeu"], "pm25": [10.0, 20.0, 30.0]})
    by_groupby = trip(frame.groupby("district")["pm25"].mean())
    by_reset = trip(frame.groupby("district", as_index=False)["pm25"].mean())
    assert compare(by_groupby, by_reset) is None
    wrong = trip(frame.groupby("district")["pm25"].sum())
    diff = compare(by_groupby, wrong)
    assert (diff.code, diff.params["row"], diff.params["column"], diff.params["expected"], diff.params["actual"]) == ("cell", 2, "pm25", 20.0, 40.0)
    filtered = trip(frame[frame.pm25 > 15])
    assert compare(filtered, trip(frame[frame.pm25 > 15].reset_index(drop=True))) is None
    assert compare(filtered, trip(frame)).code == "rows"
    shuffled = trip(frame.sort_values("pm25", ascending=False))
    assert compare(trip(frame), shuffled, Tolerance(ordered=False)) is None
    assert compare(trip(frame), shuffled).code == "order"


def test_numpy_scalars_count_as_numbers():
    np = pytest.importorskip("numpy")
    assert compare(2.5, trip(np.float64(2.5))) is None
    assert compare([1, 2], trip(np.array([1, 2]))) is None


def _careful(value):
    """What ``encode`` gives value by value, without its bulk paths."""
    bulk = evidence._bulk
    evidence._bulk = lambda values: None
    try:
        return evidence.encode(value)
    finally:
        evidence._bulk = bulk


def test_columns_encoded_in_bulk_are_exactly_what_value_by_value_gives():
    pd = pytest.importorskip("pandas")
    np = pytest.importorskip("numpy")
    days = pd.date_range("2023-01-01", periods=400, freq="D")
    samples = [
        pd.Series(np.arange(400, dtype="int64") * 1000, index=days, name="trips"),
        pd.Series(np.linspace(0, 1, 400), index=days.strftime("%Y-%m-%d")),
        pd.Series([1.5, float("nan"), float("inf"), -float("inf"), 0.0], name=("a", 1)),
        pd.Series([True, False, True]),
        pd.Series(np.array([1, 2, 3], dtype="uint64")),
        pd.Series(np.array([2**63, 1], dtype="uint64")),  # too big for an int64: tagged one by one
        pd.Series(np.array([1.5, 2.5], dtype="float32")),
        pd.Series(["Medeu", "Almaly", "x" * 30_000]),  # a string past the limit
        pd.Series(["Medeu", None, float("nan")]),
        pd.Series(pd.to_datetime(["2024-01-01 10:00:00", None, "2024-03-01 00:00:00.000001"], format="ISO8601")),
        pd.Series(pd.to_datetime(["2024-01-01 10:00:00.000000001"])),  # nanoseconds stay text
        pd.Series(pd.to_datetime(["2024-01-01"]).tz_localize("Asia/Almaty")),
        pd.Series(pd.array([1, None, 3], dtype="Int64")),
        pd.Series(["a", "b", "a"], dtype="category"),
        pd.Series([pd.Timedelta(minutes=5)]),
        pd.Series([1 + 2j]),
        pd.Series([], dtype="float64"),
        pd.Series([[1, 2], {"a": 1}]),
        pd.DataFrame({"when": days[:5], "district": list("ABCDE"), "pm25": [1.0, None, 3.0, 4.0, 5.0], "n": range(5)}).set_index(["district", "n"]),
        np.array([[1.0, float("nan")], [2.0, 3.0]]),
        np.array(["a", "b"]),
        pd.Index([3, 1, 2]),
    ]
    for value in samples:
        fast = evidence.encode(value)
        assert fast == _careful(value), value
        json.dumps(fast, allow_nan=False)  # plain JSON, as the sandbox sends it
    big = pd.Series(np.arange(300_000))
    assert evidence.encode(big) == {"$": "toolarge", "type": "pandas.Series"}


def test_objects_that_lie_about_their_values_never_cross_as_themselves():
    pd = pytest.importorskip("pandas")
    np = pytest.importorskip("numpy")

    class Yes(float):
        def __eq__(self, other):
            return True

        __hash__ = float.__hash__

    class Liar(pd.Series):
        @property
        def _constructor(self):
            return Liar

        def tolist(self):
            return [Yes(1.0), Yes(2.0)]

        def to_numpy(self, *args, **kwargs):
            return np.array([Yes(1.0), Yes(2.0)], dtype=object)

        def __array__(self, *args, **kwargs):
            return np.array([Yes(1.0), Yes(2.0)], dtype=object)

    back = trip(Liar([0.0, 0.0], dtype="float64"))
    assert all(type(v) is float for v in back.values)
    assert compare(back, trip(pd.Series([5.0, 6.0]))) is not None  # their own __eq__ stayed behind


def test_decoding_takes_nothing_on_trust():
    plain = [1, 2.5, "a", None, True]
    assert evidence.decode(plain) == plain and evidence.decode(plain) is not plain
    for bad in (
        {"$": "series", "name": None, "dtype": "int64", "values": "123", "index": {"default": 3}},
        {"$": "frame", "columns": ["a"], "data": ["abc"], "dtypes": ["object"], "index": {"default": 3}},
        {"$": "array", "shape": [2], "dtype": "f8", "values": {"$": "str", "v": "ab"}},
        {"$": "series", "name": None, "dtype": "int64", "values": [1], "index": {"names": [None], "levels": ["a"]}},
        {"$": ["datetime"], "v": "2024-01-01"},
        [{"$": "datetime", "v": 20240101}],
    ):
        with pytest.raises(evidence.BadEvidence):
            evidence.decode(bad)


def test_a_daily_series_survives_the_trip():
    pd = pytest.importorskip("pandas")
    np = pytest.importorskip("numpy")
    days = pd.date_range("2022-01-01", periods=1096, freq="D", name="date")
    daily = pd.Series(np.arange(1096) * 7, index=days, name="validations")
    back = trip(daily)
    assert isinstance(back, evidence.Column) and len(back) == 1096 and back.name == "validations"
    assert back.index[0][0] == days[0].to_pydatetime() and back.index_names == ("date",)
    assert back.values[-1] == 1095 * 7 and all(type(v) is int for v in back.values)
    assert compare(back, trip(daily.copy())) is None
    assert compare(back, trip(daily + 1)) is not None
