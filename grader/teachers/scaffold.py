"""`qala new lesson`: a new lesson file that already validates, with comments that teach the format.

Also the one careful edit Qala makes to a teacher's ``course/course.toml``: adding a lesson id
to a track's ``lessons = [...]`` list, keeping every comment, and proven by parsing the file
again before it is written (if the proof fails, the teacher is told the exact line to add).
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from ..content.course_file import find_lesson_files, read_course_info
from ..content.lesson_file import ID
from ..errors import UsageError
from ..i18n import Translator
from .scaffold_translations import TEMPLATES, translation_template


@dataclass(frozen=True)
class TrackListing:
    """What happened to the track's lesson list in course.toml."""

    added: bool  # the file was edited
    already: bool  # the lesson was listed before
    instruction: str  # when not added: what the teacher must do by hand ("" otherwise)


@dataclass(frozen=True)
class Scaffold:
    lesson: Path
    cases: Path
    listing: TrackListing
    translations: tuple[Path, ...] = ()  # ID.ru.md, ID.kk.md


def toml_string(text: str) -> str:
    """A TOML basic string (one line), escaped."""
    out = ['"']
    for ch in text:
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def title_from_slug(slug: str) -> str:
    words = slug.replace("-", " ").strip()
    return words[:1].upper() + words[1:] if words else slug


def course_tracks(course_root: Path) -> list[str]:
    info, problems = read_course_info(course_root)
    if info is None:
        raise problems.items[0]
    return [t.id for t in info.tracks]


def new_lesson(course_root: Path, track: str, slug: str, title: str | None = None, tr: Translator | None = None) -> Scaffold:
    """Write lessons/TRACK/SLUG.md (and SLUG.cases.toml) and list it in course.toml.

    Raises UsageError for an unknown track, a bad slug, or a file that already exists."""
    tr = tr or Translator("en")
    course_root = Path(course_root)
    tracks = course_tracks(course_root)
    if track not in tracks:
        raise UsageError(
            tr.t(
                "unknown track {track}: the tracks in {path} are {tracks}",
                track=repr(track),
                path=course_root / "course" / "course.toml",
                tracks=", ".join(tracks) or "—",
            )
        )
    if not ID.match(slug):
        raise UsageError(tr.t("lesson id {id} must be lower-case letters, digits and '-', e.g. bus-routes", id=repr(slug)))
    folder = course_root / "lessons" / track
    path = folder / f"{slug}.md"
    cases = folder / f"{slug}.cases.toml"
    translations = tuple(folder / f"{slug}.{language}.md" for language in TEMPLATES)
    for existing in (path, cases, *translations):
        if existing.exists():
            raise UsageError(tr.t("{path} already exists: choose another name, or edit that file", path=existing))
    for other in find_lesson_files(course_root / "lessons"):
        if other.stem == slug:
            raise UsageError(tr.t("a lesson with the id {id} already exists: {path}", id=repr(slug), path=other))
    folder.mkdir(parents=True, exist_ok=True)
    title = title or title_from_slug(slug)
    path.write_text(lesson_template(slug, track, title), encoding="utf-8")
    cases.write_text(CASES_TEMPLATE, encoding="utf-8")
    for language, translation in zip(TEMPLATES, translations, strict=True):
        translation.write_text(translation_template(language, slug, title, toml_string(title)), encoding="utf-8")
    listing = add_lesson_to_track(course_root / "course" / "course.toml", track, slug)
    return Scaffold(path, cases, listing, translations)


def new_course(target: Path, source_root: Path, tr: Translator | None = None) -> Path:
    """Copy a course (course/ and lessons/, datasets included) into ``target``: a teacher's own
    course to edit. Refuses to write into a folder that already has a course or a lessons folder."""
    import shutil

    tr = tr or Translator("en")
    target = Path(target)
    for part in ("course", "lessons"):
        if (target / part).exists():
            raise UsageError(tr.t("{path} already exists: choose a new folder for your course", path=target / part))
    ignore = shutil.ignore_patterns("__pycache__", "__init__.py", "*.pyc")
    target.mkdir(parents=True, exist_ok=True)
    for part in ("course", "lessons"):
        shutil.copytree(Path(source_root) / part, target / part, ignore=ignore)
    return target


