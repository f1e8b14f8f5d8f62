"""The message catalogs as the tests see them: where they are, and extraction exactly as babel.cfg says."""

from __future__ import annotations

from pathlib import Path
from string import Formatter

from babel.messages.catalog import Catalog
from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po

REPO = Path(__file__).resolve().parents[3]
LOCALE = REPO / "grader" / "locale"
POT = LOCALE / "qala.pot"
TRANSLATED = ("ru", "kk")
# The command in babel.cfg's header, minus the output file.
EXTRACT = [
    "extract",
    "-F",
    "babel.cfg",
    "-k",
    "t",
    "-k",
    "nt:1,2",
    "--no-default-keywords",
    "-c",
    "TRANSLATORS:",
    "--project",
    "Qala",
    "--copyright-holder",
    "The Qala team",
]


def po_path(language: str) -> Path:
    return LOCALE / language / "LC_MESSAGES" / "qala.po"


def load(path: Path, language: str | None = None) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=language)


def extract(out: Path) -> Catalog:
    """Extract the interface strings from the sources now, as a developer would."""
    args = [str(REPO / "babel.cfg") if a == "babel.cfg" else a for a in EXTRACT]
    CommandLineInterface().run(["pybabel", "--quiet", *args, "-o", str(out), str(REPO)])
    return load(out)


def msgids(catalog: Catalog) -> set:
    return {message.id for message in catalog if message.id}


def fields(text: str) -> list[str]:
    """The replacement fields of a message, written out: {n}, {lesson!r}…"""
    found = []
    for _, name, spec, conversion in Formatter().parse(text):
        if name is not None:
            found.append("{" + name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}")
    return sorted(found)
