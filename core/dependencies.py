"""Import heavy packages on demand, with a message that says how to install them."""

import importlib
import sys

from .errors import MissingDependencyError

# Package import name -> (pip requirement, why the plugin needs it, Debian package if any).
_PACKAGES = {
    "rasterio": ("rasterio", "reading and writing GeoTIFF rasters", "python3-rasterio"),
    "numpy": ("numpy<2", "all raster computations", "python3-numpy"),
    "torch": ("torch", "the neural networks (seq2point, seq2seq)", None),
    "s2cloudless": ("s2cloudless==1.7.3", "cloud masks", None),
    "onnxruntime": ("onnxruntime", "the ukis-csmask cloud and shadow detector", None),
    "ukis_csmask": ("ukis-csmask", "the ukis-csmask cloud and shadow detector", None),
    "ukis_csmask.mask": ("ukis-csmask", "the ukis-csmask cloud and shadow detector", None),
}


def install_hint(name):
    """Return a one-line instruction that installs ``name`` for the Python running QGIS."""
    requirement, _why, debian = _PACKAGES.get(name, (name, "", None))
    if debian and sys.platform.startswith("linux"):
        return f"sudo apt-get install {debian}   (or: {sys.executable} -m pip install '{requirement}')"
    return f"python -m pip install '{requirement}' with the Python that runs QGIS"


def require(name):
    """Import and return module ``name`` or raise :class:`MissingDependencyError`."""
    try:
        return importlib.import_module(name)
    except ImportError as exc:
        why = _PACKAGES.get(name, (name, "this algorithm", None))[1]
        raise MissingDependencyError(
            f"The Python package '{name}' is needed for {why} but cannot be imported "
            f"({exc}). Install it: {install_hint(name)}"
        ) from exc
