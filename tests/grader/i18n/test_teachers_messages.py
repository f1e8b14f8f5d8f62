"""What a teacher reads in three languages: `qala validate`'s FILE:LINE: problems and summary, the
parser's messages (kept as keys and fields, written in a language only when shown), and the course
texts, datasheets and glossary that a language still lacks."""

from __future__ import annotations

import ast

import pytest

from qala.grader.content.course_file import load_course
from qala.grader.content.datasets import load_datasets
from qala.grader.content.lesson_file import parse_lesson
from qala.grader.errors import ContentError
from qala.grader.i18n import Translator
from qala.grader.teachers.validate import glossary_problems
from tests.conftest import REPO, exercise_text, lesson_text, make_course, run_qala
from tests.grader.content.test_lesson_file import BROKEN
from tests.grader.i18n.catalogs import POT, load, msgids

# A lesson with three mistakes: nothing of it reaches the sandbox, so `qala validate` answers at once.
BROKEN_LESSON = lesson_text(front='colour = "red"\n', exercises=exercise_text(hints="", checks='[[check]]\nvalue = "total"\ntolerence = 1'))


# ---------------------------------------------------------------- problems as keys and fields


def test_a_problem_keeps_its_key_and_fields_and_is_written_when_shown(tmp_path):
    make_course(tmp_path, {"sums": BROKEN_LESSON})
    _, problems = load_course(tmp_path)  # as Engine() does, before anyone knows who will read them
    problem = next(p for p in problems if "colour" in p.message)
    assert problem.key == "unknown front-matter key {key!r} (known: {known})"
    assert problem.params["key"] == "colour"
    assert problem.message.startswith("unknown front-matter key 'colour' (known: audience, datasets, id,")
    assert str(problem) == f"{problem.file}:5: {problem.message}"
    assert problem.render(Translator("en")) == str(problem)
    assert problem.render(Translator("ru")).startswith(f"{problem.file}:5: неизвестный ключ front matter 'colour' (известные: audience,")
    assert problem.render(Translator("kk")).startswith(f"{problem.file}:5: белгісіз front matter кілті 'colour' (белгілілері: audience,")


def test_a_warning_says_so_in_each_language(tmp_path):
    make_course(tmp_path, {"sums": lesson_text()})
    _, problems = load_course(tmp_path)
    warning = next(p for p in problems if p.key == "{language}: no translation file {name}" and p.params["language"] == "ru")
    assert str(warning).endswith("sums.md:1: warning: ru: no translation file sums.ru.md")
    assert warning.render(Translator("ru")).endswith("sums.md:1: предупреждение: ru: нет файла перевода sums.ru.md")
    assert warning.render(Translator("kk")).endswith("sums.md:1: ескерту: ru: sums.ru.md аударма файлы жоқ")


def test_a_problem_given_as_a_field_is_written_in_the_messages_language(tmp_path):
    make_course(tmp_path, {"sums": BROKEN_LESSON})
    _, problems = load_course(tmp_path)
    problem = next(p for p in problems if "hint" in p.message).with_file("sums.md")
    text = Translator("ru").t("lesson {lesson} cannot be opened because its file has a mistake: {problem}", lesson="sums", problem=problem)
    assert (
        text
        == "урок sums не открывается, потому что в его файле ошибка: sums.md:30: упражнению 'total' нужна хотя бы одна подсказка (нумерованный список под '### Hints')"
    )


