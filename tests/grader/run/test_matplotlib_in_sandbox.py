"""matplotlib runs inside the sandbox (issue 13): its namedtuples with defaults and dateutil's
`try: import ctypes` no longer trip the audit-hook guard, while what the guard is for still holds."""

from __future__ import annotations

import pytest

from qala.grader.run.jobs import Job
from qala.grader.run.runners import default_runner


def run(source: str, variables: tuple[str, ...], needs: tuple[str, ...] = ()):
    runner = default_runner()
    try:
        return runner.run(Job(source=source, setup="", variables=variables, calls=(), datasets_dir=None, needs=needs, timeout=30))
    finally:
        runner.close()


def test_matplotlib_pyplot_draws_with_agg_and_saves_only_in_the_scratch_folder():
    pytest.importorskip("matplotlib")
    result = run(
        "import os\nimport matplotlib.pyplot as plt\nimport matplotlib\nplt.plot([1, 2], [3, 4])\nplt.savefig('plot.png')\n"
        "backend = matplotlib.get_backend().lower()\nsaved = os.path.getsize('plot.png') > 0\n"
        "try:\n    plt.savefig('/tmp/../etc/qala-plot.png')\n    outside = 'written'\nexcept PermissionError:\n    outside = 'refused'\n",
        ("backend", "saved", "outside"),
        ("matplotlib",),
    )
    assert result.ok, result.error
    assert result.values == {"backend": "agg", "saved": True, "outside": "refused"}


def test_a_namedtuple_with_defaults_can_be_made_but_an_existing_function_s_defaults_cannot_be_changed():
    result = run(
        "import collections\nP = collections.namedtuple('P', 'x y', defaults=[0])\nmade = P(1).y\n"
        "def f(a=1):\n    return a\ntry:\n    f.__defaults__ = (2,)\n    changed = 'yes'\nexcept PermissionError:\n    changed = 'refused'\n"
        "g = eval('lambda a: a')\ntry:\n    collections.namedtuple.__defaults__ = (None, None, None)\n    other = 'yes'\nexcept (PermissionError, TypeError, AttributeError):\n    other = 'refused'\n",
        ("made", "changed", "other"),
    )
    assert result.ok, result.error
    assert result.values == {"made": 0, "changed": "refused", "other": "refused"}


def test_ctypes_is_still_refused_now_as_an_import_error_a_library_can_fall_back_from():
    result = run(
        "try:\n    import ctypes\n    outcome = 'imported'\nexcept ImportError as exc:\n    outcome = str(exc)\n",
        ("outcome",),
    )
    assert result.ok, result.error
    assert "native code are not allowed" in result.values["outcome"]
