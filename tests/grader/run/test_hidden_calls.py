"""Issue 14.1: learner code cannot read a function check's hidden calls and show them to itself.

The calls stay with the supervisor (another process) until learner code has run; the values and
the printout a learner is shown come from before they arrive (run/later.py).
"""

from __future__ import annotations

import textwrap

SEARCH = """
import os, struct, sys
def band(pm25):
    return None
needles = ["band(" + n for n in ("5.", "30.", "80.")]  # built here: this source is in reach
found = []

def look(value, where):
    text = repr(value)[:200000] if isinstance(value, (dict, list, tuple, str, bytes)) else ""
    if any(n in text for n in needles):
        found.append(where)

frame = sys._getframe(0)
while frame is not None:  # every frame above this code's own, and every module they run in
    for space in (frame.f_locals, frame.f_globals):
        if space is not globals():  # this code's own names (the needles among them)
            for name, value in list(space.items()):
                if value is not globals():
                    look(value, name)
    frame = frame.f_back
for fd in range(3, 64):  # every descriptor this process holds
    try:
        os.set_blocking(fd, False)
        look(os.read(fd, 1 << 16), f"fd {fd}")
    except OSError:
        pass
"""

FORGE_FIRST = """
data = b'{"status": "ok", "values": {}, "calls": [], "stdout": ""}'
for fd in range(3, 64):  # say "done" to the supervisor first, then wait for the calls
    try:
        os.write(fd, b"V" + struct.pack(">I", len(data)) + data)
    except OSError:
        pass
import time
time.sleep(0.3)
for fd in range(3, 64):
    try:
        os.set_blocking(fd, False)
        look(os.read(fd, 1 << 16), f"fd {fd} after asking")
    except OSError:
        pass
"""

SHOW = """
if found:
    print("WORKED: found the hidden calls", found)
"""


def test_walking_frames_and_descriptors_finds_no_hidden_call(arena):
    outcome, elapsed = arena.check(textwrap.dedent(SEARCH + SHOW), exercise="band")
    arena.assert_harmless(outcome, elapsed)
    band = next(f for f in outcome.grade.feedback if f.check != "runs")
    assert "wrong answer" in band.message or "should be" in band.message, band.message  # its calls were made


def test_asking_for_the_calls_early_shows_nothing_and_passes_nothing(arena):
    outcome, elapsed = arena.check(textwrap.dedent(SEARCH + FORGE_FIRST + SHOW), exercise="band")
    arena.assert_harmless(outcome, elapsed)
    assert "band(5." not in outcome.grade.output and "band(80." not in outcome.grade.output
    assert all("band(80" not in f.message for f in outcome.grade.feedback if f.check == "runs")
