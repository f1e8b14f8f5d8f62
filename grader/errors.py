"""Qala's exceptions, one small tree (each says its problem to a person in one line).

QalaError              anything Qala reports to a person instead of a traceback
├── ContentError       a lesson, translation, datasheet or course file is wrong (file and line)
├── UsageError         the command line was used wrongly, or named something that does not exist
├── GradingError       learner code could not be graded (the runner itself failed)
│   ├── SandboxNotReady     run/jobs.py: the sandbox ended before its walls were up
│   └── SandboxUnavailable  run/jobs.py: the process that starts sandboxes is gone (retried)
├── StoreError         the progress store cannot be read or written safely
└── ExportError        teachers/report.py: a learner's export file cannot be read

Not in the tree on purpose: ``StepBudgetExceeded`` (run/sandbox.py) is raised *inside learner
code* in the browser and derives from BaseException so that learner code cannot catch it, and
private signals that never leave their module (evidence.py's ``_TooLarge``, ``BadEvidence``).
The front ends' own build tools (web/site.py ``SiteError``, web/vendor.py ``VendorError``) are
caught by their commands and said in one line there.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .i18n import Translator


def t(message: str, /) -> str:
    """Marks a message for extraction (Babel's keyword ``t``) where it is kept untranslated and
    written in a language only when shown, as the key of a :class:`ContentError`."""
    return message


class Said(str):
    """A message key given as a field of another message (``params={"error": Said(t("…"))}``):
    written in the reader's language with the message it is part of."""

    __slots__ = ()


class QalaError(Exception):
    """Something Qala explains to a person in one line, never as a traceback."""


class ContentError(QalaError):
    """A course file is wrong; always says which file and line.

    The problem is kept as its English message template and fields, ``ContentError(t("unknown
    dataset {name!r}"), path, 3, params={"name": "x"})``, and written in a language only when
    shown: ``str(problem)`` and ``problem.message`` in English, ``problem.render(tr)`` in the
    translator's language. The parser can so report problems before anyone knows who will read
    them (a course loaded when the app starts), and the same problem reads in Russian or Kazakh
    later. A finished text without ``params`` is a message too: it is shown as it is, translated
    if the catalogs happen to have it.
    """

    def __init__(
        self,
        message: str,
        file: str | Path | None = None,
        line: int | None = None,
        warning: bool = False,
        params: Mapping[str, Any] | None = None,
    ):
        super().__init__(message)
        self.key = message  # the English template, the catalogs' msgid
        self.params = dict(params or {})
        self.file = str(file) if file is not None else None
        self.line = line
        self.warning = warning  # worth fixing, but the lesson still works (e.g. a missing translation)

    @property
    def message(self) -> str:
        """The message in English, without file and line."""
        return self.text(_english())

    def text(self, tr: Translator) -> str:
        """The message in ``tr``'s language (a :class:`qala.grader.i18n.Translator`), without file and line."""
        if not self.params:
            return tr.t(self.key)
        return tr.t(self.key, **{name: tr.t(value) if isinstance(value, Said) else value for name, value in self.params.items()})

    def render(self, tr: Translator) -> str:
        """FILE:LINE: message, in ``tr``'s language: one line for a person."""
        text = self.text(tr)
        if self.warning:
            text = tr.t("warning: {message}", message=text)
        loc = self.location()
        return f"{loc}: {text}" if loc else text

    def location(self) -> str:
        if self.file is None:
            return ""
        return f"{self.file}:{self.line or 1}"

    def with_file(self, file: str | Path | None) -> ContentError:
        """The same problem, said of ``file`` (e.g. the path relative to the current folder)."""
        moved = copy.copy(self)
        moved.file = str(file) if file is not None else None
        return moved

    def __str__(self) -> str:
        return self.render(_english())

    def __repr__(self) -> str:
        return f"ContentError({self.key!r}, {self.file!r}, {self.line!r}, warning={self.warning!r}, params={self.params!r})"


def _english() -> Translator:
    return Translator("en")


class UsageError(QalaError):
    """Bad command-line usage or an unknown lesson, exercise or file."""


class GradingError(QalaError):
    """The runner failed for reasons that are not the learner's code."""


class StoreError(QalaError):
    """The progress store is corrupt, too new, locked or not writable."""
