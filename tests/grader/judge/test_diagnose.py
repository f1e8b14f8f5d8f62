"""Automatic diagnoses of wrong values, code patterns at a line, Python's errors in the learner's
language, and numbers written the local way: each rule alone, then through the real grader."""

from __future__ import annotations

import ast
import datetime as dt

import pytest

from qala.grader.content.course_file import load_course
from qala.grader.i18n import Translator
from qala.grader.judge.compare import compare
from qala.grader.judge.diagnose import diagnose, diagnose_values
from qala.grader.judge.explain import explain
from qala.grader.judge.grading import Grader
from qala.grader.judge.messages import error_said, show
from qala.grader.judge.patterns import find_patterns, names_read
from qala.grader.judge.rescue import without_crash
from qala.grader.run.launch import ProcessRunner
from tests.conftest import exercise_text, lesson_text, make_course

# ---------------------------------------------------------------- value relations


@pytest.mark.parametrize(
    ("expected", "actual", "code"),
    [
        (23.75, 24, "rounded"),
        (23.75, 23.8, "rounded"),
        (43.953906, 43.95, "rounded"),
        (23.8, 23.75, "rounding_asked"),
        (2.28, 2.2799, "rounding_asked"),
        (23.75, 23, "floored"),
        (0.2853, 28.53, "times100"),
        (28.53, 0.2853, "div100"),
        (0.657924, 657.924, "times1000"),
        (2279900, 2279.9, "div1000"),
        (12.5, 750.0, "times60"),
        (90.0, 1.5, "div60"),
        (240.142, 240.142 * 366 / 365, "leap"),
        (13.7281, 1 / 13.7281, "reciprocal"),
        (-63, 63, "negated"),
        (23.75, 285 / 11, "divisor"),
        (101 / 354 * 100, 101 / 353 * 100, "divisor"),
        (23.75, 285 / 13, "divisor"),
        (2279900, "2279900", "text_number"),
        (48.0, "48.0", "text_number"),
    ],
)
def test_a_relation_between_the_values_is_named(expected, actual, code):
    found = diagnose_values(expected, actual)
    assert found is not None and found.code == code, found


def test_the_divisor_rule_names_both_counts():
    one_less = diagnose_values(23.75, 285 / 11)
    one_more = diagnose_values(23.75, 285 / 13)
    assert one_less is not None and one_less.params == {"n": 12, "sign": -1}
    assert one_more is not None and one_more.params == {"n": 12, "sign": 1}


@pytest.mark.parametrize(
    ("expected", "actual"),
    [
        (6, 7),  # two whole numbers one apart: no rule says anything
        (7, 9),
        (23.75, 30.5),
        (48.0, 12.6667),
        (23.75, 23.75),  # the same value is not a mistake
        ("Almaly", "Medeu"),
        (2279900, "two million"),
        (1.0, 1.0000000001),
    ],
)
def test_unrelated_values_get_no_diagnosis(expected, actual):
    assert diagnose_values(expected, actual) is None


def test_diagnoses_look_inside_lists_dictionaries_and_table_cells():
    in_list = compare([1.5, 2.5], [1.5, 250.0])
    in_dict = compare({"Alatau": 2898.79}, {"Alatau": 2898})
    as_text = compare([10, 20], ["10", "20"])
    assert in_list is not None and diagnose(in_list).code == "times100"  # type: ignore[union-attr]
    assert in_dict is not None and diagnose(in_dict).code == "floored"  # type: ignore[union-attr]
    assert as_text is not None and diagnose(as_text).code == "text_number"  # type: ignore[union-attr]


# ---------------------------------------------------------------- code patterns


def patterns(code: str) -> list[tuple[str, int]]:
    return [(p.code, p.line) for p in find_patterns(ast.parse(code))]


def test_a_number_in_quotes_compared_with_a_number():
    assert patterns("for v in values:\n    if v > '15':\n        n += 1") == [("text_compare", 2)]
    assert patterns("ok = float(text) != '-999'") == [("text_compare", 1)]
    assert patterns("x = clean['minutes'] > '30'") == [("text_compare", 1)]


def test_text_compared_with_text_on_purpose_is_left_alone():
    assert patterns("if row['date'][5:7] == '01':\n    pass") == []
    assert patterns("if text != '' and text != '-999':\n    pass") == []
    assert patterns("if row['district'] == 'Auezov':\n    pass") == []
    assert patterns("if row['month'] >= '06':\n    pass") == []  # a zero-padded code


