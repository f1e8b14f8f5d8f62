"""Every kind of check, passing and failing, with the feedback a learner would read."""

from __future__ import annotations

from qala.grader.content.course_file import load_course
from qala.grader.i18n import Translator
from qala.grader.judge.grading import Grader
from qala.grader.run.launch import ProcessRunner
from tests.conftest import exercise_text, lesson_text, make_course


def grade(tmp_path, code: str, lang: str = "en", **exercise):
    make_course(tmp_path, {"sums": lesson_text(exercises=exercise_text(**exercise))})
    course, problems = load_course(tmp_path)
    assert [p for p in problems if not p.warning] == []
    lesson = course.lessons["sums"]
    grader = Grader(course, ProcessRunner(), tmp_path / "cache")
    return grader.grade(lesson, lesson.exercises[0], code, Translator(lang))


def feedback(result, check: str) -> str:
    return next(f.message for f in result.feedback if f.check == check)


def test_value_check_passes_the_same_value_by_another_route(tmp_path):
    result = grade(tmp_path, "numbers = [1, 2, 3]\ntotal = 0\nfor n in numbers:\n    total += n")
    assert result.passed, result.feedback


def test_value_check_says_what_was_expected_and_what_came_out(tmp_path):
    result = grade(tmp_path, "numbers = [1, 2, 3]\ntotal = len(numbers) * 10")
    assert not result.passed
    assert feedback(result, "total") == "`total` should be 6, but your code gave 30. Add the numbers up."


def test_value_check_names_a_missing_variable(tmp_path):
    result = grade(tmp_path, "numbers = [1, 2, 3]\nTotal = sum(numbers)")
    assert "does not create a variable named `total`" in feedback(result, "total")


def test_value_check_tolerance_and_type(tmp_path):
    checks = '[[check]]\nvalue = "mean"\ntolerance = 0.01'
    solution = "mean = 2 / 3"
    assert grade(tmp_path, "mean = 0.667", solution=solution, starter="mean = 0", checks=checks).passed
    assert not grade(tmp_path, "mean = 0.68", solution=solution, starter="mean = 0", checks=checks).passed
    wrong_type = grade(tmp_path, "mean = '0.667'", solution=solution, starter="mean = 0", checks=checks)
    assert "should be a number, but your code gave a text" in feedback(wrong_type, "mean")


def test_value_check_in_order_or_not(tmp_path):
    solution = "names = ['Almaly', 'Auezov', 'Medeu']"
    ordered = '[[check]]\nvalue = "names"'
    unordered = '[[check]]\nvalue = "names"\nordered = false'
    shuffled = "names = ['Medeu', 'Almaly', 'Auezov']"
    result = grade(tmp_path, shuffled, solution=solution, starter="names = []", checks=ordered)
    assert "right items in a different order (the first difference is at position 0)" in feedback(result, "names")
    assert grade(tmp_path, shuffled, solution=solution, starter="names = []", checks=unordered).passed
    short = grade(tmp_path, "names = ['Medeu']", solution=solution, starter="names = []", checks=unordered)
    assert "should have 3 items, but yours has 1" in feedback(short, "names")


def test_value_check_on_dicts(tmp_path):
    solution = "counts = {'bus': 3, 'metro': 1}"
    checks = '[[check]]\nvalue = "counts"'
    assert grade(tmp_path, "counts = dict(metro=1, bus=3)", solution=solution, starter="counts = {}", checks=checks).passed
    result = grade(tmp_path, "counts = {'bus': 3, 'tram': 1}", solution=solution, starter="counts = {}", checks=checks)
    assert "missing: 'metro'" in feedback(result, "counts") and "not expected: 'tram'" in feedback(result, "counts")


def test_a_typical_mistake_gets_its_own_message(tmp_path):
    checks = (
        '[[check]]\nvalue = "total"\nmessage = "Add the numbers up."\n\n'
        "[[check.mistake]]\ncode = '''\nnumbers = [1, 2, 3]\ntotal = len(numbers)\n'''\n"
        'message = "You counted the numbers instead of adding them."'
    )
    result = grade(tmp_path, "numbers = [1, 2, 3]\ntotal = 3", checks=checks)
    assert feedback(result, "total") == "`total` should be 6, but your code gave 3. You counted the numbers instead of adding them."
    other = grade(tmp_path, "numbers = [1, 2, 3]\ntotal = 5", checks=checks)
    assert feedback(other, "total").endswith("Add the numbers up.")


