"""The region of interest: a rectangle with its CRS, where it came from, and its size in pixels.

The ROI is passed to the algorithms as EXTENT, a string ``"xmin,xmax,ymin,ymax [EPSG:n]"``. Its size
is given in pixels of the reference grid (the first checked Sentinel-2 layer): the grid cropped to
the ROI, snapped outwards to whole pixels and clipped to the layer, as the algorithms crop it.
"""

import math

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsMapLayerType,
    QgsProject,
    QgsRectangle,
    QgsUnitTypes,
    QgsWkbTypes,
)

_EPS = 1e-6


def _number(value):
    return format(float(value), ".12g")


class Roi:
    """A rectangle in a CRS; ``source`` says how it was chosen (for the dock's label)."""

    def __init__(self, rect, crs, source=""):
        self.rect = QgsRectangle(rect)
        self.crs = QgsCoordinateReferenceSystem(crs)
        self.source = source

    def is_valid(self):
        return not self.rect.isNull() and not self.rect.isEmpty() and self.rect.width() > 0 \
            and self.rect.height() > 0

    def crs_text(self):
        if not self.crs.isValid():
            return "no CRS"
        return self.crs.authid() or self.crs.description() or "custom CRS"

    def extent_string(self):
        """The EXTENT parameter value: 'xmin,xmax,ymin,ymax [EPSG:n]'."""
        r = self.rect
        text = ",".join(_number(v) for v in (r.xMinimum(), r.xMaximum(), r.yMinimum(), r.yMaximum()))
        if self.crs.isValid() and self.crs.authid():
            text += f" [{self.crs.authid()}]"
        return text

    def in_crs(self, crs, project=None):
        """The ROI's bounding box in ``crs`` (a QgsRectangle)."""
        crs = QgsCoordinateReferenceSystem(crs)
        if not self.crs.isValid() or not crs.isValid() or self.crs == crs:
            return QgsRectangle(self.rect)
        project = project or QgsProject.instance()
        transform = QgsCoordinateTransform(self.crs, crs, project.transformContext())
        return transform.transformBoundingBox(self.rect)

    def __repr__(self):
        return f"Roi({self.extent_string()}, {self.source!r})"


def roi_from_canvas(canvas, source="map extent"):
    settings = canvas.mapSettings()
    return Roi(canvas.extent(), settings.destinationCrs(), source)


def roi_from_layer(layer, source=None):
    if layer is None or not layer.isValid():
        return None
    extent = layer.extent()
    if extent.isNull() or extent.isEmpty():
        return None
    return Roi(extent, layer.crs(), source or f"extent of '{layer.name()}'")


def roi_from_selection(layer):
    """The bounding box of the selected features of a vector layer (None when none selected)."""
    if layer is None or layer.type() != QgsMapLayerType.VectorLayer or layer.selectedFeatureCount() == 0:
        return None
    box = layer.boundingBoxOfSelected()
    if box.isNull() or box.isEmpty():
        return None
    if layer.geometryType() == QgsWkbTypes.GeometryType.PolygonGeometry:
        what = "selected polygon" if layer.selectedFeatureCount() == 1 else "selected polygons"
    else:
        what = "selected features"
    return Roi(box, layer.crs(), f"{what} of '{layer.name()}'")


def grid_window(rect, grid_extent, pixel_x, pixel_y):
    """(columns, rows) of a north-up grid (``grid_extent``, pixel size) cropped to ``rect`` (same
    CRS): snapped outwards to whole pixels and clipped to the grid; None when they do not overlap."""
    if pixel_x <= 0 or pixel_y <= 0:
        return None
    x0, y1 = grid_extent.xMinimum(), grid_extent.yMaximum()
    width = int(round(grid_extent.width() / pixel_x))
    height = int(round(grid_extent.height() / pixel_y))
    c0 = max(0, math.floor((rect.xMinimum() - x0) / pixel_x + _EPS))
    c1 = min(width, math.ceil((rect.xMaximum() - x0) / pixel_x - _EPS))
    r0 = max(0, math.floor((y1 - rect.yMaximum()) / pixel_y + _EPS))
    r1 = min(height, math.ceil((y1 - rect.yMinimum()) / pixel_y - _EPS))
    if c1 <= c0 or r1 <= r0:
        return None
    return c1 - c0, r1 - r0


def roi_pixels(roi, reference_layer, project=None):
    """(columns, rows) of the reference grid inside the ROI (the whole layer when ``roi`` is None);
    None when the ROI misses the layer."""
    extent = reference_layer.extent()
    px, py = reference_layer.rasterUnitsPerPixelX(), reference_layer.rasterUnitsPerPixelY()
    if roi is None:
        return grid_window(extent, extent, px, py)
    return grid_window(roi.in_crs(reference_layer.crs(), project), extent, px, py)


def format_pixel_size(value, crs):
    if crs.isValid() and crs.mapUnits() == QgsUnitTypes.DistanceUnit.DistanceMeters:
        return f"{value:g} m"
    if crs.isValid() and crs.isGeographic():
        return f"{value:.6g}°"
    return f"{value:g} map units"