def test_a_result_computed_and_thrown_away():
    assert patterns("df = load()\ndf.drop_duplicates()") == [("thrown_away", 2)]
    assert patterns("sorted(values)") == [("thrown_away", 1)]
    assert patterns("if coal < 100:\n    coal * 1000") == [("thrown_away", 2)]
    assert patterns("df.drop_duplicates(inplace=True)\nvalues.sort()\nnames.append('x')\nprint(x)") == []


def test_keeping_what_an_in_place_method_returns():
    assert patterns("names = names.append('x')") == [("none_kept", 1)]
    assert patterns("ordered = values.sort()") == [("none_kept", 1)]


def test_removing_from_the_list_being_looped_over():
    code = "for v in smoky:\n    if v < 15:\n        smoky.remove(v)"
    assert patterns(code) == [("remove_in_loop", 3)]
    assert patterns("for v in list(smoky):\n    if v < 15:\n        smoky.remove(v)") == []


def test_return_or_print_straight_inside_a_loop():
    code = "def f(xs):\n    total = 0\n    for x in xs:\n        total += x\n        return total"
    assert patterns(code) == [("return_in_loop", 5)]
    search = "def f(xs):\n    for x in xs:\n        if x > 3:\n            return x\n    return None"
    assert patterns(search) == []
    assert patterns("for x in xs:\n    print(x)") == [("print_in_loop", 2)]


def test_a_division_used_as_a_position():
    assert patterns("middle = xs[len(xs) / 2]") == [("float_index", 1)]
    assert patterns("middle = xs[len(xs) // 2]") == []


def test_names_a_value_is_computed_from():
    tree = ast.parse("a = 1\nb = a * 2 + c\nb += d")
    assert names_read(tree, "b") == {"a", "c", "d"}
    assert names_read(None, "b") == set()


# ---------------------------------------------------------------- Python's errors


@pytest.mark.parametrize(
    ("kind", "message", "words"),
    [
        ("NameError", "name 'totl' is not defined", "`totl`"),
        ("TypeError", "unsupported operand type(s) for +: 'int' and 'str'", "int()"),
        ("TypeError", 'can only concatenate str (not "float") to str', "str()"),
        ("TypeError", "'<' not supported between instances of 'str' and 'int'", "`<`"),
        ("TypeError", "list indices must be integers or slices, not float", "//"),
        ("ZeroDivisionError", "division by zero", ""),
        ("IndexError", "list index out of range", "0"),
        ("KeyError", "'District'", "'District'"),
        ("ValueError", "invalid literal for int() with base 10: '12.5'", "float()"),
        ("ValueError", "could not convert string to float: 'n/a'", "'n/a'"),
        ("ValueError", "could not convert string to float: ''", ""),
        ("TypeError", "unsupported operand type(s) for -: 'list' and 'int'", "`-`"),
        ("AttributeError", "'str' object has no attribute 'appendd'", "`appendd`"),
        ("FileNotFoundError", "[Errno 2] No such file or directory: 'districts.csv'", "datasets/"),
        ("SyntaxError", "expected ':'", "`:`"),
        ("SyntaxError", "'(' was never closed", "`(`"),
        ("IndentationError", "expected an indented block after 'for' statement on line 3", "`for`"),
        ("IndentationError", "unexpected indent", ""),
    ],
)
@pytest.mark.parametrize("language", ["en", "ru", "kk"])
def test_common_errors_are_explained_in_every_language(kind, message, words, language):
    explained = explain(Translator(language), kind, message)
    assert explained and words in explained
    said = error_said(Translator(language), kind, message)
    if language == "en":
        assert message.rstrip(".") in said  # English keeps Python's own words too
    else:
        assert explained in said and kind in said
        assert kind == "KeyError" or message not in said  # a KeyError's message is only the key


def test_an_error_nobody_explained_keeps_pythons_words():
    assert explain(Translator("ru"), "OverflowError", "math range error") is None
    assert "math range error" in error_said(Translator("ru"), "OverflowError", "math range error")


def test_russian_names_the_unknown_name_in_russian():
    said = error_said(Translator("ru"), "NameError", "name 'numbrs' is not defined")
    assert said == (
        "NameError: Python не знает имени `numbrs`. Проверьте написание (заглавные и строчные буквы различаются) и то, что имя создано до этой строки."
    )


