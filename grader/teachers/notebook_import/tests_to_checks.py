"""A notebook's tests turned into Qala checks: asserts, comparisons with a tolerance, printed
expressions and expected exceptions become value, function, output and assert checks.
"""

from __future__ import annotations

import ast
import builtins
from dataclasses import dataclass, field
from typing import Any

from .notebook import Cell, Note, Notes, TestCell


@dataclass
class Probe:
    """Something to evaluate in the notebook's solution's namespace, and what it must give."""

    call: str
    expect: str  # "equals" (value), "raises" (error name), "true", "value" (just get it)
    value: Any = None

@dataclass
class CheckDraft:
    kind: str  # value, function, assert
    target: str
    options: dict
    message: str
    cell: int
    test_name: str
    origin: list[str]  # the notebook lines it came from
    probes: list[Probe] = field(default_factory=list)
    generated_message: bool = False
    fallback: "CheckDraft | None" = None  # what to write instead if the probes disagree
    calls: list[str] = field(default_factory=list)
    resolve: Any = None  # otter expression tests: value from the solution -> the real draft
    reveal: bool = True  # False for a hidden test: a failing check shows no expected values

@dataclass
class Names:
    """What the setup and solution define: plain data, functions, modules."""

    data: set[str]
    functions: set[str]
    modules: set[str]

    @property
    def all(self) -> set[str]:
        return self.data | self.functions | self.modules

def names_defined(code: str) -> Names:
    data, functions, modules = set(), set(), set()
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return Names(data, functions, modules)
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            functions.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                modules.add((alias.asname or alias.name).split(".")[0])
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            data.add(node.id)
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Lambda):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    functions.add(target.id)
    return Names(data - functions - modules, functions, modules)

def free_names(code: str) -> set[str]:
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return set()
    loaded = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
    bound = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(node.name)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            args = node.args
            bound |= {a.arg for a in args.args + args.kwonlyargs + args.posonlyargs}
            bound |= {a.arg for a in (args.vararg, args.kwarg) if a}
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            bound |= {(a.asname or a.name).split(".")[0] for a in node.names}
        if isinstance(node, ast.ExceptHandler) and node.name:
            bound.add(node.name)
    return loaded - bound - set(dir(builtins))

def _literal(node: ast.AST) -> tuple[bool, Any]:
    try:
        return True, ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return False, None

def _names_in(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)} - set(dir(builtins))