def test_a_finished_text_is_still_a_problem():
    """Callers that have only a text (glossary.py, a runner's failure) keep working, shown as they are."""
    problem = ContentError("term 'x' needs { en = \"…\" }", "glossary.toml", 3, warning=True)
    assert problem.message == "term 'x' needs { en = \"…\" }"
    assert problem.render(Translator("ru")) == "glossary.toml:3: предупреждение: term 'x' needs { en = \"…\" }"
    assert problem.location() == "glossary.toml:3" and problem.warning


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_every_mistake_in_a_lesson_is_said_in_russian_and_kazakh(tmp_path, name):
    text, line, _ = BROKEN[name]
    path = tmp_path / "sums.md"
    path.write_text(text, encoding="utf-8")
    _, problems = parse_lesson(path, track_folder="basics")
    assert problems.items, name
    known = msgids(load(POT))
    for problem in problems.items:
        assert problem.key in known, f"not in the catalogs: {problem.key!r}"
        for language in ("ru", "kk"):
            assert problem.text(Translator(language)) != problem.message, (language, problem.message)


PARSERS = ["content/lesson_file.py", "content/course_file.py", "content/datasets.py", "teachers/validate.py"]
REPORTERS = {"ContentError", "error", "warn", "problem", "_Invalid"}


@pytest.mark.parametrize("module", PARSERS)
def test_no_problem_is_written_as_plain_english_text(module):
    """Every message a problem starts from is a marked key, t("… {field} …"), never a literal or an
    f-string, so that it is extracted into the catalogs and translated whole."""
    tree = ast.parse((REPO / "grader" / module).read_text(encoding="utf-8"))
    unmarked = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.id if isinstance(node.func, ast.Name) else node.func.attr if isinstance(node.func, ast.Attribute) else None
        if name not in REPORTERS or not node.args:
            continue
        # error/warn take the line first, the message second
        message = node.args[1] if name in ("error", "warn") and len(node.args) > 1 else node.args[0]
        if isinstance(message, (ast.Constant, ast.JoinedStr, ast.BinOp)):
            unmarked.append(f"{module}:{node.lineno}: {ast.unparse(message)[:80]}")
    assert not unmarked, 'mark these messages with t("…") and named fields:\n' + "\n".join(unmarked)


# ---------------------------------------------------------------- qala validate in three languages


def test_validate_speaks_russian_with_lang(tmp_path, home):
    make_course(tmp_path, {"sums": BROKEN_LESSON})
    result = run_qala("validate", "--course", str(tmp_path), "--lang", "ru", home=home)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert any(
        line.endswith(
            "sums.md:5: неизвестный ключ front matter 'colour' (известные: audience, datasets, id, minutes, needs, requires, reviews, summary, systems, title, track, xp)"
        )
        for line in lines
    ), lines
    assert any(line.endswith("sums.md:30: упражнению 'total' нужна хотя бы одна подсказка (нумерованный список под '### Hints')") for line in lines), lines
    assert any(line.endswith("course.toml:26: предупреждение: ru: название значка 'first-step' не переведено") for line in lines), lines
    assert result.stderr.strip() == "Проверено: 1 урок, 0 упражнений, 0 примеров; 3 ошибки, 12 предупреждений"
    assert not [line for line in lines if "warning" in line or "unknown" in line]


def test_validate_speaks_kazakh_from_the_environment_and_english_by_default(tmp_path, home):
    make_course(tmp_path, {"sums": BROKEN_LESSON})
    kazakh = run_qala("validate", "--course", str(tmp_path), home=home, env={"QALA_LANG": "kk"})
    assert "sums.md:27: value тексеруі үшін белгісіз кілт 'tolerence' (белгілілері: id, ignore_case," in kazakh.stdout
    assert "course.toml:18: ескерту: ru: 1-деңгейдің атауы аударылмаған" in kazakh.stdout
    assert kazakh.stderr.strip() == "Тексерілді: 1 сабақ, 0 жаттығу, 0 мысал; 3 қате, 12 ескерту"
    english = run_qala("validate", "--course", str(tmp_path), home=home)
    assert "sums.md:27: unknown key 'tolerence' for a value check (known: id, ignore_case," in english.stdout
    assert english.stderr.strip() == "1 lesson, 0 exercises, 0 cases checked: 3 errors, 12 warnings"


