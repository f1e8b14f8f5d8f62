"""Interface strings that the code translates by value, ``tr.t(variable)``, so Babel cannot see them
at the call: marked here so they are extracted into the catalogs. Never imported.

tests/grader/i18n/test_catalogs.py checks that this list still covers what the code can pass.
"""


def t(message: str) -> str:
    """Marks a string for extraction (Babel's keyword ``t``)."""
    return message


# qala.grader.judge.compare.kind_of: the kinds of value named in "should be a {expected_kind}…"
KINDS = [
    t("nothing (None)"),
    t("True/False"),
    t("number"),
    t("text"),
    t("list"),
    t("set"),
    t("dictionary"),
    t("table"),
    t("series"),
    t("date"),
]

# qala.grader.judge.compare: what a dictionary or set lacks, in "does not have the right {what}"
WHAT = [t("items"), t("keys")]

# qala.grader.judge.messages.ERROR_ADVICE: what to do about each kind of Python error
ERROR_ADVICE = [
    t("Check the spelling (names are case-sensitive) and that the name is created before this line."),
    t("Python could not read this line: look for a missing bracket, quote, colon or comma."),
    t("The spaces at the start of the line do not line up: indent the lines of one block by the same amount."),
    t("Tabs and spaces are mixed at the start of a line: use spaces only."),
    t("An operation got the wrong kind of value, for example text where a number was needed."),
    t("There is no such key or column. Names must match exactly, capitals and spaces included."),
    t("A position is outside the list: positions start at 0 and end one before its length."),
    t("Something was divided by zero: is a count or a total empty?"),
    t("A value has the right kind but the wrong content, for example text that is not a number."),
    t("This value has no such method or attribute: check the name and what kind of value it is."),
    t("No such file. The datasets are in the folder datasets/, for example datasets/districts.csv."),
    t("This module is not available here."),
    t("This cannot be imported here."),
    t("That is not allowed while your code is being checked."),
    t("A function calls itself without end: check the case where it should stop."),
    t("Your code used too much memory."),
    t("Your code stopped itself (exit() or sys.exit()): let it run to the end instead."),
    t("An assert in your code failed."),
    t("A file could not be read as text: open it with encoding=\"utf-8\"."),
]

# Textual's own texts that the terminal app shows: its key bindings (translated with the app's
# own by TranslatedBindings) and its command palette entries (QalaApp.get_system_commands)
TEXTUAL = [
    t("palette"),
    t("Open the command palette"),
    t("Quit"),
    t("Quit the app and return to the command prompt."),
    t("Focus Next"),
    t("Focus Previous"),
    t("Copy selected text"),
    t("Theme"),
    t("Change the current theme"),
    t("Quit the application as soon as possible"),
    t("Keys"),
    t("Hide the keys and widget help panel"),
    t("Show help for the focused widget and a summary of available keys"),
    t("Minimize"),
    t("Minimize the widget and restore to normal size"),
    t("Maximize"),
    t("Maximize the focused widget"),
    t("Screenshot"),
    t("Save an SVG 'screenshot' of the current screen"),
]
