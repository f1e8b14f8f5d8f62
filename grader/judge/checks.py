"""Checks: what each check kind asks of a run, and how it judges the evidence.

Everything here runs in the trusted process on decoded evidence (plain values). Every
verdict comes with a message in the learner's language that says what was expected, what
the code gave, and what to look at next.
"""

from __future__ import annotations

import ast
import builtins
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any

from ..content.model import CHECK_SPECS, Check, CheckKind, Exercise
from ..errors import GradingError
from ..i18n import Translator
from ..run.evidence import CHARTS, Column, Table
from ..run.jobs import Job, RunResult
from .charts import chart_difference, charts_of
from .compare import Tolerance, compare, numbers_close
from .diagnose import Diagnosis, diagnose, diagnose_values, refined
from .messages import cascade_message, crash_pattern, difference_message, error_said, explained, run_message, show
from .patterns import CERTAIN_PATTERNS, Pattern, find_patterns, names_read
from .typed_in import no_hardcoded

RUN_CHECK = "runs"

EXACT = Tolerance(absolute=1e-12, relative=1e-12)


@dataclass(frozen=True)
class CheckResult:
    check: str
    passed: bool
    message: str

    def as_json(self) -> dict:
        return {"check": self.check, "passed": self.passed, "message": self.message}


def assert_names(expression: str) -> list[str]:
    """Variables an assert expression reads (builtins and names it binds itself excluded)."""
    tree = ast.parse(expression, mode="eval")
    bound = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    bound |= {a.arg for n in ast.walk(tree) if isinstance(n, ast.Lambda) for a in n.args.args}
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
            if node.id not in bound and not hasattr(builtins, node.id) and node.id not in names:
                names.append(node.id)
    return names


def plan(exercise: Exercise, source: str, datasets_dir, needs: Iterable[str] = ()) -> Job:
    """The job that runs ``source`` for this exercise's checks."""
    variables: list[str] = []
    calls: list[str] = []
    for check in exercise.checks:
        captures = CHECK_SPECS[check.kind].captures
        if captures == "target" and check.target not in variables:
            variables.append(check.target)
        elif captures == "expression-names":
            variables.extend(n for n in assert_names(check.target) if n not in variables)
        elif captures == "calls":
            calls.extend(check.option("calls"))
        elif captures == "charts" and CHARTS not in variables:
            variables.append(CHARTS)
    return Job(
        source=source,
        setup=exercise.setup,
        variables=tuple(variables),
        calls=tuple(calls),
        datasets_dir=datasets_dir,
        needs=tuple(needs),
        timeout=exercise.timeout,
    )


def needs_reference(exercise: Exercise) -> bool:
    return any(CHECK_SPECS[c.kind].compares_with_reference for c in exercise.checks)


@dataclass
class Evidence:
    """Everything a check may look at."""

    source: str
    starter: str
    setup: str
    learner: RunResult
    reference: RunResult | None
    mistakes: dict[str, RunResult]  # "check-id.mistake-id" -> the mistake program's run
    rescued: RunResult | None = None  # the functions run without the top-level line that crashed


def judge(exercise: Exercise, evidence: Evidence, tr: Translator, feedback: dict[str, str]) -> list[CheckResult]:
    """Every check of the exercise, in order, after a first 'your code runs' result."""
    run = evidence.learner
    tree = _parse(evidence.source)
    patterns = find_patterns(tree)
    crash = _crash_mistake(exercise, evidence, feedback) or crash_pattern(run, patterns, tr)
    results = [CheckResult(RUN_CHECK, run.ok, _compose(run_message(run, tr), crash, ""))]
    call_offset = 0
    wrong: list[str] = []  # variables already found wrong, to trace a later wrong value to them
    for check in exercise.checks:
        spec = CHECK_SPECS[check.kind]
        count = len(check.option("calls") or ()) if spec.captures == "calls" else 0
        if spec.captures == "calls" and not run.ok and evidence.rescued is not None:
            # The cause is a line below the functions: they are judged on their own.
            passed, message = JUDGES[check.kind](
                check, _Judging(replace(evidence, learner=evidence.rescued), tree, tr, feedback, call_offset, (), tuple(patterns))
            )
        elif not spec.reads_code_only and not run.ok:
            passed, message = False, tr.t("Not checked yet: first make your code run without errors.")
        else:
            passed, message = JUDGES[check.kind](check, _Judging(evidence, tree, tr, feedback, call_offset, tuple(wrong), tuple(patterns)))
        if not passed and check.kind == "value":
            wrong.append(check.target)
        call_offset += count
        if not passed and not spec.takes_mistakes:  # kinds with mistakes word their own advice
            message = _with_advice(message, feedback.get(check.id, check.message))
        results.append(CheckResult(check.id, passed, message))
    return results


