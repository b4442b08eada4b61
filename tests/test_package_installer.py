"""The package installer, offline: pip for this Python installs pinned wheels from a local wheel
folder (--no-index --find-links) into a private folder, never into site-packages; a cancelled or
failed run leaves the folder as it was; the folder is appended to sys.path."""

import base64
import hashlib
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from s2cloudfree.core import package_installer as pi
from s2cloudfree.core.errors import CancelledError, InputError

ROOT = Path(__file__).resolve().parents[1]


def make_wheel(folder, name, version, files, requires=()):
    """A minimal pure-Python wheel (PEP 427) written by hand."""
    dist = f"{name.replace('-', '_')}-{version}"
    entries = dict(files)
    entries[f"{dist}.dist-info/METADATA"] = ("Metadata-Version: 2.1\n" f"Name: {name}\nVersion: {version}\n"
                                             + "".join(f"Requires-Dist: {r}\n" for r in requires))
    entries[f"{dist}.dist-info/WHEEL"] = "Wheel-Version: 1.0\nGenerator: s2cf-test\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    record = []
    for path, text in entries.items():
        data = text.encode()
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        record.append(f"{path},sha256={digest},{len(data)}")
    record.append(f"{dist}.dist-info/RECORD,,")
    entries[f"{dist}.dist-info/RECORD"] = "\n".join(record) + "\n"
    path = Path(folder) / f"{dist}-py3-none-any.whl"
    with zipfile.ZipFile(path, "w") as archive:
        for member, text in entries.items():
            archive.writestr(member, text)
    return path


@pytest.fixture
def wheels(tmp_path):
    folder = tmp_path / "wheels"
    folder.mkdir()
    make_wheel(folder, "s2cf-probe", "1.0", {"s2cf_probe/__init__.py": "from s2cf_probe_dep import BASE\nVALUE = BASE + 1\n"},
               requires=["s2cf-probe-dep==2.0"])
    make_wheel(folder, "s2cf-probe-dep", "2.0", {"s2cf_probe_dep/__init__.py": "BASE = 41\n"})
    make_wheel(folder, "s2cf-probe-dep", "1.0", {"s2cf_probe_dep/__init__.py": "BASE = 0\n"})
    return folder


def site_packages_listing():
    import site

    return {p: sorted(os.listdir(p)) for p in site.getsitepackages() if os.path.isdir(p)}


def test_installs_pinned_wheels_offline_into_the_private_folder(wheels, tmp_path):
    folder = pi.private_folder(str(tmp_path / "profile"))
    assert folder.startswith(str(tmp_path / "profile" / "python" / "dependencies" / "s2cloudfree"))
    before = site_packages_listing()
    lines, progress = [], []
    moved = pi.install(["s2cf-probe==1.0"], folder, find_links=wheels, no_index=True, on_line=lines.append,
                       on_progress=progress.append)
    assert {"s2cf_probe", "s2cf_probe_dep"} <= set(moved)
    assert any("Successfully installed" in line for line in lines)
    assert progress and progress[-1] == pytest.approx(1.0) and progress == sorted(progress)
    assert site_packages_listing() == before            # site-packages untouched
    assert not [p for p in os.listdir(os.path.dirname(folder)) if ".staging-" in p]
    # the folder works for a fresh Python of this interpreter, appended to sys.path
    code = ("import sys; from s2cloudfree.core.package_installer import activate; "
            f"assert activate({folder!r}); assert sys.path[-1] == {folder!r}; "
            "import s2cf_probe; print(s2cf_probe.VALUE)")
    env = dict(os.environ, PYTHONPATH=str(ROOT / ".dev" / "plugins"))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "42"
    # installing again replaces what is there (no duplicate, no error)
    pi.install(["s2cf-probe-dep==1.0"], folder, find_links=wheels, no_index=True)
    assert (Path(folder) / "s2cf_probe_dep" / "__init__.py").read_text() == "BASE = 0\n"
    assert not pi.activate(str(tmp_path / "nowhere"))


def test_failed_and_cancelled_runs_leave_the_folder_as_it_was(wheels, tmp_path):
    folder = pi.private_folder(str(tmp_path / "profile"))
    pi.install(["s2cf-probe-dep==2.0"], folder, find_links=wheels, no_index=True)
    listing = sorted(os.listdir(folder))
    with pytest.raises(InputError, match=r"pip could not install s2cf-missing==1\.0 .*nothing was installed"):
        pi.install(["s2cf-missing==1.0"], folder, find_links=wheels, no_index=True)
    seen = []
    with pytest.raises(CancelledError, match="cancelled"):
        pi.install(["s2cf-probe==1.0"], folder, find_links=wheels, no_index=True, on_line=seen.append,
                   is_cancelled=lambda: bool(seen))
    with pytest.raises(CancelledError, match="before it started"):
        pi.install(["s2cf-probe==1.0"], folder, find_links=wheels, no_index=True, is_cancelled=lambda: True)
    assert sorted(os.listdir(folder)) == listing
    assert not [p for p in os.listdir(os.path.dirname(folder)) if ".staging-" in p]


def test_requirements_are_the_tested_pins():
    pins = {}
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if "==" in line:
            pins[line.split("==")[0].lower()] = line
    for package, requirement in pi.PINNED.items():
        assert pins[package] == requirement, package
    assert pi.requirements_for(["torch", "s2cloudless"])[:2] == ["torch==2.13.0", "s2cloudless==1.7.3"]
    with pytest.raises(InputError, match="does not install 'rasterio'"):
        pi.requirements_for(["rasterio"])
    if sys.platform != "darwin":
        assert pi.index_arguments(["torch==2.13.0"], "cpu") == ["--index-url", pi.TORCH_CPU_INDEX,
                                                                "--extra-index-url", pi.PYPI_INDEX]
    assert pi.index_arguments(["torch==2.13.0"], "cuda") == []
    command = pi.pip_command("py", "/t", ["a==1"], "/c.txt", find_links="/w", no_index=True)
    assert command[:3] == ["py", "-m", "pip"] and command[-1] == "a==1" and "--target" in command


def test_debians_own_python_installs_into_the_folder_despite_externally_managed(wheels, tmp_path):
    """QGIS on Debian runs /usr/bin/python3, whose site-packages pip refuses (EXTERNALLY-MANAGED);
    an install into the private folder works there."""
    python = "/usr/bin/python3"
    if not os.path.exists(python) or subprocess.run([python, "-m", "pip", "--version"], capture_output=True,
                                                    check=False).returncode:
        pytest.skip("no /usr/bin/python3 with pip (Debian's python3-pip)")
    folder = str(tmp_path / "debian")
    pi.install(["s2cf-probe==1.0"], folder, python=python, find_links=wheels, no_index=True)
    done = subprocess.run([python, "-c", f"import sys; sys.path.append({folder!r}); import s2cf_probe; "
                                         "print(s2cf_probe.VALUE)"], capture_output=True, text=True, check=False)
    assert done.stdout.strip() == "42", done.stderr