def test_function_check_calls_hidden_inputs(tmp_path):
    solution = "def double(x):\n    return x * 2"
    checks = '[[check]]\nfunction = "double"\ncalls = ["double(2)", "double(-1.5)", "double(\'ab\')"]'
    starter = "def double(x):\n    return x"
    assert grade(tmp_path, "double = lambda x: x + x", solution=solution, starter=starter, checks=checks).passed
    wrong = grade(tmp_path, "def double(x):\n    return x ** 2", solution=solution, starter=starter, checks=checks)
    assert feedback(wrong, "double") == "`double(-1.5)` should be -3, but your code gave 2.25."
    crash = grade(tmp_path, "def double(x):\n    return x * y", solution=solution, starter=starter, checks=checks)
    assert "`double(2)` stopped with NameError" in feedback(crash, "double")
    missing = grade(tmp_path, "def twice(x):\n    return 2 * x", solution=solution, starter=starter, checks=checks)
    assert "does not define a function named `double`" in feedback(missing, "double")


def test_output_check_modes(tmp_path):
    solution = "print('Mean:', round(23.75, 1))\nprint('done')"
    lines = "[[check]]\noutput = true"
    numbers = '[[check]]\noutput = true\nmatch = "numbers"'
    assert grade(tmp_path, "print('Mean: 23.8')\nprint('done')", solution=solution, starter="", checks=lines).passed
    result = grade(tmp_path, "print('Mean: 23.7')\nprint('done')", solution=solution, starter="", checks=lines)
    assert feedback(result, "output") == "Line 1 of what you print should be “Mean: 23.8”, but it is “Mean: 23.7”."
    assert grade(tmp_path, "print('The mean is', 23.8)", solution=solution, starter="", checks=numbers).passed
    silent = grade(tmp_path, "x = 23.8", solution=solution, starter="", checks=numbers)
    assert "printed nothing" in feedback(silent, "output")


def test_structure_checks(tmp_path):
    solution = "numbers = [1, 2, 3]\ntotal = 0\nfor n in numbers:\n    total += n"
    checks = '[[check]]\nuses = ["for"]\n\n[[check]]\nforbids = ["sum"]\nmessage = "Add them one by one."'
    result = grade(tmp_path, "numbers = [1, 2, 3]\ntotal = sum(numbers)", solution=solution, checks=checks)
    assert feedback(result, "uses-for") == "Your code should use `for`."
    assert feedback(result, "forbids-sum") == "This exercise asks you not to use `sum`. Add them one by one."
    assert grade(tmp_path, "numbers = [1, 2, 3]\ntotal = 0\nfor n in numbers:\n    total = total + n", solution=solution, checks=checks).passed


def test_no_hardcoded_answers(tmp_path):
    checks = '[[check]]\nvalue = "total"\n\n[[check]]\nno_hardcoded = "total"'
    result = grade(tmp_path, "numbers = [1, 2, 3]\ntotal = 6", checks=checks)
    # Right for the numbers shown, wrong on the hidden variant of `numbers` (judge/variants.py).
    assert feedback(result, "total").startswith("`total` is right for these data, but not when the data change")
    assert "typed the answer (6)" in feedback(result, "computed-total")
    assert not result.passed


def test_assert_check_runs_in_the_trusted_process_on_plain_values(tmp_path):
    checks = '[[check]]\nassert = "total > 5 and len(numbers) == 3"\nmessage = "Keep all three numbers."'
    assert grade(tmp_path, "numbers = [1, 2, 3]\ntotal = sum(numbers)", checks=checks).passed
    result = grade(tmp_path, "numbers = [1, 2]\ntotal = 6", checks=checks)
    assert feedback(result, "assert") == "Check failed: `total > 5 and len(numbers) == 3` Keep all three numbers."


def test_an_error_in_learner_code_reports_their_own_line(tmp_path):
    result = grade(tmp_path, "numbers = [1, 2, 3]\n\ntotal = sum(numbrs)")
    runs = feedback(result, "runs")
    assert runs.startswith("Line 3: `total = sum(numbrs)` NameError: name 'numbrs' is not defined.")
    assert feedback(result, "total") == "Not checked yet: first make your code run without errors."


def test_a_syntax_error_reports_the_line(tmp_path):
    result = grade(tmp_path, "numbers = [1, 2, 3\ntotal = 6\n")
    assert not result.passed
    assert feedback(result, "runs").startswith("Line 1:")
    assert "SyntaxError" in feedback(result, "runs")


