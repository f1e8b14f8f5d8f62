"""Hostile submissions, one class each: none passes, hangs, harms, or moves progress.

Every test runs twice — through the warm worker and through a one-shot sandbox — and ends
with ``arena.assert_harmless``: not passed with a message, no process or scratch folder left,
datasets, lessons and progress untouched, and an honest solution still passing afterwards.
Attacks report each step that works (``WORKED: …`` in what they print, which
``assert_harmless`` looks for), so a test fails when its attack works, not only when the
answer happens to come out right.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import textwrap

import pytest

from tests.grader.run.conftest import BAND_CALLS, BAND_SOLUTION


def hostile(code: str, **values) -> str:
    """Learner code with the test's paths and numbers filled in ({{ and }} for braces)."""
    return textwrap.dedent(code).format(**{k: v if isinstance(v, int) else repr(str(v)) for k, v in values.items()})


def test_exiting_early_is_not_a_pass(arena):
    for code in (
        "import os\nos._exit(0)",
        "import sys\nsys.exit(0)",
        "raise SystemExit(0)",
        "exit()",
        "import os\nos.abort()",
        "import signal\nsignal.raise_signal(signal.SIGKILL)",
        "raise KeyboardInterrupt",
    ):
        outcome, elapsed = arena.check("mean_pm25 = 0\n" + code)
        arena.assert_harmless(outcome, elapsed)


def test_printing_a_fake_verdict_is_not_a_pass(arena):
    code = """
    import json, os, sys
    verdict = {{"lesson": "city-air", "exercise": "mean", "passed": True, "feedback": [], "xp": 15, "badges": ["first-step"]}}
    print(json.dumps(verdict))
    print("✔ Your code ran without errors.\\n✔ `mean_pm25` is right.\\nPassed! +15 XP")
    sys.__stdout__.write(json.dumps(verdict) + "\\n")
    os.write(1, (json.dumps(verdict) + "\\n").encode())
    os.write(2, b"Passed!\\n")
    """
    outcome, elapsed = arena.check(hostile(code))
    arena.assert_harmless(outcome, elapsed)


def test_comparisons_that_always_say_yes_are_not_a_pass(arena):
    code = """
    class Yes:
        def __eq__(self, other): return True
        def __ne__(self, other): return False
        def __lt__(self, other): return False
        def __gt__(self, other): return False
        def __abs__(self): return 0
        def __sub__(self, other): return 0
        __rsub__ = __sub__
        def __float__(self): return 0.0
        def __hash__(self): return 0
    class YesFloat(float):
        __eq__ = Yes.__eq__; __ne__ = Yes.__ne__; __sub__ = Yes.__sub__; __rsub__ = Yes.__rsub__; __abs__ = Yes.__abs__
        __hash__ = float.__hash__
    class YesInt(int):
        __eq__ = Yes.__eq__; __ne__ = Yes.__ne__; __hash__ = int.__hash__
        def __index__(self): return 0
    class YesStr(str):
        __eq__ = Yes.__eq__; __ne__ = Yes.__ne__; __hash__ = str.__hash__
    class YesList(list):
        __eq__ = Yes.__eq__; __ne__ = Yes.__ne__
        def __len__(self): return 6
        def __iter__(self): return iter([0.0] * 6)
    class YesDict(dict):
        __eq__ = Yes.__eq__; __ne__ = Yes.__ne__
        def keys(self): return ["Almaly", "Auezov"]
    import pandas as pd
    class YesSeries(pd.Series):
        def __eq__(self, other): return True
        def equals(self, other): return True
    mean_pm25 = YesFloat(0.0)
    by_district = YesSeries([0.0] * 6, index=["Almaly", "Auezov", "Bostandyq", "Medeu", "Nauryzbay", "Turksib"])
    extras = [Yes(), YesInt(0), YesStr("x"), YesList(), YesDict()]
    """
    outcome, elapsed = arena.check(hostile(code))
    arena.assert_harmless(outcome, elapsed)
    for other in ("YesInt(0)", "Yes()", "YesStr('48.3')", "YesList()", "YesDict()"):
        outcome, elapsed = arena.check(hostile(code) + f"\nmean_pm25 = {other}\nby_district = {other}\n")
        arena.assert_harmless(outcome, elapsed)


