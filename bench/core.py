"""What every benchmark shares: figures with their baseline and target, timing, memory, the table.

A benchmark is a function ``run(ctx) -> list[Figure]``; it raises :class:`Skip` (with a reason
the table shows) when something it needs is missing. Nothing here asserts a time.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
BENCH = REPO / "bench"
CACHE = BENCH / ".cache"  # generated notebooks, built site, learners' files (git-ignored)
BASELINES_VENV = BENCH / ".venv-baselines"  # otter-grader and nbgrader, installed once (git-ignored)
RESULTS = BENCH / "results"  # latest.json and latest.md (git-ignored)


class Skip(Exception):
    """This benchmark cannot run here; the message says why (shown in the table)."""


# ---------------------------------------------------------------- figures


@dataclass
class Target:
    text: str  # as the issue states it: "< 100 ms", "≤ 1.5× floor"
    met: bool


@dataclass
class Figure:
    """One measured number, its baseline from the same run, and whether it meets its target."""

    id: str
    title: str
    value: float | None
    unit: str
    baseline_title: str = ""
    baseline: float | None = None
    targets: list[Target] = field(default_factory=list)
    notes: str = ""
    details: dict[str, Any] = field(default_factory=dict)  # samples, counts, sub-timings
    baseline_is_part: bool = False  # the "baseline" is a share of the figure (e.g. loading Pyodide)

    @property
    def ratio(self) -> float | None:
        """figure ÷ baseline (for a part: part ÷ figure, its share)."""
        if self.value is None or not self.baseline:
            return None
        return self.baseline / self.value if self.baseline_is_part else self.value / self.baseline

    @property
    def met(self) -> bool | None:
        return all(t.met for t in self.targets) if self.targets else None

    def as_json(self) -> dict:
        data = asdict(self)
        data["ratio"] = self.ratio
        data["met"] = self.met
        return data


def under(value: float, limit: float, text: str) -> Target:
    return Target(text, value < limit)


def at_most(value: float | None, limit: float, text: str) -> Target:
    return Target(text, value is not None and value <= limit)


# ---------------------------------------------------------------- numbers


def summary(samples: Sequence[float]) -> dict[str, float | int]:
    """Median, spread and count of timing samples (seconds or ms, whatever was given)."""
    ordered = sorted(samples)
    n = len(ordered)
    return {
        "n": n,
        "median": statistics.median(ordered),
        "min": ordered[0],
        "max": ordered[-1],
        "p90": ordered[min(n - 1, int(round(0.9 * (n - 1))))],
    }


def ms(seconds: float) -> float:
    return seconds * 1000.0


# ---------------------------------------------------------------- running things


@dataclass
class Context:
    """What a benchmark gets: the mode, scratch space, and the shared cache."""

    quick: bool
    scratch: Path  # removed after the run
    python: str = sys.executable
    log: Callable[[str], None] = lambda message: print(message, file=sys.stderr, flush=True)

    def reps(self, full: int, quick: int) -> int:
        return quick if self.quick else full

    def tempdir(self, name: str) -> Path:
        path = Path(tempfile.mkdtemp(prefix=f"{name}-", dir=self.scratch))
        return path


def qala_command() -> list[str]:
    """How a user starts Qala: the console script installed beside this interpreter."""
    script = Path(sys.executable).with_name("qala")
    if script.is_file():
        return [str(script)]
    found = shutil.which("qala")
    if found:
        return [found]
    return [sys.executable, "-c", "import sys; from qala.grader.cli import main; sys.exit(main())"]


def bench_env(**extra: str) -> dict[str, str]:
    """The environment for everything the benchmarks start: ours, English, no stray Qala home."""
    env = dict(os.environ)
    for name in ("QALA_HOME", "QALA_LANG", "QALA_RUNNER"):
        env.pop(name, None)
    env["QALA_LANG"] = "en"
    env["PYTHONUNBUFFERED"] = "1"
    env.update(extra)
    return env


@dataclass
class Timed:
    seconds: float
    returncode: int
    stdout: str
    stderr: str


def timed_run(cmd: Sequence[str], *, cwd: Path | None = None, env: dict | None = None, input: str | None = None, timeout: float = 900) -> Timed:
    """Run a command to its end; wall time from spawn to exit."""
    started = time.perf_counter()
    process = subprocess.Popen(
        list(cmd),
        cwd=cwd,
        env=env or bench_env(),
        text=True,
        stdin=subprocess.PIPE if input is not None else subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        out, err = process.communicate(input, timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        out, err = process.communicate()
        raise RuntimeError(f"{' '.join(cmd[:3])}… took longer than {timeout:.0f} s") from None
    return Timed(time.perf_counter() - started, process.returncode, out, err)


def probe(ctx: Context, name: str, *args: str, timeout: float = 900, env: dict | None = None) -> dict:
    """Run ``python -m bench.probe NAME ARGS`` in a fresh interpreter; its last stdout line is JSON."""
    result = timed_run([ctx.python, "-m", "bench.probe", name, *args], cwd=REPO, env=env, timeout=timeout)
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    if result.returncode != 0 or not lines:
        raise RuntimeError(f"probe {name} failed (exit {result.returncode}): {result.stderr.strip()[-800:]}")
    try:
        return json.loads(lines[-1])
    except ValueError:
        raise RuntimeError(f"probe {name} printed no JSON: {result.stdout[-500:]}") from None


# ---------------------------------------------------------------- memory, from /proc


def _status_kib(pid: int, key: str) -> int | None:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as handle:
            for line in handle:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return None


def peak_rss_kib(pid: int) -> int | None:
    """A live process's peak resident set (VmHWM), in KiB."""
    return _status_kib(pid, "VmHWM")


