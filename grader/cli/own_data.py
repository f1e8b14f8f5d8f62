"""`qala datasets check FILE --as DATASET` and `qala datasets use FILE --as DATASET [--map NEW=OLD ...] | --reset`:
the learner's own file, said finding by finding, and explored with lessons' code, ungraded."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from ..errors import UsageError
from ..i18n import Translator
from .output import engine_from, escape_markup, print_json, rich_console

MARKS = {"ok": "[green]✔[/]", "bad": "[red]✘[/]", "note": "[cyan]·[/]"}


def add_subcommands(datasets: argparse.ArgumentParser, parser_class: type, add_globals, tr: Translator) -> None:
    """`check` and `use` beside `qala datasets` (which, alone, still lists the datasets)."""
    actions: Any = datasets.add_subparsers(dest="own_action", metavar=tr.t("ACTION"), parser_class=parser_class, required=False)
    machine = tr.t("machine-readable output")
    mapping = tr.t('a datasheet column and the column of your file that holds it, e.g. --map pm25="PM2.5, мкг/м³" (repeatable)')
    check = actions.add_parser(
        "check",
        help=tr.t("read your own CSV or XLSX against a dataset's datasheet and say what fits"),
        description=tr.t("read your own CSV or XLSX against a dataset's datasheet and say what fits; exit 0 it fits, 1 it does not yet, 2 unreadable"),
    )
    add_globals(check)
    check.add_argument("file", type=Path, metavar=tr.t("FILE"), help=tr.t("your file: CSV (any common encoding and delimiter) or XLSX"))
    check.add_argument("--as", dest="as_dataset", required=True, metavar=tr.t("DATASET"), help=tr.t("the dataset it stands for (`qala datasets` lists them)"))
    check.add_argument("--map", action="append", default=[], metavar="NEW=OLD", help=mapping)
    check.add_argument("--json", action="store_true", help=machine)
    check.set_defaults(own_run=cmd_check_own)
    use = actions.add_parser(
        "use",
        help=tr.t("explore lessons with your own file instead of a dataset (ungraded); --reset goes back"),
        description=tr.t(
            "convert your file into the dataset's shape (your file is not changed) and let lessons' code run on it, ungraded; "
            "checks and XP always use the course's data"
        ),
    )
    add_globals(use)
    use.add_argument("file", nargs="?", type=Path, metavar=tr.t("FILE"), help=tr.t("your file: CSV (any common encoding and delimiter) or XLSX"))
    use.add_argument("--as", dest="as_dataset", metavar=tr.t("DATASET"), help=tr.t("the dataset it stands for (`qala datasets` lists them)"))
    use.add_argument("--map", action="append", default=[], metavar="NEW=OLD", help=mapping)
    use.add_argument("--reset", action="store_true", help=tr.t("go back to the course's data (for --as DATASET only, or for all)"))
    use.add_argument("--json", action="store_true", help=machine)
    use.set_defaults(own_run=cmd_use_own)


def _mapping(pairs: list[str], tr: Translator) -> dict[str, str]:
    found = {}
    for pair in pairs:
        new, sep, old = pair.partition("=")
        if not sep or not new.strip() or not old.strip():
            raise UsageError(tr.t("--map wants NEW=OLD: a datasheet column, '=', and your file's column (got {pair!r})", pair=pair))
        found[new.strip()] = old.strip()
    return found


def _print_findings(report, tr: Translator) -> None:
    console = rich_console()
    for finding in report.findings:
        console.print(f"{MARKS.get(finding.mark, '·')} {escape_markup(finding.render(tr))}", soft_wrap=True)


def cmd_check_own(args) -> int:
    engine = engine_from(args)
    try:
        report = engine.check_own_data(args.file, args.as_dataset, _mapping(args.map, engine.tr))
    finally:
        engine.close()
    if args.json:
        print_json(report.as_json(engine.tr))
    else:
        _print_findings(report, engine.tr)
        if report.fits:
            rich_console().print(
                escape_markup(engine.tr.t("Explore lessons with it: qala datasets use {file} --as {dataset}", file=args.file, dataset=report.dataset))
            )
    return 0 if report.fits else 1


def cmd_use_own(args) -> int:
    engine = engine_from(args)
    tr = engine.tr
    try:
        if args.reset:
            if args.file is not None:
                raise UsageError(tr.t("--reset takes no file: qala datasets use --reset [--as DATASET]"))
            gone = engine.reset_own_data(args.as_dataset)
            if args.json:
                print_json({"reset": gone})
            elif gone:
                print(tr.t("Back to the course's data for {datasets}.", datasets=", ".join(gone)))
            else:
                print(tr.t("Lessons already use the course's data."))
            return 0
        if args.file is None or not args.as_dataset:
            raise UsageError(tr.t("say which file and which dataset: qala datasets use FILE --as DATASET (or --reset)"))
        report = engine.use_own_data(args.file, args.as_dataset, _mapping(args.map, tr))
    finally:
        engine.close()
    if args.json:
        print_json(report.as_json(tr) | {"used": report.usable})
        return 0 if report.usable else 1
    _print_findings(report, tr)
    console = rich_console()
    if not report.usable:
        console.print(f"[bold red]{escape_markup(tr.t('Not used: nothing of it fits {dataset} yet.', dataset=report.dataset))}[/]")
        return 1
    console.print(
        "\n[bold]"
        + escape_markup(
            tr.t(
                "Lessons' code now reads your data in place of {dataset} when you explore (F10 in a lesson of the terminal app). "
                "Checks and XP still use the course's data. `qala datasets use --reset` goes back.",
                dataset=report.dataset,
            )
        )
        + "[/]"
    )
    return 0


def own_data_note(args, tr: Translator) -> str:
    """For `qala datasets`: which datasets the learner explores with their own file, if any."""
    from ..content.own_data import using
    from ..engine import default_home

    own = using(Path(args.home) if args.home else default_home())
    if not own:
        return ""
    return tr.t("You explore {datasets} with your own data; checks use the course's. `qala datasets use --reset` goes back.", datasets=", ".join(own))
