"""`qala validate` of the whole course, from a fresh home (no cached reference results).

What a teacher's CI pays for every push: every lesson parsed and linted, every exercise's
reference solution, starter, kept cases and typical mistakes run in the sandbox and judged.
The baseline is the least any self-test must do: every reference solution run once, one after
another, in one interpreter with pandas already imported.
"""

from __future__ import annotations

import re

from .core import Context, Figure, bench_env, probe, qala_command, run_with_memory, under


def run(ctx: Context) -> list[Figure]:
    home = ctx.tempdir("validate-home")
    result, peak = run_with_memory([*qala_command(), "--home", str(home), "validate"], env=bench_env())
    if result.returncode not in (0, 1):
        raise RuntimeError(f"qala validate failed (exit {result.returncode}): {result.stderr[-500:]}")
    output = result.stdout + result.stderr
    counts = re.search(r"(\d+) lessons, (\d+) exercises, (\d+) cases", output)
    floor = probe(ctx, "all-solutions")
    summary_line = next((line for line in output.splitlines() if "lessons," in line and "exercises" in line), "")
    return [
        Figure(
            "validate",
            "qala validate, whole course, fresh home",
            result.seconds,
            "s",
            "every reference solution once, in-process",
            floor["seconds"],
            [under(result.seconds, 30, f"< 30 s on {__import__('os').cpu_count()} cores")],
            notes=(f"{counts.group(1)} lessons, {counts.group(2)} exercises, {counts.group(3)} cases; " if counts else "")
            + f"exit {result.returncode}; peak tree memory {peak / 1024:.0f} MiB",
            details={
                "summary": summary_line.strip(),
                "exit": result.returncode,
                "peak_pss_kib": peak,
                "solutions": floor["programs"],
                "solution_failures": floor["failures"],
            },
        )
    ]
