"""`python -m bench` runs and writes its results in the documented shape (no timing is asserted)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_a_quick_benchmark_writes_the_table_as_json_and_markdown(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "bench", "--quick", "--only", "cold-check", "--out", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
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
    assert names == ["check", "cold-check", "tui-start", "memory", "validate", "browser", "regrade"]
