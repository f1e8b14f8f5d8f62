"""`qala validate` makes each distinct run once: a case whose code no translation changes is
graded in every language of the course, but its program runs only once."""

from __future__ import annotations

import hashlib
import json
from collections import Counter

from qala.grader.run.runners import default_runner
from qala.grader.teachers.validate import validate
from tests.grader.content.test_code_strings import course

CASES = """[[case]]
exercise = "mean"
name = "typed in"
expect = "fail"
code = '''mean = 3.0'''

[[case]]
exercise = "mean"
name = "printed in the learner's words"
expect = "pass"
code = '''mean = (2 + 4) / 2
print('The mean is', mean)'''
"""


class Counting:
    """A real runner that counts the jobs it is given."""

    def __init__(self, runner):
        self.runner, self.jobs = runner, Counter()

    def run(self, job):
        self.jobs[hashlib.sha256(json.dumps([job.as_message(), str(job.datasets_dir)]).encode()).hexdigest()] += 1
        return self.runner.run(job)

    def prepare(self, needs=(), datasets_dir=None):
        self.runner.prepare(needs, datasets_dir)

    def close(self):
        self.runner.close()


def test_a_case_the_translation_does_not_change_runs_once(tmp_path, home):
    root = course(tmp_path)
    (root / "lessons" / "basics" / "mean.cases.toml").write_text(CASES, encoding="utf-8")
    runner = Counting(default_runner(many_at_once=True))
    try:
        report = validate(root, runner=runner, jobs=1)
    finally:
        runner.close()
    assert not report.errors, [p.render() for p in report.errors]
    assert report.cases == 2
    assert runner.jobs, "nothing ran"
    again = {job: count for job, count in runner.jobs.items() if count > 1}
    assert not again, f"{len(again)} jobs ran more than once"