# ---------------------------------------------------------------- course.toml, edited with care


_TABLE_HEADER = re.compile(r"^\s*\[\[?\s*[A-Za-z0-9_.\"' -]+\s*\]\]?\s*(#.*)?$")


def add_lesson_to_track(toml_path: Path, track: str, lesson_id: str) -> TrackListing:
    """Append ``lesson_id`` to the ``lessons`` list of the [[track]] with ``id = track``.

    The edit is textual (comments and layout survive) and is kept only if parsing the new text
    gives exactly the old data plus the new id. Otherwise nothing is written and the teacher gets
    the line to add by hand."""
    manual = f'add "{lesson_id}" to the lessons list of the [[track]] whose id is "{track}" in {toml_path}, e.g. lessons = [..., "{lesson_id}"]'
    try:
        text = toml_path.read_text(encoding="utf-8")
        before = tomllib.loads(text)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return TrackListing(False, False, manual)
    listed = next((t.get("lessons", []) for t in before.get("track", []) if t.get("id") == track), None)
    if listed is not None and lesson_id in listed:
        return TrackListing(False, True, "")
    edited = _edited(text, track, lesson_id)
    if edited is None:
        return TrackListing(False, False, manual)
    try:
        after = tomllib.loads(edited)
    except tomllib.TOMLDecodeError:
        return TrackListing(False, False, manual)
    expected = _with_lesson(before, track, lesson_id)
    if after != expected:
        return TrackListing(False, False, manual)
    tmp = toml_path.with_name(f".{toml_path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(edited, encoding="utf-8")
        os.replace(tmp, toml_path)
    except OSError:
        tmp.unlink(missing_ok=True)
        return TrackListing(False, False, manual)
    return TrackListing(True, False, "")


def _with_lesson(data: dict, track: str, lesson_id: str) -> dict:
    import copy

    data = copy.deepcopy(data)
    for table in data.get("track", []):
        if table.get("id") == track:
            table["lessons"] = list(table.get("lessons", [])) + [lesson_id]
    return data


def _edited(text: str, track: str, lesson_id: str) -> str | None:
    lines = text.splitlines(keepends=True)
    id_line = re.compile(r"^\s*id\s*=\s*([\"'])" + re.escape(track) + r"\1\s*(#.*)?$")
    start = None
    for number, line in enumerate(lines):
        if line.strip().startswith("[[track]]") and _TABLE_HEADER.match(line.rstrip("\r\n")):
            end = next((n for n in range(number + 1, len(lines)) if _TABLE_HEADER.match(lines[n].rstrip("\r\n"))), len(lines))
            if any(id_line.match(lines[n].rstrip("\r\n")) for n in range(number + 1, end)):
                start = number
                break
    if start is None:
        return None
    lessons_at = next((n for n in range(start + 1, end) if re.match(r"^\s*lessons\s*=", lines[n])), None)
    quoted = toml_string(lesson_id)
    if lessons_at is None:
        where = next(n for n in range(start + 1, end) if id_line.match(lines[n].rstrip("\r\n")))
        newline = "\r\n" if lines[where].endswith("\r\n") else "\n"
        lines.insert(where + 1, f"lessons = [{quoted}]{newline}")
        return "".join(lines)
    base = sum(len(line) for line in lines[:lessons_at])
    text = "".join(lines)
    region = "".join(lines[lessons_at:end])
    opening = region.index("=") + 1
    while opening < len(region) and region[opening] in " \t":
        opening += 1
    if opening >= len(region) or region[opening] != "[":
        return None
    closing = _closing_bracket(region, opening)
    if closing is None:
        return None
    inside = region[opening + 1 : closing]
    at = base + opening + 1  # where the list's inside starts, in the whole text
    if not _without_comments_and_strings(inside).strip(" \t\r\n,"):
        return text[:at] + quoted + text[at:]
    last = _last_code_position(inside)
    rest = inside[last:]
    comma = re.match(r"^[ \t]*,", rest)
    if "\n" not in inside:
        if comma:
            where = at + last + comma.end()
            return text[:where] + f" {quoted}," + text[where:]
        return text[: at + last] + f", {quoted}" + text[at + last :]
    # One item per line: ours goes on a new line after the last item (and its comment), same indent.
    line_start = inside.rfind("\n", 0, last) + 1
    last_line = inside[line_start:]
    indent = last_line[: len(last_line) - len(last_line.lstrip(" \t"))]
    line_end = inside.find("\n", last)
    line_end = len(inside) if line_end < 0 else line_end
    if inside[line_end - 1 : line_end] == "\r":
        line_end -= 1
    newline = "\r\n" if "\r\n" in inside else "\n"
    if comma:
        where = at + line_end
        return text[:where] + f"{newline}{indent}{quoted}," + text[where:]
    return text[: at + last] + "," + text[at + last : at + line_end] + f"{newline}{indent}{quoted}" + text[at + line_end :]


def _closing_bracket(text: str, opening: int) -> int | None:
    depth = 0
    i = opening
    while i < len(text):
        ch = text[i]
        if ch in "\"'":
            end = _string_end(text, i)
            if end is None:
                return None
            i = end
            continue
        if ch == "#":
            newline = text.find("\n", i)
            i = len(text) if newline < 0 else newline
            continue
        if ch == "[":
            depth += 1
        elif ch == "]":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return None


def _string_end(text: str, start: int) -> int | None:
    quote = text[start]
    triple = text[start : start + 3] == quote * 3
    if triple:
        end = text.find(quote * 3, start + 3)
        return None if end < 0 else end + 3
    i = start + 1
    while i < len(text):
        if text[i] == "\\" and quote == '"':
            i += 2
            continue
        if text[i] == quote:
            return i + 1
        if text[i] == "\n":
            return None
        i += 1
    return None


def _without_comments_and_strings(text: str) -> str:
    """The text with comments removed and strings kept as placeholders (for 'is there an item?')."""
    out = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch in "\"'":
            end = _string_end(text, i) or len(text)
            out.append("S")
            i = end
            continue
        if ch == "#":
            newline = text.find("\n", i)
            i = len(text) if newline < 0 else newline
            continue
        out.append(ch)
        i += 1
    return "".join(out)


def _last_code_position(text: str) -> int:
    """Index just after the last item (string or bare value) inside a list's brackets, ignoring
    comments and whitespace after it."""
    last = 0
    i = 0
    while i < len(text):
        ch = text[i]
        if ch in "\"'":
            end = _string_end(text, i) or len(text)
            last = end
            i = end
            continue
        if ch == "#":
            newline = text.find("\n", i)
            i = len(text) if newline < 0 else newline
            continue
        if not ch.isspace() and ch != ",":
            last = i + 1
        i += 1
    return last


# ---------------------------------------------------------------- the templates


def lesson_template(slug: str, track: str, title: str) -> str:
    return (
        LESSON_TEMPLATE.replace("@@ID@@", toml_string(slug))
        .replace("@@TRACK@@", toml_string(track))
        .replace("@@TITLE_TOML@@", toml_string(title))
        .replace("@@TITLE@@", title)
        .replace("@@SLUG@@", slug)
    )


LESSON_TEMPLATE = """+++
# The lesson's settings (TOML). docs/authoring.md explains every key.
id = @@ID@@                  # = the file name without .md; lower-case letters, digits and '-'
track = @@TRACK@@            # = the folder this file is in; a track of course/course.toml
title = @@TITLE_TOML@@
summary = "One line: what the learner will do in this lesson."
audience = "both"            # who it is for: school | staff | both
minutes = 10                 # roughly how long it takes
datasets = []                # city datasets the lesson opens, e.g. ["air_daily"]: see `qala datasets`
needs = []                   # Python modules beyond the standard library, e.g. ["pandas"]
requires = []                # lessons to finish first, e.g. ["monthly-air"]
systems = []                 # city systems it is about, e.g. ["air", "transit"]: see docs/authoring.md
+++

# @@TITLE@@

<!--
  Notes for you, the teacher. HTML comments like this one are never shown to learners.

  How this file is built:
  - The text before the first "## " heading is the introduction.
  - A "## Some title" heading starts a prose section; "## Exercise some-id: Title" starts an
    exercise. An exercise has: the task (prose), a ```python starter block (what the editor
    starts with; it must NOT pass), a ```python solution block (your reference solution; it must
    pass), a ```toml checks block (what is compared), and "### Hints" (a numbered list).
  - Optional: a ```python setup block runs before the learner's code and is shown read-only
    (a ```python hidden-setup block runs before it and is never shown).
  - Code inside TOML goes between ''' and ''': there, backslashes stay as they are.
  - Expected values are never typed in: Qala runs your solution and compares the learner's
    results with its results.

  The loop: edit, then `qala validate @@SLUG@@.md` in this folder, or from anywhere
  `qala validate PATH/TO/@@SLUG@@.md` (it runs the solution, the starter and the
  cases in @@SLUG@@.cases.toml), then look at it as a learner: `qala tui --lesson @@SLUG@@`
  inside your course's folder (elsewhere add `--course DIR`). Your trial checks there keep
  their XP apart from your own progress.
  Replace the example below with your own lesson; keep what helps. When you rename or remove
  the exercise weekly-total, change @@SLUG@@.cases.toml too (it tests that exercise).
-->

The Almaty metro counts every ride at its turnstiles. The numbers below are an example week:
how many rides were made each day, Monday to Sunday.

| Mon | Tue | Wed | Thu | Fri | Sat | Sun |
|----:|----:|----:|----:|----:|----:|----:|
| 41200 | 40800 | 41900 | 42300 | 44100 | 31500 | 27600 |

In Python, seven numbers in a row are a **list**. In this lesson you add a list up.

## Exercise weekly-total: A week of rides

<!-- The task: say exactly which variable to create, as the checks below look for it by name. -->

The list `rides` holds the rides of each day. Put the total number of rides of the whole week
into a variable called `total_rides`.

```python starter
rides = [41200, 40800, 41900, 42300, 44100, 31500, 27600]
total_rides = 0
```

```python solution
rides = [41200, 40800, 41900, 42300, 44100, 31500, 27600]
total_rides = sum(rides)
```

```toml checks
# What is checked. Each [[check]] has one kind: value, function, output, uses, forbids,
# no_hardcoded or assert (docs/authoring.md has an example of each).

[[check]]
value = "total_rides"        # the learner's total_rides must equal the solution's
message = "Add up all seven days: sum(rides) does it in one step."   # what to look at next

# A typical wrong answer and what to say when the learner's result is the same as its result:
[[check.mistake]]
code = '''
rides = [41200, 40800, 41900, 42300, 44100, 31500, 27600]
total_rides = rides[0] + rides[6]
'''
message = "That is only Monday and Sunday: the total needs all seven days."

[[check]]
no_hardcoded = "total_rides"  # the total must be computed from the list, not typed in
```

### Hints

1. `sum(...)` adds up every number in a list.
2. Write the name of the list inside the brackets: `sum(rides)`.

<!--
  More exercises: copy the whole "## Exercise ..." section (down to its hints) and give it a
  new id. The translations are in @@SLUG@@.ru.md and @@SLUG@@.kk.md (words only, no code; see
  docs/authoring.md): they translate this example, with the check ids their feedback is keyed
  by. Change them with the English; once one is up to date, `qala translated @@SLUG@@` marks
  it, so validate can tell you when this English changes after it.
-->

## What you learned

- `sum(...)` adds a list up in one step.
- An answer computed from the data stays right when the data changes; a typed number does not.
"""


CASES_TEMPLATE = """# Other answers to try, so you know your checks are fair: `qala validate` runs every case.
# expect = "pass": another correct solution. expect = "fail": a typical mistake; `failing`
# names the check that must fail and `feedback` is text its message must contain.

[[case]]
exercise = "weekly-total"
name = "a for loop is also right"
expect = "pass"
code = '''
rides = [41200, 40800, 41900, 42300, 44100, 31500, 27600]
total_rides = 0
for day in rides:
    total_rides = total_rides + day
'''

[[case]]
exercise = "weekly-total"
name = "the weekend only"
expect = "fail"
failing = "total_rides"
feedback = "all seven days"
code = '''
rides = [41200, 40800, 41900, 42300, 44100, 31500, 27600]
total_rides = rides[5] + rides[6]
'''

[[case]]
exercise = "weekly-total"
name = "the total typed in"
expect = "fail"
failing = "computed-total_rides"
code = '''
rides = [41200, 40800, 41900, 42300, 44100, 31500, 27600]
total_rides = 269400
'''
"""
