"""What a learner sees in the notebook: a check's verdict, a hint, progress, the export link and the
lesson's welcome, as small HTML fragments (inline styles, SVG icons, WCAG AA colours) with a
plain-text fallback. The words come from the engine (``CheckOutcome.verdict``); these only style them.
"""

from __future__ import annotations

import base64
import html
import json
import re
import sys
from typing import TYPE_CHECKING

from qala.grader.engine import ExerciseKind
from qala.grader.i18n import pick

from .icons import svg as icon

if TYPE_CHECKING:
    from .notebook import Session


IN_PYODIDE = sys.platform == "emscripten"

GREEN, RED, BLUE, AMBER = "#2e7d32", "#c62828", "#1565c0", "#8a5100"  # each 4.5:1 or more on its box (WCAG AA)
BOX = "border-radius:8px;padding:10px 14px;margin:4px 0;font-family:system-ui,-apple-system,'Segoe UI',sans-serif;line-height:1.45;"


def _inline(text: str) -> str:
    """A message as HTML: escaped, with `code` and **bold** kept from Markdown."""
    escaped = html.escape(text)
    escaped = re.sub(r"`([^`]+)`", r"<code>\1</code>", escaped)
    return re.sub(r"\*\*([^*]+)\*\*", r"<b>\1</b>", escaped)


class View:
    """Something shown in a cell's output: HTML in the notebook, plain text anywhere else."""

    def html(self) -> str:
        raise NotImplementedError

    def text(self) -> str:
        return re.sub(r"<[^>]+>", "", html.unescape(self.html()))

    def _repr_html_(self) -> str:
        return self.html()

    def __repr__(self) -> str:
        return self.text()


class Message(View):
    COLOURS = {"info": BLUE, "error": RED, "warning": AMBER}

    def __init__(self, text: str, kind: str = "info"):
        self.message = text
        self.kind = kind

    def html(self) -> str:
        colour = self.COLOURS[self.kind]
        return f'<div data-qala="message" style="{BOX}border-left:6px solid {colour};background:#f5f7fa">{_inline(self.message)}</div>'

    def text(self) -> str:
        return self.message


def not_ready(session: Session) -> Message:
    return Message(session.tr().t("Your saved progress is still being opened: run this cell again in a moment."))


def _level_line(session: Session, xp: int) -> str:
    engine = session.engine
    tr = engine.tr
    level, following = engine.level_for(xp)
    parts = [
        f"{icon('star')} <b>{html.escape(tr.t('Level {level}: {title}', level=level.number, title=pick(level.title, engine.language)))}</b>",
        html.escape(tr.t("{xp} XP", xp=xp)),
    ]
    if following:
        span = max(1, following.xp - level.xp)
        parts.append(f'<progress value="{xp - level.xp}" max="{span}" style="width:8em;vertical-align:middle"></progress>')
        parts.append(f'<span style="color:#555">{html.escape(tr.t("{xp} XP to the next level", xp=following.xp - xp))}</span>')
    return " · ".join(parts[:2]) + " " + " ".join(parts[2:])


def _course_map_link(session: Session) -> str:
    """A link to the site's landing page, found from the kernel worker's own address."""
    if not IN_PYODIDE:
        return ""
    try:
        import js

        href = str(js.location.href)
    except Exception:
        return ""
    if "/extensions/" not in href:
        return ""
    root = href[: href.index("/extensions/") + 1]
    label = html.escape(session.tr().t("Course map"))
    return f' · <a href="{html.escape(root)}index.html" target="_blank" data-qala="course-map">{icon("map")} {label}</a>'


def _unsaved_note(session: Session) -> str:
    if not session.unsaved_reason:
        return ""
    text = session.tr().t(
        'This browser does not let the course keep your progress (a private window?): it will be lost when you close the page. Use export("Your Name") to keep your work.'
    )
    return f'<div style="color:{AMBER}">{icon("warning")} {html.escape(text)}</div>'