def _call_of(node: ast.AST, functions: set[str]) -> str | None:
    """The user function a call expression calls (`f(...)`), if it is one the solution defines."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in functions:
        return node.func.id
    return None

ISCLOSE = {("np", "isclose"), ("numpy", "isclose"), ("math", "isclose"), (None, "isclose")}

def _approx(test: ast.AST) -> tuple[ast.AST, ast.AST, dict] | None:
    """`abs(a - b) < t`, `np.isclose(a, b)`, `math.isclose(a, b)`: (a, b, tolerance options)."""
    if isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], (ast.Lt, ast.LtE)):
        left = test.left
        if isinstance(left, ast.Call) and isinstance(left.func, ast.Name) and left.func.id == "abs" and len(left.args) == 1:
            inner = left.args[0]
            ok, tol = _literal(test.comparators[0])
            if isinstance(inner, ast.BinOp) and isinstance(inner.op, ast.Sub) and ok and isinstance(tol, (int, float)) and not isinstance(tol, bool):
                return inner.left, inner.right, {"tolerance": float(tol)}
    if isinstance(test, ast.Call) and len(test.args) == 2:
        func = test.func
        key = (func.value.id, func.attr) if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) else (None, func.id) if isinstance(func, ast.Name) else None
        if key in ISCLOSE:
            options: dict = {}
            numpy_style = key[0] in ("np", "numpy")
            rel, absolute = (1e-5, 1e-8) if numpy_style else (1e-9, 0.0)
            for kw in test.keywords:
                ok, value = _literal(kw.value)
                if not ok:
                    return None
                if kw.arg in ("rtol", "rel_tol"):
                    rel = float(value)
                elif kw.arg in ("atol", "abs_tol"):
                    absolute = float(value)
                else:
                    return None
            if rel != 1e-9:
                options["rel_tolerance"] = rel
            if absolute:
                options["tolerance"] = absolute
            return test.args[0], test.args[1], options
    return None

def _segment(source: str | None, node: ast.AST) -> str:
    """The code of ``node`` as the teacher wrote it (``source`` None: a tree built here)."""
    text = None
    if source is not None:
        try:
            text = ast.get_source_segment(source, node)
        except (IndexError, ValueError):
            text = None
    return (text or ast.unparse(node)).strip()

def convert_test(test: TestCell, names: Names, tool: str, notes: Notes) -> tuple[list[CheckDraft], list[str]]:
    """The checks a test cell becomes, and the statements that could not be converted."""
    source = test.source
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        notes.append(Note(test.cell.number, "kept", notes.tr.t("the test has a Python syntax error (line {line}): kept as a comment", line=exc.lineno), marker=f"Not converted, from cell {test.cell.number}"))
        return [], [source]
    body = list(tree.body)
    docstring = ""
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) and isinstance(body[0].value.value, str):
        docstring = " ".join(body.pop(0).value.value.split())
    cell_message = test.message or docstring
    drafts: list[CheckDraft] = []
    kept: list[str] = []
    helpers: set[str] = set()
    local: set[str] = set()  # names the test itself assigns: checks cannot see them
    functions_seen: dict[str, CheckDraft] = {}

    def add(draft: CheckDraft) -> None:
        if draft.kind == "function":
            same = functions_seen.get(draft.target)
            if same is not None and same.options == draft.options and same.message == draft.message:
                same.calls.extend(draft.calls)
                same.probes.extend(draft.probes)
                same.origin.extend(draft.origin)
                return
            functions_seen[draft.target] = draft
        drafts.append(draft)

    for index, statement in enumerate(body):
        text = _segment(source, statement)
        if isinstance(statement, (ast.Import, ast.ImportFrom)):
            helpers |= {(a.asname or a.name).split(".")[0] for a in statement.names}
            continue
        if isinstance(statement, ast.Expr) and tool == "otter" and index == len(body) - 1 and not _is_call_to_print(statement.value):
            draft = _expression_test(statement.value, source, test, names, helpers, local, cell_message)
            if draft is not None:
                add(draft)
                continue
        if isinstance(statement, ast.Assert):
            message = statement.msg.value if isinstance(statement.msg, ast.Constant) and isinstance(statement.msg.value, str) else cell_message
            draft = _assert_check(statement.test, _segment(source, statement.test), source, test, names, helpers, local, message)
            if draft is not None:
                add(draft)
                continue
        raised = _raises_check(statement, source, test, names, local, cell_message)
        if raised is not None:
            add(raised)
            continue
        for node in ast.walk(statement):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                local.add(node.id)
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                local.add(node.name)
        kept.append(text)
    if kept:
        notes.append(Note(test.cell.number, "kept", notes.tr.nt("{n} statement of the test {name} could not become a check: kept as a comment in the checks block", "{n} statements of the test {name} could not become checks: kept as comments in the checks block", len(kept), name=repr(test.name)), marker=f"Not converted, from cell {test.cell.number}"))
    return drafts, kept

def _is_call_to_print(node: ast.AST) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("print", "display")

def _expression_test(expr: ast.AST, source: str, test: TestCell, names: Names, helpers: set[str], local: set[str], message: str) -> CheckDraft | None:
    """otter: a test cell's last expression is compared with its recorded output (a doctest)."""
    text = _segment(source, expr)
    if _names_in(expr) & local:
        return None

    def as_assert(value: Any) -> CheckDraft | None:
        if value is True:
            return _assert_check(expr, text, source, test, names, helpers, local, message)
        compare = ast.Compare(left=expr, ops=[ast.Eq()], comparators=[ast.parse(repr(value), mode="eval").body])
        return _assert_check(ast.fix_missing_locations(compare), f"{text} == {value!r}", None, test, names, helpers, local, message)

    expected = _recorded_output(test.cell)
    if expected is None:
        # Saved without running: like otter assign, take the expected value from the solution.
        return CheckDraft("pending", text, {}, message, test.cell.number, test.name, [text], [Probe(text, "value")], resolve=as_assert)
    ok, value = expected
    return as_assert(value) if ok else None

def _recorded_output(cell: Cell) -> tuple[bool, Any] | None:
    for output in cell.outputs:
        if isinstance(output, dict) and output.get("output_type") == "execute_result":
            data = output.get("data", {})
            text = data.get("text/plain") if isinstance(data, dict) else None
            if isinstance(text, list):
                text = "".join(text)
            if isinstance(text, str):
                try:
                    return True, ast.literal_eval(text.strip())
                except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
                    return False, None
    return None