def _reference(evidence: Evidence) -> RunResult:
    """The reference solution's run, which every check that compares with it has (grading runs it first)."""
    if evidence.reference is None:
        raise GradingError("a check that compares with the reference solution was judged without its run")
    return evidence.reference


@dataclass(frozen=True)
class _Judging:
    """What a judge may look at besides its check."""

    evidence: Evidence
    tree: ast.AST | None  # the learner's code, parsed (None: it does not parse)
    tr: Translator
    feedback: dict[str, str]  # the teacher's words per check and mistake, in the learner's language
    call_offset: int  # where this check's calls start among the run's call results
    wrong: tuple[str, ...] = ()  # variables of earlier value checks that failed
    patterns: tuple[Pattern, ...] = ()  # beginner's code patterns found in the learner's code


def _judge_function(check: Check, x: _Judging) -> tuple[bool, str]:
    return _function(check, x.evidence, x.call_offset, x.tr, x.feedback, x.patterns, x.tree)


# One judge per check kind (content.model.CheckKind): (check, what it may look at) -> (passed, message).
JUDGES: dict[CheckKind, Callable[[Check, _Judging], tuple[bool, str]]] = {
    CheckKind.VALUE: lambda check, x: _value(check, x.evidence, x.tr, x.feedback, x),
    CheckKind.FUNCTION: _judge_function,
    CheckKind.OUTPUT: lambda check, x: _output(check, x.evidence, x.tr, x.feedback, x.patterns, x.tree),
    CheckKind.USES: lambda check, x: _structure(check, x.tree, x.tr),
    CheckKind.FORBIDS: lambda check, x: _structure(check, x.tree, x.tr),
    CheckKind.NO_HARDCODED: lambda check, x: no_hardcoded(check, x.evidence, x.tree, x.tr),
    CheckKind.ASSERT: lambda check, x: _assert(check, x.evidence.learner, x.tr),
    CheckKind.CHART: lambda check, x: _chart(check, x.evidence, x.tr, x.feedback),
}


def _with_advice(message: str, advice: str) -> str:
    return f"{message} {advice}".strip() if advice else message


def _parse(source: str) -> ast.AST | None:
    try:
        return ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):  # nested beyond what Python reads
        return None


def _mistake_message(check: Check, evidence: Evidence, feedback: dict[str, str], matches) -> str | None:
    """The teacher's message for a typical mistake whose result the learner's equals —
    except where the learner still has the starter's placeholder (``total = 0``), which has
    made no mistake yet. (A starter that is deliberately naive code keeps its message.)"""
    if _normalised(evidence.source) == _normalised(evidence.starter) and placeholder_starter(evidence.starter, check):
        return None
    runs = [(m, evidence.mistakes.get(f"{check.id}.{m.id}")) for m in check.mistakes]
    found = [(m, run) for m, run in runs if run is not None and run.ok]
    # Two mistakes may give values within the check's tolerance of each other: an exact match wins.
    for exact in (True, False):
        for mistake, run in found:
            if matches(run, exact):
                return feedback.get(f"{check.id}.{mistake.id}", mistake.message)
    return None


def _normalised(code: str) -> list[str]:
    return [line.rstrip() for line in code.strip().splitlines() if line.strip()]


