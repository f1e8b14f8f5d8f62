"""Languages: which one the learner reads, and the interface strings in it (gettext catalogs).

Call sites write the English text with named fields, ``t("Expected {expected}.", expected=x)``,
so a message translates whole; ``nt`` picks the right plural form for Russian and Kazakh too.
Numbers and dates given as fields are written the way the language writes them (``1 234,5`` in
Russian); pass them as ``int``/``float``/``datetime.date``, not as text you formatted yourself. A
problem given as a field (a :class:`~qala.grader.errors.ContentError`, kept as its message key
and fields) is written in this language too.

The catalogs are the translators' ``.po`` files in ``locale/LANG/LC_MESSAGES/qala.po``, read as
they are: nothing is compiled when Qala is built or installed, so a checkout, an editable
install, a wheel and the browser's kernel (Pyodide, no Babel) all find the same translations.
"""

from __future__ import annotations

import datetime as _dt
import gettext
import io
import locale
import math
import os
import re
import struct
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from string import Formatter
from typing import Protocol, runtime_checkable

LANGUAGES = ("en", "ru", "kk")
LANGUAGE_NAMES = {"en": "English", "ru": "Русский", "kk": "Қазақша"}
DEFAULT_LANGUAGE = "en"
LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "qala"


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


@runtime_checkable
class Renderable(Protocol):
    """Something kept as a message key and fields until shown, such as a
    :class:`~qala.grader.errors.ContentError`: it writes itself in a translator's language."""

    def render(self, tr: Translator) -> str: ...


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
        return self._fill(text, params) if params else text

    def nt(self, singular: str, plural: str, n: int, /, **params: object) -> str:
        text = self._catalog.ngettext(singular, plural, n)
        return self._fill(text, {"n": n, **params})

    def ngettext(self, singular: str, plural: str, n: int, /) -> str:
        """The plural form for ``n``, its fields left as they are (for code that fills them itself, like argparse)."""
        return self._catalog.ngettext(singular, plural, n)

    def number(self, value: float) -> str:
        """A number as this language writes it: 1,234.5 / 1 234,5."""
        return format_number(value, self.language)

    def date(self, value: _dt.date | str) -> str:
        """A date (or an ISO date string) as this language writes it: Mar 14, 2025 / 14 мар. 2025 г."""
        return format_date(value, self.language)

    def _fill(self, text: str, params: Mapping[str, object]) -> str:
        plain = _plain_fields(text)
        return text.format(**{k: self._shown(v) if k in plain else v for k, v in params.items()})

    def _shown(self, value: object) -> object:
        if isinstance(value, bool):
            return value
        if isinstance(value, (int, float)):
            return format_number(value, self.language)
        if isinstance(value, _dt.date):
            return format_date(value, self.language)
        if isinstance(value, Renderable):  # a problem (ContentError), kept as its key and fields until shown
            return value.render(self)
        return value


@lru_cache(maxsize=2048)
def _plain_fields(text: str) -> frozenset[str]:
    """Fields written only as plain ``{name}`` (never with ``!r`` or ``:spec``): those are shown localized."""
    try:
        parsed = [(name, bool(spec or conversion)) for _, name, spec, conversion in Formatter().parse(text) if name]
    except ValueError:
        return frozenset()
    return frozenset(name for name, _ in parsed) - {name for name, formatted in parsed if formatted}


# ---------------------------------------------------------------- catalogs


_catalogs: dict[str, gettext.NullTranslations] = {}


def catalog_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def load_catalog(language: str) -> gettext.NullTranslations:
    """The language's catalog: its ``.po`` file, compiled in memory (a ``.mo`` only if no ``.po``)."""
    if language not in _catalogs:
        po = catalog_path(language)
        mo = po.with_suffix(".mo")
        if language == DEFAULT_LANGUAGE:
            _catalogs[language] = gettext.NullTranslations()
        elif po.is_file():
            _catalogs[language] = gettext.GNUTranslations(io.BytesIO(compile_po(po.read_text(encoding="utf-8"))))
        elif mo.is_file():
            with mo.open("rb") as handle:
                _catalogs[language] = gettext.GNUTranslations(handle)
        else:
            _catalogs[language] = gettext.NullTranslations()
    return _catalogs[language]


@dataclass
class PoEntry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    msgctxt: str | None = None
    fuzzy: bool = False


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}
_ESCAPE = re.compile(r"\\(.)")
_KEYWORD = re.compile(r"^(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])?\s+(\".*\")\s*$")


def _unquote(quoted: str) -> str:
    return _ESCAPE.sub(lambda m: _ESCAPES.get(m.group(1), m.group(1)), quoted.strip()[1:-1])


def read_po(text: str) -> list[PoEntry]:
    """Every entry of a ``.po`` file (obsolete ``#~`` entries left out), header included."""
    entries: list[PoEntry] = []
    entry = PoEntry()
    fuzzy = False
    target: tuple[str, int] | None = None
    started = False

    def finish() -> None:
        nonlocal entry, started, target
        if started:
            entries.append(entry)
        entry, started, target = PoEntry(), False, None

    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            if started and target is not None and target[0] == "msgstr":
                finish()
            if line.startswith("#,") and "fuzzy" in line[2:].replace(",", " ").split():
                fuzzy = True
            elif line.startswith("#~"):  # an obsolete entry: its flags are not the next entry's
                fuzzy = False
            continue
        match = _KEYWORD.match(line)
        if match:
            keyword, index, quoted = match.groups()
            if keyword in ("msgctxt", "msgid") and target is not None and target[0] == "msgstr":
                finish()
            if not started:
                entry.fuzzy, fuzzy, started = fuzzy, False, True
            target = (keyword, int(index or 0))
            value = _unquote(quoted)
            if keyword == "msgstr":
                entry.msgstr[target[1]] = value
            else:
                setattr(entry, keyword, value)
        elif line.startswith('"') and target is not None:
            keyword, index = target
            if keyword == "msgstr":
                entry.msgstr[index] += _unquote(line)
            else:
                setattr(entry, keyword, (getattr(entry, keyword) or "") + _unquote(line))
    finish()
    return entries


