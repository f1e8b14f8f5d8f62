"""Driving a terminal app for real: a pseudo-terminal, keys in, what the screen says out.

The app runs with its real driver (as a user starts it), in a 120×40 xterm-256color pty; the
benchmark sends keys and waits for text to appear in what the app writes after them. Escape
sequences are taken out before searching, so a text is found when it is drawn in one piece.
"""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import signal
import struct
import subprocess
import termios
import time
from collections.abc import Sequence
from pathlib import Path

COLUMNS, LINES = 120, 40
DOWN = b"\x1b[B"
F5 = b"\x1b[15~"
F7 = b"\x1b[18~"
F8 = b"\x1b[19~"
CTRL_Q = b"\x11"
_ESCAPES = re.compile(rb"\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b\[[0-9;?<>=$ ]*[A-Za-z~]|\x1b[()][A-Za-z0-9]|\x1b[=>]")


def screen_text(raw: bytes) -> str:
    """What the terminal output says, escape sequences taken out (each becomes a line break)."""
    return _ESCAPES.sub(b"\n", raw).decode("utf-8", "replace")


class Terminal:
    """One app in a pty. Times are seconds since spawn (``perf_counter`` based)."""

    def __init__(self, cmd: Sequence[str], env: dict, cwd: Path | None = None):
        self.master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", LINES, COLUMNS, 0, 0))
        environment = dict(env) | {"TERM": "xterm-256color", "COLUMNS": str(COLUMNS), "LINES": str(LINES)}
        self.started = time.perf_counter()
        self.process = subprocess.Popen(list(cmd), stdin=slave, stdout=slave, stderr=slave, env=environment, cwd=cwd, start_new_session=True)
        os.close(slave)
        self.raw = b""
        self.mark = 0  # where the output since the last key starts

    @property
    def pid(self) -> int:
        return self.process.pid

    def send(self, keys: bytes) -> float:
        self.mark = len(self.raw)
        os.write(self.master, keys)
        return time.perf_counter() - self.started

    def wait_for(self, *texts: str, since_key: bool = True, timeout: float = 60) -> float:
        """Seconds since spawn when every text is on screen (in the output since the last key)."""
        deadline = time.perf_counter() + timeout
        while True:
            if all(t in screen_text(self.raw[self.mark if since_key else 0 :]) for t in texts):
                return time.perf_counter() - self.started
            left = deadline - time.perf_counter()
            if left <= 0 or self.process.poll() is not None:
                tail = screen_text(self.raw)[-800:].strip()
                raise RuntimeError(f"waited for {texts!r} in vain (exit {self.process.poll()}); the screen ended with: {tail!r}")
            ready, _, _ = select.select([self.master], [], [], min(left, 0.05))
            if ready:
                try:
                    self.raw += os.read(self.master, 1 << 16)
                except OSError:
                    pass

    def settle(self, quiet: float = 0.2, timeout: float = 10) -> None:
        """Wait until the app has written nothing for ``quiet`` seconds (it is idle: the editor's
        cursor blinks only twice a second)."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            ready, _, _ = select.select([self.master], [], [], quiet)
            if not ready:
                return
            try:
                self.raw += os.read(self.master, 1 << 16)
            except OSError:
                return

    def close(self) -> None:
        try:
            os.write(self.master, CTRL_Q)
            self.process.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.process.wait()
        os.close(self.master)

    def __enter__(self) -> Terminal:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def app_checks(cmd: Sequence[str], env: dict, reps: int, warmup: int = 3) -> dict:
    """`qala tui --lesson L` on an exercise whose draft passes: F5 → "Passed!" drawn, timed.

    Between two checks the app goes to the next exercise and back (F8, F7), which clears the
    feedback, so every check's result has to be drawn anew; F5 is pressed once the app is idle
    again (the lesson's text re-laid out). After the warm-up checks (the first
    one-shot, then the worker starting; the first pass shows badge notes for six seconds, which
    could cover the feedback) the benchmark waits for those notes to go. Returns the samples
    (seconds) and the app's and its warm worker's peak memory, read from /proc before it quits.
    """
    from .core import descendants, peak_rss_kib, pss_kib

    passes, warm = [], []
    with Terminal(cmd, env) as terminal:
        terminal.wait_for("F5 check", "Exercise 1 of", since_key=False)  # the lesson is up, the editor focused
        for number in range(warmup + reps):
            if number == warmup:
                time.sleep(6.5)  # notifications of the first pass (new badges) time out after 6 s
            terminal.settle()
            sent = terminal.send(F5)
            (warm if number < warmup else passes).append(terminal.wait_for("Passed!") - sent)
            terminal.send(F8)
            terminal.wait_for("Exercise 2 of")
            terminal.send(F7)
            terminal.wait_for("Exercise 1 of")
        workers = [p for p in descendants(terminal.pid) if b"qala.grader.run.worker" in _cmdline(p)]
        memory = {
            "app_peak_rss_kib": peak_rss_kib(terminal.pid),
            "worker_pid": workers[0] if workers else None,
            "worker_peak_rss_kib": peak_rss_kib(workers[0]) if workers else None,
            "worker_pss_kib": pss_kib(workers[0]) if workers else None,
        }
    return {"samples": passes, "warmup": warm, "memory": memory}


def _cmdline(pid: int) -> bytes:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as handle:
            return handle.read()
    except OSError:
        return b""