def _is_blank(node: ast.AST | None) -> bool:
    """A literal, ..., or an empty list/dict/tuple/set: nothing computed yet."""
    if node is None or isinstance(node, ast.Constant):
        return True
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        return not node.elts
    if isinstance(node, ast.Dict):
        return not node.keys
    return isinstance(node, ast.UnaryOp) and isinstance(node.operand, ast.Constant)


def placeholder_starter(starter: str, check: Check) -> bool:
    """Whether the starter only holds a place for what this check looks at."""
    tree = _parse(starter)
    if tree is None:
        return True
    if check.kind == "value":
        values = [n.value for n in ast.walk(tree) if isinstance(n, ast.Assign) and any(isinstance(t, ast.Name) and t.id == check.target for t in n.targets)]
        return all(_is_blank(v) for v in values)
    if check.kind == "function":
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef) and node.name == check.target:
                body = [s for s in node.body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]
                return all(isinstance(s, ast.Pass) or (isinstance(s, ast.Return) and _is_blank(s.value)) for s in body)
        return True
    return False


def _crash_mistake(exercise: Exercise, evidence: Evidence, feedback: dict[str, str]) -> str | None:
    """The message of a typical mistake that crashes the same way the learner's code did."""
    error = evidence.learner.error
    if evidence.learner.status != "error" or error is None:
        return None
    crashes = [
        (f"{check.id}.{mistake.id}", mistake.message, run.error)
        for check in exercise.checks
        for mistake in check.mistakes
        if (run := evidence.mistakes.get(f"{check.id}.{mistake.id}")) is not None and run.status == "error" and run.error
    ]
    same_text = [c for c in crashes if (c[2].type, c[2].message) == (error.type, error.message)]
    # Messages differ in detail ("for +=" against "for +"): the error's kind alone is enough
    # when only one typical mistake crashes that way.
    same_kind = [c for c in crashes if c[2].type == error.type]
    chosen = same_text[0] if same_text else (same_kind[0] if len(same_kind) == 1 else None)
    return feedback.get(chosen[0], chosen[1]) if chosen else None


def reveals(check: Check) -> bool:
    """Whether a failing check may show its expected values, inputs or expression (``reveal =
    false`` keeps them hidden, e.g. for an exam or an nbgrader notebook's hidden tests)."""
    return check.option("reveal", True) is not False


def _compose(main: str, mistake: str | None, advice: str) -> str:
    extra = mistake or advice
    return f"{main} {extra}".strip() if extra else main


def _value(check: Check, evidence: Evidence, tr: Translator, feedback: dict[str, str], x: _Judging | None = None) -> tuple[bool, str]:
    name = check.target
    values = evidence.learner.values
    subject = f"`{name}`"
    if name not in values:
        return False, _compose(tr.t("Your code does not create a variable named `{name}`. Check the spelling: names are case-sensitive.", name=name), None, "")
    expected = _reference(evidence).values.get(name)
    tol = Tolerance.from_options(dict(check.options))
    diff = compare(expected, values[name], tol)
    if diff is None:
        return True, tr.t("{subject} is right.", subject=subject)

    def same_as(run: RunResult, exact: bool = False) -> bool:
        return name in run.values and compare(run.values[name], values[name], EXACT if exact else tol) is None

    mistake = _mistake_message(check, evidence, feedback, same_as)
    if not reveals(check):
        return False, _compose(tr.t("{subject} is not right yet.", subject=subject), mistake, feedback.get(check.id, check.message))
    earlier = [n for n in (x.wrong if x else ()) if n in names_read(x.tree if x else None, name)]
    return False, explained(
        tr,
        difference_message(diff, tr, subject),
        mistake,
        feedback.get(check.id, check.message),
        refined(diagnose(diff), x.tree if x else None),
        [p for p in (x.patterns if x else ()) if p.code in CERTAIN_PATTERNS],
        cascade_message(tr, subject, earlier) if earlier else "",
    )


