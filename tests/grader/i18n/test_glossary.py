"""The glossary: complete in three languages, searchable in any of them, and the words the interface uses."""

from __future__ import annotations

import re

import pytest

from qala.grader.content.course_file import bundled_course_root
from qala.grader.content.glossary import load_glossary
from tests.grader.i18n.catalogs import POT, TRANSLATED, load, po_path

GLOSSARY = load_glossary(bundled_course_root())


def test_the_bundled_glossary_is_complete_in_three_languages():
    assert not GLOSSARY.problems, [str(p) for p in GLOSSARY.problems]
    for term in GLOSSARY:
        assert set(term.names) == set(term.definitions) == {"en", "ru", "kk"}, term.id


def test_it_has_the_terms_the_lessons_lean_on():
    for term_id in ("mean", "median", "dataset", "column", "row", "sensor", "outlier", "missing-value", "unit", "datasheet"):
        assert GLOSSARY.term(term_id) is not None, term_id


def test_search_finds_a_word_in_any_language():
    assert GLOSSARY.search("median", "ru")[0].id == "median"
    assert GLOSSARY.search("Медиана", "en")[0].id == "median"
    assert GLOSSARY.search("баған", "en")[0].id == "column"
    assert GLOSSARY.search("", "kk") == GLOSSARY.terms


def test_search_forgives_a_russian_keyboard_and_e_for_yo():
    assert GLOSSARY.search("косынды", "kk")[0].id == "total"  # қосынды typed without қ
    assert GLOSSARY.search("олшем", "kk")[0].id == "unit"  # өлшем бірлігі
    assert "outlier" in {t.id for t in GLOSSARY.search("выброс", "ru")}


def test_names_come_before_definitions_in_the_results():
    found = [t.id for t in GLOSSARY.search("столб", "ru")]
    assert found[0] == "column"


def test_a_glossary_with_mistakes_keeps_its_good_terms(tmp_path):
    (tmp_path / "course").mkdir()
    (tmp_path / "course" / "glossary.toml").write_text(
        '[[term]]\nid = "mean"\nen = "mean"\nru = "среднее"\ndefinition = { en = "The total divided by the count.", ru = "Сумма, делённая на количество." }\n\n'
        '[[term]]\nid = "Bad Id"\nen = "bad"\ndefinition = { en = "x" }\n\n'
        '[[term]]\nid = "nothing"\nru = "ничего"\n',
        encoding="utf-8",
    )
    glossary = load_glossary(tmp_path)
    assert [t.id for t in glossary] == ["mean"]
    assert glossary.term("mean").name("kk") == "mean"  # English until translated
    errors = [(p.line, p.message) for p in glossary.problems if not p.warning]
    warnings = [p.message for p in glossary.problems if p.warning]
    assert [line for line, _ in errors] == [7, 12]
    assert warnings == ["kk: term 'mean' is not translated", "kk: the definition of term 'mean' is not translated"]


def test_a_broken_or_missing_glossary_is_reported_not_raised(tmp_path):
    assert load_glossary(tmp_path).terms == ()
    (tmp_path / "course").mkdir()
    (tmp_path / "course" / "glossary.toml").write_text('[[term]]\nid = "x\n', encoding="utf-8")
    broken = load_glossary(tmp_path)
    assert broken.terms == () and "not valid TOML" in str(broken.problems[0]) and broken.problems[0].line == 2


# The interface uses the glossary's words: where an English message names one of these terms, its
# translation has the glossary's word for it (a stem, so that case endings still match).
STEMS = {
    "column": {"ru": "столб", "kk": "баған"},
    "row": {"ru": "строк", "kk": "жол"},
    "table": {"ru": "таблиц", "kk": "кесте"},
    "dataset": {"ru": "набор", "kk": "деректер жиын"},
    "datasheet": {"ru": "паспорт", "kk": "төлқұжат"},
    "unit": {"ru": "единиц", "kk": "өлшем бірлі"},
    "mean": {"ru": "средн", "kk": "орташа"},
    "chart": {"ru": "диаграмм", "kk": "диаграмм"},
    "variable": {"ru": "переменн", "kk": "айнымалы"},
    "function": {"ru": "функци", "kk": "функция"},
}
ENGLISH = {
    "column": "columns?",
    "row": "(?<!in a )rows?",
    "table": "tables?",
    "dataset": "datasets?",
    "datasheet": "datasheets?",
    "unit": "units?",
    "mean": "mean",
    "chart": "charts?",
    "variable": "variables?",
    "function": "functions?",
}


@pytest.mark.parametrize("term_id", sorted(STEMS))
def test_the_stems_are_the_glossarys_words(term_id):
    term = GLOSSARY.term(term_id)
    for language, stem in STEMS[term_id].items():
        assert stem.casefold() in term.names[language].casefold(), (term_id, language, term.names[language])


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_interface_uses_the_glossarys_words(language):
    catalog = load(po_path(language), language)
    wrong = []
    for message in load(POT):
        if not message.id:
            continue
        english = message.id[0] if isinstance(message.id, tuple) else message.id
        translated = catalog.get(message.id).string
        translated = " ".join(translated) if isinstance(translated, tuple) else translated
        for term_id, pattern in ENGLISH.items():
            # a word in prose, not a path, a file name, a code name or a field (lessons/datasets/, `unit`, {column})
            if re.search(rf"(?<![/\w.`'{{-]){pattern}(?![/\w`'}}-])", english, re.IGNORECASE):
                if STEMS[term_id][language].casefold() not in translated.casefold():
                    wrong.append((term_id, english, translated))
    assert not wrong, "\n".join(f"{t}: {e!r} -> {tr!r}" for t, e, tr in wrong)
