"""The hidden calls of a job, kept by the supervisor until learner code has run.

Learner code runs in a process whose frames reach everything in it (``sys._getframe().f_back``),
so a secret kept in that process is no secret. The supervisor (another process) holds the calls;
the learner's process sends its evidence so far — the values it was asked for and what it
printed — as a V frame once learner code has run, and gets the calls in return. From then on
only the calls' results are taken from it: whatever the code learns from the calls cannot reach
a value or a printout a learner is shown.
"""

from __future__ import annotations

import json
import os
import struct
from collections.abc import Callable

FRAME = struct.Struct(">cI")  # kind, length: the learner process's messages to its supervisor


class CallsLater:
    """A job's hidden calls, sent to the learner's process only once its learner code has run
    and it has sent its evidence so far (a V frame): the values and the printout are taken from
    that frame, so nothing the code could learn from the calls reaches them. Only the calls'
    own results come from the evidence after it (and a hidden check never shows them)."""

    def __init__(self, fd: int, calls: bytes, take_frame: Callable[[bytearray], tuple[bytes, bytes] | None]):
        self.fd, self.calls, self.take_frame = fd, calls, take_frame
        self.before: bytes | None = None

    def take(self, buffer: bytearray) -> None:
        """Take a whole V frame off the front of ``buffer`` and send the calls in return."""
        if self.before is not None or len(buffer) < FRAME.size or FRAME.unpack_from(buffer)[0] != b"V":
            return
        frame = self.take_frame(buffer)
        if frame is None:
            return
        self.before = frame[1]
        try:
            if len(self.calls) > 65536:
                import fcntl

                fcntl.fcntl(self.fd, getattr(fcntl, "F_SETPIPE_SZ", 1031), len(self.calls))
            os.set_blocking(self.fd, False)
            os.write(self.fd, self.calls)  # all at once into an empty pipe, or not at all
        except (OSError, ImportError):
            pass  # its calls then come back missing: the grader sees a broken run
        finally:
            os.close(self.fd)
            self.fd = -1

    def close(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1

    def merged(self, evidence: bytes, header: dict) -> bytes:
        """The evidence: the V frame's, with the calls' results of the last frame."""
        self.close()
        if self.before is None or not evidence:
            return evidence
        try:
            first, last = json.loads(self.before), json.loads(evidence)
        except (ValueError, RecursionError):
            header["garbled"] = True
            return b""
        if type(first) is not dict or type(last) is not dict:
            header["garbled"] = True
            return b""
        first["calls"] = last.get("calls", [])
        first["duration_ms"] = last.get("duration_ms", 0)
        return json.dumps(first).encode("utf-8")
