"""The notebook's words made lesson prose: ids from names, titles and tasks from a question's
markdown, headings demoted under the exercise's own."""

from __future__ import annotations

import re

from ...content.lesson_file import ID


def id_slug(text: str) -> str:
    """An id for a lesson or exercise: lower-case ASCII letters, digits and '-' (the course's ids).
    Not cli.output.file_slug, which names a learner's export file and keeps any alphabet."""
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug


def _unique(slug: str, taken: set[str], fallback: str) -> str:
    slug = slug if slug and ID.match(slug) else fallback
    candidate, n = slug, 2
    while candidate in taken:
        candidate, n = f"{slug}-{n}", n + 1
    taken.add(candidate)
    return candidate


HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")


def _title_and_task(markdown: list[str], fallback: str) -> tuple[str, str]:
    """An exercise title from the prompt's first heading (without "(2 points)"), and the rest."""
    text = "\n\n".join(m.strip() for m in markdown if m.strip())
    lines = [line for line in text.split("\n")]
    title = ""
    for i, line in enumerate(lines):
        if re.match(r"^\s*(---+|\*\*\*+)\s*$", line) and not title:
            lines[i] = ""
            continue
        found = HEADING.match(line)
        if found:
            title = re.sub(r"\s*\((\d+(\.\d+)?\s*(points?|pts?|marks?|баллов?|балл)|\d+\s*/\s*\d+)\)\s*$", "", found.group(2), flags=re.I).strip()
            lines[i] = ""
            break
        if line.strip():
            bold = re.match(r"^\s*\*\*(.{1,60}?)\*\*", line)
            if bold:
                title = bold.group(1).strip().rstrip(".:")
            break
    return title or fallback, _demote("\n".join(lines).strip())


def _demote(markdown: str) -> str:
    """Headings inside an exercise's task must not start a new section ('## ') or look like
    '### Hints': they become level-3 (or level-4) headings."""
    out = []
    in_fence = False
    for line in markdown.split("\n"):
        if re.match(r"^\s{0,3}(```|~~~)", line):
            in_fence = not in_fence
        found = None if in_fence else HEADING.match(line)
        if found:
            level = max(3, len(found.group(1)))
            if found.group(2).strip().lower() in ("hints", "feedback"):
                level = 4
            line = "#" * level + " " + found.group(2)
        out.append(line)
    return "\n".join(out)


def _sections(markdown: str) -> str:
    """Prose between exercises: it needs its own '## ' heading, or it would join the exercise above."""
    text = markdown.strip()
    lines = text.split("\n")
    while lines and re.match(r"^\s*(---+|\*\*\*+)\s*$", lines[0]):
        lines.pop(0)
    text = "\n".join(lines).strip()
    found = HEADING.match(lines[0]) if lines else None
    if found:
        return f"## {found.group(2)}\n\n" + _demote("\n".join(lines[1:]).strip())
    return "## More from the notebook\n\n" + _demote(text)
