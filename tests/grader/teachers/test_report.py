"""`qala export` → `qala report` for a whole class: every attempt is regraded with the teacher's
course, claims are never trusted, and a malformed or hostile file is reported, not fatal."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from qala.grader.engine import Engine
from tests.conftest import REPO, exercise_text, lesson_text, run_qala

COURSE_TOML = """
[course]
id = "class-7b"
title = { en = "Class 7B: city data", ru = "7Б: данные города" }
languages = ["en"]

[[track]]
id = "first-steps"
title = { en = "First steps" }
lessons = ["monthly-air"]

[[track]]
id = "basics"
title = { en = "Basics" }
lessons = ["sums"]

[[level]]
xp = 0
title = { en = "Newcomer" }

[[badge]]
id = "first-step"
title = { en = "First step" }
description = { en = "Pass one exercise." }
rule = { kind = "exercises_passed", count = 1 }

[[badge]]
id = "lesson-learned"
title = { en = "Lesson learned" }
description = { en = "Finish a lesson." }
rule = { kind = "lessons_completed", count = 1 }
"""

PM = "pm25 = [52, 54, 28, 17, 10, 11, 10, 10, 10, 17, 28, 38]\n"
CODE = {
    ("monthly-air", "january", "right"): PM + "january = pm25[0]",
    ("monthly-air", "january", "wrong"): PM + "january = pm25[1]",
    ("monthly-air", "yearly-mean", "right"): PM + "mean_pm25 = sum(pm25) / len(pm25)\nprint(round(mean_pm25, 1))",
    ("monthly-air", "yearly-mean", "wrong"): PM + "mean_pm25 = sum(pm25)\nprint(mean_pm25)",
    ("monthly-air", "smoky-months", "right"): PM + "smoky_months = 0\nfor value in pm25:\n    if value > 15:\n        smoky_months += 1",
    ("monthly-air", "season-mean", "right"): PM
    + "def season_mean(values, months):\n    return sum(values[m - 1] for m in months) / len(months)\n\nwinter = season_mean(pm25, [12, 1, 2])\nsummer = season_mean(pm25, [6, 7, 8])",
    ("monthly-air", "first-items", "right"): "54\n90\n12\n",  # a prediction: regraded by its kind, against the program's output
    ("sums", "total", "right"): "numbers = [1, 2, 3]\ntotal = sum(numbers)",
    ("sums", "total", "wrong"): "numbers = [1, 2, 3]\ntotal = len(numbers)",
}
LEARNERS = 32


def plan(i: int) -> list[tuple[str, str, str]]:
    """Learner i's attempts: a mix of right and wrong code, some never getting there."""
    steps = []
    steps += [("monthly-air", "january", "wrong")] * (i % 3) + [("monthly-air", "january", "right")] * (i % 7 != 0)
    steps += [("monthly-air", "yearly-mean", "wrong")] * (1 + i % 4) + [("monthly-air", "yearly-mean", "right")] * (i % 5 != 0)
    if i % 4 != 3:
        steps += [("monthly-air", "smoky-months", "right"), ("monthly-air", "season-mean", "right"), ("monthly-air", "first-items", "right")]
    steps += [("sums", "total", "wrong")] * (i % 2) + [("sums", "total", "right")]
    return steps


