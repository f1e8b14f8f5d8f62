"""The parsed course kept in the home (content/course_cache.py): used while nothing it was parsed
from has changed, parsed afresh as soon as anything has, and never a reason to fail."""

from __future__ import annotations

import os

import pytest

import qala.grader.content.course_cache as course_cache
from qala.grader.content.course_cache import cache_file, load_course_cached
from tests.conftest import exercise_text, lesson_text, make_course


@pytest.fixture
def parses(monkeypatch) -> list[str]:
    """Each time the course is really parsed (not unpickled)."""
    seen: list[str] = []
    real = course_cache.load_course

    def load_course(root, *args, **kwargs):
        seen.append(str(root))
        return real(root, *args, **kwargs)

    monkeypatch.setattr(course_cache, "load_course", load_course)
    return seen


@pytest.fixture
def course(tmp_path):
    return make_course(tmp_path / "course", {"sums": lesson_text("sums"), "more": lesson_text("more", exercise_text(ex_id="again"))})


def test_an_unchanged_course_is_parsed_once(course, tmp_path, parses):
    first = load_course_cached(course, tmp_path / "cache")
    second = load_course_cached(course, tmp_path / "cache")
    assert len(parses) == 1 and cache_file(course, tmp_path / "cache").is_file()
    assert second == first and second is not first
    assert sorted(second.lessons) == ["more", "sums"] and second.lesson("sums").exercise("total").solution == first.lesson("sums").exercise("total").solution


def test_an_edited_added_or_removed_lesson_is_parsed_again(course, tmp_path, parses):
    cache = tmp_path / "cache"
    load_course_cached(course, cache)
    lesson = course / "lessons" / "basics" / "sums.md"
    lesson.write_text(lesson.read_text().replace("Lesson sums", "Sums, edited"))
    assert load_course_cached(course, cache).lesson("sums").text("en").title == "Sums, edited"
    (course / "lessons" / "basics" / "sums.ru.md").write_text("not a translation")
    load_course_cached(course, cache)
    (course / "lessons" / "basics" / "more.md").unlink()
    assert "more" not in load_course_cached(course, cache).lessons
    assert len(parses) == 4
    load_course_cached(course, cache)
    assert len(parses) == 4  # and kept again


def test_an_edit_that_keeps_the_size_is_seen_by_its_time(course, tmp_path, parses):
    cache = tmp_path / "cache"
    load_course_cached(course, cache)
    lesson = course / "lessons" / "basics" / "sums.md"
    text = lesson.read_text()
    lesson.write_text(text.replace("Lesson sums", "Lesson SUMS"))  # same length
    stat = lesson.stat()
    os.utime(lesson, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    assert load_course_cached(course, cache).lesson("sums").text("en").title == "Lesson SUMS"


def test_another_course_folder_has_its_own_cache(course, tmp_path, parses):
    other = make_course(tmp_path / "other", {"third": lesson_text("third")})
    cache = tmp_path / "cache"
    assert sorted(load_course_cached(course, cache).lessons) == ["more", "sums"]
    assert sorted(load_course_cached(other, cache).lessons) == ["third"]
    assert sorted(load_course_cached(course, cache).lessons) == ["more", "sums"]
    assert len(parses) == 2


def test_a_damaged_cache_is_parsed_over(course, tmp_path, parses):
    cache = tmp_path / "cache"
    load_course_cached(course, cache)
    cache_file(course, cache).write_bytes(b"\x80\x05 not a pickle at all")
    assert sorted(load_course_cached(course, cache).lessons) == ["more", "sums"]
    assert len(parses) == 2
    load_course_cached(course, cache)
    assert len(parses) == 2  # rewritten


def test_a_cache_that_cannot_be_written_only_costs_time(course, tmp_path, parses):
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the cache folder would be")
    assert sorted(load_course_cached(course, blocked / "cache").lessons) == ["more", "sums"]
    assert sorted(load_course_cached(course, blocked / "cache").lessons) == ["more", "sums"]
    assert len(parses) == 2
    assert not list(tmp_path.glob("**/*.tmp"))


def test_without_a_cache_folder_the_course_is_always_parsed(course, parses):
    load_course_cached(course, None)
    load_course_cached(course, None)
    assert len(parses) == 2
