"""Reading a course folder: course/course.toml, then every lesson and translation under lessons/.

A broken lesson never breaks the course: it is skipped and its problems are kept on
``Course.problems`` for ``qala validate`` and the front ends to report.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..errors import ContentError, t
from ..i18n import LANGUAGES
from .lesson_file import ID, Problems, _meta_line, _toml_line, _toml_message, parse_lesson, read_front_matter
from .model import FRONT_ENDS, Badge, Course, CourseInfo, LearningPath, Level, Track, Trap, XpRules
from .translation_file import english_fingerprint, parse_translation

BADGE_RULES = {
    "exercises_passed": {"count"},
    "lessons_completed": {"count"},
    "track_completed": {"track"},
    "lesson_completed": {"lesson"},
    "streak": {"days"},
    "xp": {"amount"},
    "first_try": {"count"},
    "no_hints_lessons": {"count"},
    "comeback": {"failures"},
    "tracks_started": {"count"},
    "trap_reviewed": {"trap", "count"},
}


def bundled_course_root() -> Path:
    """The course that ships inside the package (the repository itself in a checkout)."""
    from importlib.resources import files

    return Path(str(files("qala.course"))).parent


def find_lesson_files(lessons_dir: Path) -> list[Path]:
    """Lesson files: lessons/TRACK/ID.md, without translations (ID.LANG.md)."""
    found = []
    if lessons_dir.is_dir():
        for track_dir in sorted(p for p in lessons_dir.iterdir() if p.is_dir() and p.name != "datasets"):
            for path in sorted(track_dir.glob("*.md")):
                if len(path.name.split(".")) == 2 and path.name.lower() != "readme.md":
                    found.append(path)
    return found


def read_course_info(root: Path) -> tuple[CourseInfo | None, Problems]:
    path = root / "course" / "course.toml"
    problems = Problems(path)
    if not path.is_file():
        problems.error(1, t("no course/course.toml here: is this a Qala course folder?"))
        return None, problems
    text = path.read_text(encoding="utf-8")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        problems.error(_toml_line(exc, text), t("course.toml is not valid TOML: {error}"), error=_toml_message(exc))
        return None, problems
    lines = text.splitlines()

    def table_lines(name: str) -> list[int]:
        return [n for n, line in enumerate(lines, start=1) if line.strip() == f"[[{name}]]"]

    course = data.get("course", {})
    course_id = course.get("id", "")
    if not isinstance(course_id, str) or not ID.match(course_id):
        problems.error(_meta_line(text, "id"), t("[course] needs an id of lower-case letters, digits and '-'"))
    languages = tuple(course.get("languages", ["en"]))
    for language in languages:
        if language not in LANGUAGES:
            problems.error(
                _meta_line(text, "languages"), t("unknown language {language!r} (Qala speaks {known})"), language=language, known=", ".join(LANGUAGES)
            )

    show_solution = course.get("show_solution", True)
    if not isinstance(show_solution, bool):
        problems.error(_meta_line(text, "show_solution"), t("show_solution must be true or false"))
        show_solution = True

    tracks = []
    track_lines = table_lines("track")
    for index, raw in enumerate(data.get("track", [])):
        line = track_lines[index] if index < len(track_lines) else 1
        track_id = raw.get("id", "")
        if not isinstance(track_id, str) or not ID.match(track_id):
            problems.error(line, t("track id {track!r} must be lower-case letters, digits and '-'"), track=track_id)
            continue
        _need_english(raw.get("title"), "title", line, problems)
        lessons = raw.get("lessons", [])
        if not isinstance(lessons, list) or not all(isinstance(name, str) for name in lessons):
            problems.error(line, t("track {track!r}: lessons must be a list of lesson ids"), track=track_id)
            lessons = []
        tracks.append(Track(track_id, _localized(raw.get("title")), _localized(raw.get("description")), tuple(lessons), tuple(raw.get("requires", [])), line))
    seen: set[str] = set()
    for track in tracks:
        if track.id in seen:
            problems.error(track.line, t("duplicate track id {track!r}"), track=track.id)
        seen.add(track.id)
        for required in track.requires:
            if required not in {other.id for other in tracks}:
                problems.error(track.line, t("track {track!r} requires an unknown track {required!r}"), track=track.id, required=required)
    cycle = _find_cycle({track.id: list(track.requires) for track in tracks})
    if cycle:
        problems.error(_line_of(tracks, cycle[0]), t("tracks require each other in a circle: {cycle}"), cycle=" → ".join(cycle))

    paths = _read_paths(data.get("path", []), lines, table_lines("path"), problems)

    xp_raw = data.get("xp", {})
    xp = XpRules(
        per_exercise=int(xp_raw.get("per_exercise", 10)),
        first_try_bonus=int(xp_raw.get("first_try_bonus", 5)),
        hint_cost=float(xp_raw.get("hint_cost", 0.25)),
        min_share=float(xp_raw.get("min_share", 0.25)),
    )
    levels = []
    for number, raw in enumerate(data.get("level", []), start=1):
        levels.append(Level(number, int(raw.get("xp", 0)), _localized(raw.get("title"))))
    if not levels:
        levels = [Level(1, 0, {"en": "Level 1"})]
    if [level.xp for level in levels] != sorted(level.xp for level in levels) or levels[0].xp != 0:
        problems.error(_meta_line(text, "[[level]]"), t("levels must start at 0 XP and rise"))

    traps = _read_traps(data.get("trap", []), table_lines("trap"), problems)
    badges = []
    badge_lines = table_lines("badge")
    for index, raw in enumerate(data.get("badge", [])):
        line = badge_lines[index] if index < len(badge_lines) else 1
        badge_id = raw.get("id", "")
        rule = raw.get("rule", {})
        kind = rule.get("kind") if isinstance(rule, dict) else None
        if not isinstance(badge_id, str) or not ID.match(badge_id):
            problems.error(line, t("badge id {badge!r} must be lower-case letters, digits and '-'"), badge=badge_id)
            continue
        if kind not in BADGE_RULES:
            problems.error(line, t("badge {badge!r}: rule kind must be one of {known}"), badge=badge_id, known=", ".join(sorted(BADGE_RULES)))
            continue
        missing = BADGE_RULES[kind] - set(rule)
        if missing:
            problems.error(line, t("badge {badge!r}: a {kind} rule needs {keys}"), badge=badge_id, kind=kind, keys=", ".join(sorted(missing)))
            continue
        _need_english(raw.get("title"), "title", line, problems)
        badges.append(Badge(badge_id, _localized(raw.get("title")), _localized(raw.get("description")), str(raw.get("icon", "★")), dict(rule), line))
    for badge in badges:
        rule = badge.rule
        if rule["kind"] == "track_completed" and rule["track"] not in {track.id for track in tracks}:
            problems.error(badge.line, t("badge {badge!r} names an unknown track {track!r}"), badge=badge.id, track=rule["track"])
        if rule["kind"] == "trap_reviewed" and rule["trap"] not in {trap.id for trap in traps}:
            problems.error(badge.line, t("badge {badge!r} names an unknown trap {trap!r}"), badge=badge.id, trap=rule["trap"])

    info = CourseInfo(
        course_id, _localized(course.get("title")), languages, tuple(tracks), xp, tuple(levels), tuple(badges), path, tuple(paths), show_solution, tuple(traps)
    )
    _warn_untranslated(info, problems, _meta_line(text, "title"), table_lines("level"))
    return info, problems


def _new_id(raw: dict, line: int, taken: set[str], problems: Problems, field: str, bad: str, duplicate: str) -> str | None:
    """A ``[[path]]`` or ``[[trap]]`` table's id; None (and the problem reported, its value as
    ``field``) when it is not a lower-case id or an earlier table has it already."""
    value = raw.get("id", "")
    if not isinstance(value, str) or not ID.match(value):
        problems.error(line, bad, **{field: value})
        return None
    if value in taken:
        problems.error(line, duplicate, **{field: value})
        return None
    return value


def _read_paths(raw_paths: Any, lines: list[str], path_lines: list[int], problems: Problems) -> list[LearningPath]:
    """The ``[[path]]`` tables: learning paths, each an ordered list of lesson ids."""
    paths: list[LearningPath] = []
    if not isinstance(raw_paths, list):
        problems.error(1, t("paths must be written as [[path]] tables"))
        return paths
    for index, raw in enumerate(raw_paths):
        line = path_lines[index] if index < len(path_lines) else 1
        path_id = _new_id(
            raw,
            line,
            {other.id for other in paths},
            problems,
            "path",
            t("path id {path!r} must be lower-case letters, digits and '-'"),
            t("duplicate path id {path!r}"),
        )
        if path_id is None:
            continue
        _need_english(raw.get("title"), "title", line, problems)
        front_end = raw.get("front_end", "terminal")
        if front_end not in FRONT_ENDS:
            problems.error(line, t("path {path!r}: front_end must be one of {known}"), path=path_id, known=", ".join(FRONT_ENDS))
        lessons = raw.get("lessons", [])
        if not isinstance(lessons, list) or not all(isinstance(name, str) for name in lessons):
            problems.error(line, t("path {path!r}: lessons must be a list of lesson ids"), path=path_id)
            lessons = []
        seen: set[str] = set()
        for lesson_id in lessons:
            if lesson_id in seen:
                problems.error(_lesson_line(lines, line, lesson_id), t("path {path!r} lists lesson {lesson!r} twice"), path=path_id, lesson=lesson_id)
            seen.add(lesson_id)
        paths.append(LearningPath(path_id, _localized(raw.get("title")), _localized(raw.get("description")), str(front_end), tuple(lessons), line))
    return paths


def _read_traps(raw_traps: Any, trap_lines: list[int], problems: Problems) -> list[Trap]:
    """The ``[[trap]]`` tables: data traps taught once and then reviewed on purpose."""
    traps: list[Trap] = []
    if not isinstance(raw_traps, list):
        problems.error(1, t("traps must be written as [[trap]] tables"))
        return traps
    for index, raw in enumerate(raw_traps):
        line = trap_lines[index] if index < len(trap_lines) else 1
        trap_id = _new_id(
            raw,
            line,
            {other.id for other in traps},
            problems,
            "trap",
            t("trap id {trap!r} must be lower-case letters, digits and '-'"),
            t("duplicate trap id {trap!r}"),
        )
        if trap_id is None:
            continue
        _need_english(raw.get("title"), "title", line, problems)
        taught_in = raw.get("taught_in", "")
        if not isinstance(taught_in, str) or not ID.match(taught_in):
            problems.error(line, t("trap {trap!r} needs taught_in: the id of the lesson that teaches it"), trap=trap_id)
            continue
        traps.append(Trap(trap_id, _localized(raw.get("title")), taught_in, line))
    return traps


def check_reviews(course: Course) -> list[ContentError]:
    """What is wrong with the planned review: a trap taught in a lesson that does not exist, a lesson
    that reviews an unknown trap or the trap it teaches itself, and a lesson that comes before the
    trap's teaching lesson (or without it) in a path that holds it."""
    problems: list[ContentError] = []
    info = course.info
    traps = {trap.id: trap for trap in info.traps}
    for declared in info.traps:
        if declared.taught_in not in course.lessons:
            problems.append(
                ContentError(
                    t("trap {trap!r} is taught in an unknown lesson {lesson!r}"),
                    info.path,
                    declared.line,
                    params={"trap": declared.id, "lesson": declared.taught_in},
                )
            )
    for lesson in course.lessons.values():
        if not lesson.reviews:
            continue
        line = _meta_line(lesson.path.read_text(encoding="utf-8"), "reviews")
        for trap_id in lesson.reviews:
            trap = traps.get(trap_id)
            if trap is None:
                problems.append(
                    ContentError(
                        t("reviews an unknown trap {trap!r} (traps: {known})"), lesson.path, line, params={"trap": trap_id, "known": ", ".join(sorted(traps))}
                    )
                )
                continue
            if trap.taught_in == lesson.id:
                problems.append(ContentError(t("reviews the trap {trap!r}, which this lesson teaches"), lesson.path, line, params={"trap": trap_id}))
                continue
            for path in info.paths:
                if lesson.id not in path.lessons:
                    continue
                here = path.lessons.index(lesson.id)
                if trap.taught_in not in path.lessons[:here]:
                    problems.append(
                        ContentError(
                            t("path {path!r}: lesson {lesson!r} reviews the trap {trap!r}, so {taught!r}, which teaches it, must come before it in the path"),
                            lesson.path,
                            line,
                            params={"path": path.id, "lesson": lesson.id, "trap": trap_id, "taught": trap.taught_in},
                        )
                    )
    return problems


