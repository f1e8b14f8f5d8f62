"""axe-core (npm), the accessibility rules engine, for the browser tests: pinned by version and
sha256, fetched once with npm into the vendor cache beside the site's own pieces, and run in a page
through Playwright. Only WCAG 2 A and AA rules (`wcag2a`, `wcag2aa`, `wcag21a`, `wcag21aa`)."""

from __future__ import annotations

import os
import tarfile
import tempfile
from pathlib import Path

from qala.web import vendor

VERSION = "4.14.1"
TARBALL_SHA256 = "e6b0ce02b84d892e2e33e403485e7f3d6c29e2be6df65daf44d89ba564139745"
SCRIPT_SHA256 = "29348999450cdf2849a8e70b7912fc2da85a849da39c0d0d5394f51d4a9ed95c"
RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

RUN = """async ([selector, tags]) => {
  const results = await axe.run(selector ? document.querySelectorAll(selector) : document,
                                {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
  return results.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => ({target: n.target.join(' '), summary: n.failureSummary}))}));
}"""


def script(dest: Path | None = None) -> str:
    """axe.min.js, from the cache (fetched with npm and checked the first time)."""
    root = Path(dest) if dest else vendor.default_dest()
    path = root / f"axe-core-{VERSION}" / "axe.min.js"
    if not (path.is_file() and vendor.sha256_of(path) == SCRIPT_SHA256):
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=path.parent, prefix=".fetch-") as tmp:
            tarball = vendor.npm_pack(VERSION, Path(tmp), package="axe-core")
            vendor.verify(tarball, TARBALL_SHA256)
            with tarfile.open(tarball, "r:gz") as archive:
                source = archive.extractfile("package/axe.min.js")
                assert source is not None
                (Path(tmp) / "axe.min.js").write_bytes(source.read())
            vendor.verify(Path(tmp) / "axe.min.js", SCRIPT_SHA256)
            os.replace(Path(tmp) / "axe.min.js", path)
    return path.read_text(encoding="utf-8")


def violations(page, selector: str | None = None) -> list[dict]:
    """axe's WCAG 2 A/AA violations in `page` (or only within `selector`), as plain data."""
    if not page.evaluate("() => typeof axe !== 'undefined'"):
        page.add_script_tag(content=script())
    return page.evaluate(RUN, [selector, RULES])


def describe(found: list[dict]) -> str:
    return "\n".join(f"{v['id']} ({v['impact']}): {v['help']}\n" + "\n".join(f"    {n['target']}: {n['summary']}" for n in v["nodes"][:8]) for v in found)