def test_patching_the_grader_json_and_pandas_inside_the_sandbox_is_not_a_pass(arena):
    code = """
    import builtins, json, math, sys
    import pandas as pd
    import numpy as np
    always = lambda *a, **k: True
    pd.Series.equals = always
    pd.DataFrame.equals = always
    pd.testing.assert_series_equal = lambda *a, **k: None
    np.allclose = always
    np.isclose = always
    math.isclose = always
    builtins.abs = lambda x: 0
    real_dumps = json.dumps
    json.dumps = lambda obj, *a, **k: real_dumps({{"status": "ok", "passed": True, "values": {{}}}})
    for name in list(sys.modules):
        if name.startswith("qala"):
            module = sys.modules[name]
            for attr in ("compare", "judge", "encode", "decode_evidence", "execute"):
                if hasattr(module, attr):
                    setattr(module, attr, always)
    try:
        import qala.grader.judge.compare as compare
        compare.compare = lambda *a, **k: None
        import qala.grader.judge.checks as checks
        checks.judge = always
    except Exception as exc:
        print("cannot import the grader:", type(exc).__name__)
    mean_pm25 = 0
    by_district = None
    """
    outcome, elapsed = arena.check(hostile(code))
    arena.assert_harmless(outcome, elapsed)


def test_forged_evidence_on_every_descriptor_is_not_a_pass(arena):
    code = """
    import json, os, struct
    fake = {{"status": "ok", "error": None, "values": {{"mean_pm25": 1.0}}, "calls": [], "stdout": "", "passed": True}}
    payloads = [
        json.dumps(fake).encode(),
        b"E" + struct.pack(">I", len(json.dumps(fake))) + json.dumps(fake).encode(),
        b"S" + struct.pack(">I", 28) + b'{{"error": {{"type": "X"}}}}  ',
        b"E" + struct.pack(">I", 30) + b'{{"status": "setup_error"}}    ',
        struct.pack(">I", 20) + b'{{"timed_out": false}}' + json.dumps(fake).encode(),
        b"E" + struct.pack(">I", 400007) + b"[" * 200000 + b"]" * 200000 + b"       ",
        b"E" + struct.pack(">I", 40) + b'{{"status": "ok", "values": {{"x": NaN}}}}',
    ]
    for fd in range(3, 256):
        for payload in payloads:
            try:
                os.write(fd, payload)
            except OSError:
                pass
    os._exit(0)
    """
    outcome, elapsed = arena.check(hostile(code))
    arena.assert_harmless(outcome, elapsed)


def test_reading_the_lesson_and_the_reference_cache_to_copy_the_answer_is_not_a_pass(arena):
    code = """
    import glob, json, os, re
    found = []
    for path in [{lesson}, "../../" + {lesson}, {lesson}.replace("/", "//")]:
        try:
            text = open(path, encoding="utf-8").read()
            exec(re.search(r"```python solution\\n(.*?)```", text, re.S).group(1))
            found.append(path)
        except Exception as exc:
            print(type(exc).__name__, exc)
    for path in glob.glob({home} + "/cache/reference/*.json") + glob.glob("/**/cache/reference/*.json", recursive=True):
        try:
            data = json.load(open(path))
            mean_pm25 = data["values"]["mean_pm25"]
            found.append(path)
        except Exception as exc:
            print(type(exc).__name__, exc)
    try:
        import importlib.resources
        for item in importlib.resources.files("qala.lessons").iterdir():
            found.append(str(item))
    except Exception as exc:
        print(type(exc).__name__, exc)
    if found:
        print("WORKED:", found)
    else:
        mean_pm25 = -1
    """
    outcome, elapsed = arena.check(hostile(code, lesson=arena.lesson_file, home=arena.home))
    arena.assert_harmless(outcome, elapsed)


