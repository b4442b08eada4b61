"""Cloud percentage of a mask inside the region of interest, read on demand with rasterio.

Only the window of the mask that covers the ROI is read, decimated (nearest) when it is larger than
:data:`MAX_SIDE` pixels on a side, so the dock stays responsive on whole scenes. The definition is
the algorithms': a pixel is clear where the mask is 0; any other value (cloud, shadow, the mask's
nodata) is not clear.
"""

import math

#: Largest window side read at full resolution; bigger windows are decimated.
MAX_SIDE = 2048


def cloud_fraction(mask_path, bounds=None):
    """Share (0..1) of the pixels of ``bounds`` (xmin, ymin, xmax, ymax in the mask's CRS; None =
    the whole mask) that are not clear. None when the bounds miss the mask."""
    import numpy as np
    import rasterio
    from rasterio.windows import Window, from_bounds

    with rasterio.open(mask_path) as ds:
        full = Window(0, 0, ds.width, ds.height)
        if bounds is None:
            window = full
        else:
            xmin, ymin, xmax, ymax = bounds
            window = from_bounds(xmin, ymin, xmax, ymax, transform=ds.transform)
            col0 = max(0, math.floor(window.col_off + 1e-6))
            row0 = max(0, math.floor(window.row_off + 1e-6))
            col1 = min(ds.width, math.ceil(window.col_off + window.width - 1e-6))
            row1 = min(ds.height, math.ceil(window.row_off + window.height - 1e-6))
            if col1 <= col0 or row1 <= row0:
                return None
            window = Window(col0, row0, col1 - col0, row1 - row0)
        height, width = int(window.height), int(window.width)
        scale = max(1.0, max(height, width) / MAX_SIDE)
        out_shape = (max(1, int(round(height / scale))), max(1, int(round(width / scale))))
        data = ds.read(1, window=window, out_shape=out_shape)
    return float(np.count_nonzero(data != 0)) / data.size
