"""A damaged progress file is detected, the learner told, a copy kept — and it is never reset."""

from __future__ import annotations

import hashlib
import sqlite3

import pytest

from qala.grader.errors import StoreError
from qala.grader.progress.store import JsonStore, SQLiteStore
from tests.conftest import lesson_text, make_course, run_qala
from tests.grader.progress.conftest import record


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def store_with_attempts(path, count: int = 60):
    store = SQLiteStore(path)
    for n in range(count):
        record(store, f"e{n % 10}", padding="#" * 500)
    store.close()  # the last connection checkpoints the WAL into the file
    assert not path.with_name(path.name + "-wal").exists() or path.with_name(path.name + "-wal").stat().st_size == 0


def damage_a_page(path) -> None:
    data = bytearray(path.read_bytes())
    page = int.from_bytes(data[16:18], "big") or 65536
    data[3 * page : 3 * page + 64] = b"\xde\xad\xbe\xef" * 16  # the header of a b-tree page
    path.write_bytes(bytes(data))


def truncate(path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2 + 100])


def overwrite_the_header(path) -> None:
    data = bytearray(path.read_bytes())
    data[:100] = b"\x00" * 100
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("damage", [damage_a_page, truncate, overwrite_the_header], ids=["a damaged page", "cut in half", "no header"])
def test_damage_is_detected_when_the_store_opens_and_nothing_is_reset(tmp_path, damage):
    path = tmp_path / "progress.sqlite"
    store_with_attempts(path)
    damage(path)
    before = digest(path)
    with pytest.raises(StoreError) as raised:
        SQLiteStore(path)
    message = str(raised.value)
    assert "is damaged" in message and "Nothing was deleted" in message
    backups = list(tmp_path.glob("progress.sqlite.damaged-*"))
    assert len(backups) == 1 and digest(backups[0]) == before
    assert str(backups[0]) in message
    assert digest(path) == before  # never silently reset
    with pytest.raises(StoreError):
        SQLiteStore(path)
    assert len(list(tmp_path.glob("progress.sqlite.damaged-*"))) == 1  # the same damage is copied once


def test_a_file_that_is_not_a_database_is_never_overwritten(tmp_path):
    path = tmp_path / "progress.sqlite"
    path.write_bytes(b"My notes, not a database.\n" * 100)
    before = digest(path)
    with pytest.raises(StoreError, match="is damaged"):
        SQLiteStore(path)
    assert digest(path) == before


def test_a_store_from_a_newer_qala_is_left_alone(tmp_path):
    path = tmp_path / "progress.sqlite"
    store_with_attempts(path, 3)
    db = sqlite3.connect(path)
    db.execute("PRAGMA user_version = 99")
    db.close()
    before = digest(path)
    with pytest.raises(StoreError, match="newer Qala"):
        SQLiteStore(path)
    assert digest(path) == before and not list(tmp_path.glob("*.damaged-*"))


def test_a_folder_where_the_progress_file_should_be_is_a_clear_error(tmp_path):
    (tmp_path / "progress.sqlite").mkdir()
    with pytest.raises(StoreError, match="is not a file"):
        SQLiteStore(tmp_path / "progress.sqlite")


@pytest.mark.parametrize(
    "text",
    [
        '{"format": "qala-progress", "attempts": [',
        "[1, 2, 3]",
        '{"format": "qala-progress", "attempts": [{"lesson": 1}]}',
        '{"format": "qala-progress", "settings": []}',
        "\udcff",
    ],
    ids=["cut short", "not an object", "attempts without their fields", "settings not a table", "not text"],
)
def test_a_damaged_browser_store_is_reported_with_a_copy_kept(tmp_path, text):
    path = tmp_path / "progress.json"
    path.write_bytes(text.encode("utf-8", "surrogateescape"))
    before = digest(path)
    with pytest.raises(StoreError, match="is damaged") as raised:
        JsonStore(path)
    assert "a copy was kept" in str(raised.value)
    assert digest(path) == before


def _course(tmp_path):
    return make_course(tmp_path / "course", {"sums": lesson_text()})


def test_qala_progress_on_a_damaged_store_says_so_in_one_line_and_exits_2(tmp_path):
    course = _course(tmp_path)
    home = tmp_path / "home"
    home.mkdir()
    store_with_attempts(home / "progress.sqlite")
    damage_a_page(home / "progress.sqlite")
    before = digest(home / "progress.sqlite")
    for command in (["progress"], ["progress", "--json"]):
        result = run_qala(*command, "--course", str(course), home=home)
        assert result.returncode == 2
        assert result.stdout == ""
        lines = result.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith("qala: error: the progress file"), result.stderr
        assert "damaged" in lines[0] and "a copy was kept as" in lines[0]
    assert digest(home / "progress.sqlite") == before
    assert len(list(home.glob("progress.sqlite.damaged-*"))) == 1


def test_qala_check_on_a_damaged_store_grades_nothing_and_writes_nothing(tmp_path):
    course = _course(tmp_path)
    home = tmp_path / "home"
    home.mkdir()
    (home / "progress.sqlite").write_bytes(b"\x00garbage" * 512)
    before = digest(home / "progress.sqlite")
    code = tmp_path / "code.py"
    code.write_text("numbers = [1, 2, 3]\ntotal = sum(numbers)\n")
    result = run_qala("check", "sums", "total", str(code), "--json", "--course", str(course), home=home)
    assert result.returncode == 2 and result.stdout == ""
    assert len(result.stderr.splitlines()) == 1 and "Traceback" not in result.stderr
    assert digest(home / "progress.sqlite") == before