class CheckResultView(View):
    """A check's verdict: each check ✔/✘ with its message, then XP, level and new badges."""

    def __init__(self, session: Session, lesson, exercise, outcome=None, grade=None):
        self.session = session
        self.lesson = lesson
        self.exercise = exercise
        self.outcome = outcome
        self.grade = grade if grade is not None else outcome.grade

    @property
    def passed(self) -> bool:
        return self.grade.passed

    @property
    def ran(self) -> bool:
        """The learner's code ran to its end (no error, not stopped): safe to run it again. A
        prediction or a choice is not code: it never runs in the notebook."""
        if self.exercise.kind in (ExerciseKind.PREDICT, ExerciseKind.CHOICE):
            return False
        return bool(self.grade.feedback) and self.grade.feedback[0].passed

    def html(self) -> str:
        from qala.grader.outcomes import Line

        engine = self.session.engine
        tr = engine.tr
        items = []
        for item in self.grade.feedback:  # as in CheckOutcome.verdict's check lines
            mark, colour = (icon("check", tr.t("passed")), GREEN) if item.passed else (icon("cross", tr.t("not passed")), RED)
            items.append(
                f'<li data-check="{html.escape(item.check)}" data-passed="{str(item.passed).lower()}">'
                f'<span style="color:{colour};font-weight:bold">{mark}</span> {_inline(item.message)}</li>'
            )
        feedback = f'<ul style="list-style:none;padding-left:2px;margin:6px 0">{"".join(items)}</ul>'
        if self.exercise.kind is ExerciseKind.PREDICT:  # then see it run
            feedback += (
                f'<div style="font-weight:600">{html.escape(tr.t("The program printed:"))}</div>'
                f'<pre data-qala="output" style="margin:2px 0 6px;padding:4px 8px;background:#f5f5f5">{html.escape(self.grade.output)}</pre>'
            )
        outcome = self.outcome
        if outcome is None:  # not checkable here (a missing module): nothing was kept
            return f'<div data-qala="check" data-passed="false" style="{BOX}border-left:6px solid {AMBER};background:#fff8e1">{feedback}</div>'
        head, extra = "", []
        for line in outcome.verdict(tr):
            if line.kind is Line.PASSED:
                head = (
                    f'<div style="font-size:1.15em;font-weight:600;color:{GREEN}">{icon("trophy")} {html.escape(line.text)} '
                    f'<span data-qala="xp">{html.escape(line.detail)}</span></div>'
                )
            elif line.kind is Line.NOT_PASSED:
                head = (
                    f'<div style="font-size:1.15em;font-weight:600;color:{RED}">{html.escape(line.text)}</div>'
                    f"<div>{html.escape(line.detail).replace('✘', icon('cross'))}</div>"
                )
            elif line.kind is Line.LEVEL_UP:
                extra.append(f'<div style="font-weight:600;color:#6a1b9a">{icon("level-up")} {html.escape(line.text)} {html.escape(line.detail)}</div>')
            elif line.kind is Line.BADGE:
                extra.append(
                    f'<div data-qala="badge" data-badge="{html.escape(line.badge)}" style="font-weight:600;color:{AMBER}">'
                    f"{icon(line.icon, size='1.6em')} {html.escape(line.text)}</div>"
                )
        if outcome.passed:
            colour, background = GREEN, "#f1f8e9"
        else:
            extra.append(self._hint_offer())
            colour, background = RED, "#fff5f5"
        level = f'<div style="margin-top:4px">{_level_line(self.session, outcome.total_xp)}{_course_map_link(self.session)}</div>'
        return (
            f'<div data-qala="check" data-passed="{str(outcome.passed).lower()}" style="{BOX}border-left:6px solid {colour};background:{background}">'
            f"{head}{feedback}{''.join(extra)}{level}{_unsaved_note(self.session)}</div>"
        )

    def _hint_offer(self) -> str:
        engine = self.session.engine
        tr = engine.tr
        taken = engine.hints_taken(self.lesson.id, self.exercise.id)
        if taken >= self.exercise.hint_count:
            return ""
        cost = engine.next_hint_cost(self.lesson.id, self.exercise.id)
        call = f'hint("{self.exercise.id}")'
        text = tr.nt(
            "Stuck? Run {call} in a new cell for a hint; it costs {n} XP.", "Stuck? Run {call} in a new cell for a hint; it costs {n} XP.", cost, call="\0"
        )
        return f'<div style="color:#555">{icon("bulb")} {html.escape(text).replace(chr(0), f"<code>{html.escape(call)}</code>")}</div>'

    def text(self) -> str:
        tr = self.session.engine.tr
        lines = [("✔ " if f.passed else "✘ ") + f.message for f in self.grade.feedback]
        if self.outcome is not None:
            head = self.outcome.verdict(tr)[0]
            lines.append(f"{head.text} {head.detail}")
        return "\n".join(lines)


