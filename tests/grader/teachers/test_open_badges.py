"""Earned badges leave Qala as Open Badges 3.0 credentials, in the learner's language."""

from __future__ import annotations

import base64
import json

from qala.grader.content.course_file import load_course
from qala.grader.progress.open_badges import credential
from tests.conftest import lesson_text, make_course, run_qala

RIGHT = "numbers = [1, 2, 3]\ntotal = sum(numbers)"


def earn_a_badge(tmp_path, home):
    course = make_course(tmp_path / "course", {"sums": lesson_text()})
    toml = course / "course" / "course.toml"
    text = toml.read_text(encoding="utf-8").replace(
        'title = { en = "First step" }\ndescription = { en = "Pass one exercise." }',
        'title = { en = "First step", ru = "Первый шаг", kk = "Алғашқы қадам" }\n'
        'description = { en = "Pass one exercise.", ru = "Решите одно упражнение.", kk = "Бір жаттығуды орындаңыз." }',
    )
    toml.write_text(text, encoding="utf-8")
    (tmp_path / "mine.py").write_text(RIGHT, encoding="utf-8")
    assert run_qala("check", "sums", "total", str(tmp_path / "mine.py"), "--course", str(course), home=home).returncode == 0
    return course


def test_earned_badges_are_written_as_open_badges_3_credentials(tmp_path, home):
    course = earn_a_badge(tmp_path, home)
    out = tmp_path / "wallet"
    result = run_qala("badges", "--open-badges", "--out", str(out), "--name", "Айгерим", "--lang", "ru", "--course", str(course), home=home)
    assert result.returncode == 0, result.stderr
    assert "не подписаны" in result.stdout  # the note that they are unsigned, in the chosen language
    assert sorted(p.name for p in out.iterdir()) == ["basics-done.json", "first-step.json"]
    badge = json.loads((out / "first-step.json").read_text(encoding="utf-8"))
    assert badge["@context"] == ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]
    assert badge["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert badge["id"].startswith("urn:uuid:") and "proof" not in badge
    assert badge["issuer"] == {"id": "urn:qala:course:test-course", "type": ["Profile"], "name": "Тестовый курс"}
    subject = badge["credentialSubject"]
    assert subject["type"] == ["AchievementSubject"]
    assert subject["identifier"] == [{"type": "IdentityObject", "identityType": "name", "hashed": False, "identityHash": "Айгерим"}]
    achievement = subject["achievement"]
    assert achievement["type"] == ["Achievement"] and achievement["id"] == "urn:qala:course:test-course:badge:first-step"
    assert (achievement["name"], achievement["description"], achievement["criteria"]) == (
        "Первый шаг",
        "Решите одно упражнение.",
        {"narrative": "Решите одно упражнение."},
    )
    assert achievement["inLanguage"] == "ru"
    assert achievement["image"]["id"].startswith("data:image/svg+xml;base64,")
    base64.b64decode(achievement["image"]["id"].split(",", 1)[1]).decode("utf-8")
    # validFrom is when the badge was earned, in UTC.
    progress = json.loads(run_qala("progress", "--json", "--course", str(course), home=home).stdout)
    earned = next(b["earned_at"] for b in progress["badges"] if b["id"] == "first-step")
    assert badge["validFrom"].endswith("Z") and badge["validFrom"][:16] == earned[:16]


def test_a_missing_translation_falls_back_to_english_and_ids_stay_stable(tmp_path, home):
    course = earn_a_badge(tmp_path, home)
    loaded, _ = load_course(course)
    done = next(b for b in loaded.info.badges if b.id == "basics-done")
    kk = credential(loaded.info, done, "2025-03-03T10:00:00+05:00", "Айгерим", "kk")
    assert kk["credentialSubject"]["achievement"]["name"] == "Basics done"  # no Kazakh text in this course
    assert kk["validFrom"] == "2025-03-03T05:00:00Z"
    assert kk["id"] == credential(loaded.info, done, "2025-03-03T10:00:00+05:00", "Айгерим", "kk")["id"]
    assert kk["id"] != credential(loaded.info, done, "2025-03-03T10:00:00+05:00", "Other", "kk")["id"]


def test_the_badges_command_lists_badges_and_needs_a_name_for_credentials(tmp_path, home):
    course = earn_a_badge(tmp_path, home)
    listing = run_qala("badges", "--json", "--course", str(course), home=home)
    assert [b["id"] for b in json.loads(listing.stdout)["badges"]] == ["first-step", "basics-done"]
    nameless = run_qala("badges", "--open-badges", "--out", str(tmp_path / "w"), "--course", str(course), home=home)
    assert nameless.returncode == 2 and "--name" in nameless.stderr
    empty = run_qala("badges", "--open-badges", "--name", "A", "--out", str(tmp_path / "w"), "--course", str(course), home=tmp_path / "fresh")
    assert empty.returncode == 0 and "No badges yet" in empty.stdout