def compile_po(text: str) -> bytes:
    """A ``.po`` file as ``.mo`` bytes, as ``msgfmt`` writes them: fuzzy and untranslated entries
    are left out, so those messages fall back to English."""
    messages: dict[bytes, bytes] = {}
    for entry in read_po(text):
        if entry.fuzzy and entry.msgid:
            continue
        forms = [entry.msgstr.get(i, "") for i in range(max(entry.msgstr, default=-1) + 1)]
        if entry.msgid and (not forms or not all(forms)):
            continue
        key = entry.msgid if entry.msgid_plural is None else f"{entry.msgid}\0{entry.msgid_plural}"
        if entry.msgctxt is not None:
            key = f"{entry.msgctxt}\x04{key}"
        messages[key.encode("utf-8")] = "\0".join(forms).encode("utf-8")
    keys: list[bytes] = sorted(messages)
    header_size = 7 * 4
    ids_at = header_size
    strs_at = ids_at + len(keys) * 8
    data_at = strs_at + len(keys) * 8
    ids, strs, table_ids, table_strs = b"", b"", [], []
    for packed in keys:
        table_ids.append((len(packed), data_at + len(ids)))
        ids += packed + b"\0"
    strs_start = data_at + len(ids)
    for packed in keys:
        value = messages[packed]
        table_strs.append((len(value), strs_start + len(strs)))
        strs += value + b"\0"
    out = struct.pack("<7I", 0x950412DE, 0, len(keys), ids_at, strs_at, 0, data_at)
    out += b"".join(struct.pack("<2I", *pair) for pair in table_ids)
    out += b"".join(struct.pack("<2I", *pair) for pair in table_strs)
    return out + ids + strs


# ---------------------------------------------------------------- numbers and dates


# Without Babel (in the browser's kernel): the separators and the date order each language uses.
_SEPARATORS = {"en": (",", "."), "ru": ("\xa0", ","), "kk": ("\xa0", ",")}
_EN_MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()


def _babel(module: str):
    try:
        if module == "numbers":
            from babel import numbers

            return numbers
        from babel import dates

        return dates
    except ImportError:
        return None


def format_number(value: float, language: str) -> str:
    """1234.5 -> '1,234.5' (en), '1 234,5' (ru, kk; a no-break space); at most three decimals."""
    numbers = _babel("numbers")
    if numbers is not None:
        return numbers.format_decimal(value, locale=language if language in LANGUAGES else DEFAULT_LANGUAGE)
    group, decimal = _SEPARATORS.get(language, _SEPARATORS[DEFAULT_LANGUAGE])
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, float) and not value.is_integer():
        whole, _, fraction = f"{abs(value):.3f}".rstrip("0").partition(".")
        sign = "-" if value < 0 else ""
        return f"{sign}{int(whole):,}".replace(",", group) + (decimal + fraction if fraction else "")
    return f"{int(value):,}".replace(",", group)


def format_date(value: _dt.date | str, language: str) -> str:
    """A date in the language's medium style: 'Mar 14, 2025', '14 мар. 2025 г.', '2025 ж. 14 нау.'."""
    if isinstance(value, str):
        try:
            day = _dt.date.fromisoformat(value[:10])
        except ValueError:
            return value
    else:
        day = value.date() if isinstance(value, _dt.datetime) else value
    dates = _babel("dates")
    if dates is not None:
        return dates.format_date(day, "medium", locale=language if language in LANGUAGES else DEFAULT_LANGUAGE)
    if language == "en" or language not in LANGUAGES:
        return f"{_EN_MONTHS[day.month - 1]} {day.day}, {day.year}"
    return day.strftime("%d.%m.%Y")


# ---------------------------------------------------------------- extraction


def extract_python(fileobj, keywords, comment_tags, options):
    """Babel's extraction method for Qala's sources (named in babel.cfg): calls such as
    ``t("...")``, ``tr.t("...")`` or ``app.nt("...", "...", n)`` whose first argument is a string.

    It reads the code with :mod:`ast`, so calls inside f-strings are found on every Python that
    Qala supports (Babel's own extractor misses them before Python 3.12). A comment starting with
    one of ``comment_tags`` (e.g. ``# TRANSLATORS:``) just above the call goes to the translators.
    """
    import ast

    source = fileobj.read().decode(options.get("encoding", "utf-8"))
    lines = source.splitlines()
    calls = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None
        first = node.args[0]
        if name in keywords and isinstance(first, ast.Constant) and isinstance(first.value, str) and first.value:
            messages = tuple(a.value if isinstance(a, ast.Constant) and isinstance(a.value, str) else None for a in node.args)
            calls.append((node.lineno, node.col_offset, name, messages))
    for lineno, _, name, messages in sorted(calls):
        comments: list[str] = []
        above = lineno - 2
        while above >= 0 and lines[above].strip().startswith("#"):
            text = lines[above].strip().lstrip("#").strip()
            if any(text.startswith(tag) for tag in comment_tags):
                comments.insert(0, text)
            above -= 1
        yield lineno, name, messages, comments


# ---------------------------------------------------------------- course data


def pick(text: Mapping[str, str] | str | None, language: str) -> str:
    """A course-data text given in several languages ({en, ru, kk}), in ``language`` or English."""
    if text is None:
        return ""
    if isinstance(text, str):
        return text
    return text.get(language) or text.get(DEFAULT_LANGUAGE) or next(iter(text.values()), "")