def test_the_feedback_a_problem_quotes_is_in_the_readers_language(tmp_path, home):
    """A case's expected words are looked for in the English feedback; the learner's feedback that
    a problem quotes is graded again in the language the teacher reads."""
    make_course(
        tmp_path,
        {
            "sums": lesson_text(),
            "sums.cases.toml": ("[[case]]\nexercise = \"total\"\nname = \"typed in\"\nexpect = \"pass\"\ncode = '''numbers = [1, 2, 3]\ntotal = 30\n'''\n"),
        },
    )
    russian = run_qala("validate", "--course", str(tmp_path), "--lang", "ru", home=home)
    assert russian.returncode == 1
    assert (
        "sums.cases.toml:1: пример 'typed in' должен быть зачтён, но не проходит проверку 'total': `total`: ожидалось 6, а ваш код дал 30." in russian.stdout
    ), russian.stdout
    english = run_qala("validate", "--course", str(tmp_path), home=home)
    assert "sums.cases.toml:1: case 'typed in' should pass but check 'total' fails: `total` should be 6, but your code gave 30." in english.stdout, (
        english.stdout
    )


def test_a_path_that_does_not_exist_is_said_in_russian(tmp_path, home):
    result = run_qala("validate", str(tmp_path / "nowhere.md"), "--lang", "ru", home=home)
    assert result.returncode == 2
    assert result.stderr == f"qala: ошибка: нет такого файла или папки: {tmp_path / 'nowhere.md'}\n"


def test_an_unusable_course_toml_is_one_line_in_kazakh(tmp_path, home):
    (tmp_path / "course").mkdir()
    (tmp_path / "course" / "course.toml").write_text("[course\n", encoding="utf-8")
    result = run_qala("progress", "--course", str(tmp_path), "--lang", "kk", home=home)
    assert result.returncode == 2
    assert result.stderr.startswith("qala: қате: ") and result.stderr.count("\n") == 1
    assert "course.toml:1: course.toml — жарамсыз TOML:" in result.stderr


# ---------------------------------------------------------------- course texts, datasheets and the glossary


COURSE_TOML = """\
[course]
id = "c"
title = { en = "A course", ru = "Курс" }
languages = ["en", "ru", "kk"]

[[track]]
id = "basics"
title = { en = "Basics", ru = "Основы", kk = "Негіздер" }
description = { en = "Sums.", kk = "Қосындылар." }
lessons = []

[[level]]
xp = 0
title = { en = "Newcomer", ru = "Новичок", kk = "Жаңа бастаушы" }

[[level]]
xp = 50
title = { en = "Reader", kk = "Оқырман" }

[[badge]]
id = "first"
title = { en = "First", ru = "Первый", kk = "Алғашқы" }
description = { en = "Pass one.", ru = "Выполните одно." }
rule = { kind = "exercises_passed", count = 1 }
"""


def test_course_texts_a_language_lacks_are_warnings_with_their_lines(tmp_path):
    (tmp_path / "course").mkdir()
    (tmp_path / "course" / "course.toml").write_text(COURSE_TOML, encoding="utf-8")
    _, problems = load_course(tmp_path)
    assert [(p.line, p.message) for p in problems] == [
        (6, "ru: the description of track 'basics' is not translated"),
        (16, "ru: the title of level 2 is not translated"),
        (3, "kk: the course title is not translated"),
        (20, "kk: the description of badge 'first' is not translated"),
    ]
    assert all(p.warning for p in problems)
    assert problems[1].render(Translator("ru")).endswith("course.toml:16: предупреждение: ru: название уровня 2 не переведено")


def test_a_course_in_english_only_is_not_asked_for_translations(tmp_path):
    (tmp_path / "course").mkdir()
    (tmp_path / "course" / "course.toml").write_text(COURSE_TOML.replace('["en", "ru", "kk"]', '["en"]'), encoding="utf-8")
    assert load_course(tmp_path)[1] == []


