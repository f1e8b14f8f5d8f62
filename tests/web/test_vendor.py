"""The vendor cache: pins, checksums, fetching only what is missing. No network: fetchers are fakes."""

from __future__ import annotations

import hashlib
import io
import json
import re
import tarfile
import time
from pathlib import Path

import pytest

from qala.web import vendor


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


CORE = {
    "pyodide.mjs": b"export const loadPyodide = 1;\n",
    "pyodide-lock.json": json.dumps({"info": {"python": "3.14.2"}, "packages": {}}).encode(),
}
WHEELS = {"six-1.17.0-py2.py3-none-any.whl": b"six wheel bytes", "comm-0.2.3-py3-none-any.whl": b"comm"}
LABEXTENSIONS = {"jupyterlab_widgets-3.0.17-py3-none-any.whl": b"the widgets' front end"}


def npm_tarball() -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, data in {**CORE, "README.md": b"readme"}.items():
            info = tarfile.TarInfo(f"package/{name}")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


TARBALL = npm_tarball()


def fake_pins(**changes) -> vendor.Pins:
    pins = dict(
        pyodide_version="314.0.7",
        python_version="3.14",
        tarball_sha256=sha(TARBALL),
        core={name: sha(data) for name, data in CORE.items()},
        wheels=tuple(vendor.WheelPin(name.split("-")[0], name.split("-")[1], name, sha(data)) for name, data in WHEELS.items()),
        labextensions=tuple(vendor.WheelPin(name.split("-")[0], name.split("-")[1], name, sha(data)) for name, data in LABEXTENSIONS.items()),
    )
    return vendor.Pins(**{**pins, **changes})


class FakeRegistries:
    """Stand-ins for npm and pip that count their calls and can serve tampered bytes."""

    def __init__(self, tarball: bytes = TARBALL, wheels: dict[str, bytes] | None = None):
        self.tarball, self.wheels = tarball, wheels if wheels is not None else {**WHEELS, **LABEXTENSIONS}
        self.npm_calls: list[str] = []
        self.pip_calls: list[list[str]] = []

    def npm(self, version: str, into: Path) -> Path:
        self.npm_calls.append(version)
        (into / f"pyodide-{version}.tgz").write_bytes(self.tarball)
        return into / f"pyodide-{version}.tgz"

    def pip(self, requirements: list[str], python: str, into: Path) -> list[Path]:
        self.pip_calls.append(requirements)
        wanted = {r.split("==")[0] for r in requirements}
        for name, data in self.wheels.items():
            if name.split("-")[0] in wanted:
                (into / name).write_bytes(data)
        return sorted(into.glob("*.whl"))

    def ensure(self, dest: Path, pins: vendor.Pins | None = None) -> vendor.Vendored:
        return vendor.ensure(dest, pins or fake_pins(), fetch_tarball=self.npm, fetch_wheels=self.pip)


def test_a_file_with_the_pinned_checksum_passes(tmp_path):
    path = tmp_path / "pyodide.asm.wasm"
    path.write_bytes(b"\0asm fake")
    vendor.verify(path, sha(b"\0asm fake"))


def test_a_file_with_another_checksum_is_refused_in_one_line(tmp_path):
    path = tmp_path / "pyodide.asm.wasm"
    path.write_bytes(b"tampered")
    with pytest.raises(vendor.ChecksumMismatch) as caught:
        vendor.verify(path, sha(b"original"))
    message = str(caught.value)
    assert "\n" not in message
    assert "pyodide.asm.wasm" in message and sha(b"original") in message and sha(b"tampered") in message
    assert caught.value.exit_code == 2


def test_pins_survive_a_round_trip_through_toml(tmp_path):
    pins = fake_pins()
    path = tmp_path / "vendor.toml"
    path.write_text(pins.dump(), encoding="utf-8")
    assert vendor.Pins.load(path) == pins


def test_the_project_pins_name_every_piece_exactly():
    pins = vendor.Pins.load()
    assert re.fullmatch(r"\d+\.\d+\.\d+", pins.pyodide_version)
    assert list(pins.core) == list(vendor.CORE_FILES)
    digests = [pins.tarball_sha256, *pins.core.values(), *(w.sha256 for w in pins.wheels)]
    assert all(re.fullmatch(r"[0-9a-f]{64}", d) for d in digests)
    names = {w.name for w in pins.wheels}
    assert {*vendor.KERNEL_PACKAGES, *vendor.UNLOCKED_PACKAGES} <= names
    for wheel in pins.wheels:
        assert wheel.file.endswith("-none-any.whl") and f"-{wheel.version}-" in wheel.file