def _lesson_line(lines: list[str], table_line: int, lesson_id: str) -> int:
    """The line of ``"lesson-id"`` in the lessons list of the table that starts at ``table_line``."""
    quoted = f'"{lesson_id}"'
    for number in range(table_line, len(lines) + 1):
        if number > table_line and lines[number - 1].strip().startswith("[["):
            break
        if quoted in lines[number - 1]:
            return number
    return table_line


def check_paths(course: Course) -> list[ContentError]:
    """What is wrong with the course's paths once its lessons are read: unknown lessons, a browser
    path (the offline build) with a lesson that needs more than the standard library, and a lesson
    whose required lessons do not come before it in the path."""
    problems: list[ContentError] = []
    info = course.info
    lines = info.path.read_text(encoding="utf-8").splitlines() if info.path.is_file() else []

    def error(message: str, path: LearningPath, lesson_id: str, **params: object) -> None:
        problems.append(ContentError(message, info.path, _lesson_line(lines, path.line, lesson_id), params={"path": path.id, "lesson": lesson_id, **params}))

    for path in info.paths:
        position = {lesson_id: n for n, lesson_id in enumerate(path.lessons)}
        for n, lesson_id in enumerate(path.lessons):
            lesson = course.lesson(lesson_id)
            if lesson is None:
                if not any(p.file and Path(p.file).stem == lesson_id for p in course.problems):
                    error(t("path {path!r} lists a lesson {lesson!r} that does not exist"), path, lesson_id)
                continue
            if path.front_end == "browser" and lesson.needs:
                error(
                    t("path {path!r} is for the browser, where only the standard library is sure to be there, but lesson {lesson!r} needs {needs}"),
                    path,
                    lesson_id,
                    needs=", ".join(lesson.needs),
                )
            for required in lesson.requires:
                if position.get(required, len(path.lessons)) > n:
                    error(
                        t("path {path!r}: lesson {lesson!r} requires {required!r}, which must come before it in the path"), path, lesson_id, required=required
                    )
    return problems


