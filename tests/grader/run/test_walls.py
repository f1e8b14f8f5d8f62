"""Each wall of the sandbox on its own, the warm worker's hygiene, and what crosses back.

docs/SECURITY.md says which wall stops what; these tests switch walls off one at a time to
show that each holds without the others, and check the promises about the worker: single-
threaded, never holding anyone's code, restarted when it dies, never reused dirty.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from qala.grader.run.jobs import Job
from qala.grader.run.launch import ProcessRunner
from qala.grader.run.runners import default_runner
from qala.grader.run.worker import WorkerRunner
from tests.conftest import run_qala
from tests.grader.run.conftest import SOLUTION, alive, descendants, left_behind, settled_descendants

FULL_WALLS = {
    "namespaces",
    "filesystem-view",
    "chroot",
    "rlimits",
    "no-capabilities",
    "no-new-privileges",
    "not-dumpable",
    "dies-with-supervisor",
    "seccomp",
    "audit-hook",
}
linux_x86 = pytest.mark.skipif(not (sys.platform.startswith("linux") and platform.machine() == "x86_64"), reason="the kernel walls are built for x86-64 Linux")

PROBES = textwrap.dedent(
    """
    import os, socket, subprocess
    outcome = {}
    def probe(name, action):
        try:
            action()
            outcome[name] = "worked"
        except BaseException as exc:
            outcome[name] = type(exc).__name__ + ": " + str(exc)[:80]
    probe("fork", os.fork)
    probe("fork_exec", lambda: subprocess._fork_exec([b"/bin/true"], [b"/bin/true"], True, (), None, None,
        -1, -1, -1, -1, -1, -1, *os.pipe(), False, False, -1, None, None, None, -1, None, True))
    probe("socket", socket.socket)
    probe("signal parent", lambda: os.kill(os.getppid() or 1, 0) if os.getppid() else (_ for _ in ()).throw(ProcessLookupError("no parent in sight")))
    probe("read passwd", lambda: open("/etc/passwd").read())
    probe("read lesson", lambda: open(LESSON).read())
    probe("read dataset", lambda: open("datasets/air.csv").read())
    probe("write dataset", lambda: open("datasets/air.csv", "a").write("x"))
    probe("write outside", lambda: open(OUTSIDE, "w").write("x"))
    probe("own folder", lambda: open("mine.txt", "w").write("fine"))
    """
)


def probe_job(course: Path, outside: Path) -> Job:
    lesson = course / "lessons" / "basics" / "city-air.md"
    source = f"LESSON = {str(lesson)!r}\nOUTSIDE = {str(outside / 'escaped.txt')!r}\n" + PROBES
    return Job(source=source, variables=("outcome",), datasets_dir=course / "lessons" / "datasets", timeout=5)


ALLOWED = ("own folder", "read dataset")


def refused(outcome: dict, name: str) -> bool:
    return outcome[name] != "worked"


@linux_x86
def test_every_wall_holds_here_for_both_runners(course, tmp_path, warm_runner, oneshot_runner):
    if os.geteuid() != 0:
        pytest.skip("as a normal user the walls come from a user namespace (see the test below)")
    for runner in (warm_runner, oneshot_runner):
        result = runner.run(probe_job(course, tmp_path))
        assert result.ok, result
        assert FULL_WALLS | {"nobody"} <= set(result.walls["held"]), result.walls
        assert result.walls["missing"] == {}
        outcome = result.values["outcome"]
        assert all(outcome[name] == "worked" for name in ALLOWED), outcome
        assert all(refused(outcome, name) for name in outcome if name not in ALLOWED), outcome
    assert not (tmp_path / "escaped.txt").exists()


@linux_x86
def test_the_kernel_walls_hold_without_the_audit_hook(course, tmp_path):
    runner = ProcessRunner(skip_walls=("audit-hook",))
    result = runner.run(probe_job(course, tmp_path))
    assert result.ok and "audit-hook" not in result.walls["held"], result
    outcome = result.values["outcome"]
    for name in ("fork", "fork_exec", "socket", "signal parent"):
        assert "Operation not permitted" in outcome[name] or "ProcessLookupError" in outcome[name], (name, outcome)
    for name in ("read passwd", "read lesson", "write outside"):
        assert outcome[name].startswith(("FileNotFoundError", "PermissionError")), (name, outcome)
    assert "Read-only file system" in outcome["write dataset"] or "[Errno 13]" in outcome["write dataset"]  # nobody, or the mount
    assert all(outcome[name] == "worked" for name in ALLOWED), outcome
    assert not (tmp_path / "escaped.txt").exists()


@linux_x86
def test_seccomp_and_the_audit_hook_hold_without_namespaces(course, tmp_path):
    """What a machine without user namespaces gets: no private view of the files, but the rest."""
    runner = ProcessRunner(skip_walls=("namespaces",))
    result = runner.run(probe_job(course, tmp_path))
    assert result.ok, result
    assert {"seccomp", "audit-hook"} <= set(result.walls["held"]) and "namespaces" not in result.walls["held"]
    outcome = result.values["outcome"]
    for name in ("fork", "fork_exec", "socket", "signal parent", "read passwd", "read lesson", "write dataset", "write outside"):
        assert outcome[name].startswith("PermissionError"), (name, outcome)
    assert all(outcome[name] == "worked" for name in ALLOWED), outcome
    assert not (tmp_path / "escaped.txt").exists()


@linux_x86
def test_a_user_without_root_gets_the_walls_from_a_user_namespace(course, open_tmp):
    """Run the grader itself as user nobody (with the system's Python, which nobody can read).

    The course is copied into the venv's site-packages, as an installed course would be: the
    sandbox must show site-packages, and must still hide the lessons inside it.
    """
    system_python = Path("/usr/bin/python3")
    if os.geteuid() != 0 or not shutil.which("setpriv") or not system_python.exists():
        pytest.skip("needs root (to become nobody), setpriv and /usr/bin/python3")
    version = subprocess.run([str(system_python), "-c", "import sys; print(sys.version_info[:2] >= (3, 11))"], capture_output=True, text=True)
    if version.stdout.strip() != "True":
        pytest.skip("the system Python is older than 3.11")
    venv = open_tmp / "venv"
    made = subprocess.run([str(system_python), "-m", "venv", "--without-pip", str(venv)], capture_output=True, text=True)
    if made.returncode != 0:
        pytest.skip(f"no venv module: {made.stderr[-200:]}")
    source = open_tmp / "src" / "qala"
    source.mkdir(parents=True)
    (source / "grader").symlink_to(Path(__file__).resolve().parents[3] / "grader")
    site = next(venv.glob("lib/python3*/site-packages"))
    (site / "qala.pth").write_text(str(open_tmp / "src") + "\n")
    shared = site / "a_course"
    shutil.copytree(course, shared / "course")
    for path in [open_tmp, *open_tmp.parents]:
        if path != Path("/"):
            path.chmod(path.stat().st_mode | 0o005)
    subprocess.run(["chmod", "-R", "a+rX", str(open_tmp)], check=True)
    job = probe_job(shared / "course", shared)
    script = textwrap.dedent(
        f"""
        import json
        from pathlib import Path
        from qala.grader.run.jobs import Job
        from qala.grader.run.launch import ProcessRunner
        from qala.grader.run.worker import WorkerRunner
        job = Job(source={job.source!r}, variables=("outcome",), datasets_dir=Path({str(job.datasets_dir)!r}), timeout=5)
        for runner in (ProcessRunner(python={str(venv / "bin" / "python")!r}), WorkerRunner(python={str(venv / "bin" / "python")!r}, cold_runs=0)):
            result = runner.run(job)
            runner.close()
            print(json.dumps({{"status": result.status, "walls": result.walls, "outcome": result.values.get("outcome"), "detail": result.detail}}))
        """
    )
    ran = subprocess.run(
        ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", str(venv / "bin" / "python"), "-I", "-c", script],
        capture_output=True,
        text=True,
        timeout=120,
        cwd="/",
    )
    assert ran.returncode == 0, ran.stderr[-2000:]
    for line in ran.stdout.splitlines():
        report = json.loads(line)
        assert report["status"] == "ok", report
        held = set(report["walls"]["held"])
        if "user-namespace" not in held:
            pytest.skip(f"user namespaces are not available to normal users here: {report['walls']['missing']}")
        assert FULL_WALLS <= held, report["walls"]
        outcome = report["outcome"]
        assert all(outcome[name] == "worked" for name in ALLOWED), outcome
        assert all(refused(outcome, name) for name in outcome if name not in ALLOWED), outcome
        assert outcome["read lesson"].startswith("FileNotFoundError"), outcome  # masked inside site-packages
    assert not (shared / "escaped.txt").exists()


def test_the_warm_worker_is_single_threaded_and_never_holds_a_job(course, warm_runner):
    marker = "QALA-SECRET-" + os.urandom(8).hex()
    job = Job(source=f"answer = {marker!r}.lower()", variables=("answer",), datasets_dir=course / "lessons" / "datasets")
    assert warm_runner.run(job).values["answer"] == marker.lower()
    pid = warm_runner.pid
    assert len(os.listdir(f"/proc/{pid}/task")) == 1
    if os.geteuid() != 0:
        pytest.skip("reading another process's memory needs root")
    needle = marker.encode()
    with open(f"/proc/{pid}/maps") as maps, open(f"/proc/{pid}/mem", "rb", 0) as mem:
        for line in maps:
            span, perms = line.split()[:2]
            if not perms.startswith("r"):
                continue
            start, end = (int(x, 16) for x in span.split("-"))
            if end - start > 1 << 30:
                continue
            try:
                mem.seek(start)
                assert needle not in mem.read(end - start), f"the worker holds a job's code ({line.strip()})"
            except OSError:
                continue


def test_each_run_starts_clean(course, warm_runner):
    dirty = "import pandas, sys, os\npandas.LEFT_BEHIND = 1\nsys.modules['json'].LEFT_BEHIND = 1\nopen('/tmp/left', 'w').write('x')\nopen('left', 'w').write('x')\nx = 1"
    assert warm_runner.run(Job(source=dirty, variables=("x",), needs=("pandas",))).ok
    look = "import pandas, json, os\nseen = [hasattr(pandas, 'LEFT_BEHIND'), hasattr(json, 'LEFT_BEHIND'), os.path.exists('/tmp/left'), os.path.exists('left')]"
    result = warm_runner.run(Job(source=look, variables=("seen",), needs=("pandas",)))
    assert result.values["seen"] == [False, False, False, False]


def test_a_run_hit_by_a_limit_leaves_the_worker_as_it_was(course, warm_runner):
    pid = warm_runner.pid
    bomb = warm_runner.run(Job(source="x = bytearray(10**10)", timeout=2))
    assert bomb.status == "error" and bomb.error.type == "MemoryError"
    loop = warm_runner.run(Job(source="while True: pass", timeout=1))
    assert loop.status == "timeout"
    honest = warm_runner.run(Job(source=SOLUTION, variables=("mean_pm25",), datasets_dir=course / "lessons" / "datasets", needs=("pandas",)))
    assert honest.ok and isinstance(honest.values["mean_pm25"], float)
    assert warm_runner.pid == pid


def test_a_dead_worker_is_replaced_without_the_learner_noticing(course):
    before = settled_descendants()
    runner = WorkerRunner(cold_runs=0)
    try:
        job = Job(source="x = 6 * 7", variables=("x",))
        assert runner.run(job).values == {"x": 42}
        first = runner.pid
        os.kill(first, signal.SIGKILL)
        time.sleep(0.1)
        assert runner.run(job).values == {"x": 42}
        second = runner.pid
        assert second != first and runner.restarts == 1
    finally:
        runner.close()
    assert not alive(first) and not alive(second)
    assert not left_behind(before)


def test_runs_can_overlap(course, warm_runner):
    results = {}

    def run(n: int) -> None:
        source = f"import time\nstart = time.time()\ntime.sleep(1.0)\nx = ({n} * 2, start, time.time())"
        results[n] = warm_runner.run(Job(source=source, variables=("x",)))

    threads = [threading.Thread(target=run, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert {n: r.values.get("x")[0] for n, r in results.items()} == {n: n * 2 for n in range(4)}
    # Side by side, not one after another: every run had started before the first one ended.
    starts, ends = [r.values["x"][1] for r in results.values()], [r.values["x"][2] for r in results.values()]
    assert max(starts) < min(ends), (starts, ends)


def test_the_default_runner_starts_the_worker_from_the_second_check(course):
    runner = default_runner()
    try:
        if not isinstance(runner, WorkerRunner):
            pytest.skip("no warm worker on this platform")
        job = Job(source="x = 1", variables=("x",))
        # One check from the shell is two runs (its inputs and a hidden variant): both one-shot.
        assert runner.run(job).ok and runner.run(job).ok and runner.pid is None
        assert runner.run(job).ok and runner.pid is not None  # a second check: the worker pays off
    finally:
        runner.close()


def test_nothing_outlives_a_grader_that_is_killed_mid_run(open_tmp):
    script = textwrap.dedent(
        """
        import sys
        from qala.grader.run.jobs import Job
        from qala.grader.run.worker import WorkerRunner
        runner = WorkerRunner(cold_runs=0)
        runner.warm_up()
        runner.run(Job(source="x = 1"))
        print(runner.pid, flush=True)
        runner.run(Job(source="while True: pass", timeout=2))
        """
    )
    before = settled_descendants()
    scratch = open_tmp / "scratch"
    scratch.mkdir()
    scratch.chmod(0o755)
    grader = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, env=os.environ | {"TMPDIR": str(scratch)})
    worker = int(grader.stdout.readline())
    time.sleep(0.5)
    assert len(descendants()) >= len(before) + 4, "grader, worker, supervisor and learner should be running"
    # the run's scratch folder, and the next sandbox's, already waiting beside it
    assert 1 <= len(list(scratch.iterdir())) <= 2, "the run's scratch folder should be there"
    grader.kill()
    grader.wait()
    deadline = time.monotonic() + 6  # the run's own limit is 2 s
    while (not set(descendants()) <= set(before) or alive(worker) or any(scratch.iterdir())) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not alive(worker), "the worker outlived its grader"
    assert set(descendants()) <= set(before)
    assert list(scratch.iterdir()) == [], "the scratch folder outlived its grader"


def test_learner_output_never_mixes_into_the_json_of_qala_check(course, open_tmp):
    code = open_tmp / "loud.py"
    code.write_text(
        'import os, sys\nprint(\'{"passed": true}\')\nos.write(1, b\'{"passed": true, "FAKE": 1}\\n\')\n'
        'os.write(2, b"FAKE on stderr\\n")\nsys.__stdout__.write("FAKE\\n")\n' + SOLUTION
    )
    home = open_tmp / "home"
    result = run_qala("check", "city-air", "mean", str(code), "--json", "--course", str(course), home=home)
    assert result.returncode == 0, result.stderr
    verdict = json.loads(result.stdout)  # one object, nothing else on stdout
    assert verdict["passed"] is True and verdict["lesson"] == "city-air"
    assert "FAKE" not in result.stdout and "FAKE" not in result.stderr
    code.write_text("import os\nos.write(1, b'{\"passed\": true}\\n')\nmean_pm25 = 0\n")
    result = run_qala("check", "city-air", "mean", str(code), "--json", "--course", str(course), home=home)
    assert result.returncode == 1
    assert json.loads(result.stdout)["passed"] is False


def test_lesson_code_may_use_qalas_plotting_helper_and_nothing_else_of_qala(course, warm_runner, oneshot_runner):
    code = textwrap.dedent(
        """
        from qala.grader.plot import bar_chart
        bar_chart(["Medeu", "Turksib"], [16, 31], title="PM2.5")
        blocked = []
        for name in ("qala.grader.progress.store", "qala.grader.engine", "qala.grader.judge.grading", "qala.lessons", "qala.course"):
            try:
                __import__(name)
            except ImportError:
                blocked.append(name)
        """
    )
    for runner in (warm_runner, oneshot_runner):
        result = runner.run(Job(source=code, variables=("blocked",)))
        assert result.ok, result
        assert "Turksib" in result.stdout
        assert result.values["blocked"] == ["qala.grader.progress.store", "qala.grader.engine", "qala.grader.judge.grading", "qala.lessons", "qala.course"]


@linux_x86
def test_a_native_library_the_learner_writes_cannot_be_loaded(warm_runner, oneshot_runner):
    code = textwrap.dedent(
        """
        import array, importlib.machinery, importlib.util, shutil
        outcome = {}
        for folder in ("/work", "/tmp"):
            copy = folder + "/copied.so"
            try:
                shutil.copyfile(array.__file__, copy)  # a real extension module, now writable by the learner
                spec = importlib.util.spec_from_file_location("array", copy, loader=importlib.machinery.ExtensionFileLoader("array", copy))
                importlib.util.module_from_spec(spec)
                outcome[folder] = "loaded"
            except ImportError as exc:
                outcome[folder] = str(exc)
        """
    )
    for runner in (warm_runner, oneshot_runner):
        result = runner.run(Job(source=code, variables=("outcome",)))
        assert result.ok, result
        assert all("failed to map segment" in text for text in result.values["outcome"].values()), result.values


# ---------------------------------------------------------------- issue 19: each wall alone, and folders by descriptor

CLIMB = textwrap.dedent(
    """
    import os, shutil, tempfile
    report = []
    def attempt(name, action):
        try:
            report.append("WORKED: " + name + ": " + str(action())[:300])
        except BaseException as exc:
            report.append(name + ": " + type(exc).__name__ + ": " + str(exc)[:100])
    os.makedirs("a/b", exist_ok=True)
    def climb(then):
        here = os.getcwd()
        fd = os.open(".", os.O_RDONLY)
        os.chdir("a/b")  # relative paths now look, from here, as if they stayed inside
        try:
            for _ in range(20):
                fd = os.open("..", os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd)
            return then(fd)
        finally:
            os.chdir(here)
    def steal(fd):
        return os.read(os.open(SECRET.lstrip("/"), os.O_RDONLY, dir_fd=fd), 100)
    def plant(fd):
        os.close(os.open(OUTSIDE.lstrip("/"), os.O_WRONLY | os.O_CREAT, dir_fd=fd))
        return "planted"
    def history(then):
        import readline
        return then(readline)
    def remove_own_tree():
        os.makedirs("t/u", exist_ok=True)
        shutil.rmtree("t")
        return "removed"
    def temporary_file():
        with tempfile.TemporaryFile() as handle:
            handle.write(b"x")
        return "made"
    attempt("list / by descriptor", lambda: climb(os.listdir))
    attempt("read a secret by descriptor", lambda: climb(steal))
    attempt("write outside by descriptor", lambda: climb(plant))
    attempt("scandir by descriptor", lambda: [e.name for e in os.scandir(os.open(".", os.O_RDONLY))])
    attempt("listdir by descriptor", lambda: os.listdir(os.open("a", os.O_RDONLY)))
    attempt("readline writes outside", lambda: history(lambda r: r.write_history_file(OUTSIDE)))
    attempt("readline reads a secret", lambda: history(lambda r: (r.read_history_file(SECRET), r.get_history_item(1))[1]))
    own = []
    for name, action in [("rmtree own folder", remove_own_tree), ("temporary file", temporary_file)]:
        try:
            own.append(name + ": " + str(action()))
        except BaseException as exc:
            own.append(name + " failed: " + type(exc).__name__ + ": " + str(exc)[:100])
    """
)


@linux_x86
@pytest.mark.parametrize("skip", [("namespaces",), ()], ids=["without namespaces", "every wall"])
def test_no_folder_can_be_opened_to_climb_out_by_descriptor_nor_read_through_readline(course, open_tmp, skip):
    secret = open_tmp / "secret.txt"
    secret.write_text("the answer is 48.3")
    secret.chmod(0o644)
    outside = open_tmp / "planted.txt"
    source = f"SECRET = {str(secret)!r}\nOUTSIDE = {str(outside)!r}\n" + CLIMB
    result = ProcessRunner(skip_walls=skip).run(Job(source=source, variables=("report", "own"), datasets_dir=course / "lessons" / "datasets", timeout=10))
    assert result.ok, (result.status, result.error, result.detail)
    report = result.values["report"]
    assert not [line for line in report if line.startswith("WORKED")], report
    assert not any("48.3" in line for line in report)
    assert not outside.exists()
    assert result.values["own"] == ["rmtree own folder: removed", "temporary file: made"]  # nothing honest broke


NETWORK = textwrap.dedent(
    """
    import os, socket
    report = []
    def attempt(name, action):
        try:
            action()
            report.append("WORKED: " + name)
        except BaseException as exc:
            report.append(name + ": " + type(exc).__name__ + ": " + str(exc)[:80])
    attempt("tcp to the grader's machine", lambda: socket.create_connection(("127.0.0.1", PORT), timeout=2).sendall(b"hello"))
    attempt("udp to the grader's machine", lambda: socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"hello", ("127.0.0.1", UDP)))
    attempt("dns", lambda: socket.getaddrinfo("example.com", 80))
    """
)


def _network_probe(skip: tuple[str, ...], course: Path) -> tuple[list[str], list, bytes]:
    """Run the network probe with only the walls not in ``skip``; what it reported, and what
    reached the listeners on this machine."""
    import socket as sockets

    tcp = sockets.socket(sockets.AF_INET, sockets.SOCK_STREAM)
    tcp.bind(("127.0.0.1", 0))
    tcp.listen(4)
    tcp.setblocking(False)
    udp = sockets.socket(sockets.AF_INET, sockets.SOCK_DGRAM)
    udp.bind(("127.0.0.1", 0))
    udp.setblocking(False)
    try:
        source = f"PORT = {tcp.getsockname()[1]}\nUDP = {udp.getsockname()[1]}\n" + NETWORK
        result = ProcessRunner(skip_walls=skip).run(Job(source=source, variables=("report",), datasets_dir=course / "lessons" / "datasets", timeout=10))
        assert result.ok, (result.status, result.error, result.detail)
        connected = []
        try:
            connected.append(tcp.accept())
        except BlockingIOError:
            pass
        try:
            datagram = udp.recv(100)
        except BlockingIOError:
            datagram = b""
        return result.values["report"], [result.walls], connected, datagram
    finally:
        tcp.close()
        udp.close()


@linux_x86
@pytest.mark.parametrize(
    "skip, holding",
    [
        (("audit-hook", "seccomp"), "namespaces"),  # the network namespace alone: no interface but a down loopback
        (("namespaces", "seccomp"), "audit-hook"),  # the audit hook's network rule alone
        (("namespaces", "audit-hook"), "seccomp"),  # seccomp alone: no socket() at all
    ],
    ids=["network namespace", "audit hook", "seccomp"],
)
def test_each_wall_alone_keeps_the_network_out(course, skip, holding):
    report, walls, connected, datagram = _network_probe(skip, course)
    assert holding in walls[0]["held"] and not set(skip) & set(walls[0]["held"]), walls
    assert not [line for line in report if line.startswith("WORKED")], report
    assert connected == [] and datagram == b"", (connected, datagram)


@linux_x86
def test_the_filesystem_view_alone_keeps_the_teachers_files_out(course, open_tmp):
    """Without the audit hook and seccomp, only the view (and `nobody`, as root) stands: files
    every user may read are still out of sight."""
    secret = open_tmp / "secret.txt"
    secret.write_text("the answer is 48.3")
    secret.chmod(0o644)
    lesson = course / "lessons" / "basics" / "city-air.md"
    source = textwrap.dedent(
        f"""
        import os
        report = []
        for path in [{str(secret)!r}, {str(lesson)!r}, "/etc/hostname", "/etc/passwd"]:
            try:
                report.append("WORKED: " + path + ": " + open(path).read(40))
            except BaseException as exc:
                report.append(path + ": " + type(exc).__name__)
        if os.path.exists({str(open_tmp)!r}) or os.path.exists({str(course)!r}):
            report.append("WORKED: the teacher's folders are in sight")
        """
    )
    result = ProcessRunner(skip_walls=("audit-hook", "seccomp")).run(
        Job(source=source, variables=("report",), datasets_dir=course / "lessons" / "datasets", timeout=10)
    )
    assert result.ok, (result.status, result.error, result.detail)
    assert "filesystem-view" in result.walls["held"] and "audit-hook" not in result.walls["held"], result.walls
    assert not [line for line in result.values["report"] if line.startswith("WORKED")], result.values["report"]