def pss_kib(pid: int) -> int | None:
    """A live process's proportional set size: shared pages counted once across the sharers."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii", errors="replace") as handle:
            for line in handle:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return None


def descendants(pid: int) -> list[int]:
    """The process and everything below it, from /proc/PID/task/*/children."""
    found, queue = [], [pid]
    while queue:
        current = queue.pop()
        found.append(current)
        try:
            tasks = os.listdir(f"/proc/{current}/task")
        except OSError:
            continue
        for task in tasks:
            try:
                with open(f"/proc/{current}/task/{task}/children", encoding="ascii") as handle:
                    queue.extend(int(p) for p in handle.read().split())
            except (OSError, ValueError):
                pass
    return found


class TreeMemory:
    """Samples a process tree's total PSS every ``interval`` seconds; keeps the peak.

    PSS, not RSS: the forked sandboxes and a notebook's kernel share pages with their parent,
    and RSS would count those pages once per process. The peak is a sample, so it can miss a
    spike shorter than the interval.
    """

    def __init__(self, pid: int, interval: float = 0.05):
        self.pid = pid
        self.interval = interval
        self.peak_kib = 0
        self.peak_processes = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> TreeMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            pids = descendants(self.pid)
            total = sum(pss_kib(p) or 0 for p in pids)
            if total > self.peak_kib:
                self.peak_kib, self.peak_processes = total, len(pids)
            self._stop.wait(self.interval)


def run_with_memory(cmd: Sequence[str], *, cwd: Path | None = None, env: dict | None = None, timeout: float = 1800) -> tuple[Timed, int]:
    """Run a command, timing it and sampling its process tree's peak PSS (KiB)."""
    started = time.perf_counter()
    process = subprocess.Popen(list(cmd), cwd=cwd, env=env or bench_env(), text=True, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    with TreeMemory(process.pid) as memory:
        try:
            out, err = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()
            raise RuntimeError(f"{' '.join(map(str, cmd[:3]))}… took longer than {timeout:.0f} s") from None
    return Timed(time.perf_counter() - started, process.returncode, out, err), memory.peak_kib


# ---------------------------------------------------------------- the machine


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    info: dict[str, Any] = {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as handle:
            models = [line.split(":", 1)[1].strip() for line in handle if line.startswith("model name")]
        info["cpu"] = models[0] if models else platform.processor()
    except OSError:
        info["cpu"] = platform.processor()
    try:
        info["memory_gib"] = round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024**3, 1)
    except (ValueError, OSError):
        pass
    try:
        info["load_average_at_start"] = [round(x, 2) for x in os.getloadavg()]
    except OSError:
        pass
    from importlib.metadata import PackageNotFoundError, version

    for package in ("qala", "pandas", "numpy", "textual"):
        try:
            info[package] = version(package)
        except PackageNotFoundError:
            info[package] = None
    chromium = shutil.which("chromium")
    if chromium:
        try:
            info["chromium"] = subprocess.run([chromium, "--version"], capture_output=True, text=True, timeout=30).stdout.strip()
        except (OSError, subprocess.TimeoutExpired):
            pass
    try:
        info["git"] = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain"], cwd=REPO, capture_output=True, text=True, timeout=30).stdout
        info["git_dirty"] = bool(dirty.strip())
    except (OSError, subprocess.TimeoutExpired):
        pass
    return info


# ---------------------------------------------------------------- the table


def _number(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit in ("ms",):
        text = f"{value:.0f}" if value >= 100 else f"{value:.1f}"
    elif unit in ("s",):
        text = f"{value:.2f}" if value < 10 else f"{value:.1f}"
    elif unit in ("MB", "MiB"):
        text = f"{value:.1f}" if value < 100 else f"{value:.0f}"
    else:
        text = f"{value:g}"
    return f"{text} {unit}"


def _ratio(figure: Figure) -> str:
    ratio = figure.ratio
    if ratio is None:
        return "—"
    if figure.baseline_is_part:
        return f"{ratio:.0%} of it"
    return f"{ratio:.3f}×" if ratio < 0.1 else f"{ratio:.2f}×"


def _verdict(figure: Figure) -> str:
    return {True: "met", False: "MISSED", None: "—"}[figure.met]


def rows(figures: list[Figure]) -> list[list[str]]:
    out = []
    for f in figures:
        baseline = f"{_number(f.baseline, f.unit)} ({f.baseline_title})" if f.baseline is not None else (f.baseline_title or "—")
        targets = [t.text + (" ✓" if t.met else " ✗") if len(f.targets) > 1 else t.text for t in f.targets]
        out.append([f.title, _number(f.value, f.unit), baseline, _ratio(f), "; ".join(targets) or "—", _verdict(f)])
    return out


HEADERS = ["figure", "value", "baseline (same run)", "ratio", "target", "met?"]


def text_table(figures: list[Figure], skipped: list[dict]) -> str:
    table = [HEADERS] + rows(figures)
    widths = [max(len(r[i]) for r in table) for i in range(len(HEADERS))]
    lines = []
    for number, row in enumerate(table):
        lines.append("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip())
        if number == 0:
            lines.append("  ".join("-" * w for w in widths))
    for skip in skipped:
        lines.append(f"skipped {skip['benchmark']}: {skip['reason']}")
    return "\n".join(lines)


def markdown_table(figures: list[Figure], skipped: list[dict], info: dict) -> str:
    def cell(text: str) -> str:
        return text.replace("|", "\\|")

    lines = ["| " + " | ".join(HEADERS) + " |", "|" + "---|" * len(HEADERS)]
    for row in rows(figures):
        lines.append("| " + " | ".join(cell(c) for c in row) + " |")
    for skip in skipped:
        lines.append(f"| {cell(skip['benchmark'])}: skipped | — | {cell(skip['reason'])} | — | — | — |")
    machine_line = (
        f"Measured {info.get('finished_at', '')} on {info['machine'].get('cpu', '?')}, "
        f"{info['machine'].get('cpus')} cores, {info['machine'].get('memory_gib', '?')} GiB, "
        f"Python {info['machine'].get('python')}, pandas {info['machine'].get('pandas')}, "
        f"Textual {info['machine'].get('textual')}; `python -m bench{' --quick' if info.get('quick') else ''}` "
        f"took {info.get('seconds', 0):.0f} s."
    )
    return "\n".join(lines) + "\n\n" + machine_line + "\n"