class HintView(View):
    def __init__(self, session: Session, outcome, solution_call: str = ""):
        self.session = session
        self.outcome = outcome
        self.solution_call = solution_call  # e.g. solution("january"), once the last hint was taken and a solution is offered

    def markdown(self) -> str:
        tr = self.session.engine.tr
        hint = self.outcome
        cost = tr.nt("this hint cost {n} XP", "this hint cost {n} XP", hint.cost) if hint.cost else tr.t("no XP cost")
        text = f"**{tr.t('Hint {number} of {total}', number=hint.number, total=hint.total)}** ({cost})\n\n{hint.text}"
        if self.solution_call:
            said = tr.t("That was the last hint. {call} shows the reference solution (the exercise then gives no XP).", call=f"`{self.solution_call}`")
            text += f"\n\n*{said}*"
        return text

    def _repr_markdown_(self) -> str:
        return self.markdown()

    def html(self) -> str:
        return f'<div data-qala="hint">{_inline(self.markdown())}</div>'

    def _repr_html_(self):  # Markdown renders hints' code blocks better than our HTML would
        return None

    def text(self) -> str:
        return self.markdown()


class SolutionView(View):
    """The reference solution, shown after the last hint (the exercise then gives no XP)."""

    def __init__(self, session: Session, code: str):
        self.session = session
        self.code = code

    def markdown(self) -> str:
        tr = self.session.engine.tr
        return f"**{tr.t('The reference solution: passing this exercise now gives no XP.')}**\n\n```python\n{self.code}\n```"

    def _repr_markdown_(self) -> str:
        return self.markdown()

    def html(self) -> str:
        return f'<div data-qala="solution">{_inline(self.markdown())}</div>'

    def _repr_html_(self):  # Markdown shows the code block better than our HTML would
        return None

    def text(self) -> str:
        return self.markdown()


class ProgressCard(View):
    """The course map in a cell: level, XP, streak, badges, and each lesson's progress."""

    #: A lesson's status: its icon, and its name (the landing page's words, translated there).
    STATUS = {"done": ("check", "Done"), "in_progress": ("half", "In progress"), "available": ("circle", "Not started"), "locked": ("lock", "Locked")}

    def __init__(self, session: Session):
        self.session = session

    def html(self) -> str:
        engine = self.session.engine
        tr = engine.tr
        lang = engine.language
        view = engine.progress()
        lines = [f'<div style="font-size:1.1em">{_level_line(self.session, view.xp)}{_course_map_link(self.session)}</div>']
        streak = tr.nt("Streak: {n} day", "Streak: {n} days", view.streak) + " " + tr.t("(longest: {days})", days=view.longest_streak)
        lines.append(
            f"<div>{icon('flame')} {html.escape(streak)} · {html.escape(tr.t('Exercises passed: {done} of {total}', done=view.exercises_done, total=view.exercises_total))}</div>"
        )
        earned = [b for b in view.badges if b.earned_at]
        waiting = [b for b in view.badges if not b.earned_at]
        chips = "".join(
            f'<span data-badge="{html.escape(b.badge.id)}" title="{html.escape(pick(b.badge.description, lang))}" '
            f'style="display:inline-block;margin:2px 4px 2px 0;padding:2px 8px;border-radius:12px;background:#fff3c4">'
            f"{icon(b.badge.icon)} {html.escape(pick(b.badge.title, lang))}</span>"
            for b in earned
        )
        grey = "".join(
            f'<span title="{html.escape(pick(b.badge.description, lang))}" style="display:inline-block;margin:2px 4px 2px 0;padding:2px 8px;'
            f'border-radius:12px;background:#eee;color:#555">{icon(b.badge.icon)} {html.escape(pick(b.badge.title, lang))}</span>'
            for b in waiting
        )
        lines.append(f'<div data-qala="badges"><b>{html.escape(tr.t("Badges"))}:</b> {chips or "—"}</div>')
        if grey:
            lines.append(f"<details><summary>{html.escape(tr.t('Badges to earn'))}</summary>{grey}</details>")
        for track in engine.course_map():
            if not track.lessons:
                continue
            rows = "".join(
                f'<li data-lesson="{html.escape(view.lesson.id)}">{icon(self.STATUS[view.status][0], tr.t(self.STATUS[view.status][1]))} {html.escape(view.lesson.text(lang).title)} '
                f'<span style="color:#555">{view.done}/{view.total}</span></li>'
                for view in track.lessons
            )
            lines.append(
                f'<div style="margin-top:6px"><b>{html.escape(track.track.title_in(lang))}</b> '
                f'<span style="color:#555">{track.done}/{track.total}</span><ul style="margin:2px 0">{rows}</ul></div>'
            )
        return f'<div data-qala="progress" style="{BOX}border-left:6px solid {BLUE};background:#f5f9ff">{"".join(lines)}{_unsaved_note(self.session)}</div>'