def test_an_endless_loop_is_stopped(tmp_path):
    checks = 'timeout = 1\n\n[[check]]\nvalue = "total"'
    result = grade(tmp_path, "while True:\n    pass", checks=checks)
    assert not result.passed
    assert "took too long" in feedback(result, "runs")


def test_setup_code_runs_before_the_learners(tmp_path):
    result = grade(tmp_path, "total = sum(numbers)", setup="numbers = [4, 5]", solution="total = sum(numbers)", starter="total = 0")
    assert result.passed, result.feedback


def test_feedback_arrives_in_russian_and_kazakh(tmp_path):
    ru = grade(tmp_path, "numbers = [1, 2, 3]\ntotal = 30", lang="ru")
    kk = grade(tmp_path, "numbers = [1, 2, 3]\ntotal = 30", lang="kk")
    assert "should be" not in feedback(ru, "total") and "30" in feedback(ru, "total")
    assert "should be" not in feedback(kk, "total") and "30" in feedback(kk, "total")


def test_a_crash_that_a_typical_mistake_also_makes_is_named(tmp_path):
    checks = (
        '[[check]]\nvalue = "last"\n\n'
        "[[check.mistake]]\ncode = '''\nnumbers = [1, 2, 3]\nlast = numbers[len(numbers)]\n'''\n"
        'message = "Positions end one before the length: the last item is numbers[len(numbers) - 1]."'
    )
    result = grade(
        tmp_path,
        "numbers = [1, 2, 3]\nlast = numbers[3]",
        checks=checks,
        starter="numbers = [1, 2, 3]\nlast = 0",
        solution="numbers = [1, 2, 3]\nlast = numbers[-1]",
    )
    runs = feedback(result, "runs")
    assert runs.startswith("Line 2: `last = numbers[3]` IndexError: list index out of range.")
    assert runs.endswith("the last item is numbers[len(numbers) - 1].")


def test_the_untouched_starter_is_not_told_it_made_a_mistake(tmp_path):
    checks = (
        '[[check]]\nvalue = "total"\nmessage = "Add the numbers up."\n\n'
        "[[check.mistake]]\ncode = '''\nnumbers = [1, 2, 3]\ntotal = 0\nfor n in numbers:\n    pass\n'''\n"
        'message = "Your loop never adds anything to total."'
    )
    starter = "numbers = [1, 2, 3]\ntotal = 0"
    untouched = grade(tmp_path, starter, checks=checks, starter=starter)
    assert feedback(untouched, "total") == "`total` should be 6, but your code gave 0. Add the numbers up."
    tried = grade(tmp_path, "numbers = [1, 2, 3]\ntotal = 0\nfor n in numbers:\n    total == total + n", checks=checks, starter=starter)
    assert feedback(tried, "total").endswith("Your loop never adds anything to total.")  # same value, but written


def test_counter_and_defaultdict_answers_count_as_dictionaries(tmp_path):
    solution = "counts = {'bus': 2, 'metro': 1}"
    checks = '[[check]]\nvalue = "counts"'
    learner = "from collections import Counter\ncounts = Counter(['bus', 'metro', 'bus'])"
    assert grade(tmp_path, learner, solution=solution, starter="counts = {}", checks=checks).passed
    learner = "from collections import defaultdict\ncounts = defaultdict(int)\nfor m in ['bus', 'metro', 'bus']:\n    counts[m] += 1"
    assert grade(tmp_path, learner, solution=solution, starter="counts = {}", checks=checks).passed


def test_arithmetic_on_typed_numbers_is_still_a_typed_answer(tmp_path):
    checks = '[[check]]\nvalue = "total"\n\n[[check]]\nno_hardcoded = "total"'
    result = grade(tmp_path, "numbers = [1, 2, 3]\ntotal = 2 * 3", checks=checks)
    assert "typed the answer (6)" in feedback(result, "computed-total")


def test_an_if_inside_a_comprehension_counts_as_using_if(tmp_path):
    checks = '[[check]]\nvalue = "big"\n\n[[check]]\nuses = ["if"]'
    solution = "numbers = [1, 5, 9]\nbig = []\nfor n in numbers:\n    if n > 4:\n        big.append(n)"
    result = grade(
        tmp_path, "numbers = [1, 5, 9]\nbig = [n for n in numbers if n > 4]", solution=solution, starter="numbers = [1, 5, 9]\nbig = []", checks=checks
    )
    assert result.passed, result.feedback


