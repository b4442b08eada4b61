"""The reference grid every layer of a run is put on, and extents in any CRS."""

import math

from .dependencies import require
from .errors import InputError

_EPS = 1e-6


class Grid:
    """A north-up pixel grid: CRS (or None), affine transform, width and height."""

    def __init__(self, crs, transform, width, height):
        if transform.b != 0 or transform.d != 0:
            raise InputError("Rotated or sheared rasters are not supported; warp them to a north-up grid first.")
        self.crs = crs
        self.transform = transform
        self.width = int(width)
        self.height = int(height)

    @classmethod
    def of_dataset(cls, dataset):
        return cls(dataset.crs, dataset.transform, dataset.width, dataset.height)

    @property
    def res(self):
        return abs(self.transform.a), abs(self.transform.e)

    @property
    def bounds(self):
        t = self.transform
        x0, y0 = t.c, t.f
        x1, y1 = t.c + t.a * self.width, t.f + t.e * self.height
        return min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)

    @property
    def shape(self):
        return self.height, self.width

    @property
    def pixels(self):
        return self.width * self.height

    def crs_name(self):
        if self.crs is None:
            return "no CRS (pixel coordinates)"
        epsg = self.crs.to_epsg()
        return f"EPSG:{epsg}" if epsg else self.crs.to_string()

    def describe(self):
        xres, yres = self.res
        b = self.bounds
        return (f"{self.width} x {self.height} px, {self.crs_name()}, pixel {xres:g} x {yres:g}, "
                f"bounds ({b[0]:.6g}, {b[1]:.6g}, {b[2]:.6g}, {b[3]:.6g})")

    def same_crs(self, other):
        if self.crs is None or other.crs is None:
            return self.crs is None and other.crs is None
        return self.crs == other.crs

    def pixel_offset_in(self, other):
        """(row, col) of this grid's top-left pixel inside ``other`` when both grids share
        CRS, pixel size and pixel alignment; None when reading needs resampling."""
        if not self.same_crs(other):
            return None
        a, b = self.transform, other.transform
        if abs(a.a - b.a) > _EPS * abs(b.a) or abs(a.e - b.e) > _EPS * abs(b.e):
            return None
        col = (a.c - b.c) / b.a
        row = (a.f - b.f) / b.e
        if abs(col - round(col)) > 1e-3 or abs(row - round(row)) > 1e-3:
            return None
        return int(round(row)), int(round(col))

    def equals(self, other):
        return self.pixel_offset_in(other) == (0, 0) and self.shape == other.shape

    def window_transform(self, window):
        """Affine transform of a window (row_off, col_off, height, width) of this grid."""
        affine = require("affine")
        return self.transform * affine.Affine.translation(window.col_off, window.row_off)

    def crop(self, bounds):
        """The sub-grid covering ``bounds`` (in this grid's CRS), snapped outwards to whole
        pixels and clipped to the grid; None when they do not overlap."""
        left, bottom, right, top = bounds
        inv = ~self.transform
        cols, rows = [], []
        for x, y in ((left, bottom), (left, top), (right, bottom), (right, top)):
            c, r = inv * (x, y)
            cols.append(c)
            rows.append(r)
        c0 = max(0, math.floor(min(cols) + _EPS))
        c1 = min(self.width, math.ceil(max(cols) - _EPS))
        r0 = max(0, math.floor(min(rows) + _EPS))
        r1 = min(self.height, math.ceil(max(rows) - _EPS))
        if c1 <= c0 or r1 <= r0:
            return None
        affine = require("affine")
        transform = self.transform * affine.Affine.translation(c0, r0)
        return Grid(self.crs, transform, c1 - c0, r1 - r0)


def bounds_in_crs(bounds, bounds_crs, target_crs):
    """Transform ``bounds`` from ``bounds_crs`` (anything rasterio understands: WKT,
    'EPSG:n', a CRS) to ``target_crs``. No CRS on either side: returned unchanged."""
    if bounds_crs in (None, "") or target_crs is None:
        return tuple(bounds)
    rasterio = require("rasterio")
    from rasterio.warp import transform_bounds

    src = bounds_crs if isinstance(bounds_crs, rasterio.crs.CRS) else rasterio.crs.CRS.from_user_input(bounds_crs)
    if src == target_crs:
        return tuple(bounds)
    return tuple(transform_bounds(src, target_crs, *bounds, densify_pts=21))
