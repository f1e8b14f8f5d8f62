"""Whatever evidence comes back — forged, huge, deep, colliding, misshapen — the trusted side
decodes and judges it into a verdict with a sentence for every check, within a memory budget.

The evidence is a claim the learner's code can write itself (docs/SECURITY.md), so these tests
feed the decoder and every check kind what a forger could send. The budget is measured, not
timed: tracemalloc's peak while the grader reads and judges, and the refusals that keep the
work linear (values counted before any is built, colliding keys refused before they are put
in a dict). A run that hung would be stopped by pytest-timeout.
"""

from __future__ import annotations

import json
import tracemalloc

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from qala.grader.content.course_file import load_course
from qala.grader.i18n import Translator
from qala.grader.judge.checks import Evidence, judge
from qala.grader.run.jobs import Job, decode_evidence
from qala.grader.run.launch import _result_from_report
from tests.conftest import exercise_text, lesson_text, make_course

# Bytes the grader may allocate reading and judging one run's evidence: a little, plus a few
# copies of the evidence's own bytes (the report as read, the evidence cut from it, the text
# the values are counted in). Building it naively costs forty times its size and more.
MEMORY_BUDGET = 64 * 1024 * 1024
COPIES = 4
P = 2**61 - 1  # every multiple of it hashes to 0

CHECKS = """
[[check]]
value = "answer"
tolerance = 0.01

[[check]]
value = "table"
ordered = false

[[check]]
function = "f"
calls = ["f(1)", "f(2)"]

[[check]]
output = true
match = "numbers"

[[check]]
no_hardcoded = "answer"

[[check]]
id = "positive"
assert = "answer > 0 and len(table) == 2"
message = "The answer is positive and the table has two rows."

[[check]]
uses = ["for"]

[[check]]
forbids = ["while"]
"""

SOLUTION = """import pandas as pd
table = pd.DataFrame({"district": ["Almaly", "Medeu"], "pm25": [40.5, 44.5]})
answer = 0
for value in table["pm25"]:
    answer += value / 2
def f(x):
    return x * 2
print(answer)
"""

REFERENCE = {
    "status": "ok",
    "values": {
        "answer": 42.5,
        "table": {
            "$": "frame",
            "columns": ["district", "pm25"],
            "dtypes": ["object", "float64"],
            "data": [["Almaly", "Medeu"], [40.5, 44.5]],
            "index": {"default": 2},
        },
    },
    "calls": [{"call": "f(1)", "ok": 2}, {"call": "f(2)", "ok": 4}],
    "stdout": "42.5\n",
}


@pytest.fixture(scope="module")
def exercise(tmp_path_factory):
    root = tmp_path_factory.mktemp("adversarial")
    make_course(root, {"sums": lesson_text(exercises=exercise_text(ex_id="answer", starter="answer = 0", solution=SOLUTION.strip(), checks=CHECKS))})
    course, problems = load_course(root)
    assert [p for p in problems if not p.warning] == []
    return course.lessons["sums"].exercises[0]


def job(exercise) -> Job:
    from qala.grader.judge.checks import plan

    return plan(exercise, SOLUTION, None)


def report(evidence: bytes) -> bytes:
    """The supervisor's envelope (ready, setup fine, exited 0, done) around a learner process's evidence."""
    header = json.dumps({"ready": True, "setup": {"error": None}, "exit": 0, "done": True, "wall_ms": 5}).encode()
    return len(header).to_bytes(4, "big") + header + evidence


def verdict(exercise, body: bytes, source: str = SOLUTION):
    """What the grader makes of ``body``: (results, run, peak bytes allocated on the way)."""
    tracemalloc.start()
    try:
        run = _result_from_report(report(body), b"", job(exercise))
        reference = decode_evidence(REFERENCE, job(exercise).calls)
        results = judge(exercise, Evidence(source, "answer = 0", "", run, reference, {}), Translator("en"), {})
        peak = tracemalloc.get_traced_memory()[1] - COPIES * len(body)
    finally:
        tracemalloc.stop()
    return results, run, peak


def assert_verdict(results, peak: int) -> None:
    assert results and all(type(r.passed) is bool and r.message.strip() for r in results), results
    assert peak < MEMORY_BUDGET, f"{peak / 2**20:.0f} MiB"


