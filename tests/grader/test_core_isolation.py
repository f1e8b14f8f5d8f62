"""The core must run without the user interfaces and without pandas (it also runs in Pyodide)."""

from __future__ import annotations

import subprocess
import sys


def test_importing_the_grader_loads_neither_textual_nor_pandas():
    code = (
        "import sys, qala.grader, qala.grader.engine, qala.grader.cli, qala.grader.teachers.validate\n"
        "heavy = [m for m in ('textual', 'pandas', 'numpy', 'rich', 'qala.tui', 'qala.web') if m in sys.modules]\n"
        "print(heavy)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_the_grader_source_never_imports_a_user_interface():
    from pathlib import Path

    import qala.grader

    for path in Path(qala.grader.__file__).parent.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for forbidden in ("import textual", "from textual", "qala.tui", "qala.web"):
            assert forbidden not in text, f"{path.name} mentions {forbidden}"
