"""``qala import``: a teacher's nbgrader or otter-grader notebook turned into a Qala lesson.

notebook.py reads the cells and holds the model both tools' readers build (nbgrader.py,
otter.py); test_shapes.py brings the ways tests are written (nose, numpy.testing, AUTOTEST, otter's
test functions) to plain asserts, which tests_to_checks.py turns into checks; prose.py and render.py write the
lesson; build.py ties it together: what a question needs from earlier cells goes in its hidden setup,
and every check is tried against the notebook's own solution.
"""

from .build import import_notebook
from .nbgrader import nbgrader_versions
from .notebook import ImportedExercise, ImportResult
from .otter import otter_versions

__all__ = ["ImportResult", "ImportedExercise", "import_notebook", "nbgrader_versions", "otter_versions"]