def test_big_numbers_are_shown_with_thousands_separators(tmp_path):
    checks = '[[check]]\nvalue = "trips"'
    result = grade(tmp_path, "trips = 1_960_000.5", solution="trips = 1_000_000 / 0.51", starter="trips = 0", checks=checks)
    assert feedback(result, "trips") == "`trips` should be 1,960,784.31, but your code gave 1,960,000.5."


def test_a_deliberately_naive_starter_still_hears_about_its_mistake(tmp_path):
    checks = (
        '[[check]]\nvalue = "total"\n\n'
        "[[check.mistake]]\ncode = '''\nnumbers = [1, 2, 3]\ntotal = len(numbers)\n'''\n"
        'message = "len() counts the numbers; sum() adds them."'
    )
    starter = "numbers = [1, 2, 3]\ntotal = len(numbers)"
    result = grade(tmp_path, starter, checks=checks, starter=starter)
    assert feedback(result, "total").endswith("len() counts the numbers; sum() adds them.")


def test_a_check_with_reveal_false_never_shows_what_was_expected(tmp_path):
    """For an exam, or a notebook's hidden tests: a failing check says which name is wrong and
    the teacher's message, never the expected value, the hidden input or the check's expression."""
    value = grade(tmp_path, "numbers = [1, 2, 3]\ntotal = 30", checks='[[check]]\nvalue = "total"\nreveal = false\nmessage = "Add the numbers up."')
    assert feedback(value, "total") == "`total` is not right yet. Add the numbers up."

    solution, starter = "def double(x):\n    return x * 2", "def double(x):\n    return x"
    checks = '[[check]]\nfunction = "double"\ncalls = ["double(2)", "double(-1.5)"]\nreveal = false'
    wrong = grade(tmp_path, "def double(x):\n    return x ** 2", solution=solution, starter=starter, checks=checks)
    assert feedback(wrong, "double") == "`double` gives a wrong answer for one of the hidden inputs."
    crash = grade(tmp_path, "def double(x):\n    return 1 / (x - 2)", solution=solution, starter=starter, checks=checks)
    assert feedback(crash, "double").startswith("`double` stopped with ZeroDivisionError on one of the hidden inputs.")
    assert grade(tmp_path, "double = lambda x: x + x", solution=solution, starter=starter, checks=checks).passed

    output = grade(tmp_path, "print('Mean: 23.7')", solution="print('Mean: 23.8')", starter="", checks="[[check]]\noutput = true\nreveal = false")
    assert feedback(output, "output") == "What your code prints is not right yet."

    asserted = '[[check]]\nassert = "total == 6"\nreveal = false\nmessage = "Keep all three numbers."'
    assert feedback(grade(tmp_path, "numbers = [1, 2]\ntotal = 3", checks=asserted), "assert") == "A hidden check failed. Keep all three numbers."
    passed = grade(tmp_path, "numbers = [1, 2, 3]\ntotal = sum(numbers)", checks=asserted)
    assert passed.passed and feedback(passed, "assert") == "A hidden check passed."
    for result in (value, wrong, crash, output):
        text = " ".join(f.message for f in result.feedback)
        assert not any(secret in text for secret in ("6", "-3", "double(2)", "double(-1.5)", "23.8")), text


def test_reveal_must_be_true_or_false(tmp_path):
    make_course(tmp_path, {"sums": lesson_text(exercises=exercise_text(checks='[[check]]\nvalue = "total"\nreveal = "no"'))})
    _, problems = load_course(tmp_path)
    assert any("reveal must be true or false" in p.message and not p.warning for p in problems), [str(p) for p in problems]


def test_every_check_kind_has_one_spec_and_one_judge():
    """A new check kind is one entry in each table: the lesson format's and the judge's."""
    from qala.grader.content.model import CHECK_KINDS, CHECK_SPECS, CheckKind
    from qala.grader.judge.checks import JUDGES

    assert set(CHECK_SPECS) == set(CheckKind) == set(JUDGES)
    assert CHECK_KINDS == tuple(kind.value for kind in CheckKind)
    for kind, spec in CHECK_SPECS.items():
        assert spec.target in ("name", "names", "expression", "true"), kind
        assert spec.captures in (None, "target", "expression-names", "calls", "charts"), kind
