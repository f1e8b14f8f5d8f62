"""Languages at run time: the .po files read as they are (checkout, wheel, browser kernel), plural
forms, and numbers and dates written the way each language writes them."""

from __future__ import annotations

import datetime as dt
import gettext
import io
import os
import re
import shutil
import subprocess
import sys
import textwrap
import zipfile

import pytest

from qala.grader import i18n
from qala.grader.i18n import Translator, compile_po, resolve_language
from tests.grader.i18n.catalogs import REPO, TRANSLATED, load, po_path

NBSP = "\xa0"


# ---------------------------------------------------------------- reading the catalogs


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_po_file_reads_exactly_as_msgfmt_compiles_it(language, tmp_path):
    if shutil.which("msgfmt") is None:
        pytest.skip("msgfmt is not installed (Debian package gettext)")
    mo = tmp_path / "qala.mo"
    subprocess.run(["msgfmt", "-o", str(mo), str(po_path(language))], check=True)
    with mo.open("rb") as handle:
        theirs = gettext.GNUTranslations(handle)
    ours = gettext.GNUTranslations(io.BytesIO(compile_po(po_path(language).read_text(encoding="utf-8"))))
    for message in load(po_path(language), language):
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            for n in range(0, 130):
                assert ours.ngettext(*message.id, n) == theirs.ngettext(*message.id, n)
        else:
            assert ours.gettext(message.id) == theirs.gettext(message.id)
    assert ours.info()["plural-forms"] == theirs.info()["plural-forms"]
    assert ours.charset() == theirs.charset() == "utf-8"


def test_untranslated_and_fuzzy_entries_fall_back_to_english():
    po = textwrap.dedent(r"""
        # A translator's comment
        msgid ""
        msgstr ""
        "Language: ru\n"
        "Content-Type: text/plain; charset=UTF-8\n"
        "Plural-Forms: nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && "
        "n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);\n"

        msgid "Passed!"
        msgstr "Зачтено!"

        #, fuzzy
        msgid "Check"
        msgstr "Чек"

        msgid "Hint"
        msgstr ""

        #, python-brace-format
        msgid ""
        "A long message that "
        "goes on for two lines: \"{x}\"\n"
        msgstr ""
        "Длинное сообщение "
        "на две строки: «{x}»\n"

        msgid "{n} lesson"
        msgid_plural "{n} lessons"
        msgstr[0] "{n} урок"
        msgstr[1] "{n} урока"
        msgstr[2] "{n} уроков"

        msgid "{n} badge"
        msgid_plural "{n} badges"
        msgstr[0] "{n} значок"
        msgstr[1] ""
        msgstr[2] ""

        msgctxt "menu"
        msgid "Open"
        msgstr "Открыть"

        #~ msgid "Gone"
        #~ msgstr "Нет"
    """)
    catalog = gettext.GNUTranslations(io.BytesIO(compile_po(po)))
    assert catalog.gettext("Passed!") == "Зачтено!"
    assert catalog.gettext("Check") == "Check"  # a fuzzy guess is not used
    assert catalog.gettext("Hint") == "Hint"
    assert catalog.gettext('A long message that goes on for two lines: "{x}"\n') == "Длинное сообщение на две строки: «{x}»\n"
    assert [catalog.ngettext("{n} lesson", "{n} lessons", n) for n in (1, 3, 5, 21)] == ["{n} урок", "{n} урока", "{n} уроков", "{n} урок"]
    assert catalog.ngettext("{n} badge", "{n} badges", 5) == "{n} badges"  # half-translated: English
    assert catalog.pgettext("menu", "Open") == "Открыть"
    assert catalog.gettext("Gone") == "Gone"


def test_a_language_without_a_catalog_falls_back_to_english(monkeypatch, tmp_path):
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    monkeypatch.setattr(i18n, "_catalogs", {})
    assert Translator("ru").t("Passed!") == "Passed!"
    assert Translator("ru").nt("{n} exercise", "{n} exercises", 2) == "2 exercises"


# ---------------------------------------------------------------- plural forms


@pytest.mark.parametrize(
    "n,text",
    [
        (1, "1 упражнение"),
        (2, "2 упражнения"),
        (4, "4 упражнения"),
        (5, "5 упражнений"),
        (11, "11 упражнений"),
        (12, "12 упражнений"),
        (21, "21 упражнение"),
        (22, "22 упражнения"),
        (25, "25 упражнений"),
        (111, "111 упражнений"),
        (0, "0 упражнений"),
    ],
)
def test_russian_has_three_plural_forms(n, text):
    assert Translator("ru").nt("{n} exercise", "{n} exercises", n) == text