DATASHEET = """\
id = "tiny"
file = "tiny.csv"
rows = 2
title = { en = "Tiny", ru = "Крошка", kk = "Кішкентай" }
grain = { en = "one row per day", ru = "одна строка — один день" }
description = "Two days."

[[column]]
name = "day"
type = "date"
description = { en = "The day", ru = "День", kk = "Күн" }

[[column]]
name = "n"
type = "int"
description = { en = "How many", kk = "Қанша" }

[[flaw]]
description = { en = "One is missing.", ru = "Одного нет." }
"""


def test_datasheet_texts_a_language_lacks_are_warnings(tmp_path):
    (tmp_path / "tiny.toml").write_text(DATASHEET, encoding="utf-8")
    (tmp_path / "tiny.csv").write_text("day,n\n2025-01-01,1\n2025-01-02,\n", encoding="utf-8")
    datasets, problems = load_datasets(tmp_path, ("en", "ru", "kk"))
    assert "tiny" in datasets
    assert [(p.line, p.message) for p in problems] == [
        (6, "ru: the description of the datasheet is not translated"),
        (13, "ru: the description of column 'n' is not translated"),
        (5, "kk: the grain of the datasheet (what one row is) is not translated"),
        (6, "kk: the description of the datasheet is not translated"),
        (18, "kk: the description of flaw 1 is not translated"),
    ]
    assert problems[1].render(Translator("kk")).endswith("tiny.toml:13: ескерту: ru: 'n' бағанының сипаттамасы аударылмаған")
    assert load_datasets(tmp_path) == (datasets, [])  # the data screen and `qala datasets` do not nag learners


def test_a_broken_datasheet_is_one_clear_line(tmp_path):
    (tmp_path / "tiny.toml").write_text(DATASHEET.replace("rows = 2", 'rows = "two"'), encoding="utf-8")
    (tmp_path / "tiny.csv").write_text("day,n\n", encoding="utf-8")
    _, [problem] = load_datasets(tmp_path)
    assert str(problem) == f"{tmp_path / 'tiny.toml'}:3: the datasheet's 'rows' must be a whole number of 0 or more"
    assert problem.text(Translator("ru")) == "в паспорте данных 'rows' должно быть целым числом не меньше 0"
    (tmp_path / "tiny.toml").write_text(DATASHEET.replace('type = "int"', 'type = "integer"'), encoding="utf-8")
    _, [problem] = load_datasets(tmp_path)
    assert problem.line == 8 and "column 'n': type must be one of int, float" in problem.message


def test_glossary_terms_a_language_of_the_course_lacks_are_warnings(tmp_path):
    (tmp_path / "course").mkdir()
    (tmp_path / "course" / "glossary.toml").write_text(
        '[[term]]\nid = "mean"\nen = "mean"\nru = "среднее"\ndefinition = { en = "The total divided by the count.", ru = "Сумма, делённая на количество." }\n\n'
        '[[term]]\nid = "Bad Id"\nen = "bad"\ndefinition = { en = "x" }\n',
        encoding="utf-8",
    )
    problems = glossary_problems(tmp_path, ("en", "ru", "kk"))
    assert [(p.line, p.warning, p.message) for p in problems] == [
        (7, False, "a term needs an id of lower-case letters, digits and '-', not 'Bad Id'"),
        (1, True, "kk: term 'mean' is not translated"),
        (1, True, "kk: the definition of term 'mean' is not translated"),
    ]
    assert problems[1].render(Translator("ru")).endswith("glossary.toml:1: предупреждение: kk: термин 'mean' не переведён")
    assert [p for p in glossary_problems(tmp_path, ("en", "ru")) if p.warning] == []


def test_the_bundled_course_lacks_no_translation():
    from qala.grader.content.course_file import bundled_course_root

    root = bundled_course_root()
    course, problems = load_course(root)
    _, sheets = load_datasets(course.datasets_dir, course.info.languages)
    assert [str(p) for p in problems + sheets + glossary_problems(root, course.info.languages)] == []