@pytest.fixture(scope="module")
def classroom(tmp_path_factory) -> dict:
    """A course, 32 learners who worked through it with the real engine, and their exports."""
    root = tmp_path_factory.mktemp("classroom")
    course = root / "course"
    (course / "course").mkdir(parents=True)
    (course / "course" / "course.toml").write_text(COURSE_TOML, encoding="utf-8")
    (course / "lessons" / "first-steps").mkdir(parents=True)
    (course / "lessons" / "basics").mkdir(parents=True)
    (course / "lessons" / "datasets").mkdir(parents=True)
    shutil.copy(REPO / "lessons" / "first-steps" / "monthly-air.md", course / "lessons" / "first-steps")
    sums = lesson_text(exercises=exercise_text(checks='timeout = 2\n\n[[check]]\nvalue = "total"\nmessage = "Add the numbers up."'))
    (course / "lessons" / "basics" / "sums.md").write_text(sums, encoding="utf-8")
    exports = root / "exports"
    exports.mkdir()

    def learner(i: int) -> Path:
        day = [dt.datetime(2025, 3, 3, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=5)))]

        def clock():
            day[0] += dt.timedelta(hours=7)
            return day[0]

        engine = Engine(course, root / "homes" / f"l{i}", language="en", clock=clock)
        try:
            for n, (lesson, exercise, which) in enumerate(plan(i)):
                if i % 6 == 0 and n == 0:
                    engine.hint(lesson, exercise)
                engine.check(lesson, exercise, CODE[(lesson, exercise, which)])
            path = exports / f"learner-{i:02d}.json"
            path.write_text(json.dumps(engine.export(f"Learner {i:02d}"), ensure_ascii=False), encoding="utf-8")
            return path
        finally:
            engine.close()

    with ThreadPoolExecutor(max_workers=4) as pool:
        files = list(pool.map(learner, range(LEARNERS)))

    # Two more, the way a learner really does it: `qala check` and `qala export` in a terminal.
    for name in ("Айгерим Сапарова", "Daniyar <script>alert(1)</script>"):
        home = root / "homes" / name.split()[0]
        (root / "answer.py").write_text(CODE[("sums", "total", "right")], encoding="utf-8")
        checked = run_qala("check", "sums", "total", str(root / "answer.py"), "--course", str(course), home=home)
        assert checked.returncode == 0, checked.stdout + checked.stderr
        out = exports / f"cli-{name.split()[0].lower()}.json"
        exported = run_qala("export", "--name", name, "--out", str(out), "--course", str(course), home=home)
        assert exported.returncode == 0, exported.stderr
        files.append(out)
    return {"course": course, "root": root, "exports": exports, "files": files}


def tamper(source: Path, target: Path, change) -> Path:
    data = json.loads(source.read_text(encoding="utf-8"))
    change(data)
    target.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return target


@pytest.fixture(scope="module")
def tampered(classroom) -> dict:
    """Files whose claims were edited after the fact, and files that are not exports at all."""
    honest = classroom["files"]
    bad = classroom["root"] / "bad"
    bad.mkdir()

    def claim_wrong_pass(data):  # a failed attempt edited to "passed"
        attempt = next(a for a in data["attempts"] if not a["passed"])
        attempt["passed"], attempt["xp"] = True, 15
        data["learner"]["name"] = "Tampered: claims a pass"

    def claim_with_wrong_code(data):  # a pass kept, but the code swapped for a wrong one
        attempt = next(a for a in data["attempts"] if a["passed"] and a["exercise"] == "total")
        attempt["code"] = CODE[("sums", "total", "wrong")]
        data["learner"]["name"] = "Tampered: wrong code"

    def edited_xp(data):  # a pass with its XP inflated, and the total too
        attempt = next(a for a in data["attempts"] if a["passed"])
        attempt["xp"] = 100
        data["progress"]["xp"] = 999
        data["learner"]["name"] = "Tampered: XP"

    def from_another_version(data):  # an exercise this course does not have (any more)
        data["attempts"].append(dict(data["attempts"][0], lesson="old-lesson", exercise="gone"))
        data["learner"]["name"] = "Other version"

    def endless_loop(data):  # hostile code claiming a pass: the sandbox stops it, the regrade says no
        attempt = next(a for a in data["attempts"] if a["passed"] and a["exercise"] == "total")
        attempt["code"] = "while True:\n    pass"
        data["learner"]["name"] = "Loops forever"

    made = {
        "claim": tamper(honest[1], bad / "claim.json", claim_wrong_pass),
        "code": tamper(honest[2], bad / "code.json", claim_with_wrong_code),
        "xp": tamper(honest[3], bad / "xp.json", edited_xp),
        "version": tamper(honest[4], bad / "version.json", from_another_version),
        "loop": tamper(honest[5], bad / "loop.json", endless_loop),
    }
    broken = {
        "not json": b"{this is not json",
        "not an object": b"[1, 2, 3]",
        "another format": json.dumps({"format": "something-else"}).encode(),
        "newer version": json.dumps({"format": "qala-export", "version": 99}).encode(),
        "code not text": json.dumps(
            {
                "format": "qala-export",
                "version": 1,
                "course": "class-7b",
                "learner": {"name": "X"},
                "attempts": [
                    {
                        "lesson": "sums",
                        "exercise": "total",
                        "code": 5,
                        "passed": True,
                        "xp": 1,
                        "hints_used": 0,
                        "at": "2025-01-01T00:00:00+00:00",
                        "local_date": "2025-01-01",
                    }
                ],
            }
        ).encode(),
        "nested too deep": b"[" * 200_000,
        "binary": bytes(range(256)),
        "huge number": b'{"format": "qala-export", "version": ' + b"9" * 5000 + b"}",
        "other course": json.dumps({"format": "qala-export", "version": 1, "course": "someone-elses", "learner": {"name": "Y"}, "attempts": []}).encode(),
    }
    for name, content in broken.items():
        (bad / f"{name.replace(' ', '-')}.json").write_bytes(content)
    return {"made": made, "broken": {name: bad / f"{name.replace(' ', '-')}.json" for name in broken}}