class ExportView(View):
    """The file `qala export` writes, offered as a download for the teacher's `qala report`."""

    def __init__(self, session: Session, data: dict):
        self.session = session
        self.data = data
        self.content = json.dumps(data, ensure_ascii=False, indent=1)
        slug = "".join(ch if ch.isalnum() else "-" for ch in data["learner"]["name"].strip().lower()).strip("-") or "learner"
        self.filename = f"qala-export-{slug}.json"

    def html(self) -> str:
        tr = self.session.engine.tr
        url = "data:application/json;charset=utf-8;base64," + base64.b64encode(self.content.encode("utf-8")).decode()
        link = (
            f'<a download="{html.escape(self.filename)}" href="{url}" data-qala="export-link" '
            f'style="font-weight:600">{icon("download")} {html.escape(self.filename)}</a>'
        )
        count = len(self.data["attempts"])
        text = tr.nt(
            "Download {file} and send it to your teacher: it holds your {n} attempt.",
            "Download {file} and send it to your teacher: it holds your {n} attempts.",
            count,
            file="\0",
        )
        return f'<div data-qala="export" style="{BOX}border-left:6px solid {BLUE};background:#f5f9ff">{icon("package")} {html.escape(text).replace(chr(0), link)}</div>'


class Welcome(View):
    """What the first cell of a lesson shows; `await start(...)` also waits for the saved progress."""

    def __init__(self, session: Session):
        self.session = session

    def __await__(self):
        return self._opened().__await__()

    async def _opened(self) -> Welcome:
        await self.session.open()
        lesson = self.session.engine.course.lesson(self.session.lesson_id or "")
        if lesson is not None:
            await self.session.load_needs(lesson)
        return self

    def html(self) -> str:
        session = self.session
        tr = session.tr()
        if not session.ready:
            return Message(
                tr.t(
                    "The lesson is ready. Write your code in the cells that start with %%check and run them with Shift+Enter (on a phone or tablet: the ▶ button at the top)."
                )
            ).html()
        engine = session.engine
        tr = engine.tr
        lesson = engine.course.lesson(session.lesson_id or "")
        if lesson is None:
            return Message(
                tr.t("There is no lesson {lesson} in this course: open the lessons from the course map.", lesson=session.lesson_id), kind="error"
            ).html()
        passed = engine.progress_data().passed()
        done = sum((lesson.id, e.id) in passed for e in lesson.exercises)
        text = lesson.text(engine.language)
        parts = [
            f'<div style="font-size:1.15em;font-weight:600">{icon("book")} {html.escape(text.title)}</div>',
            f'<div data-qala="lesson-progress">{html.escape(tr.t("Exercises passed: {done} of {total}", done=done, total=len(lesson.exercises)))}</div>',
            f"<div>{_level_line(session, engine.progress_data().xp)}{_course_map_link(session)}</div>",
            f'<div style="color:#555">{html.escape(tr.t("In each exercise, write your code under the line %%check … and press Shift+Enter (on a phone or tablet, tap ▶ at the top): the checker tells you what is right and what to fix."))}</div>',
        ]
        missing = engine.missing_modules(lesson)
        if missing:
            needs = tr.t(
                "This lesson needs {modules}, which this copy of the course does not include, so its exercises cannot be checked here. You can still read it; ask your teacher for the full version of the course.",
                modules=", ".join(missing),
            )
            parts.append(f'<div data-qala="needs" style="color:{AMBER};font-weight:600">{icon("warning")} {html.escape(needs)}</div>')
        return f'<div data-qala="welcome" style="{BOX}border-left:6px solid {BLUE};background:#f5f9ff">{"".join(parts)}{_unsaved_note(session)}</div>'
