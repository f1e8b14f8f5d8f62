"""Evidence crosses from the sandbox as plain data, and comparisons understand pandas results."""

from __future__ import annotations

import json
import math

import pytest

from qala.grader import evidence
from qala.grader.compare import Tolerance, compare


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