@pytest.fixture(scope="module")
def report(classroom, tampered, tmp_path_factory) -> dict:
    out = tmp_path_factory.mktemp("report")
    honest = classroom["files"][6:]
    files = [*honest, *tampered["made"].values(), *tampered["broken"].values(), out / "missing.json"]
    result = run_qala("report", *map(str, files), "--course", str(classroom["course"]), "--json", "--html", str(out / "class.html"), home=out / "home")
    assert result.returncode == 1, result.stderr  # some files could not be read; the rest is reported
    return {"json": json.loads(result.stdout), "html": (out / "class.html").read_text(encoding="utf-8"), "honest": honest, "tampered": tampered}


def test_the_whole_class_is_regraded_and_honest_files_agree_with_their_regrade(report):
    data = report["json"]
    names = {learner["name"] for learner in data["learners"]}
    assert len(data["learners"]) == len(report["honest"]) + 5 >= 30
    assert "Айгерим Сапарова" in names and "Daniyar <script>alert(1)</script>" in names
    honest = [learner for learner in data["learners"] if not learner["name"].startswith(("Tampered", "Other", "Loops"))]
    for learner in honest:
        assert learner["disagreements"] == 0, learner
        assert learner["xp"] == learner["claimed_xp"], learner
        assert sorted(learner["badges"]) == sorted(learner["claimed_badges"]), learner
    assert data["totals"]["programs_regraded"] <= 13  # the same program is run once, however many send it


def test_who_finished_what_follows_each_learners_work(report):
    by_name = {learner["name"]: learner for learner in report["json"]["learners"]}
    for i in range(6, LEARNERS):
        learner = by_name[f"Learner {i:02d}"]
        done_air = i % 7 != 0 and i % 5 != 0 and i % 4 != 3
        assert learner["lessons"].get("monthly-air") == ("done" if done_air else "started"), (i, learner)
        assert learner["lessons"]["sums"] == "done"
        assert learner["passed"] == (i % 7 != 0) + (i % 5 != 0) + 3 * (i % 4 != 3) + 1


def test_the_report_shows_where_the_class_struggles(report):
    data = report["json"]
    hardest = data["struggles"][0]
    assert (hardest["lesson"], hardest["exercise"]) == ("monthly-air", "yearly-mean")
    mean = next(e for e in data["exercises"] if e["exercise"] == "yearly-mean")
    assert mean["common_check"] == "mean_pm25" and mean["common_count"] == mean["failed_attempts"]
    assert "That is the total of all twelve months" in mean["common_message"]
    # Learners 1-31 are in the report (1-5 through their tampered files): each failed 1 + i % 4 times.
    assert mean["failed_attempts"] == sum(1 + i % 4 for i in range(1, LEARNERS))
    assert mean["passed"] == sum(1 for i in range(1, LEARNERS) if i % 5 != 0)