# ---------------------------------------------------------------- numbers, dates, plurals


def test_numbers_and_dates_are_written_the_local_way():
    ru, kk, en = Translator("ru"), Translator("kk"), Translator("en")
    assert show(2279900, ru) == "2\xa0279\xa0900" and show(2279900, en) == "2,279,900"
    assert show(23.75, kk) == "23,75" and show(23.75, en) == "23.75"
    assert show([1.5, 2.5], ru) == "[1,5; 2,5]"  # the comma is the decimal point: items by ;
    assert show(dt.date(2025, 3, 14), ru) == "14.03.2025" and show(dt.date(2025, 3, 14), en) == "2025-03-14"
    assert show(dt.datetime(2025, 3, 14, 8, 30), kk) == "14.03.2025 08:30"
    assert "datetime" not in show({"first": dt.datetime(2025, 1, 1)}, ru)
    assert show(dt.timedelta(days=2, hours=3, minutes=5), ru) == "2 дня 3:05" and show(dt.timedelta(days=1), en) == "1 day"
    assert show(dt.timedelta(minutes=90), kk) == "1:30"


def test_counts_take_the_right_plural():
    en, ru = Translator("en"), Translator("ru")
    one = "Your code should print {expected} line, but it prints {actual}."
    many = "Your code should print {expected} lines, but it prints {actual}."
    assert en.nt(one, many, 1, expected=1, actual=3) == "Your code should print 1 line, but it prints 3."
    assert ru.nt(one, many, 1, expected=1, actual=3) == "Код должен вывести 1 строку, а выводит 3."
    assert ru.nt(one, many, 3, expected=3, actual=1) == "Код должен вывести 3 строки, а выводит 1."
    assert ru.nt(one, many, 12, expected=12, actual=1) == "Код должен вывести 12 строк, а выводит 1."


# ---------------------------------------------------------------- through the real grader


MEAN = dict(
    ex_id="mean",
    starter="pm25 = [52, 54, 28, 17, 10, 11, 10, 10, 10, 17, 28, 38]\nmean = 0",
    solution="pm25 = [52, 54, 28, 17, 10, 11, 10, 10, 10, 17, 28, 38]\nmean = sum(pm25) / len(pm25)",
    checks='[[check]]\nvalue = "mean"\ntolerance = 0.01\nmessage = "Add every month up and divide by how many there are."',
)


def grade(tmp_path, code: str, lang: str = "en", **exercise):
    make_course(tmp_path, {"sums": lesson_text(exercises=exercise_text(**exercise))})
    course, problems = load_course(tmp_path)
    assert [p for p in problems if not p.warning] == []
    lesson = course.lessons["sums"]
    return Grader(course, ProcessRunner(), tmp_path / "cache").grade(lesson, lesson.exercises[0], code, Translator(lang))


def message(result, check: str) -> str:
    return next(f.message for f in result.feedback if f.check == check)


def test_a_correct_method_with_rounding_is_not_told_its_method_is_wrong(tmp_path):
    code = "pm25 = [52, 54, 28, 17, 10, 11, 10, 10, 10, 17, 28, 38]\nmean = round(sum(pm25) / len(pm25), 1)"
    result = grade(tmp_path, code, **MEAN)
    said = message(result, "mean")
    assert not result.passed
    assert "Your method is right" in said and "rounded to 1 decimal place" in said
    assert "Add every month up" not in said  # the recipe would say the method is wrong


def test_a_wrong_value_gets_its_diagnosis_and_the_teachers_advice(tmp_path):
    code = "pm25 = [52, 54, 28, 17, 10, 11, 10, 10, 10, 17, 28, 38]\nmean = sum(pm25) / (len(pm25) - 1)"
    said = message(grade(tmp_path, code, **MEAN), "mean")
    assert "divided by 11 instead of 12" in said and said.endswith("Add every month up and divide by how many there are.")


