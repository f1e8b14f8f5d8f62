"""Hostile submissions, one class each: none passes, hangs, harms, or moves progress.

Every test runs twice — through the warm worker and through a one-shot sandbox — and ends
with ``arena.assert_harmless``: not passed, within the time limit plus a margin, no process or
scratch folder left, datasets, lessons and progress untouched, and an honest solution still
passing afterwards. Attacks are written so that, had they worked, the check would have passed
or the harm would show.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import textwrap

import pytest

from tests.grader.run.conftest import TIMEOUT


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
    if not found:
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
        except Exception as exc:
            print(type(exc).__name__, exc)
        try:
            with open(path, "r+b") as handle:
                handle.write(b"garbage" * 100)
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
        mean_pm25 = tries
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
            mean_pm25 = name
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
                mean_pm25 = name
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
    mean_pm25 = children
    while True:
        os.fork()
    """
    outcome, elapsed = arena.check(hostile(code))
    arena.assert_harmless(outcome, elapsed)


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
    assert elapsed >= TIMEOUT


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
                mean_pm25 = name
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
                print(name, "worked")
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
            print(path, "written")
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
            mean_pm25 = open(path).read()
        except BaseException as exc:
            print(path, type(exc).__name__)
    """
    outcome, elapsed = arena.check(hostile(code, secret=secret, course=arena.course))
    arena.before["outside"] = sorted(p.name for p in arena.outside.iterdir())
    arena.assert_harmless(outcome, elapsed)
