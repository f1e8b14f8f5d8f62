"""A progress store survives being killed at any moment of an attempt (kill -9, many times)."""

from __future__ import annotations

import random
import signal
import time

from qala.grader.progress.store import SQLiteStore
from tests.grader.progress.conftest import assert_consistent, start_recorder


def test_killing_a_writer_at_random_moments_never_leaves_a_half_kept_attempt(tmp_path):
    path = tmp_path / "progress.sqlite"
    rng = random.Random(4)
    acknowledged = 0
    for round_ in range(25):
        child = start_recorder(path, f"r{round_}", 1000, pause=0.02)
        # Every other round lets the writer commit once before the random wait, so the run keeps
        # attempts to check even on a loaded machine; the others may kill it while it starts.
        first = child.stdout.readline() if round_ % 2 else ""
        time.sleep(rng.uniform(0.05, 0.4))
        child.send_signal(signal.SIGKILL)
        out, err = child.communicate()
        assert child.returncode == -signal.SIGKILL, err
        acknowledged += len((first + out).splitlines())
        rows = assert_consistent(path)
        # Everything the writer saw committed is there; at most the one it was writing is extra.
        assert acknowledged <= len(rows) <= acknowledged + 1
        acknowledged = len(rows)
    assert acknowledged >= 12  # at least one from each round that waited for it
    store = SQLiteStore(path)  # and the app opens it as usual
    assert len(store.attempts("c")) == acknowledged
    store.close()


def test_a_writer_killed_while_another_keeps_writing_loses_nothing_of_the_other(tmp_path):
    path = tmp_path / "progress.sqlite"
    steady = start_recorder(path, "steady", 60)
    for n in range(5):
        victim = start_recorder(path, f"victim{n}", 1000, pause=0.01)
        time.sleep(0.15)
        victim.kill()
        victim.communicate()
    out, err = steady.communicate(timeout=120)
    assert steady.returncode == 0, err
    rows = assert_consistent(path)
    assert sum(1 for r in rows if r[3].startswith("# steady ")) == 60