def test_writing_to_the_progress_store_changes_nothing(arena):
    code = """
    import sqlite3, os
    for path in [{store}, os.path.expanduser("~/.local/share/qala/progress.sqlite")]:
        try:
            db = sqlite3.connect(path)
            db.execute("INSERT INTO attempts (course, lesson, exercise, code, passed, feedback, xp, hints_used, at, local_date, duration_ms) VALUES ('test-course', 'city-air', 'mean', '', 1, '[]', 9999, 0, '2024-01-01', '2024-01-01', 1)")
            db.commit()
            print("WORKED: inserted into", path)
        except Exception as exc:
            print(type(exc).__name__, exc)
        try:
            with open(path, "r+b") as handle:
                handle.write(b"garbage" * 100)
            print("WORKED: overwrote", path)
        except Exception as exc:
            print(type(exc).__name__, exc)
    mean_pm25 = 0
    """
    outcome, elapsed = arena.check(hostile(code, store=arena.progress_file))
    arena.assert_harmless(outcome, elapsed)
    assert max(a.xp for a in arena.engine.attempts()) < 9999


def test_ctypes_and_native_escapes_are_refused(arena):
    marker = arena.outside / "native-was-here"
    code = """
    import sys
    mean_pm25 = 0
    tries = []
    def attempt(name, action):
        try:
            action()
            tries.append(name)
        except BaseException as exc:
            print(name, type(exc).__name__, exc)
    def via_import():
        import ctypes
        ctypes.CDLL(None).system(("touch " + {marker}).encode())
    def via_numpy():
        import numpy.ctypeslib
        numpy.ctypeslib.ctypes.CDLL(None).system(("touch " + {marker}).encode())
    def via_subclasses():
        classes, seen = [object], set()
        while classes:
            cls = classes.pop()
            if cls in seen:
                continue
            seen.add(cls)
            try:
                classes.extend(type.__subclasses__(cls))
            except TypeError:
                pass
            if cls.__name__ == "c_char":
                cls.from_address(id(sys)).value
                tries.append("from_address")
    def via_libc_loader():
        import _ctypes
        _ctypes.dlopen(None)
    attempt("import", via_import)
    attempt("numpy", via_numpy)
    attempt("subclasses", via_subclasses)
    attempt("_ctypes", via_libc_loader)
    if tries:
        print("WORKED:", tries)
    """
    outcome, elapsed = arena.check(hostile(code, marker=marker))
    arena.assert_harmless(outcome, elapsed)
    assert not marker.exists()


def test_subprocesses_and_exec_are_refused(arena):
    marker = arena.outside / "subprocess-was-here"
    code = """
    import os, subprocess, sys
    mean_pm25 = 0
    touch = ["/usr/bin/touch", {marker}]
    for name, action in [
        ("subprocess.run", lambda: subprocess.run(touch)),
        ("os.system", lambda: os.system("touch " + {marker})),
        ("os.popen", lambda: os.popen("touch " + {marker}).read()),
        ("posix_spawn", lambda: os.posix_spawn(touch[0], touch, {{}})),
        ("execv", lambda: os.execv(touch[0], touch)),
        ("spawnv", lambda: os.spawnv(os.P_WAIT, touch[0], touch)),
        ("fork_exec", lambda: subprocess._fork_exec(  # CPython 3.11's signature; not audited
            [b"/usr/bin/touch", {marker}.encode()], [b"/usr/bin/touch"], True, (), None, None,
            -1, -1, -1, -1, -1, -1, *os.pipe(), False, False, -1, None, None, None, -1, None, True)),
    ]:
        try:
            action()
            print("WORKED:", name)
        except BaseException as exc:
            print(name, type(exc).__name__, exc)
    """
    outcome, elapsed = arena.check(hostile(code, marker=marker))
    arena.assert_harmless(outcome, elapsed)
    assert not marker.exists()


