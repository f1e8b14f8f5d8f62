"""Languages: which one the learner reads, and the interface strings in it (gettext catalogs).

Call sites write the English text with named fields, ``t("Expected {expected}.", expected=x)``,
so a message translates whole; ``nt`` picks the right plural form for Russian and Kazakh too.
"""

from __future__ import annotations

import gettext
import locale
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

LANGUAGES = ("en", "ru", "kk")
LANGUAGE_NAMES = {"en": "English", "ru": "Русский", "kk": "Қазақша"}
DEFAULT_LANGUAGE = "en"
LOCALE_DIR = Path(__file__).parent / "locale"


def normalise_language(value: str | None) -> str | None:
    """'ru_RU.UTF-8' -> 'ru'; anything we do not speak -> None."""
    if not value:
        return None
    code = value.strip().replace("-", "_").split(".")[0].split("_")[0].lower()
    if code == "kz":  # a common mistake for Kazakh
        code = "kk"
    return code if code in LANGUAGES else None


def system_language(environ: Mapping[str, str] = os.environ) -> str | None:
    for var in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        value = environ.get(var)
        if value:
            for part in value.split(":"):
                found = normalise_language(part)
                if found:
                    return found
            return None
    try:
        return normalise_language(locale.getlocale()[0])
    except ValueError:
        return None


def resolve_language(
    cli: str | None = None,
    saved: str | None = None,
    environ: Mapping[str, str] = os.environ,
) -> str:
    """--lang, then QALA_LANG, then the learner's saved choice, then the system locale, then English."""
    for candidate in (cli, environ.get("QALA_LANG"), saved, system_language(environ)):
        found = normalise_language(candidate)
        if found:
            return found
    return DEFAULT_LANGUAGE


@dataclass
class Translator:
    """Interface strings in one language, falling back to the English text itself."""

    language: str = DEFAULT_LANGUAGE
    _catalog: gettext.NullTranslations = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.language = normalise_language(self.language) or DEFAULT_LANGUAGE
        self._catalog = load_catalog(self.language)

    def t(self, message: str, /, **params: object) -> str:
        text = self._catalog.gettext(message)
        return text.format(**params) if params else text

    def nt(self, singular: str, plural: str, n: int, /, **params: object) -> str:
        text = self._catalog.ngettext(singular, plural, n)
        return text.format(n=n, **params)


_catalogs: dict[str, gettext.NullTranslations] = {}


def load_catalog(language: str) -> gettext.NullTranslations:
    if language not in _catalogs:
        mo = LOCALE_DIR / language / "LC_MESSAGES" / "qala.mo"
        if language != DEFAULT_LANGUAGE and mo.is_file():
            with mo.open("rb") as handle:
                _catalogs[language] = gettext.GNUTranslations(handle)
        else:
            _catalogs[language] = gettext.NullTranslations()
    return _catalogs[language]


def pick(text: Mapping[str, str] | str | None, language: str) -> str:
    """A course-data text given in several languages ({en, ru, kk}), in ``language`` or English."""
    if text is None:
        return ""
    if isinstance(text, str):
        return text
    return text.get(language) or text.get(DEFAULT_LANGUAGE) or next(iter(text.values()), "")
