"""The house rules of docs/architecture.md, checked on the source itself: few modules at the
grader's top, none too long, no import cycle (import-linter's contracts in pyproject.toml check
the direction of the layers; `make lint` runs them)."""

from __future__ import annotations

import ast
from pathlib import Path

import qala.grader
import qala.tui
import qala.web

GRADER = Path(qala.grader.__file__).parent
MAX_TOP_MODULES = 8
MAX_MODULE_LINES = 700


def _modules(package: Path, name: str) -> dict[str, Path]:
    found = {}
    for path in sorted(package.rglob("*.py")):
        if "locale" in path.relative_to(package).parts:
            continue  # the catalogs' helper lists, not code of the grader
        parts = list(path.relative_to(package).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join([name, *parts])] = path
    return found


def _all_modules() -> dict[str, Path]:
    return _modules(GRADER, "qala.grader") | _modules(Path(qala.tui.__file__).parent, "qala.tui") | _modules(Path(qala.web.__file__).parent, "qala.web")


def _imports(module: str, path: Path, known: set[str]) -> set[str]:
    """The project modules ``module`` imports, at the top or inside functions alike."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                stem = ".".join(base + ([node.module] if node.module else []))
            else:
                stem = node.module or ""
            names = [stem] + [f"{stem}.{alias.name}" for alias in node.names]
        for name in names:
            while name and name not in known:
                name = name.rpartition(".")[0]
            if name and name != module:
                found.add(name)
    return found


def test_the_grader_top_level_holds_at_most_eight_modules():
    top = sorted(p.name for p in GRADER.glob("*.py") if p.name != "__init__.py")
    assert len(top) <= MAX_TOP_MODULES, top


def test_no_module_is_longer_than_700_lines():
    long = {name: n for name, path in _all_modules().items() if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES}
    assert not long, long


def test_no_import_cycles():
    modules = _all_modules()
    known = set(modules)
    graph = {name: _imports(name, path, known) for name, path in modules.items()}
    # a package's __init__ importing its own modules is how a package shows its face, not a cycle
    for name in graph:
        graph[name] = {other for other in graph[name] if not other.startswith(name + ".")}
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for other in sorted(graph[node]):
            if state.get(other) == 1:
                cycles.append(path[path.index(other) :] + [other] if other in path else [node, other])
            elif other not in state:
                visit(other, path + [other])
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    assert not cycles, cycles


def test_the_cycle_finder_sees_a_cycle(tmp_path):
    """The check above must be able to fail: two modules that import each other are found."""
    (tmp_path / "a.py").write_text("from . import b\n")
    (tmp_path / "b.py").write_text("def f():\n    from .a import x\n")
    modules = {"pkg.a": tmp_path / "a.py", "pkg.b": tmp_path / "b.py"}
    known = set(modules)
    assert _imports("pkg.a", modules["pkg.a"], known) == {"pkg.b"}
    assert _imports("pkg.b", modules["pkg.b"], known) == {"pkg.a"}
