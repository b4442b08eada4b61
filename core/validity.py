"""Which pixels are valid observations and which are clear of cloud."""

import numpy as np


def valid_pixels(data, nodata=None):
    """Boolean (rows x cols) of pixels that hold an observation.

    ``data`` is bands x rows x cols. A pixel is not valid when every band equals the
    declared nodata value, when any band is NaN, or when its whole spectrum is zero
    (how Sentinel-2 products and most exports mark areas outside the swath).
    """
    if np.issubdtype(data.dtype, np.floating):
        valid = ~np.isnan(data).any(axis=0)
    else:
        valid = np.ones(data.shape[1:], dtype=bool)
    valid &= data.any(axis=0)
    if _usable_nodata(nodata, data.dtype):
        valid &= ~(data == data.dtype.type(nodata)).all(axis=0)
    return valid


def _usable_nodata(nodata, dtype):
    """True for a declared nodata value other than 0 (already covered) or NaN that
    the data type can hold."""
    if nodata is None or nodata == 0 or np.isnan(nodata):
        return False
    if np.issubdtype(dtype, np.integer):
        info = np.iinfo(dtype)
        return info.min <= nodata <= info.max and float(nodata).is_integer()
    return True


def clear_from_mask(mask, mask_nodata=None):
    """Boolean clear-sky pixels of a cloud mask: 0 is clear; any other value (cloud,
    shadow, the mask's nodata) is not."""
    clear = mask == 0
    if mask_nodata is not None and mask_nodata == 0:
        clear[:] = False  # a mask whose nodata is 0 cannot say 'clear' with 0
    return clear
