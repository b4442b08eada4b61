"""Installing the plugin's Python packages for QGIS's own Python, into a folder of the plugin's.

The first hurdle of a deep-learning plugin is getting torch into the Python that runs QGIS. This
module runs pip for that Python (``python -m pip install --target``, an argument list, never a
shell string) into a folder private to the plugin, outside the plugin folder (so a plugin update
keeps it) and per Python version (binary packages are built for one). The system site-packages
and QGIS's own packages are never written: the folder is *appended* to ``sys.path``, so a package
QGIS already has (numpy, GDAL) is always QGIS's, and the folder only supplies what was missing.

Versions are the ones the plugin is tested with (:data:`PINNED`, the same as requirements.txt).
pip installs into a staging folder beside the private one; its entries are moved in only when pip
succeeded, so a cancelled or failed run leaves the private folder as it was.

Nothing here imports qgis: the QGIS task (ui/package_install_task.py) calls :func:`install`.
"""

import importlib
import os
import queue
import shutil
import subprocess  # nosec B404 - pip is run as an argument list, never through a shell
import sys
import threading

from .errors import CancelledError, InputError
from .folder_entries import move_replacing

#: pip requirement of each package the plugin can install, as tested (requirements.txt).
PINNED = {
    "torch": "torch==2.13.0",
    "s2cloudless": "s2cloudless==1.7.3",
    "sentinelhub": "sentinelhub==3.12.0",
    "lightgbm": "lightgbm==4.7.0",
    "opencv-python-headless": "opencv-python-headless==4.10.0.84",
    "numba": "numba==0.68.1",
    "llvmlite": "llvmlite==0.50.0",
    "ukis-csmask": "ukis-csmask==1.0.0",
    "onnxruntime": "onnxruntime==1.32.0",
}
#: What to install for each importable name the dock checks (with what it needs at these versions).
INSTALL_SETS = {
    "torch": ("torch",),
    "s2cloudless": ("s2cloudless", "sentinelhub", "lightgbm", "opencv-python-headless", "numba", "llvmlite"),
    "ukis_csmask": ("ukis-csmask", "onnxruntime"),
}
#: Always passed as a constraint: Debian's GDAL bindings (and QGIS 3.22's) break under numpy 2.
NUMPY_CONSTRAINT = "numpy<2"
TORCH_CPU_INDEX = "https://download.pytorch.org/whl/cpu"
PYPI_INDEX = "https://pypi.org/simple"


def private_folder(settings_dir):
    """The plugin's package folder under QGIS's profile folder ``settings_dir``, for this Python."""
    version = f"py{sys.version_info.major}{sys.version_info.minor}"
    return os.path.join(settings_dir, "python", "dependencies", "s2cloudfree", version)


def activate(folder):
    """Append ``folder`` to ``sys.path`` (once) when it exists; return whether it is on the path.

    Appended, not prepended: whatever QGIS's Python already has keeps winning."""
    if not folder or not os.path.isdir(folder):
        return False
    if folder not in sys.path:
        sys.path.append(folder)
    importlib.invalidate_caches()
    return True


def requirements_for(names):
    """Pinned pip requirements for the importable ``names`` (e.g. ['torch', 's2cloudless'])."""
    out = []
    for name in names:
        if name not in INSTALL_SETS:
            raise InputError(f"The plugin does not install {name!r}: it installs {', '.join(INSTALL_SETS)}.")
        for package in INSTALL_SETS[name]:
            if PINNED[package] not in out:
                out.append(PINNED[package])
    return out


def nvidia_driver_found():
    """Whether an NVIDIA driver is installed (then CUDA builds of torch are worth offering)."""
    return os.path.exists("/proc/driver/nvidia/version") or shutil.which("nvidia-smi") is not None


def index_arguments(requirements, torch_build="cpu"):
    """pip's index options for the network install: torch's CPU index for a CPU build of torch
    (the PyPI wheel for Linux pulls gigabytes of CUDA libraries), PyPI for everything else.
    ``torch_build``: 'cpu' or 'cuda' (PyPI's wheel, CUDA-enabled on Linux and Windows)."""
    if torch_build not in ("cpu", "cuda"):
        raise InputError(f"torch build {torch_build!r}: use 'cpu' or 'cuda'.")
    if torch_build == "cpu" and any(r.startswith("torch==") for r in requirements) and sys.platform != "darwin":
        return ["--index-url", TORCH_CPU_INDEX, "--extra-index-url", PYPI_INDEX]
    return []


