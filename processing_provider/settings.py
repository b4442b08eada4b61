"""Plugin settings shared by the dock and the algorithms (QgsSettings, no torch here).

Keys (under the user's QGIS profile):

- ``s2cloudfree/device``: the preferred device, ``auto``, ``cpu``, ``cuda``, ``cuda:N`` or ``mps``.
  ``DEVICE=auto`` in an algorithm means this device (core.device.resolve_device(..., preferred=)).
- ``s2cloudfree/torch_threads``: the most CPU threads torch may use (0 = torch's own choice).
- ``s2cloudfree/last_device/*``: what the last network run asked for and what actually ran, written
  by the algorithms (:func:`set_last_device_used`) and shown by the dock.

Everything here is plain QgsSettings: safe to call from a Processing worker thread (each call
makes its own QgsSettings object) and cheap to import.
"""

import datetime as _dt
import re

from qgis.core import QgsSettings

KEY_DEVICE = "s2cloudfree/device"
KEY_TORCH_THREADS = "s2cloudfree/torch_threads"
KEY_LAST_DEVICE = "s2cloudfree/last_device/device"
KEY_LAST_REQUESTED = "s2cloudfree/last_device/requested"
KEY_LAST_ALGORITHM = "s2cloudfree/last_device/algorithm"
KEY_LAST_TIME = "s2cloudfree/last_device/time"
KEY_OUTPUT_FOLDER = "s2cloudfree/output_folder"
KEY_RUN_MODE = "s2cloudfree/run_mode"

DEFAULT_DEVICE = "auto"
_DEVICE_RE = re.compile(r"^(auto|cpu|cuda|cuda:\d+|mps)$")


def normalise_device(value):
    """The canonical device string of ``value`` (lower case, no blanks), or None when invalid."""
    text = str(value).strip().lower().replace(" ", "") if value is not None else ""
    return text if _DEVICE_RE.match(text) else None


def preferred_device():
    """The device chosen in the dock ('auto' when nothing valid is saved)."""
    return normalise_device(QgsSettings().value(KEY_DEVICE, DEFAULT_DEVICE)) or DEFAULT_DEVICE


def set_preferred_device(value):
    """Save the preferred device; ValueError for anything but auto, cpu, cuda, cuda:N, mps."""
    device = normalise_device(value)
    if device is None:
        raise ValueError(f"Unknown device '{value}': use auto, cpu, cuda, cuda:N (N = 0, 1, ...) or mps.")
    QgsSettings().setValue(KEY_DEVICE, device)
    return device


def torch_threads():
    """The torch thread limit (0: no limit set, torch decides)."""
    try:
        return max(0, int(QgsSettings().value(KEY_TORCH_THREADS, 0)))
    except (TypeError, ValueError):
        return 0


def set_torch_threads(count):
    count = max(0, int(count))
    QgsSettings().setValue(KEY_TORCH_THREADS, count)
    return count


def is_gpu_request(requested, preferred=None):
    """Whether a DEVICE value asks for a GPU (``auto`` does when the preference is a GPU)."""
    device = normalise_device(requested) or DEFAULT_DEVICE
    if device == "auto":
        pref = normalise_device(preferred) if preferred is not None else None
        return bool(pref) and pref not in ("auto", "cpu")
    return device != "cpu"


def set_last_device_used(device, requested=None, algorithm=None):
    """Record the device that ran (e.g. 'cuda:0 (NVIDIA H100)' or 'cpu (4 threads)'), what
    DEVICE asked for and which algorithm ran. Called by the algorithms when a network has run."""
    settings = QgsSettings()
    settings.setValue(KEY_LAST_DEVICE, str(device or ""))
    settings.setValue(KEY_LAST_REQUESTED, str(requested or ""))
    settings.setValue(KEY_LAST_ALGORITHM, str(algorithm or ""))
    settings.setValue(KEY_LAST_TIME, _dt.datetime.now().isoformat(timespec="seconds"))


def last_device_used():
    """The device that ran last ('' when nothing has run yet)."""
    return str(QgsSettings().value(KEY_LAST_DEVICE, "") or "")


def last_device_record():
    """{'device', 'requested', 'algorithm', 'time'} of the last run (strings, '' when unknown)."""
    settings = QgsSettings()
    return {
        "device": str(settings.value(KEY_LAST_DEVICE, "") or ""),
        "requested": str(settings.value(KEY_LAST_REQUESTED, "") or ""),
        "algorithm": str(settings.value(KEY_LAST_ALGORITHM, "") or ""),
        "time": str(settings.value(KEY_LAST_TIME, "") or ""),
    }


def gpu_not_used_warning(record=None, preferred=None):
    """A warning when the last run asked for a GPU and ran on the CPU, else ''."""
    record = record if record is not None else last_device_record()
    used = (record.get("device") or "").strip().lower()
    requested = record.get("requested") or ""
    if not used:
        return ""
    preferred = preferred if preferred is not None else preferred_device()
    if is_gpu_request(requested, preferred) and used.startswith("cpu"):
        asked = requested if normalise_device(requested) != "auto" else f"auto = {preferred}"
        return (f"A GPU was asked for ({asked}) but the last run used the CPU. Check that torch has "
                "CUDA (or MPS) support and that the GPU is visible to QGIS.")
    return ""


def output_folder():
    return str(QgsSettings().value(KEY_OUTPUT_FOLDER, "") or "")


def set_output_folder(path):
    QgsSettings().setValue(KEY_OUTPUT_FOLDER, str(path or ""))


def run_mode():
    """'dialog' (open the Processing dialog prefilled) or 'background'."""
    mode = str(QgsSettings().value(KEY_RUN_MODE, "dialog") or "dialog")
    return mode if mode in ("dialog", "background") else "dialog"


def set_run_mode(mode):
    if mode not in ("dialog", "background"):
        raise ValueError(f"Unknown run mode '{mode}'.")
    QgsSettings().setValue(KEY_RUN_MODE, mode)
