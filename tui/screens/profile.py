"""Badges and profile: level and XP, the daily streak, XP day by day, and every badge."""

from __future__ import annotations

import datetime as dt

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Footer, Header, Static

from ..widgets.visuals import progress_bar, safe_icon
from .base import QalaScreen

HISTORY_DAYS = 14


class ProfileScreen(QalaScreen):
    """What you have achieved so far, and what is left to earn."""

    CSS_PATH = "profile.tcss"

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        with VerticalScroll(id="profile-body"):
            yield Static(id="summary")
            yield Static(id="history")
            yield Static(id="badges")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#profile-body").focus()

    def refresh_content(self) -> None:
        app = self.qala
        view = app.engine.progress()

        summary = Text()
        summary.append(app.t("Level {level}: {title}", level=view.level.number, title=app.pick(view.level.title)) + "\n", style="bold")
        if view.next_level:
            span = view.next_level.xp - view.level.xp
            summary.append_text(progress_bar(view.xp - view.level.xp, span, 30))
            summary.append(
                "  " + app.t("{xp} XP — {left} XP to “{title}”", xp=view.xp, left=view.next_level.xp - view.xp, title=app.pick(view.next_level.title))
            )
        else:
            summary.append(app.t("{xp} XP — the highest level!", xp=view.xp))
        summary.append(f"\n\n{app.icon('🔥')} " + app.nt("Streak: {n} day", "Streak: {n} days", view.streak))
        summary.append("  " + app.t("(longest: {days})", days=view.longest_streak), style="dim")
        summary.append(f"\n{app.icon('✔')} " + app.t("Exercises passed: {done} of {total}", done=view.exercises_done, total=view.exercises_total))
        self.query_one("#summary", Static).update(summary)

        history = Text()
        history.append(app.t("XP in the last {days} days", days=HISTORY_DAYS) + "\n", style="bold")
        by_day = dict(view.xp_by_day)
        today = app.engine.clock().date()
        days = [(today - dt.timedelta(days=n)).isoformat() for n in range(HISTORY_DAYS - 1, -1, -1)]
        most = max([by_day.get(d, 0) for d in days] + [1])
        for day in days:
            xp = by_day.get(day, 0)
            history.append(f"{day[5:]} ", style="dim")
            history.append("█" * round(24 * xp / most) if xp else "·", style="bold yellow" if xp else "dim")
            history.append(f" {xp}\n" if xp else "\n", style="")
        self.query_one("#history", Static).update(history)

        table = Table(title=app.t("Badges"), title_justify="left", title_style="bold", expand=True, show_edge=False, box=None, padding=(0, 1))
        table.add_column("", width=2, no_wrap=True)
        table.add_column(app.t("Badge"), ratio=1)
        table.add_column(app.t("How to earn it"), ratio=2)
        earned = [b for b in view.badges if b.earned_at]
        locked = [b for b in view.badges if not b.earned_at]
        for badge_view in earned + locked:
            badge = badge_view.badge
            if badge_view.earned_at:
                table.add_row(
                    app.icon(safe_icon(badge.icon)),
                    Text(app.pick(badge.title), style="bold"),
                    Text(app.pick(badge.description) + "  " + app.t("earned {date}", date=app.engine.tr.date(badge_view.earned_at[:10])), style="green"),
                )
            else:
                table.add_row(app.icon("🔒"), Text(app.pick(badge.title), style="dim"), Text(app.pick(badge.description), style="dim"))
        self.query_one("#badges", Static).update(table)
