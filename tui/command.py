"""`qala tui [--lesson ID]`: the terminal app's subcommand, registered with the core's command line."""

from __future__ import annotations

import argparse


def register(commands, add_globals, tr=None) -> None:
    """Add `qala tui`; ``tr`` (a qala.grader.i18n.Translator) is the language of its help."""
    if tr is None:
        from qala.grader.i18n import Translator, resolve_language

        tr = Translator(resolve_language())
    sub = commands.add_parser(
        "tui",
        help=tr.t("the terminal app (also what `qala` alone opens)"),
        description=tr.t("Qala's terminal app: the course map, lessons with a code editor, data, badges."),
    )
    add_globals(sub)
    sub.add_argument("--lesson", metavar="ID", help=tr.t("open this lesson directly"))
    sub.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from qala.grader.engine import Engine

    engine = Engine(course_root=getattr(args, "course", None), home=getattr(args, "home", None), language=getattr(args, "lang", None))
    try:
        if getattr(args, "path", None):  # --path: follow that learning path (no question at the start)
            engine.choose_path(args.path)
        lesson = getattr(args, "lesson", None)
        if lesson:
            engine.lesson(lesson)  # a wrong id is a usage error (exit 2), before the screen opens
        from .app import QalaApp

        app = QalaApp(engine, lesson=lesson)
        app.run()
        return app.return_code or 0
    finally:
        engine.close()