def pip_command(python, target, requirements, constraints_file, find_links=None, no_index=False, index_args=()):
    """The pip command (a list) that installs ``requirements`` into ``target``."""
    command = [python, "-m", "pip", "install", "--disable-pip-version-check", "--no-input",
               "--no-warn-script-location", "--progress-bar", "off", "--target", target,
               "--constraint", constraints_file]
    if no_index:
        command.append("--no-index")
    if find_links:
        command += ["--find-links", str(find_links)]
    command += list(index_args)
    return command + list(requirements)


def _progress_of(line, state):
    """A rough fraction from pip's lines: collecting 0-0.5, installing 0.5-0.9."""
    text = line.strip()
    if text.startswith("Collecting ") or text.startswith("Processing ") or text.startswith("Downloading "):
        state["collected"] += 1
        return min(0.5, 0.05 * state["collected"])
    if text.startswith("Installing collected packages"):
        return 0.6
    if text.startswith("Successfully installed"):
        return 0.9
    return None


def install(requirements, folder, python=None, find_links=None, no_index=False, index_args=(), on_line=None,
            on_progress=None, is_cancelled=None, poll_s=0.2):
    """Run pip to install ``requirements`` into the private ``folder``; see the module docstring.

    ``on_line(text)`` gets pip's output line by line, ``on_progress(fraction)`` a rough progress,
    ``is_cancelled()`` is polled (then pip is stopped and :class:`CancelledError` raised). Returns
    the names of the entries moved into ``folder``. Raises :class:`InputError` with pip's last
    lines when pip fails; ``folder`` is then as it was."""
    if not requirements:
        raise InputError("Nothing to install.")
    python = python or sys.executable
    cancelled = is_cancelled or (lambda: False)
    os.makedirs(os.path.dirname(folder), exist_ok=True)
    staging = f"{folder}.staging-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    os.makedirs(staging)
    constraints = os.path.join(staging, ".constraints.txt")
    with open(constraints, "w", encoding="utf-8") as handle:
        handle.write(NUMPY_CONSTRAINT + "\n")
    command = pip_command(python, os.path.join(staging, "packages"), requirements, constraints, find_links,
                          no_index, index_args)
    env = dict(os.environ, PIP_NO_INPUT="1", PYTHONNOUSERSITE="1")
    lines, tail = queue.Queue(), []
    try:
        if cancelled():
            raise CancelledError("The installation was cancelled before it started.")
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,  # nosec B603
                                   env=env, cwd=staging)
        reader = threading.Thread(target=_pump, args=(process.stdout, lines), daemon=True)
        reader.start()
        state = {"collected": 0}
        while True:
            try:
                line = lines.get(timeout=poll_s)
            except queue.Empty:
                line = None
            if line is not None:
                tail = (tail + [line.rstrip()])[-15:]
                if on_line:
                    on_line(line.rstrip())
                fraction = _progress_of(line, state)
                if fraction is not None and on_progress:
                    on_progress(fraction)
            if cancelled():
                process.terminate()
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
                raise CancelledError("The installation was cancelled: nothing was installed.")
            if line is None and process.poll() is not None and not reader.is_alive():
                break
        while not lines.empty():
            tail = (tail + [lines.get().rstrip()])[-15:]
        if process.returncode:
            shown = "\n".join(t for t in tail if t.strip())
            raise InputError(f"pip could not install {' '.join(requirements)} (exit code {process.returncode}); "
                             f"nothing was installed. pip said:\n{shown}")
        return _move_in(os.path.join(staging, "packages"), folder, on_progress)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _pump(stream, sink):
    for line in stream:
        sink.put(line)
    stream.close()


def _move_in(staged, folder, on_progress):
    """Move every entry of ``staged`` into ``folder`` (an entry already there is replaced)."""
    os.makedirs(folder, exist_ok=True)
    moved = []
    entries = sorted(os.listdir(staged)) if os.path.isdir(staged) else []
    for number, name in enumerate(entries):
        move_replacing(os.path.join(staged, name), os.path.join(folder, name))
        moved.append(name)
        if on_progress:
            on_progress(0.9 + 0.1 * (number + 1) / len(entries))
    return moved