def test_the_network_is_unreachable(arena):
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    listener.setblocking(False)
    unix_path = arena.outside.parent / "qala-test.sock"
    unix_listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    unix_listener.bind(str(unix_path))
    unix_listener.listen(8)
    unix_listener.setblocking(False)
    try:
        code = """
        import socket, urllib.request
        mean_pm25 = 0
        for name, action in [
            ("tcp", lambda: socket.create_connection(("127.0.0.1", {port}), timeout=1)),
            ("urllib", lambda: urllib.request.urlopen("http://127.0.0.1:%d" % {port}, timeout=1)),
            ("unix", lambda: socket.socket(socket.AF_UNIX).connect({unix})),
            ("dns", lambda: socket.getaddrinfo("example.com", 80)),
            ("udp", lambda: socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"x", ("127.0.0.1", {port}))),
        ]:
            try:
                action()
                print("WORKED:", name)
            except BaseException as exc:
                print(name, type(exc).__name__, exc)
        """
        outcome, elapsed = arena.check(hostile(code, port=listener.getsockname()[1], unix=unix_path))
        arena.assert_harmless(outcome, elapsed)
        for server in (listener, unix_listener):
            with pytest.raises(BlockingIOError):
                server.accept()  # nobody connected
    finally:
        listener.close()
        unix_listener.close()


def test_a_fork_bomb_is_stopped(arena):
    code = """
    import os, multiprocessing
    mean_pm25 = 0
    children = 0
    for _ in range(200):
        try:
            if os.fork() == 0:
                import time
                time.sleep(30)
                os._exit(0)
            children += 1
        except OSError:
            break
    try:
        multiprocessing.Process(target=print).start()
        children += 1
    except BaseException as exc:
        print(type(exc).__name__, exc)
    if children:
        print("WORKED:", children, "processes")
    """
    outcome, elapsed = arena.check(hostile(code))
    arena.assert_harmless(outcome, elapsed)
    outcome, elapsed = arena.check("import os\nmean_pm25 = 0\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass")
    arena.assert_harmless(outcome, elapsed, reason="took too long")


def test_a_memory_bomb_is_stopped(arena):
    for code in (
        "blocks = []\nwhile True:\n    blocks.append(bytearray(50 * 1024 * 1024))",
        "import numpy as np\nmean_pm25 = np.ones(10**11)",
        "x = 'a' * (10**12)",
    ):
        outcome, elapsed = arena.check(code)
        arena.assert_harmless(outcome, elapsed)
        runs = next(f for f in outcome.grade.feedback if f.check == "runs")
        assert "memory" in runs.message.lower(), runs.message


def test_an_infinite_loop_is_stopped_on_time(arena):
    outcome, elapsed = arena.check("mean_pm25 = 0\nwhile True:\n    mean_pm25 += 1")
    arena.assert_harmless(outcome, elapsed, reason="took too long")


def test_code_that_ignores_sigterm_still_dies(arena):
    code = """
    import signal, time
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGXCPU, signal.SIGUSR1):
        signal.signal(sig, signal.SIG_IGN)
    mean_pm25 = 0
    while True:
        try:
            time.sleep(0.01)
        except BaseException:
            pass
    """
    outcome, elapsed = arena.check(hostile(code))
    arena.assert_harmless(outcome, elapsed, reason="took too long")


def test_huge_output_is_capped_and_stays_out_of_the_grader(arena):
    code = """
    import os, sys
    for i in range(100000):
        print("flood " * 100)
    chunk = b"raw flood " * 100000
    for i in range(100):
        os.write(1, chunk)
        os.write(2, chunk)
    mean_pm25 = 0
    """
    outcome, elapsed = arena.check(hostile(code))
    arena.assert_harmless(outcome, elapsed)
    last = arena.engine.attempts()[-2]  # the hostile one (the last is the honest check)
    assert len(str(last.feedback)) < 20_000


def test_signals_to_other_processes_are_refused(arena):
    sentinel = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        code = """
        import os, signal
        mean_pm25 = 0
        for name, action in [
            ("sentinel", lambda: os.kill({pid}, signal.SIGKILL)),
            ("parent", lambda: os.kill(os.getppid(), signal.SIGKILL)),
            ("everyone", lambda: os.kill(-1, signal.SIGCONT)),
            ("group", lambda: os.killpg(0, signal.SIGCONT)),
            ("pid 1", lambda: os.kill(1, signal.SIGCONT) if os.getpid() != 1 else (_ for _ in ()).throw(PermissionError())),
        ]:
            try:
                action()
                print("WORKED:", name)
            except BaseException as exc:
                print(name, type(exc).__name__, exc)
        """
        outcome, elapsed = arena.check(hostile(code, pid=sentinel.pid))
        arena.assert_harmless(outcome, elapsed)
        assert sentinel.poll() is None, "the sentinel process was killed"
        if arena.worker_pid:
            os.kill(arena.worker_pid, 0)  # the worker is alive
    finally:
        sentinel.kill()
        sentinel.wait()