@pytest.mark.parametrize("n", [1, 2, 5, 21])
def test_kazakh_keeps_the_noun_singular_after_a_number(n):
    assert Translator("kk").nt("{n} exercise", "{n} exercises", n) == f"{n} жаттығу"


def test_a_plural_chosen_by_another_field_than_n():
    tr = Translator("ru")
    text = tr.nt(
        "{subject} should have {expected} row, but yours has {actual}. Check your filter or grouping.",
        "{subject} should have {expected} rows, but yours has {actual}. Check your filter or grouping.",
        3,
        subject="`by_district`",
        expected=3,
        actual=8,
    )
    assert text == "`by_district`: ожидалось 3 строки, а у вас 8. Проверьте фильтр или группировку."


# ---------------------------------------------------------------- numbers and dates


def test_numbers_in_messages_are_written_the_languages_way():
    assert Translator("en").t("{xp} XP", xp=12345) == "12,345 XP"
    assert Translator("ru").t("{xp} XP", xp=12345) == f"12{NBSP}345 XP"
    assert Translator("kk").t("{xp} XP", xp=12345) == f"12{NBSP}345 XP"
    assert Translator("ru").number(35.25) == "35,25"
    assert Translator("en").nt("Streak: {n} day", "Streak: {n} days", 1000) == "Streak: 1,000 days"


def test_text_and_fields_with_a_format_are_left_alone():
    tr = Translator("ru")
    assert tr.t("{path} is not UTF-8 text", path="2024.csv") == "2024.csv — не текст в кодировке UTF-8"
    assert tr.t("there is no lesson {lesson!r}; `qala lessons` lists them", lesson="x") == "урока 'x' нет; список уроков показывает `qala lessons`"
    assert Translator("en").t("Attempt {n:>4}", n=12345) == "Attempt 12345"
    assert Translator("en").t("{flag}", flag=True) == "True"


def test_dates_are_written_the_languages_way():
    day = dt.date(2025, 3, 14)
    assert Translator("en").date(day) == "Mar 14, 2025"
    # CLDR's medium style; its spaces vary between releases (a narrow no-break space before "г.")
    assert re.fullmatch(r"14 мар\. 2025\s?г\.", Translator("ru").date(day))
    assert re.fullmatch(r"2025\s?ж\. 14 нау\.", Translator("kk").date("2025-03-14T10:30:00+05:00"))
    assert re.fullmatch(r"получен 14 мар\. 2025\s?г\.", Translator("ru").t("earned {date}", date=day))


def test_without_babel_numbers_and_dates_still_follow_the_language(monkeypatch):
    """As in the browser's kernel (Pyodide), where Babel is not installed."""
    monkeypatch.setattr(i18n, "_babel", lambda module: None)
    assert Translator("en").number(1234567.5) == "1,234,567.5"
    assert Translator("ru").number(1234567.5) == f"1{NBSP}234{NBSP}567,5"
    assert Translator("kk").number(-1234) == f"-1{NBSP}234"
    assert Translator("ru").number(2 / 3) == "0,667"
    assert Translator("ru").date(dt.date(2025, 3, 14)) == "14.03.2025"
    assert Translator("en").date(dt.date(2025, 3, 14)) == "Mar 14, 2025"


# ---------------------------------------------------------------- which language


def test_the_language_comes_from_the_option_then_the_environment_then_the_choice_then_the_system():
    system = {"LANG": "kk_KZ.UTF-8"}
    assert resolve_language("ru", saved="kk", environ={"QALA_LANG": "kk", **system}) == "ru"
    assert resolve_language(None, saved="ru", environ={"QALA_LANG": "kk", **system}) == "kk"
    assert resolve_language(None, saved="ru", environ=system) == "ru"
    assert resolve_language(None, environ=system) == "kk"
    assert resolve_language(None, environ={"LANG": "ru_RU.UTF-8"}) == "ru"
    assert resolve_language(None, environ={"LANG": "de_DE.UTF-8"}) == "en"
    assert resolve_language("kz", environ={}) == "kk"


