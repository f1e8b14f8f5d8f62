"""Which names a piece of notebook code defines and which it reads: what a later question needs
from earlier cells, and what a test cell makes for itself.
"""

from __future__ import annotations

import ast
import builtins
from dataclasses import dataclass, field


@dataclass
class Names:
    """What the setup and solution define: plain data, functions, modules."""

    data: set[str]
    functions: set[str]
    modules: set[str]
    own: set[str] = field(default_factory=set)  # what the exercise's own solution defines: checks are about these first

    @property
    def all(self) -> set[str]:
        return self.data | self.functions | self.modules


def names_defined(code: str) -> Names:
    data: set[str] = set()
    functions: set[str] = set()
    modules: set[str] = set()
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
    for sub in ast.walk(tree):
        if isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Store):
            data.add(sub.id)
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Lambda):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    functions.add(target.id)
    return Names(data - functions - modules, functions, modules)


def free_names(code: str) -> set[str]:
    """Names the code reads before it binds them, in order: `df = f(df)` reads `df` (a state change
    of an earlier cell's name), `orig = sq; del sq; ...; sq = orig` reads `sq`."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return set()
    bound: set[str] = set()
    free: set[str] = set()
    for statement in tree.body:
        free |= _reads(statement) - bound
        bound |= _binds(statement)
    return free - set(dir(builtins))


def _binds(node: ast.AST) -> set[str]:
    out = set()
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return {node.name}
    for n in ast.walk(node):
        if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store):
            out.add(n.id)
        elif isinstance(n, (ast.Import, ast.ImportFrom)):
            out |= {(a.asname or a.name).split(".")[0] for a in n.names}
        elif isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            out.add(n.name)
    return out


def _reads(node: ast.AST) -> set[str]:
    """Names a statement reads from outside (a function's body: less its own arguments and locals)."""
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
        args = node.args
        own = {a.arg for a in args.args + args.kwonlyargs + args.posonlyargs} | {a.arg for a in (args.vararg, args.kwarg) if a}
        body = node.body if isinstance(node.body, list) else [node.body]
        inner = set()
        local = set(own)
        for statement in body:
            inner |= _reads(statement)
            local |= _binds(statement)
        for n in ast.walk(node):
            if isinstance(n, ast.ExceptHandler) and n.name:
                local.add(n.name)
            if isinstance(n, ast.comprehension):
                local |= {t.id for t in ast.walk(n.target) if isinstance(t, ast.Name)}
        outer = set()
        for default in args.defaults + [d for d in args.kw_defaults if d is not None]:
            outer |= _reads(default)
        for decorator in getattr(node, "decorator_list", []):
            outer |= _reads(decorator)
        return (inner - local) | outer
    out = set()
    comprehension_targets = set()
    for n in ast.walk(node):
        if isinstance(n, ast.comprehension):
            comprehension_targets |= {t.id for t in ast.walk(n.target) if isinstance(t, ast.Name)}
    stack = list(ast.iter_child_nodes(node))
    if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
        out.add(node.id)
    while stack:
        n = stack.pop()
        if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            out |= _reads(n)
            continue
        if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load):
            out.add(n.id)
        stack.extend(ast.iter_child_nodes(n))
    return out - comprehension_targets
