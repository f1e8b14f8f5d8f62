"""`python -m bench` runs and writes its results in the documented shape (no timing is asserted)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def quick_bench(only: str, out: Path, timeout: int, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """`python -m bench --quick --only ONLY --out OUT`, run from the repository's root."""
    return subprocess.run(
        [sys.executable, "-m", "bench", "--quick", "--only", only, "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
    )


def test_a_quick_benchmark_writes_the_table_as_json_and_markdown(tmp_path):
    result = quick_bench("cold-check", tmp_path, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    data = json.loads((tmp_path / "latest.json").read_text(encoding="utf-8"))
    assert data["format"] == "qala-bench" and data["quick"] is True and data["benchmarks"] == ["cold-check"]
    assert {"cpu", "cpus", "python", "pandas", "textual"} <= set(data["machine"])
    assert not data["skipped"], data["skipped"]
    before, figure = data["figures"]  # the same check without hidden variants, then with them (same run)
    assert before["id"] == "cold_check.before_variants" and before["baseline"] == figure["baseline"]
    assert {"id", "title", "value", "unit", "baseline_title", "baseline", "ratio", "targets", "met", "notes", "details"} <= set(figure)
    assert figure["id"] == "cold_check" and figure["unit"] == "ms"
    assert figure["value"] > 0 and figure["baseline"] > 0 and figure["ratio"] == figure["value"] / figure["baseline"]
    assert [t["text"] for t in figure["targets"]] == ["≤ 1.3× baseline"] and figure["met"] in (True, False)
    assert len(figure["details"]["samples_ms"]) == 3
    table = (tmp_path / "latest.md").read_text(encoding="utf-8")
    assert table.startswith("| figure | value | baseline (same run) | ratio | target | met? |")
    assert "qala check from the shell" in table and "qala check from the shell" in result.stdout


def test_an_unknown_benchmark_is_a_usage_error():
    result = subprocess.run([sys.executable, "-m", "bench", "--only", "nonsense"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 2 and "unknown benchmark" in result.stderr


def test_every_benchmark_is_listed():
    result = subprocess.run([sys.executable, "-m", "bench", "--list"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    names = [line.split()[0] for line in result.stdout.splitlines()]
    assert names == ["check", "cold-check", "tui-start", "memory", "validate", "import", "browser", "regrade"]


def test_the_import_benchmarks_generated_notebook_has_the_corpus_projects_shape(tmp_path):
    from bench.notebook_import import CELLS, generate

    notebook = generate(tmp_path)
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    assert len(cells) == CELLS == 244 and (tmp_path / "defaults.csv").is_file()
    sources = ["".join(c["source"]) for c in cells]
    questions = [s for s in sources if s.startswith("# BEGIN QUESTION")]
    assert len(questions) == 20 and sum("manual: true" in s for s in questions) == 3
    assert sum(s.startswith("# HIDDEN\nnp.isclose(") for s in sources) == 17


def test_the_import_benchmark_writes_its_figures(tmp_path):
    # the generated notebook, every time
    result = quick_bench("import", tmp_path, timeout=900, env={k: v for k, v in os.environ.items() if k != "QALA_NOTEBOOK_CORPUS"})
    assert result.returncode == 0, result.stderr[-2000:]
    data = json.loads((tmp_path / "latest.json").read_text(encoding="utf-8"))
    assert not data["skipped"], data["skipped"]
    whole, alone = data["figures"]
    assert whole["id"] == "import" and whole["unit"] == "s" and whole["value"] > 0 and whole["baseline"] > 0
    assert [t["text"] for t in whole["targets"]] == [f"< 5 s on {os.cpu_count()} cores"] and whole["met"] in (True, False)
    details = whole["details"]
    assert details["cells"] == 244 and "generated" in details["notebook"] and len(details["samples_s"]) == 1
    assert details["exercises"] == 17 and details["checks"] >= 17 and details["validated"] is True and details["baseline_cells_failed"] == 0
    assert alone["id"] == "import.without_self_test" and alone["value"] > 0
    assert "qala import of a 244-cell notebook" in (tmp_path / "latest.md").read_text(encoding="utf-8")
