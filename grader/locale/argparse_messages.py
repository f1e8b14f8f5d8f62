"""argparse's own words, which the `qala` command line shows in the user's language: marked here
so they are extracted into Qala's catalogs (Python ships no translations for them). Never imported.

qala.grader.cli hands argparse these translations while it builds a parser, parses and prints
help. argparse fills the %-fields itself: keep every %s, %r and %(name)s exactly.
tests/grader/i18n/test_command_line_help.py checks that this list covers the running Python's argparse.
"""


def t(message: str) -> str:
    """Marks a string for extraction (Babel's keyword ``t``)."""
    return message


def nt(singular: str, plural: str, n: int) -> str:
    """Marks a plural pair for extraction (Babel's keyword ``nt``)."""
    return singular if n == 1 else plural


n = 0

# Help: headings and the help option (Python 3.11 to 3.13).
HELP = [
    # TRANSLATORS: argparse's "usage: qala [-h] ..." line; keep the space at the end.
    t("usage: "),
    t("positional arguments"),
    t("options"),
    t("show this help message and exit"),
    t("subcommands"),
    t("%(heading)s:"),
    t(" (default: %(default)s)"),
]

# Mistakes on the command line, each shown as one line: qala: error: ... (see `qala --help`).
ERRORS = [
    t("argument %(argument_name)s: %(message)s"),
    t("unrecognized arguments: %s"),
    t("ambiguous option: %(option)s could match %(matches)s"),
    t("invalid choice: %(value)r (choose from %(choices)s)"),
    t("invalid %(type)s value: %(value)r"),
    t("expected one argument"),
    t("expected at most one argument"),
    t("expected at least one argument"),
    nt("expected %s argument", "expected %s arguments", n),
    t("the following arguments are required: %s"),
    t("one of the arguments %s is required"),
    t("not allowed with argument %s"),
    t("ignored explicit argument %r"),
    t("unknown parser %(parser_name)r (choices: %(choices)s)"),
    t("can't open '%(filename)s': %(error)s"),
    t("unexpected option string: %s"),
]
