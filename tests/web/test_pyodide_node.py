"""Real Pyodide in Node: the interpreter the browser runs, for tests of code that must work there."""

from __future__ import annotations

import pytest

from qala.web import pyodide_node


@pytest.fixture(scope="module")
def pyodide_dir(vendored):
    return vendored.core_dir  # no skip without node: then these tests fail, saying what is missing


def test_the_standard_library_runs_under_emscripten(pyodide_dir):
    done = pyodide_node.run("import sys, sqlite3, json; print(sys.platform)", pyodide_dir=pyodide_dir)
    assert (done.returncode, done.stdout, done.stderr) == (0, "emscripten\n", "")


def test_a_local_wheel_is_installed_and_a_host_folder_mounted(pyodide_dir, tiny_wheel, tmp_path):
    (tmp_path / "city.csv").write_text("name\nАлматы\n", encoding="utf-8")
    code = "import csv, hello_qala\nwith open('city.csv', encoding='utf-8') as f:\n    city = next(csv.DictReader(f))['name']\nprint(hello_qala.greet(city))\n"
    done = pyodide_node.run(code, wheels=[tiny_wheel], mounts={tmp_path: "/data"}, cwd="/data", pyodide_dir=pyodide_dir)
    assert (done.returncode, done.stdout) == (0, "Сәлем, Алматы!\n"), done.stderr


def test_exit_status_and_traceback_come_back(pyodide_dir):
    code = "import os, sys\nprint(os.environ['QALA_LANG'])\nif len(sys.argv) < 9:\n    raise SystemExit(3)\n"
    done = pyodide_node.run(code, env={"QALA_LANG": "kk"}, pyodide_dir=pyodide_dir)
    assert (done.returncode, done.stdout) == (3, "kk\n")

    done = pyodide_node.run("def check():\n    return 1 / 0\ncheck()\n", pyodide_dir=pyodide_dir)
    assert done.returncode == 1
    assert done.stderr.splitlines()[-1] == "ZeroDivisionError: division by zero"
    assert 'File "<snippet>", line 2, in check' in done.stderr
    assert "_pyodide" not in done.stderr  # the driver's own frames are left out


def test_a_long_output_arrives_whole_even_when_the_pipe_is_full(pyodide_dir):
    # More than a pipe holds (64 KiB) in one write: the driver waits for the reader, never repeats.
    done = pyodide_node.run("import sys\nsys.stdout.write('ab' * 1_000_000 + '\\n')", pyodide_dir=pyodide_dir)
    assert done.returncode == 0, done.stderr
    assert len(done.stdout) == 2_000_001 and done.stdout == "ab" * 1_000_000 + "\n"
