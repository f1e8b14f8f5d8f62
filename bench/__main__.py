"""`python -m bench [--quick] [--only NAME ...]`: run the benchmarks, print the table, write the results.

Run from the repository's root. The results go to bench/results/latest.json (every figure with
its samples and details, the machine) and bench/results/latest.md (the table for the README).
"""

from __future__ import annotations

import argparse
import datetime as _dt
import importlib
import json
import os
import shutil
import sys
import tempfile
import time
import traceback
from pathlib import Path

from .core import RESULTS, Context, Skip, machine, markdown_table, text_table

#: name -> (module, what it measures). Run in this order; cheap ones first.
BENCHMARKS = {
    "check": ("bench.check", "a warm check in the terminal app's path, beside the in-process floor"),
    "cold-check": ("bench.cold_check", "`qala check` from the shell, beside `python -c 'import pandas'` + the solution"),
    "tui-start": ("bench.tui_start", "terminal app start to an interactive course map, beside a bare Textual app"),
    "memory": ("bench.memory", "peak memory of the terminal app and of a warm worker"),
    "validate": ("bench.validate", "`qala validate` of the whole course"),
    "import": ("bench.notebook_import", "`qala import` of a 244-cell instructor notebook (the corpus's, else one of its shape)"),
    "browser": ("bench.browser", "the built site's size; opening a lesson to the first check result in Chromium"),
    "regrade": ("bench.regrade", "a class regraded by `qala report`, otter-grader and nbgrader"),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions and a smaller class (a CI smoke run)")
    parser.add_argument("--only", action="append", metavar="NAME", help=f"run only these (repeat or comma-separate): {', '.join(BENCHMARKS)}")
    parser.add_argument("--list", action="store_true", help="list the benchmarks and exit")
    parser.add_argument("--out", default=str(RESULTS), help="folder for latest.json and latest.md (default: bench/results)")
    args = parser.parse_args(argv)
    if args.list:
        for name, (_, what) in BENCHMARKS.items():
            print(f"{name:12} {what}")
        return 0
    chosen = list(BENCHMARKS)
    if args.only:
        chosen = [n.strip() for item in args.only for n in item.split(",") if n.strip()]
        unknown = [n for n in chosen if n not in BENCHMARKS]
        if unknown:
            parser.error(f"unknown benchmark(s): {', '.join(unknown)} (known: {', '.join(BENCHMARKS)})")

    info = {
        "format": "qala-bench",
        "version": 1,
        "quick": args.quick,
        "benchmarks": chosen,
        "started_at": _dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "machine": machine(),
    }
    started = time.perf_counter()
    figures, skipped, timings = [], [], {}
    scratch = tempfile.mkdtemp(prefix="qala-bench-")
    ctx = Context(quick=args.quick, scratch=Path(scratch))
    try:
        for name in chosen:
            module_name, _ = BENCHMARKS[name]
            ctx.log(f"bench: {name} …")
            began = time.perf_counter()
            try:
                module = importlib.import_module(module_name)
                figures.extend(module.run(ctx))
            except Skip as exc:
                skipped.append({"benchmark": name, "reason": str(exc)})
            except Exception as exc:  # one broken benchmark must not hide the others' figures
                traceback.print_exc()
                skipped.append({"benchmark": name, "reason": f"failed: {type(exc).__name__}: {str(exc)[:300]}"})
            timings[name] = round(time.perf_counter() - began, 1)
            ctx.log(f"bench: {name} done in {timings[name]:.1f} s")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    info["seconds"] = round(time.perf_counter() - started, 1)
    info["benchmark_seconds"] = timings
    info["finished_at"] = _dt.datetime.now().astimezone().isoformat(timespec="seconds")
    try:
        info["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    except OSError:
        pass
    info["figures"] = [f.as_json() for f in figures]
    info["skipped"] = skipped

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "latest.json").write_text(json.dumps(info, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    (out / "latest.md").write_text(markdown_table(figures, skipped, info), encoding="utf-8")
    print(text_table(figures, skipped))
    print(f"\n{len(figures)} figures in {info['seconds']:.0f} s; written to {out / 'latest.json'} and {out / 'latest.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
