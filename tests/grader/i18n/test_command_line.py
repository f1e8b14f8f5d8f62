"""The `qala` command in three languages: --lang, QALA_LANG and the system locale, through the real command."""

from __future__ import annotations

import json

from tests.conftest import exercise_text, lesson_text, make_course, run_qala

WRONG = "numbers = [1, 2, 3]\ntotal = 30"


def _course_with_a_check(tmp_path):
    return make_course(tmp_path / "c", {"sums": lesson_text(exercises=exercise_text(checks='[[check]]\nvalue = "total"'))})


def test_lang_switches_the_command_line_to_russian(home):
    result = run_qala("--lang", "ru", "progress", home=home)
    assert result.returncode == 0, result.stderr
    assert "Уровень 1" in result.stdout and "Серия: 0 дней" in result.stdout
    assert "Level" not in result.stdout


def test_qala_lang_switches_it_to_kazakh(home):
    result = run_qala("progress", home=home, env={"QALA_LANG": "kk"})
    assert result.returncode == 0, result.stderr
    assert "1-деңгей" in result.stdout and "Қатарынан: 0 күн" in result.stdout


def test_the_option_beats_the_environment_and_the_environment_beats_the_system(home):
    assert "Уровень 1" in run_qala("progress", "--lang", "ru", home=home, env={"QALA_LANG": "kk"}).stdout
    assert "1-деңгей" in run_qala("progress", home=home, env={"QALA_LANG": "kk", "LANG": "ru_RU.UTF-8"}).stdout
    assert "Уровень 1" in run_qala("progress", home=home, env={"QALA_LANG": "", "LC_ALL": "", "LANG": "ru_RU.UTF-8"}).stdout
    assert "Level 1" in run_qala("progress", home=home, env={"QALA_LANG": "", "LC_ALL": "", "LANG": "C.UTF-8"}).stdout


def test_a_failing_check_explains_itself_in_russian_and_kazakh(tmp_path, home):
    course = _course_with_a_check(tmp_path)
    (tmp_path / "mine.py").write_text(WRONG, encoding="utf-8")
    russian = run_qala("check", "sums", "total", str(tmp_path / "mine.py"), "--course", str(course), "--lang", "ru", home=home)
    assert russian.returncode == 1, russian.stderr
    assert "`total`: ожидалось 6, а ваш код дал 30." in russian.stdout
    assert "Пока не зачтено." in russian.stdout
    kazakh = run_qala("check", "sums", "total", str(tmp_path / "mine.py"), "--course", str(course), "--json", home=home, env={"QALA_LANG": "kk"})
    messages = [item["message"] for item in json.loads(kazakh.stdout)["feedback"]]
    assert "Кодыңыз қатесіз орындалды." in messages
    assert "`total`: 6 болуы керек еді, ал кодыңыз 30 берді." in messages


def test_a_python_error_is_explained_in_kazakh(tmp_path, home):
    course = _course_with_a_check(tmp_path)
    (tmp_path / "mine.py").write_text("numbers = [1, 2, 3]\ntotal = sum(numbrs)", encoding="utf-8")
    result = run_qala("check", "sums", "total", str(tmp_path / "mine.py"), "--course", str(course), "--json", "--lang", "kk", home=home)
    runs = json.loads(result.stdout)["feedback"][0]["message"]
    assert runs.startswith("2-жол:") and "NameError" in runs
    assert "Жазылуын тексеріңіз" in runs


def test_the_glossary_command_lists_the_terms_in_the_learners_language(home):
    russian = run_qala("glossary", "--lang", "ru", home=home)
    assert russian.returncode == 0, russian.stderr
    assert "медиана  en: median · kk: медиана" in russian.stdout
    assert "выброс" in russian.stdout
    kazakh = run_qala("glossary", "баған", home=home, env={"QALA_LANG": "kk"})
    assert kazakh.stdout.startswith("баған  en: column · ru: столбец")


def test_the_glossary_as_json_has_every_language(home):
    data = json.loads(run_qala("glossary", "--json", "--lang", "kk", home=home).stdout)
    assert data["language"] == "kk" and data["problems"] == []
    median = next(term for term in data["terms"] if term["id"] == "median")
    assert median["term"] == "медиана" and median["names"] == {"en": "median", "ru": "медиана", "kk": "медиана"}
    assert set(median["definitions"]) == {"en", "ru", "kk"}


def test_a_glossary_search_that_finds_nothing_says_so(home):
    result = run_qala("glossary", "zzzz", "--lang", "ru", home=home)
    assert result.returncode == 0
    assert result.stdout.strip() == "По запросу «zzzz» терминов не найдено."