def _function(
    check: Check,
    evidence: Evidence,
    offset: int,
    tr: Translator,
    feedback: dict[str, str],
    patterns: Iterable[Pattern] = (),
    tree: ast.AST | None = None,
) -> tuple[bool, str]:
    calls = check.option("calls")
    learner = evidence.learner.calls[offset : offset + len(calls)]
    reference = _reference(evidence).calls[offset : offset + len(calls)]
    tol = Tolerance.from_options(dict(check.options))
    advice = feedback.get(check.id, check.message)

    def same_as(run: RunResult, exact: bool = False) -> bool:
        theirs = run.calls[offset : offset + len(calls)]
        return len(theirs) == len(learner) and all(
            (t.error is not None and m.error is not None and t.error.type == m.error.type)
            or (t.error is None and m.error is None and compare(t.value, m.value, EXACT if exact else tol) is None)
            for t, m in zip(theirs, learner)
        )

    hidden, name = not reveals(check), check.target
    if len(learner) != len(calls) or len(reference) != len(calls):
        # decode_evidence lets no such run through; this check does not rely on it.
        return False, tr.t("Your code did not give a result for every input `{name}` was called with.", name=name)
    for call, mine, ref in zip(calls, learner, reference):
        if mine.error is not None:
            if mine.error.type == "NameError" and check.target in mine.error.message:
                return False, tr.t(
                    "Your code does not define a function named `{name}`. Check the spelling, and that it starts with def {name}(", name=check.target
                )
            if mine.error.type == "Timeout":
                if hidden:
                    return False, tr.t("`{name}` took too long on one of the hidden inputs. Is there a loop that never ends?", name=name)
                return False, tr.t("`{call}` took too long. Is there a loop that never ends?", call=call)
            if ref.error is not None and ref.error.type == mine.error.type:
                continue  # the reference raises here too, on purpose
            if hidden:
                main = tr.t("`{name}` stopped with {error} on one of the hidden inputs.", name=name, error=mine.error.type)
                patterns = []
            else:
                said = error_said(tr, mine.error.type, mine.error.message)
                if mine.error.line:
                    main = tr.t("Line {line}: `{call}` stopped with {error}", call=call, line=mine.error.line, error=said)
                else:
                    main = tr.t("`{call}` stopped with {error}", call=call, error=said)
                patterns = [p for p in patterns if p.line == mine.error.line]
            found = [p for p in patterns if p.code in CERTAIN_PATTERNS]
            return False, explained(tr, main, _mistake_message(check, evidence, feedback, same_as), advice, None, found)
        if ref.error is not None:
            if hidden:
                return False, _compose(tr.t("`{name}` should stop with an error on one of the hidden inputs, but it returns a value.", name=name), None, advice)
            return False, tr.t("`{call}` should stop with {error}, but it returned {actual}.", call=call, error=ref.error.type, actual=show(mine.value, tr))
        diff = compare(ref.value, mine.value, tol)
        if diff is not None:
            if hidden:
                main = tr.t("`{name}` gives a wrong answer for one of the hidden inputs.", name=name)
                return False, _compose(main, _mistake_message(check, evidence, feedback, same_as), advice)
            main = difference_message(diff, tr, f"`{call}`")
            found = [p for p in patterns if p.code in CERTAIN_PATTERNS]
            return False, explained(tr, main, _mistake_message(check, evidence, feedback, same_as), advice, refined(diagnose(diff), tree), found)
    return True, tr.nt(
        "`{name}` gives the right answer for {n} hidden input.", "`{name}` gives the right answers for {n} hidden inputs.", len(calls), name=check.target
    )


NUMBER = re.compile(r"[-+]?(?:\d+(?:[.,]\d*)?|\.\d+)(?:[eE][-+]?\d+)?")


def _lines(text: str) -> list[str]:
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    return lines


def _numbers(text: str) -> list[tuple[float, str]]:
    """Every number printed, with the line it is on."""
    return [(float(n.replace(",", ".")), line.strip()) for line in text.splitlines() for n in NUMBER.findall(line)]


