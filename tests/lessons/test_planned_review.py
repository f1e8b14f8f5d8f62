"""Issue 15.5: a data trap is TAUGHT once (course.toml [[trap]] taught_in) and every later lesson
that meets it brings it back as planned review (front matter ``reviews``) instead of explaining it
again as if it were new.

The phrases below are the ones an explanation of each trap uses. A lesson whose prose (code left
out) says one of them must be the trap's teaching lesson or declare that it reviews the trap; a
reviewing lesson names the teaching lesson, says it is a review, requires it, and its translations
do the same in their language."""

from __future__ import annotations

import re

import pytest

from qala.grader.content.course_file import bundled_course_root, load_course

EXPLAINS = {
    "missing-sentinel": [r"\bnot (?:a )?measurements?\b", r"\berror codes? (?:such as|of) `?-999", r"logger writes that code", r"\bsentinel"],
    "mg-to-ug": [r"\bone milligram is\b", r"\b1,000 micrograms\b", r"\bthousand (?:times smaller|µg)"],
    "thousands-of-tonnes": [r"\bthousands of tonnes\b", r"\b9\.4 means\b"],
    "kg-for-tonnes": [r"\bkilograms\W{0,3} instead of tonnes", r"\btyped in kilograms\b", r"\bmust be in kilograms\b"],
    "per-person-tier": [r"\btiers? count[^.]{0,40}per person", r"\blimits are per person\b", r"\btier 1 up to\b"],
    "clock-change": [r"\bmoved (?:its clocks )?from UTC\+6 to UTC\+5", r"\bhour (?:that )?happened twice\b", r"\bfrom 23:00 to midnight twice\b"],
}
REVIEW_WORD = {"en": "review", "ru": "повторени", "kk": "қайтала"}


@pytest.fixture(scope="module")
def course():
    loaded, problems = load_course(bundled_course_root())
    assert [str(p) for p in problems if not p.warning] == []
    return loaded


def prose(path) -> str:
    """A lesson file without its front matter and its fenced code (starter, solution, checks)."""
    body = path.read_text(encoding="utf-8").split("+++", 2)[2]
    return " ".join(re.sub(r"```.*?```", "", body, flags=re.S).split())


def explained(text: str, trap_id: str) -> list[str]:
    return [m.group(0) for pattern in EXPLAINS[trap_id] for m in re.finditer(pattern, text, flags=re.I)]


def short_title(course, lesson_id: str, language: str) -> str:
    """The part of a lesson's title before its colon: how another lesson names it."""
    return " ".join(course.lesson(lesson_id).text(language).title.split(":")[0].split())


def test_every_trap_of_the_course_has_its_explanation_phrases_here(course):
    assert {trap.id for trap in course.info.traps} == set(EXPLAINS)


def test_the_teaching_lesson_explains_its_trap(course):
    for trap in course.info.traps:
        assert explained(prose(course.lesson(trap.taught_in).path), trap.id), f"{trap.taught_in} no longer explains {trap.id}"


def test_only_the_teaching_lesson_explains_a_trap_as_new(course):
    """The accidental repeats of issue 15: the same explanation again in a later lesson."""
    repeats = []
    for trap in course.info.traps:
        for lesson in course.lessons.values():
            if lesson.id == trap.taught_in or trap.id in lesson.reviews:
                continue
            found = explained(prose(lesson.path), trap.id)
            if found:
                repeats.append(f"{lesson.id} explains {trap.id} again ({found[0]!r}): review it on purpose or leave it out")
    assert repeats == []


@pytest.mark.parametrize("language", ["en", "ru", "kk"])
def test_a_review_names_its_teaching_lesson_says_it_is_a_review_and_requires_it(course, language):
    traps = {trap.id: trap for trap in course.info.traps}
    wrong = []
    for lesson in course.lessons.values():
        path = lesson.path if language == "en" else lesson.path.with_name(f"{lesson.id}.{language}.md")
        text = prose(path) if lesson.reviews else ""
        for trap_id in lesson.reviews:
            taught = traps[trap_id].taught_in
            if taught not in lesson.requires:
                wrong.append(f"{lesson.id} reviews {trap_id} but does not require {taught}")
            if short_title(course, taught, language) not in text:
                wrong.append(f"{path.name} reviews {trap_id} without naming «{short_title(course, taught, language)}»")
            if REVIEW_WORD[language] not in text.lower():
                wrong.append(f"{path.name} reviews {trap_id} without saying it is a review")
    assert wrong == []
