"""Which cloud-mask method suits a Sentinel-2 layer when the user leaves it to the plugin.

s2cloudless was trained on Level-1C top-of-atmosphere reflectance; ukis-csmask has Level-2A models
and marks cloud shadows too. ``auto``: s2cloudless for a Level-1C layer (it has B10, or its
metadata or name says L1C), ukis-csmask for a Level-2A layer when the package is installed and the
layer has its bands, else s2cloudless with the reason (its probabilities on L2A are less reliable).
"""

import importlib.util

from .csmask import FOUR_BANDS, product_level_of
from .raster_info import describe_raster

METHODS = ("s2cloudless", "scl", "csmask", "auto")


def csmask_installed():
    return all(importlib.util.find_spec(name) is not None for name in ("ukis_csmask", "onnxruntime"))


def choose_method(path):
    """(``'s2cloudless'`` or ``'csmask'``, the reason in words) for the layer at ``path``."""
    info = describe_raster(path, role="Sentinel-2 layer")
    names = info.layout.names if info.layout.known else ()
    level = product_level_of(info)
    if "B10" in names or level == "l1c":
        return "s2cloudless", "Level-1C (" + ("it has B10" if "B10" in names else "its metadata or name") + ")"
    missing = info.layout.missing(FOUR_BANDS) if info.layout.known else list(FOUR_BANDS)
    if missing:
        return "s2cloudless", f"not Level-1C, but it lacks {' '.join(missing)}, which ukis-csmask needs"
    if not csmask_installed():
        return "s2cloudless", ("Level-2A, but the packages ukis-csmask and onnxruntime are not installed "
                               "(python -m pip install ukis-csmask onnxruntime): s2cloudless is less reliable on L2A")
    return "csmask", "Level-2A (" + ("its metadata or name" if level == "l2a" else "no B10") + ")"
