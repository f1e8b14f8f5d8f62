"""Grading one attempt: run the reference solution (cached), run the learner's code, judge.

Expected values always come from running the reference solution, never from numbers typed
into a lesson; they are cached by a hash of everything they depend on.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import sys
import tempfile
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

from .. import __version__
from ..content.model import Course, Exercise, ExerciseKind, Lesson
from ..errors import GradingError
from ..i18n import Translator
from ..run.jobs import Job, Runner, RunResult, decode_evidence
from ..run.runners import InProcessRunner
from .checks import RUN_CHECK, CheckResult, Evidence, judge, judge_variant, needs_reference, plan
from .kinds import judge_choice, judge_predict, shape_problem
from .rescue import without_crash
from .variants import VARIANTS_FORMAT, Variant, dataset_folder, make_variant, seed_for


@dataclass(frozen=True)
class Grade:
    lesson: str
    exercise: str
    passed: bool
    feedback: tuple[CheckResult, ...]
    duration_ms: int
    output: str = ""  # what the learner's code printed, to show them (never part of a verdict)

    def failed_checks(self) -> list[str]:
        return [f.check for f in self.feedback if not f.passed]


class Grader:
    """Grades code for a course's exercises with one runner and a cache of reference runs."""

    def __init__(self, course: Course, runner: Runner, cache_dir: Path | None = None, variants: bool | None = None):
        self.course = course
        self.runner = runner
        self.cache_dir = cache_dir
        self._memory: dict[str, RunResult] = {}
        # Runs of the very same job are made once and shared: a regrade sees one program with many
        # seeds (its run on the original inputs), `qala validate` the same case in every language.
        self.share_runs = False
        # A check's run on the hidden variant starts beside the learner's, before it is known to
        # be needed: quicker for one learner; many checks at once (validate) keep the cores busy anyway.
        self.variants_beside = True
        self._shared: dict[str, RunResult] = {}
        # Hidden variants (judge/variants.py) are on unless switched off (QALA_VARIANTS=0: bench's "before").
        self.variants = variants if variants is not None else os.environ.get("QALA_VARIANTS", "1").strip() != "0"

    # -- reference runs

    def _fingerprint(self, lesson: Lesson) -> str:
        parts = []
        for name in lesson.datasets:
            for path in sorted(self.course.datasets_dir.glob(f"{name}.*")):
                stat = path.stat()
                parts.append(f"{path.name}:{stat.st_size}:{stat.st_mtime_ns}")
        return "|".join(parts)

    def _job(self, lesson: Lesson, exercise: Exercise, source: str, variant: Variant | None = None) -> Job:
        job = plan(exercise, source, self.course.datasets_dir, lesson.needs)
        if variant is None:
            return job
        folder = job.datasets_dir
        if variant.datasets and job.datasets_dir is not None:
            root = self.cache_dir.parent / "variants" if self.cache_dir else Path(tempfile.gettempdir()) / "qala-variants"
            folder = dataset_folder(variant, job.datasets_dir, root)
        return replace(
            job,
            source=variant.rewrite(job.source),
            setup=variant.rewrite(job.setup),
            calls=tuple(variant.call(c) for c in job.calls),
            datasets_dir=folder,
        )

    def _cached_run(self, lesson: Lesson, exercise: Exercise, source: str, what: str, variant: Variant | None = None) -> RunResult:
        job = self._job(lesson, exercise, source, variant)
        seed = [VARIANTS_FORMAT, variant.seed, sorted(variant.keep, key=repr), variant.every_day] if variant else None
        key = hashlib.sha256(json.dumps([__version__, what, job.as_message(), job.timeout, self._fingerprint(lesson), repr(seed)]).encode()).hexdigest()[:32]
        if key in self._memory:
            return self._memory[key]
        path = self.cache_dir / f"{key}.json" if self.cache_dir else None
        if path is not None and path.is_file():
            try:
                result = decode_evidence(json.loads(path.read_text(encoding="utf-8")), job.calls)
                if result.ok:
                    self._memory[key] = result
                    return result
            except (OSError, ValueError):
                pass  # a damaged cache entry is simply recomputed
        result = self.runner.run(job)
        if result.ok:
            self._memory[key] = result
            if path is not None and result.raw is not None:
                try:
                    path.parent.mkdir(parents=True, exist_ok=True)
                    tmp = path.with_suffix(f".{os.getpid()}.tmp")
                    tmp.write_text(json.dumps(result.raw), encoding="utf-8")
                    os.replace(tmp, path)
                except OSError:
                    pass  # no cache is slower, not wrong
        return result

    def reference(self, lesson: Lesson, exercise: Exercise) -> RunResult:
        result = self._cached_run(lesson, exercise, exercise.solution, "solution")
        if not result.ok:
            error = result.error
            where = f" on line {error.line}: {error.type}: {error.message}" if error else f" ({result.status}{': ' + result.detail if result.detail else ''})"
            raise GradingError(f"the reference solution of {lesson.id}/{exercise.id} does not run{where}")
        return result

    def mistakes(self, lesson: Lesson, exercise: Exercise, only: set[str]) -> dict[str, RunResult]:
        runs = {}
        for check in exercise.checks:
            if check.id not in only:
                continue
            for mistake in check.mistakes:
                runs[f"{check.id}.{mistake.id}"] = self._cached_run(lesson, exercise, mistake.code, f"mistake:{check.id}.{mistake.id}")
        return runs

    # -- grading

    def missing_modules(self, lesson: Lesson) -> list[str]:
        return [name for name in lesson.needs if importlib.util.find_spec(name) is None]

    def variant(self, lesson: Lesson, exercise: Exercise, seed: str | None) -> Variant | None:
        """The hidden variant this grading uses (None: variants off, or nothing to change)."""
        if not self.variants:
            return None
        return make_variant(exercise, seed or seed_for("", lesson.id, exercise.id), lesson.datasets)

    def grade(self, lesson: Lesson, exercise: Exercise, source: str, tr: Translator, seed: str | None = None) -> Grade:
        """Grade ``source``; ``seed`` chooses the hidden variant (a learner's, from the progress
        store; None: the course's default one)."""
        started = time.perf_counter()
        pending: Future | None = None
        feedback = dict(lesson.text(tr.language).exercises[exercise.id].feedback)
        missing = self.missing_modules(lesson)
        if missing:
            message = tr.t(
                "This lesson needs {modules}, which is not installed here, so it cannot be checked. "
                "In the browser, ask your teacher for the full build; in a terminal, install it: `{command}`.",
                modules=", ".join(missing),
                command="pip install " + " ".join(name.split(".")[0] for name in missing),
            )
            return Grade(lesson.id, exercise.id, False, (CheckResult(RUN_CHECK, False, message),), _ms(started))
        if exercise.kind is ExerciseKind.CHOICE:
            return Grade(lesson.id, exercise.id, *_passed(judge_choice(exercise, source, feedback, tr)), _ms(started))
        if exercise.kind is ExerciseKind.PREDICT:
            printed = self.reference(lesson, exercise).stdout  # the real output, shown after any answer
            return Grade(lesson.id, exercise.id, *_passed(judge_predict(source, printed, tr)), _ms(started), printed)
        if (wrong_shape := shape_problem(exercise, source, tr)) is not None:
            return Grade(lesson.id, exercise.id, *_passed(wrong_shape), _ms(started))
        reference = self.reference(lesson, exercise) if needs_reference(exercise) else None
        if source == exercise.solution:
            # The very job the reference ran (or will run, cached): `qala validate` grades every
            # reference solution right after running it, and its result is already known.
            learner = self._cached_run(lesson, exercise, source, "solution")
        else:
            job = self._job(lesson, exercise, source)
            variant = self.variant(lesson, exercise, seed) if needs_reference(exercise) else None
            if variant is not None and self.variants_beside and not isinstance(self.runner, InProcessRunner) and sys.platform != "emscripten":
                # The variant's runs start beside this one (two cores, two sandboxes): a check
                # then takes about as long as one run, not two. In the browser there are no threads.
                pool = ThreadPoolExecutor(max_workers=1)
                pending = pool.submit(self._variant_runs, lesson, exercise, source, variant)
                pool.shutdown(wait=False)
            learner = self._run_learner(job)
        if learner.status == "setup_error":
            raise GradingError(f"the setup code of {lesson.id}/{exercise.id} fails: {learner.error}")
        evidence = Evidence(source, exercise.starter, exercise.setup, learner, reference, {})
        if learner.status == "error" and any(c.kind == "function" for c in exercise.checks):
            # A line below the functions crashed: the functions can still be checked without it.
            trimmed = without_crash(source, learner.error.line if learner.error else None)
            if trimmed is not None:
                rescued = self.runner.run(plan(exercise, trimmed, self.course.datasets_dir, lesson.needs))
                evidence.rescued = rescued if rescued.ok else None
        results = judge(exercise, evidence, tr, feedback)
        with_mistakes = {c.id for c in exercise.checks if c.mistakes}
        # A crash may be a typical mistake too (an off-by-one index), so every mistake is a
        # candidate then; otherwise only those of the failing checks.
        wanted = with_mistakes if not learner.ok else {r.check for r in results if not r.passed} & with_mistakes
        if wanted and learner.status in ("ok", "error"):
            evidence.mistakes = self.mistakes(lesson, exercise, wanted)
            results = judge(exercise, evidence, tr, feedback)
        if reference is not None and learner.ok and any(r.passed for r in results[1:]):
            results = self._on_variant(lesson, exercise, source, tr, reference, results, seed, pending)
        elif pending is not None:
            pending.result()  # not needed after all, but nothing of a check outlives it (its sandbox, its scratch folder)
        passed = all(r.passed for r in results)
        return Grade(lesson.id, exercise.id, passed, tuple(results), _ms(started), learner.stdout)

    def _run_learner(self, job: Job) -> RunResult:
        """Run a learner's program, once per distinct job when runs are shared."""
        if not self.share_runs:
            return self.runner.run(job)
        key = hashlib.sha256(json.dumps([job.as_message(), str(job.datasets_dir), job.timeout]).encode()).hexdigest()
        found = self._shared.get(key)
        if found is None:
            found = self.runner.run(job)
            if len(self._shared) < 4096:
                self._shared[key] = found
        return found

    def _on_variant(
        self,
        lesson: Lesson,
        exercise: Exercise,
        source: str,
        tr: Translator,
        reference: RunResult,
        results: list[CheckResult],
        seed: str | None,
        pending: Future | None = None,
    ) -> list[CheckResult]:
        """The checks that passed, judged again on a hidden variant of the inputs: a result that
        was typed in rather than computed is right only on the original."""
        variant = self.variant(lesson, exercise, seed)
        if variant is None:
            return results
        reference_v, learner_v = pending.result() if pending is not None else self._variant_runs(lesson, exercise, source, variant)
        if not reference_v.ok:
            return results  # the reference does not run on this variant: `qala validate` says so
        return judge_variant(exercise, results, reference, reference_v, learner_v, tr)

    def _variant_runs(self, lesson: Lesson, exercise: Exercise, source: str, variant: Variant) -> tuple[RunResult, RunResult]:
        """The reference's run on the variant (cached) and the learner's."""
        reference_v = self._cached_run(lesson, exercise, exercise.solution, "solution", variant)
        if source == exercise.solution or not reference_v.ok:
            return reference_v, reference_v
        return reference_v, self._run_learner(self._job(lesson, exercise, source, variant))

    def variant_trouble(self, lesson: Lesson, exercise: Exercise, seed: str | None = None) -> str | None:
        """Why the reference solution does not run on the exercise's variant (None: it does), for
        `qala validate`."""
        variant = self.variant(lesson, exercise, seed)
        if variant is None or not needs_reference(exercise):
            return None
        result = self._cached_run(lesson, exercise, exercise.solution, "solution", variant)
        if result.ok:
            return None
        error = result.error
        return f"{error.type}: {error.message} (line {error.line})" if error else f"{result.status} {result.detail}".strip()


def _passed(result: CheckResult) -> tuple[bool, tuple[CheckResult, ...]]:
    return result.passed, (result,)


def _ms(started: float) -> int:
    return int((time.perf_counter() - started) * 1000)