def test_datasets_cannot_be_deleted_or_altered(arena):
    code = """
    import os, shutil
    mean_pm25 = 0
    for root in ["datasets", {datasets}]:
        for name, action in [
            ("write", lambda: open(os.path.join(root, "air.csv"), "w").write("pm25\\n1\\n")),
            ("append", lambda: open(os.path.join(root, "air.csv"), "a").write("x")),
            ("remove", lambda: os.remove(os.path.join(root, "air.csv"))),
            ("rename", lambda: os.rename(os.path.join(root, "air.csv"), os.path.join(root, "gone.csv"))),
            ("chmod", lambda: os.chmod(os.path.join(root, "air.csv"), 0o777)),
            ("utime", lambda: os.utime(os.path.join(root, "air.csv"), (0, 0))),
            ("new file", lambda: open(os.path.join(root, "new.csv"), "w").write("x")),
            ("rmtree", lambda: shutil.rmtree(root)),
        ]:
            try:
                action()
                print("WORKED:", name)
            except BaseException as exc:
                print(name, type(exc).__name__)
    """
    outcome, elapsed = arena.check(hostile(code, datasets=arena.datasets))
    arena.assert_harmless(outcome, elapsed)


def test_writing_outside_its_own_folder_is_refused(arena):
    code = """
    import os
    mean_pm25 = 0
    for path in [{outside} + "/pwned.txt", {outside} + "/../pwned.txt", "/tmp/qala-pwned-by-test", {home} + "/pwned.txt", "../pwned.txt"]:
        try:
            with open(path, "w") as handle:
                handle.write("pwned")
            # /tmp is the sandbox's own where it has a view (memory, gone with the run): not an escape
            print("wrote its own" if path == "/tmp/qala-pwned-by-test" and os.getcwd() == "/work" else "WORKED: wrote", path)
        except BaseException as exc:
            print(path, type(exc).__name__)
    open("mine.txt", "w").write("my own folder is fine")
    """
    outcome, elapsed = arena.check(hostile(code, outside=arena.outside, home=arena.home))
    arena.assert_harmless(outcome, elapsed)
    assert not os.path.exists("/tmp/qala-pwned-by-test")
    assert not (arena.outside.parent / "pwned.txt").exists()
    assert not (arena.home / "pwned.txt").exists()


def test_reading_outside_the_datasets_is_refused(arena):
    secret = arena.outside / "secret.txt"
    secret.write_text("48.3")
    code = """
    mean_pm25 = None
    for path in [{secret}, "/etc/passwd", "/etc/shadow", "/proc/1/environ", "/proc/self/environ", {course} + "/course/course.toml"]:
        try:
            print("WORKED: read", path, open(path).read()[:20])
        except BaseException as exc:
            print(path, type(exc).__name__)
    """
    outcome, elapsed = arena.check(hostile(code, secret=secret, course=arena.course))
    arena.before["outside"] = sorted(p.name for p in arena.outside.iterdir())
    arena.assert_harmless(outcome, elapsed)


# ---------------------------------------------------------------- issue 19: verdicts you can trust

FORGE = """
import json, os, struct

def forge(evidence):
    data = json.dumps(evidence).encode()
    frame = b"E" + struct.pack(">I", len(data)) + data
    for fd in range(3, 64):  # the channel to the supervisor is one of them
        try:
            os.write(fd, frame)
        except OSError:
            pass
    os._exit(0)
"""


def forged(evidence: str) -> str:
    return FORGE + f"\nforge({evidence})\n"