# ---------------------------------------------------------------- what a forger can write

special_numbers = st.one_of(
    st.integers(min_value=-(10**400), max_value=10**400),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([{"$": "float", "v": v} for v in ("nan", "inf", "-inf", "1e400", "-0.0", "x")]),
    st.builds(lambda n: {"$": "bigint", "v": "9" * n}, st.integers(0, 6000)),
    st.sampled_from([0, -1, 2**63, -(2**63), P, -P, 1e308, -1e308, 5e-324]),
)
texts = st.text(alphabet=st.characters(codec="utf-8"), max_size=50)
leaves = st.one_of(
    st.none(),
    st.booleans(),
    special_numbers,
    texts,
    st.sampled_from(
        [{"$": "date", "v": "2024-13-40"}, {"$": "datetime", "v": "2024-01-01T00:00:00"}, {"$": "timedelta", "v": 1e300}, {"$": "nope"}, {"$": 5}, {}]
    ),
)


def _frames(children):
    lengths = st.integers(0, 4)
    return st.builds(
        lambda columns, rows, index_rows, levels, names: {
            "$": "frame",
            "columns": columns,
            "dtypes": ["float64"] * len(columns),
            "data": [[1.5] * rows for _ in columns],
            "index": {"default": rows} if index_rows is None else {"names": [None] * names, "levels": [list(range(index_rows))] * levels},
        },
        st.lists(st.one_of(texts, special_numbers), max_size=4),
        lengths,
        st.one_of(st.none(), lengths),
        st.integers(0, 3),
        st.integers(0, 3),
    ) | st.builds(
        lambda values, index_rows: {
            "$": "series",
            "name": None,
            "dtype": "float64",
            "values": values,
            "index": {"default": 0} if index_rows is None else {"names": [None], "levels": [list(range(index_rows))]},
        },
        st.lists(children, max_size=4),
        st.one_of(st.none(), lengths),
    )


values = st.recursive(
    leaves,
    lambda children: st.one_of(
        st.lists(children, max_size=5),
        st.builds(lambda items: {"$": "tuple", "items": items}, st.lists(children, max_size=5)),
        st.builds(lambda items: {"$": "set", "items": items}, st.lists(children, max_size=5)),
        st.builds(lambda pairs: {"$": "dict", "items": pairs}, st.lists(st.tuples(children, children).map(list), max_size=5)),
        st.builds(lambda n: {"$": "dict", "items": [[k * P, 0] for k in range(1, n)]}, st.integers(0, 40)),
        st.builds(
            lambda shape, items: {"$": "array", "shape": shape, "dtype": "float64", "values": items},
            st.lists(st.integers(-3, 10**6), max_size=3),
            st.lists(children, max_size=4),
        ),
        _frames(children),
        st.dictionaries(texts, children, max_size=3),  # an untagged object
    ),
    max_leaves=30,
)


def nested(depth: int, kind: str):
    value: object = 1
    for _ in range(depth):
        value = [value] if kind == "list" else {"$": "tuple", "items": [value]}
    return value


calls = st.one_of(
    st.just(REFERENCE["calls"]),
    st.lists(st.fixed_dictionaries({"call": st.sampled_from(["f(1)", "f(2)", "f(3)", ""]), "ok": values}), max_size=4),
    st.lists(
        st.one_of(
            st.fixed_dictionaries({"ok": values}),
            st.fixed_dictionaries({"call": st.just("f(1)"), "error": st.one_of(st.none(), st.dictionaries(texts, leaves, max_size=3))}),
            leaves,
        ),
        max_size=4,
    ),
    leaves,
)

