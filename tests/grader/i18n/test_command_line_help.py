"""`qala --help` and command-line mistakes in three languages: Qala's help strings and argparse's
own words ("usage:", "options", "the following arguments are required"), with the language chosen
before the parser is built (--lang, then QALA_LANG, then the system's)."""

from __future__ import annotations

import argparse
import ast
import re

import pytest

from qala.grader.cli.parser import build_parser, language_in
from qala.grader.i18n import Translator
from tests.conftest import run_qala
from tests.grader.i18n.catalogs import LOCALE, POT, load, msgids

# argparse's messages a person never meets in Qala: mistakes in the code that builds a parser.
PROGRAMMERS_ONLY = {
    ".__call__() not defined",
    "'required' is an invalid argument for positionals",
    "mutually exclusive arguments must be optional",
    "cannot merge actions - two groups are named %r",
    "invalid option string %(option)r: must start with a character %(prefix_chars)r",
    "dest= is required for options like %r",
    "invalid conflict_resolution value: %r",
    "cannot have multiple subparser arguments",
    "conflicting option string: %s",
    "conflicting subparser: %s",
    "conflicting subparser alias: %s",
    "%r is not callable",
    'argument "-" with mode %r',
    "%(prog)s: error: %(message)s\n",  # Qala writes its own one-line error
    "%(prog)s: warning: %(message)s\n",
    "show program's version number and exit",  # Qala has no --version
    "argument '%(argument_name)s' is deprecated",
    "option '%(option)s' is deprecated",
    "command '%(parser_name)s' is deprecated",
}


def _argparse_messages() -> set:
    """Every literal argparse (of the Python running the tests) passes to _() or ngettext()."""
    tree = ast.parse(open(argparse.__file__, encoding="utf-8").read())
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("_", "ngettext"):
            texts = tuple(a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str))
            if texts:
                found.add(texts[0] if node.func.id == "_" else texts[:2])
    return found


def test_argparses_own_words_are_in_the_catalogs():
    """A new Python may add words: mark them in grader/locale/argparse_messages.py and translate them."""
    catalog = msgids(load(POT))
    wanted = {m for m in _argparse_messages() if (m if isinstance(m, str) else m[0]) not in PROGRAMMERS_ONLY}
    assert {"usage: ", "options", "the following arguments are required: %s"} <= wanted  # the search itself works
    missing = sorted((m for m in wanted if m not in catalog), key=str)
    assert not missing, f"mark these in {LOCALE / 'argparse_messages.py'} and translate them: {missing}"


def test_argparse_still_looks_its_words_up_where_qala_hands_them_over():
    """qala.grader.cli replaces argparse's module-level _ and ngettext while it parses and prints help."""
    assert callable(getattr(argparse, "_", None)) and callable(getattr(argparse, "ngettext", None))
    help_text = build_parser(Translator("ru")).format_help()
    assert help_text.startswith("использование: qala ")
    assert argparse._("usage: ") == "usage: "  # put back afterwards: other parsers in the process are untouched


def test_the_help_is_in_russian_with_lang():
    result = run_qala("--lang", "ru", "--help")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.startswith("использование: qala [-h] [--home ПАПКА] [--lang {en,ru,kk}] [--course КУРС]")
    for words in (
        "позиционные аргументы:",
        "параметры:",
        "показать эту справку и выйти",
        "Qala: учимся читать данные своего города.",
        "проверить файл: код выхода 0 — зачтено",
        "приложение в терминале",
        "версия для браузера",
    ):
        assert words in " ".join(out.split()), words
    assert "usage" not in out and "show this help" not in out and "the course:" not in out


def test_a_subcommands_help_is_in_kazakh_from_the_environment():
    result = run_qala("check", "--help", env={"QALA_LANG": "kk"})
    out = " ".join(result.stdout.split())
    assert out.startswith("қолданылуы: qala check [-h]") and "САБАҚ ЖАТТЫҒУ ФАЙЛ" in out
    assert "позициялық аргументтер:" in out and "параметрлер:" in out
    assert "сіздің кодыңыз; - оны стандартты кірістен оқиды" in out


@pytest.mark.parametrize("command", [["web", "build"], ["tui"], ["new", "lesson"], ["validate"], ["report"]])
def test_every_help_is_translated(command):
    for language in ("ru", "kk"):
        out = run_qala(*command, "--help", "--lang", language).stdout
        # Latin words left are code: options, file names, commands, formats
        prose = re.sub(r"`[^`]*`|--?[\w-]+|\{[^}]*\}|[\w./-]*\.(?:md|toml|json|ipynb)\b|\b[A-Z][A-Z0-9_]*\b", " ", out)
        english = set(re.findall(r"\b(?:the|and|of|for|with|to|a|an|or|is|by|default)\b", prose))
        assert not english, (command, language, english, out)


def test_a_missing_argument_is_one_line_in_russian():
    result = run_qala("--lang", "ru", "check", "monthly-air")
    assert result.returncode == 2
    assert result.stderr == "qala: ошибка: нужны следующие аргументы: УПРАЖНЕНИЕ, ФАЙЛ (см. `qala check --help`)\n"


def test_an_invalid_choice_is_one_line_in_kazakh():
    result = run_qala("--lang=kk", "frobnicate")
    assert result.returncode == 2 and result.stderr.count("\n") == 1
    assert result.stderr.startswith("qala: қате: КОМАНДА аргументі: жарамсыз мән: 'frobnicate' (мыналардан таңдаңыз: 'lessons',")
    assert result.stderr.endswith(" (`qala --help` қараңыз)\n")


def test_the_system_locale_chooses_when_nothing_else_does():
    result = run_qala("progress", "--bogus", env={"QALA_LANG": "", "LC_ALL": "", "LANG": "ru_RU.UTF-8"})
    assert result.stderr == "qala: ошибка: нераспознанные аргументы: --bogus (см. `qala --help`)\n"
    wrong = run_qala("--lang", "fr", "progress", env={"QALA_LANG": "", "LC_ALL": "", "LANG": "ru_RU.UTF-8"})
    assert wrong.stderr.startswith("qala: ошибка: аргумент --lang: недопустимое значение: 'fr' (выберите из 'en', 'ru', 'kk')")


def test_english_stays_as_it_was():
    result = run_qala("check", "monthly-air")
    assert result.stderr == "qala: error: the following arguments are required: EXERCISE, FILE (see `qala check --help`)\n"
    assert run_qala("--help").stdout.startswith("usage: qala [-h] [--home HOME] [--lang {en,ru,kk}] [--course COURSE]")


def test_the_language_is_read_from_the_command_line_before_parsing():
    assert language_in(["--lang", "ru", "check"]) == "ru"
    assert language_in(["check", "x", "--lang=kk"]) == "kk"
    assert language_in(["check", "--", "--lang", "ru"]) is None
    assert language_in(["--lang"]) is None