def _assert_check(expr: ast.AST, text: str, source: str, test: TestCell, names: Names, helpers: set[str], local: set[str], message: str) -> CheckDraft | None:
    cell = test.cell.number
    used = _names_in(expr)
    if used & local:
        return None
    # 1. `name == literal`: the learner's variable against the reference's, once we know they agree.
    if isinstance(expr, ast.Compare) and len(expr.ops) == 1 and isinstance(expr.ops[0], ast.Eq):
        for side, other in ((expr.left, expr.comparators[0]), (expr.comparators[0], expr.left)):
            ok, literal = _literal(other)
            if not ok:
                continue
            if isinstance(side, ast.Name) and side.id in names.data:
                fallback = _plain_assert(text, used, names, message, test)
                return CheckDraft("value", side.id, {}, message, cell, test.name, [f"assert {text}"], [Probe(side.id, "equals", literal)], fallback=fallback)
            function = _call_of(side, names.functions)
            if function and not (_names_in(side) - names.all - helpers):
                call = _segment(source, side)
                fallback = _bool_call(function, f"{call} == {_segment(source, other)}", message, test)
                return CheckDraft("function", function, {}, message, cell, test.name, [f"assert {text}"], [Probe(call, "equals", literal)], fallback=fallback, calls=[call])
    # 2. approximately equal: a value or function check with the same tolerance.
    approx = _approx(expr)
    if approx is not None:
        a, b, options = approx
        for side, other in ((a, b), (b, a)):
            ok, literal = _literal(other)
            if not ok or not isinstance(literal, (int, float)) or isinstance(literal, bool):
                continue
            if isinstance(side, ast.Name) and side.id in names.data:
                return CheckDraft("value", side.id, options, message, cell, test.name, [f"assert {text}"], [Probe(side.id, "equals", literal)], fallback=_plain_assert(text, used, names, message, test))
            function = _call_of(side, names.functions)
            if function and not (_names_in(side) - names.all - helpers):
                call = _segment(source, side)
                return CheckDraft("function", function, options, message, cell, test.name, [f"assert {text}"], [Probe(call, "equals", literal)], calls=[call])
    # 3. anything over plain variables: Qala's assert check, evaluated in the trusted process.
    plain = _plain_assert(text, used, names, message, test)
    if plain is not None:
        return plain
    # 4. it calls the learner's functions: evaluated there, compared with the reference's answer.
    called = [n.func.id for n in ast.walk(expr) if _call_of(n, names.functions)]
    if called and not (used - names.all - helpers):
        return _bool_call(called[0], text, message, test)
    return None

def _plain_assert(text: str, used: set[str], names: Names, message: str, test: TestCell) -> CheckDraft | None:
    if used and used <= names.data:
        generated = not message
        return CheckDraft("assert", text, {}, message or f"This must be true: {text}", test.cell.number, test.name, [f"assert {text}"], [Probe(f"bool({text})", "true")], generated_message=generated)
    return None

def _bool_call(function: str, text: str, message: str, test: TestCell) -> CheckDraft:
    call = f"bool({text})"
    return CheckDraft("function", function, {}, message, test.cell.number, test.name, [f"assert {text}"], [Probe(call, "true")], calls=[call])

def _raises_check(statement: ast.AST, source: str, test: TestCell, names: Names, local: set[str], message: str) -> CheckDraft | None:
    """`try: f(x) / except E: pass / else: raise AssertionError` and `with pytest.raises(E): f(x)`:
    the learner's f must stop with the same error as the reference's."""
    call_node, error = None, None
    if isinstance(statement, ast.Try) and len(statement.body) == 1 and len(statement.handlers) == 1 and statement.orelse:
        handler = statement.handlers[0]
        body = statement.body[0]
        raises_in_else = any(isinstance(s, ast.Raise) for s in statement.orelse) or any(
            isinstance(s, ast.Assert) for s in statement.orelse
        )
        if isinstance(handler.type, ast.Name) and raises_in_else and all(isinstance(s, ast.Pass) for s in handler.body):
            call_node = body.value if isinstance(body, ast.Expr) else body.value if isinstance(body, ast.Assign) else None
            error = handler.type.id
            for s in statement.orelse:
                if isinstance(s, ast.Raise) and isinstance(s.exc, ast.Call) and s.exc.args and isinstance(s.exc.args[0], ast.Constant) and isinstance(s.exc.args[0].value, str):
                    message = message or s.exc.args[0].value
    elif isinstance(statement, ast.With) and len(statement.items) == 1 and len(statement.body) == 1:
        context = statement.items[0].context_expr
        if (
            isinstance(context, ast.Call) and isinstance(context.func, ast.Attribute) and context.func.attr == "raises"
            and context.args and isinstance(context.args[0], ast.Name) and isinstance(statement.body[0], ast.Expr)
        ):
            call_node, error = statement.body[0].value, context.args[0].id
    if call_node is None or error is None:
        return None
    function = _call_of(call_node, names.functions)
    if function is None or _names_in(call_node) & local or _names_in(call_node) - names.all:
        return None
    call = _segment(source, call_node)
    return CheckDraft("function", function, {}, message, test.cell.number, test.name, [_segment(source, statement)], [Probe(call, "raises", error)], calls=[call])
