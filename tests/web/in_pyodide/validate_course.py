"""Run under Pyodide (by test_grader_in_pyodide.py): `qala validate` on a real course.

Every exercise of every lesson whose modules Pyodide has: the reference solution passes, the
starter does not, and the lesson's cases (other solutions, typical mistakes) get the verdict and
feedback they expect — graded by the in-process runner the browser uses. Lessons needing a
module Pyodide lacks come back as "cannot self-test" warnings. Self-tests run one after another
(there are no threads here). Prints one line: QALA-RESULT {...}.
"""

import json
import os
import sys
import time
from pathlib import Path

import qala.grader.teachers.validate as validate

started = time.perf_counter()
root = Path(os.environ["QALA_COURSE"])
only = [root / part for part in os.environ.get("QALA_ONLY", "").split(",") if part] or None
report = validate.validate(root, only)
print(
    "QALA-RESULT "
    + json.dumps(
        {
            "platform": sys.platform,
            "seconds": time.perf_counter() - started,
            "lessons": report.lessons,
            "exercises": report.exercises,
            "cases": report.cases,
            "errors": [{"file": p.file, "line": p.line, "message": p.message} for p in report.errors],
            "not_self_tested": sorted({Path(p.file).stem for p in report.warnings if "cannot self-test" in p.message}),
        }
    )
)
