"""Run Python under real Pyodide in Node: the browser's interpreter, without a browser.

For tests of code that must work in the browser (the grader's checks, rewards, progress file):
`run("...")` starts Pyodide from the vendored npm package in `node` (run_pyodide.mjs beside this
file), optionally with local wheels installed and host folders mounted, and returns the exit
status and output. About 2 s a run on 2 cores.

    python -m qala.web.pyodide_node [-c CODE | FILE] [--wheel WHL]... [--mount HOST:GUEST]...
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path

from . import vendor

SCRIPT = Path(__file__).with_name("run_pyodide.mjs")
MIN_NODE = 18  # what the npm package's "engines" asks; tested on Node 20


class NodeMissing(RuntimeError):
    """No usable `node` on PATH."""


def node_executable() -> str:
    """The path of `node`, recent enough for Pyodide; NodeMissing otherwise."""
    from qala.grader.i18n import Translator, resolve_language

    tr = Translator(resolve_language())
    node = shutil.which("node")
    if node is None:
        raise NodeMissing(
            tr.t(
                "Running Python under Pyodide needs Node.js {version} or later, which is not installed here: install it (e.g. `sudo apt-get install nodejs`).",
                version=MIN_NODE,
            )
        )
    version = subprocess.run([node, "--version"], capture_output=True, text=True, check=True).stdout.strip()
    major = int(version.lstrip("v").split(".")[0])
    if major < MIN_NODE:
        raise NodeMissing(
            tr.t(
                "Running Python under Pyodide needs Node.js {version} or later, and this one is {found}: install a newer one (e.g. from nodejs.org).",
                version=MIN_NODE,
                found=version,
            )
        )
    return node


def run(
    code: str,
    *,
    wheels: Iterable[Path] = (),
    mounts: Mapping[Path | str, str] | None = None,
    cwd: str | None = None,
    env: Mapping[str, str] | None = None,
    pyodide_dir: Path | None = None,
    timeout: float = 300,
) -> subprocess.CompletedProcess[str]:
    """Run `code` (top-level await allowed) in a fresh Pyodide; return its status and output.

    `wheels` are unpacked into site-packages as they are (no dependencies resolved); `mounts` maps
    host folders to absolute paths inside Pyodide; `cwd` is a path inside Pyodide; `env` becomes
    `os.environ`. `pyodide_dir` defaults to the vendored npm core, fetched if missing.
    """
    if pyodide_dir is None:
        pyodide_dir = vendor.ensure().core_dir
    command = [node_executable(), str(SCRIPT), "--pyodide", str(pyodide_dir)]
    for wheel in wheels:
        command += ["--wheel", str(Path(wheel).resolve())]
    for host, guest in (mounts or {}).items():
        command += ["--mount", f"{Path(host).resolve()}:{guest}"]
    if cwd:
        command += ["--cwd", cwd]
    for name, value in (env or {}).items():
        command += ["--env", f"{name}={value}"]
    return subprocess.run(command, input=code, capture_output=True, text=True, timeout=timeout, check=False)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m qala.web.pyodide_node", description=__doc__.split("\n\n")[0])
    parser.add_argument("file", nargs="?", type=Path, help="a Python file to run (or -c CODE)")
    parser.add_argument("-c", dest="code", help="Python code to run")
    parser.add_argument("--wheel", action="append", type=Path, default=[], help="a wheel to install first")
    parser.add_argument("--mount", action="append", default=[], metavar="HOST:GUEST", help="mount a host folder")
    parser.add_argument("--cwd", help="working folder inside Pyodide")
    args = parser.parse_args(argv)
    if (args.code is None) == (args.file is None):
        parser.error("give either -c CODE or FILE")
    code = args.code if args.code is not None else args.file.read_text(encoding="utf-8")
    mounts = dict(m.rsplit(":", 1) for m in args.mount)
    try:
        done = run(code, wheels=args.wheel, mounts=mounts, cwd=args.cwd)
    except (NodeMissing, vendor.VendorError) as error:
        print(f"qala.web.pyodide_node: {error}", file=sys.stderr)
        return 2
    sys.stdout.write(done.stdout)
    sys.stderr.write(done.stderr)
    return done.returncode


if __name__ == "__main__":
    sys.exit(main())