def test_tampered_claims_are_caught_by_the_regrade(report):
    found = {}
    for d in report["json"]["disagreements"]:
        found.setdefault(d["learner"], []).append(d)
    assert set(found) == {"Tampered: claims a pass", "Tampered: wrong code", "Tampered: XP", "Other version", "Loops forever"}
    [claim] = found["Tampered: claims a pass"]
    assert claim["kind"] == "verdict" and claim["claimed_passed"] and claim["regraded_passed"] is False and claim["regraded_xp"] == 0
    [code] = found["Tampered: wrong code"]
    assert code["kind"] == "verdict" and code["check"] == "total" and code["lesson"] == "sums"
    [xp] = found["Tampered: XP"]
    assert xp["kind"] == "xp" and xp["claimed_xp"] == 100 and xp["regraded_passed"] is True
    by_name = {learner["name"]: learner for learner in report["json"]["learners"]}
    assert by_name["Tampered: XP"]["claimed_xp"] == 999 != by_name["Tampered: XP"]["xp"]
    [version] = found["Other version"]
    assert version["kind"] == "unknown" and version["lesson"] == "old-lesson"
    [loop] = found["Loops forever"]
    assert loop["kind"] == "verdict" and loop["check"] == "runs" and "too long" in loop["message"]


def test_malformed_files_are_reported_one_by_one_and_never_stop_the_report(report):
    problems = {Path(p["file"]).name: p["error"] for p in report["json"]["problems"]}
    expected = {
        "not-json.json": "not valid JSON",
        "not-an-object.json": "not a JSON object",
        "another-format.json": "not a Qala export",
        "newer-version.json": "newer Qala",
        "code-not-text.json": "attempt 1: its code is missing or not text",
        "nested-too-deep.json": "",
        "binary.json": "not UTF-8",
        "huge-number.json": "not a Qala export",
        "other-course.json": "someone-elses",
        "missing.json": "cannot read it",
    }
    assert set(problems) == set(expected)
    for name, words in expected.items():
        assert words in problems[name], (name, problems[name])


def test_the_html_report_is_one_self_contained_page_with_charts(report):
    page = report["html"]
    assert page.startswith("<!DOCTYPE html>") and page.count("<svg") >= 3
    assert "<script" not in page and "http://" not in page.replace("http://www.w3.org/2000/svg", "")
    assert "https://" not in page and " src=" not in page and "<link" not in page
    assert "Daniyar &lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "Айгерим Сапарова" in page and "Tampered: XP" in page and "not valid JSON" in page


def test_the_terminal_report_and_its_exit_codes(classroom, tampered, tmp_path):
    some = [str(f) for f in classroom["files"][6:10]] + [str(tampered["made"]["xp"])]
    result = run_qala("report", *some, "--course", str(classroom["course"]), home=tmp_path / "home")
    assert result.returncode == 0, result.stderr
    for words in ("Who finished what", "Where the class struggles", "Tampered: XP", "mean_pm25"):
        assert words in result.stdout
    nothing = run_qala("report", str(tampered["broken"]["not json"]), "--course", str(classroom["course"]), home=tmp_path / "home")
    assert nothing.returncode == 2 and "not valid JSON" in nothing.stderr and nothing.stdout == ""


# ---------------------------------------------------------------- issue 19: what the report can and cannot confirm


def _grader(course_root: Path, tmp_path: Path, runner=None):
    from qala.grader.content.course_file import load_course
    from qala.grader.judge.grading import Grader
    from qala.grader.run.launch import ProcessRunner

    course, _ = load_course(course_root)
    return course, Grader(course, runner or ProcessRunner(), tmp_path / "cache")


def test_escape_sequences_in_a_file_never_reach_the_teachers_terminal_or_page(classroom, tmp_path):
    clear = "\x1b[2J\x1b[H"

    def hostile(data):
        data["learner"]["name"] = f"Mallory{clear}"
        first = data["attempts"][0]
        data["attempts"].append(dict(first, lesson=f"fake{clear}\u202elesson", exercise=f"x{clear}"))
        data["attempts"].append(dict(first, lesson="sums", exercise="total", code=f"raise ValueError({clear!r} + 'Summary: all passed')", passed=True))

    path = tamper(classroom["files"][7], tmp_path / f"mallory{clear}.json", hostile)
    result = run_qala("report", str(path), "--course", str(classroom["course"]), "--html", str(tmp_path / "class.html"), home=tmp_path / "home")
    assert result.returncode == 0, result.stderr
    page = (tmp_path / "class.html").read_text(encoding="utf-8")
    assert "Mallory" in result.stdout and "fake" in result.stdout and "fake" in page
    for shown in (result.stdout, result.stderr, page):
        assert "\x1b" not in shown and "\u202e" not in shown
    broken = tmp_path / f"broken{clear}.json"
    broken.write_text("{", encoding="utf-8")
    nothing = run_qala("report", str(broken), "--course", str(classroom["course"]), home=tmp_path / "home")
    assert nothing.returncode == 2 and "\x1b" not in nothing.stderr and "broken" in nothing.stderr


