"""Qala's benchmarks: each figure beside a baseline measured in the same run (`python -m bench`).

Never installed with Qala (the wheel lists its packages explicitly) and never a timed test:
the figures go to a table, `bench/results/latest.json` and `bench/results/latest.md`.
"""