def _warn_untranslated(info: CourseInfo, problems: Problems, title_line: int, level_lines: list[int]) -> None:
    """A warning for each text of course.toml that a language of the course lacks (learners see it in English)."""
    for language in info.languages:
        if language == "en" or language not in LANGUAGES:
            continue

        def missing(text: Mapping[str, str], language: str = language) -> bool:
            return bool(text.get("en", "").strip()) and not text.get(language, "").strip()

        if missing(info.title):
            problems.warn(title_line, t("{language}: the course title is not translated"), language=language)
        for track in info.tracks:
            if missing(track.title):
                problems.warn(track.line, t("{language}: the title of track {track!r} is not translated"), language=language, track=track.id)
            if missing(track.description):
                problems.warn(track.line, t("{language}: the description of track {track!r} is not translated"), language=language, track=track.id)
        for learning_path in info.paths:
            if missing(learning_path.title):
                problems.warn(learning_path.line, t("{language}: the title of path {path!r} is not translated"), language=language, path=learning_path.id)
            if missing(learning_path.description):
                problems.warn(learning_path.line, t("{language}: the description of path {path!r} is not translated"), language=language, path=learning_path.id)
        for level, line in zip(info.levels, level_lines):  # no [[level]] at all: the built-in "Level 1"
            if missing(level.title):
                problems.warn(line, t("{language}: the title of level {level} is not translated"), language=language, level=level.number)
        for trap in info.traps:
            if missing(trap.title):
                problems.warn(trap.line, t("{language}: the title of trap {trap!r} is not translated"), language=language, trap=trap.id)
        for badge in info.badges:
            if missing(badge.title):
                problems.warn(badge.line, t("{language}: the title of badge {badge!r} is not translated"), language=language, badge=badge.id)
            if missing(badge.description):
                problems.warn(badge.line, t("{language}: the description of badge {badge!r} is not translated"), language=language, badge=badge.id)