def test_dates_hints_and_order_are_shown_as_claimed_and_earn_no_badge_silently(classroom, tmp_path):
    from qala.grader.i18n import Translator
    from qala.grader.teachers.report import build_report
    from qala.grader.teachers.report_page import render_html
    from qala.grader.teachers.report_text import print_report

    course_root = tmp_path / "course"
    shutil.copytree(classroom["course"], course_root)
    toml = course_root / "course" / "course.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8")
        + '\n[[badge]]\nid = "three-days"\ntitle = { en = "Three days" }\ndescription = { en = "Three days in a row." }\nrule = { kind = "streak", days = 3 }\n',
        encoding="utf-8",
    )

    def forged_dates(data):  # every attempt on its own day, three days in a row: a streak nobody can check
        for n, attempt in enumerate(a for a in data["attempts"] if a["passed"]):
            attempt["local_date"] = f"2025-03-{10 + min(n, 2):02d}"
            attempt["hints_used"] = 0
        data["learner"]["name"] = "Streaky"

    path = tamper(classroom["files"][8], tmp_path / "streak.json", forged_dates)
    course, grader = _grader(course_root, tmp_path)
    tr = Translator("en")
    try:
        report = build_report(course, grader, [path], tr, jobs=1)
    finally:
        grader.runner.close()
    [learner] = report.learners
    assert "three-days" not in learner.badges and learner.badges_on_claims == ["three-days"]
    assert "first-step" in learner.badges  # a badge resting on regraded verdicts only is confirmed
    assert report.as_json()["claimed_not_confirmed"] == ["local_date", "hints_used", "attempt order"]
    page = render_html(report, tr)
    assert "resting on claims: three-days" in page and "not confirmed" in page
    from rich.console import Console

    console = Console(record=True, width=200)
    print_report(report, tr, console)
    text = console.export_text()
    assert "Badges that rest on what the files claim: Streaky: three-days" in text and "not confirmed" in text


def test_a_file_that_uses_up_its_time_budget_is_stopped_and_named(classroom, tmp_path):
    from qala.grader.i18n import Translator
    from qala.grader.teachers.report import build_report

    course, grader = _grader(classroom["course"], tmp_path)
    busy, calm = classroom["files"][9], classroom["files"][10]
    try:
        report = build_report(course, grader, [busy], Translator("en"), jobs=1, file_budget=1e-9)
    finally:
        grader.runner.close()
    assert [Path(f) for f, _ in report.stopped] == [busy] and "stopped" in report.stopped[0][1]
    skipped = [d for d in report.disagreements if d.kind == "not_regraded"]
    assert skipped and all("time budget" in d.message for d in skipped)
    assert report.as_json()["stopped"][0]["file"] == str(busy)
    assert calm != busy


def test_without_namespaces_the_report_refuses_other_peoples_code_in_one_line(classroom, tmp_path):
    from qala.grader.i18n import Translator
    from qala.grader.run.launch import ProcessRunner
    from qala.grader.teachers.report import TooFewWalls, build_report

    course, grader = _grader(classroom["course"], tmp_path, ProcessRunner(skip_walls=("namespaces",)))
    for language in ("en", "ru", "kk"):
        with pytest.raises(TooFewWalls) as refused:
            build_report(course, grader, [classroom["files"][11]], Translator(language), jobs=1)
        message = str(refused.value)
        assert "\n" not in message and "SECURITY.md" in message
        if language != "en":
            assert "qala report" in message and not message.startswith("This machine")  # translated
