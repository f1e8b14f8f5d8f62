"""Run under Pyodide (by test_grader_in_pyodide.py): the whole school path on the offline build.

Every exercise of every lesson of the `school` path is graded the way a pupil's `%%check` is —
the in-process runner, hidden variants on, a pupil's seed — with the reference solution (a
prediction or a choice with its right answer): each must pass, each in the pupil's language.
Prints one line: QALA-RESULT {...}.
"""

import json
import os
import sys
import time
from pathlib import Path

from qala.grader.content.course_file import load_course
from qala.grader.content.model import ExerciseKind
from qala.grader.i18n import Translator
from qala.grader.judge.grading import Grader
from qala.grader.run.runners import InProcessRunner

started = time.perf_counter()
course, problems = load_course(Path(os.environ["QALA_COURSE"]))
language = os.environ.get("QALA_LANGUAGE", "kk")
grader = Grader(course, InProcessRunner(), Path("/tmp/qala-cache/reference"), variants=True)
tr = Translator(language)
failed, graded, lessons = [], 0, 0
for lesson in course.path_lessons("school"):
    lessons += 1
    local = lesson.in_language(language)
    for exercise in local.exercises:
        if exercise.kind is ExerciseKind.CHOICE:
            answer = ", ".join(exercise.answer)
        elif exercise.kind is ExerciseKind.PREDICT:
            continue  # its answer is the program's output: the kinds' own browser test types one
        else:
            answer = exercise.solution
        grade = grader.grade(local, exercise, answer, tr, seed="pupil-0001")
        graded += 1
        if not grade.passed:
            failed.append(f"{lesson.id}/{exercise.id}")
print(
    "QALA-RESULT "
    + json.dumps(
        {"platform": sys.platform, "seconds": time.perf_counter() - started, "lessons": lessons, "graded": graded, "failed": failed, "problems": len(problems)}
    )
)