evidence = st.fixed_dictionaries(
    {
        "status": st.sampled_from(["ok", "ok", "ok", "error", "timeout", "setup_error", "passed", None]),
        "values": st.one_of(st.fixed_dictionaries({"answer": values, "table": values}), st.dictionaries(texts, values, max_size=3), leaves),
        "calls": calls,
        "stdout": st.one_of(texts, st.builds(lambda n: "1 " * n, st.integers(0, 40_000)), leaves),
    },
    optional={"error": st.one_of(leaves, st.dictionaries(texts, leaves, max_size=3)), "duration_ms": leaves, "stdout_dropped": leaves},
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture])
@given(data=evidence)
@example(data={"status": "ok", "values": {"answer": 10**400, "table": 1}, "calls": [], "stdout": ""})
@example(data={"status": "ok", "values": {"answer": nested(45, "list"), "table": nested(60, "tuple")}, "calls": REFERENCE["calls"], "stdout": "42.5"})
@example(
    data={
        "status": "ok",
        "values": {
            "answer": 42.5,
            "table": {"$": "frame", "columns": ["a", "b"], "dtypes": [], "data": [[1, 2], [3, 4]], "index": {"names": [None], "levels": [[0]]}},
        },
        "calls": REFERENCE["calls"],
        "stdout": "42.5",
    }
)
@example(data={"status": "ok", "values": {"answer": 42.5, "table": REFERENCE["values"]["table"]}, "calls": REFERENCE["calls"][::-1], "stdout": "42.5"})
@example(data={"status": "ok", "values": {"answer": 42.5, "table": REFERENCE["values"]["table"]}, "calls": REFERENCE["calls"][:1], "stdout": "42.5"})
def test_any_evidence_ends_in_a_verdict_with_a_sentence_for_every_check(exercise, data):
    try:
        body = json.dumps(data, allow_nan=False).encode()
    except ValueError:
        return  # not JSON at all: the sandbox could not have sent it
    results, run, peak = verdict(exercise, body)
    assert_verdict(results, peak)
    if data.get("calls") != REFERENCE["calls"]:
        by_check = {r.check: r for r in results}
        assert not by_check["f"].passed, (data["calls"], run)  # results missing, extra, unnamed or reordered never pass


def test_a_forged_pass_of_every_check_is_only_a_claim_of_the_right_values(exercise):
    """The control: the one evidence that passes is the one that claims what the reference computed."""
    results, _, peak = verdict(exercise, json.dumps(REFERENCE).encode())
    assert_verdict(results, peak)
    assert all(r.passed for r in results), results


@given(
    source=st.one_of(
        st.integers(1, 3000).map(lambda n: "answer = " + "+".join(["1"] * n)),
        st.integers(1, 3000).map(lambda n: "answer = " + "-" * n + "42.5"),
        st.integers(1, 300).map(lambda n: "answer = " + "(" * n + "42.5" + ")" * n),
        st.integers(1, 6000).map(lambda n: "answer = 4" + "2" * n + ".5"),
        st.text(max_size=200),
    )
)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
def test_any_source_ends_in_a_verdict_for_the_structure_checks(exercise, source):
    results, _, peak = verdict(exercise, json.dumps(REFERENCE).encode(), source=source)
    assert_verdict(results, peak)


@pytest.mark.parametrize(
    "body, refused",
    [
        # 32 MiB of nested empty lists: ten million lists, over a gigabyte once built.
        (
            b'{"status": "ok", "values": {"answer": [' + b"[]," * (11 * 1024 * 1024) + b'[]]}, "calls": [], "stdout": ""}',
            "more values than the run could have sent",
        ),
        # 200,000 keys sharing one hash: a dict of them costs 200,000² comparisons.
        (
            json.dumps(
                {"status": "ok", "values": {"answer": {"$": "dict", "items": [[k * P, 0] for k in range(1, 200_001)]}}, "calls": [], "stdout": ""}
            ).encode(),
            "keys forged to share one hash",
        ),
        (
            json.dumps({"status": "ok", "values": {"answer": {"$": "set", "items": [k * P for k in range(1, 200_001)]}}, "calls": [], "stdout": ""}).encode(),
            "keys forged to share one hash",
        ),
        (b'{"status": "ok", "values": {"answer": ' + b"[" * 5000 + b"1" + b"]" * 5000 + b'}, "calls": [], "stdout": ""}', "not plain JSON"),
    ],
    ids=["32 MiB of nested lists", "colliding dict keys", "colliding set items", "nested 5000 deep"],
)
def test_evidence_costly_to_build_is_refused_before_it_is_built(exercise, body, refused):
    results, run, peak = verdict(exercise, body)
    assert_verdict(results, peak)
    assert run.status == "crashed" and refused in run.detail, run.detail
    assert not next(r for r in results if r.check == "runs").passed