def test_a_function_exercise_is_not_passed_by_results_missing_added_or_reordered(arena):
    answers = [{"call": c, "ok": v} for c, v in zip(BAND_CALLS, ("good", "moderate", "high"), strict=True)]
    for evidence in (
        {"status": "ok", "values": {}, "calls": []},  # no results: nothing to compare
        {"status": "ok", "values": {}, "calls": answers[:2]},  # one missing
        {"status": "ok", "values": {}, "calls": answers + [{"call": "band(1.0)", "ok": "good"}]},  # one too many
        {"status": "ok", "values": {}, "calls": answers[::-1]},  # each named, in the wrong order
        {"status": "ok", "values": {}, "calls": [{"ok": a["ok"]} for a in answers[:2]] + [{"call": "x", "ok": "high"}]},
    ):
        outcome, elapsed = arena.check(BAND_SOLUTION.replace("return", "return None #") + forged(repr(evidence)), exercise="band")
        arena.assert_harmless(outcome, elapsed)


def test_the_hidden_calls_are_out_of_reach_of_learner_code(arena):
    code = """
    import sys
    def band(pm25):
        return None
    needle = "band(" + str(30.0) + ")"  # built here: this source itself is in reach
    found = []
    frame = sys._getframe(0).f_back  # the frames above this code's own
    while frame is not None:
        for name, value in list(frame.f_locals.items()):
            if value is globals():
                continue
            calls = value.get("calls") if isinstance(value, dict) else None
            if isinstance(calls, list) and needle in calls:
                found.append(list(calls))
                calls.clear()
            elif isinstance(value, (dict, list, tuple, str)) and needle in repr(value)[:100000]:
                found.append(name)
        frame = frame.f_back
    if found:
        print("WORKED: found the calls", found)
    """
    outcome, elapsed = arena.check(hostile(code), exercise="band")
    arena.assert_harmless(outcome, elapsed)
    band = next(f for f in outcome.grade.feedback if f.check != "runs")
    assert "wrong answer" in band.message or "should be" in band.message, band.message  # its calls were made


def test_values_the_grader_cannot_compare_end_in_a_verdict(arena):
    for code in ("mean_pm25 = 10**400\nby_district = -10**400", "mean_pm25 = [10**400, 1e308, -0.0]\nby_district = {10**400: 1}"):
        outcome, elapsed = arena.check(code)
        arena.assert_harmless(outcome, elapsed)
        assert any("should be" in f.message for f in outcome.grade.feedback), [f.as_json() for f in outcome.grade.feedback]


def test_evidence_forged_to_cost_the_grader_time_or_memory_is_refused_before_decoding(arena):
    colliding = {"$": "dict", "items": [[n * (2**61 - 1), 0] for n in range(1, 20001)]}
    for evidence in (
        repr({"status": "ok", "values": {"mean_pm25": colliding}, "calls": []}),
        repr({"status": "ok", "values": {"mean_pm25": {"$": "set", "items": [n * (2**61 - 1) for n in range(1, 20001)]}}, "calls": []}),
        '{"status": "ok", "values": {"mean_pm25": [[]] * (3 * 1024 * 1024)}, "calls": []}',  # 12 MiB of [], three million lists
        repr({"status": "ok", "values": {}, "calls": [], "stdout": "1 " * 5_000_000}),
    ):
        outcome, elapsed = arena.check(forged(evidence))
        arena.assert_harmless(outcome, elapsed)
        runs = next(f for f in outcome.grade.feedback if f.check == "runs")
        assert not runs.passed, runs.message  # refused as evidence, not decoded and judged


def test_every_function_only_exercise_of_the_course_fails_for_code_that_reports_no_results(warm_runner, tmp_path):
    from qala.grader.engine import Engine

    engine = Engine(home=tmp_path / "home", language="en", runner=warm_runner)
    only_functions = [
        (lesson, exercise)
        for lesson in engine.course.lessons.values()
        for exercise in lesson.exercises
        if any(c.kind == "function" for c in exercise.checks) and all(c.kind in ("function", "uses", "forbids") for c in exercise.checks)
    ]
    assert len(only_functions) >= 8
    for lesson, exercise in only_functions:
        # The reference solution itself (so every `uses` check passes), then a forged evidence without results.
        code = exercise.solution + "\n" + forged(repr({"status": "ok", "values": {}, "calls": [], "stdout": ""}))
        outcome = engine.check(lesson.id, exercise.id, code)
        assert not outcome.passed, (lesson.id, exercise.id)
        assert all(f.message.strip() for f in outcome.grade.feedback)
    engine.store.close()
