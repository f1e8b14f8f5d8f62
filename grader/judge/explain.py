"""Python's own error messages, said again in the learner's language.

Python writes its errors in English ("name 'x' is not defined"). For the common ones this
module reads the message's pattern and writes the same fact in plain words, in any language the
course speaks, with the names and values from the original message. An error it does not know
keeps Python's words.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from ..i18n import Translator


def kind(tr: Translator, python_name: str) -> str:
    """Python's name of a kind of value, as a learner calls it (each a literal, for extraction)."""
    name = python_name.strip("'\"")
    kinds = {
        "int": lambda: tr.t("whole number"),
        "float": lambda: tr.t("number with a decimal point"),
        "str": lambda: tr.t("text"),
        "list": lambda: tr.t("list"),
        "dict": lambda: tr.t("dictionary"),
        "tuple": lambda: tr.t("tuple"),
        "set": lambda: tr.t("set"),
        "NoneType": lambda: tr.t("None (nothing)"),
        "bool": lambda: tr.t("True/False"),
        "function": lambda: tr.t("function"),
        "builtin_function_or_method": lambda: tr.t("function"),
        "method": lambda: tr.t("method"),
        "DataFrame": lambda: tr.t("table"),
        "Series": lambda: tr.t("series"),
        "module": lambda: tr.t("module"),
    }
    return kinds[name]() if name in kinds else f"`{name}`"


Explainer = Callable[[Translator, re.Match], str]

