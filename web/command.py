"""`qala web build` and `qala web serve`: the command line of the browser build.

Registered with the core command line through the entry point group `qala.commands`; the heavy
imports (jupyterlite, the engine) happen only when a command runs.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
from pathlib import Path

from qala.grader.errors import UsageError

DEFAULT_OUT = Path("_site")
#: What `qala web build` needs beyond the app (the `web` extra): import name -> project name.
BUILD_TOOLS = {
    "jupyterlite_core": "jupyterlite-core",
    "jupyterlite_pyodide_kernel": "jupyterlite-pyodide-kernel",
    "jupyter_server": "jupyter-server",
    "packaging": "packaging",
}


def missing_build_tools() -> list[str]:
    """The projects of the `web` extra that are not installed here (by project name)."""
    return [project for module, project in BUILD_TOOLS.items() if importlib.util.find_spec(module) is None]


def _translator(args: argparse.Namespace):
    from qala.grader.i18n import Translator, resolve_language

    return Translator(resolve_language(getattr(args, "lang", None)))


def register(commands, add_globals, tr=None) -> None:
    """Add `qala web build` and `qala web serve` to the core's subcommands; ``tr`` (a
    qala.grader.i18n.Translator) is the language of their help."""
    if tr is None:
        from qala.grader.i18n import Translator, resolve_language

        tr = Translator(resolve_language())
    about = tr.t("the browser build: a static JupyterLite site that works offline")
    web = commands.add_parser("web", help=about, description=about)
    add_globals(web)
    parser_class = type(web)
    actions = web.add_subparsers(dest="web_command", metavar=tr.t("WHAT"), parser_class=parser_class, required=True)

    build = actions.add_parser(
        "build",
        help=tr.t("build the site (offline by default)"),
        description=tr.t(
            "Build the course as a static site: one notebook per lesson and language, a landing "
            "page with the course map, and Pyodide with the grader. Offline by default (the "
            "vendored Pyodide core: no pandas); --pyodide names a full Pyodide distribution."
        ),
    )
    add_globals(build)
    build.add_argument("--out", type=Path, default=DEFAULT_OUT, metavar=tr.t("OUT"), help=tr.t("where to write the site (default: {path})", path=DEFAULT_OUT))
    build.add_argument("--pyodide", metavar="DIR_OR_URL", help=tr.t("a full Pyodide distribution (a folder, or an http(s) URL such as a CDN's)"))
    build.set_defaults(run=run_build)

    serve = actions.add_parser("serve", help=tr.t("serve a built site on 127.0.0.1"), description=tr.t("Serve a built site on 127.0.0.1 (Ctrl+C stops)."))
    add_globals(serve)
    serve.add_argument("--port", type=int, default=8000, metavar=tr.t("PORT"), help=tr.t("the port (default: 8000; 0 picks a free one)"))
    serve.add_argument("--dir", type=Path, default=DEFAULT_OUT, metavar="DIR", help=tr.t("the built site (default: {path})", path=DEFAULT_OUT))
    serve.set_defaults(run=run_serve)


def run_build(args: argparse.Namespace) -> int:
    missing = missing_build_tools()
    if missing:
        tr = _translator(args)
        raise UsageError(
            tr.t(
                "`qala web build` needs tools that are not installed here ({projects}): install them with "
                '`pip install "qala[web]"` (in a clone of Qala, `make run` does it).',
                projects=", ".join(missing),
            )
        )
    from . import vendor
    from .course_site import build_course_site
    from .site import SiteError

    course = getattr(args, "course", None)
    pyodide = args.pyodide
    if pyodide and not pyodide.startswith(("http://", "https://")) and not Path(pyodide).is_dir():
        raise UsageError(f"--pyodide {pyodide}: no such folder (give a Pyodide distribution's folder or an http(s) URL)")
    from qala.grader.cli.output import progress_bar  # the command line's own bar, as `qala report` shows it

    try:
        with progress_bar(_translator(args), _translator(args).t("Building the site (every lesson as a notebook, in every language)")):
            site = build_course_site(args.out, course_root=course, pyodide=pyodide, default_language=getattr(args, "lang", None))
    except vendor.ToolMissing as error:
        tr = _translator(args)
        raise UsageError(
            tr.t(
                "The browser build fetches Pyodide once with {tool}, which is not installed here: install Node.js "
                "and npm (e.g. `sudo apt-get install nodejs npm`), then run `qala web build` again.",
                tool=error.tool,
            )
        ) from None
    except (SiteError, vendor.VendorError) as error:
        raise UsageError(" ".join(str(error).split())) from None
    except OSError as error:
        raise UsageError(f"cannot write the site to {args.out}: {error.strerror or error}") from None
    megabytes = site.size_bytes / 1e6
    where = "offline (Pyodide core, no pandas)" if pyodide is None else f"Pyodide from {pyodide}"
    print(f"Built {site.path}: {site.lessons} lessons, {site.notebooks} notebooks, {megabytes:.1f} MB, {where}, in {site.seconds:.1f} s.")
    for lesson, modules in site.unavailable.items():
        print(f"  {lesson} needs {', '.join(modules)}, which this site's Pyodide lacks: its notebook says so.")
    for problem in site.problems:
        print(f"  left out a broken lesson: {problem}", file=sys.stderr)
    print(f"Serve it with: qala web serve --dir {args.out}")
    return 0


def run_serve(args: argparse.Namespace) -> int:
    from .serve import serve_forever

    folder = args.dir
    if not (folder / "index.html").is_file() or not (folder / "jupyter-lite.json").is_file():
        raise UsageError(f"{folder} holds no built site: run `qala web build --out {folder}` first")
    if not 0 <= args.port <= 65535:
        raise UsageError(f"--port {args.port}: a port is a number from 0 to 65535")
    try:
        serve_forever(folder, args.port)
    except OSError as error:
        raise UsageError(f"cannot serve on port {args.port}: {error.strerror or error}") from None
    return 0