def output_matches(expected: str, actual: str, match: str, tolerance: float) -> tuple[bool, dict]:
    """Whether printed output matches; on a mismatch, what to show."""
    if match == "exact":
        return expected == actual, {}
    if match == "numbers":
        e, a = _numbers(expected), _numbers(actual)
        tol = Tolerance(absolute=tolerance or 1e-6, relative=1e-6)
        if len(e) != len(a):
            return False, {"numbers": (len(e), len(a))}
        for position, ((x, _), (y, line)) in enumerate(zip(e, a), start=1):
            if not numbers_close(x, y, tol):
                return False, {"number": (position, x, y, line)}
        return True, {}
    exp_lines, act_lines = _lines(expected), _lines(actual)
    if match == "contains":
        for line in exp_lines:
            if line.strip() and line.strip() not in actual:
                return False, {"missing": line.strip()}
        return True, {}
    for number, (want, got) in enumerate(zip(exp_lines, act_lines), start=1):
        if want != got:
            return False, {"line": (number, want, got)}
    if len(exp_lines) != len(act_lines):
        return False, {"count": (len(exp_lines), len(act_lines))}
    return True, {}


def _output(
    check: Check, evidence: Evidence, tr: Translator, feedback: dict[str, str], patterns: Iterable[Pattern] = (), tree: ast.AST | None = None
) -> tuple[bool, str]:
    match = check.option("match", "lines")
    tolerance = float(check.option("tolerance", 0) or 0)
    actual = evidence.learner.stdout
    ok, why = output_matches(_reference(evidence).stdout, actual, match, tolerance)
    diagnosis: Diagnosis | None = None
    if ok:
        return True, tr.t("What your code prints is right.")
    if not actual.strip():
        main = tr.t("Your code printed nothing. Use print(...) to show the result.")
    elif not reveals(check):
        main = tr.t("What your code prints is not right yet.")
    elif "line" in why:
        number, e, a = why["line"]
        main = tr.t("Line {number} of what you print should be “{expected}”, but it is “{actual}”.", number=number, expected=e[:80], actual=a[:80])
    elif "count" in why:
        e, a = why["count"]
        main = tr.nt(
            "Your code should print {expected} line, but it prints {actual}.",
            "Your code should print {expected} lines, but it prints {actual}.",
            e,
            expected=e,
            actual=a,
        )
    elif "numbers" in why:
        e, a = why["numbers"]
        main = tr.nt(
            "Your code should print {expected} number, but it prints {actual}.",
            "Your code should print {expected} numbers, but it prints {actual}.",
            e,
            expected=e,
            actual=a,
        )
    elif "number" in why:
        position, e, a, line = why["number"]
        main = tr.t(
            "Number {position} that you print should be {expected}, but it is {actual} (in the line “{line}”).",
            position=position,
            expected=show(_whole(e), tr),
            actual=show(_whole(a), tr),
            line=line[:60],
        )
        diagnosis = refined(diagnose_values(e, a), tree)
    elif "missing" in why:
        main = tr.t("Your output should contain “{text}”.", text=why["missing"][:80])
    else:
        main = tr.t("What your code prints is not exactly what was expected.")

    def same_as(run: RunResult, exact: bool = False) -> bool:
        return output_matches(run.stdout, actual, match, 0 if exact else tolerance)[0]

    mistake = _mistake_message(check, evidence, feedback, same_as)
    more = ("count" in why and why["count"][1] > why["count"][0]) or ("numbers" in why and why["numbers"][1] > why["numbers"][0])
    found = [p for p in patterns if p.code == "print_in_loop"] if more else []
    return False, explained(tr, main, mistake, feedback.get(check.id, check.message), diagnosis if "number" in why else None, found)


def _whole(number: float) -> float | int:
    """A printed number read as a float, shown as it was printed (12 rather than 12.0)."""
    return int(number) if number.is_integer() and abs(number) < 2**53 else number


