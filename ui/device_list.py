"""The devices a network can run on here, for the dock's device combo (torch imported lazily).

No Qt in this module: :func:`list_devices` can be checked on a machine without QGIS.
"""

from dataclasses import dataclass


@dataclass
class DeviceOption:
    value: str        # the DEVICE string: auto, cpu, cuda:N, mps
    label: str        # what the combo shows
    detail: str = ""  # tooltip


@dataclass
class DeviceList:
    options: list
    torch_version: str = ""   # '' when torch cannot be imported
    torch_error: str = ""     # why torch cannot be imported
    cuda_build: str = ""      # CUDA version torch was built with ('' for CPU-only builds)
    note: str = ""            # one line for the dock (torch missing, no GPU found, ...)

    @property
    def values(self):
        return [o.value for o in self.options]

    @property
    def has_gpu(self):
        return any(o.value.startswith("cuda") or o.value == "mps" for o in self.options)


def _auto_label(target):
    return f"Automatic ({target})"


def list_devices(torch=None):
    """Automatic, CPU, each CUDA device by name and memory, and MPS when present.

    ``torch`` may be passed in (tests); by default it is imported here. When it cannot be imported
    only Automatic and CPU are offered and ``note`` says so.
    """
    import os

    cpu = DeviceOption("cpu", "CPU", f"{os.cpu_count() or 1} logical cores")
    if torch is None:
        try:
            import torch  # noqa: F811 (lazy import on purpose)
        except Exception as exc:  # noqa: BLE001 (ImportError, or a broken install raising OSError)
            return DeviceList(
                options=[DeviceOption("auto", "Automatic (CPU)", "torch is not installed"), cpu],
                torch_error=f"{type(exc).__name__}: {exc}",
                note="torch is not installed: only the CPU can be chosen, and the networks "
                     "(seq2point, seq2seq) cannot run until torch is installed.")
    gpus = []
    cuda_build = str(getattr(torch.version, "cuda", "") or "")
    try:
        cuda_ok = bool(torch.cuda.is_available())
    except Exception:  # noqa: BLE001 (a broken driver must not break the dock)
        cuda_ok = False
    if cuda_ok:
        for index in range(torch.cuda.device_count()):
            try:
                props = torch.cuda.get_device_properties(index)
                name, memory = props.name, props.total_memory / 2 ** 30
                gpus.append(DeviceOption(f"cuda:{index}", f"GPU cuda:{index}: {name} ({memory:.0f} GiB)",
                                         f"CUDA device {index}, {memory:.1f} GiB, CUDA {cuda_build}"))
            except Exception as exc:  # noqa: BLE001
                gpus.append(DeviceOption(f"cuda:{index}", f"GPU cuda:{index}", f"cannot query: {exc}"))
    backend = getattr(getattr(torch, "backends", None), "mps", None)
    try:
        mps_ok = bool(backend is not None and backend.is_available())
    except Exception:  # noqa: BLE001
        mps_ok = False
    if mps_ok:
        gpus.append(DeviceOption("mps", "Apple GPU (MPS)", "Apple Metal Performance Shaders"))
    cuda_gpus = [g for g in gpus if g.value.startswith("cuda")]
    auto = DeviceOption("auto", _auto_label("cuda:0" if cuda_gpus else "CPU"),
                        "CUDA when available, else the CPU")
    note = ""
    if not gpus:
        if cuda_build:
            note = (f"torch {torch.__version__} has CUDA {cuda_build} but no usable GPU/driver was found: "
                    "networks run on the CPU.")
        else:
            note = (f"torch {torch.__version__} is a CPU-only build: networks run on the CPU. Install a "
                    "CUDA build of torch (pytorch.org) to use an NVIDIA GPU.")
    return DeviceList(options=[auto, cpu, *gpus], torch_version=str(torch.__version__),
                      cuda_build=cuda_build, note=note)