def test_a_teachers_mistake_still_wins(tmp_path):
    checks = MEAN["checks"] + (
        "\n\n[[check.mistake]]\ncode = '''\npm25 = [52, 54, 28, 17, 10, 11, 10, 10, 10, 17, 28, 38]\nmean = sum(pm25) // len(pm25)\n'''\n"
        'message = "Use / to divide: // throws the decimals away."'
    )
    code = "pm25 = [52, 54, 28, 17, 10, 11, 10, 10, 10, 17, 28, 38]\nmean = int(sum(pm25) / len(pm25))"
    said = message(grade(tmp_path, code, **{**MEAN, "checks": checks}), "mean")
    assert said.endswith("Use / to divide: // throws the decimals away.") and "without its decimal part" not in said


def test_a_pattern_is_named_with_its_line_in_russian(tmp_path):
    code = "pm25 = [52, 54, 28, 17, 10, 11, 10, 10, 10, 17, 28, 38]\nsorted(pm25)\nmean = pm25[0]"
    said = message(grade(tmp_path, code, "ru", **MEAN), "mean")
    assert "Строка 2 вычисляет `sorted(pm25)` и выбрасывает результат" in said
    assert "ожидалось 23,75, а ваш код дал 52." in said


def test_a_value_wrong_because_an_earlier_one_is_says_so(tmp_path):
    checks = '[[check]]\nvalue = "total"\n\n[[check]]\nvalue = "mean"\nmessage = "Divide the total by the count."'
    solution = "pm25 = [52, 54, 28]\ntotal = sum(pm25)\nmean = total / len(pm25)"
    code = "pm25 = [52, 54, 28]\ntotal = sum(pm25[1:])\nmean = total / len(pm25)"
    result = grade(tmp_path, code, ex_id="two", starter="pm25 = [52, 54, 28]", solution=solution, checks=checks)
    assert "`mean` is computed from `total`, which is not right yet" in message(result, "mean")
    assert "Divide the total by the count." not in message(result, "mean")


def test_a_crash_is_explained_in_kazakh_with_its_line(tmp_path):
    code = "pm25 = [52, 54, 28, 17, 10, 11, 10, 10, 10, 17, 28, 38]\nmean = sum(pm25) / len(pm25)\nprint('Mean: ' + mean)"
    said = message(grade(tmp_path, code, "kk", **MEAN), "runs")
    assert said.startswith("3-жол:") and "Мәтінді тек мәтінмен ғана біріктіруге болады" in said
    assert "can only concatenate" not in said


# ---------------------------------------------------------------- causes, not symptoms: a crash below the functions

MEAN_OF = dict(
    ex_id="mean-of",
    starter="def mean_of(values):\n    return 0",
    solution="def mean_of(values):\n    return sum(values) / len(values)",
    checks='[[check]]\nfunction = "mean_of"\ncalls = ["mean_of([1, 2])", "mean_of([52, 54, 28])"]',
)


def test_without_crash_leaves_out_the_line_that_crashed_and_keeps_line_numbers():
    source = "import csv\n\ndef f(x):\n    return x * 2\n\nprint('a' + f(2))\ny = f(3)\n\ndef g(v):\n    return v\n"
    trimmed = without_crash(source, 6)
    assert trimmed == "import csv\n\ndef f(x):\n    return x * 2\n\n\n\n\ndef g(v):\n    return v\n"
    inside = "def f(xs):\n    return xs[10]\n\ndata = [1]\nz = f(data)\nprint(z)\n"
    assert without_crash(inside, 2) == "def f(xs):\n    return xs[10]\n\ndata = [1]\n\n\n"
    assert without_crash("def f():\n    return 1\n", 2) is None  # nothing below calls it: nothing to leave out
    assert without_crash("x = (", 1) is None


def test_a_right_function_is_checked_even_when_a_later_line_crashes(tmp_path):
    code = "def mean_of(values):\n    return sum(values) / len(values)\n\nprint('Mean: ' + mean_of([1, 2]))"
    result = grade(tmp_path, code, **MEAN_OF)
    assert message(result, "runs").startswith("Line 4:")
    assert [f.check for f in result.feedback if f.passed] == ["mean_of"]


def test_a_wrong_function_gets_its_diagnosis_even_when_a_later_line_crashes(tmp_path):
    code = "def mean_of(values):\n    return sum(values) // len(values)\n\nprint('Mean: ' + mean_of([1, 2]))"
    said = message(grade(tmp_path, code, **MEAN_OF), "mean_of")
    assert "`mean_of([1, 2])` should be 1.5, but your code gave 1." in said and "without its decimal part" in said
