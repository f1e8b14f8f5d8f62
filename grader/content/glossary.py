"""The glossary: the data words the lessons and the interface use, in English, Russian and Kazakh.

Read from ``course/glossary.toml``; the terminal app, ``qala glossary`` and the browser build all
show the same terms. Like a broken lesson, a broken term never hides the others: it is left out
and reported in :attr:`Glossary.problems`.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ContentError
from ..i18n import LANGUAGES, pick
from .lesson_file import ID, _toml_line, _toml_message

GLOSSARY_FILE = Path("course") / "glossary.toml"

# Search ignores case, ё and the letters Kazakh adds to Cyrillic, so "косынды" typed on a Russian
# keyboard finds "қосынды".
_FOLD = str.maketrans("ёәіңғүұқөһ", "еаингуукох")


def _fold(text: str) -> str:
    return text.casefold().translate(_FOLD)


@dataclass(frozen=True)
class Term:
    """One data word: its name and what it means, in each language the glossary gives."""

    id: str
    names: Mapping[str, str]
    definitions: Mapping[str, str]
    line: int = 0

    def name(self, language: str) -> str:
        return pick(self.names, language)

    def definition(self, language: str) -> str:
        return pick(self.definitions, language)

    def as_json(self, language: str) -> dict:
        return {
            "id": self.id,
            "term": self.name(language),
            "definition": self.definition(language),
            "names": dict(self.names),
            "definitions": dict(self.definitions),
        }


@dataclass(frozen=True)
class Glossary:
    """The course's terms in the glossary's order, and what was wrong with the file."""

    terms: tuple[Term, ...] = ()
    problems: tuple[ContentError, ...] = field(default=())
    path: Path | None = None

    def __iter__(self):
        return iter(self.terms)

    def __len__(self) -> int:
        return len(self.terms)

    def term(self, term_id: str) -> Term | None:
        return next((t for t in self.terms if t.id == term_id), None)

    def search(self, query: str, language: str) -> tuple[Term, ...]:
        """Terms whose name (in any language) or definition (in ``language``) contains ``query``:
        names that start with it first, then other names, then definitions."""
        wanted = _fold(query.strip())
        if not wanted:
            return self.terms
        ranked: list[tuple[int, int, Term]] = []
        for order, term in enumerate(self.terms):
            names = [_fold(n) for n in term.names.values()]
            if any(n.startswith(wanted) for n in names):
                rank = 0
            elif any(wanted in n for n in names):
                rank = 1
            elif wanted in _fold(term.definition(language)):
                rank = 2
            else:
                continue
            ranked.append((rank, order, term))
        return tuple(term for _, _, term in sorted(ranked, key=lambda r: r[:2]))

    def as_json(self, language: str) -> dict:
        return {"language": language, "terms": [t.as_json(language) for t in self.terms], "problems": [str(p) for p in self.problems]}


def load_glossary(course_root: Path) -> Glossary:
    """The glossary of the course at ``course_root`` (empty if it has none); never raises for
    mistakes in the file, which are in ``problems`` (missing translations as warnings)."""
    path = Path(course_root) / GLOSSARY_FILE
    if not path.is_file():
        return Glossary(path=path)
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except UnicodeDecodeError:
        return Glossary(problems=(ContentError("the glossary is not UTF-8 text", path, 1),), path=path)
    except tomllib.TOMLDecodeError as exc:
        return Glossary(problems=(ContentError(f"the glossary is not valid TOML: {_toml_message(exc)}", path, _toml_line(exc)),), path=path)
    lines = [n for n, line in enumerate(text.splitlines(), start=1) if line.strip() == "[[term]]"]
    raw_terms = data.get("term", [])
    if not isinstance(raw_terms, list):
        return Glossary(problems=(ContentError("the glossary's terms must be [[term]] tables", path, 1),), path=path)
    terms: list[Term] = []
    problems: list[ContentError] = []
    seen: set[str] = set()
    for index, raw in enumerate(raw_terms):
        line = lines[index] if index < len(lines) else 1
        term_id = raw.get("id") if isinstance(raw, dict) else None
        if not isinstance(term_id, str) or not ID.match(term_id):
            problems.append(ContentError(f"a term needs an id of lower-case letters, digits and '-', not {term_id!r}", path, line))
            continue
        if term_id in seen:
            problems.append(ContentError(f"duplicate term id {term_id!r}", path, line))
            continue
        seen.add(term_id)
        names = {lang: raw[lang].strip() for lang in LANGUAGES if isinstance(raw.get(lang), str) and raw[lang].strip()}
        definition = raw.get("definition", {})
        definitions = (
            {lang: text.strip() for lang, text in definition.items() if lang in LANGUAGES and isinstance(text, str) and text.strip()}
            if isinstance(definition, dict)
            else {}
        )
        if "en" not in names or "en" not in definitions:
            problems.append(ContentError(f'term {term_id!r} needs at least an English name and definition: en = "…", definition = {{ en = "…" }}', path, line))
            continue
        for lang in LANGUAGES[1:]:
            if lang not in names:
                problems.append(ContentError(f"{lang}: term {term_id!r} is not translated", path, line, warning=True))
            if lang not in definitions:
                problems.append(ContentError(f"{lang}: the definition of term {term_id!r} is not translated", path, line, warning=True))
        terms.append(Term(term_id, names, definitions, line))
    return Glossary(tuple(terms), tuple(problems), path)
