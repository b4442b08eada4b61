"""Which torch device runs a network: DEVICE strings to ``torch.device``, with clear errors.

Accepted: ``auto``, ``cpu``, ``cuda``, ``cuda:N`` and ``mps`` (case-insensitive). ``auto`` is the
device chosen in the plugin settings (passed in by the caller as ``preferred``), else CUDA when
available, else the CPU. A device that this machine or this torch build cannot use is an
:class:`InputError` that says why, never a silent fall-back to the CPU.
"""

import re

from .dependencies import require
from .errors import InputError

DEVICE_CHOICES = ("auto", "cpu", "cuda", "mps")
_CUDA_RE = re.compile(r"^cuda(?::(\d+))?$")


def _cuda_problem(torch, index):
    if not torch.cuda.is_available():
        build = getattr(torch.version, "cuda", None)
        if not build:
            return (f"this torch build ({torch.__version__}) has no CUDA support: install a CUDA build of "
                    "torch (see pytorch.org) or choose 'cpu'")
        return f"CUDA {build} is built in but no usable NVIDIA GPU/driver was found: choose 'cpu'"
    count = torch.cuda.device_count()
    if index is not None and index >= count:
        return f"there {'is' if count == 1 else 'are'} only {count} CUDA device(s) (cuda:0 .. cuda:{count - 1})"
    return None


def _mps_available(torch):
    backend = getattr(torch.backends, "mps", None)
    return bool(backend is not None and backend.is_available())


def resolve_device(name="auto", preferred=None):
    """The ``torch.device`` for a DEVICE string.

    ``preferred`` is the plugin setting used for ``auto`` (None, '' or 'auto': no preference).
    Raises InputError for an unknown string or a device that cannot be used here.
    """
    torch = require("torch")
    text = (str(name).strip().lower() if name is not None else "auto") or "auto"
    if text == "auto":
        pref = (str(preferred).strip().lower() if preferred else "")
        if pref and pref != "auto":
            try:
                return resolve_device(pref)
            except InputError as exc:
                raise InputError(f"The device set in the plugin settings cannot be used: {exc}") from exc
        return torch.device("cuda") if torch.cuda.is_available() else torch.device("cpu")
    if text == "cpu":
        return torch.device("cpu")
    match = _CUDA_RE.match(text)
    if match:
        index = int(match.group(1)) if match.group(1) is not None else None
        problem = _cuda_problem(torch, index)
        if problem:
            raise InputError(f"DEVICE '{name}' cannot be used: {problem}.")
        return torch.device("cuda", index) if index is not None else torch.device("cuda")
    if text == "mps":
        if not _mps_available(torch):
            raise InputError(f"DEVICE '{name}' cannot be used: Apple Metal (MPS) is not available in this "
                             f"torch build ({torch.__version__}) or on this machine; choose 'cpu'.")
        return torch.device("mps")
    raise InputError(f"Unknown DEVICE '{name}': use auto, cpu, cuda, cuda:N (N = 0, 1, ...) or mps.")


def describe_device(device):
    """One log line naming the device that runs, e.g. 'cuda:0 (NVIDIA H100 80GB HBM3)'."""
    torch = require("torch")
    device = torch.device(device)
    if device.type == "cuda":
        index = device.index if device.index is not None else torch.cuda.current_device()
        return f"cuda:{index} ({torch.cuda.get_device_name(index)})"
    if device.type == "cpu":
        return f"cpu ({torch.get_num_threads()} threads)"
    return str(device)
