"""``qala import``: a teacher's nbgrader or otter-grader notebook turned into a Qala lesson.

notebook.py reads the cells and holds the model both tools' readers build (nbgrader.py,
otter.py); tests_to_checks.py turns their tests into checks; prose.py and render.py write the
lesson; build.py ties it together and tries every check against the notebook's own solution.
"""

from .build import import_notebook
from .nbgrader import nbgrader_versions
from .notebook import ImportedExercise, ImportResult
from .otter import otter_versions

__all__ = ["ImportResult", "ImportedExercise", "import_notebook", "nbgrader_versions", "otter_versions"]
