"""Every check an import writes is first tried against the notebook's own solution, all of a
notebook's exercises in one sandbox run; a check that cannot be evaluated there is dropped and
reported, never written.
"""

from __future__ import annotations

from pathlib import Path

from .notebook import (
    Note,
    Notes,
)
from .render import ExerciseDraft
from .tests_to_checks import CheckDraft, Probe

BATCH = """\
import contextlib as _contextlib, io as _io
_results = []
try:  # every exercise re-reads the same data files: read each once (a copy each time)
    import pandas as _pd
    _read_csv, _read_cache = _pd.read_csv, {}
    def _cached_read_csv(path, *args, **kwargs):
        key = (str(path), repr(args), repr(sorted(kwargs.items())))
        if key not in _read_cache:
            _read_cache[key] = _read_csv(path, *args, **kwargs)
        return _read_cache[key].copy()
    _pd.read_csv = _cached_read_csv
except Exception:
    pass
def _verify_one(_setup, _solution, _probes):
    _ns = {"__name__": "__main__"}
    try:
        with _contextlib.redirect_stdout(_io.StringIO()), _contextlib.redirect_stderr(_io.StringIO()):
            exec(compile(_setup, "<setup>", "exec"), _ns)
            exec(compile(_solution, "<solution>", "exec"), _ns)
    except BaseException as _error:
        _results.extend([("__qala_setup__", type(_error).__name__, str(_error)[:200])] * len(_probes))
        return
    for _probe in _probes:
        try:
            with _contextlib.redirect_stdout(_io.StringIO()):
                _results.append(eval(compile(_probe, "<probe>", "eval"), _ns))
        except BaseException as _error:
            _results.append(("__qala_error__", type(_error).__name__, str(_error)[:200]))
    try:
        import sys as _sys
        if "matplotlib.pyplot" in _sys.modules:
            _sys.modules["matplotlib.pyplot"].close("all")
    except Exception:
        pass
"""


class _Outcome:
    def __init__(self, value=None, error: str | None = None, message: str = "", setup: bool = False):
        self.value, self.error, self.message, self.setup = value, error, message, setup


def _run_batch(items: list[tuple[str, str, list[Probe]]], runner, datasets_dir: Path, needs: tuple[str, ...]) -> tuple[list[list[_Outcome]] | None, str]:
    """Each (setup, solution, probes) run in a fresh namespace of one sandbox run; the probes' outcomes."""
    from ...run.jobs import Job

    lines = [BATCH]
    total = 0
    for setup, solution, probes in items:
        lines.append(f"_verify_one({setup!r}, {solution!r}, {[p.call for p in probes]!r})")
        total += len(probes)
    job = Job(
        source="\n".join(lines),
        setup="",
        calls=tuple(f"_results[{i}]" for i in range(total)),
        datasets_dir=datasets_dir if datasets_dir.is_dir() else None,
        needs=needs,
        timeout=min(120, 20 + 5 * len(items)),
    )
    result = runner.run(job)
    if not result.ok:
        error = result.error
        return None, (f"{error.type}: {error.message}" if error else result.status)
    out, index = [], 0
    for _setup, _solution, probes in items:
        mine = []
        for _ in probes:
            got = result.calls[index] if index < len(result.calls) else None
            index += 1
            if got is None or got.error is not None:
                mine.append(_Outcome(error=got.error.type if got else "missing", message=got.error.message if got else ""))
            elif isinstance(got.value, (list, tuple)) and len(got.value) == 3 and got.value[0] in ("__qala_error__", "__qala_setup__"):
                mine.append(_Outcome(error=got.value[1], message=got.value[2], setup=got.value[0] == "__qala_setup__"))
            else:
                mine.append(_Outcome(value=got.value))
        out.append(mine)
    return out, ""


def _agrees(draft: CheckDraft, outcomes: list[_Outcome]) -> tuple[bool, str]:
    from ...judge.compare import Tolerance, compare

    for probe, got in zip(draft.probes, outcomes):
        if probe.expect == "raises":
            if got.error is None:
                return False, f"{probe.call} does not raise {probe.value}"
            if got.error != probe.value and got.error in ("NameError", "AttributeError", "ImportError", "ModuleNotFoundError"):
                return False, f"{probe.call}: {got.error}: {got.message}"[:160]
            continue
        if got.error is not None:
            return False, f"{probe.call}: {got.error}: {got.message}"[:160]
        if probe.expect == "equals" and compare(probe.value, got.value, Tolerance.from_options(dict(draft.options))) is not None:
            return False, f"{probe.call} gives {got.value!r}, the test expects {probe.value!r}"[:160]
        if probe.expect == "true" and got.value is not True:
            return False, f"{probe.call} is {got.value!r}"[:160]
    return True, ""


def _does_not_run(notes: Notes, exercise: ExerciseDraft, reason: str) -> None:
    """The teacher is told that an exercise's solution cannot run here, so none of its tests became a check."""
    notes.append(
        Note(
            exercise.question.cells[0],
            "kept",
            notes.tr.t(
                "the notebook's solution of exercise {exercise} does not run in Qala ({reason}): its tests could not be tried on it, so none became a check",
                exercise=exercise.id,
                reason=reason,
            ),
        )
    )


def _verify_all(exercises: list[ExerciseDraft], runner, datasets_dir: Path, needs: tuple[str, ...], notes: Notes) -> None:
    """Keep only the checks that pass on the notebook's own solution (each dropped one is reported
    with its cell and the reason); a check that disagrees gives way to its plainer fallback when
    that one passes."""
    todo = [e for e in exercises if e.checks]
    round_drafts = {id(e): list(e.checks) for e in todo}
    kept: dict[int, list[CheckDraft]] = {id(e): [] for e in exercises}
    for attempt in range(2):
        items = [(e, round_drafts[id(e)]) for e in todo if round_drafts.get(id(e))]
        if not items:
            break
        outcomes, failure = _run_batch([(e.hidden_setup, e.solution, [p for d in ds for p in d.probes]) for e, ds in items], runner, datasets_dir, needs)
        retry: dict[int, list[CheckDraft]] = {}
        for index, (exercise, drafts) in enumerate(items):
            if outcomes is None:
                _does_not_run(notes, exercise, failure)
                continue
            mine = outcomes[index]
            if mine and all(o.setup for o in mine):
                _does_not_run(notes, exercise, f"{mine[0].error}: {mine[0].message}")
                continue
            offset = 0
            for draft in drafts:
                got = mine[offset : offset + len(draft.probes)]
                offset += len(draft.probes)
                ok, why = _agrees(draft, got)
                if ok:
                    kept[id(exercise)].append(draft)
                elif draft.fallback is not None and attempt == 0:
                    draft.fallback.reveal = draft.reveal
                    draft.fallback.why = why
                    retry.setdefault(id(exercise), []).append(draft.fallback)
                else:
                    why = draft.why or why
                    notes.append(
                        Note(
                            draft.cell,
                            "kept",
                            notes.tr.t("a test of cell {cell} was left out: it does not pass on the notebook's own solution ({why})", cell=draft.cell, why=why),
                        )
                    )
        round_drafts = retry
    for exercise in exercises:
        exercise.checks = kept[id(exercise)]