def _localized(value: Any) -> dict[str, str]:
    if isinstance(value, str):
        return {"en": value}
    if isinstance(value, dict):
        return {k: v for k, v in value.items() if isinstance(v, str)}
    return {}


def _need_english(value: Any, what: str, line: int, problems: Problems) -> None:
    if not _localized(value).get("en"):
        problems.error(line, t('{what} needs at least an English text: {what} = {{ en = "…", ru = "…", kk = "…" }}'), what=what)


def _line_of(tracks: list[Track], track_id: str) -> int:
    return next((t.line for t in tracks if t.id == track_id), 1)


def _find_cycle(graph: dict[str, list[str]]) -> list[str] | None:
    """A cycle in a requires-graph, as a path that returns to its start; None if there is none."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in graph.get(node, []):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt) :] + [nxt]
            if nxt in graph and nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        stack.pop()
        state[node] = 2
        return None

    for node in graph:
        if node not in state:
            found = visit(node)
            if found:
                return found
    return None


def load_course(root: Path, languages: tuple[str, ...] | None = None) -> tuple[Course, list[ContentError]]:
    """Read a whole course. Returns the course (with broken lessons skipped) and every problem found,
    warnings included (missing translations). Raises ContentError only if course.toml is unusable."""
    root = Path(root)
    info, course_problems = read_course_info(root)
    if info is None:
        raise course_problems.items[0]
    course = Course(root, info)
    problems: list[ContentError] = list(course_problems.items)
    warnings: list[ContentError] = list(course_problems.warnings)
    listed = {lesson_id: track for track in info.tracks for lesson_id in track.lessons}
    for path in find_lesson_files(root / "lessons"):
        lesson, found = parse_lesson(path, track_folder=path.parent.name)
        problems.extend(found.items)
        warnings.extend(found.warnings)
        if lesson is None:
            course.problems.extend(found.items)
            continue
        if lesson.id in course.lessons:
            error = ContentError(
                t("duplicate lesson id {lesson!r} (also {path})"), path, 1, params={"lesson": lesson.id, "path": course.lessons[lesson.id].path}
            )
            problems.append(error)
            course.problems.append(error)
            continue
        texts = dict(lesson.texts)
        fingerprint = None  # of the English its translations follow: computed once, if there are any
        for language in languages or info.languages:
            if language == "en":
                continue
            tr_path = path.with_name(f"{lesson.id}.{language}.md")
            if not tr_path.is_file():
                warnings.append(
                    ContentError(t("{language}: no translation file {name}"), path, 1, warning=True, params={"language": language, "name": tr_path.name})
                )
                continue
            fingerprint = fingerprint or english_fingerprint(lesson)
            text, tr_found = parse_translation(tr_path, lesson, language, fingerprint)
            problems.extend(tr_found.items)
            warnings.extend(tr_found.warnings)
            if text is not None:
                texts[language] = text
        course.lessons[lesson.id] = _with_texts(lesson, texts)
        if lesson.id not in listed:
            warnings.append(
                ContentError(
                    t("lesson {lesson!r} is not listed in any track of course.toml, so learners will not see it"),
                    path,
                    1,
                    warning=True,
                    params={"lesson": lesson.id},
                )
            )
    for track in info.tracks:
        for lesson_id in track.lessons:
            if lesson_id not in course.lessons and not any(p.file and Path(p.file).stem == lesson_id for p in course.problems):
                problems.append(
                    ContentError(
                        t("track {track!r} lists a lesson {lesson!r} that does not exist"),
                        info.path,
                        track.line,
                        params={"track": track.id, "lesson": lesson_id},
                    )
                )
    for lesson in course.lessons.values():
        for required in lesson.requires:
            if required not in course.lessons:
                problems.append(
                    ContentError(
                        t("requires an unknown lesson {lesson!r}"),
                        lesson.path,
                        _meta_line(lesson.path.read_text(encoding="utf-8"), "requires"),
                        params={"lesson": required},
                    )
                )
        if lesson.track not in {track.id for track in info.tracks}:
            problems.append(
                ContentError(
                    t("unknown track {track!r} (tracks: {known})"),
                    lesson.path,
                    1,
                    params={"track": lesson.track, "known": ", ".join(track.id for track in info.tracks)},
                )
            )
    cycle = _find_cycle({lesson.id: list(lesson.requires) for lesson in course.lessons.values()})
    if cycle:
        first = course.lessons[cycle[0]]
        problems.append(ContentError(t("lessons require each other in a circle: {cycle}"), first.path, 1, params={"cycle": " → ".join(cycle)}))
    problems.extend(check_paths(course))
    problems.extend(check_reviews(course))
    return course, problems + warnings


def _with_texts(lesson, texts):
    from dataclasses import replace

    return replace(lesson, texts=texts)


def lesson_needs(course_root: Path | None, lesson_id: str) -> tuple[tuple[str, ...], Path] | None:
    """The modules one lesson needs and the course's datasets folder, read from that lesson's
    front matter alone (``lessons/TRACK/ID.md``) — quick enough to start a sandbox before the
    whole course is parsed. None if the file is not there or its front matter is unreadable."""
    try:
        lessons = Path(course_root if course_root is not None else bundled_course_root()) / "lessons"
        found = sorted(lessons.glob(f"*/{lesson_id}.md")) if "/" not in lesson_id and not lesson_id.startswith(".") else []
        if len(found) != 1:
            return None
        problems = Problems(found[0])
        meta, _, _ = read_front_matter(found[0].read_text(encoding="utf-8"), problems)
    except (OSError, ValueError, ModuleNotFoundError):
        return None
    needs = meta.get("needs", [])
    if problems.items or type(needs) is not list or not all(type(n) is str for n in needs):
        return None
    return tuple(needs), lessons / "datasets"
