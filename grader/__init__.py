"""Qala's engine: the course model, lesson files, checks, sandboxed runs, progress and rewards.

Pure Python with no user interface, so the same package runs in a terminal and in Pyodide.
The front ends use :class:`qala.grader.engine.Engine`; everything else is detail.
"""

__version__ = "0.1.0"
