"""A full disk: a clear StoreError, nothing half-written, and all is well once there is room."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap

import pytest

from qala.grader.progress.store import SQLiteStore
from tests.grader.progress.conftest import RECORD, assert_consistent, record

FILL_UNTIL_FULL = RECORD + textwrap.dedent(
    """
    import json, os, resource, signal, sqlite3, sys
    from pathlib import Path
    from qala.grader.errors import StoreError
    from qala.grader.progress.store import SQLiteStore

    folder, limit = Path(sys.argv[1]), int(sys.argv[2])
    report = {}
    store = SQLiteStore(folder / "progress.sqlite")
    for n in range(3):
        record(store, f"e{n}")
    if limit:  # no tmpfs here: a file-size limit stands in for the full disk
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    kept = 3
    try:
        while True:
            record(store, f"e{kept}", padding="#" * 20000)
            kept += 1
    except StoreError as exc:
        report["error"] = str(exc)
    report["kept"] = kept
    report["seen_after_error"] = len(store.attempts("c"))
    store.close()
    print(json.dumps(report))
    """
)


def _check(report: dict, path) -> None:
    assert "nothing was half-written" in report["error"], report
    assert report["seen_after_error"] == report["kept"]
    rows = assert_consistent(path)
    assert len(rows) == report["kept"]  # the attempt that did not fit is not there, not even in part
    store = SQLiteStore(path)  # once there is room again, the store carries on
    record(store, "again")
    assert len(store.attempts("c")) == report["kept"] + 1
    store.close()
    assert_consistent(path)


def test_a_full_tmpfs_gives_a_clear_error_and_keeps_everything_before_it(tmp_path):
    if os.geteuid() != 0 or not shutil.which("unshare") or not shutil.which("mount"):
        pytest.skip("mounting a small tmpfs needs root and util-linux")
    folder = tmp_path / "small"
    folder.mkdir()
    script = f'mount -t tmpfs -o size=320k qala-full {folder} && {sys.executable} -c "$SCRIPT" {folder} 0 && cp -a {folder}/. {tmp_path}/after/'
    (tmp_path / "after").mkdir()
    run = subprocess.run(
        ["unshare", "--mount", "--propagation", "private", "sh", "-c", script],
        env=os.environ | {"SCRIPT": FILL_UNTIL_FULL},
        capture_output=True,
        text=True,
        timeout=120,
    )
    if run.returncode != 0 and "mount" in run.stderr:
        pytest.skip(f"cannot mount a tmpfs here: {run.stderr.strip()}")
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)
    assert "the disk is full" in report["error"]
    _check(report, tmp_path / "after" / "progress.sqlite")


def test_a_file_size_limit_gives_a_clear_error_and_keeps_everything_before_it(tmp_path):
    run = subprocess.run([sys.executable, "-c", FILL_UNTIL_FULL, str(tmp_path), "200000"], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)
    assert report["error"].startswith("the disk"), report
    _check(report, tmp_path / "progress.sqlite")


def test_a_damaged_file_on_a_full_disk_is_reported_without_a_backup_rather_than_crashing(tmp_path):
    if os.geteuid() != 0 or not shutil.which("unshare"):
        pytest.skip("mounting a small tmpfs needs root and util-linux")
    folder = tmp_path / "small"
    folder.mkdir()
    script = textwrap.dedent(
        """
        import sys
        from pathlib import Path
        from qala.grader.errors import StoreError
        from qala.grader.progress.store import SQLiteStore
        folder = Path(sys.argv[1])
        (folder / "progress.sqlite").write_bytes(b"not a database, just text " * 2000)
        filler = folder / "filler"
        try:
            with open(filler, "wb") as handle:
                while True:
                    handle.write(b"0" * 4096)
                    handle.flush()
        except OSError:
            pass
        try:
            SQLiteStore(folder / "progress.sqlite")
        except StoreError as exc:
            print(exc)
        """
    )
    run = subprocess.run(
        [
            "unshare",
            "--mount",
            "--propagation",
            "private",
            "sh",
            "-c",
            f'mount -t tmpfs -o size=128k qala-full {folder} && {sys.executable} -c "$SCRIPT" {folder}',
        ],
        env=os.environ | {"SCRIPT": script},
        capture_output=True,
        text=True,
        timeout=60,
    )
    if run.returncode != 0 and "mount" in run.stderr:
        pytest.skip(f"cannot mount a tmpfs here: {run.stderr.strip()}")
    assert run.returncode == 0, run.stderr
    message = run.stdout.strip()
    assert "is damaged" in message and "no copy could be made" in message and "Nothing was deleted" in message
