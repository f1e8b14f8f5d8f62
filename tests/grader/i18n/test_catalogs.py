"""The interface catalogs: up to date with the code, complete in Russian and Kazakh, and safe to fill in.

A string added anywhere (grader, terminal app, browser build) without re-extracting and
translating fails here, and says which one.
"""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import textual as textual_package

from qala.grader.judge.messages import ERROR_ADVICE
from tests.grader.i18n.catalogs import LOCALE, POT, REPO, TRANSLATED, extract, fields, load, msgids, po_path

PLURAL_FORMS = {
    "ru": "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);",
    "kk": "nplurals=2; plural=(n != 1);",
}
HOW_TO_FIX = "re-extract and translate: see the commands at the top of babel.cfg"


def test_the_template_is_up_to_date_with_the_code(tmp_path):
    now = msgids(extract(tmp_path / "now.pot"))
    committed = msgids(load(POT))
    assert not now - committed, f"strings in the code but not in grader/locale/qala.pot ({HOW_TO_FIX}): {sorted(now - committed, key=str)}"
    assert not committed - now, f"strings in qala.pot that the code no longer uses ({HOW_TO_FIX}): {sorted(committed - now, key=str)}"


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_interface_string_is_translated(language):
    template = load(POT)
    catalog = load(po_path(language), language)
    missing = [m.id for m in template if m.id and (catalog.get(m.id) is None)]
    assert not missing, f"{language}: not in the catalog ({HOW_TO_FIX}): {missing}"
    stale = msgids(catalog) - msgids(template)
    assert not stale, f"{language}: entries the code no longer uses (pybabel update removes them): {sorted(stale, key=str)}"
    for message in catalog:
        if not message.id:
            continue
        assert not message.fuzzy, f"{language}: fuzzy (a guess waiting for review): {message.id!r}"
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(forms), f"{language}: untranslated: {message.id!r}"
        if message.pluralizable:
            assert len(forms) == catalog.num_plurals, f"{language}: {message.id!r} needs {catalog.num_plurals} plural forms"


@pytest.mark.parametrize("language", TRANSLATED)
def test_translations_keep_the_placeholders_exactly(language):
    for message in load(po_path(language), language):
        if not message.id:
            continue
        english = message.id[-1] if isinstance(message.id, tuple) else message.id
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        for form in forms:
            assert fields(form) == fields(english), f"{language}: {message.id!r} -> {form!r}"


@pytest.mark.parametrize("language", TRANSLATED)
def test_plural_forms_are_declared(language):
    headers = dict(load(po_path(language), language).mime_headers)
    assert headers["Plural-Forms"] == PLURAL_FORMS[language]
    assert headers["Language"] == language


@pytest.mark.parametrize("language", TRANSLATED)
def test_msgfmt_finds_every_catalog_fully_translated(language, tmp_path):
    if shutil.which("msgfmt") is None:
        pytest.skip("msgfmt is not installed (Debian package gettext); the checks above cover the same ground")
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", str(tmp_path / "qala.mo"), str(po_path(language))],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    count = len(msgids(load(POT)))
    assert result.stderr.strip() == f"{count} translated messages.", result.stderr


def _returned_strings(module: str, function: str) -> set[str]:
    tree = ast.parse((REPO / "grader" / module).read_text(encoding="utf-8"))
    body = next(n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.name == function)
    return {n.value.value for n in ast.walk(body) if isinstance(n, ast.Return) and isinstance(n.value, ast.Constant) and isinstance(n.value.value, str)}


def _dict_values_for(module: str, key: str) -> set[str]:
    tree = ast.parse((REPO / "grader" / module).read_text(encoding="utf-8"))
    return {
        v.value
        for d in ast.walk(tree)
        if isinstance(d, ast.Dict)
        for k, v in zip(d.keys, d.values)
        if isinstance(k, ast.Constant) and k.value == key and isinstance(v, ast.Constant) and isinstance(v.value, str)
    }


def _translated_by_value() -> set[str]:
    """What checks.py passes to tr.t as a value: advice per Python error, kinds of value, 'items'/'keys'."""
    return set(ERROR_ADVICE.values()) | _returned_strings("judge/compare.py", "kind_of") | _dict_values_for("judge/compare.py", "what")


def test_strings_translated_by_value_are_in_the_catalogs():
    """They are marked in grader/locale/dynamic_messages.py; this finds any that are not."""
    dynamic = _translated_by_value()
    assert {"number", "table", "items", "keys"} <= dynamic  # the search itself works
    missing = dynamic - msgids(load(POT))
    assert not missing, f"mark these in grader/locale/dynamic_messages.py, then {HOW_TO_FIX}: {sorted(missing)}"


def test_the_marker_file_marks_nothing_that_is_gone():
    text = (LOCALE / "dynamic_messages.py").read_text(encoding="utf-8")
    marked = {m.replace('\\"', '"') for m in re.findall(r'\bt\("((?:[^"\\]|\\.)*)"\)', text)}
    textual = "\n".join(path.read_text(encoding="utf-8") for path in Path(textual_package.__file__).parent.rglob("*.py"))
    for message in marked - _translated_by_value():  # the rest are Textual's own texts
        assert message in textual, f"dynamic_messages.py marks {message!r}, which neither Qala nor Textual uses any more"
