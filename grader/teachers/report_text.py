"""The class report in words: what a terminal prints after `qala report`, and the few phrases
the HTML page shares with it."""

from __future__ import annotations

from typing import Any

from ..i18n import Translator
from .report import ClassReport, shown
from .report_solutions import solutions_line


def claims_note(tr: Translator) -> str:
    return tr.t(
        "Verdicts are regraded. Taken from the files as claimed, not confirmed: the dates of attempts (streaks), the hints used and the order of attempts (first-try bonus). XP and the badges computed from them rest on those claims."
    )


def kind_text(kind: str, tr: Translator) -> str:
    return {
        "verdict": tr.t("the regrade gives a different verdict"),
        "xp": tr.t("the XP in the file is not what this attempt earns"),
        "unknown": tr.t("no such exercise in this course (another version of it?)"),
        "not_regraded": tr.t("could not be regraded"),
    }.get(kind, kind)


def verdict_text(value: bool | None, tr: Translator) -> str:
    if value is None:
        return "—"
    return tr.t("passed") if value else tr.t("not passed")


def print_report(report: ClassReport, tr: Translator, console, limit: int = 40) -> None:
    from rich.markup import escape as rich_escape
    from rich.table import Table

    def escape(text: Any) -> str:
        return rich_escape(shown(text))

    console.print(
        f"[bold]{escape(tr.t('Class report: {course}', course=report.course_title))}[/]  "
        + escape(
            ", ".join(
                (
                    tr.nt("{n} learner", "{n} learners", len(report.learners)),
                    tr.nt("{n} attempt", "{n} attempts", report.attempts),
                    tr.nt("{n} program regraded", "{n} programs regraded", report.runs),
                )
            )
        )
    )
    if report.learners:
        # One mark per lesson, in course order, keeps the table narrow enough for any terminal.
        table = Table(
            title=tr.t("Who finished what"),
            title_justify="left",
            caption=escape(
                tr.t("Lessons in course order: {lessons}. ✔ done, ◐ started, · not yet.", lessons=", ".join(lesson_id for lesson_id, _ in report.lessons))
            ),
            caption_justify="left",
        )
        table.add_column(tr.t("learner"), overflow="fold")
        table.add_column(tr.t("passed"), justify="right")
        table.add_column(tr.t("lessons"), overflow="fold")
        table.add_column(tr.t("XP"), justify="right")
        table.add_column(tr.t("claimed XP"), justify="right")
        table.add_column("⚠", justify="right")
        total = len(report.exercises)
        for learner in sorted(report.learners, key=lambda learner: (-learner.passed, learner.name.lower())):
            marks = "".join(
                {"done": "[green]✔[/]", "started": "[yellow]◐[/]"}.get(learner.lessons.get(lesson_id, ""), "[dim]·[/]") for lesson_id, _ in report.lessons
            )
            claimed = str(learner.claimed_xp) if learner.claimed_xp == learner.xp else f"[red]{learner.claimed_xp}[/]"
            flags = f"[red]{learner.disagreements}[/]" if learner.disagreements else "0"
            table.add_row(escape(learner.name), f"{learner.passed}/{total}", marks, str(learner.xp), claimed, flags)
        console.print(table)
    struggles = report.struggles()
    if struggles:
        table = Table(title=tr.t("Where the class struggles"), title_justify="left")
        for header in (tr.t("exercise"), tr.t("passed / tried"), tr.t("failed attempts"), tr.t("most common failing check")):
            table.add_column(header, overflow="fold")
        for e in struggles:
            check = f"{e.common_check} ({e.common_count})" if e.common_check else ""
            table.add_row(escape(f"{e.lesson}/{e.exercise}"), f"{e.passed}/{e.attempted}", str(e.failed_attempts), escape(check))
        console.print(table)
    if report.disagreements:
        table = Table(title=tr.t("Attempts whose regrade disagrees with the file"), title_justify="left")
        for header in (tr.t("learner"), tr.t("attempt"), tr.t("claimed"), tr.t("regraded"), tr.t("why")):
            table.add_column(header, overflow="fold")
        for d in report.disagreements[:limit]:
            claimed = f"{verdict_text(d.claimed_passed, tr)}, {d.claimed_xp} XP"
            regraded = f"{verdict_text(d.regraded_passed, tr)}, {d.regraded_xp} XP" if d.regraded_passed is not None else "—"
            why = kind_text(d.kind, tr) + (f": {d.check}" if d.check and d.kind == "verdict" else "")
            table.add_row(escape(d.learner), escape(f"#{d.attempt} {d.lesson}/{d.exercise}"), escape(claimed), escape(regraded), escape(why))
        console.print(table)
        if len(report.disagreements) > limit:
            console.print(escape(tr.t("…and {n} more: see --json or --html.", n=len(report.disagreements) - limit)))
    else:
        console.print(escape(tr.t("Every regraded attempt agrees with what its file claims.")))
    on_claims = [(learner.name, learner.badges_on_claims) for learner in report.learners if learner.badges_on_claims]
    if on_claims:
        console.print(
            escape(tr.t("Badges that rest on what the files claim: {list}", list="; ".join(f"{name}: {', '.join(badges)}" for name, badges in on_claims)))
        )
    if seen := solutions_line(report.learners, tr):
        console.print(escape(seen))
    console.print(f"[dim]{escape(claims_note(tr))}[/]")
    for file, reason in report.stopped:
        console.print(f"[red]{escape(file)}: {escape(reason)}[/]")
    for file, error in report.problems:
        console.print(f"[red]{escape(file)}: {escape(error)}[/]")