def test_the_grader_stays_light(tmp_path):
    """Importing the core and translating reads the catalog but imports no Babel."""
    code = (
        "import sys\n"
        "from qala.grader.i18n import Translator\n"
        "import qala.grader.cli, qala.grader.content.glossary\n"
        "print(Translator('ru').t('Passed!'), 'babel' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["Зачтено!", "False"]


# ---------------------------------------------------------------- installed copies


def _copy_sources(target):
    """The checkout's files that a build needs, without any compiled catalog."""
    ignore = shutil.ignore_patterns("__pycache__", "*.mo", "*.pyc")
    for name in ("grader", "tui", "web", "course", "lessons"):
        shutil.copytree(REPO / name, target / name, ignore=ignore)
    for name in ("pyproject.toml", "README.md", "setup.py"):
        if (REPO / name).exists():
            shutil.copy(REPO / name, target / name)


@pytest.fixture(scope="module")
def checkout(tmp_path_factory):
    """A fresh copy of the sources, as `git clone` gives them: .po files, no .mo anywhere."""
    source = tmp_path_factory.mktemp("checkout")
    _copy_sources(source)
    assert not list(source.rglob("*.mo"))
    return source


def test_a_built_wheel_speaks_russian_and_kazakh_without_a_build_step(checkout, tmp_path):
    """pip builds the wheel with no msgfmt or Babel step; the installed package reads its .po
    files, even where Babel is missing (python -S: no site-packages at all)."""
    source, dist, unpacked = checkout, tmp_path / "dist", tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(dist), str(source)],
        check=True,
        capture_output=True,
        cwd=tmp_path,
    )
    wheel = next(dist.glob("qala-*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        for language in TRANSLATED:
            assert f"qala/grader/locale/{language}/LC_MESSAGES/qala.po" in names
        archive.extractall(unpacked)
    code = (
        "import sys\n"
        "from qala.grader.i18n import LOCALE_DIR, Translator\n"
        "print(LOCALE_DIR)\n"
        "print(Translator('ru').t('Passed!'))\n"
        "print(Translator('kk').nt('{n} exercise', '{n} exercises', 1234))\n"
    )
    environment = {k: v for k, v in os.environ.items() if not k.startswith("QALA_")} | {"PYTHONPATH": str(unpacked)}
    result = subprocess.run([sys.executable, "-S", "-c", code], capture_output=True, text=True, env=environment, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    where, russian, kazakh = result.stdout.splitlines()
    assert where.startswith(str(unpacked))
    assert russian == "Зачтено!"
    assert kazakh == f"1{NBSP}234 жаттығу"


def test_an_editable_install_of_a_fresh_checkout_speaks_russian_and_kazakh(tmp_path):
    """pip install -e, into a prefix of its own and under another project name: pip would
    otherwise uninstall the `qala` this environment runs."""
    source, prefix = tmp_path / "src", tmp_path / "prefix"
    _copy_sources(source)
    pyproject = source / "pyproject.toml"
    pyproject.write_text(pyproject.read_text(encoding="utf-8").replace('name = "qala"', 'name = "qala-editable-probe"', 1), encoding="utf-8")
    assert 'name = "qala-editable-probe"' in pyproject.read_text(encoding="utf-8")
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation", "--prefix", str(prefix), "-e", str(source)],
        check=True,
        capture_output=True,
        cwd=tmp_path,
    )
    site_packages = next(prefix.glob("lib/python3*/site-packages"))
    code = (
        f"import site; site.addsitedir({str(site_packages)!r})\n"  # runs the editable install's .pth
        "from qala.grader.i18n import LOCALE_DIR, Translator\n"
        "print(LOCALE_DIR)\n"
        "print(Translator('kk').t('Passed!'))\n"
    )
    environment = {k: v for k, v in os.environ.items() if not k.startswith("QALA_")}
    result = subprocess.run([sys.executable, "-S", "-c", code], capture_output=True, text=True, env=environment, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [str(source / "grader" / "locale"), "Орындалды!"]


def test_the_browser_kernels_wheel_carries_the_catalogs(tmp_path):
    from qala.web.kernel_wheel import build_kernel_wheel

    wheel = build_kernel_wheel(REPO, tmp_path)
    with zipfile.ZipFile(wheel.path) as archive:
        names = set(archive.namelist())
    for language in TRANSLATED:
        assert f"qala/grader/locale/{language}/LC_MESSAGES/qala.po" in names
    assert "qala/course/glossary.toml" in names
