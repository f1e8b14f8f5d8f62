"""The glossary: every data word of the course in English, Russian and Kazakh, searchable."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Footer, Header, Input, OptionList, Static
from textual.widgets.option_list import Option

from qala.grader.engine import Glossary, Term
from qala.grader.i18n import LANGUAGE_NAMES

from ..i18n import t
from ..widgets.keys import SearchBox
from .base import QalaScreen


class GlossaryScreen(QalaScreen):
    """A search box, the terms in the learner's language, and the chosen term in all three."""

    CSS_PATH = "glossary.tcss"
    BINDINGS = [
        Binding("ctrl+f", "search", t("Search"), id="glossary.search", tooltip=t("Find a word in English, Russian or Kazakh")),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.glossary = Glossary()
        self.current: str | None = None

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        yield SearchBox(id="glossary-search")
        with Horizontal(id="glossary-body"):
            yield OptionList(id="terms")
            with VerticalScroll(id="term-detail"):
                yield Static(id="term")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.glossary = self.qala.engine.glossary()
        self.query_one("#glossary-search", Input).focus()

    def after_reload(self) -> None:
        self.glossary = self.qala.engine.glossary()
        super().after_reload()

    # -- drawing

    def refresh_content(self) -> None:
        search = self.query_one("#glossary-search", Input)
        search.placeholder = self.qala.t("Search: a word in English, Russian or Kazakh")
        self._fill(search.value)

    def _fill(self, query: str) -> None:
        app = self.qala
        terms = self.glossary.search(query, app.language)
        listing = self.query_one("#terms", OptionList)
        listing.set_options(Option(term.name(app.language), id=term.id) for term in terms)
        if not terms:
            message = app.t("This course has no glossary yet.") if not self.glossary.terms else app.t("No term matches “{query}”.", query=query.strip())
            self.current = None
            self.query_one("#term", Static).update(Text(message, style="italic"))
            return
        if self.current not in {term.id for term in terms}:
            self.current = terms[0].id
        listing.highlighted = listing.get_option_index(self.current or terms[0].id)
        self._show(self.current)

    def _show(self, term_id: str | None) -> None:
        term = self.glossary.term(term_id) if term_id else None
        if term is None:
            return
        self.current = term.id
        self.query_one("#term", Static).update(self._describe(term))

    def _describe(self, term: Term) -> Text:
        language = self.qala.language
        out = Text()
        out.append(term.name(language) + "\n", style="bold")
        out.append(term.definition(language) + "\n")
        for code, name in LANGUAGE_NAMES.items():
            if code == language or code not in term.names:
                continue
            out.append(f"\n{name}: ", style="dim")
            out.append(term.names[code], style="bold")
            if code in term.definitions:
                out.append("\n" + term.definitions[code], style="dim")
            out.append("\n")
        return out

    # -- acting

    @on(Input.Changed, "#glossary-search")
    def _search(self, event: Input.Changed) -> None:
        self._fill(event.value)

    @on(Input.Submitted, "#glossary-search")
    def _to_list(self) -> None:
        self.query_one("#terms", OptionList).focus()

    @on(OptionList.OptionHighlighted, "#terms")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._show(event.option.id)

    def action_search(self) -> None:
        search = self.query_one("#glossary-search", Input)
        search.focus()
        search.select_all()