def _chart(check: Check, evidence: Evidence, tr: Translator, feedback: dict[str, str]) -> tuple[bool, str]:
    mine = charts_of(evidence.learner)
    difference = chart_difference(charts_of(_reference(evidence)), mine, check, tr)
    if difference is None:
        return True, tr.t("Your chart shows what it should.")
    main = difference if reveals(check) or not mine else tr.t("Your chart is not the one expected yet.")

    def same_as(run: RunResult, exact: bool = False) -> bool:
        return chart_difference(charts_of(run), mine, check, tr) is None

    mistake = _mistake_message(check, evidence, feedback, same_as)
    return False, _compose(main, mistake, feedback.get(check.id, check.message))


SYNTAX_WORDS: dict[str, tuple[type, ...]] = {
    "for": (ast.For, ast.comprehension),
    "while": (ast.While,),
    "if": (ast.If, ast.IfExp),
    "def": (ast.FunctionDef,),
    "return": (ast.Return,),
    "lambda": (ast.Lambda,),
    "with": (ast.With,),
    "try": (ast.Try,),
    "import": (ast.Import, ast.ImportFrom),
    "comprehension": (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp),
    "f-string": (ast.JoinedStr,),
    "print": (),
}


def structure_uses(tree: ast.AST, word: str) -> bool:
    """Whether code uses a syntax word (for, while, def…) or a name (sum, groupby, pd.read_csv)."""
    if word == "if" and any(isinstance(node, ast.comprehension) and node.ifs for node in ast.walk(tree)):
        return True
    if word in SYNTAX_WORDS and SYNTAX_WORDS[word]:
        return any(isinstance(node, SYNTAX_WORDS[word]) for node in ast.walk(tree))
    parts = word.split(".")
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id == word:
            return True
        if isinstance(node, ast.Attribute) and node.attr == parts[-1]:
            if len(parts) == 1 or (isinstance(node.value, ast.Name) and node.value.id == parts[-2]):
                return True
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names = [a.name for a in node.names] + ([node.module] if isinstance(node, ast.ImportFrom) and node.module else [])
            if word in names:
                return True
    return False


def _structure(check: Check, tree: ast.AST | None, tr: Translator) -> tuple[bool, str]:
    if tree is None:
        return False, tr.t("Not checked yet: first fix the syntax error.")
    words = check.target
    if check.kind == "uses":
        missing = [w for w in words if not structure_uses(tree, w)]
        if missing:
            return False, tr.t("Your code should use {names}.", names=", ".join(f"`{w}`" for w in missing))
        return True, tr.t("Your code uses {names}.", names=", ".join(f"`{w}`" for w in words))
    found = [w for w in words if structure_uses(tree, w)]
    if found:
        return False, tr.t("This exercise asks you not to use {names}.", names=", ".join(f"`{w}`" for w in found))
    return True, tr.t("Your code avoids {names}.", names=", ".join(f"`{w}`" for w in words))


SAFE_BUILTINS = {
    name: getattr(builtins, name)
    for name in (
        "abs all any bool dict enumerate filter float frozenset int isinstance len list map max min "
        "range repr reversed round set sorted str sum tuple type zip True False None"
    ).split()
}


def rehydrate(value: Any) -> Any:
    """A decoded Table or Column as a pandas object built here from plain values, when pandas is
    available (so a teacher's assert can use pandas); otherwise unchanged."""
    if not isinstance(value, (Table, Column)):
        return value
    try:
        import pandas
    except ImportError:
        return value

    def make_index(levels, names):
        if levels is None:
            return None
        if len(levels) == 1:
            return pandas.Index(list(levels[0]), name=names[0] if names else None)
        return pandas.MultiIndex.from_arrays([list(level) for level in levels], names=list(names))

    if isinstance(value, Table):
        frame = pandas.DataFrame({c: list(d) for c, d in zip(value.columns, value.data)}, columns=list(value.columns))
        index = make_index(value.index, value.index_names)
        if index is not None:
            frame.index = index
        return frame
    return pandas.Series(list(value.values), index=make_index(value.index, value.index_names), name=value.name)


