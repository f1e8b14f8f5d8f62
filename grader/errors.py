"""Qala's exceptions, one small tree.

QalaError          anything Qala reports to a person instead of a traceback
├── ContentError   a lesson, translation, datasheet or course file is wrong (file and line)
├── UsageError     the command line was used wrongly, or named something that does not exist
├── GradingError   learner code could not be graded (the runner itself failed)
└── StoreError     the progress store cannot be read or written safely
"""

from __future__ import annotations

from pathlib import Path


class QalaError(Exception):
    """Something Qala explains to a person in one line, never as a traceback."""


class ContentError(QalaError):
    """A course file is wrong; always says which file and line."""

    def __init__(self, message: str, file: str | Path | None = None, line: int | None = None, warning: bool = False):
        super().__init__(message)
        self.message = message
        self.file = str(file) if file is not None else None
        self.line = line
        self.warning = warning  # worth fixing, but the lesson still works (e.g. a missing translation)

    def location(self) -> str:
        if self.file is None:
            return ""
        return f"{self.file}:{self.line or 1}"

    def __str__(self) -> str:
        loc = self.location()
        message = f"warning: {self.message}" if self.warning else self.message
        return f"{loc}: {message}" if loc else message


class UsageError(QalaError):
    """Bad command-line usage or an unknown lesson, exercise or file."""


class GradingError(QalaError):
    """The runner failed for reasons that are not the learner's code."""


class StoreError(QalaError):
    """The progress store is corrupt, too new, locked or not writable."""