def test_a_first_run_fetches_everything_and_a_second_run_nothing(tmp_path):
    registries = FakeRegistries()
    vendored = registries.ensure(tmp_path)
    assert [p.read_bytes() for p in vendored.core_files] == list(CORE.values())
    assert [p.read_bytes() for p in vendored.wheels] == list(WHEELS.values())
    assert [p.read_bytes() for p in vendored.labextensions] == list(LABEXTENSIONS.values())
    assert vendored.labextensions[0].parent != vendored.wheel_dir  # never among the kernel's wheels
    assert len(registries.npm_calls) == 1 and len(registries.pip_calls) == 2
    assert not (tmp_path / "pyodide-314.0.7" / "README.md").exists()  # only the core is kept

    started = time.perf_counter()
    registries.ensure(tmp_path)
    assert time.perf_counter() - started < 0.5
    assert len(registries.npm_calls) == 1 and len(registries.pip_calls) == 2


def test_only_the_missing_wheel_is_fetched(tmp_path):
    registries = FakeRegistries()
    vendored = registries.ensure(tmp_path)
    vendored.wheels[1].unlink()
    registries.ensure(tmp_path)
    assert registries.pip_calls[-1] == ["comm==0.2.3"]
    assert len(registries.npm_calls) == 1


def test_a_corrupted_cached_file_is_fetched_again(tmp_path):
    registries = FakeRegistries()
    vendored = registries.ensure(tmp_path)
    vendored.core_files[0].write_bytes(b"corrupted")
    registries.ensure(tmp_path)
    assert vendored.core_files[0].read_bytes() == CORE["pyodide.mjs"]
    assert len(registries.npm_calls) == 2


def test_a_tampered_download_is_refused_and_not_cached(tmp_path):
    registries = FakeRegistries(wheels={**WHEELS, "comm-0.2.3-py3-none-any.whl": b"evil"})
    with pytest.raises(vendor.ChecksumMismatch, match="comm-0.2.3"):
        registries.ensure(tmp_path)
    assert not (tmp_path / "wheels" / "comm-0.2.3-py3-none-any.whl").exists()


def test_a_tampered_npm_tarball_is_refused(tmp_path):
    registries = FakeRegistries(tarball=TARBALL + b"\0")
    with pytest.raises(vendor.ChecksumMismatch, match="pyodide-314.0.7.tgz"):
        registries.ensure(tmp_path)


def test_the_command_line_exits_2_with_one_line_on_a_mismatch(tmp_path, monkeypatch, capsys):
    registries = FakeRegistries(wheels={**WHEELS, "six-1.17.0-py2.py3-none-any.whl": b"evil"})
    monkeypatch.setattr(vendor, "npm_pack", registries.npm)
    monkeypatch.setattr(vendor, "pip_download", registries.pip)
    pins = tmp_path / "vendor.toml"
    pins.write_text(fake_pins().dump(), encoding="utf-8")
    status = vendor.main(["--dest", str(tmp_path / "cache"), "--pins", str(pins)])
    assert status == 2
    errors = [line for line in capsys.readouterr().err.splitlines() if "mismatch" in line]
    assert len(errors) == 1 and errors[0].startswith("qala.web.vendor: checksum mismatch for six-1.17.0")


def test_the_cache_folder_comes_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv(vendor.ENV_DEST, str(tmp_path / "elsewhere"))
    assert vendor.default_dest() == tmp_path / "elsewhere"
    monkeypatch.delenv(vendor.ENV_DEST)
    assert vendor.default_dest().parts[-2:] == ("qala", "web-vendor")


def test_the_kernel_closure_follows_depends_across_name_spellings():
    lock = {
        "packages": {
            "ipython": {"name": "ipython", "depends": ["prompt_toolkit", "Pygments"]},
            "prompt-toolkit": {"name": "prompt_toolkit", "depends": ["wcwidth"]},
            "pygments": {"name": "Pygments", "depends": []},
            "wcwidth": {"name": "wcwidth", "depends": []},
            "numpy": {"name": "numpy", "depends": []},
        }
    }
    names = [e["name"] for e in vendor.kernel_closure(lock, ["ipython"])]
    assert sorted(names) == ["Pygments", "ipython", "prompt_toolkit", "wcwidth"]
    with pytest.raises(vendor.VendorError, match="jedi"):
        vendor.kernel_closure(lock, ["jedi"])


def test_the_widgets_front_end_is_pinned_apart_from_the_kernels_wheels_and_fits_ipywidgets(vendored):
    """ipywidgets goes into the kernel (loaded on demand); jupyterlab_widgets only gives the site its
    labextension, at the version the pinned ipywidgets asks for."""
    from packaging.requirements import Requirement

    from qala.web.lockfile import WheelInfo, canonical_name

    pins = vendor.Pins.load()
    assert {*vendor.ON_DEMAND_PACKAGES} <= {w.name for w in pins.wheels}
    assert [w.name for w in pins.labextensions] == list(vendor.LABEXTENSION_WHEELS)
    assert not {w.name for w in pins.labextensions} & {w.name for w in pins.wheels}
    widgets = next(p for p in vendored.wheels if p.name.startswith("ipywidgets-"))
    wanted = {canonical_name(r.name): r for r in map(Requirement, WheelInfo.read(widgets).requires)}
    for pin in pins.labextensions:
        assert pin.version in wanted[pin.name].specifier