def _assert(check: Check, run: RunResult, tr: Translator) -> tuple[bool, str]:
    names = assert_names(check.target)
    missing = [n for n in names if n not in run.values]
    if missing:
        return False, tr.t("Your code does not create {names}.", names=", ".join(f"`{n}`" for n in missing))
    hidden = not reveals(check)
    try:
        scope = {n: rehydrate(run.values[n]) for n in names}  # pandas may refuse what the evidence claims
        verdict = eval(compile(check.target, "<assert>", "eval", dont_inherit=True), {"__builtins__": SAFE_BUILTINS}, scope)
        passed = bool(verdict) and verdict is not NotImplemented
    except Exception as exc:
        if hidden:
            return False, tr.t("A hidden check could not be applied to your values.")
        return False, tr.t("This check could not be applied to your values ({error}).", error=f"{type(exc).__name__}: {exc}"[:120])
    if hidden:
        return (True, tr.t("A hidden check passed.")) if passed else (False, tr.t("A hidden check failed."))
    if passed:
        return True, tr.t("Check passed: {what}", what=f"`{check.target}`")
    return False, tr.t("Check failed: {what}", what=f"`{check.target}`")


_VARIED = (CheckKind.VALUE, CheckKind.FUNCTION, CheckKind.OUTPUT)


def judge_variant(
    exercise: Exercise, results: list[CheckResult], reference: RunResult, reference_v: RunResult, learner_v: RunResult, tr: Translator
) -> list[CheckResult]:
    """``results`` (every check passed on the original inputs) with each value, function and
    output check judged again on the hidden variant's runs: one that fails there was right for
    the inputs shown only — typed in, or looked up — and says so."""
    by_id = {r.check: r for r in results}
    offset = 0
    for check in exercise.checks:
        spec = CHECK_SPECS[check.kind]
        count = len(check.option("calls") or ()) if spec.captures == "calls" else 0
        if check.kind in _VARIED and by_id[check.id].passed and not _holds_on_variant(check, offset, reference, reference_v, learner_v):
            by_id[check.id] = CheckResult(check.id, False, _literal_message(check, tr))
        offset += count
    return [by_id[r.check] for r in results]


def _holds_on_variant(check: Check, offset: int, reference: RunResult, reference_v: RunResult, learner_v: RunResult) -> bool:
    if not learner_v.ok:
        return False
    tol = Tolerance.from_options(dict(check.options))
    if check.kind == CheckKind.VALUE:
        name = check.target
        return name in learner_v.values and compare(reference_v.values.get(name), learner_v.values[name], tol) is None
    if check.kind == CheckKind.OUTPUT:
        return output_matches(reference_v.stdout, learner_v.stdout, check.option("match", "lines"), float(check.option("tolerance", 0) or 0))[0]
    count = len(check.option("calls") or ())
    span = slice(offset, offset + count)
    original, expected, actual = reference.calls[span], reference_v.calls[span], learner_v.calls[span]
    if not (len(original) == len(expected) == len(actual) == count):
        return False
    for first, ref, mine in zip(original, expected, actual):
        if (first.error is None) != (ref.error is None):
            continue  # the nudged input left the function's domain (or entered it): not compared
        if ref.error is not None:
            if mine.error is None or mine.error.type != ref.error.type:
                return False
        elif mine.error is not None or compare(ref.value, mine.value, tol) is not None:
            return False
    return True


def _literal_message(check: Check, tr: Translator) -> str:
    name = check.target
    if check.kind == CheckKind.FUNCTION:
        return tr.t(
            "`{name}` gives the right answers for the inputs it was shown, but not for other inputs: it must work the answer out, not look it up.",
            name=name,
        )
    if check.kind == CheckKind.OUTPUT:
        return tr.t("What your code prints is right for these data, but not when the data change: print what your code computes, not numbers you typed in.")
    return tr.t(
        "`{name}` is right for these data, but not when the data change: compute it from the data instead of typing the answer in.",
        name=name,
    )
