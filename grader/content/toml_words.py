"""TOML mistakes said to a teacher: the faulty line, and words a non-programmer can act on.

Python's TOML reader says "Invalid value (at line 3, column 9)" or "Cannot overwrite a value (at
end of document)". Here the reader's words become one translated sentence that says what to
change, and "end of document" becomes the line where the unclosed text, list or repeated name is.
A check's problems are pointed at the line of the key they are about (:func:`check_lines`).
"""

from __future__ import annotations

import re
import tomllib

from ..errors import Said, t

AT_LINE = re.compile(r"\(at line (\d+), column \d+\)")
TRIPLE_SINGLE, TRIPLE_DOUBLE = "'" * 3, '"' * 3
KEY = re.compile(r"""^\s*("[^"]*"|'[^']*'|[A-Za-z0-9_-]+)\s*=""")

# The reader's words (the start of its message) -> what to tell the teacher.
_WORDS: tuple[tuple[tuple[str, ...], str], ...] = (
    (
        ("Illegal character '\\n'",),
        t("a text in quotes is not closed on its line: end it with the same quote, or write text of several lines between ''' and '''"),
    ),
    (("Expected \"'''\"", 'Expected \'"""\'', "Unterminated string"), t("a text in quotes is never closed: end it with the same quote it starts with")),
    (
        ("Unescaped '\\' in a string", "Invalid hex value", "Escaped character is not a Unicode scalar value"),
        t(
            "a backslash inside \"…\" starts an escape TOML does not know: write code and text with backslashes between ''' and ''', where they stay as they are"
        ),
    ),
    (
        ("Invalid value",),
        t("the value after '=' is not one TOML knows: text goes between quotes (\"…\", or '''…''' for code); numbers, true and false go without"),
    ),
    (("Expected '=' after a key",), t("this line should be name = value: is the '=' missing, or was a quote closed too early?")),
    (
        ("Invalid statement", "Invalid initial character for a key part"),
        t("this line is not TOML: each line is name = value, a [[table]] heading, or a comment starting with #"),
    ),
    (
        ("Expected newline or end of document after a statement",),
        t("something follows the value on the same line: one name = value per line (a comment starts with #)"),
    ),
    (
        ("Cannot overwrite a value", "Cannot declare", "Duplicate inline table key", "Cannot mutate immutable namespace", "Cannot redefine namespace"),
        t("a name is given twice in the same table: keep one (each new check starts with its own [[check]] line)"),
    ),
    (("Unclosed array",), t("a list [ … ] is not closed with ]")),
    (("Unclosed inline table",), t("a table written on one line, between curly brackets, is not closed on that line")),
    (
        ("Expected ']' at the end of a table declaration", "Expected ']]' at the end of an array declaration"),
        t("a table heading is not closed: write it as [[check]]"),
    ),
    (("Invalid date or datetime",), t("a value that looks like a date or a time is not one: put it in quotes")),
    (("Illegal character",), t("a character TOML does not allow here: remove it, or put the text in quotes")),
)


def toml_message(exc: tomllib.TOMLDecodeError) -> str:
    """What is wrong, without the reader's position: a message key (translated when shown) for
    the mistakes teachers make, the reader's own words for the rare others."""
    raw = re.sub(r"\s*\(at (line \d+, column \d+|end of document)\)", "", str(exc))
    for starts, words in _WORDS:
        if raw.startswith(starts):
            return Said(words)
    return raw


def toml_line(exc: tomllib.TOMLDecodeError, text: str | None = None) -> int:
    """The line (from 1) of the mistake in ``text``, also when the reader only knows that the
    document ended before something was closed, or that a name came twice."""
    found = AT_LINE.search(str(exc))
    if found:
        return int(found.group(1))
    if text is None:
        return 1
    lines = text.splitlines()
    raw = str(exc)
    if raw.startswith(("Cannot overwrite", "Cannot declare", "Cannot mutate", "Cannot redefine")):
        return _repeated_key(lines) or max(len(lines), 1)
    unclosed = _unclosed_text(lines)
    if unclosed is not None:
        return unclosed
    if raw.startswith("Unterminated string"):
        marker = '"'
    elif raw.startswith("Unclosed inline table"):
        marker = "{"
    elif raw.startswith(("Unclosed array", "Invalid value")):
        marker = "["
    else:
        return max(len(lines), 1)
    opened = [n for n, line in enumerate(lines, start=1) if marker in line]
    return opened[-1] if opened else max(len(lines), 1)


def _unclosed_text(lines: list[str]) -> int | None:
    """The line where a text between triple quotes opens and is never closed."""
    inside, opened = None, None
    for number, line in enumerate(lines, start=1):
        for quote in (TRIPLE_SINGLE, TRIPLE_DOUBLE):
            if (inside is None or inside == quote) and line.count(quote) % 2:
                inside, opened = (None, None) if inside == quote else (quote, number)
    return opened


def _outside_strings(lines: list[str]):
    """(number, line) of the lines not inside a text of several lines (between triple quotes)."""
    inside = None
    for number, line in enumerate(lines, start=1):
        was = inside
        for quote in (TRIPLE_SINGLE, TRIPLE_DOUBLE):
            if (inside is None or inside == quote) and line.count(quote) % 2:
                inside = None if inside == quote else quote
        if was is None:
            yield number, line


def _repeated_key(lines: list[str]) -> int | None:
    """The line of the first name given a second time in the same table."""
    seen: set[str] = set()
    for number, line in _outside_strings(lines):
        if line.strip().startswith("["):
            seen = set()
            continue
        key = KEY.match(line)
        if key:
            name = key.group(1).strip("\"'")
            if name in seen:
                return number
            seen.add(name)
    return None


def check_lines(lines: list[str], first_line: int) -> tuple[dict[str, int], list[dict[str, int]]]:
    """Where things are in a checks block whose first line is ``first_line``: the lines of the
    keys before any table, and for each [[check]] the lines of its header (``"[[check]]"``), of
    each key written in it, and of its n-th ``[[check.mistake]]`` (``"mistake.N"``)."""
    top: dict[str, int] = {}
    tables: list[dict[str, int]] = []
    current: dict[str, int] | None = top
    for offset, raw in _outside_strings(lines):
        number = first_line + offset - 1
        stripped = raw.split("#", 1)[0].strip()
        if stripped.startswith("["):
            current = None
            if stripped.replace(" ", "") == "[[check]]":
                current = {"[[check]]": number}
                tables.append(current)
            elif stripped.replace(" ", "") == "[[check.mistake]]" and tables:
                mistakes = sum(1 for key in tables[-1] if key.startswith("mistake."))
                tables[-1][f"mistake.{mistakes + 1}"] = number
            continue
        key = KEY.match(raw)
        if key and current is not None:
            current.setdefault(key.group(1).strip("\"'"), number)
    return top, tables