RULES: list[tuple[str, re.Pattern, Explainer]] = [
    (
        "NameError",
        re.compile(r"name '(\w+)' is not defined"),
        lambda tr, m: tr.t(
            "Python does not know the name `{name}`. Check the spelling (names are case-sensitive) and that it is created before this line.", name=m[1]
        ),
    ),
    (
        "TypeError",
        re.compile(r"can only concatenate str \(not \"(\w+)\"\) to str"),
        lambda tr, m: tr.t("Text can only be joined with text, not with a {kind}: turn it into text with str(), or use an f-string.", kind=kind(tr, m[1])),
    ),
    (
        "TypeError",
        re.compile(r"unsupported operand type\(s\) for ([^:]+): '(\w+)' and '(\w+)'"),
        lambda tr, m: _operands(tr, m[1].strip(), m[2], m[3]),
    ),
    (
        "TypeError",
        re.compile(r"'([<>=!]+)' not supported between instances of '(\w+)' and '(\w+)'"),
        lambda tr, m: tr.t(
            "A {left} cannot be compared with a {right} using `{op}`. Is one of them text? Convert it first.",
            op=m[1],
            left=kind(tr, m[2]),
            right=kind(tr, m[3]),
        ),
    ),
    (
        "TypeError",
        re.compile(r"(?:list|tuple|string) indices must be integers(?: or slices)?, not (\w+)"),
        lambda tr, m: tr.t("A position in a list must be a whole number, not a {kind}: use // instead of /, or int().", kind=kind(tr, m[1])),
    ),
    (
        "TypeError",
        re.compile(r"'(\w+)' object is not callable"),
        lambda tr, m: tr.t("A {kind} cannot be called like a function. Did a variable take the name of a function (for example sum = …)?", kind=kind(tr, m[1])),
    ),
    (
        "TypeError",
        re.compile(r"'(\w+)' object is not subscriptable"),
        lambda tr, m: tr.t("A {kind} has no items to take with [ ]. Did a function return nothing?", kind=kind(tr, m[1])),
    ),
    (
        "TypeError",
        re.compile(r"object of type '(\w+)' has no len\(\)"),
        lambda tr, m: tr.t("A {kind} has no length: len() counts the items of a list, a text or a table.", kind=kind(tr, m[1])),
    ),
    (
        "TypeError",
        re.compile(r"(\w+)\(\) missing (\d+) required positional arguments?"),
        lambda tr, m: tr.t("`{name}` was called with too few values in the brackets.", name=m[1]),
    ),
    (
        "TypeError",
        re.compile(r"(\w+)\(\) takes (\d+) positional arguments? but (\d+) (?:were|was) given"),
        lambda tr, m: tr.t("`{name}` was called with too many values in the brackets.", name=m[1]),
    ),
    ("ZeroDivisionError", re.compile(r".*(?:division|modulo) by zero"), lambda tr, m: tr.t("A number was divided by zero: is a count or a total empty?")),
    (
        "IndexError",
        re.compile(r"(\w+) index out of range"),
        lambda tr, m: tr.t("This position is not in the {kind}: positions start at 0 and end one before its length.", kind=kind(tr, m[1])),
    ),
    (
        "KeyError",
        re.compile(r"(.+)"),
        lambda tr, m: tr.t("There is no such key or column: {key}. Names must match exactly, capitals and spaces included.", key=m[1]),
    ),
    (
        "ValueError",
        re.compile(r"invalid literal for int\(\) with base 10: (.+)"),
        lambda tr, m: (
            _empty(tr)
            if m[1] in ("''", '""')
            else tr.t("The text {text} is not a number int() can read (does it have a decimal point?): use float().", text=m[1])
        ),
    ),
    (
        "ValueError",
        re.compile(r"could not convert string to float: (.+)"),
        lambda tr, m: _empty(tr) if m[1] in ("''", '""') else tr.t("The text {text} is not a number, so it cannot be turned into one.", text=m[1]),
    ),
    (
        "AttributeError",
        re.compile(r"'(\w+)' object has no attribute '(\w+)'"),
        lambda tr, m: tr.t("A {kind} has no such method or attribute: `{name}`. Check the name and what kind of value it is.", kind=kind(tr, m[1]), name=m[2]),
    ),
    (
        "FileNotFoundError",
        re.compile(r"\[Errno 2\] No such file or directory: (.+)"),
        lambda tr, m: tr.t("There is no file {path}. The datasets are in the folder datasets/, for example datasets/districts.csv.", path=m[1]),
    ),
    ("ModuleNotFoundError", re.compile(r"No module named '([\w.]+)'"), lambda tr, m: tr.t("There is no module `{name}` here.", name=m[1])),
    ("SyntaxError", re.compile(r"expected ':'"), lambda tr, m: tr.t("A colon `:` is missing at the end of the line.")),
    (
        "SyntaxError",
        re.compile(r"'([(\[{])' was never closed"),
        lambda tr, m: tr.t("A bracket `{bracket}` is opened here and never closed.", bracket=m[1]),
    ),
    (
        "SyntaxError",
        re.compile(r"unmatched '([)\]}])'"),
        lambda tr, m: tr.t("A bracket `{bracket}` closes here, but none was opened.", bracket=m[1]),
    ),
    (
        "SyntaxError",
        re.compile(r"unterminated (?:triple-quoted )?string literal"),
        lambda tr, m: tr.t("A quote is opened on this line and never closed."),
    ),
    ("SyntaxError", re.compile(r"invalid syntax\. Perhaps you forgot a comma\?"), lambda tr, m: tr.t("Python could not read this line: is a comma missing?")),
    ("SyntaxError", re.compile(r"invalid syntax\. Maybe you meant '==' .*"), lambda tr, m: tr.t("To compare, write `==`; a single `=` gives a name a value.")),
    ("SyntaxError", re.compile(r"invalid syntax"), lambda tr, m: tr.t("Python could not read this line: look for a missing bracket, quote, colon or comma.")),
    ("IndentationError", re.compile(r"unexpected indent"), lambda tr, m: tr.t("This line is indented, but nothing above asks for a block here.")),
    (
        "IndentationError",
        re.compile(r"expected an indented block after '?(\w+)'? statement on line (\d+)"),
        lambda tr, m: tr.t("The lines after `{word}` on line {line} must be indented.", word=m[1], line=int(m[2])),
    ),
    (
        "IndentationError",
        re.compile(r"expected an indented block.*"),
        lambda tr, m: tr.t("The lines of this block must be indented."),
    ),
    (
        "IndentationError",
        re.compile(r"unindent does not match any outer indentation level"),
        lambda tr, m: tr.t("This line's indent does not line up with any line above."),
    ),
    (
        "ValueError",
        re.compile(r"math domain error"),
        lambda tr, m: tr.t("A math function got a number it cannot work with (a square root of a negative number?)."),
    ),
    ("RecursionError", re.compile(r"maximum recursion depth exceeded.*"), lambda tr, m: tr.t("A function called itself too many times.")),
]


def _operands(tr: Translator, op: str, left: str, right: str) -> str:
    if "str" in (left, right):
        return tr.t(
            "`{op}` cannot be used on a {left} and a {right}: that is text where a number was needed. "
            "Text read from a file stays text until you convert it with int() or float().",
            op=op,
            left=kind(tr, left),
            right=kind(tr, right),
        )
    return tr.t("`{op}` cannot be used on a {left} and a {right}.", op=op, left=kind(tr, left), right=kind(tr, right))


def _empty(tr: Translator) -> str:
    return tr.t("The text is empty (an empty cell?), and an empty text is not a number: skip the empty cells first.")


def explain(tr: Translator, error_type: str, message: str) -> str | None:
    """Python's message in plain words in the learner's language, or None when not known."""
    text = message.strip()
    for kind_name, pattern, explainer in RULES:
        if kind_name == error_type:
            found = pattern.fullmatch(text)
            if found:
                return explainer(tr, found)
    return None
