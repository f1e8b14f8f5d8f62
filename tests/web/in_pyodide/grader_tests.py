"""Run under Pyodide (by test_grader_in_pyodide.py): the grader's own tests, with pytest.

Pyodide has no processes, so the checks' tests get the in-process runner (the one
`default_runner()` picks in Pyodide); `qala validate` runs its self-tests one after another there
by itself (no threads in Pyodide). A test that starts a process
itself (`qala` on the command line, a second Python) is reported as skipped, with that reason.
Prints one line: QALA-RESULT {nodeid: {"outcome", "message"}}.
"""

import json
import os
import sys

sys.dont_write_bytecode = True
sys.path[:0] = [os.environ["QALA_PYTEST_LIB"], os.environ["QALA_REPO"]]
os.chdir(os.environ["QALA_REPO"])

import qala.grader.run.launch as launch  # noqa: E402
import qala.grader.run.runners as runners  # noqa: E402

launch.ProcessRunner = runners.InProcessRunner  # type: ignore[misc, assignment]

import pytest  # noqa: E402


def starts_a_process(error: BaseException) -> bool:
    return isinstance(error, OSError) and "does not support processes" in str(error)


class Recorder:
    def __init__(self):
        self.results = {}

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(self, item, call):
        report = yield
        if call.excinfo is not None and starts_a_process(call.excinfo.value):
            report.outcome = "skipped"
            report.longrepr = (str(item.path), item.location[1] or 0, "Skipped: starts a process (terminal only)")
        return report

    def pytest_runtest_logreport(self, report):
        if report.when == "call" or report.outcome != "passed":
            message = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longreprtext.strip().splitlines()[-1:] or [""]
            self.results[report.nodeid] = {"outcome": report.outcome, "message": message if isinstance(message, str) else message[0]}


recorder = Recorder()
status = pytest.main(
    ["-p", "no:cacheprovider", "--import-mode=importlib", "-q", "--color=no", *json.loads(os.environ["QALA_PYTEST_ARGS"])],
    plugins=[recorder],
)
print("QALA-RESULT " + json.dumps({"status": int(status), "results": recorder.results}))
